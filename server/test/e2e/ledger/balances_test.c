/*
 * Balances kept as entries post (ledger_account_balances, docs/architecture.md
 * "Balances kept as entries post"), end to end against the real
 * erp-server-test binary: postings and reversals on days across months add
 * to the day and month rows; the trial balance, read from them, equals the
 * sums of the posted lines for every range tried (opening, movements,
 * closing); a range that is empty or malformed is refused; and
 * `erp-server audit verify-ledger` names a balance row that no longer
 * matches its lines (exit 65), and refuses an unmigrated database (69).
 *
 * Company BL, fiscal year 2026, accounts 1000 (asset), 2000 (liability),
 * 4000 (revenue), 5000 (expense).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test/support/check_main.h"
#include "test/support/ledger_fixture.h"
#include "test/support/script_fixture.h"
#include "test/support/testlib.h"

#define TB "/api/v1/companies/BL/reports/trial-balance"

static struct test_ledger L;
static struct test_ledger_user keeper, clerk, approver;

/* date, debit account, credit account, amount: what the books hold before each test. */
static const struct posting {
	const char *date, *debit, *credit, *amount;
} postings[] = {
	{ "2026-01-01", "1000", "2000", "5000.00" },
	{ "2026-01-15", "1000", "4000", "120.50" },
	{ "2026-01-15", "5000", "1000", "30.25" },
	{ "2026-01-31", "1000", "4000", "99.99" },
	{ "2026-02-01", "5000", "2000", "12.00" },
	{ "2026-02-14", "1000", "4000", "1000.00" },
	{ "2026-02-28", "5000", "1000", "400.10" },
	{ "2026-03-01", "1000", "4000", "7.77" },
	{ "2026-03-31", "5000", "1000", "250.00" },
	{ "2026-06-30", "1000", "4000", "3333.33" },
};

static void start_shared(void)
{
	char id[40], number[24];

	test_ledger_start(&L, "t_ledger_balances", NULL);
	test_ledger_company(&L, "BL", "EUR");
	test_ledger_role(&L, "bl-keeper", "[\"ledger.account.manage\",\"ledger.account.read\","
					  "\"ledger.period.manage\",\"ledger.report.read\"]");
	test_ledger_role(&L, "bl-clerk", "[\"ledger.journal.create\",\"ledger.journal.read\"]");
	test_ledger_role(&L, "bl-approver", "[\"ledger.journal.post\",\"ledger.journal.read\"]");
	test_ledger_user(&L, "keeper@balances.test", &keeper);
	test_ledger_user(&L, "clerk@balances.test", &clerk);
	test_ledger_user(&L, "approver@balances.test", &approver);
	test_ledger_grant(&L, keeper.id, "bl-keeper", "BL", NULL);
	test_ledger_grant(&L, clerk.id, "bl-clerk", "BL", NULL);
	test_ledger_grant(&L, approver.id, "bl-approver", "BL", NULL);
	test_ledger_account(&L, keeper.token, "BL", "1000", "asset", NULL);
	test_ledger_account(&L, keeper.token, "BL", "2000", "liability", NULL);
	test_ledger_account(&L, keeper.token, "BL", "4000", "revenue", NULL);
	test_ledger_account(&L, keeper.token, "BL", "5000", "expense", NULL);
	test_ledger_fiscal_year(&L, keeper.token, "BL", 2026);
	for (size_t i = 0; i < sizeof(postings) / sizeof(postings[0]); i++) {
		test_ledger_draft(&L, clerk.token, "BL", postings[i].date, postings[i].debit,
				  postings[i].credit, postings[i].amount, "balances", id);
		test_ledger_post(&L, approver.token, "BL", id, number);
	}
	/* A reversal of the 2026-02-14 sale, dated in March: it posts through the same path. */
	test_ledger_draft(&L, clerk.token, "BL", "2026-02-20", "1000", "4000", "64.00", "reversed", id);
	test_ledger_post(&L, approver.token, "BL", id, number);
	ck_assert_int_eq(test_ledger_call(&L, approver.token, "POST",
					  test_ledger_path("/api/v1/companies/BL/journal-entries/%s/reverse", id),
					  "If-Match: \"2\"", "{\"date\":\"2026-03-10\"}", NULL), 201);
	/* A draft never counts. */
	test_ledger_draft(&L, clerk.token, "BL", "2026-01-15", "1000", "4000", "1.00", "draft", id);
}

static void stop_shared(void)
{
	test_ledger_stop(&L);
}

/* "-12.50" -> -1250 (the company's currency has two decimals). */
static long long cents(const char *text)
{
	long long whole = 0, fraction = 0;
	int negative = *text == '-', digits = 0;
	const char *p = text + negative;

	for (; *p && *p != '.'; p++)
		whole = whole * 10 + (*p - '0');
	if (*p == '.')
		for (p++; *p && digits < 2; p++, digits++)
			fraction = fraction * 10 + (*p - '0');
	ck_assert_msg(digits == 2, "not an amount with two decimals: %s", text);
	return (negative ? -1 : 1) * (whole * 100 + fraction);
}

/* The trial balance's row for code, or NULL. */
static json_t *account_row(json_t *report, const char *code)
{
	json_t *accounts = json_object_get(report, "accounts"), *row;
	size_t i;

	json_array_foreach(accounts, i, row)
		if (strcmp(test_ledger_text(row, "code"), code) == 0)
			return row;
	return NULL;
}

/* The sum of column over BL's posted lines on code from..to (dates; from NULL: the beginning). */
static long long line_sum(const char *column, const char *code, const char *from, const char *to)
{
	return test_ledger_db_number(&L,
		"SELECT coalesce(sum(l.%s), 0) FROM ledger_lines l"
		" JOIN ledger_accounts a ON a.id = l.account_id JOIN companies c ON c.id = a.company_id"
		" WHERE c.code = 'BL' AND a.code = '%s' AND l.posted_on IS NOT NULL"
		" AND l.posted_on >= '%s' AND l.posted_on <= '%s'",
		column, code, from ? from : "1000-01-01", to);
}

START_TEST(the_trial_balance_from_the_balances_equals_the_lines_for_every_range)
{
	/* Whole months, ragged ends on both sides, one day, month ends and starts, no from. */
	static const char *const ranges[][2] = {
		{ NULL, "2026-12-31" }, { NULL, "2026-01-15" }, { NULL, "2026-02-28" },
		{ "2026-01-01", "2026-01-31" }, { "2026-01-15", "2026-01-15" },
		{ "2026-01-16", "2026-02-14" }, { "2026-02-01", "2026-03-31" },
		{ "2026-01-31", "2026-03-01" }, { "2026-02-15", "2026-06-29" },
		{ "2026-03-02", "2026-12-31" }, { "2025-12-01", "2026-01-01" },
		{ "2026-07-01", "2026-07-31" },
	};
	static const char *const codes[] = { "1000", "2000", "4000", "5000" };

	for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
		const char *from = ranges[i][0], *to = ranges[i][1];
		struct test_response r;
		long long debits = 0, credits = 0;

		ck_assert_int_eq(test_ledger_call(&L, keeper.token, "GET",
						  from ? test_ledger_path(TB "?from=%s&as_of=%s", from, to)
						       : test_ledger_path(TB "?as_of=%s", to),
						  NULL, NULL, &r), 200);
		for (size_t k = 0; k < sizeof(codes) / sizeof(codes[0]); k++) {
			json_t *row = account_row(r.json, codes[k]);
			long long debit = line_sum("debit_minor", codes[k], from, to);
			long long credit = line_sum("credit_minor", codes[k], from, to);
			/* The opening is everything before from. */
			long long opening = from ? test_ledger_db_number(&L,
				"SELECT coalesce(sum(l.debit_minor - l.credit_minor), 0)"
				" FROM ledger_lines l JOIN ledger_accounts a ON a.id = l.account_id"
				" JOIN companies c ON c.id = a.company_id WHERE c.code = 'BL'"
				" AND a.code = '%s' AND l.posted_on < '%s'", codes[k], from) : 0;

			if (!row) {
				ck_assert_msg(opening == 0 && debit == 0 && credit == 0,
					      "%s..%s: account %s missing", from, to, codes[k]);
				continue;
			}
			ck_assert_msg(cents(test_ledger_text(row, "opening")) == opening &&
					      cents(test_ledger_text(row, "debit")) == debit &&
					      cents(test_ledger_text(row, "credit")) == credit &&
					      cents(test_ledger_text(row, "closing")) == opening + debit - credit &&
					      cents(test_ledger_text(row, "balance")) == opening + debit - credit,
				      "%s..%s account %s: %s; the lines say opening %lld debit %lld credit %lld",
				      from, to, codes[k], r.body, opening, debit, credit);
			debits += debit;
			credits += credit;
		}
		ck_assert_int_eq(debits, credits);
		ck_assert(json_is_true(json_object_get(json_array_get(json_object_get(r.json, "totals"), 0),
						       "balanced")) ||
			  json_array_size(json_object_get(r.json, "totals")) == 0);
		test_response_free(&r);
	}
}
END_TEST

START_TEST(an_empty_or_malformed_range_is_refused)
{
	struct test_response r;

	ck_assert_int_eq(test_ledger_call(&L, keeper.token, "GET", TB "?from=2026-03-02&as_of=2026-03-01",
					  NULL, NULL, &r), 422);
	ck_assert_ptr_nonnull(strstr(r.body, "/from"));
	test_response_free(&r);
	ck_assert_int_eq(test_ledger_call(&L, keeper.token, "GET", TB "?from=2026-02-30", NULL, NULL,
					  NULL), 422);
	ck_assert_int_eq(test_ledger_call(&L, keeper.token, "GET", TB "?from=yesterday", NULL, NULL,
					  NULL), 422);
	/* The reports need ledger.report.read. */
	ck_assert_int_eq(test_ledger_call(&L, clerk.token, "GET", TB, NULL, NULL, NULL), 403);
}
END_TEST

static int occurrences(const char *text, const char *needle)
{
	int n = 0;

	for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

/* Runs verify-ledger on db_url. */
static void verify(const char *db_url, struct script_run *run)
{
	const char *const args[] = { "verify-ledger", NULL };

	script_fixture_audit(run, db_url, args);
}

START_TEST(verify_ledger_names_a_balance_row_that_differs_from_its_lines)
{
	struct script_run run;
	const char *row = "FROM companies c, ledger_accounts a WHERE b.company_id = c.id"
			  " AND c.code = 'BL' AND a.id = b.account_id";

	test_ledger_wait_sealed(&L);
	verify(L.db_url, &run);
	ck_assert_msg(run.status == 0, "%d %s %s", run.status, run.out, run.err);
	ck_assert_ptr_nonnull(strstr(run.out, "balances: sound"));
	script_run_free(&run);

	/* A cent more on 1000's row of 2026-01-15, and 4000's row of March gone. */
	ck_assert_int_eq(test_db_exec(L.db_url, test_ledger_path(
		"UPDATE ledger_account_balances b SET debit_minor = debit_minor + 1 %s AND a.code = '1000'"
		" AND b.span = 'day' AND b.starts_on = '2026-01-15'", row)), 0);
	ck_assert_int_eq(test_db_exec(L.db_url, test_ledger_path(
		"DELETE FROM ledger_account_balances b USING companies c, ledger_accounts a"
		" WHERE b.company_id = c.id AND c.code = 'BL' AND a.id = b.account_id AND a.code = '4000'"
		" AND b.span = 'month' AND b.starts_on = '%s'", "2026-03-01")), 0);
	verify(L.db_url, &run);
	ck_assert_msg(run.status == 65, "%d %s %s", run.status, run.out, run.err);
	ck_assert_msg(strstr(run.out, "account 1000 day 2026-01-15: the lines sum to debit 120.50 credit"
				      " 30.25, the balance row holds debit 120.51 credit 30.25"),
		      "%s", run.out);
	ck_assert_msg(strstr(run.out, "account 4000 month 2026-03-01: the lines sum to debit 64.00"
				      " credit 7.77, the balance row holds debit none credit none"),
		      "%s", run.out);
	/* Only those two. */
	ck_assert_int_eq(occurrences(run.out, "balances: company"), 2);
	ck_assert_ptr_nonnull(strstr(run.err, "verify-ledger found problems"));
	script_run_free(&run);

	/* Put back, the books verify again (and the teardown's verification passes). */
	ck_assert_int_eq(test_db_exec(L.db_url, test_ledger_path(
		"UPDATE ledger_account_balances b SET debit_minor = debit_minor - 1 %s AND a.code = '1000'"
		" AND b.span = 'day' AND b.starts_on = '2026-01-15'", row)), 0);
	ck_assert_int_eq(test_db_exec(L.db_url,
		"INSERT INTO ledger_account_balances (company_id, span, starts_on, account_id,"
		"   debit_minor, credit_minor)"
		" SELECT l.company_id, 'month', '2026-03-01', l.account_id, sum(l.debit_minor),"
		"   sum(l.credit_minor) FROM ledger_lines l JOIN ledger_accounts a ON a.id = l.account_id"
		" JOIN companies c ON c.id = a.company_id WHERE c.code = 'BL' AND a.code = '4000'"
		" AND l.posted_on BETWEEN '2026-03-01' AND '2026-03-31' GROUP BY 1, 4"), 0);
	verify(L.db_url, &run);
	ck_assert_msg(run.status == 0, "%d %s %s", run.status, run.out, run.err);
	script_run_free(&run);
}
END_TEST

START_TEST(verify_ledger_refuses_an_unmigrated_database)
{
	struct script_run run;

	verify(test_db_create("t_ledger_balances_bare"), &run);
	ck_assert_msg(run.status == 69, "%d %s %s", run.status, run.out, run.err);
	ck_assert_ptr_nonnull(strstr(run.err, "erp-server migrate"));
	script_run_free(&run);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("e2e/ledger/balances");
	TCase *tc = tcase_create("balances");

	tcase_add_unchecked_fixture(tc, start_shared, stop_shared);
	tcase_add_test(tc, the_trial_balance_from_the_balances_equals_the_lines_for_every_range);
	tcase_add_test(tc, an_empty_or_malformed_range_is_refused);
	tcase_add_test(tc, verify_ledger_names_a_balance_row_that_differs_from_its_lines);
	tcase_add_test(tc, verify_ledger_refuses_an_unmigrated_database);
	suite_add_tcase(s, tc);
	return s;
}
