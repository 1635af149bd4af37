/* The closing entry's lines, without a database (server/src/modules/ledger/year_close.c). */
#include <check.h>
#include <string.h>

#include "modules/ledger/internal.h"
#include "test/support/check_main.h"

static struct ledger_line_input lines[LEDGER_LINES_MAX + 1];

/* The minor units of a side, 0 when the side is not given. */
static int64_t side(struct ledger_amount amount)
{
	return amount.form == LEDGER_AMOUNT_MINOR ? amount.minor : 0;
}

START_TEST(revenue_is_debited_expenses_credited_and_the_profit_credited_to_retained_earnings)
{
	const struct ledger_closing_balance balances[] = {
		{ "4000", "EUR", -100000 }, /* revenue: a credit balance */
		{ "4100", "EUR", -25000 },
		{ "5000", "EUR", 40000 },   /* an expense: a debit balance */
	};
	const char *wrong;
	size_t count;

	ck_assert_int_eq(ledger_closing_lines(balances, 3, "3000", "EUR", lines, &count, &wrong), 0);
	ck_assert_uint_eq(count, 4);
	ck_assert_str_eq(lines[0].account, "4000");
	ck_assert_int_eq(side(lines[0].debit), 100000);
	ck_assert_int_eq(lines[0].credit.form, LEDGER_AMOUNT_NONE);
	ck_assert_int_eq(side(lines[1].debit), 25000);
	ck_assert_str_eq(lines[2].account, "5000");
	ck_assert_int_eq(side(lines[2].credit), 40000);
	ck_assert_int_eq(lines[2].debit.form, LEDGER_AMOUNT_NONE);
	/* A profit of 850.00: retained earnings credited. */
	ck_assert_str_eq(lines[3].account, "3000");
	ck_assert_int_eq(side(lines[3].credit), 85000);
	ck_assert_int_eq(lines[3].debit.form, LEDGER_AMOUNT_NONE);
}
END_TEST

START_TEST(a_loss_is_debited_and_a_result_of_zero_has_no_line)
{
	const struct ledger_closing_balance loss[] = { { "4000", "EUR", -100 }, { "5000", "EUR", 300 } };
	const struct ledger_closing_balance even[] = { { "4000", "EUR", -300 }, { "5000", "EUR", 300 } };
	const char *wrong;
	size_t count;

	ck_assert_int_eq(ledger_closing_lines(loss, 2, "3000", "EUR", lines, &count, &wrong), 0);
	ck_assert_uint_eq(count, 3);
	ck_assert_int_eq(side(lines[2].debit), 200);
	ck_assert_int_eq(ledger_closing_lines(even, 2, "3000", "EUR", lines, &count, &wrong), 0);
	ck_assert_uint_eq(count, 2);
	/* Nothing to move: no lines at all. */
	ck_assert_int_eq(ledger_closing_lines(even, 0, "3000", "EUR", lines, &count, &wrong), 0);
	ck_assert_uint_eq(count, 0);
}
END_TEST

START_TEST(another_currency_too_many_accounts_or_an_overflow_refuse)
{
	static struct ledger_closing_balance many[LEDGER_LINES_MAX];
	const struct ledger_closing_balance mixed[] = { { "4000", "EUR", -100 }, { "4900", "USD", -5 } };
	const struct ledger_closing_balance huge[] = { { "5000", "EUR", INT64_MAX }, { "5100", "EUR", 1 } };
	const char *wrong;
	size_t count;

	ck_assert_int_eq(ledger_closing_lines(mixed, 2, "3000", "EUR", lines, &count, &wrong),
			 ERP_ERR_CONFLICT);
	ck_assert_str_eq(wrong, "4900");
	for (size_t i = 0; i < LEDGER_LINES_MAX; i++)
		many[i] = (struct ledger_closing_balance){ "4000", "EUR", 1 };
	ck_assert_int_eq(ledger_closing_lines(many, LEDGER_LINES_MAX - 1, "3000", "EUR", lines, &count,
					      &wrong), 0);
	ck_assert_int_eq(ledger_closing_lines(many, LEDGER_LINES_MAX, "3000", "EUR", lines, &count, &wrong),
			 ERP_ERR_OVERFLOW);
	ck_assert_int_eq(ledger_closing_lines(huge, 2, "3000", "EUR", lines, &count, &wrong),
			 ERP_ERR_OVERFLOW);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("modules/ledger/year_close");
	TCase *tc = tcase_create("closing_lines");

	tcase_add_test(tc, revenue_is_debited_expenses_credited_and_the_profit_credited_to_retained_earnings);
	tcase_add_test(tc, a_loss_is_debited_and_a_result_of_zero_has_no_line);
	tcase_add_test(tc, another_currency_too_many_accounts_or_an_overflow_refuse);
	suite_add_tcase(s, tc);
	return s;
}
