/*
 * The statements of receivables (payments.c, allocations.c,
 * http_payments.c): a customer payment as clients see it, rendered by
 * PostgreSQL with named fields (its allocations to invoices still in force,
 * what is left of it, its reversal); the lock every change of a customer's
 * receivables takes; the numbering of a series by the fiscal year of a
 * date; open items read, allocated and restored. Lists travel as JSON
 * parameters (jsonb_to_recordset), never as SQL text.
 */
#include "modules/sales/internal.h"

/* What a payment and its summary in a list both show; p is the payment, o its open item. */
#define PAYMENT_HEAD                                                                              \
	"'id', p.id, 'number', p.number,"                                                         \
	" 'status', CASE WHEN p.reversed_at IS NULL THEN 'posted' ELSE 'reversed' END,"           \
	" 'partner', p.partner_code, 'date', p.payment_date,"                                     \
	" 'amount', erp_minor_text(p.amount_minor, p.exponent),"                                  \
	" 'unallocated', erp_minor_text(-o.residual_minor, p.exponent),"                          \
	" 'currency', p.currency, 'bank_account', b.code, 'reference', p.reference"

/* The payment p as clients see it, its allocations to invoices in force included. */
#define PAYMENT_JSON                                                                              \
	"json_build_object(" PAYMENT_HEAD ","                                                     \
	" 'allocations', coalesce((SELECT json_agg(json_build_object('id', a.id,"                 \
	"             'invoice', d.document_id, 'invoice_number', d.number,"                      \
	"             'amount', erp_minor_text(a.amount_minor, p.exponent),"                      \
	"             'date', a.allocation_date, 'created_by', a.created_by,"                      \
	"             'created_at', a.created_at) ORDER BY a.created_at, a.id)"                    \
	"           FROM sales_allocations a JOIN sales_open_items d ON d.id = a.debit_item_id"   \
	"          WHERE a.credit_item_id = o.id AND a.undone_at IS NULL"                          \
	"            AND d.document_type = 'invoice'), '[]'::json),"                               \
	" 'receivable_account', r.code, 'ledger_entry_id', p.ledger_entry_id,"                    \
	" 'posted_by', p.posted_by, 'posted_at', p.posted_at,"                                    \
	" 'reversal', CASE WHEN p.reversed_at IS NULL THEN NULL"                                  \
	"   ELSE json_build_object('date', p.reversal_date, 'reason', p.reversal_reason,"         \
	"     'ledger_entry_id', p.reversal_entry_id, 'reversed_by', p.reversed_by,"              \
	"     'reversed_at', p.reversed_at) END,"                                                  \
	" 'version', p.version, 'created_at', p.created_at)"

#define PAYMENT_FROM                                                                              \
	" FROM sales_payments p"                                                                  \
	" JOIN sales_open_items o ON o.document_type = 'payment' AND o.document_id = p.id"         \
	" LEFT JOIN ledger_account_directory b ON b.id = p.bank_account_id"                       \
	" LEFT JOIN ledger_account_directory r ON r.id = p.receivable_account_id"

/*
 * $1 a customer's partner id: the transaction lock every change of its
 * receivables takes first (an invoice's posting, a payment, an
 * allocation, its undoing, a reversal), so their reads of residuals and
 * their writes follow one another.
 */
const struct db_statement sales_sql_customer_lock = {
	"sales_customer_lock",
	"SELECT pg_advisory_xact_lock(hashtextextended('sales_customer:' || $1::text, 0)) AS locked",
	false,
};

/* $1 company, $2 payment id: the lock above, on the payment's customer. */
const struct db_statement sales_sql_customer_lock_of_payment = {
	"sales_customer_lock_of_payment",
	"SELECT pg_advisory_xact_lock(hashtextextended('sales_customer:' || p.partner_id::text, 0))"
	"       AS locked"
	"  FROM sales_payments p WHERE p.company_id = $1 AND p.id = $2",
	false,
};

/*
 * $1 company, $2 date, $3 series ('PAY', 'CN'): the next number of the
 * series in the fiscal year the date falls in (no row: no period covers
 * it). The row stays locked until commit: the series has no gaps.
 */
const struct db_statement sales_sql_next_number = {
	"sales_next_number",
	"INSERT INTO sales_numbering (company_id, series, fiscal_year, last_number)"
	" SELECT DISTINCT $1::uuid, $3::text, p.fiscal_year, 1"
	"   FROM ledger_period_directory p"
	"  WHERE p.company_id = $1::uuid AND $2::date BETWEEN p.starts_on AND p.ends_on"
	" ON CONFLICT (company_id, series, fiscal_year)"
	" DO UPDATE SET last_number = sales_numbering.last_number + 1"
	" RETURNING fiscal_year, last_number",
	false,
};

/*
 * $1 id, $2 company, $3 partner id, $4 partner code, $5 date, $6 currency,
 * $7 exponent, $8 amount (minor units), $9 bank account id, $10 receivable
 * account id, $11 reference, $12 fiscal year, $13 sequence, $14 number,
 * $15 ledger entry, $16 poster.
 */
const struct db_statement sales_sql_payment_insert = {
	"sales_payment_insert",
	"INSERT INTO sales_payments (id, company_id, partner_id, partner_code, payment_date, currency,"
	"   exponent, amount_minor, bank_account_id, receivable_account_id, reference, fiscal_year,"
	"   sequence, number, ledger_entry_id, posted_by)"
	" VALUES ($1, $2, $3, $4, $5::date, $6, $7::smallint, $8::bigint, $9, $10, $11,"
	"   $12::integer, $13::integer, $14, $15, $16)",
	false,
};

/* $1 the open item's id, $2 the payment just inserted: its item, owing the customer all of it. */
const struct db_statement sales_sql_payment_open_item = {
	"sales_payment_open_item",
	"INSERT INTO sales_open_items (id, company_id, partner_id, document_type, document_id, number,"
	"   document_date, due_date, currency, exponent, amount_minor, residual_minor, ledger_entry_id,"
	"   receivable_account_id)"
	" SELECT $1, p.company_id, p.partner_id, 'payment', p.id, p.number, p.payment_date,"
	"   p.payment_date, p.currency, p.exponent, -p.amount_minor, -p.amount_minor, p.ledger_entry_id,"
	"   p.receivable_account_id"
	"   FROM sales_payments p WHERE p.id = $2",
	false,
};

/* $1 company, $2 payment id. */
const struct db_statement sales_sql_payment_get = {
	"sales_payment_get",
	"SELECT " PAYMENT_JSON " AS j" PAYMENT_FROM " WHERE p.company_id = $1 AND p.id = $2",
	true,
};

/*
 * $1/$2 the cursor's keys (date, id), $3 the company's id, $4 partner
 * code, $5 status, $6 from, $7 to (dates, inclusive), $8 page size + 1.
 */
const struct db_statement sales_sql_payments_list = {
	"sales_payments_list",
	PAGING_SQL("SELECT json_build_object(" PAYMENT_HEAD ", 'posted_at', p.posted_at,"
		   "                         'version', p.version) AS j,"
		   "       p.payment_date::text AS k1, p.id::text AS k2"
		   PAYMENT_FROM
		   " WHERE p.company_id = $3::uuid"
		   "   AND ($1::text IS NULL OR (p.payment_date::text, p.id::text) > ($1, $2))"
		   "   AND ($4::text IS NULL OR p.partner_code = $4)"
		   "   AND ($5::text IS NULL OR"
		   "        CASE WHEN p.reversed_at IS NULL THEN 'posted' ELSE 'reversed' END = $5)"
		   "   AND ($6::date IS NULL OR p.payment_date >= $6::date)"
		   "   AND ($7::date IS NULL OR p.payment_date <= $7::date)"
		   " ORDER BY p.payment_date, p.id::text LIMIT $8::int", "$8"),
	true,
};

/*
 * $1 company, $2 payment id: the payment locked, its facts and its JSON as
 * it was (after the customer's lock, so what it has left is current).
 */
const struct db_statement sales_sql_payment_lock = {
	"sales_payment_lock",
	"SELECT " PAYMENT_JSON " AS j, p.version, p.reversed_at IS NOT NULL AS reversed,"
	"       p.partner_id, p.partner_code, p.payment_date, p.amount_minor, p.exponent,"
	"       p.currency, p.number, o.id AS item_id, o.residual_minor, b.code AS bank_code,"
	"       r.code AS receivable_code"
	PAYMENT_FROM " WHERE p.company_id = $1 AND p.id = $2 FOR UPDATE OF p",
	false,
};

/*
 * $1 company, $2 partner id, $3 currency, $4 most to allocate (minor
 * units): the customer's open invoices, oldest due first, as many as the
 * amount reaches (each starts before the amount is used up). They are read
 * in the order of sales_open_items_oldest (the currency compared as the
 * column's type, so the index serves the order): when the first 64 cover
 * the amount, only those are read and summed, since every residual here
 * is positive and the running sum only grows; otherwise all of them.
 */
const struct db_statement sales_sql_open_invoices_oldest = {
	"sales_open_invoices_oldest",
	"WITH open AS ("
	"  SELECT o.id, o.document_id, o.number, o.residual_minor, o.due_date, o.document_date"
	"    FROM sales_open_items o"
	"   WHERE o.company_id = $1 AND o.partner_id = $2 AND o.currency = $3::bpchar"
	"     AND o.document_type = 'invoice' AND o.residual_minor > 0"
	"   ORDER BY o.due_date, o.document_date, o.number, o.id)"
	" SELECT id, document_id, number, residual_minor FROM ("
	"  SELECT f.id, f.document_id, f.number, f.residual_minor,"
	"         sum(f.residual_minor) OVER (ORDER BY f.due_date, f.document_date, f.number, f.id)"
	"           - f.residual_minor AS before_minor"
	"    FROM (SELECT * FROM open"
	"           LIMIT (SELECT CASE WHEN sum(h.residual_minor) >= $4::bigint THEN 64 END"
	"                    FROM (SELECT residual_minor FROM open LIMIT 64) h)) f) x"
	" WHERE before_minor < $4::bigint"
	" ORDER BY before_minor",
	false,
};

/*
 * $1 company, $2 JSON array of invoice ids: the open items of those
 * invoices (posted ones only: a draft has none), with their customer.
 */
const struct db_statement sales_sql_invoice_items_named = {
	"sales_invoice_items_named",
	"SELECT o.id, o.document_id, o.number, o.partner_id, o.currency, o.residual_minor"
	"  FROM sales_open_items o"
	" WHERE o.company_id = $1 AND o.document_type = 'invoice'"
	"   AND o.document_id IN (SELECT (jsonb_array_elements_text($2::jsonb))::uuid)",
	false,
};

/*
 * $1 company, $2 partner id, $3 credit item (what pays), $4 author, $5
 * JSON array of {id, debit_item_id, amount_minor}: the allocations, each
 * dated the later of its two documents' dates.
 */
const struct db_statement sales_sql_allocations_insert = {
	"sales_allocations_insert",
	"INSERT INTO sales_allocations (id, company_id, partner_id, credit_item_id, debit_item_id,"
	"   amount_minor, allocation_date, created_by)"
	" SELECT x.id, $1, $2, $3, x.debit_item_id, x.amount_minor,"
	"   greatest(c.document_date, d.document_date), $4"
	"   FROM jsonb_to_recordset($5::jsonb) AS x(id uuid, debit_item_id uuid, amount_minor bigint)"
	"   JOIN sales_open_items c ON c.id = $3::uuid AND c.company_id = $1::uuid"
	"   JOIN sales_open_items d ON d.id = x.debit_item_id AND d.company_id = $1::uuid",
	false,
};

/*
 * $1 company, $2 JSON array of {id, delta}: each item's residual moved by
 * the sum of its deltas (the table's checks refuse a residual past zero
 * or past the item's amount).
 */
const struct db_statement sales_sql_residuals_adjust = {
	"sales_residuals_adjust",
	"UPDATE sales_open_items o SET residual_minor = o.residual_minor + x.delta"
	"  FROM (SELECT id, sum(delta)::bigint AS delta"
	"          FROM jsonb_to_recordset($2::jsonb) AS d(id uuid, delta bigint) GROUP BY id) x"
	" WHERE o.id = x.id AND o.company_id = $1",
	false,
};

/* $1 payment id: a change of its allocations moves its version (its ETag). */
const struct db_statement sales_sql_payment_touch = {
	"sales_payment_touch",
	"UPDATE sales_payments SET version = version + 1 WHERE id = $1",
	false,
};

/*
 * $1 company, $2 credit item: its allocations in force, with the item they
 * pay (what an undoing restores).
 */
const struct db_statement sales_sql_allocations_of_item = {
	"sales_allocations_of_item",
	"SELECT a.id, a.amount_minor, a.allocation_date, a.debit_item_id, d.document_type,"
	"       d.document_id, d.number, d.residual_minor"
	"  FROM sales_allocations a JOIN sales_open_items d ON d.id = a.debit_item_id"
	" WHERE a.company_id = $1 AND a.credit_item_id = $2 AND a.undone_at IS NULL"
	" ORDER BY a.created_at, a.id FOR UPDATE OF a",
	false,
};

/*
 * $1 company, $2 payment id, $3 allocation id: one allocation of the
 * payment, locked, with both of its items.
 */
const struct db_statement sales_sql_allocation_lock = {
	"sales_allocation_lock",
	"SELECT a.id, a.amount_minor, a.allocation_date, a.undone_at, a.debit_item_id,"
	"       d.document_type, d.document_id, d.number, d.residual_minor"
	"  FROM sales_allocations a"
	"  JOIN sales_open_items c ON c.id = a.credit_item_id"
	"  JOIN sales_open_items d ON d.id = a.debit_item_id"
	" WHERE a.company_id = $1 AND c.document_type = 'payment' AND c.document_id = $2"
	"   AND a.id = $3 FOR UPDATE OF a",
	false,
};

/* $1 who undoes, $2 JSON array of allocation ids: undone now (the trigger keeps it once). */
const struct db_statement sales_sql_allocations_undo = {
	"sales_allocations_undo",
	"UPDATE sales_allocations SET undone_at = now(), undone_by = $1"
	" WHERE id IN (SELECT (jsonb_array_elements_text($2::jsonb))::uuid) AND undone_at IS NULL",
	false,
};

/* $1 payment id, $2 who reverses, $3 date, $4 reason, $5 the mirror entry. */
const struct db_statement sales_sql_payment_mark_reversed = {
	"sales_payment_mark_reversed",
	"UPDATE sales_payments SET reversed_at = now(), reversed_by = $2, reversal_date = $3::date,"
	"   reversal_reason = $4, reversal_entry_id = $5, version = version + 1"
	" WHERE id = $1 AND reversed_at IS NULL",
	false,
};

/*
 * $1 the open item's id, $2 the payment reversed (marked): the reversal's
 * item, owing the company back what the payment paid, on the reversal's
 * date and entry.
 */
const struct db_statement sales_sql_reversal_open_item = {
	"sales_reversal_open_item",
	"INSERT INTO sales_open_items (id, company_id, partner_id, document_type, document_id, number,"
	"   document_date, due_date, currency, exponent, amount_minor, residual_minor, ledger_entry_id,"
	"   receivable_account_id)"
	" SELECT $1, p.company_id, p.partner_id, 'payment_reversal', p.id, p.number, p.reversal_date,"
	"   p.reversal_date, p.currency, p.exponent, p.amount_minor, p.amount_minor, p.reversal_entry_id,"
	"   p.receivable_account_id"
	"   FROM sales_payments p WHERE p.id = $2 AND p.reversed_at IS NOT NULL",
	false,
};
