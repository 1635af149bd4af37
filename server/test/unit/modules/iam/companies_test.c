/* The rules on a company's input that need no database (server/src/modules/iam/companies.c). */
#include <check.h>

#include "modules/iam/internal.h"
#include "shared-kernel/errors.h"
#include "test/support/check_main.h"

static const struct {
	const char *name;
	struct iam_company_input in;
	bool creating;
	int code;
	const char *pointer;    /* the field refused, and its error's code */
	const char *field_code;
	const char *detail;
} cases[] = {
	{ "a new company", { "ACME", "Acme", "EUR", 0 }, true, ERP_OK, NULL, NULL, NULL },
	{ "a code with _ and -", { "A_1-B", "A", "JPY", 0 }, true, ERP_OK, NULL, NULL, NULL },
	{ "a lower-case code", { "acme", "Acme", "EUR", 0 }, true, ERP_ERR_INVALID, "/code", "format",
	  "must be upper-case letters, digits, '_' or '-', starting with a letter or digit" },
	{ "a code starting with _", { "_ACME", "Acme", "EUR", 0 }, true, ERP_ERR_INVALID, "/code",
	  "format", "must be upper-case letters, digits, '_' or '-', starting with a letter or digit" },
	{ "a code too long", { "ABCDEFGHIJKLMNOPQRSTU", "A", "EUR", 0 }, true, ERP_ERR_INVALID, "/code",
	  "format", "must be upper-case letters, digits, '_' or '-', starting with a letter or digit" },
	/* The code is answered first: one refusal at a time, as before the currency. */
	{ "a bad code and currency", { "acme", "Acme", "XYZ", 0 }, true, ERP_ERR_INVALID, "/code",
	  "format", "must be upper-case letters, digits, '_' or '-', starting with a letter or digit" },
	{ "an unknown currency", { "ACME", "Acme", "XYZ", 0 }, true, ERP_ERR_INVALID, "/currency",
	  "unknown", "unknown currency" },
	/* A change names the company by its code (the path's), and may leave the currency. */
	{ "a change of name", { "acme", "New", NULL, 3 }, false, ERP_OK, NULL, NULL, NULL },
	{ "a change to an unknown currency", { "ACME", NULL, "EURO", 3 }, false, ERP_ERR_INVALID,
	  "/currency", "unknown", "unknown currency" },
};

START_TEST(company_input_rules)
{
	struct erp_refusal refusal = { 0 };
	int rc = iam_company_check(&refusal, &cases[_i].in, cases[_i].creating);

	ck_assert_msg(rc == cases[_i].code, "%s: %d", cases[_i].name, rc);
	ck_assert_int_eq(refusal.code, cases[_i].code);
	if (!cases[_i].pointer) {
		ck_assert_uint_eq(refusal.field_count, 0);
		return;
	}
	ck_assert_uint_eq(refusal.field_count, 1);
	ck_assert_str_eq(refusal.fields[0].pointer, cases[_i].pointer);
	ck_assert_str_eq(refusal.fields[0].code, cases[_i].field_code);
	ck_assert_str_eq(refusal.detail, cases[_i].detail);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("unit/modules/iam/companies");
	TCase *tc = tcase_create("rules");

	tcase_add_loop_test(tc, company_input_rules, 0, sizeof(cases) / sizeof(cases[0]));
	suite_add_tcase(s, tc);
	return s;
}
