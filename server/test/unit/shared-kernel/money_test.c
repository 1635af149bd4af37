#include <stdint.h>
#include <string.h>

#include "shared-kernel/money.h"
#include "test/support/check_main.h"

/* --- currencies ------------------------------------------------------------ */

START_TEST(test_currency_find_known_codes_with_their_exponents)
{
	static const struct {
		const char *code;
		int exponent;
	} expected[] = {
		{ "USD", 2 }, { "EUR", 2 }, { "GBP", 2 }, { "JPY", 0 }, { "KWD", 3 },
		{ "BHD", 3 }, { "OMR", 3 }, { "JOD", 3 }, { "TND", 3 }, { "IQD", 3 },
		{ "LYD", 3 }, { "CLF", 4 }, { "UYW", 4 }, { "KRW", 0 }, { "VND", 0 },
		{ "ISK", 0 }, { "CLP", 0 }, { "PYG", 0 }, { "UGX", 0 }, { "XAF", 0 },
		{ "XOF", 0 }, { "XPF", 0 }, { "CHF", 2 }, { "AZN", 2 }, { "TRY", 2 },
		{ "RUB", 2 }, { "CNY", 2 }, { "INR", 2 }, { "BRL", 2 }, { "ZAR", 2 },
		{ "AUD", 2 }, { "CAD", 2 }, { "SEK", 2 }, { "NOK", 2 }, { "DKK", 2 },
		{ "PLN", 2 }, { "CZK", 2 }, { "HUF", 2 }, { "AED", 2 }, { "ZWG", 2 },
		{ "XCG", 2 }, { "SLE", 2 }, { "VED", 2 }, { "MXN", 2 }, { "SGD", 2 },
	};

	for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
		const struct erp_currency *currency = erp_currency_find(expected[i].code);

		ck_assert_msg(currency != NULL, "%s not found", expected[i].code);
		ck_assert_str_eq(currency->code, expected[i].code);
		ck_assert_int_eq(currency->exponent, expected[i].exponent);
	}
}
END_TEST

/* First and last entries of the table: a bsearch off by one misses them. */
START_TEST(test_currency_find_table_ends)
{
	ck_assert_ptr_nonnull(erp_currency_find("AED"));
	ck_assert_ptr_nonnull(erp_currency_find("ZWG"));
	ck_assert_ptr_null(erp_currency_find("AAA"));
	ck_assert_ptr_null(erp_currency_find("ZZZ"));
}
END_TEST

START_TEST(test_currency_find_same_pointer_each_time)
{
	ck_assert_ptr_eq(erp_currency_find("USD"), erp_currency_find("USD"));
}
END_TEST

START_TEST(test_currency_find_refuses_unknown_and_malformed)
{
	static const char *const refused[] = {
		"usd", "Usd", "uSD", "US", "USDX", "", " USD", "USD ", "US1", "XXX",
		"XAU", "XDR", "BGN", "HRK", "ANG", "ZWL", "ABC",
	};

	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		ck_assert_msg(erp_currency_find(refused[i]) == NULL, "\"%s\" accepted", refused[i]);
	ck_assert_ptr_null(erp_currency_find(NULL));
}
END_TEST

/* --- parsing ----------------------------------------------------------------- */

struct parse_case {
	const char *text;
	int exponent;
	int flags;
	int result;
	int64_t minor; /* when result is ERP_MONEY_OK */
};

enum { NEG = ERP_MONEY_ALLOW_NEGATIVE };

static const struct parse_case parse_cases[] = {
	/* exponent 2 */
	{ "0", 2, 0, ERP_MONEY_OK, 0 },
	{ "0.5", 2, 0, ERP_MONEY_OK, 50 },
	{ "0.50", 2, 0, ERP_MONEY_OK, 50 },
	{ "0.05", 2, 0, ERP_MONEY_OK, 5 },
	{ "1", 2, 0, ERP_MONEY_OK, 100 },
	{ "12.5", 2, 0, ERP_MONEY_OK, 1250 },
	{ "1234.50", 2, 0, ERP_MONEY_OK, 123450 },
	{ "10", 2, 0, ERP_MONEY_OK, 1000 },
	{ "1.005", 2, 0, ERP_MONEY_TOO_MANY_DECIMALS, 0 },
	{ "1.000", 2, 0, ERP_MONEY_TOO_MANY_DECIMALS, 0 },
	{ "0.001", 2, 0, ERP_MONEY_TOO_MANY_DECIMALS, 0 },
	/* too many decimals is said before too large, however many digits there are */
	{ "99999999999999999999.999", 2, 0, ERP_MONEY_TOO_MANY_DECIMALS, 0 },
	{ "99999999999999999999.999", 3, 0, ERP_MONEY_OVERFLOW, 0 },
	/* exponent 0 */
	{ "5", 0, 0, ERP_MONEY_OK, 5 },
	{ "1000000", 0, 0, ERP_MONEY_OK, 1000000 },
	{ "5.0", 0, 0, ERP_MONEY_TOO_MANY_DECIMALS, 0 },
	{ "9223372036854775807", 0, 0, ERP_MONEY_OK, INT64_MAX },
	{ "9223372036854775808", 0, 0, ERP_MONEY_OVERFLOW, 0 },
	{ "-9223372036854775808", 0, NEG, ERP_MONEY_OK, INT64_MIN },
	{ "-9223372036854775809", 0, NEG, ERP_MONEY_OVERFLOW, 0 },
	{ "99999999999999999999", 0, 0, ERP_MONEY_OVERFLOW, 0 },
	{ "18446744073709551616", 0, 0, ERP_MONEY_OVERFLOW, 0 },  /* 2^64: wraps to 0 if unchecked */
	{ "18446744073709551615", 0, 0, ERP_MONEY_OVERFLOW, 0 },  /* UINT64_MAX */
	/* exponent 3 */
	{ "1.234", 3, 0, ERP_MONEY_OK, 1234 },
	{ "1.2", 3, 0, ERP_MONEY_OK, 1200 },
	{ "1.2345", 3, 0, ERP_MONEY_TOO_MANY_DECIMALS, 0 },
	/* exponent 4 */
	{ "1.2345", 4, 0, ERP_MONEY_OK, 12345 },
	{ "0.0001", 4, 0, ERP_MONEY_OK, 1 },
	{ "1.23456", 4, 0, ERP_MONEY_TOO_MANY_DECIMALS, 0 },
	{ "922337203685477.5807", 4, 0, ERP_MONEY_OK, INT64_MAX },
	{ "922337203685477.5808", 4, 0, ERP_MONEY_OVERFLOW, 0 },
	{ "-922337203685477.5808", 4, NEG, ERP_MONEY_OK, INT64_MIN },
	/* both ends of int64 with exponent 2 */
	{ "92233720368547758.07", 2, 0, ERP_MONEY_OK, INT64_MAX },
	{ "92233720368547758.08", 2, 0, ERP_MONEY_OVERFLOW, 0 },
	{ "92233720368547758.1", 2, 0, ERP_MONEY_OVERFLOW, 0 },
	{ "92233720368547759", 2, 0, ERP_MONEY_OVERFLOW, 0 },  /* overflows only when scaled */
	{ "-92233720368547758.08", 2, NEG, ERP_MONEY_OK, INT64_MIN },
	{ "-92233720368547758.07", 2, NEG, ERP_MONEY_OK, INT64_MIN + 1 },
	{ "-92233720368547758.09", 2, NEG, ERP_MONEY_OVERFLOW, 0 },
	{ "1000000000000000000", 2, 0, ERP_MONEY_OVERFLOW, 0 },
	/* a large exponent overflows any non-zero amount, but zero is zero */
	{ "1", 19, 0, ERP_MONEY_OVERFLOW, 0 },
	{ "0", 40, 0, ERP_MONEY_OK, 0 },
	{ "0.000", 40, 0, ERP_MONEY_OK, 0 },
	/* negatives */
	{ "-1.00", 2, 0, ERP_MONEY_NEGATIVE, 0 },
	{ "-1.00", 2, NEG, ERP_MONEY_OK, -100 },
	{ "-0.05", 2, NEG, ERP_MONEY_OK, -5 },
	{ "-0", 2, NEG, ERP_MONEY_OK, 0 },
	{ "-0.00", 2, NEG, ERP_MONEY_OK, 0 },
	{ "-0", 2, 0, ERP_MONEY_NEGATIVE, 0 },
	{ "-5", 0, NEG, ERP_MONEY_OK, -5 },
	/* leading zeros */
	{ "00", 2, 0, ERP_MONEY_LEADING_ZERO, 0 },
	{ "01.5", 2, 0, ERP_MONEY_LEADING_ZERO, 0 },
	{ "01", 0, 0, ERP_MONEY_LEADING_ZERO, 0 },
	{ "000.10", 2, 0, ERP_MONEY_LEADING_ZERO, 0 },
	{ "-01", 2, NEG, ERP_MONEY_LEADING_ZERO, 0 },
	{ "-00.5", 2, NEG, ERP_MONEY_LEADING_ZERO, 0 },
	/* syntax */
	{ "1.", 2, 0, ERP_MONEY_SYNTAX, 0 },
	{ ".5", 2, 0, ERP_MONEY_SYNTAX, 0 },
	{ "+1", 2, 0, ERP_MONEY_SYNTAX, 0 },
	{ " 1", 2, 0, ERP_MONEY_SYNTAX, 0 },
	{ "1 ", 2, 0, ERP_MONEY_SYNTAX, 0 },
	{ "1e3", 2, 0, ERP_MONEY_SYNTAX, 0 },
	{ "1E3", 2, 0, ERP_MONEY_SYNTAX, 0 },
	{ "1,000.00", 2, 0, ERP_MONEY_SYNTAX, 0 },
	{ "1.2.3", 2, 0, ERP_MONEY_SYNTAX, 0 },
	{ "-", 2, NEG, ERP_MONEY_SYNTAX, 0 },
	{ "--1", 2, NEG, ERP_MONEY_SYNTAX, 0 },
	{ "-.5", 2, NEG, ERP_MONEY_SYNTAX, 0 },
	{ "abc", 2, 0, ERP_MONEY_SYNTAX, 0 },
	{ "0x10", 2, 0, ERP_MONEY_SYNTAX, 0 },
	{ "1\n", 2, 0, ERP_MONEY_SYNTAX, 0 },
	{ ".", 2, 0, ERP_MONEY_SYNTAX, 0 },
	{ "NaN", 2, 0, ERP_MONEY_SYNTAX, 0 },
	{ "\xd9\xa1", 2, 0, ERP_MONEY_SYNTAX, 0 }, /* ARABIC-INDIC DIGIT ONE */
	{ "1", -1, 0, ERP_MONEY_SYNTAX, 0 },
	/* empty and length */
	{ "", 2, 0, ERP_MONEY_EMPTY, 0 },
	{ "12345678901234567890123456789.12", 2, 0, ERP_MONEY_OVERFLOW, 0 }, /* 32: length ok */
	{ "0.000000000000000000000000000001", 40, 0, ERP_MONEY_OK, INT64_C(10000000000) }, /* 32 */
	{ "123456789012345678901234567890.12", 2, 0, ERP_MONEY_TOO_LONG, 0 },  /* 33 */
	{ "                                         ", 2, 0, ERP_MONEY_TOO_LONG, 0 },
};

START_TEST(test_parse_table)
{
	const struct parse_case *c = &parse_cases[_i];
	const int64_t untouched = 0x5a5a5a5a5a5a5a5a;
	int64_t minor = untouched;
	int result = erp_money_parse(c->text, c->exponent, c->flags, &minor);

	ck_assert_msg(result == c->result, "\"%s\" exp %d flags %d: got %d, want %d", c->text,
		      c->exponent, c->flags, result, c->result);
	if (c->result == ERP_MONEY_OK)
		ck_assert_msg(minor == c->minor, "\"%s\": got %lld, want %lld", c->text,
			      (long long)minor, (long long)c->minor);
	else
		ck_assert_msg(minor == untouched, "\"%s\": out written on error", c->text);
}
END_TEST

START_TEST(test_parse_null_is_empty)
{
	int64_t minor = 7;

	ck_assert_int_eq(erp_money_parse(NULL, 2, 0, &minor), ERP_MONEY_EMPTY);
	ck_assert(minor == 7);
}
END_TEST

/* Only the first ERP_MONEY_TEXT_MAX + 1 bytes may be read: no strlen on hostile input. */
START_TEST(test_parse_too_long_reads_no_further_than_needed)
{
	char text[ERP_MONEY_TEXT_MAX + 1];
	int64_t minor;

	memset(text, '1', sizeof(text)); /* deliberately not NUL-terminated */
	ck_assert_int_eq(erp_money_parse(text, 2, 0, &minor), ERP_MONEY_TOO_LONG);
}
END_TEST

START_TEST(test_parse_message_for_every_result)
{
	static const int results[] = {
		ERP_MONEY_OK, ERP_MONEY_EMPTY, ERP_MONEY_SYNTAX, ERP_MONEY_TOO_MANY_DECIMALS,
		ERP_MONEY_OVERFLOW, ERP_MONEY_NEGATIVE, ERP_MONEY_LEADING_ZERO, ERP_MONEY_TOO_LONG,
	};
	const char *unknown = erp_money_parse_message(-100);

	for (size_t i = 0; i < sizeof(results) / sizeof(results[0]); i++) {
		const char *message = erp_money_parse_message(results[i]);
		size_t len = strlen(message);

		ck_assert_msg(len > 10 && message[len - 1] == '.', "result %d: \"%s\"", results[i],
			      message);
		ck_assert_str_ne(message, unknown);
		for (size_t j = 0; j < i; j++)
			ck_assert_str_ne(message, erp_money_parse_message(results[j]));
	}
	ck_assert_ptr_nonnull(strstr(erp_money_parse_message(ERP_MONEY_TOO_MANY_DECIMALS),
				     "never rounded"));
	ck_assert_ptr_nonnull(strstr(erp_money_parse_message(ERP_MONEY_TOO_LONG), "32"));
}
END_TEST

/* --- amounts: parsed before the currency is known, scaled after -------------------- */

struct amount_case {
	const char *text;
	int flags;
	int result;
	int64_t units; /* when result is ERP_MONEY_OK */
	int scale;     /* when result is ERP_MONEY_OK or ERP_MONEY_OVERFLOW */
};

static const struct amount_case amount_cases[] = {
	{ "12.50", 0, ERP_MONEY_OK, 1250, 2 },
	{ "12.5", 0, ERP_MONEY_OK, 125, 1 },
	{ "1.000", 0, ERP_MONEY_OK, 1000, 3 }, /* the zeros count: USD refuses them */
	{ "0", 0, ERP_MONEY_OK, 0, 0 },
	{ "1500", 0, ERP_MONEY_OK, 1500, 0 },
	{ "0.0001", 0, ERP_MONEY_OK, 1, 4 },
	{ "-1.5", NEG, ERP_MONEY_OK, -15, 1 },
	{ "-9223372036854775808", NEG, ERP_MONEY_OK, INT64_MIN, 0 },
	{ "9223372036854775807", 0, ERP_MONEY_OK, INT64_MAX, 0 },
	{ "9223372036854775808", 0, ERP_MONEY_OVERFLOW, 0, 0 },
	{ "99999999999999999999.999", 0, ERP_MONEY_OVERFLOW, 0, 3 },
	{ "-1.5", 0, ERP_MONEY_NEGATIVE, 0, 0 },
	{ "", 0, ERP_MONEY_EMPTY, 0, 0 },
	{ "01.5", 0, ERP_MONEY_LEADING_ZERO, 0, 0 },
	{ "1e3", 0, ERP_MONEY_SYNTAX, 0, 0 },
	{ "1.", 0, ERP_MONEY_SYNTAX, 0, 0 },
	{ "123456789012345678901234567890.12", 0, ERP_MONEY_TOO_LONG, 0, 0 },
};

START_TEST(test_amount_parse_table)
{
	const struct amount_case *c = &amount_cases[_i];
	struct erp_amount amount = { 77, 77 };
	int result = erp_amount_parse(c->text, c->flags, &amount);

	ck_assert_msg(result == c->result, "\"%s\": got %d, want %d", c->text, result, c->result);
	if (c->result == ERP_MONEY_OK) {
		ck_assert_msg(amount.units == c->units, "\"%s\": units %lld", c->text,
			      (long long)amount.units);
		ck_assert_int_eq(amount.scale, c->scale);
	} else if (c->result == ERP_MONEY_OVERFLOW) {
		ck_assert_int_eq(amount.scale, c->scale);
	} else {
		ck_assert_msg(amount.units == 77 && amount.scale == 77, "\"%s\": out written", c->text);
	}
}
END_TEST

struct scale_case {
	int parsed;
	struct erp_amount amount;
	int exponent;
	int result;
	int64_t minor;
};

static const struct scale_case scale_cases[] = {
	{ ERP_MONEY_OK, { 1250, 2 }, 2, ERP_MONEY_OK, 1250 },
	{ ERP_MONEY_OK, { 125, 1 }, 2, ERP_MONEY_OK, 1250 },
	{ ERP_MONEY_OK, { 125, 1 }, 3, ERP_MONEY_OK, 12500 },
	{ ERP_MONEY_OK, { 1500, 0 }, 0, ERP_MONEY_OK, 1500 },
	{ ERP_MONEY_OK, { 1000, 3 }, 2, ERP_MONEY_TOO_MANY_DECIMALS, 0 },
	{ ERP_MONEY_OK, { 1000, 3 }, 3, ERP_MONEY_OK, 1000 },
	{ ERP_MONEY_OK, { 15000, 1 }, 0, ERP_MONEY_TOO_MANY_DECIMALS, 0 },
	{ ERP_MONEY_OK, { -15, 1 }, 2, ERP_MONEY_OK, -150 },
	{ ERP_MONEY_OK, { INT64_MIN, 2 }, 2, ERP_MONEY_OK, INT64_MIN },
	{ ERP_MONEY_OK, { INT64_MIN, 2 }, 3, ERP_MONEY_OVERFLOW, 0 },
	{ ERP_MONEY_OK, { INT64_C(92233720368547759), 0 }, 2, ERP_MONEY_OVERFLOW, 0 },
	{ ERP_MONEY_OK, { INT64_C(92233720368547758), 0 }, 2, ERP_MONEY_OK,
	  INT64_C(9223372036854775800) },
	{ ERP_MONEY_OK, { 0, 3 }, 40, ERP_MONEY_OK, 0 },
	{ ERP_MONEY_OK, { 1, 0 }, 19, ERP_MONEY_OVERFLOW, 0 },
	{ ERP_MONEY_OK, { 1, 0 }, -1, ERP_MONEY_SYNTAX, 0 },
	{ ERP_MONEY_OVERFLOW, { 0, 3 }, 2, ERP_MONEY_TOO_MANY_DECIMALS, 0 },
	{ ERP_MONEY_OVERFLOW, { 0, 3 }, 3, ERP_MONEY_OVERFLOW, 0 },
	{ ERP_MONEY_NEGATIVE, { 0, 0 }, 2, ERP_MONEY_NEGATIVE, 0 },
	{ ERP_MONEY_SYNTAX, { 0, 0 }, 2, ERP_MONEY_SYNTAX, 0 },
	{ ERP_MONEY_EMPTY, { 0, 0 }, 2, ERP_MONEY_EMPTY, 0 },
};

START_TEST(test_amount_scales_to_the_currency)
{
	const struct scale_case *c = &scale_cases[_i];
	const int64_t untouched = 0x5a5a5a5a5a5a5a5a;
	int64_t minor = untouched;
	int result = erp_amount_to_minor(c->parsed, c->amount, c->exponent, &minor);

	ck_assert_msg(result == c->result, "case %d: got %d, want %d", _i, result, c->result);
	if (c->result == ERP_MONEY_OK)
		ck_assert_msg(minor == c->minor, "case %d: got %lld", _i, (long long)minor);
	else
		ck_assert_msg(minor == untouched, "case %d: out written on error", _i);
}
END_TEST

/* The two steps answer what erp_money_parse() answers for every text of its table. */
START_TEST(test_amount_two_steps_are_money_parse)
{
	for (size_t i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		const struct parse_case *c = &parse_cases[i];
		struct erp_amount amount = { 0, 0 };
		int64_t direct = 0, stepped = 0;
		int parsed = erp_amount_parse(c->text, c->flags, &amount);
		int result = erp_amount_to_minor(parsed, amount, c->exponent, &stepped);

		if (c->exponent < 0)
			continue; /* erp_money_parse() refuses the exponent before reading the text */
		ck_assert_msg(result == erp_money_parse(c->text, c->exponent, c->flags, &direct),
			      "\"%s\" exp %d: %d", c->text, c->exponent, result);
		ck_assert_msg(direct == stepped, "\"%s\" exp %d: %lld, %lld", c->text, c->exponent,
			      (long long)direct, (long long)stepped);
	}
}
END_TEST

/* --- formatting -------------------------------------------------------------- */

struct format_case {
	int64_t minor;
	int exponent;
	const char *text;
};

static const struct format_case format_cases[] = {
	{ 0, 2, "0.00" },
	{ 5, 2, "0.05" },
	{ -5, 2, "-0.05" },
	{ 50, 2, "0.50" },
	{ 123450, 2, "1234.50" },
	{ -123450, 2, "-1234.50" },
	{ 100, 0, "100" },
	{ 0, 0, "0" },
	{ -7, 0, "-7" },
	{ 1234, 3, "1.234" },
	{ 1, 3, "0.001" },
	{ 12345, 4, "1.2345" },
	{ -1, 4, "-0.0001" },
	{ INT64_MAX, 2, "92233720368547758.07" },
	{ INT64_MIN, 2, "-92233720368547758.08" },
	{ INT64_MIN, 0, "-9223372036854775808" },
	{ INT64_MAX, 0, "9223372036854775807" },
	{ INT64_MIN, 4, "-922337203685477.5808" },
	{ INT64_MIN, 18, "-9.223372036854775808" },
	{ INT64_MIN + 1, 3, "-9223372036854775.807" },
};

START_TEST(test_format_table)
{
	const struct format_case *c = &format_cases[_i];
	char out[ERP_MONEY_TEXT_MAX + 1];
	int len = erp_money_format(c->minor, c->exponent, out, sizeof(out));

	ck_assert_int_eq(len, (int)strlen(c->text));
	ck_assert_str_eq(out, c->text);
}
END_TEST

START_TEST(test_format_round_trips_through_parse)
{
	static const int64_t amounts[] = {
		0, 1, -1, 9, 10, 99, 100, 101, 123456789, -987654321, INT64_MAX, INT64_MIN,
		INT64_MIN + 1, INT64_MAX - 1, 1000000000000000000,
	};

	for (int exponent = 0; exponent <= 4; exponent++) {
		for (size_t i = 0; i < sizeof(amounts) / sizeof(amounts[0]); i++) {
			char out[ERP_MONEY_TEXT_MAX + 1];
			int64_t back = 0;

			ck_assert_int_gt(erp_money_format(amounts[i], exponent, out, sizeof(out)), 0);
			ck_assert_msg(erp_money_parse(out, exponent, ERP_MONEY_ALLOW_NEGATIVE, &back) ==
					      ERP_MONEY_OK,
				      "\"%s\" does not parse back", out);
			ck_assert_msg(back == amounts[i], "\"%s\" exp %d came back as %lld", out,
				      exponent, (long long)back);
		}
	}
}
END_TEST

START_TEST(test_format_refuses_small_buffer)
{
	char out[8];

	memset(out, 'x', sizeof(out));
	ck_assert_int_eq(erp_money_format(123450, 2, out, 7), -1); /* "1234.50" needs 8 */
	ck_assert_int_eq(erp_money_format(123450, 2, out, 8), 7);
	ck_assert_str_eq(out, "1234.50");
	ck_assert_int_eq(erp_money_format(0, 0, out, 1), -1);
	ck_assert_int_eq(erp_money_format(0, 0, out, 0), -1);
	ck_assert_int_eq(erp_money_format(-5, 2, out, 5), -1); /* "-0.05" needs 6 */
	ck_assert_int_eq(erp_money_format(1, -1, out, sizeof(out)), -1);
}
END_TEST

/* --- arithmetic -------------------------------------------------------------- */

START_TEST(test_add_and_sub_detect_overflow_at_both_ends)
{
	int64_t out = 42;

	ck_assert(erp_money_add(INT64_MAX - 1, 1, &out) && out == INT64_MAX);
	out = 42;
	ck_assert(!erp_money_add(INT64_MAX, 1, &out));
	ck_assert(out == 42);
	ck_assert(!erp_money_add(INT64_MIN, -1, &out));
	ck_assert(erp_money_add(INT64_MIN, INT64_MAX, &out) && out == -1);
	ck_assert(erp_money_sub(INT64_MIN + 1, 1, &out) && out == INT64_MIN);
	out = 42;
	ck_assert(!erp_money_sub(INT64_MIN, 1, &out));
	ck_assert(!erp_money_sub(0, INT64_MIN, &out));
	ck_assert(!erp_money_sub(INT64_MAX, -1, &out));
	ck_assert(out == 42);
	ck_assert(erp_money_sub(-1, INT64_MAX, &out) && out == INT64_MIN);
}
END_TEST

START_TEST(test_mul_detects_overflow)
{
	int64_t out = 42;

	ck_assert(erp_money_mul(123450, 3, &out) && out == 370350);
	ck_assert(erp_money_mul(-5, 7, &out) && out == -35);
	out = 42;
	ck_assert(!erp_money_mul(INT64_MAX, 2, &out));
	ck_assert(!erp_money_mul(INT64_MIN, -1, &out));
	ck_assert(!erp_money_mul(INT64_C(4611686018427387904), 2, &out)); /* 2^62 * 2 */
	ck_assert(out == 42);
	ck_assert(erp_money_mul(INT64_C(-4611686018427387904), 2, &out) && out == INT64_MIN);
	ck_assert(erp_money_mul(INT64_MIN, 1, &out) && out == INT64_MIN);
	ck_assert(erp_money_mul(INT64_MIN, 0, &out) && out == 0);
}
END_TEST

START_TEST(test_neg_refuses_int64_min)
{
	int64_t out = 42;

	ck_assert(erp_money_neg(5, &out) && out == -5);
	ck_assert(erp_money_neg(0, &out) && out == 0);
	ck_assert(erp_money_neg(INT64_MAX, &out) && out == INT64_MIN + 1);
	out = 42;
	ck_assert(!erp_money_neg(INT64_MIN, &out));
	ck_assert(out == 42);
}
END_TEST

Suite *test_suite(void)
{
	Suite *suite = suite_create("money");
	TCase *currencies = tcase_create("currencies");
	TCase *parsing = tcase_create("parse");
	TCase *formatting = tcase_create("format");
	TCase *arithmetic = tcase_create("arithmetic");

	tcase_add_test(currencies, test_currency_find_known_codes_with_their_exponents);
	tcase_add_test(currencies, test_currency_find_table_ends);
	tcase_add_test(currencies, test_currency_find_same_pointer_each_time);
	tcase_add_test(currencies, test_currency_find_refuses_unknown_and_malformed);
	suite_add_tcase(suite, currencies);

	tcase_add_loop_test(parsing, test_parse_table, 0,
			    (int)(sizeof(parse_cases) / sizeof(parse_cases[0])));
	tcase_add_test(parsing, test_parse_null_is_empty);
	tcase_add_test(parsing, test_parse_too_long_reads_no_further_than_needed);
	tcase_add_test(parsing, test_parse_message_for_every_result);
	tcase_add_loop_test(parsing, test_amount_parse_table, 0,
			    (int)(sizeof(amount_cases) / sizeof(amount_cases[0])));
	tcase_add_loop_test(parsing, test_amount_scales_to_the_currency, 0,
			    (int)(sizeof(scale_cases) / sizeof(scale_cases[0])));
	tcase_add_test(parsing, test_amount_two_steps_are_money_parse);
	suite_add_tcase(suite, parsing);

	tcase_add_loop_test(formatting, test_format_table, 0,
			    (int)(sizeof(format_cases) / sizeof(format_cases[0])));
	tcase_add_test(formatting, test_format_round_trips_through_parse);
	tcase_add_test(formatting, test_format_refuses_small_buffer);
	suite_add_tcase(suite, formatting);

	tcase_add_test(arithmetic, test_add_and_sub_detect_overflow_at_both_ends);
	tcase_add_test(arithmetic, test_mul_detects_overflow);
	tcase_add_test(arithmetic, test_neg_refuses_int64_min);
	suite_add_tcase(suite, arithmetic);
	return suite;
}
