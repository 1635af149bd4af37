/*
 * Stale year-end closes. A close asked for by someone who has since left:
 * the request is no second person's agreement any more, so its
 * confirmation is refused (409) and the year stays open until the request
 * is cancelled and asked for again by someone active, then confirmed by
 * another. A confirmation names the version of the year its user read
 * (If-Match): a request cancelled and asked for again since is not the one
 * they reviewed (412). End to end against the real erp-server-test binary
 * and PostgreSQL.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "test/support/check_main.h"
#include "test/support/ledger_fixture.h"
#include "test/support/testlib.h"

static struct test_ledger L;
static struct test_ledger_user keeper, settings, leaver, closer2, closer3;

/* Company code with the closers granted, 2024's periods all closed and retained earnings named. */
static void closable_company(const char *code)
{
	const char *path = test_ledger_path("/api/v1/companies/%s/ledger-settings", code);

	test_ledger_company(&L, code, "EUR");
	test_ledger_grant(&L, keeper.id, "st-keeper", code, NULL);
	test_ledger_grant(&L, settings.id, "st-settings", code, NULL);
	test_ledger_grant(&L, leaver.id, "st-closer", code, NULL);
	test_ledger_grant(&L, closer2.id, "st-closer", code, NULL);
	test_ledger_grant(&L, closer3.id, "st-closer", code, NULL);
	test_ledger_account(&L, keeper.token, code, "3000", "equity", NULL);
	ck_assert_int_eq(test_ledger_call(&L, settings.token, "PUT",
					  test_ledger_path("%s/retained-earnings-account", path),
					  test_ledger_read_if_match(&L, settings.token, path),
					  "{\"account\":\"3000\"}", NULL), 200);
	test_ledger_fiscal_year(&L, keeper.token, code, 2024);
	test_ledger_close_periods(&L, keeper.token, code, 2024);
}

static void start_shared(void)
{
	test_ledger_start(&L, "t_ledger_year_close_stale", NULL);
	test_ledger_role(&L, "st-keeper", "[\"ledger.account.manage\",\"ledger.account.read\","
					  "\"ledger.period.manage\",\"ledger.period.read\"]");
	test_ledger_role(&L, "st-settings", "[\"ledger.settings.manage\"]");
	test_ledger_role(&L, "st-closer", "[\"ledger.year.close\",\"ledger.period.read\"]");
	test_ledger_user(&L, "keeper@st.test", &keeper);
	test_ledger_user(&L, "settings@st.test", &settings);
	test_ledger_user(&L, "leaver@st.test", &leaver);
	test_ledger_user(&L, "closer2@st.test", &closer2);
	test_ledger_user(&L, "closer3@st.test", &closer3);
	closable_company("ST1");
	closable_company("ST2");
}

static void stop_shared(void)
{
	test_ledger_stop(&L);
}

static long year_step(const char *token, const char *step, struct test_response *r)
{
	return test_ledger_year_step(&L, token, "ST1", 2024, step, r);
}

static const char *year_status(void)
{
	static char status[16];
	struct test_response r;

	ck_assert_int_eq(test_ledger_call(&L, closer2.token, "GET", "/api/v1/companies/ST1/fiscal-years/2024",
					  NULL, NULL, &r), 200);
	snprintf(status, sizeof(status), "%s", test_ledger_text(r.json, "status"));
	test_response_free(&r);
	return status;
}

START_TEST(a_close_asked_for_by_a_deactivated_user_is_not_confirmed)
{
	struct test_response r;
	long status;

	ck_assert_int_eq(year_step(leaver.token, "close", NULL), 202);
	ck_assert_int_eq(test_ledger_call(&L, L.admin_token, "POST",
					  test_ledger_path("/api/v1/users/%s/deactivate", leaver.id), NULL,
					  NULL, NULL), 200);
	/* One closer alone, on the request of someone who has left: refused, the year stays open. */
	status = year_step(closer2.token, "close/confirm", &r);
	ck_assert_msg(status == 409, "%ld, not 409: %s", status, r.body);
	ck_assert_msg(strstr(test_ledger_text(r.json, "detail"), "has since been deactivated"), "%s", r.body);
	test_response_free(&r);
	ck_assert_str_eq(year_status(), "open");
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM ledger_fiscal_years"
					       " WHERE fiscal_year = 2024 AND closed_by IS NOT NULL"), 0);
	/* Cancelled and asked for again by someone active, another confirms. */
	ck_assert_int_eq(year_step(closer2.token, "close/cancel", NULL), 200);
	ck_assert_int_eq(year_step(closer2.token, "close", NULL), 202);
	ck_assert_int_eq(year_step(closer3.token, "close/confirm", NULL), 200);
	ck_assert_str_eq(year_status(), "closed");
}
END_TEST

/* closer3 confirms ST2's close of 2024 under if_match (NULL: none); returns the status. */
static long confirm_st2(const char *if_match, struct test_response *r)
{
	return test_ledger_call(&L, closer3.token, "POST",
				"/api/v1/companies/ST2/fiscal-years/2024/close/confirm", if_match, NULL, r);
}

START_TEST(a_confirmation_is_of_the_request_its_user_read)
{
	const char *year = "/api/v1/companies/ST2/fiscal-years/2024";
	char reviewed[64];
	struct test_response r;
	long status;

	ck_assert_int_eq(test_ledger_year_step(&L, closer2.token, "ST2", 2024, "close", NULL), 202);
	/* A confirmation must say which request it agrees to. */
	status = confirm_st2(NULL, &r);
	ck_assert_msg(status == 428, "%ld, not 428: %s", status, r.body);
	test_response_free(&r);
	snprintf(reviewed, sizeof(reviewed), "%s", test_ledger_read_if_match(&L, closer3.token, year));
	/* Meanwhile the request is cancelled and asked for again (by the same closer, or a second account of theirs). */
	ck_assert_int_eq(test_ledger_year_step(&L, closer2.token, "ST2", 2024, "close/cancel", NULL), 200);
	ck_assert_int_eq(test_ledger_year_step(&L, closer2.token, "ST2", 2024, "close", NULL), 202);
	status = confirm_st2(reviewed, &r);
	ck_assert_msg(status == 412, "%ld, not 412: %s", status, r.body);
	ck_assert_msg(strstr(test_ledger_text(r.json, "detail"), "changed since you read it"), "%s", r.body);
	test_response_free(&r);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM ledger_fiscal_years y JOIN companies c"
					       " ON c.id = y.company_id WHERE c.code = 'ST2'"
					       " AND y.closed_by IS NOT NULL"), 0);
	/* Read again, the request now reviewed is confirmed. */
	ck_assert_int_eq(confirm_st2(test_ledger_read_if_match(&L, closer3.token, year), NULL), 200);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM ledger_fiscal_years y JOIN companies c"
					       " ON c.id = y.company_id WHERE c.code = 'ST2'"
					       " AND y.status = 'closed'"), 1);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("e2e/ledger/year_close_stale");
	TCase *tc = tcase_create("year_close_stale");

	tcase_add_unchecked_fixture(tc, start_shared, stop_shared);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, a_close_asked_for_by_a_deactivated_user_is_not_confirmed);
	tcase_add_test(tc, a_confirmation_is_of_the_request_its_user_read);
	suite_add_tcase(s, tc);
	return s;
}
