-- Balance rows striped (docs/architecture.md, "Balances kept as entries post"):
-- an account's day or month is kept in up to 8 rows, one per stripe, and
-- the posting adds to the stripe of its database connection
-- (pg_backend_pid() % 8, store_posting.c, ledger_sql_post_add_balances).
-- Postings on other connections then never wait for each other's balance
-- rows, so the posting adds to them before it takes its company's chain
-- head, outside the stretch where a company's postings run one at a time.
-- Every reader already sums the rows of a range; the verifier sums a key's
-- stripes before it compares them with the lines.
--
-- The rows kept so far become stripe 0.
ALTER TABLE ledger.ledger_account_balances
    ADD COLUMN stripe smallint NOT NULL DEFAULT 0 CHECK (stripe BETWEEN 0 AND 7);
ALTER TABLE ledger.ledger_account_balances DROP CONSTRAINT ledger_account_balances_pkey;
ALTER TABLE ledger.ledger_account_balances
    ADD PRIMARY KEY (company_id, span, starts_on, account_id, stripe);
