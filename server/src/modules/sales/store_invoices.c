/*
 * The statements of sales invoices' drafts (invoices.c, http_invoices.c):
 * an invoice as clients see it, rendered by PostgreSQL with named fields
 * (amounts as exact text of its currency, quantities and percents without
 * trailing zeros, its status derived by sales_invoice_status() on today's
 * date, UTC), what a draft's rules look up, and its writes. Lines and taxes
 * travel as JSON parameters (jsonb_to_recordset), never as SQL text.
 */
#include "modules/sales/internal.h"

/* Today, UTC: the day an invoice's status is derived on. */
#define TODAY "(now() AT TIME ZONE 'UTC')::date"

/* What an invoice and its summary in a list both show, in the order both show it. */
/* What is left of the invoice i: its open item's residual (NULL for a draft). */
#define INVOICE_RESIDUAL                                                                          \
	"(SELECT o.residual_minor FROM sales_open_items o"                                        \
	"  WHERE o.document_type = 'invoice' AND o.document_id = i.id)"

/* What the invoice i's posted credit notes take back. */
#define INVOICE_CREDITED                                                                          \
	"(SELECT coalesce(sum(c.total_minor), 0)::bigint FROM sales_credit_notes c"                       \
	"  WHERE c.invoice_id = i.id AND c.posted_at IS NOT NULL)"

/* The invoice i's status on today's date. */
#define INVOICE_STATUS                                                                            \
	"sales_invoice_status(i.posted_at IS NOT NULL, i.due_date, " TODAY ", i.total_minor, "    \
	INVOICE_RESIDUAL ", " INVOICE_CREDITED ")"

#define INVOICE_HEAD                                                                              \
	"'id', i.id, 'number', i.number,"                                                         \
	" 'status', " INVOICE_STATUS ","                                                          \
	" 'partner', i.partner_code, 'date', i.invoice_date, 'due_date', i.due_date,"             \
	" 'reference', i.reference, 'currency', i.currency,"                                       \
	" 'net_total', erp_minor_text(i.net_minor, i.exponent),"                                  \
	" 'tax_total', erp_minor_text(i.tax_minor, i.exponent),"                                  \
	" 'total', erp_minor_text(i.total_minor, i.exponent),"                                    \
	" 'residual', erp_minor_text(" INVOICE_RESIDUAL ", i.exponent)"

/* The invoice i as clients see it, lines and taxes included. */
#define INVOICE_JSON                                                                              \
	"json_build_object(" INVOICE_HEAD ","                                                     \
	" 'lines', (SELECT json_agg(json_build_object('line', l.line,"                            \
	"             'description', l.description,"                                              \
	"             'quantity', trim_scale(l.quantity_e4 / 10000.0)::text,"                     \
	"             'unit_price', erp_minor_text(l.unit_price_minor, i.exponent),"              \
	"             'discount_percent', trim_scale(l.discount_e4 / 10000.0)::text,"             \
	"             'revenue_account', a.code, 'tax_code', t.code,"                              \
	"             'tax_rate', trim_scale(l.tax_rate_e4 / 10000.0)::text,"                     \
	"             'net', erp_minor_text(l.net_minor, i.exponent)) ORDER BY l.line)"           \
	"           FROM sales_invoice_lines l"                                                   \
	"           JOIN sales_tax_codes t ON t.id = l.tax_code_id"                               \
	"           LEFT JOIN ledger_account_directory a ON a.id = l.revenue_account_id"          \
	"          WHERE l.invoice_id = i.id),"                                                   \
	" 'taxes', (SELECT json_agg(json_build_object('tax_code', t.code,"                        \
	"             'rate', trim_scale(x.rate_e4 / 10000.0)::text,"                             \
	"             'base', erp_minor_text(x.base_minor, i.exponent),"                          \
	"             'tax', erp_minor_text(x.tax_minor, i.exponent)) ORDER BY t.code)"           \
	"           FROM sales_invoice_taxes x JOIN sales_tax_codes t ON t.id = x.tax_code_id"    \
	"          WHERE x.invoice_id = i.id),"                                                   \
	" 'ledger_entry_id', i.ledger_entry_id, 'author_id', i.author_id,"                        \
	" 'posted_by', i.posted_by, 'posted_at', i.posted_at, 'version', i.version,"              \
	" 'created_at', i.created_at, 'updated_at', i.updated_at)"

/*
 * $1/$2 the cursor's keys (date, id), $3 the company's id, $4 partner code,
 * $5 status, $6 from, $7 to (dates, inclusive), $8 page size + 1.
 */
const struct db_statement sales_sql_invoices_list = {
	"sales_invoices_list",
	PAGING_SQL("SELECT json_build_object(" INVOICE_HEAD ", 'posted_at', i.posted_at,"
		   "                         'version', i.version) AS j,"
		   "       i.invoice_date::text AS k1, i.id::text AS k2"
		   "  FROM sales_invoices i"
		   " WHERE i.company_id = $3::uuid"
		   "   AND ($1::text IS NULL OR (i.invoice_date::text, i.id::text) > ($1, $2))"
		   "   AND ($4::text IS NULL OR i.partner_code = $4)"
		   "   AND ($5::text IS NULL OR"
		   "        " INVOICE_STATUS " = $5)"
		   "   AND ($6::date IS NULL OR i.invoice_date >= $6::date)"
		   "   AND ($7::date IS NULL OR i.invoice_date <= $7::date)"
		   " ORDER BY i.invoice_date, i.id::text LIMIT $8::int", "$8"),
	true,
};

/* $1 company id, $2 invoice id. */
const struct db_statement sales_sql_invoice_get = {
	"sales_invoice_get",
	"SELECT " INVOICE_JSON " AS j FROM sales_invoices i WHERE i.company_id = $1 AND i.id = $2",
	true,
};

/* $1 company id, $2 invoice id: the invoice before a change, locked. */
const struct db_statement sales_sql_invoice_lock = {
	"sales_invoice_lock",
	"SELECT " INVOICE_JSON " AS j, i.posted_at IS NOT NULL AS posted, i.version"
	" FROM sales_invoices i WHERE i.company_id = $1 AND i.id = $2 FOR UPDATE OF i",
	false,
};

/* $1 company id, $2 JSON array of account codes: those the ledger's directory has. */
const struct db_statement sales_sql_accounts_named = {
	"sales_accounts_named",
	"SELECT a.id, a.code, a.type, a.currency, a.active FROM ledger_account_directory a"
	" WHERE a.company_id = $1 AND a.code IN (SELECT jsonb_array_elements_text($2::jsonb))",
	true,
};

/* $1 company id, $2 JSON array of tax codes: those the company has. */
const struct db_statement sales_sql_tax_codes_named = {
	"sales_tax_codes_named",
	"SELECT t.id, t.code, t.rate_e4, t.active FROM sales_tax_codes t"
	" WHERE t.company_id = $1 AND t.code IN (SELECT jsonb_array_elements_text($2::jsonb))",
	true,
};

/*
 * $1 id, $2 company id, $3 partner id, $4 partner code, $5 date, $6 due
 * date, $7 reference, $8 currency, $9 its exponent, $10 net, $11 tax, $12
 * total (minor units), $13 author id.
 */
const struct db_statement sales_sql_invoice_insert = {
	"sales_invoice_insert",
	"INSERT INTO sales_invoices (id, company_id, partner_id, partner_code, invoice_date, due_date,"
	"   reference, currency, exponent, net_minor, tax_minor, total_minor, author_id)"
	" VALUES ($1, $2, $3, $4, $5::date, $6::date, $7, $8, $9::smallint, $10::bigint,"
	"   $11::bigint, $12::bigint, $13)",
	false,
};

/*
 * $1 id, then what a replace sets: $2 partner id, $3 partner code, $4 date,
 * $5 due date, $6 reference, $7 currency, $8 exponent, $9 net, $10 tax, $11
 * total. Only a draft (the trigger refuses a posted one in any case).
 */
const struct db_statement sales_sql_invoice_update = {
	"sales_invoice_update",
	"UPDATE sales_invoices SET partner_id = $2, partner_code = $3, invoice_date = $4::date,"
	"   due_date = $5::date, reference = $6, currency = $7, exponent = $8::smallint,"
	"   net_minor = $9::bigint, tax_minor = $10::bigint, total_minor = $11::bigint,"
	"   version = version + 1, updated_at = now()"
	" WHERE id = $1 AND posted_at IS NULL",
	false,
};

/* $1 invoice id: a draft's lines and taxes, before they are written anew. */
const struct db_statement sales_sql_invoice_lines_clear = {
	"sales_invoice_lines_clear",
	"DELETE FROM sales_invoice_lines WHERE invoice_id = $1",
	false,
};

const struct db_statement sales_sql_invoice_taxes_clear = {
	"sales_invoice_taxes_clear",
	"DELETE FROM sales_invoice_taxes WHERE invoice_id = $1",
	false,
};

/*
 * $1 invoice id, $2 JSON array of lines: {line, description, quantity_e4,
 * unit_price_minor, discount_e4 (null: none), revenue_account_id,
 * tax_code_id, tax_rate_e4, net_minor}.
 */
const struct db_statement sales_sql_invoice_lines_insert = {
	"sales_invoice_lines_insert",
	"INSERT INTO sales_invoice_lines (invoice_id, line, description, quantity_e4,"
	"   unit_price_minor, discount_e4, revenue_account_id, tax_code_id, tax_rate_e4, net_minor)"
	" SELECT $1, l.line, l.description, l.quantity_e4, l.unit_price_minor, l.discount_e4,"
	"   l.revenue_account_id, l.tax_code_id, l.tax_rate_e4, l.net_minor"
	" FROM jsonb_to_recordset($2::jsonb) AS l(line smallint, description text,"
	"   quantity_e4 bigint, unit_price_minor bigint, discount_e4 integer,"
	"   revenue_account_id uuid, tax_code_id uuid, tax_rate_e4 integer, net_minor bigint)",
	false,
};

/* $1 invoice id, $2 JSON array of taxes: {tax_code_id, rate_e4, base_minor, tax_minor}. */
const struct db_statement sales_sql_invoice_taxes_insert = {
	"sales_invoice_taxes_insert",
	"INSERT INTO sales_invoice_taxes (invoice_id, tax_code_id, rate_e4, base_minor, tax_minor)"
	" SELECT $1, x.tax_code_id, x.rate_e4, x.base_minor, x.tax_minor"
	" FROM jsonb_to_recordset($2::jsonb) AS x(tax_code_id uuid, rate_e4 integer,"
	"   base_minor bigint, tax_minor bigint)",
	false,
};

/* $1 invoice id: a draft, with its lines and taxes (ON DELETE CASCADE). */
const struct db_statement sales_sql_invoice_delete = {
	"sales_invoice_delete",
	"DELETE FROM sales_invoices WHERE id = $1 AND posted_at IS NULL",
	false,
};
