/*
 * Tax codes end to end, against the real erp-server-test binary and a real
 * PostgreSQL: create, read, list and change (against the version read),
 * each change audited old -> new and told as a domain event; and every way
 * they refuse: a duplicate code (409), accounts of the wrong type, currency
 * or state, unknown (422), a rate that is none (422), a stale or missing
 * If-Match (412, 428), no permission (403), another company's tax code or
 * a company the caller has no role in (404).
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
static struct test_ledger_user keeper, manager, clerk, viewer;
static char events_reader[64];

#define CODES(company) "/api/v1/companies/" company "/tax-codes"
#define CODE(company, code) "/api/v1/companies/" company "/tax-codes/" code

static void start_shared(void)
{
	test_ledger_start(&L, "t_sales_tax_codes",
			  (const char *const[]){ "ERP_RATE_LIMIT_PER_USER=0", NULL });
	test_events_reader(L.server.base_url, L.admin_token, "events@tax.test", events_reader);
	test_ledger_role(&L, "tc-keeper", "[\"ledger.account.manage\",\"ledger.account.read\","
					  "\"ledger.period.manage\",\"ledger.report.read\"]");
	test_ledger_role(&L, "tc-manager", "[\"sales.tax-code.manage\",\"sales.tax-code.read\"]");
	test_ledger_role(&L, "tc-clerk", "[\"sales.tax-code.read\",\"sales.invoice.create\"]");
	test_ledger_role(&L, "tc-viewer", "[\"iam.company.read\"]");
	test_ledger_user(&L, "keeper@tax.test", &keeper);
	test_ledger_user(&L, "manager@tax.test", &manager);
	test_ledger_user(&L, "clerk@tax.test", &clerk);
	test_ledger_user(&L, "viewer@tax.test", &viewer);
	test_ledger_company(&L, "TA", "EUR");
	test_ledger_company(&L, "TB", "EUR");
	for (int i = 0; i < 2; i++) {
		const char *company = i ? "TB" : "TA";

		test_ledger_grant(&L, keeper.id, "tc-keeper", company, NULL);
		test_sales_books(&L, keeper.token, company);
	}
	/* The manager keeps TA's tax codes and has no role in TB. */
	test_ledger_grant(&L, manager.id, "tc-manager", "TA", NULL);
	test_ledger_grant(&L, clerk.id, "tc-clerk", "TA", NULL);
	test_ledger_grant(&L, viewer.id, "tc-viewer", "TA", NULL);
	test_ledger_account(&L, keeper.token, "TA", "2300", "liability", "USD");
	test_ledger_account(&L, keeper.token, "TA", "2400", "liability", NULL);
	test_sales_expect(&L, keeper.token, "POST", "/api/v1/companies/TA/accounts/2400/deactivate",
			  NULL, NULL, 200, NULL);
	/* TB's own code VAT20, which TA's callers must never see. */
	test_ledger_role(&L, "tc-manager-b", "[\"sales.tax-code.manage\"]");
	test_ledger_grant(&L, keeper.id, "tc-manager-b", "TB", NULL);
	test_sales_tax_code(&L, keeper.token, "TB", "VAT20", "20");
}

/* After every scenario: the receivables equal the receivable account's balance in the ledger. */
static void after_each(void)
{
	test_sales_assert_receivables(&L, keeper.token, "TA");
	test_sales_assert_receivables(&L, keeper.token, "TB");
}

static void stop_shared(void)
{
	test_ledger_stop(&L);
}

START_TEST(a_tax_code_is_created_read_told_and_audited)
{
	static const char *const types[] = { "sales.tax_code.created", NULL };
	long long last = test_events_last(L.server.base_url, events_reader, "TA");
	struct test_response r;
	json_t *events, *changes;
	char *location;

	test_sales_expect(&L, manager.token, "POST", CODES("TA"), NULL,
			  "{\"code\":\"RED\",\"name\":\"Reduced rate\",\"rate\":\"7.5\","
			  "\"output_account\":\"2200\",\"input_account\":\"1400\"}", 201, &r);
	location = test_response_header(&r, "Location");
	ck_assert_str_eq(location, CODE("TA", "RED"));
	free(location);
	ck_assert_str_eq(test_ledger_if_match(&r), "If-Match: \"1\"");
	ck_assert_str_eq(test_ledger_text(r.json, "rate"), "7.5");
	ck_assert_str_eq(test_ledger_text(r.json, "output_account"), "2200");
	ck_assert_str_eq(test_ledger_text(r.json, "input_account"), "1400");
	ck_assert(json_is_true(json_object_get(r.json, "active")));
	test_response_free(&r);

	/* Read back by a clerk, who reads tax codes to write invoices. */
	test_sales_expect(&L, clerk.token, "GET", CODE("TA", "RED"), NULL, NULL, 200, &r);
	ck_assert_str_eq(test_ledger_text(r.json, "name"), "Reduced rate");
	ck_assert_str_eq(test_ledger_if_match(&r), "If-Match: \"1\"");
	test_response_free(&r);

	events = test_events_since(L.server.base_url, events_reader, "TA", last, types);
	ck_assert_str_eq(json_string_value(test_events_payload(json_array_get(events, 0), "rate")), "7.5");
	changes = test_sales_audited(&L, test_ledger_text(json_array_get(events, 0), "request_id"),
				     "sales.tax_code.created",
				     test_ledger_text(json_array_get(events, 0), "entity_id"));
	test_sales_assert_change(changes, "rate", "null", "\"7.5\"");
	test_sales_assert_change(changes, "output_account", "null", "\"2200\"");
	json_decref(changes);
	json_decref(events);
}
END_TEST

START_TEST(a_code_names_one_tax_code_per_company)
{
	test_sales_tax_code(&L, manager.token, "TA", "DUP", "10");
	test_sales_expect(&L, manager.token, "POST", CODES("TA"), NULL,
			  "{\"code\":\"DUP\",\"name\":\"Again\",\"rate\":\"10\",\"output_account\":\"2200\"}",
			  409, NULL);
	test_sales_expect(&L, manager.token, "POST", CODES("TA"), NULL,
			  "{\"code\":\"dup\",\"name\":\"Again\",\"rate\":\"10\",\"output_account\":\"2200\"}",
			  409, NULL);
	/* Another company's VAT20 is no obstacle: codes are per company. */
	test_sales_tax_code(&L, manager.token, "TA", "VAT20", "20");
}
END_TEST

START_TEST(accounts_must_be_what_tax_posts_to)
{
	static const struct {
		const char *body, *pointer, *code;
	} cases[] = {
		{ "\"output_account\":\"9999\"", "/output_account", "unknown" },
		{ "\"output_account\":\"1200\"", "/output_account", "type" },
		{ "\"output_account\":\"4000\"", "/output_account", "type" },
		{ "\"output_account\":\"2300\"", "/output_account", "currency" },
		{ "\"output_account\":\"2400\"", "/output_account", "inactive" },
		{ "\"output_account\":\"2200\",\"input_account\":\"2200\"", "/input_account", "type" },
		{ "\"output_account\":\"2200\",\"input_account\":\"x1\"", "/input_account", "unknown" },
	};
	char body[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(body, sizeof(body), "{\"code\":\"ACC%zu\",\"name\":\"X\",\"rate\":\"5\",%s}", i,
			 cases[i].body);
		test_sales_expect_field(&L, manager.token, "POST", CODES("TA"), NULL, body, 422,
					cases[i].pointer, cases[i].code);
	}
	/* Both refused at once. */
	test_sales_expect_field(&L, manager.token, "POST", CODES("TA"), NULL,
				"{\"code\":\"ACCX\",\"name\":\"X\",\"rate\":\"5\",\"output_account\":\"1200\","
				"\"input_account\":\"2200\"}", 422, "/input_account", "type");
	/* Nothing was made. */
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM sales_tax_codes"
						  " WHERE code LIKE 'ACC%%'"), 0);
}
END_TEST

START_TEST(a_rate_is_a_percent_with_four_decimals_at_most)
{
	static const char *const bad[] = { "100.01", "7.12345", "-5", "1e2", "" };
	char body[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(body, sizeof(body), "{\"code\":\"R%zu\",\"name\":\"X\",\"rate\":\"%s\","
			 "\"output_account\":\"2200\"}", i, bad[i]);
		test_sales_expect_field(&L, manager.token, "POST", CODES("TA"), NULL, body, 422, "/rate",
					NULL);
	}
	test_sales_tax_code(&L, manager.token, "TA", "FINE", "19.6125");
	test_sales_tax_code(&L, manager.token, "TA", "ALL", "100");
	test_sales_tax_code(&L, manager.token, "TA", "NONE", "0");
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT rate_e4 FROM sales_tax_codes t"
						  " JOIN companies c ON c.id = t.company_id"
						  " WHERE c.code = 'TA' AND t.code = 'FINE'"), 196125);
}
END_TEST

START_TEST(changes_need_the_version_read_and_are_audited)
{
	static const char *const types[] = { "sales.tax_code.updated", "sales.tax_code.updated", NULL };
	struct test_response r;
	long long last;
	json_t *events, *changes;

	test_sales_tax_code(&L, manager.token, "TA", "CHG", "20");
	last = test_events_last(L.server.base_url, events_reader, "TA");
	/* Without If-Match: 428; with a stale one: 412; nothing changes. */
	test_sales_expect(&L, manager.token, "PATCH", CODE("TA", "CHG"), NULL, "{\"rate\":\"19\"}", 428,
			  NULL);
	test_sales_expect(&L, manager.token, "PATCH", CODE("TA", "CHG"), "If-Match: \"7\"",
			  "{\"rate\":\"19\"}", 412, NULL);
	/* A body the rules refuse is answered before the missing If-Match. */
	test_sales_expect_field(&L, manager.token, "PATCH", CODE("TA", "CHG"), NULL,
				"{\"rate\":\"101\"}", 422, "/rate", NULL);
	test_sales_expect(&L, manager.token, "PATCH", CODE("TA", "CHG"), "If-Match: \"1\"",
			  "{\"rate\":\"19\",\"input_account\":null}", 200, &r);
	ck_assert_str_eq(test_ledger_text(r.json, "rate"), "19");
	ck_assert(json_is_null(json_object_get(r.json, "input_account")));
	ck_assert_str_eq(test_ledger_if_match(&r), "If-Match: \"2\"");
	test_response_free(&r);
	/* A change that changes nothing keeps the version and tells nothing. */
	test_sales_expect(&L, manager.token, "PATCH", CODE("TA", "CHG"), "If-Match: \"2\"",
			  "{\"rate\":\"19.0\"}", 200, &r);
	ck_assert_str_eq(test_ledger_if_match(&r), "If-Match: \"2\"");
	test_response_free(&r);
	/* Retired: it stays readable, inactive. */
	test_sales_expect(&L, manager.token, "PATCH", CODE("TA", "CHG"), "If-Match: \"2\"",
			  "{\"active\":false}", 200, &r);
	ck_assert(json_is_false(json_object_get(r.json, "active")));
	test_response_free(&r);

	events = test_events_since(L.server.base_url, events_reader, "TA", last, types);
	changes = test_sales_audited(&L, test_ledger_text(json_array_get(events, 0), "request_id"),
				     "sales.tax_code.updated",
				     test_ledger_text(json_array_get(events, 0), "entity_id"));
	test_sales_assert_change(changes, "rate", "\"20\"", "\"19\"");
	test_sales_assert_change(changes, "input_account", "\"1400\"", "null");
	ck_assert_ptr_null(json_object_get(changes, "name"));
	json_decref(changes);
	changes = test_sales_audited(&L, test_ledger_text(json_array_get(events, 1), "request_id"),
				     "sales.tax_code.updated",
				     test_ledger_text(json_array_get(events, 1), "entity_id"));
	test_sales_assert_change(changes, "active", "true", "false");
	json_decref(changes);
	json_decref(events);
}
END_TEST

START_TEST(only_holders_of_the_permissions_in_the_company)
{
	test_sales_tax_code(&L, manager.token, "TA", "PERM", "5");
	/* A clerk reads tax codes but keeps none. */
	test_sales_expect(&L, clerk.token, "POST", CODES("TA"), NULL,
			  "{\"code\":\"CLK\",\"name\":\"X\",\"rate\":\"5\",\"output_account\":\"2200\"}",
			  403, NULL);
	test_sales_expect(&L, clerk.token, "PATCH", CODE("TA", "PERM"), "If-Match: \"1\"",
			  "{\"name\":\"Y\"}", 403, NULL);
	/* A member without the read permission: 403; no role in the company: 404. */
	test_sales_expect(&L, viewer.token, "GET", CODES("TA"), NULL, NULL, 403, NULL);
	test_sales_expect(&L, viewer.token, "GET", CODE("TA", "PERM"), NULL, NULL, 403, NULL);
	test_sales_expect(&L, manager.token, "GET", CODES("TB"), NULL, NULL, 404, NULL);
	test_sales_expect(&L, manager.token, "GET", CODE("TB", "VAT20"), NULL, NULL, 404, NULL);
}
END_TEST

START_TEST(another_companys_tax_codes_do_not_exist)
{
	struct test_response r;

	/* The keeper holds roles in both companies: TB's code is not TA's. */
	test_ledger_role(&L, "tc-reader-both", "[\"sales.tax-code.read\"]");
	test_ledger_grant(&L, keeper.id, "tc-reader-both", "TA", NULL);
	test_ledger_grant(&L, keeper.id, "tc-reader-both", "TB", NULL);
	test_sales_expect(&L, keeper.token, "GET", CODE("TB", "VAT20"), NULL, NULL, 200, NULL);
	test_sales_expect(&L, keeper.token, "GET", CODE("TA", "NOPE"), NULL, NULL, 404, NULL);
	test_sales_expect(&L, manager.token, "PATCH", CODE("TA", "NOPE"), "If-Match: \"1\"",
			  "{\"name\":\"Y\"}", 404, NULL);
	test_sales_expect(&L, keeper.token, "GET", CODES("TB"), NULL, NULL, 200, &r);
	ck_assert_uint_eq(json_array_size(json_object_get(r.json, "items")), 1);
	test_response_free(&r);
}
END_TEST

START_TEST(lists_page_by_page_and_filter)
{
	struct test_response r;
	const char *cursor;
	char path[256];
	size_t seen = 0;

	test_sales_tax_code(&L, manager.token, "TA", "L1", "1");
	test_sales_tax_code(&L, manager.token, "TA", "L2", "2");
	test_sales_expect(&L, manager.token, "PATCH", CODE("TA", "L2"), "If-Match: \"1\"",
			  "{\"active\":false}", 200, NULL);
	snprintf(path, sizeof(path), "%s", CODES("TA") "?limit=2");
	for (;;) {
		test_sales_expect(&L, clerk.token, "GET", path, NULL, NULL, 200, &r);
		ck_assert_uint_le(json_array_size(json_object_get(r.json, "items")), 2);
		seen += json_array_size(json_object_get(r.json, "items"));
		cursor = json_string_value(json_object_get(r.json, "next_cursor"));
		if (!cursor) {
			test_response_free(&r);
			break;
		}
		snprintf(path, sizeof(path), CODES("TA") "?limit=2&cursor=%s", cursor);
		test_response_free(&r);
	}
	ck_assert_int_eq((long long)seen, test_ledger_db_number(&L, "SELECT count(*) FROM sales_tax_codes t"
							     " JOIN companies c ON c.id = t.company_id"
							     " WHERE c.code = 'TA'"));
	test_sales_expect(&L, clerk.token, "GET", CODES("TA") "?active=false", NULL, NULL, 200, &r);
	ck_assert_int_eq((long long)json_array_size(json_object_get(r.json, "items")),
			 test_ledger_db_number(&L, "SELECT count(*) FROM sales_tax_codes t"
					       " JOIN companies c ON c.id = t.company_id"
					       " WHERE c.code = 'TA' AND NOT t.active"));
	test_response_free(&r);
	test_sales_expect_field(&L, clerk.token, "GET", CODES("TA") "?active=maybe", NULL, NULL, 422,
				"active", NULL);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("e2e/sales/tax_codes");
	TCase *tc = tcase_create("tax_codes");

	tcase_add_unchecked_fixture(tc, start_shared, stop_shared);
	tcase_add_checked_fixture(tc, NULL, after_each);
	tcase_add_test(tc, a_tax_code_is_created_read_told_and_audited);
	tcase_add_test(tc, a_code_names_one_tax_code_per_company);
	tcase_add_test(tc, accounts_must_be_what_tax_posts_to);
	tcase_add_test(tc, a_rate_is_a_percent_with_four_decimals_at_most);
	tcase_add_test(tc, changes_need_the_version_read_and_are_audited);
	tcase_add_test(tc, only_holders_of_the_permissions_in_the_company);
	tcase_add_test(tc, another_companys_tax_codes_do_not_exist);
	tcase_add_test(tc, lists_page_by_page_and_filter);
	suite_add_tcase(s, tc);
	return s;
}
