#include "platform/audit/event_audit.h"

#include <sodium.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/arena.h"
#include "common/json.h"
#include "platform/audit/audit_mac.h"
#include "platform/db/db.h"
#include "shared-kernel/errors.h"

enum { PAGE_ROWS = 500, MAX_ROWS_LISTED = 100 };

static const struct db_statement has_mac_column = {
	"event_audit_has_mac",
	"SELECT EXISTS (SELECT 1 FROM pg_attribute"
	"                WHERE attrelid = to_regclass('audit_events') AND attname = 'mac'"
	"                  AND NOT attisdropped) AS ready",
	true,
};

/*
 * The columns in the text forms the MAC covers (audit_chain.h), the MAC, and
 * for a script run's row whether its run is on record (NULL when the request
 * id is not "script:" and a UUID).
 */
static const struct db_statement page = {
	"event_audit_page",
	"SELECT e.id::text AS id, e.actor_id::text AS actor_id, e.action,"
	"       e.company_id::text AS company_id, e.entity, e.entity_id, e.request_id,"
	"       e.changes::text AS changes, e.reason, encode(e.mac, 'hex') AS mac,"
	"       to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS occurred_at,"
	"       CASE WHEN e.request_id ~ '^script:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'"
	"            THEN EXISTS (SELECT 1 FROM script_executions s"
	"                          WHERE s.run_id = substr(e.request_id, 8)::uuid AND s.phase = 'start')"
	"       END AS script_run_known"
	"  FROM audit_events e"
	" WHERE e.id > $1::uuid"
	" ORDER BY e.id"
	" LIMIT $2",
	true,
};

/* Where each column of a page is (read by name once per page). */
struct columns {
	int id, actor_id, action, company_id, entity, entity_id, request_id, changes, reason, mac,
		occurred_at, script_run_known;
};

struct tally {
	long rows;
	long script_rows;
	long failed;
};

static int column(PGresult *res, const char *name)
{
	return PQfnumber(res, name);
}

static void find_columns(PGresult *res, struct columns *c)
{
	c->id = column(res, "id");
	c->actor_id = column(res, "actor_id");
	c->action = column(res, "action");
	c->company_id = column(res, "company_id");
	c->entity = column(res, "entity");
	c->entity_id = column(res, "entity_id");
	c->request_id = column(res, "request_id");
	c->changes = column(res, "changes");
	c->reason = column(res, "reason");
	c->mac = column(res, "mac");
	c->occurred_at = column(res, "occurred_at");
	c->script_run_known = column(res, "script_run_known");
}

static const char *value(PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? NULL : PQgetvalue(res, row, col);
}

/* Prints text with control bytes replaced: stored values reach a terminal here. */
static void print_plain(FILE *out, const char *text)
{
	for (const unsigned char *p = (const unsigned char *)text; *p; p++)
		fputc(*p < 0x20 || *p == 0x7f ? '?' : *p, out);
}

static void report(struct tally *tally, FILE *out, PGresult *res, int row,
		   const struct columns *c, const char *problem)
{
	const char *actor = value(res, row, c->actor_id);
	const char *request = value(res, row, c->request_id);

	tally->failed++;
	if (!out || tally->failed > MAX_ROWS_LISTED)
		return;
	fprintf(out, "  row %s (", PQgetvalue(res, row, c->id));
	print_plain(out, PQgetvalue(res, row, c->action));
	fprintf(out, ", actor %s, request ", actor ? actor : "none");
	print_plain(out, request ? request : "none");
	fprintf(out, ", at %s): %s\n", PQgetvalue(res, row, c->occurred_at), problem);
}

/* The MAC column's 32 bytes; -1 when it is not 64 hex digits. */
static int stored_mac(const char *hex, uint8_t mac[AUDIT_MAC_BYTES])
{
	size_t length = 0;

	if (strlen(hex) != AUDIT_MAC_BYTES * 2 ||
	    sodium_hex2bin(mac, AUDIT_MAC_BYTES, hex, strlen(hex), NULL, &length, NULL) != 0 ||
	    length != AUDIT_MAC_BYTES)
		return -1;
	return 0;
}

/* Checks the MAC of one row; 0 (sound or reported), or ERP_ERR_NO_MEMORY. */
static int check_mac(const struct audit_key *key, struct tally *tally, FILE *out, PGresult *res,
		     int row, const struct columns *c)
{
	struct audit_event_text text = {
		.id = value(res, row, c->id),
		.actor_id = value(res, row, c->actor_id),
		.action = value(res, row, c->action),
		.company_id = value(res, row, c->company_id),
		.entity = value(res, row, c->entity),
		.entity_id = value(res, row, c->entity_id),
		.request_id = value(res, row, c->request_id),
		.reason = value(res, row, c->reason),
	};
	const char *stored_changes = PQgetvalue(res, row, c->changes);
	uint8_t stored[AUDIT_MAC_BYTES], computed[AUDIT_MAC_BYTES];
	bool out_of_memory = false;
	json_t *changes;
	char *canonical;

	if (stored_mac(PQgetvalue(res, row, c->mac), stored) != 0) {
		report(tally, out, res, row, c, "the MAC column is not 32 bytes");
		return 0;
	}
	changes = erp_json_loadb(stored_changes, strlen(stored_changes), 0, NULL, &out_of_memory);
	if (!changes) {
		if (out_of_memory)
			return ERP_ERR_NO_MEMORY;
		report(tally, out, res, row, c, "its changes cannot be read back as JSON");
		return 0;
	}
	canonical = audit_changes_canonical(changes);
	json_decref(changes);
	if (!canonical)
		return ERP_ERR_NO_MEMORY;
	text.changes = canonical;
	audit_event_mac(key, &text, computed);
	free(canonical);
	if (sodium_memcmp(computed, stored, sizeof(stored)) != 0)
		report(tally, out, res, row, c,
		       "the MAC does not match: the server did not write this row as it reads now");
	return 0;
}

/* Checks one row; 0, or ERP_ERR_NO_MEMORY. */
static int check_row(const struct audit_key *key, struct tally *tally, FILE *out, PGresult *res,
		     int row, const struct columns *c)
{
	const char *request = value(res, row, c->request_id);
	bool script_row = request && strncmp(request, "script:", 7) == 0;

	tally->rows++;
	if (script_row) {
		const char *known = value(res, row, c->script_run_known);

		tally->script_rows++;
		if (!known || strcmp(known, "t") != 0) {
			report(tally, out, res, row, c,
			       "it claims a script run that is not in script_executions");
			return 0;
		}
		if (!PQgetisnull(res, row, c->actor_id)) {
			report(tally, out, res, row, c, "a script run's row names an actor");
			return 0;
		}
	}
	if (PQgetisnull(res, row, c->mac)) {
		if (!script_row)
			report(tally, out, res, row, c,
			       "it has no MAC, and only a script run's rows may go without one");
		return 0;
	}
	return check_mac(key, tally, out, res, row, c);
}

static int fail(int rc, struct db_conn *conn, char *err, size_t err_size)
{
	snprintf(err, err_size, "cannot read audit_events: %s",
		 db_last_message(conn)[0] ? db_last_message(conn) : erp_error_name(rc));
	return rc;
}

int event_audit_verify(struct db_conn *conn, const struct audit_key *key, FILE *out, char *err,
		       size_t err_size)
{
	struct arena *arena = arena_new(4096);
	struct tally tally = { 0 };
	char after[40] = "00000000-0000-0000-0000-000000000000";
	PGresult *res;
	int rc;

	if (!arena) {
		snprintf(err, err_size, "out of memory");
		return ERP_ERR_NO_MEMORY;
	}
	rc = db_query(conn, arena, &has_mac_column, 0, NULL, &res);
	if (rc) {
		rc = fail(rc, conn, err, err_size);
		goto out;
	}
	if (strcmp(PQgetvalue(res, 0, column(res, "ready")), "t") != 0) {
		snprintf(err, err_size,
			 "audit_events has no mac column (or no such table): run erp-server migrate first");
		rc = ERP_ERR_NOT_FOUND;
		goto out;
	}
	/* One snapshot for both tables: rows appended meanwhile are not part of this check. */
	rc = db_exec(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
	if (rc) {
		rc = fail(rc, conn, err, err_size);
		goto out;
	}
	if (out)
		fprintf(out, "checking audit_events\n");
	for (;;) {
		char limit[16];
		const char *params[] = { after, limit };
		struct columns c;
		int rows;

		snprintf(limit, sizeof(limit), "%d", PAGE_ROWS);
		arena_reset(arena);
		rc = db_query(conn, arena, &page, 2, params, &res);
		if (rc) {
			rc = fail(rc, conn, err, err_size);
			goto rollback;
		}
		find_columns(res, &c);
		rows = PQntuples(res);
		for (int i = 0; i < rows; i++) {
			rc = check_row(key, &tally, out, res, i, &c);
			if (rc) {
				snprintf(err, err_size, "out of memory");
				goto rollback;
			}
		}
		if (rows < PAGE_ROWS)
			break;
		snprintf(after, sizeof(after), "%s", PQgetvalue(res, rows - 1, c.id));
	}
	if (out && tally.failed > MAX_ROWS_LISTED)
		fprintf(out, "  (only the first %d listed)\n", MAX_ROWS_LISTED);
	if (out)
		fprintf(out, "audit_events: %ld row%s (%ld of script runs), %ld failed\n",
			tally.rows, tally.rows == 1 ? "" : "s", tally.script_rows, tally.failed);
	if (tally.failed) {
		snprintf(err, err_size, "%ld of %ld audit_events rows fail the check (listed above)",
			 tally.failed, tally.rows);
		rc = EVENT_AUDIT_BROKEN;
	} else {
		rc = EVENT_AUDIT_INTACT;
	}
rollback:
	/* Read-only: ending it either way changes nothing. */
	db_exec(conn, "ROLLBACK");
out:
	arena_free(arena);
	return rc;
}
