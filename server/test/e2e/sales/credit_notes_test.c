/*
 * Credit notes end to end, against the real erp-server-test binary and a
 * real PostgreSQL: a whole invoice taken back (CN-2026-000001, its mirror
 * entry line by line, the invoice credited), a line taken back in parts
 * that never comes to more than it was (to the cent), a credit note on a
 * paid invoice left on account, four-eyes (the author may not post, even
 * holding the permission by an audited override), the version read, a
 * draft deleted, two drafts racing for what is left of one invoice (the
 * second refused when posting), the Idempotency-Key. Every refusal: over
 * what was invoiced, a line the invoice lacks or named twice, a draft or
 * another company's invoice, a date before the invoice, another company's
 * credit note, no permission. After every scenario the receivables equal
 * the ledger (test_sales_assert_receivables()).
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
static struct test_ledger_user keeper, clerk, poster, manager, both, cashier, reader;
static char events_reader[64];

#define NOTES(company) "/api/v1/companies/" company "/credit-notes"
#define INVOICES(company) "/api/v1/companies/" company "/sales-invoices"

#define LINE(quantity, price, account, code, discount)                                           \
	"{\"description\":\"Work\",\"quantity\":\"" quantity "\",\"unit_price\":\"" price "\","  \
	"\"revenue_account\":\"" account "\",\"tax_code\":\"" code "\"" discount "}"

static void start_shared(void)
{
	test_ledger_start(&L, "t_sales_credit_notes", (const char *const[]){ "ERP_RATE_LIMIT_PER_USER=0", NULL });
	test_events_reader(L.server.base_url, L.admin_token, "events@credit.test", events_reader);
	test_ledger_role(&L, "cn-keeper", "[\"ledger.account.manage\",\"ledger.account.read\","
					  "\"ledger.period.manage\",\"ledger.journal.read\",\"ledger.report.read\","
					  "\"partners.partner.manage\",\"sales.tax-code.manage\"]");
	test_ledger_role(&L, "cn-clerk", "[\"sales.invoice.create\",\"sales.invoice.read\","
					 "\"sales.credit-note.create\"]");
	test_ledger_role(&L, "cn-poster", "[\"sales.invoice.post\",\"sales.invoice.read\"]");
	test_ledger_role(&L, "cn-manager", "[\"sales.credit-note.post\",\"sales.invoice.read\"]");
	test_ledger_role(&L, "cn-cashier", "[\"sales.payment.post\",\"sales.payment.read\"]");
	test_ledger_role(&L, "cn-reader", "[\"sales.invoice.read\"]");
	test_ledger_user(&L, "keeper@credit.test", &keeper);
	test_ledger_user(&L, "clerk@credit.test", &clerk);
	test_ledger_user(&L, "poster@credit.test", &poster);
	test_ledger_user(&L, "manager@credit.test", &manager);
	test_ledger_user(&L, "both@credit.test", &both);
	test_ledger_user(&L, "cashier@credit.test", &cashier);
	test_ledger_user(&L, "reader@credit.test", &reader);
	test_ledger_company(&L, "CR", "EUR");
	test_ledger_company(&L, "CX", "EUR");
	for (int i = 0; i < 2; i++) {
		const char *company = i ? "CX" : "CR";

		test_ledger_grant(&L, keeper.id, "cn-keeper", company, NULL);
		test_sales_books(&L, keeper.token, company);
		test_ledger_account(&L, keeper.token, company, "1000", "asset", NULL);
		test_sales_tax_code(&L, keeper.token, company, "VAT20", "20");
		test_sales_customer(&L, keeper.token, company, "ACME", NULL);
		test_ledger_grant(&L, clerk.id, "cn-clerk", company, NULL);
		test_ledger_grant(&L, poster.id, "cn-poster", company, NULL);
		test_ledger_grant(&L, reader.id, "cn-reader", company, NULL);
	}
	test_sales_tax_code(&L, keeper.token, "CR", "RED", "7.5");
	test_ledger_grant(&L, manager.id, "cn-manager", "CR", NULL);
	test_ledger_grant(&L, cashier.id, "cn-cashier", "CR", NULL);
	/* One person who writes and posts: two roles, the second past the SoD pair by an override. */
	test_ledger_grant(&L, both.id, "cn-clerk", "CR", NULL);
	test_ledger_grant(&L, both.id, "cn-manager", "CR", "a small office: one person writes and posts");
}

static void stop_shared(void)
{
	test_ledger_stop(&L);
}

static void after_each(void)
{
	test_sales_assert_receivables(&L, keeper.token, "CR");
	test_sales_assert_receivables(&L, keeper.token, "CX");
}

/* A posted invoice of company (lines: JSON text); its id (static, one of four). */
static const char *invoice_in(const char *company, const char *lines)
{
	static char ids[4][40];
	static unsigned next;
	char *id = ids[next++ % 4], body[1024];
	struct test_response r;

	snprintf(body, sizeof(body), "{\"partner\":\"ACME\",\"date\":\"2026-04-01\","
		 "\"due_date\":\"2099-12-31\",\"lines\":[%s]}", lines);
	test_sales_expect(&L, clerk.token, "POST", test_ledger_path("/api/v1/companies/%s/sales-invoices",
								      company), NULL, body, 201, &r);
	snprintf(id, 40, "%s", test_ledger_text(r.json, "id"));
	test_response_free(&r);
	test_sales_expect(&L, poster.token, "POST",
			  test_ledger_path("/api/v1/companies/%s/sales-invoices/%s/post", company, id),
			  "If-Match: \"1\"", "{}", 200, NULL);
	return id;
}

/* A draft credit note of CR as token (extra: JSON members after the reason); its answer. */
static void draft(const char *token, const char *invoice, const char *extra, long expected,
		  struct test_response *r)
{
	char body[1024];

	snprintf(body, sizeof(body), "{\"invoice\":\"%s\",\"date\":\"2026-04-10\",\"reason\":\"returned\"%s%s}",
		 invoice, extra ? "," : "", extra ? extra : "");
	test_sales_expect(&L, token, "POST", NOTES("CR"), NULL, body, expected, r);
}

/* The post path of credit note r (static). */
static const char *post_path(const struct test_response *r)
{
	static char path[200];

	snprintf(path, sizeof(path), NOTES("CR") "/%s/post", test_ledger_text(r->json, "id"));
	return path;
}

static const char *invoice_field(const char *id, const char *field)
{
	static char value[64];
	struct test_response r;

	test_sales_expect(&L, reader.token, "GET", test_ledger_path(INVOICES("CR") "/%s", id), NULL, NULL,
			  200, &r);
	snprintf(value, sizeof(value), "%s", test_ledger_text(r.json, field));
	test_response_free(&r);
	return value;
}

/* Line i of journal entry id of CR: "account D|C amount". */
static const char *entry_line(const char *id, size_t i)
{
	static char text[96];
	struct test_response r;
	json_t *line;
	const char *debit;

	test_sales_expect(&L, keeper.token, "GET",
			  test_ledger_path("/api/v1/companies/CR/journal-entries/%s", id), NULL, NULL, 200, &r);
	line = json_array_get(json_object_get(r.json, "lines"), i);
	debit = test_ledger_text(line, "debit");
	snprintf(text, sizeof(text), "%s %s %s", test_ledger_text(line, "account"), *debit ? "D" : "C",
		 *debit ? debit : test_ledger_text(line, "credit"));
	test_response_free(&r);
	return text;
}

START_TEST(a_whole_invoice_is_taken_back_with_its_mirror_entry)
{
	static const char *const types[] = { "ledger.entry.posted", "sales.credit_note.posted", NULL };
	const char *invoice = invoice_in("CR", LINE("2", "100.00", "4000", "VAT20", "") ","
					 LINE("3", "19.99", "4100", "RED", ",\"discount_percent\":\"12.5\""));
	struct test_response r, posted;
	json_t *events, *changes;
	long long last;
	char sql[256];

	/* 200.00 + 52.47 net; tax 40.00 + 3.94: 296.41. */
	draft(clerk.token, invoice, NULL, 201, &r);
	ck_assert_str_eq(test_ledger_text(r.json, "status"), "draft");
	ck_assert_str_eq(test_ledger_text(r.json, "total"), "296.41");
	ck_assert_str_eq(test_ledger_text(r.json, "tax_total"), "43.94");
	ck_assert_uint_eq(json_array_size(json_object_get(r.json, "lines")), 2);
	ck_assert(json_is_null(json_object_get(r.json, "unallocated")));
	last = test_events_last(L.server.base_url, events_reader, "CR");
	test_sales_expect(&L, manager.token, "POST", post_path(&r), "If-Match: \"1\"", "{}", 200, &posted);
	ck_assert_str_eq(test_ledger_text(posted.json, "number"), "CN-2026-000001");
	ck_assert_str_eq(test_ledger_text(posted.json, "status"), "posted");
	ck_assert_str_eq(test_ledger_text(posted.json, "unallocated"), "0.00");
	ck_assert_str_eq(test_ledger_text(posted.json, "posted_by"), manager.id);
	/* The mirror of the invoice's entry. */
	ck_assert_str_eq(entry_line(test_ledger_text(posted.json, "ledger_entry_id"), 0), "4000 D 200.00");
	ck_assert_str_eq(entry_line(test_ledger_text(posted.json, "ledger_entry_id"), 1), "4100 D 52.47");
	ck_assert_str_eq(entry_line(test_ledger_text(posted.json, "ledger_entry_id"), 2), "2200 D 3.94");
	ck_assert_str_eq(entry_line(test_ledger_text(posted.json, "ledger_entry_id"), 3), "2200 D 40.00");
	ck_assert_str_eq(entry_line(test_ledger_text(posted.json, "ledger_entry_id"), 4), "1200 C 296.41");
	ck_assert_str_eq(invoice_field(invoice, "status"), "credited");
	ck_assert_str_eq(invoice_field(invoice, "residual"), "0.00");
	events = test_events_since(L.server.base_url, events_reader, "CR", last, types);
	changes = test_sales_audited(&L, test_ledger_text(json_array_get(events, 1), "request_id"),
				     "sales.credit_note.posted", test_ledger_text(r.json, "id"));
	test_sales_assert_change(changes, "status", "\"draft\"", "\"posted\"");
	test_sales_assert_change(changes, "number", "null", "\"CN-2026-000001\"");
	json_decref(changes);
	json_decref(events);
	/* Nothing is left to take back; a posted credit note is neither posted again nor deleted. */
	draft(clerk.token, invoice, NULL, 422, NULL);
	test_sales_expect(&L, manager.token, "POST", post_path(&r), "If-Match: \"2\"", "{}", 409, NULL);
	test_sales_expect(&L, clerk.token, "DELETE", test_ledger_path(NOTES("CR") "/%s",
								      test_ledger_text(r.json, "id")),
			  "If-Match: \"2\"", NULL, 409, NULL);
	/* Posted means immutable, in the database too: to the server's own role, and to the owner. */
	snprintf(sql, sizeof(sql), "UPDATE sales_credit_notes SET reason = 'x' WHERE id = '%s'",
		 test_ledger_text(r.json, "id"));
	test_db_expect(test_db_login_url(L.db_url, "sales_credit_app", "erp_app"), sql, "42501", "is posted");
	test_db_expect(L.db_url, sql, "42501", "is posted");
	snprintf(sql, sizeof(sql), "DELETE FROM sales_credit_note_lines WHERE credit_note_id = '%s'",
		 test_ledger_text(r.json, "id"));
	test_db_expect(L.db_url, sql, "42501", "posted");
	test_response_free(&posted);
	test_response_free(&r);
}
END_TEST

START_TEST(a_line_taken_back_in_parts_never_comes_to_more_than_it_was)
{
	/* 3 x 1.00 at 33.3333% off: net 2.00, tax 0.40. */
	const char *invoice = invoice_in("CR", LINE("3", "1.00", "4000", "VAT20",
						    ",\"discount_percent\":\"33.3333\""));
	long long credited;

	for (int part = 0; part < 3; part++) {
		struct test_response r;

		draft(clerk.token, invoice, "\"lines\":[{\"line\":1,\"quantity\":\"1\"}]", 201, &r);
		/* 0.67 + 0.13, 0.67 + 0.13, then the rest: 0.66 + 0.14. */
		ck_assert_str_eq(test_ledger_text(r.json, "net_total"), part < 2 ? "0.67" : "0.66");
		ck_assert_str_eq(test_ledger_text(r.json, "tax_total"), part < 2 ? "0.13" : "0.14");
		test_sales_expect(&L, manager.token, "POST", post_path(&r), "If-Match: \"1\"", NULL, 200, NULL);
		test_response_free(&r);
	}
	credited = test_ledger_db_number(&L, "SELECT sum(total_minor) FROM sales_credit_notes"
					 " WHERE invoice_id = '%s'", invoice);
	ck_assert_int_eq(credited, 240);
	ck_assert_str_eq(invoice_field(invoice, "status"), "credited");
	test_sales_expect_field(&L, clerk.token, "POST", NOTES("CR"), NULL,
				test_ledger_path("{\"invoice\":\"%s\",\"date\":\"2026-04-10\",\"reason\":\"x\","
						 "\"lines\":[{\"line\":1,\"quantity\":\"0.0001\"}]}", invoice),
				422, "/lines/0/quantity", "too_much");
}
END_TEST

START_TEST(what_a_credit_note_takes_back_is_checked)
{
	const char *invoice = invoice_in("CR", LINE("2", "10.00", "4000", "VAT20", ""));
	const char *foreign = invoice_in("CX", LINE("2", "10.00", "4000", "VAT20", ""));
	struct test_response r;
	const char *body;

	test_sales_expect_field(&L, clerk.token, "POST", NOTES("CR"), NULL,
				test_ledger_path("{\"invoice\":\"%s\",\"date\":\"2026-04-10\",\"reason\":\"x\","
						 "\"lines\":[{\"line\":1,\"quantity\":\"2.0001\"}]}", invoice),
				422, "/lines/0/quantity", "too_much");
	test_sales_expect_field(&L, clerk.token, "POST", NOTES("CR"), NULL,
				test_ledger_path("{\"invoice\":\"%s\",\"date\":\"2026-04-10\",\"reason\":\"x\","
						 "\"lines\":[{\"line\":2,\"quantity\":\"1\"}]}", invoice),
				422, "/lines/0/line", "unknown");
	test_sales_expect_field(&L, clerk.token, "POST", NOTES("CR"), NULL,
				test_ledger_path("{\"invoice\":\"%s\",\"date\":\"2026-04-10\",\"reason\":\"x\","
						 "\"lines\":[{\"line\":1,\"quantity\":\"1\"},"
						 "{\"line\":1,\"quantity\":\"1\"}]}", invoice),
				422, "/lines/1/line", "duplicate");
	test_sales_expect_field(&L, clerk.token, "POST", NOTES("CR"), NULL,
				test_ledger_path("{\"invoice\":\"%s\",\"date\":\"2026-03-31\",\"reason\":\"x\"}",
						 invoice), 422, "/date", "format");
	test_sales_expect_field(&L, clerk.token, "POST", NOTES("CR"), NULL,
				test_ledger_path("{\"invoice\":\"%s\",\"date\":\"2026-04-10\",\"reason\":\"x\"}",
						 foreign), 422, "/invoice", "unknown");
	test_sales_expect(&L, clerk.token, "POST", INVOICES("CR"), NULL,
			  "{\"partner\":\"ACME\",\"date\":\"2026-04-01\",\"lines\":["
			  LINE("1", "1.00", "4000", "VAT20", "") "]}", 201, &r);
	body = test_ledger_path("{\"invoice\":\"%s\",\"date\":\"2026-04-10\",\"reason\":\"x\"}",
				test_ledger_text(r.json, "id"));
	test_sales_expect_field(&L, clerk.token, "POST", NOTES("CR"), NULL, body, 422, "/invoice", "unknown");
	test_response_free(&r);
	/* Who may not write one; another company's is not found. */
	draft(poster.token, invoice, NULL, 403, NULL);
	draft(clerk.token, invoice, NULL, 201, &r);
	test_sales_expect(&L, reader.token, "GET",
			  test_ledger_path(NOTES("CX") "/%s", test_ledger_text(r.json, "id")), NULL, NULL,
			  404, NULL);
	test_sales_expect(&L, reader.token, "GET",
			  test_ledger_path(NOTES("CR") "/%s", test_ledger_text(r.json, "id")), NULL, NULL,
			  200, NULL);
	/* A draft is deleted at the version read. */
	test_sales_expect(&L, clerk.token, "DELETE",
			  test_ledger_path(NOTES("CR") "/%s", test_ledger_text(r.json, "id")), NULL, NULL,
			  428, NULL);
	test_sales_expect(&L, clerk.token, "DELETE",
			  test_ledger_path(NOTES("CR") "/%s", test_ledger_text(r.json, "id")),
			  "If-Match: \"1\"", NULL, 204, NULL);
	test_response_free(&r);
}
END_TEST

/* POST path as token with If-Match "1" and Idempotency-Key key. */
static void post_keyed(const char *token, const char *path, const char *key, struct test_response *r)
{
	char auth[96], idempotency[96], url[512];
	const char *headers[] = { auth, "If-Match: \"1\"", idempotency, "Content-Type: application/json",
				  NULL };

	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
	snprintf(idempotency, sizeof(idempotency), "Idempotency-Key: %s", key);
	snprintf(url, sizeof(url), "%s%s", L.server.base_url, path);
	ck_assert_int_eq(test_http("POST", url, headers, "{}", 2, r), 0);
}

START_TEST(its_poster_is_not_its_author)
{
	const char *invoice = invoice_in("CR", LINE("1", "10.00", "4000", "VAT20", ""));
	struct test_response r, first, again;
	char *replayed;

	draft(both.token, invoice, NULL, 201, &r);
	test_sales_expect(&L, both.token, "POST", post_path(&r), "If-Match: \"1\"", "{}", 403, NULL);
	test_sales_expect(&L, clerk.token, "POST", post_path(&r), "If-Match: \"1\"", "{}", 403, NULL);
	test_sales_expect(&L, manager.token, "POST", post_path(&r), NULL, "{}", 428, NULL);
	test_sales_expect(&L, manager.token, "POST", post_path(&r), "If-Match: \"3\"", "{}", 412, NULL);
	ck_assert_str_eq(invoice_field(invoice, "status"), "open");
	/* Another user posts it; the key replays the posting, numbered once. */
	post_keyed(manager.token, post_path(&r), "cn-k1", &first);
	ck_assert_msg(first.status == 200, "%ld %s", first.status, first.body);
	post_keyed(manager.token, post_path(&r), "cn-k1", &again);
	ck_assert_msg(again.status == 200, "%ld %s", again.status, again.body);
	replayed = test_response_header(&again, "Idempotent-Replayed");
	ck_assert_ptr_nonnull(replayed);
	free(replayed);
	ck_assert_str_eq(test_ledger_text(again.json, "number"), test_ledger_text(first.json, "number"));
	test_response_free(&first);
	test_response_free(&again);
	test_response_free(&r);
}
END_TEST

START_TEST(two_drafts_for_what_is_left_cannot_both_be_posted)
{
	const char *invoice = invoice_in("CR", LINE("1", "10.00", "4000", "VAT20", ""));
	struct test_response first, second;
	long long before = test_ledger_db_number(&L, "SELECT count(*) FROM sales_credit_notes"
						 " WHERE posted_at IS NOT NULL");

	draft(clerk.token, invoice, NULL, 201, &first);
	draft(clerk.token, invoice, NULL, 201, &second);
	test_sales_expect(&L, manager.token, "POST", post_path(&first), "If-Match: \"1\"", "{}", 200, NULL);
	test_sales_expect(&L, manager.token, "POST", post_path(&second), "If-Match: \"1\"", "{}", 409, NULL);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM sales_credit_notes"
						  " WHERE posted_at IS NOT NULL"), before + 1);
	test_response_free(&first);
	test_response_free(&second);
}
END_TEST

START_TEST(a_credit_note_on_a_paid_invoice_stays_on_account)
{
	const char *invoice = invoice_in("CR", LINE("1", "50.00", "4000", "VAT20", ""));
	struct test_response r, posted;
	char body[256];

	snprintf(body, sizeof(body),
		 "{\"partner\":\"ACME\",\"date\":\"2026-04-05\",\"amount\":\"60.00\",\"bank_account\":\"1000\","
		 "\"allocations\":[{\"invoice\":\"%s\"}]}", invoice);
	test_sales_expect(&L, cashier.token, "POST", "/api/v1/companies/CR/customer-payments", NULL, body,
			  201, NULL);
	ck_assert_str_eq(invoice_field(invoice, "status"), "paid");
	draft(clerk.token, invoice, "\"lines\":[{\"line\":1,\"quantity\":\"0.5\"}]", 201, &r);
	test_sales_expect(&L, manager.token, "POST", post_path(&r), "If-Match: \"1\"", "{}", 200, &posted);
	/* 25.00 + 5.00 owed back to the customer: the invoice owes nothing to set it against. */
	ck_assert_str_eq(test_ledger_text(posted.json, "unallocated"), "30.00");
	ck_assert_str_eq(invoice_field(invoice, "status"), "paid");
	test_response_free(&posted);
	test_response_free(&r);
}
END_TEST

/*
 * The customer's receivable account changes between the invoice and its
 * credit note: the credit is taken off the account the invoice debited, so
 * each receivable account still equals its own open items (after_each).
 */
START_TEST(a_credit_note_credits_the_account_its_invoice_debited)
{
	const char *invoice = invoice_in("CR", LINE("1", "50.00", "4000", "VAT20", ""));
	const char *later;
	struct test_response r, posted, partner;
	char if_match[32];

	test_ledger_account(&L, keeper.token, "CR", "1210", "asset", NULL);
	/* ACME as start_shared made it: version 1. */
	test_sales_expect(&L, keeper.token, "PATCH", "/api/v1/companies/CR/partners/ACME", "If-Match: \"1\"",
			  "{\"receivable_account\":\"1210\"}", 200, &partner);
	draft(clerk.token, invoice, NULL, 201, &r);
	test_sales_expect(&L, manager.token, "POST", post_path(&r), "If-Match: \"1\"", "{}", 200, &posted);
	/* 50.00 + 10.00 tax back, off 1200 where the invoice put it, not the customer's 1210 now. */
	ck_assert_str_eq(entry_line(test_ledger_text(posted.json, "ledger_entry_id"), 2), "1200 C 60.00");
	ck_assert_str_eq(invoice_field(invoice, "status"), "credited");
	test_response_free(&posted);
	test_response_free(&r);
	/* A new invoice debits the new account; both accounts reconcile (after_each). */
	later = invoice_in("CR", LINE("1", "10.00", "4000", "VAT20", ""));
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM sales_open_items o"
					       " JOIN ledger_account_directory a ON a.id = o.receivable_account_id"
					       " WHERE o.document_id = '%s' AND a.code = '1210'", later), 1);
	snprintf(if_match, sizeof(if_match), "If-Match: \"%lld\"",
		 (long long)json_integer_value(json_object_get(partner.json, "version")));
	test_response_free(&partner);
	test_sales_expect(&L, keeper.token, "PATCH", "/api/v1/companies/CR/partners/ACME", if_match,
			  "{\"receivable_account\":\"1200\"}", 200, NULL);
}
END_TEST

START_TEST(credit_notes_are_listed_with_filters)
{
	struct test_response r;
	json_t *item;
	size_t i;

	test_sales_expect(&L, reader.token, "GET", NOTES("CR") "?status=posted&from=2026-04-10&to=2026-04-10",
			  NULL, NULL, 200, &r);
	ck_assert_uint_gt(json_array_size(json_object_get(r.json, "items")), 0);
	json_array_foreach(json_object_get(r.json, "items"), i, item)
		ck_assert_str_eq(test_ledger_text(item, "status"), "posted");
	test_response_free(&r);
	test_sales_expect_field(&L, reader.token, "GET", NOTES("CR") "?status=open", NULL, NULL, 422,
				"status", NULL);
	test_sales_expect(&L, cashier.token, "GET", NOTES("CR"), NULL, NULL, 403, NULL);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("e2e/sales/credit_notes");
	TCase *tc = tcase_create("credit_notes");

	tcase_add_unchecked_fixture(tc, start_shared, stop_shared);
	tcase_add_checked_fixture(tc, NULL, after_each);
	tcase_add_test(tc, a_whole_invoice_is_taken_back_with_its_mirror_entry);
	tcase_add_test(tc, a_line_taken_back_in_parts_never_comes_to_more_than_it_was);
	tcase_add_test(tc, what_a_credit_note_takes_back_is_checked);
	tcase_add_test(tc, its_poster_is_not_its_author);
	tcase_add_test(tc, two_drafts_for_what_is_left_cannot_both_be_posted);
	tcase_add_test(tc, a_credit_note_on_a_paid_invoice_stays_on_account);
	tcase_add_test(tc, a_credit_note_credits_the_account_its_invoice_debited);
	tcase_add_test(tc, credit_notes_are_listed_with_filters);
	suite_add_tcase(s, tc);
	return s;
}
