#include "platform/audit/script_audit.h"

#include <errno.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/arena.h"
#include "platform/db/db.h"
#include "shared-kernel/audit_chain.h"
#include "shared-kernel/errors.h"

enum { PAGE_ROWS = 500, MAX_OPEN_RUNS_LISTED = 10 };

static const struct db_statement table_exists = {
	"script_audit_table_exists", "SELECT to_regclass('script_executions') IS NOT NULL", true,
};

/* The columns in audit_script_field order (audit_chain.h), then the two hashes. */
static const struct db_statement page = {
	"script_audit_page",
	"SELECT id::text, run_id::text, phase, script, environment, host, executor_os_user,"
	"       sudo_user, executor, arguments::text, reason,"
	"       CASE WHEN dry_run THEN 'true' ELSE 'false' END, status, exit_code::text, message,"
	"       affected::text,"
	"       to_char(started_at AT TIME ZONE 'UTC', '" AUDIT_CHAIN_TIME_FORMAT "'),"
	"       to_char(ended_at AT TIME ZONE 'UTC', '" AUDIT_CHAIN_TIME_FORMAT "'),"
	"       binary_version, database_name, encode(prev_hash, 'hex'), encode(row_hash, 'hex')"
	"  FROM script_executions"
	" WHERE id > $1"
	" ORDER BY script_executions.id" /* the column: a bare "id" would sort the text alias */
	" LIMIT $2",
	true,
};

static const struct db_statement open_runs = {
	"script_audit_open_runs",
	"SELECT s.id::text, s.run_id::text, s.script, s.environment,"
	"       to_char(s.started_at AT TIME ZONE 'UTC', '" AUDIT_CHAIN_TIME_FORMAT "'),"
	"       count(*) OVER ()"
	"  FROM script_executions s"
	" WHERE s.phase = 'start'"
	"   AND NOT EXISTS (SELECT 1 FROM script_executions e"
	"                    WHERE e.run_id = s.run_id AND e.phase = 'end')"
	" ORDER BY s.id"
	" LIMIT 10",
	true,
};

struct verify_state {
	uint8_t prev[AUDIT_CHAIN_HASH_BYTES];
	char prev_id[24];
	long rows;
	const struct script_audit_head *head; /* NULL: none given */
	bool head_seen;
};

int script_audit_head_parse(const char *text, struct script_audit_head *head)
{
	const char *colon = strchr(text, ':');
	size_t length = 0;
	char *end;

	if (!colon || colon == text || text[0] < '0' || text[0] > '9')
		return -1;
	errno = 0;
	head->id = strtoll(text, &end, 10);
	if (errno || end != colon || head->id <= 0)
		return -1;
	if (strlen(colon + 1) != AUDIT_CHAIN_HASH_BYTES * 2 ||
	    sodium_hex2bin(head->row_hash, sizeof(head->row_hash), colon + 1, strlen(colon + 1), NULL,
			   &length, NULL) != 0 ||
	    length != sizeof(head->row_hash))
		return -1;
	return 0;
}

/* When row is the recorded head: 0 if it still carries the recorded hash, else BROKEN. */
static int check_head(struct verify_state *state, const char *id, const uint8_t *row_hash,
		      char *err, size_t err_size)
{
	if (!state->head || strtoll(id, NULL, 10) != state->head->id)
		return SCRIPT_AUDIT_INTACT;
	state->head_seen = true;
	if (sodium_memcmp(row_hash, state->head->row_hash, AUDIT_CHAIN_HASH_BYTES) == 0)
		return SCRIPT_AUDIT_INTACT;
	snprintf(err, err_size,
		 "row %s, the recorded head, has another row_hash than the one recorded: rows up "
		 "to it were rewritten and the chain computed anew",
		 id);
	return SCRIPT_AUDIT_BROKEN;
}

/* Checks one row; 0 when it is sound, else SCRIPT_AUDIT_BROKEN with err set. */
static int verify_row(struct verify_state *state, PGresult *res, int row, char *err,
		      size_t err_size)
{
	struct audit_chain_field fields[AUDIT_SCRIPT_FIELD_COUNT];
	uint8_t stored_prev[AUDIT_CHAIN_HASH_BYTES], stored_hash[AUDIT_CHAIN_HASH_BYTES];
	uint8_t computed[AUDIT_CHAIN_HASH_BYTES];
	const char *id = PQgetvalue(res, row, AUDIT_SCRIPT_ID);
	const char *run = PQgetvalue(res, row, AUDIT_SCRIPT_RUN_ID);
	const char *phase = PQgetvalue(res, row, AUDIT_SCRIPT_PHASE);
	const char *prev_hex = PQgetvalue(res, row, AUDIT_SCRIPT_FIELD_COUNT);
	const char *hash_hex = PQgetvalue(res, row, AUDIT_SCRIPT_FIELD_COUNT + 1);
	size_t length;

	for (int i = 0; i < AUDIT_SCRIPT_FIELD_COUNT; i++) {
		fields[i].value = PQgetisnull(res, row, i) ? NULL : PQgetvalue(res, row, i);
		fields[i].length = (size_t)PQgetlength(res, row, i);
	}
	/* The table's CHECKs keep both hashes 32 bytes; a bad length means tampering too. */
	if (sodium_hex2bin(stored_prev, sizeof(stored_prev), prev_hex, strlen(prev_hex), NULL,
			   &length, NULL) ||
	    length != sizeof(stored_prev) ||
	    sodium_hex2bin(stored_hash, sizeof(stored_hash), hash_hex, strlen(hash_hex), NULL,
			   &length, NULL) ||
	    length != sizeof(stored_hash)) {
		snprintf(err, err_size, "row %s (run %s, %s): malformed hash columns", id, run, phase);
		return SCRIPT_AUDIT_BROKEN;
	}
	if (sodium_memcmp(stored_prev, state->prev, sizeof(stored_prev)) != 0) {
		if (state->rows == 0)
			snprintf(err, err_size,
				 "row %s (run %s, %s): it is the first row but its prev_hash is not "
				 "zero: earlier rows were removed",
				 id, run, phase);
		else
			snprintf(err, err_size,
				 "row %s (run %s, %s): prev_hash does not match the row_hash of row %s: "
				 "a row between them was removed or inserted, or row %s was rewritten",
				 id, run, phase, state->prev_id, state->prev_id);
		return SCRIPT_AUDIT_BROKEN;
	}
	audit_chain_hash(stored_prev, fields, AUDIT_SCRIPT_FIELD_COUNT, computed);
	if (sodium_memcmp(computed, stored_hash, sizeof(computed)) != 0) {
		snprintf(err, err_size,
			 "row %s (run %s, %s): row_hash does not match the row's content: the row "
			 "was changed after it was written",
			 id, run, phase);
		return SCRIPT_AUDIT_BROKEN;
	}
	if (check_head(state, id, stored_hash, err, err_size) != SCRIPT_AUDIT_INTACT)
		return SCRIPT_AUDIT_BROKEN;
	memcpy(state->prev, stored_hash, sizeof(state->prev));
	snprintf(state->prev_id, sizeof(state->prev_id), "%s", id);
	state->rows++;
	return SCRIPT_AUDIT_INTACT;
}

static void report_open_runs(PGresult *res, FILE *out)
{
	int count = PQntuples(res);

	if (count == 0) {
		fprintf(out, "every run has its end row\n");
		return;
	}
	fprintf(out, "runs without an end row (killed, or still running): %s\n",
		PQgetvalue(res, 0, 5));
	for (int i = 0; i < count; i++)
		fprintf(out, "  row %s: run %s, %s in %s, started %s\n", PQgetvalue(res, i, 0),
			PQgetvalue(res, i, 1), PQgetvalue(res, i, 2), PQgetvalue(res, i, 3),
			PQgetvalue(res, i, 4));
	if (count == MAX_OPEN_RUNS_LISTED)
		fprintf(out, "  (only the first %d listed)\n", MAX_OPEN_RUNS_LISTED);
}

static int fail(int rc, struct db_conn *conn, const char *what, char *err, size_t err_size)
{
	snprintf(err, err_size, "%s: %s", what,
		 db_last_message(conn)[0] ? db_last_message(conn) : erp_error_name(rc));
	return rc;
}

int script_audit_verify(struct db_conn *conn, const struct script_audit_head *head, FILE *out,
			char *err, size_t err_size)
{
	struct verify_state state = { .prev_id = "0", .head = head };
	struct arena *arena = arena_new(4096);
	char after[24] = "0";
	PGresult *res;
	int rc;

	if (!arena) {
		snprintf(err, err_size, "out of memory");
		return ERP_ERR_NO_MEMORY;
	}
	rc = db_query(conn, arena, &table_exists, 0, NULL, &res);
	if (rc) {
		rc = fail(rc, conn, "cannot read script_executions", err, err_size);
		goto out;
	}
	if (strcmp(PQgetvalue(res, 0, 0), "t") != 0) {
		snprintf(err, err_size,
			 "the database has no script_executions table: run erp-server migrate first");
		rc = ERP_ERR_NOT_FOUND;
		goto out;
	}
	/* One snapshot: rows appended meanwhile are simply not part of this check. */
	rc = db_exec(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
	if (rc) {
		rc = fail(rc, conn, "cannot read script_executions", err, err_size);
		goto out;
	}
	for (;;) {
		char limit[16];
		const char *params[] = { after, limit };
		int rows;

		snprintf(limit, sizeof(limit), "%d", PAGE_ROWS);
		arena_reset(arena);
		rc = db_query(conn, arena, &page, 2, params, &res);
		if (rc) {
			rc = fail(rc, conn, "cannot read script_executions", err, err_size);
			goto rollback;
		}
		rows = PQntuples(res);
		for (int i = 0; i < rows; i++) {
			rc = verify_row(&state, res, i, err, err_size);
			if (rc)
				goto rollback;
		}
		if (rows < PAGE_ROWS)
			break;
		snprintf(after, sizeof(after), "%s", PQgetvalue(res, rows - 1, AUDIT_SCRIPT_ID));
	}
	if (head && !state.head_seen) {
		snprintf(err, err_size,
			 "row %lld, the recorded head, is not in script_executions (the chain ends at "
			 "row %s): the chain was cut back below it",
			 head->id, state.prev_id);
		rc = SCRIPT_AUDIT_BROKEN;
		goto rollback;
	}
	arena_reset(arena);
	rc = db_query(conn, arena, &open_runs, 0, NULL, &res);
	if (rc) {
		rc = fail(rc, conn, "cannot read script_executions", err, err_size);
		goto rollback;
	}
	if (out) {
		char head_hex[AUDIT_CHAIN_HASH_BYTES * 2 + 1];

		sodium_bin2hex(head_hex, sizeof(head_hex), state.prev, sizeof(state.prev));
		fprintf(out, "script_executions: %ld row%s, chain intact\n", state.rows,
			state.rows == 1 ? "" : "s");
		if (state.rows)
			fprintf(out,
				"head: row %s, row_hash %s\n"
				"(record it elsewhere; later: erp-server audit verify-scripts --head %s:%s)\n",
				state.prev_id, head_hex, state.prev_id, head_hex);
		if (head)
			fprintf(out, "recorded head row %lld: found with the recorded row_hash\n",
				head->id);
		report_open_runs(res, out);
	}
	rc = SCRIPT_AUDIT_INTACT;
rollback:
	/* Read-only: ending it either way changes nothing. */
	db_exec(conn, "ROLLBACK");
out:
	arena_free(arena);
	return rc;
}
