/*
 * Abuse of logins (docs/controls.md, "Logins, sessions and rate limits").
 *
 * Session cap: clients log one account in again and again, in parallel.
 * However the logins interleave, the account keeps exactly
 * ERP_SESSIONS_MAX_PER_USER live sessions, exactly that many of the tokens
 * handed out still work, and the dead sessions already in the table (other
 * users' expired and revoked ones) are purged by the logins' bounded batches.
 */
#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test/support/check_main.h"
#include "test/support/iam_fixture.h"
#include "test/support/reliability.h"
#include "test/support/testlib.h"

enum { MAX_CLIENTS = 32, MAX_TOKENS = 1024 };

static const char admin_password[] = "admin-password-0001";
static const char member_password[] = "member-password-01";

struct scenario_server {
	struct test_server server;
	char db_url[1024];
	char admin[64];
};

static void start(struct scenario_server *s, const char *db_name, const char *const env[])
{
	snprintf(s->db_url, sizeof(s->db_url), "%s", test_db_create(db_name));
	test_iam_migrate(s->db_url);
	test_iam_bootstrap_admin(s->db_url, "admin@abuse.test", admin_password);
	ck_assert_int_eq(test_server_start(&s->server, "bin/erp-server-test", s->db_url, env), 0);
	ck_assert_int_eq(test_iam_login(s->server.base_url, "admin@abuse.test", admin_password,
					s->admin), 0);
}

/* One login; the status, and the token on 200 (64 bytes). */
static long login(const struct scenario_server *s, const char *email, char token[64])
{
	const char *const headers[] = { "Content-Type: application/json", NULL };
	struct test_response r;
	char url[256], body[256];
	long status;

	snprintf(url, sizeof(url), "%s/api/v1/auth/login", s->server.base_url);
	snprintf(body, sizeof(body), "{\"email\":\"%s\",\"password\":\"%s\"}", email, member_password);
	if (test_http("POST", url, headers, body, strlen(body), &r) != 0) {
		test_response_free(&r);
		return 0;
	}
	status = r.status;
	if (status == 200 && token)
		snprintf(token, 64, "%s", json_string_value(json_object_get(r.json, "token")));
	test_response_free(&r);
	return status;
}

static long db_number(const struct scenario_server *s, const char *sql)
{
	char *value = test_db_value(s->db_url, sql);
	long number = value ? strtol(value, NULL, 10) : -1;

	free(value);
	return number;
}

/* --- session cap ------------------------------------------------------------------------- */

struct cap_run {
	const struct scenario_server *server;
	long logins_per_client;
	pthread_mutex_t lock;
	char tokens[MAX_TOKENS][64];
	size_t token_count;
	atomic_long busy;        /* 503 while every hashing slot was taken: retried */
	atomic_long unexpected;  /* anything but 200 and 503 */
};

static void *log_in_repeatedly(void *arg)
{
	struct cap_run *run = arg;

	for (long done = 0; done < run->logins_per_client;) {
		char token[64];
		long status = login(run->server, "capped@abuse.test", token);

		if (status == 503) {
			atomic_fetch_add(&run->busy, 1);
			usleep(20 * 1000);
			continue;
		}
		if (status != 200) {
			atomic_fetch_add(&run->unexpected, 1);
			break;
		}
		pthread_mutex_lock(&run->lock);
		if (run->token_count < MAX_TOKENS)
			memcpy(run->tokens[run->token_count++], token, 64);
		pthread_mutex_unlock(&run->lock);
		done++;
	}
	return NULL;
}

START_TEST(concurrent_logins_keep_the_session_cap_and_purge_dead_sessions)
{
	/* This scenario logs one account in many times: the success throttle is set out of its way. */
	static const char *const env[] = { "ERP_THREADS=4", "ERP_SESSIONS_MAX_PER_USER=5",
					   "ERP_LOGIN_MAX_SUCCESSES=10000",
					   "ERP_PASSWORD_HASH_CONCURRENCY=4", NULL };
	static struct cap_run run;
	struct scenario_server s;
	pthread_t threads[8];
	long clients = 8, live, rows, dead_left, working = 0;
	char id[40], ghost[40], sql[512], tried[512], outcome[768];
	bool pass;

	memset(&run, 0, sizeof(run));
	pthread_mutex_init(&run.lock, NULL);
	run.server = &s;
	run.logins_per_client = reliability_scale(15, 5);
	start(&s, "t_rel_logins_cap", env);
	test_iam_create_user(s.server.base_url, s.admin, "capped@abuse.test", member_password, id);
	test_iam_create_user(s.server.base_url, s.admin, "ghost@abuse.test", member_password, ghost);
	/* 300 expired and 300 revoked sessions of someone else, already in the table. */
	snprintf(sql, sizeof(sql),
		 "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, revoked_at)"
		 " SELECT sha256(('dead-' || g)::bytea), '%s', now() - interval '2 days',"
		 "        now() - interval '2 days', now() - interval '1 day',"
		 "        CASE WHEN g %% 2 = 0 THEN now() - interval '1 day' END"
		 " FROM generate_series(1, 600) g", ghost);
	ck_assert_int_eq(test_db_exec(s.db_url, sql), 0);

	for (long i = 0; i < clients; i++)
		ck_assert_int_eq(pthread_create(&threads[i], NULL, log_in_repeatedly, &run), 0);
	for (long i = 0; i < clients; i++)
		pthread_join(threads[i], NULL);

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM sessions WHERE user_id = '%s'"
				   " AND revoked_at IS NULL AND expires_at > now()", id);
	live = db_number(&s, sql);
	rows = db_number(&s, "SELECT count(*) FROM sessions");
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM sessions WHERE user_id = '%s'", ghost);
	dead_left = db_number(&s, sql);
	for (size_t i = 0; i < run.token_count; i++) {
		struct test_response r;

		test_iam_request(s.server.base_url, "GET", "/api/v1/me", run.tokens[i], NULL, NULL, &r);
		working += r.status == 200;
		test_response_free(&r);
	}
	pass = atomic_load(&run.unexpected) == 0 &&
	       run.token_count == (size_t)(clients * run.logins_per_client) && live == 5 &&
	       working == 5 && dead_left == 0 && reliability_server_alive(&s.server);
	snprintf(tried, sizeof(tried),
		 "%ld clients log one account in %ld times each (ERP_SESSIONS_MAX_PER_USER=5); 600 expired"
		 " and revoked sessions of another user already in the table",
		 clients, run.logins_per_client);
	snprintf(outcome, sizeof(outcome),
		 "%zu logins answered 200 (%ld 503 busy, retried; %ld other); the account has %ld live"
		 " sessions and %ld of the %zu tokens still work; dead sessions left %ld of 600;"
		 " %ld rows in the table",
		 run.token_count, atomic_load(&run.busy), atomic_load(&run.unexpected), live, working,
		 run.token_count, dead_left, rows);
	reliability_record("logins: session cap", tried, outcome, pass);
	ck_assert_msg(pass, "%s", outcome);
	ck_assert_int_eq(test_server_stop(&s.server), 0);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("reliability/logins");
	TCase *tc = tcase_create("logins");

	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, concurrent_logins_keep_the_session_cap_and_purge_dead_sessions);
	suite_add_tcase(s, tc);
	return s;
}
