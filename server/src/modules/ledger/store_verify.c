/* The statements of `erp-server audit verify-ledger` (verify.c): read-only recomputations. */
#include "modules/ledger/internal.h"

/*
 * No parameters: every balance row (ledger_account_balances) that differs
 * from the sums of the sealed entries' lines it stands for (an entry's
 * lines join the balances as it is sealed, sealer.c), a row the lines need but
 * that is missing, or a row no line stands behind (company_id, account,
 * span, starts_on, the lines' debit and credit, the row's, as decimal text;
 * "none" for a missing row), in that order; at most 1001, so the caller can
 * say there are more.
 */
const struct db_statement ledger_sql_verify_balances = {
	"ledger_verify_balances",
	"WITH lines AS (SELECT l.company_id, s.span, CASE s.span WHEN 'day' THEN l.posted_on"
	"     ELSE date_trunc('month', l.posted_on)::date END AS starts_on, l.account_id,"
	"     sum(l.debit_minor) AS d, sum(l.credit_minor) AS c"
	"   FROM ledger_lines l JOIN ledger_entries e ON e.id = l.entry_id"
	"   CROSS JOIN (VALUES ('day'), ('month')) s (span)"
	"   WHERE l.posted_on IS NOT NULL AND e.chain_seq IS NOT NULL GROUP BY 1, 2, 3, 4),"
	" kept AS (SELECT company_id, span, starts_on, account_id, debit_minor AS d,"
	"     credit_minor AS c FROM ledger_account_balances),"
	" diff AS (SELECT company_id, span, starts_on, account_id, x.d AS line_d, x.c AS line_c,"
	"     k.d AS kept_d, k.c AS kept_c"
	"   FROM lines x FULL JOIN kept k USING (company_id, span, starts_on, account_id)"
	"   WHERE coalesce(x.d, 0) <> coalesce(k.d, 0) OR coalesce(x.c, 0) <> coalesce(k.c, 0))"
	" SELECT d.company_id, a.code AS account, d.span, d.starts_on,"
	"  erp_minor_text(coalesce(d.line_d, 0), a.exponent) AS lines_debit,"
	"  erp_minor_text(coalesce(d.line_c, 0), a.exponent) AS lines_credit,"
	"  coalesce(erp_minor_text(d.kept_d, a.exponent), 'none') AS kept_debit,"
	"  coalesce(erp_minor_text(d.kept_c, a.exponent), 'none') AS kept_credit"
	" FROM diff d JOIN ledger_accounts a ON a.id = d.account_id"
	" ORDER BY d.company_id, a.code, d.span, d.starts_on LIMIT 1001",
	true,
};
