#include "shared-kernel/money.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

/*
 * ISO 4217 list one as published on 2026-01-01: every active currency with a
 * minor unit. Left out: funds and units without one (XAU, XDR, XTS, XXX, ...)
 * and withdrawn codes (ANG became XCG; BGN, HRK became EUR; SLL, ZWL, CUC).
 * Sorted by code with strcmp order, for bsearch: keep it that way.
 */
static const struct erp_currency currencies[] = {
	{ "AED", 2 }, { "AFN", 2 }, { "ALL", 2 }, { "AMD", 2 },
	{ "AOA", 2 }, { "ARS", 2 }, { "AUD", 2 }, { "AWG", 2 },
	{ "AZN", 2 }, { "BAM", 2 }, { "BBD", 2 }, { "BDT", 2 },
	{ "BHD", 3 }, { "BIF", 0 }, { "BMD", 2 }, { "BND", 2 },
	{ "BOB", 2 }, { "BOV", 2 }, { "BRL", 2 }, { "BSD", 2 },
	{ "BTN", 2 }, { "BWP", 2 }, { "BYN", 2 }, { "BZD", 2 },
	{ "CAD", 2 }, { "CDF", 2 }, { "CHE", 2 }, { "CHF", 2 },
	{ "CHW", 2 }, { "CLF", 4 }, { "CLP", 0 }, { "CNY", 2 },
	{ "COP", 2 }, { "COU", 2 }, { "CRC", 2 }, { "CUP", 2 },
	{ "CVE", 2 }, { "CZK", 2 }, { "DJF", 0 }, { "DKK", 2 },
	{ "DOP", 2 }, { "DZD", 2 }, { "EGP", 2 }, { "ERN", 2 },
	{ "ETB", 2 }, { "EUR", 2 }, { "FJD", 2 }, { "FKP", 2 },
	{ "GBP", 2 }, { "GEL", 2 }, { "GHS", 2 }, { "GIP", 2 },
	{ "GMD", 2 }, { "GNF", 0 }, { "GTQ", 2 }, { "GYD", 2 },
	{ "HKD", 2 }, { "HNL", 2 }, { "HTG", 2 }, { "HUF", 2 },
	{ "IDR", 2 }, { "ILS", 2 }, { "INR", 2 }, { "IQD", 3 },
	{ "IRR", 2 }, { "ISK", 0 }, { "JMD", 2 }, { "JOD", 3 },
	{ "JPY", 0 }, { "KES", 2 }, { "KGS", 2 }, { "KHR", 2 },
	{ "KMF", 0 }, { "KPW", 2 }, { "KRW", 0 }, { "KWD", 3 },
	{ "KYD", 2 }, { "KZT", 2 }, { "LAK", 2 }, { "LBP", 2 },
	{ "LKR", 2 }, { "LRD", 2 }, { "LSL", 2 }, { "LYD", 3 },
	{ "MAD", 2 }, { "MDL", 2 }, { "MGA", 2 }, { "MKD", 2 },
	{ "MMK", 2 }, { "MNT", 2 }, { "MOP", 2 }, { "MRU", 2 },
	{ "MUR", 2 }, { "MVR", 2 }, { "MWK", 2 }, { "MXN", 2 },
	{ "MXV", 2 }, { "MYR", 2 }, { "MZN", 2 }, { "NAD", 2 },
	{ "NGN", 2 }, { "NIO", 2 }, { "NOK", 2 }, { "NPR", 2 },
	{ "NZD", 2 }, { "OMR", 3 }, { "PAB", 2 }, { "PEN", 2 },
	{ "PGK", 2 }, { "PHP", 2 }, { "PKR", 2 }, { "PLN", 2 },
	{ "PYG", 0 }, { "QAR", 2 }, { "RON", 2 }, { "RSD", 2 },
	{ "RUB", 2 }, { "RWF", 0 }, { "SAR", 2 }, { "SBD", 2 },
	{ "SCR", 2 }, { "SDG", 2 }, { "SEK", 2 }, { "SGD", 2 },
	{ "SHP", 2 }, { "SLE", 2 }, { "SOS", 2 }, { "SRD", 2 },
	{ "SSP", 2 }, { "STN", 2 }, { "SVC", 2 }, { "SYP", 2 },
	{ "SZL", 2 }, { "THB", 2 }, { "TJS", 2 }, { "TMT", 2 },
	{ "TND", 3 }, { "TOP", 2 }, { "TRY", 2 }, { "TTD", 2 },
	{ "TWD", 2 }, { "TZS", 2 }, { "UAH", 2 }, { "UGX", 0 },
	{ "USD", 2 }, { "USN", 2 }, { "UYI", 0 }, { "UYU", 2 },
	{ "UYW", 4 }, { "UZS", 2 }, { "VED", 2 }, { "VES", 2 },
	{ "VND", 0 }, { "VUV", 0 }, { "WST", 2 }, { "XAD", 2 },
	{ "XAF", 0 }, { "XCD", 2 }, { "XCG", 2 }, { "XOF", 0 },
	{ "XPF", 0 }, { "YER", 2 }, { "ZAR", 2 }, { "ZMW", 2 },
	{ "ZWG", 2 },
};

enum { CURRENCY_COUNT = sizeof(currencies) / sizeof(currencies[0]) };

static bool is_upper_ascii(char c)
{
	return c >= 'A' && c <= 'Z';
}

/* Exactly three upper-case letters: "usd" is refused, not folded. */
static bool has_currency_code_shape(const char *code)
{
	return code && is_upper_ascii(code[0]) && is_upper_ascii(code[1]) &&
	       is_upper_ascii(code[2]) && code[3] == '\0';
}

static int compare_code_with_currency(const void *code, const void *element)
{
	const struct erp_currency *currency = element;

	return strcmp(code, currency->code);
}

const struct erp_currency *erp_currency_find(const char *code)
{
	if (!has_currency_code_shape(code))
		return NULL;
	return bsearch(code, currencies, CURRENCY_COUNT, sizeof(currencies[0]),
		       compare_code_with_currency);
}

/* --- parsing ------------------------------------------------------------- */

/* A decimal text split into its parts; the digits point into the text. */
struct decimal_parts {
	bool negative;
	const char *integer_digits;
	size_t integer_len;
	const char *fraction_digits;
	size_t fraction_len;
};

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static size_t count_digits(const char *text)
{
	size_t n = 0;

	while (is_digit(text[n]))
		n++;
	return n;
}

/*
 * Matches -?[0-9]+(\.[0-9]+)? exactly; leading zeros and the sign are judged
 * by the caller, so that each gets its own result.
 */
static int split_decimal(const char *text, struct decimal_parts *parts)
{
	const char *p = text;

	parts->negative = *p == '-';
	if (parts->negative)
		p++;
	parts->integer_digits = p;
	parts->integer_len = count_digits(p);
	if (parts->integer_len == 0)
		return ERP_MONEY_SYNTAX;
	p += parts->integer_len;
	parts->fraction_digits = p;
	parts->fraction_len = 0;
	if (*p == '.') {
		p++;
		parts->fraction_digits = p;
		parts->fraction_len = count_digits(p);
		if (parts->fraction_len == 0)
			return ERP_MONEY_SYNTAX;
		p += parts->fraction_len;
	}
	return *p == '\0' ? ERP_MONEY_OK : ERP_MONEY_SYNTAX;
}

static bool append_digits(uint64_t *magnitude, const char *digits, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (__builtin_mul_overflow(*magnitude, 10u, magnitude) ||
		    __builtin_add_overflow(*magnitude, (unsigned)(digits[i] - '0'), magnitude))
			return false;
	}
	return true;
}

/*
 * The digits as one integer, the point dropped ("12.50" -> 1250). The
 * magnitude is built unsigned because the negative range is one larger:
 * INT64_MIN has no positive counterpart.
 */
static int to_units(const struct decimal_parts *parts, int64_t *units)
{
	const uint64_t limit = parts->negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	uint64_t magnitude = 0;

	if (!append_digits(&magnitude, parts->integer_digits, parts->integer_len) ||
	    !append_digits(&magnitude, parts->fraction_digits, parts->fraction_len) ||
	    magnitude > limit)
		return ERP_MONEY_OVERFLOW;
	if (!parts->negative)
		*units = (int64_t)magnitude;
	else if (magnitude == limit)
		*units = INT64_MIN;
	else
		*units = -(int64_t)magnitude;
	return ERP_MONEY_OK;
}

int erp_amount_parse(const char *text, int flags, struct erp_amount *out)
{
	struct decimal_parts parts;
	int64_t units = 0;
	int result;

	if (!text || text[0] == '\0')
		return ERP_MONEY_EMPTY;
	if (strnlen(text, ERP_MONEY_TEXT_MAX + 1) > ERP_MONEY_TEXT_MAX)
		return ERP_MONEY_TOO_LONG;
	result = split_decimal(text, &parts);
	if (result != ERP_MONEY_OK)
		return result;
	if (parts.integer_len > 1 && parts.integer_digits[0] == '0')
		return ERP_MONEY_LEADING_ZERO;
	if (parts.negative && !(flags & ERP_MONEY_ALLOW_NEGATIVE))
		return ERP_MONEY_NEGATIVE;
	/* At most ERP_MONEY_TEXT_MAX digits: the scale fits an int. */
	result = to_units(&parts, &units);
	*out = (struct erp_amount){ .units = units, .scale = (int)parts.fraction_len };
	return result;
}

int erp_amount_to_minor(int parsed, struct erp_amount amount, int exponent, int64_t *out_minor)
{
	int64_t minor = amount.units;

	if (parsed != ERP_MONEY_OK && parsed != ERP_MONEY_OVERFLOW)
		return parsed;
	if (exponent < 0)
		return ERP_MONEY_SYNTAX;
	/* Decimals first: "1.005" is refused for USD, never rounded, however large it is. */
	if (amount.scale > exponent)
		return ERP_MONEY_TOO_MANY_DECIMALS;
	if (parsed == ERP_MONEY_OVERFLOW)
		return ERP_MONEY_OVERFLOW;
	/* "12.5" for USD is 125 tenths, 1250 cents; zero stays zero however large the exponent. */
	for (int scale = amount.scale; scale < exponent && minor; scale++) {
		if (__builtin_mul_overflow(minor, 10, &minor))
			return ERP_MONEY_OVERFLOW;
	}
	*out_minor = minor;
	return ERP_MONEY_OK;
}

int erp_money_parse(const char *text, int exponent, int flags, int64_t *out_minor)
{
	struct erp_amount amount = { 0, 0 };
	int parsed;

	if (!text || text[0] == '\0')
		return ERP_MONEY_EMPTY;
	if (strnlen(text, ERP_MONEY_TEXT_MAX + 1) > ERP_MONEY_TEXT_MAX)
		return ERP_MONEY_TOO_LONG;
	if (exponent < 0)
		return ERP_MONEY_SYNTAX;
	parsed = erp_amount_parse(text, flags, &amount);
	return erp_amount_to_minor(parsed, amount, exponent, out_minor);
}

#define STRINGIFY(x) #x
#define EXPANDED_STRING(x) STRINGIFY(x)

const char *erp_money_parse_message(int result)
{
	switch ((enum erp_money_parse_result)result) {
	case ERP_MONEY_OK:
		return "The amount is valid.";
	case ERP_MONEY_EMPTY:
		return "The amount is empty.";
	case ERP_MONEY_SYNTAX:
		return "The amount must be a plain decimal number such as 1234.50: digits, "
		       "optionally a point and more digits, with no plus sign, spaces, "
		       "exponent or thousands separators.";
	case ERP_MONEY_TOO_MANY_DECIMALS:
		return "The amount has more decimals than the currency has; "
		       "amounts are never rounded, so send it with fewer decimals.";
	case ERP_MONEY_OVERFLOW:
		return "The amount is too large to be stored.";
	case ERP_MONEY_NEGATIVE:
		return "The amount must not be negative.";
	case ERP_MONEY_LEADING_ZERO:
		return "The amount must not start with extra zeros: write 1.50, not 01.50.";
	case ERP_MONEY_TOO_LONG:
		return "The amount is longer than " EXPANDED_STRING(ERP_MONEY_TEXT_MAX) " characters.";
	}
	return "The amount is not valid.";
}

/* --- formatting and arithmetic ------------------------------------------- */

int erp_money_format(int64_t amount_minor, int exponent, char *out, size_t out_size)
{
	const bool negative = amount_minor < 0;
	/* Unsigned negation, so INT64_MIN has a magnitude too. */
	uint64_t magnitude = negative ? 0 - (uint64_t)amount_minor : (uint64_t)amount_minor;
	char digits[20]; /* UINT64_MAX has 20 digits; least significant first */
	size_t digit_count = 0, width, len;
	char *p;

	if (exponent < 0 || !out)
		return -1;
	do {
		digits[digit_count++] = (char)('0' + magnitude % 10);
		magnitude /= 10;
	} while (magnitude);
	/* Zeros fill up to one digit before the point: 5 cents is "0.05". */
	width = digit_count > (size_t)exponent ? digit_count : (size_t)exponent + 1;
	len = negative + width + (exponent > 0);
	if (len >= out_size || len > INT_MAX)
		return -1;
	p = out + len;
	*p = '\0';
	for (size_t i = 0; i < width; i++) {
		if (exponent > 0 && i == (size_t)exponent)
			*--p = '.';
		*--p = i < digit_count ? digits[i] : '0';
	}
	if (negative)
		*--p = '-';
	return (int)len;
}

bool erp_money_add(int64_t a, int64_t b, int64_t *out)
{
	int64_t sum;

	if (__builtin_add_overflow(a, b, &sum))
		return false;
	*out = sum;
	return true;
}

bool erp_money_sub(int64_t a, int64_t b, int64_t *out)
{
	int64_t difference;

	if (__builtin_sub_overflow(a, b, &difference))
		return false;
	*out = difference;
	return true;
}

bool erp_money_mul(int64_t a, int64_t factor, int64_t *out)
{
	int64_t product;

	if (__builtin_mul_overflow(a, factor, &product))
		return false;
	*out = product;
	return true;
}

bool erp_money_neg(int64_t a, int64_t *out)
{
	return erp_money_sub(0, a, out);
}
