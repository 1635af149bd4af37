/*
 * The test build checks every 2xx answer against its route's declared
 * response (server/test/e2e/support/response_check.c): a route of the test
 * module drifts on request, and the drift is a 500 naming the route and the
 * field, and an error in the log. And /openapi.json documents the success
 * answer of every operation.
 */
#include <check.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test/support/check_main.h"
#include "test/support/iam_fixture.h"
#include "test/support/testlib.h"

static struct test_server shared;

static void start_shared(void)
{
	char db_url[1024];

	snprintf(db_url, sizeof(db_url), "%s", test_db_create("t_response_check"));
	test_iam_migrate(db_url);
	ck_assert_int_eq(test_server_start(&shared, "bin/erp-server-test", db_url, NULL), 0);
}

static void stop_shared(void)
{
	ck_assert_int_eq(test_server_stop(&shared), 0);
}

START_TEST(a_kept_promise_goes_out_as_it_is)
{
	struct test_response r;

	test_iam_request(shared.base_url, "GET", "/test/drift?kind=none", NULL, NULL, NULL, &r);
	ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
	ck_assert_int_eq(json_integer_value(json_object_get(r.json, "count")), 3);
	ck_assert(json_is_null(json_object_get(r.json, "note")));
	test_response_free(&r);
}
END_TEST

static const struct {
	const char *kind;
	const char *needle; /* in the problem's detail and the log line */
} drifts[] = {
	{ "missing", "field /count is required" },
	{ "type", "field /count must be an integer" },
	{ "unknown", "field /extra is not a field of TestDrift" },
	{ "null", "field /id must not be null" },
	{ "status", "declares no answer with status 203" },
	{ "etag", "the header ETag was sent, which the route does not declare" },
	{ "problem", "does not declare the problem status 409" },
};

START_TEST(a_drifting_answer_is_a_500_naming_route_and_field)
{
	struct test_response r;
	const char *detail;
	char path[64], *log;

	snprintf(path, sizeof(path), "/test/drift?kind=%s", drifts[_i].kind);
	test_iam_request(shared.base_url, "GET", path, NULL, NULL, NULL, &r);
	ck_assert_msg(r.status == 500, "%s: %ld %s", drifts[_i].kind, r.status, r.body);
	ck_assert_str_eq(json_string_value(json_object_get(r.json, "type")), "/problems/internal");
	detail = json_string_value(json_object_get(r.json, "detail"));
	ck_assert_ptr_nonnull(detail);
	ck_assert_msg(strstr(detail, "GET /test/drift") && strstr(detail, drifts[_i].needle),
		      "detail \"%s\" lacks the route or \"%s\"", detail, drifts[_i].needle);
	/* Nothing of the drifted answer goes out beside the problem. */
	ck_assert_ptr_null(strstr(r.body, "0190a0b1"));
	test_response_free(&r);

	log = test_server_log(&shared);
	ck_assert_msg(strstr(log, "test.response_drift") && strstr(log, drifts[_i].needle),
		      "no test.response_drift error naming \"%s\" in the log", drifts[_i].needle);
	free(log);
}
END_TEST

/* The 2xx answers of one operation: each has a body schema, or is a 204 without one. */
static size_t check_success_answers(const char *operation_id, json_t *responses)
{
	const char *status;
	json_t *answer;
	size_t found = 0;

	json_object_foreach(responses, status, answer) {
		json_t *content = json_object_get(answer, "content");
		const char *type;
		json_t *media;

		if (status[0] != '2')
			continue;
		found++;
		if (strcmp(status, "204") == 0) {
			ck_assert_msg(!content, "%s: a 204 with content", operation_id);
			continue;
		}
		ck_assert_msg(json_object_size(content) >= 1, "%s %s: no content", operation_id, status);
		/* A route that also answers CSV (Accept: text/csv) documents its JSON beside it. */
		ck_assert_msg(!json_object_get(content, "text/csv") ||
				      json_object_get(content, "application/json"),
			      "%s %s: CSV without JSON", operation_id, status);
		json_object_foreach(content, type, media)
			ck_assert_msg(json_is_object(json_object_get(media, "schema")),
				      "%s %s: %s without a schema", operation_id, status, type);
	}
	return found;
}

START_TEST(openapi_documents_every_success_answer)
{
	struct test_response r;
	json_t *paths, *item, *op, *page;
	const char *pattern, *method;
	size_t operations = 0;

	test_iam_request(shared.base_url, "GET", "/openapi.json", NULL, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	paths = json_object_get(r.json, "paths");
	json_object_foreach(paths, pattern, item) {
		json_object_foreach(item, method, op) {
			const char *id = json_string_value(json_object_get(op, "operationId"));

			ck_assert_msg(check_success_answers(id, json_object_get(op, "responses")) >= 1,
				      "%s documents no success answer", id);
			operations++;
		}
	}
	ck_assert_uint_ge(operations, 60);
	/* A list: the platform's page around the item component. */
	page = json_object_get(json_object_get(json_object_get(json_object_get(json_object_get(
		json_object_get(json_object_get(paths, "/api/v1/users"), "get"), "responses"), "200"),
		"content"), "application/json"), "schema");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(json_object_get(
				 json_object_get(page, "properties"), "items"), "items"), "$ref")),
			 "#/components/schemas/User");
	/* A grant answers 201 (granted) or 202 (waiting for a second administrator). */
	op = json_object_get(json_object_get(paths, "/api/v1/users/{id}/role-assignments"), "post");
	ck_assert_ptr_nonnull(json_object_get(json_object_get(op, "responses"), "201"));
	ck_assert_ptr_nonnull(json_object_get(json_object_get(op, "responses"), "202"));
	test_response_free(&r);
}
END_TEST

/* A JSON value by a path of object keys (NULL-terminated); NULL when one is missing. */
static json_t *at(json_t *value, ...)
{
	va_list ap;
	const char *key;

	va_start(ap, value);
	while (value && (key = va_arg(ap, const char *)) != NULL)
		value = json_object_get(value, key);
	va_end(ap);
	return value;
}

/*
 * The served document's contract: each operation a unique camelCase id and
 * its problem responses, every reference resolving; the headers routes
 * declare, with the Idempotency-Key retention this server keeps.
 */
START_TEST(openapi_operations_have_ids_problems_and_declared_headers)
{
	struct test_response r;
	json_t *paths, *item, *op, *responses, *seen = json_object(), *create, *key;
	const char *pattern, *method, *status, *text;

	test_iam_request(shared.base_url, "GET", "/openapi.json", NULL, NULL, NULL, &r);
	ck_assert_int_eq(r.status, 200);
	paths = json_object_get(r.json, "paths");
	json_object_foreach(paths, pattern, item) {
		json_object_foreach(item, method, op) {
			const char *id = json_string_value(json_object_get(op, "operationId"));
			size_t problems = 0;
			json_t *answer;

			ck_assert_msg(id && islower((unsigned char)id[0]) &&
					      strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
							 "0123456789") == strlen(id),
				      "%s %s: operationId %s", method, pattern, id ? id : "(none)");
			ck_assert_msg(!json_object_get(seen, id), "operationId %s twice", id);
			json_object_set_new(seen, id, json_true());
			responses = json_object_get(op, "responses");
			json_object_foreach(responses, status, answer) {
				const char *ref = json_string_value(json_object_get(answer, "$ref"));

				if (status[0] != '4')
					continue;
				problems++;
				ck_assert_msg(ref && strncmp(ref, "#/components/responses/", 23) == 0 &&
						      at(r.json, "components", "responses", ref + 23,
							 "content", "application/problem+json", NULL),
					      "%s %s: not a shared problem response", id, status);
			}
			ck_assert_msg(problems >= 1, "%s declares no 4xx", id);
			ck_assert_ptr_nonnull(at(responses, "default", NULL));
		}
	}
	json_decref(seen);

	/* Creating a journal entry: Idempotency-Key in, ETag and Location out, 409 and 422. */
	create = at(paths, "/api/v1/companies/{company}/journal-entries", "post", NULL);
	ck_assert_str_eq(json_string_value(at(create, "operationId", NULL)), "createJournalEntry");
	ck_assert_str_eq(json_string_value(json_object_get(
				 json_array_get(at(create, "parameters", NULL), 1), "$ref")),
			 "#/components/parameters/Idempotency-Key");
	for (size_t i = 0; i < 3; i++) {
		const char *name = (const char *[]){ "ETag", "Location", "Idempotent-Replayed" }[i];

		ck_assert_msg(at(create, "responses", "201", "headers", name, "$ref", NULL), "%s", name);
		ck_assert_msg(at(r.json, "components", "headers", name, "description", NULL), "%s",
			      name);
	}
	ck_assert_ptr_nonnull(at(create, "responses", "409", NULL));
	ck_assert_ptr_nonnull(at(create, "responses", "422", NULL));
	key = at(r.json, "components", "parameters", "Idempotency-Key", NULL);
	text = json_string_value(json_object_get(key, "description"));
	ck_assert_msg(text && strstr(text, "kept 24 hours") &&
			      strstr(text, "ERP_IDEMPOTENCY_RETENTION_HOURS"),
		      "the retention is not stated: %s", text ? text : "(none)");
	/* Posting needs If-Match: 428 without it, 412 when stale. */
	op = at(paths, "/api/v1/companies/{company}/journal-entries/{id}/post", "post", NULL);
	ck_assert_str_eq(json_string_value(at(op, "operationId", NULL)), "postJournalEntry");
	ck_assert_ptr_nonnull(at(op, "responses", "412", NULL));
	ck_assert_ptr_nonnull(at(op, "responses", "428", NULL));
	ck_assert_ptr_nonnull(at(r.json, "components", "parameters", "If-Match", NULL));
	/* Public and read-only: no 401, no 409. */
	op = at(paths, "/healthz", "get", NULL);
	ck_assert_ptr_null(at(op, "responses", "401", NULL));
	ck_assert_ptr_null(at(op, "responses", "409", NULL));
	ck_assert_str_eq(json_string_value(at(json_array_get(json_object_get(r.json, "servers"), 0),
					      "url", NULL)),
			 "/");
	ck_assert_ptr_nonnull(at(r.json, "info", "license", "name", NULL));
	test_response_free(&r);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("e2e/response_check");
	TCase *tc = tcase_create("response_check");

	tcase_add_unchecked_fixture(tc, start_shared, stop_shared);
	tcase_add_test(tc, a_kept_promise_goes_out_as_it_is);
	tcase_add_loop_test(tc, a_drifting_answer_is_a_500_naming_route_and_field, 0,
			    (int)(sizeof(drifts) / sizeof(drifts[0])));
	tcase_add_test(tc, openapi_documents_every_success_answer);
	tcase_add_test(tc, openapi_operations_have_ids_problems_and_declared_headers);
	suite_add_tcase(s, tc);
	return s;
}
