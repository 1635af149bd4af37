/*
 * The route-permission matrix, against the real erp-server-test binary: every
 * operation in GET /openapi.json whose x-permission is a real permission
 * (not @public / @authenticated) is denied to a user holding no roles (403,
 * or 404 on {company} routes) and is not denied to a user holding only that
 * permission (globally, or in the company for {company} routes). Routes that
 * later modules add are covered without touching this file.
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
static char target_user[40];
static char target_assignment[40];
static char target_period[40];
static char target_entry[40];
static char target_request[40];

static const char admin_email[] = "admin@matrix.test";
static const char admin_password[] = "admin-password-0001";
static const char member_password[] = "member-password-01";

/* A POST as token that must answer 201; returns the answer (the caller frees it). */
static void create(const char *token, const char *path, const char *body, struct test_response *r)
{
	test_iam_request(shared.base_url, "POST", path, token, NULL, body, r);
	ck_assert_msg(r->status == 201, "POST %s: %ld %s", path, r->status, r->body);
}

/* A draft journal entry in MXA written by token; its id goes to id (40 bytes). */
static void draft_entry(const char *token, char id[40])
{
	struct test_response r;

	create(token, "/api/v1/companies/MXA/journal-entries",
	       "{\"date\":\"2026-01-15\",\"memo\":\"Matrix\",\"lines\":["
	       "{\"account\":\"1000\",\"debit\":\"1.00\"},{\"account\":\"4000\",\"credit\":\"1.00\"}]}",
	       &r);
	snprintf(id, 40, "%s", json_string_value(json_object_get(r.json, "id")));
	test_response_free(&r);
}

/* The ledger objects the {code}, {period} and journal-entry {id} paths name, in MXA. */
static void create_ledger_targets(void)
{
	char user_id[40], token[64];
	struct test_response r;

	test_iam_create_user(shared.base_url, admin_token, "ledger@matrix.test", member_password, user_id);
	test_iam_grant_new_role(shared.base_url, admin_token, user_id, "mx-ledger-setup",
				"[\"ledger.account.manage\",\"ledger.period.manage\",\"ledger.journal.create\"]",
				"MXA");
	ck_assert_int_eq(test_iam_login(shared.base_url, "ledger@matrix.test", member_password, token), 0);
	create(token, "/api/v1/companies/MXA/accounts",
	       "{\"code\":\"1000\",\"name\":\"Cash\",\"type\":\"asset\"}", &r);
	test_response_free(&r);
	create(token, "/api/v1/companies/MXA/accounts",
	       "{\"code\":\"4000\",\"name\":\"Sales\",\"type\":\"revenue\"}", &r);
	test_response_free(&r);
	/* June: closing or locking it leaves the January entry postable. */
	create(token, "/api/v1/companies/MXA/fiscal-periods", "{\"fiscal_year\":2026}", &r);
	snprintf(target_period, sizeof(target_period), "%s",
		 json_string_value(json_object_get(json_array_get(json_object_get(r.json, "periods"), 5), "id")));
	test_response_free(&r);
	draft_entry(token, target_entry);
}

static void start_shared(void)
{
	char path[128];
	struct test_response r;

	snprintf(db_url, sizeof(db_url), "%s", test_db_create("t_iam_matrix"));
	test_iam_migrate(db_url);
	test_iam_bootstrap_admin(db_url, admin_email, admin_password);
	ck_assert_int_eq(test_server_start(&shared, "bin/erp-server-test", db_url, NULL), 0);
	ck_assert_int_eq(test_iam_login(shared.base_url, admin_email, admin_password, admin_token), 0);

	test_iam_request(shared.base_url, "POST", "/api/v1/companies", admin_token, NULL,
			 "{\"code\":\"MXA\",\"name\":\"Matrix Alpha\",\"currency\":\"EUR\"}", &r);
	ck_assert_int_eq(r.status, 201);
	test_response_free(&r);
	test_iam_request(shared.base_url, "POST", "/api/v1/companies", admin_token, NULL,
			 "{\"code\":\"MXB\",\"name\":\"Matrix Bravo Secret Ltd\",\"currency\":\"USD\"}", &r);
	ck_assert_int_eq(r.status, 201);
	test_response_free(&r);

	/* The object every {id}/{role}/{assignment} path names: a user holding two roles, so
	 * revoking one assignment or trying to delete the other leaves the rest in place. */
	test_iam_create_user(shared.base_url, admin_token, "target@matrix.test", member_password,
			     target_user);
	test_iam_grant_new_role(shared.base_url, admin_token, target_user, "mx-held",
				"[\"iam.permission.read\"]", "MXA");
	test_iam_grant_new_role(shared.base_url, admin_token, target_user, "mx-revocable",
				"[\"iam.role.read\"]", NULL);
	snprintf(path, sizeof(path), "/api/v1/users/%s/role-assignments", target_user);
	test_iam_request(shared.base_url, "GET", path, admin_token, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	{
		json_t *items = json_object_get(r.json, "items"), *item;
		size_t i;

		json_array_foreach(items, i, item)
			if (strcmp(json_string_value(json_object_get(item, "role")), "mx-revocable") == 0)
				snprintf(target_assignment, sizeof(target_assignment), "%s",
					 json_string_value(json_object_get(item, "id")));
	}
	ck_assert_uint_eq(strlen(target_assignment), 36);
	test_response_free(&r);
	/* The request a /role-grant-requests/{id} path names: a privileged grant, waiting. */
	test_iam_request(shared.base_url, "POST", "/api/v1/roles", admin_token, NULL,
			 "{\"name\":\"mx-privileged\",\"permissions\":[\"iam.user.manage\"]}", &r);
	ck_assert_int_eq(r.status, 201);
	test_response_free(&r);
	test_iam_request(shared.base_url, "POST", path, admin_token, NULL,
			 "{\"role\":\"mx-privileged\",\"company\":null}", &r);
	ck_assert_msg(r.status == 202, "%ld %s", r.status, r.body);
	snprintf(target_request, sizeof(target_request), "%s",
		 json_string_value(json_object_get(r.json, "id")));
	test_response_free(&r);
	create_ledger_targets();
}

static void stop_shared(void)
{
	ck_assert_int_eq(test_server_stop(&shared), 0);
}

/*
 * The pattern with plausible parameters: the target user, role, assignment, grant request,
 * company MXA, and MXA's account 1000, June period and the journal entry (entry, or the
 * target one).
 */
static void concrete_path(const char *pattern, const char *entry, char *out, size_t size)
{
	bool journal = strstr(pattern, "/journal-entries/{id}") != NULL;
	bool request = strstr(pattern, "/role-grant-requests/{id}") != NULL;
	size_t n = 0;

	while (*pattern && n + 1 < size) {
		if (*pattern == '{') {
			const char *end = strchr(pattern, '}');
			size_t length = (size_t)(end - pattern - 1);
			const char *value = "x";

			if (strncmp(pattern + 1, "id", length) == 0 && length == 2)
				value = journal   ? (entry ? entry : target_entry)
					: request ? target_request
						  : target_user;
			else if (strncmp(pattern + 1, "role", length) == 0 && length == 4)
				value = "mx-held";
			else if (strncmp(pattern + 1, "company", length) == 0 && length == 7)
				value = "MXA";
			else if (strncmp(pattern + 1, "assignment", length) == 0 && length == 10)
				value = target_assignment;
			else if (strncmp(pattern + 1, "code", length) == 0 && length == 4)
				value = "1000";
			else if (strncmp(pattern + 1, "period", length) == 0 && length == 6)
				value = target_period;
			n += (size_t)snprintf(out + n, size - n, "%s", value);
			pattern = end + 1;
		} else {
			out[n++] = *pattern++;
		}
	}
	out[n < size ? n : size - 1] = '\0';
}

/* A minimal body for writes: a valid one where we know it, else {} (validation runs after auth). */
static const char *body_for(const char *method, const char *pattern, bool has_body)
{
	if (!has_body)
		return NULL;
	if (strcmp(method, "POST") == 0 && strcmp(pattern, "/api/v1/companies") == 0)
		return "{\"code\":\"MXC\",\"name\":\"Matrix Charlie\",\"currency\":\"EUR\"}";
	if (strcmp(method, "POST") == 0 && strcmp(pattern, "/api/v1/users") == 0)
		return "{\"email\":\"made@matrix.test\",\"display_name\":\"Made\",\"password\":\"made-password-001\"}";
	if (strcmp(method, "POST") == 0 && strcmp(pattern, "/api/v1/roles") == 0)
		return "{\"name\":\"mx-made\",\"permissions\":[\"iam.user.read\"]}";
	if (strcmp(method, "POST") == 0 && strcmp(pattern, "/api/v1/users/{id}/role-assignments") == 0)
		return "{\"role\":\"mx-held\",\"company\":\"MXB\"}";
	if (strcmp(method, "POST") == 0 || strcmp(method, "PATCH") == 0 || strcmp(method, "PUT") == 0)
		return "{}";
	return NULL;
}

struct operation {
	char method[8];
	char pattern[256];
	char permission[128];
	bool has_body;
};

/* Every operation of the running server whose x-permission names a real permission. */
static size_t guarded_operations(struct operation *ops, size_t capacity, size_t *iam_count)
{
	struct test_response r;
	json_t *paths, *item, *op;
	const char *pattern, *method;
	size_t n = 0;

	*iam_count = 0;
	test_iam_request(shared.base_url, "GET", "/openapi.json", NULL, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	paths = json_object_get(r.json, "paths");
	ck_assert_ptr_nonnull(paths);
	json_object_foreach(paths, pattern, item) {
		json_object_foreach(item, method, op) {
			const char *permission = json_string_value(json_object_get(op, "x-permission"));

			if (!permission || permission[0] == '@')
				continue;
			ck_assert_uint_lt(n, capacity);
			for (size_t i = 0; method[i] && i < sizeof(ops[n].method) - 1; i++)
				ops[n].method[i] = (char)(method[i] >= 'a' && method[i] <= 'z'
							  ? method[i] - 'a' + 'A' : method[i]);
			ops[n].method[strlen(method) < 7 ? strlen(method) : 7] = '\0';
			snprintf(ops[n].pattern, sizeof(ops[n].pattern), "%s", pattern);
			snprintf(ops[n].permission, sizeof(ops[n].permission), "%s", permission);
			ops[n].has_body = json_object_get(op, "requestBody") != NULL;
			if (strncmp(permission, "iam.", 4) == 0)
				(*iam_count)++;
			n++;
		}
	}
	test_response_free(&r);
	return n;
}

static bool company_scoped(const struct operation *op)
{
	return strstr(op->pattern, "{company}") != NULL;
}

/* Calls op as token; entry: the journal entry an {id} names (NULL: the target entry). */
static long call_on(const struct operation *op, const char *token, const char *entry)
{
	char path[512];
	struct test_response r;
	long status;

	concrete_path(op->pattern, entry, path, sizeof(path));
	test_iam_request(shared.base_url, op->method, path, token, NULL,
			 body_for(op->method, op->pattern, op->has_body), &r);
	status = r.status;
	ck_assert_msg(status < 500, "%s %s: %ld %s", op->method, path, status, r.body);
	test_response_free(&r);
	return status;
}

static long call(const struct operation *op, const char *token)
{
	return call_on(op, token, NULL);
}

START_TEST(every_guarded_route_is_denied_without_roles)
{
	struct operation ops[128];
	size_t iam_count, n = guarded_operations(ops, 128, &iam_count);
	char user_id[40], token[64];

	ck_assert_uint_ge(iam_count, 20);
	ck_assert_uint_gt(n, iam_count); /* the test module's test.private.read route is covered too */
	test_iam_create_user(shared.base_url, admin_token, "nobody@matrix.test", member_password, user_id);
	ck_assert_int_eq(test_iam_login(shared.base_url, "nobody@matrix.test", member_password, token), 0);
	for (size_t i = 0; i < n; i++) {
		long status = call(&ops[i], token);
		long expected = company_scoped(&ops[i]) ? 404 : 403;

		ck_assert_msg(status == expected, "%s %s (%s) without roles: %ld, expected %ld",
			      ops[i].method, ops[i].pattern, ops[i].permission, status, expected);
		/* And without a token at all: 401. */
		status = call(&ops[i], NULL);
		ck_assert_msg(status == 401, "%s %s without a token: %ld", ops[i].method,
			      ops[i].pattern, status);
	}
}
END_TEST

START_TEST(each_permission_alone_opens_its_routes)
{
	struct operation ops[128];
	size_t iam_count, n = guarded_operations(ops, 128, &iam_count);

	for (size_t i = 0; i < n; i++) {
		char user_id[40], token[64], email[64], role[32];
		long status;

		snprintf(email, sizeof(email), "holder%zu@matrix.test", i);
		snprintf(role, sizeof(role), "mx-only-%zu", i);
		test_iam_create_user(shared.base_url, admin_token, email, member_password, user_id);
		{
			char perms[160];

			snprintf(perms, sizeof(perms), "[\"%s\"]", ops[i].permission);
			test_iam_grant_new_role(shared.base_url, admin_token, user_id, role, perms,
						company_scoped(&ops[i]) ? "MXA" : NULL);
		}
		ck_assert_int_eq(test_iam_login(shared.base_url, email, member_password, token), 0);
		if (strcmp(ops[i].method, "DELETE") == 0 && strstr(ops[i].pattern, "/journal-entries/{id}")) {
			char own[40];

			/* Only its author deletes a draft: the holder deletes one of their own. */
			draft_entry(token, own);
			status = call_on(&ops[i], token, own);
		} else {
			status = call(&ops[i], token);
		}
		ck_assert_msg(status != 401 && status != 403 && status != 404,
			      "%s %s with only %s: %ld", ops[i].method, ops[i].pattern,
			      ops[i].permission, status);
		/* Only that permission: a global route needing another one stays closed. */
		for (size_t j = 0; j < n; j++) {
			if (company_scoped(&ops[j]) || strcmp(ops[j].permission, ops[i].permission) == 0)
				continue;
			status = call(&ops[j], token);
			ck_assert_msg(status == 403, "%s %s with only %s: %ld", ops[j].method,
				      ops[j].pattern, ops[i].permission, status);
			break;
		}
	}
}
END_TEST

START_TEST(a_company_token_never_reaches_another_company)
{
	char user_id[40], token[64];
	struct test_response r;

	test_iam_create_user(shared.base_url, admin_token, "alpha@matrix.test", member_password, user_id);
	test_iam_grant_new_role(shared.base_url, admin_token, user_id, "mx-alpha-reader",
				"[\"iam.company.read\",\"iam.company.manage\"]", "MXA");
	ck_assert_int_eq(test_iam_login(shared.base_url, "alpha@matrix.test", member_password, token), 0);

	test_iam_request(shared.base_url, "GET", "/api/v1/companies/MXA", token, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(json_string_value(json_object_get(r.json, "name")), "Matrix Alpha");
	test_response_free(&r);

	test_iam_request(shared.base_url, "GET", "/api/v1/companies/MXB", token, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 404);
	ck_assert_ptr_null(strstr(r.body, "Matrix Bravo"));
	ck_assert_ptr_null(strstr(r.body, "USD"));
	test_response_free(&r);
	/* Same answer as a company that does not exist: existence is not revealed. */
	test_iam_request(shared.base_url, "GET", "/api/v1/companies/NOSUCH", token, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 404);
	test_response_free(&r);
	test_iam_request(shared.base_url, "PATCH", "/api/v1/companies/MXB", token, "If-Match: \"1\"",
			 "{\"name\":\"Taken Over\"}", &r);
	ck_assert_int_eq(r.status, 404);
	test_response_free(&r);
	/* The list spans companies, so it needs the permission globally. */
	test_iam_request(shared.base_url, "GET", "/api/v1/companies", token, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 403);
	test_response_free(&r);

	test_iam_request(shared.base_url, "GET", "/api/v1/companies/MXB", admin_token, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(json_string_value(json_object_get(r.json, "name")), "Matrix Bravo Secret Ltd");
	test_response_free(&r);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("e2e/iam/matrix");
	TCase *tc = tcase_create("matrix");

	tcase_add_unchecked_fixture(tc, start_shared, stop_shared);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, every_guarded_route_is_denied_without_roles);
	tcase_add_test(tc, each_permission_alone_opens_its_routes);
	tcase_add_test(tc, a_company_token_never_reaches_another_company);
	suite_add_tcase(s, tc);
	return s;
}
