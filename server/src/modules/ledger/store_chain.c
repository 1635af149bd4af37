/*
 * The statements of the company's hash chain of posted entries (chain.c,
 * integrity.c): the head a posting takes and moves, the content it hashes,
 * and what the verifier reads back and records.
 */
#include "modules/ledger/internal.h"

/*
 * $1 entry, $2 company: the company's head row, made on its first posting.
 * Looked for first: it exists for every posting but a company's first, and
 * an INSERT that meets it still tries the insertion (and waits for the
 * posting holding it to learn whether it stays).
 */
const struct db_statement ledger_sql_chain_head_ensure = {
	"ledger_chain_head_ensure",
	"INSERT INTO ledger_chain_heads (company_id)"
	" SELECT e.company_id FROM ledger_entries e WHERE e.id = $1 AND e.company_id = $2::uuid"
	"  AND NOT EXISTS (SELECT FROM ledger_chain_heads h WHERE h.company_id = e.company_id)"
	" ON CONFLICT (company_id) DO NOTHING",
	false,
};

/*
 * $1 entry, $2 company: the head locked until commit (last_seq, last_hash).
 * Postings of a company queue here, so each links to the one committed
 * before it.
 */
const struct db_statement ledger_sql_chain_head_lock = {
	"ledger_chain_head_lock",
	"SELECT h.last_seq, h.last_hash FROM ledger_chain_heads h"
	" WHERE h.company_id = (SELECT e.company_id FROM ledger_entries e"
	"   WHERE e.id = $1 AND e.company_id = $2::uuid) FOR UPDATE",
	false,
};

/*
 * What the hash covers of entry $1 in company $2, one row per line in line
 * order (chain_form.h): the entry's date, source, memo, reference and
 * author_id, each line's line_no, account, currency, debit_minor,
 * credit_minor and description.
 */
#define CHAIN_CONTENT_SQL                                                                    \
	"SELECT to_char(e.entry_date, 'YYYY-MM-DD') AS date, e.source, e.memo, e.reference,"  \
	"  e.author_id, l.line_no, a.code AS account, a.currency::text AS currency,"          \
	"  l.debit_minor, l.credit_minor, l.description"                                      \
	" FROM ledger_entries e JOIN ledger_lines l ON l.entry_id = e.id"                     \
	" JOIN ledger_accounts a ON a.id = l.account_id"

const struct db_statement ledger_sql_chain_content = {
	"ledger_chain_content",
	CHAIN_CONTENT_SQL " WHERE e.id = $1 AND e.company_id = $2::uuid ORDER BY l.line_no",
	false,
};

/* $1 company, $2 new last_seq, $3 its hash, $4 its entry: the head moved one entry on. */
const struct db_statement ledger_sql_chain_head_advance = {
	"ledger_chain_head_advance",
	"UPDATE ledger_chain_heads SET last_seq = $2::bigint, last_hash = $3, last_entry_id = $4,"
	" updated_at = now() WHERE company_id = $1",
	false,
};

/* --- the verifier (integrity.c) ------------------------------------------------------------ */

/* Every company with posted entries or a chain head: id, the head (last_seq, last_hash, last_entry_id). */
const struct db_statement ledger_sql_chain_companies = {
	"ledger_chain_companies",
	"SELECT c.id, coalesce(h.last_seq, 0) AS last_seq, h.last_hash, h.last_entry_id"
	" FROM (SELECT company_id AS id FROM ledger_chain_heads"
	"       UNION SELECT DISTINCT company_id FROM ledger_entries WHERE status = 'posted') c"
	" LEFT JOIN ledger_chain_heads h ON h.company_id = c.id ORDER BY c.id",
	true,
};

/*
 * $1 company, $2 the chain position after which to read, $3 how many
 * entries: posted entries in chain order with what the hash covers (lines as
 * a JSON array in line order) and what is stored (chain_seq, prev_hash,
 * entry_hash), and how many of its lines the reports would book on another
 * day or company than the entry's ("misplaced": a line's posted_on and
 * company_id are copies the hash does not cover, and the balances, the
 * trial balance and the year-end close read them). Entries posted without
 * a place in the chain come last.
 */
const struct db_statement ledger_sql_chain_walk = {
	"ledger_chain_walk",
	"SELECT e.id, e.number, e.chain_seq, e.prev_hash, e.entry_hash,"
	"  to_char(e.entry_date, 'YYYY-MM-DD') AS date, e.source, e.memo, e.reference,"
	"  e.author_id, e.posted_by,"
	"  (SELECT coalesce(json_agg(json_build_object('line_no', l.line_no::text, 'account', a.code,"
	"      'currency', a.currency::text, 'debit_minor', l.debit_minor::text,"
	"      'credit_minor', l.credit_minor::text, 'description', l.description)"
	"      ORDER BY l.line_no), '[]')"
	"     FROM ledger_lines l JOIN ledger_accounts a ON a.id = l.account_id"
	"    WHERE l.entry_id = e.id) AS lines,"
	"  (SELECT count(*) FROM ledger_lines l WHERE l.entry_id = e.id"
	"    AND (l.posted_on IS DISTINCT FROM e.entry_date OR l.company_id <> e.company_id)) AS misplaced"
	" FROM ledger_entries e"
	" WHERE e.company_id = $1 AND e.status = 'posted' AND coalesce(e.chain_seq, 9223372036854775807) > $2::bigint"
	" ORDER BY e.chain_seq NULLS LAST, e.number LIMIT $3::int",
	true,
};

/*
 * $1 company: gaps in the numbers of each series and fiscal year ("series",
 * "fiscal_year", "after" the last number before the gap or 0, "missing"
 * the first number missing, "next" the number after the gap or NULL when
 * the numbering row says numbers up to "next" were given past the last).
 */
const struct db_statement ledger_sql_numbering_gaps = {
	"ledger_numbering_gaps",
	"WITH posted AS ("
	"  SELECT split_part(e.number, '-', 1) AS series, e.fiscal_year, e.sequence,"
	"    lag(e.sequence) OVER (PARTITION BY split_part(e.number, '-', 1), e.fiscal_year"
	"                          ORDER BY e.sequence) AS before"
	"  FROM ledger_entries e WHERE e.company_id = $1 AND e.status = 'posted' AND e.sequence IS NOT NULL)"
	" SELECT series, fiscal_year, coalesce(before, 0) AS after, coalesce(before, 0) + 1 AS missing,"
	"   sequence AS next FROM posted WHERE sequence <> coalesce(before, 0) + 1"
	" UNION ALL"
	" SELECT 'JE', n.fiscal_year, coalesce(m.last, 0), coalesce(m.last, 0) + 1, n.last_number"
	"   FROM ledger_numbering n LEFT JOIN (SELECT fiscal_year, max(sequence) AS last FROM ledger_entries"
	"     WHERE company_id = $1 AND status = 'posted' AND number LIKE 'JE-%' GROUP BY fiscal_year) m"
	"     ON m.fiscal_year = n.fiscal_year"
	"  WHERE n.company_id = $1 AND n.last_number > coalesce(m.last, 0)"
	" ORDER BY 1, 2, 3",
	true,
};

/*
 * $1 company, $2 intact, $3 entries checked, $4 head seq, $5 head hash, $6
 * first broken entry, $7 its number, $8 problems (JSON array of sentences).
 */
const struct db_statement ledger_sql_integrity_record = {
	"ledger_integrity_record",
	"INSERT INTO ledger_integrity_checks (company_id, intact, entries_checked, head_seq, head_hash,"
	"  first_broken_entry_id, first_broken_number, problems)"
	" VALUES ($1, $2::boolean, $3::bigint, $4::bigint, $5, $6, $7, $8::jsonb)",
	false,
};

/*
 * $1 company: the chain's head and the last verification, as the
 * ledger-integrity report shows them.
 */
const struct db_statement ledger_sql_integrity_report = {
	"ledger_integrity_report",
	"SELECT json_build_object("
	"  'chain', json_build_object('length', coalesce(h.last_seq, 0), 'head_hash', h.last_hash,"
	"    'head_entry_id', h.last_entry_id, 'head_number', he.number, 'updated_at', h.updated_at),"
	"  'last_verification', (SELECT json_build_object('checked_at', v.checked_at,"
	"      'intact', v.intact, 'entries_checked', v.entries_checked, 'head_length', v.head_seq,"
	"      'head_hash', v.head_hash, 'first_broken_entry_id', v.first_broken_entry_id,"
	"      'first_broken_number', v.first_broken_number, 'problems', v.problems)"
	"    FROM ledger_integrity_checks v WHERE v.company_id = c.id ORDER BY v.id DESC LIMIT 1))"
	" FROM (SELECT $1::uuid AS id) c"
	" LEFT JOIN ledger_chain_heads h ON h.company_id = c.id"
	" LEFT JOIN ledger_entries he ON he.id = h.last_entry_id",
	true,
};
