#include <jansson.h>
#include <stdint.h>
#include <string.h>

#include "common/alloc.h"
#include "common/strbuf.h"
#include "test/support/check_main.h"

/* --- growth --------------------------------------------------------------------- */

START_TEST(test_never_grown_buffer_reads_as_empty)
{
	struct strbuf sb = STRBUF_INIT;

	ck_assert_str_eq(strbuf_str(&sb), "");
	ck_assert_uint_eq(sb.len, 0);
	ck_assert(!sb.failed);
	strbuf_release(&sb);
}
END_TEST

START_TEST(test_grows_one_byte_at_a_time)
{
	enum { COUNT = 100000 };
	struct strbuf sb = STRBUF_INIT;

	for (int i = 0; i < COUNT; i++)
		strbuf_addch(&sb, (char)('a' + i % 26));
	ck_assert(!sb.failed);
	ck_assert_uint_eq(sb.len, COUNT);
	ck_assert_uint_ge(sb.alloc, COUNT + 1);
	ck_assert_uint_eq(strlen(strbuf_str(&sb)), COUNT);
	for (int i = 0; i < COUNT; i++)
		ck_assert_int_eq(sb.buf[i], 'a' + i % 26);
	strbuf_release(&sb);
	ck_assert_ptr_null(sb.buf);
	ck_assert_uint_eq(sb.len, 0);
}
END_TEST

START_TEST(test_add_addstr_addf)
{
	struct strbuf sb;
	char big[1000];

	strbuf_init(&sb, 4);
	strbuf_addstr(&sb, "total=");
	strbuf_addf(&sb, "%d.%02d", 1234, 5);
	strbuf_add(&sb, " USD!!", 4);
	ck_assert_str_eq(strbuf_str(&sb), "total=1234.05 USD");
	ck_assert_uint_eq(sb.len, strlen("total=1234.05 USD"));

	/* addf output longer than everything so far, to force growth inside addf. */
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	strbuf_addf(&sb, "[%s]", big);
	ck_assert_uint_eq(sb.len, 17 + 1001);
	ck_assert_int_eq(sb.buf[sb.len - 1], ']');
	ck_assert_int_eq(sb.buf[sb.len], '\0');
	strbuf_release(&sb);
}
END_TEST

START_TEST(test_add_keeps_embedded_nul_bytes)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_add(&sb, "a\0b", 3);
	ck_assert_uint_eq(sb.len, 3);
	ck_assert(memcmp(sb.buf, "a\0b", 4) == 0);
	strbuf_release(&sb);
}
END_TEST

/* (NULL, 0) is a common "nothing" from callers; memcpy must not see the NULL. */
START_TEST(test_add_null_with_zero_length)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addstr(&sb, "x");
	strbuf_add(&sb, NULL, 0);
	strbuf_add_json_escaped(&sb, NULL, 0);
	ck_assert(!sb.failed);
	ck_assert_str_eq(strbuf_str(&sb), "x");
	strbuf_release(&sb);
}
END_TEST

START_TEST(test_reset_keeps_memory)
{
	struct strbuf sb = STRBUF_INIT;
	char *before;

	strbuf_addstr(&sb, "something long enough");
	before = sb.buf;
	strbuf_reset(&sb);
	ck_assert_str_eq(strbuf_str(&sb), "");
	ck_assert_uint_eq(sb.len, 0);
	strbuf_addstr(&sb, "again");
	ck_assert_ptr_eq(sb.buf, before);
	ck_assert_str_eq(strbuf_str(&sb), "again");
	strbuf_release(&sb);
}
END_TEST

START_TEST(test_detach_hands_over_the_bytes)
{
	struct strbuf sb = STRBUF_INIT;
	size_t len = 99;
	char *text;

	strbuf_addstr(&sb, "hello");
	text = strbuf_detach(&sb, &len);
	ck_assert_str_eq(text, "hello");
	ck_assert_uint_eq(len, 5);
	ck_assert_ptr_null(sb.buf);
	ck_assert_uint_eq(sb.len, 0);
	ck_assert_str_eq(strbuf_str(&sb), "");
	erp_free(text);
	strbuf_release(&sb); /* still allowed */
}
END_TEST

/* NULL from detach must mean failure only: an empty result is "". */
START_TEST(test_detach_of_never_grown_buffer_is_empty_string)
{
	struct strbuf sb = STRBUF_INIT;
	size_t len = 99;
	char *text = strbuf_detach(&sb, &len);

	ck_assert_ptr_nonnull(text);
	ck_assert_str_eq(text, "");
	ck_assert_uint_eq(len, 0);
	erp_free(text);
}
END_TEST

/* --- fixed storage ---------------------------------------------------------------- */

START_TEST(test_fixed_storage_used_until_outgrown)
{
	char storage[16];
	struct strbuf sb;

	strbuf_init_fixed(&sb, storage, sizeof(storage));
	strbuf_addstr(&sb, "fits in 15 byte"); /* 15 + NUL */
	ck_assert_ptr_eq(sb.buf, storage);
	ck_assert_str_eq(storage, "fits in 15 byte");
	strbuf_addstr(&sb, "s and now it no longer fits");
	ck_assert_ptr_ne(sb.buf, storage);
	ck_assert_str_eq(strbuf_str(&sb), "fits in 15 bytes and now it no longer fits");
	strbuf_release(&sb); /* frees the heap copy; ASan would see a bad free of storage */
}
END_TEST

START_TEST(test_fixed_storage_detach_returns_heap_copy)
{
	char storage[32];
	struct strbuf sb;
	size_t len;
	char *text;

	strbuf_init_fixed(&sb, storage, sizeof(storage));
	strbuf_addstr(&sb, "short");
	text = strbuf_detach(&sb, &len);
	ck_assert_ptr_ne(text, storage);
	ck_assert_str_eq(text, "short");
	ck_assert_uint_eq(len, 5);
	erp_free(text); /* must be a heap pointer */
}
END_TEST

START_TEST(test_fixed_storage_of_size_zero_grows_on_the_heap)
{
	struct strbuf sb;

	strbuf_init_fixed(&sb, NULL, 0);
	strbuf_addstr(&sb, "abc");
	ck_assert(!sb.failed);
	ck_assert_str_eq(strbuf_str(&sb), "abc");
	strbuf_release(&sb);
}
END_TEST

START_TEST(test_fixed_storage_of_size_one)
{
	char storage[1] = { 'x' };
	struct strbuf sb;

	strbuf_init_fixed(&sb, storage, sizeof(storage));
	ck_assert_str_eq(strbuf_str(&sb), "");
	strbuf_addch(&sb, 'a');
	ck_assert_str_eq(strbuf_str(&sb), "a");
	strbuf_release(&sb);
}
END_TEST

/* --- failure --------------------------------------------------------------------- */

START_TEST(test_failed_buffer_ignores_appends_until_reset)
{
	struct strbuf sb = STRBUF_INIT;
	size_t len = 99;

	strbuf_addstr(&sb, "kept?");
	/* A length no allocation can satisfy fails without allocating. */
	strbuf_add(&sb, "", SIZE_MAX / 2);
	ck_assert(sb.failed);
	ck_assert_str_eq(strbuf_str(&sb), "");
	strbuf_addstr(&sb, "ignored");
	strbuf_addf(&sb, "%d", 1);
	strbuf_add_json_string(&sb, "x");
	ck_assert(sb.failed);
	ck_assert_uint_eq(sb.len, 5);
	ck_assert_ptr_null(strbuf_detach(&sb, &len));
	ck_assert_uint_eq(len, 0);
	ck_assert(!sb.failed); /* detach leaves a fresh buffer */
	strbuf_addstr(&sb, "fresh");
	ck_assert_str_eq(strbuf_str(&sb), "fresh");

	strbuf_add(&sb, "", SIZE_MAX);
	ck_assert(sb.failed);
	strbuf_reset(&sb);
	ck_assert(!sb.failed);
	strbuf_addstr(&sb, "after reset");
	ck_assert_str_eq(strbuf_str(&sb), "after reset");
	strbuf_release(&sb);
}
END_TEST

START_TEST(test_failed_fixed_buffer)
{
	char storage[8];
	struct strbuf sb;

	strbuf_init_fixed(&sb, storage, sizeof(storage));
	strbuf_addstr(&sb, "abc");
	strbuf_add(&sb, "", SIZE_MAX / 2);
	ck_assert(sb.failed);
	ck_assert_str_eq(strbuf_str(&sb), "");
	ck_assert_ptr_null(strbuf_detach(&sb, NULL));
	strbuf_release(&sb);
}
END_TEST

#ifdef ERP_FAULT_INJECTION
START_TEST(test_out_of_memory_sets_failed)
{
	struct strbuf sb = STRBUF_INIT;
	char storage[4];

	strbuf_addstr(&sb, "a");
	alloc_fault_fail_at(1);
	strbuf_add(&sb, "0123456789012345678901234567890123456789012345678901234567890123456789", 70);
	alloc_fault_fail_at(0);
	ck_assert(sb.failed);
	ck_assert_ptr_null(strbuf_detach(&sb, NULL)); /* frees the old buffer: no leak */

	strbuf_init_fixed(&sb, storage, sizeof(storage));
	alloc_fault_fail_at(1);
	strbuf_addstr(&sb, "too long for four");
	alloc_fault_fail_at(0);
	ck_assert(sb.failed);
	strbuf_release(&sb);

	alloc_fault_fail_at(1);
	strbuf_init(&sb, 100);
	alloc_fault_fail_at(0);
	ck_assert(sb.failed);
	strbuf_release(&sb);

	strbuf_init_fixed(&sb, storage, sizeof(storage));
	strbuf_addstr(&sb, "ab");
	alloc_fault_fail_at(1);
	ck_assert_ptr_null(strbuf_detach(&sb, NULL)); /* the heap copy fails */
	alloc_fault_fail_at(0);
}
END_TEST
#endif

/* --- JSON ------------------------------------------------------------------------ */

static void assert_escaped(const char *text, size_t len, const char *expected)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_add_json_escaped(&sb, text, len);
	ck_assert(!sb.failed);
	ck_assert_str_eq(strbuf_str(&sb), expected);
	strbuf_release(&sb);
}

START_TEST(test_json_escapes_quote_backslash_and_controls)
{
	assert_escaped("plain", 5, "plain");
	assert_escaped("", 0, "");
	assert_escaped("say \"hi\"", 8, "say \\\"hi\\\"");
	assert_escaped("C:\\dir\\", 7, "C:\\\\dir\\\\");
	assert_escaped("a\nb\rc\td", 7, "a\\nb\\rc\\td");
	assert_escaped("\x01\x08\x0c\x1f", 4, "\\u0001\\u0008\\u000c\\u001f");
	assert_escaped("del\x7f", 4, "del\\u007f");
	assert_escaped("a\0b", 3, "a\\u0000b");
	assert_escaped("\0", 1, "\\u0000");
	assert_escaped("/ stays", 7, "/ stays");
	assert_escaped(" ~", 2, " ~");
	/* Bytes >= 0x80 pass through, so UTF-8 stays readable. */
	assert_escaped("caf\xc3\xa9 \xe2\x82\xac", 9, "caf\xc3\xa9 \xe2\x82\xac");
	/* Only len bytes are read. */
	assert_escaped("abc\"def", 3, "abc");
}
END_TEST

START_TEST(test_json_string_quotes_and_null)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_add_json_string(&sb, "a\"b");
	strbuf_addch(&sb, ',');
	strbuf_add_json_string(&sb, NULL);
	strbuf_addch(&sb, ',');
	strbuf_add_json_string(&sb, "");
	ck_assert_str_eq(strbuf_str(&sb), "\"a\\\"b\",null,\"\"");
	strbuf_release(&sb);
}
END_TEST

/* Every byte 0x00..0x7f, escaped and quoted, must parse back to itself with a real JSON parser. */
START_TEST(test_json_escaping_parses_back_with_jansson)
{
	char all_ascii[128];
	struct strbuf sb = STRBUF_INIT;
	json_error_t error;
	json_t *parsed;

	for (int i = 0; i < 128; i++)
		all_ascii[i] = (char)i;
	strbuf_addch(&sb, '"');
	strbuf_add_json_escaped(&sb, all_ascii, sizeof(all_ascii));
	strbuf_addch(&sb, '"');
	ck_assert(!sb.failed);
	parsed = json_loads(strbuf_str(&sb), JSON_DECODE_ANY | JSON_ALLOW_NUL, &error);
	ck_assert_msg(parsed != NULL, "jansson: %s", error.text);
	ck_assert(json_is_string(parsed));
	ck_assert_uint_eq(json_string_length(parsed), sizeof(all_ascii));
	ck_assert(memcmp(json_string_value(parsed), all_ascii, sizeof(all_ascii)) == 0);
	json_decref(parsed);
	strbuf_release(&sb);
}
END_TEST

Suite *test_suite(void)
{
	Suite *suite = suite_create("strbuf");
	TCase *growth = tcase_create("growth");
	TCase *fixed = tcase_create("fixed storage");
	TCase *failure = tcase_create("failure");
	TCase *json = tcase_create("json");

	tcase_add_test(growth, test_never_grown_buffer_reads_as_empty);
	tcase_add_test(growth, test_grows_one_byte_at_a_time);
	tcase_add_test(growth, test_add_addstr_addf);
	tcase_add_test(growth, test_add_keeps_embedded_nul_bytes);
	tcase_add_test(growth, test_add_null_with_zero_length);
	tcase_add_test(growth, test_reset_keeps_memory);
	tcase_add_test(growth, test_detach_hands_over_the_bytes);
	tcase_add_test(growth, test_detach_of_never_grown_buffer_is_empty_string);
	suite_add_tcase(suite, growth);

	tcase_add_test(fixed, test_fixed_storage_used_until_outgrown);
	tcase_add_test(fixed, test_fixed_storage_detach_returns_heap_copy);
	tcase_add_test(fixed, test_fixed_storage_of_size_zero_grows_on_the_heap);
	tcase_add_test(fixed, test_fixed_storage_of_size_one);
	suite_add_tcase(suite, fixed);

	tcase_add_test(failure, test_failed_buffer_ignores_appends_until_reset);
	tcase_add_test(failure, test_failed_fixed_buffer);
#ifdef ERP_FAULT_INJECTION
	tcase_add_test(failure, test_out_of_memory_sets_failed);
#endif
	suite_add_tcase(suite, failure);

	tcase_add_test(json, test_json_escapes_quote_backslash_and_controls);
	tcase_add_test(json, test_json_string_quotes_and_null);
	tcase_add_test(json, test_json_escaping_parses_back_with_jansson);
	suite_add_tcase(suite, json);
	return suite;
}
