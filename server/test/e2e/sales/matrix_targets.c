/*
 * Sales' targets for the route-permission matrix (test/support/matrix.h):
 * the tax code its {code} paths name and the draft invoice its {id} paths
 * name, made in setup with the ledger accounts and the customer they need
 * (codes of their own: other modules' targets make accounts and partners
 * in the same company), a posted invoice and a payment allocated to it for
 * the {id} and {allocation} of customer payments, and valid bodies for its
 * writes.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "test/support/iam_fixture.h"
#include "test/support/matrix.h"
#include "test/support/testlib.h"

static const char member_password[] = "member-password-01";

/* A draft invoice of customer MXS, its lines on the accounts and tax code setup makes. */
#define INVOICE_BODY                                                                          \
	"{\"partner\":\"MXS\",\"date\":\"2026-03-10\",\"lines\":[{\"description\":\"Matrix work\","   \
	"\"quantity\":\"2\",\"unit_price\":\"50.00\",\"revenue_account\":\"4010\",\"tax_code\":\"MXT\"}]}"

static char draft_id[40], payment_id[40], allocation_id[40], credit_note_id[40];
static char credit_invoice_id[40]; /* the posted invoice the credit notes take back */

/* A POST as token that must answer 201; its "id" into id (40 bytes) unless id is NULL. */
static void create(const struct test_matrix_env *env, const char *token, const char *path,
		   const char *body, char *id)
{
	struct test_response r;

	test_iam_request(env->base_url, "POST", test_iam_path("/api/v1/companies/%s%s", env->company, path),
			 token, NULL, body, &r);
	ck_assert_msg(r.status == 201, "POST %s: %ld %s", path, r.status, r.body);
	if (id)
		snprintf(id, 40, "%s", json_string_value(json_object_get(r.json, "id")));
	test_response_free(&r);
}

/*
 * A posted invoice and a payment allocated to it, with bank account 1011,
 * made by a user who may book cash (and so keeps no customers: the SoD
 * pair partners.partner.manage / sales.payment.post); the fiscal year 2026
 * is the ledger's targets'.
 */
static void cash_setup(const struct test_matrix_env *env)
{
	char user_id[40], token[64], invoice_id[40];
	struct test_response r;

	test_iam_create_user(env->base_url, env->admin_token, "cash@matrix.test", member_password,
			     user_id);
	test_iam_grant_new_role(env->base_url, env->admin_token, user_id, "mx-cash-setup",
				"[\"ledger.account.manage\",\"sales.invoice.create\",\"sales.invoice.post\","
				"\"sales.payment.post\",\"sales.credit-note.create\"]", env->company);
	ck_assert_int_eq(test_iam_login(env->base_url, "cash@matrix.test", member_password, token), 0);
	create(env, token, "/accounts", "{\"code\":\"1011\",\"name\":\"Bank\",\"type\":\"asset\"}",
	       NULL);
	create(env, token, "/sales-invoices", INVOICE_BODY, invoice_id);
	test_iam_request(env->base_url, "POST",
			 test_iam_path("/api/v1/companies/%s/sales-invoices/%s/post", env->company, invoice_id),
			 token, "If-Match: \"1\"", "{}", &r);
	ck_assert_msg(r.status == 200, "post: %ld %s", r.status, r.body);
	test_response_free(&r);
	test_iam_request(env->base_url, "POST",
			 test_iam_path("/api/v1/companies/%s/customer-payments", env->company), token, NULL,
			 "{\"partner\":\"MXS\",\"date\":\"2026-03-11\",\"amount\":\"50.00\","
			 "\"bank_account\":\"1011\",\"allocations\":\"auto\"}", &r);
	ck_assert_msg(r.status == 201, "payment: %ld %s", r.status, r.body);
	snprintf(payment_id, sizeof(payment_id), "%s", json_string_value(json_object_get(r.json, "id")));
	snprintf(allocation_id, sizeof(allocation_id), "%s", json_string_value(json_object_get(
		json_array_get(json_object_get(r.json, "allocations"), 0), "id")));
	test_response_free(&r);
	create(env, token, "/credit-notes",
	       test_iam_path("{\"invoice\":\"%s\",\"date\":\"2026-03-12\",\"reason\":\"matrix\","
			     "\"lines\":[{\"line\":1,\"quantity\":\"1\"}]}", invoice_id), credit_note_id);
	snprintf(credit_invoice_id, sizeof(credit_invoice_id), "%s", invoice_id);
}

/*
 * Accounts 2210 (output tax), 1410 (input tax), 1210 (receivable) and 4010
 * (revenue), tax code MXT, customer MXS and a draft invoice, made by a user
 * who may.
 */
static void setup(const struct test_matrix_env *env)
{
	char user_id[40], token[64];

	test_iam_create_user(env->base_url, env->admin_token, "sales@matrix.test", member_password,
			     user_id);
	test_iam_grant_new_role(env->base_url, env->admin_token, user_id, "mx-sales-setup",
				"[\"ledger.account.manage\",\"sales.tax-code.manage\","
				"\"partners.partner.manage\",\"sales.invoice.create\"]", env->company);
	ck_assert_int_eq(test_iam_login(env->base_url, "sales@matrix.test", member_password, token), 0);
	create(env, token, "/accounts", "{\"code\":\"2210\",\"name\":\"Output tax\",\"type\":\"liability\"}",
	       NULL);
	create(env, token, "/accounts", "{\"code\":\"1410\",\"name\":\"Input tax\",\"type\":\"asset\"}",
	       NULL);
	create(env, token, "/accounts", "{\"code\":\"1210\",\"name\":\"Trade debtors\",\"type\":\"asset\"}",
	       NULL);
	create(env, token, "/accounts", "{\"code\":\"4010\",\"name\":\"Services\",\"type\":\"revenue\"}",
	       NULL);
	create(env, token, "/tax-codes",
	       "{\"code\":\"MXT\",\"name\":\"Matrix tax\",\"rate\":\"20\",\"output_account\":\"2210\","
	       "\"input_account\":\"1410\"}", NULL);
	create(env, token, "/partners",
	       "{\"code\":\"MXS\",\"name\":\"Matrix Customer\",\"roles\":[\"customer\"],"
	       "\"receivable_account\":\"1210\"}", NULL);
	create(env, token, "/sales-invoices", INVOICE_BODY, draft_id);
	cash_setup(env);
}

static const char *param(const char *pattern, const char *name)
{
	if (strcmp(name, "code") == 0 && strstr(pattern, "/tax-codes/{code}"))
		return "MXT";
	if (strcmp(name, "code") == 0 && strstr(pattern, "/partners/{code}/statement"))
		return "MXS";
	if (strcmp(name, "id") == 0 && strstr(pattern, "/sales-invoices/{id}"))
		return draft_id;
	if (strcmp(name, "id") == 0 && strstr(pattern, "/customer-payments/{id}"))
		return payment_id;
	if (strcmp(name, "allocation") == 0)
		return allocation_id;
	if (strcmp(name, "id") == 0 && strstr(pattern, "/credit-notes/{id}"))
		return credit_note_id;
	return NULL;
}

static const char *body(const char *method, const char *pattern)
{
	static const struct {
		const char *method, *path, *body;  /* path: the pattern after /companies/{company} */
	} bodies[] = {
		{ "POST", "/tax-codes",
		  "{\"code\":\"MXU\",\"name\":\"Matrix reduced\",\"rate\":\"7.5\","
		  "\"output_account\":\"2210\"}" },
		{ "PATCH", "/tax-codes/{code}", "{\"name\":\"Matrix tax, standard\"}" },
		{ "POST", "/sales-invoices", INVOICE_BODY },
		{ "PUT", "/sales-invoices/{id}", INVOICE_BODY },
		{ "POST", "/customer-payments",
		  "{\"partner\":\"MXS\",\"date\":\"2026-03-12\",\"amount\":\"1.00\","
		  "\"bank_account\":\"1011\"}" },
		{ "POST", "/customer-payments/{id}/allocations", "{\"auto\":true}" },
		{ "POST", "/customer-payments/{id}/reverse", "{\"reason\":\"matrix\"}" },
	};
	static const char company[] = "/api/v1/companies/{company}";

	if (strncmp(pattern, company, strlen(company)) != 0)
		return NULL;
	if (strcmp(method, "POST") == 0 && strcmp(pattern + strlen(company), "/credit-notes") == 0) {
		static char credit_body[200];

		snprintf(credit_body, sizeof(credit_body),
			 "{\"invoice\":\"%s\",\"date\":\"2026-03-12\",\"reason\":\"matrix\","
			 "\"lines\":[{\"line\":1,\"quantity\":\"0.5\"}]}", credit_invoice_id);
		return credit_body;
	}
	for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++)
		if (strcmp(method, bodies[i].method) == 0 &&
		    strcmp(pattern + strlen(company), bodies[i].path) == 0)
			return bodies[i].body;
	return NULL;
}

static const struct test_matrix_targets sales_targets = {
	.module = "sales",
	.setup = setup,
	.param = param,
	.body = body,
};
TEST_MATRIX_TARGETS(sales_targets)
