/*
 * The company's partner settings end to end: the default receivable and
 * payable accounts are read by holders of partners.partner.read and set,
 * against the version read, by holders of partners.partner.manage; they
 * are held to the same rules as a partner's accounts; a new customer or
 * vendor given no account gets them; a default the ledger deactivates
 * later stays set, and new partners are then refused until they are given
 * another; one company's settings are not another's.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "test/support/check_main.h"
#include "test/support/ledger_fixture.h"
#include "test/support/testlib.h"

static struct test_ledger L;
static struct test_ledger_user keeper, manager, reader;

#define SETTINGS(company) "/api/v1/companies/" company "/partner-settings"
#define PARTNERS(company) "/api/v1/companies/" company "/partners"

static void start_shared(void)
{
	test_ledger_start(&L, "t_partners_settings", NULL);
	test_ledger_role(&L, "ps-keeper", "[\"ledger.account.manage\"]");
	test_ledger_role(&L, "ps-manager", "[\"partners.partner.manage\",\"partners.partner.read\"]");
	test_ledger_role(&L, "ps-reader", "[\"partners.partner.read\"]");
	test_ledger_user(&L, "keeper@partner-settings.test", &keeper);
	test_ledger_user(&L, "manager@partner-settings.test", &manager);
	test_ledger_user(&L, "reader@partner-settings.test", &reader);
	test_ledger_company(&L, "SA", "EUR");
	test_ledger_company(&L, "SB", "EUR");
	test_ledger_grant(&L, keeper.id, "ps-keeper", "SA", NULL);
	test_ledger_grant(&L, keeper.id, "ps-keeper", "SB", NULL);
	test_ledger_grant(&L, manager.id, "ps-manager", "SA", NULL);
	test_ledger_grant(&L, manager.id, "ps-manager", "SB", NULL);
	test_ledger_grant(&L, reader.id, "ps-reader", "SA", NULL);
	test_ledger_account(&L, keeper.token, "SA", "1200", "asset", NULL);
	test_ledger_account(&L, keeper.token, "SA", "1210", "asset", NULL);
	test_ledger_account(&L, keeper.token, "SA", "2000", "liability", NULL);
	test_ledger_account(&L, keeper.token, "SA", "4000", "revenue", NULL);
	test_ledger_account(&L, keeper.token, "SB", "1500", "asset", NULL);
}

static void stop_shared(void)
{
	test_ledger_stop(&L);
}

static void expect(const char *token, const char *method, const char *path, const char *header,
		   const char *body, long expected, struct test_response *r)
{
	struct test_response own;
	struct test_response *out = r ? r : &own;

	test_ledger_call(&L, token, method, path, header, body, out);
	ck_assert_msg(out->status == expected, "%s %s %s: %ld, expected %ld: %s", method, path,
		      body ? body : "", out->status, expected, out->body);
	if (!r)
		test_response_free(&own);
}

/* 422 naming pointer with code, as the manager. */
static void expect_field(const char *method, const char *path, const char *header, const char *body,
			 const char *pointer, const char *code)
{
	struct test_response r;

	expect(manager.token, method, path, header, body, 422, &r);
	ck_assert_str_eq(test_ledger_text(json_array_get(json_object_get(r.json, "errors"), 0), "pointer"),
			 pointer);
	ck_assert_str_eq(test_ledger_text(json_array_get(json_object_get(r.json, "errors"), 0), "code"),
			 code);
	test_response_free(&r);
}

START_TEST(defaults_are_set_against_the_version_read)
{
	static const char body[] = "{\"default_receivable_account\":\"1200\","
				   "\"default_payable_account\":\"2000\"}";
	struct test_response r;

	/* Before any change: no defaults, version 1. */
	expect(reader.token, "GET", SETTINGS("SA"), NULL, NULL, 200, &r);
	ck_assert(json_is_null(json_object_get(r.json, "default_receivable_account")));
	ck_assert(json_is_null(json_object_get(r.json, "default_payable_account")));
	ck_assert(json_is_null(json_object_get(r.json, "updated_at")));
	ck_assert_str_eq(test_ledger_if_match(&r), "If-Match: \"1\"");
	test_response_free(&r);

	expect(manager.token, "PUT", SETTINGS("SA"), NULL, body, 428, NULL);
	expect(manager.token, "PUT", SETTINGS("SA"), "If-Match: \"2\"", body, 412, NULL);
	expect(reader.token, "PUT", SETTINGS("SA"), "If-Match: \"1\"", body, 403, NULL);
	/* Both fields are part of a replacement. */
	expect(manager.token, "PUT", SETTINGS("SA"), "If-Match: \"1\"",
	       "{\"default_receivable_account\":\"1200\"}", 422, NULL);
	expect(manager.token, "PUT", SETTINGS("SA"), "If-Match: \"1\"", body, 200, &r);
	ck_assert_str_eq(test_ledger_text(r.json, "default_receivable_account"), "1200");
	ck_assert_str_eq(test_ledger_text(r.json, "default_payable_account"), "2000");
	ck_assert_str_eq(test_ledger_if_match(&r), "If-Match: \"2\"");
	test_response_free(&r);
	expect(manager.token, "PUT", SETTINGS("SA"), "If-Match: \"1\"", body, 412, NULL);
	/* The same again changes nothing, and the version stays. */
	expect(manager.token, "PUT", SETTINGS("SA"), "If-Match: \"2\"", body, 200, &r);
	ck_assert_str_eq(test_ledger_if_match(&r), "If-Match: \"2\"");
	test_response_free(&r);
	expect(reader.token, "GET", SETTINGS("SA"), NULL, NULL, 200, &r);
	ck_assert_str_eq(test_ledger_text(r.json, "default_payable_account"), "2000");
	ck_assert(json_is_string(json_object_get(r.json, "updated_at")));
	test_response_free(&r);
	/* Another company's settings are its own. */
	expect(manager.token, "GET", SETTINGS("SB"), NULL, NULL, 200, &r);
	ck_assert(json_is_null(json_object_get(r.json, "default_receivable_account")));
	test_response_free(&r);
}
END_TEST

START_TEST(defaults_serve_their_side)
{
	static const struct {
		const char *body, *pointer, *code;
	} cases[] = {
		{ "{\"default_receivable_account\":\"2000\",\"default_payable_account\":null}",
		  "/default_receivable_account", "type" },
		{ "{\"default_receivable_account\":\"4000\",\"default_payable_account\":null}",
		  "/default_receivable_account", "type" },
		{ "{\"default_receivable_account\":null,\"default_payable_account\":\"1200\"}",
		  "/default_payable_account", "type" },
		{ "{\"default_receivable_account\":\"7777\",\"default_payable_account\":null}",
		  "/default_receivable_account", "unknown" },
		/* SB's account is no account of SA. */
		{ "{\"default_receivable_account\":\"1500\",\"default_payable_account\":null}",
		  "/default_receivable_account", "unknown" },
	};
	struct test_response r;
	char if_match[64];

	expect(manager.token, "GET", SETTINGS("SA"), NULL, NULL, 200, &r);
	snprintf(if_match, sizeof(if_match), "%s", test_ledger_if_match(&r));
	test_response_free(&r);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_field("PUT", SETTINGS("SA"), if_match, cases[i].body, cases[i].pointer, cases[i].code);
	expect(manager.token, "GET", SETTINGS("SA"), NULL, NULL, 200, &r);
	ck_assert_str_eq(test_ledger_if_match(&r), if_match); /* nothing changed */
	test_response_free(&r);
}
END_TEST

START_TEST(new_partners_get_the_defaults_until_one_is_inactive)
{
	const char *if_match;
	struct test_response r;

	if_match = test_ledger_read_if_match(&L, manager.token, SETTINGS("SA"));
	expect(manager.token, "PUT", SETTINGS("SA"), if_match,
	       "{\"default_receivable_account\":\"1210\",\"default_payable_account\":\"2000\"}", 200, NULL);
	expect(manager.token, "POST", PARTNERS("SA"), NULL,
	       "{\"code\":\"D1\",\"name\":\"Defaulted\",\"roles\":[\"customer\",\"vendor\"]}", 201, &r);
	ck_assert_str_eq(test_ledger_text(r.json, "receivable_account"), "1210");
	ck_assert_str_eq(test_ledger_text(r.json, "payable_account"), "2000");
	test_response_free(&r);
	/* An account given wins over the default. */
	expect(manager.token, "POST", PARTNERS("SA"), NULL,
	       "{\"code\":\"D2\",\"name\":\"Given\",\"roles\":[\"customer\"],\"receivable_account\":\"1200\"}",
	       201, &r);
	ck_assert_str_eq(test_ledger_text(r.json, "receivable_account"), "1200");
	ck_assert(json_is_null(json_object_get(r.json, "payable_account"))); /* not a vendor */
	test_response_free(&r);

	/* The ledger deactivates the default: it stays set, and new customers need another. */
	expect(keeper.token, "POST", "/api/v1/companies/SA/accounts/1210/deactivate", NULL, NULL, 200, NULL);
	expect(manager.token, "GET", SETTINGS("SA"), NULL, NULL, 200, &r);
	ck_assert_str_eq(test_ledger_text(r.json, "default_receivable_account"), "1210");
	test_response_free(&r);
	expect_field("POST", PARTNERS("SA"), NULL,
		     "{\"code\":\"D3\",\"name\":\"Refused\",\"roles\":[\"customer\"]}", "/receivable_account",
		     "inactive");
	expect(manager.token, "POST", PARTNERS("SA"), NULL,
	       "{\"code\":\"D3\",\"name\":\"Vendor only\",\"roles\":[\"vendor\"]}", 201, NULL);
	/* Nor can it be set again while inactive. */
	if_match = test_ledger_read_if_match(&L, manager.token, SETTINGS("SA"));
	expect_field("PUT", SETTINGS("SA"), if_match,
		     "{\"default_receivable_account\":\"1210\",\"default_payable_account\":null}",
		     "/default_receivable_account", "inactive");
	/* Cleared, a customer must name its account. */
	expect(manager.token, "PUT", SETTINGS("SA"), if_match,
	       "{\"default_receivable_account\":null,\"default_payable_account\":\"2000\"}", 200, NULL);
	expect_field("POST", PARTNERS("SA"), NULL,
		     "{\"code\":\"D4\",\"name\":\"Needs one\",\"roles\":[\"customer\"]}", "/receivable_account",
		     "required");
	expect(keeper.token, "POST", "/api/v1/companies/SA/accounts/1210/reactivate", NULL, NULL, 200, NULL);
}
END_TEST

START_TEST(only_holders_in_the_company)
{
	expect(NULL, "GET", SETTINGS("SA"), NULL, NULL, 401, NULL);
	expect(reader.token, "GET", SETTINGS("SB"), NULL, NULL, 404, NULL);
	expect(keeper.token, "GET", SETTINGS("SA"), NULL, NULL, 403, NULL);
	expect(keeper.token, "PUT", SETTINGS("SA"), "If-Match: \"1\"",
	       "{\"default_receivable_account\":null,\"default_payable_account\":null}", 403, NULL);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("e2e/partners/settings");
	TCase *tc = tcase_create("settings");

	tcase_add_unchecked_fixture(tc, start_shared, stop_shared);
	tcase_add_test(tc, defaults_are_set_against_the_version_read);
	tcase_add_test(tc, defaults_serve_their_side);
	tcase_add_test(tc, new_partners_get_the_defaults_until_one_is_inactive);
	tcase_add_test(tc, only_holders_in_the_company);
	suite_add_tcase(s, tc);
	return s;
}
