#include "test/support/iam_fixture.h"

#include <check.h>
#include <libpq-fe.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test/support/testlib.h"

/* The second administrator's password: the first one's (set by test_iam_bootstrap_admin). */
static char second_password[1100];

const char *test_iam_bootstrap_admin(const char *db_url, const char *email, const char *password)
{
	static char id[40];
	char hash[crypto_pwhash_STRBYTES];
	PGconn *conn;
	PGresult *res;
	const char *params[3];

	ck_assert_int_ge(sodium_init(), 0);
	ck_assert_int_eq(crypto_pwhash_str(hash, password, strlen(password),
					   crypto_pwhash_OPSLIMIT_INTERACTIVE,
					   crypto_pwhash_MEMLIMIT_INTERACTIVE), 0);
	conn = PQconnectdb(db_url);
	ck_assert_msg(PQstatus(conn) == CONNECTION_OK, "%s", PQerrorMessage(conn));
	res = PQexec(conn,
		     "INSERT INTO roles (id, name, description, system)"
		     " VALUES (gen_random_uuid(), 'administrator', 'Administers users and roles', true)"
		     " ON CONFLICT (name) DO NOTHING;"
		     "INSERT INTO role_permissions (role_id, permission)"
		     " SELECT r.id, p.name FROM roles r, permissions p"
		     " WHERE r.name = 'administrator' AND p.name LIKE 'iam.%' AND p.name <> 'iam.audit.read'"
		     " ON CONFLICT DO NOTHING");
	ck_assert_msg(PQresultStatus(res) == PGRES_COMMAND_OK, "%s", PQerrorMessage(conn));
	PQclear(res);
	params[0] = email;
	params[1] = hash;
	res = PQexecParams(conn,
			   "INSERT INTO users (id, email, display_name, password_hash)"
			   " VALUES (gen_random_uuid(), $1, 'Bootstrap Admin', $2) RETURNING id",
			   2, NULL, params, NULL, NULL, 0);
	ck_assert_msg(PQresultStatus(res) == PGRES_TUPLES_OK, "%s", PQerrorMessage(conn));
	snprintf(id, sizeof(id), "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	params[0] = id;
	res = PQexecParams(conn,
			   "INSERT INTO role_assignments (id, user_id, role_id)"
			   " SELECT gen_random_uuid(), $1, id FROM roles WHERE name = 'administrator';"
			   , 1, NULL, params, NULL, NULL, 0);
	ck_assert_msg(PQresultStatus(res) == PGRES_COMMAND_OK, "%s", PQerrorMessage(conn));
	PQclear(res);
	/* The second administrator, who approves what the first one requests (four-eyes). */
	params[0] = hash;
	res = PQexecParams(conn,
			   "WITH u AS (INSERT INTO users (id, email, display_name, password_hash)"
			   "   VALUES (gen_random_uuid(), '" TEST_IAM_SECOND_ADMIN "', 'Second Admin', $1)"
			   "   ON CONFLICT (email) DO NOTHING RETURNING id)"
			   " INSERT INTO role_assignments (id, user_id, role_id)"
			   " SELECT gen_random_uuid(), u.id, r.id FROM u, roles r WHERE r.name = 'administrator'",
			   1, NULL, params, NULL, NULL, 0);
	ck_assert_msg(PQresultStatus(res) == PGRES_COMMAND_OK, "%s", PQerrorMessage(conn));
	PQclear(res);
	snprintf(second_password, sizeof(second_password), "%s", password);
	res = PQexec(conn, "UPDATE authz_version SET version = version + 1");
	PQclear(res);
	PQfinish(conn);
	return id;
}

const char *test_iam_second_admin_token(const char *base_url)
{
	static char token[64], for_url[64];

	if (strcmp(for_url, base_url) != 0 || !token[0]) {
		ck_assert_msg(test_iam_login(base_url, TEST_IAM_SECOND_ADMIN, second_password, token) == 0,
			      "the second administrator could not log in at %s", base_url);
		snprintf(for_url, sizeof(for_url), "%s", base_url);
	}
	return token;
}

/* One JSON call that must answer one of two statuses; returns the status, r filled. */
static long call_expecting(const char *base_url, const char *token, const char *method,
			   const char *path, json_t *body, long a, long b, struct test_response *r)
{
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;

	test_iam_request(base_url, method, path, token, NULL, text, r);
	ck_assert_msg(r->status == a || r->status == b, "%s %s %s: %ld %s", method, path,
		      text ? text : "", r->status, r->body);
	free(text);
	return r->status;
}

void test_iam_grant(const char *base_url, const char *admin_token, const char *user_id,
		    const char *role, const char *company, const char *reason)
{
	char path[256];
	struct test_response r;
	json_t *body = json_pack("{s:s, s:s?, s:s*}", "role", role, "company", company, "reason", reason);
	long status;

	snprintf(path, sizeof(path), "/api/v1/users/%s/role-assignments", user_id);
	test_iam_request_json(base_url, admin_token, "POST", path, body, &r);
	status = r.status;
	if (status == 409 && reason) { /* a conflict this caller means to override */
		test_response_free(&r);
		body = json_pack("{s:s, s:s?, s:s, s:b}", "role", role, "company", company, "reason",
				 reason, "override", 1);
		test_iam_request_json(base_url, admin_token, "POST", path, body, &r);
		status = r.status;
	}
	ck_assert_msg(status == 201 || status == 202, "grant %s: %ld %s", role, status, r.body);
	if (status == 202) {
		snprintf(path, sizeof(path), "/api/v1/role-grant-requests/%s/approve",
			 json_string_value(json_object_get(r.json, "id")));
		test_response_free(&r);
		call_expecting(base_url, test_iam_second_admin_token(base_url), "POST", path, NULL, 200,
			       200, &r);
	}
	test_response_free(&r);
}

const char *test_iam_vpath(const char *format, va_list args)
{
	static char paths[8][1024];
	static unsigned next;
	char *path = paths[next++ % 8];

	vsnprintf(path, sizeof(paths[0]), format, args);
	return path;
}

const char *test_iam_path(const char *format, ...)
{
	const char *path;
	va_list args;

	va_start(args, format);
	path = test_iam_vpath(format, args);
	va_end(args);
	return path;
}

void test_iam_request_json(const char *base_url, const char *token, const char *method,
			   const char *path, json_t *body, struct test_response *r)
{
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;

	test_iam_request(base_url, method, path, token, NULL, text, r);
	free(text);
	json_decref(body);
}

const char test_iam_admin_password[] = "admin-password-0001";

void test_iam_server_start(struct test_iam_server *s, const char *db_name, const char *admin_email,
			   const char *const env[])
{
	memset(s, 0, sizeof(*s));
	snprintf(s->db_url, sizeof(s->db_url), "%s", test_db_create(db_name));
	test_iam_migrate(s->db_url);
	snprintf(s->admin_id, sizeof(s->admin_id), "%s",
		 test_iam_bootstrap_admin(s->db_url, admin_email, test_iam_admin_password));
	ck_assert_int_eq(test_server_start(&s->server, "bin/erp-server-test", s->db_url, env), 0);
	ck_assert_int_eq(test_iam_login(s->server.base_url, admin_email, test_iam_admin_password,
					s->admin_token), 0);
}

void test_iam_server_stop(struct test_iam_server *s)
{
	ck_assert_int_eq(test_server_stop(&s->server), 0);
}

int test_iam_login(const char *base_url, const char *email, const char *password, char token[64])
{
	const char *const headers[] = { "Content-Type: application/json", NULL };
	struct test_response r;
	char url[256];
	json_t *body = json_pack("{s:s, s:s}", "email", email, "password", password);
	char *text = json_dumps(body, JSON_COMPACT);
	int rc = -1;

	snprintf(url, sizeof(url), "%s/api/v1/auth/login", base_url);
	if (test_http("POST", url, headers, text, strlen(text), &r) == 0 && r.status == 200 &&
	    json_is_string(json_object_get(r.json, "token"))) {
		snprintf(token, 64, "%s", json_string_value(json_object_get(r.json, "token")));
		rc = 0;
	}
	test_response_free(&r);
	free(text);
	json_decref(body);
	return rc;
}

const char *test_iam_bearer(const char *token, int slot)
{
	static char headers[4][96];

	snprintf(headers[slot & 3], sizeof(headers[0]), "Authorization: Bearer %s", token);
	return headers[slot & 3];
}

void test_iam_migrate(const char *db_url)
{
	char env_url[1100], env_dir[1100];
	const char *env[] = { env_url, env_dir, test_audit_key_env(), NULL };
	char binary[1024];
	const char *argv[] = { binary, "migrate", NULL };

	snprintf(binary, sizeof(binary), "%s/bin/erp-server-test", test_env("ERP_TEST_BUILD"));
	snprintf(env_url, sizeof(env_url), "ERP_DATABASE_URL=%s", db_url);
	snprintf(env_dir, sizeof(env_dir), "ERP_MIGRATIONS_DIR=%s", test_env("ERP_TEST_MIGRATIONS_DIR"));
	ck_assert_int_eq(test_run(argv, env, NULL), 0);
}

int test_iam_try(const char *base_url, const char *method, const char *path, const char *token,
		 const char *extra_header, const char *body, struct test_response *r)
{
	char url[2048], auth[128];
	const char *headers[4];
	int n = 0;

	snprintf(url, sizeof(url), "%s%s", base_url, path);
	if (token) {
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
		headers[n++] = auth;
	}
	if (extra_header)
		headers[n++] = extra_header;
	if (body)
		headers[n++] = "Content-Type: application/json";
	headers[n] = NULL;
	return test_http(method, url, headers, body, body ? strlen(body) : 0, r);
}

void test_iam_request(const char *base_url, const char *method, const char *path,
		      const char *token, const char *extra_header, const char *body,
		      struct test_response *r)
{
	ck_assert_int_eq(test_iam_try(base_url, method, path, token, extra_header, body, r), 0);
}

void test_iam_create_user_one_time(const char *base_url, const char *admin_token,
				   const char *email, const char *password, char id[40])
{
	json_t *body = json_pack("{s:s, s:s, s:s}", "email", email, "display_name", email,
				 "password", password);
	struct test_response r;

	test_iam_request_json(base_url, admin_token, "POST", "/api/v1/users", body, &r);
	ck_assert_msg(r.status == 201, "create user %s: %ld %s", email, r.status, r.body);
	snprintf(id, 40, "%s", json_string_value(json_object_get(r.json, "id")));
	test_response_free(&r);
}

void test_iam_create_user(const char *base_url, const char *admin_token, const char *email,
			  const char *password, char id[40])
{
	char first[1100], token[64];
	struct test_response r;

	/* The administrator's one-time password: the same length, another first letter. */
	snprintf(first, sizeof(first), "%s", password);
	first[0] = first[0] == 'x' ? 'y' : 'x';
	test_iam_create_user_one_time(base_url, admin_token, email, first, id);
	ck_assert_int_eq(test_iam_login(base_url, email, first, token), 0);
	test_iam_request_json(base_url, token, "POST", "/api/v1/me/password",
			      json_pack("{s:s, s:s}", "current_password", first, "new_password", password),
			      &r);
	ck_assert_msg(r.status == 204, "first password change of %s: %ld %s", email, r.status, r.body);
	test_response_free(&r);
	/* That session was only for choosing the password: end it, as a careful client would. */
	test_iam_request(base_url, "POST", "/api/v1/auth/logout", token, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 204);
	test_response_free(&r);
}

void test_iam_grant_new_role(const char *base_url, const char *admin_token, const char *user_id,
			     const char *name, const char *permissions, const char *company)
{
	char *text;
	json_t *body;
	struct test_response r;

	body = json_pack("{s:s, s:o}", "name", name, "permissions", json_loads(permissions, 0, NULL));
	text = json_dumps(body, JSON_COMPACT);
	test_iam_request(base_url, "POST", "/api/v1/roles", admin_token, NULL, text, &r);
	ck_assert_msg(r.status == 201, "create role %s: %ld %s", name, r.status, r.body);
	test_response_free(&r);
	free(text);
	json_decref(body);

	test_iam_grant(base_url, admin_token, user_id, name, company, NULL);
}
