/*
 * The chart of accounts, fiscal periods and the reports end to end against
 * the real erp-server-test binary: accounts created, filtered, paged and
 * changed under If-Match; deactivation refusing new postings; type and
 * currency fixed once an account has lines; parent cycles refused; fiscal
 * years, closing and reopening periods (locking them: periods_test.c); the
 * trial balance (totals per currency, as_of cut-off) and the account ledger
 * (running balance across pages and date windows).
 *
 * AC1 holds the chart and period tests, AC2 the trial balance, AC3 the
 * account ledger, so each report sees exactly the postings its test made.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test/support/check_main.h"
#include "test/support/ledger_fixture.h"
#include "test/support/testlib.h"

#define ACCOUNTS "/api/v1/companies/AC1/accounts"
#define PERIODS "/api/v1/companies/AC1/fiscal-periods"

static struct test_ledger L;
static struct test_ledger_user controller, clerk, approver, reader, locker;

static void start_shared(void)
{
	static const char *const companies[] = { "AC1", "AC2", "AC3" };

	test_ledger_start(&L, "t_ledger_accounts", NULL);
	test_ledger_role(&L, "ac-controller",
			 "[\"ledger.account.manage\",\"ledger.account.read\",\"ledger.period.manage\","
			 "\"ledger.period.read\",\"ledger.report.read\",\"ledger.journal.read\"]");
	test_ledger_role(&L, "ac-clerk", "[\"ledger.journal.create\",\"ledger.journal.read\"]");
	test_ledger_role(&L, "ac-approver", "[\"ledger.journal.post\",\"ledger.journal.read\"]");
	test_ledger_role(&L, "ac-reader", "[\"ledger.account.read\",\"ledger.period.read\"]");
	test_ledger_role(&L, "ac-locker", "[\"ledger.period.lock\",\"ledger.period.read\"]");
	test_ledger_user(&L, "controller@accounts.test", &controller);
	test_ledger_user(&L, "clerk@accounts.test", &clerk);
	test_ledger_user(&L, "approver@accounts.test", &approver);
	test_ledger_user(&L, "reader@accounts.test", &reader);
	test_ledger_user(&L, "locker@accounts.test", &locker);
	for (size_t i = 0; i < 3; i++) {
		test_ledger_company(&L, companies[i], "EUR");
		test_ledger_grant(&L, controller.id, "ac-controller", companies[i], NULL);
		test_ledger_grant(&L, clerk.id, "ac-clerk", companies[i], NULL);
		test_ledger_grant(&L, approver.id, "ac-approver", companies[i], NULL);
		test_ledger_grant(&L, reader.id, "ac-reader", companies[i], NULL);
		test_ledger_grant(&L, locker.id, "ac-locker", companies[i], NULL);
		test_ledger_fiscal_year(&L, controller.token, companies[i], 2026);
		test_ledger_account(&L, controller.token, companies[i], "4000", "revenue", NULL);
	}
}

static void stop_shared(void)
{
	test_ledger_stop(&L);
}

static long call(const struct test_ledger_user *user, const char *method, const char *path,
		 const char *extra_header, const char *body, struct test_response *r)
{
	return test_ledger_call(&L, user->token, method, path, extra_header, body, r);
}

static json_t *item(json_t *page, size_t index)
{
	return json_array_get(json_object_get(page, "items"), index);
}

/* Asserts a 422 whose first error points at pointer (and, if given, says detail_part). */
static void assert_field_error(const struct test_response *r, const char *pointer,
			       const char *detail_part)
{
	json_t *error = json_array_get(json_object_get(r->json, "errors"), 0);

	ck_assert_msg(r->status == 422, "expected 422: %ld %s", r->status, r->body);
	ck_assert_str_eq(test_ledger_text(error, "pointer"), pointer);
	if (detail_part)
		ck_assert_msg(strstr(test_ledger_text(error, "detail"), detail_part) != NULL,
			      "detail of %s lacks \"%s\"", r->body, detail_part);
}

static long long audit_count(const char *action, const char *entity, const char *entity_id)
{
	return test_ledger_db_number(&L,
				     "SELECT count(*) FROM audit_events WHERE action = '%s'"
				     " AND entity = '%s' AND entity_id = '%s'",
				     action, entity, entity_id);
}

/* --- accounts ------------------------------------------------------------------------------ */

START_TEST(accounts_are_created_and_read)
{
	struct test_response r;
	char *header;

	ck_assert_int_eq(call(&controller, "POST", ACCOUNTS, NULL,
			      "{\"code\":\"1000\",\"name\":\"Cash\",\"type\":\"asset\"}", &r), 201);
	ck_assert_str_eq(test_ledger_text(r.json, "code"), "1000");
	ck_assert_str_eq(test_ledger_text(r.json, "name"), "Cash");
	ck_assert_str_eq(test_ledger_text(r.json, "type"), "asset");
	ck_assert_str_eq(test_ledger_text(r.json, "currency"), "EUR"); /* the company's */
	ck_assert(json_is_null(json_object_get(r.json, "parent")));
	ck_assert(json_is_true(json_object_get(r.json, "active")));
	ck_assert_int_eq(json_integer_value(json_object_get(r.json, "version")), 1);
	header = test_response_header(&r, "Location");
	ck_assert_str_eq(header, ACCOUNTS "/1000");
	free(header);
	header = test_response_header(&r, "ETag");
	ck_assert_str_eq(header, "\"1\"");
	free(header);
	ck_assert_int_eq(audit_count("ledger.account.created", "account", test_ledger_text(r.json, "id")), 1);
	test_response_free(&r);

	ck_assert_int_eq(call(&controller, "POST", ACCOUNTS, NULL,
			      "{\"code\":\"1000\",\"name\":\"Again\",\"type\":\"asset\"}", NULL), 409);
	ck_assert_int_eq(call(&controller, "POST", ACCOUNTS, NULL,
			      "{\"code\":\"-1\",\"name\":\"Bad\",\"type\":\"asset\"}", &r), 422);
	assert_field_error(&r, "/code", NULL);
	test_response_free(&r);
	ck_assert_int_eq(call(&controller, "POST", ACCOUNTS, NULL,
			      "{\"code\":\"1001\",\"name\":\"Bad\",\"type\":\"income\"}", &r), 422);
	assert_field_error(&r, "/type", NULL);
	test_response_free(&r);
	ck_assert_int_eq(call(&controller, "POST", ACCOUNTS, NULL,
			      "{\"code\":\"1001\",\"name\":\"Bad\",\"type\":\"asset\",\"currency\":\"ABC\"}",
			      &r), 422);
	assert_field_error(&r, "/currency", "ISO 4217");
	test_response_free(&r);
	ck_assert_int_eq(call(&controller, "POST", ACCOUNTS, NULL,
			      "{\"code\":\"1001\",\"name\":\"Bad\",\"type\":\"asset\",\"currency\":\"eur\"}",
			      &r), 422);
	assert_field_error(&r, "/currency", NULL);
	test_response_free(&r);
	ck_assert_int_eq(call(&controller, "POST", ACCOUNTS, NULL,
			      "{\"code\":\"1001\",\"name\":\"Bad\",\"type\":\"asset\",\"parent\":\"9999\"}",
			      &r), 422);
	assert_field_error(&r, "/parent", "9999");
	test_response_free(&r);
	ck_assert_int_eq(call(&controller, "GET", ACCOUNTS "/1001", NULL, NULL, NULL), 404);

	ck_assert_int_eq(call(&controller, "POST", ACCOUNTS, NULL,
			      "{\"code\":\"1010\",\"name\":\"Cash in USD\",\"type\":\"asset\","
			      "\"currency\":\"USD\",\"parent\":\"1000\"}", &r), 201);
	test_response_free(&r);
	ck_assert_int_eq(call(&reader, "GET", ACCOUNTS "/1010", NULL, NULL, &r), 200);
	ck_assert_str_eq(test_ledger_text(r.json, "parent"), "1000");
	ck_assert_str_eq(test_ledger_text(r.json, "currency"), "USD");
	test_response_free(&r);
	ck_assert_int_eq(call(&reader, "POST", ACCOUNTS, NULL,
			      "{\"code\":\"1020\",\"name\":\"Nope\",\"type\":\"asset\"}", NULL), 403);
	ck_assert_int_eq(call(&clerk, "GET", ACCOUNTS, NULL, NULL, NULL), 403);
}
END_TEST

/* The codes of one page, joined with ",". */
static void page_codes(json_t *page, char *out, size_t size)
{
	out[0] = '\0';
	for (size_t i = 0; i < json_array_size(json_object_get(page, "items")); i++)
		snprintf(out + strlen(out), size - strlen(out), "%s%s", i ? "," : "",
			 test_ledger_text(item(page, i), "code"));
}

static void assert_list(const char *query, const char *expected)
{
	struct test_response r;
	char codes[256];

	ck_assert_int_eq(call(&reader, "GET", test_ledger_path(ACCOUNTS "?%s", query), NULL, NULL, &r), 200);
	page_codes(r.json, codes, sizeof(codes));
	ck_assert_msg(strcmp(codes, expected) == 0, "?%s: %s, expected %s", query, codes, expected);
	test_response_free(&r);
}

START_TEST(accounts_filter_and_page)
{
	struct test_response r;
	char codes[256], all[256] = "", path[1700], *cursor = NULL;
	size_t used;
	int pages = 0;

	test_ledger_account(&L, controller.token, "AC1", "6000", "expense", NULL);
	test_ledger_account(&L, controller.token, "AC1", "6100", "expense", NULL);
	test_ledger_account(&L, controller.token, "AC1", "6110", "expense", NULL);
	test_ledger_account(&L, controller.token, "AC1", "6200", "expense", NULL);
	test_ledger_account(&L, controller.token, "AC1", "6300", "revenue", NULL);
	ck_assert_int_eq(call(&controller, "POST", ACCOUNTS "/6200/deactivate", NULL, NULL, NULL), 200);

	assert_list("prefix=61", "6100,6110");
	assert_list("prefix=6&type=expense", "6000,6100,6110,6200");
	assert_list("prefix=6&type=revenue", "6300");
	assert_list("prefix=6&active=false", "6200");
	assert_list("prefix=6&active=true", "6000,6100,6110,6300");
	assert_list("prefix=6_", ""); /* a code prefix, not a pattern */

	do {
		snprintf(path, sizeof(path), ACCOUNTS "?prefix=6&limit=2%s%s", cursor ? "&cursor=" : "",
			 cursor ? cursor : "");
		ck_assert_int_eq(call(&reader, "GET", path, NULL, NULL, &r), 200);
		ck_assert_uint_le(json_array_size(json_object_get(r.json, "items")), 2);
		page_codes(r.json, codes, sizeof(codes));
		used = strlen(all);
		ck_assert_uint_lt(used + strlen(codes) + 2, sizeof(all));
		if (used && codes[0])
			all[used++] = ',';
		memcpy(all + used, codes, strlen(codes) + 1);
		free(cursor);
		cursor = json_is_string(json_object_get(r.json, "next_cursor"))
				 ? strdup(test_ledger_text(r.json, "next_cursor")) : NULL;
		test_response_free(&r);
		pages++;
	} while (cursor && pages < 10);
	ck_assert_str_eq(all, "6000,6100,6110,6200,6300");
	ck_assert_int_eq(pages, 3);

	ck_assert_int_eq(call(&reader, "GET", ACCOUNTS "?limit=0", NULL, NULL, NULL), 422);
	ck_assert_int_eq(call(&reader, "GET", ACCOUNTS "?limit=201", NULL, NULL, NULL), 422);
	ck_assert_int_eq(call(&reader, "GET", ACCOUNTS "?type=income", NULL, NULL, NULL), 422);
	ck_assert_int_eq(call(&reader, "GET", ACCOUNTS "?active=maybe", NULL, NULL, NULL), 422);
	ck_assert_int_eq(call(&reader, "GET", ACCOUNTS "?cursor=AAAA", NULL, NULL, NULL), 400);
}
END_TEST

START_TEST(account_changes_need_if_match)
{
	struct test_response r;
	char *etag;

	test_ledger_account(&L, controller.token, "AC1", "7000", "expense", NULL);
	ck_assert_int_eq(call(&controller, "PATCH", ACCOUNTS "/7000", NULL, "{\"name\":\"Travel\"}", NULL), 428);
	ck_assert_int_eq(call(&controller, "PATCH", ACCOUNTS "/7000", "If-Match: \"9\"",
			      "{\"name\":\"Travel\"}", NULL), 412);
	ck_assert_int_eq(call(&controller, "PATCH", ACCOUNTS "/7000", "If-Match: \"1\"",
			      "{\"name\":\"Travel\"}", &r), 200);
	ck_assert_str_eq(test_ledger_text(r.json, "name"), "Travel");
	ck_assert_int_eq(json_integer_value(json_object_get(r.json, "version")), 2);
	etag = test_response_header(&r, "ETag");
	ck_assert_str_eq(etag, "\"2\"");
	free(etag);
	test_response_free(&r);
	ck_assert_int_eq(call(&controller, "PATCH", ACCOUNTS "/7000", "If-Match: \"1\"",
			      "{\"name\":\"Stale\"}", NULL), 412);
	ck_assert_int_eq(call(&controller, "PATCH", ACCOUNTS "/7099", "If-Match: \"1\"",
			      "{\"name\":\"Nobody\"}", NULL), 404);
	ck_assert_int_eq(call(&controller, "PATCH", ACCOUNTS "/7000", "If-Match: \"2\"",
			      "{\"code\":\"7001\"}", NULL), 422);

	/* Without lines, type and currency may still change (weak ETags are fine too). */
	ck_assert_int_eq(call(&controller, "PATCH", ACCOUNTS "/7000", "If-Match: W/\"2\"",
			      "{\"type\":\"asset\",\"currency\":\"JPY\"}", &r), 200);
	ck_assert_str_eq(test_ledger_text(r.json, "type"), "asset");
	ck_assert_str_eq(test_ledger_text(r.json, "currency"), "JPY");
	ck_assert_str_eq(test_ledger_text(r.json, "name"), "Travel");
	test_response_free(&r);
	ck_assert_int_eq(call(&controller, "PATCH", ACCOUNTS "/7000", "If-Match: \"3\"",
			      "{\"currency\":\"XYZ\"}", &r), 422);
	assert_field_error(&r, "/currency", NULL);
	test_response_free(&r);
	ck_assert_int_eq(call(&reader, "PATCH", ACCOUNTS "/7000", "If-Match: \"3\"",
			      "{\"name\":\"Mine\"}", NULL), 403);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM audit_events"
					       " WHERE action = 'ledger.account.updated'"
					       " AND changes->'name'->>'new' = 'Travel'"), 1);
}
END_TEST

/* PATCHes account code's parent (JSON text: "\"8000\"" or "null") under its current ETag. */
static long set_parent(const char *code, const char *parent, struct test_response *r)
{
	struct test_response current;
	char if_match[96];
	long status;

	ck_assert_int_eq(call(&controller, "GET", test_ledger_path(ACCOUNTS "/%s", code), NULL, NULL,
			      &current), 200);
	snprintf(if_match, sizeof(if_match), "%s", test_ledger_if_match(&current));
	test_response_free(&current);
	status = call(&controller, "PATCH", test_ledger_path(ACCOUNTS "/%s", code), if_match,
		      test_ledger_path("{\"parent\":%s}", parent), r);
	return status;
}

START_TEST(parent_cycles_are_refused)
{
	struct test_response r;

	test_ledger_account(&L, controller.token, "AC1", "8000", "equity", NULL);
	test_ledger_account(&L, controller.token, "AC1", "8100", "equity", NULL);
	test_ledger_account(&L, controller.token, "AC1", "8110", "equity", NULL);
	ck_assert_int_eq(set_parent("8100", "\"8000\"", NULL), 200);
	ck_assert_int_eq(set_parent("8110", "\"8100\"", NULL), 200);

	ck_assert_int_eq(set_parent("8000", "\"8110\"", &r), 422);
	assert_field_error(&r, "/parent", "ancestor");
	test_response_free(&r);
	ck_assert_int_eq(set_parent("8000", "\"8100\"", &r), 422);
	assert_field_error(&r, "/parent", "ancestor");
	test_response_free(&r);
	ck_assert_int_eq(set_parent("8000", "\"8000\"", &r), 422);
	assert_field_error(&r, "/parent", "ancestor");
	test_response_free(&r);
	ck_assert_int_eq(set_parent("8000", "\"8999\"", &r), 422);
	assert_field_error(&r, "/parent", "8999");
	test_response_free(&r);
	ck_assert_int_eq(call(&controller, "GET", ACCOUNTS "/8000", NULL, NULL, &r), 200);
	ck_assert(json_is_null(json_object_get(r.json, "parent")));
	test_response_free(&r);

	/* Cut the chain below 8100: then 8110 may become 8000's parent. */
	ck_assert_int_eq(set_parent("8110", "null", &r), 200);
	ck_assert(json_is_null(json_object_get(r.json, "parent")));
	test_response_free(&r);
	ck_assert_int_eq(set_parent("8000", "\"8110\"", &r), 200);
	ck_assert_str_eq(test_ledger_text(r.json, "parent"), "8110");
	test_response_free(&r);
	ck_assert_int_eq(set_parent("8110", "\"8100\"", &r), 422);
	test_response_free(&r);
}
END_TEST

START_TEST(deactivated_account_refuses_postings)
{
	struct test_response r;
	char draft[40];

	test_ledger_account(&L, controller.token, "AC1", "1100", "asset", NULL);
	test_ledger_draft(&L, clerk.token, "AC1", "2026-01-10", "1100", "4000", "12.00", "Before", draft);

	ck_assert_int_eq(call(&controller, "POST", ACCOUNTS "/1100/deactivate", NULL, NULL, &r), 200);
	ck_assert(json_is_false(json_object_get(r.json, "active")));
	ck_assert_int_eq(json_integer_value(json_object_get(r.json, "version")), 2);
	ck_assert_int_eq(audit_count("ledger.account.deactivated", "account", test_ledger_text(r.json, "id")), 1);
	test_response_free(&r);

	ck_assert_int_eq(test_ledger_call(&L, clerk.token, "POST", "/api/v1/companies/AC1/journal-entries",
					  NULL, "{\"date\":\"2026-01-11\",\"memo\":\"After\",\"lines\":["
					  "{\"account\":\"1100\",\"debit\":\"1.00\"},"
					  "{\"account\":\"4000\",\"credit\":\"1.00\"}]}", &r), 422);
	ck_assert_str_eq(test_ledger_text(json_array_get(json_object_get(r.json, "errors"), 0), "pointer"),
			 "/lines/0/account");
	test_response_free(&r);
	/* A draft written before is not postable while the account is inactive. */
	ck_assert_int_eq(test_ledger_call(&L, approver.token, "POST",
					  test_ledger_path("/api/v1/companies/AC1/journal-entries/%s/post", draft),
					  "If-Match: \"1\"", NULL, &r), 422);
	ck_assert_ptr_nonnull(strstr(test_ledger_text(r.json, "detail"), "inactive accounts refuse postings: 1100"));
	test_response_free(&r);

	ck_assert_int_eq(call(&controller, "POST", ACCOUNTS "/1100/reactivate", NULL, NULL, &r), 200);
	ck_assert(json_is_true(json_object_get(r.json, "active")));
	test_response_free(&r);
	test_ledger_post(&L, approver.token, "AC1", draft, NULL);
	ck_assert_int_eq(call(&controller, "POST", ACCOUNTS "/1199/deactivate", NULL, NULL, NULL), 404);
	ck_assert_int_eq(call(&reader, "POST", ACCOUNTS "/1100/deactivate", NULL, NULL, NULL), 403);
}
END_TEST

START_TEST(type_and_currency_are_fixed_once_the_account_has_lines)
{
	struct test_response r;
	char draft[40];

	test_ledger_account(&L, controller.token, "AC1", "1200", "asset", NULL);
	/* A draft line is enough: it was written in this type and currency. */
	test_ledger_draft(&L, clerk.token, "AC1", "2026-01-12", "1200", "4000", "3.00", "Lines", draft);
	ck_assert_int_eq(call(&controller, "PATCH", ACCOUNTS "/1200", "If-Match: \"1\"",
			      "{\"type\":\"expense\"}", &r), 409);
	ck_assert_ptr_nonnull(strstr(test_ledger_text(r.json, "detail"), "journal lines"));
	test_response_free(&r);
	ck_assert_int_eq(call(&controller, "PATCH", ACCOUNTS "/1200", "If-Match: \"1\"",
			      "{\"currency\":\"USD\"}", NULL), 409);
	/* Restating the current type and currency changes nothing, so it is no change of them. */
	ck_assert_int_eq(call(&controller, "PATCH", ACCOUNTS "/1200", "If-Match: \"1\"",
			      "{\"name\":\"Bank\",\"type\":\"asset\",\"currency\":\"EUR\"}", &r), 200);
	ck_assert_str_eq(test_ledger_text(r.json, "name"), "Bank");
	ck_assert_str_eq(test_ledger_text(r.json, "type"), "asset");
	test_response_free(&r);
	ck_assert_int_eq(call(&controller, "GET", ACCOUNTS "/1200", NULL, NULL, &r), 200);
	ck_assert_str_eq(test_ledger_text(r.json, "currency"), "EUR");
	ck_assert_int_eq(json_integer_value(json_object_get(r.json, "version")), 2);
	test_response_free(&r);
}
END_TEST

/* --- fiscal periods ---------------------------------------------------------------------------- */

static void assert_period(json_t *period, const char *name, const char *starts_on,
			  const char *ends_on, int number)
{
	ck_assert_str_eq(test_ledger_text(period, "name"), name);
	ck_assert_str_eq(test_ledger_text(period, "starts_on"), starts_on);
	ck_assert_str_eq(test_ledger_text(period, "ends_on"), ends_on);
	ck_assert_int_eq(json_integer_value(json_object_get(period, "number")), number);
}

START_TEST(fiscal_years_are_twelve_periods_without_overlap)
{
	struct test_response r;
	json_t *periods;
	char path[1700], *cursor = NULL;
	int seen = 0, pages = 0;
	char last[11] = "";

	ck_assert_int_eq(call(&controller, "POST", PERIODS, NULL, "{\"fiscal_year\":2030}", &r), 201);
	periods = json_object_get(r.json, "periods");
	ck_assert_uint_eq(json_array_size(periods), 12);
	assert_period(json_array_get(periods, 0), "2030-01", "2030-01-01", "2030-01-31", 1);
	assert_period(json_array_get(periods, 1), "2030-02", "2030-02-01", "2030-02-28", 2);
	assert_period(json_array_get(periods, 11), "2030-12", "2030-12-01", "2030-12-31", 12);
	ck_assert_str_eq(test_ledger_text(json_array_get(periods, 0), "status"), "open");
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(periods, 0), "fiscal_year")), 2030);
	test_response_free(&r);
	ck_assert_int_eq(audit_count("ledger.fiscal_year.created", "fiscal_year", "2030"), 1);

	/* A fiscal year from July runs into the next calendar year, leap day included. */
	ck_assert_int_eq(call(&controller, "POST", PERIODS, NULL,
			      "{\"fiscal_year\":2031,\"first_month\":7}", &r), 201);
	periods = json_object_get(r.json, "periods");
	assert_period(json_array_get(periods, 0), "2031-07", "2031-07-01", "2031-07-31", 1);
	assert_period(json_array_get(periods, 7), "2032-02", "2032-02-01", "2032-02-29", 8);
	assert_period(json_array_get(periods, 11), "2032-06", "2032-06-01", "2032-06-30", 12);
	test_response_free(&r);

	ck_assert_int_eq(call(&controller, "POST", PERIODS, NULL, "{\"fiscal_year\":2030}", NULL), 409);
	ck_assert_int_eq(call(&controller, "POST", PERIODS, NULL,
			      "{\"fiscal_year\":2029,\"first_month\":6}", &r), 409);
	ck_assert_ptr_nonnull(strstr(test_ledger_text(r.json, "detail"),
				     "2030-01, 2030-02, 2030-03, 2030-04, 2030-05"));
	test_response_free(&r);
	ck_assert_int_eq(call(&controller, "POST", PERIODS, NULL, "{\"fiscal_year\":2032}", NULL), 409);
	ck_assert_int_eq(call(&controller, "POST", PERIODS, NULL, "{\"fiscal_year\":1800}", NULL), 422);
	ck_assert_int_eq(call(&controller, "POST", PERIODS, NULL,
			      "{\"fiscal_year\":2040,\"first_month\":13}", NULL), 422);
	ck_assert_int_eq(call(&reader, "POST", PERIODS, NULL, "{\"fiscal_year\":2040}", NULL), 403);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM ledger_periods"
					       " WHERE fiscal_year IN (2029, 2032, 2040)"), 0);

	do {
		snprintf(path, sizeof(path), PERIODS "?fiscal_year=2030&limit=5%s%s",
			 cursor ? "&cursor=" : "", cursor ? cursor : "");
		ck_assert_int_eq(call(&reader, "GET", path, NULL, NULL, &r), 200);
		for (size_t i = 0; i < json_array_size(json_object_get(r.json, "items")); i++) {
			const char *starts_on = test_ledger_text(item(r.json, i), "starts_on");

			ck_assert_int_eq(json_integer_value(json_object_get(item(r.json, i), "fiscal_year")), 2030);
			ck_assert_int_lt(strcmp(last, starts_on), 0);
			snprintf(last, sizeof(last), "%s", starts_on);
			seen++;
		}
		free(cursor);
		cursor = json_is_string(json_object_get(r.json, "next_cursor"))
				 ? strdup(test_ledger_text(r.json, "next_cursor")) : NULL;
		test_response_free(&r);
		pages++;
	} while (cursor && pages < 10);
	ck_assert_int_eq(seen, 12);
	ck_assert_int_eq(pages, 3);
}
END_TEST

static long transition(const struct test_ledger_user *user, const char *period, const char *action,
		       struct test_response *r)
{
	return call(user, "POST", test_ledger_path(PERIODS "/%s/%s", period, action), NULL, NULL, r);
}

START_TEST(periods_close_and_reopen)
{
	struct test_response r;
	char january[40], *etag;

	test_ledger_fiscal_year(&L, controller.token, "AC1", 2033);
	test_ledger_period_id(&L, controller.token, "AC1", "2033-01", january);

	ck_assert_int_eq(transition(&controller, january, "close", &r), 200);
	ck_assert_str_eq(test_ledger_text(r.json, "status"), "closed");
	ck_assert_int_eq(json_integer_value(json_object_get(r.json, "version")), 2);
	etag = test_response_header(&r, "ETag");
	ck_assert_str_eq(etag, "\"2\"");
	free(etag);
	test_response_free(&r);
	ck_assert_int_eq(transition(&controller, january, "close", &r), 409);
	ck_assert_ptr_nonnull(strstr(test_ledger_text(r.json, "detail"), "period 2033-01 is closed"));
	test_response_free(&r);
	/* Reopening lets writers post into it again: it needs ledger.period.lock. */
	ck_assert_int_eq(transition(&controller, january, "reopen", NULL), 403);
	ck_assert_int_eq(transition(&locker, january, "reopen", &r), 200);
	ck_assert_str_eq(test_ledger_text(r.json, "status"), "open");
	test_response_free(&r);
	ck_assert_int_eq(transition(&locker, january, "reopen", NULL), 409);
	ck_assert_int_eq(transition(&locker, january, "close", NULL), 403);

	ck_assert_int_eq(transition(&controller, "01a20a82-4f50-7472-b26d-e7ac049afaed", "close", NULL), 404);
	ck_assert_int_eq(transition(&controller, "not-a-uuid", "close", NULL), 404);
	ck_assert_int_eq(transition(&reader, january, "close", NULL), 403);
	/* A period id of another company is not found here. */
	ck_assert_int_eq(call(&controller, "POST",
			      test_ledger_path("/api/v1/companies/AC2/fiscal-periods/%s/close", january),
			      NULL, NULL, NULL), 404);
	ck_assert_int_eq(audit_count("ledger.period.closed", "fiscal_period", january), 1);
	ck_assert_int_eq(audit_count("ledger.period.reopened", "fiscal_period", january), 1);
}
END_TEST

/* --- reports ------------------------------------------------------------------------------------- */

/* The row of account code in a trial balance, or NULL. */
static json_t *tb_account(json_t *report, const char *code)
{
	json_t *row;
	size_t i;

	json_array_foreach(json_object_get(report, "accounts"), i, row)
		if (strcmp(test_ledger_text(row, "code"), code) == 0)
			return row;
	return NULL;
}

static void assert_tb_account(json_t *report, const char *code, const char *debit,
			      const char *credit, const char *balance)
{
	json_t *row = tb_account(report, code);

	ck_assert_msg(row != NULL, "no account %s in the trial balance", code);
	ck_assert_str_eq(test_ledger_text(row, "debit"), debit);
	ck_assert_str_eq(test_ledger_text(row, "credit"), credit);
	ck_assert_str_eq(test_ledger_text(row, "balance"), balance);
}

static void assert_tb_total(json_t *report, size_t index, const char *currency, const char *amount)
{
	json_t *total = json_array_get(json_object_get(report, "totals"), index);

	ck_assert_msg(total != NULL, "no total %zu", index);
	ck_assert_str_eq(test_ledger_text(total, "currency"), currency);
	ck_assert_str_eq(test_ledger_text(total, "debit"), amount);
	ck_assert_str_eq(test_ledger_text(total, "credit"), amount);
	ck_assert(json_is_true(json_object_get(total, "balanced")));
}

static void trial_balance(const char *as_of, struct test_response *r)
{
	ck_assert_int_eq(call(&controller, "GET",
			      test_ledger_path("/api/v1/companies/AC2/reports/trial-balance?as_of=%s", as_of),
			      NULL, NULL, r), 200);
	ck_assert_str_eq(test_ledger_text(r->json, "as_of"), as_of);
}

START_TEST(trial_balance_balances_per_currency_on_a_date)
{
	struct test_response r;
	char id[40];

	test_ledger_account(&L, controller.token, "AC2", "1000", "asset", NULL);
	test_ledger_account(&L, controller.token, "AC2", "2000", "liability", NULL);
	test_ledger_account(&L, controller.token, "AC2", "5000", "expense", NULL);
	test_ledger_account(&L, controller.token, "AC2", "1100", "asset", "USD");
	test_ledger_account(&L, controller.token, "AC2", "4100", "revenue", "USD");
	test_ledger_draft(&L, clerk.token, "AC2", "2026-01-10", "1000", "4000", "1000.00", "Sale", id);
	test_ledger_post(&L, approver.token, "AC2", id, NULL);
	test_ledger_draft(&L, clerk.token, "AC2", "2026-02-15", "5000", "2000", "300.00", "Bill", id);
	test_ledger_post(&L, approver.token, "AC2", id, NULL);
	ck_assert_int_eq(test_ledger_call(&L, clerk.token, "POST", "/api/v1/companies/AC2/journal-entries",
					  NULL, "{\"date\":\"2026-03-20\",\"memo\":\"Export\",\"lines\":["
					  "{\"account\":\"1000\",\"debit\":\"50.25\"},"
					  "{\"account\":\"4000\",\"credit\":\"50.25\"},"
					  "{\"account\":\"1100\",\"debit\":\"70.00\"},"
					  "{\"account\":\"4100\",\"credit\":\"70.00\"}]}", &r), 201);
	snprintf(id, sizeof(id), "%s", test_ledger_text(r.json, "id"));
	test_response_free(&r);
	test_ledger_post(&L, approver.token, "AC2", id, NULL);
	/* Drafts are not in the books. */
	test_ledger_draft(&L, clerk.token, "AC2", "2026-01-12", "1000", "4000", "999.00", "Draft", id);

	trial_balance("2025-12-31", &r);
	ck_assert_uint_eq(json_array_size(json_object_get(r.json, "accounts")), 0);
	ck_assert_uint_eq(json_array_size(json_object_get(r.json, "totals")), 0);
	test_response_free(&r);

	trial_balance("2026-01-31", &r);
	ck_assert_uint_eq(json_array_size(json_object_get(r.json, "accounts")), 2);
	assert_tb_account(r.json, "1000", "1000.00", "0.00", "1000.00");
	assert_tb_account(r.json, "4000", "0.00", "1000.00", "-1000.00");
	ck_assert_uint_eq(json_array_size(json_object_get(r.json, "totals")), 1);
	assert_tb_total(r.json, 0, "EUR", "1000.00");
	test_response_free(&r);

	/* as_of is inclusive. */
	trial_balance("2026-02-14", &r);
	ck_assert_ptr_null(tb_account(r.json, "5000"));
	test_response_free(&r);
	trial_balance("2026-02-15", &r);
	assert_tb_account(r.json, "5000", "300.00", "0.00", "300.00");
	assert_tb_account(r.json, "2000", "0.00", "300.00", "-300.00");
	assert_tb_total(r.json, 0, "EUR", "1300.00");
	test_response_free(&r);

	trial_balance("2026-12-31", &r);
	ck_assert_uint_eq(json_array_size(json_object_get(r.json, "accounts")), 6);
	ck_assert_str_eq(test_ledger_text(json_array_get(json_object_get(r.json, "accounts"), 0), "code"),
			 "1000");
	assert_tb_account(r.json, "1000", "1050.25", "0.00", "1050.25");
	assert_tb_account(r.json, "4000", "0.00", "1050.25", "-1050.25");
	assert_tb_account(r.json, "1100", "70.00", "0.00", "70.00");
	ck_assert_str_eq(test_ledger_text(tb_account(r.json, "1100"), "currency"), "USD");
	ck_assert_uint_eq(json_array_size(json_object_get(r.json, "totals")), 2);
	assert_tb_total(r.json, 0, "EUR", "1350.25");
	assert_tb_total(r.json, 1, "USD", "70.00");
	test_response_free(&r);

	/* Without as_of: today, so everything posted so far. */
	ck_assert_int_eq(call(&controller, "GET", "/api/v1/companies/AC2/reports/trial-balance", NULL,
			      NULL, &r), 200);
	assert_tb_total(r.json, 0, "EUR", "1350.25");
	test_response_free(&r);
	ck_assert_int_eq(call(&controller, "GET",
			      "/api/v1/companies/AC2/reports/trial-balance?as_of=2026-13-01", NULL, NULL,
			      NULL), 422);
	ck_assert_int_eq(call(&reader, "GET", "/api/v1/companies/AC2/reports/trial-balance", NULL,
			      NULL, NULL), 403);
}
END_TEST

/* AC3's account 1000: the day, the side and the amount of each posting, by date. */
static const struct {
	const char *date;
	const char *side;
	const char *amount;
	const char *balance; /* running, after this line */
} ledger_rows[] = {
	{ "2026-01-10", "debit", "1000.00", "1000.00" },
	{ "2026-01-10", "credit", "200.00", "800.00" },
	{ "2026-02-01", "debit", "50.25", "850.25" },
	{ "2026-03-15", "credit", "0.25", "850.00" },
	{ "2026-04-01", "debit", "99.99", "949.99" },
	{ "2026-04-30", "credit", "1000.00", "-50.01" },
	{ "2026-06-30", "debit", "10.00", "-40.01" },
};
enum { LEDGER_ROWS = sizeof(ledger_rows) / sizeof(ledger_rows[0]) };

/*
 * Walks the account ledger with query and page size limit; asserts the rows
 * are ledger_rows[first..first+count-1] with their running balances.
 */
static void assert_ledger(const char *query, int limit, int first, int count, int expected_pages)
{
	struct test_response r;
	char path[1700], *cursor = NULL;
	int seen = 0, pages = 0;
	long long last_posting = 0;

	do {
		snprintf(path, sizeof(path), "/api/v1/companies/AC3/accounts/1000/ledger?limit=%d%s%s%s%s",
			 limit, query[0] ? "&" : "", query, cursor ? "&cursor=" : "", cursor ? cursor : "");
		ck_assert_int_eq(call(&controller, "GET", path, NULL, NULL, &r), 200);
		for (size_t i = 0; i < json_array_size(json_object_get(r.json, "items")); i++) {
			json_t *row = item(r.json, i);
			int k = first + seen;

			ck_assert_msg(seen < count, "?%s: more rows than %d", query, count);
			ck_assert_str_eq(test_ledger_text(row, "date"), ledger_rows[k].date);
			ck_assert_msg(strcmp(test_ledger_text(row, ledger_rows[k].side), ledger_rows[k].amount) == 0,
				      "?%s row %d: %s", query, seen, json_dumps(row, 0));
			ck_assert_ptr_null(json_object_get(row, strcmp(ledger_rows[k].side, "debit") == 0
									? "credit" : "debit"));
			ck_assert_msg(strcmp(test_ledger_text(row, "balance"), ledger_rows[k].balance) == 0,
				      "?%s row %d: balance %s, expected %s", query, seen,
				      test_ledger_text(row, "balance"), ledger_rows[k].balance);
			ck_assert_int_eq(strncmp(test_ledger_text(row, "number"), "JE-2026-", 8), 0);
			if (strcmp(ledger_rows[k].date, k ? ledger_rows[k - 1].date : "") == 0)
				ck_assert_int_gt(json_integer_value(json_object_get(row, "posting")), last_posting);
			last_posting = json_integer_value(json_object_get(row, "posting"));
			seen++;
		}
		free(cursor);
		cursor = json_is_string(json_object_get(r.json, "next_cursor"))
				 ? strdup(test_ledger_text(r.json, "next_cursor")) : NULL;
		test_response_free(&r);
		pages++;
	} while (cursor && pages < 20);
	ck_assert_msg(seen == count, "?%s: %d rows, expected %d", query, seen, count);
	ck_assert_msg(pages == expected_pages, "?%s: %d pages, expected %d", query, pages,
		      expected_pages);
}

START_TEST(account_ledger_runs_the_balance_across_pages)
{
	/* Posted out of date order: the ledger still runs by date, then by posting. */
	static const int posting_order[LEDGER_ROWS] = { 6, 0, 1, 4, 2, 5, 3 };
	char ids[LEDGER_ROWS][40], draft[40];

	test_ledger_account(&L, controller.token, "AC3", "1000", "asset", NULL);
	for (int i = 0; i < LEDGER_ROWS; i++) {
		bool debit = strcmp(ledger_rows[i].side, "debit") == 0;

		test_ledger_draft(&L, clerk.token, "AC3", ledger_rows[i].date, debit ? "1000" : "4000",
				  debit ? "4000" : "1000", ledger_rows[i].amount, "Ledger", ids[i]);
	}
	for (int i = 0; i < LEDGER_ROWS; i++)
		test_ledger_post(&L, approver.token, "AC3", ids[posting_order[i]], NULL);
	test_ledger_draft(&L, clerk.token, "AC3", "2026-02-02", "1000", "4000", "5000.00", "Draft", draft);

	assert_ledger("", 50, 0, LEDGER_ROWS, 1);
	assert_ledger("", 3, 0, LEDGER_ROWS, 3);
	assert_ledger("", 1, 0, LEDGER_ROWS, LEDGER_ROWS);
	/* A window starts from the balance brought forward. */
	assert_ledger("from=2026-03-01", 2, 3, 4, 2);
	assert_ledger("from=2026-03-01&to=2026-04-30", 2, 3, 3, 2);
	assert_ledger("to=2026-01-10", 1, 0, 2, 2);
	assert_ledger("from=2026-04-30&to=2026-04-30", 5, 5, 1, 1);
	assert_ledger("from=2026-07-01", 5, 0, 0, 1);

	ck_assert_int_eq(call(&controller, "GET", "/api/v1/companies/AC3/accounts/1999/ledger", NULL,
			      NULL, NULL), 404);
	ck_assert_int_eq(call(&controller, "GET", "/api/v1/companies/AC3/accounts/1000/ledger?cursor=AAAA",
			      NULL, NULL, NULL), 400);
	ck_assert_int_eq(call(&reader, "GET", "/api/v1/companies/AC3/accounts/1000/ledger", NULL, NULL,
			      NULL), 403);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("e2e/ledger/accounts");
	TCase *tc = tcase_create("accounts");

	tcase_add_unchecked_fixture(tc, start_shared, stop_shared);
	tcase_add_test(tc, accounts_are_created_and_read);
	tcase_add_test(tc, accounts_filter_and_page);
	tcase_add_test(tc, account_changes_need_if_match);
	tcase_add_test(tc, parent_cycles_are_refused);
	tcase_add_test(tc, deactivated_account_refuses_postings);
	tcase_add_test(tc, type_and_currency_are_fixed_once_the_account_has_lines);
	tcase_add_test(tc, fiscal_years_are_twelve_periods_without_overlap);
	tcase_add_test(tc, periods_close_and_reopen);
	tcase_add_test(tc, trial_balance_balances_per_currency_on_a_date);
	tcase_add_test(tc, account_ledger_runs_the_balance_across_pages);
	suite_add_tcase(s, tc);
	return s;
}
