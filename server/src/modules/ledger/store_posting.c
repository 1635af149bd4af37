/*
 * The statements of a posting (posting.c). Each one of the lock names the
 * entry ($1) in its company ($2), so that none of them locks anything of
 * another company's when the entry is not the caller's.
 */
#include "modules/ledger/internal.h"

#define POSTING_ENTRY " ledger_entries e"
#define POSTING_MATCH " e.id = $1 AND e.company_id = $2::uuid"
#define POSTING_PERIOD                                                                       \
	" ledger_periods p ON p.company_id = e.company_id AND e.entry_date BETWEEN p.starts_on AND p.ends_on"

/*
 * The entry locked until commit, with what the rules read: company_id,
 * status, author_id, entry_date, version, its period (period_id,
 * period_status, fiscal_year, period "YYYY-MM"; NULL without one), the
 * company's self_posting and whether the author is active (author_active,
 * from the view IAM exports).
 */
const struct db_statement ledger_sql_post_lock_entry = {
	"ledger_post_lock_entry",
	"SELECT e.company_id, e.status, e.author_id, e.entry_date, e.version, p.id AS period_id,"
	"  p.status AS period_status, p.fiscal_year, to_char(p.starts_on, 'YYYY-MM') AS period,"
	"  coalesce(s.self_posting, false) AS self_posting,"
	"  coalesce(u.active, true) AS author_active"
	" FROM" POSTING_ENTRY
	" LEFT JOIN user_states u ON u.id = e.author_id"
	" LEFT JOIN" POSTING_PERIOD
	" LEFT JOIN ledger_settings s ON s.company_id = e.company_id"
	" WHERE" POSTING_MATCH " FOR UPDATE OF e",
	false,
};

/*
 * The entry's period shared until commit ("status"): postings into a period
 * run side by side, while a close or lock (FOR UPDATE) waits for them and
 * they for it, so a period confirmed closed or locked takes no posting that
 * was still running. The status read here, after any wait, is the one that
 * holds.
 */
const struct db_statement ledger_sql_post_share_period = {
	"ledger_post_share_period",
	"SELECT p.status FROM" POSTING_ENTRY " JOIN" POSTING_PERIOD " WHERE" POSTING_MATCH
	" FOR SHARE OF p",
	false,
};

/*
 * The status of the fiscal year of the entry's period ("status"), read
 * after the period's share lock in a statement of its own: a year's close
 * (and its reopening) locks every period of the year FOR UPDATE before the
 * year, so a posting into the year either holds its period first (and the
 * close waits for it) or waited for the close and reads, in this later
 * statement's snapshot, the year it left. No row lock here: one more shared
 * lock on one row per posting is a MultiXact per posting under load, and
 * the period's lock already orders the two.
 */
const struct db_statement ledger_sql_post_share_year = {
	"ledger_post_share_year",
	"SELECT y.status FROM" POSTING_ENTRY " JOIN" POSTING_PERIOD
	" JOIN ledger_fiscal_years y ON y.company_id = e.company_id AND y.fiscal_year = p.fiscal_year"
	" WHERE" POSTING_MATCH,
	false,
};

/*
 * The entry's company shared until commit ("locked"), by the function IAM
 * exports for it: postings run side by side, while a change of the company
 * (FOR UPDATE, e.g. its currency) waits for them, and they for it.
 */
const struct db_statement ledger_sql_post_share_company = {
	"ledger_post_share_company",
	"SELECT iam_company_share_lock(e.company_id) AS locked FROM" POSTING_ENTRY
	" WHERE" POSTING_MATCH,
	false,
};

/*
 * The accounts of the entry's lines shared until commit (code, active): a
 * deactivation (FOR UPDATE) waits for the posting, and a posting waits for
 * a deactivation in progress and reads `active` as it left the row.
 */
const struct db_statement ledger_sql_post_share_accounts = {
	"ledger_post_share_accounts",
	"SELECT a.code, a.active FROM ledger_accounts a"
	" WHERE a.id IN (SELECT l.account_id FROM" POSTING_ENTRY
	"   JOIN ledger_lines l ON l.entry_id = e.id WHERE" POSTING_MATCH ")"
	" ORDER BY a.code FOR SHARE OF a",
	false,
};

/*
 * The next number of the entry's fiscal year ("last_number"). The row lock
 * serialises postings per company and year until commit: no gaps.
 */
const struct db_statement ledger_sql_post_next_number = {
	"ledger_post_next_number",
	"INSERT INTO ledger_numbering (company_id, fiscal_year, last_number)"
	" SELECT e.company_id, p.fiscal_year, 1 FROM" POSTING_ENTRY " JOIN" POSTING_PERIOD
	" WHERE" POSTING_MATCH
	" ON CONFLICT (company_id, fiscal_year)"
	" DO UPDATE SET last_number = ledger_numbering.last_number + 1 RETURNING last_number",
	false,
};

/*
 * The next number of the closing series of the entry's fiscal year
 * ("last_number"): a year's closing entries and the reversals that reopen
 * it, YC-<year>-<n>, on the year's row (locked by the close or reopen).
 */
const struct db_statement ledger_sql_post_next_closing_number = {
	"ledger_post_next_closing_number",
	"UPDATE ledger_fiscal_years y SET last_closing_number = y.last_closing_number + 1"
	" FROM" POSTING_ENTRY " JOIN" POSTING_PERIOD
	" WHERE" POSTING_MATCH " AND y.company_id = e.company_id AND y.fiscal_year = p.fiscal_year"
	" RETURNING y.last_closing_number AS last_number",
	false,
};

/*
 * $1 entry, $2 the posting date: its lines stamped for the reports
 * (posted_on, and posting_no in the order postings of a company and fiscal
 * year commit, which the reports' paging and the sealer follow). The
 * balances take them when the entry is sealed (sealer.c); until then their
 * readers add them (ledger_unsealed_lines(), migration
 * 20261217000000_ledger_sealed_after_commit).
 */
const struct db_statement ledger_sql_post_stamp_lines = {
	"ledger_post_stamp_lines",
	"UPDATE ledger_lines SET posted_on = $2, posting_no = nextval('ledger_posting_no')"
	" WHERE entry_id = $1",
	false,
};

/*
 * $1 entry, $2 fiscal year, $3 sequence, $4 number, $5 poster, $6 whether
 * into a closed period: the entry posted, a new version (sealed after its
 * commit, sealer.c).
 */
const struct db_statement ledger_sql_post_mark = {
	"ledger_post_mark",
	"UPDATE ledger_entries SET status = 'posted', fiscal_year = $2, sequence = $3, number = $4,"
	" posted_by = $5, posted_at = now(), posted_into_closed_period = $6::boolean,"
	" version = version + 1, updated_at = now() WHERE id = $1",
	false,
};
