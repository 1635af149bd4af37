/*
 * The receivables reports end to end: the aging on several days (buckets
 * by days past due, per customer and in total, allocations dated after the
 * day not yet made), its grand total equal to the receivable account's
 * balance on each day as the ledger's trial balance says; a customer's
 * statement (opening balance, each document and allocation with the
 * running balance, closing balance). Refusals: an unknown or another
 * company's customer, a range that ends before it starts, no permission.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared-kernel/money.h"
#include "test/support/check_main.h"
#include "test/support/ledger_fixture.h"
#include "test/support/sales_fixture.h"
#include "test/support/testlib.h"

static struct test_ledger L;
static struct test_ledger_user keeper, clerk, poster, cashier, reporter;
static char a1[40];

#define AGING "/api/v1/companies/RA/reports/receivables-aging"

/* A posted invoice of RA: one line of price at 20%, dated date, due due; its id into id. */
static void invoice(const char *partner, const char *price, const char *date, const char *due,
		    char id[40])
{
	char body[512];
	struct test_response r;

	snprintf(body, sizeof(body),
		 "{\"partner\":\"%s\",\"date\":\"%s\",\"due_date\":\"%s\",\"lines\":[{\"description\":"
		 "\"Work\",\"quantity\":\"1\",\"unit_price\":\"%s\",\"revenue_account\":\"4000\","
		 "\"tax_code\":\"VAT20\"}]}", partner, date, due, price);
	test_sales_expect(&L, clerk.token, "POST", "/api/v1/companies/RA/sales-invoices", NULL, body, 201,
			  &r);
	snprintf(id, 40, "%s", test_ledger_text(r.json, "id"));
	test_response_free(&r);
	test_sales_expect(&L, poster.token, "POST",
			  test_ledger_path("/api/v1/companies/RA/sales-invoices/%s/post", id),
			  "If-Match: \"1\"", "{}", 200, NULL);
}

/*
 * RA: A owes 120.00 (dated 01-10, due 02-09; 30.00 of it paid on 04-01)
 * and 60.00 (dated 03-01, due 04-15); B owes 12.00 (dated 05-01, due
 * 05-31) and has 5.00 on account (06-10).
 */
static void start_shared(void)
{
	char id[40], body[256];

	test_ledger_start(&L, "t_sales_reports", (const char *const[]){ "ERP_RATE_LIMIT_PER_USER=0", NULL });
	test_ledger_role(&L, "ra-keeper", "[\"ledger.account.manage\",\"ledger.period.manage\","
					  "\"ledger.report.read\",\"partners.partner.manage\","
					  "\"sales.tax-code.manage\"]");
	test_ledger_role(&L, "ra-clerk", "[\"sales.invoice.create\",\"sales.invoice.read\"]");
	test_ledger_role(&L, "ra-poster", "[\"sales.invoice.post\",\"sales.invoice.read\"]");
	test_ledger_role(&L, "ra-cashier", "[\"sales.payment.post\",\"sales.payment.read\"]");
	test_ledger_role(&L, "ra-reporter", "[\"sales.report.read\"]");
	test_ledger_user(&L, "keeper@reports.test", &keeper);
	test_ledger_user(&L, "clerk@reports.test", &clerk);
	test_ledger_user(&L, "poster@reports.test", &poster);
	test_ledger_user(&L, "cashier@reports.test", &cashier);
	test_ledger_user(&L, "reporter@reports.test", &reporter);
	test_ledger_company(&L, "RA", "EUR");
	test_ledger_company(&L, "RB", "EUR");
	for (int i = 0; i < 2; i++) {
		const char *company = i ? "RB" : "RA";

		test_ledger_grant(&L, keeper.id, "ra-keeper", company, NULL);
		test_ledger_grant(&L, reporter.id, "ra-reporter", company, NULL);
		test_sales_books(&L, keeper.token, company);
	}
	test_ledger_account(&L, keeper.token, "RA", "1000", "asset", NULL);
	test_sales_tax_code(&L, keeper.token, "RA", "VAT20", "20");
	test_sales_customer(&L, keeper.token, "RA", "A", NULL);
	test_sales_customer(&L, keeper.token, "RA", "B", NULL);
	test_sales_customer(&L, keeper.token, "RB", "OTHER", NULL);
	test_ledger_grant(&L, clerk.id, "ra-clerk", "RA", NULL);
	test_ledger_grant(&L, poster.id, "ra-poster", "RA", NULL);
	test_ledger_grant(&L, cashier.id, "ra-cashier", "RA", NULL);
	invoice("A", "100.00", "2026-01-10", "2026-02-09", a1);
	invoice("A", "50.00", "2026-03-01", "2026-04-15", id);
	invoice("B", "10.00", "2026-05-01", "2026-05-31", id);
	snprintf(body, sizeof(body),
		 "{\"partner\":\"A\",\"date\":\"2026-04-01\",\"amount\":\"30.00\",\"bank_account\":\"1000\","
		 "\"allocations\":[{\"invoice\":\"%s\",\"amount\":\"30.00\"}]}", a1);
	test_sales_expect(&L, cashier.token, "POST", "/api/v1/companies/RA/customer-payments", NULL, body,
			  201, NULL);
	test_sales_expect(&L, cashier.token, "POST", "/api/v1/companies/RA/customer-payments", NULL,
			  "{\"partner\":\"B\",\"date\":\"2026-06-10\",\"amount\":\"5.00\",\"bank_account\":\"1000\"}",
			  201, NULL);
}

static void stop_shared(void)
{
	test_ledger_stop(&L);
}

static void after_each(void)
{
	test_sales_assert_receivables(&L, keeper.token, "RA");
}

/* Minor units of money text (EUR). */
static int64_t minor(const char *text)
{
	int64_t out = 0;

	ck_assert_int_eq(erp_money_parse(text, 2, ERP_MONEY_ALLOW_NEGATIVE, &out), ERP_MONEY_OK);
	return out;
}

/* A customer's (or the totals') buckets as "current 1-30 31-60 61-90 >90 = total". */
static const char *buckets(json_t *row)
{
	static char text[160];

	snprintf(text, sizeof(text), "%s %s %s %s %s = %s", test_ledger_text(row, "current"),
		 test_ledger_text(row, "days_1_30"), test_ledger_text(row, "days_31_60"),
		 test_ledger_text(row, "days_61_90"), test_ledger_text(row, "over_90"),
		 test_ledger_text(row, "total"));
	return text;
}

/* The aging on as_of; its grand total must be the receivable account's balance that day. */
static void aging(const char *as_of, struct test_response *r)
{
	test_sales_expect(&L, reporter.token, "GET", test_ledger_path(AGING "?as_of=%s", as_of), NULL,
			  NULL, 200, r);
	ck_assert_str_eq(test_ledger_text(r->json, "as_of"), as_of);
	ck_assert_int_eq(minor(test_ledger_text(json_object_get(r->json, "totals"), "total")),
			 test_sales_ledger_balance(&L, keeper.token, "RA", "1200", as_of));
}

START_TEST(the_aging_buckets_by_days_past_due_and_equals_the_ledger_on_each_day)
{
	struct test_response r;
	json_t *customers;

	aging("2026-06-30", &r);
	customers = json_object_get(r.json, "customers");
	ck_assert_uint_eq(json_array_size(customers), 2);
	ck_assert_str_eq(test_ledger_text(json_array_get(customers, 0), "partner"), "A");
	/* 90.00 left of 120.00 at 141 days, 60.00 at 76 days. */
	ck_assert_str_eq(buckets(json_array_get(customers, 0)), "0.00 0.00 0.00 60.00 90.00 = 150.00");
	/* 12.00 at 30 days, 5.00 on account for 20 days. */
	ck_assert_str_eq(test_ledger_text(json_array_get(customers, 1), "partner"), "B");
	ck_assert_str_eq(buckets(json_array_get(customers, 1)), "0.00 7.00 0.00 0.00 0.00 = 7.00");
	ck_assert_str_eq(buckets(json_object_get(r.json, "totals")), "0.00 7.00 0.00 60.00 90.00 = 157.00");
	test_response_free(&r);

	/* Before the payment: all of 120.00, 34 days past due; 60.00 not yet due. */
	aging("2026-03-15", &r);
	customers = json_object_get(r.json, "customers");
	ck_assert_uint_eq(json_array_size(customers), 1);
	ck_assert_str_eq(buckets(json_array_get(customers, 0)), "60.00 0.00 120.00 0.00 0.00 = 180.00");
	test_response_free(&r);

	/* On the payment's day; before anything; and today. */
	aging("2026-04-01", &r);
	/* 90.00 left of 120.00 at 51 days. */
	ck_assert_str_eq(buckets(json_object_get(r.json, "totals")), "60.00 0.00 90.00 0.00 0.00 = 150.00");
	test_response_free(&r);
	aging("2026-01-05", &r);
	ck_assert_uint_eq(json_array_size(json_object_get(r.json, "customers")), 0);
	ck_assert_str_eq(buckets(json_object_get(r.json, "totals")), "0.00 0.00 0.00 0.00 0.00 = 0.00");
	test_response_free(&r);
	test_sales_expect(&L, reporter.token, "GET", AGING, NULL, NULL, 200, &r);
	test_response_free(&r);
	test_sales_expect_field(&L, reporter.token, "GET", AGING "?as_of=2026-02-30", NULL, NULL, 422,
				"as_of", NULL);
	test_sales_expect(&L, clerk.token, "GET", AGING, NULL, NULL, 403, NULL);
}
END_TEST

START_TEST(a_statement_has_its_opening_each_document_and_allocation_and_its_closing)
{
	struct test_response r;
	json_t *lines;

	test_sales_expect(&L, reporter.token, "GET",
			  "/api/v1/companies/RA/partners/A/statement?from=2026-03-01&to=2026-06-30", NULL, NULL,
			  200, &r);
	ck_assert_str_eq(test_ledger_text(r.json, "opening_balance"), "120.00");
	lines = json_object_get(r.json, "lines");
	ck_assert_uint_eq(json_array_size(lines), 3);
	ck_assert_str_eq(test_ledger_text(json_array_get(lines, 0), "kind"), "invoice");
	ck_assert_str_eq(test_ledger_text(json_array_get(lines, 0), "debit"), "60.00");
	ck_assert_str_eq(test_ledger_text(json_array_get(lines, 0), "balance"), "180.00");
	ck_assert_str_eq(test_ledger_text(json_array_get(lines, 1), "kind"), "payment");
	ck_assert_str_eq(test_ledger_text(json_array_get(lines, 1), "credit"), "30.00");
	ck_assert_str_eq(test_ledger_text(json_array_get(lines, 1), "balance"), "150.00");
	ck_assert_str_eq(test_ledger_text(json_array_get(lines, 2), "kind"), "allocation");
	ck_assert_str_eq(test_ledger_text(json_array_get(lines, 2), "allocated"), "30.00");
	ck_assert_str_eq(test_ledger_text(json_array_get(lines, 2), "against"), "INV-2026-000001");
	ck_assert_str_eq(test_ledger_text(json_array_get(lines, 2), "balance"), "150.00");
	ck_assert_str_eq(test_ledger_text(r.json, "closing_balance"), "150.00");
	test_response_free(&r);
	/* From the first document: opening 0; a range without documents: opening = closing. */
	test_sales_expect(&L, reporter.token, "GET", "/api/v1/companies/RA/partners/A/statement", NULL,
			  NULL, 200, &r);
	ck_assert_str_eq(test_ledger_text(r.json, "opening_balance"), "0.00");
	ck_assert_str_eq(test_ledger_text(r.json, "closing_balance"), "150.00");
	test_response_free(&r);
	test_sales_expect(&L, reporter.token, "GET",
			  "/api/v1/companies/RA/partners/B/statement?from=2026-12-01&to=2026-12-02", NULL,
			  NULL, 200, &r);
	ck_assert_str_eq(test_ledger_text(r.json, "opening_balance"), "7.00");
	ck_assert_str_eq(test_ledger_text(r.json, "closing_balance"), "7.00");
	ck_assert_uint_eq(json_array_size(json_object_get(r.json, "lines")), 0);
	test_response_free(&r);
	/* Refused: no such customer here (another company's too), a range backwards, no permission. */
	test_sales_expect(&L, reporter.token, "GET", "/api/v1/companies/RA/partners/NOBODY/statement",
			  NULL, NULL, 404, NULL);
	test_sales_expect(&L, reporter.token, "GET", "/api/v1/companies/RA/partners/OTHER/statement",
			  NULL, NULL, 404, NULL);
	test_sales_expect_field(&L, reporter.token, "GET",
				"/api/v1/companies/RA/partners/A/statement?from=2026-06-30&to=2026-03-01",
				NULL, NULL, 422, "/from", "range");
	test_sales_expect(&L, clerk.token, "GET", "/api/v1/companies/RA/partners/A/statement", NULL,
			  NULL, 403, NULL);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("e2e/sales/reports");
	TCase *tc = tcase_create("reports");

	tcase_add_unchecked_fixture(tc, start_shared, stop_shared);
	tcase_add_checked_fixture(tc, NULL, after_each);
	tcase_add_test(tc, the_aging_buckets_by_days_past_due_and_equals_the_ledger_on_each_day);
	tcase_add_test(tc, a_statement_has_its_opening_each_document_and_allocation_and_its_closing);
	suite_add_tcase(s, tc);
	return s;
}
