/* CSV records as RFC 4180 writes them (server/src/platform/http/csv.c). */
#include <check.h>
#include <string.h>

#include "platform/http/csv.h"
#include "test/support/check_main.h"

static const struct {
	const char *value, *expected;
} fields[] = {
	{ "plain", "plain" },
	{ "", "" },
	{ NULL, "" },
	{ "-12.50", "-12.50" },
	{ "a,b", "\"a,b\"" },
	{ "say \"hi\"", "\"say \"\"hi\"\"\"" },
	{ "\"", "\"\"\"\"" },
	{ "two\nlines", "\"two\nlines\"" },
	{ "cr\rhere", "\"cr\rhere\"" },
	{ " spaces stay ", " spaces stay " },
	{ "caf\xc3\xa9", "caf\xc3\xa9" },
};

START_TEST(a_field_is_quoted_only_when_it_must_be)
{
	struct csv_buffer buf = { 0 };

	ck_assert_int_eq(csv_field(&buf, fields[_i].value, true), 0);
	ck_assert_uint_eq(buf.length, strlen(fields[_i].expected));
	ck_assert(memcmp(buf.data ? buf.data : "", fields[_i].expected, buf.length) == 0);
	csv_release(&buf);
}
END_TEST

START_TEST(records_are_comma_separated_and_end_in_crlf)
{
	static const char *const header[] = { "code", "name", "amount" };
	static const char *const row[] = { "1000", "Cash, petty", "12.50" };
	static const char expected[] = "code,name,amount\r\n1000,\"Cash, petty\",12.50\r\n,x\r\n";
	struct csv_buffer buf = { 0 };

	ck_assert_int_eq(csv_record(&buf, header, 3), 0);
	ck_assert_int_eq(csv_record(&buf, row, 3), 0);
	ck_assert_int_eq(csv_field(&buf, NULL, true), 0);
	ck_assert_int_eq(csv_field(&buf, "x", false), 0);
	ck_assert_int_eq(csv_end_record(&buf), 0);
	ck_assert_uint_eq(buf.length, strlen(expected));
	ck_assert(memcmp(buf.data, expected, buf.length) == 0);
	csv_release(&buf);
	ck_assert_ptr_null(buf.data);
}
END_TEST

START_TEST(a_long_field_grows_the_buffer)
{
	struct csv_buffer buf = { 0 };
	char big[5000];

	memset(big, '"', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ck_assert_int_eq(csv_field(&buf, big, true), 0);
	/* Every quote doubled, and the two around. */
	ck_assert_uint_eq(buf.length, 2 * (sizeof(big) - 1) + 2);
	csv_release(&buf);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("platform/http/csv");
	TCase *tc = tcase_create("csv");

	tcase_add_loop_test(tc, a_field_is_quoted_only_when_it_must_be, 0,
			    (int)(sizeof(fields) / sizeof(fields[0])));
	tcase_add_test(tc, records_are_comma_separated_and_end_in_crlf);
	tcase_add_test(tc, a_long_field_grows_the_buffer);
	suite_add_tcase(s, tc);
	return s;
}
