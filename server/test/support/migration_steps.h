#ifndef ERP_TEST_MIGRATION_STEPS_H
#define ERP_TEST_MIGRATION_STEPS_H

/*
 * Migrating a database in steps, to test a migration on data written under
 * the schema before it: a folder of links to the migrations up to a point,
 * applied, then the rest linked and applied. The folder is made in /tmp and
 * removed by test_migration_steps_end().
 */
struct test_migration_steps {
	char dir[64];
};

/* Makes the folder (prefix names it in /tmp: "erp-owners"). */
void test_migration_steps_begin(struct test_migration_steps *steps, const char *prefix);

/* Links the migrations named before `before` (NULL: all of them) into the folder. */
void test_migration_steps_link(struct test_migration_steps *steps, const char *before);

/*
 * Applies the linked migrations in-process without the catalog sync, which
 * writes rows the way today's code does into a schema that is not today's yet.
 */
void test_migration_steps_apply_schema(const struct test_migration_steps *steps, const char *url);

/* `erp-server migrate` on the folder, as a deployment runs it (the catalog sync included). */
void test_migration_steps_migrate(const struct test_migration_steps *steps, const char *url);

/* Removes the folder. */
void test_migration_steps_end(struct test_migration_steps *steps);

#endif
