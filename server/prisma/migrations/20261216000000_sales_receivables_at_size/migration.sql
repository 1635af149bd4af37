-- Receivables at size (server/src/modules/sales): the indexes the
-- allocation and the aging need once a company holds 100,000 open items
-- and a customer 10,000 open invoices (tools/bench-sales measures both;
-- docs/benchmarks.md has the plans).

-- "auto" allocation walks a customer's open invoices oldest due first,
-- summing what each still owes until the payment is used up. In the order
-- of its window, with what it reads included, it is an index-only scan
-- without a sort; the index it replaces lacked the currency, the id (the
-- last key of the order) and the document, so every call sorted all of
-- the customer's open items after reading each from the table.
CREATE INDEX sales_open_items_oldest ON sales.sales_open_items
    (company_id, partner_id, currency, due_date, document_date, number, id)
    INCLUDE (document_id, residual_minor)
    WHERE residual_minor > 0 AND document_type = 'invoice';
DROP INDEX sales.sales_open_items_due;

-- The aging names each customer by the code its documents carry: one
-- probe per customer instead of a scan of the company's invoices.
CREATE INDEX sales_invoices_partner_id ON sales.sales_invoices (company_id, partner_id);
CREATE INDEX sales_payments_partner_id ON sales.sales_payments (company_id, partner_id);
