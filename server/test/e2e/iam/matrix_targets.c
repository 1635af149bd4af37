/*
 * IAM's targets for the route-permission matrix (test/support/matrix.h): the
 * user, role, assignment and grant request its {id}, {role} and {assignment}
 * paths name, and valid bodies for its writes.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "test/support/iam_fixture.h"
#include "test/support/matrix.h"
#include "test/support/testlib.h"

static const char member_password[] = "member-password-01";

static char target_user[40];
static char target_assignment[40];
static char target_request[40];

/* The id of user_id's assignment of role (asserts there is one). */
static void assignment_of(const struct test_matrix_env *env, const char *user_id, const char *role,
			  char id[40])
{
	struct test_response r;
	json_t *item;
	size_t i;

	test_iam_request(env->base_url, "GET", test_iam_path("/api/v1/users/%s/role-assignments", user_id),
			 env->admin_token, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	json_array_foreach(json_object_get(r.json, "items"), i, item)
		if (strcmp(json_string_value(json_object_get(item, "role")), role) == 0)
			snprintf(id, 40, "%s", json_string_value(json_object_get(item, "id")));
	ck_assert_uint_eq(strlen(id), 36);
	test_response_free(&r);
}

/*
 * A user holding two roles, so revoking one assignment or trying to delete the
 * other role leaves the rest in place; and a privileged grant to them, waiting.
 */
static void setup(const struct test_matrix_env *env)
{
	struct test_response r;

	test_iam_create_user(env->base_url, env->admin_token, "target@matrix.test", member_password,
			     target_user);
	test_iam_grant_new_role(env->base_url, env->admin_token, target_user, "mx-held",
				"[\"iam.permission.read\"]", env->company);
	test_iam_grant_new_role(env->base_url, env->admin_token, target_user, "mx-revocable",
				"[\"iam.role.read\"]", NULL);
	assignment_of(env, target_user, "mx-revocable", target_assignment);
	test_iam_request(env->base_url, "POST", "/api/v1/roles", env->admin_token, NULL,
			 "{\"name\":\"mx-privileged\",\"permissions\":[\"iam.user.manage\"]}", &r);
	ck_assert_int_eq(r.status, 201);
	test_response_free(&r);
	test_iam_request(env->base_url, "POST",
			 test_iam_path("/api/v1/users/%s/role-assignments", target_user),
			 env->admin_token, NULL, "{\"role\":\"mx-privileged\",\"company\":null}", &r);
	ck_assert_msg(r.status == 202, "%ld %s", r.status, r.body);
	snprintf(target_request, sizeof(target_request), "%s",
		 json_string_value(json_object_get(r.json, "id")));
	test_response_free(&r);
}

static const char *param(const char *pattern, const char *name)
{
	if (strcmp(name, "id") == 0)
		return strstr(pattern, "/role-grant-requests/{id}") ? target_request : target_user;
	if (strcmp(name, "role") == 0)
		return "mx-held";
	if (strcmp(name, "assignment") == 0)
		return target_assignment;
	return NULL;
}

static const char *body(const char *method, const char *pattern)
{
	static const struct {
		const char *method, *pattern, *body;
	} bodies[] = {
		{ "POST", "/api/v1/companies",
		  "{\"code\":\"MXC\",\"name\":\"Matrix Charlie\",\"currency\":\"EUR\"}" },
		{ "POST", "/api/v1/users",
		  "{\"email\":\"made@matrix.test\",\"display_name\":\"Made\","
		  "\"password\":\"made-password-001\"}" },
		{ "POST", "/api/v1/roles", "{\"name\":\"mx-made\",\"permissions\":[\"iam.user.read\"]}" },
		{ "POST", "/api/v1/users/{id}/role-assignments", "{\"role\":\"mx-held\",\"company\":\"MXB\"}" },
	};

	for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++)
		if (strcmp(method, bodies[i].method) == 0 && strcmp(pattern, bodies[i].pattern) == 0)
			return bodies[i].body;
	return NULL;
}

static const struct test_matrix_targets iam_targets = {
	.module = "iam",
	.setup = setup,
	.param = param,
	.body = body,
};
TEST_MATRIX_TARGETS(iam_targets)
