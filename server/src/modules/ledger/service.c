/*
 * The ledger's rules that need no database: what makes a journal entry's
 * lines acceptable, how posted entries are numbered, and which lifecycle
 * steps are allowed. Pure functions, unit-tested directly.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "modules/ledger/internal.h"
#include "platform/http/schema.h"
#include "shared-kernel/money.h"

enum { CURRENCIES_MAX = 16 };

struct currency_sum {
	const char *code;
	int exponent;
	int64_t debit;
	int64_t credit;
	bool overflow;
};

static int add_error(json_t *errors, size_t line, const char *field, const char *code,
		     const char *detail)
{
	char pointer[48];

	snprintf(pointer, sizeof(pointer), "/lines/%zu/%s", line, field);
	return schema_error_add(errors, pointer, code, detail) ? -1 : 1;
}

static int parse_amount(json_t *errors, struct ledger_line *line, size_t i, const char *field,
			const char *text, int64_t *out)
{
	char detail[160];
	int rc = erp_money_parse(text, line->exponent, 0, out);

	if (rc == ERP_MONEY_OK && *out > 0)
		return 0;
	if (rc == ERP_MONEY_OK)
		snprintf(detail, sizeof(detail), "must be more than zero");
	else if (rc == ERP_MONEY_TOO_MANY_DECIMALS)
		snprintf(detail, sizeof(detail), "%s allows at most %d decimals", line->currency,
			 line->exponent);
	else
		snprintf(detail, sizeof(detail), "%s", erp_money_parse_message(rc));
	return add_error(errors, i, field, "amount", detail);
}

static struct currency_sum *sum_for(struct currency_sum *sums, size_t *used, const struct ledger_line *line)
{
	for (size_t i = 0; i < *used; i++)
		if (strcmp(sums[i].code, line->currency) == 0)
			return &sums[i];
	if (*used == CURRENCIES_MAX)
		return NULL;
	sums[*used] = (struct currency_sum){ line->currency, line->exponent, 0, 0, false };
	return &sums[(*used)++];
}

/* One line: account usable, one side, a valid amount. Returns problems found (or -1). */
static int check_line(struct ledger_line *line, size_t i, json_t *errors)
{
	char detail[120];

	if (!line->found) {
		snprintf(detail, sizeof(detail), "this company has no account %.40s", line->account);
		return add_error(errors, i, "account", "unknown", detail);
	}
	if (!line->active) {
		snprintf(detail, sizeof(detail), "account %.40s is inactive and refuses postings",
			 line->account);
		return add_error(errors, i, "account", "inactive", detail);
	}
	if ((line->debit != NULL) == (line->credit != NULL))
		return add_error(errors, i, line->debit ? "credit" : "debit", "one_side",
				 "a line has either a debit or a credit, not both and not neither");
	line->debit_minor = line->credit_minor = 0;
	if (line->debit)
		return parse_amount(errors, line, i, "debit", line->debit, &line->debit_minor);
	return parse_amount(errors, line, i, "credit", line->credit, &line->credit_minor);
}

static int report_unbalanced(json_t *errors, const struct currency_sum *sum)
{
	char debit[ERP_MONEY_TEXT_MAX + 1], credit[ERP_MONEY_TEXT_MAX + 1];
	char difference[ERP_MONEY_TEXT_MAX + 1], detail[200];
	int64_t diff = 0;

	erp_money_format(sum->debit, sum->exponent, debit, sizeof(debit));
	erp_money_format(sum->credit, sum->exponent, credit, sizeof(credit));
	erp_money_sub(sum->debit, sum->credit, &diff);
	if (diff < 0)
		erp_money_neg(diff, &diff);
	erp_money_format(diff, sum->exponent, difference, sizeof(difference));
	snprintf(detail, sizeof(detail),
		 "the entry does not balance in %s: debits %s, credits %s, difference %s",
		 sum->code, debit, credit, difference);
	return schema_error_add(errors, "/lines", "unbalanced", detail) ? -1 : 1;
}

int ledger_check_lines(struct ledger_line *lines, size_t count, json_t *errors)
{
	struct currency_sum sums[CURRENCIES_MAX];
	size_t used = 0;
	int problems = 0;

	if (count < 2)
		return schema_error_add(errors, "/lines", "min_items",
					"an entry needs at least two lines") ? -1 : 1;
	for (size_t i = 0; i < count; i++) {
		int rc = check_line(&lines[i], i, errors);

		if (rc < 0)
			return -1;
		problems += rc;
	}
	if (problems)
		return problems; /* sums of lines with bad amounts would mislead */
	for (size_t i = 0; i < count; i++) {
		struct currency_sum *sum = sum_for(sums, &used, &lines[i]);

		if (!sum)
			return schema_error_add(errors, "/lines", "currencies",
						"an entry may use at most 16 currencies") ? -1 : 1;
		if (!erp_money_add(sum->debit, lines[i].debit_minor, &sum->debit) ||
		    !erp_money_add(sum->credit, lines[i].credit_minor, &sum->credit))
			sum->overflow = true;
	}
	for (size_t i = 0; i < used; i++) {
		int rc = 0;

		if (sums[i].overflow)
			rc = schema_error_add(errors, "/lines", "amount",
					      "the entry's totals are too large") ? -1 : 1;
		else if (sums[i].debit != sums[i].credit)
			rc = report_unbalanced(errors, &sums[i]);
		if (rc < 0)
			return -1;
		problems += rc;
	}
	return problems;
}

int ledger_number_format(int fiscal_year, int sequence, char *out, size_t size)
{
	int length;

	if (fiscal_year < 1900 || fiscal_year > 9999 || sequence < 1)
		return -1;
	length = snprintf(out, size, "JE-%04d-%06d", fiscal_year, sequence);
	return length < 0 || (size_t)length >= size ? -1 : length;
}

bool ledger_action_allowed(const char *status, enum ledger_action action)
{
	bool draft = strcmp(status, "draft") == 0;

	switch (action) {
	case LEDGER_EDIT:
	case LEDGER_DELETE:
	case LEDGER_POST:
		return draft;
	case LEDGER_REVERSE:
		return strcmp(status, "posted") == 0;
	}
	return false;
}

bool ledger_period_transition_allowed(const char *from, const char *to)
{
	if (strcmp(to, "closed") == 0)
		return strcmp(from, "open") == 0;
	if (strcmp(to, "open") == 0)
		return strcmp(from, "closed") == 0;
	if (strcmp(to, "locked") == 0)
		return strcmp(from, "closed") == 0;
	return false;
}

bool ledger_lock_refusal(const struct ledger_lock_facts *facts, char *out, size_t size)
{
	if (!facts->ended)
		snprintf(out, size, "period %s ends on %s: it can be locked once that date has passed",
			 facts->period, facts->ends_on);
	else if (facts->earlier_unlocked)
		snprintf(out, size, "periods are locked in order: lock %s before %s",
			 facts->earlier_unlocked, facts->period);
	else if (facts->drafts > 0)
		snprintf(out, size, "draft %s is dated in period %s (%ld draft%s in all): post, delete"
			 " or discard the drafts before the period is locked", facts->first_draft,
			 facts->period, facts->drafts, facts->drafts == 1 ? "" : "s");
	else
		return false;
	return true;
}

static int days_in_month(int year, int month)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return month == 2 && leap ? 29 : days[month - 1];
}

void ledger_period_bounds(int fiscal_year, int first_month, int number, char starts_on[11],
			  char ends_on[11])
{
	int month0 = first_month - 1 + number - 1; /* months since January of fiscal_year */
	int year = fiscal_year + month0 / 12, month = month0 % 12 + 1;

	char text[32]; /* room for any int, so the compiler sees no truncation */

	snprintf(text, sizeof(text), "%04d-%02d-01", year % 10000, month);
	snprintf(starts_on, 11, "%.10s", text);
	snprintf(text, sizeof(text), "%04d-%02d-%02d", year % 10000, month, days_in_month(year, month));
	snprintf(ends_on, 11, "%.10s", text);
}

bool ledger_is_account_code(const char *code)
{
	size_t length = strlen(code);

	if (length == 0 || length > 20)
		return false;
	for (size_t i = 0; i < length; i++) {
		char c = code[i];
		bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');

		if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-')))
			return false;
	}
	return true;
}

bool ledger_is_source(const char *source)
{
	size_t length = strlen(source);

	if (length == 0 || length > 40 || source[0] < 'a' || source[0] > 'z')
		return false;
	for (size_t i = 1; i < length; i++) {
		char c = source[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

void ledger_today(char out[11])
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}
