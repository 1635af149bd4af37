/* The statements of fiscal years and periods (periods.c). */
#include "modules/ledger/internal.h"

/* A fiscal period as clients see it, from the ledger_periods row p. */
#define PERIOD_JSON                                                                          \
	"json_build_object('id', p.id, 'fiscal_year', p.fiscal_year, 'number', p.number,"      \
	" 'name', to_char(p.starts_on, 'YYYY-MM'), 'starts_on', p.starts_on,"                  \
	" 'ends_on', p.ends_on, 'status', p.status,"                                           \
	" 'lock_requested_by', p.lock_requested_by, 'lock_requested_at', p.lock_requested_at," \
	" 'locked_by', p.locked_by, 'locked_at', p.locked_at, 'version', p.version)"

/* $1/$2 the cursor's keys (starts_on, id), $3 company, $4 fiscal year (NULL: any), $5 page size + 1. */
const struct db_statement ledger_sql_periods_list = {
	"ledger_periods_list",
	PAGING_SQL("SELECT " PERIOD_JSON " AS j, p.starts_on::text AS k1, p.id::text AS k2"
	"  FROM ledger_periods p"
	"  WHERE p.company_id = $3::uuid"
	"    AND ($1::date IS NULL OR (p.starts_on, p.id) > ($1::date, $2::uuid))"
	"    AND ($4::int IS NULL OR p.fiscal_year = $4::int)"
	"  ORDER BY p.starts_on, p.id LIMIT $5::int", "$5"),
	true,
};

/* $1 company: fiscal years of the company are created one at a time (until commit). */
const struct db_statement ledger_sql_periods_lock_company = {
	"ledger_periods_lock_company",
	"SELECT pg_advisory_xact_lock(hashtextextended('ledger_periods:' || $1, 7))",
	false,
};

/* $1 company, $2 first day, $3 last day: the periods that overlap them ("periods", "YYYY-MM, ..."; NULL: none). */
const struct db_statement ledger_sql_periods_overlapping = {
	"ledger_periods_overlapping",
	"SELECT string_agg(to_char(starts_on, 'YYYY-MM'), ', ' ORDER BY starts_on) AS periods"
	" FROM ledger_periods WHERE company_id = $1 AND starts_on <= $3::date AND ends_on >= $2::date",
	false,
};

/* $1 company, $2 fiscal year, $3 its periods (JSON array of {id, number, starts_on, ends_on}). */
const struct db_statement ledger_sql_periods_insert_year = {
	"ledger_periods_insert_year",
	"INSERT INTO ledger_periods (id, company_id, fiscal_year, number, starts_on, ends_on)"
	" SELECT x.id, $1, $2::int, x.number, x.starts_on, x.ends_on"
	" FROM jsonb_to_recordset($3::jsonb) AS x(id uuid, number int, starts_on date, ends_on date)",
	false,
};

/* $1 company, $2 fiscal year: its periods as clients see them, in order (a JSON array). */
const struct db_statement ledger_sql_periods_year = {
	"ledger_periods_year_json",
	"SELECT json_agg(" PERIOD_JSON " ORDER BY p.number) FROM ledger_periods p"
	" WHERE p.company_id = $1 AND p.fiscal_year = $2::int",
	false,
};

/* $1 company, $2 period: the period as it is before a change, locked until commit. */
const struct db_statement ledger_sql_period_lock = {
	"ledger_period_lock",
	"SELECT " PERIOD_JSON " FROM ledger_periods p WHERE p.company_id = $1 AND p.id = $2"
	" FOR UPDATE",
	false,
};

/*
 * $1 period: what decides whether it may be locked (struct
 * ledger_lock_facts): period, ends_on, ended, earlier_unlocked, drafts,
 * first_draft. A statement of its own after the row lock, so it sees what
 * committed while the lock was awaited.
 */
const struct db_statement ledger_sql_period_lock_facts = {
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

/* Each step of a period's lifecycle: $1 the period, $2 the user where the step records one; the period after. */
#define PERIOD_UPDATE(name, set)                                                             \
	{ name, "UPDATE ledger_periods p SET " set ", version = p.version + 1, updated_at = now()" \
		" WHERE p.id = $1 RETURNING " PERIOD_JSON, false }

/* open -> closed. */
const struct db_statement ledger_sql_period_close =
	PERIOD_UPDATE("ledger_period_close", "status = 'closed'");
/* closed -> open, dropping a lock request. */
const struct db_statement ledger_sql_period_reopen = PERIOD_UPDATE(
	"ledger_period_reopen", "status = 'open', lock_requested_by = NULL, lock_requested_at = NULL");
/* $2 asks for the lock. */
const struct db_statement ledger_sql_period_request_lock = PERIOD_UPDATE(
	"ledger_period_request_lock", "lock_requested_by = $2, lock_requested_at = now()");
/* closed -> locked, $2 confirming. */
const struct db_statement ledger_sql_period_confirm_lock = PERIOD_UPDATE(
	"ledger_period_confirm_lock", "status = 'locked', locked_by = $2, locked_at = now()");
/* The lock request dropped. */
const struct db_statement ledger_sql_period_cancel_lock = PERIOD_UPDATE(
	"ledger_period_cancel_lock", "lock_requested_by = NULL, lock_requested_at = NULL");

/*
 * $1 period: its fiscal year's status ("status"), shared until commit after
 * the period's own lock (the order a year's close takes them in): a period
 * of a closed year does not reopen.
 */
const struct db_statement ledger_sql_period_year_status = {
	"ledger_period_year_status",
	"SELECT y.status FROM ledger_periods p JOIN ledger_fiscal_years y"
	" ON y.company_id = p.company_id AND y.fiscal_year = p.fiscal_year"
	" WHERE p.id = $1 FOR SHARE OF y",
	false,
};
