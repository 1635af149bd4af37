/* The statements of the chart of accounts (accounts.c), of the lines' accounts and of balances. */
#include "modules/ledger/internal.h"

/*
 * An account as clients see it. The parent is looked up only when there is
 * one: PostgreSQL runs a subquery for a NULL key too, and on a small table
 * its plan is a scan.
 */
#define ACCOUNT_JSON                                                                         \
	"json_build_object('id', a.id, 'code', a.code, 'name', a.name, 'type', a.type,"        \
	" 'currency', a.currency,"                                                             \
	" 'parent', CASE WHEN a.parent_id IS NOT NULL THEN"                                   \
	"   (SELECT p.code FROM ledger_accounts p WHERE p.id = a.parent_id) END,"              \
	" 'active', a.active, 'version', a.version,"                                           \
	" 'created_at', a.created_at, 'updated_at', a.updated_at)"

/*
 * $1/$2 the cursor's keys (code, id), $3 company, $4 type, $5 active, $6
 * code prefix (each NULL: any), $7 page size + 1. Codes are unique in a
 * company, so ordering by the code alone is the (code, id) order the cursor
 * resumes after, and lets PostgreSQL read the page in the (company_id,
 * code) index and stop, instead of sorting them all.
 */
const struct db_statement ledger_sql_accounts_list = {
	"ledger_accounts_list",
	PAGING_SQL("SELECT " ACCOUNT_JSON " AS j, a.code AS k1, a.id::text AS k2 FROM ledger_accounts a"
		   " WHERE a.company_id = $3::uuid"
		   "   AND ($1::text IS NULL OR (a.code, a.id::text) > ($1, $2))"
		   "   AND ($4::text IS NULL OR a.type = $4)"
		   "   AND ($5::boolean IS NULL OR a.active = $5::boolean)"
		   "   AND ($6::text IS NULL OR starts_with(a.code, $6))"
		   " ORDER BY a.code LIMIT $7::int", "$7"),
	true,
};

/* $1 company, $2 code. */
const struct db_statement ledger_sql_account_get = {
	"ledger_accounts_get",
	"SELECT " ACCOUNT_JSON " FROM ledger_accounts a WHERE a.company_id = $1 AND a.code = $2",
	true,
};

/* $1 company, $2 code: the account as it is before a change, locked until commit. */
const struct db_statement ledger_sql_account_lock = {
	"ledger_accounts_lock",
	"SELECT " ACCOUNT_JSON " FROM ledger_accounts a WHERE a.company_id = $1 AND a.code = $2"
	" FOR UPDATE",
	false,
};

/*
 * $1 account id: whether it has journal lines ("has_lines"). A statement of
 * its own, run once the row lock is held: it sees the lines of entries that
 * committed while the lock was awaited, which the locking statement's
 * snapshot would not.
 */
const struct db_statement ledger_sql_account_has_lines = {
	"ledger_accounts_has_lines",
	"SELECT EXISTS (SELECT 1 FROM ledger_lines WHERE account_id = $1) AS has_lines",
	false,
};

/* $1 company, $2 code: the id of the account a parent code names. */
const struct db_statement ledger_sql_account_parent = {
	"ledger_accounts_parent_id",
	"SELECT id FROM ledger_accounts WHERE company_id = $1 AND code = $2",
	false,
};

/* $1 the new parent, $2 the account: whether $2 is $1 or one of its ancestors ("cycle"). */
const struct db_statement ledger_sql_account_parent_cycle = {
	"ledger_accounts_parent_cycle",
	"WITH RECURSIVE up AS (SELECT id, parent_id FROM ledger_accounts WHERE id = $1"
	"  UNION SELECT a.id, a.parent_id FROM ledger_accounts a JOIN up ON a.id = up.parent_id)"
	" SELECT EXISTS (SELECT 1 FROM up WHERE id = $2) AS cycle",
	false,
};

/* $1 id, $2 company, $3 code, $4 name, $5 type, $6 parent id, $7 currency, $8 its exponent. */
const struct db_statement ledger_sql_account_insert = {
	"ledger_accounts_insert",
	"INSERT INTO ledger_accounts (id, company_id, code, name, type, parent_id, currency, exponent)"
	" VALUES ($1, $2, $3, $4, $5, $6, $7, $8::smallint)",
	false,
};

/* $1 id, $2 name, $3 type, $4 currency, $5 its exponent, $6 parent id, $7 active: a new version. */
const struct db_statement ledger_sql_account_update = {
	"ledger_accounts_update",
	"UPDATE ledger_accounts SET name = $2, type = $3, currency = $4, exponent = $5::smallint,"
	" parent_id = $6, active = $7::boolean, version = version + 1, updated_at = now()"
	" WHERE id = $1",
	false,
};

/*
 * $1 company, $2 account codes (JSON array text): each account the company
 * has of those codes (code, account_id, currency, exponent, active). They
 * are key-share locked until commit, as the lines' foreign keys lock them
 * anyway, but before their currency and activity are read: a change of an
 * account (FOR UPDATE) waits for the entry, and the entry reads the account
 * as that change left it.
 */
const struct db_statement ledger_sql_accounts_resolve = {
	"ledger_accounts_resolve",
	"SELECT a.code, a.id AS account_id, a.currency, a.exponent, a.active FROM ledger_accounts a"
	" WHERE a.company_id = $1::uuid AND a.code IN (SELECT jsonb_array_elements_text($2::jsonb))"
	" FOR KEY SHARE",
	false,
};

/*
 * $1 company, $2 code, $3 a date (NULL: everything posted): the account's
 * posted balance up to it, debits minus credits in minor units
 * ("balance_minor"), from the balances (the months before the date's month,
 * then its days, and the lines not sealed yet); no row when the company has
 * no such account.
 */
const struct db_statement ledger_sql_account_balance = {
	"ledger_api_account_balance",
	"SELECT coalesce((SELECT sum(b.debit_minor - b.credit_minor) FROM ledger_account_balances b"
	"   WHERE b.company_id = a.company_id AND b.account_id = a.id"
	"     AND ((b.span = 'month' AND ($3::date IS NULL"
	"           OR b.starts_on < date_trunc('month', $3::date)::date))"
	"       OR (b.span = 'day' AND b.starts_on >= date_trunc('month', $3::date)::date"
	"           AND b.starts_on <= $3::date))), 0)"
	"  + coalesce((SELECT sum(u.debit_minor - u.credit_minor) FROM ledger_unsealed_lines(a.company_id) u"
	"   WHERE u.account_id = a.id AND ($3::date IS NULL OR u.posted_on <= $3::date)), 0)"
	"  AS balance_minor"
	" FROM ledger_accounts a WHERE a.company_id = $1 AND a.code = $2",
	true,
};
