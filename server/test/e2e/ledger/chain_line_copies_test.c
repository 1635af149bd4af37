/*
 * `erp-server audit verify-ledger` against a posted entry whose lines were
 * moved to another day. A line's posted_on (and company_id) are copies of
 * its entry's that the hash does not cover, yet the balances, the trial
 * balance and the year-end close read them: a superuser who moves the lines
 * of a posted entry into another month (or year) and rebuilds the balance
 * rows to match changes the reports without touching one hashed byte. The
 * verifier names that entry (exit 65). End to end: the real erp-server-test
 * binary posts, PostgreSQL holds it, the audit command checks it.
 *
 * Company LA stays intact; LB gets its lines moved.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "test/support/check_main.h"
#include "test/support/ledger_fixture.h"
#include "test/support/script_fixture.h"
#include "test/support/testlib.h"

static struct test_ledger L;
static struct test_ledger_crew crew;
static char lb_second[40];

static void start_shared(void)
{
	test_ledger_start(&L, "t_ledger_chain_line_copies", NULL);
	test_ledger_crew_start(&L, &crew, "lc");
	test_ledger_posted_books(&L, &crew, "LA", 3, NULL);
	test_ledger_posted_books(&L, &crew, "LB", 3, lb_second);
	test_ledger_wait_sealed(&L);
}

/* The books were broken on purpose: the server stops without the fixture's verification. */
static void stop_shared(void)
{
	ck_assert_int_eq(test_server_stop(&L.server), 0);
}

/* The revenue credited in 2026-month, in minor units, from the kept month balances. */
static long long revenue_in_month(const char *company, int month)
{
	return test_ledger_db_number(&L, "SELECT coalesce(sum(b.credit_minor), 0) FROM ledger_account_balances b"
				     " JOIN ledger_accounts a ON a.id = b.account_id JOIN companies c"
				     "  ON c.id = b.company_id WHERE c.code = '%s' AND a.code = '4000'"
				     "  AND b.span = 'month' AND b.starts_on = '2026-%02d-01'", company, month);
}

START_TEST(lines_moved_to_another_month_with_balances_to_match_are_named)
{
	const char *const args[] = { "verify-ledger", NULL };
	struct script_run run;
	char expected[160];

	ck_assert_int_eq(revenue_in_month("LB", 2), 6000);
	/*
	 * As a superuser with the triggers off: the entry's lines moved from
	 * February to March, and the company's balance rows rebuilt from the
	 * lines, so the recomputed balances agree with the kept ones.
	 */
	ck_assert_int_eq(test_db_exec(L.db_url, test_ledger_path(
		"BEGIN; SET LOCAL session_replication_role = replica;"
		" UPDATE ledger_lines SET posted_on = '2026-03-15' WHERE entry_id = '%s';"
		" DELETE FROM ledger_account_balances WHERE company_id = (SELECT id FROM companies WHERE code = 'LB');"
		" INSERT INTO ledger_account_balances (company_id, span, starts_on, account_id, debit_minor, credit_minor)"
		"  SELECT l.company_id, s.span, CASE s.span WHEN 'day' THEN l.posted_on"
		"    ELSE date_trunc('month', l.posted_on)::date END, l.account_id, sum(l.debit_minor),"
		"    sum(l.credit_minor) FROM ledger_lines l CROSS JOIN (VALUES ('day'), ('month')) s (span)"
		"   WHERE l.posted_on IS NOT NULL AND l.company_id = (SELECT id FROM companies WHERE code = 'LB')"
		"   GROUP BY 1, 2, 3, 4;"
		" COMMIT", lb_second)), 0);
	/* The reports now book the sale in March. */
	ck_assert_int_eq(revenue_in_month("LB", 2), 4000);
	ck_assert_int_eq(revenue_in_month("LB", 3), 2000);

	script_fixture_audit(&run, L.db_url, args);
	ck_assert_msg(run.status == 65, "exit %d: %s%s", run.status, run.out, run.err);
	snprintf(expected, sizeof(expected), "first entry that no longer matches: JE-2026-000002 (%s)",
		 lb_second);
	ck_assert_msg(strstr(run.out, expected), "no \"%s\" in %s", expected, run.out);
	ck_assert_msg(strstr(run.out, "booked on another day or company"), "%s", run.out);
	/* The other company is still intact. */
	ck_assert_msg(strstr(run.out, "intact: 3 entries in the chain"), "%s", run.out);
	script_run_free(&run);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("e2e/ledger/chain_line_copies");
	TCase *tc = tcase_create("chain_line_copies");

	tcase_add_unchecked_fixture(tc, start_shared, stop_shared);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, lines_moved_to_another_month_with_balances_to_match_are_named);
	suite_add_tcase(s, tc);
	return s;
}
