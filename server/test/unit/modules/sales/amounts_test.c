/*
 * Sales' arithmetic (server/src/modules/sales/amounts.c): decimal text to
 * units of 10^-4, a line's net (rounded once, half away from zero), a tax
 * code's tax on the document (rounded once on the sum of its lines' nets),
 * the totals, and every overflow refused. The cent cases are the ones
 * invoices get wrong when tax is rounded per line.
 */
#include <check.h>
#include <stdint.h>

#include "modules/sales/usecases.h"
#include "shared-kernel/errors.h"
#include "test/support/check_main.h"

/* --- decimal text ------------------------------------------------------------------------- */

static const struct {
	const char *text;
	int64_t max_e4;
	int result;
	int64_t e4;
} decimals[] = {
	{ "20", SALES_PERCENT_E4_MAX, SALES_DECIMAL_OK, 200000 },
	{ "7.5", SALES_PERCENT_E4_MAX, SALES_DECIMAL_OK, 75000 },
	{ "0.0001", SALES_PERCENT_E4_MAX, SALES_DECIMAL_OK, 1 },
	{ "0", SALES_PERCENT_E4_MAX, SALES_DECIMAL_OK, 0 },
	{ "100", SALES_PERCENT_E4_MAX, SALES_DECIMAL_OK, 1000000 },
	{ "100.0000", SALES_PERCENT_E4_MAX, SALES_DECIMAL_OK, 1000000 },
	{ "100.0001", SALES_PERCENT_E4_MAX, SALES_DECIMAL_OUT_OF_RANGE, 0 },
	{ "0.00001", SALES_PERCENT_E4_MAX, SALES_DECIMAL_TOO_MANY_DECIMALS, 0 },
	{ "1.50000", SALES_PERCENT_E4_MAX, SALES_DECIMAL_TOO_MANY_DECIMALS, 0 }, /* zeros count */
	{ "-1", SALES_PERCENT_E4_MAX, SALES_DECIMAL_OUT_OF_RANGE, 0 },
	{ "1e3", SALES_PERCENT_E4_MAX, SALES_DECIMAL_SYNTAX, 0 },
	{ "", SALES_PERCENT_E4_MAX, SALES_DECIMAL_SYNTAX, 0 },
	{ ".5", SALES_PERCENT_E4_MAX, SALES_DECIMAL_SYNTAX, 0 },
	{ "01", SALES_PERCENT_E4_MAX, SALES_DECIMAL_SYNTAX, 0 },
	{ NULL, SALES_PERCENT_E4_MAX, SALES_DECIMAL_SYNTAX, 0 },
	{ "0.333", INT64_MAX, SALES_DECIMAL_OK, 3330 },
	{ "922337203685477.5807", INT64_MAX, SALES_DECIMAL_OK, INT64_MAX },
	{ "922337203685477.5808", INT64_MAX, SALES_DECIMAL_OUT_OF_RANGE, 0 },
	{ "922337203685478", INT64_MAX, SALES_DECIMAL_OUT_OF_RANGE, 0 },
	{ "99999999999999999999999", INT64_MAX, SALES_DECIMAL_OUT_OF_RANGE, 0 },
	{ "9999999999999999999.99999", INT64_MAX, SALES_DECIMAL_TOO_MANY_DECIMALS, 0 },
};

START_TEST(decimal_text_becomes_units_of_ten_thousandths)
{
	int64_t e4 = -7;
	int result = sales_decimal_e4(decimals[_i].text, decimals[_i].max_e4, &e4);

	ck_assert_msg(result == decimals[_i].result, "%s: %d", decimals[_i].text ? decimals[_i].text : "(null)",
		      result);
	ck_assert_int_eq(e4, result == SALES_DECIMAL_OK ? decimals[_i].e4 : -7);
}
END_TEST

/* --- a line's net: the first rounding ---------------------------------------------------------- */

static const struct {
	const char *why;
	int64_t quantity_e4, unit_price_minor, discount_e4;
	int result;
	int64_t net_minor;
} nets[] = {
	{ "0.333 x 1.00 = 0.333: 0.33", 3330, 100, 0, ERP_OK, 33 },
	{ "2.5 x 1.99 = 4.975: half away from zero, 4.98", 25000, 199, 0, ERP_OK, 498 },
	{ "0.5 x 0.01 = 0.005: 0.01", 5000, 1, 0, ERP_OK, 1 },
	{ "0.4999 x 0.01 = 0.004999: 0.00", 4999, 1, 0, ERP_OK, 0 },
	{ "3 x 0.10 less 10% = 0.27", 30000, 10, 100000, ERP_OK, 27 },
	{ "1 x 0.05 less 50% = 0.025: 0.03", 10000, 5, 500000, ERP_OK, 3 },
	{ "1 x 0.05 less 50.0001% = 0.0249995: 0.02", 10000, 5, 500001, ERP_OK, 2 },
	{ "7 x 19.99 less 12.5% = 122.438...: 122.44", 70000, 1999, 125000, ERP_OK, 12244 },
	{ "less 100%: nothing", 10000, 12345, 1000000, ERP_OK, 0 },
	{ "a price of 0", 10000, 0, 0, ERP_OK, 0 },
	{ "a billion units at 1,000,000.00: 10^15.00", 10000000000000LL, 100000000, 0, ERP_OK,
	  100000000000000000LL },
	{ "the largest net there is", SALES_E4, INT64_MAX, 0, ERP_OK, INT64_MAX },
	{ "one minor unit over int64", SALES_E4 * 2, INT64_MAX / 2 + 1, 0, ERP_ERR_OVERFLOW, 0 },
	{ "10^14 units at 10,000.00: 10^20 minor units", 1000000000000000000LL, 1000000, 0,
	  ERP_ERR_OVERFLOW, 0 },
	{ "quantity x price overflows 128 bits only with the discount's factor", INT64_MAX,
	  INT64_MAX, 0, ERP_ERR_OVERFLOW, 0 },
	{ "a discount over 100%", 10000, 100, 1000001, ERP_ERR_OVERFLOW, 0 },
	{ "a negative discount", 10000, 100, -1, ERP_ERR_OVERFLOW, 0 },
};

START_TEST(a_line_is_rounded_once_half_away_from_zero)
{
	int64_t net = -7;
	int result = sales_line_net(nets[_i].quantity_e4, nets[_i].unit_price_minor,
				    nets[_i].discount_e4, &net);

	ck_assert_msg(result == nets[_i].result, "%s: %d", nets[_i].why, result);
	ck_assert_msg(net == (result ? -7 : nets[_i].net_minor), "%s: %lld", nets[_i].why,
		      (long long)net);
}
END_TEST

/* --- a tax code's tax on the document: the second rounding ---------------------------------------- */

static const struct {
	const char *why;
	int64_t base_minor, rate_e4;
	int result;
	int64_t tax_minor;
} taxes[] = {
	{ "0.99 at 20% = 0.198: 0.20", 99, 200000, ERP_OK, 20 },
	{ "1.00 at 7.5% = 0.075: 0.08", 100, 75000, ERP_OK, 8 },
	{ "0.01 at 7.5% = 0.00075: 0.00", 1, 75000, ERP_OK, 0 },
	{ "0.10 at 5% = 0.005: half away from zero, 0.01", 10, 50000, ERP_OK, 1 },
	{ "nothing at 20%", 0, 200000, ERP_OK, 0 },
	{ "anything at 0%", 123456, 0, ERP_OK, 0 },
	{ "12.34 at 19.6% = 2.41864: 2.42", 1234, 196000, ERP_OK, 242 },
	{ "the largest base at 100%", INT64_MAX, SALES_PERCENT_E4_MAX, ERP_OK, INT64_MAX },
	{ "a rate over 100%", 100, SALES_PERCENT_E4_MAX + 1, ERP_ERR_OVERFLOW, 0 },
};

START_TEST(a_tax_is_rounded_once_per_document_and_code)
{
	int64_t tax = -7;
	int result = sales_tax_amount(taxes[_i].base_minor, taxes[_i].rate_e4, &tax);

	ck_assert_msg(result == taxes[_i].result, "%s: %d", taxes[_i].why, result);
	ck_assert_msg(tax == (result ? -7 : taxes[_i].tax_minor), "%s: %lld", taxes[_i].why,
		      (long long)tax);
}
END_TEST

/* --- documents: the cent cases ------------------------------------------------------------------ */

START_TEST(three_lines_of_0_333_at_20_percent)
{
	struct sales_line_amounts lines[3];
	struct sales_tax_amounts tax = { .rate_e4 = 200000 };
	struct sales_document_totals totals;
	size_t failed;

	for (int i = 0; i < 3; i++)
		lines[i] = (struct sales_line_amounts){ .quantity_e4 = 3330, .unit_price_minor = 100 };
	ck_assert_int_eq(sales_document_compute(lines, 3, &tax, 1, &totals, &failed), ERP_OK);
	/* Each line 0.333 -> 0.33; the document's tax on 0.99 is 0.198 -> 0.20. */
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(lines[i].net_minor, 33);
	ck_assert_int_eq(tax.base_minor, 99);
	ck_assert_int_eq(tax.tax_minor, 20);
	ck_assert_int_eq(totals.net_minor, 99);
	ck_assert_int_eq(totals.tax_minor, 20);
	ck_assert_int_eq(totals.total_minor, 119);
	/* Rounded per line, the tax would have been 3 x round(0.066) = 0.21. */
	ck_assert_int_ne(totals.tax_minor, 3 * 7);
}
END_TEST

START_TEST(many_small_lines_keep_their_tax)
{
	struct sales_line_amounts lines[100];
	struct sales_tax_amounts tax = { .rate_e4 = 75000 };
	struct sales_document_totals totals;
	size_t failed;

	/* 100 lines of 0.01 at 7.5%: 0.00075 each, 0 if rounded per line; 0.075 -> 0.08 on the whole. */
	for (int i = 0; i < 100; i++)
		lines[i] = (struct sales_line_amounts){ .quantity_e4 = SALES_E4, .unit_price_minor = 1 };
	ck_assert_int_eq(sales_document_compute(lines, 100, &tax, 1, &totals, &failed), ERP_OK);
	ck_assert_int_eq(totals.net_minor, 100);
	ck_assert_int_eq(totals.tax_minor, 8);
	ck_assert_int_eq(totals.total_minor, 108);
}
END_TEST

START_TEST(each_tax_code_is_rounded_on_its_own_lines)
{
	struct sales_line_amounts lines[] = {
		{ .quantity_e4 = 30000, .unit_price_minor = 333, .tax_group = 0 },           /* 9.99 */
		{ .quantity_e4 = 15000, .unit_price_minor = 1999, .discount_e4 = 100000,
		  .tax_group = 1 },                                                           /* 26.9865 -> 26.99 */
		{ .quantity_e4 = 10000, .unit_price_minor = 5, .tax_group = 0 },             /* 0.05 */
		{ .quantity_e4 = 3330, .unit_price_minor = 100, .tax_group = 1 },            /* 0.33 */
	};
	struct sales_tax_amounts codes[] = { { .rate_e4 = 200000 }, { .rate_e4 = 75000 } };
	struct sales_document_totals totals;
	size_t failed;

	ck_assert_int_eq(sales_document_compute(lines, 4, codes, 2, &totals, &failed), ERP_OK);
	ck_assert_int_eq(lines[1].net_minor, 2699);
	ck_assert_int_eq(codes[0].base_minor, 1004);
	ck_assert_int_eq(codes[0].tax_minor, 201);  /* 10.04 x 20% = 2.008 */
	ck_assert_int_eq(codes[1].base_minor, 2732);
	ck_assert_int_eq(codes[1].tax_minor, 205);  /* 27.32 x 7.5% = 2.049 */
	ck_assert_int_eq(totals.net_minor, 3736);
	ck_assert_int_eq(totals.tax_minor, 406);
	ck_assert_int_eq(totals.total_minor, 4142);
}
END_TEST

START_TEST(overflow_names_the_line_or_the_document)
{
	struct sales_line_amounts lines[] = {
		{ .quantity_e4 = SALES_E4, .unit_price_minor = 100 },
		{ .quantity_e4 = INT64_MAX, .unit_price_minor = INT64_MAX },
	};
	struct sales_line_amounts big[] = {
		{ .quantity_e4 = SALES_E4, .unit_price_minor = INT64_MAX / 2 + 1 },
		{ .quantity_e4 = SALES_E4, .unit_price_minor = INT64_MAX / 2 + 1 },
	};
	struct sales_line_amounts taxed[] = { { .quantity_e4 = SALES_E4, .unit_price_minor = INT64_MAX } };
	struct sales_line_amounts lost[] = { { .quantity_e4 = SALES_E4, .unit_price_minor = 1, .tax_group = 3 } };
	struct sales_tax_amounts tax = { .rate_e4 = 200000 };
	struct sales_document_totals totals = { 1, 2, 3 };
	size_t failed;

	ck_assert_int_eq(sales_document_compute(lines, 2, &tax, 1, &totals, &failed), ERP_ERR_OVERFLOW);
	ck_assert_uint_eq(failed, 1);
	/* Two lines that fit, whose sum does not. */
	ck_assert_int_eq(sales_document_compute(big, 2, &tax, 1, &totals, &failed), ERP_ERR_OVERFLOW);
	ck_assert_uint_eq(failed, SIZE_MAX);
	/* A net that fits, whose total with its tax does not. */
	ck_assert_int_eq(sales_document_compute(taxed, 1, &tax, 1, &totals, &failed), ERP_ERR_OVERFLOW);
	ck_assert_uint_eq(failed, SIZE_MAX);
	/* A line naming a tax code the document does not have. */
	ck_assert_int_eq(sales_document_compute(lost, 1, &tax, 1, &totals, &failed), ERP_ERR_OVERFLOW);
	ck_assert_uint_eq(failed, 0);
	/* The totals are untouched by a refusal. */
	ck_assert_int_eq(totals.total_minor, 3);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("unit/modules/sales/amounts");
	TCase *tc = tcase_create("amounts");

	tcase_add_loop_test(tc, decimal_text_becomes_units_of_ten_thousandths, 0,
			    sizeof(decimals) / sizeof(decimals[0]));
	tcase_add_loop_test(tc, a_line_is_rounded_once_half_away_from_zero, 0,
			    sizeof(nets) / sizeof(nets[0]));
	tcase_add_loop_test(tc, a_tax_is_rounded_once_per_document_and_code, 0,
			    sizeof(taxes) / sizeof(taxes[0]));
	tcase_add_test(tc, three_lines_of_0_333_at_20_percent);
	tcase_add_test(tc, many_small_lines_keep_their_tax);
	tcase_add_test(tc, each_tax_code_is_rounded_on_its_own_lines);
	tcase_add_test(tc, overflow_names_the_line_or_the_document);
	suite_add_tcase(s, tc);
	return s;
}
