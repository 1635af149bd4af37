/*
 * Segregation of duties through the API (the rule is one database function,
 * iam_sod_conflicts(), so it is tested against a real PostgreSQL and the real
 * binary): a role may not hold both sides of a pair; a grant that gives one
 * user both sides in one company, counting global roles, is 409 naming the
 * conflict; an override is asked for by a holder of iam.sod.override with a
 * reason, approved by a second one, audited, and covers exactly that pair in
 * that scope.
 */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test/support/check_main.h"
#include "test/support/iam_fixture.h"
#include "test/support/testlib.h"

static struct test_server shared;
static char db_url[1024];
static char admin_token[64];

static const char admin_email[] = "admin@sod.test";
static const char admin_password[] = "admin-password-0001";
static const char member_password[] = "member-password-01";

static void post(const char *path, const char *token, const char *body, long expected)
{
	struct test_response r;

	test_iam_request(shared.base_url, "POST", path, token, NULL, body, &r);
	ck_assert_msg(r.status == expected, "POST %s: %ld %s", path, r.status, r.body);
	test_response_free(&r);
}

static void start_shared(void)
{
	snprintf(db_url, sizeof(db_url), "%s", test_db_create("t_iam_sod"));
	test_iam_migrate(db_url);
	test_iam_bootstrap_admin(db_url, admin_email, admin_password);
	ck_assert_int_eq(test_server_start(&shared, "bin/erp-server-test", db_url, NULL), 0);
	ck_assert_int_eq(test_iam_login(shared.base_url, admin_email, admin_password, admin_token), 0);
	post("/api/v1/companies", admin_token, "{\"code\":\"S1\",\"name\":\"One\",\"currency\":\"EUR\"}", 201);
	post("/api/v1/companies", admin_token, "{\"code\":\"S2\",\"name\":\"Two\",\"currency\":\"EUR\"}", 201);
	post("/api/v1/roles", admin_token, "{\"name\":\"sod-manager\",\"permissions\":[\"iam.user.manage\"]}", 201);
	post("/api/v1/roles", admin_token, "{\"name\":\"sod-auditor\",\"permissions\":[\"iam.audit.read\"]}", 201);
}

static void stop_shared(void)
{
	ck_assert_int_eq(test_server_stop(&shared), 0);
}

/*
 * POST a grant as token; with approve, a grant that waits (202) is approved by
 * the second administrator and the approval's status is returned (200 when
 * granted). Copies the last problem detail (if any).
 */
static long post_grant(const char *token, const char *user_id, const char *body, bool approve,
		       char *detail, size_t size)
{
	char path[128];
	struct test_response r;
	long status;

	snprintf(path, sizeof(path), "/api/v1/users/%s/role-assignments", user_id);
	test_iam_request(shared.base_url, "POST", path, token, NULL, body, &r);
	status = r.status;
	if (status == 202 && approve) {
		snprintf(path, sizeof(path), "/api/v1/role-grant-requests/%s/approve",
			 json_string_value(json_object_get(r.json, "id")));
		test_response_free(&r);
		test_iam_request(shared.base_url, "POST", path,
				 test_iam_second_admin_token(shared.base_url), NULL, NULL, &r);
		status = r.status;
	}
	if (detail)
		snprintf(detail, size, "%s",
			 r.json && json_string_value(json_object_get(r.json, "detail"))
				 ? json_string_value(json_object_get(r.json, "detail")) : "");
	test_response_free(&r);
	return status;
}

static long grant_approved(const char *token, const char *user_id, const char *body, char *detail,
			   size_t size)
{
	return post_grant(token, user_id, body, true, detail, size);
}

/* POST a grant; returns the status and copies the problem detail (if any). */
static long grant(const char *token, const char *user_id, const char *body, char *detail, size_t size)
{
	return post_grant(token, user_id, body, false, detail, size);
}

START_TEST(one_role_may_not_hold_both_sides)
{
	struct test_response r;
	const char *d;

	test_iam_request(shared.base_url, "POST", "/api/v1/roles", admin_token, NULL,
			 "{\"name\":\"sod-both\",\"permissions\":[\"iam.user.manage\",\"iam.audit.read\"]}", &r);
	ck_assert_int_eq(r.status, 409);
	d = json_string_value(json_object_get(r.json, "detail"));
	ck_assert_ptr_nonnull(strstr(d, "iam.user.manage"));
	ck_assert_ptr_nonnull(strstr(d, "iam.audit.read"));
	test_response_free(&r);
	test_iam_request(shared.base_url, "GET", "/api/v1/roles/sod-both", admin_token, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 404);
	test_response_free(&r);
}
END_TEST

START_TEST(a_conflicting_grant_in_one_company_is_409_and_other_companies_are_fine)
{
	char id[40], detail[512];

	test_iam_create_user(shared.base_url, admin_token, "split@sod.test", member_password, id);
	ck_assert_int_eq(grant_approved(admin_token, id, "{\"role\":\"sod-manager\",\"company\":\"S1\"}", NULL, 0), 200);
	ck_assert_int_eq(grant(admin_token, id, "{\"role\":\"sod-auditor\",\"company\":\"S1\"}",
			       detail, sizeof(detail)), 409);
	ck_assert_ptr_nonnull(strstr(detail, "split@sod.test"));
	ck_assert_ptr_nonnull(strstr(detail, "iam.audit.read"));
	ck_assert_ptr_nonnull(strstr(detail, "iam.user.manage"));
	ck_assert_ptr_nonnull(strstr(detail, "S1"));
	/* The administrator holds iam.sod.override: told how to proceed. */
	ck_assert_ptr_nonnull(strstr(detail, "override"));
	/* Another company is another scope. */
	ck_assert_int_eq(grant_approved(admin_token, id, "{\"role\":\"sod-auditor\",\"company\":\"S2\"}", NULL, 0), 200);
	/* Nothing of the refused grant was written. */
	{
		char sql[256], *count;

		snprintf(sql, sizeof(sql), "SELECT count(*) FROM role_assignments WHERE user_id = '%s'", id);
		count = test_db_value(db_url, sql);
		ck_assert_str_eq(count, "2");
		free(count);
	}
}
END_TEST

START_TEST(global_roles_count_in_every_company)
{
	char id[40], detail[512];

	test_iam_create_user(shared.base_url, admin_token, "global@sod.test", member_password, id);
	ck_assert_int_eq(grant_approved(admin_token, id, "{\"role\":\"sod-manager\",\"company\":null}", NULL, 0), 200);
	ck_assert_int_eq(grant(admin_token, id, "{\"role\":\"sod-auditor\",\"company\":\"S2\"}",
			       detail, sizeof(detail)), 409);
	ck_assert_ptr_nonnull(strstr(detail, "S2"));
	ck_assert_int_eq(grant(admin_token, id, "{\"role\":\"sod-auditor\",\"company\":null}",
			       detail, sizeof(detail)), 409);
	ck_assert_ptr_nonnull(strstr(detail, "globally"));
}
END_TEST

START_TEST(a_privileged_permission_is_not_added_to_a_held_role)
{
	char id[40], etag_header[64];
	struct test_response r;
	char *etag;

	post("/api/v1/roles", admin_token, "{\"name\":\"sod-growing\",\"permissions\":[\"iam.user.read\"]}", 201);
	test_iam_create_user(shared.base_url, admin_token, "grown@sod.test", member_password, id);
	ck_assert_int_eq(grant_approved(admin_token, id, "{\"role\":\"sod-manager\",\"company\":\"S1\"}", NULL, 0), 200);
	/* Nothing privileged in it: granted at once. */
	ck_assert_int_eq(grant(admin_token, id, "{\"role\":\"sod-growing\",\"company\":\"S1\"}", NULL, 0), 201);

	test_iam_request(shared.base_url, "GET", "/api/v1/roles/sod-growing", admin_token, NULL, NULL, &r);
	etag = test_response_header(&r, "ETag");
	snprintf(etag_header, sizeof(etag_header), "If-Match: %s", etag);
	free(etag);
	test_response_free(&r);
	/* Growing the held role would grant iam.audit.read (and the conflict) without approval. */
	test_iam_request(shared.base_url, "PATCH", "/api/v1/roles/sod-growing", admin_token, etag_header,
			 "{\"permissions\":[\"iam.user.read\",\"iam.audit.read\"]}", &r);
	ck_assert_int_eq(r.status, 409);
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(r.json, "detail")), "iam.audit.read"));
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(r.json, "detail")), "1 user"));
	test_response_free(&r);
	test_iam_request(shared.base_url, "GET", "/api/v1/roles/sod-growing", admin_token, NULL, NULL, &r);
	ck_assert_uint_eq(json_array_size(json_object_get(r.json, "permissions")), 1);
	test_response_free(&r);
	/* A harmless addition is fine. */
	test_iam_request(shared.base_url, "PATCH", "/api/v1/roles/sod-growing", admin_token, etag_header,
			 "{\"permissions\":[\"iam.user.read\",\"iam.role.read\"]}", &r);
	ck_assert_int_eq(r.status, 200);
	test_response_free(&r);
}
END_TEST

static char *audit_reasons(const char *user_id)
{
	char sql[512];

	snprintf(sql, sizeof(sql),
		 "SELECT string_agg(e.action || '=' || e.reason || '@' || coalesce(c.code, '-'), ','"
		 "                  ORDER BY e.action) FROM audit_events e"
		 " LEFT JOIN companies c ON c.id = e.company_id"
		 " WHERE e.reason IS NOT NULL AND (e.entity_id IN (SELECT id::text FROM role_assignments"
		 "   WHERE user_id = '%s') OR e.entity_id IN (SELECT id::text FROM role_grant_requests"
		 "   WHERE user_id = '%s'))", user_id, user_id);
	return test_db_value(db_url, sql);
}

START_TEST(an_override_needs_the_permission_a_reason_and_a_second_administrator)
{
	char id[40], granter_id[40], granter_token[64], detail[512], path[160];
	struct test_response r;
	char *value;

	test_iam_create_user(shared.base_url, admin_token, "override@sod.test", member_password, id);
	ck_assert_int_eq(grant_approved(admin_token, id, "{\"role\":\"sod-manager\",\"company\":\"S1\"}", NULL, 0), 200);

	/* A granter without iam.sod.override: no hint, and asking to override is 403. */
	test_iam_create_user(shared.base_url, admin_token, "granter@sod.test", member_password, granter_id);
	test_iam_grant_new_role(shared.base_url, admin_token, granter_id, "sod-granter",
				"[\"iam.assignment.manage\"]", NULL);
	ck_assert_int_eq(test_iam_login(shared.base_url, "granter@sod.test", member_password, granter_token), 0);
	ck_assert_int_eq(grant(granter_token, id,
			       "{\"role\":\"sod-auditor\",\"company\":\"S1\",\"reason\":\"please\"}",
			       detail, sizeof(detail)), 409);
	ck_assert_ptr_null(strstr(detail, "iam.sod.override"));
	ck_assert_int_eq(grant(granter_token, id,
			       "{\"role\":\"sod-auditor\",\"company\":\"S1\",\"reason\":\"please\",\"override\":true}",
			       NULL, 0), 403);

	/* The administrator holds it: no override, 409; an override without a reason, 422. */
	ck_assert_int_eq(grant(admin_token, id, "{\"role\":\"sod-auditor\",\"company\":\"S1\"}", NULL, 0), 409);
	ck_assert_int_eq(grant(admin_token, id,
			       "{\"role\":\"sod-auditor\",\"company\":\"S1\",\"override\":true,\"reason\":\"\"}",
			       NULL, 0), 422);
	/* With a reason: a request, which its own requester cannot approve. */
	snprintf(path, sizeof(path), "/api/v1/users/%s/role-assignments", id);
	test_iam_request(shared.base_url, "POST", path, admin_token, NULL,
			 "{\"role\":\"sod-auditor\",\"company\":\"S1\",\"override\":true,"
			 "\"reason\":\"interim audit cover, ticket 42\"}", &r);
	ck_assert_int_eq(r.status, 202);
	ck_assert_str_eq(json_string_value(json_object_get(r.json, "status")), "pending");
	ck_assert_uint_eq(json_array_size(json_object_get(r.json, "overrides")), 1);
	snprintf(path, sizeof(path), "/api/v1/role-grant-requests/%s/approve",
		 json_string_value(json_object_get(r.json, "id")));
	test_response_free(&r);
	test_iam_request(shared.base_url, "POST", path, admin_token, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 403);
	test_response_free(&r);
	/* The granter is a second administrator, but without iam.sod.override. */
	test_iam_request(shared.base_url, "POST", path, granter_token, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 403);
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(r.json, "detail")), "iam.sod.override"));
	test_response_free(&r);
	test_iam_request(shared.base_url, "POST", path, test_iam_second_admin_token(shared.base_url),
			 NULL, NULL, &r);
	ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
	ck_assert_str_eq(json_string_value(json_object_get(r.json, "status")), "approved");
	test_response_free(&r);
	/* Approved twice? No. */
	test_iam_request(shared.base_url, "POST", path, test_iam_second_admin_token(shared.base_url),
			 NULL, NULL, &r);
	ck_assert_int_eq(r.status, 409);
	test_response_free(&r);

	value = audit_reasons(id);
	ck_assert_str_eq(value, "iam.assignment.granted=interim audit cover, ticket 42@S1,"
				"iam.assignment.requested=interim audit cover, ticket 42@S1,"
				"iam.sod.override=interim audit cover, ticket 42@S1");
	free(value);
	value = test_db_value(db_url, "SELECT count(*) FROM sod_overrides o JOIN users u ON u.id = o.user_id"
				      " WHERE u.email = 'override@sod.test'");
	ck_assert_str_eq(value, "1");
	free(value);

	/* The override accepted that pair in S1, not every future conflict of this user. */
	ck_assert_int_eq(grant_approved(admin_token, id, "{\"role\":\"sod-manager\",\"company\":\"S2\"}", NULL, 0), 200);
	ck_assert_int_eq(grant(admin_token, id, "{\"role\":\"sod-auditor\",\"company\":\"S2\"}",
			       detail, sizeof(detail)), 409);
	ck_assert_ptr_nonnull(strstr(detail, "S2"));
	/* ... nor a global grant (the global scope is another scope). */
	ck_assert_int_eq(grant(admin_token, id, "{\"role\":\"sod-auditor\",\"company\":null}",
			       detail, sizeof(detail)), 409);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("integration/iam/sod");
	TCase *tc = tcase_create("sod");

	tcase_add_unchecked_fixture(tc, start_shared, stop_shared);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, one_role_may_not_hold_both_sides);
	tcase_add_test(tc, a_conflicting_grant_in_one_company_is_409_and_other_companies_are_fine);
	tcase_add_test(tc, global_roles_count_in_every_company);
	tcase_add_test(tc, a_privileged_permission_is_not_added_to_a_held_role);
	tcase_add_test(tc, an_override_needs_the_permission_a_reason_and_a_second_administrator);
	suite_add_tcase(s, tc);
	return s;
}
