/*
 * The statements of the company's partner settings (settings.c) and of the
 * ledger accounts partners refer to (accounts.c), read from the ledger's
 * exported view ledger_account_directory (docs/modules.md).
 */
#include "modules/partners/internal.h"

/* $1 company id, $2 account code: the account as the directory has it, if any. */
const struct db_statement partners_sql_account = {
	"partners_account",
	"SELECT id, code, type, active FROM ledger_account_directory"
	" WHERE company_id = $1 AND code = $2",
	true,
};

/* $1 company id: the company's default accounts as the directory has them now (no row: none set). */
const struct db_statement partners_sql_defaults = {
	"partners_defaults",
	"SELECT r.id AS receivable_id, r.code AS receivable_code, r.type AS receivable_type,"
	"       r.active AS receivable_active, a.id AS payable_id, a.code AS payable_code,"
	"       a.type AS payable_type, a.active AS payable_active"
	"  FROM partners_settings s"
	"  LEFT JOIN ledger_account_directory r ON r.id = s.default_receivable_account_id"
	"  LEFT JOIN ledger_account_directory a ON a.id = s.default_payable_account_id"
	" WHERE s.company_id = $1",
	true,
};

/* The settings s (NULL when the company has none yet) as clients see them; r, a their accounts. */
#define SETTINGS_JSON                                                                             \
	"json_build_object('default_receivable_account', r.code, 'default_payable_account', a.code," \
	" 'version', coalesce(s.version, 1), 'updated_at', s.updated_at)"

#define SETTINGS_ACCOUNT_JOINS                                                                    \
	" LEFT JOIN ledger_account_directory r ON r.id = s.default_receivable_account_id"         \
	" LEFT JOIN ledger_account_directory a ON a.id = s.default_payable_account_id"

/* $1 company id: version 1 and no defaults while the company has set none. */
const struct db_statement partners_sql_settings_get = {
	"partners_settings_get",
	"SELECT " SETTINGS_JSON " AS j FROM (SELECT $1::uuid AS company_id) c"
	" LEFT JOIN partners_settings s ON s.company_id = c.company_id" SETTINGS_ACCOUNT_JOINS,
	true,
};

/* $1 company id: the row a change locks, made the first time (version 1, no defaults). */
const struct db_statement partners_sql_settings_ensure = {
	"partners_settings_ensure",
	"INSERT INTO partners_settings (company_id) VALUES ($1) ON CONFLICT (company_id) DO NOTHING",
	false,
};

/* $1 company id: the settings before a change, locked until commit. */
const struct db_statement partners_sql_settings_lock = {
	"partners_settings_lock",
	"SELECT version FROM partners_settings WHERE company_id = $1 FOR UPDATE",
	false,
};

/*
 * $1 company id, $2 default receivable account id, $3 default payable
 * account id (NULL: none). Nothing is written, and nothing answered, when
 * they are the row's.
 */
const struct db_statement partners_sql_settings_update = {
	"partners_settings_update",
	"WITH s AS (UPDATE partners_settings SET default_receivable_account_id = $2::uuid,"
	"             default_payable_account_id = $3::uuid, version = version + 1, updated_at = now()"
	"           WHERE company_id = $1"
	"             AND (default_receivable_account_id, default_payable_account_id)"
	"                 IS DISTINCT FROM ($2::uuid, $3::uuid)"
	"           RETURNING *)"
	" SELECT " SETTINGS_JSON " AS j FROM s" SETTINGS_ACCOUNT_JOINS,
	false,
};
