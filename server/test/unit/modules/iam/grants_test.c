/* The effective-permission rule (server/src/modules/iam/grants.c). */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "modules/iam/internal.h"
#include "shared-kernel/errors.h"
#include "test/support/check_main.h"

static struct iam_grants *grants;

static void setup(void)
{
	grants = iam_grants_new("0190f5b2-7a3c-7def-8123-456789abcdef", 7);
	ck_assert_ptr_nonnull(grants);
}

static void teardown(void)
{
	iam_grants_free(grants);
}

START_TEST(nothing_granted_is_forbidden_globally_and_hidden_in_companies)
{
	ck_assert_int_eq(iam_grants_check(grants, "iam.user.read", NULL), ERP_ERR_FORBIDDEN);
	ck_assert_int_eq(iam_grants_check(grants, "iam.user.read", "ACME"), ERP_ERR_NOT_FOUND);
	ck_assert_str_eq(iam_grants_user(grants), "0190f5b2-7a3c-7def-8123-456789abcdef");
	ck_assert_int_eq(iam_grants_version(grants), 7);
}
END_TEST

START_TEST(company_grant_holds_only_in_that_company)
{
	ck_assert_int_eq(iam_grants_add(grants, "ACME", "ledger.journal.create"), ERP_OK);
	ck_assert_int_eq(iam_grants_check(grants, "ledger.journal.create", "ACME"), ERP_OK);
	/* Other companies do not exist for this user; globally it is simply not held. */
	ck_assert_int_eq(iam_grants_check(grants, "ledger.journal.create", "GLOBEX"), ERP_ERR_NOT_FOUND);
	ck_assert_int_eq(iam_grants_check(grants, "ledger.journal.create", NULL), ERP_ERR_FORBIDDEN);
	/* A member of ACME lacking a permission there is forbidden, not hidden. */
	ck_assert_int_eq(iam_grants_check(grants, "ledger.journal.post", "ACME"), ERP_ERR_FORBIDDEN);
}
END_TEST

START_TEST(global_grant_holds_everywhere)
{
	ck_assert_int_eq(iam_grants_add(grants, NULL, "iam.company.read"), ERP_OK);
	ck_assert_int_eq(iam_grants_check(grants, "iam.company.read", NULL), ERP_OK);
	ck_assert_int_eq(iam_grants_check(grants, "iam.company.read", "ACME"), ERP_OK);
	ck_assert_int_eq(iam_grants_check(grants, "iam.company.read", "ANY"), ERP_OK);
	/* Holding some global role does not reveal companies for other permissions. */
	ck_assert_int_eq(iam_grants_check(grants, "iam.user.read", "ACME"), ERP_ERR_NOT_FOUND);
}
END_TEST

START_TEST(effective_set_is_the_union_of_global_and_company)
{
	json_t *doc, *acme;

	ck_assert_int_eq(iam_grants_add(grants, NULL, "iam.company.read"), ERP_OK);
	ck_assert_int_eq(iam_grants_add(grants, "ACME", "ledger.account.read"), ERP_OK);
	ck_assert_int_eq(iam_grants_add(grants, "ACME", "iam.company.read"), ERP_OK); /* also global */
	ck_assert_int_eq(iam_grants_add(grants, "ACME", "ledger.account.read"), ERP_OK); /* duplicate */
	ck_assert_int_eq(iam_grants_add(grants, "GLOBEX", NULL), ERP_OK); /* a role without permissions */
	doc = iam_grants_json(grants);
	ck_assert_ptr_nonnull(doc);
	ck_assert_uint_eq(json_array_size(json_object_get(doc, "global")), 1);
	acme = json_object_get(json_object_get(doc, "companies"), "ACME");
	ck_assert_uint_eq(json_array_size(acme), 2);
	ck_assert_str_eq(json_string_value(json_array_get(acme, 0)), "iam.company.read");
	ck_assert_str_eq(json_string_value(json_array_get(acme, 1)), "ledger.account.read");
	/* Membership without permissions still makes the company visible (403, not 404). */
	ck_assert_uint_eq(json_array_size(json_object_get(json_object_get(doc, "companies"), "GLOBEX")), 1);
	ck_assert_int_eq(iam_grants_check(grants, "ledger.account.read", "GLOBEX"), ERP_ERR_FORBIDDEN);
	json_decref(doc);
}
END_TEST

START_TEST(many_scopes_and_permissions_grow)
{
	char company[16], permission[32];

	for (int c = 0; c < 40; c++) {
		snprintf(company, sizeof(company), "C%02d", c);
		for (int p = 0; p < 40; p++) {
			snprintf(permission, sizeof(permission), "mod.thing%02d.read", p);
			ck_assert_int_eq(iam_grants_add(grants, company, permission), ERP_OK);
		}
	}
	ck_assert_int_eq(iam_grants_check(grants, "mod.thing39.read", "C39"), ERP_OK);
	ck_assert_int_eq(iam_grants_check(grants, "mod.thing40.read", "C39"), ERP_ERR_FORBIDDEN);
	ck_assert_int_eq(iam_grants_check(grants, "mod.thing00.read", "C40"), ERP_ERR_NOT_FOUND);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("modules/iam/grants");
	TCase *tc = tcase_create("grants");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, nothing_granted_is_forbidden_globally_and_hidden_in_companies);
	tcase_add_test(tc, company_grant_holds_only_in_that_company);
	tcase_add_test(tc, global_grant_holds_everywhere);
	tcase_add_test(tc, effective_set_is_the_union_of_global_and_company);
	tcase_add_test(tc, many_scopes_and_permissions_grow);
	suite_add_tcase(s, tc);
	return s;
}
