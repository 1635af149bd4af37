/*
 * Hostile request bodies against every write route. The routes are read
 * from GET /openapi.json (POST, PUT, PATCH and DELETE), so routes added
 * later (the ledger's, ...) are covered without touching this file. Path
 * parameters are filled with objects created first, so requests get past
 * the route and scope checks and reach body validation; a parameter this
 * file has no object for gets a well-formed id, and 404 is then accepted
 * for that route (and named in the outcome).
 *
 * Every answer must be a 400, 413, 415 or 422 problem: never a 5xx, never
 * a success, never silence; and the server must be alive (/healthz 200) at
 * the end. A fixed corpus (truncated, invalid UTF-8, duplicate keys, deep
 * nesting, NUL bytes, huge numbers, wrong types, enormous strings, wrong
 * content types) is followed by seeded random bodies (ERP_TEST_SEED).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test/support/check_main.h"
#include "test/support/iam_fixture.h"
#include "test/support/reliability.h"
#include "test/support/testlib.h"

enum { MAX_ROUTES = 128, MAX_FIELDS = 32, MAX_FALLBACK_NOTES = 8 };

static const char admin_email[] = "admin@hostile.test";
static const char admin_password[] = "hostile-admin-password-1";

static struct test_server server;
static char db_url[1024];
static char token[64];

/* Objects for path parameters, by parameter name. */
struct fixture {
	const char *name;
	char value[64];
};
static struct fixture fixtures[] = {
	{ "company", "HOST1" }, { "id", "" }, { "role", "hostile-role" }, { "assignment", "" },
};
/* For a parameter without a fixture: a well-formed id of nothing. */
static const char absent_id[] = "01900000-0000-7000-8000-000000000000";

enum field_type { FIELD_STRING, FIELD_INTEGER, FIELD_BOOLEAN, FIELD_ARRAY, FIELD_OBJECT, FIELD_OTHER };

struct route {
	char method[8];
	char pattern[256];
	char path[512];
	bool has_body;
	bool optional;               /* the body may be left out: an empty one reads as {} */
	bool open;                   /* the body schema accepts unknown fields */
	bool may_404;                /* a path parameter had no fixture */
	char missing[72];            /* ...its name */
	size_t field_count;
	char fields[MAX_FIELDS][64];
	enum field_type types[MAX_FIELDS];
};

static struct route routes[MAX_ROUTES];
static size_t route_count;

/* --- set-up --------------------------------------------------------------------------- */

static void post_fixture(const char *path, const char *body, const char *id_field, char *id_out)
{
	struct test_response r;

	test_iam_request(server.base_url, "POST", path, token, NULL, body, &r);
	ck_assert_msg(r.status == 201, "fixture %s: %ld %s", path, r.status, r.body);
	if (id_out)
		snprintf(id_out, 64, "%s", json_string_value(json_object_get(r.json, id_field)));
	test_response_free(&r);
}

static enum field_type type_of(json_t *property)
{
	json_t *type = json_object_get(property, "type");
	const char *name = json_is_array(type) ? json_string_value(json_array_get(type, 0))
					       : json_string_value(type);

	if (json_object_get(property, "$ref"))
		return FIELD_OBJECT;
	if (!name)
		return FIELD_OTHER;
	if (strcmp(name, "string") == 0)
		return FIELD_STRING;
	if (strcmp(name, "integer") == 0 || strcmp(name, "number") == 0)
		return FIELD_INTEGER;
	if (strcmp(name, "boolean") == 0)
		return FIELD_BOOLEAN;
	if (strcmp(name, "array") == 0)
		return FIELD_ARRAY;
	if (strcmp(name, "object") == 0)
		return FIELD_OBJECT;
	return FIELD_OTHER;
}

/* Fills the route's path from its pattern and its fields from the body schema. */
static void describe_route(struct route *route, json_t *operation, json_t *schemas)
{
	const char *p = route->pattern;
	size_t used = 0;
	json_t *schema, *properties, *value;
	const char *ref, *key;

	while (*p && used + 70 < sizeof(route->path)) {
		const char *close;

		if (*p != '{') {
			route->path[used++] = *p++;
			continue;
		}
		close = strchr(p, '}');
		ck_assert_ptr_nonnull(close);
		{
			char name[64];
			const char *value_text = NULL;

			snprintf(name, sizeof(name), "%.*s", (int)(close - p - 1), p + 1);
			for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++)
				if (strcmp(fixtures[i].name, name) == 0)
					value_text = fixtures[i].value;
			if (!value_text) {
				value_text = absent_id;
				route->may_404 = true;
				snprintf(route->missing, sizeof(route->missing), "{%.64s}", name);
			}
			used += (size_t)snprintf(route->path + used, sizeof(route->path) - used, "%s",
						 value_text);
		}
		p = close + 1;
	}
	route->path[used] = '\0';

	ref = json_string_value(json_object_get(
		json_object_get(json_object_get(json_object_get(json_object_get(operation, "requestBody"),
								"content"),
						"application/json"),
				"schema"),
		"$ref"));
	route->has_body = ref != NULL;
	if (!ref)
		return;
	route->optional = json_is_false(json_object_get(json_object_get(operation, "requestBody"),
							"required"));
	schema = json_object_get(schemas, strrchr(ref, '/') + 1);
	ck_assert_ptr_nonnull(schema);
	route->open = !json_is_false(json_object_get(schema, "additionalProperties"));
	properties = json_object_get(schema, "properties");
	json_object_foreach(properties, key, value) {
		if (json_is_true(json_object_get(value, "readOnly")) || route->field_count == MAX_FIELDS)
			continue;
		snprintf(route->fields[route->field_count], sizeof(route->fields[0]), "%s", key);
		route->types[route->field_count++] = type_of(value);
	}
}

static void read_routes(void)
{
	static const char *const write_methods[] = { "post", "put", "patch", "delete" };
	struct test_response r;
	const char *pattern;
	json_t *operations, *schemas;
	char url[128];

	snprintf(url, sizeof(url), "%s/openapi.json", server.base_url);
	ck_assert_int_eq(test_http("GET", url, NULL, NULL, 0, &r), 0);
	ck_assert_int_eq(r.status, 200);
	schemas = json_object_get(json_object_get(r.json, "components"), "schemas");
	json_object_foreach(json_object_get(r.json, "paths"), pattern, operations) {
		for (size_t m = 0; m < sizeof(write_methods) / sizeof(write_methods[0]); m++) {
			json_t *operation = json_object_get(operations, write_methods[m]);
			struct route *route;

			if (!operation)
				continue;
			ck_assert_uint_lt(route_count, MAX_ROUTES);
			route = &routes[route_count++];
			memset(route, 0, sizeof(*route));
			for (size_t i = 0; write_methods[m][i]; i++)
				route->method[i] = (char)(write_methods[m][i] - 'a' + 'A');
			snprintf(route->pattern, sizeof(route->pattern), "%s", pattern);
			describe_route(route, operation, schemas);
		}
	}
	test_response_free(&r);
	ck_assert_uint_gt(route_count, 10);
}

static void start(void)
{
	/* Thousands of requests as one user, as fast as they go: the per-user rate limit is off. */
	static const char *const env[] = { "ERP_LOGIN_MAX_FAILURES_PER_ADDRESS=10000",
					   "ERP_RATE_LIMIT_PER_USER=0", NULL };
	char body[256];

	snprintf(db_url, sizeof(db_url), "%s", test_db_create("r_hostile"));
	test_iam_migrate(db_url);
	test_iam_bootstrap_admin(db_url, admin_email, admin_password);
	/* Every permission of the catalog, today's and future modules': no route stops at 403.
	 * That holds both sides of every pair, which the database refuses unless each is
	 * accepted: standing overrides for the (two) administrators, in every scope. */
	ck_assert_int_eq(test_db_exec(db_url,
				      "INSERT INTO sod_overrides (id, user_id, company_id, permission_a,"
				      "   permission_b, reason)"
				      " SELECT gen_random_uuid(), u.id, NULL, s.permission_a, s.permission_b,"
				      "   'hostile-input test: one token for every route'"
				      " FROM users u, sod_rules s;" /* both bootstrap administrators */
				      "INSERT INTO role_permissions (role_id, permission)"
				      " SELECT r.id, p.name FROM roles r, permissions p"
				      " WHERE r.name = 'administrator' ON CONFLICT DO NOTHING;"
				      "UPDATE authz_version SET version = version + 1"),
			 0);
	ck_assert_int_eq(test_server_start(&server, "bin/erp-server-test", db_url, env), 0);
	ck_assert_int_eq(test_iam_login(server.base_url, admin_email, admin_password, token), 0);

	post_fixture("/api/v1/companies", "{\"code\":\"HOST1\",\"name\":\"Hostile Input Ltd\",\"currency\":\"EUR\"}",
		     NULL, NULL);
	post_fixture("/api/v1/users", "{\"email\":\"target@hostile.test\",\"display_name\":\"Target\","
				      "\"password\":\"target-password-01\"}",
		     "id", fixtures[1].value);
	post_fixture("/api/v1/roles", "{\"name\":\"hostile-role\",\"permissions\":[\"iam.user.read\"]}", NULL,
		     NULL);
	snprintf(body, sizeof(body), "/api/v1/users/%s/role-assignments", fixtures[1].value);
	post_fixture(body, "{\"role\":\"hostile-role\",\"company\":\"HOST1\"}", "id", fixtures[3].value);
	read_routes();
}

/* --- sending and judging ---------------------------------------------------------------- */

struct tally {
	unsigned long requests;
	unsigned long by_status[6]; /* 400, 404, 413, 415, 422, other */
	unsigned long server_errors;
	unsigned long wrong;        /* anything else: success, other 4xx, no answer */
	char first_wrong[512];
	char fallbacks[MAX_FALLBACK_NOTES][96];
	int fallback_count;
};

static int status_slot(long status)
{
	switch (status) {
	case 400: return 0;
	case 404: return 1;
	case 413: return 2;
	case 415: return 3;
	case 422: return 4;
	default: return 5;
	}
}

static bool is_problem(const struct test_response *r)
{
	char *type = test_response_header(r, "Content-Type");
	bool ok = type && strcmp(type, "application/problem+json") == 0 &&
		  json_integer_value(json_object_get(r->json, "status")) == r->status;

	free(type);
	return ok;
}

/* Sends one hostile body; content_type NULL sends none at all. */
static void send_body(const struct route *route, const char *what, const char *body, size_t length,
		      const char *content_type, struct tally *t)
{
	char url[1024], auth[128], type_header[160];
	const char *headers[4] = { auth, type_header, NULL, NULL };
	struct test_response r;
	long status;
	bool ok;

	snprintf(url, sizeof(url), "%s%s", server.base_url, route->path);
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
	if (content_type)
		snprintf(type_header, sizeof(type_header), "Content-Type: %s", content_type);
	else
		snprintf(type_header, sizeof(type_header), "Content-Type:"); /* none, not curl's default */
	t->requests++;
	if (test_http(route->method, url, headers, body, length, &r) != 0) {
		status = 0;
		ok = false;
	} else {
		status = r.status;
		ok = (status == 400 || status == 413 || status == 415 || status == 422 ||
		      (status == 404 && route->may_404)) &&
		     is_problem(&r);
		t->by_status[status_slot(status)]++;
		if (status >= 500)
			t->server_errors++;
	}
	if (!ok) {
		t->wrong++;
		printf("WRONG %s %s [%s]: %ld %.200s\n", route->method, route->pattern, what, status,
		       r.body ? r.body : "");
		if (!t->first_wrong[0])
			snprintf(t->first_wrong, sizeof(t->first_wrong), "%s %s [%s] -> %ld", route->method,
				 route->pattern, what, status);
	}
	test_response_free(&r);
}

static void send_text(const struct route *route, const char *what, const char *body, struct tally *t)
{
	send_body(route, what, body, strlen(body), "application/json", t);
}

/* A JSON value of the wrong type for a field of this type. */
static const char *wrong_value(enum field_type type)
{
	switch (type) {
	case FIELD_STRING: return "12345";
	case FIELD_INTEGER: return "\"12\"";
	case FIELD_BOOLEAN: return "\"true\"";
	case FIELD_ARRAY: return "{\"0\":\"a\"}";
	case FIELD_OBJECT: return "[1,2]";
	case FIELD_OTHER: break;
	}
	return "[[[]]]";
}

/* The bytes of size n, filled with c, as a JSON string value of field (malloc'd). */
static char *long_string_body(const char *field, size_t n, char c)
{
	size_t head = strlen(field) + 6;
	char *body = malloc(head + n + 3);

	snprintf(body, head + 1, "{\"%s\":\"", field);
	memset(body + strlen(body), c, n);
	snprintf(body + strlen(field) + 5 + n, 3, "\"}");
	return body;
}

static void corpus(const struct route *route, struct tally *t)
{
	const char *f = route->field_count ? route->fields[0] : "name";
	char body[4096];
	char *big;

	/* Truncated. */
	snprintf(body, sizeof(body), "{\"%s\":\"abc", f);
	send_text(route, "truncated string", body, t);
	snprintf(body, sizeof(body), "{\"%s\":1,", f);
	send_text(route, "truncated after a comma", body, t);
	send_text(route, "a lone brace", "{", t);
	send_text(route, "whitespace only", " \r\n\t ", t);
	/* An empty body on a body-less route, or where the body is optional, is an ordinary request. */
	if (route->has_body && !route->optional)
		send_body(route, "empty", "", 0, "application/json", t);
	/* Invalid UTF-8. */
	snprintf(body, sizeof(body), "{\"%s\":\"\xff\xfe\"}", f);
	send_text(route, "invalid UTF-8", body, t);
	snprintf(body, sizeof(body), "{\"%s\":\"\xc0\xaf\"}", f);
	send_text(route, "overlong UTF-8", body, t);
	snprintf(body, sizeof(body), "{\"%s\":\"\xed\xa0\x80\"}", f);
	send_text(route, "UTF-8 encoded surrogate", body, t);
	snprintf(body, sizeof(body), "{\"%s\":\"\\ud800\"}", f);
	send_text(route, "lone surrogate escape", body, t);
	send_text(route, "invalid UTF-8 in a key", "{\"\xff\xff\":1}", t);
	send_text(route, "byte order mark", "\xef\xbb\xbf{}", t);
	/* Duplicate keys. */
	snprintf(body, sizeof(body), "{\"%s\":\"a\",\"%s\":\"b\"}", f, f);
	send_text(route, "duplicate keys", body, t);
	snprintf(body, sizeof(body), "{\"%s\":{\"x\":1,\"x\":2}}", f);
	send_text(route, "duplicate nested keys", body, t);
	/* Deep nesting. */
	big = malloc(200001);
	memset(big, '[', 100000);
	memset(big + 100000, ']', 100000);
	big[200000] = '\0';
	send_text(route, "100000 nested arrays", big, t);
	{
		size_t used = 0;

		for (int i = 0; i < 33; i++)
			used += (size_t)snprintf(big + used, 200001 - used, "{\"%s\":", f);
		used += (size_t)snprintf(big + used, 200001 - used, "1");
		for (int i = 0; i < 33; i++)
			big[used++] = '}';
		big[used] = '\0';
		send_text(route, "33 nested objects (limit 32)", big, t);
	}
	free(big);
	/* NUL bytes. */
	{
		int n = snprintf(body, sizeof(body), "{\"%s\":\"a", f);

		body[n] = '\0';
		n += snprintf(body + n + 1, sizeof(body) - (size_t)n - 1, "b\"}") + 1;
		send_body(route, "raw NUL in a string", body, (size_t)n, "application/json", t);
	}
	snprintf(body, sizeof(body), "{\"%s\":\"a\\u0000b\"}", f);
	send_text(route, "escaped NUL", body, t);
	send_body(route, "NUL before the document", "\0{}", 3, "application/json", t);
	/* Numbers. */
	snprintf(body, sizeof(body), "{\"%s\":123456789012345678901234567890}", f);
	send_text(route, "huge integer", body, t);
	snprintf(body, sizeof(body), "{\"%s\":1e999999}", f);
	send_text(route, "huge exponent", body, t);
	snprintf(body, sizeof(body), "{\"%s\":-1e-999999}", f);
	send_text(route, "tiny exponent", body, t);
	snprintf(body, sizeof(body), "{\"%s\":NaN}", f);
	send_text(route, "NaN", body, t);
	snprintf(body, sizeof(body), "{\"%s\":-Infinity}", f);
	send_text(route, "Infinity", body, t);
	snprintf(body, sizeof(body), "{\"%s\":0x1F}", f);
	send_text(route, "hexadecimal", body, t);
	/* Not an object, or not JSON. */
	send_text(route, "top-level array", "[]", t);
	send_text(route, "top-level string", "\"x\"", t);
	send_text(route, "top-level number", "42", t);
	send_text(route, "top-level null", "null", t);
	send_text(route, "trailing garbage", "{} x", t);
	send_text(route, "comment", "{/* c */}", t);
	send_text(route, "single quotes", "{'a':1}", t);
	send_text(route, "bare key", "{a:1}", t);
	snprintf(body, sizeof(body), "{\"%s\":\"a\x01\x1b[31m\"}", f);
	send_text(route, "raw control characters", body, t);
	/* Fields that do not exist (a closed schema refuses them). */
	send_text(route, "__proto__", "{\"__proto__\":{\"admin\":true}}", t);
	send_text(route, "unknown field with CR LF and ESC",
		  "{\"x-hostile\":\"\\r\\n{\\\"level\\\":\\\"error\\\"}\\u001b[2J\"}", t);
	/* Wrong types: every field at once, then each alone. */
	if (route->field_count) {
		size_t used = (size_t)snprintf(body, sizeof(body), "{");

		for (size_t i = 0; i < route->field_count; i++)
			used += (size_t)snprintf(body + used, sizeof(body) - used, "%s\"%s\":%s",
						 i ? "," : "", route->fields[i],
						 wrong_value(route->types[i]));
		snprintf(body + used, sizeof(body) - used, "}");
		send_text(route, "every field of the wrong type", body, t);
		if (!reliability_short())
			for (size_t i = 0; i < route->field_count; i++) {
				snprintf(body, sizeof(body), "{\"%s\":%s}", route->fields[i],
					 wrong_value(route->types[i]));
				send_text(route, "one field of the wrong type", body, t);
			}
	}
	/* Enormous strings and keys. */
	big = long_string_body(f, 64 * 1024, 'A');
	send_text(route, "64 KiB string", big, t);
	free(big);
	big = long_string_body(f, (1 << 20) + 1, 'B');
	send_text(route, "1 MiB string (over the limit)", big, t);
	free(big);
	big = malloc(64 * 1024 + 16);
	big[0] = '{';
	big[1] = '"';
	memset(big + 2, 'k', 64 * 1024);
	snprintf(big + 2 + 64 * 1024, 8, "\":1}");
	send_text(route, "64 KiB key", big, t);
	free(big);
	big = malloc(10000 * 16 + 8);
	{
		size_t used = 1;

		big[0] = '{';
		for (int i = 0; i < 10000; i++)
			used += (size_t)snprintf(big + used, 20, "%s\"k%d\":%d", i ? "," : "", i, i);
		snprintf(big + used, 4, "}");
	}
	send_text(route, "10000 unknown keys", big, t);
	free(big);
	/* Content types. */
	send_body(route, "text/plain", "{}", 2, "text/plain", t);
	send_body(route, "no Content-Type", "{}", 2, NULL, t);
	send_body(route, "form encoding", "a=1&b=2", 7, "application/x-www-form-urlencoded", t);
	send_body(route, "latin-1 charset", "{}", 2, "application/json; charset=iso-8859-1", t);
	send_body(route, "JSON lookalike type", "{}", 2, "application/jsonx", t);
}

/* --- random bodies --------------------------------------------------------------------- */

struct text {
	char *data;
	size_t length;
	size_t capacity;
};

static void put(struct text *t, const char *data, size_t length)
{
	if (t->length + length + 1 > t->capacity) {
		t->capacity = (t->length + length + 1) * 2;
		t->data = realloc(t->data, t->capacity);
		ck_assert_ptr_nonnull(t->data);
	}
	memcpy(t->data + t->length, data, length);
	t->length += length;
	t->data[t->length] = '\0';
}

static void put_str(struct text *t, const char *s)
{
	put(t, s, strlen(s));
}

/* Raw bytes (control characters, invalid UTF-8) only in "dirty" bodies, so half reach validation. */
static bool dirty;

static void random_string(struct reliability_random *random, struct text *t)
{
	static const char *const escapes[] = { "\\n", "\\r", "\\\"", "\\\\", "\\u0000", "\\u001b",
					       "\\ud83d\\ude00", "\\udc00", "\\u2028", "\\/" };
	size_t length = reliability_random_below(random, 4) == 0
				? reliability_random_below(random, 3000)
				: reliability_random_below(random, 40);

	put_str(t, "\"");
	for (size_t i = 0; i < length; i++) {
		uint64_t kind = reliability_random_below(random, 20);
		char c;

		if (kind == 0) {
			/* The first four are valid anywhere; NUL and lone surrogates only in dirty bodies. */
			put_str(t, escapes[reliability_random_below(random, dirty ? 10 : 4)]);
			continue;
		}
		if (kind == 1 && dirty)
			c = (char)reliability_random_below(random, 256); /* any byte: control, invalid UTF-8 */
		else if (kind == 2)
			put_str(t, "\xc3\xa9"), c = 0; /* é, valid UTF-8 */
		else
			c = (char)(' ' + 1 + reliability_random_below(random, 94));
		if (c == '"' || c == '\\')
			c = 'q';
		if (kind != 2)
			put(t, &c, 1);
	}
	put_str(t, "\"");
}

static void random_value(struct reliability_random *random, struct text *t, int depth)
{
	uint64_t kind = reliability_random_below(random, depth > 40 ? 4 : 7);
	char number[64];

	switch (kind) {
	case 0:
		random_string(random, t);
		return;
	case 1: {
		size_t digits = 1 + reliability_random_below(random, reliability_random_below(random, 8) ? 12 : 400);

		if (!dirty && digits > 18)
			digits = 18;
		if (reliability_random_below(random, 2))
			put_str(t, "-");
		for (size_t i = 0; i < digits; i++) {
			/* No leading zero in clean bodies: "007" is not JSON. */
			char d = (char)('0' + (i == 0 && !dirty ? 1 + reliability_random_below(random, 9)
								: reliability_random_below(random, 10)));

			put(t, &d, 1);
		}
		if (reliability_random_below(random, 4) == 0) {
			snprintf(number, sizeof(number), ".%llue%d",
				 (unsigned long long)reliability_random_below(random, 1000),
				 (int)reliability_random_below(random, 800) - 400);
			put_str(t, number);
		}
		return;
	}
	case 2:
		put_str(t, (const char *[]){ "true", "false", "null" }[reliability_random_below(random, 3)]);
		return;
	case 3:
		put_str(t, "{}");
		return;
	case 4:
	case 5: {
		size_t n = reliability_random_below(random, 5);

		put_str(t, "[");
		for (size_t i = 0; i < n; i++) {
			if (i)
				put_str(t, ",");
			random_value(random, t, depth + 1);
		}
		put_str(t, "]");
		return;
	}
	default: {
		size_t n = reliability_random_below(random, 5);

		put_str(t, "{");
		for (size_t i = 0; i < n; i++) {
			if (i)
				put_str(t, ",");
			random_string(random, t);
			put_str(t, ":");
			random_value(random, t, depth + 1);
		}
		put_str(t, "}");
		return;
	}
	}
}

/*
 * A body that is always wrong for the route: a field the schema does not
 * know (or, for an open schema, a field of the wrong type) beside the
 * route's own fields with random values, then sometimes damaged bytes.
 */
static void random_body(struct reliability_random *random, const struct route *route, int k,
			struct text *t)
{
	char key[64];

	t->length = 0;
	dirty = reliability_random_below(random, 2);
	put_str(t, "{");
	if (route->open && route->field_count) {
		snprintf(key, sizeof(key), "\"%s\":%s", route->fields[0], wrong_value(route->types[0]));
	} else {
		snprintf(key, sizeof(key), "\"x-hostile-%d\":", k);
		put_str(t, key);
		random_value(random, t, 0);
		key[0] = '\0';
	}
	put_str(t, key);
	for (size_t i = 0; i < route->field_count; i++) {
		if (reliability_random_below(random, 10) < 3)
			continue;
		put_str(t, ",\"");
		put_str(t, route->fields[i]);
		put_str(t, "\":");
		random_value(random, t, 0);
	}
	put_str(t, "}");
	if (!dirty)
		return;
	switch (reliability_random_below(random, 4)) {
	case 0: /* cut short */
		t->length = 1 + reliability_random_below(random, t->length - 1);
		t->data[t->length] = '\0';
		break;
	case 1: /* one byte changed */
		t->data[1 + reliability_random_below(random, t->length - 1)] =
			(char)reliability_random_below(random, 256);
		break;
	case 2: { /* a piece repeated */
		size_t from = reliability_random_below(random, t->length);
		size_t n = reliability_random_below(random, t->length - from) + 1;
		char *piece = malloc(n);

		memcpy(piece, t->data + from, n);
		put(t, piece, n);
		free(piece);
		break;
	}
	default:
		break;
	}
}

/* --- the scenarios ------------------------------------------------------------------------ */

static void describe_fallbacks(struct tally *t)
{
	for (size_t i = 0; i < route_count && t->fallback_count < MAX_FALLBACK_NOTES; i++)
		if (routes[i].may_404)
			snprintf(t->fallbacks[t->fallback_count++], sizeof(t->fallbacks[0]), "%.7s %.60s (%.20s)",
				 routes[i].method, routes[i].pattern, routes[i].missing);
}

static void report(const char *scenario, const char *tried, struct tally *t, bool alive, long peak_kb,
		   int exit_status)
{
	char outcome[1400];
	size_t used;
	bool pass = t->wrong == 0 && t->server_errors == 0 && alive && exit_status == 0;

	describe_fallbacks(t);
	used = (size_t)snprintf(outcome, sizeof(outcome),
				"%lu requests: %lu x 400, %lu x 413, %lu x 415, %lu x 422, %lu x 404; "
				"%lu x 5xx, %lu wrong%s%s; server %s, peak RSS %.1f MiB, exit %d",
				t->requests, t->by_status[0], t->by_status[2], t->by_status[3],
				t->by_status[4], t->by_status[1], t->server_errors, t->wrong,
				t->first_wrong[0] ? ", first: " : "", t->first_wrong,
				alive ? "alive after them (/healthz 200)" : "NOT ALIVE",
				(double)peak_kb / 1024, exit_status);
	if (t->fallback_count) {
		used += (size_t)snprintf(outcome + used, sizeof(outcome) - used,
					 "; 404 accepted where no object exists for a parameter:");
		for (int i = 0; i < t->fallback_count && used < sizeof(outcome); i++)
			used += (size_t)snprintf(outcome + used, sizeof(outcome) - used, " %s",
						 t->fallbacks[i]);
	}
	reliability_record(scenario, tried, outcome, pass);
}

/*
 * One test for both parts, so that the server is this process's child and
 * its exit status (LeakSanitizer's verdict in the sanitizer build) is known.
 */
START_TEST(hostile_bodies_get_only_4xx_problems)
{
	struct reliability_random random;
	struct text body = { NULL, 0, 0 };
	struct tally fixed, randomised;
	char fixed_tried[256], random_tried[256];
	long per_route = reliability_scale(300, 25), peak_kb;
	bool fixed_alive, random_alive;
	int exit_status;

	start();
	memset(&fixed, 0, sizeof(fixed));
	for (size_t i = 0; i < route_count; i++)
		corpus(&routes[i], &fixed);
	fixed_alive = reliability_server_alive(&server);
	snprintf(fixed_tried, sizeof(fixed_tried),
		 "%zu write routes from /openapi.json x a fixed corpus (truncated, bad UTF-8, duplicate "
		 "keys, nesting, NUL, numbers, types, huge strings, content types)",
		 route_count);

	reliability_random_init(&random, "hostile_input.random");
	memset(&randomised, 0, sizeof(randomised));
	for (size_t i = 0; i < route_count; i++) {
		for (long k = 0; k < per_route; k++) {
			char what[32];

			random_body(&random, &routes[i], (int)k, &body);
			snprintf(what, sizeof(what), "random #%ld", k);
			send_body(&routes[i], what, body.data, body.length, "application/json",
				  &randomised);
		}
	}
	free(body.data);
	random_alive = reliability_server_alive(&server);
	snprintf(random_tried, sizeof(random_tried),
		 "%ld random bodies per write route (%zu routes), seed %llu", per_route, route_count,
		 (unsigned long long)random.seed);

	peak_kb = reliability_peak_rss_kb(server.pid);
	exit_status = test_server_stop(&server);
	report("hostile input: fixed corpus", fixed_tried, &fixed, fixed_alive, peak_kb, exit_status);
	report("hostile input: random bodies", random_tried, &randomised, random_alive, peak_kb,
	       exit_status);
	ck_assert_msg(fixed.wrong == 0 && randomised.wrong == 0 && fixed_alive && random_alive,
		      "hostile input was not refused cleanly; see the rows above");
	ck_assert_int_eq(exit_status, 0);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("reliability/hostile_input");
	TCase *tc = tcase_create("hostile_input");

	tcase_set_timeout(tc, 900);
	tcase_add_test(tc, hostile_bodies_get_only_4xx_problems);
	suite_add_tcase(s, tc);
	return s;
}
