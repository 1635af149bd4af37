/* The statements of the company's ledger settings (settings.c). */
#include "modules/ledger/internal.h"

/*
 * A company's ledger settings as clients see them (s: the ledger_settings
 * row, absent for a company that never changed them: the defaults, version
 * 1). pending.version is the version a confirmation names in If-Match.
 */
#define SETTINGS_JSON                                                                        \
	"json_build_object('self_posting', coalesce(s.self_posting, false),"                  \
	" 'retained_earnings_account', (SELECT a.code FROM ledger_accounts a"                  \
	"   WHERE a.id = s.retained_earnings_account_id),"                                     \
	" 'version', coalesce(s.version, 1),"                                                  \
	" 'pending', CASE WHEN s.pending_self_posting IS NOT NULL THEN json_build_object("     \
	"   'self_posting', s.pending_self_posting, 'requested_by', s.pending_requested_by,"   \
	"   'requested_at', s.pending_requested_at, 'version', s.version) END)"

/* $1 company. */
const struct db_statement ledger_sql_settings_get = {
	"ledger_settings_get",
	"SELECT " SETTINGS_JSON " FROM (SELECT $1::uuid AS id) c"
	" LEFT JOIN ledger_settings s ON s.company_id = c.id",
	true,
};

/* $1 company: its settings row, made with the defaults if it has none. */
const struct db_statement ledger_sql_settings_ensure = {
	"ledger_settings_ensure",
	"INSERT INTO ledger_settings (company_id) VALUES ($1) ON CONFLICT (company_id) DO NOTHING",
	false,
};

/* $1 company: the settings as they are before a change, locked until commit. */
const struct db_statement ledger_sql_settings_lock = {
	"ledger_settings_lock",
	"SELECT " SETTINGS_JSON " FROM ledger_settings s WHERE s.company_id = $1 FOR UPDATE",
	false,
};

/* $1 company, $2 self_posting wanted, $3 who asks: the change pending; the settings after. */
const struct db_statement ledger_sql_settings_request = {
	"ledger_settings_request",
	"UPDATE ledger_settings s SET pending_self_posting = $2::boolean, pending_requested_by = $3,"
	" pending_requested_at = now(), version = s.version + 1, updated_at = now()"
	" WHERE s.company_id = $1 RETURNING " SETTINGS_JSON,
	false,
};

/* $1 company, $2 who confirms: the pending change applied; the settings after. */
const struct db_statement ledger_sql_settings_confirm = {
	"ledger_settings_confirm",
	"UPDATE ledger_settings s SET self_posting = s.pending_self_posting,"
	" pending_self_posting = NULL, pending_requested_by = NULL, pending_requested_at = NULL,"
	" confirmed_by = $2, confirmed_at = now(), version = s.version + 1, updated_at = now()"
	" WHERE s.company_id = $1 AND s.pending_self_posting IS NOT NULL RETURNING " SETTINGS_JSON,
	false,
};

/* $1 company: the pending change dropped; the settings after. */
const struct db_statement ledger_sql_settings_cancel = {
	"ledger_settings_cancel",
	"UPDATE ledger_settings s SET pending_self_posting = NULL, pending_requested_by = NULL,"
	" pending_requested_at = NULL, version = s.version + 1, updated_at = now()"
	" WHERE s.company_id = $1 AND s.pending_self_posting IS NOT NULL RETURNING " SETTINGS_JSON,
	false,
};

/* $1 company, $2 account code: the account a retained-earnings setting names (id, type, currency, active). */
const struct db_statement ledger_sql_settings_retained_account = {
	"ledger_settings_retained_account",
	"SELECT a.id, a.type, a.currency::text AS currency, a.active FROM ledger_accounts a"
	" WHERE a.company_id = $1 AND a.code = $2",
	false,
};

/* $1 company, $2 account id: the retained-earnings account set; the settings after. */
const struct db_statement ledger_sql_settings_set_retained = {
	"ledger_settings_set_retained",
	"UPDATE ledger_settings s SET retained_earnings_account_id = $2, version = s.version + 1,"
	" updated_at = now() WHERE s.company_id = $1 RETURNING " SETTINGS_JSON,
	false,
};
