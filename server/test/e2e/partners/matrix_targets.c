/*
 * Partners' targets for the route-permission matrix (test/support/matrix.h):
 * the partner its {code} paths name (a customer and vendor with ledger
 * accounts of its own), and valid bodies for its writes.
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

/* Accounts 1200 (asset) and 2000 (liability) and partner MXP, made by a user who may. */
static void setup(const struct test_matrix_env *env)
{
	char user_id[40], token[64];

	test_iam_create_user(env->base_url, env->admin_token, "partners@matrix.test", member_password,
			     user_id);
	test_iam_grant_new_role(env->base_url, env->admin_token, user_id, "mx-partners-setup",
				"[\"ledger.account.manage\",\"partners.partner.manage\"]", env->company);
	ck_assert_int_eq(test_iam_login(env->base_url, "partners@matrix.test", member_password, token), 0);
	create(env, token, "/accounts", "{\"code\":\"1200\",\"name\":\"Receivables\",\"type\":\"asset\"}");
	create(env, token, "/accounts", "{\"code\":\"2000\",\"name\":\"Payables\",\"type\":\"liability\"}");
	create(env, token, "/partners",
	       "{\"code\":\"MXP\",\"name\":\"Matrix Partner\",\"roles\":[\"customer\",\"vendor\"],"
	       "\"receivable_account\":\"1200\",\"payable_account\":\"2000\"}");
}

static const char *param(const char *pattern, const char *name)
{
	if (strcmp(name, "code") == 0 && strstr(pattern, "/partners/{code}"))
		return "MXP";
	return NULL;
}

static const char *body(const char *method, const char *pattern)
{
	static const struct {
		const char *method, *path, *body;  /* path: the pattern after /companies/{company} */
	} bodies[] = {
		{ "POST", "/partners",
		  "{\"code\":\"MXQ\",\"name\":\"Matrix Customer\",\"roles\":[\"customer\"],"
		  "\"receivable_account\":\"1200\"}" },
		{ "PATCH", "/partners/{code}", "{\"name\":\"Matrix Partner Ltd\"}" },
		{ "PUT", "/partner-settings",
		  "{\"default_receivable_account\":\"1200\",\"default_payable_account\":\"2000\"}" },
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

static const struct test_matrix_targets partners_targets = {
	.module = "partners",
	.setup = setup,
	.param = param,
	.body = body,
};
TEST_MATRIX_TARGETS(partners_targets)
