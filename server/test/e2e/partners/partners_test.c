/*
 * Partners end to end, against the real erp-server-test binary and a real
 * PostgreSQL: every route of a partner (list, create, read, change,
 * deactivate, reactivate) and every way it refuses: a duplicate code or tax
 * id (409), an account of the wrong type, unknown or inactive (422), bad
 * fields (422), a stale or missing If-Match (412, 428), no permission (403),
 * another company's partner (404), deactivating twice (409); and that a
 * partner keeps an account the ledger deactivates later.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test/support/check_main.h"
#include "test/support/ledger_fixture.h"
#include "test/support/testlib.h"

static struct test_ledger L;
static struct test_ledger_user keeper, manager, reader, viewer;

#define PARTNERS(company) "/api/v1/companies/" company "/partners"
#define PARTNER(company, code) "/api/v1/companies/" company "/partners/" code

static void start_shared(void)
{
	test_ledger_start(&L, "t_partners", (const char *const[]){ "ERP_RATE_LIMIT_PER_USER=0", NULL });
	test_ledger_role(&L, "pt-keeper", "[\"ledger.account.manage\",\"ledger.account.read\"]");
	test_ledger_role(&L, "pt-manager", "[\"partners.partner.manage\",\"partners.partner.read\"]");
	test_ledger_role(&L, "pt-reader", "[\"partners.partner.read\"]");
	test_ledger_role(&L, "pt-viewer", "[\"iam.company.read\"]");
	test_ledger_user(&L, "keeper@partners.test", &keeper);
	test_ledger_user(&L, "manager@partners.test", &manager);
	test_ledger_user(&L, "reader@partners.test", &reader);
	test_ledger_user(&L, "viewer@partners.test", &viewer);
	test_ledger_company(&L, "PA", "EUR");
	test_ledger_company(&L, "PB", "EUR");
	test_ledger_company(&L, "PJ", "JPY");
	for (int i = 0; i < 3; i++) {
		const char *company = (const char *[]){ "PA", "PB", "PJ" }[i];

		test_ledger_grant(&L, keeper.id, "pt-keeper", company, NULL);
		test_ledger_account(&L, keeper.token, company, "1200", "asset", NULL);
		test_ledger_account(&L, keeper.token, company, "2000", "liability", NULL);
	}
	/* The manager keeps PA's and PJ's partners, and has no role in PB. */
	test_ledger_grant(&L, manager.id, "pt-manager", "PA", NULL);
	test_ledger_grant(&L, manager.id, "pt-manager", "PJ", NULL);
	test_ledger_grant(&L, reader.id, "pt-reader", "PA", NULL);
	test_ledger_grant(&L, viewer.id, "pt-viewer", "PA", NULL);
	test_ledger_account(&L, keeper.token, "PA", "1210", "asset", NULL);
	test_ledger_account(&L, keeper.token, "PA", "2010", "liability", NULL);
	test_ledger_account(&L, keeper.token, "PA", "3000", "equity", NULL);
	test_ledger_account(&L, keeper.token, "PA", "4000", "revenue", NULL);
	test_ledger_account(&L, keeper.token, "PB", "1300", "asset", NULL);
	ck_assert_int_eq(test_ledger_call(&L, keeper.token, "POST",
					  "/api/v1/companies/PA/accounts/2010/deactivate", NULL, NULL, NULL),
			 200);
}

static void stop_shared(void)
{
	test_ledger_stop(&L);
}

/* A call as token that must answer expected; r (when not NULL) is the caller's to free. */
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

/* A refusal that names field (its JSON pointer; a query's: the parameter) with code. */
static void expect_field(const char *method, const char *path, const char *header, const char *body,
			 const char *pointer, const char *code)
{
	struct test_response r;
	json_t *errors, *error;
	size_t i;
	bool found = false;

	expect(manager.token, method, path, header, body, 422, &r);
	ck_assert_ptr_nonnull(strstr(r.headers, "application/problem+json"));
	errors = json_object_get(r.json, "errors");
	json_array_foreach(errors, i, error)
		found = found || ((strcmp(test_ledger_text(error, "pointer"), pointer) == 0 ||
				   strcmp(test_ledger_text(error, "parameter"), pointer) == 0) &&
				  (!code || strcmp(test_ledger_text(error, "code"), code) == 0));
	ck_assert_msg(found, "%s %s: no %s (%s) in %s", method, path, pointer, code ? code : "any",
		      r.body);
	test_response_free(&r);
}

/* The codes of a page's items, joined by commas. */
static const char *codes(const struct test_response *r)
{
	static char text[512];
	json_t *each;
	size_t i;

	text[0] = '\0';
	json_array_foreach(json_object_get(r->json, "items"), i, each) {
		size_t used = strlen(text);

		snprintf(text + used, sizeof(text) - used, "%s%s", i ? "," : "",
			 test_ledger_text(each, "code"));
	}
	return text;
}

/* The roles of a partner, joined by commas. */
static const char *roles(json_t *partner)
{
	static char text[64];
	json_t *each;
	size_t i;

	text[0] = '\0';
	json_array_foreach(json_object_get(partner, "roles"), i, each) {
		size_t used = strlen(text);

		snprintf(text + used, sizeof(text) - used, "%s%s", i ? "," : "", json_string_value(each));
	}
	return text;
}

START_TEST(a_customer_is_created_and_read)
{
	struct test_response r;
	char *location;

	expect(manager.token, "POST", PARTNERS("PA"),  NULL,
	       "{\"code\":\"ACME\",\"name\":\"Acme GmbH\",\"roles\":[\"customer\"],"
	       "\"tax_id\":\"de 123.456-789\",\"email\":\"ap@acme.example\","
	       "\"billing_address\":{\"line1\":\"Hauptstr. 1\",\"city\":\"Berlin\",\"postal_code\":\"10115\","
	       "\"country\":\"DE\"},\"credit_limit\":\"5000\",\"receivable_account\":\"1200\"}",
	       201, &r);
	location = test_response_header(&r, "Location");
	ck_assert_str_eq(location, PARTNER("PA", "ACME"));
	free(location);
	ck_assert_str_eq(test_ledger_if_match(&r), "If-Match: \"1\"");
	ck_assert_str_eq(roles(r.json), "customer");
	ck_assert_str_eq(test_ledger_text(r.json, "tax_id"), "DE123456789");
	ck_assert_str_eq(test_ledger_text(r.json, "currency"), "EUR"); /* the company's */
	ck_assert_int_eq(json_integer_value(json_object_get(r.json, "payment_terms_days")), 30);
	ck_assert(json_is_false(json_object_get(r.json, "payment_terms_end_of_month")));
	ck_assert_str_eq(test_ledger_text(r.json, "credit_limit"), "5000.00");
	ck_assert_str_eq(test_ledger_text(r.json, "credit_limit_currency"), "EUR");
	ck_assert_str_eq(test_ledger_text(r.json, "receivable_account"), "1200");
	ck_assert(json_is_null(json_object_get(r.json, "payable_account")));
	ck_assert(json_is_null(json_object_get(r.json, "shipping_address")));
	ck_assert_str_eq(test_ledger_text(json_object_get(r.json, "billing_address"), "city"), "Berlin");
	ck_assert(json_is_true(json_object_get(r.json, "active")));
	test_response_free(&r);

	/* Read back, by a holder of the read permission alone. */
	expect(reader.token, "GET", PARTNER("PA", "ACME"), NULL, NULL, 200, &r);
	ck_assert_str_eq(test_ledger_text(r.json, "name"), "Acme GmbH");
	ck_assert_str_eq(test_ledger_text(r.json, "email"), "ap@acme.example");
	ck_assert_str_eq(test_ledger_if_match(&r), "If-Match: \"1\"");
	test_response_free(&r);
}
END_TEST

START_TEST(one_record_plays_both_roles)
{
	struct test_response r;

	expect(manager.token, "POST", PARTNERS("PA"), NULL,
	       "{\"code\":\"BOTH\",\"name\":\"Both Ways Ltd\",\"roles\":[\"vendor\",\"customer\"],"
	       "\"currency\":\"USD\",\"payment_terms_days\":15,\"payment_terms_end_of_month\":true,"
	       "\"receivable_account\":\"1200\",\"payable_account\":\"2000\"}",
	       201, &r);
	ck_assert_str_eq(roles(r.json), "customer,vendor");
	ck_assert_str_eq(test_ledger_text(r.json, "currency"), "USD");
	ck_assert_int_eq(json_integer_value(json_object_get(r.json, "payment_terms_days")), 15);
	ck_assert(json_is_true(json_object_get(r.json, "payment_terms_end_of_month")));
	ck_assert_str_eq(test_ledger_text(r.json, "payable_account"), "2000");
	ck_assert(json_is_null(json_object_get(r.json, "credit_limit")));
	test_response_free(&r);
}
END_TEST

START_TEST(a_code_or_tax_id_names_one_partner)
{
	expect(manager.token, "POST", PARTNERS("PA"), NULL,
	       "{\"code\":\"DUP\",\"name\":\"Dup\",\"roles\":[\"customer\"],\"tax_id\":\"FR 40 303 265 045\","
	       "\"receivable_account\":\"1200\"}", 201, NULL);
	/* The same code, also in another case: 409. */
	expect(manager.token, "POST", PARTNERS("PA"), NULL,
	       "{\"code\":\"DUP\",\"name\":\"Dup again\",\"roles\":[\"vendor\"],\"payable_account\":\"2000\"}",
	       409, NULL);
	expect(manager.token, "POST", PARTNERS("PA"), NULL,
	       "{\"code\":\"dup\",\"name\":\"Dup again\",\"roles\":[\"vendor\"],\"payable_account\":\"2000\"}",
	       409, NULL);
	/* The same tax id, written otherwise: the same counterparty, 409 (give it the vendor role). */
	expect(manager.token, "POST", PARTNERS("PA"), NULL,
	       "{\"code\":\"DUP2\",\"name\":\"Dup as vendor\",\"roles\":[\"vendor\"],"
	       "\"tax_id\":\"fr40303265045\",\"payable_account\":\"2000\"}", 409, NULL);
	/* A change to another partner's tax id: 409 too. */
	expect(manager.token, "POST", PARTNERS("PA"), NULL,
	       "{\"code\":\"DUP3\",\"name\":\"Other\",\"roles\":[\"vendor\"],\"payable_account\":\"2000\"}",
	       201, NULL);
	expect(manager.token, "PATCH", PARTNER("PA", "DUP3"), "If-Match: \"1\"",
	       "{\"tax_id\":\"FR40303265045\"}", 409, NULL);
	/* Another company may know the same counterparty under the same code and tax id. */
	expect(manager.token, "POST", PARTNERS("PJ"), NULL,
	       "{\"code\":\"DUP\",\"name\":\"Dup\",\"roles\":[\"customer\"],\"tax_id\":\"FR40303265045\","
	       "\"receivable_account\":\"1200\"}", 201, NULL);
	/* Nothing of the refused ones was written. */
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM partners_partners"
						  " WHERE lower(code) LIKE 'dup%%'"), 3);
}
END_TEST

START_TEST(accounts_must_serve_their_side)
{
	static const char head[] = "{\"code\":\"ACC\",\"name\":\"Accounts\",\"roles\":[\"customer\",\"vendor\"],";
	static const struct {
		const char *accounts, *pointer, *code;
	} cases[] = {
		{ "\"receivable_account\":\"2000\",\"payable_account\":\"2000\"}", "/receivable_account", "type" },
		{ "\"receivable_account\":\"4000\",\"payable_account\":\"2000\"}", "/receivable_account", "type" },
		{ "\"receivable_account\":\"1200\",\"payable_account\":\"1200\"}", "/payable_account", "type" },
		{ "\"receivable_account\":\"1200\",\"payable_account\":\"3000\"}", "/payable_account", "type" },
		{ "\"receivable_account\":\"9999\",\"payable_account\":\"2000\"}", "/receivable_account", "unknown" },
		/* PB's account is no account of PA. */
		{ "\"receivable_account\":\"1300\",\"payable_account\":\"2000\"}", "/receivable_account", "unknown" },
		{ "\"receivable_account\":\"1200\",\"payable_account\":\"2010\"}", "/payable_account", "inactive" },
		/* Neither given, and the company has no defaults: a customer and a vendor need one each. */
		{ "\"payable_account\":\"2000\"}", "/receivable_account", "required" },
		{ "\"receivable_account\":\"1200\"}", "/payable_account", "required" },
		{ "\"receivable_account\":null,\"payable_account\":\"2000\"}", "/receivable_account", "required" },
	};
	char body[512];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(body, sizeof(body), "%s%s", head, cases[i].accounts);
		expect_field("POST", PARTNERS("PA"), NULL, body, cases[i].pointer, cases[i].code);
	}
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM partners_partners WHERE code = 'ACC'"),
			 0);
}
END_TEST

START_TEST(bad_fields_are_refused_by_name)
{
	static const struct {
		const char *body, *pointer, *code;
	} cases[] = {
		{ "{\"code\":\"B1\",\"name\":\"B\",\"roles\":[\"customer\"],\"email\":\"ap@localhost\"}", "/email", NULL },
		{ "{\"code\":\"B1\",\"name\":\"B\",\"roles\":[\"customer\"],\"tax_id\":\"ABC\"}", "/tax_id", "format" },
		{ "{\"code\":\"B1\",\"name\":\"B\",\"roles\":[\"customer\"],\"currency\":\"usd\"}", "/currency", "unknown" },
		{ "{\"code\":\"B1\",\"name\":\"B\",\"roles\":[\"customer\"],\"currency\":\"ZZZ\"}", "/currency", "unknown" },
		{ "{\"code\":\"B1\",\"name\":\"B\",\"roles\":[\"customer\"],\"credit_limit\":\"1.005\"}", "/credit_limit", "format" },
		{ "{\"code\":\"B1\",\"name\":\"B\",\"roles\":[\"customer\"],\"credit_limit\":\"-5.00\"}", "/credit_limit", NULL },
		{ "{\"code\":\"B1\",\"name\":\"B\",\"roles\":[\"customer\"],\"credit_limit\":5000}", "/credit_limit", "type" },
		{ "{\"code\":\"B1\",\"name\":\"B\",\"roles\":[]}", "/roles", NULL },
		{ "{\"code\":\"B1\",\"name\":\"B\",\"roles\":[\"customer\",\"customer\"]}", "/roles", "duplicate" },
		{ "{\"code\":\"B1\",\"name\":\"B\",\"roles\":[\"supplier\"]}", "/roles/0", "enum" },
		{ "{\"code\":\"B 1\",\"name\":\"B\",\"roles\":[\"customer\"]}", "/code", "format" },
		{ "{\"name\":\"B\",\"roles\":[\"customer\"]}", "/code", "required" },
		{ "{\"code\":\"B1\",\"name\":\" \",\"roles\":[\"customer\"]}", "/name", NULL },
		{ "{\"code\":\"B1\",\"name\":\"B\",\"roles\":[\"customer\"],\"payment_terms_days\":366}",
		  "/payment_terms_days", "maximum" },
		{ "{\"code\":\"B1\",\"name\":\"B\",\"roles\":[\"customer\"],\"billing_address\":"
		  "{\"line1\":\"x\",\"city\":\"y\",\"country\":\"de\"}}", "/billing_address/country", NULL },
		{ "{\"code\":\"B1\",\"name\":\"B\",\"roles\":[\"customer\"],\"shipping_address\":"
		  "{\"line1\":\"x\",\"country\":\"DE\"}}", "/shipping_address/city", "required" },
		{ "{\"code\":\"B1\",\"name\":\"B\",\"roles\":[\"customer\"],\"shipping_address\":"
		  "{\"line1\":\"x\",\"city\":\"y\",\"country\":\"DE\",\"planet\":\"Mars\"}}",
		  "/shipping_address/planet", "unknown_field" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_field("POST", PARTNERS("PA"), NULL, cases[i].body, cases[i].pointer, cases[i].code);
	/* A yen company's credit limit has no cents. */
	expect_field("POST", PARTNERS("PJ"), NULL,
		     "{\"code\":\"Y1\",\"name\":\"Yen\",\"roles\":[\"customer\"],\"credit_limit\":\"1.50\","
		     "\"receivable_account\":\"1200\"}", "/credit_limit", "format");
}
END_TEST

START_TEST(a_yen_credit_limit_is_counted_in_yen)
{
	struct test_response r;

	expect(manager.token, "POST", PARTNERS("PJ"), NULL,
	       "{\"code\":\"YEN\",\"name\":\"Yen KK\",\"roles\":[\"customer\"],\"credit_limit\":\"1000000\","
	       "\"receivable_account\":\"1200\"}", 201, &r);
	ck_assert_str_eq(test_ledger_text(r.json, "credit_limit"), "1000000");
	ck_assert_str_eq(test_ledger_text(r.json, "credit_limit_currency"), "JPY");
	ck_assert_str_eq(test_ledger_text(r.json, "currency"), "JPY");
	test_response_free(&r);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT credit_limit_minor FROM partners_partners"
						  " WHERE code = 'YEN'"), 1000000);
}
END_TEST

START_TEST(changes_need_the_version_read)
{
	struct test_response r;

	expect(manager.token, "POST", PARTNERS("PA"), NULL,
	       "{\"code\":\"CHG\",\"name\":\"Change Me\",\"roles\":[\"customer\"],\"email\":\"a@chg.example\","
	       "\"credit_limit\":\"100\",\"receivable_account\":\"1200\"}", 201, NULL);
	/* No If-Match: 428; a version that is not the partner's: 412; a malformed one: 412. */
	expect(manager.token, "PATCH", PARTNER("PA", "CHG"), NULL, "{\"name\":\"Changed\"}", 428, NULL);
	expect(manager.token, "PATCH", PARTNER("PA", "CHG"), "If-Match: \"7\"", "{\"name\":\"Changed\"}",
	       412, NULL);
	expect(manager.token, "PATCH", PARTNER("PA", "CHG"), "If-Match: soon", "{\"name\":\"Changed\"}",
	       412, NULL);
	/* The version read: changed, and null clears what may be cleared. */
	expect(manager.token, "PATCH", PARTNER("PA", "CHG"), "If-Match: \"1\"",
	       "{\"name\":\"Changed\",\"email\":null,\"credit_limit\":null,\"payment_terms_days\":45,"
	       "\"shipping_address\":{\"line1\":\"Dock 4\",\"city\":\"Hamburg\",\"country\":\"DE\"}}",
	       200, &r);
	ck_assert_str_eq(test_ledger_if_match(&r), "If-Match: \"2\"");
	ck_assert_str_eq(test_ledger_text(r.json, "name"), "Changed");
	ck_assert(json_is_null(json_object_get(r.json, "email")));
	ck_assert(json_is_null(json_object_get(r.json, "credit_limit")));
	ck_assert(json_is_null(json_object_get(r.json, "credit_limit_currency")));
	ck_assert_int_eq(json_integer_value(json_object_get(r.json, "payment_terms_days")), 45);
	ck_assert_str_eq(test_ledger_text(json_object_get(r.json, "shipping_address"), "city"), "Hamburg");
	ck_assert_str_eq(test_ledger_text(r.json, "receivable_account"), "1200"); /* left alone */
	test_response_free(&r);
	/* The old version is stale now. */
	expect(manager.token, "PATCH", PARTNER("PA", "CHG"), "If-Match: \"1\"", "{\"name\":\"Again\"}",
	       412, NULL);
	/* A change that changes nothing writes nothing: the version stays. */
	expect(manager.token, "PATCH", PARTNER("PA", "CHG"), "If-Match: \"2\"",
	       "{\"name\":\"Changed\",\"payment_terms_days\":45}", 200, &r);
	ck_assert_str_eq(test_ledger_if_match(&r), "If-Match: \"2\"");
	test_response_free(&r);
	/* Becoming a vendor too needs a payable account; with one it is the same record. */
	expect_field("PATCH", PARTNER("PA", "CHG"), "If-Match: \"2\"",
		     "{\"roles\":[\"customer\",\"vendor\"]}", "/payable_account", "required");
	expect(manager.token, "PATCH", PARTNER("PA", "CHG"), "If-Match: \"2\"",
	       "{\"roles\":[\"customer\",\"vendor\"],\"payable_account\":\"2000\"}", 200, &r);
	ck_assert_str_eq(roles(r.json), "customer,vendor");
	ck_assert_str_eq(test_ledger_text(r.json, "payable_account"), "2000");
	test_response_free(&r);
	/* A customer's receivable account cannot be cleared; the code is fixed. */
	expect_field("PATCH", PARTNER("PA", "CHG"), "If-Match: \"3\"", "{\"receivable_account\":null}",
		     "/receivable_account", "required");
	expect_field("PATCH", PARTNER("PA", "CHG"), "If-Match: \"3\"", "{\"code\":\"NEW\"}", "/code",
		     "unknown_field");
	/* No such partner: 404, If-Match or not. */
	expect(manager.token, "PATCH", PARTNER("PA", "NOPE"), "If-Match: \"1\"", "{\"name\":\"x\"}", 404,
	       NULL);
}
END_TEST

START_TEST(deactivation_and_reactivation_happen_once)
{
	struct test_response r;

	expect(manager.token, "POST", PARTNERS("PA"), NULL,
	       "{\"code\":\"ACT\",\"name\":\"Active\",\"roles\":[\"vendor\"],\"payable_account\":\"2000\"}",
	       201, NULL);
	expect(manager.token, "POST", PARTNER("PA", "ACT") "/deactivate", NULL, NULL, 200, &r);
	ck_assert(json_is_false(json_object_get(r.json, "active")));
	ck_assert_str_eq(test_ledger_if_match(&r), "If-Match: \"2\"");
	test_response_free(&r);
	expect(manager.token, "POST", PARTNER("PA", "ACT") "/deactivate", NULL, NULL, 409, &r);
	ck_assert_ptr_nonnull(strstr(r.body, "inactive already"));
	test_response_free(&r);
	expect(manager.token, "POST", PARTNER("PA", "ACT") "/reactivate", NULL, NULL, 200, &r);
	ck_assert(json_is_true(json_object_get(r.json, "active")));
	test_response_free(&r);
	expect(manager.token, "POST", PARTNER("PA", "ACT") "/reactivate", NULL, NULL, 409, NULL);
	expect(manager.token, "POST", PARTNER("PA", "NOPE") "/deactivate", NULL, NULL, 404, NULL);
	/* Never deleted: there is no such route. */
	expect(manager.token, "DELETE", PARTNER("PA", "ACT"), NULL, NULL, 405, NULL);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT version FROM partners_partners WHERE code = 'ACT'"),
			 3);
}
END_TEST

START_TEST(only_holders_of_the_permissions_in_the_company)
{
	static const char body[] = "{\"code\":\"PERM\",\"name\":\"Perm\",\"roles\":[\"vendor\"],"
				   "\"payable_account\":\"2000\"}";

	expect(manager.token, "POST", PARTNERS("PA"), NULL, body, 201, NULL);
	/* Reading is not managing. */
	expect(reader.token, "POST", PARTNERS("PA"), NULL, body, 403, NULL);
	expect(reader.token, "PATCH", PARTNER("PA", "PERM"), "If-Match: \"1\"", "{\"name\":\"x\"}", 403,
	       NULL);
	expect(reader.token, "POST", PARTNER("PA", "PERM") "/deactivate", NULL, NULL, 403, NULL);
	expect(reader.token, "GET", PARTNER("PA", "PERM"), NULL, NULL, 200, NULL);
	/* A role in the company without the permission: 403; none at all: 404; no token: 401. */
	expect(viewer.token, "GET", PARTNERS("PA"), NULL, NULL, 403, NULL);
	expect(viewer.token, "GET", PARTNER("PA", "PERM"), NULL, NULL, 403, NULL);
	expect(reader.token, "GET", PARTNERS("PJ"), NULL, NULL, 404, NULL);
	expect(NULL, "GET", PARTNERS("PA"), NULL, NULL, 401, NULL);
	expect(NULL, "POST", PARTNERS("PA"), NULL, body, 401, NULL);
}
END_TEST

START_TEST(another_companys_partners_do_not_exist)
{
	char token[64];
	struct test_ledger_user pb_manager;

	/* PB's partner, made by PB's own manager. */
	test_ledger_user(&L, "pb-manager@partners.test", &pb_manager);
	test_ledger_grant(&L, pb_manager.id, "pt-manager", "PB", NULL);
	snprintf(token, sizeof(token), "%s", pb_manager.token);
	expect(token, "POST", PARTNERS("PB"), NULL,
	       "{\"code\":\"ONLYB\",\"name\":\"Only in B\",\"roles\":[\"customer\"],"
	       "\"receivable_account\":\"1300\"}", 201, NULL);
	/* Through PA, where the manager holds a role: no such partner. */
	expect(manager.token, "GET", PARTNER("PA", "ONLYB"), NULL, NULL, 404, NULL);
	expect(manager.token, "PATCH", PARTNER("PA", "ONLYB"), "If-Match: \"1\"", "{\"name\":\"x\"}", 404,
	       NULL);
	expect(manager.token, "POST", PARTNER("PA", "ONLYB") "/deactivate", NULL, NULL, 404, NULL);
	/* Through PB, where the manager holds nothing: the company does not exist for them. */
	expect(manager.token, "GET", PARTNER("PB", "ONLYB"), NULL, NULL, 404, NULL);
	expect(manager.token, "PATCH", PARTNER("PB", "ONLYB"), "If-Match: \"1\"", "{\"name\":\"x\"}", 404,
	       NULL);
	expect(manager.token, "POST", PARTNER("PB", "ONLYB") "/deactivate", NULL, NULL, 404, NULL);
	expect(manager.token, "GET", PARTNERS("PB"), NULL, NULL, 404, NULL);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM partners_partners"
						  " WHERE code = 'ONLYB' AND name = 'Only in B' AND active"), 1);
}
END_TEST

START_TEST(lists_page_by_page_and_filter)
{
	static const char *const made[] = {
		"{\"code\":\"L-A1\",\"name\":\"Alpha Traders\",\"roles\":[\"customer\"],\"tax_id\":\"L111\"}",
		"{\"code\":\"L-A2\",\"name\":\"alpine supply\",\"roles\":[\"vendor\"]}",
		"{\"code\":\"L-B1\",\"name\":\"Beta Both\",\"roles\":[\"customer\",\"vendor\"]}",
		"{\"code\":\"L-B2\",\"name\":\"Beta Gone\",\"roles\":[\"customer\"]}",
	};
	struct test_response r;
	char next[1600], body[512];

	for (size_t i = 0; i < sizeof(made) / sizeof(made[0]); i++) {
		/* Accounts for both sides, whichever the partner plays. */
		snprintf(body, sizeof(body), "%.*s,\"receivable_account\":\"1200\",\"payable_account\":\"2000\"}",
			 (int)strlen(made[i]) - 1, made[i]);
		expect(manager.token, "POST", PARTNERS("PJ"), NULL, body, 201, NULL);
	}
	expect(manager.token, "POST", PARTNER("PJ", "L-B2") "/deactivate", NULL, NULL, 200, NULL);

	expect(manager.token, "GET", PARTNERS("PJ") "?code=L-&limit=3", NULL, NULL, 200, &r);
	ck_assert_str_eq(codes(&r), "L-A1,L-A2,L-B1");
	snprintf(next, sizeof(next), PARTNERS("PJ") "?code=L-&limit=3&cursor=%s",
		 test_ledger_text(r.json, "next_cursor"));
	test_response_free(&r);
	expect(manager.token, "GET", next, NULL, NULL, 200, &r);
	ck_assert_str_eq(codes(&r), "L-B2");
	ck_assert(json_is_null(json_object_get(r.json, "next_cursor")));
	test_response_free(&r);

	static const struct {
		const char *query, *codes;
	} filters[] = {
		{ "?code=l-&role=customer", "L-A1,L-B1,L-B2" },
		{ "?code=l-&role=vendor", "L-A2,L-B1" },
		{ "?code=l-&active=false", "L-B2" },
		{ "?code=l-&active=true&role=customer", "L-A1,L-B1" },
		{ "?name=ALP", "L-A1,L-A2" },
		{ "?name=beta%20b", "L-B1" },
		{ "?tax_id=l-111", "L-A1" },
		{ "?code=L-A&name=beta", "" },
	};
	for (size_t i = 0; i < sizeof(filters) / sizeof(filters[0]); i++) {
		snprintf(next, sizeof(next), PARTNERS("PJ") "%s", filters[i].query);
		expect(manager.token, "GET", next, NULL, NULL, 200, &r);
		ck_assert_msg(strcmp(codes(&r), filters[i].codes) == 0, "%s: %s", filters[i].query, codes(&r));
		test_response_free(&r);
	}
	/* Bad queries: a problem, naming the parameter. */
	expect(manager.token, "GET", PARTNERS("PJ") "?cursor=nonsense", NULL, NULL, 400, NULL);
	expect_field("GET", PARTNERS("PJ") "?role=supplier", NULL, NULL, "role", NULL);
	expect_field("GET", PARTNERS("PJ") "?tax_id=none", NULL, NULL, "tax_id", "format");
	expect_field("GET", PARTNERS("PJ") "?limit=0", NULL, NULL, "limit", NULL);
}
END_TEST

START_TEST(a_partner_keeps_an_account_the_ledger_deactivates)
{
	struct test_response r;

	expect(manager.token, "POST", PARTNERS("PA"), NULL,
	       "{\"code\":\"KEEP\",\"name\":\"Keeper\",\"roles\":[\"customer\"],\"receivable_account\":\"1210\"}",
	       201, NULL);
	expect(keeper.token, "POST", "/api/v1/companies/PA/accounts/1210/deactivate", NULL, NULL, 200, NULL);
	/* Still linked, shown as it was, and other changes go through. */
	expect(manager.token, "GET", PARTNER("PA", "KEEP"), NULL, NULL, 200, &r);
	ck_assert_str_eq(test_ledger_text(r.json, "receivable_account"), "1210");
	test_response_free(&r);
	expect(manager.token, "PATCH", PARTNER("PA", "KEEP"), "If-Match: \"1\"", "{\"name\":\"Keeper Ltd\"}",
	       200, NULL);
	/* Given again, it is refused: no new link to an inactive account. */
	expect_field("PATCH", PARTNER("PA", "KEEP"), "If-Match: \"2\"", "{\"receivable_account\":\"1210\"}",
		     "/receivable_account", "inactive");
	expect(manager.token, "PATCH", PARTNER("PA", "KEEP"), "If-Match: \"2\"",
	       "{\"receivable_account\":\"1200\"}", 200, &r);
	ck_assert_str_eq(test_ledger_text(r.json, "receivable_account"), "1200");
	test_response_free(&r);
	expect(keeper.token, "POST", "/api/v1/companies/PA/accounts/1210/reactivate", NULL, NULL, 200, NULL);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("e2e/partners/partners");
	TCase *tc = tcase_create("partners");

	tcase_add_unchecked_fixture(tc, start_shared, stop_shared);
	tcase_add_test(tc, a_customer_is_created_and_read);
	tcase_add_test(tc, one_record_plays_both_roles);
	tcase_add_test(tc, a_code_or_tax_id_names_one_partner);
	tcase_add_test(tc, accounts_must_serve_their_side);
	tcase_add_test(tc, bad_fields_are_refused_by_name);
	tcase_add_test(tc, a_yen_credit_limit_is_counted_in_yen);
	tcase_add_test(tc, changes_need_the_version_read);
	tcase_add_test(tc, deactivation_and_reactivation_happen_once);
	tcase_add_test(tc, only_holders_of_the_permissions_in_the_company);
	tcase_add_test(tc, another_companys_partners_do_not_exist);
	tcase_add_test(tc, lists_page_by_page_and_filter);
	tcase_add_test(tc, a_partner_keeps_an_account_the_ledger_deactivates);
	suite_add_tcase(s, tc);
	return s;
}
