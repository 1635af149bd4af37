/*
 * The controls no single administrator can get around, tried as an attacker
 * against the real erp-server-test binary: alone (grants for oneself, a role
 * minted with iam.sod.override, a system role changed), with a second
 * account they control (a puppet with a password they chose), with a stale
 * version (a role changed between request and approval), and with hundreds
 * of racing approvals that would each give one user both sides of a pair.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test/support/check_main.h"
#include "test/support/grant_race.h"
#include "test/support/iam_fixture.h"
#include "test/support/testlib.h"

static struct test_server shared;
static char db_url[1024];
static char admin_token[64];
static char admin_id[40];

static const char admin_email[] = "admin@controls.test";
static const char admin_password[] = "admin-password-0001";
static const char member_password[] = "member-password-01";

/* A call as token; returns the status; r (when not NULL) is the caller's to free. */
static long call(const char *token, const char *method, const char *path, const char *body,
		 struct test_response *out)
{
	struct test_response r;
	long status;

	test_iam_request(shared.base_url, method, path, token, NULL, body, &r);
	status = r.status;
	if (out)
		*out = r;
	else
		test_response_free(&r);
	return status;
}

static void expect(const char *token, const char *method, const char *path, const char *body,
		   long expected)
{
	struct test_response r;

	ck_assert_msg(call(token, method, path, body, &r) == expected, "%s %s %s: %ld %s", method,
		      path, body ? body : "", r.status, r.body);
	test_response_free(&r);
}

static const char *grants_path(const char *user_id)
{
	static char path[128];

	snprintf(path, sizeof(path), "/api/v1/users/%s/role-assignments", user_id);
	return path;
}

static const char *approve_path(const struct test_response *request)
{
	static char path[128];

	snprintf(path, sizeof(path), "/api/v1/role-grant-requests/%s/approve",
		 json_string_value(json_object_get(request->json, "id")));
	return path;
}

static const char *const no_rate_limit[] = { "ERP_RATE_LIMIT_PER_USER=0", NULL };

static void start_shared(void)
{
	snprintf(db_url, sizeof(db_url), "%s", test_db_create("t_iam_controls"));
	test_iam_migrate(db_url);
	snprintf(admin_id, sizeof(admin_id), "%s",
		 test_iam_bootstrap_admin(db_url, admin_email, admin_password));
	/* The administrator makes hundreds of requests in a row in the race: no rate limit here. */
	ck_assert_int_eq(test_server_start(&shared, "bin/erp-server-test", db_url, no_rate_limit), 0);
	ck_assert_int_eq(test_iam_login(shared.base_url, admin_email, admin_password, admin_token), 0);
	expect(admin_token, "POST", "/api/v1/companies",
	       "{\"code\":\"CTL\",\"name\":\"Controls\",\"currency\":\"EUR\"}", 201);
	expect(admin_token, "POST", "/api/v1/roles",
	       "{\"name\":\"ctl-writer\",\"permissions\":[\"ledger.journal.create\",\"ledger.journal.read\"]}", 201);
	expect(admin_token, "POST", "/api/v1/roles",
	       "{\"name\":\"ctl-poster\",\"permissions\":[\"ledger.journal.post\",\"ledger.journal.read\"]}", 201);
}

static void stop_shared(void)
{
	ck_assert_int_eq(test_server_stop(&shared), 0);
}

START_TEST(an_administrator_cannot_give_themselves_rights)
{
	char grant[128];

	/* A role that could override every conflict: not mintable over the API, not even by copy. */
	expect(admin_token, "POST", "/api/v1/roles",
	       "{\"name\":\"ctl-escape\",\"permissions\":[\"iam.sod.override\"]}", 422);
	expect(admin_token, "POST", "/api/v1/roles", "{\"name\":\"ctl-escape\",\"copy_of\":\"administrator\"}",
	       422);
	expect(admin_token, "GET", "/api/v1/roles/ctl-escape", NULL, 404);
	/* Posting rights, or any role at all, for oneself: 403, with or without an override. */
	snprintf(grant, sizeof(grant), "{\"role\":\"ctl-poster\",\"company\":\"CTL\"}");
	expect(admin_token, "POST", grants_path(admin_id), grant, 403);
	expect(admin_token, "POST", grants_path(admin_id),
	       "{\"role\":\"ctl-poster\",\"company\":\"CTL\",\"override\":true,\"reason\":\"me\"}", 403);
	expect(admin_token, "POST", grants_path(admin_id), "{\"role\":\"ctl-writer\",\"company\":\"CTL\"}", 403);
	/* Nor widen a role one already holds: system roles are read-only. */
	expect(admin_token, "PATCH", "/api/v1/roles/administrator",
	       "{\"permissions\":[\"iam.user.read\"]}", 428);
	{
		struct test_response r;
		char if_match[64], *etag;

		call(admin_token, "GET", "/api/v1/roles/administrator", NULL, &r);
		etag = test_response_header(&r, "ETag");
		snprintf(if_match, sizeof(if_match), "If-Match: %s", etag);
		free(etag);
		test_response_free(&r);
		test_iam_request(shared.base_url, "PATCH", "/api/v1/roles/administrator", admin_token,
				 if_match, "{\"permissions\":[\"iam.user.read\",\"ledger.journal.post\"]}", &r);
		ck_assert_int_eq(r.status, 409);
		ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(r.json, "detail")), "copy"));
		test_response_free(&r);
	}
	expect(admin_token, "DELETE", "/api/v1/roles/administrator", NULL, 409);
	/* Nor give away one's own rights to end up the only one left. */
	{
		struct test_response r;
		json_t *first;

		call(admin_token, "GET", grants_path(admin_id), NULL, &r);
		first = json_array_get(json_object_get(r.json, "items"), 0);
		ck_assert_ptr_nonnull(first);
		expect(admin_token, "DELETE",
		       test_iam_path("%s/%s", grants_path(admin_id), json_string_value(json_object_get(first, "id"))),
		       NULL, 403);
		test_response_free(&r);
	}
	/* A role with a module's privileged permission (no side of any pair) waits too. */
	{
		char puppet[40];
		struct test_response r;

		test_iam_create_user(shared.base_url, admin_token, "closer@controls.test", member_password,
				     puppet);
		expect(admin_token, "POST", "/api/v1/roles",
		       "{\"name\":\"ctl-closed\",\"permissions\":[\"ledger.period.post-closed\"]}", 201);
		ck_assert_int_eq(call(admin_token, "POST", grants_path(puppet),
				      "{\"role\":\"ctl-closed\",\"company\":\"CTL\"}", &r), 202);
		test_response_free(&r);
	}
	/* The administrator still holds no ledger permission at all. */
	{
		struct test_response r;
		char *text;

		call(admin_token, "GET", "/api/v1/me", NULL, &r);
		text = json_dumps(r.json, 0);
		ck_assert_ptr_null(strstr(text, "ledger."));
		free(text);
		test_response_free(&r);
	}
}
END_TEST

START_TEST(a_puppet_account_is_useless_until_its_owner_chooses_a_password)
{
	char id[40], token[64], body[256];
	struct test_response r;

	/* The administrator makes a user with a password the administrator knows. */
	test_iam_create_user_one_time(shared.base_url, admin_token, "puppet@controls.test",
				      "chosen-by-admin-01", id);
	ck_assert_int_eq(test_iam_login(shared.base_url, "puppet@controls.test", "chosen-by-admin-01", token), 0);
	/* ... and grants it posting rights: that waits for a second administrator. */
	ck_assert_int_eq(call(admin_token, "POST", grants_path(id), "{\"role\":\"ctl-poster\",\"company\":\"CTL\"}",
			      &r), 202);
	ck_assert_str_eq(json_string_value(json_object_get(r.json, "status")), "pending");
	ck_assert_int_eq(json_array_size(json_object_get(r.json, "privileged_permissions")), 1);
	/* The requester cannot approve it, and neither can the puppet. */
	expect(admin_token, "POST", approve_path(&r), NULL, 403);
	expect(token, "POST", approve_path(&r), NULL, 403);
	test_response_free(&r);
	/* With the administrator's password, nothing but choosing one's own works. */
	ck_assert_int_eq(call(token, "GET", "/api/v1/users", NULL, &r), 403);
	ck_assert_str_eq(json_string_value(json_object_get(r.json, "type")),
			 "/problems/password-change-required");
	test_response_free(&r);
	expect(token, "GET", "/api/v1/companies/CTL/journal-entries", NULL, 403);
	ck_assert_int_eq(call(token, "GET", "/api/v1/me", NULL, &r), 200);
	ck_assert(json_is_true(json_object_get(json_object_get(r.json, "user"), "must_change_password")));
	test_response_free(&r);
	/* Keeping the administrator's password is not choosing one. */
	snprintf(body, sizeof(body), "{\"current_password\":\"%s\",\"new_password\":\"%s\"}",
		 "chosen-by-admin-01", "chosen-by-admin-01");
	expect(token, "POST", "/api/v1/me/password", body, 422);
	snprintf(body, sizeof(body), "{\"current_password\":\"%s\",\"new_password\":\"%s\"}",
		 "chosen-by-admin-01", member_password);
	expect(token, "POST", "/api/v1/me/password", body, 204);
	expect(token, "GET", "/api/v1/companies/CTL/journal-entries", NULL, 404); /* no role there yet */
	ck_assert_int_eq(call(token, "GET", "/api/v1/me", NULL, &r), 200);
	ck_assert(json_is_false(json_object_get(json_object_get(r.json, "user"), "must_change_password")));
	test_response_free(&r);
	/* The administrator's password is gone for good. */
	ck_assert_int_ne(test_iam_login(shared.base_url, "puppet@controls.test", "chosen-by-admin-01", token), 0);
}
END_TEST

START_TEST(an_approval_binds_to_the_role_the_approver_saw)
{
	char id[40], if_match[64], *etag;
	struct test_response r, request;

	test_iam_create_user(shared.base_url, admin_token, "stale@controls.test", member_password, id);
	expect(admin_token, "POST", "/api/v1/roles",
	       "{\"name\":\"ctl-viewer\",\"permissions\":[\"iam.user.manage\"]}", 201);
	ck_assert_int_eq(call(admin_token, "POST", grants_path(id), "{\"role\":\"ctl-viewer\",\"company\":null}",
			      &request), 202);
	/* After the request, and before anyone approves it, the requester widens the role. */
	call(admin_token, "GET", "/api/v1/roles/ctl-viewer", NULL, &r);
	etag = test_response_header(&r, "ETag");
	snprintf(if_match, sizeof(if_match), "If-Match: %s", etag);
	free(etag);
	test_response_free(&r);
	test_iam_request(shared.base_url, "PATCH", "/api/v1/roles/ctl-viewer", admin_token, if_match,
			 "{\"permissions\":[\"iam.user.manage\",\"iam.role.manage\"]}", &r);
	ck_assert_int_eq(r.status, 200);
	test_response_free(&r);
	ck_assert_int_eq(call(test_iam_second_admin_token(shared.base_url), "POST", approve_path(&request),
			      NULL, &r), 409);
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(r.json, "detail")), "changed since"));
	test_response_free(&r);
	test_response_free(&request);
	ck_assert_int_eq(call(admin_token, "GET", grants_path(id), NULL, &r), 200);
	ck_assert_uint_eq(json_array_size(json_object_get(r.json, "items")), 0);
	test_response_free(&r);
}
END_TEST

START_TEST(nobody_decides_their_own_grant_and_the_company_trail_shows_who_got_rights)
{
	char id[40], sql[512], *value;
	struct test_response request, r;
	const char *second = test_iam_second_admin_token(shared.base_url);

	/* An identity administrator is never given posting rights (a pair): refused outright. */
	expect(second, "POST", grants_path(admin_id), "{\"role\":\"ctl-poster\",\"company\":\"CTL\"}", 409);
	/* The second administrator asks for the first one... who may not decide it. */
	expect(admin_token, "POST", "/api/v1/roles",
	       "{\"name\":\"ctl-reader\",\"permissions\":[\"iam.company.read\"]}", 201);
	ck_assert_int_eq(call(second, "POST", grants_path(admin_id),
			      "{\"role\":\"ctl-writer\",\"company\":\"CTL\"}", &request), 202);
	expect(admin_token, "POST", approve_path(&request), NULL, 403);
	/* The requester withdraws it; it is not pending any more. */
	snprintf(sql, sizeof(sql), "/api/v1/role-grant-requests/%s/reject",
		 json_string_value(json_object_get(request.json, "id")));
	ck_assert_int_eq(call(second, "POST", sql, NULL, &r), 200);
	ck_assert_str_eq(json_string_value(json_object_get(r.json, "status")), "withdrawn");
	test_response_free(&r);
	expect(test_iam_second_admin_token(shared.base_url), "POST", approve_path(&request), NULL, 409);
	test_response_free(&request);

	/* A grant and a revoke in CTL are in CTL's trail. */
	test_iam_create_user(shared.base_url, admin_token, "trail@controls.test", member_password, id);
	ck_assert_int_eq(call(admin_token, "POST", grants_path(id), "{\"role\":\"ctl-reader\",\"company\":\"CTL\"}",
			      &r), 201);
	expect(admin_token, "DELETE",
	       test_iam_path("%s/%s", grants_path(id), json_string_value(json_object_get(r.json, "id"))), NULL, 204);
	test_response_free(&r);
	snprintf(sql, sizeof(sql),
		 "SELECT string_agg(e.action, ',' ORDER BY e.occurred_at, e.action) FROM audit_events e"
		 " JOIN companies c ON c.id = e.company_id"
		 " WHERE c.code = 'CTL' AND e.entity = 'role_assignment'"
		 "   AND (e.changes->'user'->>'new' = '%s' OR e.changes->'user'->>'old' = '%s')", id, id);
	value = test_db_value(db_url, sql);
	ck_assert_str_eq(value, "iam.assignment.granted,iam.assignment.revoked");
	free(value);
}
END_TEST

/* --- racing approvals ------------------------------------------------------------------------ */

START_TEST(racing_approvals_never_give_one_user_both_sides)
{
	struct grant_race_result result;
	char *value;

	grant_race_run(shared.base_url, db_url, admin_token, "CTL", "ctl-writer", "ctl-poster", 200,
		       "racer", &result);
	ck_assert_int_eq(result.unexpected, 0);
	ck_assert_int_eq(result.both, 0);
	ck_assert_int_eq(result.exactly_one, 200);
	value = test_db_value(db_url, "SELECT count(*) FROM iam_sod_conflicts(NULL)");
	ck_assert_str_eq(value, "0");
	free(value);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("e2e/iam/controls");
	TCase *tc = tcase_create("controls");

	tcase_add_unchecked_fixture(tc, start_shared, stop_shared);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, an_administrator_cannot_give_themselves_rights);
	tcase_add_test(tc, a_puppet_account_is_useless_until_its_owner_chooses_a_password);
	tcase_add_test(tc, an_approval_binds_to_the_role_the_approver_saw);
	tcase_add_test(tc, nobody_decides_their_own_grant_and_the_company_trail_shows_who_got_rights);
	tcase_add_test(tc, racing_approvals_never_give_one_user_both_sides);
	suite_add_tcase(s, tc);
	return s;
}
