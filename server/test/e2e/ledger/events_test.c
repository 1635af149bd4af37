/*
 * The ledger's domain events end to end, against the real erp-server-test
 * binary: accounts, fiscal years, period closes, reopenings and four-eyes
 * locks, journal entries from draft to reversal, the drafts of a deactivated
 * author, and the four-eyes settings change each appear once, in order, in
 * the company's stream, beside their audit events; an idempotent replay
 * tells nothing twice; and a change rolled back after its event was written
 * (the stream's lock held by someone else until the statement timeout)
 * leaves nothing behind, not even a number.
 */
#include <check.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test/support/check_main.h"
#include "test/support/event_fixture.h"
#include "test/support/ledger_fixture.h"
#include "test/support/testlib.h"

static struct test_ledger L;
static struct test_ledger_user keeper, clerk, approver, lockers[2], settings[2], leaver, discarder;
static char reader[64];

/*
 * The rollback test waits for one statement to time out: 2 s is far above
 * what any statement here needs, and short enough to wait for.
 */
static const char *const server_env[] = { "ERP_RATE_LIMIT_PER_USER=0",
					  "ERP_DB_STATEMENT_TIMEOUT_MS=2000", NULL };

static void start_shared(void)
{
	test_ledger_start(&L, "t_ledger_events", server_env);
	test_events_reader(L.server.base_url, L.admin_token, "reader@ledger-events.test", reader);
	test_ledger_role(&L, "ev-keeper", "[\"ledger.account.manage\",\"ledger.account.read\","
					  "\"ledger.period.manage\",\"ledger.period.read\"]");
	test_ledger_role(&L, "ev-clerk", "[\"ledger.journal.create\",\"ledger.journal.read\"]");
	test_ledger_role(&L, "ev-approver", "[\"ledger.journal.post\",\"ledger.journal.read\"]");
	test_ledger_role(&L, "ev-locker", "[\"ledger.period.lock\",\"ledger.period.read\"]");
	test_ledger_role(&L, "ev-settings", "[\"ledger.settings.manage\"]");
	test_ledger_role(&L, "ev-discarder", "[\"ledger.journal.discard\",\"ledger.journal.read\"]");
	test_ledger_user(&L, "keeper@ledger-events.test", &keeper);
	test_ledger_user(&L, "clerk@ledger-events.test", &clerk);
	test_ledger_user(&L, "approver@ledger-events.test", &approver);
	test_ledger_user(&L, "locker0@ledger-events.test", &lockers[0]);
	test_ledger_user(&L, "locker1@ledger-events.test", &lockers[1]);
	test_ledger_user(&L, "settings0@ledger-events.test", &settings[0]);
	test_ledger_user(&L, "settings1@ledger-events.test", &settings[1]);
	test_ledger_user(&L, "leaver@ledger-events.test", &leaver);
	test_ledger_user(&L, "discarder@ledger-events.test", &discarder);
}

static void stop_shared(void)
{
	test_ledger_stop(&L);
}

/* A company with its people: the keeper and both clerks write, the approver posts. */
static void company(const char *code)
{
	test_ledger_company(&L, code, "EUR");
	test_ledger_grant(&L, keeper.id, "ev-keeper", code, NULL);
	test_ledger_grant(&L, clerk.id, "ev-clerk", code, NULL);
	test_ledger_grant(&L, leaver.id, "ev-clerk", code, NULL);
	test_ledger_grant(&L, approver.id, "ev-approver", code, NULL);
	test_ledger_grant(&L, discarder.id, "ev-discarder", code, NULL);
	for (int i = 0; i < 2; i++) {
		test_ledger_grant(&L, lockers[i].id, "ev-locker", code, NULL);
		test_ledger_grant(&L, settings[i].id, "ev-settings", code, NULL);
	}
}

/* A call that must answer expected; r (when not NULL) is the caller's to free. */
static void expect(const char *token, const char *method, const char *path, const char *header,
		   const char *body, long expected, struct test_response *r)
{
	struct test_response own;
	struct test_response *out = r ? r : &own;

	test_ledger_call(&L, token, method, path, header, body, out);
	ck_assert_msg(out->status == expected, "%s %s %s: %ld %s", method, path, body ? body : "",
		      out->status, out->body);
	if (!r)
		test_response_free(&own);
}

static json_t *events_since(const char *code, long long last, const char *const *types)
{
	return test_events_since(L.server.base_url, reader, code, last, types);
}

static long long last_of(const char *code)
{
	return test_events_last(L.server.base_url, reader, code);
}

/* Each event has an audit event of the same request beside it. */
static void assert_audited(json_t *events)
{
	json_t *event;
	size_t i;

	json_array_foreach(events, i, event)
		ck_assert_msg(test_ledger_db_number(&L, "SELECT count(*) FROM audit_events"
						    " WHERE request_id = '%s'",
						    json_string_value(json_object_get(event, "request_id")))
				      > 0,
			      "event %s has no audit event beside it",
			      json_string_value(json_object_get(event, "type")));
}

/* Whether the array of strings holds name. */
static bool names(json_t *array, const char *name)
{
	json_t *item;
	size_t i;

	json_array_foreach(array, i, item)
		if (strcmp(json_string_value(item), name) == 0)
			return true;
	return false;
}

START_TEST(accounts_years_and_periods)
{
	static const char *const types[] = {
		"ledger.account.created", "ledger.account.updated", "ledger.account.deactivated",
		"ledger.account.reactivated", "ledger.fiscal_year.created",
		"ledger.period.closed", "ledger.period.lock_requested", "ledger.period.locked",
		"ledger.period.closed", "ledger.period.lock_requested", "ledger.period.lock_cancelled",
		"ledger.period.reopened", NULL,
	};
	char january[40], february[40];
	long long last;
	json_t *events, *periods;

	company("EVA");
	last = last_of("EVA");
	test_ledger_account(&L, keeper.token, "EVA", "1000", "asset", NULL);
	expect(keeper.token, "PATCH", "/api/v1/companies/EVA/accounts/1000", "If-Match: \"1\"",
	       "{\"name\":\"Cash at bank\"}", 200, NULL);
	expect(keeper.token, "POST", "/api/v1/companies/EVA/accounts/1000/deactivate", NULL, NULL, 200,
	       NULL);
	expect(keeper.token, "POST", "/api/v1/companies/EVA/accounts/1000/reactivate", NULL, NULL, 200,
	       NULL);
	test_ledger_fiscal_year(&L, keeper.token, "EVA", 2020);
	test_ledger_period_id(&L, keeper.token, "EVA", "2020-01", january);
	test_ledger_period_id(&L, keeper.token, "EVA", "2020-02", february);
	expect(keeper.token, "POST", test_ledger_path("/api/v1/companies/EVA/fiscal-periods/%s/close",
						      january), NULL, NULL, 200, NULL);
	test_ledger_lock_period(&L, lockers[0].token, lockers[1].token, "EVA", january);
	expect(keeper.token, "POST", test_ledger_path("/api/v1/companies/EVA/fiscal-periods/%s/close",
						      february), NULL, NULL, 200, NULL);
	expect(lockers[0].token, "POST",
	       test_ledger_path("/api/v1/companies/EVA/fiscal-periods/%s/lock", february), NULL, NULL,
	       202, NULL);
	expect(lockers[1].token, "POST",
	       test_ledger_path("/api/v1/companies/EVA/fiscal-periods/%s/lock/cancel", february), NULL,
	       NULL, 200, NULL);
	expect(lockers[1].token, "POST",
	       test_ledger_path("/api/v1/companies/EVA/fiscal-periods/%s/reopen", february), NULL, NULL,
	       200, NULL);

	events = events_since("EVA", last, types);
	assert_audited(events);
	ck_assert_str_eq(json_string_value(test_events_payload(json_array_get(events, 1), "name")),
			 "Cash at bank");
	ck_assert(json_is_false(test_events_payload(json_array_get(events, 2), "active")));
	periods = test_events_payload(json_array_get(events, 4), "periods");
	ck_assert_int_eq(json_array_size(periods), 12);
	ck_assert_int_eq(json_integer_value(test_events_payload(json_array_get(events, 4),
								"fiscal_year")), 2020);
	ck_assert_str_eq(json_string_value(test_events_payload(json_array_get(events, 7), "status")),
			 "locked");
	ck_assert_str_eq(json_string_value(test_events_payload(json_array_get(events, 7), "locked_by")),
			 lockers[1].id);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(events, 7), "actor_id")),
			 lockers[1].id);
	ck_assert_str_eq(json_string_value(test_events_payload(json_array_get(events, 11), "status")),
			 "open");
	json_decref(events);
}
END_TEST

START_TEST(a_journal_entry_from_draft_to_reversal)
{
	static const char *const types[] = {
		"ledger.entry.created", "ledger.entry.updated", "ledger.entry.posted",
		"ledger.entry.posted", "ledger.entry.reversed",
		"ledger.entry.created", "ledger.entry.deleted",
		"ledger.entry.created", NULL,
	};
	static const char key[] = "Idempotency-Key: events-once";
	static const char body[] = "{\"date\":\"2026-03-02\",\"memo\":\"once\",\"lines\":["
				   "{\"account\":\"1000\",\"debit\":\"5.00\"},"
				   "{\"account\":\"4000\",\"credit\":\"5.00\"}]}";
	char entry[40], gone[40], number[24];
	struct test_response r;
	long long last;
	json_t *events, *posted, *reversal, *reversed;

	company("EVE");
	test_ledger_account(&L, keeper.token, "EVE", "1000", "asset", NULL);
	test_ledger_account(&L, keeper.token, "EVE", "4000", "revenue", NULL);
	test_ledger_fiscal_year(&L, keeper.token, "EVE", 2026);
	last = last_of("EVE");

	test_ledger_draft(&L, clerk.token, "EVE", "2026-03-01", "1000", "4000", "10.00", "sale", entry);
	expect(clerk.token, "PUT", test_ledger_path("/api/v1/companies/EVE/journal-entries/%s", entry),
	       "If-Match: \"1\"",
	       "{\"date\":\"2026-03-01\",\"memo\":\"sale, corrected\",\"lines\":["
	       "{\"account\":\"1000\",\"debit\":\"12.50\"},{\"account\":\"4000\",\"credit\":\"12.50\"}]}",
	       200, NULL);
	test_ledger_post(&L, approver.token, "EVE", entry, number);
	expect(approver.token, "POST",
	       test_ledger_path("/api/v1/companies/EVE/journal-entries/%s/reverse", entry),
	       test_ledger_read_if_match(&L, approver.token, test_ledger_path(
						 "/api/v1/companies/EVE/journal-entries/%s", entry)),
	       "{\"date\":\"2026-03-05\"}", 201, NULL);
	test_ledger_draft(&L, clerk.token, "EVE", "2026-03-01", "1000", "4000", "1.00", "oops", gone);
	expect(clerk.token, "DELETE", test_ledger_path("/api/v1/companies/EVE/journal-entries/%s", gone),
	       NULL, NULL, 204, NULL);
	/* The same key and body twice: one entry, one event. */
	expect(clerk.token, "POST", "/api/v1/companies/EVE/journal-entries", key, body, 201, NULL);
	expect(clerk.token, "POST", "/api/v1/companies/EVE/journal-entries", key, body, 201, &r);
	ck_assert_ptr_nonnull(strstr(r.headers, "Idempotent-Replayed: true"));
	test_response_free(&r);

	events = events_since("EVE", last, types);
	assert_audited(events);
	posted = json_array_get(events, 2);
	ck_assert_str_eq(json_string_value(json_object_get(posted, "entity_id")), entry);
	ck_assert_str_eq(json_string_value(json_object_get(posted, "actor_id")), approver.id);
	ck_assert_str_eq(json_string_value(test_events_payload(posted, "number")), number);
	ck_assert_str_eq(json_string_value(test_events_payload(posted, "status")), "posted");
	ck_assert_str_eq(json_string_value(test_events_payload(posted, "memo")), "sale, corrected");
	ck_assert_int_eq(json_array_size(test_events_payload(posted, "lines")), 2);
	ck_assert_str_eq(json_string_value(json_object_get(
				 json_array_get(test_events_payload(posted, "lines"), 0), "debit")),
			 "12.50");
	ck_assert(names(test_events_payload(json_array_get(events, 1), "changed"), "memo"));
	ck_assert(names(test_events_payload(json_array_get(events, 1), "changed"), "lines"));
	ck_assert(!names(test_events_payload(json_array_get(events, 1), "changed"), "date"));
	reversal = json_array_get(events, 3);
	reversed = json_array_get(events, 4);
	ck_assert_str_eq(json_string_value(test_events_payload(reversal, "reverses")), entry);
	ck_assert_str_eq(json_string_value(json_object_get(reversed, "entity_id")), entry);
	ck_assert_str_eq(json_string_value(test_events_payload(reversed, "reversed_by")),
			 json_string_value(json_object_get(reversal, "entity_id")));
	ck_assert_str_eq(json_string_value(test_events_payload(reversed, "reversal_number")),
			 json_string_value(test_events_payload(reversal, "number")));
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(events, 6), "entity_id")),
			 gone);
	json_decref(events);
}
END_TEST

START_TEST(the_drafts_of_a_deactivated_author)
{
	static const char *const types[] = { "ledger.entry.created", "ledger.entry.created",
					     "ledger.entry.taken_over", "ledger.entry.discarded", NULL };
	char taken[40], discarded[40];
	long long last;
	json_t *events;

	company("EVT");
	test_ledger_account(&L, keeper.token, "EVT", "1000", "asset", NULL);
	test_ledger_account(&L, keeper.token, "EVT", "4000", "revenue", NULL);
	last = last_of("EVT");
	test_ledger_draft(&L, leaver.token, "EVT", "2026-04-01", "1000", "4000", "3.00", "a", taken);
	test_ledger_draft(&L, leaver.token, "EVT", "2026-04-01", "1000", "4000", "4.00", "b", discarded);
	expect(L.admin_token, "POST", test_ledger_path("/api/v1/users/%s/deactivate", leaver.id), NULL,
	       NULL, 200, NULL);
	expect(clerk.token, "POST",
	       test_ledger_path("/api/v1/companies/EVT/journal-entries/%s/take-over", taken),
	       "If-Match: \"1\"", NULL, 200, NULL);
	expect(discarder.token, "POST",
	       test_ledger_path("/api/v1/companies/EVT/journal-entries/%s/discard", discarded), NULL,
	       NULL, 204, NULL);
	expect(L.admin_token, "POST", test_ledger_path("/api/v1/users/%s/reactivate", leaver.id), NULL,
	       NULL, 200, NULL);

	events = events_since("EVT", last, types);
	assert_audited(events);
	ck_assert_str_eq(json_string_value(test_events_payload(json_array_get(events, 2), "author_id")),
			 clerk.id);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(events, 3), "actor_id")),
			 discarder.id);
	json_decref(events);
}
END_TEST

START_TEST(a_settings_change_requested_confirmed_and_cancelled)
{
	static const char *const types[] = { "ledger.settings.change_requested",
					     "ledger.settings.change_confirmed",
					     "ledger.settings.change_requested",
					     "ledger.settings.change_cancelled", NULL };
	const char *settings_path = "/api/v1/companies/EVS/ledger-settings";
	long long last;
	json_t *events;

	company("EVS");
	last = last_of("EVS");
	test_ledger_self_posting(&L, settings[0].token, settings[1].token, "EVS", true);
	expect(settings[0].token, "PUT", settings_path,
	       test_ledger_read_if_match(&L, settings[0].token, settings_path),
	       "{\"self_posting\":false}", 202, NULL);
	expect(settings[0].token, "POST", "/api/v1/companies/EVS/ledger-settings/cancel", NULL, NULL,
	       200, NULL);

	events = events_since("EVS", last, types);
	assert_audited(events);
	ck_assert(json_is_true(test_events_payload(json_array_get(events, 1), "self_posting")));
	ck_assert(json_is_object(test_events_payload(json_array_get(events, 2), "pending")));
	ck_assert(json_is_null(test_events_payload(json_array_get(events, 3), "pending")));
	json_decref(events);
}
END_TEST

/*
 * Someone holds the events table against writers: the server's account
 * creation writes the account and its audit event, then waits in its event's
 * INSERT, times out, and its whole transaction rolls back (account, audit
 * event, event). The next change takes the next number as if nothing had
 * happened.
 */
START_TEST(a_change_whose_event_cannot_be_written_leaves_nothing)
{
	static const char *const types[] = { "ledger.account.created", NULL };
	char *company_id;
	struct test_response r;
	PGconn *holder;
	PGresult *res;
	long long last;
	json_t *events;

	company("EVR");
	company_id = test_db_value(L.db_url, "SELECT id FROM companies WHERE code = 'EVR'");
	ck_assert_ptr_nonnull(company_id);
	last = last_of("EVR");
	holder = PQconnectdb(L.db_url);
	ck_assert_int_eq(PQstatus(holder), CONNECTION_OK);
	res = PQexec(holder, "BEGIN; LOCK TABLE platform_events IN SHARE MODE");
	ck_assert_int_eq(PQresultStatus(res), PGRES_COMMAND_OK);
	PQclear(res);

	expect(keeper.token, "POST", "/api/v1/companies/EVR/accounts", NULL,
	       "{\"code\":\"7000\",\"name\":\"Never\",\"type\":\"expense\"}", 503, &r);
	test_response_free(&r);
	res = PQexec(holder, "ROLLBACK");
	PQclear(res);
	PQfinish(holder);

	expect(keeper.token, "GET", "/api/v1/companies/EVR/accounts/7000", NULL, NULL, 404, NULL);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM audit_events"
					       " WHERE action = 'ledger.account.created'"
					       " AND company_id = '%s'", company_id), 0);
	test_ledger_account(&L, keeper.token, "EVR", "7001", "expense", NULL);
	events = events_since("EVR", last, types);
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(events, 0), "sequence")),
			 last + 1);
	ck_assert_str_eq(json_string_value(test_events_payload(json_array_get(events, 0), "code")),
			 "7001");
	json_decref(events);
	free(company_id);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("e2e/ledger/events");
	TCase *tc = tcase_create("events");

	tcase_add_unchecked_fixture(tc, start_shared, stop_shared);
	tcase_add_test(tc, accounts_years_and_periods);
	tcase_add_test(tc, a_journal_entry_from_draft_to_reversal);
	tcase_add_test(tc, the_drafts_of_a_deactivated_author);
	tcase_add_test(tc, a_settings_change_requested_confirmed_and_cancelled);
	tcase_add_test(tc, a_change_whose_event_cannot_be_written_leaves_nothing);
	suite_add_tcase(s, tc);
	return s;
}
