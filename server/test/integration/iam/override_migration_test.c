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
#include <unistd.h>

#include "platform/db/db.h"
#include "platform/db/migrate.h"
#include "test/support/check_main.h"
#include "test/support/testlib.h"

static char dir[64];

/* Links the migrations named before `before` (or all, when NULL) into dir. */
static void link_migrations(const char *before)
{
	char source[1100], target[1200], list[1200];
	const char *all = test_env("ERP_TEST_MIGRATIONS_DIR");
	const char *ls[] = { "/bin/sh", "-c", list, NULL };
	FILE *f;
	char name[256];

	snprintf(list, sizeof(list), "ls %s > %s/.names", all, dir);
	ck_assert_int_eq(test_run(ls, NULL, NULL), 0);
	snprintf(list, sizeof(list), "%s/.names", dir);
	f = fopen(list, "r");
	ck_assert_ptr_nonnull(f);
	while (fscanf(f, "%255s", name) == 1) {
		if (before && strcmp(name, before) >= 0)
			continue;
		snprintf(source, sizeof(source), "%s/%s", all, name);
		snprintf(target, sizeof(target), "%s/%s", dir, name);
		if (access(target, F_OK) != 0)
			ck_assert_int_eq(symlink(source, target), 0);
	}
	fclose(f);
	unlink(list);
}

/* The migrations in dir, applied in-process without the catalog sync (which writes
 * audit rows the way today's code does, into a schema that is not today's yet). */
static void migrate_schema_only(const char *url)
{
	struct migration_set set;
	struct db_conn *conn = db_open(url, NULL);
	char err[512] = "";

	ck_assert_int_eq(db_connect(conn), 0);
	ck_assert_msg(migration_set_load(dir, &set, err, sizeof(err)) == 0, "%s", err);
	ck_assert_msg(migrate_apply(conn, &set, NULL, err, sizeof(err)) >= 0, "%s", err);
	migration_set_release(&set);
	db_close(conn);
}

static void migrate(const char *url)
{
	char env_url[1100], env_dir[200], binary[1024];
	const char *env[] = { env_url, env_dir, test_audit_key_env(), NULL };
	const char *argv[] = { binary, "migrate", NULL };

	snprintf(binary, sizeof(binary), "%s/bin/erp-server-test", test_env("ERP_TEST_BUILD"));
	snprintf(env_url, sizeof(env_url), "ERP_DATABASE_URL=%s", url);
	snprintf(env_dir, sizeof(env_dir), "ERP_MIGRATIONS_DIR=%s", dir);
	ck_assert_int_eq(test_run(argv, env, NULL), 0);
}

START_TEST(old_override_flags_become_overrides_of_their_pair)
{
	const char *url = test_db_create("t_iam_override_migration");
	const char *rm[] = { "/bin/rm", "-rf", dir, NULL };
	char *value;

	snprintf(dir, sizeof(dir), "/tmp/erp-overrides.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	link_migrations("20261203000000_iam_controls");
	migrate_schema_only(url);
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

	link_migrations(NULL);
	migrate(url);
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
	test_run(rm, NULL, NULL);
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
