/*
 * What a domain event may carry, decided without a database: the shape of
 * its type, the facts of its payload, and the names a payload never holds.
 */
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "platform/events/events.h"

/* Kept in step with the CHECK platform_events_no_secrets (migration 20261204000000_domain_events). */
static const char *const secret_names[] = {
	"password", "password_hash", "token", "token_hash", "secret", "api_key", "private_key",
};

bool event_type_valid(const char *type)
{
	int words = 0;
	bool word_start = true;
	size_t length = 0;

	if (!type)
		return false;
	for (const char *p = type; *p; p++, length++) {
		if (*p == '.') {
			if (word_start)
				return false;
			word_start = true;
			continue;
		}
		if (word_start ? !(*p >= 'a' && *p <= 'z')
			       : !((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return false;
		if (word_start)
			words++;
		word_start = false;
	}
	return words == 3 && !word_start && length <= 100;
}

static bool names_secret(const char *key)
{
	for (size_t i = 0; i < sizeof(secret_names) / sizeof(secret_names[0]); i++)
		if (strcasecmp(key, secret_names[i]) == 0)
			return true;
	return false;
}

const char *event_payload_secret(json_t *payload)
{
	const char *key, *found = NULL;
	json_t *value;
	size_t i;

	if (json_is_object(payload)) {
		json_object_foreach(payload, key, value) {
			if (names_secret(key))
				return key;
			if ((found = event_payload_secret(value)))
				return found;
		}
	} else if (json_is_array(payload)) {
		json_array_foreach(payload, i, value)
			if ((found = event_payload_secret(value)))
				return found;
	}
	return NULL;
}

/* Absent and null are the same "no value" (as in the audit trail's changes). */
static bool same_value(json_t *a, json_t *b)
{
	bool a_none = !a || json_is_null(a), b_none = !b || json_is_null(b);

	return (a_none && b_none) || (a && b && json_equal(a, b));
}

json_t *event_payload(json_t *before, json_t *after, const char *const *fields, size_t count)
{
	json_t *now = after ? after : before;
	json_t *payload = json_object(), *changed = before && after ? json_array() : NULL;
	bool failed = !payload || (before && after && !changed);

	for (size_t i = 0; i < count && !failed; i++) {
		json_t *value = json_object_get(now, fields[i]);
		json_t *old_value = before ? json_object_get(before, fields[i]) : NULL;

		if (value && json_object_set(payload, fields[i], value))
			failed = true;
		if (changed && !same_value(old_value, value) &&
		    json_array_append_new(changed, json_string(fields[i])))
			failed = true;
	}
	if (!failed && changed && json_object_set(payload, "changed", changed))
		failed = true;
	json_decref(changed);
	if (failed) {
		json_decref(payload);
		return NULL;
	}
	return payload;
}
