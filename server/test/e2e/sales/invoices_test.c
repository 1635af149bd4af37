/*
 * Sales invoice drafts end to end, against the real erp-server-test binary
 * and a real PostgreSQL: the server prices every line and tax code (the cent
 * cases over HTTP), takes the due date from the partner's terms, and
 * refuses by field everything a draft may not be (a partner that is no
 * active customer, a foreign currency, lines with unusable accounts, tax
 * codes, quantities, prices, discounts, amounts too large); drafts are
 * replaced and deleted against the version read, each change audited and
 * told; lists filter and page; only holders of the permissions in the
 * company see or write them, and another company's invoice does not exist.
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
static struct test_ledger_user keeper, clerk, reader, viewer;
static char events_reader[64];

#define INVOICES(company) "/api/v1/companies/" company "/sales-invoices"

/* A line of quantity at price on 4000 with tax code VAT20, as JSON text (static, one at a time). */
#define LINE(quantity, price) \
	"{\"description\":\"Work\",\"quantity\":\"" quantity "\",\"unit_price\":\"" price "\"," \
	"\"revenue_account\":\"4000\",\"tax_code\":\"VAT20\"}"

static void start_shared(void)
{
	test_ledger_start(&L, "t_sales_invoices", (const char *const[]){ "ERP_RATE_LIMIT_PER_USER=0", NULL });
	test_events_reader(L.server.base_url, L.admin_token, "events@invoices.test", events_reader);
	test_ledger_role(&L, "inv-keeper", "[\"ledger.account.manage\",\"ledger.account.read\","
					   "\"ledger.period.manage\",\"partners.partner.manage\","
					   "\"sales.tax-code.manage\",\"sales.invoice.read\",\"ledger.report.read\"]");
	test_ledger_role(&L, "inv-clerk", "[\"sales.invoice.create\",\"sales.invoice.read\"]");
	test_ledger_role(&L, "inv-reader", "[\"sales.invoice.read\"]");
	test_ledger_role(&L, "inv-viewer", "[\"iam.company.read\"]");
	test_ledger_user(&L, "keeper@invoices.test", &keeper);
	test_ledger_user(&L, "clerk@invoices.test", &clerk);
	test_ledger_user(&L, "reader@invoices.test", &reader);
	test_ledger_user(&L, "viewer@invoices.test", &viewer);
	test_ledger_company(&L, "SA", "EUR");
	test_ledger_company(&L, "SB", "EUR");
	test_ledger_company(&L, "SJ", "JPY");
	for (int i = 0; i < 3; i++) {
		const char *company = (const char *[]){ "SA", "SB", "SJ" }[i];

		test_ledger_grant(&L, keeper.id, "inv-keeper", company, NULL);
		test_sales_books(&L, keeper.token, company);
		test_sales_tax_code(&L, keeper.token, company, "VAT20", "20");
		test_sales_customer(&L, keeper.token, company, "ACME", NULL);
	}
	/* The clerk writes SA's and SJ's invoices and has no role in SB. */
	test_ledger_grant(&L, clerk.id, "inv-clerk", "SA", NULL);
	test_ledger_grant(&L, clerk.id, "inv-clerk", "SJ", NULL);
	test_ledger_grant(&L, reader.id, "inv-reader", "SA", NULL);
	test_ledger_grant(&L, viewer.id, "inv-viewer", "SA", NULL);
	test_sales_tax_code(&L, keeper.token, "SA", "RED", "7.5");
	test_sales_tax_code(&L, keeper.token, "SA", "OLD", "16");
	test_sales_expect(&L, keeper.token, "PATCH", "/api/v1/companies/SA/tax-codes/OLD",
			  "If-Match: \"1\"", "{\"active\":false}", 200, NULL);
	test_ledger_account(&L, keeper.token, "SA", "2000", "liability", NULL);
	test_ledger_account(&L, keeper.token, "SA", "4800", "revenue", NULL);
	test_ledger_account(&L, keeper.token, "SA", "4900", "revenue", "USD");
	test_sales_expect(&L, keeper.token, "POST", "/api/v1/companies/SA/accounts/4800/deactivate",
			  NULL, NULL, 200, NULL);
	test_sales_customer(&L, keeper.token, "SA", "EOM",
			    "\"payment_terms_days\":15,\"payment_terms_end_of_month\":true");
	test_sales_customer(&L, keeper.token, "SA", "SLEEP", NULL);
	test_sales_expect(&L, keeper.token, "POST", "/api/v1/companies/SA/partners/SLEEP/deactivate",
			  NULL, NULL, 200, NULL);
	test_sales_customer(&L, keeper.token, "SA", "DOLLAR", "\"currency\":\"USD\"");
	test_sales_expect(&L, keeper.token, "POST", "/api/v1/companies/SA/partners", NULL,
			  "{\"code\":\"VEND\",\"name\":\"Vendor only\",\"roles\":[\"vendor\"],"
			  "\"payable_account\":\"2000\"}", 201, NULL);
}

/* After every scenario: the receivables equal the receivable account's balance in the ledger. */
static void after_each(void)
{
	test_sales_assert_receivables(&L, keeper.token, "SA");
	test_sales_assert_receivables(&L, keeper.token, "SB");
	test_sales_assert_receivables(&L, keeper.token, "SJ");
}

static void stop_shared(void)
{
	test_ledger_stop(&L);
}

/* Writes a draft of company as the clerk; asserts 201; the answer is the caller's to free. */
static void draft(const char *company, const char *body, struct test_response *r)
{
	test_sales_expect(&L, clerk.token, "POST", test_ledger_path("/api/v1/companies/%s/sales-invoices", company),
			  NULL, body, 201, r);
}

/* Member name of line i of an invoice. */
static const char *line_text(json_t *invoice, size_t i, const char *name)
{
	return test_ledger_text(json_array_get(json_object_get(invoice, "lines"), i), name);
}

/* Member name of the tax of code code of an invoice ("" when it has none). */
static const char *tax_text(json_t *invoice, const char *code, const char *name)
{
	json_t *each;
	size_t i;

	json_array_foreach(json_object_get(invoice, "taxes"), i, each)
		if (strcmp(test_ledger_text(each, "tax_code"), code) == 0)
			return test_ledger_text(each, name);
	return "";
}

START_TEST(a_draft_is_priced_by_the_server_told_and_audited)
{
	static const char *const types[] = { "sales.invoice.created", NULL };
	long long last = test_events_last(L.server.base_url, events_reader, "SA");
	struct test_response r;
	json_t *events, *changes;
	char *location, path[128];

	/* Three lines of 0.333 at 20%, one discounted at 7.5%. */
	draft("SA", "{\"partner\":\"ACME\",\"date\":\"2026-03-10\",\"reference\":\"PO 4711\",\"lines\":["
		    LINE("0.333", "1.00") "," LINE("0.333", "1.00") "," LINE("0.333", "1.00") ","
		    "{\"description\":\"Books\",\"quantity\":\"3\",\"unit_price\":\"19.99\","
		    "\"discount_percent\":\"12.5\",\"revenue_account\":\"4100\",\"tax_code\":\"RED\"}]}", &r);
	location = test_response_header(&r, "Location");
	snprintf(path, sizeof(path), INVOICES("SA") "/%s", test_ledger_text(r.json, "id"));
	ck_assert_str_eq(location, path);
	free(location);
	ck_assert_str_eq(test_ledger_if_match(&r), "If-Match: \"1\"");
	ck_assert_str_eq(test_ledger_text(r.json, "status"), "draft");
	ck_assert(json_is_null(json_object_get(r.json, "number")));
	ck_assert_str_eq(test_ledger_text(r.json, "partner"), "ACME");
	ck_assert_str_eq(test_ledger_text(r.json, "currency"), "EUR");
	ck_assert_str_eq(test_ledger_text(r.json, "due_date"), "2026-04-09"); /* net 30 */
	ck_assert_str_eq(test_ledger_text(r.json, "author_id"), clerk.id);
	/* Each line rounded once: 0.333 -> 0.33; 3 x 19.99 less 12.5% = 52.47375 -> 52.47. */
	ck_assert_str_eq(line_text(r.json, 0, "quantity"), "0.333");
	ck_assert_str_eq(line_text(r.json, 0, "net"), "0.33");
	ck_assert_str_eq(line_text(r.json, 0, "tax_rate"), "20");
	ck_assert(json_is_null(json_object_get(json_array_get(json_object_get(r.json, "lines"), 0),
					       "discount_percent")));
	ck_assert_str_eq(line_text(r.json, 3, "discount_percent"), "12.5");
	ck_assert_str_eq(line_text(r.json, 3, "unit_price"), "19.99");
	ck_assert_str_eq(line_text(r.json, 3, "net"), "52.47");
	/* Each tax code rounded once on its lines: 0.99 x 20% = 0.198 -> 0.20 (per line: 0.21). */
	ck_assert_str_eq(tax_text(r.json, "VAT20", "base"), "0.99");
	ck_assert_str_eq(tax_text(r.json, "VAT20", "tax"), "0.20");
	ck_assert_str_eq(tax_text(r.json, "RED", "base"), "52.47");
	ck_assert_str_eq(tax_text(r.json, "RED", "tax"), "3.94"); /* 3.93525 */
	ck_assert_str_eq(test_ledger_text(r.json, "net_total"), "53.46");
	ck_assert_str_eq(test_ledger_text(r.json, "tax_total"), "4.14");
	ck_assert_str_eq(test_ledger_text(r.json, "total"), "57.60");
	test_response_free(&r);

	/* Read back by a reader, the same. */
	test_sales_expect(&L, reader.token, "GET", path, NULL, NULL, 200, &r);
	ck_assert_str_eq(test_ledger_text(r.json, "total"), "57.60");
	ck_assert_str_eq(test_ledger_text(r.json, "reference"), "PO 4711");
	test_response_free(&r);

	events = test_events_since(L.server.base_url, events_reader, "SA", last, types);
	ck_assert_str_eq(json_string_value(test_events_payload(json_array_get(events, 0), "total")),
			 "57.60");
	ck_assert_uint_eq(json_array_size(test_events_payload(json_array_get(events, 0), "lines")), 4);
	changes = test_sales_audited(&L, test_ledger_text(json_array_get(events, 0), "request_id"),
				     "sales.invoice.created",
				     test_ledger_text(json_array_get(events, 0), "entity_id"));
	test_sales_assert_change(changes, "total", "null", "\"57.60\"");
	test_sales_assert_change(changes, "status", "null", "\"draft\"");
	json_decref(changes);
	json_decref(events);
}
END_TEST

START_TEST(many_small_lines_and_two_codes_keep_their_cents)
{
	char body[32768];
	size_t used;
	struct test_response r;

	/* A hundred lines of 0.01 at 7.5%: 0.075 of tax on the whole, 0.08 (per line: 0.00). */
	used = (size_t)snprintf(body, sizeof(body), "{\"partner\":\"ACME\",\"date\":\"2026-03-11\",\"lines\":[");
	for (int i = 0; i < 100; i++)
		used += (size_t)snprintf(body + used, sizeof(body) - used,
					 "%s{\"description\":\"Bolt %d\",\"quantity\":\"1\","
					 "\"unit_price\":\"0.01\",\"revenue_account\":\"4000\","
					 "\"tax_code\":\"RED\"}", i ? "," : "", i);
	snprintf(body + used, sizeof(body) - used, "]}");
	draft("SA", body, &r);
	ck_assert_uint_eq(json_array_size(json_object_get(r.json, "lines")), 100);
	ck_assert_str_eq(test_ledger_text(r.json, "net_total"), "1.00");
	ck_assert_str_eq(tax_text(r.json, "RED", "tax"), "0.08");
	ck_assert_str_eq(test_ledger_text(r.json, "total"), "1.08");
	test_response_free(&r);

	/* Half a cent rounds away from zero, on a line and on a tax. */
	draft("SA", "{\"partner\":\"ACME\",\"date\":\"2026-03-11\",\"lines\":["
		    LINE("0.5", "0.01") ",{\"description\":\"Fee\",\"quantity\":\"1\",\"unit_price\":\"0.10\","
		    "\"revenue_account\":\"4000\",\"tax_code\":\"VAT20\",\"discount_percent\":\"75\"}]}", &r);
	ck_assert_str_eq(line_text(r.json, 0, "net"), "0.01");  /* 0.005 */
	ck_assert_str_eq(line_text(r.json, 1, "net"), "0.03");  /* 0.025 */
	ck_assert_str_eq(tax_text(r.json, "VAT20", "tax"), "0.01"); /* 0.04 x 20% = 0.008 */
	test_response_free(&r);

	/* Large quantities stay exact: a billion at 1,000,000.00. */
	draft("SA", "{\"partner\":\"ACME\",\"date\":\"2026-03-11\",\"lines\":["
		    LINE("1000000000", "1000000.00") "]}", &r);
	ck_assert_str_eq(test_ledger_text(r.json, "net_total"), "1000000000000000.00");
	ck_assert_str_eq(test_ledger_text(r.json, "tax_total"), "200000000000000.00");
	test_response_free(&r);

	/* Yen have no decimals. */
	draft("SJ", "{\"partner\":\"ACME\",\"date\":\"2026-03-11\",\"lines\":[" LINE("3", "333") "]}", &r);
	ck_assert_str_eq(test_ledger_text(r.json, "total"), "1199"); /* 999 + 199.8 -> 200 */
	test_response_free(&r);
	test_sales_expect_field(&L, clerk.token, "POST", INVOICES("SJ"), NULL,
				"{\"partner\":\"ACME\",\"date\":\"2026-03-11\",\"lines\":["
				LINE("1", "1500.5") "]}", 422, "/lines/0/unit_price", "format");
}
END_TEST

START_TEST(the_due_date_comes_from_the_terms_unless_given)
{
	struct test_response r;

	draft("SA", "{\"partner\":\"EOM\",\"date\":\"2026-01-20\",\"lines\":[" LINE("1", "10") "]}", &r);
	ck_assert_str_eq(test_ledger_text(r.json, "due_date"), "2026-02-15"); /* 15 days end of month */
	test_response_free(&r);
	draft("SA", "{\"partner\":\"ACME\",\"date\":\"2026-01-20\",\"due_date\":\"2026-01-20\","
		    "\"lines\":[" LINE("1", "10") "]}", &r);
	ck_assert_str_eq(test_ledger_text(r.json, "due_date"), "2026-01-20");
	test_response_free(&r);
	test_sales_expect_field(&L, clerk.token, "POST", INVOICES("SA"), NULL,
				"{\"partner\":\"ACME\",\"date\":\"2026-01-20\",\"due_date\":\"2026-01-19\","
				"\"lines\":[" LINE("1", "10") "]}", 422, "/due_date", NULL);
}
END_TEST

START_TEST(the_partner_must_be_an_active_customer_in_the_companys_currency)
{
	static const struct {
		const char *partner, *currency, *pointer, *code;
	} cases[] = {
		{ "NOBODY", NULL, "/partner", "unknown" },
		{ "VEND", NULL, "/partner", "role" },
		{ "SLEEP", NULL, "/partner", "inactive" },
		{ "DOLLAR", NULL, "/currency", "currency" },   /* the partner trades in USD */
		{ "ACME", "USD", "/currency", "currency" },    /* asked for */
	};
	char body[512];
	struct test_response r;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(body, sizeof(body), "{\"partner\":\"%s\",%s%s%s\"date\":\"2026-03-12\","
			 "\"lines\":[" LINE("1", "10") "]}", cases[i].partner,
			 cases[i].currency ? "\"currency\":\"" : "", cases[i].currency ? cases[i].currency : "",
			 cases[i].currency ? "\"," : "");
		test_sales_expect_field(&L, clerk.token, "POST", INVOICES("SA"), NULL, body, 422,
					cases[i].pointer, cases[i].code);
	}
	/* The sentence says what to do. */
	test_sales_expect(&L, clerk.token, "POST", INVOICES("SA"), NULL,
			  "{\"partner\":\"ACME\",\"currency\":\"USD\",\"date\":\"2026-03-12\","
			  "\"lines\":[" LINE("1", "10") "]}", 422, &r);
	ck_assert_ptr_nonnull(strstr(r.body, "until multi-currency arrives"));
	test_response_free(&r);
	/* A partner trading in USD is invoiced in EUR when asked for explicitly. */
	draft("SA", "{\"partner\":\"DOLLAR\",\"currency\":\"EUR\",\"date\":\"2026-03-12\","
		    "\"lines\":[" LINE("1", "10") "]}", &r);
	ck_assert_str_eq(test_ledger_text(r.json, "currency"), "EUR");
	test_response_free(&r);
}
END_TEST

START_TEST(every_bad_line_is_refused_by_its_pointer_at_once)
{
	static const struct {
		const char *line, *pointer, *code;
	} cases[] = {
		{ "{\"description\":\"X\",\"quantity\":\"1\",\"unit_price\":\"1\",\"revenue_account\":\"9999\","
		  "\"tax_code\":\"VAT20\"}", "/lines/0/revenue_account", "unknown" },
		{ "{\"description\":\"X\",\"quantity\":\"1\",\"unit_price\":\"1\",\"revenue_account\":\"1200\","
		  "\"tax_code\":\"VAT20\"}", "/lines/0/revenue_account", "type" },
		{ "{\"description\":\"X\",\"quantity\":\"1\",\"unit_price\":\"1\",\"revenue_account\":\"4900\","
		  "\"tax_code\":\"VAT20\"}", "/lines/0/revenue_account", "currency" },
		{ "{\"description\":\"X\",\"quantity\":\"1\",\"unit_price\":\"1\",\"revenue_account\":\"4800\","
		  "\"tax_code\":\"VAT20\"}", "/lines/0/revenue_account", "inactive" },
		{ "{\"description\":\"X\",\"quantity\":\"1\",\"unit_price\":\"1\",\"revenue_account\":\"4000\","
		  "\"tax_code\":\"NOPE\"}", "/lines/0/tax_code", "unknown" },
		{ "{\"description\":\"X\",\"quantity\":\"1\",\"unit_price\":\"1\",\"revenue_account\":\"4000\","
		  "\"tax_code\":\"OLD\"}", "/lines/0/tax_code", "inactive" },
		{ LINE("0", "1"), "/lines/0/quantity", "format" },
		{ LINE("1.23456", "1"), "/lines/0/quantity", "format" },
		{ LINE("-1", "1"), "/lines/0/quantity", "format" },
		{ LINE("1", "1.005"), "/lines/0/unit_price", "format" },
		{ LINE("1", "-1.00"), "/lines/0/unit_price", "format" },
		{ "{\"description\":\"X\",\"quantity\":\"1\",\"unit_price\":\"1\",\"revenue_account\":\"4000\","
		  "\"tax_code\":\"VAT20\",\"discount_percent\":\"100.5\"}", "/lines/0/discount_percent", "format" },
		/* 922337203685477 x 99,999,999.99: no int64 holds the net. */
		{ LINE("922337203685477", "99999999.99"), "/lines/0/quantity", "overflow" },
	};
	char body[1024];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(body, sizeof(body), "{\"partner\":\"ACME\",\"date\":\"2026-03-12\",\"lines\":[%s]}",
			 cases[i].line);
		test_sales_expect_field(&L, clerk.token, "POST", INVOICES("SA"), NULL, body, 422,
					cases[i].pointer, cases[i].code);
	}
	/* Two lines that fit, whose sum does not. */
	test_sales_expect_field(&L, clerk.token, "POST", INVOICES("SA"), NULL,
				"{\"partner\":\"ACME\",\"date\":\"2026-03-12\",\"lines\":["
				LINE("1", "50000000000000000.00") "," LINE("1", "50000000000000000.00") "]}",
				422, "/lines", "overflow");
	/*
	 * Everything at once: the body's own rules (line 0's quantity, line 1's
	 * price), then, for a body that keeps them, what it names (the partner,
	 * line 0's account, line 1's tax code).
	 */
	for (int i = 0; i < 2; i++)
		test_sales_expect_field(&L, clerk.token, "POST", INVOICES("SA"), NULL,
					"{\"partner\":\"ACME\",\"date\":\"2026-03-12\",\"lines\":["
					LINE("0", "1") "," LINE("1", "0.001") "]}", 422,
					i ? "/lines/1/unit_price" : "/lines/0/quantity", "format");
	for (int i = 0; i < 3; i++)
		test_sales_expect_field(&L, clerk.token, "POST", INVOICES("SA"), NULL,
					"{\"partner\":\"NOBODY\",\"date\":\"2026-03-12\",\"lines\":["
					"{\"description\":\"X\",\"quantity\":\"1\",\"unit_price\":\"1\","
					"\"revenue_account\":\"9999\",\"tax_code\":\"VAT20\"},"
					"{\"description\":\"X\",\"quantity\":\"1\",\"unit_price\":\"1\","
					"\"revenue_account\":\"4000\",\"tax_code\":\"NOPE\"}]}", 422,
					(const char *[]){ "/partner", "/lines/0/revenue_account",
							  "/lines/1/tax_code" }[i], "unknown");
	/* Nothing was written by any of them. */
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM sales_invoices"
						  " WHERE invoice_date = '2026-03-12' AND partner_code <> 'DOLLAR'"), 0);
}
END_TEST

START_TEST(a_draft_is_replaced_at_the_version_read)
{
	static const char *const types[] = { "sales.invoice.updated", NULL };
	struct test_response r;
	long long last;
	json_t *events, *changes;
	char path[128];

	draft("SA", "{\"partner\":\"ACME\",\"date\":\"2026-03-13\",\"lines\":[" LINE("1", "100") "]}", &r);
	snprintf(path, sizeof(path), INVOICES("SA") "/%s", test_ledger_text(r.json, "id"));
	test_response_free(&r);
	last = test_events_last(L.server.base_url, events_reader, "SA");
	test_sales_expect(&L, clerk.token, "PUT", path, NULL,
			  "{\"partner\":\"ACME\",\"date\":\"2026-03-13\",\"lines\":[" LINE("2", "100") "]}",
			  428, NULL);
	test_sales_expect(&L, clerk.token, "PUT", path, "If-Match: \"4\"",
			  "{\"partner\":\"ACME\",\"date\":\"2026-03-13\",\"lines\":[" LINE("2", "100") "]}",
			  412, NULL);
	/* A body the rules refuse is answered before the missing If-Match. */
	test_sales_expect_field(&L, clerk.token, "PUT", path, NULL,
				"{\"partner\":\"ACME\",\"date\":\"2026-03-13\",\"lines\":[" LINE("0", "100") "]}",
				422, "/lines/0/quantity", NULL);
	test_sales_expect(&L, clerk.token, "PUT", path, "If-Match: \"1\"",
			  "{\"partner\":\"EOM\",\"date\":\"2026-03-13\",\"lines\":[" LINE("2", "100") ","
			  LINE("1", "0.50") "]}", 200, &r);
	ck_assert_str_eq(test_ledger_if_match(&r), "If-Match: \"2\"");
	ck_assert_str_eq(test_ledger_text(r.json, "partner"), "EOM");
	ck_assert_str_eq(test_ledger_text(r.json, "due_date"), "2026-04-15");
	ck_assert_str_eq(test_ledger_text(r.json, "total"), "240.60");
	ck_assert_uint_eq(json_array_size(json_object_get(r.json, "lines")), 2);
	test_response_free(&r);
	/* The stale version is stale for good. */
	test_sales_expect(&L, clerk.token, "PUT", path, "If-Match: \"1\"",
			  "{\"partner\":\"ACME\",\"date\":\"2026-03-13\",\"lines\":[" LINE("1", "1") "]}",
			  412, NULL);

	events = test_events_since(L.server.base_url, events_reader, "SA", last, types);
	changes = test_sales_audited(&L, test_ledger_text(json_array_get(events, 0), "request_id"),
				     "sales.invoice.updated",
				     test_ledger_text(json_array_get(events, 0), "entity_id"));
	test_sales_assert_change(changes, "partner", "\"ACME\"", "\"EOM\"");
	test_sales_assert_change(changes, "total", "\"120.00\"", "\"240.60\"");
	ck_assert_ptr_nonnull(json_object_get(changes, "lines"));
	ck_assert_ptr_null(json_object_get(changes, "date"));
	json_decref(changes);
	json_decref(events);
}
END_TEST

START_TEST(a_draft_is_deleted_at_the_version_read)
{
	static const char *const types[] = { "sales.invoice.deleted", NULL };
	struct test_response r;
	long long last;
	json_t *events;
	char path[128];

	draft("SA", "{\"partner\":\"ACME\",\"date\":\"2026-03-14\",\"lines\":[" LINE("1", "7") "]}", &r);
	snprintf(path, sizeof(path), INVOICES("SA") "/%s", test_ledger_text(r.json, "id"));
	test_response_free(&r);
	last = test_events_last(L.server.base_url, events_reader, "SA");
	test_sales_expect(&L, clerk.token, "DELETE", path, NULL, NULL, 428, NULL);
	test_sales_expect(&L, clerk.token, "DELETE", path, "If-Match: \"2\"", NULL, 412, NULL);
	test_sales_expect(&L, reader.token, "DELETE", path, "If-Match: \"1\"", NULL, 403, NULL);
	test_sales_expect(&L, clerk.token, "DELETE", path, "If-Match: \"1\"", NULL, 204, NULL);
	test_sales_expect(&L, clerk.token, "GET", path, NULL, NULL, 404, NULL);
	test_sales_expect(&L, clerk.token, "DELETE", path, "If-Match: \"1\"", NULL, 404, NULL);
	/* Gone with its lines and taxes; told, with the invoice as it was. */
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM sales_invoice_lines l"
						  " WHERE NOT EXISTS (SELECT 1 FROM sales_invoices i"
						  " WHERE i.id = l.invoice_id)"), 0);
	events = test_events_since(L.server.base_url, events_reader, "SA", last, types);
	ck_assert_str_eq(json_string_value(test_events_payload(json_array_get(events, 0), "total")),
			 "8.40");
	json_decref(test_sales_audited(&L, test_ledger_text(json_array_get(events, 0), "request_id"),
				       "sales.invoice.deleted",
				       test_ledger_text(json_array_get(events, 0), "entity_id")));
	json_decref(events);
}
END_TEST

START_TEST(only_holders_of_the_permissions_in_the_company)
{
	struct test_response r;
	char path[128], other[128];

	draft("SA", "{\"partner\":\"ACME\",\"date\":\"2026-03-15\",\"lines\":[" LINE("1", "5") "]}", &r);
	snprintf(path, sizeof(path), INVOICES("SA") "/%s", test_ledger_text(r.json, "id"));
	test_response_free(&r);
	/* A reader reads and writes nothing; a member without the permission reads nothing. */
	test_sales_expect(&L, reader.token, "GET", path, NULL, NULL, 200, NULL);
	test_sales_expect(&L, reader.token, "POST", INVOICES("SA"), NULL,
			  "{\"partner\":\"ACME\",\"date\":\"2026-03-15\",\"lines\":[" LINE("1", "5") "]}",
			  403, NULL);
	test_sales_expect(&L, reader.token, "PUT", path, "If-Match: \"1\"",
			  "{\"partner\":\"ACME\",\"date\":\"2026-03-15\",\"lines\":[" LINE("1", "5") "]}",
			  403, NULL);
	test_sales_expect(&L, viewer.token, "GET", path, NULL, NULL, 403, NULL);
	test_sales_expect(&L, viewer.token, "GET", INVOICES("SA"), NULL, NULL, 403, NULL);
	/* A company where the caller has no role does not exist for it. */
	test_sales_expect(&L, clerk.token, "GET", INVOICES("SB"), NULL, NULL, 404, NULL);

	/* Another company's invoice is not found under this one, even by someone in both. */
	test_sales_expect(&L, keeper.token, "POST", "/api/v1/companies/SB/sales-invoices", NULL,
			  "{\"partner\":\"ACME\",\"date\":\"2026-03-15\",\"lines\":[" LINE("1", "5") "]}",
			  403, NULL);
	test_ledger_role(&L, "inv-clerk-b", "[\"sales.invoice.create\"]");
	test_ledger_grant(&L, keeper.id, "inv-clerk-b", "SB", NULL);
	test_sales_expect(&L, keeper.token, "POST", "/api/v1/companies/SB/sales-invoices", NULL,
			  "{\"partner\":\"ACME\",\"date\":\"2026-03-15\",\"lines\":[" LINE("1", "5") "]}",
			  201, &r);
	snprintf(other, sizeof(other), INVOICES("SA") "/%s", test_ledger_text(r.json, "id"));
	test_response_free(&r);
	test_sales_expect(&L, keeper.token, "GET", other, NULL, NULL, 404, NULL);
	test_sales_expect(&L, clerk.token, "PUT", other, "If-Match: \"1\"",
			  "{\"partner\":\"ACME\",\"date\":\"2026-03-15\",\"lines\":[" LINE("1", "5") "]}",
			  404, NULL);
	test_sales_expect(&L, clerk.token, "DELETE", other, "If-Match: \"1\"", NULL, 404, NULL);
	test_sales_expect(&L, clerk.token, "GET", INVOICES("SA") "/not-a-uuid", NULL, NULL, 404, NULL);
}
END_TEST

/* The number of items a list answers. */
static size_t items(const char *path)
{
	struct test_response r;
	size_t n;

	test_sales_expect(&L, reader.token, "GET", path, NULL, NULL, 200, &r);
	n = json_array_size(json_object_get(r.json, "items"));
	test_response_free(&r);
	return n;
}

START_TEST(lists_filter_and_page)
{
	struct test_response r;
	const char *cursor;
	char path[256];
	size_t seen = 0, pages = 0;

	for (int day = 1; day <= 5; day++) {
		char body[512];

		snprintf(body, sizeof(body), "{\"partner\":\"EOM\",\"date\":\"2025-07-0%d\",\"lines\":["
			 LINE("1", "1") "]}", day);
		draft("SA", body, &r);
		test_response_free(&r);
	}
	ck_assert_uint_eq(items(INVOICES("SA") "?partner=EOM&from=2025-07-02&to=2025-07-04"), 3);
	ck_assert_uint_eq(items(INVOICES("SA") "?partner=EOM&to=2025-07-31&status=draft"), 5);
	ck_assert_uint_eq(items(INVOICES("SA") "?partner=EOM&to=2025-07-31&status=open"), 0);
	ck_assert_uint_eq(items(INVOICES("SA") "?partner=NOBODY"), 0);
	/* Page by page through every invoice of the company, in date order, each once. */
	snprintf(path, sizeof(path), "%s", INVOICES("SA") "?limit=3");
	for (;;) {
		json_t *each;
		size_t i;

		test_sales_expect(&L, reader.token, "GET", path, NULL, NULL, 200, &r);
		json_array_foreach(json_object_get(r.json, "items"), i, each)
			ck_assert_ptr_null(json_object_get(each, "lines"));
		seen += json_array_size(json_object_get(r.json, "items"));
		pages++;
		cursor = json_string_value(json_object_get(r.json, "next_cursor"));
		if (!cursor) {
			test_response_free(&r);
			break;
		}
		snprintf(path, sizeof(path), INVOICES("SA") "?limit=3&cursor=%s", cursor);
		test_response_free(&r);
	}
	ck_assert_int_eq((long long)seen, test_ledger_db_number(&L, "SELECT count(*) FROM sales_invoices i"
							     " JOIN companies c ON c.id = i.company_id"
							     " WHERE c.code = 'SA'"));
	ck_assert_uint_gt(pages, 1);
	test_sales_expect_field(&L, reader.token, "GET", INVOICES("SA") "?status=settled", NULL, NULL, 422,
				"status", NULL);
	test_sales_expect_field(&L, reader.token, "GET", INVOICES("SA") "?from=2026-02-30", NULL, NULL, 422,
				"from", NULL);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("e2e/sales/invoices");
	TCase *tc = tcase_create("invoices");

	tcase_add_unchecked_fixture(tc, start_shared, stop_shared);
	tcase_add_checked_fixture(tc, NULL, after_each);
	tcase_add_test(tc, a_draft_is_priced_by_the_server_told_and_audited);
	tcase_add_test(tc, many_small_lines_and_two_codes_keep_their_cents);
	tcase_add_test(tc, the_due_date_comes_from_the_terms_unless_given);
	tcase_add_test(tc, the_partner_must_be_an_active_customer_in_the_companys_currency);
	tcase_add_test(tc, every_bad_line_is_refused_by_its_pointer_at_once);
	tcase_add_test(tc, a_draft_is_replaced_at_the_version_read);
	tcase_add_test(tc, a_draft_is_deleted_at_the_version_read);
	tcase_add_test(tc, only_holders_of_the_permissions_in_the_company);
	tcase_add_test(tc, lists_filter_and_page);
	suite_add_tcase(s, tc);
	return s;
}
