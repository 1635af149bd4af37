/* What a domain event may carry (server/src/platform/events/event_payload.c). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "platform/events/events.h"
#include "test/support/check_main.h"

static const char *const fields[] = { "id", "name", "active", "parent" };

/* The payload as compact, sorted JSON text, for one comparison per case. */
static void assert_payload(json_t *payload, const char *expected)
{
	char *text;

	ck_assert_ptr_nonnull(payload);
	text = json_dumps(payload, JSON_COMPACT | JSON_SORT_KEYS);
	ck_assert_str_eq(text, expected);
	free(text);
	json_decref(payload);
}

START_TEST(types_read_module_entity_verb)
{
	static const struct {
		const char *type;
		bool valid;
	} cases[] = {
		{ "ledger.entry.posted", true },
		{ "iam.grant.requested", true },
		{ "ledger.settings.change_confirmed", true },
		{ "ledger.fiscal_year.created", true },
		{ "a1.b2.c3", true },
		{ "ledger.entry", false },
		{ "ledger.entry.posted.again", false },
		{ "Ledger.entry.posted", false },
		{ "ledger..posted", false },
		{ "ledger.entry.", false },
		{ ".entry.posted", false },
		{ "ledger.1entry.posted", false },
		{ "ledger.entry.post-ed", false },
		{ "ledger.entry.posted ", false },
		{ "", false },
		{ NULL, false },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_msg(event_type_valid(cases[i].type) == cases[i].valid, "%s",
			      cases[i].type ? cases[i].type : "(null)");
}
END_TEST

START_TEST(types_are_at_most_100_characters)
{
	char type[128] = "ledger.entry.";

	for (size_t i = 13; i < 100; i++)
		type[i] = 'x';
	type[100] = '\0';
	ck_assert(event_type_valid(type));
	type[100] = 'x';
	type[101] = '\0';
	ck_assert(!event_type_valid(type));
}
END_TEST

START_TEST(a_created_entity_gives_its_fields)
{
	json_t *after = json_pack("{s:s, s:s, s:b, s:n, s:s}", "id", "a1", "name", "Cash", "active", 1,
				  "parent", "secret_ish", "other");

	assert_payload(event_payload(NULL, after, fields, 4),
		       "{\"active\":true,\"id\":\"a1\",\"name\":\"Cash\",\"parent\":null}");
	json_decref(after);
}
END_TEST

START_TEST(a_removed_entity_gives_its_last_fields)
{
	json_t *before = json_pack("{s:s, s:s}", "id", "a1", "name", "Cash");

	/* A field the entity lacks is left out, not invented. */
	assert_payload(event_payload(before, NULL, fields, 4), "{\"id\":\"a1\",\"name\":\"Cash\"}");
	json_decref(before);
}
END_TEST

START_TEST(a_change_names_what_changed_in_field_order)
{
	json_t *before = json_pack("{s:s, s:s, s:b, s:n}", "id", "a1", "name", "Cash", "active", 1,
				   "parent", "parent");
	json_t *after = json_pack("{s:s, s:s, s:b}", "id", "a1", "name", "Bank", "active", 0);

	/* parent: null before, absent after: no value either way, so no change. */
	assert_payload(event_payload(before, after, fields, 4),
		       "{\"active\":false,\"changed\":[\"name\",\"active\"],\"id\":\"a1\",\"name\":\"Bank\"}");
	json_decref(before);
	json_decref(after);
}
END_TEST

START_TEST(an_unchanged_entity_says_so)
{
	json_t *same = json_pack("{s:s}", "id", "a1");

	assert_payload(event_payload(same, same, fields, 4), "{\"changed\":[],\"id\":\"a1\"}");
	json_decref(same);
}
END_TEST

START_TEST(secrets_are_found_at_any_depth_in_any_case)
{
	static const struct {
		const char *json;
		const char *secret;
	} cases[] = {
		{ "{\"id\":\"u1\",\"email\":\"a@b.c\"}", NULL },
		{ "{\"password\":\"x\"}", "password" },
		{ "{\"user\":{\"Password_Hash\":\"x\"}}", "Password_Hash" },
		{ "{\"lines\":[{\"a\":1},{\"b\":{\"TOKEN\":null}}]}", "TOKEN" },
		{ "{\"api_key\":1}", "api_key" },
		{ "{\"private_key\":1}", "private_key" },
		{ "{\"secret\":1}", "secret" },
		{ "{\"token_hash\":1}", "token_hash" },
		/* Names that merely contain a secret's are facts, not secrets. */
		{ "{\"must_change_password\":true,\"tokens_issued\":3}", NULL },
		/* Values are not names. */
		{ "{\"note\":\"password\",\"list\":[\"token\"]}", NULL },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *payload = json_loads(cases[i].json, 0, NULL);
		const char *found;

		ck_assert_ptr_nonnull(payload);
		found = event_payload_secret(payload);
		if (cases[i].secret)
			ck_assert_msg(found && strcmp(found, cases[i].secret) == 0, "%s", cases[i].json);
		else
			ck_assert_msg(!found, "%s found %s", cases[i].json, found);
		json_decref(payload);
	}
	ck_assert_ptr_null(event_payload_secret(NULL));
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("platform/event_payload");
	TCase *types = tcase_create("types");
	TCase *payloads = tcase_create("payloads");

	tcase_add_test(types, types_read_module_entity_verb);
	tcase_add_test(types, types_are_at_most_100_characters);
	suite_add_tcase(s, types);
	tcase_add_test(payloads, a_created_entity_gives_its_fields);
	tcase_add_test(payloads, a_removed_entity_gives_its_last_fields);
	tcase_add_test(payloads, a_change_names_what_changed_in_field_order);
	tcase_add_test(payloads, an_unchanged_entity_says_so);
	tcase_add_test(payloads, secrets_are_found_at_any_depth_in_any_case);
	suite_add_tcase(s, payloads);
	return s;
}
