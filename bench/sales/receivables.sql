-- Company RECV at size: 100,000 posted, open sales invoices over the last
-- 300 days, each with its journal entry (Dr receivable, Cr revenue, Cr
-- output tax: posted lines) and its open item, as posting writes them.
-- Customer R0000 holds 10,000 of them, R0001..R0900 a hundred each.
-- Written straight in SQL (the point is the allocation's and the aging's
-- speed, not the load), inside the database's rules: lines are added to
-- drafts in the transaction that wrote them, then the drafts are posted.
INSERT INTO partners_partners (id, company_id, code, name, is_customer, is_vendor,
                               payment_terms_days, payment_terms_end_of_month, currency,
                               receivable_account_id)
SELECT gen_random_uuid(), c.id, 'R' || lpad(n::text, 4, '0'), 'Customer ' || n, true, false,
       30, false, 'EUR', a.id
  FROM companies c JOIN ledger_accounts a ON a.company_id = c.id AND a.code = '1100',
       generate_series(0, 900) n
 WHERE c.code = 'RECV';

BEGIN;
CREATE TEMP TABLE recv ON COMMIT DROP AS
SELECT n, gen_random_uuid() AS invoice_id, gen_random_uuid() AS entry_id,
       CASE WHEN n <= 10000 THEN 0 ELSE 1 + (n - 10001) / 100 END AS customer,
       current_date - (n * 7919 % 300) AS day, 10000 + (n % 50) * 100 AS net
  FROM generate_series(1, 100000) n;
CREATE TEMP TABLE recv_ids ON COMMIT DROP AS
SELECT c.id AS company_id, u.id AS user_id,
       (SELECT id FROM ledger_accounts WHERE company_id = c.id AND code = '1100') AS receivable,
       (SELECT id FROM ledger_accounts WHERE company_id = c.id AND code = '4000') AS revenue,
       (SELECT id FROM ledger_accounts WHERE company_id = c.id AND code = '2200') AS output_tax,
       (SELECT id FROM sales_tax_codes WHERE company_id = c.id AND code = 'VAT20') AS tax_code
  FROM companies c, users u WHERE c.code = 'RECV' AND u.email = 'bench@example.com';

INSERT INTO sales_invoices (id, company_id, partner_id, partner_code, invoice_date, due_date,
                            reference, currency, exponent, net_minor, tax_minor, total_minor,
                            author_id)
SELECT r.invoice_id, x.company_id, p.id, p.code, r.day, r.day + 30, 'bench receivables', 'EUR', 2,
       r.net, r.net / 5, r.net + r.net / 5, x.user_id
  FROM recv r CROSS JOIN recv_ids x
  JOIN partners_partners p ON p.company_id = x.company_id
   AND p.code = 'R' || lpad(r.customer::text, 4, '0');
INSERT INTO sales_invoice_lines (invoice_id, line, description, quantity_e4, unit_price_minor,
                                 revenue_account_id, tax_code_id, tax_rate_e4, net_minor)
SELECT r.invoice_id, 1, 'Goods', 10000, r.net, x.revenue, x.tax_code, 200000, r.net
  FROM recv r CROSS JOIN recv_ids x;
INSERT INTO sales_invoice_taxes (invoice_id, tax_code_id, rate_e4, base_minor, tax_minor)
SELECT r.invoice_id, x.tax_code, 200000, r.net, r.net / 5 FROM recv r CROSS JOIN recv_ids x;

INSERT INTO ledger_entries (id, company_id, entry_date, memo, reference, source, author_id,
                            fiscal_year, sequence)
SELECT r.entry_id, x.company_id, r.day, 'Sales invoice', 'INV', 'sales.invoice', x.user_id,
       extract(year FROM r.day)::int,
       row_number() OVER (PARTITION BY extract(year FROM r.day) ORDER BY r.n)
  FROM recv r CROSS JOIN recv_ids x;
INSERT INTO ledger_lines (entry_id, line_no, company_id, account_id, debit_minor, credit_minor,
                          posted_on, posting_no)
SELECT r.entry_id, side, x.company_id,
       CASE side WHEN 1 THEN x.receivable WHEN 2 THEN x.revenue ELSE x.output_tax END,
       CASE side WHEN 1 THEN r.net + r.net / 5 ELSE 0 END,
       CASE side WHEN 2 THEN r.net WHEN 3 THEN r.net / 5 ELSE 0 END,
       r.day, nextval('ledger_posting_no')
  FROM recv r CROSS JOIN recv_ids x CROSS JOIN generate_series(1, 3) side;
UPDATE ledger_entries e SET status = 'posted', posted_by = x.user_id, posted_at = now(),
       number = 'JE-' || e.fiscal_year || '-' || lpad(e.sequence::text, 6, '0')
  FROM recv_ids x WHERE e.company_id = x.company_id;
INSERT INTO ledger_numbering (company_id, fiscal_year, last_number)
SELECT company_id, fiscal_year, max(sequence) FROM ledger_entries e
 WHERE company_id = (SELECT company_id FROM recv_ids) GROUP BY company_id, fiscal_year;

UPDATE sales_invoices i SET fiscal_year = extract(year FROM i.invoice_date)::int, sequence = s.seq,
       number = 'INV-' || extract(year FROM i.invoice_date)::int || '-' || lpad(s.seq::text, 6, '0'),
       posted_by = x.user_id, posted_at = now(), ledger_entry_id = r.entry_id, version = 2
  FROM recv r CROSS JOIN recv_ids x,
       (SELECT n, row_number() OVER (PARTITION BY extract(year FROM day) ORDER BY n) AS seq
          FROM recv) s
 WHERE i.id = r.invoice_id AND s.n = r.n;
INSERT INTO sales_numbering (company_id, series, fiscal_year, last_number)
SELECT company_id, 'INV', fiscal_year, max(sequence) FROM sales_invoices
 WHERE company_id = (SELECT company_id FROM recv_ids) GROUP BY company_id, fiscal_year;

INSERT INTO sales_open_items (id, company_id, partner_id, document_type, document_id, number,
                              document_date, due_date, currency, exponent, amount_minor,
                              residual_minor, ledger_entry_id, receivable_account_id)
SELECT gen_random_uuid(), i.company_id, i.partner_id, 'invoice', i.id, i.number, i.invoice_date,
       i.due_date, i.currency, i.exponent, i.total_minor, i.total_minor, i.ledger_entry_id,
       x.receivable
  FROM sales_invoices i JOIN recv_ids x ON x.company_id = i.company_id;
COMMIT;
VACUUM ANALYZE;
