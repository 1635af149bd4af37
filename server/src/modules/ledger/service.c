/*
 * The ledger's rules that need no database: what makes a journal entry's
 * lines acceptable, how posted entries are numbered, and which lifecycle
 * steps are allowed. Pure functions, unit-tested directly.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "modules/ledger/internal.h"
#include "shared-kernel/money.h"

enum { CURRENCIES_MAX = 16 };

struct currency_sum {
	const char *code;
	int exponent;
	int64_t debit;
	int64_t credit;
	bool overflow;
};

struct ledger_amount ledger_amount_decimal(const char *text)
{
	struct ledger_amount amount = { .form = LEDGER_AMOUNT_NONE };

	if (text) {
		amount.form = LEDGER_AMOUNT_DECIMAL;
		amount.parsed = erp_amount_parse(text, 0, &amount.decimal);
	}
	return amount;
}

struct ledger_amount ledger_amount_minor(int64_t minor)
{
	return (struct ledger_amount){ .form = LEDGER_AMOUNT_MINOR, .minor = minor };
}

/* One field refused about line (NULL: the lines as a whole); 1, or -1 when out of memory. */
static int add_error(struct erp_refusal *refusal, struct arena *arena, size_t line,
		     const char *field, const char *code, const char *detail)
{
	const char *pointer = field ? arena_printf(arena, "/lines/%zu/%s", line, field) : "/lines";

	if (!pointer || !detail)
		return -1;
	return erp_refuse_field_kept(refusal, arena, pointer, code, detail) == ERP_ERR_INVALID ? 1 : -1;
}

/*
 * A side in the account's minor units: a decimal scaled to its exponent
 * (refused when it has more decimals than the currency: never rounded),
 * minor units as they are. ERP_MONEY_OK or why not.
 */
static int minor_units(const struct ledger_amount *amount, int exponent, int64_t *out)
{
	if (amount->form == LEDGER_AMOUNT_MINOR) {
		*out = amount->minor;
		return amount->minor < 0 ? ERP_MONEY_NEGATIVE : ERP_MONEY_OK;
	}
	return erp_amount_to_minor(amount->parsed, amount->decimal, exponent, out);
}

static int check_amount(struct erp_refusal *refusal, struct arena *arena, struct ledger_line *line,
			size_t i, const char *field, const struct ledger_amount *amount, int64_t *out)
{
	int rc = minor_units(amount, line->exponent, out);
	const char *detail;

	if (rc == ERP_MONEY_OK && *out > 0)
		return 0;
	if (rc == ERP_MONEY_OK)
		detail = "must be more than zero";
	else if (rc == ERP_MONEY_TOO_MANY_DECIMALS)
		detail = arena_printf(arena, "%s allows at most %d decimals", line->currency, line->exponent);
	else
		detail = erp_money_parse_message(rc);
	return add_error(refusal, arena, i, field, "amount", detail);
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

/* The rule on a line's account, when it was read: 0 or 1 problem (or -1). */
static int check_account(struct erp_refusal *refusal, struct arena *arena,
			 const struct ledger_line *line, size_t i)
{
	if (line->unread & LEDGER_UNREAD_ACCOUNT)
		return 0;
	if (!line->account)
		return add_error(refusal, arena, i, "account", "required", "a line names its account");
	if (!line->found)
		return add_error(refusal, arena, i, "account", "unknown",
				 arena_printf(arena, "this company has no account %.40s", line->account));
	if (!line->active)
		return add_error(refusal, arena, i, "account", "inactive",
				 arena_printf(arena, "account %.40s is inactive and refuses postings",
					      line->account));
	return 0;
}

/*
 * One line: account usable, one side, a valid amount, each judged so one
 * answer names them all; the amount only once the account is known, in
 * its currency. Returns problems found (or -1).
 */
static int check_line(struct erp_refusal *refusal, struct arena *arena, struct ledger_line *line,
		      size_t i)
{
	bool debit = line->debit.form != LEDGER_AMOUNT_NONE;
	bool credit = line->credit.form != LEDGER_AMOUNT_NONE;
	const struct ledger_amount *amount = debit ? &line->debit : &line->credit;
	int problems, rc;

	if (line->unread & LEDGER_UNREAD_LINE)
		return 0;
	problems = check_account(refusal, arena, line, i);
	if (problems < 0)
		return -1;
	line->debit_minor = line->credit_minor = 0;
	if (debit == credit)
		rc = add_error(refusal, arena, i, debit ? "credit" : "debit", "one_side",
			       "a line has either a debit or a credit, not both and not neither");
	else if (!line->account || !line->found || (line->unread & LEDGER_UNREAD_ACCOUNT) ||
		 amount->form == LEDGER_AMOUNT_UNREAD)
		rc = 0;
	else if (debit)
		rc = check_amount(refusal, arena, line, i, "debit", &line->debit, &line->debit_minor);
	else
		rc = check_amount(refusal, arena, line, i, "credit", &line->credit, &line->credit_minor);
	return rc < 0 ? -1 : problems + rc;
}

/* Whether any part of the line is unread. */
static bool has_unread(const struct ledger_line *line)
{
	return line->unread || line->debit.form == LEDGER_AMOUNT_UNREAD ||
	       line->credit.form == LEDGER_AMOUNT_UNREAD;
}

static int report_unbalanced(struct erp_refusal *refusal, struct arena *arena,
			     const struct currency_sum *sum)
{
	char debit[ERP_MONEY_TEXT_MAX + 1], credit[ERP_MONEY_TEXT_MAX + 1];
	char difference[ERP_MONEY_TEXT_MAX + 1];
	int64_t diff = 0;

	erp_money_format(sum->debit, sum->exponent, debit, sizeof(debit));
	erp_money_format(sum->credit, sum->exponent, credit, sizeof(credit));
	erp_money_sub(sum->debit, sum->credit, &diff);
	if (diff < 0)
		erp_money_neg(diff, &diff);
	erp_money_format(diff, sum->exponent, difference, sizeof(difference));
	return add_error(refusal, arena, 0, NULL, "unbalanced",
			 arena_printf(arena, "the entry does not balance in %s: debits %s, credits %s,"
				      " difference %s", sum->code, debit, credit, difference));
}

int ledger_check_lines(struct ledger_line *lines, size_t count, struct erp_refusal *refusal,
		       struct arena *arena)
{
	struct currency_sum sums[CURRENCIES_MAX];
	size_t used = 0;
	int problems = 0;
	bool unread = false;

	if (count < 2)
		return add_error(refusal, arena, 0, NULL, "min_items", "an entry needs at least two lines");
	for (size_t i = 0; i < count; i++) {
		int rc = check_line(refusal, arena, &lines[i], i);

		if (rc < 0)
			return -1;
		problems += rc;
		unread |= has_unread(&lines[i]);
	}
	if (problems || unread)
		return problems; /* sums of lines with bad or unread amounts would mislead */
	for (size_t i = 0; i < count; i++) {
		struct currency_sum *sum = sum_for(sums, &used, &lines[i]);

		if (!sum)
			return add_error(refusal, arena, 0, NULL, "currencies",
					 "an entry may use at most 16 currencies");
		if (!erp_money_add(sum->debit, lines[i].debit_minor, &sum->debit) ||
		    !erp_money_add(sum->credit, lines[i].credit_minor, &sum->credit))
			sum->overflow = true;
	}
	for (size_t i = 0; i < used; i++) {
		int rc = 0;

		if (sums[i].overflow)
			rc = add_error(refusal, arena, 0, NULL, "amount", "the entry's totals are too large");
		else if (sums[i].debit != sums[i].credit)
			rc = report_unbalanced(refusal, arena, &sums[i]);
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

int ledger_closing_number_format(int fiscal_year, int sequence, char *out, size_t size)
{
	int length;

	if (fiscal_year < 1900 || fiscal_year > 9999 || sequence < 1)
		return -1;
	length = snprintf(out, size, "YC-%04d-%06d", fiscal_year, sequence);
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
