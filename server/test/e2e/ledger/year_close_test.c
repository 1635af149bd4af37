/*
 * Closing a fiscal year, end to end against the real erp-server-test
 * binary: asked for by one holder of ledger.year.close and confirmed by
 * another; refused while a period of the year is open or the company names
 * no retained-earnings account, and to the user who asked. The
 * confirmation posts the closing entry (YC-<year>-<n>, dated the year's
 * last day, each revenue and expense balance moved to retained earnings),
 * after which nothing is posted into the year and none of its periods
 * reopens; reopening reverses it, and is refused once the next year is
 * closed. Every entry of the story stays in the company's hash chain.
 *
 * Company Y1 holds the story (fiscal years 2024 and 2025); Y2 the refusals.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test/support/check_main.h"
#include "test/support/ledger_fixture.h"
#include "test/support/testlib.h"

static struct test_ledger L;
static struct test_ledger_user keeper, clerk, approver, closer1, closer2, settings, locker1, locker2;

static void books(const char *code)
{
	test_ledger_company(&L, code, "EUR");
	test_ledger_grant(&L, keeper.id, "yc-keeper", code, NULL);
	test_ledger_grant(&L, clerk.id, "yc-clerk", code, NULL);
	test_ledger_grant(&L, approver.id, "yc-approver", code, NULL);
	test_ledger_grant(&L, closer1.id, "yc-closer", code, NULL);
	test_ledger_grant(&L, closer2.id, "yc-closer", code, NULL);
	test_ledger_grant(&L, settings.id, "yc-settings", code, NULL);
	test_ledger_grant(&L, locker1.id, "yc-locker", code, NULL);
	test_ledger_grant(&L, locker2.id, "yc-locker", code, NULL);
	test_ledger_account(&L, keeper.token, code, "1000", "asset", NULL);
	test_ledger_account(&L, keeper.token, code, "3000", "equity", NULL);
	test_ledger_account(&L, keeper.token, code, "4000", "revenue", NULL);
	test_ledger_account(&L, keeper.token, code, "4100", "revenue", NULL);
	test_ledger_account(&L, keeper.token, code, "5000", "expense", NULL);
	test_ledger_fiscal_year(&L, keeper.token, code, 2024);
	test_ledger_fiscal_year(&L, keeper.token, code, 2025);
}

static void start_shared(void)
{
	test_ledger_start(&L, "t_ledger_year_close", NULL);
	test_ledger_role(&L, "yc-keeper", "[\"ledger.account.manage\",\"ledger.account.read\","
					  "\"ledger.period.manage\",\"ledger.period.read\",\"ledger.report.read\"]");
	test_ledger_role(&L, "yc-clerk", "[\"ledger.journal.create\",\"ledger.journal.read\"]");
	test_ledger_role(&L, "yc-approver", "[\"ledger.journal.post\",\"ledger.journal.read\"]");
	test_ledger_role(&L, "yc-closer", "[\"ledger.year.close\",\"ledger.period.read\","
					  "\"ledger.journal.read\",\"ledger.report.read\"]");
	test_ledger_role(&L, "yc-settings", "[\"ledger.settings.manage\"]");
	test_ledger_role(&L, "yc-locker", "[\"ledger.period.lock\",\"ledger.period.read\"]");
	test_ledger_user(&L, "keeper@yc.test", &keeper);
	test_ledger_user(&L, "clerk@yc.test", &clerk);
	test_ledger_user(&L, "approver@yc.test", &approver);
	test_ledger_user(&L, "closer1@yc.test", &closer1);
	test_ledger_user(&L, "closer2@yc.test", &closer2);
	test_ledger_user(&L, "settings@yc.test", &settings);
	test_ledger_user(&L, "locker1@yc.test", &locker1);
	test_ledger_user(&L, "locker2@yc.test", &locker2);
	books("Y1");
	books("Y2");
}

static void stop_shared(void)
{
	test_ledger_stop(&L);
}

/* Posts debit/credit of amount on date in company. */
static void posted(const char *company, const char *date, const char *debit, const char *credit,
		   const char *amount)
{
	char id[40];

	test_ledger_draft(&L, clerk.token, company, date, debit, credit, amount, "Trade", id);
	test_ledger_post(&L, approver.token, company, id, NULL);
}

/* Closes every period of fiscal_year in company. */
static void close_periods(const char *company, int fiscal_year)
{
	test_ledger_close_periods(&L, keeper.token, company, fiscal_year);
}

/* A step of fiscal_year's close as token (test_ledger_year_step()). */
static long year_step(const char *token, const char *company, int fiscal_year, const char *step,
		      struct test_response *r)
{
	return test_ledger_year_step(&L, token, company, fiscal_year, step, r);
}

/* Asserts a refusal: status, problem type and a phrase of its detail. */
static void assert_refused(long status, struct test_response *r, long expected, const char *type,
			   const char *phrase)
{
	ck_assert_msg(status == expected, "%ld, not %ld: %s", status, expected, r->body);
	ck_assert_str_eq(test_ledger_text(r->json, "type"), type);
	ck_assert_msg(strstr(test_ledger_text(r->json, "detail"), phrase), "no \"%s\" in %s", phrase,
		      test_ledger_text(r->json, "detail"));
	test_response_free(r);
}

static void set_retained_earnings(const char *company, const char *account, long expected)
{
	const char *path = test_ledger_path("/api/v1/companies/%s/ledger-settings", company);
	const char *if_match = test_ledger_read_if_match(&L, settings.token, path);

	ck_assert_int_eq(test_ledger_call(&L, settings.token, "PUT",
					  test_ledger_path("%s/retained-earnings-account", path), if_match,
					  test_ledger_path("{\"account\":\"%s\"}", account), NULL), expected);
}

/* An account's balance (debits minus credits, minor units) in company on date. */
static long long balance(const char *company, const char *account, const char *date)
{
	return test_ledger_db_number(&L, "SELECT coalesce(sum(l.debit_minor - l.credit_minor), 0)"
				     " FROM ledger_lines l JOIN ledger_accounts a ON a.id = l.account_id"
				     " JOIN companies c ON c.id = a.company_id WHERE c.code = '%s'"
				     " AND a.code = '%s' AND l.posted_on <= '%s'", company, account, date);
}

/* Every posted entry of company is chained and its hash is what it covers. */
static void assert_chained(const char *company)
{
	test_ledger_wait_sealed(&L);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM ledger_entries e JOIN companies c"
					       " ON c.id = e.company_id WHERE c.code = '%s' AND e.status = 'posted'"
					       " AND e.entry_hash IS DISTINCT FROM ledger_chain_hash_of(e.id)",
					       company), 0);
}

START_TEST(the_close_is_refused_with_an_open_period_or_without_retained_earnings)
{
	struct test_response r;

	/* Every period open: named in the refusal. */
	assert_refused(year_step(closer1.token, "Y2", 2024, "close", &r), &r, 409, "/problems/conflict",
		       "fiscal year 2024 has open periods: 2024-01, 2024-02");
	close_periods("Y2", 2024);
	{
		char december[40];

		test_ledger_period_id(&L, keeper.token, "Y2", "2024-12", december);
		ck_assert_int_eq(test_ledger_call(&L, locker1.token, "POST",
						  test_ledger_path("/api/v1/companies/Y2/fiscal-periods/%s/reopen",
								   december), NULL, NULL, NULL), 200);
		assert_refused(year_step(closer1.token, "Y2", 2024, "close", &r), &r, 409,
			       "/problems/conflict", "fiscal year 2024 has open periods: 2024-12;");
		ck_assert_int_eq(test_ledger_call(&L, keeper.token, "POST",
						  test_ledger_path("/api/v1/companies/Y2/fiscal-periods/%s/close",
								   december), NULL, NULL, NULL), 200);
	}
	/* Periods closed, but no retained-earnings account named. */
	assert_refused(year_step(closer1.token, "Y2", 2024, "close", &r), &r, 409, "/problems/conflict",
		       "company Y2 has no retained-earnings account");
	/* Only an active equity account in the company's currency may hold them. */
	set_retained_earnings("Y2", "4000", 422);
	set_retained_earnings("Y2", "9999", 422);
	set_retained_earnings("Y2", "3000", 200);
	ck_assert_int_eq(year_step(closer1.token, "Y2", 2024, "close", NULL), 202);
	/* Nothing else is in order before it: no year without periods, no year written oddly. */
	ck_assert_int_eq(year_step(closer1.token, "Y2", 2031, "close", NULL), 404);
	ck_assert_int_eq(year_step(closer1.token, "Y2", 0, "close", NULL), 404);
	/* Only a holder of ledger.year.close asks. */
	ck_assert_int_eq(year_step(keeper.token, "Y2", 2025, "close", NULL), 403);
	/* Asked twice: refused; cancelled: nothing is pending any more. */
	assert_refused(year_step(closer2.token, "Y2", 2024, "close", &r), &r, 409, "/problems/conflict",
		       "a close of fiscal year 2024 was already requested by");
	ck_assert_int_eq(year_step(closer2.token, "Y2", 2024, "close/cancel", NULL), 200);
	assert_refused(year_step(closer2.token, "Y2", 2024, "close/confirm", &r), &r, 409,
		       "/problems/conflict", "no close of fiscal year 2024 is pending");
}
END_TEST

START_TEST(whoever_asked_for_the_close_does_not_confirm_it)
{
	struct test_response r;

	close_periods("Y2", 2025);
	ck_assert_int_eq(year_step(closer1.token, "Y2", 2025, "close", &r), 202);
	ck_assert_str_eq(test_ledger_text(r.json, "close_requested_by"), closer1.id);
	test_response_free(&r);
	assert_refused(year_step(closer1.token, "Y2", 2025, "close/confirm", &r), &r, 403,
		       "/problems/forbidden", "four-eyes: you asked for the close of fiscal year 2025");
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM ledger_fiscal_years y"
					       " JOIN companies c ON c.id = y.company_id WHERE c.code = 'Y2'"
					       " AND y.fiscal_year = 2025 AND y.status = 'open'"), 1);
	/* The database refuses a year closed by the one who asked, whoever writes it. */
	ck_assert_int_ne(test_db_exec(L.db_url, test_ledger_path(
		"UPDATE ledger_fiscal_years SET status = 'closed', closed_by = '%s', closed_at = now()"
		" WHERE fiscal_year = 2025 AND company_id = (SELECT id FROM companies WHERE code = 'Y2')",
		closer1.id)), 0);
	ck_assert_int_eq(year_step(closer2.token, "Y2", 2025, "close/confirm", NULL), 200);
}
END_TEST

START_TEST(a_close_moves_the_result_to_retained_earnings_and_a_reopening_reverses_it)
{
	struct test_response r;
	char id[40];

	/* 2024: revenue 1,000.00 + 250.00, expense 400.00: a profit of 850.00. */
	posted("Y1", "2024-02-10", "1000", "4000", "1000.00");
	posted("Y1", "2024-07-10", "1000", "4100", "250.00");
	posted("Y1", "2024-12-31", "5000", "1000", "400.00");
	posted("Y1", "2025-01-15", "1000", "4000", "70.00");
	set_retained_earnings("Y1", "3000", 200);
	close_periods("Y1", 2024);
	ck_assert_int_eq(year_step(closer1.token, "Y1", 2024, "close", NULL), 202);
	ck_assert_int_eq(year_step(closer2.token, "Y1", 2024, "close/confirm", &r), 200);
	ck_assert_str_eq(test_ledger_text(r.json, "status"), "closed");
	ck_assert_str_eq(test_ledger_text(r.json, "closing_entry_number"), "YC-2024-000001");
	ck_assert_str_eq(test_ledger_text(r.json, "closed_by"), closer2.id);
	snprintf(id, sizeof(id), "%s", test_ledger_text(r.json, "closing_entry_id"));
	test_response_free(&r);

	/* The closing entry: dated the last day, its own series and source, each balance moved. */
	ck_assert_int_eq(test_ledger_call(&L, closer1.token, "GET",
					  test_ledger_path("/api/v1/companies/Y1/journal-entries/%s", id),
					  NULL, NULL, &r), 200);
	ck_assert_str_eq(test_ledger_text(r.json, "date"), "2024-12-31");
	ck_assert_str_eq(test_ledger_text(r.json, "source"), "ledger.year-close");
	ck_assert_str_eq(test_ledger_text(r.json, "status"), "posted");
	ck_assert_int_eq(json_array_size(json_object_get(r.json, "lines")), 4);
	test_response_free(&r);
	ck_assert_int_eq(balance("Y1", "4000", "2024-12-31"), 0);
	ck_assert_int_eq(balance("Y1", "4100", "2024-12-31"), 0);
	ck_assert_int_eq(balance("Y1", "5000", "2024-12-31"), 0);
	ck_assert_int_eq(balance("Y1", "3000", "2024-12-31"), -85000);
	/* 2025's revenue is 2025's. */
	ck_assert_int_eq(balance("Y1", "4000", "2025-12-31"), -7000);
	/* The statements: the year's result is still 850.00 (closing entries left out), the balance
	 * sheet balances with it now on retained earnings. */
	ck_assert_int_eq(test_ledger_call(&L, closer1.token, "GET",
					  "/api/v1/companies/Y1/reports/profit-and-loss?from=2024-01-01&to=2024-12-31",
					  NULL, NULL, &r), 200);
	ck_assert_str_eq(test_ledger_text(r.json, "result"), "850.00");
	test_response_free(&r);
	ck_assert_int_eq(test_ledger_call(&L, closer1.token, "GET",
					  "/api/v1/companies/Y1/reports/balance-sheet?as_of=2024-12-31",
					  NULL, NULL, &r), 200);
	ck_assert(json_is_true(json_object_get(r.json, "balanced")));
	ck_assert_str_eq(test_ledger_text(r.json, "total_assets"), "850.00");
	test_response_free(&r);
	/* JE numbers are untouched by the closing series. */
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT last_number FROM ledger_numbering n JOIN companies c"
					       " ON c.id = n.company_id WHERE c.code = 'Y1' AND n.fiscal_year = 2024"), 3);

	/* Closed: no posting into the year, no period of it reopens. */
	test_ledger_draft(&L, clerk.token, "Y1", "2024-06-01", "1000", "4000", "5.00", "Late", id);
	assert_refused(test_ledger_call(&L, approver.token, "POST",
					test_ledger_path("/api/v1/companies/Y1/journal-entries/%s/post", id),
					"If-Match: \"1\"", NULL, &r), &r, 409, "/problems/conflict",
		       "fiscal year 2024 is closed");
	{
		char june[40];

		test_ledger_period_id(&L, keeper.token, "Y1", "2024-06", june);
		assert_refused(test_ledger_call(&L, locker1.token, "POST",
						test_ledger_path("/api/v1/companies/Y1/fiscal-periods/%s/reopen",
								 june), NULL, NULL, &r), &r, 409,
			       "/problems/conflict", "reopen the year first");
	}
	assert_refused(year_step(closer1.token, "Y1", 2024, "close", &r), &r, 409, "/problems/conflict",
		       "fiscal year 2024 is already closed (YC-2024-000001)");

	/* Reopened: the closing entry reversed by a mirror in the same series; the balances are back. */
	ck_assert_int_eq(year_step(closer1.token, "Y1", 2024, "reopen", &r), 200);
	ck_assert_str_eq(test_ledger_text(r.json, "status"), "open");
	ck_assert_ptr_null(json_string_value(json_object_get(r.json, "closing_entry_id")));
	test_response_free(&r);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM ledger_entries e JOIN companies c"
					       " ON c.id = e.company_id WHERE c.code = 'Y1' AND e.number = 'YC-2024-000002'"
					       " AND e.reverses_id IS NOT NULL AND e.entry_date = '2024-12-31'"), 1);
	ck_assert_int_eq(balance("Y1", "4000", "2024-12-31"), -100000);
	ck_assert_int_eq(balance("Y1", "3000", "2024-12-31"), 0);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM audit_events a JOIN companies c"
					       " ON c.id = a.company_id WHERE c.code = 'Y1'"
					       " AND a.action = 'ledger.fiscal_year.reopened' AND a.entity_id = '2024'"
					       " AND a.reason LIKE 'closing entry YC-2024-000001 reversed by YC-2024-000002'"),
			 1);
	assert_refused(year_step(closer1.token, "Y1", 2024, "reopen", &r), &r, 409, "/problems/conflict",
		       "fiscal year 2024 is not closed");

	/* Closed again (YC-2024-000003), then 2025 closed: 2024 no longer reopens. */
	ck_assert_int_eq(year_step(closer2.token, "Y1", 2024, "close", NULL), 202);
	ck_assert_int_eq(year_step(closer1.token, "Y1", 2024, "close/confirm", &r), 200);
	ck_assert_str_eq(test_ledger_text(r.json, "closing_entry_number"), "YC-2024-000003");
	test_response_free(&r);
	close_periods("Y1", 2025);
	ck_assert_int_eq(year_step(closer1.token, "Y1", 2025, "close", NULL), 202);
	ck_assert_int_eq(year_step(closer2.token, "Y1", 2025, "close/confirm", &r), 200);
	ck_assert_str_eq(test_ledger_text(r.json, "closing_entry_number"), "YC-2025-000001");
	test_response_free(&r);
	ck_assert_int_eq(balance("Y1", "3000", "2025-12-31"), -92000);
	assert_refused(year_step(closer1.token, "Y1", 2024, "reopen", &r), &r, 409, "/problems/conflict",
		       "fiscal year 2025 is closed: fiscal year 2024 reopens only while the year after it is open");
	ck_assert_int_eq(year_step(closer1.token, "Y1", 2025, "reopen", NULL), 200);
	ck_assert_int_eq(year_step(closer1.token, "Y1", 2024, "reopen", NULL), 200);

	/* Every entry of the story, closings and reversals included, is in the chain. */
	assert_chained("Y1");
	ck_assert_int_eq(test_ledger_call(&L, closer1.token, "GET", "/api/v1/companies/Y1/fiscal-years/2024",
					  NULL, NULL, NULL), 200);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("e2e/ledger/year_close");
	TCase *tc = tcase_create("year_close");

	tcase_add_unchecked_fixture(tc, start_shared, stop_shared);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, the_close_is_refused_with_an_open_period_or_without_retained_earnings);
	tcase_add_test(tc, whoever_asked_for_the_close_does_not_confirm_it);
	tcase_add_test(tc, a_close_moves_the_result_to_retained_earnings_and_a_reopening_reverses_it);
	suite_add_tcase(s, tc);
	return s;
}
