/*
 * Sales' targets for the route-permission matrix (test/support/matrix.h):
 * the tax code its {code} paths name, made in setup with the ledger
 * accounts it needs (codes of its own: other modules' targets make
 * accounts in the same company), and valid bodies for its writes.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "test/support/iam_fixture.h"
#include "test/support/matrix.h"
#include "test/support/testlib.h"

static const char member_password[] = "member-password-01";

static void create(const struct test_matrix_env *env, const char *token, const char *path,
		   const char *body)
{
	struct test_response r;

	test_iam_request(env->base_url, "POST", test_iam_path("/api/v1/companies/%s%s", env->company, path),
			 token, NULL, body, &r);
	ck_assert_msg(r.status == 201, "POST %s: %ld %s", path, r.status, r.body);
	test_response_free(&r);
}

/* Accounts 2210 (output tax) and 1410 (input tax), and tax code MXT, made by a user who may. */
static void setup(const struct test_matrix_env *env)
{
	char user_id[40], token[64];

	test_iam_create_user(env->base_url, env->admin_token, "sales@matrix.test", member_password,
			     user_id);
	test_iam_grant_new_role(env->base_url, env->admin_token, user_id, "mx-sales-setup",
				"[\"ledger.account.manage\",\"sales.tax-code.manage\"]", env->company);
	ck_assert_int_eq(test_iam_login(env->base_url, "sales@matrix.test", member_password, token), 0);
	create(env, token, "/accounts", "{\"code\":\"2210\",\"name\":\"Output tax\",\"type\":\"liability\"}");
	create(env, token, "/accounts", "{\"code\":\"1410\",\"name\":\"Input tax\",\"type\":\"asset\"}");
	create(env, token, "/tax-codes",
	       "{\"code\":\"MXT\",\"name\":\"Matrix tax\",\"rate\":\"20\",\"output_account\":\"2210\","
	       "\"input_account\":\"1410\"}");
}

static const char *param(const char *pattern, const char *name)
{
	if (strcmp(name, "code") == 0 && strstr(pattern, "/tax-codes/{code}"))
		return "MXT";
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
	};
	static const char company[] = "/api/v1/companies/{company}";

	if (strncmp(pattern, company, strlen(company)) != 0)
		return NULL;
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
