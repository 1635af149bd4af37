/*
 * Sales' rules that need no database (server/src/modules/sales/rules.c,
 * amounts.c): codes, the accounts a document or a tax code names, a tax
 * code's input, an invoice's lines, invoice numbers, the credit limit.
 */
#include <check.h>
#include <string.h>

#include "common/arena.h"
#include "modules/sales/usecases.h"
#include "shared-kernel/errors.h"
#include "test/support/check_main.h"

static const struct {
	const char *code;
	bool valid;
} codes[] = {
	{ "VAT20", true }, { "vat-7.5", true }, { "A_B", true }, { "12345678901234567890", true },
	{ "123456789012345678901", false }, { "", false }, { NULL, false }, { "-A", false },
	{ "A B", false }, { "Ä1", false },
};

START_TEST(codes_are_identifiers)
{
	ck_assert_msg(sales_code_valid(codes[_i].code) == codes[_i].valid, "%s",
		      codes[_i].code ? codes[_i].code : "(null)");
}
END_TEST

/* --- accounts ------------------------------------------------------------------------------ */

static const struct sales_account liability = {
	.found = true, .id = "0190f5b2-7a3c-7def-8123-456789abcdef", .code = "2200",
	.type = "liability", .currency = "EUR", .active = true,
};

static const struct {
	const char *why;
	struct sales_account account;
	const char *type, *currency;
	const char *code;          /* the field error's code; NULL: accepted */
	const char *detail;
} accounts[] = {
	{ "an active liability in EUR", liability, "liability", "EUR", NULL, NULL },
	{ "none", { .found = false }, "liability", "EUR", "unknown",
	  "no account of the company has this code" },
	{ "an asset where a liability is wanted", liability, "asset", "EUR", "type",
	  "account 2200 is a liability account; this takes an asset" },
	{ "kept in another currency", liability, "liability", "USD", "currency",
	  "account 2200 is kept in EUR; this takes an account in USD" },
};

START_TEST(an_account_serves_by_type_currency_and_state)
{
	struct arena *arena = arena_new(1024);
	struct erp_refusal refusal = { 0 };
	int rc = sales_check_account(&refusal, arena, "/output_account", &accounts[_i].account,
				     accounts[_i].type, accounts[_i].currency);

	if (!accounts[_i].code) {
		ck_assert_msg(rc == ERP_OK, "%s", accounts[_i].why);
	} else {
		ck_assert_msg(rc == ERP_ERR_INVALID, "%s: %d", accounts[_i].why, rc);
		ck_assert_uint_eq(refusal.field_count, 1);
		ck_assert_str_eq(refusal.fields[0].pointer, "/output_account");
		ck_assert_str_eq(refusal.fields[0].code, accounts[_i].code);
		ck_assert_str_eq(refusal.fields[0].detail, accounts[_i].detail);
	}
	arena_free(arena);
}
END_TEST

START_TEST(an_inactive_account_takes_nothing_new)
{
	struct arena *arena = arena_new(1024);
	struct erp_refusal refusal = { 0 };
	struct sales_account inactive = liability;

	inactive.active = false;
	ck_assert_int_eq(sales_check_account(&refusal, arena, "/lines/3/revenue_account", &inactive,
					     "liability", "EUR"), ERP_ERR_INVALID);
	ck_assert_str_eq(refusal.fields[0].pointer, "/lines/3/revenue_account");
	ck_assert_str_eq(refusal.fields[0].code, "inactive");
	ck_assert_str_eq(refusal.fields[0].detail, "account 2200 is inactive");
	arena_free(arena);
}
END_TEST

/* --- a tax code's input ---------------------------------------------------------------------- */

static const struct {
	const char *why;
	struct sales_tax_code_input in;
	bool creating;
	const char *pointer;        /* the one field refused; NULL: accepted */
	int64_t rate_e4;
} tax_codes[] = {
	{ "a standard rate", { .code = "VAT20", .name = "VAT 20%", .rate = "20", .output_account = "2200" },
	  true, NULL, 200000 },
	{ "a reduced rate with a decimal", { .code = "VAT7", .name = "Reduced", .rate = "7.5",
	  .output_account = "2200" }, true, NULL, 75000 },
	{ "zero-rated", { .code = "Z", .name = "Zero", .rate = "0", .output_account = "2200" },
	  true, NULL, 0 },
	{ "a rate over 100", { .code = "X", .name = "X", .rate = "100.5", .output_account = "2200" },
	  true, "/rate", 0 },
	{ "five decimals", { .code = "X", .name = "X", .rate = "7.50001", .output_account = "2200" },
	  true, "/rate", 0 },
	{ "a rate that is no number", { .code = "X", .name = "X", .rate = "twenty",
	  .output_account = "2200" }, true, "/rate", 0 },
	{ "a code that is none", { .code = "VAT 20", .name = "X", .rate = "20",
	  .output_account = "2200" }, true, "/code", 0 },
	{ "no output account", { .code = "X", .name = "X", .rate = "20" }, true, "/output_account", 0 },
	{ "an empty name", { .code = "X", .name = "", .rate = "20", .output_account = "2200" },
	  true, "/name", 0 },
	{ "a change of the name only", { .code = "X", .name = "Renamed" }, false, NULL, -1 },
	{ "a change of the rate", { .code = "X", .rate = "19" }, false, NULL, 190000 },
	{ "a change to a bad rate", { .code = "X", .rate = "-1" }, false, "/rate", 0 },
};

START_TEST(a_tax_code_has_a_code_a_name_a_rate_and_an_account)
{
	struct erp_refusal refusal = { 0 };
	int64_t rate = -1;
	int rc = sales_tax_code_check(&refusal, &tax_codes[_i].in, tax_codes[_i].creating, &rate);

	if (!tax_codes[_i].pointer) {
		ck_assert_msg(rc == ERP_OK, "%s: %d", tax_codes[_i].why, rc);
		ck_assert_int_eq(rate, tax_codes[_i].rate_e4);
	} else {
		ck_assert_msg(rc == ERP_ERR_INVALID, "%s: %d", tax_codes[_i].why, rc);
		ck_assert_uint_eq(refusal.field_count, 1);
		ck_assert_str_eq(refusal.fields[0].pointer, tax_codes[_i].pointer);
	}
}
END_TEST

START_TEST(every_field_is_refused_at_once)
{
	struct sales_tax_code_input in = { .code = "", .name = "", .rate = "1e2" };
	struct erp_refusal refusal = { 0 };

	ck_assert_int_eq(sales_tax_code_check(&refusal, &in, true, &(int64_t){ 0 }), ERP_ERR_INVALID);
	ck_assert_uint_eq(refusal.field_count, 4);
	ck_assert_str_eq(refusal.fields[0].pointer, "/code");
	ck_assert_str_eq(refusal.fields[1].pointer, "/name");
	ck_assert_str_eq(refusal.fields[2].pointer, "/rate");
	ck_assert_str_eq(refusal.fields[3].pointer, "/output_account");
}
END_TEST


/* --- an invoice's input ------------------------------------------------------------------------ */

static const struct sales_line_input good_line = {
	.description = "Work", .quantity = "0.333", .unit_price = "19.99", .revenue_account = "4000",
	.tax_code = "VAT20",
};

static const struct {
	const char *why;
	struct sales_line_input line;
	const char *pointer;        /* the one field refused; NULL: accepted */
} lines[] = {
	{ "a good line", { .description = "Work", .quantity = "0.333", .unit_price = "19.99" }, NULL },
	{ "a discount", { .description = "Work", .quantity = "1", .unit_price = "1", .discount_percent = "12.5" },
	  NULL },
	{ "a price of 0", { .description = "Free", .quantity = "1", .unit_price = "0" }, NULL },
	{ "a quantity of 0", { .description = "X", .quantity = "0", .unit_price = "1" }, "/lines/0/quantity" },
	{ "a negative quantity", { .description = "X", .quantity = "-1", .unit_price = "1" },
	  "/lines/0/quantity" },
	{ "five decimals of quantity", { .description = "X", .quantity = "1.00001", .unit_price = "1" },
	  "/lines/0/quantity" },
	{ "three decimals of euro", { .description = "X", .quantity = "1", .unit_price = "1.005" },
	  "/lines/0/unit_price" },
	{ "a negative price", { .description = "X", .quantity = "1", .unit_price = "-1" },
	  "/lines/0/unit_price" },
	{ "a discount over 100", { .description = "X", .quantity = "1", .unit_price = "1",
	  .discount_percent = "100.01" }, "/lines/0/discount_percent" },
	{ "no description", { .description = "", .quantity = "1", .unit_price = "1" }, "/lines/0/description" },
};

START_TEST(each_line_has_a_quantity_a_price_and_a_discount_it_can_have)
{
	struct arena *arena = arena_new(1024);
	struct erp_refusal refusal = { 0 };
	struct sales_invoice_input in = { .partner = "ACME", .date = "2026-03-10", .lines = &lines[_i].line,
					  .line_count = 1 };
	struct sales_line_checked checked;
	int rc = sales_invoice_check(&refusal, arena, &in, erp_currency_find("EUR"), &checked);

	if (!lines[_i].pointer) {
		ck_assert_msg(rc == ERP_OK, "%s: %d", lines[_i].why, rc);
	} else {
		ck_assert_msg(rc == ERP_ERR_INVALID, "%s: %d", lines[_i].why, rc);
		ck_assert_uint_eq(refusal.field_count, 1);
		ck_assert_str_eq(erp_refusal_field(&refusal, 0)->pointer, lines[_i].pointer);
	}
	arena_free(arena);
}
END_TEST

START_TEST(a_line_becomes_exact_numbers)
{
	struct arena *arena = arena_new(1024);
	struct erp_refusal refusal = { 0 };
	struct sales_line_input line = good_line;
	struct sales_invoice_input in = { .date = "2026-03-10", .lines = &line, .line_count = 1 };
	struct sales_line_checked checked;

	line.discount_percent = "7.25";
	ck_assert_int_eq(sales_invoice_check(&refusal, arena, &in, erp_currency_find("EUR"), &checked), ERP_OK);
	ck_assert_int_eq(checked.quantity_e4, 3330);
	ck_assert_int_eq(checked.unit_price_minor, 1999);
	ck_assert(checked.has_discount);
	ck_assert_int_eq(checked.discount_e4, 72500);
	/* In yen, the same price has too many decimals, and the sentence says so. */
	ck_assert_int_eq(sales_invoice_check(&refusal, arena, &in, erp_currency_find("JPY"), &checked),
			 ERP_ERR_INVALID);
	ck_assert_str_eq(erp_refusal_field(&refusal, 0)->detail, "JPY allows at most 0 decimals");
	arena_free(arena);
}
END_TEST

START_TEST(every_line_of_hundreds_is_refused_by_its_pointer)
{
	struct arena *arena = arena_new(4096);
	struct erp_refusal refusal = { 0 };
	struct sales_line_input many[SALES_LINES_MAX];
	struct sales_line_checked checked[SALES_LINES_MAX];
	struct sales_invoice_input in = { .date = "2026-03-10", .due_date = "2026-03-09", .lines = many,
					  .line_count = SALES_LINES_MAX };

	for (size_t i = 0; i < SALES_LINES_MAX; i++) {
		many[i] = good_line;
		many[i].quantity = "0";
	}
	ck_assert_int_eq(sales_invoice_check(&refusal, arena, &in, erp_currency_find("EUR"), checked),
			 ERP_ERR_INVALID);
	/* The due date and all 200 lines, the last one too. */
	ck_assert_uint_eq(refusal.field_count, 1 + SALES_LINES_MAX);
	ck_assert_str_eq(erp_refusal_field(&refusal, 0)->pointer, "/due_date");
	ck_assert_str_eq(erp_refusal_field(&refusal, SALES_LINES_MAX)->pointer, "/lines/199/quantity");
	/* One line too many. */
	in.line_count = SALES_LINES_MAX + 1;
	refusal = (struct erp_refusal){ 0 };
	in.due_date = NULL;
	for (size_t i = 0; i < SALES_LINES_MAX; i++)
		many[i].quantity = "1";
	ck_assert_int_eq(sales_invoice_check(&refusal, arena, &in, erp_currency_find("EUR"), checked),
			 ERP_ERR_INVALID);
	ck_assert_str_eq(erp_refusal_field(&refusal, 0)->pointer, "/lines");
	arena_free(arena);
}
END_TEST

/* --- numbers and the credit limit ----------------------------------------------------------------- */

static const struct {
	int year, sequence;
	const char *number;         /* NULL: refused */
} numbers[] = {
	{ 2026, 1, "INV-2026-000001" },
	{ 2026, 999999, "INV-2026-999999" },
	{ 2026, 1000000, "INV-2026-1000000" },  /* a busy year grows a digit, never wraps */
	{ 1900, 42, "INV-1900-000042" },
	{ 2026, 0, NULL },
	{ 1899, 1, NULL },
	{ 10000, 1, NULL },
};

START_TEST(invoice_numbers_read_inv_year_sequence)
{
	char out[SALES_NUMBER_MAX];
	int length = sales_invoice_number(numbers[_i].year, numbers[_i].sequence, out, sizeof(out));

	if (!numbers[_i].number) {
		ck_assert_int_eq(length, -1);
		return;
	}
	ck_assert_str_eq(out, numbers[_i].number);
	ck_assert_int_eq(length, (int)strlen(numbers[_i].number));
	/* Too small a buffer is refused, not cut. */
	ck_assert_int_eq(sales_invoice_number(numbers[_i].year, numbers[_i].sequence, out, 8), -1);
}
END_TEST

static const struct {
	const char *why;
	bool has_limit;
	int64_t limit, open, total;
	int verdict;
	int64_t after;
} credits[] = {
	{ "no limit", false, 0, 500000, 100000, SALES_CREDIT_WITHIN, 600000 },
	{ "under", true, 100000, 40000, 50000, SALES_CREDIT_WITHIN, 90000 },
	{ "exactly at the limit", true, 100000, 40000, 60000, SALES_CREDIT_WITHIN, 100000 },
	{ "a cent over", true, 100000, 40000, 60001, SALES_CREDIT_OVER, 100001 },
	{ "a limit of zero", true, 0, 0, 1, SALES_CREDIT_OVER, 1 },
	{ "more than can be counted", true, 100000, INT64_MAX, 1, ERP_ERR_OVERFLOW, 0 },
};

START_TEST(the_credit_limit_is_the_most_a_customer_may_owe)
{
	int64_t after = 0;
	int verdict = sales_credit_check(credits[_i].has_limit, credits[_i].limit, credits[_i].open,
					 credits[_i].total, &after);

	ck_assert_msg(verdict == credits[_i].verdict, "%s: %d", credits[_i].why, verdict);
	if (verdict != ERP_ERR_OVERFLOW)
		ck_assert_int_eq(after, credits[_i].after);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("unit/modules/sales/rules");
	TCase *tc = tcase_create("rules");

	tcase_add_loop_test(tc, codes_are_identifiers, 0, sizeof(codes) / sizeof(codes[0]));
	tcase_add_loop_test(tc, an_account_serves_by_type_currency_and_state, 0,
			    sizeof(accounts) / sizeof(accounts[0]));
	tcase_add_test(tc, an_inactive_account_takes_nothing_new);
	tcase_add_loop_test(tc, a_tax_code_has_a_code_a_name_a_rate_and_an_account, 0,
			    sizeof(tax_codes) / sizeof(tax_codes[0]));
	tcase_add_test(tc, every_field_is_refused_at_once);
	tcase_add_loop_test(tc, each_line_has_a_quantity_a_price_and_a_discount_it_can_have, 0,
			    sizeof(lines) / sizeof(lines[0]));
	tcase_add_test(tc, a_line_becomes_exact_numbers);
	tcase_add_test(tc, every_line_of_hundreds_is_refused_by_its_pointer);
	tcase_add_loop_test(tc, invoice_numbers_read_inv_year_sequence, 0,
			    sizeof(numbers) / sizeof(numbers[0]));
	tcase_add_loop_test(tc, the_credit_limit_is_the_most_a_customer_may_owe, 0,
			    sizeof(credits) / sizeof(credits[0]));
	suite_add_tcase(s, tc);
	return s;
}
