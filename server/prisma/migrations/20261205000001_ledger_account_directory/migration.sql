-- The ledger's account directory: what other modules may know of the chart
-- of accounts (docs/modules.md, "Reading the ledger's accounts"). Tables have
-- owners, and another module's SQL may not name ledger_accounts; it may read
-- a view the ledger exports. A partner's receivable and payable accounts are
-- checked against it (the account exists in the company, is active, and is
-- an asset or a liability), and rendered by code from it.
--
-- Only what a reference to an account needs: no name, parent or balances.
-- A view, not a copy: it is always the ledger's current state, so an account
-- deactivated later shows inactive to whoever reads it next.
CREATE VIEW ledger.ledger_account_directory AS
SELECT a.company_id, a.code, a.id, a.type, a.currency, a.active
  FROM ledger.ledger_accounts a;

-- Read-only for the server (the schema's default privileges would let
-- erp_app try writes through the view); nothing for the scripts.
REVOKE ALL ON ledger.ledger_account_directory FROM erp_app;
GRANT SELECT ON ledger.ledger_account_directory TO erp_app;
