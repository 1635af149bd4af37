/*
 * The ledger's shared SQL: companies, account resolution, inserting and
 * replacing drafts, and the entry as clients see it. Entities are rendered
 * by PostgreSQL (json_build_object), amounts by erp_minor_text() with the
 * account's currency exponent, so the text is exact.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "modules/ledger/internal.h"
#include "shared-kernel/errors.h"
#include "shared-kernel/money.h"

#define LINE_JSON                                                                            \
	"json_strip_nulls(json_build_object('line', l.line_no, 'account', a.code,"            \
	" 'currency', a.currency,"                                                            \
	" 'debit', CASE WHEN l.debit_minor > 0 THEN erp_minor_text(l.debit_minor, a.exponent) END," \
	" 'credit', CASE WHEN l.credit_minor > 0 THEN erp_minor_text(l.credit_minor, a.exponent) END," \
	" 'description', l.description))"

/* An entry as clients see it; lines_table is where its lines are read from. */
#define ENTRY_JSON(lines_table)                                                              \
	"json_build_object('id', e.id, 'number', e.number, 'status', e.status,"               \
	" 'date', e.entry_date, 'memo', e.memo, 'reference', e.reference, 'source', e.source," \
	" 'author_id', e.author_id, 'posted_by', e.posted_by, 'posted_at', e.posted_at,"       \
	" 'posted_into_closed_period', e.posted_into_closed_period, 'reverses', e.reverses_id,"                                                          \
	" 'reversed_by', (SELECT r.id FROM ledger_entries r WHERE r.reverses_id = e.id),"     \
	" 'version', e.version,"                                                               \
	" 'lines', (SELECT json_agg(" LINE_JSON " ORDER BY l.line_no) FROM " lines_table " l" \
	"           JOIN ledger_accounts a ON a.id = l.account_id WHERE l.entry_id = e.id),"   \
	" 'created_at', e.created_at, 'updated_at', e.updated_at)"

/*
 * The company and the named accounts (NULL columns for codes it lacks), in one round
 * trip (the company's row says whether it exists, for module callers naming an id). The accounts are key-share locked until commit, as the lines' foreign keys
 * lock them anyway, but before their currency and activity are read: a change of an
 * account (FOR UPDATE) waits for the entry, and the entry reads the account as that
 * change left it.
 */
#define ACCOUNTS_RESOLVE(company_match)                                                      \
	"SELECT c.id, a.code, a.id, a.currency, a.exponent, a.active FROM companies c"        \
	" LEFT JOIN LATERAL (SELECT * FROM ledger_accounts x WHERE x.company_id = c.id"        \
	"   AND x.code IN (SELECT jsonb_array_elements_text($2::jsonb)) FOR KEY SHARE) a ON true" \
	" WHERE " company_match

/*
 * A company's ledger settings as clients see them (s: the ledger_settings row,
 * absent for a company that never changed them: the defaults, version 1).
 * pending.version is the version a confirmation names in If-Match.
 */
#define SETTINGS_JSON                                                                        \
	"json_build_object('self_posting', coalesce(s.self_posting, false),"                  \
	" 'version', coalesce(s.version, 1),"                                                  \
	" 'pending', CASE WHEN s.pending_self_posting IS NOT NULL THEN json_build_object("     \
	"   'self_posting', s.pending_self_posting, 'requested_by', s.pending_requested_by,"   \
	"   'requested_at', s.pending_requested_at, 'version', s.version) END)"

static const struct db_statement accounts_resolve_by_code = {
	"ledger_accounts_resolve_by_code", ACCOUNTS_RESOLVE("c.code = $1"), false,
};
static const struct db_statement accounts_resolve_by_id = {
	"ledger_accounts_resolve_by_id", ACCOUNTS_RESOLVE("c.id = $1::uuid"), false,
};
static const struct db_statement entry_insert = {
	"ledger_entry_insert",
	/* Inserts and renders in one round trip: the JSON reads the CTEs' RETURNING rows. */
	"WITH e AS (INSERT INTO ledger_entries"
	"   (id, company_id, entry_date, memo, reference, source, author_id, reverses_id)"
	"   VALUES ($1, $2, $3, $4, $5, coalesce($6, 'manual'), $7, $9) RETURNING *),"
	" new_lines AS (INSERT INTO ledger_lines (entry_id, line_no, company_id, account_id,"
	"   debit_minor, credit_minor, description)"
	"   SELECT e.id, x.line_no, e.company_id, x.account_id, x.debit, x.credit, x.description"
	"   FROM e, jsonb_to_recordset($8::jsonb) AS x(line_no int, account_id uuid,"
	"     debit bigint, credit bigint, description text) RETURNING *)"
	" SELECT " ENTRY_JSON("new_lines") " FROM e",
	false,
};
static const struct db_statement entry_update_header = {
	"ledger_entry_update_header",
	"UPDATE ledger_entries SET entry_date = $2, memo = $3, reference = $4,"
	" version = version + 1, updated_at = now() WHERE id = $1 AND status = 'draft'",
	false,
};
static const struct db_statement lines_delete = {
	"ledger_lines_delete", "DELETE FROM ledger_lines WHERE entry_id = $1", false,
};
static const struct db_statement lines_insert = {
	"ledger_lines_insert",
	"INSERT INTO ledger_lines (entry_id, line_no, company_id, account_id, debit_minor,"
	"   credit_minor, description)"
	" SELECT $1, x.line_no, e.company_id, x.account_id, x.debit, x.credit, x.description"
	" FROM ledger_entries e, jsonb_to_recordset($2::jsonb) AS x(line_no int, account_id uuid,"
	"   debit bigint, credit bigint, description text) WHERE e.id = $1",
	false,
};

/*
 * A posting's statements (ledger_post_lock(), ledger_post_mark()). Each one
 * of the lock names the entry ($1) in its company, given by id ($2) or by
 * code ($3, when the id is NULL), so that none of them locks anything of
 * another company's when the entry is not the caller's.
 */
#define POSTING_ENTRY                                                                        \
	" ledger_entries e JOIN companies c ON c.id = e.company_id"                            \
	"   AND (c.id = $2::uuid OR c.code = $3)"
#define POSTING_PERIOD                                                                       \
	" ledger_periods p ON p.company_id = e.company_id AND e.entry_date BETWEEN p.starts_on AND p.ends_on"

static const struct db_statement post_lock_entry = {
	"ledger_post_lock_entry",
	"SELECT e.company_id, e.status, e.author_id, e.entry_date, e.version, p.id AS period_id,"
	"  p.status AS period_status, p.fiscal_year, to_char(p.starts_on, 'YYYY-MM') AS period,"
	"  coalesce(s.self_posting, false) AS self_posting,"
	"  coalesce(u.active, true) AS author_active"
	" FROM" POSTING_ENTRY
	" LEFT JOIN users u ON u.id = e.author_id"
	" LEFT JOIN" POSTING_PERIOD
	" LEFT JOIN ledger_settings s ON s.company_id = e.company_id"
	" WHERE e.id = $1 FOR UPDATE OF e",
	false,
};
static const struct db_statement post_share_period = {
	"ledger_post_share_period",
	/*
	 * Shared until commit: postings into a period run side by side, while a close
	 * or lock (FOR UPDATE) waits for them and they for it, so a period confirmed
	 * closed or locked takes no posting that was still running. The status read
	 * here, after any wait, is the one that holds.
	 */
	"SELECT p.status FROM" POSTING_ENTRY " JOIN" POSTING_PERIOD " WHERE e.id = $1 FOR SHARE OF p",
	false,
};
static const struct db_statement post_share_company = {
	"ledger_post_share_company",
	/*
	 * Shared until commit: postings run side by side, while a change of the company
	 * (FOR UPDATE, e.g. its currency) waits for them, and they for it.
	 */
	"SELECT c.id FROM" POSTING_ENTRY " WHERE e.id = $1 FOR SHARE OF c",
	false,
};
static const struct db_statement post_share_accounts = {
	"ledger_post_share_accounts",
	/*
	 * The accounts of the entry's lines, shared until commit: a deactivation (FOR
	 * UPDATE) waits for the posting, and a posting waits for a deactivation in
	 * progress and reads `active` as it left the row.
	 */
	"SELECT a.code, a.active FROM ledger_accounts a"
	" WHERE a.id IN (SELECT l.account_id FROM" POSTING_ENTRY
	"   JOIN ledger_lines l ON l.entry_id = e.id WHERE e.id = $1)"
	" ORDER BY a.code FOR SHARE OF a",
	false,
};
static const struct db_statement post_next_number = {
	"ledger_post_next_number",
	/* The row lock serialises postings per company and year until commit: no gaps. */
	"INSERT INTO ledger_numbering (company_id, fiscal_year, last_number)"
	" SELECT e.company_id, p.fiscal_year, 1 FROM" POSTING_ENTRY " JOIN" POSTING_PERIOD
	" WHERE e.id = $1"
	" ON CONFLICT (company_id, fiscal_year)"
	" DO UPDATE SET last_number = ledger_numbering.last_number + 1 RETURNING last_number",
	false,
};
static const struct db_statement post_stamp_lines = {
	"ledger_post_stamp_lines",
	"UPDATE ledger_lines SET posted_on = $2, posting_no = nextval('ledger_posting_no')"
	" WHERE entry_id = $1",
	false,
};
static const struct db_statement post_mark = {
	"ledger_post_mark",
	"UPDATE ledger_entries SET status = 'posted', fiscal_year = $2, sequence = $3, number = $4,"
	" posted_by = $5, posted_at = now(), posted_into_closed_period = $6::boolean,"
	" version = version + 1, updated_at = now() WHERE id = $1",
	false,
};
static const struct db_statement settings_get = {
	"ledger_settings_get",
	"SELECT " SETTINGS_JSON " FROM (SELECT $1::uuid AS id) c"
	" LEFT JOIN ledger_settings s ON s.company_id = c.id",
	true,
};
static const struct db_statement settings_ensure = {
	"ledger_settings_ensure",
	"INSERT INTO ledger_settings (company_id) VALUES ($1) ON CONFLICT (company_id) DO NOTHING",
	false,
};
static const struct db_statement settings_lock = {
	"ledger_settings_lock",
	"SELECT " SETTINGS_JSON " FROM ledger_settings s WHERE s.company_id = $1 FOR UPDATE",
	false,
};
static const struct db_statement settings_request = {
	"ledger_settings_request",
	"UPDATE ledger_settings s SET pending_self_posting = $2::boolean, pending_requested_by = $3,"
	" pending_requested_at = now(), version = s.version + 1, updated_at = now()"
	" WHERE s.company_id = $1 RETURNING " SETTINGS_JSON,
	false,
};
static const struct db_statement settings_confirm = {
	"ledger_settings_confirm",
	"UPDATE ledger_settings s SET self_posting = s.pending_self_posting,"
	" pending_self_posting = NULL, pending_requested_by = NULL, pending_requested_at = NULL,"
	" confirmed_by = $2, confirmed_at = now(), version = s.version + 1, updated_at = now()"
	" WHERE s.company_id = $1 AND s.pending_self_posting IS NOT NULL RETURNING " SETTINGS_JSON,
	false,
};
static const struct db_statement settings_cancel = {
	"ledger_settings_cancel",
	"UPDATE ledger_settings s SET pending_self_posting = NULL, pending_requested_by = NULL,"
	" pending_requested_at = NULL, version = s.version + 1, updated_at = now()"
	" WHERE s.company_id = $1 AND s.pending_self_posting IS NOT NULL RETURNING " SETTINGS_JSON,
	false,
};
static const struct db_statement period_lock = {
	"ledger_period_lock",
	"SELECT " LEDGER_PERIOD_JSON " FROM ledger_periods p WHERE p.company_id = $1 AND p.id = $2"
	" FOR UPDATE",
	false,
};
static const struct db_statement period_lock_facts = {
	"ledger_period_lock_facts",
	"SELECT to_char(p.starts_on, 'YYYY-MM') AS period, p.ends_on::text AS ends_on,"
	"  p.ends_on < (now() AT TIME ZONE 'UTC')::date AS ended,"
	"  (SELECT to_char(x.starts_on, 'YYYY-MM') FROM ledger_periods x"
	"   WHERE x.company_id = p.company_id AND x.starts_on < p.starts_on AND x.status <> 'locked'"
	"   ORDER BY x.starts_on LIMIT 1) AS earlier_unlocked,"
	"  (SELECT count(*) FROM ledger_entries d WHERE d.company_id = p.company_id"
	"   AND d.status = 'draft' AND d.entry_date BETWEEN p.starts_on AND p.ends_on) AS drafts,"
	"  (SELECT d.id FROM ledger_entries d WHERE d.company_id = p.company_id"
	"   AND d.status = 'draft' AND d.entry_date BETWEEN p.starts_on AND p.ends_on"
	"   ORDER BY d.entry_date, d.id LIMIT 1) AS first_draft"
	" FROM ledger_periods p WHERE p.id = $1",
	false,
};

/* Each step's UPDATE: $1 the period, $2 the user where the step records one. */
#define PERIOD_UPDATE(name, set)                                                             \
	{ name, "UPDATE ledger_periods p SET " set ", version = p.version + 1, updated_at = now()" \
		" WHERE p.id = $1 RETURNING " LEDGER_PERIOD_JSON, false }

static const struct {
	struct db_statement statement;
	int params;
} period_steps[] = {
	[LEDGER_PERIOD_CLOSE] = { PERIOD_UPDATE("ledger_period_close", "status = 'closed'"), 1 },
	[LEDGER_PERIOD_REOPEN] = { PERIOD_UPDATE("ledger_period_reopen",
		"status = 'open', lock_requested_by = NULL, lock_requested_at = NULL"), 1 },
	[LEDGER_PERIOD_REQUEST_LOCK] = { PERIOD_UPDATE("ledger_period_request_lock",
		"lock_requested_by = $2, lock_requested_at = now()"), 2 },
	[LEDGER_PERIOD_CONFIRM_LOCK] = { PERIOD_UPDATE("ledger_period_confirm_lock",
		"status = 'locked', locked_by = $2, locked_at = now()"), 2 },
	[LEDGER_PERIOD_CANCEL_LOCK] = { PERIOD_UPDATE("ledger_period_cancel_lock",
		"lock_requested_by = NULL, lock_requested_at = NULL"), 1 },
};

/* Whether $2 wrote the entry or any entry it reverses, back to the first. */
static const struct db_statement chain_authored_by = {
	"ledger_chain_authored_by",
	"WITH RECURSIVE chain AS ("
	"   SELECT id, author_id, reverses_id FROM ledger_entries WHERE id = $1"
	"   UNION ALL SELECT e.id, e.author_id, e.reverses_id FROM ledger_entries e"
	"   JOIN chain c ON e.id = c.reverses_id)"
	" SELECT coalesce(bool_or(author_id = $2::uuid), false) AS authored FROM chain",
	false,
};
static const struct db_statement entry_take_over = {
	"ledger_entry_take_over",
	"UPDATE ledger_entries SET author_id = $2, version = version + 1, updated_at = now()"
	" WHERE id = $1 AND status = 'draft'",
	false,
};
static const struct db_statement entry_get = {
	"ledger_entry_get",
	"SELECT " ENTRY_JSON("ledger_lines") " FROM ledger_entries e WHERE e.id = $2 AND e.company_id = $1",
	true,
};

static char *dump_to_arena(struct arena *arena, json_t *value)
{
	char *text = value ? erp_json_dumps(value, JSON_COMPACT) : NULL;

	json_decref(value);
	if (text && arena_cleanup_add(arena, free, text))
		return NULL; /* the cleanup list freed it */
	return text;
}

int ledger_accounts_resolve_queue(struct db_batch *batch, struct arena *arena, const char *company,
				  bool by_code, const struct ledger_line *lines, size_t count,
				  PGresult **res)
{
	json_t *codes = json_array();
	const char *params[2] = { company, NULL };

	for (size_t i = 0; codes && i < count; i++)
		if (json_array_append_new(codes, json_string(lines[i].account)))
			json_decref(codes), codes = NULL;
	params[1] = dump_to_arena(arena, codes);
	if (!params[1])
		return ERP_ERR_NO_MEMORY;
	return db_batch_add(batch, by_code ? &accounts_resolve_by_code : &accounts_resolve_by_id, 2,
			    params, res);
}

int ledger_accounts_resolve(struct db_conn *db, struct arena *arena, const char *company_id,
			    struct ledger_line *lines, size_t count)
{
	struct db_batch *batch = db_batch_new(arena);
	char found_company[40];
	PGresult *res;
	int rc = ledger_accounts_resolve_queue(batch, arena, company_id, false, lines, count, &res);

	if (!rc)
		rc = db_batch_run(db, batch);
	return rc ? rc : ledger_accounts_resolved(res, found_company, lines, count);
}

int ledger_accounts_resolved(PGresult *res, char company_id[40], struct ledger_line *lines,
			     size_t count)
{
	if (PQntuples(res) == 0)
		return ERP_ERR_NOT_FOUND;
	snprintf(company_id, 40, "%s", PQgetvalue(res, 0, 0));
	for (size_t i = 0; i < count; i++) {
		struct ledger_line *line = &lines[i];

		line->found = false;
		for (int row = 0; row < PQntuples(res) && !line->found; row++) {
			if (PQgetisnull(res, row, 1) || strcmp(PQgetvalue(res, row, 1), line->account) != 0)
				continue;
			line->found = true;
			snprintf(line->account_id, sizeof(line->account_id), "%s", PQgetvalue(res, row, 2));
			snprintf(line->currency, sizeof(line->currency), "%s", PQgetvalue(res, row, 3));
			line->exponent = (int)strtol(PQgetvalue(res, row, 4), NULL, 10);
			line->active = strcmp(PQgetvalue(res, row, 5), "t") == 0;
		}
	}
	return ERP_OK;
}

/* [{"line_no","account_id","debit","credit","description"}] as arena text. */
static const char *lines_rows(struct arena *arena, const struct ledger_line *lines, size_t count)
{
	json_t *rows = json_array();

	for (size_t i = 0; rows && i < count; i++) {
		json_t *row = json_pack("{s:I, s:s, s:I, s:I, s:s?}", "line_no", (json_int_t)(i + 1),
					"account_id", lines[i].account_id, "debit",
					(json_int_t)lines[i].debit_minor, "credit",
					(json_int_t)lines[i].credit_minor, "description",
					lines[i].description);

		if (json_array_append_new(rows, row))
			json_decref(rows), rows = NULL;
	}
	return dump_to_arena(arena, rows);
}

int ledger_entry_insert(struct db_conn *db, struct arena *arena, const char *id,
			const char *company_id, const char *author_id,
			const struct ledger_header *header, const struct ledger_line *lines,
			size_t count, const char **out)
{
	const char *params[] = { id, company_id, header->date, header->memo, header->reference,
				 header->source, author_id, lines_rows(arena, lines, count), NULL };
	PGresult *res;
	int rc;

	if (!params[7])
		return ERP_ERR_NO_MEMORY;
	rc = db_query(db, arena, &entry_insert, 9, params, &res);
	if (!rc && out)
		*out = PQgetvalue(res, 0, 0); /* lives as long as the arena */
	return rc;
}

int ledger_entry_replace(struct db_conn *db, struct arena *arena, const char *id,
			 const struct ledger_header *header, const struct ledger_line *lines,
			 size_t count)
{
	const char *head[] = { id, header->date, header->memo, header->reference };
	const char *insert[] = { id, lines_rows(arena, lines, count) };
	int rc;

	if (!insert[1])
		return ERP_ERR_NO_MEMORY;
	rc = resource_exec_one(db, &entry_update_header, 4, head);
	if (!rc)
		rc = db_query(db, NULL, &lines_delete, 1, &id, NULL);
	return rc ? rc : db_query(db, NULL, &lines_insert, 2, insert, NULL);
}

int ledger_chain_authored_by(struct db_conn *db, struct arena *arena, const char *entry_id,
			     const char *user_id, bool *authored)
{
	const char *params[] = { entry_id, user_id };
	PGresult *res;
	int rc = db_query(db, arena, &chain_authored_by, 2, params, &res);

	if (!rc)
		*authored = strcmp(db_value(res, 0, "authored"), "t") == 0;
	return rc;
}

int ledger_entry_take_over(struct db_conn *db, const char *id, const char *author_id)
{
	const char *params[] = { id, author_id };

	return resource_exec_one(db, &entry_take_over, 2, params);
}

int ledger_entry_json(struct db_conn *db, struct arena *arena, const char *company_id,
		      const char *id, json_t **out)
{
	const char *params[] = { company_id, id };

	return resource_query_json(db, arena, &entry_get, 2, params, out);
}

int ledger_post_lock(struct db_conn *db, struct arena *arena, const struct ledger_post *post,
		     struct ledger_post_facts *out)
{
	const char *key[] = { post->entry_id, post->company_id, post->company_id ? NULL : post->company_code };
	struct db_batch *batch = db_batch_new(arena);
	PGresult *period, *accounts, *number;
	int rc;

	/* In the order every posting takes them, so two postings never wait for each other in a circle. */
	db_batch_add(batch, &post_lock_entry, 3, key, &out->entry);
	db_batch_add(batch, &post_share_period, 3, key, &period);
	db_batch_add(batch, &post_share_company, 3, key, NULL);
	db_batch_add(batch, &post_share_accounts, 3, key, &accounts);
	db_batch_add(batch, &post_next_number, 3, key, &number);
	rc = db_batch_run(db, batch);
	if (rc)
		return rc;
	if (PQntuples(out->entry) == 0)
		return ERP_ERR_NOT_FOUND;
	out->period_status = PQntuples(period) ? db_value(period, 0, "status")
					       : db_value(out->entry, 0, "period_status");
	out->sequence = PQntuples(number) ? db_value(number, 0, "last_number") : NULL;
	out->inactive = NULL;
	for (int row = 0; row < PQntuples(accounts); row++) {
		const char *code = db_value(accounts, row, "code");

		if (strcmp(db_value(accounts, row, "active"), "t") == 0)
			continue;
		out->inactive = out->inactive ? arena_printf(arena, "%s, %s", out->inactive, code)
					      : arena_strdup(arena, code);
		if (!out->inactive)
			return ERP_ERR_NO_MEMORY;
	}
	return ERP_OK;
}

int ledger_post_mark(struct db_conn *db, struct arena *arena, const struct ledger_post *post,
		     const struct ledger_post_facts *facts, bool closed, json_t **entry)
{
	const char *company_id = db_value(facts->entry, 0, "company_id");
	const char *stamp[] = { post->entry_id, db_value(facts->entry, 0, "entry_date") };
	const char *mark[] = { post->entry_id, db_value(facts->entry, 0, "fiscal_year"),
			       facts->sequence, post->number, post->poster_id, closed ? "true" : "false" };
	const char *get[] = { company_id, post->entry_id };
	struct db_batch *batch = db_batch_new(arena);
	PGresult *res;
	json_t *doc;
	int rc;

	db_batch_add(batch, &post_stamp_lines, 2, stamp, NULL);
	db_batch_add(batch, &post_mark, 6, mark, NULL);
	db_batch_add(batch, &entry_get, 2, get, &res);
	rc = db_batch_run(db, batch);
	if (rc)
		return rc;
	if (PQntuples(res) == 0)
		return ERP_ERR_NOT_FOUND;
	doc = erp_json_loadb(PQgetvalue(res, 0, 0), (size_t)PQgetlength(res, 0, 0), 0, NULL, NULL);
	if (!doc || arena_cleanup_add(arena, (arena_cleanup_fn)json_decref, doc))
		return ERP_ERR_NO_MEMORY;
	*entry = doc;
	return ERP_OK;
}

json_t *ledger_lines_json(const struct ledger_line *lines, size_t count)
{
	json_t *array = json_array();

	for (size_t i = 0; array && i < count; i++) {
		const struct ledger_line *l = &lines[i];
		char amount[ERP_MONEY_TEXT_MAX + 1];
		json_t *line;

		erp_money_format(l->debit_minor ? l->debit_minor : l->credit_minor, l->exponent, amount,
				 sizeof(amount));
		line = json_pack("{s:I, s:s, s:s, s:s, s:s*}", "line", (json_int_t)(i + 1), "account",
				 l->account, "currency", l->currency, l->debit_minor ? "debit" : "credit",
				 amount, "description", l->description);
		if (json_array_append_new(array, line))
			json_decref(array), array = NULL;
	}
	return array;
}

int ledger_settings_json(struct db_conn *db, struct arena *arena, const char *company_id,
			 json_t **out)
{
	return resource_query_json(db, arena, &settings_get, 1, &company_id, out);
}

int ledger_settings_lock(struct db_conn *db, struct arena *arena, const char *company_id,
			 json_t **out)
{
	int rc = db_query(db, NULL, &settings_ensure, 1, &company_id, NULL);

	return rc ? rc : resource_query_json(db, arena, &settings_lock, 1, &company_id, out);
}

int ledger_settings_request(struct db_conn *db, struct arena *arena, const char *company_id,
			    bool self_posting, const char *user_id, json_t **out)
{
	const char *params[] = { company_id, self_posting ? "true" : "false", user_id };

	return resource_query_json(db, arena, &settings_request, 3, params, out);
}

int ledger_settings_confirm(struct db_conn *db, struct arena *arena, const char *company_id,
			    const char *user_id, json_t **out)
{
	const char *params[] = { company_id, user_id };

	return resource_query_json(db, arena, &settings_confirm, 2, params, out);
}

int ledger_settings_cancel(struct db_conn *db, struct arena *arena, const char *company_id,
			   json_t **out)
{
	return resource_query_json(db, arena, &settings_cancel, 1, &company_id, out);
}

int ledger_period_lock(struct db_conn *db, struct arena *arena, const char *company_id,
		       const char *period_id, json_t **out)
{
	const char *params[] = { company_id, period_id };

	return resource_query_json(db, arena, &period_lock, 2, params, out);
}

int ledger_period_lock_facts(struct db_conn *db, struct arena *arena, const char *period_id,
			     struct ledger_lock_facts *out)
{
	PGresult *res;
	int rc = db_query(db, arena, &period_lock_facts, 1, &period_id, &res);

	if (rc)
		return rc;
	if (PQntuples(res) == 0)
		return ERP_ERR_NOT_FOUND;
	/* The texts live in res, which lives as long as the arena. */
	out->period = db_value(res, 0, "period");
	out->ends_on = db_value(res, 0, "ends_on");
	out->ended = strcmp(db_value(res, 0, "ended"), "t") == 0;
	out->earlier_unlocked = db_value(res, 0, "earlier_unlocked");
	out->drafts = strtol(db_value(res, 0, "drafts"), NULL, 10);
	out->first_draft = db_value(res, 0, "first_draft");
	return ERP_OK;
}

int ledger_period_apply(struct db_conn *db, struct arena *arena, const char *period_id,
			enum ledger_period_step step, const char *user_id, json_t **out)
{
	const char *params[] = { period_id, user_id };

	if ((size_t)step >= ERP_COUNT(period_steps))
		return ERP_ERR_INTERNAL;
	return resource_query_json(db, arena, &period_steps[step].statement, period_steps[step].params,
				   params, out);
}
