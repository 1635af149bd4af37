/* erp-server's migrator against a real PostgreSQL (server/src/platform/db/migrate.c). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "platform/db/db.h"
#include "platform/db/migrate.h"
#include "test/support/check_main.h"
#include "test/support/testlib.h"

static char dir[64];

static void write_migration(const char *name, const char *sql)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/migration.sql", dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(sql, f);
	fclose(f);
}

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/erp-migrations.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	const char *argv[] = { "/bin/rm", "-rf", dir, NULL };

	test_run(argv, NULL, NULL);
}

static struct db_conn *connect_to(const char *url)
{
	struct db_conn *conn = db_open(url, NULL);

	ck_assert_int_eq(db_connect(conn), 0);
	return conn;
}

START_TEST(applies_in_name_order_and_records_checksums)
{
	const char *url = test_db_create("t_migrate_order");
	struct migration_set set;
	struct db_conn *conn;
	char err[512] = "", *value;

	/* Written out of order: the second depends on the first. */
	write_migration("20260102000000_second", "INSERT INTO things (name) VALUES ('b');");
	write_migration("20260101000000_first", "CREATE TABLE things (name text);\n"
						"INSERT INTO things (name) VALUES ('a');");
	ck_assert_int_eq(migration_set_load(dir, &set, err, sizeof(err)), 0);
	ck_assert_uint_eq(set.count, 2);
	ck_assert_str_eq(set.items[0].name, "20260101000000_first");
	conn = connect_to(url);
	ck_assert_int_eq(migrate_apply(conn, &set, NULL, err, sizeof(err)), 2);
	value = test_db_value(url, "SELECT string_agg(name, ',' ORDER BY name) FROM things");
	ck_assert_str_eq(value, "a,b");
	free(value);
	value = test_db_value(url, "SELECT checksum FROM schema_migrations WHERE name = '20260101000000_first'");
	ck_assert_str_eq(value, set.items[0].checksum);
	ck_assert_uint_eq(strlen(value), 64);
	free(value);
	db_close(conn);
	migration_set_release(&set);
}
END_TEST

START_TEST(second_run_applies_nothing)
{
	const char *url = test_db_create("t_migrate_rerun");
	struct migration_set set;
	struct db_conn *conn;
	char err[512];
	char reason[512];

	write_migration("20260101000000_first", "CREATE TABLE things (name text);");
	ck_assert_int_eq(migration_set_load(dir, &set, err, sizeof(err)), 0);
	conn = connect_to(url);
	ck_assert_int_eq(migrate_check_current(conn, &set, reason, sizeof(reason)), 1);
	ck_assert_ptr_nonnull(strstr(reason, "pending"));
	ck_assert_int_eq(migrate_apply(conn, &set, NULL, err, sizeof(err)), 1);
	ck_assert_int_eq(migrate_apply(conn, &set, NULL, err, sizeof(err)), 0);
	ck_assert_int_eq(migrate_check_current(conn, &set, reason, sizeof(reason)), 0);
	db_close(conn);
	migration_set_release(&set);
}
END_TEST

START_TEST(changed_applied_migration_is_refused)
{
	const char *url = test_db_create("t_migrate_checksum");
	struct migration_set set;
	struct db_conn *conn;
	char err[512] = "", reason[512] = "";
	char *count;

	write_migration("20260101000000_first", "CREATE TABLE things (name text);");
	ck_assert_int_eq(migration_set_load(dir, &set, err, sizeof(err)), 0);
	conn = connect_to(url);
	ck_assert_int_eq(migrate_apply(conn, &set, NULL, err, sizeof(err)), 1);
	migration_set_release(&set);

	/* Someone edits the applied file and adds a new one. */
	write_migration("20260101000000_first", "CREATE TABLE things (name text, extra int);");
	write_migration("20260102000000_second", "CREATE TABLE others (id int);");
	ck_assert_int_eq(migration_set_load(dir, &set, err, sizeof(err)), 0);
	ck_assert_int_eq(migrate_apply(conn, &set, NULL, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "20260101000000_first") && strstr(err, "changed"), "err: %s", err);
	/* Nothing after the refusal was applied. */
	count = test_db_value(url, "SELECT count(*) FROM schema_migrations");
	ck_assert_str_eq(count, "1");
	free(count);
	ck_assert_int_eq(migrate_check_current(conn, &set, reason, sizeof(reason)), 1);
	ck_assert_ptr_nonnull(strstr(reason, "changed"));
	db_close(conn);
	migration_set_release(&set);
}
END_TEST

START_TEST(failing_migration_is_rolled_back_whole)
{
	const char *url = test_db_create("t_migrate_failure");
	struct migration_set set;
	struct db_conn *conn;
	char err[512] = "", *value;

	write_migration("20260101000000_first", "CREATE TABLE things (name text);");
	write_migration("20260102000000_broken", "CREATE TABLE half (id int);\nSELECT no_such_function();");
	ck_assert_int_eq(migration_set_load(dir, &set, err, sizeof(err)), 0);
	conn = connect_to(url);
	ck_assert_int_eq(migrate_apply(conn, &set, NULL, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "20260102000000_broken") && strstr(err, "rolled back"), "err: %s", err);
	value = test_db_value(url, "SELECT to_regclass('half') IS NULL AND to_regclass('things') IS NOT NULL");
	ck_assert_str_eq(value, "t");
	free(value);
	db_close(conn);
	migration_set_release(&set);
}
END_TEST

START_TEST(unknown_applied_migration_is_reported)
{
	const char *url = test_db_create("t_migrate_unknown");
	struct migration_set set;
	struct db_conn *conn;
	char err[512] = "", reason[512] = "";

	write_migration("20260101000000_first", "CREATE TABLE things (name text);");
	ck_assert_int_eq(migration_set_load(dir, &set, err, sizeof(err)), 0);
	conn = connect_to(url);
	ck_assert_int_eq(migrate_apply(conn, &set, NULL, err, sizeof(err)), 1);
	ck_assert_int_eq(test_db_exec(url, "INSERT INTO schema_migrations (name, checksum) "
					   "VALUES ('20990101000000_future', 'x')"), 0);
	ck_assert_int_eq(migrate_check_current(conn, &set, reason, sizeof(reason)), 1);
	ck_assert_ptr_nonnull(strstr(reason, "20990101000000_future"));
	db_close(conn);
	migration_set_release(&set);
}
END_TEST

START_TEST(badly_named_folder_is_refused)
{
	struct migration_set set;
	char err[512] = "";

	write_migration("20260101000000_first", "SELECT 1;");
	write_migration("2026-01-02_second", "SELECT 1;");
	ck_assert_int_eq(migration_set_load(dir, &set, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "2026-01-02_second"));
	ck_assert_uint_eq(set.count, 0);
}
END_TEST

START_TEST(project_migrations_apply_cleanly)
{
	const char *url = test_db_create("t_migrate_project");
	struct migration_set set;
	struct db_conn *conn;
	char err[512] = "", reason[512] = "";

	ck_assert_int_eq(migration_set_load(test_env("ERP_TEST_MIGRATIONS_DIR"), &set, err,
					    sizeof(err)), 0);
	ck_assert_uint_gt(set.count, 0);
	conn = connect_to(url);
	ck_assert_int_eq(migrate_apply(conn, &set, NULL, err, sizeof(err)), (int)set.count);
	ck_assert_int_eq(migrate_check_current(conn, &set, reason, sizeof(reason)), 0);
	db_close(conn);
	migration_set_release(&set);
}
END_TEST

START_TEST(transaction_control_in_a_migration_is_refused)
{
	static const char *const bad[] = {
		"CREATE TABLE a (id int);\nCOMMIT;\nCREATE TABLE b (id int);",
		"begin;\nCREATE TABLE a (id int);\nend;",
		"-- a comment first\n  Rollback ;",
		"CREATE TABLE a (id int); /* note */ START TRANSACTION;",
	};
	struct migration_set set;
	char err[512];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char name[64];

		teardown();
		setup();
		snprintf(name, sizeof(name), "2026010100000%zu_bad", i);
		write_migration(name, bad[i]);
		err[0] = '\0';
		ck_assert_int_eq(migration_set_load(dir, &set, err, sizeof(err)), -1);
		ck_assert_msg(strstr(err, name) && strstr(err, "transaction"), "case %zu: %s", i, err);
	}
	/* Function bodies, quoted text and comments may say BEGIN, END and COMMIT. */
	teardown();
	setup();
	write_migration("20260101000000_fine",
			"CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$\n"
			"BEGIN\n  RETURN 1;\nEND;\n$body$;\n"
			"COMMENT ON FUNCTION f() IS 'do not commit; begin again';\n"
			"-- commit;\n"
			"CREATE TABLE \"end\" (id int);");
	ck_assert_int_eq(migration_set_load(dir, &set, err, sizeof(err)), 0);
	ck_assert_uint_eq(set.count, 1);
	migration_set_release(&set);
}
END_TEST

START_TEST(a_lost_session_stops_the_run)
{
	const char *url = test_db_create("t_migrate_reconnect");
	struct migration_set set;
	struct db_conn *conn;
	char err[512] = "", *count;

	write_migration("20260101000000_sequence", "CREATE SEQUENCE once;");
	/* Kills its own session the first time only (nextval survives the rollback). */
	write_migration("20260102000000_flaky",
			"SELECT CASE WHEN nextval('once') = 1 THEN pg_terminate_backend(pg_backend_pid()) END;");
	write_migration("20260103000000_after", "CREATE TABLE after_the_loss (id int);");
	ck_assert_int_eq(migration_set_load(dir, &set, err, sizeof(err)), 0);
	conn = connect_to(url);
	ck_assert_int_eq(migrate_apply(conn, &set, NULL, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "re-established") && strstr(err, "20260102000000_flaky"), "err: %s", err);
	/* Nothing after the lost lock ran. */
	count = test_db_value(url, "SELECT count(*) FROM schema_migrations WHERE name = '20260103000000_after'");
	ck_assert_str_eq(count, "0");
	free(count);
	db_close(conn);
	migration_set_release(&set);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("platform/migrate");
	TCase *tc = tcase_create("migrate");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, applies_in_name_order_and_records_checksums);
	tcase_add_test(tc, second_run_applies_nothing);
	tcase_add_test(tc, changed_applied_migration_is_refused);
	tcase_add_test(tc, failing_migration_is_rolled_back_whole);
	tcase_add_test(tc, unknown_applied_migration_is_reported);
	tcase_add_test(tc, badly_named_folder_is_refused);
	tcase_add_test(tc, transaction_control_in_a_migration_is_refused);
	tcase_add_test(tc, a_lost_session_stops_the_run);
	tcase_add_test(tc, project_migrations_apply_cleanly);
	suite_add_tcase(s, tc);
	return s;
}
