/* The statements of a fiscal year's close and reopening (year_close.c). */
#include "modules/ledger/internal.h"

/* A fiscal year as clients see it, from the ledger_fiscal_years row y. */
#define YEAR_JSON                                                                             \
	"json_build_object('fiscal_year', y.fiscal_year, 'status', y.status,"                  \
	" 'starts_on', (SELECT min(p.starts_on) FROM ledger_periods p"                         \
	"   WHERE p.company_id = y.company_id AND p.fiscal_year = y.fiscal_year),"             \
	" 'ends_on', (SELECT max(p.ends_on) FROM ledger_periods p"                             \
	"   WHERE p.company_id = y.company_id AND p.fiscal_year = y.fiscal_year),"             \
	" 'close_requested_by', y.close_requested_by, 'close_requested_at', y.close_requested_at," \
	" 'closed_by', y.closed_by, 'closed_at', y.closed_at,"                                 \
	" 'closing_entry_id', y.closing_entry_id,"                                             \
	" 'closing_entry_number', (SELECT e.number FROM ledger_entries e WHERE e.id = y.closing_entry_id)," \
	" 'version', y.version)"

#define YEAR_MATCH " WHERE y.company_id = $1 AND y.fiscal_year = $2::int"

/* $1 company, $2 fiscal year. */
const struct db_statement ledger_sql_year_get = {
	"ledger_year_get",
	"SELECT " YEAR_JSON " AS year FROM ledger_fiscal_years y" YEAR_MATCH,
	true,
};

/*
 * $1 company, $2 fiscal year: its periods (name "YYYY-MM", status) locked
 * until commit, in order; taken before the year's row, as a posting takes
 * its period before its year.
 */
const struct db_statement ledger_sql_year_lock_periods = {
	"ledger_year_lock_periods",
	"SELECT to_char(p.starts_on, 'YYYY-MM') AS name, p.status FROM ledger_periods p"
	" WHERE p.company_id = $1 AND p.fiscal_year = $2::int ORDER BY p.starts_on FOR UPDATE",
	false,
};

/* $1 company, $2 fiscal year: the year ("year", as clients see it) locked until commit. */
const struct db_statement ledger_sql_year_lock = {
	"ledger_year_lock",
	"SELECT " YEAR_JSON " AS year FROM ledger_fiscal_years y" YEAR_MATCH " FOR UPDATE OF y",
	false,
};

/*
 * $1 company, $2 fiscal year: the next year's status ("status"; no row: it
 * has none), shared until commit, so its close waits for a reopening of
 * this one, or this one for it.
 */
const struct db_statement ledger_sql_year_share_next = {
	"ledger_year_share_next",
	"SELECT y.status FROM ledger_fiscal_years y"
	" WHERE y.company_id = $1 AND y.fiscal_year = $2::int + 1 FOR SHARE",
	false,
};

/*
 * $1 company, $2 fiscal year: each revenue and expense account whose posted
 * lines in the year do not add up to zero (code, currency, balance: debits
 * minus credits in minor units), by code.
 */
const struct db_statement ledger_sql_year_balances = {
	"ledger_year_balances",
	"SELECT a.code, a.currency::text AS currency, sum(l.debit_minor - l.credit_minor)::text AS balance"
	" FROM ledger_lines l JOIN ledger_accounts a ON a.id = l.account_id,"
	"  (SELECT min(starts_on) AS first, max(ends_on) AS last FROM ledger_periods"
	"    WHERE company_id = $1 AND fiscal_year = $2::int) b"
	" WHERE l.company_id = $1 AND l.posted_on BETWEEN b.first AND b.last"
	"   AND a.type IN ('revenue', 'expense')"
	" GROUP BY a.code, a.currency HAVING sum(l.debit_minor - l.credit_minor) <> 0"
	" ORDER BY a.code",
	false,
};

/* $1 company: its retained-earnings account (code, currency, active); no row when none is set. */
const struct db_statement ledger_sql_year_retained_earnings = {
	"ledger_year_retained_earnings",
	"SELECT a.code, a.currency::text AS currency, a.active FROM ledger_settings s"
	" JOIN ledger_accounts a ON a.id = s.retained_earnings_account_id WHERE s.company_id = $1",
	false,
};

/*
 * $1 user: whether the user is active ("active"), from the view IAM exports;
 * no row when there is no such user. A close asked for by someone since
 * deactivated is no second person's agreement any more.
 */
const struct db_statement ledger_sql_year_requester_active = {
	"ledger_year_requester_active",
	"SELECT u.active FROM user_states u WHERE u.id = $1",
	false,
};

/* $1 company, $2 fiscal year, $3 who asks: the close requested; the year after. */
const struct db_statement ledger_sql_year_request_close = {
	"ledger_year_request_close",
	"UPDATE ledger_fiscal_years y SET close_requested_by = $3, close_requested_at = now(),"
	" version = y.version + 1, updated_at = now()" YEAR_MATCH " RETURNING " YEAR_JSON " AS year",
	false,
};

/* $1 company, $2 fiscal year: the request dropped; the year after. */
const struct db_statement ledger_sql_year_cancel_close = {
	"ledger_year_cancel_close",
	"UPDATE ledger_fiscal_years y SET close_requested_by = NULL, close_requested_at = NULL,"
	" version = y.version + 1, updated_at = now()" YEAR_MATCH " RETURNING " YEAR_JSON " AS year",
	false,
};

/* $1 company, $2 fiscal year, $3 who confirms, $4 the closing entry (NULL: none): the year closed. */
const struct db_statement ledger_sql_year_confirm_close = {
	"ledger_year_confirm_close",
	"UPDATE ledger_fiscal_years y SET status = 'closed', closed_by = $3, closed_at = now(),"
	" closing_entry_id = $4, version = y.version + 1, updated_at = now()" YEAR_MATCH
	" RETURNING " YEAR_JSON " AS year",
	false,
};

/* $1 company, $2 fiscal year: the year open again, its close forgotten (the trail keeps it). */
const struct db_statement ledger_sql_year_reopen = {
	"ledger_year_reopen",
	"UPDATE ledger_fiscal_years y SET status = 'open', close_requested_by = NULL,"
	" close_requested_at = NULL, closed_by = NULL, closed_at = NULL, closing_entry_id = NULL,"
	" version = y.version + 1, updated_at = now()" YEAR_MATCH " RETURNING " YEAR_JSON " AS year",
	false,
};
