/*
 * End to end, the IAM flow against the real erp-server-test binary:
 * the bootstrap administrator creates a company, a user and a role, grants
 * it in that company; the user sees exactly those permissions; sessions end
 * on deactivation, logout and password change; a role change is effective
 * on the very next request.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test/support/check_main.h"
#include "test/support/iam_fixture.h"
#include "test/support/testlib.h"

static struct test_server shared;
static char db_url[1024];
static char admin_token[64];

static const char admin_email[] = "admin@flow.test";
static const char admin_password[] = "admin-password-0001";

static void start_shared(void)
{
	snprintf(db_url, sizeof(db_url), "%s", test_db_create("t_iam_flow"));
	test_iam_migrate(db_url);
	test_iam_bootstrap_admin(db_url, admin_email, admin_password);
	ck_assert_int_eq(test_server_start(&shared, "bin/erp-server-test", db_url, NULL), 0);
	ck_assert_int_eq(test_iam_login(shared.base_url, admin_email, admin_password, admin_token), 0);
}

static void stop_shared(void)
{
	ck_assert_int_eq(test_server_stop(&shared), 0);
}

static long call(const char *method, const char *path, const char *token, const char *body)
{
	struct test_response r;
	long status;

	test_iam_request(shared.base_url, method, path, token, NULL, body, &r);
	status = r.status;
	test_response_free(&r);
	return status;
}

/* The sorted permission names of a JSON array, joined with ",". */
static void joined_sorted(json_t *array, char *out, size_t size)
{
	const char *names[64];
	size_t n = 0, i;
	json_t *v;

	out[0] = '\0';
	json_array_foreach(array, i, v)
		if (n < 64)
			names[n++] = json_string_value(v);
	for (size_t a = 0; a < n; a++)
		for (size_t b = a + 1; b < n; b++)
			if (strcmp(names[b], names[a]) < 0) {
				const char *t = names[a];

				names[a] = names[b];
				names[b] = t;
			}
	for (i = 0; i < n; i++) {
		strncat(out, names[i], size - strlen(out) - 1);
		if (i + 1 < n)
			strncat(out, ",", size - strlen(out) - 1);
	}
}

START_TEST(user_sees_exactly_the_granted_permissions_until_deactivated)
{
	char user_id[40], token[64], path[256], perms[512];
	struct test_response r;
	json_t *company;

	ck_assert_int_eq(call("POST", "/api/v1/companies", admin_token,
			      "{\"code\":\"FLOW1\",\"name\":\"Flow One\",\"currency\":\"EUR\"}"), 201);
	test_iam_create_user(shared.base_url, admin_token, "clerk@flow.test", "clerk-password-01", user_id);
	test_iam_grant_new_role(shared.base_url, admin_token, user_id, "flow-clerk",
				"[\"iam.company.read\",\"iam.user.read\"]", "FLOW1");

	ck_assert_int_eq(test_iam_login(shared.base_url, "clerk@flow.test", "clerk-password-01", token), 0);
	test_iam_request(shared.base_url, "GET", "/api/v1/me", token, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(r.json, "user"), "id")), user_id);
	ck_assert_uint_eq(json_array_size(json_object_get(r.json, "global_permissions")), 0);
	ck_assert_uint_eq(json_array_size(json_object_get(r.json, "companies")), 1);
	company = json_array_get(json_object_get(r.json, "companies"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(company, "code")), "FLOW1");
	ck_assert_str_eq(json_string_value(json_object_get(company, "name")), "Flow One");
	ck_assert_str_eq(json_string_value(json_object_get(company, "currency")), "EUR");
	joined_sorted(json_object_get(company, "permissions"), perms, sizeof(perms));
	ck_assert_str_eq(perms, "iam.company.read,iam.user.read");
	test_response_free(&r);

	/* The permissions work in that company, and nowhere globally. */
	ck_assert_int_eq(call("GET", "/api/v1/companies/FLOW1", token, NULL), 200);
	ck_assert_int_eq(call("GET", "/api/v1/users", token, NULL), 403);
	ck_assert_int_eq(call("GET", "/api/v1/companies", token, NULL), 403);

	snprintf(path, sizeof(path), "/api/v1/users/%s/deactivate", user_id);
	ck_assert_int_eq(call("POST", path, admin_token, NULL), 200);
	ck_assert_int_eq(call("GET", "/api/v1/me", token, NULL), 401);
	ck_assert_int_eq(call("GET", "/api/v1/companies/FLOW1", token, NULL), 401);
	/* Deactivated: cannot log in again either; reactivation does not revive the old token. */
	ck_assert_int_ne(test_iam_login(shared.base_url, "clerk@flow.test", "clerk-password-01", token), 0);
	snprintf(path, sizeof(path), "/api/v1/users/%s/reactivate", user_id);
	ck_assert_int_eq(call("POST", path, admin_token, NULL), 200);
	ck_assert_int_eq(call("GET", "/api/v1/me", token, NULL), 401);
}
END_TEST

START_TEST(logout_ends_the_session)
{
	char user_id[40], token[64];

	test_iam_create_user(shared.base_url, admin_token, "leaver@flow.test", "leaver-password-1", user_id);
	ck_assert_int_eq(test_iam_login(shared.base_url, "leaver@flow.test", "leaver-password-1", token), 0);
	ck_assert_int_eq(call("GET", "/api/v1/me", token, NULL), 200);
	ck_assert_int_eq(call("POST", "/api/v1/auth/logout", token, NULL), 204);
	ck_assert_int_eq(call("GET", "/api/v1/me", token, NULL), 401);
	ck_assert_int_eq(call("POST", "/api/v1/auth/logout", token, NULL), 401);
}
END_TEST

START_TEST(password_change_keeps_this_session_and_ends_the_others)
{
	char user_id[40], first[64], second[64], third[64];
	struct test_response r;

	test_iam_create_user(shared.base_url, admin_token, "mover@flow.test", "mover-password-01", user_id);
	ck_assert_int_eq(test_iam_login(shared.base_url, "mover@flow.test", "mover-password-01", first), 0);
	ck_assert_int_eq(test_iam_login(shared.base_url, "mover@flow.test", "mover-password-01", second), 0);

	/* A wrong current password changes nothing. */
	test_iam_request(shared.base_url, "POST", "/api/v1/me/password", second, NULL,
			 "{\"current_password\":\"not-the-password\",\"new_password\":\"mover-password-02\"}", &r);
	ck_assert_int_eq(r.status, 422);
	test_response_free(&r);
	ck_assert_int_eq(call("GET", "/api/v1/me", first, NULL), 200);

	ck_assert_int_eq(call("POST", "/api/v1/me/password", second,
			      "{\"current_password\":\"mover-password-01\",\"new_password\":\"mover-password-02\"}"), 204);
	ck_assert_int_eq(call("GET", "/api/v1/me", second, NULL), 200);
	ck_assert_int_eq(call("GET", "/api/v1/me", first, NULL), 401);
	ck_assert_int_ne(test_iam_login(shared.base_url, "mover@flow.test", "mover-password-01", third), 0);
	ck_assert_int_eq(test_iam_login(shared.base_url, "mover@flow.test", "mover-password-02", third), 0);
	ck_assert_int_eq(call("GET", "/api/v1/me", third, NULL), 200);
}
END_TEST

START_TEST(role_change_is_effective_on_the_next_request)
{
	char user_id[40], token[64], etag_header[64];
	struct test_response r;
	char *etag;

	test_iam_create_user(shared.base_url, admin_token, "grower@flow.test", "grower-password-1", user_id);
	test_iam_grant_new_role(shared.base_url, admin_token, user_id, "flow-grower",
				"[\"iam.permission.read\"]", NULL);
	ck_assert_int_eq(test_iam_login(shared.base_url, "grower@flow.test", "grower-password-1", token), 0);
	/* Warm the grants cache at the current version before the change. */
	ck_assert_int_eq(call("GET", "/api/v1/permissions", token, NULL), 200);
	ck_assert_int_eq(call("GET", "/api/v1/roles", token, NULL), 403);

	test_iam_request(shared.base_url, "GET", "/api/v1/roles/flow-grower", admin_token, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	etag = test_response_header(&r, "ETag");
	ck_assert_ptr_nonnull(etag);
	snprintf(etag_header, sizeof(etag_header), "If-Match: %s", etag);
	free(etag);
	test_response_free(&r);

	test_iam_request(shared.base_url, "PATCH", "/api/v1/roles/flow-grower", admin_token, etag_header,
			 "{\"permissions\":[\"iam.permission.read\",\"iam.role.read\"]}", &r);
	ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
	test_response_free(&r);
	ck_assert_int_eq(call("GET", "/api/v1/roles", token, NULL), 200);

	/* And taking it away is just as immediate. */
	test_iam_request(shared.base_url, "GET", "/api/v1/roles/flow-grower", admin_token, NULL, NULL, &r);
	etag = test_response_header(&r, "ETag");
	snprintf(etag_header, sizeof(etag_header), "If-Match: %s", etag);
	free(etag);
	test_response_free(&r);
	test_iam_request(shared.base_url, "PATCH", "/api/v1/roles/flow-grower", admin_token, etag_header,
			 "{\"permissions\":[\"iam.permission.read\"]}", &r);
	ck_assert_int_eq(r.status, 200);
	test_response_free(&r);
	ck_assert_int_eq(call("GET", "/api/v1/roles", token, NULL), 403);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("e2e/iam/flow");
	TCase *tc = tcase_create("flow");

	tcase_add_unchecked_fixture(tc, start_shared, stop_shared);
	tcase_add_test(tc, user_sees_exactly_the_granted_permissions_until_deactivated);
	tcase_add_test(tc, logout_ends_the_session);
	tcase_add_test(tc, password_change_keeps_this_session_and_ends_the_others);
	tcase_add_test(tc, role_change_is_effective_on_the_next_request);
	suite_add_tcase(s, tc);
	return s;
}
