/*
 * Rules of the financial statements without a database: the account
 * hierarchy within a section with its subtotals (parents carry their
 * children's), and the comparison period. Unit-tested directly
 * (server/test/unit/modules/ledger/statements_test.c).
 */
#include <stdio.h>
#include <string.h>

#include "common/alloc.h"
#include "modules/ledger/internal.h"
#include "shared-kernel/money.h"

/* Days since 1970-01-01 of a civil date (H. Hinnant's algorithm): exact over any year we take. */
static long days_from_civil(int year, int month, int day)
{
	long y = year - (month <= 2);
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153L * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, int *year, int *month, int *day)
{
	long era, doe, yoe, doy, mp, y;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*day = (int)(doy - (153 * mp + 2) / 5 + 1);
	*month = (int)(mp < 10 ? mp + 3 : mp - 9);
	*year = (int)(y + (*month <= 2));
}

static int month_days(int year, int month)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return month == 2 && leap ? 29 : days[month - 1];
}

struct civil {
	int year, month, day;
};

static bool parse(const char *text, struct civil *out)
{
	char tail;

	if (!text || strlen(text) != 10 ||
	    sscanf(text, "%4d-%2d-%2d%c", &out->year, &out->month, &out->day, &tail) != 3)
		return false;
	return out->year >= 1000 && out->month >= 1 && out->month <= 12 && out->day >= 1 &&
	       out->day <= month_days(out->year, out->month);
}

static void format(struct civil date, char out[11])
{
	unsigned year = (unsigned)date.year % 10000, month = (unsigned)date.month % 13,
		 day = (unsigned)date.day % 32;

	snprintf(out, 11, "%04u-%02u-%02u", year, month, day);
}

/* The same day months earlier (clamped to the month's last day). */
static struct civil months_back(struct civil date, int months)
{
	int index = date.year * 12 + (date.month - 1) - months;
	struct civil back = { index / 12, index % 12 + 1, date.day };

	if (back.day > month_days(back.year, back.month))
		back.day = month_days(back.year, back.month);
	return back;
}

static struct civil days_back(struct civil date, long days)
{
	struct civil back;

	civil_from_days(days_from_civil(date.year, date.month, date.day) - days, &back.year,
			&back.month, &back.day);
	return back;
}

static bool is_month_end(struct civil date)
{
	return date.day == month_days(date.year, date.month);
}

int ledger_compare_range(enum ledger_compare kind, const char *from, const char *to,
			 char compare_from[11], char compare_to[11])
{
	struct civil first, last, a, b;

	if (!parse(to, &last) || (from && !parse(from, &first)))
		return -1;
	if (!from) {
		/* A point in time (the balance sheet): the previous month's end, or a year before. */
		if (kind == LEDGER_COMPARE_PREVIOUS_YEAR)
			b = months_back(last, 12);
		else if (is_month_end(last))
			b = days_back((struct civil){ last.year, last.month, 1 }, 1);
		else
			b = months_back(last, 1);
		if (b.year < 1000)
			return -1;
		format(b, compare_to);
		compare_from[0] = '\0';
		return 0;
	}
	if (kind == LEDGER_COMPARE_PREVIOUS_YEAR) {
		a = months_back(first, 12);
		b = months_back(last, 12);
		/* 2024-02-29 a year on is 2025-02-28; a range that ended on a month's end still does. */
		if (is_month_end(last))
			b.day = month_days(b.year, b.month);
	} else if (first.day == 1 && is_month_end(last)) {
		/* Whole months: as many whole months just before. */
		int months = (last.year * 12 + last.month) - (first.year * 12 + first.month) + 1;

		a = months_back(first, months);
		b = days_back(first, 1);
	} else {
		long length = days_from_civil(last.year, last.month, last.day) -
			      days_from_civil(first.year, first.month, first.day) + 1;

		a = days_back(first, length);
		b = days_back(first, 1);
	}
	if (a.year < 1000)
		return -1;
	format(a, compare_from);
	format(b, compare_to);
	return 0;
}

bool ledger_compare_parse(const char *text, enum ledger_compare *out)
{
	if (!text)
		*out = LEDGER_COMPARE_NONE;
	else if (strcmp(text, "previous-period") == 0)
		*out = LEDGER_COMPARE_PREVIOUS_PERIOD;
	else if (strcmp(text, "previous-year") == 0)
		*out = LEDGER_COMPARE_PREVIOUS_YEAR;
	else
		return false;
	return true;
}

bool ledger_type_credit_normal(const char *type)
{
	return strcmp(type, "liability") == 0 || strcmp(type, "equity") == 0 ||
	       strcmp(type, "revenue") == 0;
}

/* The index of the account called code of type among accounts, or -1. */
static int find(const struct ledger_statement_account *accounts, size_t count, const char *code,
		const char *type)
{
	/* Sorted by code: a binary search. */
	size_t lo = 0, hi = count;

	while (code && lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = strcmp(accounts[mid].code, code);

		if (cmp == 0)
			return strcmp(accounts[mid].type, type) == 0 ? (int)mid : -1;
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

int ledger_statement_tree(struct ledger_statement_account *accounts, size_t count, size_t *order,
			  size_t *shown)
{
	int *first_child, *next_sibling, *stack;
	size_t n = 0, top = 0;
	int rc = 0;

	for (size_t i = 0; i < count; i++) {
		accounts[i].parent_index = find(accounts, count, accounts[i].parent, accounts[i].type);
		accounts[i].total[0] = accounts[i].total[1] = 0;
		accounts[i].level = 0;
		accounts[i].shown = false;
	}
	/* Each account's amounts added to itself and every ancestor; each posted one shows its line. */
	for (size_t i = 0; i < count && !rc; i++) {
		int depth = 0;

		for (int a = (int)i; a >= 0 && !rc; a = accounts[a].parent_index, depth++) {
			/* The chart refuses cycles (accounts.c); a corrupt one must not hang a report. */
			if (depth > LEDGER_HIERARCHY_DEPTH_MAX)
				rc = -1;
			else if (!erp_money_add(accounts[a].total[0], accounts[i].amount[0], &accounts[a].total[0]) ||
				 !erp_money_add(accounts[a].total[1], accounts[i].amount[1], &accounts[a].total[1]))
				rc = -1;
			else if (accounts[i].posted)
				accounts[a].shown = true;
		}
		accounts[i].level = depth - 1;
	}
	if (rc)
		return rc;
	first_child = erp_calloc(count + 1, sizeof(int));
	next_sibling = erp_calloc(count + 1, sizeof(int));
	stack = erp_calloc(count + 1, sizeof(int));
	if (!first_child || !next_sibling || !stack) {
		rc = -1;
		goto out;
	}
	/* Children in code order: built backwards, each prepended. Roots hang under index count. */
	for (size_t i = 0; i <= count; i++)
		first_child[i] = -1;
	for (size_t i = count; i-- > 0;) {
		int parent = accounts[i].parent_index >= 0 ? accounts[i].parent_index : (int)count;

		next_sibling[i] = first_child[parent];
		first_child[parent] = (int)i;
	}
	/* Depth first: a parent, then its children's subtrees, each in code order. */
	for (int c = first_child[count]; c >= 0; c = next_sibling[c])
		stack[top++] = c;
	/* The stack pops the last pushed first: push roots reversed. */
	for (size_t i = 0; i < top / 2; i++) {
		int t = stack[i];

		stack[i] = stack[top - 1 - i];
		stack[top - 1 - i] = t;
	}
	while (top > 0) {
		int at = stack[--top];
		size_t mark = top;

		if (accounts[at].shown)
			order[n++] = (size_t)at;
		for (int c = first_child[at]; c >= 0; c = next_sibling[c])
			stack[top++] = c;
		for (size_t i = mark; i < mark + (top - mark) / 2; i++) {
			int t = stack[i];

			stack[i] = stack[top - 1 - (i - mark)];
			stack[top - 1 - (i - mark)] = t;
		}
	}
	*shown = n;
out:
	erp_free(first_child);
	erp_free(next_sibling);
	erp_free(stack);
	return rc;
}
