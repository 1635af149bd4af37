#include "platform/db/migrate.h"

#include <dirent.h>
#include <errno.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "common/alloc.h"
#include "platform/db/db.h"
#include "shared-kernel/errors.h"

enum { MIGRATION_MAX_BYTES = 16 << 20, MIGRATION_LOCK_KEY = 0x45525031 /* "ERP1" */ };

static const struct db_statement create_history = {
	"migrate_create_history",
	"CREATE TABLE IF NOT EXISTS schema_migrations ("
	" name text PRIMARY KEY,"
	" checksum text NOT NULL,"
	" applied_at timestamptz NOT NULL DEFAULT now(),"
	" duration_ms integer NOT NULL DEFAULT 0)",
	false,
};
static const struct db_statement history_exists = {
	"migrate_history_exists", "SELECT to_regclass('schema_migrations') IS NOT NULL", true,
};
static const struct db_statement list_applied = {
	"migrate_list_applied",
	"SELECT name, checksum, to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
	" FROM schema_migrations ORDER BY name",
	true,
};
static const struct db_statement record_applied = {
	"migrate_record",
	"INSERT INTO schema_migrations (name, checksum, duration_ms) VALUES ($1, $2, $3)",
	false,
};
static const struct db_statement take_lock = {
	"migrate_lock", "SELECT pg_advisory_lock($1)", false,
};
static const struct db_statement release_lock = {
	"migrate_unlock", "SELECT pg_advisory_unlock($1)", false,
};

static bool is_migration_name(const char *name)
{
	size_t len = strlen(name);

	if (len < 16 || len > 200 || name[14] != '_')
		return false;
	for (size_t i = 0; i < 14; i++)
		if (name[i] < '0' || name[i] > '9')
			return false;
	for (size_t i = 15; i < len; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') ||
		      name[i] == '_'))
			return false;
	return true;
}

static int compare_migrations(const void *a, const void *b)
{
	return strcmp(((const struct migration *)a)->name, ((const struct migration *)b)->name);
}

static int read_file(const char *path, char **out, size_t *length, char *err, size_t err_size)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long size;

	if (!f) {
		snprintf(err, err_size, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	if (fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 || size > MIGRATION_MAX_BYTES ||
	    fseek(f, 0, SEEK_SET)) {
		snprintf(err, err_size, "cannot read %s (or it is over 16 MiB)", path);
		fclose(f);
		return -1;
	}
	buf = erp_xmalloc((size_t)size + 1);
	if (fread(buf, 1, (size_t)size, f) != (size_t)size) {
		snprintf(err, err_size, "cannot read %s: %s", path, strerror(errno));
		erp_free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	buf[size] = '\0';
	if (memchr(buf, '\0', (size_t)size)) {
		snprintf(err, err_size, "%s contains a NUL byte", path);
		erp_free(buf);
		return -1;
	}
	*out = buf;
	*length = (size_t)size;
	return 0;
}

static void checksum_hex(const char *data, size_t length, char out[65])
{
	unsigned char digest[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(digest, (const unsigned char *)data, length);
	sodium_bin2hex(out, 65, digest, sizeof(digest));
}

/*
 * The first word of every top-level statement, skipping comments, quoted text
 * and dollar-quoted bodies (a PL/pgSQL BEGIN ... END is not transaction
 * control). Returns the first statement that controls the transaction, or
 * NULL; a migration must not commit half of itself.
 */
static const char *transaction_control(const char *sql, char *word, size_t word_size)
{
	static const char *const banned[] = { "begin", "commit", "rollback", "end", "start",
					      "savepoint", "release", "abort" };
	const char *p = sql;
	bool statement_start = true;

	while (*p) {
		if (p[0] == '-' && p[1] == '-') {
			p += strcspn(p, "\n");
			continue;
		}
		if (p[0] == '/' && p[1] == '*') {
			const char *end = strstr(p + 2, "*/");
			p = end ? end + 2 : p + strlen(p);
			continue;
		}
		if (*p == '\'' || *p == '"') {
			char quote = *p++;

			while (*p && !(*p == quote && p[1] != quote))
				p += (*p == quote) ? 2 : 1;
			if (*p)
				p++;
			statement_start = false;
			continue;
		}
		if (*p == '$') {
			size_t tag = 1 + strspn(p + 1, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789");

			if (p[tag] == '$') {
				char delimiter[64];
				const char *end;

				if (tag + 1 >= sizeof(delimiter))
					return NULL;
				memcpy(delimiter, p, tag + 1);
				delimiter[tag + 1] = '\0';
				end = strstr(p + tag + 1, delimiter);
				p = end ? end + tag + 1 : p + strlen(p);
				statement_start = false;
				continue;
			}
		}
		if (*p == ';') {
			statement_start = true;
			p++;
			continue;
		}
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')) {
			size_t n = 0;

			while (((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_') &&
			       n + 1 < word_size) {
				word[n++] = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
				p++;
			}
			word[n] = '\0';
			if (statement_start)
				for (size_t i = 0; i < sizeof(banned) / sizeof(banned[0]); i++)
					if (strcmp(word, banned[i]) == 0)
						return word;
			statement_start = false;
			while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_')
				p++;
			continue;
		}
		if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
			statement_start = false;
		p++;
	}
	return NULL;
}

int migration_set_load(const char *dir, struct migration_set *set, char *err, size_t err_size)
{
	DIR *d = opendir(dir);
	struct dirent *entry;
	size_t capacity = 0;

	set->items = NULL;
	set->count = 0;
	if (!d) {
		snprintf(err, err_size, "cannot open migrations folder %s: %s", dir, strerror(errno));
		return -1;
	}
	while ((entry = readdir(d))) {
		struct migration *m;
		char path[4096];
		struct stat st;

		if (entry->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, entry->d_name);
		if (stat(path, &st) || !S_ISDIR(st.st_mode))
			continue; /* e.g. a README beside the folders */
		if (!is_migration_name(entry->d_name)) {
			snprintf(err, err_size,
				 "migration folder %s is not named <YYYYMMDDHHMMSS>_<lower_snake_name>",
				 entry->d_name);
			goto fail;
		}
		if (set->count == capacity) {
			size_t grown_capacity = capacity ? capacity * 2 : 16;
			struct migration *grown = realloc(set->items, grown_capacity * sizeof(*grown));

			if (!grown) {
				snprintf(err, err_size, "out of memory");
				goto fail;
			}
			set->items = grown;
			capacity = grown_capacity;
		}
		m = &set->items[set->count];
		snprintf(path, sizeof(path), "%s/%s/migration.sql", dir, entry->d_name);
		if (read_file(path, &m->sql, &m->sql_length, err, err_size))
			goto fail;
		{
			char word[32];

			if (transaction_control(m->sql, word, sizeof(word))) {
				snprintf(err, err_size,
					 "migration %s contains a top-level %s: each migration runs in "
					 "one transaction that the migrator owns", entry->d_name, word);
				erp_free(m->sql);
				goto fail;
			}
		}
		m->name = erp_xstrdup(entry->d_name);
		checksum_hex(m->sql, m->sql_length, m->checksum);
		set->count++;
	}
	closedir(d);
	qsort(set->items, set->count, sizeof(*set->items), compare_migrations);
	return 0;
fail:
	closedir(d);
	migration_set_release(set);
	return -1;
}

void migration_set_release(struct migration_set *set)
{
	for (size_t i = 0; i < set->count; i++) {
		erp_free(set->items[i].name);
		erp_free(set->items[i].sql);
	}
	free(set->items);
	set->items = NULL;
	set->count = 0;
}

static const struct migration *find(const struct migration_set *set, const char *name)
{
	for (size_t i = 0; i < set->count; i++)
		if (strcmp(set->items[i].name, name) == 0)
			return &set->items[i];
	return NULL;
}

/* Reads the history table (empty result when it does not exist yet). */
static int read_history(struct db_conn *conn, struct arena *arena, PGresult **out)
{
	PGresult *exists;
	int rc = db_query(conn, arena, &history_exists, 0, NULL, &exists);

	if (rc)
		return rc;
	*out = NULL;
	if (strcmp(PQgetvalue(exists, 0, 0), "t") != 0)
		return ERP_OK;
	return db_query(conn, arena, &list_applied, 0, NULL, out);
}

/*
 * Compares history with the files: every applied migration must still exist
 * unchanged. Returns 0 (consistent) or 1 with a reason.
 */
static int check_history(PGresult *history, const struct migration_set *set, char *reason,
			 size_t reason_size)
{
	int rows = history ? PQntuples(history) : 0;

	for (int i = 0; i < rows; i++) {
		const char *name = PQgetvalue(history, i, 0);
		const struct migration *m = find(set, name);

		if (!m) {
			snprintf(reason, reason_size,
				 "the database has migration %s, which this build does not know "
				 "(is this binary older than the schema?)", name);
			return 1;
		}
		if (strcmp(m->checksum, PQgetvalue(history, i, 1)) != 0) {
			snprintf(reason, reason_size,
				 "migration %s was changed after it was applied (checksum %.12s... "
				 "in the database, %.12s... on disk); never edit an applied "
				 "migration, add a new one", name, PQgetvalue(history, i, 1),
				 m->checksum);
			return 1;
		}
	}
	return 0;
}

static bool is_applied(PGresult *history, const char *name)
{
	int rows = history ? PQntuples(history) : 0;

	for (int i = 0; i < rows; i++)
		if (strcmp(PQgetvalue(history, i, 0), name) == 0)
			return true;
	return false;
}

struct apply_one {
	const struct migration *migration;
	int rc_detail;
};

static int apply_work(struct db_conn *conn, void *ctx)
{
	struct apply_one *job = ctx;
	const struct migration *m = job->migration;
	struct timespec start, end;
	char duration[24];
	const char *params[3];
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &start);
	rc = db_exec(conn, m->sql);
	if (rc)
		return rc;
	/* Belt and braces behind the load-time scan: still inside the migrator's transaction? */
	if (PQtransactionStatus(db_pg(conn)) != PQTRANS_INTRANS)
		return ERP_ERR_INTERNAL;
	clock_gettime(CLOCK_MONOTONIC, &end);
	snprintf(duration, sizeof(duration), "%ld",
		 (long)((end.tv_sec - start.tv_sec) * 1000 + (end.tv_nsec - start.tv_nsec) / 1000000));
	params[0] = m->name;
	params[1] = m->checksum;
	params[2] = duration;
	return db_query(conn, NULL, &record_applied, 3, params, NULL);
}

int migrate_apply(struct db_conn *conn, const struct migration_set *set, FILE *report, char *err,
		  size_t err_size)
{
	struct arena *arena = arena_new(4096);
	const char *lock_param[1];
	char lock_key[16];
	PGresult *history = NULL;
	unsigned long connects;
	int applied = 0, rc;

	if (!arena) {
		snprintf(err, err_size, "out of memory");
		return -1;
	}
	snprintf(lock_key, sizeof(lock_key), "%d", MIGRATION_LOCK_KEY);
	lock_param[0] = lock_key;
	if (db_query(conn, NULL, &take_lock, 1, lock_param, NULL) ||
	    db_query(conn, NULL, &create_history, 0, NULL, NULL) ||
	    read_history(conn, arena, &history)) {
		snprintf(err, err_size, "cannot read the migration history: %s", db_last_message(conn));
		applied = -1;
		goto out;
	}
	if (check_history(history, set, err, err_size)) {
		applied = -1;
		goto out;
	}
	connects = db_connect_count(conn);
	for (size_t i = 0; i < set->count; i++) {
		struct apply_one job = { &set->items[i], 0 };

		if (is_applied(history, set->items[i].name))
			continue;
		rc = db_transaction(conn, apply_work, &job);
		if (db_connect_count(conn) != connects) {
			/* The session holding the advisory lock is gone: another migrator may be running. */
			snprintf(err, err_size,
				 "the database connection was re-established during migration %s, which "
				 "released the migration lock; run erp-server migrate again",
				 set->items[i].name);
			applied = -1;
			goto out;
		}
		if (rc) {
			snprintf(err, err_size, "migration %s failed and was rolled back: %s%s%s%s",
				 set->items[i].name, db_last_message(conn),
				 *db_last_sqlstate(conn) ? " (SQLSTATE " : "", db_last_sqlstate(conn),
				 *db_last_sqlstate(conn) ? ")" : "");
			applied = -1;
			goto out;
		}
		applied++;
		if (report)
			fprintf(report, "applied %s\n", set->items[i].name);
	}
out:
	if (conn && db_pg(conn))
		db_query(conn, NULL, &release_lock, 1, lock_param, NULL);
	arena_free(arena);
	return applied;
}

int migrate_status(struct db_conn *conn, const struct migration_set *set, FILE *out, char *err,
		   size_t err_size)
{
	struct arena *arena = arena_new(4096);
	PGresult *history = NULL;
	int pending = 0;
	char reason[512];

	if (!arena || read_history(conn, arena, &history)) {
		snprintf(err, err_size, "cannot read the migration history: %s", db_last_message(conn));
		arena_free(arena);
		return -1;
	}
	for (int i = 0; history && i < PQntuples(history); i++)
		fprintf(out, "applied  %s  %s\n", PQgetvalue(history, i, 0), PQgetvalue(history, i, 2));
	for (size_t i = 0; i < set->count; i++) {
		if (!is_applied(history, set->items[i].name)) {
			fprintf(out, "pending  %s\n", set->items[i].name);
			pending++;
		}
	}
	if (check_history(history, set, reason, sizeof(reason)))
		fprintf(out, "problem  %s\n", reason);
	arena_free(arena);
	return pending;
}

int migrate_check_current(struct db_conn *conn, const struct migration_set *set, char *reason,
			  size_t reason_size)
{
	struct arena *arena = arena_new(4096);
	PGresult *history = NULL;
	int rc;

	if (!arena)
		return ERP_ERR_NO_MEMORY;
	rc = read_history(conn, arena, &history);
	if (rc) {
		arena_free(arena);
		return rc;
	}
	rc = check_history(history, set, reason, reason_size);
	for (size_t i = 0; rc == 0 && i < set->count; i++) {
		if (!is_applied(history, set->items[i].name)) {
			snprintf(reason, reason_size, "migration %s is pending: run `erp-server migrate`",
				 set->items[i].name);
			rc = 1;
		}
	}
	arena_free(arena);
	return rc;
}
