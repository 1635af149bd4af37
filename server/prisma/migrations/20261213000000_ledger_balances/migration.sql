-- Instant balances (docs/architecture.md, "Balances kept as entries post"):
-- each account's posted debits and credits per day and per calendar month,
-- written by the posting itself (store_posting.c, ledger_sql_post_balances)
-- in the posting's transaction, so the trial balance, the profit and loss
-- and the balance sheet sum a few thousand rows instead of every line.
--
-- span 'day' rows start on the posting date, span 'month' rows on the first
-- of its month; a sum over any date range takes whole months from the month
-- rows and the ragged ends from the day rows. Both are derived data: the
-- lines stay the record, and `erp-server audit verify-ledger` recomputes
-- these rows from them and names every row that differs.
CREATE TABLE ledger.ledger_account_balances (
    company_id   uuid NOT NULL REFERENCES iam.companies (id),
    span         text NOT NULL CHECK (span IN ('day', 'month')),
    starts_on    date NOT NULL,
    account_id   uuid NOT NULL REFERENCES ledger.ledger_accounts (id),
    debit_minor  bigint NOT NULL CHECK (debit_minor >= 0),
    credit_minor bigint NOT NULL CHECK (credit_minor >= 0),
    PRIMARY KEY (company_id, span, starts_on, account_id),
    CHECK (span = 'day' OR starts_on = date_trunc('month', starts_on)::date)
) WITH (fillfactor = 80); -- room on the page for the in-place (HOT) updates of every posting

-- The lines posted before this migration.
INSERT INTO ledger.ledger_account_balances
       (company_id, span, starts_on, account_id, debit_minor, credit_minor)
SELECT l.company_id, s.span,
       CASE s.span WHEN 'day' THEN l.posted_on ELSE date_trunc('month', l.posted_on)::date END,
       l.account_id, sum(l.debit_minor), sum(l.credit_minor)
  FROM ledger.ledger_lines l CROSS JOIN (VALUES ('day'), ('month')) s (span)
 WHERE l.posted_on IS NOT NULL
 GROUP BY 1, 2, 3, 4;

-- Each account's posted debits and credits from lo to hi (dates, inclusive;
-- lo NULL: from the beginning; hi NULL: nothing) out of the balances: the
-- whole months inside the range from the month rows, the days before the
-- first and after the last whole month from the day rows. Three index range
-- scans; a year of 200 accounts reads 2,400 month rows and at most 60 days'
-- rows per account, however many lines were posted.
CREATE FUNCTION ledger.ledger_balance_sums(company uuid, lo date, hi date)
RETURNS TABLE (account_id uuid, debit_minor numeric, credit_minor numeric)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    WITH r AS (SELECT x.lo, x.hi,
                      (date_trunc('month', x.lo - 1) + interval '1 month')::date AS first_month,
                      date_trunc('month', x.hi + 1)::date AS after_months
                 FROM (SELECT coalesce(lo, DATE '1000-01-01') AS lo, hi) x)
    SELECT b.account_id, sum(b.debit_minor), sum(b.credit_minor)
      FROM (SELECT m.account_id, m.debit_minor, m.credit_minor
              FROM ledger.ledger_account_balances m, r
             WHERE m.company_id = company AND m.span = 'month'
               AND m.starts_on >= r.first_month AND m.starts_on < r.after_months
            UNION ALL
            SELECT d.account_id, d.debit_minor, d.credit_minor
              FROM ledger.ledger_account_balances d, r
             WHERE d.company_id = company AND d.span = 'day'
               AND d.starts_on >= r.lo AND d.starts_on <= r.hi AND d.starts_on < r.first_month
            UNION ALL
            SELECT d.account_id, d.debit_minor, d.credit_minor
              FROM ledger.ledger_account_balances d, r
             WHERE d.company_id = company AND d.span = 'day'
               AND d.starts_on >= r.lo AND d.starts_on <= r.hi
               AND d.starts_on >= r.after_months AND d.starts_on >= r.first_month) b
     GROUP BY b.account_id
$$;

-- The server adds to rows and reads them; it never deletes one.
REVOKE ALL ON ledger.ledger_account_balances FROM erp_app;
GRANT SELECT, INSERT, UPDATE ON ledger.ledger_account_balances TO erp_app;
