#ifndef ERP_PLATFORM_MIGRATE_H
#define ERP_PLATFORM_MIGRATE_H

#include <stddef.h>
#include <stdio.h>

struct db_conn;

/*
 * Schema migrations in Prisma's folder layout:
 * <dir>/<YYYYMMDDHHMMSS>_<name>/migration.sql, applied in name order, each in
 * its own transaction together with its row in schema_migrations (name,
 * SHA-256 checksum, time). An applied migration whose file has changed is
 * refused: history is append-only. Migration files must not contain
 * transaction control (BEGIN/COMMIT) of their own.
 */
struct migration {
	char *name;          /* the folder name */
	char *sql;
	size_t sql_length;
	char checksum[65];   /* hex SHA-256 of migration.sql */
};

struct migration_set {
	struct migration *items;
	size_t count;
};

/*
 * Reads every migration folder under dir, sorted by name. Folders not shaped
 * like <14 digits>_<name> are refused (a typo must not silently skip a
 * migration). Returns 0, or -1 with a sentence in err.
 */
int migration_set_load(const char *dir, struct migration_set *set, char *err, size_t err_size);
void migration_set_release(struct migration_set *set);

/*
 * Applies pending migrations, writing one line per migration to report
 * (may be NULL). Holds an advisory lock so concurrent runs queue up.
 * Returns the number applied, or -1 with a sentence in err (checksum
 * mismatch, unknown applied migration, SQL error; a failed migration is
 * rolled back whole).
 */
int migrate_apply(struct db_conn *conn, const struct migration_set *set, FILE *report, char *err,
		  size_t err_size);

/* Prints applied and pending migrations; returns the number pending, or -1. */
int migrate_status(struct db_conn *conn, const struct migration_set *set, FILE *out, char *err,
		   size_t err_size);

/*
 * Whether the database holds exactly the migrations in set: 0 current,
 * 1 not current (reason says why: pending, changed, unknown), or a
 * negative ERP_ERR_* code when the database cannot be asked.
 */
int migrate_check_current(struct db_conn *conn, const struct migration_set *set, char *reason,
			  size_t reason_size);

#endif
