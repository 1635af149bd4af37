-- Drafts for a posting run: :count balanced two-line drafts dated today in
-- company :company_id, written by :user_id (so another user posts them);
-- prints their ids, one a line.
WITH e AS (INSERT INTO ledger_entries (id, company_id, entry_date, memo, author_id)
           SELECT gen_random_uuid(), :'company_id', current_date, 'bench post', :'user_id'
             FROM generate_series(1, :count)
           RETURNING id, company_id),
     l AS (INSERT INTO ledger_lines (entry_id, line_no, company_id, account_id, debit_minor, credit_minor)
           SELECT e.id, x.n, e.company_id,
                  CASE x.n WHEN 1 THEN :'account1'::uuid ELSE :'account2'::uuid END,
                  CASE x.n WHEN 1 THEN 12550 ELSE 0 END, CASE x.n WHEN 2 THEN 12550 ELSE 0 END
             FROM e, (VALUES (1), (2)) x(n))
SELECT id FROM e;
