/*
 * Sales' rules that need no database (server/src/modules/sales/rules.c):
 * codes, the accounts a document or a tax code names, a tax code's input.
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
	suite_add_tcase(s, tc);
	return s;
}
