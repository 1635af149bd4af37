#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/http/body.h"
#include "test/support/check_main.h"

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

/* "[[[...]]]" with depth levels, malloc'd. */
static char *nested_arrays(unsigned depth)
{
	char *text = malloc(2 * (size_t)depth + 1);

	ck_assert_ptr_nonnull(text);
	memset(text, '[', depth);
	memset(text + depth, ']', depth);
	text[2 * depth] = '\0';
	return text;
}

/* {"a":{"a":...{}...}} with depth levels, malloc'd. */
static char *nested_objects(unsigned depth)
{
	size_t size = 6 * (size_t)depth + 1, used = 0;
	char *text = malloc(size);

	ck_assert_ptr_nonnull(text);
	for (unsigned i = 0; i + 1 < depth; i++)
		used += (size_t)snprintf(text + used, size - used, "{\"a\":");
	used += (size_t)snprintf(text + used, size - used, "{}");
	for (unsigned i = 0; i + 1 < depth; i++)
		used += (size_t)snprintf(text + used, size - used, "}");
	return text;
}

/* Printable ASCII only: the detail goes into a response and a log line. */
static void assert_clean_detail(const char *detail)
{
	ck_assert_msg(detail[0] != '\0', "empty detail");
	for (const unsigned char *p = (const unsigned char *)detail; *p; p++)
		ck_assert_msg(*p >= 0x20 && *p < 0x7f, "byte 0x%02x in detail \"%s\"", *p, detail);
}

/* Parsing fails; the detail is clean and contains needle. */
static void expect_refused(const char *text, size_t length, unsigned max_depth, const char *needle)
{
	char detail[256] = "";
	json_t *document = body_parse(text, length, max_depth, detail, sizeof(detail));

	ck_assert_msg(document == NULL, "accepted: %.*s", (int)length, text);
	assert_clean_detail(detail);
	if (needle)
		ck_assert_msg(strstr(detail, needle) != NULL, "detail \"%s\" lacks \"%s\"", detail,
			      needle);
}

static json_t *expect_parsed(const char *text, size_t length, unsigned max_depth)
{
	char detail[256] = "";
	json_t *document = body_parse(text, length, max_depth, detail, sizeof(detail));

	ck_assert_msg(document != NULL, "refused %.*s: %s", (int)length, text, detail);
	return document;
}

/* --- depth ----------------------------------------------------------------------- */

START_TEST(test_depth_limit_is_exact_for_arrays_and_objects)
{
	static const unsigned limits[] = { 1, 2, 3, 32, 256 };

	for (size_t i = 0; i < COUNT(limits); i++) {
		unsigned max = limits[i];
		char *at = nested_arrays(max), *over = nested_arrays(max + 1);
		char *at_obj = nested_objects(max), *over_obj = nested_objects(max + 1);
		char needle[64];

		ck_assert(!body_too_deep(at, strlen(at), max));
		ck_assert(body_too_deep(over, strlen(over), max));
		ck_assert(!body_too_deep(at_obj, strlen(at_obj), max));
		ck_assert(body_too_deep(over_obj, strlen(over_obj), max));

		json_decref(expect_parsed(at, strlen(at), max));
		json_decref(expect_parsed(at_obj, strlen(at_obj), max));
		snprintf(needle, sizeof(needle), "deeper than %u levels", max);
		expect_refused(over, strlen(over), max, needle);
		expect_refused(over_obj, strlen(over_obj), max, needle);
		free(at);
		free(over);
		free(at_obj);
		free(over_obj);
	}
}
END_TEST

/* Depth is nesting, not the number of brackets: siblings do not add up. */
START_TEST(test_depth_counts_nesting_not_brackets)
{
	const char *siblings = "[[],[],{},{\"a\":[]},[[]]]";

	ck_assert(!body_too_deep(siblings, strlen(siblings), 3));
	ck_assert(body_too_deep(siblings, strlen(siblings), 2));
	ck_assert(!body_too_deep("{}", 2, 1));
	ck_assert(body_too_deep("{}", 2, 0));
	ck_assert(!body_too_deep("", 0, 0));
	/* Only length bytes are looked at. */
	ck_assert(!body_too_deep("[][[", 2, 1));
}
END_TEST

START_TEST(test_brackets_inside_strings_not_counted)
{
	const char *in_string = "{\"a\":\"[[[[[[{{{{{{\"}";
	const char *escaped_quote = "{\"a\":\"\\\"[[[[[[\"}";
	const char *escaped_backslash = "[\"\\\\\",[[]]]";
	const char *key = "{\"[[[[\":1}";

	ck_assert(!body_too_deep(in_string, strlen(in_string), 1));
	ck_assert(!body_too_deep(escaped_quote, strlen(escaped_quote), 1));
	ck_assert(!body_too_deep(key, strlen(key), 1));
	/* "\\\\" ends with an escaped backslash: the quote after it closes the string. */
	ck_assert(!body_too_deep(escaped_backslash, strlen(escaped_backslash), 3));
	ck_assert(body_too_deep(escaped_backslash, strlen(escaped_backslash), 2));

	json_decref(expect_parsed(in_string, strlen(in_string), 1));
	json_decref(expect_parsed(escaped_quote, strlen(escaped_quote), 1));
	json_decref(expect_parsed(key, strlen(key), 1));
}
END_TEST

/* Closers without openers must not wrap the counter and hide a deep body after them. */
START_TEST(test_stray_closers_do_not_hide_depth)
{
	ck_assert(!body_too_deep("]]]][[", 6, 2));
	ck_assert(body_too_deep("]]]][[[", 7, 2));
	ck_assert(body_too_deep("}}}{{{", 6, 2));
}
END_TEST

/* --- refused input -------------------------------------------------------------------- */

START_TEST(test_empty_body_refused)
{
	expect_refused("", 0, 32, "empty");
	expect_refused("{}", 0, 32, "empty");
	expect_refused(" ", 1, 32, "malformed JSON");
	expect_refused("\n\t ", 3, 32, NULL);
}
END_TEST

START_TEST(test_nul_bytes_refused)
{
	static const char raw[] = "{\"a\":\"x\0y\"}";
	static const char trailing[] = "{}\0";
	static const char escaped[] = "{\"a\":\"x\\u0000y\"}";
	static const char escaped_key[] = "{\"a\\u0000b\":1}";

	expect_refused(raw, sizeof(raw) - 1, 32, "NUL byte");
	expect_refused(trailing, sizeof(trailing) - 1, 32, "NUL byte");
	expect_refused(escaped, strlen(escaped), 32, "malformed JSON");
	expect_refused(escaped_key, strlen(escaped_key), 32, "malformed JSON");
}
END_TEST

START_TEST(test_invalid_utf8_refused)
{
	static const char *const bodies[] = {
		"{\"a\":\"\xff\"}",                 /* never valid */
		"{\"a\":\"\xc3\"}",                 /* truncated sequence */
		"{\"a\":\"\xc0\xaf\"}",             /* overlong "/" */
		"{\"a\":\"\xe0\x80\xaf\"}",         /* overlong, 3 bytes */
		"{\"a\":\"\xed\xa0\x80\"}",         /* UTF-16 surrogate */
		"{\"a\":\"\xf4\x90\x80\x80\"}",     /* above U+10FFFF */
		"{\"\xfe\":1}",                     /* in a key */
		"{\"a\":\"\\ud800\"}",              /* lone surrogate escape */
		"{\"a\":1}\xff",                    /* after the document */
	};

	for (size_t i = 0; i < COUNT(bodies); i++)
		expect_refused(bodies[i], strlen(bodies[i]), 32, NULL);
	/* Valid multi-byte text is fine. */
	json_decref(expect_parsed("{\"a\":\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"}",
				  strlen("{\"a\":\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"}"), 32));
}
END_TEST

START_TEST(test_duplicate_keys_refused)
{
	const char *top = "{\"amount\":\"1\",\"amount\":\"1000000\"}";
	const char *nested = "{\"a\":{\"b\":1,\"c\":2,\"b\":3}}";
	const char *in_array = "[{\"k\":1},{\"k\":2,\"k\":2}]";
	const char *different = "{\"a\":{\"b\":1},\"b\":{\"a\":2}}";

	expect_refused(top, strlen(top), 32, "duplicate");
	expect_refused(nested, strlen(nested), 32, "duplicate");
	expect_refused(in_array, strlen(in_array), 32, "duplicate");
	/* The same key in different objects is not a duplicate. */
	json_decref(expect_parsed(different, strlen(different), 32));
}
END_TEST

START_TEST(test_trailing_content_refused)
{
	static const char *const bodies[] = { "{} x", "{}{}", "{}]", "{},", "[] []", "{}//" };

	for (size_t i = 0; i < COUNT(bodies); i++)
		expect_refused(bodies[i], strlen(bodies[i]), 32, "malformed JSON");
	/* Whitespace after the document is fine. */
	json_decref(expect_parsed("{}\r\n\t ", 6, 32));
}
END_TEST

START_TEST(test_number_overflow_refused)
{
	static const char *const bodies[] = {
		"{\"a\":99999999999999999999999}",
		"{\"a\":9223372036854775808}",
		"{\"a\":-9223372036854775809}",
		"{\"a\":1e400}",
		"{\"a\":-1e400}",
		"[1E+999]",
	};
	json_t *document;

	for (size_t i = 0; i < COUNT(bodies); i++)
		expect_refused(bodies[i], strlen(bodies[i]), 32, NULL);
	/* The int64 limits themselves are fine. */
	document = expect_parsed("[9223372036854775807,-9223372036854775808]", 42, 32);
	ck_assert_int_eq(json_integer_value(json_array_get(document, 0)), INT64_MAX);
	ck_assert_int_eq(json_integer_value(json_array_get(document, 1)), INT64_MIN);
	json_decref(document);
}
END_TEST

START_TEST(test_truncated_and_malformed_refused)
{
	static const char *const bodies[] = {
		"{", "{\"a\":", "{\"a\":1", "{\"a\":\"x", "[1,2", "{\"a\" 1}", "{a:1}", "{'a':1}",
		"{\"a\":1,}", "[1,]", "{\"a\":tru}", "{\"a\":NaN}", "{\"a\":01}", "\"text\"", "42",
		"null",
	};

	for (size_t i = 0; i < COUNT(bodies); i++)
		expect_refused(bodies[i], strlen(bodies[i]), 32, "malformed JSON at line 1");
}
END_TEST

START_TEST(test_detail_has_line_and_column_and_no_raw_input)
{
	const char *two_lines = "{\n\"a\": tru}";
	/* jansson quotes the offending token; these put raw bytes into its message. */
	const char *non_ascii_token = "{\"a\":\xc3\xa9}";
	const char *escape_in_escape = "{\"a\":\"\\u00\x1b[2J\"}";
	const char *control = "{\"a\":\"x\x01\x1b[31m\r\n\"}";
	char detail[256] = "";

	ck_assert_ptr_null(body_parse(two_lines, strlen(two_lines), 32, detail, sizeof(detail)));
	ck_assert_msg(strstr(detail, "line 2") != NULL, "%s", detail);
	ck_assert_msg(strstr(detail, "column") != NULL, "%s", detail);
	expect_refused(non_ascii_token, strlen(non_ascii_token), 32, "invalid token near '?\?'");
	expect_refused(escape_in_escape, strlen(escape_in_escape), 32, "\\u00?");
	expect_refused(control, strlen(control), 32, NULL);
}
END_TEST

START_TEST(test_detail_fits_small_buffer)
{
	char detail[12];

	memset(detail, 'X', sizeof(detail));
	ck_assert_ptr_null(body_parse("{\"a\":", 5, 32, detail, sizeof(detail)));
	ck_assert_uint_eq(strlen(detail), sizeof(detail) - 1);
	memset(detail, 'X', sizeof(detail));
	ck_assert_ptr_null(body_parse("", 0, 32, detail, sizeof(detail)));
	ck_assert_uint_eq(strlen(detail), sizeof(detail) - 1);
}
END_TEST

/* The length is what counts, not a NUL terminator. */
START_TEST(test_parse_reads_only_length_bytes)
{
	const char *text = "{\"a\":[1,2]}garbage";
	json_t *document = expect_parsed(text, 11, 32);

	ck_assert_uint_eq(json_array_size(json_object_get(document, "a")), 2);
	json_decref(document);
}
END_TEST

START_TEST(test_good_document_parsed)
{
	const char *text = "{\"name\":\"Cash\",\"lines\":[{\"amount\":\"1.50\"}],\"ok\":true,"
			   "\"n\":null,\"i\":-12}";
	json_t *document = expect_parsed(text, strlen(text), 32);
	json_t *expected = json_pack("{s:s, s:[{s:s}], s:b, s:n, s:i}", "name", "Cash", "lines",
				     "amount", "1.50", "ok", 1, "n", "i", -12);

	ck_assert(json_equal(document, expected));
	json_decref(document);
	json_decref(expected);
}
END_TEST

/* --- Content-Type ------------------------------------------------------------------ */

START_TEST(test_json_content_types)
{
	static const char *const accepted[] = {
		"application/json",
		"application/json; charset=utf-8",
		"application/json;charset=utf-8",
		"Application/JSON;charset=UTF-8",
		"APPLICATION/JSON",
		"application/json; charset=\"utf-8\"",
	};
	static const char *const refused[] = {
		"application/jsonx",
		"application/json-patch+json",
		"application/problem+json",
		"text/json",
		"text/plain",
		"application/json; charset=latin1",
		"application/json; charset=iso-8859-1",
		"application/json; charset=utf-16",
		"application/json; charset=utf-8; extra=1",
		"application/json,charset=utf-8",
		"application/jsonxcharset=utf-8",
		"application/json;",
		"application/json; boundary=x",
		"application/x-www-form-urlencoded",
		"multipart/form-data",
		" application/json",
		"application/",
		"",
	};

	for (size_t i = 0; i < COUNT(accepted); i++)
		ck_assert_msg(body_is_json_content_type(accepted[i]), "refused \"%s\"",
			      accepted[i]);
	for (size_t i = 0; i < COUNT(refused); i++)
		ck_assert_msg(!body_is_json_content_type(refused[i]), "accepted \"%s\"",
			      refused[i]);
	ck_assert(!body_is_json_content_type(NULL));
}
END_TEST

Suite *test_suite(void)
{
	Suite *suite = suite_create("platform/body");
	TCase *depth = tcase_create("depth");
	TCase *refused = tcase_create("refused");
	TCase *content_type = tcase_create("content_type");

	tcase_add_test(depth, test_depth_limit_is_exact_for_arrays_and_objects);
	tcase_add_test(depth, test_depth_counts_nesting_not_brackets);
	tcase_add_test(depth, test_brackets_inside_strings_not_counted);
	tcase_add_test(depth, test_stray_closers_do_not_hide_depth);
	suite_add_tcase(suite, depth);

	tcase_add_test(refused, test_empty_body_refused);
	tcase_add_test(refused, test_nul_bytes_refused);
	tcase_add_test(refused, test_invalid_utf8_refused);
	tcase_add_test(refused, test_duplicate_keys_refused);
	tcase_add_test(refused, test_trailing_content_refused);
	tcase_add_test(refused, test_number_overflow_refused);
	tcase_add_test(refused, test_truncated_and_malformed_refused);
	tcase_add_test(refused, test_detail_has_line_and_column_and_no_raw_input);
	tcase_add_test(refused, test_detail_fits_small_buffer);
	tcase_add_test(refused, test_parse_reads_only_length_bytes);
	tcase_add_test(refused, test_good_document_parsed);
	suite_add_tcase(suite, refused);

	tcase_add_test(content_type, test_json_content_types);
	suite_add_tcase(suite, content_type);
	return suite;
}
