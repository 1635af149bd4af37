/*
 * make lint's "table owner" rule (tools/lint): tables have owners. The
 * fixture server/test/governance/lint-tables/ is a small tree with two
 * modules (alpha, beta) and the platform, migrations that move old tables
 * into their owners' schemas, SQL that uses only what it may (its own
 * tables, a view and a function another module exports, the platform's
 * catalog for reading, one listed exception) and text that only looks like
 * SQL; it
 * passes. Each case copies it, adds one file (or a line), and must fail with
 * exactly one violation naming file and line. The real tree is linted by
 * make lint itself. No database needed.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test/support/check_main.h"
#include "test/support/testlib.h"

struct change {
	const char *path; /* relative to the fixture's root; appended to (created when new) */
	const char *text;
};

struct expectation {
	const char *name;
	struct change changes[2];
	const char *violation; /* "file:line: table owner: ..." */
};

static const struct expectation cases[] = {
	{ "a module reads another module's table, the name on the next line",
	  { { "server/src/modules/beta/report.c",
	      "/* Beta counts alpha's parts. */\n"
	      "static const char *const report_sql =\n"
	      "\t\"SELECT count(*) FROM\"\n"
	      "\t\" alpha_parts WHERE part = $1\";\n" } },
	  "server/src/modules/beta/report.c:4: table owner: modules/beta names alpha_parts, owned by "
	  "modules/alpha (use it through modules/alpha/alpha.h)" },
	{ "a module joins another module's table by its schema",
	  { { "server/src/modules/beta/report.c",
	      "static const char *const report_sql =\n"
	      "\t\"SELECT o.id FROM beta_orders o JOIN alpha.things t ON t.id = o.thing_id\";\n" } },
	  "server/src/modules/beta/report.c:2: table owner: modules/beta names things, owned by "
	  "modules/alpha" },
	{ "another module's table later in a FROM list",
	  { { "server/src/modules/beta/report.c",
	      "static const char *const report_sql =\n"
	      "\t\"SELECT 1 FROM beta_orders o, alpha_parts p WHERE p.thing_id = o.thing_id\";\n" } },
	  "server/src/modules/beta/report.c:2: table owner: modules/beta names alpha_parts" },
	{ "a module share-locks another module's row in a join (the owner exports a function for that)",
	  { { "server/src/modules/beta/lock.c",
	      "static const char *const lock_sql =\n"
	      "\t\"SELECT o.id FROM beta_orders o JOIN things t ON t.id = o.thing_id\"\n"
	      "\t\" WHERE o.id = $1 FOR SHARE OF t\";\n" } },
	  "server/src/modules/beta/lock.c:2: table owner: modules/beta names things, owned by "
	  "modules/alpha (use it through modules/alpha/alpha.h)" },
	{ "a module writes through a view another module exports for reading",
	  { { "server/src/modules/alpha/totals.c",
	      "static const char *const sql = \"UPDATE beta_totals SET amount = 0 WHERE thing_id = $1\";\n" } },
	  "server/src/modules/alpha/totals.c:1: table owner: modules/alpha names beta_totals, owned by "
	  "modules/beta" },
	{ "the platform writes a module's table",
	  { { "server/src/platform/cleanup.c",
	      "static const char *const cleanup_sql = \"DELETE FROM beta_orders WHERE id = $1\";\n" } },
	  "server/src/platform/cleanup.c:1: table owner: platform names beta_orders, owned by "
	  "modules/beta" },
	{ "a module writes a table the platform exports for reading",
	  { { "server/src/modules/alpha/catalog.c",
	      "static const char *const sql = \"UPDATE permissions SET name = $2 WHERE name = $1\";\n" } },
	  "server/src/modules/alpha/catalog.c:1: table owner: modules/alpha names permissions, owned by "
	  "platform (it is exported for reading only)" },
	{ "a renamed table keeps its owner",
	  { { "server/prisma/migrations/20261207000000_alpha_pieces/migration.sql",
	      "ALTER TABLE alpha.alpha_parts RENAME TO alpha_pieces;\n" },
	    { "server/src/modules/beta/report.c",
	      "static const char *const sql = \"SELECT part FROM alpha_pieces\";\n" } },
	  "server/src/modules/beta/report.c:1: table owner: modules/beta names alpha_pieces, owned by "
	  "modules/alpha" },
	{ "a module's migration creates another owner's table",
	  { { "server/prisma/migrations/20261207000000_beta_more/migration.sql",
	      "CREATE TABLE alpha.alpha_more (id int);\n" } },
	  "server/prisma/migrations/20261207000000_beta_more/migration.sql:1: table owner: migration "
	  "20261207000000_beta_more is beta's: it creates only beta's tables, not alpha.alpha_more" },
	{ "a new migration creates a table without its schema",
	  { { "server/prisma/migrations/20261207000000_beta_more/migration.sql",
	      "CREATE TABLE beta_more (id int);\n" } },
	  "server/prisma/migrations/20261207000000_beta_more/migration.sql:1: table owner: create table "
	  "beta_more in its owner's schema: CREATE TABLE beta.beta_more" },
	{ "a new migration that creates a table is named for no owner",
	  { { "server/prisma/migrations/20261207000000_reports/migration.sql",
	      "CREATE TABLE beta.beta_reports (id int);\n" } },
	  "server/prisma/migrations/20261207000000_reports/migration.sql:1: table owner: migration "
	  "20261207000000_reports creates beta.beta_reports: name it for the owner of its tables" },
	{ "two schemas hold a table of one name",
	  { { "server/prisma/migrations/20261207000000_beta_more/migration.sql",
	      "CREATE TABLE beta.things (id int);\n" } },
	  "server/prisma/migrations/20261207000000_beta_more/migration.sql:1: table owner: beta.things "
	  "has the name of alpha.things" },
	{ "a schema that is no owner's",
	  { { "server/prisma/migrations/20260102000000_gamma/migration.sql",
	      "CREATE SCHEMA gamma;\nCREATE TABLE gamma.gamma_log (id int);\n" } },
	  "server/prisma/migrations/20260102000000_gamma/migration.sql:2: table owner: schema gamma is "
	  "no owner's" },
	{ "a table left in public without an owner's prefix",
	  { { "server/prisma/migrations/20260102000000_misc/migration.sql",
	      "CREATE TABLE notes (id int);\n" } },
	  "server/prisma/migrations/20260102000000_misc/migration.sql:1: table owner: public.notes "
	  "belongs to no owner" },
	{ "an exception nothing needs any more",
	  { { "tools/lint-allow-tables", "server/src/modules/alpha/store.c beta_orders it once did\n" } },
	  "tools/lint-allow-tables:3: table owner: server/src/modules/alpha/store.c no longer names "
	  "beta_orders" },
	{ "an exception without its reason",
	  { { "tools/lint-allow-tables", "server/src/modules/alpha/store.c beta_orders\n" } },
	  "tools/lint-allow-tables:3: table owner: write <path> <table> <reason>" },
};

/* A copy of the fixture in a new folder (dir: a mkdtemp template, filled in). */
static void copy_fixture(char *dir)
{
	char source[1100];

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(source, sizeof(source), "%s/server/test/governance/lint-tables/.",
		 test_env("ERP_TEST_REPO"));
	{
		const char *cp[] = { "/bin/cp", "-R", source, dir, NULL };

		ck_assert_int_eq(test_run(cp, NULL, NULL), 0);
	}
}

static void remove_tree(const char *dir)
{
	const char *rm[] = { "/bin/rm", "-rf", dir, NULL };

	test_run(rm, NULL, NULL);
}

static void apply(const char *dir, const struct change *change)
{
	char path[1200], folder[1200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, change->path);
	snprintf(folder, sizeof(folder), "%s", path);
	*strrchr(folder, '/') = '\0';
	{
		const char *mkdir[] = { "/bin/mkdir", "-p", folder, NULL };

		ck_assert_int_eq(test_run(mkdir, NULL, NULL), 0);
	}
	f = fopen(path, "a");
	ck_assert_ptr_nonnull(f);
	fputs(change->text, f);
	fclose(f);
}

START_TEST(the_fixture_passes_with_its_one_exception)
{
	char dir[] = "/tmp/erp-lint-tables.XXXXXX", *output;
	int status;

	copy_fixture(dir);
	status = test_run_tool("tools/lint", dir, &output);
	ck_assert_msg(status == 0, "exit %d\n%s", status, output);
	ck_assert_msg(strstr(output, "no violations (1 use(s) of another owner's table allowed by "
				     "tools/lint-allow-tables)") != NULL,
		      "%s", output);
	free(output);
	remove_tree(dir);
}
END_TEST

START_TEST(each_change_fails_with_its_file_and_line)
{
	const struct expectation *e = &cases[_i];
	char dir[] = "/tmp/erp-lint-tables.XXXXXX", *output;
	int status;

	copy_fixture(dir);
	for (size_t i = 0; i < 2 && e->changes[i].path; i++)
		apply(dir, &e->changes[i]);
	status = test_run_tool("tools/lint", dir, &output);
	ck_assert_msg(status == 1, "%s: exit %d\n%s", e->name, status, output);
	ck_assert_msg(strstr(output, e->violation) != NULL, "%s: expected \"%s\" in\n%s", e->name,
		      e->violation, output);
	/* Exactly that one: each case breaks one thing only. */
	ck_assert_msg(strstr(output, "lint: 1 violation(s)") != NULL, "%s:\n%s", e->name, output);
	free(output);
	remove_tree(dir);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("lint: tables have owners");
	TCase *tc = tcase_create("table owner");

	tcase_add_test(tc, the_fixture_passes_with_its_one_exception);
	tcase_add_loop_test(tc, each_change_fails_with_its_file_and_line, 0,
			    (int)(sizeof(cases) / sizeof(cases[0])));
	suite_add_tcase(s, tc);
	return s;
}
