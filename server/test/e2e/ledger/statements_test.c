/*
 * The profit and loss and the balance sheet over a realistic year and a
 * half, end to end against the real erp-server-test binary: company ST
 * with a chart of parents and children (1000 > 1100, 1200; 4000 > 4100,
 * 4200; 5000 > 5100, 5200), monthly sales, services, collections, rent and
 * salaries through 2025 and the first half of 2026, and 2025 closed by an
 * entry of source ledger.year-close (as the year-end close posts it).
 * Every balance sheet asked for balances (assets = liabilities + equity +
 * the results not yet closed), with and without a comparison column; the
 * profit and loss leaves the closing entry out; parents carry their
 * children's subtotals; every malformed request is refused.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test/support/check_main.h"
#include "test/support/ledger_fixture.h"
#include "test/support/testlib.h"

#define REPORTS "/api/v1/companies/ST/reports"

static struct test_ledger L;
static struct test_ledger_user keeper, clerk, approver;

/* What the postings below add up to, in cents. */
enum {
	REVENUE_2025 = 1638000, EXPENSE_2025 = 1440000,
	REVENUE_2026_H1 = 1101000, EXPENSE_2026_H1 = 720000,
	CAPITAL = 1000000,
};

static void account(const char *code, const char *type, const char *parent)
{
	char body[256];

	snprintf(body, sizeof(body), "{\"code\":\"%s\",\"name\":\"Account %s\",\"type\":\"%s\"%s%s%s}",
		 code, code, type, parent ? ",\"parent\":\"" : "", parent ? parent : "",
		 parent ? "\"" : "");
	ck_assert_int_eq(test_ledger_call(&L, keeper.token, "POST", "/api/v1/companies/ST/accounts",
					  NULL, body, NULL), 201);
}

static void post(const char *date, const char *debit, const char *credit, long cents)
{
	char id[40], amount[32];

	snprintf(amount, sizeof(amount), "%ld.%02ld", cents / 100, cents % 100);
	test_ledger_draft(&L, clerk.token, "ST", date, debit, credit, amount, "statements", id);
	test_ledger_post(&L, approver.token, "ST", id, NULL);
}

/* A month of business: sales, services, rent, salaries, a collection. */
static void month(int year, int m, long sale_base)
{
	char day[11];

	snprintf(day, sizeof(day), "%04d-%02d-01", year, m);
	post(day, "5100", "1100", 40000);
	snprintf(day, sizeof(day), "%04d-%02d-10", year, m);
	post(day, "1200", "4100", sale_base + m * 1000);
	snprintf(day, sizeof(day), "%04d-%02d-15", year, m);
	post(day, "1100", "1200", 50000);
	post(day, "1100", "4200", 30000);
	snprintf(day, sizeof(day), "%04d-%02d-28", year, m);
	post(day, "5200", "2000", 80000);
}

static void start_shared(void)
{
	char id[40];

	test_ledger_start(&L, "t_ledger_statements", NULL);
	test_ledger_company(&L, "ST", "EUR");
	test_ledger_role(&L, "st-keeper", "[\"ledger.account.manage\",\"ledger.account.read\","
					  "\"ledger.period.manage\",\"ledger.report.read\"]");
	test_ledger_role(&L, "st-clerk", "[\"ledger.journal.create\",\"ledger.journal.read\"]");
	test_ledger_role(&L, "st-approver", "[\"ledger.journal.post\",\"ledger.journal.read\"]");
	test_ledger_user(&L, "keeper@statements.test", &keeper);
	test_ledger_user(&L, "clerk@statements.test", &clerk);
	test_ledger_user(&L, "approver@statements.test", &approver);
	test_ledger_grant(&L, keeper.id, "st-keeper", "ST", NULL);
	test_ledger_grant(&L, clerk.id, "st-clerk", "ST", NULL);
	test_ledger_grant(&L, approver.id, "st-approver", "ST", NULL);
	account("1000", "asset", NULL);
	account("1100", "asset", "1000");
	account("1200", "asset", "1000");
	account("2000", "liability", NULL);
	account("3000", "equity", NULL);
	account("3900", "equity", NULL);
	account("4000", "revenue", NULL);
	account("4100", "revenue", "4000");
	account("4200", "revenue", "4000");
	account("5000", "expense", NULL);
	account("5100", "expense", "5000");
	account("5200", "expense", "5000");
	account("9000", "expense", NULL); /* never posted to: never listed */
	test_ledger_fiscal_year(&L, keeper.token, "ST", 2025);
	test_ledger_fiscal_year(&L, keeper.token, "ST", 2026);
	post("2025-01-01", "1100", "3000", CAPITAL);
	for (int m = 1; m <= 12; m++)
		month(2025, m, 100000);
	for (int m = 1; m <= 6; m++)
		month(2026, m, 150000);
	/* 2025 closed: its revenue and expense moved to retained earnings (3900). */
	ck_assert_int_eq(test_ledger_call(&L, clerk.token, "POST", "/api/v1/companies/ST/journal-entries",
		NULL, "{\"date\":\"2025-12-31\",\"memo\":\"Close 2025\",\"source\":\"ledger.year-close\","
		"\"lines\":[{\"account\":\"4100\",\"debit\":\"12780.00\"},"
		"{\"account\":\"4200\",\"debit\":\"3600.00\"},{\"account\":\"5100\",\"credit\":\"4800.00\"},"
		"{\"account\":\"5200\",\"credit\":\"9600.00\"},{\"account\":\"3900\",\"credit\":\"1980.00\"}]}",
		NULL), 201);
	snprintf(id, sizeof(id), "%s", test_db_value(L.db_url,
		"SELECT e.id FROM ledger_entries e JOIN companies c ON c.id = e.company_id"
		" WHERE c.code = 'ST' AND e.source = 'ledger.year-close'"));
	test_ledger_post(&L, approver.token, "ST", id, NULL);
}

static void stop_shared(void)
{
	test_ledger_stop(&L);
}

/* "-12.50" -> -1250; JSON null -> 0 (asserting present when it must be). */
static long long cents(json_t *value)
{
	const char *text = json_string_value(value);
	long long whole = 0, fraction = 0;
	int negative, digits = 0;

	ck_assert_msg(text != NULL, "no amount");
	negative = *text == '-';
	for (text += negative; *text && *text != '.'; text++)
		whole = whole * 10 + (*text - '0');
	if (*text == '.')
		for (text++; *text; text++, digits++)
			fraction = fraction * 10 + (*text - '0');
	ck_assert_int_eq(digits, 2);
	return (negative ? -1 : 1) * (whole * 100 + fraction);
}

static json_t *section(json_t *report, const char *type)
{
	json_t *sections = json_object_get(report, "sections"), *s;
	size_t i;

	json_array_foreach(sections, i, s)
		if (strcmp(test_ledger_text(s, "type"), type) == 0)
			return s;
	ck_abort_msg("no section %s", type);
	return NULL;
}

static json_t *line(json_t *report, const char *type, const char *code)
{
	json_t *accounts = json_object_get(section(report, type), "accounts"), *a;
	size_t i;

	json_array_foreach(accounts, i, a)
		if (strcmp(test_ledger_text(a, "code"), code) == 0)
			return a;
	return NULL;
}

/* GETs a report (asserts 200) into r. */
static void report(const char *path, struct test_response *r)
{
	long status = test_ledger_call(&L, keeper.token, "GET", path, NULL, NULL, r);

	ck_assert_msg(status == 200, "GET %s: %ld %s", path, status, r->body);
}

/* Asserts the balance sheet balances in its own column and its comparison's. */
static void assert_balances(json_t *sheet)
{
	long long assets = cents(json_object_get(sheet, "total_assets"));
	long long rest = cents(json_object_get(section(sheet, "liability"), "total")) +
			 cents(json_object_get(section(sheet, "equity"), "total")) +
			 cents(json_object_get(json_object_get(sheet, "result_of_year"), "amount")) +
			 cents(json_object_get(json_object_get(sheet, "earlier_results"), "amount"));

	ck_assert_int_eq(assets, cents(json_object_get(section(sheet, "asset"), "total")));
	ck_assert_int_eq(assets, rest);
	ck_assert_int_eq(assets, cents(json_object_get(sheet, "total_liabilities_and_equity")));
	ck_assert(json_is_true(json_object_get(sheet, "balanced")));
	if (!json_is_null(json_object_get(sheet, "compare")))
		ck_assert_int_eq(cents(json_object_get(sheet, "compare_total_assets")),
				 cents(json_object_get(sheet, "compare_total_liabilities_and_equity")));
}

START_TEST(the_profit_and_loss_leaves_the_closing_entry_out)
{
	struct test_response r;
	json_t *revenue, *expense;

	report(REPORTS "/profit-and-loss?from=2025-01-01&to=2025-12-31", &r);
	revenue = section(r.json, "revenue");
	expense = section(r.json, "expense");
	ck_assert_int_eq(cents(json_object_get(revenue, "total")), REVENUE_2025);
	ck_assert_int_eq(cents(json_object_get(expense, "total")), EXPENSE_2025);
	ck_assert_int_eq(cents(json_object_get(r.json, "result")), REVENUE_2025 - EXPENSE_2025);
	ck_assert(json_is_null(json_object_get(r.json, "compare")));
	ck_assert(json_is_null(json_object_get(r.json, "compare_result")));
	/* Parents carry their children: 4000 has nothing of its own. */
	ck_assert_int_eq(cents(json_object_get(line(r.json, "revenue", "4000"), "amount")), 0);
	ck_assert_int_eq(cents(json_object_get(line(r.json, "revenue", "4000"), "total")), REVENUE_2025);
	ck_assert_int_eq(cents(json_object_get(line(r.json, "revenue", "4200"), "total")), 360000);
	ck_assert_int_eq(json_integer_value(json_object_get(line(r.json, "revenue", "4100"), "level")), 1);
	ck_assert_str_eq(test_ledger_text(line(r.json, "revenue", "4100"), "parent"), "4000");
	ck_assert_str_eq(test_ledger_text(json_array_get(json_object_get(revenue, "accounts"), 0), "code"),
			 "4000");
	ck_assert_ptr_null(line(r.json, "expense", "9000"));
	test_response_free(&r);

	/* The last day alone: the closing entry, dated then, is still left out. */
	report(REPORTS "/profit-and-loss?from=2025-12-31&to=2025-12-31", &r);
	ck_assert_int_eq(cents(json_object_get(r.json, "result")), 0);
	test_response_free(&r);
}
END_TEST

START_TEST(comparison_columns)
{
	struct test_response r;
	json_t *compare;

	report(REPORTS "/profit-and-loss?from=2026-01-01&to=2026-06-30&compare=previous-year", &r);
	compare = json_object_get(r.json, "compare");
	ck_assert_str_eq(test_ledger_text(compare, "from"), "2025-01-01");
	ck_assert_str_eq(test_ledger_text(compare, "to"), "2025-06-30");
	ck_assert_int_eq(cents(json_object_get(r.json, "result")), REVENUE_2026_H1 - EXPENSE_2026_H1);
	/* 2025's first half: sales 6 x 1000 + 210, services 1800, expense 7200. */
	ck_assert_int_eq(cents(json_object_get(r.json, "compare_result")), 621000 + 180000 - 720000);
	ck_assert_int_eq(cents(json_object_get(line(r.json, "revenue", "4000"), "compare_total")),
			 621000 + 180000);
	test_response_free(&r);

	report(REPORTS "/profit-and-loss?from=2026-03-01&to=2026-03-31&compare=previous-period", &r);
	compare = json_object_get(r.json, "compare");
	ck_assert_str_eq(test_ledger_text(compare, "from"), "2026-02-01");
	ck_assert_str_eq(test_ledger_text(compare, "to"), "2026-02-28");
	ck_assert_int_eq(cents(json_object_get(line(r.json, "revenue", "4100"), "total")), 153000);
	ck_assert_int_eq(cents(json_object_get(line(r.json, "revenue", "4100"), "compare_total")), 152000);
	test_response_free(&r);

	report(REPORTS "/balance-sheet?as_of=2026-06-30&compare=previous-year", &r);
	ck_assert_str_eq(test_ledger_text(json_object_get(r.json, "compare"), "as_of"), "2025-06-30");
	ck_assert_str_eq(test_ledger_text(json_object_get(r.json, "result_of_year"), "compare_from"),
			 "2025-01-01");
	ck_assert_int_eq(cents(json_object_get(json_object_get(r.json, "result_of_year"), "compare_amount")),
			 621000 + 180000 - 720000);
	assert_balances(r.json);
	test_response_free(&r);
}
END_TEST

START_TEST(every_balance_sheet_balances)
{
	static const char *const compares[] = { "", "&compare=previous-period", "&compare=previous-year" };

	for (int year = 2024; year <= 2026; year++)
		for (int m = 1; m <= 12; m++)
			for (size_t c = 0; c < 3; c++) {
				struct test_response r;
				char path[256];

				snprintf(path, sizeof(path), REPORTS "/balance-sheet?as_of=%04d-%02d-%02d%s",
					 year, m, m == 2 ? 28 : 30, compares[c]);
				report(path, &r);
				assert_balances(r.json);
				test_response_free(&r);
			}
}
END_TEST

START_TEST(the_year_result_shows_until_the_year_is_closed)
{
	struct test_response r;
	json_t *result;

	/* Before the close: 2025's result so far is its own line. */
	report(REPORTS "/balance-sheet?as_of=2025-12-30", &r);
	result = json_object_get(r.json, "result_of_year");
	ck_assert_str_eq(test_ledger_text(result, "from"), "2025-01-01");
	ck_assert_int_eq(cents(json_object_get(result, "amount")), REVENUE_2025 - EXPENSE_2025);
	ck_assert_int_eq(cents(json_object_get(line(r.json, "equity", "3000"), "total")), CAPITAL);
	ck_assert_ptr_null(line(r.json, "equity", "3900"));
	assert_balances(r.json);
	test_response_free(&r);

	/* Closed on the year's last day: retained earnings hold it, the line is zero. */
	report(REPORTS "/balance-sheet?as_of=2025-12-31", &r);
	ck_assert_int_eq(cents(json_object_get(json_object_get(r.json, "result_of_year"), "amount")), 0);
	ck_assert_int_eq(cents(json_object_get(line(r.json, "equity", "3900"), "total")),
			 REVENUE_2025 - EXPENSE_2025);
	assert_balances(r.json);
	test_response_free(&r);

	/* 2026: its own result; nothing of 2025 left unclosed. */
	report(REPORTS "/balance-sheet?as_of=2026-06-30", &r);
	ck_assert_str_eq(test_ledger_text(json_object_get(r.json, "result_of_year"), "from"), "2026-01-01");
	ck_assert_int_eq(cents(json_object_get(json_object_get(r.json, "result_of_year"), "amount")),
			 REVENUE_2026_H1 - EXPENSE_2026_H1);
	ck_assert_int_eq(cents(json_object_get(json_object_get(r.json, "earlier_results"), "amount")), 0);
	/* Parents: 1000 carries bank and receivables. */
	ck_assert_int_eq(cents(json_object_get(line(r.json, "asset", "1000"), "total")),
			 cents(json_object_get(line(r.json, "asset", "1100"), "total")) +
				 cents(json_object_get(line(r.json, "asset", "1200"), "total")));
	assert_balances(r.json);
	test_response_free(&r);
}
END_TEST

START_TEST(malformed_statements_are_refused)
{
	static const struct {
		const char *path;
		long status;
	} cases[] = {
		{ REPORTS "/profit-and-loss", 422 },
		{ REPORTS "/profit-and-loss?from=2026-01-01", 422 },
		{ REPORTS "/profit-and-loss?to=2026-01-01", 422 },
		{ REPORTS "/profit-and-loss?from=2026-02-01&to=2026-01-31", 422 },
		{ REPORTS "/profit-and-loss?from=2026-01-01&to=2026-13-01", 422 },
		{ REPORTS "/profit-and-loss?from=2026-01-01&to=2026-01-31&compare=last-year", 422 },
		{ REPORTS "/profit-and-loss?from=1000-01-01&to=1000-01-31&compare=previous-year", 422 },
		{ REPORTS "/balance-sheet?as_of=2026-02-30", 422 },
		{ REPORTS "/balance-sheet?compare=previous", 422 },
		{ REPORTS "/balance-sheet?as_of=1000-01-15&compare=previous-year", 422 },
		{ "/api/v1/companies/NOPE/reports/balance-sheet", 404 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct test_response r;
		long status = test_ledger_call(&L, keeper.token, "GET", cases[i].path, NULL, NULL, &r);

		ck_assert_msg(status == cases[i].status, "GET %s: %ld %s", cases[i].path, status, r.body);
		test_response_free(&r);
	}
	ck_assert_int_eq(test_ledger_call(&L, clerk.token, "GET",
					  REPORTS "/profit-and-loss?from=2026-01-01&to=2026-01-31", NULL,
					  NULL, NULL), 403);
	ck_assert_int_eq(test_ledger_call(&L, clerk.token, "GET", REPORTS "/balance-sheet", NULL, NULL,
					  NULL), 403);
	ck_assert_int_eq(test_ledger_call(&L, NULL, "GET", REPORTS "/balance-sheet", NULL, NULL, NULL),
			 401);
}
END_TEST

static bool starts_with(const char *text, const char *prefix)
{
	return strncmp(text, prefix, strlen(prefix)) == 0;
}

/* Records (CRLF-ended lines) in text; a quoted field's own line breaks do not count. */
static long records(const char *text)
{
	long n = 0;
	bool quoted = false;

	for (const char *p = text; *p; p++) {
		if (*p == '"')
			quoted = !quoted;
		else if (!quoted && p[0] == '\r' && p[1] == '\n')
			n++;
	}
	return n;
}

/* GETs path as CSV as token (asserts 200 text/csv) into r. */
static void csv_as(const char *token, const char *path, struct test_response *r)
{
	char *type;

	ck_assert_int_eq(test_ledger_call(&L, token, "GET", path, "Accept: text/csv", NULL, r), 200);
	type = test_response_header(r, "Content-Type");
	ck_assert_ptr_nonnull(type);
	ck_assert_msg(strncmp(type, "text/csv", 8) == 0, "%s", type);
	free(type);
}

static void csv(const char *path, struct test_response *r)
{
	csv_as(keeper.token, path, r);
}

START_TEST(reports_and_lists_answer_csv_on_request)
{
	struct test_response r;
	char id[40];
	long lines;

	csv(REPORTS "/trial-balance?from=2026-01-01&as_of=2026-06-30", &r);
	ck_assert(starts_with(r.body, "code,name,type,currency,opening,debit,credit,closing\r\n"));
	ck_assert_ptr_nonnull(strstr(r.body, "\r\n3900,Account 3900,equity,EUR,-1980.00,0.00,0.00,-1980.00\r\n"));
	test_response_free(&r);

	csv(REPORTS "/profit-and-loss?from=2025-01-01&to=2025-12-31&compare=previous-year", &r);
	ck_assert(starts_with(r.body, "section,code,name,parent,level,currency,amount,total,"
				      "compare_amount,compare_total\r\n"));
	ck_assert_ptr_nonnull(strstr(r.body, "\r\nrevenue,4100,Account 4100,4000,1,EUR,12780.00,12780.00,0.00,0.00\r\n"));
	ck_assert_ptr_nonnull(strstr(r.body, "\r\nsummary,,result,,,EUR,1980.00,1980.00,0.00,0.00\r\n"));
	test_response_free(&r);

	csv(REPORTS "/balance-sheet?as_of=2026-06-30", &r);
	ck_assert_ptr_nonnull(strstr(r.body, "\r\nsummary,,result of the year,,,EUR,3810.00,3810.00,,\r\n"));
	test_response_free(&r);

	/* The account ledger: every posted line, with the running balance to the closing one. */
	csv("/api/v1/companies/ST/accounts/1100/ledger?limit=1", &r);
	lines = test_ledger_db_number(&L, "SELECT count(*) FROM ledger_lines l JOIN ledger_accounts a"
				      " ON a.id = l.account_id JOIN companies c ON c.id = a.company_id"
				      " WHERE c.code = 'ST' AND a.code = '1100' AND l.posted_on IS NOT NULL");
	ck_assert_int_eq(records(r.body), lines + 1);
	ck_assert(starts_with(r.body, "date,posting,number,line,memo,debit,credit,description,balance\r\n"));
	{
		/* The last record's last field is the closing balance: 10000 + 18 x (500 + 300 - 400). */
		size_t n = strlen(r.body);
		const char *last = r.body + n - 2;

		while (last > r.body && last[-1] != ',')
			last--;
		ck_assert_msg(strcmp(last, "17200.00\r\n") == 0, "%s", last);
	}
	test_response_free(&r);

	/* The journal: one record per line; a memo with a comma, quotes and a line break is quoted. */
	ck_assert_int_eq(test_ledger_call(&L, clerk.token, "POST", "/api/v1/companies/ST/journal-entries",
		NULL, "{\"date\":\"2026-06-30\",\"memo\":\"Rent, \\\"June\\\"\\nsecond line\","
		"\"lines\":[{\"account\":\"5100\",\"debit\":\"1.00\"},{\"account\":\"1100\",\"credit\":\"1.00\"}]}",
		NULL), 201);
	csv_as(approver.token, "/api/v1/companies/ST/journal-entries", &r);
	lines = test_ledger_db_number(&L, "SELECT count(*) FROM ledger_lines l JOIN companies c"
				      " ON c.id = l.company_id WHERE c.code = 'ST'");
	ck_assert_int_eq(records(r.body), lines + 1);
	ck_assert_ptr_nonnull(strstr(r.body, ",draft,\"Rent, \"\"June\"\"\nsecond line\",,manual,1,5100,EUR,1.00,,,\r\n"));
	test_response_free(&r);
	csv_as(approver.token, "/api/v1/companies/ST/journal-entries?account=3000", &r);
	ck_assert_int_eq(records(r.body), 1 + 2);
	test_response_free(&r);
	(void)id;

	/* Refusals stay problem documents. */
	ck_assert_int_eq(test_ledger_call(&L, keeper.token, "GET", REPORTS "/profit-and-loss",
					  "Accept: text/csv", NULL, NULL), 422);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("e2e/ledger/statements");
	TCase *tc = tcase_create("statements");

	tcase_set_timeout(tc, 120);
	tcase_add_unchecked_fixture(tc, start_shared, stop_shared);
	tcase_add_test(tc, the_profit_and_loss_leaves_the_closing_entry_out);
	tcase_add_test(tc, comparison_columns);
	tcase_add_test(tc, every_balance_sheet_balances);
	tcase_add_test(tc, the_year_result_shows_until_the_year_is_closed);
	tcase_add_test(tc, malformed_statements_are_refused);
	tcase_add_test(tc, reports_and_lists_answer_csv_on_request);
	suite_add_tcase(s, tc);
	return s;
}
