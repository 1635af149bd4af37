/* The statements of companies (companies.c): a company as clients see it, and its changes. */
#include "modules/iam/internal.h"

#define COMPANY_JSON                                                                       \
	"json_build_object('id', id, 'code', code, 'name', name, 'currency', currency,"    \
	" 'version', version, 'created_at', created_at, 'updated_at', updated_at)"

/* $1 id, $2 code, $3 name, $4 currency. */
const struct db_statement iam_sql_company_insert = {
	"iam_companies_insert",
	"INSERT INTO companies (id, code, name, currency) VALUES ($1, $2, $3, $4)"
	" RETURNING " COMPANY_JSON,
	false,
};

/* $1 the cursor's key (code), $2 page size + 1. */
const struct db_statement iam_sql_companies_list = {
	"iam_companies_list",
	PAGING_SQL("SELECT " COMPANY_JSON " AS j, code AS k1, code AS k2 FROM companies"
		   " WHERE ($1::text IS NULL OR code > $1) ORDER BY code LIMIT $2::int", "$2"),
	true,
};

/* $1 code. */
const struct db_statement iam_sql_company_get = {
	"iam_companies_get", "SELECT " COMPANY_JSON " FROM companies WHERE code = $1", true,
};

/* $1 code: the company as it is before a change, locked until commit. */
const struct db_statement iam_sql_company_lock = {
	"iam_companies_lock", "SELECT " COMPANY_JSON " FROM companies WHERE code = $1 FOR UPDATE", false,
};

/*
 * $1 code, $2 name, $3 currency; NULL keeps either. The ledger's trigger
 * refuses a new currency once the company has posted journal entries
 * (SQLSTATE 23001, migration 20261203000100_ledger_controls).
 */
const struct db_statement iam_sql_company_update = {
	"iam_companies_update",
	"UPDATE companies SET name = coalesce($2, name), currency = coalesce($3, currency),"
	" version = version + 1, updated_at = now() WHERE code = $1 RETURNING " COMPANY_JSON,
	false,
};
