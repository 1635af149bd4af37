/*
 * The rules on a journal entry's input that need no database
 * (server/src/modules/ledger/entries.c), and how a body's amounts are typed
 * before the account is known (server/src/modules/ledger/service.c).
 */
#include <check.h>

#include "modules/ledger/internal.h"
#include "shared-kernel/errors.h"
#include "test/support/check_main.h"

static const struct {
	const char *name;
	const char *source;
	bool creating;
	int code;
	const char *detail;    /* the /source field's, code "format" */
} cases[] = {
	{ "a new draft without a source (manual)", NULL, true, ERP_OK, NULL },
	{ "a new draft of a document type", "sales.invoice", true, ERP_OK, NULL },
	{ "a document type with digits, _ and -", "ap-2_invoice", true, ERP_OK, NULL },
	{ "a source with capitals and a space", "Sales Invoice", true, ERP_ERR_INVALID,
	  "must be lower-case letters, digits, '.', '_' or '-', starting with a letter" },
	{ "a source starting with a digit", "1sales", true, ERP_ERR_INVALID,
	  "must be lower-case letters, digits, '.', '_' or '-', starting with a letter" },
	{ "a source too long", "abcdefghijabcdefghijabcdefghijabcdefghijx", true, ERP_ERR_INVALID,
	  "must be lower-case letters, digits, '.', '_' or '-', starting with a letter" },
	{ "a change without a source", NULL, false, ERP_OK, NULL },
	/* The source is fixed: a change may not name one, not even a valid one. */
	{ "a change naming a source", "sales.invoice", false, ERP_ERR_INVALID,
	  "the source of an entry cannot change" },
};

START_TEST(entry_input_rules)
{
	struct ledger_entry_input in = { .source = cases[_i].source };
	struct erp_refusal refusal = { 0 };
	int rc = ledger_entry_check(&refusal, &in, cases[_i].creating);

	ck_assert_msg(rc == cases[_i].code, "%s: %d", cases[_i].name, rc);
	if (rc == ERP_OK) {
		ck_assert(!erp_refused(&refusal));
		return;
	}
	ck_assert_int_eq(refusal.code, ERP_ERR_INVALID);
	ck_assert_uint_eq(refusal.field_count, 1);
	ck_assert_str_eq(refusal.fields[0].pointer, "/source");
	ck_assert_str_eq(refusal.fields[0].code, "format");
	ck_assert_str_eq(refusal.fields[0].detail, cases[_i].detail);
	ck_assert_str_eq(refusal.detail, cases[_i].detail);
}
END_TEST

/* A body's amount is parsed at the edge, whatever it says; the currency judges it later. */
START_TEST(body_amounts_are_parsed_into_exact_decimals)
{
	struct ledger_amount none = ledger_amount_decimal(NULL);
	struct ledger_amount cents = ledger_amount_decimal("12.50");
	struct ledger_amount zeros = ledger_amount_decimal("1.000");
	struct ledger_amount bad = ledger_amount_decimal("1e3");
	struct ledger_amount minor = ledger_amount_minor(-5);

	ck_assert_int_eq(none.form, LEDGER_AMOUNT_NONE);
	ck_assert_int_eq(cents.form, LEDGER_AMOUNT_DECIMAL);
	ck_assert_int_eq(cents.parsed, ERP_MONEY_OK);
	ck_assert_int_eq(cents.decimal.units, 1250);
	ck_assert_int_eq(cents.decimal.scale, 2);
	ck_assert_int_eq(zeros.decimal.units, 1000);
	ck_assert_int_eq(zeros.decimal.scale, 3);
	/* Given, and refused only once the rules read it (after the account's own checks). */
	ck_assert_int_eq(bad.form, LEDGER_AMOUNT_DECIMAL);
	ck_assert_int_eq(bad.parsed, ERP_MONEY_SYNTAX);
	ck_assert_int_eq(minor.form, LEDGER_AMOUNT_MINOR);
	ck_assert_int_eq(minor.minor, -5);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("unit/modules/ledger/entries");
	TCase *tc = tcase_create("input");

	tcase_add_loop_test(tc, entry_input_rules, 0, (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, body_amounts_are_parsed_into_exact_decimals);
	suite_add_tcase(s, tc);
	return s;
}
