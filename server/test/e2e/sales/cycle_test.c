/*
 * Order-to-cash in one story, over HTTP, as the roles that do it: a
 * customer with payment terms, an invoice of two tax codes priced by the
 * server and posted, a partial payment (sent twice with one
 * Idempotency-Key, booked once), a credit note for one line, a second
 * payment allocated "auto" that leaves a remainder on account, then the
 * aging on three days and the customer's statement over two ranges. Every
 * ledger entry is checked line by line, the ledger's balances at the end,
 * and the receivables' invariant after each step.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test/support/check_main.h"
#include "test/support/ledger_fixture.h"
#include "test/support/sales_fixture.h"
#include "test/support/testlib.h"

static struct test_ledger L;
static struct test_ledger_user keeper, clerk, poster, cashier, manager, reporter;

#define COMPANY "/api/v1/companies/OC"

static void start_shared(void)
{
	test_ledger_start(&L, "t_sales_cycle", (const char *const[]){ "ERP_RATE_LIMIT_PER_USER=0", NULL });
	test_ledger_role(&L, "oc-keeper", "[\"ledger.account.manage\",\"ledger.account.read\","
					  "\"ledger.period.manage\",\"ledger.journal.read\",\"ledger.report.read\","
					  "\"partners.partner.manage\",\"sales.tax-code.manage\"]");
	test_ledger_role(&L, "oc-clerk", "[\"sales.invoice.create\",\"sales.invoice.read\","
					 "\"sales.credit-note.create\"]");
	test_ledger_role(&L, "oc-poster", "[\"sales.invoice.post\",\"sales.invoice.read\"]");
	test_ledger_role(&L, "oc-cashier", "[\"sales.payment.read\",\"sales.payment.create\","
					   "\"sales.payment.post\",\"sales.invoice.read\"]");
	test_ledger_role(&L, "oc-manager", "[\"sales.credit-note.post\",\"sales.invoice.read\"]");
	test_ledger_role(&L, "oc-reporter", "[\"sales.report.read\",\"ledger.report.read\"]");
	test_ledger_user(&L, "keeper@cycle.test", &keeper);
	test_ledger_user(&L, "clerk@cycle.test", &clerk);
	test_ledger_user(&L, "poster@cycle.test", &poster);
	test_ledger_user(&L, "cashier@cycle.test", &cashier);
	test_ledger_user(&L, "manager@cycle.test", &manager);
	test_ledger_user(&L, "reporter@cycle.test", &reporter);
	test_ledger_company(&L, "OC", "EUR");
	test_ledger_grant(&L, keeper.id, "oc-keeper", "OC", NULL);
	test_ledger_grant(&L, clerk.id, "oc-clerk", "OC", NULL);
	test_ledger_grant(&L, poster.id, "oc-poster", "OC", NULL);
	test_ledger_grant(&L, cashier.id, "oc-cashier", "OC", NULL);
	test_ledger_grant(&L, manager.id, "oc-manager", "OC", NULL);
	test_ledger_grant(&L, reporter.id, "oc-reporter", "OC", NULL);
	test_sales_books(&L, keeper.token, "OC");
	test_ledger_account(&L, keeper.token, "OC", "1000", "asset", NULL);
	test_sales_tax_code(&L, keeper.token, "OC", "VAT20", "20");
	test_sales_tax_code(&L, keeper.token, "OC", "RED", "7.5");
}

static void stop_shared(void)
{
	test_ledger_stop(&L);
}

/* The entry's lines as "account D|C amount", one per line of text (static). */
static const char *entry_lines(const char *id)
{
	static char text[512];
	struct test_response r;
	json_t *line;
	size_t i, used = 0;

	test_sales_expect(&L, keeper.token, "GET", test_ledger_path(COMPANY "/journal-entries/%s", id),
			  NULL, NULL, 200, &r);
	ck_assert_str_eq(test_ledger_text(r.json, "status"), "posted");
	text[0] = '\0';
	json_array_foreach(json_object_get(r.json, "lines"), i, line) {
		const char *debit = test_ledger_text(line, "debit");

		used += (size_t)snprintf(text + used, sizeof(text) - used, "%s%s %s %s", i ? "\n" : "",
					 test_ledger_text(line, "account"), *debit ? "D" : "C",
					 *debit ? debit : test_ledger_text(line, "credit"));
		ck_assert_uint_lt(used, sizeof(text));
	}
	test_response_free(&r);
	return text;
}

/* A field of the invoice as read now (static, one of four slots). */
static const char *invoice_field(const char *id, const char *field)
{
	static char values[4][64];
	static unsigned next;
	char *value = values[next++ % 4];
	struct test_response r;

	test_sales_expect(&L, clerk.token, "GET", test_ledger_path(COMPANY "/sales-invoices/%s", id), NULL,
			  NULL, 200, &r);
	snprintf(value, 64, "%s", test_ledger_text(r.json, field));
	test_response_free(&r);
	return value;
}

/* On as_of, CYC alone owes amount in bucket, and the grand total is that amount. */
static void expect_aging(const char *as_of, const char *bucket, const char *amount)
{
	struct test_response r;
	json_t *customers, *totals;
	int64_t ledger;
	char want[32];

	test_sales_expect(&L, reporter.token, "GET",
			  test_ledger_path(COMPANY "/reports/receivables-aging?as_of=%s", as_of), NULL, NULL,
			  200, &r);
	customers = json_object_get(r.json, "customers");
	totals = json_object_get(r.json, "totals");
	ck_assert_uint_eq(json_array_size(customers), 1);
	ck_assert_str_eq(test_ledger_text(json_array_get(customers, 0), "partner"), "CYC");
	ck_assert_msg(strcmp(test_ledger_text(json_array_get(customers, 0), bucket), amount) == 0,
		      "aging on %s: %s is %s, not %s", as_of, bucket,
		      test_ledger_text(json_array_get(customers, 0), bucket), amount);
	ck_assert_str_eq(test_ledger_text(totals, "total"), amount);
	/* The grand total is the receivable account's balance that day, as the ledger says. */
	ledger = test_sales_ledger_balance(&L, reporter.token, "OC", "1200", as_of);
	snprintf(want, sizeof(want), "%s%lld.%02lld", ledger < 0 ? "-" : "",
		 (long long)(ledger < 0 ? -ledger : ledger) / 100,
		 (long long)(ledger < 0 ? -ledger : ledger) % 100);
	ck_assert_str_eq(test_ledger_text(totals, "total"), want);
	test_response_free(&r);
}

START_TEST(an_invoice_is_paid_in_part_credited_and_paid_off_with_money_on_account)
{
	struct test_response r, first, replay, note, second;
	char invoice[40], body[512];
	json_t *lines;

	/* A customer on 30 days' terms. */
	test_sales_customer(&L, keeper.token, "OC", "CYC", "\"payment_terms_days\":30");

	/*
	 * The invoice: 2 x 100.00 at 20%, and 1 x 50.00 less 10% at 7.5%
	 * (45.00 net, 3.375 tax: rounded once per tax code, half away from
	 * zero, 3.38). The client sends no totals and no due date.
	 */
	test_sales_expect(&L, clerk.token, "POST", COMPANY "/sales-invoices", NULL,
			  "{\"partner\":\"CYC\",\"date\":\"2026-03-01\",\"reference\":\"PO 77\",\"lines\":["
			  "{\"description\":\"Consulting\",\"quantity\":\"2\",\"unit_price\":\"100.00\","
			  "\"revenue_account\":\"4000\",\"tax_code\":\"VAT20\"},"
			  "{\"description\":\"Books\",\"quantity\":\"1\",\"unit_price\":\"50.00\","
			  "\"revenue_account\":\"4100\",\"tax_code\":\"RED\",\"discount_percent\":\"10\"}]}",
			  201, &r);
	snprintf(invoice, sizeof(invoice), "%s", test_ledger_text(r.json, "id"));
	ck_assert_str_eq(test_ledger_text(r.json, "status"), "draft");
	ck_assert_str_eq(test_ledger_text(r.json, "due_date"), "2026-03-31");
	ck_assert_str_eq(test_ledger_text(r.json, "net_total"), "245.00");
	ck_assert_str_eq(test_ledger_text(r.json, "tax_total"), "43.38");
	ck_assert_str_eq(test_ledger_text(r.json, "total"), "288.38");
	lines = json_object_get(r.json, "lines");
	ck_assert_str_eq(test_ledger_text(json_array_get(lines, 0), "net"), "200.00");
	ck_assert_str_eq(test_ledger_text(json_array_get(lines, 1), "net"), "45.00");
	test_response_free(&r);

	/* Posted by another user: numbered, and Dr receivable, Cr revenue per account, Cr tax per code. */
	test_sales_expect(&L, poster.token, "POST",
			  test_ledger_path(COMPANY "/sales-invoices/%s/post", invoice), "If-Match: \"1\"",
			  "{}", 200, &r);
	ck_assert_str_eq(test_ledger_text(r.json, "number"), "INV-2026-000001");
	/* Due on 2026-03-31, it is past due on any day this test runs. */
	ck_assert_str_eq(test_ledger_text(r.json, "status"), "overdue");
	ck_assert_str_eq(entry_lines(test_ledger_text(r.json, "ledger_entry_id")),
			 "1200 D 288.38\n4000 C 200.00\n4100 C 45.00\n2200 C 3.38\n2200 C 40.00");
	test_response_free(&r);
	test_sales_assert_receivables(&L, keeper.token, "OC");

	/* A partial payment, sent twice with one key (a retry): booked once. */
	snprintf(body, sizeof(body), "{\"partner\":\"CYC\",\"date\":\"2026-03-15\",\"amount\":\"100.00\","
		 "\"bank_account\":\"1000\",\"reference\":\"BANK 1\",\"allocations\":[{\"invoice\":"
		 "\"%s\",\"amount\":\"100.00\"}]}", invoice);
	test_sales_expect(&L, cashier.token, "POST", COMPANY "/customer-payments",
			  "Idempotency-Key: cycle-pay-1", body, 201, &first);
	test_sales_expect(&L, cashier.token, "POST", COMPANY "/customer-payments",
			  "Idempotency-Key: cycle-pay-1", body, 201, &replay);
	ck_assert_str_eq(test_ledger_text(first.json, "number"), "PAY-2026-000001");
	ck_assert_str_eq(test_ledger_text(replay.json, "id"), test_ledger_text(first.json, "id"));
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM sales_payments"), 1);
	ck_assert_str_eq(test_ledger_text(first.json, "unallocated"), "0.00");
	ck_assert_str_eq(entry_lines(test_ledger_text(first.json, "ledger_entry_id")),
			 "1000 D 100.00\n1200 C 100.00");
	/* Something is left past its due date today: overdue comes before partially_paid. */
	ck_assert_str_eq(invoice_field(invoice, "status"), "overdue");
	ck_assert_str_eq(invoice_field(invoice, "residual"), "188.38");
	test_response_free(&replay);
	test_response_free(&first);
	test_sales_assert_receivables(&L, keeper.token, "OC");

	/* The books come back: a credit note for line 2, written by the clerk, posted by the manager. */
	snprintf(body, sizeof(body), "{\"invoice\":\"%s\",\"date\":\"2026-04-10\",\"reason\":\"returned\","
		 "\"lines\":[{\"line\":2,\"quantity\":\"1\"}]}", invoice);
	test_sales_expect(&L, clerk.token, "POST", COMPANY "/credit-notes", NULL, body, 201, &note);
	ck_assert_str_eq(test_ledger_text(note.json, "total"), "48.38");
	test_sales_expect(&L, manager.token, "POST",
			  test_ledger_path(COMPANY "/credit-notes/%s/post", test_ledger_text(note.json, "id")),
			  "If-Match: \"1\"", "{}", 200, &r);
	ck_assert_str_eq(test_ledger_text(r.json, "number"), "CN-2026-000001");
	ck_assert_str_eq(entry_lines(test_ledger_text(r.json, "ledger_entry_id")),
			 "4100 D 45.00\n2200 D 3.38\n1200 C 48.38");
	ck_assert_str_eq(invoice_field(invoice, "residual"), "140.00");
	ck_assert_str_eq(invoice_field(invoice, "status"), "overdue");
	test_response_free(&r);
	test_response_free(&note);
	test_sales_assert_receivables(&L, keeper.token, "OC");

	/* The second payment, "auto": it pays what is left, 10.00 stays on account. */
	test_sales_expect(&L, cashier.token, "POST", COMPANY "/customer-payments", NULL,
			  "{\"partner\":\"CYC\",\"date\":\"2026-04-20\",\"amount\":\"150.00\","
			  "\"bank_account\":\"1000\",\"allocations\":\"auto\"}", 201, &second);
	ck_assert_str_eq(test_ledger_text(second.json, "number"), "PAY-2026-000002");
	ck_assert_str_eq(test_ledger_text(second.json, "unallocated"), "10.00");
	ck_assert_uint_eq(json_array_size(json_object_get(second.json, "allocations")), 1);
	ck_assert_str_eq(test_ledger_text(json_array_get(json_object_get(second.json, "allocations"), 0),
					  "amount"), "140.00");
	ck_assert_str_eq(entry_lines(test_ledger_text(second.json, "ledger_entry_id")),
			 "1000 D 150.00\n1200 C 150.00");
	ck_assert_str_eq(invoice_field(invoice, "status"), "paid");
	ck_assert_str_eq(invoice_field(invoice, "residual"), "0.00");
	test_response_free(&second);
	test_sales_assert_receivables(&L, keeper.token, "OC");

	/*
	 * The aging on three days: before the due date all current; after it,
	 * the credit note's 140.00 left 1-30 days past due; at the end the
	 * money on account, negative, aged by its own date (10 days).
	 */
	expect_aging("2026-03-20", "current", "188.38");
	expect_aging("2026-04-15", "days_1_30", "140.00");
	expect_aging("2026-04-30", "days_1_30", "-10.00");

	/* The statement over March and April, then April alone (opening what March left). */
	test_sales_expect(&L, reporter.token, "GET",
			  COMPANY "/partners/CYC/statement?from=2026-03-01&to=2026-04-30", NULL, NULL, 200, &r);
	ck_assert_str_eq(test_ledger_text(r.json, "opening_balance"), "0.00");
	ck_assert_str_eq(test_ledger_text(r.json, "closing_balance"), "-10.00");
	{
		static const char *const want[] = { "invoice INV-2026-000001 288.38",
						    "payment PAY-2026-000001 188.38",
						    "credit_note CN-2026-000001 140.00",
						    "payment PAY-2026-000002 -10.00" };
		size_t i, documents = 0, allocations = 0;
		json_t *line;

		json_array_foreach(json_object_get(r.json, "lines"), i, line) {
			char seen[96];

			if (strcmp(test_ledger_text(line, "kind"), "allocation") == 0) {
				allocations++;
				continue;
			}
			ck_assert_uint_lt(documents, 4);
			snprintf(seen, sizeof(seen), "%s %s %s", test_ledger_text(line, "kind"),
				 test_ledger_text(line, "number"), test_ledger_text(line, "balance"));
			ck_assert_str_eq(seen, want[documents]);
			documents++;
		}
		ck_assert_uint_eq(documents, 4);
		/* PAY 1 and PAY 2 against the invoice, and the credit note set against it. */
		ck_assert_uint_eq(allocations, 3);
	}
	test_response_free(&r);
	test_sales_expect(&L, reporter.token, "GET",
			  COMPANY "/partners/CYC/statement?from=2026-04-01&to=2026-04-30", NULL, NULL, 200, &r);
	ck_assert_str_eq(test_ledger_text(r.json, "opening_balance"), "188.38");
	ck_assert_str_eq(test_ledger_text(r.json, "closing_balance"), "-10.00");
	test_response_free(&r);

	/* The ledger at the end: bank 250.00, revenue 200.00 (4100 back to 0), tax 40.00, AR -10.00. */
	ck_assert_int_eq(test_sales_ledger_balance(&L, reporter.token, "OC", "1000", "2026-12-31"), 25000);
	ck_assert_int_eq(test_sales_ledger_balance(&L, reporter.token, "OC", "4000", "2026-12-31"), -20000);
	ck_assert_int_eq(test_sales_ledger_balance(&L, reporter.token, "OC", "4100", "2026-12-31"), 0);
	ck_assert_int_eq(test_sales_ledger_balance(&L, reporter.token, "OC", "2200", "2026-12-31"), -4000);
	ck_assert_int_eq(test_sales_ledger_balance(&L, reporter.token, "OC", "1200", "2026-12-31"), -1000);
	test_sales_assert_receivables(&L, keeper.token, "OC");
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("e2e/sales/cycle");
	TCase *tc = tcase_create("cycle");

	tcase_add_unchecked_fixture(tc, start_shared, stop_shared);
	tcase_add_test(tc, an_invoice_is_paid_in_part_credited_and_paid_off_with_money_on_account);
	suite_add_tcase(s, tc);
	return s;
}
