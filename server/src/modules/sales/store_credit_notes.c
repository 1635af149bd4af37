/*
 * The statements of credit notes (credit_notes.c, credit_posting.c,
 * http_credit_notes.c): a credit note as clients see it, rendered by
 * PostgreSQL with named fields (its lines named by the invoice's, its
 * taxes, what of it is not yet set against an invoice); what an invoice has
 * left to take back (what its posted credit notes took, this one aside);
 * and a posting's facts, read under the customer's lock.
 */
#include "modules/sales/internal.h"

/* The credit note c of invoice i, as clients see it. */
#define CREDIT_NOTE_JSON                                                                          \
	"json_build_object('id', c.id, 'number', c.number,"                                       \
	" 'status', CASE WHEN c.posted_at IS NULL THEN 'draft' ELSE 'posted' END,"                \
	" 'invoice', c.invoice_id, 'invoice_number', i.number, 'partner', c.partner_code,"        \
	" 'date', c.note_date, 'reason', c.reason, 'currency', c.currency,"                       \
	" 'net_total', erp_minor_text(c.net_minor, c.exponent),"                                  \
	" 'tax_total', erp_minor_text(c.tax_minor, c.exponent),"                                  \
	" 'total', erp_minor_text(c.total_minor, c.exponent),"                                    \
	" 'unallocated', erp_minor_text(-(SELECT o.residual_minor FROM sales_open_items o"        \
	"     WHERE o.document_type = 'credit_note' AND o.document_id = c.id), c.exponent),"      \
	" 'lines', (SELECT json_agg(json_build_object('line', cl.line,"                           \
	"             'description', l.description,"                                              \
	"             'quantity', trim_scale(cl.quantity_e4 / 10000.0)::text,"                    \
	"             'net', erp_minor_text(cl.net_minor, c.exponent),"                           \
	"             'revenue_account', a.code, 'tax_code', t.code,"                              \
	"             'tax_rate', trim_scale(l.tax_rate_e4 / 10000.0)::text) ORDER BY cl.line)"   \
	"           FROM sales_credit_note_lines cl"                                              \
	"           JOIN sales_invoice_lines l ON l.invoice_id = c.invoice_id AND l.line = cl.line" \
	"           JOIN sales_tax_codes t ON t.id = l.tax_code_id"                               \
	"           LEFT JOIN ledger_account_directory a ON a.id = l.revenue_account_id"          \
	"          WHERE cl.credit_note_id = c.id),"                                              \
	" 'taxes', (SELECT json_agg(json_build_object('tax_code', t.code,"                        \
	"             'rate', trim_scale(x.rate_e4 / 10000.0)::text,"                             \
	"             'base', erp_minor_text(x.base_minor, c.exponent),"                          \
	"             'tax', erp_minor_text(x.tax_minor, c.exponent)) ORDER BY t.code)"           \
	"           FROM sales_credit_note_taxes x JOIN sales_tax_codes t ON t.id = x.tax_code_id" \
	"          WHERE x.credit_note_id = c.id),"                                               \
	" 'ledger_entry_id', c.ledger_entry_id, 'author_id', c.author_id,"                        \
	" 'posted_by', c.posted_by, 'posted_at', c.posted_at, 'version', c.version,"              \
	" 'created_at', c.created_at, 'updated_at', c.updated_at)"

/* Taken back by posted credit notes of the invoice, $3 (a credit note, or NULL) aside. */
#define CREDITED_BY_OTHERS(table, what, match)                                                    \
	"coalesce((SELECT sum(x." what ") FROM " table " x"                                       \
	"   JOIN sales_credit_notes o ON o.id = x.credit_note_id"                                 \
	"  WHERE o.invoice_id = i.id AND o.posted_at IS NOT NULL"                                 \
	"    AND ($3::uuid IS NULL OR o.id <> $3::uuid) AND " match "), 0)"

/* $1 company, $2 invoice: what a credit note needs of it (posted: number set). */
const struct db_statement sales_sql_credit_invoice = {
	"sales_credit_invoice",
	"SELECT i.id, i.number, i.partner_id, i.partner_code, i.invoice_date, i.currency, i.exponent"
	"  FROM sales_invoices i WHERE i.company_id = $1 AND i.id = $2",
	true,
};

/*
 * $1 company, $2 invoice, $3 a credit note to leave out (or NULL): each
 * line of the invoice, and what posted credit notes took back of it.
 */
const struct db_statement sales_sql_credit_invoice_lines = {
	"sales_credit_invoice_lines",
	"SELECT l.line, l.quantity_e4, l.unit_price_minor, coalesce(l.discount_e4, 0) AS discount_e4,"
	"       l.net_minor, l.tax_code_id,"
	"       " CREDITED_BY_OTHERS("sales_credit_note_lines", "quantity_e4", "x.line = l.line")
	"         AS credited_quantity_e4,"
	"       " CREDITED_BY_OTHERS("sales_credit_note_lines", "net_minor", "x.line = l.line")
	"         AS credited_net_minor"
	"  FROM sales_invoices i JOIN sales_invoice_lines l ON l.invoice_id = i.id"
	" WHERE i.company_id = $1 AND i.id = $2::uuid ORDER BY l.line",
	true,
};

/* $1 company, $2 invoice, $3 a credit note to leave out: each tax code's base and tax, and what was taken back. */
const struct db_statement sales_sql_credit_invoice_taxes = {
	"sales_credit_invoice_taxes",
	"SELECT t.tax_code_id, t.rate_e4, t.base_minor, t.tax_minor,"
	"       " CREDITED_BY_OTHERS("sales_credit_note_taxes", "base_minor",
				     "x.tax_code_id = t.tax_code_id") " AS credited_base_minor,"
	"       " CREDITED_BY_OTHERS("sales_credit_note_taxes", "tax_minor",
				     "x.tax_code_id = t.tax_code_id") " AS credited_tax_minor"
	"  FROM sales_invoices i JOIN sales_invoice_taxes t ON t.invoice_id = i.id"
	" WHERE i.company_id = $1 AND i.id = $2::uuid",
	true,
};

/*
 * $1 id, $2 company, $3 invoice, $4 partner id, $5 partner code, $6 date,
 * $7 reason, $8 currency, $9 exponent, $10 net, $11 tax, $12 total, $13 author.
 */
const struct db_statement sales_sql_credit_note_insert = {
	"sales_credit_note_insert",
	"INSERT INTO sales_credit_notes (id, company_id, invoice_id, partner_id, partner_code,"
	"   note_date, reason, currency, exponent, net_minor, tax_minor, total_minor, author_id)"
	" VALUES ($1, $2, $3, $4, $5, $6::date, $7, $8, $9::smallint, $10::bigint, $11::bigint,"
	"   $12::bigint, $13)",
	false,
};

/* $1 credit note, $2 JSON array of {line, quantity_e4, net_minor}. */
const struct db_statement sales_sql_credit_note_lines_insert = {
	"sales_credit_note_lines_insert",
	"INSERT INTO sales_credit_note_lines (credit_note_id, line, quantity_e4, net_minor)"
	" SELECT $1, x.line, x.quantity_e4, x.net_minor"
	"   FROM jsonb_to_recordset($2::jsonb) AS x(line smallint, quantity_e4 bigint, net_minor bigint)",
	false,
};

/* $1 credit note, $2 JSON array of {tax_code_id, rate_e4, base_minor, tax_minor}. */
const struct db_statement sales_sql_credit_note_taxes_insert = {
	"sales_credit_note_taxes_insert",
	"INSERT INTO sales_credit_note_taxes (credit_note_id, tax_code_id, rate_e4, base_minor, tax_minor)"
	" SELECT $1, x.tax_code_id, x.rate_e4, x.base_minor, x.tax_minor"
	"   FROM jsonb_to_recordset($2::jsonb) AS x(tax_code_id uuid, rate_e4 integer,"
	"     base_minor bigint, tax_minor bigint)",
	false,
};

/* $1 company, $2 credit note. */
const struct db_statement sales_sql_credit_note_get = {
	"sales_credit_note_get",
	"SELECT " CREDIT_NOTE_JSON " AS j FROM sales_credit_notes c"
	"  JOIN sales_invoices i ON i.id = c.invoice_id WHERE c.company_id = $1 AND c.id = $2",
	true,
};

/*
 * $1/$2 the cursor's keys (date, id), $3 company, $4 invoice, $5 partner
 * code, $6 status, $7 from, $8 to (dates, inclusive), $9 page size + 1.
 */
const struct db_statement sales_sql_credit_notes_list = {
	"sales_credit_notes_list",
	PAGING_SQL("SELECT " CREDIT_NOTE_JSON " AS j, c.note_date::text AS k1, c.id::text AS k2"
		   "  FROM sales_credit_notes c JOIN sales_invoices i ON i.id = c.invoice_id"
		   " WHERE c.company_id = $3::uuid"
		   "   AND ($1::text IS NULL OR (c.note_date::text, c.id::text) > ($1, $2))"
		   "   AND ($4::uuid IS NULL OR c.invoice_id = $4::uuid)"
		   "   AND ($5::text IS NULL OR c.partner_code = $5)"
		   "   AND ($6::text IS NULL OR"
		   "        CASE WHEN c.posted_at IS NULL THEN 'draft' ELSE 'posted' END = $6)"
		   "   AND ($7::date IS NULL OR c.note_date >= $7::date)"
		   "   AND ($8::date IS NULL OR c.note_date <= $8::date)"
		   " ORDER BY c.note_date, c.id::text LIMIT $9::int", "$9"),
	true,
};

/* $1 company, $2 credit note: locked, its facts and its JSON as it was. */
const struct db_statement sales_sql_credit_note_lock = {
	"sales_credit_note_lock",
	"SELECT " CREDIT_NOTE_JSON " AS j, c.posted_at IS NOT NULL AS posted, c.version, c.author_id,"
	"       c.invoice_id, c.partner_id, c.partner_code, c.note_date, c.total_minor, c.exponent"
	"  FROM sales_credit_notes c JOIN sales_invoices i ON i.id = c.invoice_id"
	" WHERE c.company_id = $1 AND c.id = $2 FOR UPDATE OF c",
	false,
};

/* $1 credit note: a draft, with its lines and taxes (ON DELETE CASCADE). */
const struct db_statement sales_sql_credit_note_delete = {
	"sales_credit_note_delete",
	"DELETE FROM sales_credit_notes WHERE id = $1 AND posted_at IS NULL",
	false,
};

/*
 * $1 company, $2 credit note: each of its lines against the invoice's, and
 * what the invoice's other posted credit notes took back of it, with the
 * line's revenue account as the ledger has it now.
 */
const struct db_statement sales_sql_credit_post_lines = {
	"sales_credit_post_lines",
	"SELECT cl.line, cl.quantity_e4, cl.net_minor, l.quantity_e4 AS invoiced_quantity_e4,"
	"       l.net_minor AS invoiced_net_minor, a.code AS account, a.currency AS account_currency,"
	"       a.active AS account_active,"
	"       coalesce((SELECT sum(x.quantity_e4) FROM sales_credit_note_lines x"
	"          JOIN sales_credit_notes o ON o.id = x.credit_note_id"
	"         WHERE o.invoice_id = c.invoice_id AND o.posted_at IS NOT NULL AND o.id <> c.id"
	"           AND x.line = cl.line), 0) AS credited_quantity_e4,"
	"       coalesce((SELECT sum(x.net_minor) FROM sales_credit_note_lines x"
	"          JOIN sales_credit_notes o ON o.id = x.credit_note_id"
	"         WHERE o.invoice_id = c.invoice_id AND o.posted_at IS NOT NULL AND o.id <> c.id"
	"           AND x.line = cl.line), 0) AS credited_net_minor"
	"  FROM sales_credit_notes c"
	"  JOIN sales_credit_note_lines cl ON cl.credit_note_id = c.id"
	"  JOIN sales_invoice_lines l ON l.invoice_id = c.invoice_id AND l.line = cl.line"
	"  LEFT JOIN ledger_account_directory a ON a.id = l.revenue_account_id"
	" WHERE c.company_id = $1 AND c.id = $2 ORDER BY cl.line",
	false,
};

/* $1 company, $2 credit note: each of its taxes against the invoice's, with the output account now. */
const struct db_statement sales_sql_credit_post_taxes = {
	"sales_credit_post_taxes",
	"SELECT t.code, x.base_minor, x.tax_minor, it.base_minor AS invoiced_base_minor,"
	"       it.tax_minor AS invoiced_tax_minor, oa.code AS account,"
	"       oa.currency AS account_currency, oa.active AS account_active,"
	"       coalesce((SELECT sum(y.base_minor) FROM sales_credit_note_taxes y"
	"          JOIN sales_credit_notes o ON o.id = y.credit_note_id"
	"         WHERE o.invoice_id = c.invoice_id AND o.posted_at IS NOT NULL AND o.id <> c.id"
	"           AND y.tax_code_id = x.tax_code_id), 0) AS credited_base_minor,"
	"       coalesce((SELECT sum(y.tax_minor) FROM sales_credit_note_taxes y"
	"          JOIN sales_credit_notes o ON o.id = y.credit_note_id"
	"         WHERE o.invoice_id = c.invoice_id AND o.posted_at IS NOT NULL AND o.id <> c.id"
	"           AND y.tax_code_id = x.tax_code_id), 0) AS credited_tax_minor"
	"  FROM sales_credit_notes c"
	"  JOIN sales_credit_note_taxes x ON x.credit_note_id = c.id"
	"  JOIN sales_invoice_taxes it ON it.invoice_id = c.invoice_id AND it.tax_code_id = x.tax_code_id"
	"  JOIN sales_tax_codes t ON t.id = x.tax_code_id"
	"  LEFT JOIN ledger_account_directory oa ON oa.id = t.output_account_id"
	" WHERE c.company_id = $1 AND c.id = $2 ORDER BY t.code",
	false,
};

/* $1 company, $2 invoice: its open item, with the receivable account it is on. */
const struct db_statement sales_sql_invoice_item = {
	"sales_invoice_item",
	"SELECT o.id, o.residual_minor, r.code AS receivable_account, r.currency, r.active"
	"  FROM sales_open_items o"
	"  JOIN ledger_account_directory r ON r.id = o.receivable_account_id"
	" WHERE o.company_id = $1 AND o.document_type = 'invoice' AND o.document_id = $2",
	false,
};

/* $1 credit note, $2 fiscal year, $3 sequence, $4 number, $5 poster, $6 ledger entry: posted. */
const struct db_statement sales_sql_credit_note_mark = {
	"sales_credit_note_mark",
	"UPDATE sales_credit_notes SET fiscal_year = $2::integer, sequence = $3::integer, number = $4,"
	"   posted_by = $5, posted_at = now(), ledger_entry_id = $6, version = version + 1,"
	"   updated_at = now()"
	" WHERE id = $1 AND posted_at IS NULL",
	false,
};

/*
 * $1 the open item's id, $2 the credit note just posted: its item, owing the
 * customer its total, on its invoice's receivable account.
 */
const struct db_statement sales_sql_credit_note_open_item = {
	"sales_credit_note_open_item",
	"INSERT INTO sales_open_items (id, company_id, partner_id, document_type, document_id, number,"
	"   document_date, due_date, currency, exponent, amount_minor, residual_minor, ledger_entry_id,"
	"   receivable_account_id)"
	" SELECT $1, c.company_id, c.partner_id, 'credit_note', c.id, c.number, c.note_date,"
	"   c.note_date, c.currency, c.exponent, -c.total_minor, -c.total_minor, c.ledger_entry_id,"
	"   i.receivable_account_id"
	"   FROM sales_credit_notes c"
	"   JOIN sales_open_items i ON i.document_type = 'invoice' AND i.document_id = c.invoice_id"
	"  WHERE c.id = $2 AND c.posted_at IS NOT NULL",
	false,
};
