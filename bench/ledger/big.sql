-- A second company, BIG, with 1,000,000 posted lines (500,000 two-line
-- entries over one year across 200 accounts) for the trial-balance latency.
-- Written straight in SQL: the point is the report's speed, not the load.
INSERT INTO companies (id, code, name, currency) VALUES (gen_random_uuid(), 'BIG', 'Big Ltd', 'EUR');
INSERT INTO ledger_accounts (id, company_id, code, name, type, currency, exponent)
SELECT gen_random_uuid(), c.id, (1000 + n * 10)::text, 'Account ' || n,
       (ARRAY['asset', 'liability', 'equity', 'revenue', 'expense'])[1 + n % 5], 'EUR', 2
FROM companies c, generate_series(0, 199) n WHERE c.code = 'BIG';
CREATE TEMP TABLE big_accounts AS
    SELECT row_number() OVER (ORDER BY code) - 1 AS n, id FROM ledger_accounts
    WHERE company_id = (SELECT id FROM companies WHERE code = 'BIG');
-- The rules of the database hold for this load too: lines are added to drafts, in the
-- transaction that wrote them, and the drafts are then posted (migration
-- 20261203000100_ledger_controls refuses lines added to a posted entry).
BEGIN;
INSERT INTO ledger_entries (id, company_id, entry_date, memo, fiscal_year, sequence)
SELECT gen_random_uuid(), c.id, DATE '2025-01-01' + (n % 365), 'entry ' || n, 2025, n
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
-- A posted entry has its place in the company's hash chain (migration
-- 20261214000000_ledger_chain); this load gets places and hashes of the right
-- shape without the canonical form (its chain does not verify, and is not
-- what this company is for).
UPDATE ledger_entries SET status = 'posted', number = 'JE-2025-' || lpad(sequence::text, 6, '0'),
       posted_at = now(), chain_seq = sequence,
       entry_hash = encode(sha256(convert_to(sequence::text, 'UTF8')), 'hex'),
       prev_hash = CASE WHEN sequence > 1
                        THEN encode(sha256(convert_to((sequence - 1)::text, 'UTF8')), 'hex') END
WHERE company_id = (SELECT id FROM companies WHERE code = 'BIG');
INSERT INTO ledger_chain_heads (company_id, last_seq, last_hash, last_entry_id)
SELECT e.company_id, e.chain_seq, e.entry_hash, e.id FROM ledger_entries e
WHERE e.company_id = (SELECT id FROM companies WHERE code = 'BIG') AND e.chain_seq = 500000;
INSERT INTO ledger_numbering SELECT id, 2025, 500000 FROM companies WHERE code = 'BIG';
-- The balances the sealer would have added to (sealer.c, ledger_sql_seal_balances).
INSERT INTO ledger_account_balances (company_id, span, starts_on, account_id, debit_minor, credit_minor)
SELECT l.company_id, s.span,
       CASE s.span WHEN 'day' THEN l.posted_on ELSE date_trunc('month', l.posted_on)::date END,
       l.account_id, sum(l.debit_minor), sum(l.credit_minor)
FROM ledger_lines l CROSS JOIN (VALUES ('day'), ('month')) s (span)
WHERE l.company_id = (SELECT id FROM companies WHERE code = 'BIG')
GROUP BY 1, 2, 3, 4;
COMMIT;
VACUUM ANALYZE ledger_lines;
VACUUM ANALYZE ledger_entries;
VACUUM ANALYZE ledger_account_balances;
