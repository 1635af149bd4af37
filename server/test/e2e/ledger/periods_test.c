/*
 * What fixes the books, end to end against the real erp-server-test binary:
 * a company's currency once it has postings (refused by the API with 409
 * and by the database itself), and the fiscal periods' controls.
 *
 * Company PC holds the currency tests, PP the closed-period postings.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test/support/check_main.h"
#include "test/support/ledger_fixture.h"
#include "test/support/testlib.h"

static struct test_ledger L;
static struct test_ledger_user keeper, clerk, approver, closer;

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
}

static void stop_shared(void)
{
	test_ledger_stop(&L);
}

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

Suite *test_suite(void)
{
	Suite *s = suite_create("e2e/ledger/periods");
	TCase *tc = tcase_create("periods");

	tcase_add_unchecked_fixture(tc, start_shared, stop_shared);
	tcase_add_test(tc, a_company_currency_is_fixed_by_its_first_posting);
	tcase_add_test(tc, a_posting_into_a_closed_period_says_so);
	suite_add_tcase(s, tc);
	return s;
}
