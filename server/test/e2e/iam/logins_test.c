/*
 * End to end, the controls on logins and sessions (docs/controls.md,
 * "Logins, sessions and rate limits"), each against its own server and
 * database so its limits are set explicitly: successful logins per account
 * are throttled, sessions per user are capped and dead ones purged, and
 * argon2id computations are limited so logins cannot occupy every worker.
 */
#include <check.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test/support/check_main.h"
#include "test/support/iam_fixture.h"
#include "test/support/testlib.h"

static const char member_password[] = "member-password-01";

static void start(struct test_iam_server *s, const char *name, const char *const env[])
{
	test_iam_server_start(s, name, "admin@logins.test", env);
}

/* A login from source_address (NULL: the default); the caller frees r. */
static void login_from(const struct test_iam_server *s, const char *source_address, const char *email,
		       const char *password, struct test_response *r)
{
	const char *const headers[] = { "Content-Type: application/json", NULL };
	json_t *body = json_pack("{s:s, s:s}", "email", email, "password", password);
	char *text = json_dumps(body, JSON_COMPACT), url[256];

	snprintf(url, sizeof(url), "%s/api/v1/auth/login", s->server.base_url);
	ck_assert_int_eq(test_http_from(source_address, "POST", url, headers, text, strlen(text), r), 0);
	free(text);
	json_decref(body);
}

static long login_status(const struct test_iam_server *s, const char *email, const char *password)
{
	struct test_response r;
	long status;

	login_from(s, NULL, email, password, &r);
	status = r.status;
	test_response_free(&r);
	return status;
}

/* Asserts a 429 problem with a Retry-After of 1..max seconds. */
static void assert_throttled(struct test_response *r, long max)
{
	char *retry = test_response_header(r, "Retry-After");

	ck_assert_msg(r->status == 429, "%ld %s", r->status, r->body);
	ck_assert_str_eq(json_string_value(json_object_get(r->json, "type")),
			 "/problems/too-many-requests");
	ck_assert_ptr_nonnull(retry);
	ck_assert_int_ge(strtol(retry, NULL, 10), 1);
	ck_assert_int_le(strtol(retry, NULL, 10), max);
	free(retry);
}

START_TEST(successful_logins_per_account_are_throttled)
{
	static const char *const env[] = { "ERP_LOGIN_MAX_SUCCESSES=3", NULL };
	struct test_iam_server s;
	struct test_response r;
	char id[40];

	start(&s, "t_iam_logins_successes", env);
	test_iam_create_user(s.server.base_url, s.admin_token, "busy@logins.test", member_password, id);
	test_iam_create_user(s.server.base_url, s.admin_token, "other@logins.test", member_password, id);
	/* Each user's first login (to replace the one-time password) was the first success. */
	for (int i = 0; i < 2; i++)
		ck_assert_int_eq(login_status(&s, "busy@logins.test", member_password), 200);
	/* The fourth, from any address, is throttled like repeated failures. */
	login_from(&s, NULL, "busy@logins.test", member_password, &r);
	assert_throttled(&r, 900);
	ck_assert_str_eq(json_string_value(json_object_get(r.json, "detail")),
			 "too many logins to this account; try again later");
	test_response_free(&r);
	login_from(&s, "127.0.0.2", "busy@logins.test", member_password, &r);
	assert_throttled(&r, 900);
	test_response_free(&r);
	/* Only the holder of the password learns it: a wrong one is an ordinary failure. */
	ck_assert_int_eq(login_status(&s, "busy@logins.test", "wrong-password-00"), 401);
	/* Other accounts are not affected; the throttled attempts opened no session. */
	ck_assert_int_eq(login_status(&s, "other@logins.test", member_password), 200);
	{
		char *count = test_db_value(s.db_url, "SELECT count(*) FROM sessions s JOIN users u"
						      " ON u.id = s.user_id WHERE u.email = 'busy@logins.test'");

		/* The two later logins; the first one's session ended (logout) and was purged. */
		ck_assert_str_eq(count, "2");
		free(count);
	}
	test_iam_server_stop(&s);
}
END_TEST

static long me_status(const struct test_iam_server *s, const char *token)
{
	struct test_response r;
	long status;

	test_iam_request(s->server.base_url, "GET", "/api/v1/me", token, NULL, NULL, &r);
	status = r.status;
	test_response_free(&r);
	return status;
}

/* The number the query sql answers in the test database. */
static long db_number(const struct test_iam_server *s, const char *sql)
{
	char *value = test_db_value(s->db_url, sql);
	long number;

	ck_assert_msg(value != NULL, "no value: %s", sql);
	number = strtol(value, NULL, 10);
	free(value);
	return number;
}

START_TEST(sessions_per_user_are_capped_and_dead_ones_purged)
{
	static const char *const env[] = { "ERP_SESSIONS_MAX_PER_USER=3", NULL };
	struct test_iam_server s;
	struct test_response r;
	char id[40], other[40], tokens[6][64], other_token[64], sql[512];

	start(&s, "t_iam_logins_sessions", env);
	test_iam_create_user(s.server.base_url, s.admin_token, "capped@logins.test", member_password, id);
	test_iam_create_user(s.server.base_url, s.admin_token, "other@logins.test", member_password, other);
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(test_iam_login(s.server.base_url, "capped@logins.test", member_password,
						tokens[i]), 0);
	/* The fourth login ended the oldest session; the three newest live. */
	ck_assert_int_eq(me_status(&s, tokens[0]), 401);
	for (int i = 1; i < 4; i++)
		ck_assert_int_eq(me_status(&s, tokens[i]), 200);
	/* ...and its audit event says so. */
	snprintf(sql, sizeof(sql),
		 "SELECT string_agg(coalesce(changes->'sessions_ended'->>'new', '-'), ',' ORDER BY occurred_at, id)"
		 " FROM audit_events WHERE action = 'iam.login.succeeded' AND actor_id = '%s'", id);
	{
		char *ended = test_db_value(s.db_url, sql);

		/* The first is the login that replaced the one-time password (logged out since). */
		ck_assert_str_eq(ended, "-,-,-,-,1");
		free(ended);
	}

	/* A revoked session is purged at the user's next login, with the one over the cap. */
	test_iam_request(s.server.base_url, "POST", "/api/v1/auth/logout", tokens[1], NULL, NULL, &r);
	ck_assert_int_eq(r.status, 204);
	test_response_free(&r);
	ck_assert_int_eq(test_iam_login(s.server.base_url, "capped@logins.test", member_password,
					tokens[4]), 0);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM sessions WHERE user_id = '%s'", id);
	ck_assert_int_eq(db_number(&s, sql), 3);
	for (int i = 2; i < 5; i++)
		ck_assert_int_eq(me_status(&s, tokens[i]), 200);

	/* Other users' expired and revoked sessions are purged too, a bounded batch per login. */
	ck_assert_int_eq(test_iam_login(s.server.base_url, "other@logins.test", member_password,
					other_token), 0);
	snprintf(sql, sizeof(sql), "UPDATE sessions SET expires_at = now() - interval '1 second'"
				   " WHERE user_id = '%s'", other);
	ck_assert_int_eq(test_db_exec(s.db_url, sql), 0);
	ck_assert_int_eq(test_iam_login(s.server.base_url, "capped@logins.test", member_password,
					tokens[5]), 0);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM sessions WHERE user_id = '%s'", other);
	ck_assert_int_eq(db_number(&s, sql), 0);
	ck_assert_int_eq(me_status(&s, other_token), 401);
	ck_assert_int_eq(me_status(&s, tokens[2]), 401);
	test_iam_server_stop(&s);
}
END_TEST

/* --- the limit on password hashing --------------------------------------------------------- */

struct slow_login {
	const struct test_iam_server *s;
	atomic_bool done;
	long status;
};

static void *log_in_slowly(void *arg)
{
	struct slow_login *slow = arg;

	do /* the quick logins may hold the slot at first */
		slow->status = login_status(slow->s, "slow@logins.test", member_password);
	while (slow->status == 503);
	atomic_store(&slow->done, true);
	return NULL;
}

/* Asserts the immediate "busy" answer: 503, Retry-After: 1, a problem saying why, quickly. */
static void assert_busy(struct test_response *r, double took_ms)
{
	char *retry = test_response_header(r, "Retry-After");
	const char *detail = json_string_value(json_object_get(r->json, "detail"));

	ck_assert_msg(r->status == 503, "%ld %s", r->status, r->body);
	ck_assert_str_eq(json_string_value(json_object_get(r->json, "type")), "/problems/unavailable");
	ck_assert_msg(detail && strstr(detail, "busy"), "detail: %s", detail ? detail : "(none)");
	ck_assert_ptr_nonnull(retry);
	ck_assert_str_eq(retry, "1");
	free(retry);
	/* Answered without waiting for the slot (an argon2id verification here takes ~200 ms). */
	ck_assert_msg(took_ms < 1000, "the busy answer took %.0f ms", took_ms);
}

START_TEST(password_hashing_is_limited_and_the_busy_answer_comes_at_once)
{
	static const char *const env[] = { "ERP_THREADS=4", "ERP_PASSWORD_HASH_CONCURRENCY=1",
					   "ERP_LOGIN_MAX_SUCCESSES=10000", NULL };
	struct test_iam_server s;
	struct slow_login slow = { .s = &s };
	struct test_response r;
	pthread_t thread;
	char id[40], token[64], hash[crypto_pwhash_STRBYTES], sql[512];
	double started;
	bool busy = false;

	start(&s, "t_iam_logins_hashing", env);
	test_iam_create_user(s.server.base_url, s.admin_token, "slow@logins.test", member_password, id);
	test_iam_create_user(s.server.base_url, s.admin_token, "quick@logins.test", member_password, id);
	ck_assert_int_eq(test_iam_login(s.server.base_url, "quick@logins.test", member_password, token), 0);
	/* A stored hash twelve times as costly as ours: its verification holds the one slot for seconds. */
	ck_assert_int_ge(sodium_init(), 0);
	ck_assert_int_eq(crypto_pwhash_str(hash, member_password, strlen(member_password),
					   12 * crypto_pwhash_OPSLIMIT_INTERACTIVE,
					   crypto_pwhash_MEMLIMIT_INTERACTIVE), 0);
	snprintf(sql, sizeof(sql), "UPDATE users SET password_hash = '%s' WHERE email = 'slow@logins.test'",
		 hash);
	ck_assert_int_eq(test_db_exec(s.db_url, sql), 0);

	/* Until the slow login holds the slot, a quick one may still get it; on a loaded
	 * machine the slow one may even finish first: then it is tried again (3 rounds). */
	for (int round = 0; round < 3 && !busy; round++) {
		if (round) {
			pthread_join(thread, NULL);
			atomic_store(&slow.done, false);
		}
		ck_assert_int_eq(pthread_create(&thread, NULL, log_in_slowly, &slow), 0);
		while (!busy && !atomic_load(&slow.done)) {
			started = test_now_ms();
			login_from(&s, NULL, "quick@logins.test", member_password, &r);
			busy = r.status == 503;
			if (busy)
				assert_busy(&r, test_now_ms() - started);
			else
				ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
			test_response_free(&r);
		}
	}
	ck_assert_msg(busy, "no login was answered 503 while another held the only hashing slot");

	/* Unknown emails get the same answer at the same point: nothing tells them apart. */
	started = test_now_ms();
	login_from(&s, NULL, "nobody@logins.test", member_password, &r);
	assert_busy(&r, test_now_ms() - started);
	test_response_free(&r);
	/* Every other argon2id computation waits its turn the same way. */
	started = test_now_ms();
	test_iam_request(s.server.base_url, "POST", "/api/v1/users", s.admin_token, NULL,
			 "{\"email\":\"new@logins.test\",\"display_name\":\"N\","
			 "\"password\":\"member-password-01\"}", &r);
	assert_busy(&r, test_now_ms() - started);
	test_response_free(&r);
	started = test_now_ms();
	test_iam_request(s.server.base_url, "POST", "/api/v1/me/password", token, NULL,
			 "{\"current_password\":\"member-password-01\",\"new_password\":\"a brand new password\"}",
			 &r);
	assert_busy(&r, test_now_ms() - started);
	test_response_free(&r);
	/* The workers are not held: other requests are served meanwhile. */
	ck_assert_int_eq(me_status(&s, s.admin_token), 200);
	ck_assert_msg(!atomic_load(&slow.done), "the slow login ended before the checks did");

	pthread_join(thread, NULL);
	ck_assert_int_eq(slow.status, 200);
	/* What was refused was not tried: no failure counted, nothing created. */
	ck_assert_int_eq(db_number(&s, "SELECT count(*) FROM login_throttle WHERE key NOT LIKE 'success:%'"), 0);
	ck_assert_int_eq(db_number(&s, "SELECT count(*) FROM users WHERE email = 'new@logins.test'"), 0);
	ck_assert_int_eq(login_status(&s, "quick@logins.test", member_password), 200);
	test_iam_server_stop(&s);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("e2e/iam/logins");
	TCase *tc = tcase_create("logins");

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, successful_logins_per_account_are_throttled);
	tcase_add_test(tc, sessions_per_user_are_capped_and_dead_ones_purged);
	tcase_add_test(tc, password_hashing_is_limited_and_the_busy_answer_comes_at_once);
	suite_add_tcase(s, tc);
	return s;
}
