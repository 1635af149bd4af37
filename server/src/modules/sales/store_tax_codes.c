/*
 * The statements of tax codes (tax_codes.c, http_tax_codes.c) and of the
 * ledger's accounts as sales reads them: a tax code as clients see it,
 * rendered by PostgreSQL with named fields; its accounts kept by id and
 * shown by code, read from the ledger's view ledger_account_directory.
 */
#include "modules/sales/internal.h"

/* The tax code t as clients see it; oa and ia are its accounts (TAX_ACCOUNT_JOINS). */
#define TAX_CODE_JSON                                                                             \
	"json_build_object('id', t.id, 'code', t.code, 'name', t.name,"                          \
	" 'rate', trim_scale(t.rate_e4 / 10000.0)::text,"                                         \
	" 'output_account', oa.code, 'input_account', ia.code, 'active', t.active,"              \
	" 'version', t.version, 'created_at', t.created_at, 'updated_at', t.updated_at)"

#define TAX_ACCOUNT_JOINS                                                                         \
	" LEFT JOIN ledger_account_directory oa ON oa.id = t.output_account_id"                  \
	" LEFT JOIN ledger_account_directory ia ON ia.id = t.input_account_id"

/* $1 company id, $2 account code: the account as the ledger's directory has it now. */
const struct db_statement sales_sql_account = {
	"sales_account",
	"SELECT id, code, type, currency, active FROM ledger_account_directory"
	" WHERE company_id = $1 AND code = $2",
	true,
};

/* $1/$2 the cursor's keys (code, id), $3 the company's id, $4 active, $5 page size + 1. */
const struct db_statement sales_sql_tax_codes_list = {
	"sales_tax_codes_list",
	PAGING_SQL("SELECT " TAX_CODE_JSON " AS j, t.code AS k1, t.id::text AS k2"
		   " FROM sales_tax_codes t" TAX_ACCOUNT_JOINS
		   " WHERE t.company_id = $3::uuid"
		   "   AND ($1::text IS NULL OR (t.code, t.id::text) > ($1, $2))"
		   "   AND ($4::boolean IS NULL OR t.active = $4::boolean)"
		   " ORDER BY t.code, t.id::text LIMIT $5::int", "$5"),
	true,
};

/* $1 company id, $2 code. */
const struct db_statement sales_sql_tax_code_get = {
	"sales_tax_code_get",
	"SELECT " TAX_CODE_JSON " AS j FROM sales_tax_codes t" TAX_ACCOUNT_JOINS
	" WHERE t.company_id = $1 AND t.code = $2",
	true,
};

/* $1 company id, $2 code: the tax code before a change, with its account ids, locked. */
const struct db_statement sales_sql_tax_code_lock = {
	"sales_tax_code_lock",
	"SELECT " TAX_CODE_JSON " AS j, t.id, t.rate_e4, t.output_account_id, t.input_account_id"
	" FROM sales_tax_codes t" TAX_ACCOUNT_JOINS
	" WHERE t.company_id = $1 AND t.code = $2 FOR UPDATE OF t",
	false,
};

/*
 * $1 id, $2 company id, $3 code, $4 name, $5 rate (units of 10^-4), $6 output
 * account id, $7 input account id (NULL: none).
 */
const struct db_statement sales_sql_tax_code_insert = {
	"sales_tax_code_insert",
	"WITH t AS (INSERT INTO sales_tax_codes (id, company_id, code, name, rate_e4,"
	"             output_account_id, input_account_id)"
	"           VALUES ($1, $2, $3, $4, $5::integer, $6::uuid, $7::uuid) RETURNING *)"
	" SELECT " TAX_CODE_JSON " AS j FROM t" TAX_ACCOUNT_JOINS,
	false,
};

/*
 * $1 id, $2 name, $3 rate, $4 output account id, $5 input account id, $6
 * active. Nothing is written, and nothing answered, when the values are the
 * row's.
 */
const struct db_statement sales_sql_tax_code_update = {
	"sales_tax_code_update",
	"WITH t AS (UPDATE sales_tax_codes SET name = $2, rate_e4 = $3::integer,"
	"             output_account_id = $4::uuid, input_account_id = $5::uuid,"
	"             active = $6::boolean, version = version + 1, updated_at = now()"
	"           WHERE id = $1"
	"             AND (name, rate_e4, output_account_id, input_account_id, active)"
	"                 IS DISTINCT FROM ($2::text, $3::integer, $4::uuid, $5::uuid, $6::boolean)"
	"           RETURNING *)"
	" SELECT " TAX_CODE_JSON " AS j FROM t" TAX_ACCOUNT_JOINS,
	false,
};
