-- pgbench: what POST /companies/BENCH/journal-entries sends, statement for statement
-- and round trip for round trip (pipelines where the server batches): the token
-- lookup; BEGIN with the company and accounts; the insert that renders the entry;
-- the audit event (with its changes), the domain event and COMMIT. The server's own
-- cost (HTTP, JSON, C) is what it loses against this; write.sql is the lighter
-- transaction the ledger's first benchmark compared with.
\set amount random(1, 100000)
SELECT s.user_id, (SELECT version FROM authz_version), s.last_seen_at < now() - interval '60 seconds'
  FROM sessions s JOIN users u ON u.id = s.user_id
 WHERE s.token_hash = decode(:token_hash, 'hex') AND s.revoked_at IS NULL AND u.active
   AND s.expires_at > now() AND s.last_seen_at > now() - make_interval(secs => 1800);
\startpipeline
BEGIN;
SELECT c.id, a.code, a.id, a.currency, a.exponent, a.active FROM companies c
 LEFT JOIN LATERAL (SELECT * FROM ledger_accounts x WHERE x.company_id = c.id
   AND x.code IN (SELECT jsonb_array_elements_text('["1000","1010"]'::jsonb)) FOR KEY SHARE) a ON true
 WHERE c.code = 'BENCH';
\endpipeline
WITH e AS (INSERT INTO ledger_entries
   (id, company_id, entry_date, memo, reference, source, author_id, reverses_id)
   VALUES (gen_random_uuid(), :company_id, current_date, 'bench', NULL, coalesce(NULL, 'manual'), :user_id, NULL) RETURNING *),
 new_lines AS (INSERT INTO ledger_lines (entry_id, line_no, company_id, account_id,
   debit_minor, credit_minor, description)
   SELECT e.id, x.line_no, e.company_id, x.account_id, x.debit, x.credit, x.description
   FROM e, jsonb_to_recordset(jsonb_build_array(
     jsonb_build_object('line_no', 1, 'account_id', :account1::uuid, 'debit', :amount::bigint, 'credit', 0),
     jsonb_build_object('line_no', 2, 'account_id', :account2::uuid, 'debit', 0, 'credit', :amount::bigint)))
     AS x(line_no int, account_id uuid, debit bigint, credit bigint, description text) RETURNING *)
 SELECT json_build_object('id', e.id, 'number', e.number, 'status', e.status,
 'date', e.entry_date, 'memo', e.memo, 'reference', e.reference, 'source', e.source,
 'author_id', e.author_id, 'posted_by', e.posted_by, 'posted_at', e.posted_at,
 'posted_into_closed_period', e.posted_into_closed_period, 'reverses', e.reverses_id,
 'reversed_by', (SELECT r.id FROM ledger_entries r WHERE r.reverses_id = e.id),
 'version', e.version,
 'lines', (SELECT json_agg(json_strip_nulls(json_build_object('line', l.line_no, 'account', a.code,
 'currency', a.currency,
 'debit', CASE WHEN l.debit_minor > 0 THEN erp_minor_text(l.debit_minor, a.exponent) END,
 'credit', CASE WHEN l.credit_minor > 0 THEN erp_minor_text(l.credit_minor, a.exponent) END,
 'description', l.description)) ORDER BY l.line_no) FROM new_lines l
           JOIN ledger_accounts a ON a.id = l.account_id WHERE l.entry_id = e.id),
 'created_at', e.created_at, 'updated_at', e.updated_at) FROM e;
-- JSON built with functions: pgbench would read a "key":value literal's colon as a variable.
\startpipeline
INSERT INTO audit_events (id, actor_id, action, company_id, entity, entity_id, request_id,
                          changes, reason, mac)
VALUES (gen_random_uuid(), :user_id, 'ledger.journal.created', :company_id, 'journal_entry',
        gen_random_uuid()::text, gen_random_uuid()::text,
        jsonb_build_object(
          'date', jsonb_build_object('new', current_date::text),
          'lines', jsonb_build_object('new', jsonb_build_array(
            jsonb_build_object('account', '1000', 'currency', 'EUR', 'debit', '125.50', 'line', 1),
            jsonb_build_object('account', '1010', 'credit', '125.50', 'currency', 'EUR', 'line', 2))),
          'memo', jsonb_build_object('new', 'bench')),
        NULL, sha256(gen_random_uuid()::text::bytea));
INSERT INTO platform_events (id, company_id, type, entity, entity_id, actor_id, request_id, payload)
VALUES (gen_random_uuid(), :company_id, 'ledger.entry.created', 'journal_entry',
        gen_random_uuid()::text, :user_id, gen_random_uuid()::text,
        jsonb_build_object('id', gen_random_uuid(), 'number', NULL, 'status', 'draft',
          'date', current_date::text, 'memo', 'bench', 'reference', NULL, 'source', 'manual',
          'author_id', :user_id::uuid, 'posted_by', NULL, 'posted_at', NULL,
          'posted_into_closed_period', false, 'reverses', NULL, 'version', 1,
          'lines', jsonb_build_array(
            jsonb_build_object('line', 1, 'account', '1000', 'currency', 'EUR', 'debit', '125.50'),
            jsonb_build_object('line', 2, 'account', '1010', 'currency', 'EUR', 'credit', '125.50'))));
COMMIT;
\endpipeline
