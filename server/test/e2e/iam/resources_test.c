/*
 * IAM resources end to end: list paging and filters, 404s, conflicts on
 * companies and roles, optimistic concurrency on companies, audit filters,
 * and session expiry (absolute and idle).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "test/support/check_main.h"
#include "test/support/iam_fixture.h"
#include "test/support/testlib.h"

static struct test_server shared;
static char db_url[1024];
static char admin_token[64];

static const char admin_email[] = "admin@resources.test";
static const char admin_password[] = "admin-password-0002";

static void start_shared(void)
{
	snprintf(db_url, sizeof(db_url), "%s", test_db_create("t_iam_resources"));
	test_iam_migrate(db_url);
	test_iam_bootstrap_admin(db_url, admin_email, admin_password);
	ck_assert_int_eq(test_server_start(&shared, "bin/erp-server-test", db_url, NULL), 0);
	ck_assert_int_eq(test_iam_login(shared.base_url, admin_email, admin_password, admin_token), 0);
}

static void stop_shared(void)
{
	ck_assert_int_eq(test_server_stop(&shared), 0);
}

static long call(const char *method, const char *path, const char *body, struct test_response *r)
{
	test_iam_request(shared.base_url, method, path, admin_token, NULL, body, r);
	return r->status;
}

START_TEST(users_page_through_with_cursors_and_filters)
{
	struct test_response r;
	char id[40], path[1700], seen[8][64];
	const char *cursor = NULL;
	char *cursor_copy = NULL;
	int total = 0, pages = 0;

	for (int i = 0; i < 5; i++) {
		char email[64];

		snprintf(email, sizeof(email), "pager%d@resources.test", i);
		test_iam_create_user(shared.base_url, admin_token, email, "a long enough password", id);
	}
	do {
		snprintf(path, sizeof(path), "/api/v1/users?limit=2&email=pager%s%s",
			 cursor ? "&cursor=" : "", cursor ? cursor : "");
		ck_assert_int_eq(call("GET", path, NULL, &r), 200);
		for (size_t i = 0; i < json_array_size(json_object_get(r.json, "items")); i++) {
			const char *email = json_string_value(json_object_get(
				json_array_get(json_object_get(r.json, "items"), i), "email"));

			for (int j = 0; j < total; j++)
				ck_assert_str_ne(seen[j], email); /* no row twice */
			snprintf(seen[total++], sizeof(seen[0]), "%s", email);
		}
		free(cursor_copy);
		cursor_copy = json_is_string(json_object_get(r.json, "next_cursor"))
				      ? strdup(json_string_value(json_object_get(r.json, "next_cursor")))
				      : NULL;
		cursor = cursor_copy;
		pages++;
		test_response_free(&r);
	} while (cursor && pages < 10);
	ck_assert_int_eq(total, 5);
	ck_assert_int_eq(pages, 3);
	for (int i = 1; i < total; i++)
		ck_assert_int_lt(strcmp(seen[i - 1], seen[i]), 0); /* ordered by email */

	/* active=false finds exactly the deactivated one. */
	snprintf(path, sizeof(path), "/api/v1/users/%s/deactivate", id);
	ck_assert_int_eq(call("POST", path, NULL, &r), 200);
	test_response_free(&r);
	ck_assert_int_eq(call("GET", "/api/v1/users?active=false", NULL, &r), 200);
	ck_assert_uint_eq(json_array_size(json_object_get(r.json, "items")), 1);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(r.json, "items"), 0), "id")), id);
	test_response_free(&r);
}
END_TEST

START_TEST(forged_cursor_and_unknown_ids)
{
	struct test_response r;

	ck_assert_int_eq(call("GET", "/api/v1/users?cursor=AAAA", NULL, &r), 400);
	test_response_free(&r);
	ck_assert_int_eq(call("GET", "/api/v1/users/01a20a82-4f50-7472-b26d-e7ac049afaed", NULL, &r), 404);
	test_response_free(&r);
	ck_assert_int_eq(call("GET", "/api/v1/users/not-a-uuid", NULL, &r), 404);
	test_response_free(&r);
	ck_assert_int_eq(call("GET", "/api/v1/roles/no-such-role", NULL, &r), 404);
	test_response_free(&r);
	ck_assert_int_eq(call("GET", "/api/v1/companies/NOSUCH", NULL, &r), 404);
	test_response_free(&r);
	ck_assert_int_eq(call("DELETE", "/api/v1/users/01a20a82-4f50-7472-b26d-e7ac049afaed/role-assignments/01a20a82-4f50-7472-b26d-e7ac049afaed", NULL, &r), 404);
	test_response_free(&r);
}
END_TEST

START_TEST(assigned_role_cannot_be_deleted)
{
	struct test_response r;
	char id[40], path[256], assignment[64];

	test_iam_create_user(shared.base_url, admin_token, "holder@resources.test",
			     "a long enough password", id);
	test_iam_grant_new_role(shared.base_url, admin_token, id, "held-role", "[\"iam.user.read\"]", NULL);
	ck_assert_int_eq(call("DELETE", "/api/v1/roles/held-role", NULL, &r), 409);
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(r.json, "detail")), "assigned"));
	test_response_free(&r);

	snprintf(path, sizeof(path), "/api/v1/users/%s/role-assignments", id);
	ck_assert_int_eq(call("GET", path, NULL, &r), 200);
	snprintf(assignment, sizeof(assignment), "%s",
		 json_string_value(json_object_get(json_array_get(json_object_get(r.json, "items"), 0), "id")));
	test_response_free(&r);
	snprintf(path, sizeof(path), "/api/v1/users/%s/role-assignments/%s", id, assignment);
	ck_assert_int_eq(call("DELETE", path, NULL, &r), 204);
	test_response_free(&r);
	ck_assert_int_eq(call("DELETE", "/api/v1/roles/held-role", NULL, &r), 204);
	test_response_free(&r);
	ck_assert_int_eq(call("GET", "/api/v1/roles/held-role", NULL, &r), 404);
	test_response_free(&r);
}
END_TEST

START_TEST(companies_conflicts_currency_and_if_match)
{
	struct test_response r;
	char *etag;

	ck_assert_int_eq(call("POST", "/api/v1/companies", "{\"code\":\"RES1\",\"name\":\"Res One\",\"currency\":\"JPY\"}", &r), 201);
	etag = test_response_header(&r, "ETag");
	ck_assert_str_eq(etag, "\"1\"");
	free(etag);
	test_response_free(&r);
	ck_assert_int_eq(call("POST", "/api/v1/companies", "{\"code\":\"RES1\",\"name\":\"Again\",\"currency\":\"EUR\"}", &r), 409);
	test_response_free(&r);
	ck_assert_int_eq(call("POST", "/api/v1/companies", "{\"code\":\"RES2\",\"name\":\"Bad\",\"currency\":\"XYZ\"}", &r), 422);
	test_response_free(&r);

	ck_assert_int_eq(call("PATCH", "/api/v1/companies/RES1", "{\"name\":\"Renamed\"}", &r), 428);
	test_response_free(&r);
	test_iam_request(shared.base_url, "PATCH", "/api/v1/companies/RES1", admin_token,
			 "If-Match: \"1\"", "{\"name\":\"Renamed\"}", &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(json_string_value(json_object_get(r.json, "name")), "Renamed");
	etag = test_response_header(&r, "ETag");
	ck_assert_str_eq(etag, "\"2\"");
	free(etag);
	test_response_free(&r);
	test_iam_request(shared.base_url, "PATCH", "/api/v1/companies/RES1", admin_token,
			 "If-Match: \"1\"", "{\"name\":\"Lost update\"}", &r);
	ck_assert_int_eq(r.status, 412);
	test_response_free(&r);
	ck_assert_int_eq(call("GET", "/api/v1/companies/RES1", NULL, &r), 200);
	ck_assert_str_eq(json_string_value(json_object_get(r.json, "name")), "Renamed");
	test_response_free(&r);
}
END_TEST

START_TEST(audit_events_filter_and_page)
{
	struct test_response r;
	json_t *items;
	char path[1700];

	ck_assert_int_eq(call("POST", "/api/v1/roles", "{\"name\":\"audited-role\",\"permissions\":[]}", &r), 201);
	test_response_free(&r);
	/* The administrator is SoD-clean and cannot read the audit: an auditor can. */
	ck_assert_int_eq(call("GET", "/api/v1/audit-events", NULL, &r), 403);
	test_response_free(&r);
	ck_assert_int_eq(test_db_exec(db_url,
		"INSERT INTO role_permissions SELECT id, 'iam.audit.read' FROM roles WHERE name = 'audited-role';"
		"INSERT INTO users (id, email, display_name, password_hash)"
		" SELECT gen_random_uuid(), 'auditor@resources.test', 'Auditor', password_hash FROM users"
		" WHERE email = 'admin@resources.test';"
		"INSERT INTO role_assignments (id, user_id, role_id) SELECT gen_random_uuid(), u.id, r.id"
		" FROM users u, roles r WHERE u.email = 'auditor@resources.test' AND r.name = 'audited-role';"
		"UPDATE authz_version SET version = version + 1"), 0);
	{
		char token[64];

		ck_assert_int_eq(test_iam_login(shared.base_url, "auditor@resources.test", admin_password, token), 0);
		test_iam_request(shared.base_url, "GET", "/api/v1/audit-events?entity=role&action=iam.role.created",
				 token, NULL, NULL, &r);
		ck_assert_int_eq(r.status, 200);
		items = json_object_get(r.json, "items");
		ck_assert_uint_ge(json_array_size(items), 1);
		for (size_t i = 0; i < json_array_size(items); i++)
			ck_assert_str_eq(json_string_value(json_object_get(json_array_get(items, i), "action")),
					 "iam.role.created");
		test_response_free(&r);

		test_iam_request(shared.base_url, "GET", "/api/v1/audit-events?limit=1", token, NULL, NULL, &r);
		ck_assert_int_eq(r.status, 200);
		ck_assert_uint_eq(json_array_size(json_object_get(r.json, "items")), 1);
		ck_assert(json_is_string(json_object_get(r.json, "next_cursor")));
		snprintf(path, sizeof(path), "/api/v1/audit-events?limit=1&cursor=%s",
			 json_string_value(json_object_get(r.json, "next_cursor")));
		{
			char first[64];
			struct test_response r2;

			snprintf(first, sizeof(first), "%s", json_string_value(json_object_get(
				json_array_get(json_object_get(r.json, "items"), 0), "id")));
			test_iam_request(shared.base_url, "GET", path, token, NULL, NULL, &r2);
			ck_assert_int_eq(r2.status, 200);
			ck_assert_str_ne(json_string_value(json_object_get(json_array_get(json_object_get(r2.json, "items"), 0), "id")), first);
			test_response_free(&r2);
		}
		test_response_free(&r);
		test_iam_request(shared.base_url, "GET", "/api/v1/audit-events?from=2026-13-01", token, NULL, NULL, &r);
		ck_assert_int_eq(r.status, 422);
		test_response_free(&r);
	}
}
END_TEST

START_TEST(sessions_expire_absolutely_and_when_idle)
{
	struct test_response r;
	char first[64], second[64];

	ck_assert_int_eq(test_iam_login(shared.base_url, admin_email, admin_password, first), 0);
	ck_assert_int_eq(test_iam_login(shared.base_url, admin_email, admin_password, second), 0);
	test_iam_request(shared.base_url, "GET", "/api/v1/me", first, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	test_response_free(&r);
	/* Age the sessions in place: one past its absolute end, one idle too long (default 1800 s). */
	ck_assert_int_eq(test_db_exec(db_url,
		"UPDATE sessions SET expires_at = now() - interval '1 second'"
		" WHERE created_at = (SELECT created_at FROM sessions"
		"  ORDER BY created_at DESC OFFSET 1 LIMIT 1)"), 0); /* first: the second newest */
	test_iam_request(shared.base_url, "GET", "/api/v1/me", first, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 401);
	test_response_free(&r);
	test_iam_request(shared.base_url, "GET", "/api/v1/me", second, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	test_response_free(&r);
	ck_assert_int_eq(test_db_exec(db_url,
		"UPDATE sessions SET last_seen_at = now() - interval '1801 seconds'"
		" WHERE created_at = (SELECT max(created_at) FROM sessions)"), 0); /* second */
	test_iam_request(shared.base_url, "GET", "/api/v1/me", second, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 401);
	test_response_free(&r);
	/* Both are gone for good; a fresh login works. */
	ck_assert_int_eq(test_iam_login(shared.base_url, admin_email, admin_password, admin_token), 0);
}
END_TEST

START_TEST(ids_are_canonical_whatever_their_spelling)
{
	struct test_response r;
	char id[40], path[128];

	ck_assert_int_eq(call("GET", "/api/v1/me", NULL, &r), 200);
	snprintf(id, sizeof(id), "%s", json_string_value(json_object_get(json_object_get(r.json, "user"), "id")));
	test_response_free(&r);
	for (char *c = id; *c; c++)
		if (*c >= 'a' && *c <= 'f')
			*c = (char)(*c - 'a' + 'A');
	/* The same user in capitals is still yourself. */
	snprintf(path, sizeof(path), "/api/v1/users/%s/deactivate", id);
	ck_assert_int_eq(call("POST", path, NULL, &r), 409);
	test_response_free(&r);
	snprintf(path, sizeof(path), "/api/v1/users/%s", id);
	ck_assert_int_eq(call("GET", path, NULL, &r), 200);
	ck_assert_int_eq(strcasecmp(json_string_value(json_object_get(r.json, "id")), id), 0);
	test_response_free(&r);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("e2e/iam/resources");
	TCase *tc = tcase_create("resources");

	tcase_add_unchecked_fixture(tc, start_shared, stop_shared);
	tcase_add_test(tc, users_page_through_with_cursors_and_filters);
	tcase_add_test(tc, forged_cursor_and_unknown_ids);
	tcase_add_test(tc, assigned_role_cannot_be_deleted);
	tcase_add_test(tc, companies_conflicts_currency_and_if_match);
	tcase_add_test(tc, audit_events_filter_and_page);
	tcase_add_test(tc, ids_are_canonical_whatever_their_spelling);
	tcase_add_test(tc, sessions_expire_absolutely_and_when_idle);
	suite_add_tcase(s, tc);
	return s;
}
