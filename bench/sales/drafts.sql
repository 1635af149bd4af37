-- Drafts for a posting run: :count sales invoices dated today in company
-- :company_id, written by :user_id, spread over the customers C001..C050;
-- each of 5 lines (2 x 11.00 .. 2 x 15.00) on two revenue accounts and two
-- tax codes, priced as the server prices them: lines 1-3 at VAT20 (base
-- 72.00, tax 14.40), lines 4-5 at VAT7 (7.5%: base 58.00, tax 4.35); net
-- 130.00, tax 18.75, total 148.75. Prints their ids, one a line.
WITH p AS (SELECT id, code, row_number() OVER (ORDER BY code) - 1 AS n FROM partners_partners
            WHERE company_id = :'company_id' AND is_customer),
     t AS (SELECT code, id, rate_e4 FROM sales_tax_codes WHERE company_id = :'company_id'),
     r AS (SELECT code, id FROM ledger_accounts WHERE company_id = :'company_id'),
     i AS (INSERT INTO sales_invoices (id, company_id, partner_id, partner_code, invoice_date,
                                       due_date, reference, currency, exponent, net_minor,
                                       tax_minor, total_minor, author_id)
           SELECT gen_random_uuid(), :'company_id', p.id, p.code, current_date, current_date + 30,
                  :'reference', 'EUR', 2, 13000, 1875, 14875, :'user_id'
             FROM generate_series(1, :count) g JOIN p ON p.n = g % (SELECT count(*) FROM p)
           RETURNING id),
     l AS (INSERT INTO sales_invoice_lines (invoice_id, line, description, quantity_e4,
                                            unit_price_minor, revenue_account_id, tax_code_id,
                                            tax_rate_e4, net_minor)
           SELECT i.id, k, 'Item ' || k, 20000, 1000 + 100 * k,
                  (SELECT id FROM r WHERE code = CASE WHEN k % 2 = 1 THEN '4000' ELSE '4010' END),
                  t.id, t.rate_e4, 2 * (1000 + 100 * k)
             FROM i, generate_series(1, 5) k
             JOIN t ON t.code = CASE WHEN k <= 3 THEN 'VAT20' ELSE 'VAT7' END),
     x AS (INSERT INTO sales_invoice_taxes (invoice_id, tax_code_id, rate_e4, base_minor, tax_minor)
           SELECT i.id, t.id, t.rate_e4, CASE t.code WHEN 'VAT20' THEN 7200 ELSE 5800 END,
                  CASE t.code WHEN 'VAT20' THEN 1440 ELSE 435 END
             FROM i, t)
SELECT id FROM i;
