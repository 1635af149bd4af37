-- A second company, BIG, with 1,000,000 posted lines (500,000 two-line
-- entries over one year across 200 accounts) for the trial-balance latency.
-- Written straight in SQL: the point is the report's speed, not the load. The
-- ledger's own triggers hold for it too: lines join a draft in the draft's own
-- transaction, and the drafts are then posted, so it is one transaction.
INSERT INTO companies (id, code, name, currency) VALUES (gen_random_uuid(), 'BIG', 'Big Ltd', 'EUR');
INSERT INTO ledger_accounts (id, company_id, code, name, type, currency, exponent)
SELECT gen_random_uuid(), c.id, (1000 + n * 10)::text, 'Account ' || n,
       (ARRAY['asset', 'liability', 'equity', 'revenue', 'expense'])[1 + n % 5], 'EUR', 2
FROM companies c, generate_series(0, 199) n WHERE c.code = 'BIG';
BEGIN;
CREATE TEMP TABLE big_accounts AS
    SELECT row_number() OVER (ORDER BY code) - 1 AS n, id FROM ledger_accounts
    WHERE company_id = (SELECT id FROM companies WHERE code = 'BIG');
INSERT INTO ledger_entries (id, company_id, status, entry_date, memo, fiscal_year, sequence)
SELECT gen_random_uuid(), c.id, 'draft', DATE '2025-01-01' + (n % 365), 'entry ' || n, 2025, n
FROM companies c, generate_series(1, 500000) n WHERE c.code = 'BIG';
INSERT INTO ledger_lines (entry_id, line_no, company_id, account_id, debit_minor, credit_minor,
                          posted_on, posting_no)
SELECT e.id, side, e.company_id, a.id,
       CASE WHEN side = 1 THEN 100 + e.sequence % 9000 ELSE 0 END,
       CASE WHEN side = 2 THEN 100 + e.sequence % 9000 ELSE 0 END,
       e.entry_date, nextval('ledger_posting_no')
FROM ledger_entries e CROSS JOIN generate_series(1, 2) side
JOIN big_accounts a ON a.n = (e.sequence * 7 + side * 13) % 200
WHERE e.company_id = (SELECT id FROM companies WHERE code = 'BIG');
UPDATE ledger_entries SET status = 'posted', number = 'JE-2025-' || lpad(sequence::text, 6, '0'),
       posted_at = now()
WHERE company_id = (SELECT id FROM companies WHERE code = 'BIG');
INSERT INTO ledger_numbering SELECT id, 2025, 500000 FROM companies WHERE code = 'BIG';
COMMIT;
VACUUM ANALYZE ledger_lines;
VACUUM ANALYZE ledger_entries;
