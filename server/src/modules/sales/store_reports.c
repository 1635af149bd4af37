/*
 * The statements of the receivables reports (reports.c): what each open
 * item owed on a day, summed per customer and days past due (the buckets
 * are the C rule's, sales_aging_bucket_of()), and a customer's documents
 * and allocations over a range with the running balance. An item's
 * residual on a day is its amount less the allocations in force dated up
 * to that day; an allocation is dated on or after both of its documents,
 * so the residuals of the items dated up to a day sum to what the
 * receivable accounts held that day.
 */
#include "modules/sales/internal.h"

/*
 * $1 company, $2 as of, $3 the buckets' first days past due
 * (sales_aging_first_days_text()): per customer (its code) and bucket, what
 * its open items dated up to that day owed on it, with the fewest days
 * past due of the bucket (the C rule names the bucket from them); rows
 * that owe nothing left out. The allocations in force on the day are
 * summed per item in one pass, and each customer's code read once, from
 * one of its documents (sales_invoices_partner_id).
 */
const struct db_statement sales_sql_aging = {
	"sales_aging",
	"WITH moved AS ("
	"  SELECT m.item_id, sum(m.delta)::bigint AS delta FROM ("
	"    SELECT a.debit_item_id AS item_id, -a.amount_minor AS delta FROM sales_allocations a"
	"     WHERE a.company_id = $1 AND a.undone_at IS NULL AND a.allocation_date <= $2::date"
	"    UNION ALL"
	"    SELECT a.credit_item_id, a.amount_minor FROM sales_allocations a"
	"     WHERE a.company_id = $1 AND a.undone_at IS NULL AND a.allocation_date <= $2::date) m"
	"   GROUP BY m.item_id),"
	" owed AS ("
	"  SELECT o.partner_id, $2::date - o.due_date AS days,"
	"         o.amount_minor + coalesce(m.delta, 0) AS residual_minor"
	"    FROM sales_open_items o LEFT JOIN moved m ON m.item_id = o.id"
	"   WHERE o.company_id = $1 AND o.document_date <= $2::date),"
	" per AS ("
	"  SELECT partner_id, min(days) AS days, sum(residual_minor) AS residual_minor FROM owed"
	"   WHERE residual_minor <> 0 GROUP BY partner_id, width_bucket(days, $3::integer[])),"
	" codes AS MATERIALIZED ("
	"  SELECT c.partner_id,"
	"         coalesce((SELECT i.partner_code FROM sales_invoices i"
	"                    WHERE i.company_id = $1 AND i.partner_id = c.partner_id LIMIT 1),"
	"                  (SELECT p.partner_code FROM sales_payments p"
	"                    WHERE p.company_id = $1 AND p.partner_id = c.partner_id LIMIT 1))"
	"           AS partner"
	"    FROM (SELECT DISTINCT partner_id FROM per) c)"
	" SELECT codes.partner, per.days, per.residual_minor"
	"   FROM per JOIN codes ON codes.partner_id = per.partner_id"
	"  ORDER BY codes.partner, per.days",
	true,
};

/* The documents of customer $2 of company $1 as the statement lists them (d). */
#define STATEMENT_DOCUMENTS                                                                       \
	"SELECT o.document_date AS day, 1 AS rank, o.document_type AS kind, o.number,"            \
	"       o.document_id AS document, o.amount_minor AS movement_minor, NULL::text AS against," \
	"       NULL::bigint AS allocated_minor, o.created_at AS at"                               \
	"  FROM sales_open_items o WHERE o.company_id = $1 AND o.partner_id = $2::uuid"

/* What the documents of customer $2 of company $1 dated before $3 came to (opening_minor). */
#define STATEMENT_OPENING                                                                         \
	"SELECT coalesce(sum(o.amount_minor), 0)::bigint AS opening_minor FROM sales_open_items o" \
	" WHERE o.company_id = $1 AND o.partner_id = $2::uuid AND o.document_date < $3::date"

/*
 * $1 company, $2 partner id, $3 from, $4 to: the opening balance (what its
 * documents dated before from came to), then each document and allocation
 * in force dated in the range, in date order, with the running balance
 * (an allocation moves none).
 */
const struct db_statement sales_sql_statement = {
	"sales_statement",
	"WITH lines AS ("
	   STATEMENT_DOCUMENTS " AND o.document_date BETWEEN $3::date AND $4::date"
	"  UNION ALL"
	"  SELECT a.allocation_date, 2, 'allocation', c.number, c.document_id, 0, d.number,"
	"         a.amount_minor, a.created_at"
	"    FROM sales_allocations a"
	"    JOIN sales_open_items c ON c.id = a.credit_item_id"
	"    JOIN sales_open_items d ON d.id = a.debit_item_id"
	"   WHERE a.company_id = $1 AND a.partner_id = $2::uuid AND a.undone_at IS NULL"
	"     AND a.allocation_date BETWEEN $3::date AND $4::date),"
	" opening AS (" STATEMENT_OPENING ")"
	" SELECT (SELECT opening_minor FROM opening) AS opening_minor, l.day, l.kind, l.number,"
	"        l.document, l.movement_minor, l.against, l.allocated_minor,"
	"        (SELECT opening_minor FROM opening)"
	"        + sum(l.movement_minor) OVER (ORDER BY l.day, l.rank, l.at, l.number"
	"                                      ROWS UNBOUNDED PRECEDING) AS balance_minor"
	"   FROM lines l ORDER BY l.day, l.rank, l.at, l.number",
	true,
};

/* $1 company, $2 partner id, $3 from: the opening balance alone (a range without lines). */
const struct db_statement sales_sql_statement_opening = {
	"sales_statement_opening",
	STATEMENT_OPENING,
	true,
};
