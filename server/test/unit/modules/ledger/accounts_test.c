/* The rule on a new account's input that needs no database (server/src/modules/ledger/accounts.c). */
#include <check.h>

#include "modules/ledger/internal.h"
#include "shared-kernel/errors.h"
#include "test/support/check_main.h"

static const char code_rule[] =
	"1 to 20 letters, digits, '.', '_' or '-', starting with a letter or digit";

static const struct {
	const char *code;
	int result;
} cases[] = {
	{ "1000", ERP_OK },
	{ "A.1_b-2", ERP_OK },
	{ "12345678901234567890", ERP_OK },
	{ "123456789012345678901", ERP_ERR_INVALID },
	{ "", ERP_ERR_INVALID },
	{ "-100", ERP_ERR_INVALID },
	{ "10 00", ERP_ERR_INVALID },
	{ NULL, ERP_ERR_INVALID },
};

START_TEST(account_code_rule)
{
	struct ledger_account_new in = { .code = cases[_i].code, .name = "Cash", .type = "asset" };
	struct erp_refusal refusal = { 0 };
	int rc = ledger_account_check_new(&refusal, &in);

	ck_assert_msg(rc == cases[_i].result, "\"%s\": %d", cases[_i].code ? cases[_i].code : "(null)", rc);
	if (rc == ERP_OK) {
		ck_assert(!erp_refused(&refusal));
		return;
	}
	/* The answer the handler gave before: one field, code "format", its sentence the refusal's. */
	ck_assert_uint_eq(refusal.field_count, 1);
	ck_assert_str_eq(refusal.fields[0].pointer, "/code");
	ck_assert_str_eq(refusal.fields[0].code, "format");
	ck_assert_str_eq(refusal.fields[0].detail, code_rule);
	ck_assert_str_eq(refusal.detail, code_rule);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("unit/modules/ledger/accounts");
	TCase *tc = tcase_create("input");

	tcase_add_loop_test(tc, account_code_rule, 0, (int)(sizeof(cases) / sizeof(cases[0])));
	suite_add_tcase(s, tc);
	return s;
}
