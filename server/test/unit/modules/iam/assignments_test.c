/* The rules on a grant that need no database (server/src/modules/iam/assignments.c). */
#include <check.h>

#include "modules/iam/internal.h"
#include "shared-kernel/errors.h"
#include "test/support/check_main.h"

#define ADMIN "0190f5b2-7a3c-7def-8123-456789abcdef"
#define OTHER "0190f5b2-7a3c-7def-8123-000000000002"

static const struct {
	const char *name;
	struct iam_grant_input in;
	bool may_override;
	int code;
	const char *pointer;   /* a field refusal's, or NULL */
	const char *detail;
} cases[] = {
	{ "a grant to another", { OTHER, "clerk", "ACME", NULL, false }, false, ERP_OK, NULL, NULL },
	{ "a global grant", { OTHER, "auditor", NULL, NULL, false }, false, ERP_OK, NULL, NULL },
	{ "a grant to oneself", { ADMIN, "clerk", "ACME", NULL, false }, true, ERP_ERR_FORBIDDEN, NULL,
	  "nobody grants roles to themselves; ask another administrator" },
	/* Oneself first: the answer does not depend on what else is wrong. */
	{ "an override to oneself", { ADMIN, "clerk", "ACME", NULL, true }, false, ERP_ERR_FORBIDDEN,
	  NULL, "nobody grants roles to themselves; ask another administrator" },
	{ "an override without the permission", { OTHER, "clerk", "ACME", "why", true }, false,
	  ERP_ERR_FORBIDDEN, NULL,
	  "asking to override a segregation-of-duties conflict requires iam.sod.override in this scope" },
	{ "an override without a reason", { OTHER, "clerk", "ACME", NULL, true }, true, ERP_ERR_INVALID,
	  "/reason", "an override needs a reason (the change ticket or why)" },
	{ "an override with an empty reason", { OTHER, "clerk", "ACME", "", true }, true,
	  ERP_ERR_INVALID, "/reason", "an override needs a reason (the change ticket or why)" },
	{ "an override", { OTHER, "clerk", "ACME", "small team", true }, true, ERP_OK, NULL, NULL },
};

START_TEST(grant_rules)
{
	struct erp_refusal refusal = { 0 };
	int rc = iam_grant_check(&refusal, ADMIN, &cases[_i].in, cases[_i].may_override);

	ck_assert_msg(rc == cases[_i].code, "%s: %d", cases[_i].name, rc);
	ck_assert_int_eq(refusal.code, cases[_i].code);
	if (cases[_i].code == ERP_OK)
		return;
	ck_assert_str_eq(refusal.detail, cases[_i].detail);
	ck_assert_uint_eq(refusal.field_count, cases[_i].pointer ? 1 : 0);
	if (cases[_i].pointer)
		ck_assert_str_eq(refusal.fields[0].pointer, cases[_i].pointer);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("unit/modules/iam/assignments");
	TCase *tc = tcase_create("rules");

	tcase_add_loop_test(tc, grant_rules, 0, sizeof(cases) / sizeof(cases[0]));
	suite_add_tcase(s, tc);
	return s;
}
