/*
 * The system roles of server/prisma/seed/role-catalog.json, as erp-seed-roles
 * writes them into a migrated database, keep the controls: no everyday role
 * posts into a closed period (a role of its own does, and nothing else), and
 * each role holds exactly what this table says.
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
};

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

Suite *test_suite(void)
{
	Suite *s = suite_create("integration/scripts/role_catalog");
	TCase *tc = tcase_create("role_catalog");

	tcase_add_unchecked_fixture(tc, seed_once, NULL);
	tcase_add_test(tc, each_role_holds_exactly_its_permissions);
	tcase_add_test(tc, posting_into_closed_periods_is_in_no_everyday_role);
	suite_add_tcase(s, tc);
	return s;
}
