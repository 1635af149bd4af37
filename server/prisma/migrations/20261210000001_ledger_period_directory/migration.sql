-- The ledger's period directory: what other modules may know of a company's
-- fiscal periods (docs/modules.md, "Reading the ledger's accounts and
-- periods"). A document numbered per fiscal year (sales invoices:
-- INV-2026-000001) needs the fiscal year its date falls in, inside the
-- statement that takes its number; ledger_periods is the ledger's, so the
-- ledger exports this view, as it exports ledger_account_directory.
--
-- Only what a document needs to place a date: the fiscal year, the period's
-- number, its bounds and its status. A view, not a copy: a period closed or
-- locked later shows so to whoever reads it next. Posting rules stay the
-- ledger's (ledger_post_entry() refuses closed and locked periods, under its
-- own share lock on the period).
CREATE VIEW ledger.ledger_period_directory AS
SELECT p.company_id, p.fiscal_year, p.number, p.starts_on, p.ends_on, p.status
  FROM ledger.ledger_periods p;

-- Read-only for the server; nothing for the scripts.
REVOKE ALL ON ledger.ledger_period_directory FROM erp_app;
GRANT SELECT ON ledger.ledger_period_directory TO erp_app;
