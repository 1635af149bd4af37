/*
 * The statements of partners (partners.c, api.c): a partner as clients see
 * it, the checks a write makes first, and its changes. A partner's ledger
 * accounts are kept by id and shown by code, read from the ledger's view.
 */
#include "modules/partners/internal.h"

/* The partner p as clients see it; ra and pa are its accounts (ACCOUNT_JOINS). */
#define PARTNER_JSON                                                                              \
	"json_build_object('id', p.id, 'code', p.code, 'name', p.name,"                          \
	" 'roles', to_json(array_remove(ARRAY[CASE WHEN p.is_customer THEN 'customer' END,"     \
	"                                     CASE WHEN p.is_vendor THEN 'vendor' END], NULL)),"  \
	" 'tax_id', p.tax_id, 'email', p.email,"                                                 \
	" 'billing_address', p.billing_address, 'shipping_address', p.shipping_address,"         \
	" 'payment_terms_days', p.payment_terms_days,"                                           \
	" 'payment_terms_end_of_month', p.payment_terms_end_of_month,"                           \
	" 'credit_limit', erp_minor_text(p.credit_limit_minor, p.credit_limit_exponent),"        \
	" 'credit_limit_currency', p.credit_limit_currency, 'currency', p.currency,"             \
	" 'receivable_account', ra.code, 'payable_account', pa.code, 'active', p.active,"        \
	" 'version', p.version, 'created_at', p.created_at, 'updated_at', p.updated_at)"

#define ACCOUNT_JOINS                                                                             \
	" LEFT JOIN ledger_account_directory ra ON ra.id = p.receivable_account_id"              \
	" LEFT JOIN ledger_account_directory pa ON pa.id = p.payable_account_id"

/*
 * $1/$2 the cursor's keys (code, id), $3 the company's id, $4 role, $5 active,
 * $6 code prefix, $7 name prefix, $8 tax id (normalised), $9 page size + 1.
 */
const struct db_statement partners_sql_list = {
	"partners_list",
	PAGING_SQL("SELECT " PARTNER_JSON " AS j, p.code AS k1, p.id::text AS k2"
		   " FROM partners_partners p" ACCOUNT_JOINS
		   " WHERE p.company_id = $3::uuid"
		   "   AND ($1::text IS NULL OR (p.code, p.id::text) > ($1, $2))"
		   "   AND ($4::text IS NULL OR ($4 = 'customer' AND p.is_customer)"
		   "                         OR ($4 = 'vendor' AND p.is_vendor))"
		   "   AND ($5::boolean IS NULL OR p.active = $5::boolean)"
		   "   AND ($6::text IS NULL OR starts_with(lower(p.code), lower($6)))"
		   "   AND ($7::text IS NULL OR starts_with(lower(p.name), lower($7)))"
		   "   AND ($8::text IS NULL OR p.tax_id = $8)"
		   " ORDER BY p.code, p.id::text LIMIT $9::int", "$9"),
	true,
};

/* $1 company id, $2 code. */
const struct db_statement partners_sql_get = {
	"partners_get",
	"SELECT " PARTNER_JSON " AS j FROM partners_partners p" ACCOUNT_JOINS
	" WHERE p.company_id = $1 AND p.code = $2",
	true,
};

/* $1 company id, $2 code: the partner before a change, with what the JSON does not show, locked. */
const struct db_statement partners_sql_lock = {
	"partners_lock",
	"SELECT " PARTNER_JSON " AS j, p.id, p.receivable_account_id, p.payable_account_id,"
	" p.credit_limit_minor, p.credit_limit_currency, p.credit_limit_exponent"
	" FROM partners_partners p" ACCOUNT_JOINS
	" WHERE p.company_id = $1 AND p.code = $2 FOR UPDATE OF p",
	false,
};

/*
 * $1 company id, $2 code (any case), $3 tax id (NULL: none), $4 the partner's
 * own code (NULL: a new partner): whether another partner has them.
 */
const struct db_statement partners_sql_taken = {
	"partners_taken",
	"SELECT EXISTS (SELECT 1 FROM partners_partners WHERE company_id = $1"
	"               AND lower(code) = lower($2) AND code IS DISTINCT FROM $4) AS code_taken,"
	"       EXISTS (SELECT 1 FROM partners_partners WHERE company_id = $1"
	"               AND tax_id = $3 AND code IS DISTINCT FROM $4) AS tax_id_taken",
	true,
};

/*
 * $1 id, $2 company id, $3 code, $4 name, $5 customer, $6 vendor, $7 tax id,
 * $8 email, $9 billing address, $10 shipping address (JSON text), $11 terms
 * days, $12 end of month, $13 credit limit (minor units), $14 its currency,
 * $15 its exponent, $16 currency, $17 receivable account id, $18 payable
 * account id.
 */
const struct db_statement partners_sql_insert = {
	"partners_insert",
	"WITH p AS (INSERT INTO partners_partners (id, company_id, code, name, is_customer, is_vendor,"
	"             tax_id, email, billing_address, shipping_address, payment_terms_days,"
	"             payment_terms_end_of_month, credit_limit_minor, credit_limit_currency,"
	"             credit_limit_exponent, currency, receivable_account_id, payable_account_id)"
	"           VALUES ($1, $2, $3, $4, $5::boolean, $6::boolean, $7, $8, $9::jsonb, $10::jsonb,"
	"             $11::integer, $12::boolean, $13::bigint, $14, $15::smallint, $16, $17::uuid,"
	"             $18::uuid)"
	"           RETURNING *)"
	" SELECT " PARTNER_JSON " AS j FROM p" ACCOUNT_JOINS,
	false,
};

/*
 * $1 id, then every column a change may set, as partners_sql_insert's $4..$18
 * without the company and the code ($2 name ... $16 payable account id).
 * Nothing is written, and nothing answered, when the values are the row's.
 */
const struct db_statement partners_sql_update = {
	"partners_update",
	"WITH p AS (UPDATE partners_partners SET name = $2, is_customer = $3::boolean,"
	"             is_vendor = $4::boolean, tax_id = $5, email = $6, billing_address = $7::jsonb,"
	"             shipping_address = $8::jsonb, payment_terms_days = $9::integer,"
	"             payment_terms_end_of_month = $10::boolean, credit_limit_minor = $11::bigint,"
	"             credit_limit_currency = $12, credit_limit_exponent = $13::smallint,"
	"             currency = $14, receivable_account_id = $15::uuid, payable_account_id = $16::uuid,"
	"             version = version + 1, updated_at = now()"
	"           WHERE id = $1"
	"             AND (name, is_customer, is_vendor, tax_id, email, billing_address,"
	"                  shipping_address, payment_terms_days, payment_terms_end_of_month,"
	"                  credit_limit_minor, credit_limit_currency, credit_limit_exponent, currency,"
	"                  receivable_account_id, payable_account_id)"
	"                 IS DISTINCT FROM ($2::text, $3::boolean, $4::boolean, $5::text, $6::text,"
	"                  $7::jsonb, $8::jsonb, $9::integer, $10::boolean, $11::bigint, $12::bpchar,"
	"                  $13::smallint, $14::bpchar, $15::uuid, $16::uuid)"
	"           RETURNING *)"
	" SELECT " PARTNER_JSON " AS j FROM p" ACCOUNT_JOINS,
	false,
};

/* $1 id, $2 active ("true" or "false"). */
const struct db_statement partners_sql_set_active = {
	"partners_set_active",
	"WITH p AS (UPDATE partners_partners SET active = $2::boolean, version = version + 1,"
	"             updated_at = now() WHERE id = $1 RETURNING *)"
	" SELECT " PARTNER_JSON " AS j FROM p" ACCOUNT_JOINS,
	false,
};

/* A partner for another module (partners_find()): typed columns, by name. */
#define PARTNER_COLUMNS                                                                           \
	"SELECT p.id, p.code, p.name, p.is_customer, p.is_vendor, p.active, p.currency,"         \
	" p.payment_terms_days, p.payment_terms_end_of_month, p.credit_limit_minor,"              \
	" p.credit_limit_currency, ra.code AS receivable_account, ra.active AS receivable_active,"\
	" pa.code AS payable_account, pa.active AS payable_active, p.version"                    \
	" FROM partners_partners p" ACCOUNT_JOINS " WHERE p.company_id = $1 AND p.code = $2"

/* $1 company id, $2 code. */
const struct db_statement partners_sql_find = {
	"partners_find", PARTNER_COLUMNS, true,
};

/* $1 company id, $2 code: as partners_sql_find, the partner's row share-locked. */
const struct db_statement partners_sql_find_share = {
	"partners_find_share", PARTNER_COLUMNS " FOR SHARE OF p", false,
};
