/*
 * End to end, two server processes on one database, trying to get around
 * the cache of sessions, grants and company scopes (modules/iam/cache.c):
 * whatever one process (or a writer outside the server) commits must be in
 * force on the other for every request that arrives afterwards. Process A
 * makes the changes, process B is attacked; B has everything cached first,
 * so a stale entry would be used if the cache were ever behind.
 */
#include <check.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test/support/check_main.h"
#include "test/support/iam_fixture.h"
#include "test/support/testlib.h"

static struct test_server a, b;
static char db_url[1024];
static char admin_token[64];

static const char admin_email[] = "admin@cache.test";
static const char admin_password[] = "admin-password-0001";
static const char user_password[] = "user-password-0001";

/* One user makes many requests: the per-user rate limit is not under test here. */
static const char *const env[] = { "ERP_RATE_LIMIT_PER_USER=0",
				   "ERP_LOGIN_MAX_SUCCESSES=10000", NULL };

static void start_servers(void)
{
	snprintf(db_url, sizeof(db_url), "%s", test_db_create("t_iam_cache"));
	test_iam_migrate(db_url);
	test_iam_bootstrap_admin(db_url, admin_email, admin_password);
	ck_assert_int_eq(test_server_start(&a, "bin/erp-server-test", db_url, env), 0);
	ck_assert_int_eq(test_server_start(&b, "bin/erp-server-test", db_url, env), 0);
	ck_assert_int_eq(test_iam_login(a.base_url, admin_email, admin_password, admin_token), 0);
}

static void stop_servers(void)
{
	ck_assert_int_eq(test_server_stop(&a), 0);
	ck_assert_int_eq(test_server_stop(&b), 0);
}

static long call(const struct test_server *server, const char *method, const char *path,
		 const char *token, const char *body)
{
	struct test_response r;
	long status;

	test_iam_request(server->base_url, method, path, token, NULL, body, &r);
	status = r.status;
	test_response_free(&r);
	return status;
}

/* A series of server's /metrics ("erp_auth_cache_lookups_total{kind=...}"), or -1. */
static long metric(const struct test_server *server, const char *series)
{
	char url[128], *line;
	struct test_response r;
	long value = -1;
	size_t len = strlen(series);

	snprintf(url, sizeof(url), "%s/metrics", server->base_url);
	ck_assert_int_eq(test_http("GET", url, NULL, NULL, 0, &r), 0);
	ck_assert_int_eq(r.status, 200);
	for (line = r.body; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
		if (strncmp(line, series, len) == 0 && line[len] == ' ')
			value = strtol(line + len + 1, NULL, 10);
	test_response_free(&r);
	return value;
}

#define SESSION_HITS "erp_auth_cache_lookups_total{kind=\"session\",result=\"hit\"}"
#define GRANT_HITS "erp_auth_cache_lookups_total{kind=\"grants\",result=\"hit\"}"
#define COMPANY_HITS "erp_auth_cache_lookups_total{kind=\"company\",result=\"hit\"}"
#define SESSION_MISSES "erp_auth_cache_lookups_total{kind=\"session\",result=\"miss\"}"
#define SYNC_FAILURES "erp_db_listener_sync_failures_total"

/* A company and a user holding a role of permissions there; the user is logged in at B. */
struct member {
	char id[40];
	char email[64];
	char company[24];
	char role[40];
	char token[64];
};

static void member_new(struct member *m, const char *name, const char *permissions)
{
	char body[256];

	snprintf(m->email, sizeof(m->email), "%s@cache.test", name);
	snprintf(m->company, sizeof(m->company), "C-%s", name);
	for (char *c = m->company; *c; c++)
		if (*c >= 'a' && *c <= 'z')
			*c = (char)(*c - 'a' + 'A');
	snprintf(m->role, sizeof(m->role), "cache-%s", name);
	snprintf(body, sizeof(body), "{\"code\":\"%s\",\"name\":\"Company %s\",\"currency\":\"EUR\"}",
		 m->company, name);
	ck_assert_int_eq(call(&a, "POST", "/api/v1/companies", admin_token, body), 201);
	test_iam_create_user(a.base_url, admin_token, m->email, user_password, m->id);
	test_iam_grant_new_role(a.base_url, admin_token, m->id, m->role, permissions, m->company);
	ck_assert_int_eq(test_iam_login(b.base_url, m->email, user_password, m->token), 0);
}

static const char *accounts(const struct member *m)
{
	return test_iam_path("/api/v1/companies/%s/accounts", m->company);
}

/*
 * B has the member's session, grants and company cached: a request is all
 * hits. (A notification still on its way about the member, e.g. a login's
 * purge of their dead sessions, may make the first tries read again.)
 */
static void warm(const struct member *m)
{
	for (int i = 0; i < 5; i++) {
		long sessions = metric(&b, SESSION_HITS), grants = metric(&b, GRANT_HITS),
		     companies = metric(&b, COMPANY_HITS);

		ck_assert_int_eq(call(&b, "GET", accounts(m), m->token, NULL), 200);
		if (metric(&b, SESSION_HITS) > sessions && metric(&b, GRANT_HITS) > grants &&
		    metric(&b, COMPANY_HITS) > companies)
			return;
	}
	ck_abort_msg("B never served %s from its cache", m->email);
}

/* The id of the member's (only) role assignment. */
static void assignment_of(const struct member *m, char out[40])
{
	struct test_response r;

	test_iam_request(a.base_url, "GET", test_iam_path("/api/v1/users/%s/role-assignments", m->id),
			 admin_token, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	snprintf(out, 40, "%s", json_string_value(json_object_get(
					json_array_get(json_object_get(r.json, "items"), 0), "id")));
	test_response_free(&r);
}

START_TEST(a_logout_on_one_process_ends_the_session_on_the_other)
{
	struct member m;

	member_new(&m, "leaver", "[\"ledger.account.read\"]");
	for (int i = 0; i < 20; i++) {
		ck_assert_int_eq(test_iam_login(a.base_url, m.email, user_password, m.token), 0);
		warm(&m);
		ck_assert_int_eq(call(&a, "POST", "/api/v1/auth/logout", m.token, NULL), 204);
		ck_assert_int_eq(call(&b, "GET", accounts(&m), m.token, NULL), 401);
		ck_assert_int_eq(call(&b, "GET", "/api/v1/me", m.token, NULL), 401);
	}
}
END_TEST

START_TEST(a_revoked_grant_is_refused_on_the_other_process_at_once)
{
	struct member m;
	char assignment[40], body[128];
	struct test_response r;

	member_new(&m, "revoked", "[\"ledger.account.read\"]");
	snprintf(body, sizeof(body), "{\"role\":\"%s\",\"company\":\"%s\"}", m.role, m.company);
	for (int i = 0; i < 10; i++) {
		warm(&m);
		assignment_of(&m, assignment);
		ck_assert_int_eq(call(&a, "DELETE", test_iam_path("/api/v1/users/%s/role-assignments/%s",
								  m.id, assignment), admin_token, NULL), 204);
		/* No role left in the company: it does not exist for this user. */
		ck_assert_int_eq(call(&b, "GET", accounts(&m), m.token, NULL), 404);
		test_iam_request(a.base_url, "POST", test_iam_path("/api/v1/users/%s/role-assignments", m.id),
				 admin_token, NULL, body, &r);
		ck_assert_int_eq(r.status, 201);
		test_response_free(&r);
		ck_assert_int_eq(call(&b, "GET", accounts(&m), m.token, NULL), 200);
	}
}
END_TEST

START_TEST(a_role_edit_that_removes_a_permission_is_effective_on_the_other_process)
{
	struct member m;
	struct test_response r;
	char if_match[64], *etag;

	member_new(&m, "narrowed", "[\"ledger.account.read\",\"ledger.period.read\"]");
	warm(&m);
	ck_assert_int_eq(call(&b, "GET", test_iam_path("/api/v1/companies/%s/fiscal-periods", m.company),
			      m.token, NULL), 200);
	test_iam_request(a.base_url, "GET", test_iam_path("/api/v1/roles/%s", m.role), admin_token, NULL,
			 NULL, &r);
	etag = test_response_header(&r, "ETag");
	snprintf(if_match, sizeof(if_match), "If-Match: %s", etag);
	free(etag);
	test_response_free(&r);
	test_iam_request(a.base_url, "PATCH", test_iam_path("/api/v1/roles/%s", m.role), admin_token,
			 if_match, "{\"permissions\":[\"ledger.account.read\"]}", &r);
	ck_assert_int_eq(r.status, 200);
	test_response_free(&r);
	ck_assert_int_eq(call(&b, "GET", test_iam_path("/api/v1/companies/%s/fiscal-periods", m.company),
			      m.token, NULL), 403);
	ck_assert_int_eq(call(&b, "GET", accounts(&m), m.token, NULL), 200);
}
END_TEST

START_TEST(a_deactivated_user_is_refused_on_the_other_process)
{
	struct member m;

	member_new(&m, "deactivated", "[\"ledger.account.read\"]");
	warm(&m);
	ck_assert_int_eq(call(&a, "POST", test_iam_path("/api/v1/users/%s/deactivate", m.id), admin_token,
			      NULL), 200);
	ck_assert_int_eq(call(&b, "GET", accounts(&m), m.token, NULL), 401);
	ck_assert_int_eq(call(&a, "POST", test_iam_path("/api/v1/users/%s/reactivate", m.id), admin_token,
			      NULL), 200);
	/* Reactivation does not revive the old session, on either process. */
	ck_assert_int_eq(call(&b, "GET", accounts(&m), m.token, NULL), 401);
}
END_TEST

START_TEST(a_password_change_ends_the_other_sessions_everywhere)
{
	struct member m;
	char kept[64];

	member_new(&m, "mover", "[\"ledger.account.read\"]");
	ck_assert_int_eq(test_iam_login(a.base_url, m.email, user_password, kept), 0);
	warm(&m);
	ck_assert_int_eq(call(&a, "POST", "/api/v1/me/password", kept,
			      "{\"current_password\":\"user-password-0001\","
			      "\"new_password\":\"user-password-0002\"}"), 204);
	ck_assert_int_eq(call(&b, "GET", accounts(&m), m.token, NULL), 401);
	ck_assert_int_eq(call(&b, "GET", accounts(&m), kept, NULL), 200);
}
END_TEST

START_TEST(writers_outside_the_server_are_in_force_at_once)
{
	struct member m;
	char sql[512];

	/* As an admin script or psql would: no server involved, no authorisation version bumped. */
	member_new(&m, "outside", "[\"ledger.account.read\",\"ledger.period.read\"]");
	warm(&m);
	snprintf(sql, sizeof(sql), "DELETE FROM role_permissions WHERE permission = 'ledger.period.read'"
		 " AND role_id = (SELECT id FROM roles WHERE name = '%s')", m.role);
	ck_assert_int_eq(test_db_exec(db_url, sql), 0);
	ck_assert_int_eq(call(&b, "GET", test_iam_path("/api/v1/companies/%s/fiscal-periods", m.company),
			      m.token, NULL), 403);

	/* A company renamed: its old code is gone, its new one works, with the same grants. */
	warm(&m);
	snprintf(sql, sizeof(sql), "UPDATE companies SET code = 'RENAMED' WHERE code = '%s'", m.company);
	ck_assert_int_eq(test_db_exec(db_url, sql), 0);
	ck_assert_int_eq(call(&b, "GET", accounts(&m), m.token, NULL), 404);
	snprintf(m.company, sizeof(m.company), "RENAMED");
	ck_assert_int_eq(call(&b, "GET", accounts(&m), m.token, NULL), 200);

	/* A session ended in place. */
	warm(&m);
	snprintf(sql, sizeof(sql), "UPDATE sessions SET expires_at = now() - interval '1 second'"
		 " WHERE user_id = '%s'", m.id);
	ck_assert_int_eq(test_db_exec(db_url, sql), 0);
	ck_assert_int_eq(call(&b, "GET", accounts(&m), m.token, NULL), 401);

	/* A user switched off in place. */
	ck_assert_int_eq(test_iam_login(b.base_url, m.email, user_password, m.token), 0);
	warm(&m);
	snprintf(sql, sizeof(sql), "UPDATE users SET active = false WHERE id = '%s'", m.id);
	ck_assert_int_eq(test_db_exec(db_url, sql), 0);
	ck_assert_int_eq(call(&b, "GET", accounts(&m), m.token, NULL), 401);
}
END_TEST

START_TEST(the_company_scope_follows_a_change_of_currency)
{
	struct member m;
	struct test_response r;

	member_new(&m, "currency", "[\"ledger.account.read\",\"ledger.account.manage\"]");
	warm(&m);
	ck_assert_int_eq(test_db_exec(db_url, "UPDATE companies SET currency = 'CHF'"
					      " WHERE code = 'C-CURRENCY'"), 0);
	/* A new account takes the company's currency, from the scope the request was handed. */
	test_iam_request(b.base_url, "POST", accounts(&m), m.token, NULL,
			 "{\"code\":\"1000\",\"name\":\"Cash\",\"type\":\"asset\"}", &r);
	ck_assert_int_eq(r.status, 201);
	ck_assert_str_eq(json_string_value(json_object_get(r.json, "currency")), "CHF");
	test_response_free(&r);
}
END_TEST

/* --- an attacker racing the revocation -------------------------------------------------- */

struct racer {
	const struct member *member;
	volatile bool stop;
	int count;
	double started_ms[4000];
	long status[4000];
};

static void *race(void *arg)
{
	struct racer *r = arg;
	char path[128];

	snprintf(path, sizeof(path), "/api/v1/companies/%s/accounts", r->member->company);
	while (!r->stop && r->count < 4000) {
		struct test_response res;

		r->started_ms[r->count] = test_now_ms();
		if (test_iam_try(b.base_url, "GET", path, r->member->token, NULL, NULL, &res) == 0) {
			r->status[r->count++] = res.status;
			test_response_free(&res);
		}
	}
	return NULL;
}

START_TEST(no_request_that_starts_after_a_logout_gets_through)
{
	struct member m;
	struct racer *r = calloc(1, sizeof(*r));
	pthread_t thread;
	double done_ms;
	int before = 0, after = 0;

	member_new(&m, "racer", "[\"ledger.account.read\"]");
	warm(&m);
	r->member = &m;
	pthread_create(&thread, NULL, race, r);
	usleep(300000);
	ck_assert_int_eq(call(&a, "POST", "/api/v1/auth/logout", m.token, NULL), 204);
	done_ms = test_now_ms();
	usleep(300000);
	r->stop = true;
	pthread_join(thread, NULL);
	for (int i = 0; i < r->count; i++) {
		if (r->started_ms[i] < done_ms) {
			before += r->status[i] == 200;
			continue;
		}
		after++;
		ck_assert_msg(r->status[i] == 401, "a request started %.2f ms after the logout answered %ld",
			      r->started_ms[i] - done_ms, r->status[i]);
	}
	ck_assert_int_gt(before, 0);
	ck_assert_int_gt(after, 0);
	free(r);
}
END_TEST

/* --- the listener killed ------------------------------------------------------------------- */

static long listener_up(const struct test_server *server)
{
	return metric(server, "erp_db_listener_up");
}

/* Terminates every listener's backend on the database, again and again, until told to stop. */
struct killer {
	volatile bool stop;
	long killed;
};

static void *keep_killing(void *arg)
{
	struct killer *k = arg;
	PGconn *conn = PQconnectdb(db_url);

	while (!k->stop && PQstatus(conn) == CONNECTION_OK) {
		PGresult *res = PQexec(conn, "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))"
					     " FROM pg_stat_activity WHERE application_name ="
					     " 'erp-server listener' AND datname = current_database()");

		if (PQresultStatus(res) == PGRES_TUPLES_OK)
			k->killed += strtol(PQgetvalue(res, 0, 0), NULL, 10);
		PQclear(res);
		usleep(2000);
	}
	PQfinish(conn);
	return NULL;
}

START_TEST(with_its_listener_killed_a_process_reads_the_database_then_resumes)
{
	struct member m;
	struct killer killer = { false, 0 };
	char assignment[40], body[128];
	struct test_response r;
	long failures = metric(&b, SYNC_FAILURES);
	pthread_t thread;

	member_new(&m, "killed", "[\"ledger.account.read\"]");
	snprintf(body, sizeof(body), "{\"role\":\"%s\",\"company\":\"%s\"}", m.role, m.company);
	warm(&m);
	/*
	 * While the listeners are killed as fast as they reconnect, changes commit
	 * when nobody listens and their notifications reach nobody: each must still
	 * be in force on B at once.
	 */
	pthread_create(&thread, NULL, keep_killing, &killer);
	/*
	 * Five rounds at least, and on until one of B's requests has met its
	 * listener down (on a loaded machine the listener may be back before each
	 * of the first rounds asks); bounded.
	 */
	for (int i = 0; i < 5 || (metric(&b, SYNC_FAILURES) <= failures && i < 100); i++) {
		assignment_of(&m, assignment);
		ck_assert_int_eq(call(&a, "DELETE", test_iam_path("/api/v1/users/%s/role-assignments/%s",
								  m.id, assignment), admin_token, NULL), 204);
		ck_assert_int_eq(call(&b, "GET", accounts(&m), m.token, NULL), 404);
		test_iam_request(a.base_url, "POST", test_iam_path("/api/v1/users/%s/role-assignments", m.id),
				 admin_token, NULL, body, &r);
		ck_assert_int_eq(r.status, 201);
		test_response_free(&r);
		ck_assert_int_eq(call(&b, "GET", accounts(&m), m.token, NULL), 200);
	}
	ck_assert_int_eq(call(&a, "POST", "/api/v1/auth/logout", m.token, NULL), 204);
	ck_assert_int_eq(call(&b, "GET", "/api/v1/me", m.token, NULL), 401);
	killer.stop = true;
	pthread_join(thread, NULL);
	ck_assert_int_gt(killer.killed, 0);
	/* B's requests saw it not listening, and read the database instead. */
	ck_assert_int_gt(metric(&b, SYNC_FAILURES), failures);

	/* It listens again on its own, and the cache serves again. */
	for (int i = 0; i < 100 && listener_up(&b) != 1; i++)
		usleep(50000);
	ck_assert_int_eq(listener_up(&b), 1);
	ck_assert_int_ge(metric(&b, "erp_db_listener_connects_total"), 2);
	ck_assert_int_eq(test_iam_login(b.base_url, m.email, user_password, m.token), 0);
	warm(&m);
}
END_TEST

START_TEST(without_the_cache_every_request_reads_the_database)
{
	static const char *const off[] = { "ERP_AUTH_CACHE=off", "ERP_RATE_LIMIT_PER_USER=0", NULL };
	struct test_server c;
	struct member m;

	member_new(&m, "uncached", "[\"ledger.account.read\"]");
	ck_assert_int_eq(test_server_start(&c, "bin/erp-server-test", db_url, off), 0);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(call(&c, "GET", accounts(&m), m.token, NULL), 200);
	/* Sessions and scopes every time; grants while the authorisation version stands. */
	ck_assert_int_eq(metric(&c, SESSION_HITS), 0);
	ck_assert_int_eq(metric(&c, COMPANY_HITS), 0);
	ck_assert_int_eq(metric(&c, SESSION_MISSES), 3);
	ck_assert_int_eq(metric(&c, GRANT_HITS), 2);
	ck_assert_int_eq(metric(&c, "erp_db_listener_up"), -1); /* no listener at all */
	ck_assert_int_eq(call(&a, "POST", "/api/v1/auth/logout", m.token, NULL), 204);
	ck_assert_int_eq(call(&c, "GET", accounts(&m), m.token, NULL), 401);
	ck_assert_int_eq(test_server_stop(&c), 0);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("e2e/iam/cache");
	TCase *tc = tcase_create("cache");

	tcase_add_unchecked_fixture(tc, start_servers, stop_servers);
	tcase_set_timeout(tc, 180);
	tcase_add_test(tc, a_logout_on_one_process_ends_the_session_on_the_other);
	tcase_add_test(tc, a_revoked_grant_is_refused_on_the_other_process_at_once);
	tcase_add_test(tc, a_role_edit_that_removes_a_permission_is_effective_on_the_other_process);
	tcase_add_test(tc, a_deactivated_user_is_refused_on_the_other_process);
	tcase_add_test(tc, a_password_change_ends_the_other_sessions_everywhere);
	tcase_add_test(tc, writers_outside_the_server_are_in_force_at_once);
	tcase_add_test(tc, the_company_scope_follows_a_change_of_currency);
	tcase_add_test(tc, no_request_that_starts_after_a_logout_gets_through);
	tcase_add_test(tc, with_its_listener_killed_a_process_reads_the_database_then_resumes);
	tcase_add_test(tc, without_the_cache_every_request_reads_the_database);
	suite_add_tcase(s, tc);
	return s;
}
