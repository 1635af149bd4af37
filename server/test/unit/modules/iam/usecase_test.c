/*
 * How IAM's use cases refuse (server/src/modules/iam/usecase.c), without a
 * database; a sentence that could not be made is every module's rule
 * (server/test/unit/shared-kernel/usecase_test.c).
 */
#include <check.h>

#include "modules/iam/internal.h"
#include "shared-kernel/errors.h"
#include "test/support/check_main.h"

START_TEST(busy_is_a_refusal_to_try_again)
{
	struct erp_ctx ctx = { 0 };

	ck_assert_int_eq(iam_refuse_busy(&ctx), ERP_ERR_UNAVAILABLE);
	ck_assert_int_eq(ctx.refusal.code, ERP_ERR_UNAVAILABLE);
	ck_assert_str_eq(ctx.refusal.detail,
			 "the server is busy verifying other logins; try again in a second");
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("unit/modules/iam/usecase");
	TCase *tc = tcase_create("refusals");

	tcase_add_test(tc, busy_is_a_refusal_to_try_again);
	suite_add_tcase(s, tc);
	return s;
}
