/*
 * erp_app has enough: the real server connected as a LOGIN role that is a
 * member of erp_app, as a deployment connects it (README, "Database roles"),
 * does the everyday writes of every module (login, a failed login, logout,
 * users, companies, roles, grants, accounts, fiscal years, journal entries
 * drafted with an Idempotency-Key, changed, posted and reversed) without one
 * refusal from the database, and what it wrote verifies.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test/support/check_main.h"
#include "test/support/ledger_fixture.h"
#include "test/support/script_fixture.h"
#include "test/support/testlib.h"

static struct test_ledger ledger;

static void start(void)
{
	test_ledger_start_as_app(&ledger, "t_least_privilege", "t_lp_app");
}

static void stop(void)
{
	test_ledger_stop(&ledger);
}

START_TEST(server_connected_as_erp_app_does_its_everyday_writes)
{
	struct test_ledger_user clerk, approver;
	struct test_response r;
	char entry[40], number[24], *log;
	const char *const verify_events[] = { "verify-events", NULL };
	struct script_run run;

	/* Readiness reads the migration history and the permission catalog. */
	ck_assert_int_eq(test_ledger_call(&ledger, NULL, "GET", "/readyz", NULL, NULL, NULL), 200);
	/* A failed login is throttled and audited. */
	ck_assert_int_eq(test_ledger_call(&ledger, NULL, "POST", "/api/v1/auth/login", NULL,
					  "{\"email\": \"nobody@lp.test\", \"password\": \"wrong password 1\"}",
					  NULL),
			 401);
	test_ledger_company(&ledger, "LP", "EUR");
	test_ledger_role(&ledger, "lp-clerk",
			 "[\"ledger.account.manage\", \"ledger.account.read\", \"ledger.period.manage\","
			 " \"ledger.journal.create\", \"ledger.journal.read\", \"iam.company.read\"]");
	test_ledger_role(&ledger, "lp-approver", "[\"ledger.journal.post\", \"ledger.journal.read\"]");
	test_ledger_user(&ledger, "clerk@lp.test", &clerk);
	test_ledger_user(&ledger, "approver@lp.test", &approver);
	test_ledger_grant(&ledger, clerk.id, "lp-clerk", "LP", NULL);
	test_ledger_grant(&ledger, approver.id, "lp-approver", "LP", NULL);
	test_ledger_account(&ledger, clerk.token, "LP", "1000", "asset", NULL);
	test_ledger_account(&ledger, clerk.token, "LP", "4000", "revenue", NULL);
	test_ledger_fiscal_year(&ledger, clerk.token, "LP", 2026);
	ck_assert_int_eq(test_ledger_call(&ledger, clerk.token, "POST",
					  "/api/v1/companies/LP/journal-entries", "Idempotency-Key: lp-1",
					  "{\"date\": \"2026-03-15\", \"memo\": \"first sale\", \"lines\":"
					  " [{\"account\": \"1000\", \"debit\": \"125.50\"},"
					  " {\"account\": \"4000\", \"credit\": \"125.50\"}]}",
					  &r),
			 201);
	snprintf(entry, sizeof(entry), "%s", test_ledger_text(r.json, "id"));
	test_response_free(&r);
	ck_assert_int_eq(test_ledger_call(&ledger, clerk.token, "GET",
					  test_ledger_path("/api/v1/companies/LP/journal-entries/%s", entry),
					  NULL, NULL, &r),
			 200);
	ck_assert_int_eq(test_ledger_call(&ledger, clerk.token, "PUT",
					  test_ledger_path("/api/v1/companies/LP/journal-entries/%s", entry),
					  test_ledger_if_match(&r),
					  "{\"date\": \"2026-03-16\", \"memo\": \"first sale, corrected\","
					  " \"lines\": [{\"account\": \"1000\", \"debit\": \"126.00\"},"
					  " {\"account\": \"4000\", \"credit\": \"126.00\"}]}",
					  NULL),
			 200);
	test_response_free(&r);
	test_ledger_post(&ledger, approver.token, "LP", entry, number);
	ck_assert_str_eq(number, "JE-2026-000001");
	ck_assert_int_eq(test_ledger_call(&ledger, approver.token, "GET",
					  test_ledger_path("/api/v1/companies/LP/journal-entries/%s", entry),
					  NULL, NULL, &r),
			 200);
	ck_assert_int_eq(test_ledger_call(&ledger, approver.token, "POST",
					  test_ledger_path("/api/v1/companies/LP/journal-entries/%s/reverse",
							   entry),
					  test_ledger_if_match(&r), "{\"date\": \"2026-03-31\"}", NULL),
			 201);
	test_response_free(&r);
	ck_assert_int_eq(test_ledger_call(&ledger, clerk.token, "POST", "/api/v1/auth/logout", NULL,
					  NULL, NULL),
			 204);

	/* Not one statement of the server was refused by the database. */
	log = test_server_log(&ledger.server);
	ck_assert_msg(strstr(log, "42501") == NULL && strstr(log, "permission denied") == NULL,
		      "%s", log);
	free(log);
	/* Every row the server wrote carries its MAC. */
	script_fixture_audit(&run, ledger.db_url, verify_events);
	ck_assert_msg(run.status == 0, "%s%s", run.out, run.err);
	ck_assert_ptr_nonnull(strstr(run.out, " 0 failed\n"));
	script_run_free(&run);
	ck_assert_int_ge(test_ledger_db_number(&ledger, "SELECT count(*) FROM audit_events"
							" WHERE mac IS NOT NULL"),
			 10);
}
END_TEST

Suite *test_suite(void)
{
	Suite *suite = suite_create("least privilege");
	TCase *tc = tcase_create("erp_app");

	tcase_add_unchecked_fixture(tc, start, stop);
	tcase_add_test(tc, server_connected_as_erp_app_does_its_everyday_writes);
	suite_add_tcase(suite, tc);
	return suite;
}
