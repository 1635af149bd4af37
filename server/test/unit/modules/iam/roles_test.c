/* The rules on a role's input that need no database (server/src/modules/iam/roles.c). */
#include <check.h>

#include "modules/iam/internal.h"
#include "shared-kernel/errors.h"
#include "test/support/check_main.h"

static const char *const readers[] = { "iam.user.read", "iam.role.read" };

static const struct {
	const char *name;
	struct iam_role_input in;
	int code;
	const char *pointer;
	const char *detail;
} new_roles[] = {
	{ "a permission set", { .name = "readers", .permissions = { true, readers, 2 } }, ERP_OK,
	  NULL, NULL },
	{ "an empty set", { .name = "nobody", .permissions = { true, NULL, 0 } }, ERP_OK, NULL, NULL },
	{ "a copy", { .name = "aud-2", .copy_of = "auditor" }, ERP_OK, NULL, NULL },
	{ "both", { .name = "x", .permissions = { true, readers, 2 }, .copy_of = "auditor" },
	  ERP_ERR_INVALID, "/copy_of", "give either permissions or copy_of (the role to copy)" },
	{ "neither", { .name = "x" }, ERP_ERR_INVALID, "/permissions",
	  "give either permissions or copy_of (the role to copy)" },
	{ "an upper-case name", { .name = "Readers", .copy_of = "auditor" }, ERP_ERR_INVALID, "/name",
	  "must be lower-case letters, digits, '_' or '-', starting with a letter" },
	{ "a name starting with a digit", { .name = "1st", .copy_of = "auditor" }, ERP_ERR_INVALID,
	  "/name", "must be lower-case letters, digits, '_' or '-', starting with a letter" },
};

START_TEST(new_role_rules)
{
	struct erp_refusal refusal = { 0 };
	int rc = iam_role_check_new(&refusal, &new_roles[_i].in);

	ck_assert_msg(rc == new_roles[_i].code, "%s: %d", new_roles[_i].name, rc);
	if (!new_roles[_i].pointer) {
		ck_assert(!erp_refused(&refusal));
		return;
	}
	ck_assert_uint_eq(refusal.field_count, 1);
	ck_assert_str_eq(refusal.fields[0].pointer, new_roles[_i].pointer);
	ck_assert_str_eq(refusal.fields[0].code, "format");
	ck_assert_str_eq(refusal.detail, new_roles[_i].detail);
}
END_TEST

static const struct {
	const char *json;
	int code;
} sets[] = {
	{ "[]", ERP_OK },
	{ "[\"iam.user.read\",\"iam.role.read\"]", ERP_OK },
	{ "[\"iam.user.read\",\"iam.sod.override\"]", ERP_ERR_INVALID },
	{ "[\"iam.sod.override\"]", ERP_ERR_INVALID },
	{ "[\"iam.sod.overrides\",\"iam.sod\"]", ERP_OK }, /* only the name itself */
};

START_TEST(nobody_mints_an_override_role)
{
	struct erp_refusal refusal = { 0 };

	ck_assert_msg(iam_role_check_permissions(&refusal, sets[_i].json) == sets[_i].code, "%s",
		      sets[_i].json);
	if (sets[_i].code == ERP_OK)
		return;
	ck_assert_uint_eq(refusal.field_count, 1);
	ck_assert_str_eq(refusal.fields[0].pointer, "/permissions");
	ck_assert_str_eq(refusal.fields[0].code, "unknown");
	ck_assert_str_eq(refusal.detail, "iam.sod.override cannot be given to a role over the API;"
					 " it comes only with the seeded role sod-override");
	ck_assert_str_eq(refusal.fields[0].detail, refusal.detail);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("unit/modules/iam/roles");
	TCase *tc = tcase_create("rules");

	tcase_add_loop_test(tc, new_role_rules, 0, sizeof(new_roles) / sizeof(new_roles[0]));
	tcase_add_loop_test(tc, nobody_mints_an_override_role, 0, sizeof(sets) / sizeof(sets[0]));
	suite_add_tcase(s, tc);
	return s;
}
