/*
 * End to end, each IAM security behaviour of the issue against the real
 * erp-server-test binary: uniform login failures, throttling, bearer-only
 * tokens, password length, no mass assignment, If-Match, argon2id with
 * rehash on login, the append-only audit trail, and nothing secret in the
 * audit changes or the log.
 */
#include <check.h>
#include <pthread.h>
#include <libpq-fe.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test/support/check_main.h"
#include "test/support/iam_fixture.h"
#include "test/support/testlib.h"

static struct test_server shared;
static char db_url[1024];
static char admin_token[64];
static char admin_id[40];

static const char admin_email[] = "admin@security.test";
static const char admin_password[] = "admin-password-0001";
static const char member_password[] = "member-password-01";

/* Failures from the whole file come from one address: only the dedicated server throttles. */
static const char *const shared_env[] = { "ERP_LOGIN_MAX_FAILURES_PER_ADDRESS=10000", NULL };

static void start_shared(void)
{
	snprintf(db_url, sizeof(db_url), "%s", test_db_create("t_iam_security"));
	test_iam_migrate(db_url);
	snprintf(admin_id, sizeof(admin_id), "%s",
		 test_iam_bootstrap_admin(db_url, admin_email, admin_password));
	ck_assert_int_eq(test_server_start(&shared, "bin/erp-server-test", db_url, shared_env), 0);
	ck_assert_int_eq(test_iam_login(shared.base_url, admin_email, admin_password, admin_token), 0);
}

static void stop_shared(void)
{
	ck_assert_int_eq(test_server_stop(&shared), 0);
}

static void login(const struct test_server *server, const char *email, const char *password,
		  struct test_response *r)
{
	json_t *body = json_pack("{s:s, s:s}", "email", email, "password", password);
	char *text = json_dumps(body, JSON_COMPACT);

	test_iam_request(server->base_url, "POST", "/api/v1/auth/login", NULL, NULL, text, r);
	free(text);
	json_decref(body);
}

static long login_status(const struct test_server *server, const char *email, const char *password)
{
	struct test_response r;
	long status;

	login(server, email, password, &r);
	status = r.status;
	test_response_free(&r);
	return status;
}

/* The status of a login sent from source_address (another loopback address is another client). */
static long login_status_from(const struct test_server *server, const char *source_address,
			      const char *email, const char *password)
{
	const char *const headers[] = { "Content-Type: application/json", NULL };
	json_t *body = json_pack("{s:s, s:s}", "email", email, "password", password);
	char *text = json_dumps(body, JSON_COMPACT), url[256];
	struct test_response r;
	long status;

	snprintf(url, sizeof(url), "%s/api/v1/auth/login", server->base_url);
	ck_assert_int_eq(test_http_from(source_address, "POST", url, headers, text, strlen(text), &r), 0);
	status = r.status;
	test_response_free(&r);
	free(text);
	json_decref(body);
	return status;
}

static long get_status(const char *path, const char *const headers[])
{
	char url[2048];
	struct test_response r;
	long status;

	snprintf(url, sizeof(url), "%s%s", shared.base_url, path);
	ck_assert_int_eq(test_http("GET", url, headers, NULL, 0, &r), 0);
	status = r.status;
	test_response_free(&r);
	return status;
}

static const char *detail(const struct test_response *r)
{
	return json_string_value(json_object_get(r->json, "detail"));
}

/* True when the problem's errors[] names pointer. */
static bool names_pointer(const struct test_response *r, const char *pointer)
{
	json_t *e;
	size_t i;

	json_array_foreach(json_object_get(r->json, "errors"), i, e) {
		const char *p = json_string_value(json_object_get(e, "pointer"));

		if (p && strcmp(p, pointer) == 0)
			return true;
	}
	return false;
}

START_TEST(unknown_email_and_wrong_password_look_the_same)
{
	char user_id[40];
	struct test_response unknown, wrong;
	char *auth_unknown, *auth_wrong;

	test_iam_create_user(shared.base_url, admin_token, "same@security.test", member_password, user_id);
	login(&shared, "nobody-here@security.test", member_password, &unknown);
	login(&shared, "same@security.test", "not-the-password-1", &wrong);
	ck_assert_int_eq(unknown.status, 401);
	ck_assert_int_eq(wrong.status, 401);
	ck_assert_str_eq(detail(&unknown), detail(&wrong));
	ck_assert_str_eq(json_string_value(json_object_get(unknown.json, "type")),
			 json_string_value(json_object_get(wrong.json, "type")));
	auth_unknown = test_response_header(&unknown, "WWW-Authenticate");
	auth_wrong = test_response_header(&wrong, "WWW-Authenticate");
	ck_assert_str_eq(auth_unknown, auth_wrong);
	free(auth_unknown);
	free(auth_wrong);
	test_response_free(&unknown);
	test_response_free(&wrong);
	/* A deactivated account answers the same too. */
	{
		char path[128];
		struct test_response r;

		snprintf(path, sizeof(path), "/api/v1/users/%s/deactivate", user_id);
		test_iam_request(shared.base_url, "POST", path, admin_token, NULL, NULL, &r);
		ck_assert_int_eq(r.status, 200);
		test_response_free(&r);
		login(&shared, "same@security.test", member_password, &r);
		ck_assert_int_eq(r.status, 401);
		ck_assert_str_eq(detail(&r), "invalid email or password");
		test_response_free(&r);
	}
}
END_TEST

START_TEST(unknown_email_and_wrong_password_take_similar_time)
{
	char user_id[40];
	double unknown_ms = 1e9, wrong_ms = 1e9, start, took;

	test_iam_create_user(shared.base_url, admin_token, "timed@security.test", member_password, user_id);
	ck_assert_int_eq(login_status(&shared, "warm-up@security.test", member_password), 401);
	/* The fastest of several tries: a busy machine only ever adds time, so minimums
	 * compare the work done, while one slow try would swamp a sum. Four tries stay
	 * under the limit of five failures per account and address. */
	for (int i = 0; i < 4; i++) {
		char email[64];

		snprintf(email, sizeof(email), "timed-unknown-%d@security.test", i);
		start = test_now_ms();
		ck_assert_int_eq(login_status(&shared, email, member_password), 401);
		took = test_now_ms() - start;
		unknown_ms = took < unknown_ms ? took : unknown_ms;
		start = test_now_ms();
		ck_assert_int_eq(login_status(&shared, "timed@security.test", "wrong-password-00"), 401);
		took = test_now_ms() - start;
		wrong_ms = took < wrong_ms ? took : wrong_ms;
	}
	ck_assert_msg(unknown_ms < 3 * wrong_ms && wrong_ms < 3 * unknown_ms,
		      "unknown email %.1f ms vs wrong password %.1f ms (fastest of 4 tries each)",
		      unknown_ms, wrong_ms);
}
END_TEST

START_TEST(failed_logins_are_throttled_per_account_and_address_pair_and_per_address)
{
	static const char *const env[] = { "ERP_LOGIN_MAX_FAILURES=3",
					   "ERP_LOGIN_MAX_FAILURES_PER_ADDRESS=6", NULL };
	struct test_server server;
	struct test_response r;
	char url[1024], id[40], *retry;

	/* Its own database: throttle state is per key, and the shared server's keys must not count. */
	snprintf(url, sizeof(url), "%s", test_db_create("t_iam_throttle"));
	test_iam_migrate(url);
	test_iam_bootstrap_admin(url, "admin@throttle.test", admin_password);
	ck_assert_int_eq(test_server_start(&server, "bin/erp-server-test", url, env), 0);
	{
		char token[64];

		ck_assert_int_eq(test_iam_login(server.base_url, "admin@throttle.test", admin_password, token), 0);
		test_iam_create_user(server.base_url, token, "victim@throttle.test", member_password, id);
		test_iam_create_user(server.base_url, token, "bystander@throttle.test", member_password, id);
	}

	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(login_status(&server, "victim@throttle.test", "wrong-password-00"), 401);
	/* Blocked now, even with the right password. */
	login(&server, "victim@throttle.test", member_password, &r);
	ck_assert_int_eq(r.status, 429);
	retry = test_response_header(&r, "Retry-After");
	ck_assert_ptr_nonnull(retry);
	ck_assert_int_gt(atoi(retry), 0);
	ck_assert_int_le(atoi(retry), 900);
	free(retry);
	test_response_free(&r);
	/* Another account from the same address still logs in (3 of 6 address failures). */
	ck_assert_int_eq(login_status(&server, "bystander@throttle.test", member_password), 200);
	/*
	 * Failures count per (account, address): anonymous guesses from one address do not
	 * lock the account for everyone. The owner, from another address, still logs in, and
	 * a wrong guess from there is that pair's first failure, not a 429.
	 */
	ck_assert_int_eq(login_status_from(&server, "127.0.0.2", "victim@throttle.test", member_password), 200);
	ck_assert_int_eq(login_status_from(&server, "127.0.0.3", "victim@throttle.test", "wrong-password-00"), 401);
	ck_assert_int_eq(login_status(&server, "victim@throttle.test", member_password), 429);

	/* Three more failures, each on a different (unknown) account: the address is blocked. */
	for (int i = 0; i < 3; i++) {
		char email[64];

		snprintf(email, sizeof(email), "spray-%d@throttle.test", i);
		ck_assert_int_eq(login_status(&server, email, "wrong-password-00"), 401);
	}
	login(&server, "bystander@throttle.test", member_password, &r);
	ck_assert_int_eq(r.status, 429);
	retry = test_response_header(&r, "Retry-After");
	ck_assert_ptr_nonnull(retry);
	free(retry);
	test_response_free(&r);

	ck_assert_int_eq(test_server_stop(&server), 0);
}
END_TEST

struct racer {
	const struct test_server *server;
	long status;
};

static void *race_login(void *arg)
{
	struct racer *r = arg;

	r->status = login_status(r->server, "racer@throttle2.test", "wrong-password-00");
	return NULL;
}

START_TEST(concurrent_guesses_and_password_changes_are_throttled)
{
	/* Every guess must reach the account's lock: the hashing limit is set out of the way. */
	static const char *const env[] = { "ERP_LOGIN_MAX_FAILURES=3",
					   "ERP_LOGIN_MAX_FAILURES_PER_ADDRESS=1000", "ERP_THREADS=8",
					   "ERP_PASSWORD_HASH_CONCURRENCY=8", NULL };
	struct test_server server;
	struct test_response r;
	struct racer racers[8];
	pthread_t threads[8];
	char url[1024], id[40], token[64], admin[64], *count;
	int unauthorized = 0, throttled = 0;

	snprintf(url, sizeof(url), "%s", test_db_create("t_iam_throttle2"));
	test_iam_migrate(url);
	test_iam_bootstrap_admin(url, "admin@throttle2.test", admin_password);
	ck_assert_int_eq(test_server_start(&server, "bin/erp-server-test", url, env), 0);
	ck_assert_int_eq(test_iam_login(server.base_url, "admin@throttle2.test", admin_password, admin), 0);
	test_iam_create_user(server.base_url, admin, "racer@throttle2.test", member_password, id);
	test_iam_create_user(server.base_url, admin, "changer@throttle2.test", member_password, id);

	/* Eight wrong guesses at once: no more than the limit may be tried. */
	for (int i = 0; i < 8; i++) {
		racers[i].server = &server;
		pthread_create(&threads[i], NULL, race_login, &racers[i]);
	}
	for (int i = 0; i < 8; i++) {
		pthread_join(threads[i], NULL);
		unauthorized += racers[i].status == 401;
		throttled += racers[i].status == 429;
	}
	ck_assert_int_eq(unauthorized, 3);
	ck_assert_int_eq(throttled, 5);
	count = test_db_value(url, "SELECT count(*) FROM audit_events WHERE action = 'iam.login.failed'");
	ck_assert_str_eq(count, "3");
	free(count);

	/* With a token, wrong current passwords count like failed logins, and are audited. */
	ck_assert_int_eq(test_iam_login(server.base_url, "changer@throttle2.test", member_password, token), 0);
	for (int i = 0; i < 3; i++) {
		test_iam_request(server.base_url, "POST", "/api/v1/me/password", token, NULL,
				 "{\"current_password\":\"not-it-at-all-0\",\"new_password\":\"a brand new password\"}", &r);
		ck_assert_int_eq(r.status, 422);
		test_response_free(&r);
	}
	test_iam_request(server.base_url, "POST", "/api/v1/me/password", token, NULL,
			 "{\"current_password\":\"member-password-01\",\"new_password\":\"a brand new password\"}", &r);
	ck_assert_int_eq(r.status, 429); /* even the right one, until the window ends */
	test_response_free(&r);
	count = test_db_value(url, "SELECT count(*) FROM audit_events WHERE action = 'iam.password_change.failed'");
	ck_assert_str_eq(count, "3");
	free(count);
	ck_assert_int_eq(test_server_stop(&server), 0);
}
END_TEST

START_TEST(tokens_are_accepted_only_as_bearer)
{
	char query[256], other[128], basic[128], lower[128];
	const char *const bearer[] = { test_iam_bearer(admin_token, 0), NULL };
	const char *const token_scheme[] = { other, NULL };
	const char *const basic_scheme[] = { basic, NULL };
	const char *const cookie[] = { lower, NULL };

	ck_assert_int_eq(get_status("/api/v1/me", bearer), 200);
	snprintf(query, sizeof(query), "/api/v1/me?access_token=%s", admin_token);
	ck_assert_int_eq(get_status(query, NULL), 401);
	snprintf(query, sizeof(query), "/api/v1/me?token=%s", admin_token);
	ck_assert_int_eq(get_status(query, NULL), 401);
	snprintf(other, sizeof(other), "Authorization: Token %s", admin_token);
	ck_assert_int_eq(get_status("/api/v1/me", token_scheme), 401);
	snprintf(basic, sizeof(basic), "Authorization: Basic %s", admin_token);
	ck_assert_int_eq(get_status("/api/v1/me", basic_scheme), 401);
	snprintf(lower, sizeof(lower), "Cookie: token=%s", admin_token);
	ck_assert_int_eq(get_status("/api/v1/me", cookie), 401);
}
END_TEST

START_TEST(malformed_tokens_are_401_never_5xx)
{
	char long_token[4096], almost[64];
	const char *const garbage[] = {
		"", "x", "Bearer", "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!",
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", /* well-formed, never issued */
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "'; DROP TABLE sessions; --",
		"%00%00", "a b c", long_token, almost,
	};

	memset(long_token, 'A', sizeof(long_token) - 1);
	long_token[sizeof(long_token) - 1] = '\0';
	snprintf(almost, sizeof(almost), "%s", admin_token);
	almost[42] = almost[42] == 'A' ? 'B' : 'A'; /* one character off a real token */
	for (size_t i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++) {
		char header[4200];
		const char *const headers[] = { header, NULL };
		long status;

		snprintf(header, sizeof(header), "Authorization: Bearer %s", garbage[i]);
		status = get_status("/api/v1/me", headers);
		ck_assert_msg(status == 401, "token '%.40s': %ld", garbage[i], status);
	}
	{
		/* The odd tokens did no harm: the sessions table is still there and intact. */
		char *count = test_db_value(db_url, "SELECT count(*) FROM sessions WHERE revoked_at IS NULL");

		ck_assert_ptr_nonnull(count);
		ck_assert_int_ge(atoi(count), 1);
		free(count);
	}
	ck_assert_int_eq(get_status("/api/v1/me", (const char *const[]){ test_iam_bearer(admin_token, 1), NULL }), 200);
}
END_TEST

START_TEST(password_length_is_12_to_1024)
{
	char *body, password[1100], id[40];
	struct test_response r;
	json_t *json;

	memset(password, 'p', sizeof(password));
	password[11] = '\0';
	json = json_pack("{s:s, s:s, s:s}", "email", "short@security.test", "display_name", "S",
			 "password", password);
	body = json_dumps(json, JSON_COMPACT);
	test_iam_request(shared.base_url, "POST", "/api/v1/users", admin_token, NULL, body, &r);
	ck_assert_int_eq(r.status, 422);
	ck_assert(names_pointer(&r, "/password"));
	test_response_free(&r);
	free(body);
	json_decref(json);

	memset(password, 'p', sizeof(password));
	password[1025] = '\0';
	json = json_pack("{s:s, s:s, s:s}", "email", "long@security.test", "display_name", "L",
			 "password", password);
	body = json_dumps(json, JSON_COMPACT);
	test_iam_request(shared.base_url, "POST", "/api/v1/users", admin_token, NULL, body, &r);
	ck_assert_int_eq(r.status, 422);
	ck_assert(names_pointer(&r, "/password"));
	test_response_free(&r);
	free(body);
	json_decref(json);

	password[12] = '\0';
	test_iam_create_user(shared.base_url, admin_token, "twelve@security.test", password, id);
	password[12] = 'p';
	password[1024] = '\0';
	test_iam_create_user(shared.base_url, admin_token, "max@security.test", password, id);

	/* The same rule on a password change. */
	test_iam_request(shared.base_url, "POST", "/api/v1/me/password", admin_token, NULL,
			 "{\"current_password\":\"admin-password-0001\",\"new_password\":\"elevenchars\"}", &r);
	ck_assert_int_eq(r.status, 422);
	ck_assert(names_pointer(&r, "/new_password"));
	test_response_free(&r);
}
END_TEST

START_TEST(unknown_and_server_owned_fields_are_rejected)
{
	static const char *const fields[] = { "active", "password_hash", "version", "id",
					      "created_at", "updated_at", "is_admin" };
	char id[40], path[128], body[256];
	struct test_response r;
	char *before, *after;

	test_iam_create_user(shared.base_url, admin_token, "mass@security.test", member_password, id);
	snprintf(path, sizeof(path), "/api/v1/users/%s", id);
	before = test_db_value(db_url, "SELECT active || ' ' || version || ' ' || password_hash"
				       " FROM users WHERE email = 'mass@security.test'");
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		char pointer[64];

		snprintf(body, sizeof(body), "{\"display_name\":\"Mass\",\"%s\":%s}", fields[i],
			 strcmp(fields[i], "active") == 0 ? "false" : "\"1\"");
		test_iam_request(shared.base_url, "PATCH", path, admin_token, "If-Match: \"1\"", body, &r);
		ck_assert_msg(r.status == 422, "%s: %ld", fields[i], r.status);
		snprintf(pointer, sizeof(pointer), "/%s", fields[i]);
		ck_assert_msg(names_pointer(&r, pointer), "%s not named: %s", fields[i], r.body);
		test_response_free(&r);
	}
	after = test_db_value(db_url, "SELECT active || ' ' || version || ' ' || password_hash"
				      " FROM users WHERE email = 'mass@security.test'");
	ck_assert_str_eq(before, after);
	free(before);
	free(after);

	/* On the other writes too. */
	test_iam_request(shared.base_url, "POST", "/api/v1/roles", admin_token, NULL,
			 "{\"name\":\"sec-sys\",\"permissions\":[],\"system\":true}", &r);
	ck_assert_int_eq(r.status, 422);
	ck_assert(names_pointer(&r, "/system"));
	test_response_free(&r);
	test_iam_request(shared.base_url, "POST", "/api/v1/users", admin_token, NULL,
			 "{\"email\":\"x@security.test\",\"display_name\":\"X\","
			 "\"password\":\"member-password-01\",\"active\":true}", &r);
	ck_assert_int_eq(r.status, 422);
	ck_assert(names_pointer(&r, "/active"));
	test_response_free(&r);
	test_iam_request(shared.base_url, "POST", "/api/v1/companies", admin_token, NULL,
			 "{\"code\":\"SEC\",\"name\":\"S\",\"currency\":\"EUR\",\"id\":\"x\"}", &r);
	ck_assert_int_eq(r.status, 422);
	ck_assert(names_pointer(&r, "/id"));
	test_response_free(&r);
}
END_TEST

START_TEST(updates_need_the_current_if_match)
{
	char id[40], path[128], if_match[64];
	struct test_response r;
	char *etag, *new_etag;

	/* Untouched since its creation: version 1 (its owner has not even logged in). */
	test_iam_create_user_one_time(shared.base_url, admin_token, "etag@security.test",
				      member_password, id);
	snprintf(path, sizeof(path), "/api/v1/users/%s", id);
	test_iam_request(shared.base_url, "GET", path, admin_token, NULL, NULL, &r);
	etag = test_response_header(&r, "ETag");
	ck_assert_str_eq(etag, "\"1\"");
	test_response_free(&r);

	test_iam_request(shared.base_url, "PATCH", path, admin_token, NULL, "{\"display_name\":\"E\"}", &r);
	ck_assert_int_eq(r.status, 428);
	test_response_free(&r);
	test_iam_request(shared.base_url, "PATCH", path, admin_token, "If-Match: \"7\"",
			 "{\"display_name\":\"E\"}", &r);
	ck_assert_int_eq(r.status, 412);
	test_response_free(&r);
	test_iam_request(shared.base_url, "PATCH", path, admin_token, "If-Match: garbage",
			 "{\"display_name\":\"E\"}", &r);
	ck_assert_int_eq(r.status, 412);
	test_response_free(&r);

	snprintf(if_match, sizeof(if_match), "If-Match: %s", etag);
	test_iam_request(shared.base_url, "PATCH", path, admin_token, if_match,
			 "{\"display_name\":\"Etag Person\"}", &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(json_string_value(json_object_get(r.json, "display_name")), "Etag Person");
	new_etag = test_response_header(&r, "ETag");
	ck_assert_str_eq(new_etag, "\"2\"");
	test_response_free(&r);
	/* The old ETag is stale now. */
	test_iam_request(shared.base_url, "PATCH", path, admin_token, if_match,
			 "{\"display_name\":\"Lost Update\"}", &r);
	ck_assert_int_eq(r.status, 412);
	test_response_free(&r);
	free(etag);
	free(new_etag);
}
END_TEST

START_TEST(weak_hashes_are_upgraded_on_login)
{
	char id[40], weak[crypto_pwhash_STRBYTES], sql[512], token[64];
	char *stored;

	test_iam_create_user(shared.base_url, admin_token, "rehash@security.test", member_password, id);
	stored = test_db_value(db_url, "SELECT password_hash FROM users WHERE email = 'rehash@security.test'");
	ck_assert_int_eq(strncmp(stored, "$argon2id$", 10), 0);
	ck_assert_int_eq(crypto_pwhash_str_needs_rehash(stored, crypto_pwhash_OPSLIMIT_INTERACTIVE,
							crypto_pwhash_MEMLIMIT_INTERACTIVE), 0);
	free(stored);

	ck_assert_int_ge(sodium_init(), 0);
	ck_assert_int_eq(crypto_pwhash_str(weak, member_password, strlen(member_password),
					   crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN), 0);
	snprintf(sql, sizeof(sql), "UPDATE users SET password_hash = '%s' WHERE id = '%s'", weak, id);
	ck_assert_int_eq(test_db_exec(db_url, sql), 0);

	ck_assert_int_eq(test_iam_login(shared.base_url, "rehash@security.test", member_password, token), 0);
	stored = test_db_value(db_url, "SELECT password_hash FROM users WHERE email = 'rehash@security.test'");
	ck_assert_str_ne(stored, weak);
	ck_assert_int_eq(strncmp(stored, "$argon2id$", 10), 0);
	ck_assert_int_eq(crypto_pwhash_str_needs_rehash(stored, crypto_pwhash_OPSLIMIT_INTERACTIVE,
							crypto_pwhash_MEMLIMIT_INTERACTIVE), 0);
	ck_assert_int_eq(crypto_pwhash_str_verify(stored, member_password, strlen(member_password)), 0);
	free(stored);
	/* Still the same password. */
	ck_assert_int_eq(test_iam_login(shared.base_url, "rehash@security.test", member_password, token), 0);
}
END_TEST

/* The SQLSTATE and message of running sql on url (malloc'd "STATE message"), or NULL if it worked. */
static char *exec_error(const char *url, const char *sql)
{
	PGconn *conn = PQconnectdb(url);
	PGresult *res;
	char *out = NULL;

	ck_assert_msg(PQstatus(conn) == CONNECTION_OK, "%s", PQerrorMessage(conn));
	res = PQexec(conn, sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK) {
		const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
		const char *message = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
		size_t size = strlen(state ? state : "") + strlen(message ? message : "") + 2;

		out = malloc(size);
		snprintf(out, size, "%s %s", state ? state : "", message ? message : "");
	}
	PQclear(res);
	PQfinish(conn);
	return out;
}

START_TEST(the_audit_trail_is_append_only)
{
	static const char *const changes[] = {
		"UPDATE audit_events SET action = 'forged'",
		"DELETE FROM audit_events",
		"TRUNCATE audit_events",
	};
	char role[64], sql[256], app_url[1200];
	const char *at, *slash;
	char *count_before, *count_after;

	count_before = test_db_value(db_url, "SELECT count(*) FROM audit_events");
	ck_assert_int_gt(atoi(count_before), 0);
	/* As the owner: the triggers refuse. */
	for (size_t i = 0; i < 3; i++) {
		char *error = exec_error(db_url, changes[i]);

		ck_assert_msg(error && strstr(error, "append-only"), "%s: %s", changes[i],
			      error ? error : "succeeded");
		free(error);
	}
	/* As the application's role: no privilege in the first place. */
	snprintf(role, sizeof(role), "t_app_%d", (int)getpid());
	snprintf(sql, sizeof(sql), "CREATE ROLE %s LOGIN IN ROLE erp_app", role);
	ck_assert_int_eq(test_db_exec(db_url, sql), 0);
	at = strchr(db_url, '@');
	slash = strstr(db_url, "://");
	ck_assert_ptr_nonnull(at);
	ck_assert_ptr_nonnull(slash);
	snprintf(app_url, sizeof(app_url), "%.*s%s%s", (int)(slash + 3 - db_url), db_url, role, at);
	{
		char *error = exec_error(app_url, "SELECT count(*) FROM audit_events");

		ck_assert_msg(error == NULL, "the app role cannot read the audit: %s", error);
	}
	for (size_t i = 0; i < 3; i++) {
		char *error = exec_error(app_url, changes[i]);

		ck_assert_msg(error && strncmp(error, "42501 permission denied", 23) == 0, "%s as %s: %s",
			      changes[i], role, error ? error : "succeeded");
		free(error);
	}
	snprintf(sql, sizeof(sql), "DROP ROLE %s", role);
	ck_assert_int_eq(test_db_exec(db_url, sql), 0);
	count_after = test_db_value(db_url, "SELECT count(*) FROM audit_events");
	ck_assert_str_eq(count_before, count_after);
	free(count_before);
	free(count_after);
}
END_TEST

START_TEST(mutations_are_audited_without_secrets_and_the_log_has_none)
{
	char id[40], token[64], sql[512], path[128];
	struct test_response r;
	char *request_id, *value, *log;
	json_t *body = json_pack("{s:s, s:s, s:s}", "email", "audited@security.test",
				 "display_name", "Audited", "password", "audited-password-1");
	char *text = json_dumps(body, JSON_COMPACT);

	test_iam_request(shared.base_url, "POST", "/api/v1/users", admin_token, NULL, text, &r);
	ck_assert_int_eq(r.status, 201);
	snprintf(id, sizeof(id), "%s", json_string_value(json_object_get(r.json, "id")));
	request_id = test_response_header(&r, "X-Request-Id");
	test_response_free(&r);
	free(text);
	json_decref(body);

	snprintf(sql, sizeof(sql),
		 "SELECT actor_id || '|' || entity || '|' || entity_id || '|' || request_id"
		 " FROM audit_events WHERE action = 'iam.user.created' AND entity_id = '%s'", id);
	value = test_db_value(db_url, sql);
	ck_assert_ptr_nonnull(value);
	{
		char expected[256];

		snprintf(expected, sizeof(expected), "%s|user|%s|%s", admin_id, id, request_id);
		ck_assert_str_eq(value, expected);
	}
	free(value);
	free(request_id);

	/* A password change and a failed login, then look for secrets everywhere. */
	ck_assert_int_eq(test_iam_login(shared.base_url, "audited@security.test", "audited-password-1", token), 0);
	test_iam_request(shared.base_url, "POST", "/api/v1/me/password", token, NULL,
			 "{\"current_password\":\"audited-password-1\",\"new_password\":\"audited-password-2\"}", &r);
	ck_assert_int_eq(r.status, 204);
	test_response_free(&r);
	ck_assert_int_eq(login_status(&shared, "audited@security.test", "audited-password-1"), 401);
	snprintf(path, sizeof(path), "/api/v1/users/%s/deactivate", id);
	test_iam_request(shared.base_url, "POST", path, admin_token, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	test_response_free(&r);

	snprintf(sql, sizeof(sql),
		 "SELECT string_agg(action, ',' ORDER BY occurred_at, id) FROM audit_events"
		 " WHERE entity_id = '%s'", id);
	value = test_db_value(db_url, sql);
	ck_assert_str_eq(value, "iam.user.created,iam.login.succeeded,iam.user.password_changed,"
				"iam.login.failed,iam.user.deactivated");
	free(value);
	/* Only anonymous login failures and the catalog sync of `migrate` (the system) have no actor. */
	value = test_db_value(db_url, "SELECT count(*) FROM audit_events"
				      " WHERE action NOT IN ('iam.login.failed', 'platform.catalog.synced')"
				      " AND (actor_id IS NULL OR request_id IS NULL)");
	ck_assert_str_eq(value, "0");
	free(value);
	value = test_db_value(db_url, "SELECT count(*) FROM audit_events WHERE changes::text LIKE '%password-%'"
				      " OR changes::text LIKE '%argon2%' OR reason LIKE '%password-%'");
	ck_assert_str_eq(value, "0");
	free(value);

	log = test_server_log(&shared);
	ck_assert_ptr_nonnull(log);
	ck_assert_msg(strstr(log, "audited-password") == NULL, "a password is in the log");
	ck_assert_msg(strstr(log, admin_password) == NULL, "the admin password is in the log");
	ck_assert_msg(strstr(log, member_password) == NULL, "a password is in the log");
	ck_assert_msg(strstr(log, admin_token) == NULL, "a token is in the log");
	ck_assert_msg(strstr(log, token) == NULL, "a token is in the log");
	ck_assert_msg(strstr(log, "$argon2id$") == NULL, "a hash is in the log");
	free(log);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("e2e/iam/security");
	TCase *tc = tcase_create("security");

	tcase_add_unchecked_fixture(tc, start_shared, stop_shared);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, unknown_email_and_wrong_password_look_the_same);
	tcase_add_test(tc, unknown_email_and_wrong_password_take_similar_time);
	tcase_add_test(tc, failed_logins_are_throttled_per_account_and_address_pair_and_per_address);
	tcase_add_test(tc, concurrent_guesses_and_password_changes_are_throttled);
	tcase_add_test(tc, tokens_are_accepted_only_as_bearer);
	tcase_add_test(tc, malformed_tokens_are_401_never_5xx);
	tcase_add_test(tc, password_length_is_12_to_1024);
	tcase_add_test(tc, unknown_and_server_owned_fields_are_rejected);
	tcase_add_test(tc, updates_need_the_current_if_match);
	tcase_add_test(tc, weak_hashes_are_upgraded_on_login);
	tcase_add_test(tc, the_audit_trail_is_append_only);
	/* Last: it reads the log the others produced. */
	tcase_add_test(tc, mutations_are_audited_without_secrets_and_the_log_has_none);
	suite_add_tcase(s, tc);
	return s;
}
