#include "test/support/sales_fixture.h"

#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared-kernel/money.h"

void test_sales_expect(const struct test_ledger *ledger, const char *token, const char *method,
		       const char *path, const char *header, const char *body, long expected,
		       struct test_response *r)
{
	struct test_response own;
	struct test_response *out = r ? r : &own;

	test_ledger_call(ledger, token, method, path, header, body, out);
	ck_assert_msg(out->status == expected, "%s %s %s: %ld, expected %ld: %s", method, path,
		      body ? body : "", out->status, expected, out->body);
	if (!r)
		test_response_free(&own);
}

void test_sales_expect_field(const struct test_ledger *ledger, const char *token,
			     const char *method, const char *path, const char *header,
			     const char *body, long expected, const char *pointer, const char *code)
{
	struct test_response r;
	json_t *error;
	size_t i;
	bool found = false;

	test_sales_expect(ledger, token, method, path, header, body, expected, &r);
	ck_assert_ptr_nonnull(strstr(r.headers, "application/problem+json"));
	json_array_foreach(json_object_get(r.json, "errors"), i, error)
		found = found || ((strcmp(test_ledger_text(error, "pointer"), pointer) == 0 ||
				   strcmp(test_ledger_text(error, "parameter"), pointer) == 0) &&
				  (!code || strcmp(test_ledger_text(error, "code"), code) == 0));
	ck_assert_msg(found, "%s %s: no %s (%s) in %s", method, path, pointer, code ? code : "any",
		      r.body);
	test_response_free(&r);
}

/* An account of company as token; asserts 201. */
static void account(const struct test_ledger *ledger, const char *token, const char *company,
		    const char *code, const char *type)
{
	test_ledger_account(ledger, token, company, code, type, NULL);
}

void test_sales_books(const struct test_ledger *ledger, const char *keeper_token,
		      const char *company)
{
	account(ledger, keeper_token, company, "1200", "asset");
	account(ledger, keeper_token, company, "4000", "revenue");
	account(ledger, keeper_token, company, "4100", "revenue");
	account(ledger, keeper_token, company, "2200", "liability");
	account(ledger, keeper_token, company, "1400", "asset");
	test_ledger_fiscal_year(ledger, keeper_token, company, 2026);
}

void test_sales_tax_code(const struct test_ledger *ledger, const char *manager_token,
			 const char *company, const char *code, const char *rate)
{
	char body[256];

	snprintf(body, sizeof(body),
		 "{\"code\":\"%s\",\"name\":\"Tax %s%%\",\"rate\":\"%s\",\"output_account\":\"2200\","
		 "\"input_account\":\"1400\"}", code, rate, rate);
	test_sales_expect(ledger, manager_token, "POST",
			  test_ledger_path("/api/v1/companies/%s/tax-codes", company), NULL, body,
			  201, NULL);
}

void test_sales_customer(const struct test_ledger *ledger, const char *manager_token,
			 const char *company, const char *code, const char *extra)
{
	char body[512];

	snprintf(body, sizeof(body),
		 "{\"code\":\"%s\",\"name\":\"Customer %s\",\"roles\":[\"customer\"],"
		 "\"receivable_account\":\"1200\"%s%s}", code, code, extra ? "," : "",
		 extra ? extra : "");
	test_sales_expect(ledger, manager_token, "POST",
			  test_ledger_path("/api/v1/companies/%s/partners", company), NULL, body, 201,
			  NULL);
}

json_t *test_sales_audited(const struct test_ledger *ledger, const char *request_id,
			   const char *action, const char *entity_id)
{
	char sql[512], *text;
	json_t *changes;

	snprintf(sql, sizeof(sql),
		 "SELECT coalesce(changes, '{}')::text FROM audit_events WHERE request_id = '%s'"
		 " AND action = '%s' AND entity_id = '%s'", request_id, action, entity_id);
	text = test_db_value(ledger->db_url, sql);
	ck_assert_msg(text != NULL, "no audit event %s of %s in request %s", action, entity_id,
		      request_id);
	changes = json_loads(text, 0, NULL);
	free(text);
	ck_assert_ptr_nonnull(changes);
	return changes;
}

void test_sales_assert_change(json_t *changes, const char *field, const char *old,
			      const char *new_value)
{
	json_t *change = json_object_get(changes, field);
	json_t *want_old = json_loads(old, JSON_DECODE_ANY, NULL);
	json_t *want_new = json_loads(new_value, JSON_DECODE_ANY, NULL);
	json_t *got_old = json_object_get(change, "old"), *got_new = json_object_get(change, "new");

	ck_assert_msg(change != NULL, "no change of %s", field);
	ck_assert_msg(json_equal(got_old ? got_old : json_null(), want_old), "%s: old is not %s",
		      field, old);
	ck_assert_msg(json_equal(got_new ? got_new : json_null(), want_new), "%s: new is not %s",
		      field, new_value);
	json_decref(want_old);
	json_decref(want_new);
}

int64_t test_sales_ledger_balance(const struct test_ledger *ledger, const char *reader_token,
				  const char *company, const char *account, const char *as_of)
{
	struct test_response r;
	json_t *line;
	size_t i;
	int64_t balance = 0;

	test_sales_expect(ledger, reader_token, "GET",
			  test_ledger_path("/api/v1/companies/%s/reports/trial-balance?as_of=%s", company,
					   as_of), NULL, NULL, 200, &r);
	json_array_foreach(json_object_get(r.json, "accounts"), i, line)
		if (strcmp(test_ledger_text(line, "code"), account) == 0) {
			const struct erp_currency *currency =
				erp_currency_find(test_ledger_text(line, "currency"));

			ck_assert_ptr_nonnull(currency);
			ck_assert_int_eq(erp_money_parse(test_ledger_text(line, "balance"),
							 currency->exponent, ERP_MONEY_ALLOW_NEGATIVE,
							 &balance), ERP_MONEY_OK);
		}
	/* An account nothing was posted to is left out of the report: a balance of 0. */
	test_response_free(&r);
	return balance;
}

void test_sales_assert_receivables(const struct test_ledger *ledger, const char *reader_token,
				   const char *company)
{
	char sql[768], *accounts, *next, *row;

	/* Per receivable account an open item is on: "code residuals" lines. */
	snprintf(sql, sizeof(sql),
		 "SELECT coalesce(string_agg(a.code || ' ' || s.residuals, E'\\n' ORDER BY a.code), '')"
		 "  FROM (SELECT o.receivable_account_id AS id, sum(o.residual_minor) AS residuals"
		 "          FROM sales_open_items o JOIN companies c ON c.id = o.company_id"
		 "         WHERE c.code = '%s' GROUP BY o.receivable_account_id) s"
		 "  JOIN ledger_account_directory a ON a.id = s.id", company);
	accounts = test_db_value(ledger->db_url, sql);
	ck_assert_ptr_nonnull(accounts);
	for (row = strtok_r(accounts, "\n", &next); row; row = strtok_r(NULL, "\n", &next)) {
		char code[64];
		long long residuals;
		int64_t balance;

		ck_assert_int_eq(sscanf(row, "%63s %lld", code, &residuals), 2);
		balance = test_sales_ledger_balance(ledger, reader_token, company, code, "9999-12-31");
		ck_assert_msg(residuals == balance, "%s: open items' residuals on %s %lld, its balance"
			      " %lld", company, code, residuals, (long long)balance);
	}
	free(accounts);
	/* Every item is on a receivable account: none was left out of the sums above. */
	ck_assert_int_eq(test_ledger_db_number(ledger,
		"SELECT count(*) FROM sales_open_items o JOIN companies c ON c.id = o.company_id"
		" WHERE c.code = '%s' AND NOT EXISTS (SELECT 1 FROM ledger_account_directory a"
		"   WHERE a.id = o.receivable_account_id AND a.company_id = o.company_id)", company), 0);
	/* Each item: what it has moved is what its allocations in force take, never past zero. */
	ck_assert_int_eq(test_ledger_db_number(ledger,
		"SELECT count(*) FROM sales_open_items o JOIN companies c ON c.id = o.company_id"
		" WHERE c.code = '%s' AND (abs(o.amount_minor - o.residual_minor) <>"
		"   coalesce((SELECT sum(a.amount_minor) FROM sales_allocations a"
		"              WHERE a.undone_at IS NULL"
		"                AND (a.debit_item_id = o.id OR a.credit_item_id = o.id)), 0)"
		"   OR (o.residual_minor <> 0 AND sign(o.residual_minor) <> sign(o.amount_minor)))",
		company), 0);
}
