/* The rules on users that need no database (server/src/modules/iam/users.c). */
#include <check.h>

#include "modules/iam/internal.h"
#include "shared-kernel/errors.h"
#include "test/support/check_main.h"

#define ADMIN "0190f5b2-7a3c-7def-8123-456789abcdef"
#define OTHER "0190f5b2-7a3c-7def-8123-000000000002"

static const struct {
	const char *id;
	bool active;
	int code;
} activations[] = {
	{ OTHER, false, ERP_OK },
	{ OTHER, true, ERP_OK },
	{ ADMIN, true, ERP_OK },              /* reactivating oneself changes nothing: allowed */
	{ ADMIN, false, ERP_ERR_CONFLICT },
};

START_TEST(nobody_deactivates_themselves)
{
	struct erp_refusal refusal = { 0 };

	ck_assert_int_eq(iam_user_check_activation(&refusal, ADMIN, activations[_i].id,
						   activations[_i].active),
			 activations[_i].code);
	if (activations[_i].code)
		ck_assert_str_eq(refusal.detail, "you cannot deactivate yourself");
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("unit/modules/iam/users");
	TCase *tc = tcase_create("rules");

	tcase_add_loop_test(tc, nobody_deactivates_themselves, 0,
			    sizeof(activations) / sizeof(activations[0]));
	suite_add_tcase(s, tc);
	return s;
}
