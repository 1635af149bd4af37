#include "test/support/event_fixture.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test/support/iam_fixture.h"
#include "test/support/testlib.h"

static const char reader_password[] = "event-reader-password-01";

void test_events_reader(const char *base_url, const char *admin_token, const char *email,
			char token[64])
{
	struct test_response r;
	char id[40];

	test_iam_request(base_url, "POST", "/api/v1/roles", admin_token, NULL,
			 "{\"name\":\"event-reader\",\"permissions\":[\"platform.event.read\"]}", &r);
	ck_assert_msg(r.status == 201 || r.status == 409, "create role event-reader: %ld %s",
		      r.status, r.body);
	test_response_free(&r);
	test_iam_create_user(base_url, admin_token, email, reader_password, id);
	test_iam_grant(base_url, admin_token, id, "event-reader", NULL, NULL);
	ck_assert_int_eq(test_iam_login(base_url, email, reader_password, token), 0);
}

long test_events_fetch(const char *base_url, const char *token, const char *company,
		       long long after, int limit, json_t **page)
{
	char url[512], auth[128];
	const char *headers[] = { auth, NULL };
	struct test_response r;
	long status;

	*page = NULL;
	if (company)
		snprintf(url, sizeof(url), "%s/api/v1/companies/%s/events?after=%lld&limit=%d",
			 base_url, company, after, limit);
	else
		snprintf(url, sizeof(url), "%s/api/v1/events?after=%lld&limit=%d", base_url, after,
			 limit);
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
	if (test_http("GET", url, headers, NULL, 0, &r) != 0)
		return -1;
	status = r.status;
	if (status == 200 && r.json)
		*page = json_incref(r.json);
	test_response_free(&r);
	return status;
}

json_t *test_events_after(const char *base_url, const char *token, const char *company,
			  long long after)
{
	json_t *all = json_array(), *page = NULL, *event;
	bool more = true;
	size_t i;

	while (more) {
		long status = test_events_fetch(base_url, token, company, after, 200, &page);

		ck_assert_msg(status == 200, "events of %s after %lld: %ld", company ? company : "(global)",
			      after, status);
		json_array_foreach(json_object_get(page, "items"), i, event) {
			long long sequence = json_integer_value(json_object_get(event, "sequence"));

			ck_assert_msg(sequence == after + 1, "stream %s: %lld follows %lld",
				      company ? company : "(global)", sequence, after);
			after = sequence;
			json_array_append(all, event);
		}
		ck_assert_int_eq(json_integer_value(json_object_get(page, "next_after")), after);
		more = json_is_true(json_object_get(page, "has_more"));
		json_decref(page);
	}
	return all;
}

long long test_events_last(const char *base_url, const char *token, const char *company)
{
	json_t *events = test_events_after(base_url, token, company, 0);
	long long last = (long long)json_array_size(events);

	json_decref(events);
	return last;
}

void test_events_expect_types(json_t *events, const char *const *types)
{
	json_t *list = json_array(), *event;
	size_t count = 0, i;
	char *seen;

	json_array_foreach(events, i, event)
		json_array_append(list, json_object_get(event, "type"));
	seen = json_dumps(list, JSON_COMPACT);
	while (types[count])
		count++;
	ck_assert_msg(json_array_size(events) == count, "expected %zu events, got: %s", count, seen);
	json_array_foreach(events, i, event)
		ck_assert_msg(strcmp(json_string_value(json_object_get(event, "type")), types[i]) == 0,
			      "event %zu is not %s; the events: %s", i, types[i], seen);
	free(seen);
	json_decref(list);
}

json_t *test_events_since(const char *base_url, const char *token, const char *company,
			  long long after, const char *const *types)
{
	json_t *events = test_events_after(base_url, token, company, after);

	test_events_expect_types(events, types);
	return events;
}

json_t *test_events_payload(json_t *event, const char *name)
{
	return json_object_get(json_object_get(event, "payload"), name);
}
