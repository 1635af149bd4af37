-- The profit and loss leaves out the entries that close a fiscal year
-- (source 'ledger.year-close': they move the year's revenue and expense to
-- retained earnings, and would show every closed year's result as zero).
-- The statements subtract those entries' lines from the balances; this
-- index finds the few such entries of a company in a range without reading
-- the company's other entries.
CREATE INDEX ledger_entries_year_close ON ledger.ledger_entries (company_id, entry_date)
    WHERE source = 'ledger.year-close';
