/*
 * @Name@'s targets for the route-permission matrix (test/support/matrix.h):
 * the item its {code} path names, made in setup by a user who may, and a
 * valid body for its write. A new route with a path parameter or a body
 * adds here what it needs, as server/test/e2e/ledger/matrix_targets.c does.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "test/support/iam_fixture.h"
#include "test/support/matrix.h"
#include "test/support/testlib.h"

static const char member_password[] = "member-password-01";

/* Item MX1 in the matrix's company, made by a holder of @name@.item.manage. */
static void setup(const struct test_matrix_env *env)
{
	struct test_response r;
	char user_id[40], token[64];

	test_iam_create_user(env->base_url, env->admin_token, "@path@@matrix.test", member_password,
			     user_id);
	test_iam_grant_new_role(env->base_url, env->admin_token, user_id, "mx-@path@-setup",
				"[\"@name@.item.manage\"]", env->company);
	ck_assert_int_eq(test_iam_login(env->base_url, "@path@@matrix.test", member_password, token), 0);
	test_iam_request(env->base_url, "POST",
			 test_iam_path("/api/v1/companies/%s/@path@/items", env->company), token, NULL,
			 "{\"code\":\"MX1\",\"name\":\"Matrix item\"}", &r);
	ck_assert_msg(r.status == 201, "POST items: %ld %s", r.status, r.body);
	test_response_free(&r);
}

static const char *param(const char *pattern, const char *name)
{
	return strcmp(name, "code") == 0 && strstr(pattern, "/@path@/items/{code}") ? "MX1" : NULL;
}

static const char *body(const char *method, const char *pattern)
{
	if (strcmp(method, "POST") == 0 && strcmp(pattern, "/api/v1/companies/{company}/@path@/items") == 0)
		return "{\"code\":\"MX2\",\"name\":\"Matrix item two\"}";
	return NULL;
}

static const struct test_matrix_targets @name@_targets = {
	.module = "@name@",
	.setup = setup,
	.param = param,
	.body = body,
};
TEST_MATRIX_TARGETS(@name@_targets)
