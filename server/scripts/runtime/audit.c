/*
 * The audit rows of a run in script_executions: who and where, and the hash
 * chain (shared-kernel/audit_chain.h). Every append holds a transaction-level
 * advisory lock from before it reads the chain's head until its transaction
 * ends, so two runs cannot both chain from the same head. The work's
 * transaction is READ COMMITTED: the head is read by a statement that starts
 * after the lock is granted, so it sees every append committed before.
 */
#include <pwd.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scripts/runtime/internal.h"
#include "shared-kernel/audit_chain.h"

/* "ERPS": beside the migrator's "ERP1" (platform/db/migrate.c). */
enum { CHAIN_LOCK_KEY = 0x45525053 };

static const struct db_statement lock_chain = {
	"runtime_chain_lock", "SELECT pg_advisory_xact_lock($1)", false,
};

/* The new row's id and time, the canonical text of its JSON, and the head's hash. */
static const struct db_statement chain_head = {
	"runtime_chain_head",
	"SELECT nextval('script_executions_id_seq')::text,"
	"       to_char(clock_timestamp() AT TIME ZONE 'UTC', '" AUDIT_CHAIN_TIME_FORMAT "'),"
	"       $1::jsonb::text, $2::jsonb::text,"
	"       (SELECT encode(row_hash, 'hex') FROM script_executions ORDER BY id DESC LIMIT 1)",
	false,
};

static const struct db_statement insert_row = {
	"runtime_chain_insert",
	"INSERT INTO script_executions (id, run_id, phase, script, environment, host,"
	"       executor_os_user, sudo_user, executor, arguments, reason, dry_run, status,"
	"       exit_code, message, affected, started_at, ended_at, binary_version,"
	"       database_name, prev_hash, row_hash)"
	" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,"
	"         $18, $19, $20, decode($21, 'hex'), decode($22, 'hex'))",
	false,
};

static const char *const status_names[] = {
	[RUNTIME_SUCCEEDED] = "succeeded",
	[RUNTIME_FAILED] = "failed",
	[RUNTIME_REFUSED] = "refused",
	[RUNTIME_DRY_RUN] = "dry-run",
};

/* Copies text when it is short printable text, else "?" (it is audited and printed). */
static void copy_identity(char *out, size_t size, const char *text)
{
	size_t length = text ? strlen(text) : 0;

	if (length == 0 || length >= size) {
		snprintf(out, size, "?");
		return;
	}
	for (size_t i = 0; i < length; i++)
		if ((unsigned char)text[i] < 0x20 || text[i] == 0x7f) {
			snprintf(out, size, "?");
			return;
		}
	memcpy(out, text, length + 1);
}

void runtime_identify(struct script_ctx *ctx)
{
	struct erp_uuid id;
	struct passwd pwd, *found = NULL;
	char buffer[4096];
	const char *sudo_user = getenv("SUDO_USER");

	erp_uuid_v7(&id);
	erp_uuid_format(&id, ctx->run_id);
	if (gethostname(ctx->host, sizeof(ctx->host)) != 0)
		snprintf(ctx->host, sizeof(ctx->host), "?");
	ctx->host[sizeof(ctx->host) - 1] = '\0';
	if (getpwuid_r(geteuid(), &pwd, buffer, sizeof(buffer), &found) == 0 && found)
		copy_identity(ctx->os_user, sizeof(ctx->os_user), found->pw_name);
	else
		snprintf(ctx->os_user, sizeof(ctx->os_user), "uid %u", (unsigned)geteuid());
	if (sudo_user && *sudo_user) {
		char copy[64];

		copy_identity(copy, sizeof(copy), sudo_user);
		ctx->sudo_user = arena_strdup(ctx->arena, copy);
	}
}

struct row {
	bool start;
	enum runtime_status status;
	const char *affected_json;
};

static void database_error(struct script_ctx *ctx, char *err, size_t err_size)
{
	snprintf(err, err_size, "%s", db_last_message(ctx->conn)[0] ? db_last_message(ctx->conn)
								      : "out of memory");
}

/* Appends one row inside the caller's transaction. 0, or -1 with err set. */
static int append(struct script_ctx *ctx, const struct row *row, char *err, size_t err_size)
{
	struct audit_chain_field fields[AUDIT_SCRIPT_FIELD_COUNT];
	uint8_t prev[AUDIT_CHAIN_HASH_BYTES] = { 0 }, hash[AUDIT_CHAIN_HASH_BYTES];
	char key[16], exit_code[16], prev_hex[AUDIT_CHAIN_HASH_BYTES * 2 + 1];
	char hash_hex[AUDIT_CHAIN_HASH_BYTES * 2 + 1];
	const char *head_params[] = { ctx->arguments_json, row->affected_json };
	const char *key_param[] = { key };
	const char *id, *now, *arguments, *affected, *started_at, *ended_at;
	PGresult *res;

	snprintf(key, sizeof(key), "%d", CHAIN_LOCK_KEY);
	if (db_query(ctx->conn, ctx->arena, &lock_chain, 1, key_param, NULL) ||
	    db_query(ctx->conn, ctx->arena, &chain_head, 2, head_params, &res)) {
		database_error(ctx, err, err_size);
		return -1;
	}
	id = PQgetvalue(res, 0, 0);
	now = PQgetvalue(res, 0, 1);
	arguments = PQgetvalue(res, 0, 2);
	affected = PQgetisnull(res, 0, 3) ? NULL : PQgetvalue(res, 0, 3);
	if (!PQgetisnull(res, 0, 4) &&
	    sodium_hex2bin(prev, sizeof(prev), PQgetvalue(res, 0, 4), (size_t)PQgetlength(res, 0, 4),
			   NULL, NULL, NULL) != 0) {
		snprintf(err, err_size, "the chain's last row has a malformed row_hash");
		return -1;
	}
	started_at = row->start ? now : ctx->started_at;
	ended_at = row->start ? NULL : now;
	if (!row->start)
		snprintf(exit_code, sizeof(exit_code), "%d", ctx->exit_code);

	fields[AUDIT_SCRIPT_ID] = audit_chain_text(id);
	fields[AUDIT_SCRIPT_RUN_ID] = audit_chain_text(ctx->run_id);
	fields[AUDIT_SCRIPT_PHASE] = audit_chain_text(row->start ? "start" : "end");
	fields[AUDIT_SCRIPT_SCRIPT] = audit_chain_text(ctx->descriptor->name);
	fields[AUDIT_SCRIPT_ENVIRONMENT] = audit_chain_text(ctx->environment);
	fields[AUDIT_SCRIPT_HOST] = audit_chain_text(ctx->host);
	fields[AUDIT_SCRIPT_EXECUTOR_OS_USER] = audit_chain_text(ctx->os_user);
	fields[AUDIT_SCRIPT_SUDO_USER] = audit_chain_text(ctx->sudo_user);
	fields[AUDIT_SCRIPT_EXECUTOR] = audit_chain_text(ctx->executor);
	fields[AUDIT_SCRIPT_ARGUMENTS] = audit_chain_text(arguments);
	fields[AUDIT_SCRIPT_REASON] = audit_chain_text(ctx->reason);
	fields[AUDIT_SCRIPT_DRY_RUN] = audit_chain_text(ctx->dry_run ? "true" : "false");
	fields[AUDIT_SCRIPT_STATUS] =
		audit_chain_text(row->start ? "started" : status_names[row->status]);
	fields[AUDIT_SCRIPT_EXIT_CODE] = audit_chain_text(row->start ? NULL : exit_code);
	fields[AUDIT_SCRIPT_MESSAGE] = audit_chain_text(row->start ? NULL : ctx->message);
	fields[AUDIT_SCRIPT_AFFECTED] = audit_chain_text(affected);
	fields[AUDIT_SCRIPT_STARTED_AT] = audit_chain_text(started_at);
	fields[AUDIT_SCRIPT_ENDED_AT] = audit_chain_text(ended_at);
	fields[AUDIT_SCRIPT_BINARY_VERSION] = audit_chain_text(ERP_VERSION);
	fields[AUDIT_SCRIPT_DATABASE_NAME] = audit_chain_text(ctx->database_name);
	audit_chain_hash(prev, fields, AUDIT_SCRIPT_FIELD_COUNT, hash);
	sodium_bin2hex(prev_hex, sizeof(prev_hex), prev, sizeof(prev));
	sodium_bin2hex(hash_hex, sizeof(hash_hex), hash, sizeof(hash));

	{
		const char *params[AUDIT_SCRIPT_FIELD_COUNT + 2];

		for (int i = 0; i < AUDIT_SCRIPT_FIELD_COUNT; i++)
			params[i] = fields[i].value;
		params[AUDIT_SCRIPT_FIELD_COUNT] = prev_hex;
		params[AUDIT_SCRIPT_FIELD_COUNT + 1] = hash_hex;
		if (db_query(ctx->conn, ctx->arena, &insert_row, AUDIT_SCRIPT_FIELD_COUNT + 2,
			     params, NULL)) {
			database_error(ctx, err, err_size);
			return -1;
		}
	}
	snprintf(ctx->head_pending, sizeof(ctx->head_pending), "%s:%s", id, hash_hex);
	if (row->start) {
		ctx->started_at = arena_strdup(ctx->arena, now);
		if (!ctx->started_at) {
			snprintf(err, err_size, "out of memory");
			return -1;
		}
	}
	return 0;
}

/* Appends in a transaction of its own. */
static int append_alone(struct script_ctx *ctx, const struct row *row, char *err, size_t err_size)
{
	if (db_exec(ctx->conn, "BEGIN")) {
		database_error(ctx, err, err_size);
		return -1;
	}
	if (append(ctx, row, err, err_size) != 0) {
		db_exec(ctx->conn, "ROLLBACK");
		return -1;
	}
	if (db_exec(ctx->conn, "COMMIT")) {
		database_error(ctx, err, err_size);
		return -1;
	}
	runtime_audit_committed(ctx);
	return 0;
}

void runtime_audit_committed(struct script_ctx *ctx)
{
	memcpy(ctx->head_committed, ctx->head_pending, sizeof(ctx->head_committed));
}

void runtime_print_head(const struct script_ctx *ctx)
{
	if (ctx->head_committed[0])
		printf("%s: audit chain head: %s\n", ctx->program, ctx->head_committed);
}

int runtime_audit_start(struct script_ctx *ctx)
{
	const struct row row = { .start = true };
	char err[512];

	if (append_alone(ctx, &row, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s: cannot write the audit record, so nothing was done: %s\n",
			ctx->program, err);
		return -1;
	}
	return 0;
}

int runtime_audit_end(struct script_ctx *ctx, enum runtime_status status, bool in_transaction,
		      char *err, size_t err_size)
{
	const struct row row = {
		.status = status,
		/* Rolled back runs changed nothing; a dry run records what it would have changed. */
		.affected_json = status == RUNTIME_SUCCEEDED || status == RUNTIME_DRY_RUN
					 ? runtime_affected_json(ctx)
					 : "{}",
	};

	if (!row.affected_json) {
		snprintf(err, err_size, "out of memory");
		return -1;
	}
	return in_transaction ? append(ctx, &row, err, err_size)
			      : append_alone(ctx, &row, err, err_size);
}
