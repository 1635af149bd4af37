/* The ledger's rules without a database (server/src/modules/ledger/service.c). */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "modules/ledger/internal.h"
#include "shared-kernel/money.h"
#include "test/support/check_main.h"

static struct erp_refusal refusal;
static struct arena *arena;

static void setup(void)
{
	refusal = (struct erp_refusal){ 0 };
	arena = arena_new(1024);
	ck_assert_ptr_nonnull(arena);
}

static void teardown(void)
{
	arena_free(arena);
}

/* The lines' rules into the test's refusal (its sentences in the test's arena). */
static int check(struct ledger_line *lines, size_t count)
{
	return ledger_check_lines(lines, count, &refusal, arena);
}

/* Forgets the refusal of an earlier check. */
static void forget(void)
{
	refusal = (struct erp_refusal){ 0 };
}

/*
 * A resolved, active line on an account in currency with exponent
 * decimals, its amounts given as an HTTP body gives them (decimal text).
 */
static struct ledger_line line(const char *account, const char *currency, int exponent,
			       const char *debit, const char *credit)
{
	struct ledger_line l = { .account = account, .debit = ledger_amount_decimal(debit),
				 .credit = ledger_amount_decimal(credit), .found = true,
				 .active = true, .exponent = exponent };

	snprintf(l.currency, sizeof(l.currency), "%s", currency);
	return l;
}

/* The same line with its amounts given as ledger.h's callers give them: minor units (0: not given). */
static struct ledger_line line_minor(const char *account, const char *currency, int exponent,
				     int64_t debit, int64_t credit)
{
	struct ledger_line l = line(account, currency, exponent, NULL, NULL);

	if (debit)
		l.debit = ledger_amount_minor(debit);
	if (credit)
		l.credit = ledger_amount_minor(credit);
	return l;
}

static size_t error_count(void)
{
	return refusal.field_count;
}

static const char *error_field(size_t i, const char *field)
{
	const struct erp_field_refusal *f = erp_refusal_field(&refusal, i);

	if (!f)
		return NULL;
	if (strcmp(field, "pointer") == 0)
		return f->pointer;
	if (strcmp(field, "code") == 0)
		return f->code;
	return f->detail;
}

/* --- balance --------------------------------------------------------------------------- */

START_TEST(balanced_entry_passes_and_amounts_are_parsed)
{
	struct ledger_line lines[] = { line("1000", "USD", 2, "100.5", NULL),
				       line("4000", "USD", 2, NULL, "60.25"),
				       line("4100", "USD", 2, NULL, "40.25") };

	ck_assert_int_eq(check(lines, 3), 0);
	ck_assert_int_eq(lines[0].debit_minor, 10050);
	ck_assert_int_eq(lines[0].credit_minor, 0);
	ck_assert_int_eq(lines[1].credit_minor, 6025);
	ck_assert_uint_eq(error_count(), 0);
}
END_TEST

START_TEST(unbalanced_entry_names_currency_and_difference)
{
	struct ledger_line lines[] = { line("1000", "USD", 2, "100.50", NULL),
				       line("4000", "USD", 2, NULL, "90") };

	ck_assert_int_eq(check(lines, 2), 1);
	ck_assert_str_eq(error_field(0, "pointer"), "/lines");
	ck_assert_str_eq(error_field(0, "code"), "unbalanced");
	ck_assert_str_eq(error_field(0, "detail"),
			 "the entry does not balance in USD: debits 100.50, credits 90.00, difference 10.50");
}
END_TEST

START_TEST(each_currency_balances_by_itself)
{
	/* 100 USD against 100 EUR is two unbalanced currencies, not a balanced entry. */
	struct ledger_line mixed[] = { line("1000", "USD", 2, "100", NULL),
				       line("1100", "EUR", 2, NULL, "100") };
	struct ledger_line both[] = { line("1000", "USD", 2, "5", NULL), line("1100", "EUR", 2, "7", NULL),
				      line("4000", "USD", 2, NULL, "5"), line("4100", "EUR", 2, NULL, "7") };

	ck_assert_int_eq(check(mixed, 2), 2);
	ck_assert_ptr_nonnull(strstr(error_field(0, "detail"), "in USD"));
	ck_assert_ptr_nonnull(strstr(error_field(1, "detail"), "in EUR"));
	forget();
	ck_assert_int_eq(check(both, 4), 0);
}
END_TEST

START_TEST(fewer_than_two_lines_are_refused)
{
	struct ledger_line lines[] = { line("1000", "USD", 2, "1", NULL) };

	ck_assert_int_eq(check(lines, 1), 1);
	ck_assert_str_eq(error_field(0, "code"), "min_items");
}
END_TEST

START_TEST(a_line_has_exactly_one_side)
{
	struct ledger_line lines[] = { line("1000", "USD", 2, "1", "1"), line("4000", "USD", 2, NULL, NULL) };

	ck_assert_int_eq(check(lines, 2), 2);
	ck_assert_str_eq(error_field(0, "pointer"), "/lines/0/credit");
	ck_assert_str_eq(error_field(0, "code"), "one_side");
	ck_assert_str_eq(error_field(1, "pointer"), "/lines/1/debit");
}
END_TEST

START_TEST(unknown_and_inactive_accounts_are_named)
{
	struct ledger_line lines[] = { line("9999", "USD", 2, "1", NULL), line("4000", "USD", 2, NULL, "1") };

	lines[0].found = false;
	lines[1].active = false;
	ck_assert_int_eq(check(lines, 2), 2);
	ck_assert_str_eq(error_field(0, "code"), "unknown");
	ck_assert_str_eq(error_field(0, "detail"), "this company has no account 9999");
	ck_assert_str_eq(error_field(1, "code"), "inactive");
	ck_assert_str_eq(error_field(1, "pointer"), "/lines/1/account");
}
END_TEST

/* A line's account and its sides are judged together; its amount once its account is known. */
START_TEST(a_line_answers_every_problem_it_has)
{
	struct ledger_line lines[] = { line("9999", "USD", 2, "1", "1"), line("4000", "USD", 2, "1.005", NULL),
				       line("4100", "USD", 2, "2.001", NULL), line("5000", "USD", 2, NULL, "3") };

	lines[0].found = false;  /* unknown, and both sides */
	lines[1].active = false; /* inactive, and too many decimals for its currency */
	lines[2].found = false;  /* unknown: its amount is not judged, in no currency */
	ck_assert_int_eq(check(lines, 4), 5);
	ck_assert_str_eq(error_field(0, "pointer"), "/lines/0/account");
	ck_assert_str_eq(error_field(1, "pointer"), "/lines/0/credit");
	ck_assert_str_eq(error_field(1, "code"), "one_side");
	ck_assert_str_eq(error_field(2, "code"), "inactive");
	ck_assert_str_eq(error_field(3, "pointer"), "/lines/1/debit");
	ck_assert_str_eq(error_field(3, "detail"), "USD allows at most 2 decimals");
	ck_assert_str_eq(error_field(4, "pointer"), "/lines/2/account");
	ck_assert_uint_eq(error_count(), 5);
	forget();
	/* ledger.h's callers may name no account at all: refused, not looked up. */
	lines[0] = line_minor(NULL, "USD", 2, 100, 0);
	lines[0].found = false;
	lines[1] = line_minor("4000", "USD", 2, 0, 100);
	ck_assert_int_eq(check(lines, 2), 1);
	ck_assert_str_eq(error_field(0, "pointer"), "/lines/0/account");
	ck_assert_str_eq(error_field(0, "code"), "required");
}
END_TEST

/* What the caller could not read (a request's schema refused it) is not judged, nor the balance. */
START_TEST(unread_parts_are_not_judged)
{
	struct ledger_line lines[] = { line("1000", "USD", 2, "1", NULL), line("4000", "USD", 2, NULL, "9"),
				       line(NULL, "USD", 2, NULL, "7"), line("4100", "USD", 2, NULL, "1") };

	lines[0].debit.form = LEDGER_AMOUNT_UNREAD; /* given, refused by the schema */
	lines[2].unread = LEDGER_UNREAD_ACCOUNT;
	lines[2].found = false;
	lines[3].unread = LEDGER_UNREAD_LINE;
	lines[3].credit = lines[3].debit; /* a line that is no object: not even its sides */
	ck_assert_int_eq(check(lines, 4), 0);
	ck_assert_uint_eq(error_count(), 0); /* and no "unbalanced" from sums of half an entry */
	/* Both sides given, one of them unread: still two sides. */
	lines[0].credit = ledger_amount_decimal("1");
	ck_assert_int_eq(check(lines, 4), 1);
	ck_assert_str_eq(error_field(0, "code"), "one_side");
	forget();
	/* Read in full, the same amounts do not balance. */
	{
		struct ledger_line read[] = { line("1000", "USD", 2, "1", NULL),
					      line("4000", "USD", 2, NULL, "9") };

		ck_assert_int_eq(check(read, 2), 1);
		ck_assert_str_eq(error_field(0, "code"), "unbalanced");
	}
}
END_TEST

/* --- amounts per currency ---------------------------------------------------------------- */

START_TEST(decimals_follow_the_currency)
{
	struct ledger_line usd[] = { line("1", "USD", 2, "1.005", NULL), line("2", "USD", 2, NULL, "1.00") };
	struct ledger_line jpy[] = { line("1", "JPY", 0, "1500", NULL), line("2", "JPY", 0, NULL, "1500.0") };
	struct ledger_line kwd[] = { line("1", "KWD", 3, "1.005", NULL), line("2", "KWD", 3, NULL, "1.005") };

	ck_assert_int_eq(check(usd, 2), 1);
	ck_assert_str_eq(error_field(0, "detail"), "USD allows at most 2 decimals");
	forget();
	ck_assert_int_eq(check(jpy, 2), 1);
	ck_assert_str_eq(error_field(0, "pointer"), "/lines/1/credit");
	ck_assert_str_eq(error_field(0, "detail"), "JPY allows at most 0 decimals");
	forget();
	ck_assert_int_eq(check(kwd, 2), 0);
	ck_assert_int_eq(kwd[0].debit_minor, 1005);
}
END_TEST

START_TEST(zero_negative_and_malformed_amounts_are_refused)
{
	const char *bad[] = { "0", "0.00", "-1.00", "1e3", "", " 1", "01", "+1", "1.", ".5" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct ledger_line lines[] = { line("1", "USD", 2, bad[i], NULL),
					       line("2", "USD", 2, NULL, "1") };

		forget();
		ck_assert_msg(check(lines, 2) == 1, "amount \"%s\" accepted", bad[i]);
		ck_assert_str_eq(error_field(0, "pointer"), "/lines/0/debit");
		ck_assert_str_eq(error_field(0, "code"), "amount");
	}
}
END_TEST

/* --- amounts: exact decimals scaled to the account, minor units taken as they are ---------- */

START_TEST(decimals_are_scaled_once_the_account_is_known)
{
	struct ledger_line usd[] = { line("1", "USD", 2, "12.5", NULL), line("2", "USD", 2, NULL, "12.50") };
	struct ledger_line kwd[] = { line("1", "KWD", 3, "12.5", NULL), line("2", "KWD", 3, NULL, "12.500") };
	struct ledger_line jpy[] = { line("1", "JPY", 0, "12", NULL), line("2", "JPY", 0, NULL, "12") };

	ck_assert_int_eq(check(usd, 2), 0);
	ck_assert_int_eq(usd[0].debit_minor, 1250);
	ck_assert_int_eq(usd[1].credit_minor, 1250);
	ck_assert_int_eq(check(kwd, 2), 0);
	ck_assert_int_eq(kwd[0].debit_minor, 12500);
	ck_assert_int_eq(check(jpy, 2), 0);
	ck_assert_int_eq(jpy[0].debit_minor, 12);
}
END_TEST

START_TEST(minor_units_are_taken_as_they_are)
{
	struct ledger_line usd[] = { line_minor("1", "USD", 2, 12550, 0), line_minor("2", "USD", 2, 0, 12550) };
	struct ledger_line jpy[] = { line_minor("1", "JPY", 0, 1500, 0), line_minor("2", "JPY", 0, 0, 1500) };

	ck_assert_int_eq(check(usd, 2), 0);
	ck_assert_int_eq(usd[0].debit_minor, 12550);
	ck_assert_int_eq(usd[1].credit_minor, 12550);
	ck_assert_int_eq(check(jpy, 2), 0);
	ck_assert_int_eq(jpy[0].debit_minor, 1500);
}
END_TEST

/* What ledger.h's callers send is refused at the pointer, with the code and the sentence, the body's text gets. */
START_TEST(minor_units_and_decimal_text_are_refused_alike)
{
	static const struct {
		const char *text;
		int64_t minor;
		const char *detail;
	} cases[] = {
		{ "0", 0, "must be more than zero" },
		{ "0.00", 0, "must be more than zero" },
		{ "-1.00", -100, "The amount must not be negative." },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ledger_line text[] = { line("1", "USD", 2, "1", NULL), line("2", "USD", 2, NULL, cases[i].text) };
		struct ledger_line minor[] = { line_minor("1", "USD", 2, 100, 0), line_minor("2", "USD", 2, 0, 0) };
		char pointer[32], detail[120];

		minor[1].credit = ledger_amount_minor(cases[i].minor); /* given, whatever its value */
		forget();
		ck_assert_int_eq(check(text, 2), 1);
		snprintf(pointer, sizeof(pointer), "%s", error_field(0, "pointer"));
		snprintf(detail, sizeof(detail), "%s", error_field(0, "detail"));
		ck_assert_str_eq(detail, cases[i].detail);
		forget();
		ck_assert_int_eq(check(minor, 2), 1);
		ck_assert_str_eq(error_field(0, "pointer"), pointer);
		ck_assert_str_eq(error_field(0, "pointer"), "/lines/1/credit");
		ck_assert_str_eq(error_field(0, "code"), "amount");
		ck_assert_str_eq(error_field(0, "detail"), detail);
	}
	{
		struct ledger_line both[] = { line_minor("1", "USD", 2, 5, 5), line_minor("2", "USD", 2, 0, 5) };

		forget();
		ck_assert_int_eq(check(both, 2), 1);
		ck_assert_str_eq(error_field(0, "pointer"), "/lines/0/credit");
		ck_assert_str_eq(error_field(0, "code"), "one_side");
	}
}
END_TEST

/* Too many decimals is said first, in the currency's words, however many digits the text has. */
START_TEST(too_many_decimals_before_too_large)
{
	struct ledger_line usd[] = { line("1", "USD", 2, "99999999999999999999.999", NULL),
				     line("2", "USD", 2, NULL, "1") };
	struct ledger_line kwd[] = { line("1", "KWD", 3, "99999999999999999999.999", NULL),
				     line("2", "KWD", 3, NULL, "1") };
	struct ledger_line scaled[] = { line("1", "USD", 2, "92233720368547759", NULL),
					line("2", "USD", 2, NULL, "1") };

	ck_assert_int_eq(check(usd, 2), 1);
	ck_assert_str_eq(error_field(0, "detail"), "USD allows at most 2 decimals");
	forget();
	ck_assert_int_eq(check(kwd, 2), 1);
	ck_assert_str_eq(error_field(0, "detail"), erp_money_parse_message(ERP_MONEY_OVERFLOW));
	/* Fits int64 as written, not once scaled to cents. */
	forget();
	ck_assert_int_eq(check(scaled, 2), 1);
	ck_assert_str_eq(error_field(0, "detail"), erp_money_parse_message(ERP_MONEY_OVERFLOW));
}
END_TEST

/* Every line's problem is kept, as many as there are lines (beyond the refusal's inline fields). */
START_TEST(every_line_problem_is_kept)
{
	struct ledger_line lines[LEDGER_LINES_MAX];

	for (size_t i = 0; i < LEDGER_LINES_MAX; i++) {
		lines[i] = line("9999", "USD", 2, "1", NULL);
		lines[i].found = false;
	}
	ck_assert_int_eq(check(lines, LEDGER_LINES_MAX), LEDGER_LINES_MAX);
	ck_assert_uint_eq(error_count(), LEDGER_LINES_MAX);
	ck_assert_uint_eq(refusal.fields_dropped, 0);
	for (size_t i = 0; i < LEDGER_LINES_MAX; i += 97) {
		char pointer[32];

		snprintf(pointer, sizeof(pointer), "/lines/%zu/account", i);
		ck_assert_str_eq(error_field(i, "pointer"), pointer);
		ck_assert_str_eq(error_field(i, "code"), "unknown");
	}
	ck_assert_str_eq(error_field(LEDGER_LINES_MAX - 1, "pointer"), "/lines/499/account");
}
END_TEST

START_TEST(totals_that_overflow_are_refused_not_wrapped)
{
	struct ledger_line lines[] = { line("1", "USD", 2, "90000000000000000.00", NULL),
				       line("2", "USD", 2, "90000000000000000.00", NULL),
				       line("3", "USD", 2, NULL, "1") };

	ck_assert_int_eq(check(lines, 3), 1);
	ck_assert_str_eq(error_field(0, "detail"), "the entry's totals are too large");
}
END_TEST

/* --- numbering, lifecycle, periods ---------------------------------------------------------- */

START_TEST(numbers_are_je_year_and_six_digits)
{
	char out[24];

	ck_assert_int_eq(ledger_number_format(2026, 1, out, sizeof(out)), 14);
	ck_assert_str_eq(out, "JE-2026-000001");
	ck_assert_int_eq(ledger_number_format(2026, 999999, out, sizeof(out)), 14);
	ck_assert_str_eq(out, "JE-2026-999999");
	/* Past a million the number grows a digit rather than wrapping. */
	ck_assert_int_eq(ledger_number_format(2026, 1000000, out, sizeof(out)), 15);
	ck_assert_str_eq(out, "JE-2026-1000000");
	ck_assert_int_eq(ledger_number_format(2026, 0, out, sizeof(out)), -1);
	ck_assert_int_eq(ledger_number_format(10000, 1, out, sizeof(out)), -1);
	ck_assert_int_eq(ledger_number_format(2026, 1, out, 10), -1);
}
END_TEST

START_TEST(drafts_change_posted_entries_only_reverse)
{
	ck_assert(ledger_action_allowed("draft", LEDGER_EDIT));
	ck_assert(ledger_action_allowed("draft", LEDGER_DELETE));
	ck_assert(ledger_action_allowed("draft", LEDGER_POST));
	ck_assert(!ledger_action_allowed("draft", LEDGER_REVERSE));
	ck_assert(!ledger_action_allowed("posted", LEDGER_EDIT));
	ck_assert(!ledger_action_allowed("posted", LEDGER_DELETE));
	ck_assert(!ledger_action_allowed("posted", LEDGER_POST));
	ck_assert(ledger_action_allowed("posted", LEDGER_REVERSE));
	ck_assert(!ledger_action_allowed("", LEDGER_POST));
}
END_TEST

START_TEST(period_transitions)
{
	ck_assert(ledger_period_transition_allowed("open", "closed"));
	ck_assert(ledger_period_transition_allowed("closed", "open"));
	/* Only a closed period is locked (lock requests are four-eyes, http_periods.c). */
	ck_assert(!ledger_period_transition_allowed("open", "locked"));
	ck_assert(ledger_period_transition_allowed("closed", "locked"));
	ck_assert(!ledger_period_transition_allowed("locked", "open"));
	ck_assert(!ledger_period_transition_allowed("locked", "closed"));
	ck_assert(!ledger_period_transition_allowed("open", "open"));
	ck_assert(!ledger_period_transition_allowed("closed", "closed"));
	ck_assert(!ledger_period_transition_allowed("locked", "locked"));
}
END_TEST

/* Each row: the facts of a closed period and the refusal they give (NULL: it may be locked). */
static const struct {
	struct ledger_lock_facts facts;
	const char *refusal;
} lock_cases[] = {
	{ { "2026-03", "2026-03-31", true, NULL, 0, NULL }, NULL },
	{ { "2026-12", "2026-12-31", false, NULL, 0, NULL },
	  "period 2026-12 ends on 2026-12-31: it can be locked once that date has passed" },
	{ { "2026-03", "2026-03-31", true, "2026-01", 0, NULL },
	  "periods are locked in order: lock 2026-01 before 2026-03" },
	{ { "2026-03", "2026-03-31", true, NULL, 1, "01a20a82-4f50-7472-b26d-e7ac049afaed" },
	  "draft 01a20a82-4f50-7472-b26d-e7ac049afaed is dated in period 2026-03 (1 draft in all):"
	  " post, delete or discard the drafts before the period is locked" },
	{ { "2026-03", "2026-03-31", true, NULL, 3, "01a20a82-4f50-7472-b26d-e7ac049afaed" },
	  "draft 01a20a82-4f50-7472-b26d-e7ac049afaed is dated in period 2026-03 (3 drafts in all):"
	  " post, delete or discard the drafts before the period is locked" },
	/* The first rule broken is the one named: not ended, then order, then drafts. */
	{ { "2026-12", "2026-12-31", false, "2026-01", 2, "01a20a82-4f50-7472-b26d-e7ac049afaed" },
	  "period 2026-12 ends on 2026-12-31: it can be locked once that date has passed" },
	{ { "2026-03", "2026-03-31", true, "2026-02", 2, "01a20a82-4f50-7472-b26d-e7ac049afaed" },
	  "periods are locked in order: lock 2026-02 before 2026-03" },
};

START_TEST(lock_refusals_name_the_rule)
{
	for (size_t i = 0; i < sizeof(lock_cases) / sizeof(lock_cases[0]); i++) {
		char sentence[300] = "";
		bool refused = ledger_lock_refusal(&lock_cases[i].facts, sentence, sizeof(sentence));

		ck_assert_msg(refused == (lock_cases[i].refusal != NULL), "case %zu: %s", i, sentence);
		if (lock_cases[i].refusal)
			ck_assert_str_eq(sentence, lock_cases[i].refusal);
	}
}
END_TEST

START_TEST(period_bounds_cover_months_leap_years_and_shifted_years)
{
	char from[11], to[11];

	ledger_period_bounds(2028, 1, 2, from, to);
	ck_assert_str_eq(from, "2028-02-01");
	ck_assert_str_eq(to, "2028-02-29");
	ledger_period_bounds(2100, 1, 2, from, to);
	ck_assert_str_eq(to, "2100-02-28");
	ledger_period_bounds(2026, 7, 1, from, to);
	ck_assert_str_eq(from, "2026-07-01");
	ledger_period_bounds(2026, 7, 12, from, to);
	ck_assert_str_eq(from, "2027-06-01");
	ck_assert_str_eq(to, "2027-06-30");
}
END_TEST

START_TEST(codes_and_sources)
{
	ck_assert(ledger_is_account_code("1000"));
	ck_assert(ledger_is_account_code("4000-EU.b_2"));
	ck_assert(!ledger_is_account_code(""));
	ck_assert(!ledger_is_account_code("-1000"));
	ck_assert(!ledger_is_account_code("10 00"));
	ck_assert(!ledger_is_account_code("123456789012345678901"));
	ck_assert(ledger_is_source("manual"));
	ck_assert(ledger_is_source("sales.invoice"));
	ck_assert(!ledger_is_source("Sales"));
	ck_assert(!ledger_is_source("1sales"));
	ck_assert(!ledger_is_source("sales invoice"));
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("modules/ledger/service");
	TCase *balance = tcase_create("balance");
	TCase *rules = tcase_create("rules");

	tcase_add_checked_fixture(balance, setup, teardown);
	tcase_add_test(balance, balanced_entry_passes_and_amounts_are_parsed);
	tcase_add_test(balance, unbalanced_entry_names_currency_and_difference);
	tcase_add_test(balance, each_currency_balances_by_itself);
	tcase_add_test(balance, fewer_than_two_lines_are_refused);
	tcase_add_test(balance, a_line_has_exactly_one_side);
	tcase_add_test(balance, unknown_and_inactive_accounts_are_named);
	tcase_add_test(balance, a_line_answers_every_problem_it_has);
	tcase_add_test(balance, unread_parts_are_not_judged);
	tcase_add_test(balance, decimals_follow_the_currency);
	tcase_add_test(balance, zero_negative_and_malformed_amounts_are_refused);
	tcase_add_test(balance, totals_that_overflow_are_refused_not_wrapped);
	tcase_add_test(balance, decimals_are_scaled_once_the_account_is_known);
	tcase_add_test(balance, minor_units_are_taken_as_they_are);
	tcase_add_test(balance, minor_units_and_decimal_text_are_refused_alike);
	tcase_add_test(balance, too_many_decimals_before_too_large);
	tcase_add_test(balance, every_line_problem_is_kept);
	suite_add_tcase(s, balance);
	tcase_add_test(rules, numbers_are_je_year_and_six_digits);
	tcase_add_test(rules, drafts_change_posted_entries_only_reverse);
	tcase_add_test(rules, period_transitions);
	tcase_add_test(rules, lock_refusals_name_the_rule);
	tcase_add_test(rules, period_bounds_cover_months_leap_years_and_shifted_years);
	tcase_add_test(rules, codes_and_sources);
	suite_add_tcase(s, rules);
	return s;
}
