/*
 * A year-end close asked for by someone who has since left: the request is
 * no second person's agreement any more, so its confirmation is refused
 * (409) and the year stays open until the request is cancelled and asked
 * for again by someone active, then confirmed by another. End to end
 * against the real erp-server-test binary and PostgreSQL.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "test/support/check_main.h"
#include "test/support/ledger_fixture.h"
#include "test/support/testlib.h"

static struct test_ledger L;
static struct test_ledger_user keeper, settings, leaver, closer2, closer3;

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
	test_ledger_company(&L, "ST1", "EUR");
	test_ledger_grant(&L, keeper.id, "st-keeper", "ST1", NULL);
	test_ledger_grant(&L, settings.id, "st-settings", "ST1", NULL);
	test_ledger_grant(&L, leaver.id, "st-closer", "ST1", NULL);
	test_ledger_grant(&L, closer2.id, "st-closer", "ST1", NULL);
	test_ledger_grant(&L, closer3.id, "st-closer", "ST1", NULL);
	test_ledger_account(&L, keeper.token, "ST1", "3000", "equity", NULL);
	test_ledger_fiscal_year(&L, keeper.token, "ST1", 2024);
	for (int month = 1; month <= 12; month++) {
		char id[40];

		test_ledger_period_id(&L, keeper.token, "ST1", test_ledger_path("2024-%02d", month), id);
		ck_assert_int_eq(test_ledger_call(&L, keeper.token, "POST",
						  test_ledger_path("/api/v1/companies/ST1/fiscal-periods/%s/close",
								   id), NULL, NULL, NULL), 200);
	}
	{
		const char *path = "/api/v1/companies/ST1/ledger-settings";
		const char *if_match = test_ledger_read_if_match(&L, settings.token, path);

		ck_assert_int_eq(test_ledger_call(&L, settings.token, "PUT",
						  test_ledger_path("%s/retained-earnings-account", path), if_match,
						  "{\"account\":\"3000\"}", NULL), 200);
	}
}

static void stop_shared(void)
{
	test_ledger_stop(&L);
}

static long year_step(const char *token, const char *step, struct test_response *r)
{
	return test_ledger_call(&L, token, "POST",
				test_ledger_path("/api/v1/companies/ST1/fiscal-years/2024/%s", step), NULL,
				NULL, r);
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

Suite *test_suite(void)
{
	Suite *s = suite_create("e2e/ledger/year_close_stale");
	TCase *tc = tcase_create("year_close_stale");

	tcase_add_unchecked_fixture(tc, start_shared, stop_shared);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, a_close_asked_for_by_a_deactivated_user_is_not_confirmed);
	suite_add_tcase(s, tc);
	return s;
}
