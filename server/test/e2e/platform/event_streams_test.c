/*
 * Reading the streams of domain events (server/src/platform/events/event_streams.c)
 * end to end, against the real erp-server-test binary connected as an
 * erp_app login: platform.event.read is enforced (401, 403, and 404 for a
 * company the caller has no role in, as everywhere); a company's stream
 * holds that company's events and nothing else, the global stream no
 * company's; pages follow `after` and `limit` with next_after and has_more;
 * bad parameters are 422; the routes are in /openapi.json with their
 * permission and response schema.
 */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test/support/check_main.h"
#include "test/support/event_fixture.h"
#include "test/support/iam_fixture.h"
#include "test/support/ledger_fixture.h"
#include "test/support/testlib.h"

static struct test_ledger L;
static struct test_ledger_user keeper, member, a_reader;
static char reader[64];

static void start_shared(void)
{
	test_ledger_start_as_app(&L, "t_event_streams", "t_event_streams_app");
	test_events_reader(L.server.base_url, L.admin_token, "reader@event-streams.test", reader);
	test_ledger_company(&L, "SA", "EUR");
	test_ledger_company(&L, "SB", "EUR");
	test_ledger_company(&L, "SC", "EUR");
	test_ledger_role(&L, "es-keeper", "[\"ledger.account.manage\",\"ledger.account.read\"]");
	test_ledger_user(&L, "keeper@event-streams.test", &keeper);
	test_ledger_grant(&L, keeper.id, "es-keeper", "SA", NULL);
	test_ledger_grant(&L, keeper.id, "es-keeper", "SB", NULL);
	test_ledger_grant(&L, keeper.id, "es-keeper", "SC", NULL);
	/* A member of SA without the permission, and a reader of SA's stream only. */
	test_ledger_role(&L, "es-member", "[\"ledger.account.read\"]");
	test_ledger_user(&L, "member@event-streams.test", &member);
	test_ledger_grant(&L, member.id, "es-member", "SA", NULL);
	test_ledger_user(&L, "a-reader@event-streams.test", &a_reader);
	test_ledger_grant(&L, a_reader.id, "event-reader", "SA", NULL);
}

static void stop_shared(void)
{
	test_ledger_stop(&L);
}

static long status_of(const char *token, const char *path)
{
	return test_ledger_call(&L, token, "GET", path, NULL, NULL, NULL);
}

START_TEST(the_permission_is_enforced)
{
	static const struct {
		const char *who;
		const char *path;
		long status;
	} cases[] = {
		{ "anonymous", "/api/v1/events", 401 },
		{ "anonymous", "/api/v1/companies/SA/events", 401 },
		{ "member", "/api/v1/events", 403 },
		{ "member", "/api/v1/companies/SA/events", 403 },
		{ "member", "/api/v1/companies/SB/events", 404 },
		{ "a_reader", "/api/v1/companies/SA/events", 200 },
		{ "a_reader", "/api/v1/companies/SB/events", 404 },
		{ "a_reader", "/api/v1/events", 403 },
		{ "reader", "/api/v1/events", 200 },
		{ "reader", "/api/v1/companies/SA/events", 200 },
		{ "reader", "/api/v1/companies/SB/events", 200 },
		{ "reader", "/api/v1/companies/NOPE/events", 404 },
		/* The administrator manages identities; reading the streams is another's job. */
		{ "admin", "/api/v1/events", 403 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *who = cases[i].who;
		const char *token = strcmp(who, "member") == 0     ? member.token
				    : strcmp(who, "a_reader") == 0 ? a_reader.token
				    : strcmp(who, "reader") == 0   ? reader
				    : strcmp(who, "admin") == 0    ? L.admin_token
								   : NULL;
		long status = status_of(token, cases[i].path);

		ck_assert_msg(status == cases[i].status, "%s GET %s: %ld, not %ld", who, cases[i].path,
			      status, cases[i].status);
	}
}
END_TEST

/* Every event of the stream belongs to company_id (NULL: to no company). */
static void assert_stream_of(const char *code, const char *company_id)
{
	json_t *events = test_events_after(L.server.base_url, reader, code, 0), *event;
	size_t i;

	ck_assert_uint_gt(json_array_size(events), 0);
	json_array_foreach(events, i, event) {
		json_t *company = json_object_get(event, "company_id");

		if (company_id)
			ck_assert_msg(json_is_string(company) &&
					      strcmp(json_string_value(company), company_id) == 0,
				      "%s's stream holds %s of another stream", code,
				      json_string_value(json_object_get(event, "type")));
		else
			ck_assert_msg(json_is_null(company), "the global stream holds %s of a company",
				      json_string_value(json_object_get(event, "type")));
	}
	json_decref(events);
}

START_TEST(company_streams_do_not_leak)
{
	char *sa = test_db_value(L.db_url, "SELECT id FROM companies WHERE code = 'SA'");
	char *sb = test_db_value(L.db_url, "SELECT id FROM companies WHERE code = 'SB'");
	json_t *page, *event;
	bool own_seen = false;
	size_t i;

	test_ledger_account(&L, keeper.token, "SA", "1100", "asset", NULL);
	test_ledger_account(&L, keeper.token, "SB", "2200", "liability", NULL);
	assert_stream_of("SA", sa);
	assert_stream_of("SB", sb);
	assert_stream_of(NULL, NULL);
	/* SA's reader sees SA's account, and nothing of SB's even by paging past SA's end. */
	ck_assert_int_eq(test_events_fetch(L.server.base_url, a_reader.token, "SA", 0, 500, &page),
			 200);
	json_array_foreach(json_object_get(page, "items"), i, event) {
		const char *code = json_string_value(test_events_payload(event, "code"));

		ck_assert(!code || strcmp(code, "2200") != 0);
		own_seen = own_seen || (code && strcmp(code, "1100") == 0);
	}
	ck_assert(own_seen);
	json_decref(page);
	ck_assert_int_eq(test_events_fetch(L.server.base_url, a_reader.token, "SB", 0, 500, &page),
			 404);
	free(sa);
	free(sb);
}
END_TEST

START_TEST(pages_follow_after_and_limit)
{
	long long start = test_events_last(L.server.base_url, reader, "SC"), after;
	json_t *page;

	for (int i = 0; i < 5; i++)
		test_ledger_account(&L, keeper.token, "SC", test_ledger_path("5%03d", i), "expense",
				    NULL);
	after = start;
	for (int p = 0; p < 3; p++) {
		size_t expected = p < 2 ? 2 : 1;

		ck_assert_int_eq(test_events_fetch(L.server.base_url, reader, "SC", after, 2, &page),
				 200);
		ck_assert_uint_eq(json_array_size(json_object_get(page, "items")), expected);
		ck_assert_int_eq(json_integer_value(json_object_get(
					 json_array_get(json_object_get(page, "items"), 0), "sequence")),
				 after + 1);
		after += (long long)expected;
		ck_assert_int_eq(json_integer_value(json_object_get(page, "next_after")), after);
		ck_assert(json_is_true(json_object_get(page, "has_more")) == (p < 2));
		json_decref(page);
	}
	/* At the end, and beyond it: nothing, and the cursor stays where the reader is. */
	for (long long at = after; at <= after + 100; at += 100) {
		ck_assert_int_eq(test_events_fetch(L.server.base_url, reader, "SC", at, 2, &page), 200);
		ck_assert_uint_eq(json_array_size(json_object_get(page, "items")), 0);
		ck_assert_int_eq(json_integer_value(json_object_get(page, "next_after")), at);
		ck_assert(json_is_false(json_object_get(page, "has_more")));
		json_decref(page);
	}
	/* Without parameters: from the start, 100 at most. */
	ck_assert_int_eq(test_ledger_call(&L, reader, "GET", "/api/v1/companies/SC/events", NULL, NULL,
					  NULL),
			 200);
}
END_TEST

START_TEST(bad_parameters_are_refused)
{
	static const char *const paths[] = {
		"/api/v1/events?after=-1",   "/api/v1/events?after=abc",
		"/api/v1/events?limit=0",    "/api/v1/events?limit=501",
		"/api/v1/events?cursor=x",   "/api/v1/companies/SA/events?after=1.5",
	};

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		ck_assert_msg(status_of(reader, paths[i]) == 422, "GET %s", paths[i]);
}
END_TEST

START_TEST(the_routes_are_documented)
{
	static const char *const paths[] = { "/api/v1/events", "/api/v1/companies/{company}/events" };
	struct test_response r;

	ck_assert_int_eq(test_ledger_call(&L, NULL, "GET", "/openapi.json", NULL, NULL, &r), 200);
	for (size_t i = 0; i < 2; i++) {
		json_t *get = json_object_get(json_object_get(json_object_get(r.json, "paths"), paths[i]),
					      "get");
		char *text = json_dumps(get, JSON_COMPACT);

		ck_assert_ptr_nonnull(get);
		ck_assert_str_eq(json_string_value(json_object_get(get, "x-permission")),
				 "platform.event.read");
		ck_assert_ptr_nonnull(strstr(text, "#/components/schemas/EventPage"));
		free(text);
	}
	ck_assert_ptr_nonnull(json_object_get(json_object_get(json_object_get(r.json, "components"),
							      "schemas"), "Event"));
	test_response_free(&r);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("e2e/platform/event_streams");
	TCase *tc = tcase_create("streams");

	tcase_add_unchecked_fixture(tc, start_shared, stop_shared);
	tcase_add_test(tc, the_permission_is_enforced);
	tcase_add_test(tc, company_streams_do_not_leak);
	tcase_add_test(tc, pages_follow_after_and_limit);
	tcase_add_test(tc, bad_parameters_are_refused);
	tcase_add_test(tc, the_routes_are_documented);
	suite_add_tcase(s, tc);
	return s;
}
