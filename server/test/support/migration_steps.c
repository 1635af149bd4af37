/* Migrating a test database in steps (migration_steps.h). */
#include "test/support/migration_steps.h"

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "platform/db/db.h"
#include "platform/db/migrate.h"
#include "test/support/testlib.h"

void test_migration_steps_begin(struct test_migration_steps *steps, const char *prefix)
{
	snprintf(steps->dir, sizeof(steps->dir), "/tmp/%s.XXXXXX", prefix);
	ck_assert_ptr_nonnull(mkdtemp(steps->dir));
}

void test_migration_steps_link(struct test_migration_steps *steps, const char *before)
{
	const char *all = test_env("ERP_TEST_MIGRATIONS_DIR");
	DIR *d = opendir(all);
	struct dirent *entry;
	char source[1100], target[1200];

	ck_assert_ptr_nonnull(d);
	while ((entry = readdir(d))) {
		if (entry->d_name[0] == '.' || (before && strcmp(entry->d_name, before) >= 0))
			continue;
		snprintf(source, sizeof(source), "%s/%s", all, entry->d_name);
		snprintf(target, sizeof(target), "%s/%s", steps->dir, entry->d_name);
		if (access(target, F_OK) != 0)
			ck_assert_int_eq(symlink(source, target), 0);
	}
	closedir(d);
}

void test_migration_steps_apply_schema(const struct test_migration_steps *steps, const char *url)
{
	struct migration_set set;
	struct db_conn *conn = db_open(url, NULL);
	char err[512] = "";

	ck_assert_int_eq(db_connect(conn), 0);
	ck_assert_msg(migration_set_load(steps->dir, &set, err, sizeof(err)) == 0, "%s", err);
	ck_assert_msg(migrate_apply(conn, &set, NULL, err, sizeof(err)) >= 0, "%s", err);
	migration_set_release(&set);
	db_close(conn);
}

void test_migration_steps_migrate(const struct test_migration_steps *steps, const char *url)
{
	char env_url[1100], env_dir[200], binary[1024];
	const char *env[] = { env_url, env_dir, test_audit_key_env(), NULL };
	const char *argv[] = { binary, "migrate", NULL };

	snprintf(binary, sizeof(binary), "%s/bin/erp-server-test", test_env("ERP_TEST_BUILD"));
	snprintf(env_url, sizeof(env_url), "ERP_DATABASE_URL=%s", url);
	snprintf(env_dir, sizeof(env_dir), "ERP_MIGRATIONS_DIR=%s", steps->dir);
	ck_assert_int_eq(test_run(argv, env, NULL), 0);
}

void test_migration_steps_end(struct test_migration_steps *steps)
{
	const char *rm[] = { "/bin/rm", "-rf", steps->dir, NULL };

	test_run(rm, NULL, NULL);
}
