/*
 * The arithmetic of taking an invoice back (server/src/modules/sales/
 * credit.c): a line taken back in parts never comes to more than it was
 * (the last part is what is left of it, to the cent), nor does a tax code's
 * tax; more than is left is refused; credit note numbers.
 */
#include <check.h>
#include <stdint.h>

#include "modules/sales/usecases.h"
#include "shared-kernel/errors.h"
#include "test/support/check_main.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* 3 x 1.00 at a discount of 33.3333%: invoiced 2.00 (3 x 0.666667 rounded once). */
static const struct sales_credit_line third_off = {
	.quantity_e4 = 30000, .unit_price_minor = 100, .discount_e4 = 333333, .net_minor = 200,
};

START_TEST(a_line_taken_back_in_parts_comes_to_what_it_was)
{
	struct sales_credit_line line = third_off;
	int64_t net, sum = 0;

	for (int part = 0; part < 3; part++) {
		ck_assert_int_eq(sales_credit_line_net(&line, 10000, &net), ERP_OK);
		/* 0.67, 0.67, then what is left: 0.66; never 3 x 0.67 = 2.01. */
		ck_assert_int_eq(net, part < 2 ? 67 : 66);
		line.credited_quantity_e4 += 10000;
		line.credited_net_minor += net;
		sum += net;
	}
	ck_assert_int_eq(sum, third_off.net_minor);
	ck_assert_int_eq(sales_credit_line_net(&line, 1, &net), SALES_CREDIT_TOO_MUCH);
}
END_TEST

static const struct {
	int64_t credited_quantity, credited_net, quantity;
	int rc;
	int64_t net;
} line_cases[] = {
	{ 0, 0, 30000, ERP_OK, 200 },              /* all of it: its net, exactly */
	{ 0, 0, 20000, ERP_OK, 133 },              /* 2 x 0.666667 = 1.333334 -> 1.33 */
	{ 0, 0, 30001, SALES_CREDIT_TOO_MUCH, 0 }, /* more than was invoiced */
	{ 0, 0, 0, SALES_CREDIT_TOO_MUCH, 0 },     /* nothing */
	{ 20000, 133, 10000, ERP_OK, 67 },         /* the rest: what is left of the net */
	{ 20000, 133, 10001, SALES_CREDIT_TOO_MUCH, 0 },
	{ 10000, 199, 10000, ERP_OK, 1 },          /* never more than is left of the net */
};

START_TEST(a_line_gives_back_at_most_what_is_left)
{
	struct sales_credit_line line = third_off;
	int64_t net = -1;

	line.credited_quantity_e4 = line_cases[_i].credited_quantity;
	line.credited_net_minor = line_cases[_i].credited_net;
	ck_assert_int_eq(sales_credit_line_net(&line, line_cases[_i].quantity, &net), line_cases[_i].rc);
	if (line_cases[_i].rc == ERP_OK)
		ck_assert_int_eq(net, line_cases[_i].net);
}
END_TEST

static const struct {
	int64_t base, rate, base_left, tax_left;
	int rc;
	int64_t tax;
} tax_cases[] = {
	{ 67, 200000, 200, 40, ERP_OK, 13 },       /* 0.134 -> 0.13 */
	{ 66, 200000, 66, 14, ERP_OK, 14 },        /* all the base left: all the tax left */
	{ 200, 200000, 200, 40, ERP_OK, 40 },      /* a whole invoice: its tax to the cent */
	{ 201, 200000, 200, 40, SALES_CREDIT_TOO_MUCH, 0 },
	{ 199, 200000, 200, 39, ERP_OK, 39 },      /* 39.8 -> 40, capped at what is left */
	{ 50, 75000, 1000, 75, ERP_OK, 4 },        /* 3.75 -> 4, half away from zero */
};

START_TEST(a_tax_code_gives_back_at_most_its_tax)
{
	int64_t tax = -1;

	ck_assert_int_eq(sales_credit_tax(tax_cases[_i].base, tax_cases[_i].rate, tax_cases[_i].base_left,
					  tax_cases[_i].tax_left, &tax), tax_cases[_i].rc);
	if (tax_cases[_i].rc == ERP_OK)
		ck_assert_int_eq(tax, tax_cases[_i].tax);
}
END_TEST

START_TEST(credit_note_numbers_read_cn_year_sequence)
{
	char out[24];

	ck_assert_int_eq(sales_credit_note_number(2026, 1, out, sizeof(out)), 14);
	ck_assert_str_eq(out, "CN-2026-000001");
	ck_assert_int_eq(sales_credit_note_number(2026, 0, out, sizeof(out)), -1);
	ck_assert_int_eq(sales_credit_note_number(10000, 1, out, sizeof(out)), -1);
	ck_assert_int_eq(sales_credit_note_number(2026, 1, out, 8), -1);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("unit/modules/sales/credit");
	TCase *tc = tcase_create("credit");

	tcase_add_test(tc, a_line_taken_back_in_parts_comes_to_what_it_was);
	tcase_add_loop_test(tc, a_line_gives_back_at_most_what_is_left, 0, COUNT(line_cases));
	tcase_add_loop_test(tc, a_tax_code_gives_back_at_most_its_tax, 0, COUNT(tax_cases));
	tcase_add_test(tc, credit_note_numbers_read_cn_year_sequence);
	suite_add_tcase(s, tc);
	return s;
}
