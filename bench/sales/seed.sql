-- The sales benchmark's data, on top of bench-seed's company BENCH and user
-- bench@example.com. Two companies:
--   BENCH  invoice posting: 50 customers, 2 tax codes (20% and 7.5%), two
--          revenue accounts; drafts come from drafts.sql before each run.
--   RECV   the receivables at size (receivables.sql): 100,000 open invoices,
--          10,000 of them of one customer.
-- In both: a receivable, a bank, two revenue and two output-tax accounts,
-- last year's and this year's fiscal periods. bench@example.com writes
-- drafts (sales.invoice.create); poster@example.com posts them, records
-- and allocates payments and reads the reports (an invoice's poster may be
-- its author; a second user keeps the roles as a company would hold them).
INSERT INTO companies (id, code, name, currency)
VALUES (gen_random_uuid(), 'RECV', 'Receivables Ltd', 'EUR');

INSERT INTO ledger_accounts (id, company_id, code, name, type, currency, exponent)
SELECT gen_random_uuid(), c.id, a.code, a.name, a.type, 'EUR', 2
  FROM companies c,
       (VALUES ('1000', 'Bank', 'asset'), ('1100', 'Receivables', 'asset'),
               ('2200', 'Output tax 20%', 'liability'), ('2210', 'Output tax 7.5%', 'liability'),
               ('4000', 'Sales of goods', 'revenue'), ('4010', 'Sales of services', 'revenue'))
       AS a(code, name, type)
 WHERE c.code IN ('BENCH', 'RECV');

INSERT INTO ledger_periods (id, company_id, fiscal_year, number, starts_on, ends_on)
SELECT gen_random_uuid(), c.id, y, m, make_date(y, m, 1),
       (make_date(y, m, 1) + interval '1 month - 1 day')::date
  FROM companies c, generate_series(extract(year FROM now())::int - 1,
                                    extract(year FROM now())::int) y,
       generate_series(1, 12) m
 WHERE c.code IN ('BENCH', 'RECV');

INSERT INTO partners_settings (company_id, default_receivable_account_id)
SELECT c.id, a.id FROM companies c JOIN ledger_accounts a ON a.company_id = c.id AND a.code = '1100'
 WHERE c.code IN ('BENCH', 'RECV');

INSERT INTO sales_tax_codes (id, company_id, code, name, rate_e4, output_account_id)
SELECT gen_random_uuid(), c.id, t.code, t.name, t.rate_e4, a.id
  FROM companies c,
       (VALUES ('VAT20', 'Standard rate', 200000, '2200'), ('VAT7', 'Reduced rate', 75000, '2210'))
       AS t(code, name, rate_e4, account)
  JOIN ledger_accounts a ON a.code = t.account
 WHERE c.code IN ('BENCH', 'RECV') AND a.company_id = c.id;

-- BENCH's customers C001..C050: net 30 days, no credit limit.
INSERT INTO partners_partners (id, company_id, code, name, is_customer, is_vendor,
                               payment_terms_days, payment_terms_end_of_month, currency,
                               receivable_account_id)
SELECT gen_random_uuid(), c.id, 'C' || lpad(n::text, 3, '0'), 'Customer ' || n, true, false,
       30, false, 'EUR', a.id
  FROM companies c JOIN ledger_accounts a ON a.company_id = c.id AND a.code = '1100',
       generate_series(1, 50) n
 WHERE c.code = 'BENCH';

INSERT INTO roles (id, name) VALUES (gen_random_uuid(), 'bench-sales-clerk'),
                                    (gen_random_uuid(), 'bench-sales-poster');
INSERT INTO role_permissions SELECT id, p FROM roles,
    unnest(ARRAY['sales.invoice.read', 'sales.invoice.create']) p WHERE name = 'bench-sales-clerk';
INSERT INTO role_permissions SELECT id, p FROM roles,
    unnest(ARRAY['sales.invoice.read', 'sales.invoice.post', 'sales.payment.read',
                 'sales.payment.create', 'sales.payment.post', 'sales.report.read']) p
 WHERE name = 'bench-sales-poster';
-- A second user, with the first one's password: the bench logs in as both.
INSERT INTO users (id, email, display_name, password_hash)
SELECT gen_random_uuid(), 'poster@example.com', 'Bench poster', password_hash
  FROM users WHERE email = 'bench@example.com';
INSERT INTO role_assignments (id, user_id, role_id, company_id)
SELECT gen_random_uuid(), u.id, r.id, c.id FROM users u, roles r, companies c
 WHERE ((u.email = 'bench@example.com' AND r.name = 'bench-sales-clerk')
     OR (u.email = 'poster@example.com' AND r.name = 'bench-sales-poster'))
   AND c.code IN ('BENCH', 'RECV');
UPDATE authz_version SET version = version + 1;

ANALYZE;
