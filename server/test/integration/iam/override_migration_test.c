/*
 * The controls migration turns the old per-assignment override flag (which
 * exempted a user from every pair an override assignment touched) into one
 * override per conflict it exempted, so nothing allowed yesterday is refused
 * today, and nothing more than that stays allowed. Run against a database
 * migrated to just before it, with old-style data, then migrated on.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test/support/check_main.h"
#include "test/support/migration_steps.h"
#include "test/support/testlib.h"

static struct test_migration_steps steps;

START_TEST(old_override_flags_become_overrides_of_their_pair)
{
	const char *url = test_db_create("t_iam_override_migration");
	char *value;

	test_migration_steps_begin(&steps, "erp-overrides");
	test_migration_steps_link(&steps, "20261203000000_iam_controls");
	test_migration_steps_apply_schema(&steps, url);
	/* Ann holds a user manager role and an auditor role marked as an override: exempt. Bob
	 * holds the same two roles in company B without any override: a conflict today already
	 * (written behind the API's back), and still one afterwards. */
	ck_assert_int_eq(test_db_exec(url,
		"INSERT INTO permissions VALUES ('iam.user.manage', 'iam', 'x'), ('iam.audit.read', 'iam', 'x');"
		"INSERT INTO sod_rules VALUES ('iam.audit.read', 'iam.user.manage', 'x');"
		"INSERT INTO companies (id, code, name, currency) VALUES"
		" ('00000000-0000-0000-0000-00000000000a', 'A', 'A', 'EUR'),"
		" ('00000000-0000-0000-0000-00000000000b', 'B', 'B', 'EUR');"
		"INSERT INTO users (id, email, display_name, password_hash) VALUES"
		" ('00000000-0000-0000-0000-0000000000a1', 'ann@x.test', 'Ann', 'x'),"
		" ('00000000-0000-0000-0000-0000000000b1', 'bob@x.test', 'Bob', 'x');"
		"INSERT INTO roles (id, name) VALUES"
		" ('00000000-0000-0000-0000-000000000f01', 'manager'),"
		" ('00000000-0000-0000-0000-000000000f02', 'reviewer');"
		"INSERT INTO role_permissions VALUES"
		" ('00000000-0000-0000-0000-000000000f01', 'iam.user.manage'),"
		" ('00000000-0000-0000-0000-000000000f02', 'iam.audit.read');"
		"INSERT INTO role_assignments (id, user_id, role_id, company_id, reason, sod_override) VALUES"
		" ('00000000-0000-0000-0000-00000000aa01', '00000000-0000-0000-0000-0000000000a1',"
		"  '00000000-0000-0000-0000-000000000f01', '00000000-0000-0000-0000-00000000000a', NULL, false),"
		" ('00000000-0000-0000-0000-00000000aa02', '00000000-0000-0000-0000-0000000000a1',"
		"  '00000000-0000-0000-0000-000000000f02', '00000000-0000-0000-0000-00000000000a', 'audit cover', true),"
		" ('00000000-0000-0000-0000-00000000bb01', '00000000-0000-0000-0000-0000000000b1',"
		"  '00000000-0000-0000-0000-000000000f01', '00000000-0000-0000-0000-00000000000b', NULL, false),"
		" ('00000000-0000-0000-0000-00000000bb02', '00000000-0000-0000-0000-0000000000b1',"
		"  '00000000-0000-0000-0000-000000000f02', '00000000-0000-0000-0000-00000000000b', NULL, false)"), 0);

	test_migration_steps_link(&steps, NULL);
	test_migration_steps_migrate(&steps, url);
	value = test_db_value(url, "SELECT string_agg(u.email || ' ' || c.code || ' ' || o.permission_a"
				   " || '/' || o.permission_b || ' ' || o.assignment_id, ',')"
				   " FROM sod_overrides o JOIN users u ON u.id = o.user_id"
				   " JOIN companies c ON c.id = o.company_id");
	ck_assert_str_eq(value, "ann@x.test A iam.audit.read/iam.user.manage 00000000-0000-0000-0000-00000000aa02");
	free(value);
	value = test_db_value(url, "SELECT string_agg(DISTINCT u.email, ',') FROM iam_sod_conflicts(NULL) x"
				   " JOIN users u ON u.id = x.user_id");
	ck_assert_str_eq(value, "bob@x.test");
	free(value);
	value = test_db_value(url, "SELECT count(*) FROM information_schema.columns"
				   " WHERE table_name = 'role_assignments' AND column_name = 'sod_override'");
	ck_assert_str_eq(value, "0");
	free(value);
	/* Revoking the assignment the override came with ends the override. */
	ck_assert_int_eq(test_db_exec(url, "DELETE FROM role_assignments"
					   " WHERE id = '00000000-0000-0000-0000-00000000aa02'"), 0);
	value = test_db_value(url, "SELECT count(*) FROM sod_overrides");
	ck_assert_str_eq(value, "0");
	free(value);
	test_migration_steps_end(&steps);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("integration/iam/override_migration");
	TCase *tc = tcase_create("override_migration");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, old_override_flags_become_overrides_of_their_pair);
	suite_add_tcase(s, tc);
	return s;
}
