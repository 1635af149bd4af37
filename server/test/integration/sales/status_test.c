/*
 * An invoice's status is derived, never stored: the one rule,
 * sales_invoice_status(posted, due_date, as_of, amount, residual, credited)
 * of the sales migrations (residual: what is left after allocations, NULL
 * for a draft; credited: what posted credit notes take back),
 * table-driven against a real PostgreSQL (the server renders and filters
 * by it; e2e/sales/invoices_test.c and posting_test.c see it through the
 * API).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test/support/check_main.h"
#include "test/support/iam_fixture.h"
#include "test/support/testlib.h"

static const char *url;

static void setup(void)
{
	url = test_db_create("t_sales_status");
	test_iam_migrate(url);
}

static const struct {
	const char *why;
	const char *posted, *due_date, *as_of, *residual, *credited;
	const char *status;
} cases[] = {
	{ "a draft, whatever its dates", "false", "2026-01-31", "2026-12-31", "NULL", "0", "draft" },
	{ "a draft due later", "false", "2099-01-31", "2026-01-01", "NULL", "0", "draft" },
	{ "posted, due later", "true", "2026-04-09", "2026-03-10", "12000", "0", "open" },
	{ "posted, due today: not yet overdue", "true", "2026-04-09", "2026-04-09", "12000", "0", "open" },
	{ "posted, due yesterday", "true", "2026-04-09", "2026-04-10", "12000", "0", "overdue" },
	{ "posted long ago", "true", "2020-02-29", "2026-12-03", "12000", "0", "overdue" },
	{ "partly paid, due later", "true", "2026-04-09", "2026-03-10", "1", "0", "partially_paid" },
	{ "partly paid, past due: overdue", "true", "2026-04-09", "2026-04-10", "11999", "0", "overdue" },
	{ "paid, due later", "true", "2026-04-09", "2026-03-10", "0", "0", "paid" },
	{ "paid, past due: paid", "true", "2020-02-29", "2026-12-03", "0", "0", "paid" },
	{ "credited in full", "true", "2099-01-01", "2026-12-03", "0", "12000", "credited" },
	{ "credited in full, past due", "true", "2020-02-29", "2026-12-03", "0", "12000", "credited" },
	{ "credited in part, the rest paid", "true", "2099-01-01", "2026-12-03", "0", "2000", "paid" },
	{ "credited in part, the rest open", "true", "2099-01-01", "2026-12-03", "10000", "2000",
	  "partially_paid" },
};

START_TEST(the_status_follows_from_the_facts)
{
	char sql[256], *status;

	/* An invoice of 120.00 (12000 minor units). */
	snprintf(sql, sizeof(sql),
		 "SELECT sales_invoice_status(%s, '%s'::date, '%s'::date, 12000, %s::bigint, %s)",
		 cases[_i].posted, cases[_i].due_date, cases[_i].as_of, cases[_i].residual,
		 cases[_i].credited);
	status = test_db_value(url, sql);
	ck_assert_msg(status != NULL, "%s: no answer", cases[_i].why);
	ck_assert_msg(strcmp(status, cases[_i].status) == 0, "%s: %s", cases[_i].why, status);
	free(status);
}
END_TEST

START_TEST(the_status_is_nowhere_stored)
{
	char *columns = test_db_value(url, "SELECT count(*) FROM information_schema.columns"
					   " WHERE table_schema = 'sales' AND column_name = 'status'");

	ck_assert_str_eq(columns, "0");
	free(columns);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("integration/sales/status");
	TCase *tc = tcase_create("status");

	tcase_add_unchecked_fixture(tc, setup, NULL);
	tcase_add_loop_test(tc, the_status_follows_from_the_facts, 0, sizeof(cases) / sizeof(cases[0]));
	tcase_add_test(tc, the_status_is_nowhere_stored);
	suite_add_tcase(s, tc);
	return s;
}
