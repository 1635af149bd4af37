/*
 * The arithmetic of taking an invoice back, without a database: a line's
 * net and a tax code's tax on a credit note, such that the credit notes of
 * an invoice, however many and in whatever parts, never come to more than
 * the invoice (each part priced as the line was; the last part of a line
 * or of a tax code is what is left of it, to the cent). Unit-tested in
 * server/test/unit/modules/sales/credit_test.c.
 */
#include <stdio.h>

#include "modules/sales/internal.h"

int sales_credit_line_net(const struct sales_credit_line *line, int64_t quantity_e4,
			  int64_t *net_minor)
{
	int64_t quantity_left = line->quantity_e4 - line->credited_quantity_e4;
	int64_t net_left = line->net_minor - line->credited_net_minor;
	int64_t net;
	int rc;

	if (quantity_e4 <= 0 || quantity_e4 > quantity_left || net_left < 0)
		return SALES_CREDIT_TOO_MUCH;
	if (quantity_e4 == quantity_left) {
		*net_minor = net_left;
		return ERP_OK;
	}
	rc = sales_line_net(quantity_e4, line->unit_price_minor, line->discount_e4, &net);
	if (rc)
		return rc;
	*net_minor = net < net_left ? net : net_left;
	return ERP_OK;
}

int sales_credit_tax(int64_t base_minor, int64_t rate_e4, int64_t base_left_minor,
		     int64_t tax_left_minor, int64_t *tax_minor)
{
	int64_t tax;
	int rc;

	if (base_minor < 0 || base_minor > base_left_minor || tax_left_minor < 0)
		return SALES_CREDIT_TOO_MUCH;
	if (base_minor == base_left_minor) {
		*tax_minor = tax_left_minor;
		return ERP_OK;
	}
	rc = sales_tax_amount(base_minor, rate_e4, &tax);
	if (rc)
		return rc;
	*tax_minor = tax < tax_left_minor ? tax : tax_left_minor;
	return ERP_OK;
}

int sales_credit_note_number(int fiscal_year, int sequence, char *out, size_t size)
{
	int length;

	if (fiscal_year < 1900 || fiscal_year > 9999 || sequence < 1)
		return -1;
	length = snprintf(out, size, "CN-%04d-%06d", fiscal_year, sequence);
	return length < 0 || (size_t)length >= size ? -1 : length;
}
