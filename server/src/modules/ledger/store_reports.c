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
 * balance. A page costs the same at any depth: its starting balance is the
 * balance before the page's first day from the balances (the months before
 * that day's month, then its days, and the lines not sealed yet) plus, after a cursor, the lines of the
 * cursor's day up to the cursor; the window sum runs over the page's own
 * rows only. Every line has a posting number of its own (one nextval per
 * line), so the pair is unique: the window sum has no ties and a page
 * boundary never splits equal keys.
 */
const struct db_statement ledger_sql_account_ledger = {
	"ledger_account_ledger",
	"WITH a AS (SELECT id, exponent FROM ledger_accounts"
	"   WHERE company_id = $3 AND code = $4),"
	" start AS (SELECT coalesce($1::date, $5::date) AS day),"
	" opening AS (SELECT"
	"   coalesce((SELECT sum(b.debit_minor - b.credit_minor) FROM ledger_account_balances b, a, start"
	"     WHERE b.company_id = $3::uuid AND b.account_id = a.id AND start.day IS NOT NULL"
	"       AND ((b.span = 'month' AND b.starts_on < date_trunc('month', start.day)::date)"
	"         OR (b.span = 'day' AND b.starts_on >= date_trunc('month', start.day)::date"
	"             AND b.starts_on < start.day))), 0)"
	"   + coalesce((SELECT sum(u.debit_minor - u.credit_minor)"
	"     FROM ledger_unsealed_lines($3::uuid) u, a, start"
	"     WHERE u.account_id = a.id AND u.posted_on < start.day), 0)"
	"   + coalesce((SELECT sum(l.debit_minor - l.credit_minor) FROM ledger_lines l, a"
	"     WHERE $1::date IS NOT NULL AND l.account_id = a.id AND l.posted_on = $1::date"
	"       AND l.posting_no <= $2::bigint), 0) AS v),"
	" rows AS (SELECT l.posted_on, l.posting_no, l.entry_id, l.line_no, l.debit_minor,"
	"   l.credit_minor, l.description, a.exponent"
	"   FROM ledger_lines l, a WHERE l.account_id = a.id AND l.posted_on IS NOT NULL"
	"     AND ($5::date IS NULL OR l.posted_on >= $5::date)"
	"     AND ($6::date IS NULL OR l.posted_on <= $6::date)"
	"     AND ($1::date IS NULL OR (l.posted_on, l.posting_no) > ($1::date, $2::bigint))"
	"   ORDER BY l.posted_on, l.posting_no LIMIT $7::int)"
	PAGING_SQL("SELECT json_strip_nulls(json_build_object('date', r.posted_on, 'posting', r.posting_no,"
	"    'entry_id', r.entry_id, 'number', e.number, 'line', r.line_no, 'memo', e.memo,"
	"    'debit', CASE WHEN r.debit_minor > 0 THEN erp_minor_text(r.debit_minor, r.exponent) END,"
	"    'credit', CASE WHEN r.credit_minor > 0 THEN erp_minor_text(r.credit_minor, r.exponent) END,"
	"    'description', r.description, 'balance', erp_minor_text(opening.v"
	"      + sum(r.debit_minor - r.credit_minor) OVER (ORDER BY r.posted_on, r.posting_no),"
	"      r.exponent))) AS j,"
	"    r.posted_on::text AS k1, r.posting_no::text AS k2"
	"  FROM rows r CROSS JOIN opening JOIN ledger_entries e ON e.id = r.entry_id"
	"  ORDER BY r.posted_on, r.posting_no", "$7"),
	true,
};

/*
 * $1 company, $2/$3 the range of the first column, $4/$5 of the comparison
 * ($2, $4 NULL: from the beginning; $5 NULL: no comparison), $6 whether to
 * leave out the entries that close a year (source 'ledger.year-close'):
 * every account of the company by code (code, name, type, parent's code,
 * currency, exponent), its debits minus credits in each range
 * (current_minor, compare_minor, from the balances, less the closing
 * entries' lines when $6) and whether it has balances in either (posted).
 */
const struct db_statement ledger_sql_statement_accounts = {
	"ledger_statement_accounts",
	"WITH cur AS (SELECT * FROM ledger_balance_sums($1::uuid, $2::date, $3::date)),"
	" cmp AS (SELECT * FROM ledger_balance_sums($1::uuid, $4::date, $5::date)),"
	" closing AS (SELECT l.account_id,"
	"     sum(CASE WHEN e.entry_date BETWEEN coalesce($2::date, DATE '1000-01-01') AND $3::date"
	"         THEN l.debit_minor - l.credit_minor ELSE 0 END) AS cur,"
	"     sum(CASE WHEN e.entry_date BETWEEN coalesce($4::date, DATE '1000-01-01') AND $5::date"
	"         THEN l.debit_minor - l.credit_minor ELSE 0 END) AS cmp"
	"   FROM ledger_entries e JOIN ledger_lines l ON l.entry_id = e.id"
	"   WHERE $6::boolean AND e.company_id = $1::uuid AND e.source = 'ledger.year-close'"
	"     AND e.status = 'posted' GROUP BY l.account_id)"
	" SELECT a.code, a.name, a.type, p.code AS parent, a.currency, a.exponent,"
	"  (coalesce(cur.debit_minor - cur.credit_minor, 0) - coalesce(closing.cur, 0))::text"
	"    AS current_minor,"
	"  (coalesce(cmp.debit_minor - cmp.credit_minor, 0) - coalesce(closing.cmp, 0))::text"
	"    AS compare_minor,"
	"  (cur.account_id IS NOT NULL OR cmp.account_id IS NOT NULL) AS posted"
	" FROM ledger_accounts a LEFT JOIN ledger_accounts p ON p.id = a.parent_id"
	" LEFT JOIN cur ON cur.account_id = a.id LEFT JOIN cmp ON cmp.account_id = a.id"
	" LEFT JOIN closing ON closing.account_id = a.id"
	" WHERE a.company_id = $1::uuid ORDER BY a.code",
	true,
};

/*
 * $1 company, $2 as of, $3 the comparison's as of (NULL: none), $4 the
 * company's currency: for each date the first day of its fiscal year
 * (year_start, compare_year_start; January 1 when no period covers it),
 * the revenue less expense of the company's accounts in its currency from
 * that day to the date (year_minor, compare_year_minor) and before that day
 * (earlier_minor, compare_earlier_minor), every entry included: what the
 * balance sheet shows as the year's result until the year is closed (a
 * closing entry moves it to retained earnings, and it is zero here).
 */
const struct db_statement ledger_sql_statement_results = {
	"ledger_statement_results",
	"WITH y AS (SELECT d.which, d.day, coalesce((SELECT min(q.starts_on) FROM ledger_periods p"
	"     JOIN ledger_periods q ON q.company_id = p.company_id AND q.fiscal_year = p.fiscal_year"
	"     WHERE p.company_id = $1::uuid AND d.day BETWEEN p.starts_on AND p.ends_on),"
	"     date_trunc('year', d.day)::date) AS start"
	"   FROM (VALUES (1, $2::date), (2, $3::date)) d (which, day) WHERE d.day IS NOT NULL),"
	" r AS (SELECT y.which, y.start,"
	"   (SELECT coalesce(sum(s.credit_minor - s.debit_minor), 0)"
	"      FROM ledger_balance_sums($1::uuid, y.start, y.day) s JOIN ledger_accounts a"
	"      ON a.id = s.account_id AND a.type IN ('revenue', 'expense') AND a.currency = $4)"
	"     AS year_minor,"
	"   (SELECT coalesce(sum(s.credit_minor - s.debit_minor), 0)"
	"      FROM ledger_balance_sums($1::uuid, NULL, y.start - 1) s JOIN ledger_accounts a"
	"      ON a.id = s.account_id AND a.type IN ('revenue', 'expense') AND a.currency = $4)"
	"     AS earlier_minor FROM y)"
	" SELECT (SELECT start::text FROM r WHERE which = 1) AS year_start,"
	"  (SELECT year_minor::text FROM r WHERE which = 1) AS year_minor,"
	"  (SELECT earlier_minor::text FROM r WHERE which = 1) AS earlier_minor,"
	"  (SELECT start::text FROM r WHERE which = 2) AS compare_year_start,"
	"  (SELECT year_minor::text FROM r WHERE which = 2) AS compare_year_minor,"
	"  (SELECT earlier_minor::text FROM r WHERE which = 2) AS compare_earlier_minor",
	true,
};

/*
 * $1 company, $2 account code, $3 from, $4 to (dates; NULL: open): the
 * account's posted lines for a CSV export, all of them in the ledger's
 * order, as plain columns (date, posting, number, line, memo, debit,
 * credit, description, balance: the running balance from the balance
 * before $3). Read in index order, so rows leave as they are found.
 */
const struct db_statement ledger_sql_account_ledger_export = {
	"ledger_account_ledger_export",
	"WITH a AS (SELECT id, exponent FROM ledger_accounts WHERE company_id = $1 AND code = $2),"
	" opening AS (SELECT coalesce((SELECT sum(b.debit_minor - b.credit_minor)"
	"   FROM ledger_account_balances b, a WHERE $3::date IS NOT NULL AND b.company_id = $1::uuid"
	"     AND b.account_id = a.id"
	"     AND ((b.span = 'month' AND b.starts_on < date_trunc('month', $3::date)::date)"
	"       OR (b.span = 'day' AND b.starts_on >= date_trunc('month', $3::date)::date"
	"           AND b.starts_on < $3::date))), 0)"
	"   + coalesce((SELECT sum(u.debit_minor - u.credit_minor) FROM ledger_unsealed_lines($1::uuid) u, a"
	"     WHERE u.account_id = a.id AND u.posted_on < $3::date), 0) AS v)"
	" SELECT l.posted_on AS date, l.posting_no AS posting, e.number, l.line_no AS line, e.memo,"
	"  CASE WHEN l.debit_minor > 0 THEN erp_minor_text(l.debit_minor, a.exponent) END AS debit,"
	"  CASE WHEN l.credit_minor > 0 THEN erp_minor_text(l.credit_minor, a.exponent) END AS credit,"
	"  l.description, erp_minor_text(opening.v + sum(l.debit_minor - l.credit_minor)"
	"    OVER (ORDER BY l.posted_on, l.posting_no), a.exponent) AS balance"
	" FROM ledger_lines l JOIN a ON l.account_id = a.id CROSS JOIN opening"
	" JOIN ledger_entries e ON e.id = l.entry_id"
	" WHERE l.posted_on IS NOT NULL AND ($3::date IS NULL OR l.posted_on >= $3::date)"
	"   AND ($4::date IS NULL OR l.posted_on <= $4::date)"
	" ORDER BY l.posted_on, l.posting_no",
	true,
};
