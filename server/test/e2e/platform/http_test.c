/*
 * End to end: the real erp-server-test binary (platform + test module) on a
 * free port, against a real PostgreSQL, driven over HTTP with libcurl.
 */
#include <check.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test/support/check_main.h"
#include "test/support/testlib.h"

static struct test_server shared;
static char db_url[1024];

static const char *const shared_env[] = {
	"ERP_MAX_BODY_BYTES=4096",
	"ERP_MAX_JSON_DEPTH=8",
	"ERP_CORS_ORIGINS=https://app.example.com,http://localhost:5173",
	NULL,
};

static void migrate(const char *url)
{
	char env_url[1100], env_dir[1100];
	const char *env[] = { env_url, env_dir, test_audit_key_env(), NULL };
	char binary[1024];
	const char *argv[] = { binary, "migrate", NULL };

	snprintf(binary, sizeof(binary), "%s/bin/erp-server-test", test_env("ERP_TEST_BUILD"));
	snprintf(env_url, sizeof(env_url), "ERP_DATABASE_URL=%s", url);
	snprintf(env_dir, sizeof(env_dir), "ERP_MIGRATIONS_DIR=%s", test_env("ERP_TEST_MIGRATIONS_DIR"));
	ck_assert_int_eq(test_run(argv, env, NULL), 0);
}

static void start_shared(void)
{
	snprintf(db_url, sizeof(db_url), "%s", test_db_create("t_http"));
	migrate(db_url);
	ck_assert_int_eq(test_server_start(&shared, "bin/erp-server-test", db_url, shared_env), 0);
}

static void stop_shared(void)
{
	ck_assert_int_eq(test_server_stop(&shared), 0);
}

static void request(const char *method, const char *path, const char *const headers[],
		    const char *body, struct test_response *r)
{
	char url[2048];

	snprintf(url, sizeof(url), "%s%s", shared.base_url, path);
	ck_assert_int_eq(test_http(method, url, headers, body, body ? strlen(body) : 0, r), 0);
}

static const char *const json_headers[] = { "Content-Type: application/json", NULL };

/* Asserts an RFC 9457 body: status, stable type, request id as instance. */
static void assert_problem(struct test_response *r, long status, const char *type)
{
	char *content_type = test_response_header(r, "Content-Type");
	char *request_id = test_response_header(r, "X-Request-Id");

	ck_assert_int_eq(r->status, status);
	ck_assert_str_eq(content_type, "application/problem+json");
	ck_assert_ptr_nonnull(r->json);
	ck_assert_int_eq(json_integer_value(json_object_get(r->json, "status")), status);
	ck_assert_str_eq(json_string_value(json_object_get(r->json, "type")), type);
	ck_assert_ptr_nonnull(json_string_value(json_object_get(r->json, "title")));
	ck_assert_ptr_nonnull(json_string_value(json_object_get(r->json, "detail")));
	ck_assert_str_eq(json_string_value(json_object_get(r->json, "instance")), request_id);
	free(content_type);
	free(request_id);
}

/* True when errors[] holds an entry with this pointer (or parameter) and code. */
static bool has_error(struct test_response *r, const char *key, const char *where, const char *code)
{
	json_t *errors = json_object_get(r->json, "errors"), *e;
	size_t i;

	json_array_foreach(errors, i, e) {
		const char *w = json_string_value(json_object_get(e, key));
		const char *c = json_string_value(json_object_get(e, "code"));

		if (w && c && strcmp(w, where) == 0 && strcmp(c, code) == 0)
			return true;
	}
	return false;
}

/*
 * A use case's refusal becomes a status in one place (http_respond_refusal):
 * each domain code its problem, the sentence its detail, fields their
 * pointers, and more fields than a refusal holds counted, not lost.
 */
START_TEST(refusals_map_to_problems_in_one_place)
{
	static const struct {
		const char *kind;
		long status;
		const char *type;
	} cases[] = {
		{ "forbidden", 403, "/problems/forbidden" },
		{ "conflict", 409, "/problems/conflict" },
		{ "not_found", 404, "/problems/not-found" },
		{ "stale", 412, "/problems/precondition-failed" },
	};
	struct test_response r;
	char path[64];
	json_t *errors;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(path, sizeof(path), "/test/refusal?kind=%s", cases[i].kind);
		request("GET", path, NULL, NULL, &r);
		assert_problem(&r, cases[i].status, cases[i].type);
		ck_assert_ptr_null(json_object_get(r.json, "errors"));
		test_response_free(&r);
	}

	request("GET", "/test/refusal?kind=fields", NULL, NULL, &r);
	assert_problem(&r, 422, "/problems/validation");
	ck_assert_str_eq(json_string_value(json_object_get(r.json, "detail")), "no such account");
	ck_assert(has_error(&r, "pointer", "/lines/0/account", "invalid"));
	ck_assert(has_error(&r, "pointer", "/lines/1/debit", "invalid"));
	test_response_free(&r);

	request("GET", "/test/refusal?kind=coded", NULL, NULL, &r);
	assert_problem(&r, 422, "/problems/validation");
	ck_assert_str_eq(json_string_value(json_object_get(r.json, "detail")), "unknown currency");
	ck_assert(has_error(&r, "pointer", "/currency", "unknown"));
	test_response_free(&r);

	request("GET", "/test/refusal?kind=many", NULL, NULL, &r);
	assert_problem(&r, 422, "/problems/validation");
	errors = json_object_get(r.json, "errors");
	ck_assert_int_eq(json_array_size(errors), 17); /* 16 kept, and one saying 2 more */
	ck_assert(has_error(&r, "pointer", "/p", "invalid"));
	ck_assert(!has_error(&r, "pointer", "/q", "invalid"));
	ck_assert(has_error(&r, "pointer", "", "more"));
	test_response_free(&r);
}
END_TEST

START_TEST(health_answers_with_a_request_id)
{
	struct test_response r;
	char *id;

	request("GET", "/healthz", NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(json_string_value(json_object_get(r.json, "status")), "ok");
	id = test_response_header(&r, "X-Request-Id");
	ck_assert_uint_eq(strlen(id), 36);
	free(id);
	test_response_free(&r);

	request("HEAD", "/healthz", NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_uint_eq(r.body_length, 0);
	test_response_free(&r);
}
END_TEST

/* Waits for the access log to hold needle (lines are flushed every 100 ms); the log, or NULL. */
static char *log_with(const char *needle)
{
	for (int i = 0; i < 50; i++) {
		char *log = test_server_log(&shared);

		if (log && strstr(log, needle))
			return log;
		free(log);
		usleep(100 * 1000);
	}
	return NULL;
}

/*
 * The client's X-Request-Id is never ours: the audit trail stores our id, so
 * a client could otherwise pick it ("script:<run id>" poses as an admin
 * script's run). It goes to the access log, in a field of its own.
 */
START_TEST(client_request_id_is_logged_never_taken_as_ours)
{
	const char *const good[] = { "X-Request-Id: trace-abc_123.4:5", NULL };
	const char *const script[] = { "X-Request-Id: script:0190f5b2-7a3c-7def-8123-456789abcdef", NULL };
	const char *const bad[] = { "X-Request-Id: has spaces and \"quotes\"", NULL };
	struct test_response r;
	char *id, *log, *line, needle[96];

	request("GET", "/healthz", good, NULL, &r);
	id = test_response_header(&r, "X-Request-Id");
	ck_assert_uint_eq(strlen(id), 36);
	ck_assert_str_ne(id, "trace-abc_123.4:5");
	test_response_free(&r);
	snprintf(needle, sizeof(needle), "\"request_id\":\"%s\"", id);
	log = log_with(needle);
	ck_assert_ptr_nonnull(log);
	line = strstr(log, needle);
	*strchr(line, '\n') = '\0'; /* that record only */
	ck_assert_ptr_nonnull(strstr(line, "\"client_request_id\":\"trace-abc_123.4:5\""));
	free(log);
	free(id);

	request("GET", "/nowhere", script, NULL, &r);
	id = test_response_header(&r, "X-Request-Id");
	ck_assert_uint_eq(strlen(id), 36);
	ck_assert_ptr_null(strstr(id, "script:"));
	ck_assert_str_eq(json_string_value(json_object_get(r.json, "instance")), id);
	free(id);
	test_response_free(&r);

	request("GET", "/nowhere", bad, NULL, &r);
	id = test_response_header(&r, "X-Request-Id");
	ck_assert_uint_eq(strlen(id), 36);
	ck_assert_str_eq(json_string_value(json_object_get(r.json, "instance")), id);
	free(id);
	test_response_free(&r);
}
END_TEST

/* A newcomer's first request: / says where to go, and what it names is there. */
START_TEST(the_root_says_where_to_start)
{
	struct test_response r, next;

	request("GET", "/", NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(json_string_value(json_object_get(r.json, "name")), "Antigravity ERP");
	ck_assert_str_eq(json_string_value(json_object_get(r.json, "openapi")), "/openapi.json");
	ck_assert_str_eq(json_string_value(json_object_get(r.json, "login")), "/api/v1/auth/login");
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(r.json, "quickstart")),
				     "README.md"));
	request("GET", json_string_value(json_object_get(r.json, "openapi")), NULL, NULL, &next);
	ck_assert_int_eq(next.status, 200);
	ck_assert_ptr_nonnull(json_object_get(json_object_get(next.json, "paths"), "/"));
	test_response_free(&next);
	/* The login route is there (and refuses an empty body as any route does). */
	request("POST", json_string_value(json_object_get(r.json, "login")), json_headers, "{}", &next);
	ck_assert_int_eq(next.status, 422);
	test_response_free(&next);
	test_response_free(&r);

	request("HEAD", "/", NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	test_response_free(&r);
	request("POST", "/", json_headers, "{}", &r);
	assert_problem(&r, 405, "/problems/method-not-allowed");
	test_response_free(&r);
}
END_TEST

START_TEST(unknown_path_is_404)
{
	struct test_response r;

	request("GET", "/api/v1/nothing-here", NULL, NULL, &r);
	assert_problem(&r, 404, "/problems/not-found");
	test_response_free(&r);
	request("GET", "/healthz/", NULL, NULL, &r);
	assert_problem(&r, 404, "/problems/not-found");
	test_response_free(&r);
}
END_TEST

START_TEST(wrong_method_is_405_with_allow)
{
	struct test_response r;
	char *allow;

	request("PUT", "/test/items/42", json_headers, "{}", &r);
	assert_problem(&r, 405, "/problems/method-not-allowed");
	allow = test_response_header(&r, "Allow");
	ck_assert_str_eq(allow, "GET, DELETE, HEAD, OPTIONS");
	free(allow);
	test_response_free(&r);

	request("POST", "/healthz", NULL, NULL, &r);
	assert_problem(&r, 405, "/problems/method-not-allowed");
	test_response_free(&r);
}
END_TEST

START_TEST(path_parameters_reach_the_handler)
{
	struct test_response r;

	request("GET", "/test/items/abc-9", NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(json_string_value(json_object_get(r.json, "id")), "abc-9");
	test_response_free(&r);
}
END_TEST

START_TEST(oversized_body_is_413)
{
	const char *const chunked[] = { "Content-Type: application/json",
					"Transfer-Encoding: chunked", NULL };
	char *big = malloc(8192);
	struct test_response r;

	memset(big, ' ', 8191);
	big[0] = '{';
	big[8189] = '}';
	big[8190] = '\0';
	/* Over the limit (4096) with its Content-Length: read, dropped, then answered. */
	for (int i = 0; i < 20; i++) {
		request("POST", "/test/echo", json_headers, big, &r);
		assert_problem(&r, 413, "/problems/payload-too-large");
		test_response_free(&r);
	}
	/* Without a Content-Length the limit is enforced while reading. */
	request("POST", "/test/echo", chunked, big, &r);
	assert_problem(&r, 413, "/problems/payload-too-large");
	test_response_free(&r);
	free(big);
	/* Far over it (more than 4 x 4096 declared): refused before a byte of it is read. */
	big = malloc(20000);
	memset(big, ' ', 19999);
	big[0] = '{';
	big[19998] = '}';
	big[19999] = '\0';
	request("POST", "/test/echo", json_headers, big, &r);
	assert_problem(&r, 413, "/problems/payload-too-large");
	test_response_free(&r);
	free(big);
}
END_TEST

START_TEST(non_json_body_is_415)
{
	const char *const text[] = { "Content-Type: text/plain", NULL };
	struct test_response r;

	request("POST", "/test/echo", text, "{\"name\":\"x\"}", &r);
	assert_problem(&r, 415, "/problems/unsupported-media-type");
	test_response_free(&r);
	request("POST", "/test/echo", NULL, "{\"name\":\"x\"}", &r); /* curl's form default */
	assert_problem(&r, 415, "/problems/unsupported-media-type");
	test_response_free(&r);
}
END_TEST

START_TEST(malformed_json_is_400)
{
	static const char *const bodies[] = {
		"{\"name\":",                              /* truncated */
		"{\"name\":\"a\",\"name\":\"b\"}",         /* duplicate key */
		"{\"name\":\"\xff\xfe\"}",                 /* invalid UTF-8 */
		"{\"name\":\"a\\u0000b\"}",                /* escaped NUL */
		"{\"a\":[[[[[[[[[[1]]]]]]]]]]}",           /* deeper than ERP_MAX_JSON_DEPTH=8 */
		"{\"count\":123456789012345678901234567890}", /* integer overflow */
		"{} trailing",
	};
	struct test_response r;

	for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		request("POST", "/test/echo", json_headers, bodies[i], &r);
		ck_assert_msg(r.status == 400, "body %zu: status %ld", i, r.status);
		assert_problem(&r, 400, "/problems/bad-request");
		test_response_free(&r);
	}
}
END_TEST

START_TEST(invalid_body_is_422_with_every_field)
{
	struct test_response r;

	request("POST", "/test/echo", json_headers,
		"{\"count\":101,\"kind\":\"cash\",\"date\":\"2023-02-29\",\"active\":\"yes\","
		"\"lines\":[{\"account\":\"1000\",\"amount\":12.5},{\"amount\":\"01\"}],"
		"\"tags\":[\"a\",\"b\",\"c\",\"d\"],\"is_admin\":true,\"id\":\"x\"}",
		&r);
	assert_problem(&r, 422, "/problems/validation");
	ck_assert(has_error(&r, "pointer", "/name", "required"));
	ck_assert(has_error(&r, "pointer", "/count", "maximum"));
	ck_assert(has_error(&r, "pointer", "/kind", "enum"));
	ck_assert(has_error(&r, "pointer", "/date", "format"));
	ck_assert(has_error(&r, "pointer", "/active", "type"));
	ck_assert(has_error(&r, "pointer", "/lines/0/amount", "type"));
	ck_assert(has_error(&r, "pointer", "/lines/1/account", "required"));
	ck_assert(has_error(&r, "pointer", "/lines/1/amount", "format"));
	ck_assert(has_error(&r, "pointer", "/tags", "max_items"));
	ck_assert(has_error(&r, "pointer", "/is_admin", "unknown_field"));
	ck_assert(has_error(&r, "pointer", "/id", "read_only"));
	ck_assert_uint_eq(json_array_size(json_object_get(r.json, "errors")), 11);
	test_response_free(&r);
}
END_TEST

START_TEST(valid_body_reaches_the_handler)
{
	struct test_response r;

	request("POST", "/test/echo", json_headers,
		"{\"name\":\"Zoë\",\"count\":3,\"kind\":\"asset\",\"date\":\"2024-02-29\",\"note\":null,"
		"\"lines\":[{\"account\":\"1000\",\"amount\":\"12.50\"}],\"tags\":[\"x\"]}",
		&r);
	ck_assert_int_eq(r.status, 201);
	ck_assert_str_eq(json_string_value(json_object_get(r.json, "name")), "Zoë");
	test_response_free(&r);
}
END_TEST

START_TEST(query_parameters_are_validated)
{
	struct test_response r;

	request("GET", "/test/slow?ms=abc", NULL, NULL, &r);
	assert_problem(&r, 422, "/problems/validation");
	ck_assert(has_error(&r, "parameter", "ms", "type"));
	test_response_free(&r);
	request("GET", "/test/slow?ms=1&evil=1", NULL, NULL, &r);
	assert_problem(&r, 422, "/problems/validation");
	ck_assert(has_error(&r, "parameter", "evil", "unknown_parameter"));
	test_response_free(&r);
	request("GET", "/test/slow", NULL, NULL, &r);
	ck_assert(has_error(&r, "parameter", "ms", "required"));
	test_response_free(&r);
	request("GET", "/test/slow?ms=5", NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_int_eq(json_integer_value(json_object_get(r.json, "slept_ms")), 5);
	test_response_free(&r);
}
END_TEST

/* The errors of r in order, "<pointer or parameter>:<code>" joined by spaces (static). */
static const char *error_list(const struct test_response *r)
{
	static char list[1024];
	json_t *errors = json_object_get(r->json, "errors");
	size_t used = 0;

	list[0] = '\0';
	for (size_t i = 0; i < json_array_size(errors) && used < sizeof(list); i++) {
		json_t *e = json_array_get(errors, i);
		json_t *at = json_object_get(e, "pointer") ? json_object_get(e, "pointer")
							   : json_object_get(e, "parameter");

		used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s:%s", i ? " " : "",
					 json_string_value(at),
					 json_string_value(json_object_get(e, "code")));
	}
	return list;
}

START_TEST(one_422_names_the_schemas_and_the_rules_problems)
{
	struct test_response r;

	/* The query's, the body's schema's and the route's own rules', in one answer. */
	request("POST", "/test/rules?scale=9&x=1", json_headers,
		"{\"name\":\"reserved\",\"from\":\"2026-02-01\",\"to\":\"2026-01-01\",\"extra\":1}", &r);
	assert_problem(&r, 422, "/problems/validation");
	ck_assert_str_eq(error_list(&r), "x:unknown_parameter scale:maximum /extra:unknown_field"
					 " /name:reserved /to:order");
	ck_assert_str_eq(json_string_value(json_object_get(r.json, "detail")),
			 "the query parameters and the request body are not valid");
	test_response_free(&r);
	/* A query alone refused: the body's rules still join the answer. */
	request("POST", "/test/rules?scale=x", json_headers, "{\"name\":\"reserved\"}", &r);
	assert_problem(&r, 422, "/problems/validation");
	ck_assert_str_eq(error_list(&r), "scale:type /name:reserved");
	test_response_free(&r);
	/* What the schema refused, the rules do not judge again or on top. */
	request("POST", "/test/rules", json_headers,
		"{\"name\":\"\",\"from\":\"2026-02-30\",\"to\":\"2026-01-01\"}", &r);
	ck_assert_str_eq(error_list(&r), "/name:min_length /from:format");
	test_response_free(&r);
	request("POST", "/test/rules", json_headers, "[\"reserved\"]", &r);
	ck_assert_str_eq(error_list(&r), ":type");
	test_response_free(&r);
	/* A body the schema accepts meets the same rules in the handler. */
	request("POST", "/test/rules", json_headers,
		"{\"name\":\"reserved\",\"from\":\"2026-02-01\",\"to\":\"2026-01-01\"}", &r);
	assert_problem(&r, 422, "/problems/validation");
	ck_assert_str_eq(error_list(&r), "/name:reserved /to:order");
	test_response_free(&r);
	request("POST", "/test/rules?scale=2", json_headers, "{\"name\":\"kept\",\"from\":\"2026-01-01\"}",
		&r);
	ck_assert_int_eq(r.status, 201);
	test_response_free(&r);
	/* A body that does not parse is answered alone. */
	request("POST", "/test/rules?scale=9", json_headers, "{\"name\":", &r);
	assert_problem(&r, 400, "/problems/bad-request");
	test_response_free(&r);
}
END_TEST

START_TEST(protected_route_is_denied_by_default)
{
	const char *const token[] = { "Authorization: Bearer SECRET-TOKEN-do-not-log-42", NULL };
	struct test_response r;
	char *challenge, *log;

	request("GET", "/test/private", NULL, NULL, &r);
	assert_problem(&r, 401, "/problems/unauthorized");
	challenge = test_response_header(&r, "WWW-Authenticate");
	ck_assert_str_eq(challenge, "Bearer");
	free(challenge);
	test_response_free(&r);
	/* No authentication hook is installed in this build: any token is refused. */
	request("GET", "/test/private", token, NULL, &r);
	assert_problem(&r, 401, "/problems/unauthorized");
	ck_assert_ptr_null(strstr(r.body, "never without a token"));
	test_response_free(&r);
	log = test_server_log(&shared);
	ck_assert_ptr_null(strstr(log, "SECRET-TOKEN"));
	free(log);
}
END_TEST

START_TEST(unexpected_failure_is_500_without_detail)
{
	struct test_response r;

	request("GET", "/test/fail", NULL, NULL, &r);
	assert_problem(&r, 500, "/problems/internal");
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(r.json, "detail")),
				     "request id"));
	test_response_free(&r);
}
END_TEST

START_TEST(cors_preflight_and_responses)
{
	const char *const preflight[] = { "Origin: https://app.example.com",
					  "Access-Control-Request-Method: POST",
					  "Access-Control-Request-Headers: content-type", NULL };
	const char *const evil[] = { "Origin: https://evil.example.com",
				     "Access-Control-Request-Method: POST", NULL };
	const char *const simple[] = { "Origin: http://localhost:5173", NULL };
	struct test_response r;
	char *h;

	request("OPTIONS", "/test/echo", preflight, NULL, &r);
	ck_assert_int_eq(r.status, 204);
	h = test_response_header(&r, "Access-Control-Allow-Origin");
	ck_assert_str_eq(h, "https://app.example.com");
	free(h);
	h = test_response_header(&r, "Access-Control-Allow-Methods");
	ck_assert_ptr_nonnull(strstr(h, "POST"));
	free(h);
	h = test_response_header(&r, "Access-Control-Allow-Headers");
	ck_assert_ptr_nonnull(strstr(h, "Content-Type"));
	free(h);
	test_response_free(&r);

	request("OPTIONS", "/test/echo", evil, NULL, &r);
	ck_assert_int_eq(r.status, 403);
	ck_assert_ptr_null(test_response_header(&r, "Access-Control-Allow-Origin"));
	test_response_free(&r);

	request("GET", "/healthz", simple, NULL, &r);
	h = test_response_header(&r, "Access-Control-Allow-Origin");
	ck_assert_str_eq(h, "http://localhost:5173");
	free(h);
	h = test_response_header(&r, "Vary");
	ck_assert_str_eq(h, "Origin");
	free(h);
	test_response_free(&r);

	request("GET", "/healthz", evil, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_ptr_null(test_response_header(&r, "Access-Control-Allow-Origin"));
	test_response_free(&r);
}
END_TEST

START_TEST(openapi_and_metrics_describe_the_server)
{
	struct test_response r;
	json_t *echo;

	request("GET", "/openapi.json", NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(json_string_value(json_object_get(r.json, "openapi")), "3.1.0");
	echo = json_object_get(json_object_get(json_object_get(r.json, "paths"), "/test/echo"), "post");
	ck_assert_ptr_nonnull(echo);
	ck_assert_str_eq(json_string_value(json_object_get(echo, "x-permission")), "@public");
	ck_assert_ptr_nonnull(json_object_get(json_object_get(json_object_get(r.json, "components"),
							      "schemas"), "TestEcho"));
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(json_object_get(
		json_object_get(r.json, "paths"), "/test/private"), "get"), "x-permission")),
		"test.private.read");
	test_response_free(&r);

	request("GET", "/healthz", NULL, NULL, &r);
	test_response_free(&r);
	request("GET", "/metrics", NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_ptr_nonnull(strstr(r.body, "erp_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"}"));
	ck_assert_ptr_nonnull(strstr(r.body, "erp_http_request_duration_seconds_bucket{method=\"GET\",route=\"/healthz\",le=\"+Inf\"}"));
	ck_assert_ptr_nonnull(strstr(r.body, "erp_db_pool_size 4"));
	ck_assert_ptr_nonnull(strstr(r.body, "erp_build_info{version="));
	test_response_free(&r);
}
END_TEST

START_TEST(access_log_has_one_escaped_line_per_request)
{
	const char *const evil[] = { "X-Request-Id: line-1", NULL };
	struct test_response r;
	char *log, *line;
	int lines = 0;

	request("GET", "/test/items/a%0d%0a%7b%22level%22:%22error%22%7d", evil, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	test_response_free(&r);
	/* Access-log lines are flushed in batches (ERP_LOG_FLUSH_MS, 100 ms by default). */
	log = log_with("\"client_request_id\":\"line-1\"");
	ck_assert_ptr_nonnull(log);
	for (line = strtok(log, "\n"); line; line = strtok(NULL, "\n")) {
		json_t *record = json_loads(line, 0, NULL);

		ck_assert_msg(record != NULL, "not a JSON line: %s", line);
		if (strstr(line, "\"client_request_id\":\"line-1\"")) {
			lines++;
			ck_assert_str_eq(json_string_value(json_object_get(record, "route")),
					 "/test/items/{id}");
		}
		json_decref(record);
	}
	ck_assert_int_eq(lines, 1);
	free(log);
}
END_TEST

/* --- lifecycle: each test has its own server -------------------------------- */

START_TEST(readiness_follows_the_database)
{
	struct test_server server;
	struct test_response r;
	char url[128];
	double start;

	snprintf(db_url, sizeof(db_url), "%s", test_db_create("t_http_ready"));
	/* Not migrated yet: alive but not ready. */
	ck_assert_int_eq(test_server_start(&server, "bin/erp-server-test", db_url, NULL), 0);
	snprintf(url, sizeof(url), "%s/readyz", server.base_url);
	ck_assert_int_eq(test_http("GET", url, NULL, NULL, 0, &r), 0);
	assert_problem(&r, 503, "/problems/unavailable");
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(r.json, "detail")), "pending"));
	test_response_free(&r);
	migrate(db_url);
	ck_assert_int_eq(test_http("GET", url, NULL, NULL, 0, &r), 0);
	ck_assert_int_eq(r.status, 200);
	test_response_free(&r);

	/* The permission catalog's database copy must equal the code's. */
	ck_assert_int_eq(test_db_exec(db_url, "DELETE FROM permissions WHERE name = 'iam.permission.read'"), 0);
	ck_assert_int_eq(test_http("GET", url, NULL, NULL, 0, &r), 0);
	assert_problem(&r, 503, "/problems/unavailable");
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(r.json, "detail")), "catalog"));
	test_response_free(&r);
	migrate(db_url);
	ck_assert_int_eq(test_http("GET", url, NULL, NULL, 0, &r), 0);
	ck_assert_int_eq(r.status, 200);
	test_response_free(&r);
	{
		/* Both syncs (first migrate, then the repair) are on the record. */
		char *synced = test_db_value(db_url, "SELECT count(*) FROM audit_events"
						     " WHERE action = 'platform.catalog.synced'"
						     " AND changes::text LIKE '%iam.permission.read%'");

		ck_assert_str_eq(synced, "2");
		free(synced);
	}

	ck_assert_int_eq(test_cluster_stop(), 0);
	start = test_now_ms();
	ck_assert_int_eq(test_http("GET", url, NULL, NULL, 0, &r), 0);
	assert_problem(&r, 503, "/problems/unavailable");
	ck_assert_msg(test_now_ms() - start < 3000, "503 took %.0f ms", test_now_ms() - start);
	test_response_free(&r);

	ck_assert_int_eq(test_cluster_start(), 0);
	start = test_now_ms();
	do {
		ck_assert_int_eq(test_http("GET", url, NULL, NULL, 0, &r), 0);
		if (r.status == 200)
			break;
		test_response_free(&r);
		usleep(100 * 1000);
	} while (test_now_ms() - start < 10000);
	ck_assert_int_eq(r.status, 200);
	test_response_free(&r);
	ck_assert_int_eq(test_server_stop(&server), 0);
}
END_TEST

struct slow_call {
	char url[128];
	struct test_response response;
	int rc;
};

static void *call_slow(void *arg)
{
	struct slow_call *c = arg;

	c->rc = test_http("GET", c->url, NULL, NULL, 0, &c->response);
	return NULL;
}

START_TEST(sigterm_finishes_in_flight_requests)
{
	struct test_server server;
	struct test_response r;
	struct slow_call call;
	pthread_t thread;
	char url[128];
	double start;

	snprintf(db_url, sizeof(db_url), "%s", test_db_create("t_http_stop"));
	ck_assert_int_eq(test_server_start(&server, "bin/erp-server-test", db_url, NULL), 0);
	snprintf(call.url, sizeof(call.url), "%s/test/slow?ms=1500", server.base_url);
	pthread_create(&thread, NULL, call_slow, &call);
	usleep(400 * 1000);
	kill(server.pid, SIGTERM);
	usleep(200 * 1000);
	/*
	 * New connections are refused while the old request finishes: at once,
	 * not left in the listener's backlog until the server exits.
	 */
	snprintf(url, sizeof(url), "%s/healthz", server.base_url);
	start = test_now_ms();
	ck_assert_int_eq(test_http("GET", url, NULL, NULL, 0, &r), -1);
	ck_assert_msg(test_now_ms() - start < 500, "the refusal took %.0f ms", test_now_ms() - start);
	test_response_free(&r);
	pthread_join(thread, NULL);
	ck_assert_int_eq(call.rc, 0);
	ck_assert_int_eq(call.response.status, 200);
	ck_assert_int_eq(json_integer_value(json_object_get(call.response.json, "slept_ms")), 1500);
	test_response_free(&call.response);
	ck_assert_int_eq(test_server_stop(&server), 0);
}
END_TEST

/* The status of method /metrics from source_address; the problem's detail when there is one. */
static long metrics_from(const struct test_server *server, const char *source_address,
			 const char *method, char detail[128])
{
	struct test_response r;
	char url[256];
	long status;

	snprintf(url, sizeof(url), "%s/metrics", server->base_url);
	ck_assert_int_eq(test_http_from(source_address, method, url, NULL, NULL, 0, &r), 0);
	status = r.status;
	snprintf(detail, 128, "%s", r.json ? json_string_value(json_object_get(r.json, "detail")) : "");
	test_response_free(&r);
	return status;
}

START_TEST(metrics_do_not_exist_for_clients_outside_the_allow_list)
{
	static const char *const env[] = { "ERP_METRICS_ALLOW=127.0.0.1,127.0.0.4/30,::1", NULL };
	static const char *const methods[] = { "GET", "HEAD", "POST", "DELETE", "OPTIONS" };
	struct test_server server;
	char detail[128], unknown[128];
	struct test_response r;
	char url[256];

	ck_assert_int_eq(test_server_start(&server, "bin/erp-server-test", db_url, env), 0);
	snprintf(url, sizeof(url), "%s/no-such-path", server.base_url);
	ck_assert_int_eq(test_http_from("127.0.0.2", "GET", url, NULL, NULL, 0, &r), 0);
	snprintf(unknown, sizeof(unknown), "%s", json_string_value(json_object_get(r.json, "detail")));
	test_response_free(&r);

	ck_assert_int_eq(metrics_from(&server, NULL, "GET", detail), 200);
	ck_assert_int_eq(metrics_from(&server, "127.0.0.5", "GET", detail), 200); /* in 127.0.0.4/30 */
	/* Anyone else: whatever the method, the answer of a path that holds nothing. */
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		ck_assert_msg(metrics_from(&server, "127.0.0.2", methods[i], detail) == 404, "%s",
			      methods[i]);
		if (strcmp(methods[i], "HEAD") != 0)
			ck_assert_str_eq(detail, unknown);
	}
	ck_assert_int_eq(metrics_from(&server, "127.0.0.8", "GET", detail), 404);
	/* Other routes are not affected. */
	snprintf(url, sizeof(url), "%s/healthz", server.base_url);
	ck_assert_int_eq(test_http_from("127.0.0.2", "GET", url, NULL, NULL, 0, &r), 0);
	ck_assert_int_eq(r.status, 200);
	test_response_free(&r);
	ck_assert_int_eq(test_server_stop(&server), 0);
}
END_TEST

START_TEST(bad_configuration_stops_start_up)
{
	char binary[1024];
	const char *argv[] = { binary, "serve", NULL };
	const char *env[] = { "ERP_HTTP_PORT=eighty", NULL };
	char log_path[256];
	FILE *f;
	char text[512] = "";

	snprintf(binary, sizeof(binary), "%s/bin/erp-server-test", test_env("ERP_TEST_BUILD"));
	snprintf(log_path, sizeof(log_path), "%s/test-logs/badconfig-%d.log", test_env("ERP_TEST_BUILD"),
		 (int)getpid());
	unlink(log_path);
	ck_assert_int_eq(test_run(argv, env, log_path), 78);
	f = fopen(log_path, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_gt(fread(text, 1, sizeof(text) - 1, f), 0);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(text, "ERP_HTTP_PORT"));
	ck_assert_ptr_nonnull(strstr(text, "0..65535"));
}
END_TEST

/*
 * Every audit event carries a MAC, so serve and migrate refuse to run
 * without a fit key file, naming ERP_AUDIT_KEY_FILE and never its contents.
 */
START_TEST(serve_and_migrate_refuse_an_unfit_audit_key)
{
	char binary[1024], log_path[256], shared_key[128], env_key[160], text[1024];
	/* Bounded: a server that wrongly starts would otherwise serve until the test times out. */
	const char *const serve[] = { "/usr/bin/timeout", "20", binary, "serve", NULL };
	const char *const migrate_argv[] = { "/usr/bin/timeout", "20", binary, "migrate", NULL };
	const char *const unset[] = { "ERP_AUDIT_KEY_FILE=", NULL };
	const char *const readable[] = { env_key, NULL };
	const char *const *const cases[] = { unset, readable };
	const char *const needles[] = { "is not set", "may be accessed by group or others" };
	FILE *f;

	snprintf(binary, sizeof(binary), "%s/bin/erp-server-test", test_env("ERP_TEST_BUILD"));
	snprintf(shared_key, sizeof(shared_key), "%s/test-logs/shared-key-%d",
		 test_env("ERP_TEST_BUILD"), (int)getpid());
	f = fopen(shared_key, "w");
	ck_assert_ptr_nonnull(f);
	fputs("SECRET-SECRET-SECRET-SECRET-SECRET-SECRET", f);
	fclose(f);
	ck_assert_int_eq(chmod(shared_key, 0644), 0);
	snprintf(env_key, sizeof(env_key), "ERP_AUDIT_KEY_FILE=%s", shared_key);
	for (size_t i = 0; i < 2; i++) {
		for (int command = 0; command < 2; command++) {
			size_t n;

			snprintf(log_path, sizeof(log_path), "%s/test-logs/badkey-%d.log",
				 test_env("ERP_TEST_BUILD"), (int)getpid());
			unlink(log_path);
			ck_assert_int_eq(test_run(command ? migrate_argv : serve, cases[i], log_path), 78);
			f = fopen(log_path, "r");
			ck_assert_ptr_nonnull(f);
			n = fread(text, 1, sizeof(text) - 1, f);
			text[n] = '\0';
			fclose(f);
			ck_assert_msg(strstr(text, "ERP_AUDIT_KEY_FILE") && strstr(text, needles[i]), "%s",
				      text);
			ck_assert_ptr_null(strstr(text, "SECRET"));
		}
	}
	unlink(shared_key);
	unlink(log_path);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("e2e/http");
	TCase *api = tcase_create("api");
	TCase *lifecycle = tcase_create("lifecycle");

	/* One server for the read-only API checks (started before the forks). */
	tcase_add_unchecked_fixture(api, start_shared, stop_shared);
	tcase_add_test(api, health_answers_with_a_request_id);
	tcase_add_test(api, refusals_map_to_problems_in_one_place);
	tcase_add_test(api, client_request_id_is_logged_never_taken_as_ours);
	tcase_add_test(api, the_root_says_where_to_start);
	tcase_add_test(api, unknown_path_is_404);
	tcase_add_test(api, wrong_method_is_405_with_allow);
	tcase_add_test(api, path_parameters_reach_the_handler);
	tcase_add_test(api, oversized_body_is_413);
	tcase_add_test(api, non_json_body_is_415);
	tcase_add_test(api, malformed_json_is_400);
	tcase_add_test(api, invalid_body_is_422_with_every_field);
	tcase_add_test(api, valid_body_reaches_the_handler);
	tcase_add_test(api, query_parameters_are_validated);
	tcase_add_test(api, one_422_names_the_schemas_and_the_rules_problems);
	tcase_add_test(api, protected_route_is_denied_by_default);
	tcase_add_test(api, unexpected_failure_is_500_without_detail);
	tcase_add_test(api, cors_preflight_and_responses);
	tcase_add_test(api, openapi_and_metrics_describe_the_server);
	tcase_add_test(api, access_log_has_one_escaped_line_per_request);
	suite_add_tcase(s, api);

	tcase_add_test(lifecycle, readiness_follows_the_database);
	tcase_add_test(lifecycle, sigterm_finishes_in_flight_requests);
	tcase_add_test(lifecycle, metrics_do_not_exist_for_clients_outside_the_allow_list);
	tcase_add_test(lifecycle, bad_configuration_stops_start_up);
	tcase_add_test(lifecycle, serve_and_migrate_refuse_an_unfit_audit_key);
	suite_add_tcase(s, lifecycle);
	return s;
}
