/* The statements of the reports (reports.c): the trial balance and an account's ledger. */
#include "modules/ledger/internal.h"

/*
 * $1 company, $2 as of (a date), $3 from (a date; NULL: from the
 * beginning): the trial balance as clients see it, out of the balances
 * (ledger_balance_sums(), migration 20261213000000_ledger_balances): per
 * account the opening balance (before $3), the debits and credits from $3
 * to $2 and the closing balance; per currency the totals of the movements.
 */
const struct db_statement ledger_sql_trial_balance = {
	"ledger_trial_balance",
	"WITH o AS (SELECT account_id, debit_minor - credit_minor AS v"
	"   FROM ledger_balance_sums($1::uuid, NULL, $3::date - 1)),"
	" m AS (SELECT account_id, debit_minor AS d, credit_minor AS cr"
	"   FROM ledger_balance_sums($1::uuid, $3::date, $2::date)),"
	" t AS (SELECT coalesce(o.account_id, m.account_id) AS account_id, coalesce(o.v, 0) AS v,"
	"   coalesce(m.d, 0) AS d, coalesce(m.cr, 0) AS cr FROM o FULL JOIN m USING (account_id)),"
	" r AS (SELECT a.code, a.name, a.type, a.currency, a.exponent, t.v, t.d, t.cr"
	"       FROM t JOIN ledger_accounts a ON a.id = t.account_id AND a.company_id = $1::uuid)"
	" SELECT json_build_object('as_of', $2::date, 'from', $3::date,"
	"  'accounts', coalesce((SELECT json_agg(json_build_object('code', code, 'name', name,"
	"     'type', type, 'currency', currency, 'opening', erp_minor_text(v, exponent),"
	"     'debit', erp_minor_text(d, exponent), 'credit', erp_minor_text(cr, exponent),"
	"     'closing', erp_minor_text(v + d - cr, exponent),"
	"     'balance', erp_minor_text(v + d - cr, exponent)) ORDER BY code) FROM r), '[]'),"
	"  'totals', coalesce((SELECT json_agg(json_build_object('currency', currency,"
	"     'debit', erp_minor_text(d, e), 'credit', erp_minor_text(cr, e), 'balanced', d = cr)"
	"     ORDER BY currency) FROM (SELECT currency, max(exponent) AS e, sum(d) AS d,"
	"     sum(cr) AS cr FROM r GROUP BY currency) x), '[]'))",
	true,
};

/* $1 company, $2 code: a row ("found") when the company has the account. */
const struct db_statement ledger_sql_report_account = {
	"ledger_account_exists",
	"SELECT true AS found FROM ledger_accounts WHERE company_id = $1 AND code = $2",
	true,
};

/*
 * $1/$2 the cursor's keys (posting date, posting number), $3 company, $4
 * account code, $5 from, $6 to (dates; NULL: open), $7 page size + 1: the
 * account's posted lines by date, then by posting number, with the running
 * balance (the lines before $5 are its opening). Every line has a posting
 * number of its own (one nextval per line), so the pair is unique: the
 * window sum has no ties and a page boundary never splits equal keys.
 */
const struct db_statement ledger_sql_account_ledger = {
	"ledger_account_ledger",
	"WITH a AS (SELECT id, exponent FROM ledger_accounts"
	"   WHERE company_id = $3 AND code = $4),"
	" opening AS (SELECT coalesce(sum(l.debit_minor - l.credit_minor), 0) AS v"
	"   FROM ledger_lines l, a WHERE l.account_id = a.id AND l.posted_on IS NOT NULL"
	"     AND $5::date IS NOT NULL AND l.posted_on < $5::date),"
	" rows AS (SELECT l.posted_on, l.posting_no, l.entry_id, l.line_no, l.debit_minor,"
	"   l.credit_minor, l.description, a.exponent, opening.v + sum(l.debit_minor - l.credit_minor)"
	"   OVER (ORDER BY l.posted_on, l.posting_no) AS running"
	"   FROM ledger_lines l, a, opening WHERE l.account_id = a.id AND l.posted_on IS NOT NULL"
	"     AND ($5::date IS NULL OR l.posted_on >= $5::date)"
	"     AND ($6::date IS NULL OR l.posted_on <= $6::date))"
	PAGING_SQL("SELECT json_strip_nulls(json_build_object('date', r.posted_on, 'posting', r.posting_no,"
	"    'entry_id', r.entry_id, 'number', e.number, 'line', r.line_no, 'memo', e.memo,"
	"    'debit', CASE WHEN r.debit_minor > 0 THEN erp_minor_text(r.debit_minor, r.exponent) END,"
	"    'credit', CASE WHEN r.credit_minor > 0 THEN erp_minor_text(r.credit_minor, r.exponent) END,"
	"    'description', r.description, 'balance', erp_minor_text(r.running, r.exponent))) AS j,"
	"    r.posted_on::text AS k1, r.posting_no::text AS k2"
	"  FROM rows r JOIN ledger_entries e ON e.id = r.entry_id"
	"  WHERE $1::date IS NULL OR (r.posted_on, r.posting_no) > ($1::date, $2::bigint)"
	"  ORDER BY r.posted_on, r.posting_no LIMIT $7::int", "$7"),
	true,
};
