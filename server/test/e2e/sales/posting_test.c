/*
 * Posting sales invoices end to end, against the real erp-server-test binary
 * and a real PostgreSQL: a draft written, edited and posted gets its number
 * (INV-2026-000001, gapless) and one ledger entry, checked line by line
 * (Dr receivable the total, Cr each revenue account, Cr each tax code's
 * output account), opens its item in the receivables (whose residuals
 * equal the receivable account's balance), and is immutable from then on,
 * in the database too. Every way a posting is refused: a stale or missing
 * If-Match, posted already (and edit or delete after it), an inactive or
 * former customer, a closed period, no fiscal period, an inactive account,
 * a total of zero, a credit limit passed without the override (and with it,
 * only with a reason, audited), no permission, another company's invoice;
 * an Idempotency-Key replays the posting. Posting your own draft is allowed:
 * the order-to-cash controls put four-eyes on credit notes, not invoices.
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
static struct test_ledger_user keeper, clerk, poster, overrider, both, reader;
static char events_reader[64];

#define INVOICES "/api/v1/companies/PO/sales-invoices"

#define LINE(quantity, price, account, code)                                                     \
	"{\"description\":\"Work\",\"quantity\":\"" quantity "\",\"unit_price\":\"" price "\","  \
	"\"revenue_account\":\"" account "\",\"tax_code\":\"" code "\"}"

static void start_shared(void)
{
	test_ledger_start(&L, "t_sales_posting", (const char *const[]){ "ERP_RATE_LIMIT_PER_USER=0", NULL });
	test_events_reader(L.server.base_url, L.admin_token, "events@posting.test", events_reader);
	test_ledger_role(&L, "po-keeper", "[\"ledger.account.manage\",\"ledger.account.read\","
					  "\"ledger.period.manage\",\"ledger.period.read\",\"ledger.journal.read\",\"ledger.report.read\","
					  "\"partners.partner.manage\",\"sales.tax-code.manage\"]");
	test_ledger_role(&L, "po-clerk", "[\"sales.invoice.create\",\"sales.invoice.read\"]");
	test_ledger_role(&L, "po-poster", "[\"sales.invoice.post\",\"sales.invoice.read\"]");
	test_ledger_role(&L, "po-overrider", "[\"sales.invoice.post\",\"sales.invoice.read\","
					     "\"sales.credit-limit.override\"]");
	test_ledger_role(&L, "po-both", "[\"sales.invoice.create\",\"sales.invoice.post\","
					"\"sales.invoice.read\"]");
	test_ledger_role(&L, "po-reader", "[\"sales.invoice.read\"]");
	test_ledger_user(&L, "keeper@posting.test", &keeper);
	test_ledger_user(&L, "clerk@posting.test", &clerk);
	test_ledger_user(&L, "poster@posting.test", &poster);
	test_ledger_user(&L, "overrider@posting.test", &overrider);
	test_ledger_user(&L, "both@posting.test", &both);
	test_ledger_user(&L, "reader@posting.test", &reader);
	test_ledger_company(&L, "PO", "EUR");
	test_ledger_company(&L, "PX", "EUR");
	for (int i = 0; i < 2; i++) {
		const char *company = i ? "PX" : "PO";

		test_ledger_grant(&L, keeper.id, "po-keeper", company, NULL);
		test_sales_books(&L, keeper.token, company);
		test_sales_tax_code(&L, keeper.token, company, "VAT20", "20");
		test_sales_customer(&L, keeper.token, company, "ACME", NULL);
		test_ledger_grant(&L, clerk.id, "po-clerk", company, NULL);
	}
	test_sales_tax_code(&L, keeper.token, "PO", "RED", "7.5");
	test_sales_tax_code(&L, keeper.token, "PO", "ZERO", "0");
	test_ledger_account(&L, keeper.token, "PO", "2000", "liability", NULL);
	test_ledger_account(&L, keeper.token, "PO", "4500", "revenue", NULL);
	test_sales_customer(&L, keeper.token, "PO", "LATE", NULL);
	test_sales_customer(&L, keeper.token, "PO", "TIGHT", "\"credit_limit\":\"100.00\"");
	test_sales_customer(&L, keeper.token, "PO", "EXACT", "\"credit_limit\":\"120.00\"");
	test_sales_expect(&L, keeper.token, "POST", "/api/v1/companies/PO/partners", NULL,
			  "{\"code\":\"TURN\",\"name\":\"Turncoat\",\"roles\":[\"customer\",\"vendor\"],"
			  "\"receivable_account\":\"1200\",\"payable_account\":\"2000\"}", 201, NULL);
	/* The poster posts in PO only; the clerk writes in both companies. */
	test_ledger_grant(&L, poster.id, "po-poster", "PO", NULL);
	test_ledger_grant(&L, overrider.id, "po-overrider", "PO", NULL);
	test_ledger_grant(&L, both.id, "po-both", "PO", NULL);
	test_ledger_grant(&L, reader.id, "po-reader", "PO", NULL);
}

static void stop_shared(void)
{
	test_ledger_stop(&L);
}

/* A draft of PO as the clerk (body text); its path (static, one of four) and answer freed. */
static const char *draft(const char *body)
{
	static char paths[4][128];
	static unsigned next;
	char *path = paths[next++ % 4];
	struct test_response r;

	test_sales_expect(&L, clerk.token, "POST", INVOICES, NULL, body, 201, &r);
	snprintf(path, 128, INVOICES "/%s", test_ledger_text(r.json, "id"));
	test_response_free(&r);
	return path;
}

/* The path's post (static text). */
static const char *post_path(const char *invoice)
{
	static char path[160];

	snprintf(path, sizeof(path), "%s/post", invoice);
	return path;
}

/* Posts invoice as token under the version it reads first; expects status; r may be NULL. */
static void post(const char *token, const char *invoice, const char *body, long expected,
		 struct test_response *r)
{
	const char *if_match = test_ledger_read_if_match(&L, reader.token, invoice);

	test_sales_expect(&L, token, "POST", post_path(invoice), if_match, body ? body : "{}", expected, r);
}

/* The last number of PO's INV series in 2026 (0 before the first). */
static long long last_number(void)
{
	return test_ledger_db_number(&L, "SELECT coalesce(max(n.last_number), 0) FROM sales_numbering n"
				     " JOIN companies c ON c.id = n.company_id"
				     " WHERE c.code = 'PO' AND n.series = 'INV' AND n.fiscal_year = 2026");
}

/* The sub-ledger's invariant: PO's open residuals equal receivable account 1200's balance. */
static void assert_receivables_balance(void)
{
	test_sales_assert_receivables(&L, keeper.token, "PO");
}

/* After every scenario: the same, in both companies. */
static void after_each(void)
{
	test_sales_assert_receivables(&L, keeper.token, "PO");
	test_sales_assert_receivables(&L, keeper.token, "PX");
}

/* Line i of a journal entry as "account D|C amount description". */
static const char *entry_line(json_t *entry, size_t i)
{
	static char text[128];
	json_t *line = json_array_get(json_object_get(entry, "lines"), i);
	const char *debit = test_ledger_text(line, "debit");

	snprintf(text, sizeof(text), "%s %s %s %s", test_ledger_text(line, "account"), *debit ? "D" : "C",
		 *debit ? debit : test_ledger_text(line, "credit"), test_ledger_text(line, "description"));
	return text;
}

START_TEST(an_invoice_written_edited_and_posted_has_its_entry_line_by_line)
{
	static const char *const types[] = { "ledger.entry.posted", "sales.invoice.posted", NULL };
	const char *invoice = draft("{\"partner\":\"ACME\",\"date\":\"2026-03-10\",\"due_date\":\"2099-12-31\","
				    "\"lines\":[" LINE("2", "100.00", "4000", "VAT20") "]}");
	long long before = last_number(), last;
	struct test_response r;
	json_t *events, *changes;
	char entry_path[160];

	/* Edited: two more lines, another revenue account and tax code. */
	test_sales_expect(&L, clerk.token, "PUT", invoice, "If-Match: \"1\"",
			  "{\"partner\":\"ACME\",\"date\":\"2026-03-10\",\"due_date\":\"2099-12-31\","
			  "\"reference\":\"PO 4711\",\"lines\":[" LINE("2", "100.00", "4000", "VAT20") ","
			  "{\"description\":\"Books\",\"quantity\":\"3\",\"unit_price\":\"19.99\","
			  "\"discount_percent\":\"12.5\",\"revenue_account\":\"4100\",\"tax_code\":\"RED\"},"
			  LINE("1", "50.00", "4000", "VAT20") "]}", 200, NULL);
	last = test_events_last(L.server.base_url, events_reader, "PO");
	test_sales_expect(&L, poster.token, "POST", post_path(invoice), "If-Match: \"2\"", "{}", 200, &r);
	ck_assert_str_eq(test_ledger_text(r.json, "number"), "INV-2026-000001");
	ck_assert_int_eq(last_number(), before + 1);
	ck_assert_str_eq(test_ledger_text(r.json, "status"), "open");
	ck_assert_str_eq(test_ledger_text(r.json, "posted_by"), poster.id);
	ck_assert_str_eq(test_ledger_text(r.json, "total"), "356.41");
	ck_assert_str_eq(test_ledger_if_match(&r), "If-Match: \"3\"");
	snprintf(entry_path, sizeof(entry_path), "/api/v1/companies/PO/journal-entries/%s",
		 test_ledger_text(r.json, "ledger_entry_id"));
	test_response_free(&r);

	/* The ledger entry, line by line: Dr receivable the total, Cr revenue per account, Cr tax per code. */
	test_sales_expect(&L, keeper.token, "GET", entry_path, NULL, NULL, 200, &r);
	ck_assert_str_eq(test_ledger_text(r.json, "status"), "posted");
	ck_assert_str_eq(test_ledger_text(r.json, "source"), "sales.invoice");
	ck_assert_str_eq(test_ledger_text(r.json, "reference"), "INV-2026-000001");
	ck_assert_str_eq(test_ledger_text(r.json, "date"), "2026-03-10");
	ck_assert_uint_eq(json_array_size(json_object_get(r.json, "lines")), 5);
	ck_assert_str_eq(entry_line(r.json, 0), "1200 D 356.41 Customer ACME");
	ck_assert_str_eq(entry_line(r.json, 1), "4000 C 250.00 Revenue");
	ck_assert_str_eq(entry_line(r.json, 2), "4100 C 52.47 Revenue");
	ck_assert_str_eq(entry_line(r.json, 3), "2200 C 3.94 Tax RED");
	ck_assert_str_eq(entry_line(r.json, 4), "2200 C 50.00 Tax VAT20");
	test_response_free(&r);

	/* Its open item: all of it owed; the receivables equal the receivable account. */
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT residual_minor FROM sales_open_items"
						  " WHERE number = 'INV-2026-000001' AND amount_minor = 35641"
						  " AND document_type = 'invoice'"), 35641);
	assert_receivables_balance();

	/* Told (after the ledger's own event) and audited: draft -> open, its number. */
	events = test_events_since(L.server.base_url, events_reader, "PO", last, types);
	ck_assert_str_eq(json_string_value(test_events_payload(json_array_get(events, 1), "number")),
			 "INV-2026-000001");
	changes = test_sales_audited(&L, test_ledger_text(json_array_get(events, 1), "request_id"),
				     "sales.invoice.posted",
				     test_ledger_text(json_array_get(events, 1), "entity_id"));
	test_sales_assert_change(changes, "status", "\"draft\"", "\"open\"");
	test_sales_assert_change(changes, "number", "null", "\"INV-2026-000001\"");
	ck_assert_ptr_null(json_object_get(changes, "lines"));
	json_decref(changes);
	json_decref(events);

	/* Past its due date an invoice is overdue, derived on the day asked. */
	post(poster.token, draft("{\"partner\":\"ACME\",\"date\":\"2026-03-11\",\"lines\":["
				 LINE("1", "1.00", "4000", "VAT20") "]}"), NULL, 200, &r);
	ck_assert_str_eq(test_ledger_text(r.json, "number"), "INV-2026-000002");
	ck_assert_str_eq(test_ledger_text(r.json, "status"), "overdue"); /* due 2026-04-10 */
	test_response_free(&r);
	assert_receivables_balance();
}
END_TEST

START_TEST(a_posted_invoice_never_changes_not_even_in_the_database)
{
	const char *invoice = draft("{\"partner\":\"ACME\",\"date\":\"2026-03-12\",\"lines\":["
				    LINE("1", "10.00", "4000", "VAT20") "]}");
	char sql[512], number[32], id[40];
	const char *app;
	struct test_response r;

	post(poster.token, invoice, NULL, 200, &r);
	snprintf(number, sizeof(number), "%s", test_ledger_text(r.json, "number"));
	snprintf(id, sizeof(id), "%s", test_ledger_text(r.json, "id"));
	test_response_free(&r);
	/* Not replaced, not deleted, not posted twice: 409, whatever the version. */
	test_sales_expect(&L, clerk.token, "PUT", invoice, "If-Match: \"2\"",
			  "{\"partner\":\"ACME\",\"date\":\"2026-03-12\",\"lines\":["
			  LINE("1", "1.00", "4000", "VAT20") "]}", 409, NULL);
	test_sales_expect(&L, clerk.token, "DELETE", invoice, "If-Match: \"2\"", NULL, 409, NULL);
	test_sales_expect(&L, poster.token, "POST", post_path(invoice), "If-Match: \"2\"", "{}", 409, &r);
	ck_assert_ptr_nonnull(strstr(test_ledger_text(r.json, "detail"), number));
	test_response_free(&r);

	/* The database refuses it too, to the server's own role. */
	app = test_db_login_url(L.db_url, "sales_posting_app", "erp_app");
	snprintf(sql, sizeof(sql), "UPDATE sales_invoices SET reference = 'x' WHERE id = '%s'", id);
	test_db_expect(app, sql, "42501", "is posted");
	snprintf(sql, sizeof(sql), "DELETE FROM sales_invoices WHERE id = '%s'", id);
	test_db_expect(app, sql, "42501", "is posted");
	snprintf(sql, sizeof(sql), "UPDATE sales_invoice_lines SET net_minor = 1 WHERE invoice_id = '%s'", id);
	test_db_expect(app, sql, "42501", "posted");
	snprintf(sql, sizeof(sql), "INSERT INTO sales_invoice_taxes SELECT invoice_id, tax_code_id, 0, 0, 0"
		 " FROM sales_invoice_taxes WHERE invoice_id = '%s'", id);
	test_db_expect(app, sql, "42501", "posted");
	/* Its open item moves only by its residual, and is never deleted. */
	snprintf(sql, sizeof(sql), "UPDATE sales_open_items SET amount_minor = 1 WHERE document_id = '%s'", id);
	test_db_expect(app, sql, "42501", NULL);
	snprintf(sql, sizeof(sql), "DELETE FROM sales_open_items WHERE document_id = '%s'", id);
	test_db_expect(app, sql, "42501", NULL);
	snprintf(sql, sizeof(sql), "UPDATE sales_open_items SET residual_minor = residual_minor,"
		 " number = 'INV-X' WHERE document_id = '%s'", id);
	test_db_expect(app, sql, "42501", NULL);
}
END_TEST

START_TEST(a_posting_binds_to_the_version_read)
{
	const char *invoice = draft("{\"partner\":\"ACME\",\"date\":\"2026-03-13\",\"lines\":["
				    LINE("1", "10.00", "4000", "VAT20") "]}");
	long long before = last_number();

	test_sales_expect(&L, poster.token, "POST", post_path(invoice), NULL, "{}", 428, NULL);
	test_sales_expect(&L, poster.token, "POST", post_path(invoice), "If-Match: \"9\"", "{}", 412, NULL);
	/* Edited after the poster read it: the posting of the old version is stale. */
	test_sales_expect(&L, clerk.token, "PUT", invoice, "If-Match: \"1\"",
			  "{\"partner\":\"ACME\",\"date\":\"2026-03-13\",\"lines\":["
			  LINE("1", "99.00", "4000", "VAT20") "]}", 200, NULL);
	test_sales_expect(&L, poster.token, "POST", post_path(invoice), "If-Match: \"1\"", "{}", 412, NULL);
	ck_assert_int_eq(last_number(), before);
	test_sales_expect(&L, poster.token, "POST", post_path(invoice), "If-Match: \"2\"", "{}", 200, NULL);
	ck_assert_int_eq(last_number(), before + 1);
}
END_TEST

/* Posts invoice at version with Idempotency-Key key as token: the answer, the caller's to free. */
static void post_keyed(const char *token, const char *invoice, int version, const char *key,
		       struct test_response *r)
{
	char auth[96], if_match[32], idempotency[96], url[512];
	const char *headers[] = { auth, if_match, idempotency, "Content-Type: application/json", NULL };

	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
	snprintf(if_match, sizeof(if_match), "If-Match: \"%d\"", version);
	snprintf(idempotency, sizeof(idempotency), "Idempotency-Key: %s", key);
	snprintf(url, sizeof(url), "%s%s", L.server.base_url, post_path(invoice));
	ck_assert_int_eq(test_http("POST", url, headers, "{}", 2, r), 0);
}

START_TEST(an_idempotency_key_replays_the_posting)
{
	const char *invoice = draft("{\"partner\":\"ACME\",\"date\":\"2026-03-14\",\"lines\":["
				    LINE("1", "10.00", "4000", "VAT20") "]}");
	const char *other = draft("{\"partner\":\"ACME\",\"date\":\"2026-03-14\",\"lines\":["
				  LINE("1", "11.00", "4000", "VAT20") "]}");
	struct test_response first, again;
	long long before = last_number();
	char *replayed, *etag;

	post_keyed(poster.token, invoice, 1, "post-k1", &first);
	ck_assert_msg(first.status == 200, "%ld %s", first.status, first.body);
	/* The same request again: the first answer, headers and all, and nothing posted twice. */
	post_keyed(poster.token, invoice, 1, "post-k1", &again);
	ck_assert_msg(again.status == 200, "%ld %s", again.status, again.body);
	replayed = test_response_header(&again, "Idempotent-Replayed");
	ck_assert_ptr_nonnull(replayed);
	free(replayed);
	etag = test_response_header(&again, "ETag");
	ck_assert_str_eq(etag, "\"2\"");
	free(etag);
	ck_assert_str_eq(test_ledger_text(again.json, "number"), test_ledger_text(first.json, "number"));
	ck_assert_str_eq(test_ledger_text(again.json, "ledger_entry_id"),
			 test_ledger_text(first.json, "ledger_entry_id"));
	ck_assert_int_eq(last_number(), before + 1);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM ledger_entries"
						  " WHERE reference = '%s'", test_ledger_text(first.json, "number")), 1);
	test_response_free(&first);
	test_response_free(&again);
	/* The key on another request: 422; the other draft stays a draft. */
	post_keyed(poster.token, other, 1, "post-k1", &again);
	ck_assert_int_eq(again.status, 422);
	test_response_free(&again);
	ck_assert_int_eq(last_number(), before + 1);
}
END_TEST

START_TEST(only_an_active_customer_is_invoiced)
{
	const char *invoice = draft("{\"partner\":\"LATE\",\"date\":\"2026-03-15\",\"lines\":["
				    LINE("1", "10.00", "4000", "VAT20") "]}");
	const char *turned = draft("{\"partner\":\"TURN\",\"date\":\"2026-03-15\",\"lines\":["
				   LINE("1", "10.00", "4000", "VAT20") "]}");
	long long before = last_number();
	struct test_response r;

	/* Deactivated after the draft was written: the posting is refused, nothing numbered. */
	test_sales_expect(&L, keeper.token, "POST", "/api/v1/companies/PO/partners/LATE/deactivate", NULL,
			  NULL, 200, NULL);
	post(poster.token, invoice, NULL, 409, &r);
	ck_assert_ptr_nonnull(strstr(test_ledger_text(r.json, "detail"), "inactive"));
	test_response_free(&r);
	ck_assert_int_eq(last_number(), before);
	test_sales_expect(&L, keeper.token, "POST", "/api/v1/companies/PO/partners/LATE/reactivate", NULL,
			  NULL, 200, NULL);
	post(poster.token, invoice, NULL, 200, NULL);

	/* No longer a customer (a vendor only now). */
	test_sales_expect(&L, keeper.token, "PATCH", "/api/v1/companies/PO/partners/TURN", "If-Match: \"1\"",
			  "{\"roles\":[\"vendor\"]}", 200, NULL);
	post(poster.token, turned, NULL, 409, &r);
	ck_assert_ptr_nonnull(strstr(test_ledger_text(r.json, "detail"), "no longer a customer"));
	test_response_free(&r);
	ck_assert_int_eq(last_number(), before + 1);
	assert_receivables_balance();
}
END_TEST

START_TEST(the_period_must_take_postings)
{
	const char *closed = draft("{\"partner\":\"ACME\",\"date\":\"2026-01-15\",\"lines\":["
				   LINE("1", "10.00", "4000", "VAT20") "]}");
	const char *beyond = draft("{\"partner\":\"ACME\",\"date\":\"2031-02-01\",\"lines\":["
				   LINE("1", "10.00", "4000", "VAT20") "]}");
	long long before = last_number();
	struct test_response r;
	char period[40];

	test_ledger_period_id(&L, keeper.token, "PO", "2026-01", period);
	test_sales_expect(&L, keeper.token, "POST",
			  test_ledger_path("/api/v1/companies/PO/fiscal-periods/%s/close", period), NULL,
			  NULL, 200, NULL);
	/* The ledger refuses a closed period; its sentence comes through, the number comes back. */
	post(poster.token, closed, NULL, 409, &r);
	ck_assert_ptr_nonnull(strstr(test_ledger_text(r.json, "detail"), "closed"));
	ck_assert_ptr_nonnull(strstr(test_ledger_text(r.json, "detail"), "ledger refuses"));
	test_response_free(&r);
	ck_assert_int_eq(last_number(), before);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM sales_invoices WHERE"
						  " invoice_date = '2026-01-15' AND posted_at IS NOT NULL"), 0);
	/* No fiscal year covers the date at all: 422, saying what to do. */
	post(poster.token, beyond, NULL, 422, &r);
	ck_assert_ptr_nonnull(strstr(test_ledger_text(r.json, "detail"), "no fiscal period covers 2031-02-01"));
	test_response_free(&r);
	ck_assert_int_eq(last_number(), before);
	/* The next posting takes the next number: none was lost. */
	post(poster.token, draft("{\"partner\":\"ACME\",\"date\":\"2026-03-16\",\"lines\":["
				 LINE("1", "10.00", "4000", "VAT20") "]}"), NULL, 200, &r);
	ck_assert_int_eq(last_number(), before + 1);
	ck_assert_int_eq(strtoll(test_ledger_text(r.json, "number") + strlen("INV-2026-"), NULL, 10),
			 before + 1);
	test_response_free(&r);
}
END_TEST

START_TEST(what_a_posting_relies_on_is_checked_again)
{
	const char *inactive = draft("{\"partner\":\"ACME\",\"date\":\"2026-03-17\",\"lines\":["
				     LINE("1", "10.00", "4500", "VAT20") "]}");
	const char *nothing = draft("{\"partner\":\"ACME\",\"date\":\"2026-03-17\",\"lines\":["
				    LINE("1", "0.00", "4000", "ZERO") "]}");
	struct test_response r;
	long long before = last_number();

	/* The revenue account was deactivated after the draft was written. */
	test_sales_expect(&L, keeper.token, "POST", "/api/v1/companies/PO/accounts/4500/deactivate", NULL,
			  NULL, 200, NULL);
	post(poster.token, inactive, NULL, 409, &r);
	ck_assert_ptr_nonnull(strstr(test_ledger_text(r.json, "detail"), "4500"));
	test_response_free(&r);
	test_sales_expect(&L, keeper.token, "POST", "/api/v1/companies/PO/accounts/4500/reactivate", NULL,
			  NULL, 200, NULL);
	/* An invoice of nothing posts nothing. */
	post(poster.token, nothing, NULL, 422, &r);
	ck_assert_ptr_nonnull(strstr(test_ledger_text(r.json, "detail"), "zero"));
	test_response_free(&r);
	ck_assert_int_eq(last_number(), before);
	post(poster.token, inactive, NULL, 200, NULL);
}
END_TEST

START_TEST(the_credit_limit_holds_unless_overridden_with_a_reason)
{
	const char *first = draft("{\"partner\":\"TIGHT\",\"date\":\"2026-03-18\",\"lines\":["
				  LINE("1", "50.00", "4000", "VAT20") "]}");
	const char *second = draft("{\"partner\":\"TIGHT\",\"date\":\"2026-03-18\",\"lines\":["
				   LINE("1", "50.00", "4000", "VAT20") "]}");
	const char *exact = draft("{\"partner\":\"EXACT\",\"date\":\"2026-03-18\",\"lines\":["
				  LINE("1", "100.00", "4000", "VAT20") "]}");
	struct test_response r;
	json_t *changes;
	char *reason, sql[512];

	/* 60.00 of a 100.00 limit, then 60.00 more: 120.00 is over. */
	post(poster.token, first, NULL, 200, NULL);
	post(poster.token, second, NULL, 409, &r);
	ck_assert_ptr_nonnull(strstr(test_ledger_text(r.json, "detail"), "120.00"));
	ck_assert_ptr_nonnull(strstr(test_ledger_text(r.json, "detail"), "credit limit of 100.00"));
	test_response_free(&r);
	/* A reason without the permission changes nothing. */
	post(poster.token, second, "{\"override_reason\":\"the boss said so\"}", 409, NULL);
	/* The permission without a reason: 422 naming the field. */
	test_sales_expect_field(&L, overrider.token, "POST", post_path(second), "If-Match: \"1\"", "{}", 422,
				"/override_reason", "required");
	/* Both: posted, and the override audited with its reason and the balance it made. */
	post(overrider.token, second, "{\"override_reason\":\"paid in cash at the counter, banked Monday\"}",
	     200, &r);
	snprintf(sql, sizeof(sql), "SELECT reason FROM audit_events WHERE action ="
		 " 'sales.invoice.credit_limit_overridden' AND entity_id = '%s'", test_ledger_text(r.json, "id"));
	reason = test_db_value(L.db_url, sql);
	ck_assert_str_eq(reason, "paid in cash at the counter, banked Monday");
	free(reason);
	snprintf(sql, sizeof(sql), "SELECT changes::text FROM audit_events WHERE action ="
		 " 'sales.invoice.credit_limit_overridden' AND entity_id = '%s'", test_ledger_text(r.json, "id"));
	test_response_free(&r);
	reason = test_db_value(L.db_url, sql);
	changes = json_loads(reason, 0, NULL);
	free(reason);
	test_sales_assert_change(changes, "open_balance", "\"60.00\"", "\"120.00\"");
	test_sales_assert_change(changes, "credit_limit", "\"100.00\"", "\"100.00\"");
	json_decref(changes);
	/* Exactly at the limit is within it. */
	post(poster.token, exact, NULL, 200, NULL);
	assert_receivables_balance();
}
END_TEST

START_TEST(only_holders_of_the_permission_post_in_their_company)
{
	const char *invoice = draft("{\"partner\":\"ACME\",\"date\":\"2026-03-19\",\"lines\":["
				    LINE("1", "10.00", "4000", "VAT20") "]}");
	struct test_response r;
	char other[160];

	/* Writing an invoice is not posting it, and reading is neither. */
	post(clerk.token, invoice, NULL, 403, NULL);
	post(reader.token, invoice, NULL, 403, NULL);
	/* Another company's draft does not exist in this one. */
	test_sales_expect(&L, clerk.token, "POST", "/api/v1/companies/PX/sales-invoices", NULL,
			  "{\"partner\":\"ACME\",\"date\":\"2026-03-19\",\"lines\":["
			  LINE("1", "10.00", "4000", "VAT20") "]}", 201, &r);
	snprintf(other, sizeof(other), INVOICES "/%s/post", test_ledger_text(r.json, "id"));
	test_sales_expect(&L, poster.token, "POST", other, "If-Match: \"1\"", "{}", 404, NULL);
	test_sales_expect(&L, poster.token, "POST", INVOICES "/not-a-uuid/post", "If-Match: \"1\"", "{}", 404,
			  NULL);
	/* No role in PX at all: PX does not exist for the poster. */
	snprintf(other, sizeof(other), "/api/v1/companies/PX/sales-invoices/%s/post",
		 test_ledger_text(r.json, "id"));
	test_response_free(&r);
	test_sales_expect(&L, poster.token, "POST", other, "If-Match: \"1\"", "{}", 404, NULL);
}
END_TEST

START_TEST(an_author_may_post_their_own_invoice)
{
	struct test_response r;

	/* The order-to-cash controls require four-eyes on credit notes; invoices have none. */
	test_sales_expect(&L, both.token, "POST", INVOICES, NULL,
			  "{\"partner\":\"ACME\",\"date\":\"2026-03-20\",\"lines\":["
			  LINE("1", "10.00", "4000", "VAT20") "]}", 201, &r);
	ck_assert_str_eq(test_ledger_text(r.json, "author_id"), both.id);
	test_sales_expect(&L, both.token, "POST",
			  test_ledger_path(INVOICES "/%s/post", test_ledger_text(r.json, "id")),
			  "If-Match: \"1\"", "{}", 200, NULL);
	test_response_free(&r);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("e2e/sales/posting");
	TCase *tc = tcase_create("posting");

	tcase_add_unchecked_fixture(tc, start_shared, stop_shared);
	tcase_add_checked_fixture(tc, NULL, after_each);
	tcase_add_test(tc, an_invoice_written_edited_and_posted_has_its_entry_line_by_line);
	tcase_add_test(tc, a_posted_invoice_never_changes_not_even_in_the_database);
	tcase_add_test(tc, a_posting_binds_to_the_version_read);
	tcase_add_test(tc, an_idempotency_key_replays_the_posting);
	tcase_add_test(tc, only_an_active_customer_is_invoiced);
	tcase_add_test(tc, the_period_must_take_postings);
	tcase_add_test(tc, what_a_posting_relies_on_is_checked_again);
	tcase_add_test(tc, the_credit_limit_holds_unless_overridden_with_a_reason);
	tcase_add_test(tc, only_holders_of_the_permission_post_in_their_company);
	tcase_add_test(tc, an_author_may_post_their_own_invoice);
	suite_add_tcase(s, tc);
	return s;
}
