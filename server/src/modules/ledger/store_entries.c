/* The statements of journal entries (entries.c): an entry as clients see it, its lines, its changes. */
#include "modules/ledger/internal.h"

/* A line as entries show it: the side without an amount, and an empty description, left out. */
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
	" 'posted_into_closed_period', e.posted_into_closed_period, 'reverses', e.reverses_id," \
	" 'reversed_by', (SELECT r.id FROM ledger_entries r WHERE r.reverses_id = e.id),"     \
	" 'version', e.version,"                                                               \
	" 'lines', (SELECT json_agg(" LINE_JSON " ORDER BY l.line_no) FROM " lines_table " l" \
	"           JOIN ledger_accounts a ON a.id = l.account_id WHERE l.entry_id = e.id),"   \
	" 'created_at', e.created_at, 'updated_at', e.updated_at)"

/* An entry in a list: no lines, no reversal links. */
#define ENTRY_LIST_JSON                                                                      \
	"json_build_object('id', e.id, 'number', e.number, 'status', e.status,"               \
	" 'date', e.entry_date, 'memo', e.memo, 'reference', e.reference, 'source', e.source," \
	" 'author_id', e.author_id, 'posted_at', e.posted_at,"                                 \
	" 'posted_into_closed_period', e.posted_into_closed_period, 'version', e.version)"

/*
 * $1/$2 the cursor's keys (date, id), $3 company, $4 status, $5 from, $6 to
 * (dates), $7 number (each NULL: any), $8 page size + 1.
 */
const struct db_statement ledger_sql_entries_list = {
	"ledger_entries_list",
	PAGING_SQL("SELECT " ENTRY_LIST_JSON " AS j, e.entry_date::text AS k1, e.id::text AS k2"
	"  FROM ledger_entries e"
	"  WHERE e.company_id = $3::uuid"
	"    AND ($1::date IS NULL OR (e.entry_date, e.id) > ($1::date, $2::uuid))"
	"    AND ($4::text IS NULL OR e.status = $4)"
	"    AND ($5::date IS NULL OR e.entry_date >= $5::date)"
	"    AND ($6::date IS NULL OR e.entry_date <= $6::date)"
	"    AND ($7::text IS NULL OR e.number = $7)"
	"  ORDER BY e.entry_date, e.id LIMIT $8::int", "$8"),
	true,
};

/*
 * As ledger_sql_entries_list, $8 an account code (never NULL), $9 page size
 * + 1: the entries with a line on the account, found from the account's
 * lines (index ledger_lines_account_entry), so a quiet account costs
 * nothing however many entries the company has.
 */
const struct db_statement ledger_sql_entries_list_by_account = {
	"ledger_entries_list_by_account",
	PAGING_SQL("SELECT " ENTRY_LIST_JSON " AS j, e.entry_date::text AS k1, e.id::text AS k2"
	"  FROM ledger_entries e"
	"  WHERE e.id IN (SELECT l.entry_id FROM ledger_lines l JOIN ledger_accounts a"
	"      ON a.id = l.account_id WHERE a.company_id = $3::uuid AND a.code = $8)"
	"    AND e.company_id = $3::uuid"
	"    AND ($1::date IS NULL OR (e.entry_date, e.id) > ($1::date, $2::uuid))"
	"    AND ($4::text IS NULL OR e.status = $4)"
	"    AND ($5::date IS NULL OR e.entry_date >= $5::date)"
	"    AND ($6::date IS NULL OR e.entry_date <= $6::date)"
	"    AND ($7::text IS NULL OR e.number = $7)"
	"  ORDER BY e.entry_date, e.id LIMIT $9::int", "$9"),
	true,
};

/* $1 company, $2 id: the entry as clients see it, lines included ("entry"). */
const struct db_statement ledger_sql_entry_get = {
	"ledger_entry_get",
	"SELECT " ENTRY_JSON("ledger_lines") " AS entry FROM ledger_entries e"
	" WHERE e.id = $2 AND e.company_id = $1",
	true,
};

/*
 * $1 company, $2 id: the entry locked until commit, with what a change of
 * it reads: status, author_id, version, number, and whether its author is
 * active ("author_active"; true without an author), from the view IAM
 * exports (user_states).
 */
const struct db_statement ledger_sql_entry_lock = {
	"ledger_entries_lock",
	"SELECT e.status, e.author_id, e.version, e.number, coalesce(u.active, true) AS author_active"
	" FROM ledger_entries e LEFT JOIN user_states u ON u.id = e.author_id"
	" WHERE e.id = $2 AND e.company_id = $1 FOR UPDATE OF e",
	false,
};

/*
 * $1 id, $2 company, $3 date, $4 memo, $5 reference, $6 source (NULL:
 * "manual"), $7 author, $8 the lines (JSON array of {line_no, account_id,
 * debit, credit, description}), $9 the entry it reverses (NULL): inserts
 * the draft and renders it ("entry") in one round trip, the JSON reading
 * the CTEs' RETURNING rows.
 */
const struct db_statement ledger_sql_entry_insert = {
	"ledger_entry_insert",
	"WITH e AS (INSERT INTO ledger_entries"
	"   (id, company_id, entry_date, memo, reference, source, author_id, reverses_id)"
	"   VALUES ($1, $2, $3, $4, $5, coalesce($6, 'manual'), $7, $9) RETURNING *),"
	" new_lines AS (INSERT INTO ledger_lines (entry_id, line_no, company_id, account_id,"
	"   debit_minor, credit_minor, description)"
	"   SELECT e.id, x.line_no, e.company_id, x.account_id, x.debit, x.credit, x.description"
	"   FROM e, jsonb_to_recordset($8::jsonb) AS x(line_no int, account_id uuid,"
	"     debit bigint, credit bigint, description text) RETURNING *)"
	" SELECT " ENTRY_JSON("new_lines") " AS entry FROM e",
	false,
};

/* $1 id, $2 date, $3 memo, $4 reference: a draft's new header and version. */
const struct db_statement ledger_sql_entry_update_header = {
	"ledger_entry_update_header",
	"UPDATE ledger_entries SET entry_date = $2, memo = $3, reference = $4,"
	" version = version + 1, updated_at = now() WHERE id = $1 AND status = 'draft'",
	false,
};

/* $1 entry id. */
const struct db_statement ledger_sql_entry_lines_delete = {
	"ledger_lines_delete", "DELETE FROM ledger_lines WHERE entry_id = $1", false,
};

/* $1 entry id, $2 the lines (JSON array, as ledger_sql_entry_insert's $8). */
const struct db_statement ledger_sql_entry_lines_insert = {
	"ledger_lines_insert",
	"INSERT INTO ledger_lines (entry_id, line_no, company_id, account_id, debit_minor,"
	"   credit_minor, description)"
	" SELECT $1, x.line_no, e.company_id, x.account_id, x.debit, x.credit, x.description"
	" FROM ledger_entries e, jsonb_to_recordset($2::jsonb) AS x(line_no int, account_id uuid,"
	"   debit bigint, credit bigint, description text) WHERE e.id = $1",
	false,
};

/* $1 id: a draft (its lines go with it). */
const struct db_statement ledger_sql_entry_delete = {
	"ledger_entries_delete", "DELETE FROM ledger_entries WHERE id = $1 AND status = 'draft'", false,
};

/*
 * $1 the new id, $2 the entry reversed, $3 date, $4 memo (NULL: "Reversal
 * of <number>"), $5 author: a draft mirroring $2, debits and credits
 * swapped.
 */
const struct db_statement ledger_sql_entry_insert_reversal = {
	"ledger_entries_insert_reversal",
	"WITH e AS (INSERT INTO ledger_entries"
	"   (id, company_id, entry_date, memo, reference, source, author_id, reverses_id)"
	"   SELECT $1, o.company_id, $3, coalesce($4, 'Reversal of ' || o.number), o.reference,"
	"          o.source, $5, o.id FROM ledger_entries o WHERE o.id = $2 RETURNING id)"
	" INSERT INTO ledger_lines (entry_id, line_no, company_id, account_id, debit_minor,"
	"   credit_minor, description)"
	" SELECT e.id, l.line_no, l.company_id, l.account_id, l.credit_minor, l.debit_minor,"
	"        l.description FROM e, ledger_lines l WHERE l.entry_id = $2",
	false,
};

/* $1 entry, $2 user: whether $2 wrote the entry or any entry it reverses, back to the first ("authored"). */
const struct db_statement ledger_sql_entry_chain_authored_by = {
	"ledger_chain_authored_by",
	"WITH RECURSIVE chain AS ("
	"   SELECT id, author_id, reverses_id FROM ledger_entries WHERE id = $1"
	"   UNION ALL SELECT e.id, e.author_id, e.reverses_id FROM ledger_entries e"
	"   JOIN chain c ON e.id = c.reverses_id)"
	" SELECT coalesce(bool_or(author_id = $2::uuid), false) AS authored FROM chain",
	false,
};

/* $1 id, $2 the new author: a draft taken over, a new version. */
const struct db_statement ledger_sql_entry_take_over = {
	"ledger_entry_take_over",
	"UPDATE ledger_entries SET author_id = $2, version = version + 1, updated_at = now()"
	" WHERE id = $1 AND status = 'draft'",
	false,
};

/*
 * $1 company, $2 status, $3 from, $4 to (dates), $5 number, $6 an account
 * code the entry has a line on (each NULL: any): the entries' lines for a
 * CSV export, one row per line, by date, entry and line, as plain columns
 * (number, date, status, memo, reference, source, line, account, currency,
 * debit, credit, description, posted_at). Read along the entries' index
 * and the lines' primary key, so rows leave as they are found.
 */
const struct db_statement ledger_sql_entries_export = {
	"ledger_entries_export",
	"SELECT e.number, e.entry_date AS date, e.status, e.memo, e.reference, e.source,"
	"  l.line_no AS line, a.code AS account, a.currency,"
	"  CASE WHEN l.debit_minor > 0 THEN erp_minor_text(l.debit_minor, a.exponent) END AS debit,"
	"  CASE WHEN l.credit_minor > 0 THEN erp_minor_text(l.credit_minor, a.exponent) END AS credit,"
	"  l.description, e.posted_at"
	" FROM ledger_entries e JOIN ledger_lines l ON l.entry_id = e.id"
	" JOIN ledger_accounts a ON a.id = l.account_id"
	" WHERE e.company_id = $1::uuid"
	"   AND ($2::text IS NULL OR e.status = $2)"
	"   AND ($3::date IS NULL OR e.entry_date >= $3::date)"
	"   AND ($4::date IS NULL OR e.entry_date <= $4::date)"
	"   AND ($5::text IS NULL OR e.number = $5)"
	"   AND ($6::text IS NULL OR e.id IN (SELECT l2.entry_id FROM ledger_lines l2"
	"     JOIN ledger_accounts a2 ON a2.id = l2.account_id WHERE a2.company_id = $1::uuid"
	"       AND a2.code = $6))"
	" ORDER BY e.entry_date, e.id, l.line_no",
	true,
};
