/*
 * Payment terms -> due date (server/src/modules/partners/terms.c), the
 * helper sales and purchasing date their documents' due dates with: named
 * cases around month ends and leap years, refusals, and every date of three
 * years against counting the days one by one.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "modules/partners/partners.h"
#include "test/support/check_main.h"

static const struct {
	const char *date;
	int days;
	bool end_of_month;
	const char *due;        /* NULL: refused */
} cases[] = {
	{ "2026-01-15", 30, false, "2026-02-14" },
	{ "2026-01-15", 0, false, "2026-01-15" },             /* due on receipt */
	{ "2026-12-31", 1, false, "2027-01-01" },
	{ "2024-03-01", 365, false, "2025-03-01" },            /* 2024 is a leap year, 2025 not */
	{ "2026-02-10", 0, true, "2026-02-28" },
	{ "2024-02-10", 0, true, "2024-02-29" },
	{ "2026-01-15", 30, true, "2026-03-02" },              /* January 31 + 30 */
	{ "2026-01-31", 30, true, "2026-03-02" },              /* the last day counts the same */
	{ "2026-12-05", 15, true, "2027-01-15" },
	{ "1900-02-28", 1, false, "1900-03-01" },              /* 1900 is no leap year */
	{ "2000-02-28", 1, false, "2000-02-29" },              /* 2000 is */
	{ "9999-12-30", 1, false, "9999-12-31" },
	{ "9999-12-31", 1, false, NULL },                      /* past the calendar we write */
	{ "9999-12-01", 0, true, "9999-12-31" },
	{ "2026-02-30", 30, false, NULL },
	{ "2026-13-01", 30, false, NULL },
	{ "2026-00-10", 30, false, NULL },
	{ "2026-1-01", 30, false, NULL },
	{ "2026-01-01T00", 30, false, NULL },
	{ "0000-01-01", 30, false, NULL },
	{ "abcd-ef-gh", 30, false, NULL },
	{ "", 30, false, NULL },
	{ NULL, 30, false, NULL },
	{ "2026-01-15", -1, false, NULL },
	{ "2026-01-15", 366, false, NULL },
};

START_TEST(due_dates)
{
	struct partners_payment_terms terms = { cases[_i].days, cases[_i].end_of_month };
	char due[11] = "untouched";
	int rc = partners_due_date(&terms, cases[_i].date, due);

	if (!cases[_i].due) {
		ck_assert_msg(rc == -1, "%s +%d: %s", cases[_i].date, cases[_i].days, due);
		ck_assert_str_eq(due, "untouched");
		return;
	}
	ck_assert_msg(rc == 0, "%s +%d refused", cases[_i].date, cases[_i].days);
	ck_assert_str_eq(due, cases[_i].due);
}
END_TEST

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && leap(y) ? 29 : days[m - 1];
}

/* The calendar the slow way: one day on. */
static void next_day(int *y, int *m, int *d)
{
	if (++*d <= month_days(*y, *m))
		return;
	*d = 1;
	if (++*m <= 12)
		return;
	*m = 1;
	++*y;
}

/* Every date of 1999..2001 (a century's leap year among them), for terms around a month's length. */
START_TEST(every_date_agrees_with_counting_days_one_by_one)
{
	static const int terms_days[] = { 0, 1, 28, 29, 30, 31, 45, 59, 60, 90, 365 };
	int y = 1999, m = 1, d = 1;

	while (y < 2002) {
		for (size_t t = 0; t < sizeof(terms_days) / sizeof(terms_days[0]); t++) {
			for (int eom = 0; eom < 2; eom++) {
				struct partners_payment_terms terms = { terms_days[t], eom };
				char date[48], want[48], due[11];
				int wy = y, wm = m, wd = eom ? month_days(y, m) : d;

				snprintf(date, sizeof(date), "%04d-%02d-%02d", y, m, d);
				for (int i = 0; i < terms_days[t]; i++)
					next_day(&wy, &wm, &wd);
				snprintf(want, sizeof(want), "%04d-%02d-%02d", wy, wm, wd);
				ck_assert_int_eq(partners_due_date(&terms, date, due), 0);
				ck_assert_msg(strcmp(due, want) == 0, "%s +%d%s: %s, counted %s", date,
					      terms_days[t], eom ? " end of month" : "", due, want);
			}
		}
		next_day(&y, &m, &d);
	}
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("unit/modules/partners/terms");
	TCase *tc = tcase_create("terms");

	tcase_add_loop_test(tc, due_dates, 0, sizeof(cases) / sizeof(cases[0]));
	tcase_add_test(tc, every_date_agrees_with_counting_days_one_by_one);
	suite_add_tcase(s, tc);
	return s;
}
