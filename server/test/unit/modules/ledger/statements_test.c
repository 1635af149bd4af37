/*
 * The financial statements' rules without a database
 * (server/src/modules/ledger/statements.c): the account hierarchy of a
 * section with its subtotals, and the comparison periods.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "modules/ledger/internal.h"
#include "test/support/check_main.h"

#define ACCOUNT(c, p, own, cmp, is_posted)                                                    \
	{ .code = c, .name = c, .type = "revenue", .currency = "EUR", .parent = p, .exponent = 2, \
	  .posted = is_posted, .amount = { own, cmp } }

START_TEST(parents_carry_their_children_subtotals_depth_first)
{
	/* 4000 > 4100 > (4110, 4120); 4000 > 4200; 4900 alone; 4500 has nothing posted anywhere. */
	struct ledger_statement_account a[] = {
		ACCOUNT("4000", NULL, 100, 10, true),
		ACCOUNT("4100", "4000", 0, 0, false),
		ACCOUNT("4110", "4100", 250, 25, true),
		ACCOUNT("4120", "4100", -50, 5, true),
		ACCOUNT("4200", "4000", 7, 0, true),
		ACCOUNT("4500", NULL, 0, 0, false),
		ACCOUNT("4900", NULL, 1, 2, true),
	};
	static const char *const expected_order[] = { "4000", "4100", "4110", "4120", "4200", "4900" };
	static const int expected_level[] = { 0, 1, 2, 2, 1, 0 };
	size_t order[8], shown = 0;

	ck_assert_int_eq(ledger_statement_tree(a, 7, order, &shown), 0);
	ck_assert_uint_eq(shown, 6);
	for (size_t i = 0; i < shown; i++) {
		ck_assert_str_eq(a[order[i]].code, expected_order[i]);
		ck_assert_int_eq(a[order[i]].level, expected_level[i]);
	}
	ck_assert_int_eq(a[0].total[0], 100 + 250 - 50 + 7);
	ck_assert_int_eq(a[0].total[1], 10 + 25 + 5);
	ck_assert_int_eq(a[1].total[0], 200);
	ck_assert_int_eq(a[1].total[1], 30);
	ck_assert_int_eq(a[2].total[0], 250);
	ck_assert_int_eq(a[4].parent_index, 0);
	ck_assert_int_eq(a[6].parent_index, -1);
	ck_assert(!a[5].shown);
	/* Parent 4100 shows although nothing was posted to it: its children were. */
	ck_assert(a[1].shown);
}
END_TEST

START_TEST(a_parent_of_another_type_or_unknown_makes_a_top_account)
{
	struct ledger_statement_account a[] = {
		ACCOUNT("4000", "1000", 5, 0, true), /* 1000 is an asset: not in this section */
		ACCOUNT("4100", "4000", 3, 0, true),
		ACCOUNT("4200", "9999", 2, 0, true),
	};
	size_t order[4], shown = 0;

	ck_assert_int_eq(ledger_statement_tree(a, 3, order, &shown), 0);
	ck_assert_int_eq(a[0].parent_index, -1);
	ck_assert_int_eq(a[0].total[0], 8);
	ck_assert_int_eq(a[2].parent_index, -1);
	ck_assert_int_eq(a[2].level, 0);
	ck_assert_uint_eq(shown, 3);
}
END_TEST

START_TEST(a_cycle_or_an_overflow_is_refused)
{
	struct ledger_statement_account cycle[] = {
		ACCOUNT("4000", "4100", 1, 0, true),
		ACCOUNT("4100", "4000", 1, 0, true),
	};
	struct ledger_statement_account big[] = {
		ACCOUNT("4000", NULL, INT64_MAX, 0, true),
		ACCOUNT("4100", "4000", 1, 0, true),
	};
	size_t order[4], shown;

	ck_assert_int_eq(ledger_statement_tree(cycle, 2, order, &shown), -1);
	ck_assert_int_eq(ledger_statement_tree(big, 2, order, &shown), -1);
	ck_assert_int_eq(ledger_statement_tree(big, 0, order, &shown), 0);
	ck_assert_uint_eq(shown, 0);
}
END_TEST

/* from, to, kind -> expected from and to ("" from: a point in time). */
static const struct compare_case {
	const char *from, *to;
	enum ledger_compare kind;
	const char *expected_from, *expected_to;
} compare_cases[] = {
	/* Whole months: as many whole months just before. */
	{ "2026-02-01", "2026-02-28", LEDGER_COMPARE_PREVIOUS_PERIOD, "2026-01-01", "2026-01-31" },
	{ "2026-03-01", "2026-03-31", LEDGER_COMPARE_PREVIOUS_PERIOD, "2026-02-01", "2026-02-28" },
	{ "2026-01-01", "2026-03-31", LEDGER_COMPARE_PREVIOUS_PERIOD, "2025-10-01", "2025-12-31" },
	{ "2026-01-01", "2026-12-31", LEDGER_COMPARE_PREVIOUS_PERIOD, "2025-01-01", "2025-12-31" },
	/* Any other range: as many days just before. */
	{ "2026-03-10", "2026-03-19", LEDGER_COMPARE_PREVIOUS_PERIOD, "2026-02-28", "2026-03-09" },
	{ "2024-03-01", "2024-03-15", LEDGER_COMPARE_PREVIOUS_PERIOD, "2024-02-15", "2024-02-29" },
	{ "2026-01-01", "2026-01-01", LEDGER_COMPARE_PREVIOUS_PERIOD, "2025-12-31", "2025-12-31" },
	/* A year before; Feb 29 becomes Feb 28, a month's end stays one. */
	{ "2026-01-01", "2026-06-30", LEDGER_COMPARE_PREVIOUS_YEAR, "2025-01-01", "2025-06-30" },
	{ "2024-02-29", "2024-02-29", LEDGER_COMPARE_PREVIOUS_YEAR, "2023-02-28", "2023-02-28" },
	{ "2025-02-01", "2025-02-28", LEDGER_COMPARE_PREVIOUS_YEAR, "2024-02-01", "2024-02-29" },
	/* A point in time: the previous month's end, the same day a month or a year before. */
	{ NULL, "2026-03-31", LEDGER_COMPARE_PREVIOUS_PERIOD, "", "2026-02-28" },
	{ NULL, "2026-01-31", LEDGER_COMPARE_PREVIOUS_PERIOD, "", "2025-12-31" },
	{ NULL, "2026-03-30", LEDGER_COMPARE_PREVIOUS_PERIOD, "", "2026-02-28" },
	{ NULL, "2026-03-15", LEDGER_COMPARE_PREVIOUS_PERIOD, "", "2026-02-15" },
	{ NULL, "2024-02-29", LEDGER_COMPARE_PREVIOUS_YEAR, "", "2023-02-28" },
	{ NULL, "2026-12-31", LEDGER_COMPARE_PREVIOUS_YEAR, "", "2025-12-31" },
};

START_TEST(comparison_periods)
{
	const struct compare_case *c = &compare_cases[_i];
	char from[11] = "x", to[11] = "x";

	ck_assert_int_eq(ledger_compare_range(c->kind, c->from, c->to, from, to), 0);
	ck_assert_msg(strcmp(from, c->expected_from) == 0 && strcmp(to, c->expected_to) == 0,
		      "%s..%s kind %d: %s..%s, expected %s..%s", c->from, c->to, (int)c->kind, from, to,
		      c->expected_from, c->expected_to);
}
END_TEST

START_TEST(comparison_words_and_bad_dates)
{
	enum ledger_compare kind;
	char from[11], to[11];

	ck_assert(ledger_compare_parse(NULL, &kind) && kind == LEDGER_COMPARE_NONE);
	ck_assert(ledger_compare_parse("previous-year", &kind) && kind == LEDGER_COMPARE_PREVIOUS_YEAR);
	ck_assert(ledger_compare_parse("previous-period", &kind) &&
		  kind == LEDGER_COMPARE_PREVIOUS_PERIOD);
	ck_assert(!ledger_compare_parse("last-year", &kind));
	ck_assert_int_eq(ledger_compare_range(LEDGER_COMPARE_PREVIOUS_YEAR, "2026-02-30", "2026-03-01",
					      from, to), -1);
	ck_assert_int_eq(ledger_compare_range(LEDGER_COMPARE_PREVIOUS_YEAR, NULL, "1000-06-30", from,
					      to), -1);
	ck_assert_int_eq(ledger_compare_range(LEDGER_COMPARE_PREVIOUS_PERIOD, NULL, "garbage", from,
					      to), -1);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("modules/ledger/statements");
	TCase *tree = tcase_create("hierarchy");
	TCase *compare = tcase_create("comparison");

	tcase_add_test(tree, parents_carry_their_children_subtotals_depth_first);
	tcase_add_test(tree, a_parent_of_another_type_or_unknown_makes_a_top_account);
	tcase_add_test(tree, a_cycle_or_an_overflow_is_refused);
	tcase_add_loop_test(compare, comparison_periods, 0,
			    (int)(sizeof(compare_cases) / sizeof(compare_cases[0])));
	tcase_add_test(compare, comparison_words_and_bad_dates);
	suite_add_tcase(s, tree);
	suite_add_tcase(s, compare);
	return s;
}
