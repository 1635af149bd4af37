/*
 * What fixes the books, end to end against the real erp-server-test binary:
 * a company's currency once it has postings (refused by the API with 409
 * and by the database itself), posting into closed periods, and locking a
 * period for good: asked for by one holder of ledger.period.lock and
 * confirmed by another, only for a closed period whose end has passed, in
 * order, with no drafts dated in it (checked when asked and again when
 * confirmed); reopening needs ledger.period.lock too and drops a request.
 *
 * Company PC holds the currency tests, PP the closed-period postings, PL
 * the locks (fiscal year 2025, long ended).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test/support/check_main.h"
#include "test/support/ledger_fixture.h"
#include "test/support/testlib.h"

static struct test_ledger L;
static struct test_ledger_user keeper, clerk, approver, closer, locker1, locker2;
static char pl_january[40], pl_february[40], pl_march[40];

/* Company code in currency with accounts 1000 and 4000 and fiscal_year, for the users above. */
static void books(const char *code, const char *currency, int fiscal_year)
{
	test_ledger_company(&L, code, currency);
	test_ledger_grant(&L, keeper.id, "pe-keeper", code, NULL);
	test_ledger_grant(&L, clerk.id, "pe-clerk", code, NULL);
	test_ledger_grant(&L, approver.id, "pe-approver", code, NULL);
	test_ledger_account(&L, keeper.token, code, "1000", "asset", NULL);
	test_ledger_account(&L, keeper.token, code, "4000", "revenue", NULL);
	test_ledger_fiscal_year(&L, keeper.token, code, fiscal_year);
}

static void start_shared(void)
{
	test_ledger_start(&L, "t_ledger_periods", NULL);
	test_ledger_role(&L, "pe-keeper", "[\"ledger.account.manage\",\"ledger.account.read\","
					  "\"ledger.period.manage\",\"ledger.period.read\"]");
	test_ledger_role(&L, "pe-clerk", "[\"ledger.journal.create\",\"ledger.journal.read\"]");
	test_ledger_role(&L, "pe-approver", "[\"ledger.journal.post\",\"ledger.journal.read\"]");
	test_ledger_user(&L, "keeper@periods.test", &keeper);
	test_ledger_user(&L, "clerk@periods.test", &clerk);
	test_ledger_user(&L, "approver@periods.test", &approver);
	/* An approver who also holds a role of its own for closed periods. */
	test_ledger_role(&L, "pe-closed-period-poster", "[\"ledger.period.post-closed\",\"ledger.journal.read\"]");
	test_ledger_user(&L, "closer@periods.test", &closer);
	test_ledger_role(&L, "pe-locker", "[\"ledger.period.lock\",\"ledger.period.read\"]");
	test_ledger_user(&L, "locker1@periods.test", &locker1);
	test_ledger_user(&L, "locker2@periods.test", &locker2);
	books("PL", "EUR", 2025);
	test_ledger_grant(&L, locker1.id, "pe-locker", "PL", NULL);
	test_ledger_grant(&L, locker2.id, "pe-locker", "PL", NULL);
	test_ledger_period_id(&L, keeper.token, "PL", "2025-01", pl_january);
	test_ledger_period_id(&L, keeper.token, "PL", "2025-02", pl_february);
	test_ledger_period_id(&L, keeper.token, "PL", "2025-03", pl_march);
}

static void stop_shared(void)
{
	test_ledger_stop(&L);
}

/* PATCHes company code's currency as the administrator under its current ETag. */
static long change_currency(const char *code, const char *currency, struct test_response *r)
{
	const char *path = test_ledger_path("/api/v1/companies/%s", code);

	return test_ledger_call(&L, L.admin_token, "PATCH", path,
				test_ledger_read_if_match(&L, L.admin_token, path),
				test_ledger_path("{\"currency\":\"%s\"}", currency), r);
}

/* --- the company's currency ------------------------------------------------------------------ */

START_TEST(a_company_currency_is_fixed_by_its_first_posting)
{
	struct test_response r;
	char id[40];

	books("PC", "EUR", 2026);
	/* Drafts are not the books yet: the currency may still change, and back. */
	test_ledger_draft(&L, clerk.token, "PC", "2026-02-02", "1000", "4000", "5.00", "Draft", id);
	ck_assert_int_eq(change_currency("PC", "USD", &r), 200);
	ck_assert_str_eq(test_ledger_text(r.json, "currency"), "USD");
	test_response_free(&r);
	ck_assert_int_eq(change_currency("PC", "EUR", NULL), 200);

	test_ledger_post(&L, approver.token, "PC", id, NULL);
	ck_assert_int_eq(change_currency("PC", "USD", &r), 409);
	ck_assert_str_eq(test_ledger_text(r.json, "type"), "/problems/conflict");
	ck_assert_ptr_nonnull(strstr(test_ledger_text(r.json, "detail"),
				     "company PC has posted journal entries: its books are kept in EUR"));
	test_response_free(&r);
	/* Restating the currency, or changing the name, is no change of it. */
	ck_assert_int_eq(change_currency("PC", "EUR", NULL), 200);
	ck_assert_int_eq(test_ledger_call(&L, L.admin_token, "PATCH", "/api/v1/companies/PC",
					  test_ledger_read_if_match(&L, L.admin_token, "/api/v1/companies/PC"),
					  "{\"name\":\"Renamed\"}", NULL), 200);
	/* The database refuses it too, whoever asks. */
	ck_assert_int_ne(test_db_exec(L.db_url, "UPDATE companies SET currency = 'USD' WHERE code = 'PC'"), 0);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM companies WHERE code = 'PC'"
					       " AND currency = 'EUR'"), 1);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM audit_events"
					       " WHERE action = 'iam.company.updated'"
					       " AND changes->'currency'->>'new' = 'USD'"), 1);
}
END_TEST

/* --- posting into a closed period ------------------------------------------------------------- */

static long close_period(const char *company, const char *name)
{
	char id[40];

	test_ledger_period_id(&L, keeper.token, company, name, id);
	return test_ledger_call(&L, keeper.token, "POST",
				test_ledger_path("/api/v1/companies/%s/fiscal-periods/%s/close", company, id),
				NULL, NULL, NULL);
}

START_TEST(a_posting_into_a_closed_period_says_so)
{
	struct test_response r;
	char late[40], on_time[40];

	books("PP", "EUR", 2026);
	test_ledger_grant(&L, closer.id, "pe-approver", "PP", NULL);
	test_ledger_grant(&L, closer.id, "pe-closed-period-poster", "PP", NULL);
	ck_assert_int_eq(close_period("PP", "2026-02"), 200);
	test_ledger_draft(&L, clerk.token, "PP", "2026-02-20", "1000", "4000", "30.00", "Late", late);
	test_ledger_draft(&L, clerk.token, "PP", "2026-03-20", "1000", "4000", "31.00", "On time", on_time);

	/* Posting alone does not reach a closed period. */
	ck_assert_int_eq(test_ledger_call(&L, approver.token, "POST",
					  test_ledger_path("/api/v1/companies/PP/journal-entries/%s/post", late),
					  "If-Match: \"1\"", NULL, &r), 403);
	ck_assert_ptr_nonnull(strstr(test_ledger_text(r.json, "detail"), "ledger.period.post-closed"));
	test_response_free(&r);
	ck_assert_int_eq(test_ledger_call(&L, closer.token, "POST",
					  test_ledger_path("/api/v1/companies/PP/journal-entries/%s/post", late),
					  "If-Match: \"1\"", NULL, &r), 200);
	ck_assert(json_is_true(json_object_get(r.json, "posted_into_closed_period")));
	test_response_free(&r);
	ck_assert_int_eq(test_ledger_call(&L, clerk.token, "GET",
					  test_ledger_path("/api/v1/companies/PP/journal-entries/%s", late),
					  NULL, NULL, &r), 200);
	ck_assert(json_is_true(json_object_get(r.json, "posted_into_closed_period")));
	test_response_free(&r);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM audit_events"
					       " WHERE action = 'ledger.journal.posted' AND entity_id = '%s'"
					       " AND reason = 'posted into closed period 2026-02'", late), 1);

	/* An open period's posting says it was not. */
	ck_assert_int_eq(test_ledger_call(&L, closer.token, "POST",
					  test_ledger_path("/api/v1/companies/PP/journal-entries/%s/post", on_time),
					  "If-Match: \"1\"", NULL, &r), 200);
	ck_assert(json_is_false(json_object_get(r.json, "posted_into_closed_period")));
	test_response_free(&r);
	ck_assert_int_eq(test_ledger_call(&L, clerk.token, "GET",
					  "/api/v1/companies/PP/journal-entries?from=2026-02-01&to=2026-02-28",
					  NULL, NULL, &r), 200);
	ck_assert(json_is_true(json_object_get(json_array_get(json_object_get(r.json, "items"), 0),
					       "posted_into_closed_period")));
	test_response_free(&r);
}
END_TEST

/* --- locking a period ---------------------------------------------------------------------------- */

#define PERIODS "/api/v1/companies/PL/fiscal-periods"

/* POST .../fiscal-periods/{period}/<action> in PL as user. */
static long period_step(const struct test_ledger_user *user, const char *period, const char *action,
			struct test_response *r)
{
	return test_ledger_call(&L, user->token, "POST", test_ledger_path(PERIODS "/%s/%s", period, action),
				NULL, NULL, r);
}

static long long period_audits(const char *action, const char *period, const char *actor_id)
{
	return test_ledger_db_number(&L, "SELECT count(*) FROM audit_events WHERE action = '%s'"
				     " AND entity = 'fiscal_period' AND entity_id = '%s' AND actor_id = '%s'"
				     " AND company_id = (SELECT id FROM companies WHERE code = 'PL')",
				     action, period, actor_id);
}

/* Asserts a refusal's status and that its detail says part. */
static void assert_step_refused(const struct test_ledger_user *user, const char *period,
				const char *action, long status, const char *part)
{
	struct test_response r;

	ck_assert_msg(period_step(user, period, action, &r) == status, "%s: %ld %s", action, r.status, r.body);
	ck_assert_msg(strstr(test_ledger_text(r.json, "detail"), part) != NULL, "detail of %s lacks \"%s\"",
		      r.body, part);
	test_response_free(&r);
}

START_TEST(a_lock_is_asked_for_by_one_and_confirmed_by_another)
{
	struct test_response r;

	/* Locking and reopening are not in ledger.period.manage. */
	ck_assert_int_eq(period_step(&keeper, pl_january, "lock", NULL), 403);
	assert_step_refused(&locker1, pl_january, "lock", 409, "close it before locking it");
	ck_assert_int_eq(period_step(&keeper, pl_january, "close", NULL), 200);
	ck_assert_int_eq(period_step(&keeper, pl_january, "reopen", NULL), 403);

	ck_assert_int_eq(period_step(&locker1, pl_january, "lock", &r), 202);
	ck_assert_str_eq(test_ledger_text(r.json, "status"), "closed");
	ck_assert_str_eq(test_ledger_text(r.json, "lock_requested_by"), locker1.id);
	ck_assert(json_is_string(json_object_get(r.json, "lock_requested_at")));
	ck_assert(json_is_null(json_object_get(r.json, "locked_by")));
	test_response_free(&r);
	assert_step_refused(&locker2, pl_january, "lock", 409, "already requested");
	assert_step_refused(&locker1, pl_january, "lock/confirm", 403, "four-eyes");
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM ledger_periods WHERE id = '%s'"
					       " AND status = 'closed'", pl_january), 1);

	ck_assert_int_eq(period_step(&locker2, pl_january, "lock/confirm", &r), 200);
	ck_assert_str_eq(test_ledger_text(r.json, "status"), "locked");
	ck_assert_str_eq(test_ledger_text(r.json, "locked_by"), locker2.id);
	ck_assert_str_eq(test_ledger_text(r.json, "lock_requested_by"), locker1.id);
	test_response_free(&r);
	assert_step_refused(&locker1, pl_january, "lock", 409, "already locked");
	assert_step_refused(&locker1, pl_january, "reopen", 409, "locked");
	assert_step_refused(&locker1, pl_january, "lock/cancel", 409, "no lock");
	ck_assert_int_eq(period_audits("ledger.period.lock_requested", pl_january, locker1.id), 1);
	ck_assert_int_eq(period_audits("ledger.period.locked", pl_january, locker2.id), 1);

	/* Locked is for good, also in the database. */
	ck_assert_int_ne(test_db_exec(L.db_url, test_ledger_path(
		"UPDATE ledger_periods SET status = 'open' WHERE id = '%s'", pl_january)), 0);
	ck_assert_int_eq(period_step(&keeper, pl_february, "close", NULL), 200);
	ck_assert_int_ne(test_db_exec(L.db_url, test_ledger_path(
		"UPDATE ledger_periods SET status = 'locked' WHERE id = '%s'", pl_february)), 0);
}
END_TEST

START_TEST(only_ended_periods_lock_in_order_without_drafts)
{
	struct test_response r;
	char draft[40], december[40];

	/* In order: March waits for February. */
	ck_assert_int_eq(period_step(&keeper, pl_march, "close", NULL), 200);
	assert_step_refused(&locker1, pl_march, "lock", 409, "lock 2025-02 before 2025-03");
	/* Not before its end: a period of next year is not over. */
	test_ledger_fiscal_year(&L, keeper.token, "PL", 2099);
	test_ledger_period_id(&L, keeper.token, "PL", "2099-12", december);
	ck_assert_int_eq(period_step(&keeper, december, "close", NULL), 200);
	assert_step_refused(&locker1, december, "lock", 409, "ends on 2099-12-31");

	/* Drafts dated in it: named, checked when asked... */
	test_ledger_draft(&L, clerk.token, "PL", "2025-02-14", "1000", "4000", "3.00", "Forgotten", draft);
	ck_assert_int_eq(period_step(&locker1, pl_february, "lock", &r), 409);
	ck_assert_ptr_nonnull(strstr(test_ledger_text(r.json, "detail"), draft));
	ck_assert_ptr_nonnull(strstr(test_ledger_text(r.json, "detail"), "2025-02"));
	test_response_free(&r);
	ck_assert_int_eq(test_ledger_call(&L, clerk.token, "DELETE",
					  test_ledger_path("/api/v1/companies/PL/journal-entries/%s", draft),
					  NULL, NULL, NULL), 204);
	ck_assert_int_eq(period_step(&locker1, pl_february, "lock", NULL), 202);
	/* ...and again when confirmed. */
	test_ledger_draft(&L, clerk.token, "PL", "2025-02-15", "1000", "4000", "4.00", "Late draft", draft);
	ck_assert_int_eq(period_step(&locker2, pl_february, "lock/confirm", &r), 409);
	ck_assert_ptr_nonnull(strstr(test_ledger_text(r.json, "detail"), draft));
	test_response_free(&r);
	/* The request stays until it is confirmed or cancelled; a closed period still takes late postings. */
	test_ledger_grant(&L, closer.id, "pe-approver", "PL", NULL);
	test_ledger_grant(&L, closer.id, "pe-closed-period-poster", "PL", NULL);
	test_ledger_post(&L, closer.token, "PL", draft, NULL);
	ck_assert_int_eq(period_step(&locker2, pl_february, "lock/confirm", NULL), 200);
	/* Now March may follow. */
	ck_assert_int_eq(period_step(&locker2, pl_march, "lock", NULL), 202);
}
END_TEST

START_TEST(a_lock_request_is_cancelled_or_dropped_by_reopening)
{
	struct test_response r;

	/* March was asked for by locker2: cancelled by the other locker. */
	ck_assert_int_eq(period_step(&locker1, pl_march, "lock/cancel", &r), 200);
	ck_assert(json_is_null(json_object_get(r.json, "lock_requested_by")));
	ck_assert_str_eq(test_ledger_text(r.json, "status"), "closed");
	test_response_free(&r);
	assert_step_refused(&locker2, pl_march, "lock/confirm", 409, "no lock");
	ck_assert_int_eq(period_audits("ledger.period.lock_cancelled", pl_march, locker1.id), 1);

	/* Asked again, then the period is reopened: the request goes with it. */
	ck_assert_int_eq(period_step(&locker2, pl_march, "lock", NULL), 202);
	ck_assert_int_eq(period_step(&locker1, pl_march, "reopen", &r), 200);
	ck_assert_str_eq(test_ledger_text(r.json, "status"), "open");
	ck_assert(json_is_null(json_object_get(r.json, "lock_requested_by")));
	test_response_free(&r);
	ck_assert_int_eq(period_step(&keeper, pl_march, "close", NULL), 200);
	assert_step_refused(&locker1, pl_march, "lock/confirm", 409, "no lock");
	ck_assert_int_eq(period_audits("ledger.period.reopened", pl_march, locker1.id), 1);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM audit_events"
					       " WHERE action = 'ledger.period.reopened' AND entity_id = '%s'"
					       " AND changes->'lock_requested_by'->>'old' = '%s'", pl_march, locker2.id), 1);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("e2e/ledger/periods");
	TCase *tc = tcase_create("periods");

	tcase_add_unchecked_fixture(tc, start_shared, stop_shared);
	tcase_add_test(tc, a_company_currency_is_fixed_by_its_first_posting);
	tcase_add_test(tc, a_posting_into_a_closed_period_says_so);
	tcase_add_test(tc, a_lock_is_asked_for_by_one_and_confirmed_by_another);
	tcase_add_test(tc, only_ended_periods_lock_in_order_without_drafts);
	tcase_add_test(tc, a_lock_request_is_cancelled_or_dropped_by_reopening);
	suite_add_tcase(s, tc);
	return s;
}
