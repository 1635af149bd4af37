#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "platform/http/problem.h"
#include "shared-kernel/errors.h"
#include "test/support/check_main.h"

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

static const struct {
	const struct problem_kind *kind;
	int status;
	const char *type;
	const char *title;
} kinds[] = {
	{ &PROBLEM_BAD_REQUEST, 400, "/problems/bad-request", "Malformed request" },
	{ &PROBLEM_UNAUTHORIZED, 401, "/problems/unauthorized", "Authentication required" },
	{ &PROBLEM_FORBIDDEN, 403, "/problems/forbidden", "Permission denied" },
	{ &PROBLEM_NOT_FOUND, 404, "/problems/not-found", "Not found" },
	{ &PROBLEM_METHOD_NOT_ALLOWED, 405, "/problems/method-not-allowed", "Method not allowed" },
	{ &PROBLEM_CONFLICT, 409, "/problems/conflict", "Conflict" },
	{ &PROBLEM_PRECONDITION, 412, "/problems/precondition-failed", "Precondition failed" },
	{ &PROBLEM_TOO_LARGE, 413, "/problems/payload-too-large", "Request body too large" },
	{ &PROBLEM_URI_TOO_LONG, 414, "/problems/uri-too-long", "Request URI too long" },
	{ &PROBLEM_UNSUPPORTED_MEDIA, 415, "/problems/unsupported-media-type",
	  "Unsupported media type" },
	{ &PROBLEM_VALIDATION, 422, "/problems/validation", "Validation failed" },
	{ &PROBLEM_THROTTLED, 429, "/problems/too-many-requests", "Too many requests" },
	{ &PROBLEM_HEADERS_TOO_LARGE, 431, "/problems/headers-too-large",
	  "Request headers too large" },
	{ &PROBLEM_INTERNAL, 500, "/problems/internal", "Internal error" },
	{ &PROBLEM_UNAVAILABLE, 503, "/problems/unavailable", "Service unavailable" },
};

/* Renders and parses back; the caller json_decref()s. */
static json_t *render(const struct problem_kind *kind, const char *detail, const char *instance,
		      json_t *errors)
{
	char *text = problem_render(kind, detail, instance, errors);
	json_error_t error;
	json_t *document;

	ck_assert_ptr_nonnull(text);
	/* One line: the body is compact JSON. */
	ck_assert_ptr_null(strchr(text, '\n'));
	document = json_loads(text, JSON_REJECT_DUPLICATES, &error);
	ck_assert_msg(document != NULL, "not JSON (%s): %s", error.text, text);
	free(text);
	ck_assert(json_is_object(document));
	return document;
}

static const char *string_member(json_t *object, const char *key)
{
	json_t *member = json_object_get(object, key);

	ck_assert_msg(json_is_string(member), "\"%s\" is not a string", key);
	return json_string_value(member);
}

START_TEST(test_kinds_have_documented_status_type_and_title)
{
	for (size_t i = 0; i < COUNT(kinds); i++) {
		ck_assert_int_eq(kinds[i].kind->status, kinds[i].status);
		ck_assert_str_eq(kinds[i].kind->type, kinds[i].type);
		ck_assert_str_eq(kinds[i].kind->title, kinds[i].title);
		for (size_t j = 0; j < i; j++)
			ck_assert_str_ne(kinds[i].kind->type, kinds[j].kind->type);
	}
}
END_TEST

START_TEST(test_render_every_field)
{
	const char *request_id = "0190f5b2-7a3c-7def-8123-456789abcdef";
	json_t *errors = json_pack("[{s:s, s:s, s:s}, {s:s, s:s, s:s}]", "pointer", "/name", "code",
				   "required", "detail", "is required", "pointer",
				   "/lines/1/amount", "code", "format", "detail",
				   "must be a decimal");
	json_t *document = render(&PROBLEM_VALIDATION, "2 fields are invalid", request_id, errors);

	ck_assert_str_eq(string_member(document, "type"), "/problems/validation");
	ck_assert_str_eq(string_member(document, "title"), "Validation failed");
	ck_assert(json_is_integer(json_object_get(document, "status")));
	ck_assert_int_eq(json_integer_value(json_object_get(document, "status")), 422);
	ck_assert_str_eq(string_member(document, "detail"), "2 fields are invalid");
	ck_assert_str_eq(string_member(document, "instance"), request_id);
	ck_assert(json_equal(json_object_get(document, "errors"), errors));
	ck_assert_uint_eq(json_object_size(document), 6);

	/* errors is not consumed: still ours, unchanged, freed below (ASan sees a leak or UAF). */
	ck_assert_int_eq(errors->refcount, 1);
	ck_assert_uint_eq(json_array_size(errors), 2);
	json_decref(errors);
	json_decref(document);
}
END_TEST

START_TEST(test_render_every_kind)
{
	for (size_t i = 0; i < COUNT(kinds); i++) {
		json_t *document = render(kinds[i].kind, "d", "req-1", NULL);

		ck_assert_str_eq(string_member(document, "type"), kinds[i].type);
		ck_assert_str_eq(string_member(document, "title"), kinds[i].title);
		ck_assert_int_eq(json_integer_value(json_object_get(document, "status")),
				 kinds[i].status);
		json_decref(document);
	}
}
END_TEST

START_TEST(test_render_optional_fields)
{
	json_t *empty = json_array();
	json_t *document;

	/* No detail: the title stands in; no instance, no errors: the members are absent. */
	document = render(&PROBLEM_NOT_FOUND, NULL, NULL, NULL);
	ck_assert_str_eq(string_member(document, "detail"), "Not found");
	ck_assert_ptr_null(json_object_get(document, "instance"));
	ck_assert_ptr_null(json_object_get(document, "errors"));
	ck_assert_uint_eq(json_object_size(document), 4);
	json_decref(document);

	/* An empty error list is left out too. */
	document = render(&PROBLEM_VALIDATION, "x", "id", empty);
	ck_assert_ptr_null(json_object_get(document, "errors"));
	ck_assert_int_eq(empty->refcount, 1);
	json_decref(document);
	json_decref(empty);
}
END_TEST

/* Quotes, backslashes, CR/LF and non-ASCII in the detail come back exactly. */
START_TEST(test_render_escapes_detail)
{
	const char *detail = "bad \"name\" \\ here\r\nnext line \xc3\xa9\x1b[0m";
	char *text = problem_render(&PROBLEM_BAD_REQUEST, detail, "r\"1", NULL);
	json_t *document;

	ck_assert_ptr_nonnull(text);
	ck_assert_ptr_null(strchr(text, '\n'));
	ck_assert_ptr_null(strchr(text, '\r'));
	ck_assert_ptr_null(strchr(text, '\x1b'));
	free(text);
	document = render(&PROBLEM_BAD_REQUEST, detail, "r\"1", NULL);
	ck_assert_str_eq(string_member(document, "detail"), detail);
	ck_assert_str_eq(string_member(document, "instance"), "r\"1");
	json_decref(document);
}
END_TEST

START_TEST(test_problem_for_every_error_code)
{
	static const struct {
		int code;
		const struct problem_kind *kind;
		int status;
	} mapping[] = {
		{ ERP_ERR_INVALID, &PROBLEM_VALIDATION, 422 },
		{ ERP_ERR_NOT_FOUND, &PROBLEM_NOT_FOUND, 404 },
		{ ERP_ERR_CONFLICT, &PROBLEM_CONFLICT, 409 },
		{ ERP_ERR_STALE, &PROBLEM_PRECONDITION, 412 },
		{ ERP_ERR_FORBIDDEN, &PROBLEM_FORBIDDEN, 403 },
		{ ERP_ERR_UNAUTHORIZED, &PROBLEM_UNAUTHORIZED, 401 },
		{ ERP_ERR_UNAVAILABLE, &PROBLEM_UNAVAILABLE, 503 },
		{ ERP_ERR_NO_MEMORY, &PROBLEM_UNAVAILABLE, 503 },
		{ ERP_ERR_OVERFLOW, &PROBLEM_VALIDATION, 422 },
		{ ERP_ERR_THROTTLED, &PROBLEM_THROTTLED, 429 },
		{ ERP_ERR_INTERNAL, &PROBLEM_INTERNAL, 500 },
	};

	/* Every code from -1 down to ERP_ERR_INTERNAL is in the table above. */
	ck_assert_int_eq(COUNT(mapping), -ERP_ERR_INTERNAL);
	for (size_t i = 0; i < COUNT(mapping); i++) {
		const struct problem_kind *kind = problem_for_error(mapping[i].code);

		ck_assert_msg(kind == mapping[i].kind, "%s maps to %d",
			      erp_error_name(mapping[i].code), kind->status);
		ck_assert_int_eq(kind->status, mapping[i].status);
	}
}
END_TEST

/* Success or a code nobody defined is a bug: 500, never a 2xx or a crash. */
START_TEST(test_problem_for_unknown_codes_is_internal)
{
	static const int codes[] = { ERP_OK, ERP_ERR_INTERNAL - 1, -1000, 1, 42, -2147483647 - 1,
				     2147483647 };

	for (size_t i = 0; i < COUNT(codes); i++)
		ck_assert_ptr_eq(problem_for_error(codes[i]), &PROBLEM_INTERNAL);
}
END_TEST

Suite *test_suite(void)
{
	Suite *suite = suite_create("platform/problem");
	TCase *rendering = tcase_create("rendering");
	TCase *mapping = tcase_create("mapping");

	tcase_add_test(rendering, test_kinds_have_documented_status_type_and_title);
	tcase_add_test(rendering, test_render_every_field);
	tcase_add_test(rendering, test_render_every_kind);
	tcase_add_test(rendering, test_render_optional_fields);
	tcase_add_test(rendering, test_render_escapes_detail);
	suite_add_tcase(suite, rendering);

	tcase_add_test(mapping, test_problem_for_every_error_code);
	tcase_add_test(mapping, test_problem_for_unknown_codes_is_internal);
	suite_add_tcase(suite, mapping);
	return suite;
}
