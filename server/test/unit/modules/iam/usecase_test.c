/* How IAM's use cases refuse (server/src/modules/iam/usecase.c), without a database. */
#include <check.h>

#include "modules/iam/internal.h"
#include "shared-kernel/errors.h"
#include "test/support/check_main.h"

START_TEST(a_sentence_that_could_not_be_made_refuses_nothing)
{
	struct erp_ctx ctx = { 0 };

	/* arena_printf() failed: out of memory, not a refusal without its reason */
	ck_assert_int_eq(iam_refuse(&ctx, ERP_ERR_CONFLICT, NULL), ERP_ERR_NO_MEMORY);
	ck_assert(!erp_refused(&ctx.refusal));
	ck_assert_int_eq(iam_refuse(&ctx, ERP_ERR_CONFLICT, "the role is assigned 2 time(s)"),
			 ERP_ERR_CONFLICT);
	ck_assert_str_eq(ctx.refusal.detail, "the role is assigned 2 time(s)");
}
END_TEST

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

	tcase_add_test(tc, a_sentence_that_could_not_be_made_refuses_nothing);
	tcase_add_test(tc, busy_is_a_refusal_to_try_again);
	suite_add_tcase(s, tc);
	return s;
}
