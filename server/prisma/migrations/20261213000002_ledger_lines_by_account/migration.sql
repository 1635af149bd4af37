-- GET .../journal-entries?account= finds the entries from the account's
-- lines, drafts' included (ledger_sql_entries_list_by_account), instead of
-- asking every entry of the company whether it has a line on the account:
-- at 1,000,000 lines that took 245 ms even for an account with no lines.
CREATE INDEX ledger_lines_account_entry ON ledger.ledger_lines (account_id, entry_id);
