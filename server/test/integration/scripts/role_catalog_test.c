/*
 * The system roles of the build's role catalog (server/prisma/seed/role-catalog.json
 * with the modules' roles.json merged in), as erp-seed-roles
 * writes them into a migrated database, keep the controls: no seeded role
 * holds both sides of a segregation-of-duties pair (identity administration
 * stays apart from posting and from the ledger settings, entry writing from
 * locking periods), no everyday role posts into a closed period (a role of
 * its own does), the administrator holds nothing of the ledger, and the
 * bookkeeping roles hold exactly what this table says, and the auditor every
 * read permission there is and nothing else.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test/support/check_main.h"
#include "test/support/script_fixture.h"
#include "test/support/testlib.h"

static const char *url;

static void seed_once(void)
{
	const char *args[] = { "--env", "test", NULL };
	struct script_run r;

	url = script_fixture_database("t_role_catalog");
	script_fixture_run(&r, url, "seed-roles", args, NULL, NULL);
	ck_assert_msg(r.status == 0, "erp-seed-roles: %d %s", r.status, r.err);
	script_run_free(&r);
}

/* The permissions of a seeded role, sorted and joined with ","; "" for none. */
static char *permissions_of(const char *role)
{
	char sql[512];
	char *list;

	snprintf(sql, sizeof(sql),
		 "SELECT coalesce(string_agg(rp.permission, ',' ORDER BY rp.permission), '')"
		 " FROM roles r LEFT JOIN role_permissions rp ON rp.role_id = r.id"
		 " WHERE r.name = '%s' AND r.system", role);
	list = test_db_value(url, sql);
	ck_assert_msg(list != NULL, "no system role %s", role);
	return list;
}

static const struct {
	const char *role;
	const char *permissions; /* exactly these, sorted */
} exact[] = {
	{ "closed-period-poster",
	  "iam.company.read,ledger.journal.read,ledger.period.post-closed,ledger.period.read" },
	{ "approver",
	  "iam.company.read,ledger.account.read,ledger.journal.post,ledger.journal.read,"
	  "ledger.period.read,ledger.report.read" },
	{ "controller",
	  "iam.company.read,ledger.account.read,ledger.journal.discard,ledger.journal.read,"
	  "ledger.period.lock,ledger.period.read,ledger.report.read,ledger.settings.manage,ledger.year.close" },
};

/* Every read permission of every module's catalog (a new module's too), and nothing else. */
START_TEST(the_auditor_reads_everything_and_changes_nothing)
{
	char *list = permissions_of("auditor");
	char *reads = test_db_value(url, "SELECT string_agg(name, ',' ORDER BY name) FROM permissions"
					 " WHERE name LIKE '%.read'");

	ck_assert_ptr_nonnull(reads);
	ck_assert_ptr_nonnull(strstr(reads, "iam.audit.read"));
	ck_assert_ptr_nonnull(strstr(reads, "ledger.journal.read"));
	ck_assert_msg(strcmp(list, reads) == 0, "auditor holds %s, expected every read: %s", list,
		      reads);
	free(list);
	free(reads);
}
END_TEST

START_TEST(each_role_holds_exactly_its_permissions)
{
	for (size_t i = 0; i < sizeof(exact) / sizeof(exact[0]); i++) {
		char *list = permissions_of(exact[i].role);

		ck_assert_msg(strcmp(list, exact[i].permissions) == 0, "%s holds %s, expected %s",
			      exact[i].role, list, exact[i].permissions);
		free(list);
	}
}
END_TEST

START_TEST(posting_into_closed_periods_is_in_no_everyday_role)
{
	ck_assert_int_eq(script_fixture_count(url, "SELECT count(*) FROM role_permissions rp"
						   " JOIN roles r ON r.id = rp.role_id"
						   " WHERE rp.permission = 'ledger.period.post-closed'"
						   "   AND r.name <> 'closed-period-poster'"), 0);
}
END_TEST

START_TEST(no_seeded_role_holds_both_sides_of_a_pair)
{
	static const char *const pairs[][2] = {
		{ "iam.user.manage", "ledger.journal.post" },
		{ "iam.assignment.manage", "ledger.journal.post" },
		{ "iam.user.manage", "ledger.settings.manage" },
		{ "iam.assignment.manage", "ledger.settings.manage" },
		{ "ledger.journal.create", "ledger.period.lock" },
		{ "ledger.journal.create", "ledger.journal.post" },
	};

	/* The catalog declares them (stored with the smaller name first)... */
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		char sql[256];

		snprintf(sql, sizeof(sql), "SELECT count(*) FROM sod_rules WHERE permission_a = '%s'"
			 " AND permission_b = '%s'", pairs[i][0], pairs[i][1]);
		ck_assert_msg(script_fixture_count(url, sql) == 1, "no pair %s / %s", pairs[i][0],
			      pairs[i][1]);
	}
	/* ...and no seeded role holds both sides of any pair (erp-seed-roles would refuse it). */
	ck_assert_int_eq(script_fixture_count(url,
		"SELECT count(*) FROM roles r, sod_rules s WHERE r.system"
		" AND EXISTS (SELECT 1 FROM role_permissions p WHERE p.role_id = r.id"
		"             AND p.permission = s.permission_a)"
		" AND EXISTS (SELECT 1 FROM role_permissions p WHERE p.role_id = r.id"
		"             AND p.permission = s.permission_b)"), 0);
}
END_TEST

START_TEST(the_administrator_holds_nothing_of_the_ledger)
{
	ck_assert_int_eq(script_fixture_count(url, "SELECT count(*) FROM role_permissions rp"
						   " JOIN roles r ON r.id = rp.role_id"
						   " WHERE r.name = 'administrator'"
						   "   AND rp.permission LIKE 'ledger.%'"), 0);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("integration/scripts/role_catalog");
	TCase *tc = tcase_create("role_catalog");

	tcase_add_unchecked_fixture(tc, seed_once, NULL);
	tcase_add_test(tc, each_role_holds_exactly_its_permissions);
	tcase_add_test(tc, the_auditor_reads_everything_and_changes_nothing);
	tcase_add_test(tc, posting_into_closed_periods_is_in_no_everyday_role);
	tcase_add_test(tc, no_seeded_role_holds_both_sides_of_a_pair);
	tcase_add_test(tc, the_administrator_holds_nothing_of_the_ledger);
	suite_add_tcase(s, tc);
	return s;
}
