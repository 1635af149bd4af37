/*
 * Customer payments and allocations end to end, against the real
 * erp-server-test binary and a real PostgreSQL: a payment recorded and
 * posted in one call (PAY-2026-000001, gapless; Dr bank, Cr receivable,
 * checked line by line; on account until allocated), allocated by the
 * list, by "auto" (oldest due first) and later through its allocations
 * route, partly and over several invoices, several payments on one
 * invoice; the invoices' status derived from what is left (partially_paid,
 * paid); an allocation undone (residuals restored, audited); a reversal
 * (If-Match, once, its allocations undone, the mirror entry); the
 * Idempotency-Key. Every refusal: over what an invoice owes, over what
 * the payment has left, another customer's invoice, another company's
 * invoice or payment, a draft, a bank account that is no asset, an
 * inactive customer, no fiscal period, a closed period, no permission.
 * After every scenario the receivables equal the receivable account's
 * balance in the ledger (test_sales_assert_receivables()).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test/support/check_main.h"
#include "test/support/event_fixture.h"
#include "test/support/ledger_fixture.h"
#include "test/support/sales_fixture.h"
#include "test/support/testlib.h"

static struct test_ledger L;
static struct test_ledger_user keeper, clerk, poster, cashier, allocator, reader;
static char events_reader[64];

#define PAYMENTS(company) "/api/v1/companies/" company "/customer-payments"
#define INVOICES(company) "/api/v1/companies/" company "/sales-invoices"

static void start_shared(void)
{
	test_ledger_start(&L, "t_sales_payments", (const char *const[]){ "ERP_RATE_LIMIT_PER_USER=0", NULL });
	test_events_reader(L.server.base_url, L.admin_token, "events@payments.test", events_reader);
	test_ledger_role(&L, "py-keeper", "[\"ledger.account.manage\",\"ledger.account.read\","
					  "\"ledger.period.manage\",\"ledger.period.read\",\"ledger.journal.read\","
					  "\"ledger.report.read\",\"partners.partner.manage\","
					  "\"sales.tax-code.manage\"]");
	test_ledger_role(&L, "py-clerk", "[\"sales.invoice.create\",\"sales.invoice.read\"]");
	test_ledger_role(&L, "py-poster", "[\"sales.invoice.post\",\"sales.invoice.read\"]");
	test_ledger_role(&L, "py-cashier", "[\"sales.payment.read\",\"sales.payment.create\","
					   "\"sales.payment.post\",\"sales.invoice.read\"]");
	test_ledger_role(&L, "py-allocator", "[\"sales.payment.read\",\"sales.payment.create\"]");
	test_ledger_role(&L, "py-reader", "[\"sales.payment.read\",\"sales.invoice.read\"]");
	test_ledger_user(&L, "keeper@payments.test", &keeper);
	test_ledger_user(&L, "clerk@payments.test", &clerk);
	test_ledger_user(&L, "poster@payments.test", &poster);
	test_ledger_user(&L, "cashier@payments.test", &cashier);
	test_ledger_user(&L, "allocator@payments.test", &allocator);
	test_ledger_user(&L, "reader@payments.test", &reader);
	test_ledger_company(&L, "PY", "EUR");
	test_ledger_company(&L, "PZ", "EUR");
	for (int i = 0; i < 2; i++) {
		const char *company = i ? "PZ" : "PY";

		test_ledger_grant(&L, keeper.id, "py-keeper", company, NULL);
		test_sales_books(&L, keeper.token, company);
		test_ledger_account(&L, keeper.token, company, "1000", "asset", NULL);
		test_sales_tax_code(&L, keeper.token, company, "VAT20", "20");
		test_sales_customer(&L, keeper.token, company, "ACME", NULL);
		test_ledger_grant(&L, clerk.id, "py-clerk", company, NULL);
		test_ledger_grant(&L, poster.id, "py-poster", company, NULL);
	}
	for (int i = 0; i < 6; i++)
		test_sales_customer(&L, keeper.token, "PY", test_ledger_path("C%d", i), NULL);
	test_sales_customer(&L, keeper.token, "PY", "GONE", NULL);
	test_ledger_account(&L, keeper.token, "PY", "1001", "asset", NULL);
	/* The cashier books cash in PY only. */
	test_ledger_grant(&L, cashier.id, "py-cashier", "PY", NULL);
	for (int i = 0; i < 2; i++) {
		test_ledger_grant(&L, allocator.id, "py-allocator", i ? "PZ" : "PY", NULL);
		test_ledger_grant(&L, reader.id, "py-reader", i ? "PZ" : "PY", NULL);
	}
}

static void stop_shared(void)
{
	test_ledger_stop(&L);
}

/* After every scenario: the sub-ledger equals the ledger, in both companies. */
static void after_each(void)
{
	test_sales_assert_receivables(&L, keeper.token, "PY");
	test_sales_assert_receivables(&L, keeper.token, "PZ");
}

/*
 * A posted invoice of company for partner: one line of price at 20% (a
 * total of 1.2 x price), dated date, due due. Its id into a static slot
 * (one of eight).
 */
static const char *invoice_in(const char *company, const char *partner, const char *price,
			      const char *date, const char *due)
{
	static char ids[8][40];
	static unsigned next;
	char *id = ids[next++ % 8], body[512];
	struct test_response r;

	snprintf(body, sizeof(body),
		 "{\"partner\":\"%s\",\"date\":\"%s\",\"due_date\":\"%s\",\"lines\":[{\"description\":"
		 "\"Work\",\"quantity\":\"1\",\"unit_price\":\"%s\",\"revenue_account\":\"4000\","
		 "\"tax_code\":\"VAT20\"}]}", partner, date, due, price);
	test_sales_expect(&L, clerk.token, "POST", test_ledger_path("/api/v1/companies/%s/sales-invoices",
								      company), NULL, body, 201, &r);
	snprintf(id, 40, "%s", test_ledger_text(r.json, "id"));
	test_response_free(&r);
	test_sales_expect(&L, poster.token, "POST",
			  test_ledger_path("/api/v1/companies/%s/sales-invoices/%s/post", company, id),
			  "If-Match: \"1\"", "{}", 200, NULL);
	return id;
}

static const char *invoice(const char *partner, const char *price, const char *due)
{
	return invoice_in("PY", partner, price, "2026-05-01", due);
}

/* An invoice of PY as read: its field (static text, one of four slots). */
static const char *invoice_field(const char *id, const char *field)
{
	static char values[4][64];
	static unsigned next;
	char *value = values[next++ % 4];
	struct test_response r;

	test_sales_expect(&L, reader.token, "GET", test_ledger_path(INVOICES("PY") "/%s", id), NULL, NULL,
			  200, &r);
	snprintf(value, 64, "%s", test_ledger_text(r.json, field));
	test_response_free(&r);
	return value;
}

/* A payment of PY recorded by the cashier (body text) that must answer expected; r may be NULL. */
static void pay(const char *body, long expected, struct test_response *r)
{
	test_sales_expect(&L, cashier.token, "POST", PAYMENTS("PY"), NULL, body, expected, r);
}

/* The path of payment r's id, or of one of its sub-routes (static, one of four). */
static const char *payment_path(const struct test_response *r, const char *tail)
{
	static char paths[4][200];
	static unsigned next;
	char *path = paths[next++ % 4];

	snprintf(path, 200, PAYMENTS("PY") "/%s%s", test_ledger_text(r->json, "id"), tail ? tail : "");
	return path;
}

/* Allocation i of payment JSON: "invoice_number amount". */
static const char *allocation_of(json_t *payment, size_t i)
{
	static char text[96];
	json_t *a = json_array_get(json_object_get(payment, "allocations"), i);

	snprintf(text, sizeof(text), "%s %s", test_ledger_text(a, "invoice_number"),
		 test_ledger_text(a, "amount"));
	return text;
}

/* Line i of the journal entry id of PY: "account D|C amount". */
static const char *entry_line(const char *entry_id, size_t i)
{
	static char text[96];
	struct test_response r;
	json_t *line;
	const char *debit;

	test_sales_expect(&L, keeper.token, "GET",
			  test_ledger_path("/api/v1/companies/PY/journal-entries/%s", entry_id), NULL, NULL,
			  200, &r);
	line = json_array_get(json_object_get(r.json, "lines"), i);
	debit = test_ledger_text(line, "debit");
	snprintf(text, sizeof(text), "%s %s %s %s", test_ledger_text(r.json, "source"),
		 test_ledger_text(line, "account"), *debit ? "D" : "C",
		 *debit ? debit : test_ledger_text(line, "credit"));
	test_response_free(&r);
	return text;
}

START_TEST(a_payment_is_recorded_and_posted_in_one_call)
{
	static const char *const types[] = { "ledger.entry.posted", "sales.payment.posted", NULL };
	long long last = test_events_last(L.server.base_url, events_reader, "PY");
	struct test_response r;
	json_t *events, *changes;
	char *location;

	pay("{\"partner\":\"C0\",\"date\":\"2026-05-02\",\"amount\":\"150.00\",\"bank_account\":\"1000\","
	    "\"reference\":\"BANK 1\"}", 201, &r);
	ck_assert_str_eq(test_ledger_text(r.json, "number"), "PAY-2026-000001");
	ck_assert_str_eq(test_ledger_text(r.json, "status"), "posted");
	ck_assert_str_eq(test_ledger_text(r.json, "amount"), "150.00");
	ck_assert_str_eq(test_ledger_text(r.json, "unallocated"), "150.00");
	ck_assert_str_eq(test_ledger_text(r.json, "bank_account"), "1000");
	ck_assert_str_eq(test_ledger_text(r.json, "receivable_account"), "1200");
	ck_assert_str_eq(test_ledger_text(r.json, "posted_by"), cashier.id);
	ck_assert(json_is_null(json_object_get(r.json, "reversal")));
	ck_assert_str_eq(test_ledger_if_match(&r), "If-Match: \"1\"");
	location = test_response_header(&r, "Location");
	ck_assert_str_eq(location, payment_path(&r, NULL));
	free(location);
	/* Its entry: Dr the bank, Cr the customer's receivable, source sales.payment. */
	ck_assert_str_eq(entry_line(test_ledger_text(r.json, "ledger_entry_id"), 0),
			 "sales.payment 1000 D 150.00");
	ck_assert_str_eq(entry_line(test_ledger_text(r.json, "ledger_entry_id"), 1),
			 "sales.payment 1200 C 150.00");
	/* Its open item owes the customer: on account. */
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT residual_minor FROM sales_open_items"
						  " WHERE document_type = 'payment' AND document_id = '%s'",
						  test_ledger_text(r.json, "id")), -15000);
	test_sales_expect(&L, reader.token, "GET", payment_path(&r, NULL), NULL, NULL, 200, NULL);
	events = test_events_since(L.server.base_url, events_reader, "PY", last, types);
	changes = test_sales_audited(&L, test_ledger_text(json_array_get(events, 1), "request_id"),
				     "sales.payment.posted", test_ledger_text(r.json, "id"));
	test_sales_assert_change(changes, "number", "null", "\"PAY-2026-000001\"");
	test_sales_assert_change(changes, "amount", "null", "\"150.00\"");
	json_decref(changes);
	json_decref(events);
	test_response_free(&r);

	/* The next is the next number: gapless per company and fiscal year. */
	pay("{\"partner\":\"C0\",\"date\":\"2026-05-03\",\"amount\":\"1\",\"bank_account\":\"1000\"}", 201, &r);
	ck_assert_str_eq(test_ledger_text(r.json, "number"), "PAY-2026-000002");
	ck_assert_str_eq(test_ledger_text(r.json, "amount"), "1.00");
	test_response_free(&r);
}
END_TEST

START_TEST(allocations_listed_pay_several_invoices_partly_or_wholly)
{
	const char *first = invoice("C1", "100.00", "2099-06-01");   /* 120.00 */
	const char *second = invoice("C1", "50.00", "2099-06-15");   /*  60.00 */
	char body[512];
	struct test_response r, again;

	snprintf(body, sizeof(body),
		 "{\"partner\":\"C1\",\"date\":\"2026-05-10\",\"amount\":\"200.00\",\"bank_account\":\"1000\","
		 "\"allocations\":[{\"invoice\":\"%s\",\"amount\":\"70.00\"},{\"invoice\":\"%s\"}]}",
		 first, second);
	pay(body, 201, &r);
	ck_assert_uint_eq(json_array_size(json_object_get(r.json, "allocations")), 2);
	ck_assert_str_eq(test_ledger_text(r.json, "unallocated"), "70.00");
	ck_assert_ptr_nonnull(strstr(allocation_of(r.json, 0), " 70.00"));
	ck_assert_ptr_nonnull(strstr(allocation_of(r.json, 1), " 60.00"));
	ck_assert_str_eq(test_ledger_text(json_array_get(json_object_get(r.json, "allocations"), 0), "date"),
			 "2026-05-10");
	ck_assert_str_eq(invoice_field(first, "status"), "partially_paid");
	ck_assert_str_eq(invoice_field(first, "residual"), "50.00");
	ck_assert_str_eq(invoice_field(second, "status"), "paid");
	ck_assert_str_eq(invoice_field(second, "residual"), "0.00");

	/* A second payment on the same invoice, by the allocations route: the rest of it. */
	pay("{\"partner\":\"C1\",\"date\":\"2026-05-11\",\"amount\":\"10.00\",\"bank_account\":\"1000\"}",
	    201, &again);
	snprintf(body, sizeof(body), "{\"invoice\":\"%s\"}", first);
	test_sales_expect(&L, allocator.token, "POST", payment_path(&again, "/allocations"), NULL, body,
			  200, NULL);
	test_response_free(&again);
	ck_assert_str_eq(invoice_field(first, "residual"), "40.00");
	/* And the first payment's remainder, on account, takes what is left: 40 of its 70. */
	test_sales_expect(&L, allocator.token, "POST", payment_path(&r, "/allocations"), NULL, body, 200,
			  &again);
	ck_assert_str_eq(test_ledger_text(again.json, "unallocated"), "30.00");
	/* Each change of its allocations moves its version: made with two (2), and this one (3). */
	ck_assert_int_eq(json_integer_value(json_object_get(again.json, "version")), 3);
	ck_assert_str_eq(invoice_field(first, "status"), "paid");
	test_response_free(&again);
	test_response_free(&r);
}
END_TEST

START_TEST(auto_pays_the_oldest_due_first)
{
	const char *later = invoice("C2", "100.00", "2099-07-01");   /* 120.00, due last */
	const char *sooner = invoice("C2", "10.00", "2099-06-01");   /*  12.00, due first */
	const char *middle = invoice("C2", "20.00", "2099-06-20");   /*  24.00 */
	struct test_response r;

	pay("{\"partner\":\"C2\",\"date\":\"2026-05-12\",\"amount\":\"50.00\",\"bank_account\":\"1000\","
	    "\"allocations\":\"auto\"}", 201, &r);
	ck_assert_uint_eq(json_array_size(json_object_get(r.json, "allocations")), 3);
	ck_assert_str_eq(test_ledger_text(r.json, "unallocated"), "0.00");
	ck_assert_str_eq(invoice_field(sooner, "status"), "paid");
	ck_assert_str_eq(invoice_field(middle, "status"), "paid");
	ck_assert_str_eq(invoice_field(later, "residual"), "106.00");
	ck_assert_str_eq(invoice_field(later, "status"), "partially_paid");
	test_response_free(&r);

	/* Later, {"auto": true} on a payment on account; capped by an amount. */
	pay("{\"partner\":\"C2\",\"date\":\"2026-05-13\",\"amount\":\"200.00\",\"bank_account\":\"1000\"}",
	    201, &r);
	test_sales_expect(&L, allocator.token, "POST", payment_path(&r, "/allocations"), NULL,
			  "{\"auto\":true,\"amount\":\"6.00\"}", 200, NULL);
	ck_assert_str_eq(invoice_field(later, "residual"), "100.00");
	test_sales_expect(&L, allocator.token, "POST", payment_path(&r, "/allocations"), NULL,
			  "{\"auto\":true}", 200, NULL);
	ck_assert_str_eq(invoice_field(later, "status"), "paid");
	/* Nothing left to pay: auto allocates nothing, and says so. */
	test_sales_expect_field(&L, allocator.token, "POST", payment_path(&r, "/allocations"), NULL,
				"{\"auto\":true}", 422, "/auto", "nothing");
	test_response_free(&r);
}
END_TEST

START_TEST(an_allocation_is_undone_and_the_residuals_restored)
{
	static const char *const types[] = { "sales.payment.allocation_undone", NULL };
	const char *id = invoice("C3", "100.00", "2099-06-01");
	char body[512], path[300];
	struct test_response r, read;
	json_t *events, *changes;
	long long last;

	snprintf(body, sizeof(body),
		 "{\"partner\":\"C3\",\"date\":\"2026-05-10\",\"amount\":\"80.00\",\"bank_account\":\"1000\","
		 "\"allocations\":[{\"invoice\":\"%s\",\"amount\":\"80.00\"}]}", id);
	pay(body, 201, &r);
	ck_assert_str_eq(invoice_field(id, "residual"), "40.00");
	snprintf(path, sizeof(path), "%s/%s", payment_path(&r, "/allocations"),
		 test_ledger_text(json_array_get(json_object_get(r.json, "allocations"), 0), "id"));
	last = test_events_last(L.server.base_url, events_reader, "PY");
	test_sales_expect(&L, allocator.token, "DELETE", path, NULL, NULL, 204, NULL);
	ck_assert_str_eq(invoice_field(id, "residual"), "120.00");
	ck_assert_str_eq(invoice_field(id, "status"), "open");
	events = test_events_since(L.server.base_url, events_reader, "PY", last, types);
	changes = test_sales_audited(&L, test_ledger_text(json_array_get(events, 0), "request_id"),
				     "sales.payment.allocation_undone",
				     test_ledger_text(json_array_get(events, 0), "entity_id"));
	test_sales_assert_change(changes, "invoice_residual", "\"40.00\"", "\"120.00\"");
	test_sales_assert_change(changes, "payment_unallocated", "\"0.00\"", "\"80.00\"");
	test_sales_assert_change(changes, "undone", "false", "true");
	json_decref(changes);
	json_decref(events);
	/* Kept, undone: once only; an allocation that is not the payment's is not found. */
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM sales_allocations"
						  " WHERE undone_at IS NOT NULL AND undone_by = '%s'",
						  allocator.id), 1);
	test_sales_expect(&L, allocator.token, "DELETE", path, NULL, NULL, 409, NULL);
	snprintf(path, sizeof(path), "%s/0190a000-0000-7000-8000-000000000000",
		 payment_path(&r, "/allocations"));
	test_sales_expect(&L, allocator.token, "DELETE", path, NULL, NULL, 404, NULL);
	test_sales_expect(&L, reader.token, "GET", payment_path(&r, NULL), NULL, NULL, 200, &read);
	ck_assert_str_eq(test_ledger_text(read.json, "unallocated"), "80.00");
	ck_assert_uint_eq(json_array_size(json_object_get(read.json, "allocations")), 0);
	test_response_free(&read);
	test_response_free(&r);
}
END_TEST

START_TEST(allocations_are_refused_over_a_residual_or_across_partners_and_companies)
{
	const char *own = invoice("C4", "100.00", "2026-06-01");              /* 120.00 */
	const char *others = invoice("C5", "100.00", "2026-06-01");
	const char *foreign = invoice_in("PZ", "ACME", "100.00", "2026-05-01", "2026-06-01");
	struct test_response r, draft;
	char body[512];

	test_sales_expect(&L, clerk.token, "POST", INVOICES("PY"), NULL,
			  "{\"partner\":\"C4\",\"date\":\"2026-05-01\",\"lines\":[{\"description\":\"x\","
			  "\"quantity\":\"1\",\"unit_price\":\"1\",\"revenue_account\":\"4000\","
			  "\"tax_code\":\"VAT20\"}]}", 201, &draft);
	pay("{\"partner\":\"C4\",\"date\":\"2026-05-10\",\"amount\":\"100.00\",\"bank_account\":\"1000\"}",
	    201, &r);
	/* Over what the invoice owes; over what the payment has; zero. */
	snprintf(body, sizeof(body), "{\"invoice\":\"%s\",\"amount\":\"120.01\"}", own);
	test_sales_expect_field(&L, allocator.token, "POST", payment_path(&r, "/allocations"), NULL, body,
				422, "/amount", "residual");
	snprintf(body, sizeof(body), "{\"invoice\":\"%s\",\"amount\":\"100.01\"}", own);
	test_sales_expect_field(&L, allocator.token, "POST", payment_path(&r, "/allocations"), NULL, body,
				422, "/amount", "unallocated");
	snprintf(body, sizeof(body), "{\"invoice\":\"%s\",\"amount\":\"0.00\"}", own);
	test_sales_expect_field(&L, allocator.token, "POST", payment_path(&r, "/allocations"), NULL, body,
				422, "/amount", "format");
	/* Another customer's invoice; another company's; a draft; neither or both of invoice and auto. */
	snprintf(body, sizeof(body), "{\"invoice\":\"%s\"}", others);
	test_sales_expect_field(&L, allocator.token, "POST", payment_path(&r, "/allocations"), NULL, body,
				422, "/invoice", "partner");
	snprintf(body, sizeof(body), "{\"invoice\":\"%s\"}", foreign);
	test_sales_expect_field(&L, allocator.token, "POST", payment_path(&r, "/allocations"), NULL, body,
				422, "/invoice", "unknown");
	snprintf(body, sizeof(body), "{\"invoice\":\"%s\"}", test_ledger_text(draft.json, "id"));
	test_sales_expect_field(&L, allocator.token, "POST", payment_path(&r, "/allocations"), NULL, body,
				422, "/invoice", "unknown");
	test_sales_expect_field(&L, allocator.token, "POST", payment_path(&r, "/allocations"), NULL, "{}",
				422, "/invoice", "required");
	snprintf(body, sizeof(body), "{\"invoice\":\"%s\",\"auto\":true}", own);
	test_sales_expect_field(&L, allocator.token, "POST", payment_path(&r, "/allocations"), NULL, body,
				422, "/auto", "required");
	/* The list in a payment's body: two requests on one invoice that together pass its residual. */
	snprintf(body, sizeof(body),
		 "{\"partner\":\"C4\",\"date\":\"2026-05-10\",\"amount\":\"500.00\",\"bank_account\":\"1000\","
		 "\"allocations\":[{\"invoice\":\"%s\",\"amount\":\"100.00\"},"
		 "{\"invoice\":\"%s\",\"amount\":\"20.01\"}]}", own, own);
	test_sales_expect_field(&L, cashier.token, "POST", PAYMENTS("PY"), NULL, body, 422,
				"/allocations/1/amount", "residual");
	test_sales_expect_field(&L, cashier.token, "POST", PAYMENTS("PY"), NULL,
				"{\"partner\":\"C4\",\"date\":\"2026-05-10\",\"amount\":\"5\","
				"\"bank_account\":\"1000\",\"allocations\":\"Auto\"}", 422, "/allocations",
				"enum");
	/* Nothing of it happened: the invoice owes all of it, the payment has all of it. */
	ck_assert_str_eq(invoice_field(own, "residual"), "120.00");
	/* Another company's payment does not exist there, for those who may read and allocate there. */
	test_sales_expect(&L, allocator.token, "POST",
			  test_ledger_path(PAYMENTS("PZ") "/%s/allocations", test_ledger_text(r.json, "id")),
			  NULL, "{\"auto\":true}", 404, NULL);
	test_sales_expect(&L, reader.token, "GET",
			  test_ledger_path(PAYMENTS("PZ") "/%s", test_ledger_text(r.json, "id")), NULL, NULL,
			  404, NULL);
	test_response_free(&draft);
	test_response_free(&r);
}
END_TEST

START_TEST(a_payment_is_refused_as_a_whole)
{
	long long before = test_ledger_db_number(&L, "SELECT count(*) FROM sales_payments");

	test_sales_expect_field(&L, cashier.token, "POST", PAYMENTS("PY"), NULL,
				"{\"partner\":\"NOBODY\",\"date\":\"2026-05-10\",\"amount\":\"5\","
				"\"bank_account\":\"1000\"}", 422, "/partner", "unknown");
	test_sales_expect_field(&L, cashier.token, "POST", PAYMENTS("PY"), NULL,
				"{\"partner\":\"C0\",\"date\":\"2026-05-10\",\"amount\":\"5\","
				"\"bank_account\":\"4000\"}", 422, "/bank_account", "type");
	test_sales_expect_field(&L, cashier.token, "POST", PAYMENTS("PY"), NULL,
				"{\"partner\":\"C0\",\"date\":\"2026-05-10\",\"amount\":\"5\","
				"\"bank_account\":\"9999\"}", 422, "/bank_account", "unknown");
	test_sales_expect_field(&L, cashier.token, "POST", PAYMENTS("PY"), NULL,
				"{\"partner\":\"C0\",\"date\":\"2026-05-10\",\"amount\":\"0.00\","
				"\"bank_account\":\"1000\"}", 422, "/amount", "format");
	test_sales_expect_field(&L, cashier.token, "POST", PAYMENTS("PY"), NULL,
				"{\"partner\":\"C0\",\"date\":\"2026-05-10\",\"amount\":\"5.001\","
				"\"bank_account\":\"1000\"}", 422, "/amount", "format");
	test_sales_expect_field(&L, cashier.token, "POST", PAYMENTS("PY"), NULL,
				"{\"partner\":\"C0\",\"date\":\"2031-05-10\",\"amount\":\"5\","
				"\"bank_account\":\"1000\"}", 422, "/date", "period");
	/* An inactive customer takes no payment. */
	test_sales_expect(&L, keeper.token, "POST", "/api/v1/companies/PY/partners/GONE/deactivate",
			  NULL, NULL, 200, NULL);
	test_sales_expect_field(&L, cashier.token, "POST", PAYMENTS("PY"), NULL,
				"{\"partner\":\"GONE\",\"date\":\"2026-05-10\",\"amount\":\"5\","
				"\"bank_account\":\"1000\"}", 422, "/partner", "inactive");
	/* Who may not book cash: a clerk, a keeper of customers, the allocator; nor in another company. */
	test_sales_expect(&L, clerk.token, "POST", PAYMENTS("PY"), NULL,
			  "{\"partner\":\"C0\",\"date\":\"2026-05-10\",\"amount\":\"5\",\"bank_account\":\"1000\"}",
			  403, NULL);
	test_sales_expect(&L, allocator.token, "POST", PAYMENTS("PY"), NULL,
			  "{\"partner\":\"C0\",\"date\":\"2026-05-10\",\"amount\":\"5\",\"bank_account\":\"1000\"}",
			  403, NULL);
	test_sales_expect(&L, cashier.token, "POST", PAYMENTS("PZ"), NULL,
			  "{\"partner\":\"ACME\",\"date\":\"2026-05-10\",\"amount\":\"5\",\"bank_account\":\"1000\"}",
			  404, NULL);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM sales_payments"), before);
}
END_TEST

START_TEST(a_closed_period_refuses_the_payment_and_its_number)
{
	long long last = test_ledger_db_number(&L, "SELECT coalesce(max(n.last_number), 0)"
					       " FROM sales_numbering n JOIN companies c ON c.id = n.company_id"
					       " WHERE c.code = 'PY' AND n.series = 'PAY'");
	char period[40], path[200];
	struct test_response r;

	test_ledger_period_id(&L, keeper.token, "PY", "2026-01", period);
	snprintf(path, sizeof(path), "/api/v1/companies/PY/fiscal-periods/%s/close", period);
	test_sales_expect(&L, keeper.token, "POST", path, NULL, NULL, 200, NULL);
	pay("{\"partner\":\"C0\",\"date\":\"2026-01-15\",\"amount\":\"5\",\"bank_account\":\"1000\"}", 409, &r);
	ck_assert_ptr_nonnull(strstr(r.body, "the ledger refuses the payment's entry"));
	test_response_free(&r);
	/* Its number was given back: the next payment takes it. */
	pay("{\"partner\":\"C0\",\"date\":\"2026-05-15\",\"amount\":\"5\",\"bank_account\":\"1000\"}", 201, &r);
	ck_assert_str_eq(test_ledger_text(r.json, "number"), test_ledger_path("PAY-2026-%06lld", last + 1));
	test_response_free(&r);
}
END_TEST

START_TEST(an_idempotency_key_replays_the_payment)
{
	static const char body[] = "{\"partner\":\"C0\",\"date\":\"2026-05-16\",\"amount\":\"7.00\","
				   "\"bank_account\":\"1000\"}";
	long long before = test_ledger_db_number(&L, "SELECT count(*) FROM sales_payments");
	struct test_response first, again;
	char *replayed;

	test_sales_expect(&L, cashier.token, "POST", PAYMENTS("PY"), "Idempotency-Key: pay-k1", body, 201,
			  &first);
	test_sales_expect(&L, cashier.token, "POST", PAYMENTS("PY"), "Idempotency-Key: pay-k1", body, 201,
			  &again);
	replayed = test_response_header(&again, "Idempotent-Replayed");
	ck_assert_ptr_nonnull(replayed);
	free(replayed);
	ck_assert_str_eq(test_ledger_text(again.json, "number"), test_ledger_text(first.json, "number"));
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM sales_payments"), before + 1);
	test_response_free(&again);
	test_sales_expect(&L, cashier.token, "POST", PAYMENTS("PY"), "Idempotency-Key: pay-k1",
			  "{\"partner\":\"C0\",\"date\":\"2026-05-16\",\"amount\":\"8.00\",\"bank_account\":\"1000\"}",
			  422, NULL);
	test_response_free(&first);
}
END_TEST

START_TEST(a_reversal_undoes_the_allocations_and_mirrors_the_entry_once)
{
	static const char *const types[] = { "sales.payment.allocation_undone", "ledger.entry.posted",
					     "sales.payment.reversed", NULL };
	const char *id = invoice("C0", "100.00", "2026-06-01");
	char body[512];
	struct test_response r, reversed;
	json_t *events, *changes;
	long long last;

	snprintf(body, sizeof(body),
		 "{\"partner\":\"C0\",\"date\":\"2026-05-20\",\"amount\":\"50.00\",\"bank_account\":\"1000\","
		 "\"allocations\":[{\"invoice\":\"%s\"}]}", id);
	pay(body, 201, &r);
	ck_assert_str_eq(invoice_field(id, "residual"), "70.00");
	/* If-Match: required, and current; a reason is required. */
	test_sales_expect(&L, cashier.token, "POST", payment_path(&r, "/reverse"), NULL,
			  "{\"reason\":\"bounced\"}", 428, NULL);
	test_sales_expect(&L, cashier.token, "POST", payment_path(&r, "/reverse"), "If-Match: \"7\"",
			  "{\"reason\":\"bounced\"}", 412, NULL);
	test_sales_expect_field(&L, cashier.token, "POST", payment_path(&r, "/reverse"), "If-Match: \"2\"",
				"{\"reason\":\"bounced\",\"date\":\"2026-05-19\"}", 422, "/date", "format");
	test_sales_expect(&L, allocator.token, "POST", payment_path(&r, "/reverse"), "If-Match: \"2\"",
			  "{\"reason\":\"bounced\"}", 403, NULL);
	last = test_events_last(L.server.base_url, events_reader, "PY");
	test_sales_expect(&L, cashier.token, "POST", payment_path(&r, "/reverse"), "If-Match: \"2\"",
			  "{\"reason\":\"bounced\",\"date\":\"2026-05-25\"}", 200, &reversed);
	ck_assert_str_eq(test_ledger_text(reversed.json, "status"), "reversed");
	ck_assert_str_eq(test_ledger_text(reversed.json, "unallocated"), "0.00");
	ck_assert_uint_eq(json_array_size(json_object_get(reversed.json, "allocations")), 0);
	ck_assert_str_eq(test_ledger_text(json_object_get(reversed.json, "reversal"), "reason"), "bounced");
	ck_assert_str_eq(test_ledger_text(json_object_get(reversed.json, "reversal"), "date"), "2026-05-25");
	ck_assert_str_eq(invoice_field(id, "residual"), "120.00");
	ck_assert_str_eq(entry_line(test_ledger_text(json_object_get(reversed.json, "reversal"),
						     "ledger_entry_id"), 0),
			 "sales.payment.reversal 1200 D 50.00");
	ck_assert_str_eq(entry_line(test_ledger_text(json_object_get(reversed.json, "reversal"),
						     "ledger_entry_id"), 1),
			 "sales.payment.reversal 1000 C 50.00");
	events = test_events_since(L.server.base_url, events_reader, "PY", last, types);
	changes = test_sales_audited(&L, test_ledger_text(json_array_get(events, 2), "request_id"),
				     "sales.payment.reversed", test_ledger_text(r.json, "id"));
	test_sales_assert_change(changes, "status", "\"posted\"", "\"reversed\"");
	json_decref(changes);
	json_decref(events);
	/* Once: again is 409; allocating it is 409; it stays in the database as it is. */
	test_sales_expect(&L, cashier.token, "POST", payment_path(&r, "/reverse"),
			  test_ledger_if_match(&reversed), "{\"reason\":\"again\"}", 409, NULL);
	snprintf(body, sizeof(body), "{\"invoice\":\"%s\"}", id);
	test_sales_expect(&L, allocator.token, "POST", payment_path(&r, "/allocations"), NULL, body, 409,
			  NULL);
	test_response_free(&reversed);
	test_response_free(&r);
}
END_TEST

START_TEST(payments_and_allocations_never_change_in_the_database)
{
	struct test_response r;
	const char *app = test_db_login_url(L.db_url, "sales_payments_app", "erp_app");
	char sql[512];

	pay("{\"partner\":\"C0\",\"date\":\"2026-05-21\",\"amount\":\"3.00\",\"bank_account\":\"1000\","
	    "\"allocations\":\"auto\"}", 201, &r);
	/* To the server's own role: a payment moves only by its reversal, an allocation by its undoing. */
	snprintf(sql, sizeof(sql), "UPDATE sales_payments SET amount_minor = 1 WHERE id = '%s'",
		 test_ledger_text(r.json, "id"));
	test_db_expect(app, sql, "42501", NULL);
	snprintf(sql, sizeof(sql), "DELETE FROM sales_payments WHERE id = '%s'", test_ledger_text(r.json, "id"));
	test_db_expect(app, sql, "42501", NULL);
	test_db_expect(app, "DELETE FROM sales_allocations", "42501", NULL);
	test_db_expect(app, "UPDATE sales_allocations SET amount_minor = amount_minor + 1", "42501", NULL);
	/* And to its owner, by the triggers. */
	snprintf(sql, sizeof(sql), "UPDATE sales_payments SET reference = 'x' WHERE id = '%s'",
		 test_ledger_text(r.json, "id"));
	test_db_expect(L.db_url, sql, "42501", "only its reversal");
	test_db_expect(L.db_url, "DELETE FROM sales_allocations", "42501", "never deleted");
	test_response_free(&r);
}
END_TEST

START_TEST(payments_are_listed_by_date_with_filters)
{
	struct test_response r;
	json_t *item;
	size_t i;

	pay("{\"partner\":\"C5\",\"date\":\"2026-04-01\",\"amount\":\"1.00\",\"bank_account\":\"1001\"}", 201, NULL);
	test_sales_expect(&L, reader.token, "GET", PAYMENTS("PY") "?partner=C5&from=2026-04-01&to=2026-04-01",
			  NULL, NULL, 200, &r);
	ck_assert_uint_eq(json_array_size(json_object_get(r.json, "items")), 1);
	ck_assert_str_eq(test_ledger_text(json_array_get(json_object_get(r.json, "items"), 0), "bank_account"),
			 "1001");
	test_response_free(&r);
	test_sales_expect(&L, reader.token, "GET", PAYMENTS("PY") "?status=reversed", NULL, NULL, 200, &r);
	json_array_foreach(json_object_get(r.json, "items"), i, item)
		ck_assert_str_eq(test_ledger_text(item, "status"), "reversed");
	test_response_free(&r);
	test_sales_expect_field(&L, reader.token, "GET", PAYMENTS("PY") "?status=open", NULL, NULL, 422,
				"status", NULL);
	test_sales_expect(&L, clerk.token, "GET", PAYMENTS("PY"), NULL, NULL, 403, NULL);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("e2e/sales/payments");
	TCase *tc = tcase_create("payments");

	tcase_add_unchecked_fixture(tc, start_shared, stop_shared);
	tcase_add_checked_fixture(tc, NULL, after_each);
	tcase_add_test(tc, a_payment_is_recorded_and_posted_in_one_call);
	tcase_add_test(tc, allocations_listed_pay_several_invoices_partly_or_wholly);
	tcase_add_test(tc, auto_pays_the_oldest_due_first);
	tcase_add_test(tc, an_allocation_is_undone_and_the_residuals_restored);
	tcase_add_test(tc, allocations_are_refused_over_a_residual_or_across_partners_and_companies);
	tcase_add_test(tc, a_payment_is_refused_as_a_whole);
	tcase_add_test(tc, a_closed_period_refuses_the_payment_and_its_number);
	tcase_add_test(tc, an_idempotency_key_replays_the_payment);
	tcase_add_test(tc, a_reversal_undoes_the_allocations_and_mirrors_the_entry_once);
	tcase_add_test(tc, payments_and_allocations_never_change_in_the_database);
	tcase_add_test(tc, payments_are_listed_by_date_with_filters);
	suite_add_tcase(s, tc);
	return s;
}
