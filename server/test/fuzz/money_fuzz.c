/*
 * Fuzz target: money as text (shared-kernel/money.h). Input: a sign byte
 * ('-' allows negative amounts, anything else does not), an exponent byte
 * (signed: '0'..'9' are 0..9, ':' is 10, 'B' is 18, '/' is -1), then the
 * amount up to a NUL: "-212.34" parses "12.34" with negatives allowed and
 * two decimals.
 *
 * erp_money_parse() must give exactly the result of a reference written
 * from money.h's contract with 128-bit arithmetic, leave *out untouched on
 * failure, and have a message for every result. An accepted amount must
 * format with exactly `exponent` decimals, parse back to itself, and refuse
 * a buffer one byte short. The overflow-checked arithmetic is compared with
 * 128-bit results on the amount and the int64 edges, and erp_currency_find()
 * must only ever return the code it was asked for.
 */
#include <limits.h>
#include <stdbool.h>
#include <string.h>

#include "shared-kernel/money.h"
#include "test/fuzz/fuzz.h"

/* Longer than any amount the formatter writes for an exponent up to 127. */
enum { FORMAT_BUFFER = 192 };

static const int64_t UNTOUCHED = 0x5A5A5A5A5A5A5A5ALL;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* money.h's contract, result by result, in the order its enum lists the causes. */
static int reference_parse(const char *text, int exponent, int flags, int64_t *out)
{
	size_t length = strlen(text), i = 0, integer_start, integer_length, fraction_length = 0;
	bool negative = false;
	unsigned __int128 value = 0, limit;

	if (length == 0)
		return ERP_MONEY_EMPTY;
	if (length > ERP_MONEY_TEXT_MAX)
		return ERP_MONEY_TOO_LONG;
	if (exponent < 0)
		return ERP_MONEY_SYNTAX;
	if (text[0] == '-') {
		negative = true;
		i = 1;
	}
	integer_start = i;
	while (i < length && is_digit(text[i]))
		i++;
	integer_length = i - integer_start;
	if (integer_length == 0)
		return ERP_MONEY_SYNTAX;
	if (i < length && text[i] == '.') {
		size_t fraction_start = ++i;

		while (i < length && is_digit(text[i]))
			i++;
		fraction_length = i - fraction_start;
		if (fraction_length == 0)
			return ERP_MONEY_SYNTAX;
	}
	if (i != length)
		return ERP_MONEY_SYNTAX;
	if (integer_length > 1 && text[integer_start] == '0')
		return ERP_MONEY_LEADING_ZERO;
	if (negative && !(flags & ERP_MONEY_ALLOW_NEGATIVE))
		return ERP_MONEY_NEGATIVE;
	if (fraction_length > (size_t)exponent)
		return ERP_MONEY_TOO_MANY_DECIMALS;

	/* At most 32 digits: below 10^32 < 2^107, exact in 128 bits. */
	for (size_t j = integer_start; j < length; j++)
		if (is_digit(text[j]))
			value = value * 10 + (unsigned)(text[j] - '0');
	limit = negative ? (unsigned __int128)INT64_MAX + 1 : (unsigned __int128)INT64_MAX;
	for (size_t scale = fraction_length; scale < (size_t)exponent && value && value <= limit;
	     scale++)
		value *= 10;
	if (value > limit)
		return ERP_MONEY_OVERFLOW;
	*out = negative ? (int64_t)(-(__int128)value) : (int64_t)value;
	return ERP_MONEY_OK;
}

static void check_format(int64_t amount, int exponent)
{
	char text[FORMAT_BUFFER];
	int64_t back = UNTOUCHED;
	char *tight;
	int length;

	length = erp_money_format(amount, exponent, text, sizeof(text));
	FUZZ_CHECK(length > 0 && (size_t)length == strlen(text));
	if (exponent > 0)
		FUZZ_CHECK(text[length - exponent - 1] == '.');
	else
		FUZZ_CHECK(strchr(text, '.') == NULL);
	FUZZ_CHECK((amount < 0) == (text[0] == '-'));

	/* Exactly the length is one byte short of the NUL: refused, and in bounds. */
	tight = malloc((size_t)length);
	FUZZ_CHECK(tight != NULL);
	FUZZ_CHECK(erp_money_format(amount, exponent, tight, (size_t)length) == -1);
	free(tight);

	if (length <= ERP_MONEY_TEXT_MAX) {
		FUZZ_CHECK(erp_money_parse(text, exponent, ERP_MONEY_ALLOW_NEGATIVE, &back) ==
			   ERP_MONEY_OK);
		FUZZ_CHECK(back == amount);
	}
}

static void check_arithmetic(int64_t a)
{
	const int64_t edges[] = { 0, 1, -1, 100, INT64_MAX, INT64_MIN, a, a / 2 };

	for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++) {
		int64_t b = edges[i], out = UNTOUCHED;
		__int128 sum = (__int128)a + b, difference = (__int128)a - b, product = (__int128)a * b;
		bool fits;

		fits = sum >= INT64_MIN && sum <= INT64_MAX;
		FUZZ_CHECK(erp_money_add(a, b, &out) == fits);
		FUZZ_CHECK(fits ? out == (int64_t)sum : out == UNTOUCHED);
		out = UNTOUCHED;
		fits = difference >= INT64_MIN && difference <= INT64_MAX;
		FUZZ_CHECK(erp_money_sub(a, b, &out) == fits);
		FUZZ_CHECK(fits ? out == (int64_t)difference : out == UNTOUCHED);
		out = UNTOUCHED;
		fits = product >= INT64_MIN && product <= INT64_MAX;
		FUZZ_CHECK(erp_money_mul(a, b, &out) == fits);
		FUZZ_CHECK(fits ? out == (int64_t)product : out == UNTOUCHED);
	}
	{
		int64_t out = UNTOUCHED;

		FUZZ_CHECK(erp_money_neg(a, &out) == (a != INT64_MIN));
		FUZZ_CHECK(a == INT64_MIN ? out == UNTOUCHED : out == -a);
	}
}

static void check_currency(const char *text)
{
	const struct erp_currency *currency = erp_currency_find(text);

	if (!currency)
		return;
	FUZZ_CHECK(strcmp(currency->code, text) == 0);
	FUZZ_CHECK(currency->exponent == 0 || currency->exponent == 2 ||
		   currency->exponent == 3 || currency->exponent == 4);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int flags, exponent, result, expected;
	int64_t amount = UNTOUCHED, reference = UNTOUCHED;
	const char *message;
	size_t length;
	char *text;

	if (size < 2)
		return 0;
	flags = data[0] == '-' ? ERP_MONEY_ALLOW_NEGATIVE : 0;
	exponent = (int8_t)(data[1] - '0');
	length = strnlen((const char *)data + 2, size - 2);
	text = malloc(length + 1);
	FUZZ_CHECK(text != NULL);
	memcpy(text, data + 2, length);
	text[length] = '\0';

	result = erp_money_parse(text, exponent, flags, &amount);
	expected = reference_parse(text, exponent, flags, &reference);
	FUZZ_CHECK(result == expected);
	FUZZ_CHECK(amount == reference);
	message = erp_money_parse_message(result);
	FUZZ_CHECK(message != NULL && message[0] != '\0');
	if (result == ERP_MONEY_OK) {
		check_format(amount, exponent);
		check_arithmetic(amount);
	}
	check_currency(text);
	free(text);
	return 0;
}
