/*
 * The arithmetic of a sales document, exact and in integers: quantities,
 * rates and discounts as units of 10^-4, money in minor units, products in
 * 128 bits with every step checked. Rounding happens in exactly two places,
 * both half away from zero to the currency's minor unit: a line's net
 * (sales_line_net()) and a tax code's tax over the whole document
 * (sales_tax_amount()). Everything else is a sum of those, checked.
 * No database, no allocation: unit-tested in
 * server/test/unit/modules/sales/amounts_test.c.
 */
#include <stdint.h>

#include "modules/sales/usecases.h"
#include "shared-kernel/errors.h"
#include "shared-kernel/money.h"

typedef __int128 wide;

/* 10^6: a percent held as units of 10^-4, as a fraction (20% is 200000 / 10^6). */
#define PERCENT_E4_WHOLE ((int64_t)100 * SALES_E4)

int sales_decimal_e4(const char *text, int64_t max_e4, int64_t *out_e4)
{
	struct erp_amount amount;
	int64_t factor = 1;
	wide value;
	int parsed = erp_amount_parse(text, 0, &amount);

	if (parsed == ERP_MONEY_OVERFLOW)
		return amount.scale > 4 ? SALES_DECIMAL_TOO_MANY_DECIMALS : SALES_DECIMAL_OUT_OF_RANGE;
	if (parsed == ERP_MONEY_NEGATIVE)
		return SALES_DECIMAL_OUT_OF_RANGE;
	if (parsed != ERP_MONEY_OK)
		return SALES_DECIMAL_SYNTAX;
	if (amount.scale > 4)
		return SALES_DECIMAL_TOO_MANY_DECIMALS;
	for (int i = amount.scale; i < 4; i++)
		factor *= 10;
	value = (wide)amount.units * factor;
	if (value > max_e4)
		return SALES_DECIMAL_OUT_OF_RANGE;
	*out_e4 = (int64_t)value;
	return SALES_DECIMAL_OK;
}

/*
 * numerator / denominator (denominator > 0) rounded half away from zero:
 * 0.5 -> 1, -0.5 -> -1, 0.49 -> 0.
 */
static wide divide_rounded(wide numerator, wide denominator)
{
	wide quotient = numerator / denominator;
	wide remainder = numerator % denominator;
	wide magnitude = remainder < 0 ? -remainder : remainder;

	if (magnitude * 2 >= denominator)
		quotient += numerator < 0 ? -1 : 1;
	return quotient;
}

/* value as int64, or false when it does not fit. */
static bool narrow(wide value, int64_t *out)
{
	if (value > INT64_MAX || value < INT64_MIN)
		return false;
	*out = (int64_t)value;
	return true;
}

int sales_line_net(int64_t quantity_e4, int64_t unit_price_minor, int64_t discount_e4,
		   int64_t *net_minor)
{
	wide gross, product;

	if (discount_e4 < 0 || discount_e4 > PERCENT_E4_WHOLE)
		return ERP_ERR_OVERFLOW;
	/*
	 * quantity × price × (1 − discount/100), in units of 10^-4 × 10^-6 of the
	 * minor unit: two int64 factors fit 128 bits only together with a check,
	 * and the third (at most 10^6) may still overflow them.
	 */
	if (__builtin_mul_overflow((wide)quantity_e4, (wide)unit_price_minor, &gross) ||
	    __builtin_mul_overflow(gross, (wide)(PERCENT_E4_WHOLE - discount_e4), &product))
		return ERP_ERR_OVERFLOW;
	/* The one rounding of a line. */
	return narrow(divide_rounded(product, (wide)SALES_E4 * PERCENT_E4_WHOLE), net_minor)
		       ? ERP_OK : ERP_ERR_OVERFLOW;
}

int sales_tax_amount(int64_t base_minor, int64_t rate_e4, int64_t *tax_minor)
{
	wide product;

	if (rate_e4 < 0 || rate_e4 > PERCENT_E4_WHOLE)
		return ERP_ERR_OVERFLOW;
	product = (wide)base_minor * rate_e4; /* at most 2^63 × 10^6: fits */
	/* The one rounding of a tax code's tax on the document. */
	return narrow(divide_rounded(product, PERCENT_E4_WHOLE), tax_minor) ? ERP_OK
									    : ERP_ERR_OVERFLOW;
}

int sales_document_compute(struct sales_line_amounts *lines, size_t line_count,
			   struct sales_tax_amounts *taxes, size_t tax_count,
			   struct sales_document_totals *totals, size_t *failed_line)
{
	struct sales_document_totals sum = { 0 };

	*failed_line = SIZE_MAX;
	for (size_t t = 0; t < tax_count; t++)
		taxes[t].base_minor = taxes[t].tax_minor = 0;
	for (size_t i = 0; i < line_count; i++) {
		struct sales_line_amounts *line = &lines[i];

		if (line->tax_group >= tax_count ||
		    sales_line_net(line->quantity_e4, line->unit_price_minor, line->discount_e4,
				   &line->net_minor)) {
			*failed_line = i;
			return ERP_ERR_OVERFLOW;
		}
		if (!erp_money_add(sum.net_minor, line->net_minor, &sum.net_minor) ||
		    !erp_money_add(taxes[line->tax_group].base_minor, line->net_minor,
				   &taxes[line->tax_group].base_minor))
			return ERP_ERR_OVERFLOW;
	}
	for (size_t t = 0; t < tax_count; t++)
		if (sales_tax_amount(taxes[t].base_minor, taxes[t].rate_e4, &taxes[t].tax_minor) ||
		    !erp_money_add(sum.tax_minor, taxes[t].tax_minor, &sum.tax_minor))
			return ERP_ERR_OVERFLOW;
	if (!erp_money_add(sum.net_minor, sum.tax_minor, &sum.total_minor))
		return ERP_ERR_OVERFLOW;
	*totals = sum;
	return ERP_OK;
}

int sales_credit_check(bool has_limit, int64_t limit_minor, int64_t open_minor,
		       int64_t total_minor, int64_t *after_minor)
{
	if (!erp_money_add(open_minor, total_minor, after_minor))
		return ERP_ERR_OVERFLOW;
	return has_limit && *after_minor > limit_minor ? SALES_CREDIT_OVER : SALES_CREDIT_WITHIN;
}
