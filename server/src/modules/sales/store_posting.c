/*
 * The statements of a posting (posting.c). The first round trip is one
 * batch of statements that each name the invoice and its company and say
 * in SQL what they need of it, since a batch cannot pass one statement's
 * result to the next: they lock the draft, then its customer, read the
 * customer's open balance after that lock, and the fiscal year of the
 * invoice's date (the ledger's ledger_period_directory). The next number of
 * that year is taken later, once the customer is checked, so its row is
 * held for as short a time as the posting allows. The last round trip marks
 * the invoice and opens its item.
 */
#include "modules/sales/internal.h"

/* The draft of company $1, id $2: its facts, and its JSON as it was, locked. */
const struct db_statement sales_sql_post_lock_invoice = {
	"sales_post_lock_invoice",
	"SELECT i.posted_at IS NOT NULL AS posted, i.number, i.version, i.partner_code,"
	"       i.invoice_date, i.currency, i.exponent, i.total_minor"
	"  FROM sales_invoices i WHERE i.company_id = $1 AND i.id = $2 FOR UPDATE OF i",
	false,
};

/*
 * $1 company, $2 invoice: a transaction lock on the invoice's customer, so
 * postings for one customer check its credit limit one after another (the
 * balance is read after it, in a statement of its own).
 */
const struct db_statement sales_sql_post_lock_customer = {
	"sales_post_lock_customer",
	"SELECT pg_advisory_xact_lock(hashtextextended('sales_customer:' || i.partner_id::text, 0))"
	"       AS locked"
	"  FROM sales_invoices i WHERE i.company_id = $1 AND i.id = $2",
	false,
};

/* $1 company, $2 invoice: what its customer owes on open items of the invoice's currency. */
const struct db_statement sales_sql_post_open_balance = {
	"sales_post_open_balance",
	"SELECT coalesce(sum(o.residual_minor), 0) AS open_minor"
	"  FROM sales_invoices i"
	"  JOIN sales_open_items o ON o.company_id = i.company_id AND o.partner_id = i.partner_id"
	"   AND o.currency = i.currency AND o.residual_minor <> 0"
	" WHERE i.company_id = $1 AND i.id = $2",
	false,
};

/* $1 company, $2 invoice: the fiscal year its date falls in (no row: no period covers it). */
const struct db_statement sales_sql_post_fiscal_year = {
	"sales_post_fiscal_year",
	"SELECT p.fiscal_year"
	"  FROM sales_invoices i"
	"  JOIN ledger_period_directory p ON p.company_id = i.company_id"
	"   AND i.invoice_date BETWEEN p.starts_on AND p.ends_on"
	" WHERE i.company_id = $1 AND i.id = $2",
	true,
};

/*
 * $1 company, $2 invoice: the next number of the INV series in the fiscal
 * year the draft's date falls in (no row: no period covers it, or it is no
 * draft). The row stays locked until commit, so postings of a company and
 * year queue here and a posting rolled back gives its number back.
 */
const struct db_statement sales_sql_post_next_number = {
	"sales_post_next_number",
	"INSERT INTO sales_numbering (company_id, series, fiscal_year, last_number)"
	" SELECT i.company_id, 'INV', p.fiscal_year, 1"
	"   FROM sales_invoices i"
	"   JOIN ledger_period_directory p ON p.company_id = i.company_id"
	"    AND i.invoice_date BETWEEN p.starts_on AND p.ends_on"
	"  WHERE i.company_id = $1 AND i.id = $2 AND i.posted_at IS NULL"
	" ON CONFLICT (company_id, series, fiscal_year)"
	" DO UPDATE SET last_number = sales_numbering.last_number + 1"
	" RETURNING fiscal_year, last_number",
	false,
};

/* $1 company, $2 invoice: its nets per revenue account, in the order the lines name them. */
const struct db_statement sales_sql_post_revenue = {
	"sales_post_revenue",
	"SELECT a.code, a.currency, a.active, sum(l.net_minor) AS net_minor"
	"  FROM sales_invoices i"
	"  JOIN sales_invoice_lines l ON l.invoice_id = i.id"
	"  LEFT JOIN ledger_account_directory a ON a.id = l.revenue_account_id"
	" WHERE i.company_id = $1 AND i.id = $2"
	" GROUP BY a.code, a.currency, a.active ORDER BY min(l.line)",
	false,
};

/* $1 company, $2 invoice: its tax per tax code, with the code's state and output account now. */
const struct db_statement sales_sql_post_taxes = {
	"sales_post_taxes",
	"SELECT t.code, t.active, x.tax_minor, oa.code AS account, oa.currency AS account_currency,"
	"       oa.active AS account_active"
	"  FROM sales_invoices i"
	"  JOIN sales_invoice_taxes x ON x.invoice_id = i.id"
	"  JOIN sales_tax_codes t ON t.id = x.tax_code_id"
	"  LEFT JOIN ledger_account_directory oa ON oa.id = t.output_account_id"
	" WHERE i.company_id = $1 AND i.id = $2 ORDER BY t.code",
	false,
};

/* $1 invoice, $2 fiscal year, $3 sequence, $4 number, $5 poster, $6 ledger entry: posted. */
const struct db_statement sales_sql_post_mark = {
	"sales_post_mark",
	"UPDATE sales_invoices SET fiscal_year = $2::integer, sequence = $3::integer, number = $4,"
	"   posted_by = $5, posted_at = now(), ledger_entry_id = $6, version = version + 1,"
	"   updated_at = now()"
	" WHERE id = $1 AND posted_at IS NULL",
	false,
};

/*
 * $1 the open item's id, $2 the invoice just marked posted, $3 the receivable
 * account its entry debited: its open item, all of it open.
 */
const struct db_statement sales_sql_post_open_item = {
	"sales_post_open_item",
	"INSERT INTO sales_open_items (id, company_id, partner_id, document_type, document_id, number,"
	"   document_date, due_date, currency, exponent, amount_minor, residual_minor, ledger_entry_id,"
	"   receivable_account_id)"
	" SELECT $1, i.company_id, i.partner_id, 'invoice', i.id, i.number, i.invoice_date,"
	"   i.due_date, i.currency, i.exponent, i.total_minor, i.total_minor, i.ledger_entry_id, $3"
	"   FROM sales_invoices i WHERE i.id = $2 AND i.posted_at IS NOT NULL",
	false,
};
