-- pgbench: what POST /companies/BENCH/journal-entries does in SQL: one
-- transaction inserting the entry, its two lines and the audit event (the
-- session, the permission check and the company come from the server's cache).
\set amount random(1, 100000)
BEGIN;
WITH e AS (INSERT INTO ledger_entries (id, company_id, entry_date, memo, author_id)
           VALUES (gen_random_uuid(), :company_id, current_date, 'bench', :user_id)
           RETURNING id, company_id)
INSERT INTO ledger_lines (entry_id, line_no, company_id, account_id, debit_minor, credit_minor)
SELECT e.id, x.n, e.company_id, CASE x.n WHEN 1 THEN :account1::uuid ELSE :account2::uuid END,
       CASE x.n WHEN 1 THEN :amount ELSE 0 END, CASE x.n WHEN 2 THEN :amount ELSE 0 END
  FROM e, (VALUES (1), (2)) x(n);
-- The server stores a 32-byte MAC with every audit event; any 32 bytes cost the same here.
INSERT INTO audit_events (id, actor_id, action, company_id, entity, entity_id, mac)
VALUES (gen_random_uuid(), :user_id, 'ledger.journal.created', :company_id, 'journal_entry',
        gen_random_uuid()::text, sha256(gen_random_uuid()::text::bytea));
END;
