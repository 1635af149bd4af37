/* The rule on a password change that needs no database (server/src/modules/iam/password.c). */
#include <check.h>

#include "modules/iam/internal.h"
#include "shared-kernel/errors.h"
#include "test/support/check_main.h"

static const struct {
	const char *current;
	const char *next;
	int code;
} passwords[] = {
	{ "one-time-password", "my-own-password", ERP_OK },
	{ "one-time-password", "one-time-password", ERP_ERR_INVALID },
	{ "one-time-password", "one-time-password!", ERP_OK },
	{ "one-time-password!", "one-time-password", ERP_OK },
};

START_TEST(a_new_password_differs_from_the_current_one)
{
	struct iam_password_input in = { .current = passwords[_i].current, .next = passwords[_i].next };
	struct erp_refusal refusal = { 0 };

	ck_assert_int_eq(iam_password_check(&refusal, &in), passwords[_i].code);
	if (!passwords[_i].code)
		return;
	ck_assert_str_eq(refusal.fields[0].pointer, "/new_password");
	ck_assert_str_eq(refusal.fields[0].code, "format");
	ck_assert_str_eq(refusal.detail, "must differ from the current password");
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("unit/modules/iam/password");
	TCase *tc = tcase_create("rules");

	tcase_add_loop_test(tc, a_new_password_differs_from_the_current_one, 0,
			    sizeof(passwords) / sizeof(passwords[0]));
	suite_add_tcase(s, tc);
	return s;
}
