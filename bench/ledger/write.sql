-- pgbench: what POST /companies/BENCH/journal-entries does in SQL: the token
-- lookup, then one transaction inserting the entry, its two lines and the
-- audit event.
\set amount random(1, 100000)
SELECT s.user_id, (SELECT version FROM authz_version), s.last_seen_at < now() - interval '60 seconds'
  FROM sessions s JOIN users u ON u.id = s.user_id
 WHERE s.token_hash = decode(:token_hash, 'hex') AND s.revoked_at IS NULL AND u.active
   AND s.expires_at > now() AND s.last_seen_at > now() - make_interval(secs => 1800);
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
