#ifndef ERP_KERNEL_MONEY_H
#define ERP_KERNEL_MONEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Money is an amount in integer minor units (int64) plus an ISO 4217
 * currency; never floating point. The currency's exponent says how many
 * decimals the text form has: USD 2 ("1234.50" <-> 123450), KWD 3, JPY 0.
 */
struct erp_currency {
	char code[4];    /* "USD" */
	int exponent;    /* decimals of the minor unit: 0, 2 or 3 (4 for CLF and UYW) */
};

struct erp_money {
	int64_t amount_minor;
	const struct erp_currency *currency;
};

/*
 * The currency with this upper-case ISO 4217 code, or NULL when unknown (or
 * not three upper-case letters: "usd" is refused, not folded). The result
 * points into a static table and lives for the whole program.
 */
const struct erp_currency *erp_currency_find(const char *code);

enum erp_money_parse_result {
	ERP_MONEY_OK = 0,
	ERP_MONEY_EMPTY = -1,             /* "" */
	ERP_MONEY_SYNTAX = -2,            /* not digits[.digits], e.g. "1e3", " 1", "1.", ".5", "+1" */
	ERP_MONEY_TOO_MANY_DECIMALS = -3, /* "1.005" for a 2-decimal currency */
	ERP_MONEY_OVERFLOW = -4,          /* does not fit int64 minor units */
	ERP_MONEY_NEGATIVE = -5,          /* "-1.00" without ERP_MONEY_ALLOW_NEGATIVE */
	ERP_MONEY_LEADING_ZERO = -6,      /* "01.00": only a single 0 may precede the point */
	ERP_MONEY_TOO_LONG = -7,          /* longer than ERP_MONEY_TEXT_MAX */
};

enum { ERP_MONEY_ALLOW_NEGATIVE = 1 };

/* Longest accepted text, sign and point included. */
#define ERP_MONEY_TEXT_MAX 32

/*
 * Parses an exact decimal string into minor units for a currency with the
 * given exponent. Fewer decimals than the exponent are allowed ("12.5" is
 * 1250 for USD); more are refused, never rounded, even when they are zeros
 * ("1.000" for USD). flags: ERP_MONEY_ALLOW_NEGATIVE, with which "-0" is 0.
 * A NULL text counts as empty; a negative exponent as ERP_MONEY_SYNTAX.
 * Returns ERP_MONEY_OK and sets *out_minor, or a negative result (out untouched).
 */
int erp_money_parse(const char *text, int exponent, int flags, int64_t *out_minor);

/*
 * An exact decimal as written, before its currency is known: units *
 * 10^-scale. "12.50" is {1250, 2}, "12.5" {125, 1}, "1.000" {1000, 3}: the
 * scale counts every decimal given, zeros too, since a currency refuses
 * more decimals than it has even when they are zeros (never rounded). An
 * HTTP edge parses text into it; the use case scales it to the account's
 * currency once it knows the account (erp_amount_to_minor()).
 */
struct erp_amount {
	int64_t units;
	int scale;
};

/*
 * Parses exact decimal text by erp_money_parse()'s rules, without a
 * currency: ERP_MONEY_OK and *out, or EMPTY, TOO_LONG, SYNTAX, LEADING_ZERO,
 * NEGATIVE (without ERP_MONEY_ALLOW_NEGATIVE) or OVERFLOW (the digits do not
 * fit int64: out->scale is set all the same, and units 0, so that a currency
 * with fewer decimals refuses the decimals first). Out is untouched on the
 * other results.
 */
int erp_amount_parse(const char *text, int flags, struct erp_amount *out);

/*
 * The minor units of a currency with exponent decimals for an amount
 * erp_amount_parse() answered parsed for. ERP_MONEY_OK and *out_minor;
 * parsed itself when it is neither OK nor OVERFLOW; SYNTAX for a negative
 * exponent; TOO_MANY_DECIMALS when the scale is above the exponent (before
 * OVERFLOW: "1.005" is refused for USD however many digits it has); OVERFLOW
 * when it does not fit int64 minor units. *out_minor is untouched unless OK.
 * erp_money_parse(text, exponent, flags) is exactly these two steps.
 */
int erp_amount_to_minor(int parsed, struct erp_amount amount, int exponent, int64_t *out_minor);

/* A short English sentence for a parse result, for problem details. */
const char *erp_money_parse_message(int result);

/*
 * Formats minor units with exactly `exponent` decimals ("-0.05", "1234.50",
 * "100" for exponent 0; INT64_MIN too). Returns the length, or -1 when out is
 * too small or the exponent negative (ERP_MONEY_TEXT_MAX + 1 bytes always
 * suffice for exponents up to 18, so for every currency).
 */
int erp_money_format(int64_t amount_minor, int exponent, char *out, size_t out_size);

/* Overflow-checked arithmetic: false (and *out untouched) on overflow. */
bool erp_money_add(int64_t a, int64_t b, int64_t *out);
bool erp_money_sub(int64_t a, int64_t b, int64_t *out);
bool erp_money_mul(int64_t a, int64_t factor, int64_t *out);
bool erp_money_neg(int64_t a, int64_t *out);

#endif
