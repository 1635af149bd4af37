/*
 * The route-permission matrix, against the real erp-server-test binary: every
 * operation in GET /openapi.json whose x-permission is a real permission
 * (not @public / @authenticated) is denied to a user holding no roles (403,
 * or 404 on {company} routes) and is not denied to a user holding only that
 * permission (globally, or in the company for {company} routes). What each
 * module's paths name, and a valid body for its writes, comes from the
 * module's own test folder (test/support/matrix.h: matrix_targets.c), so
 * routes and modules added later are covered without touching this file.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test/support/check_main.h"
#include "test/support/iam_fixture.h"
#include "test/support/matrix.h"
#include "test/support/testlib.h"

static struct test_server shared;
static char db_url[1024];
static char admin_token[64];
static struct test_matrix_env env;

static const char admin_email[] = "admin@matrix.test";
static const char admin_password[] = "admin-password-0001";
static const char member_password[] = "member-password-01";

static void create_company(const char *code, const char *name, const char *currency)
{
	struct test_response r;
	char body[160];

	snprintf(body, sizeof(body), "{\"code\":\"%s\",\"name\":\"%s\",\"currency\":\"%s\"}", code,
		 name, currency);
	test_iam_request(shared.base_url, "POST", "/api/v1/companies", admin_token, NULL, body, &r);
	ck_assert_int_eq(r.status, 201);
	test_response_free(&r);
}

/* The server, two companies, and the objects each module's paths name (matrix.h). */
static void start_shared(void)
{
	snprintf(db_url, sizeof(db_url), "%s", test_db_create("t_iam_matrix"));
	test_iam_migrate(db_url);
	test_iam_bootstrap_admin(db_url, admin_email, admin_password);
	ck_assert_int_eq(test_server_start(&shared, "bin/erp-server-test", db_url, NULL), 0);
	ck_assert_int_eq(test_iam_login(shared.base_url, admin_email, admin_password, admin_token), 0);
	create_company("MXA", "Matrix Alpha", "EUR");
	create_company("MXB", "Matrix Bravo Secret Ltd", "USD");
	env = (struct test_matrix_env){ shared.base_url, admin_token, "MXA", "MXB" };
	ck_assert_msg(test_matrix_count() > 0, "no module registered matrix targets");
	for (size_t i = 0; i < test_matrix_count(); i++)
		if (test_matrix_get(i)->setup)
			test_matrix_get(i)->setup(&env);
}

static void stop_shared(void)
{
	ck_assert_int_eq(test_server_stop(&shared), 0);
}

struct operation {
	char method[8];
	char pattern[256];
	char permission[128];
	bool has_body;
};

/*
 * The value of {name} in op's pattern: the company, else what the targets of
 * the route's module say (a holder's own object first, when holder is
 * given), else "x".
 */
static const char *param_value(const struct operation *op, const char *name, const char *holder)
{
	const struct test_matrix_targets *targets = test_matrix_for(op->permission);
	const char *value = NULL;

	if (strcmp(name, "company") == 0)
		return env.company;
	if (targets && holder && targets->own_param)
		value = targets->own_param(&env, op->method, op->pattern, name, holder);
	if (!value && targets && targets->param)
		value = targets->param(op->pattern, name);
	return value ? value : "x";
}

/* op's pattern with its parameters filled in (param_value()). */
static void concrete_path(const struct operation *op, const char *holder, char *out, size_t size)
{
	const char *pattern = op->pattern;
	size_t n = 0;

	while (*pattern && n + 1 < size) {
		if (*pattern == '{') {
			const char *end = strchr(pattern, '}');
			char name[32];

			snprintf(name, sizeof(name), "%.*s", (int)(end - pattern - 1), pattern + 1);
			n += (size_t)snprintf(out + n, size - n, "%s", param_value(op, name, holder));
			pattern = end + 1;
		} else {
			out[n++] = *pattern++;
		}
	}
	out[n < size ? n : size - 1] = '\0';
}

/* A body for a write: a valid one where the module gives one, else {} (validation runs after auth). */
static const char *body_for(const struct operation *op)
{
	const struct test_matrix_targets *targets = test_matrix_for(op->permission);
	const char *body = NULL;

	if (!op->has_body)
		return NULL;
	if (targets && targets->body)
		body = targets->body(op->method, op->pattern);
	return body ? body : "{}";
}

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

/*
 * Calls op as token. With holder set, token holds op's permission and may
 * need an object of its own (a draft it wrote): the module's targets make it.
 */
static long call_as(const struct operation *op, const char *token, bool holder)
{
	char path[512];
	struct test_response r;
	long status;

	concrete_path(op, holder ? token : NULL, path, sizeof(path));
	test_iam_request(shared.base_url, op->method, path, token, NULL, body_for(op), &r);
	status = r.status;
	ck_assert_msg(status < 500, "%s %s: %ld %s", op->method, path, status, r.body);
	test_response_free(&r);
	return status;
}

static long call(const struct operation *op, const char *token)
{
	return call_as(op, token, false);
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
						company_scoped(&ops[i]) ? env.company : NULL);
		}
		ck_assert_int_eq(test_iam_login(shared.base_url, email, member_password, token), 0);
		status = call_as(&ops[i], token, true);
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

/*
 * The other side of the matrix: the routes that need no permission are
 * exactly these (a new public route is a decision, made here), each answers a
 * caller without a token, and the @authenticated ones answer 401 without one.
 * The test module's own routes (tag "test") are not the product's.
 */
static const char *const public_operations[] = {
	"GET /", "GET /healthz", "GET /readyz", "GET /metrics", "GET /openapi.json",
	"POST /api/v1/auth/login",
};

START_TEST(public_routes_are_the_listed_ones_and_need_no_token)
{
	size_t found = 0, authenticated = 0, count = sizeof(public_operations) / sizeof(public_operations[0]);
	struct test_response doc, r;
	const char *pattern, *method;
	json_t *item, *op;

	test_iam_request(shared.base_url, "GET", "/openapi.json", NULL, NULL, NULL, &doc);
	ck_assert_int_eq(doc.status, 200);
	json_object_foreach(json_object_get(doc.json, "paths"), pattern, item) {
		json_object_foreach(item, method, op) {
			const char *permission = json_string_value(json_object_get(op, "x-permission"));
			const char *tag = json_string_value(json_array_get(json_object_get(op, "tags"), 0));
			char name[300], upper[8] = { 0 };
			bool listed = false;

			if (!permission || permission[0] != '@' || (tag && strcmp(tag, "test") == 0) ||
			    strchr(pattern, '{'))
				continue;
			for (size_t i = 0; method[i] && i < sizeof(upper) - 1; i++)
				upper[i] = (char)(method[i] - 'a' + 'A');
			if (strcmp(permission, "@authenticated") == 0) {
				test_iam_request(shared.base_url, upper, pattern, NULL, NULL,
						 json_object_get(op, "requestBody") ? "{}" : NULL, &r);
				ck_assert_msg(r.status == 401, "%s %s without a token: %ld", upper, pattern,
					      r.status);
				test_response_free(&r);
				authenticated++;
				continue;
			}
			snprintf(name, sizeof(name), "%s %s", upper, pattern);
			for (size_t i = 0; i < count && !listed; i++)
				listed = strcmp(name, public_operations[i]) == 0;
			ck_assert_msg(listed, "%s is public but not in the list of public routes", name);
			found++;
			test_iam_request(shared.base_url, upper, pattern, NULL, NULL,
					 json_object_get(op, "requestBody") ? "{}" : NULL, &r);
			ck_assert_msg(r.status != 401 && r.status != 403 && r.status < 500,
				      "%s without a token: %ld", name, r.status);
			test_response_free(&r);
		}
	}
	ck_assert_uint_eq(found, count);
	ck_assert_uint_ge(authenticated, 3); /* logout, me, my password */
	test_response_free(&doc);
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
	/* A user and a role per guarded route (argon2id each): the time grows with the routes. */
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, every_guarded_route_is_denied_without_roles);
	tcase_add_test(tc, each_permission_alone_opens_its_routes);
	tcase_add_test(tc, public_routes_are_the_listed_ones_and_need_no_token);
	tcase_add_test(tc, a_company_token_never_reaches_another_company);
	suite_add_tcase(s, tc);
	return s;
}
