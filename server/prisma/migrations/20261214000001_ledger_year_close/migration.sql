-- Year-end close (docs/controls/ledger.md, "Closing a fiscal year"). One row
-- per company and fiscal year: open or closed, who asked for the close and
-- who confirmed it (never the same user), the closing entry that moved the
-- year's revenue and expense balances to retained earnings, and the last
-- number of the year's closing series (YC-<year>-<n>: closings and the
-- reversals that reopen them, apart from the JE numbers).
--
-- Locks: a posting share-locks its period, then reads its year's status in
-- a later statement; a close confirmation locks every period of the year,
-- then the year (FOR UPDATE), so a posting into the year either commits
-- before the close reads the balances or waits and then finds the year
-- closed.
CREATE TABLE ledger.ledger_fiscal_years (
    company_id          uuid NOT NULL REFERENCES iam.companies (id),
    fiscal_year         integer NOT NULL CHECK (fiscal_year BETWEEN 1900 AND 9999),
    status              text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    close_requested_by  uuid REFERENCES iam.users (id),
    close_requested_at  timestamptz,
    closed_by           uuid REFERENCES iam.users (id),
    closed_at           timestamptz,
    closing_entry_id    uuid REFERENCES ledger.ledger_entries (id),
    last_closing_number integer NOT NULL DEFAULT 0 CHECK (last_closing_number >= 0),
    version             integer NOT NULL DEFAULT 1 CHECK (version >= 1),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (company_id, fiscal_year),
    CHECK ((close_requested_by IS NULL) = (close_requested_at IS NULL)),
    -- Four-eyes below the server too: a closed year names its requester and
    -- a different confirmer.
    CHECK (status = 'open' OR (close_requested_by IS NOT NULL AND closed_by IS NOT NULL
                               AND closed_at IS NOT NULL AND closed_by <> close_requested_by)),
    CHECK (status = 'closed' OR (closed_by IS NULL AND closed_at IS NULL AND closing_entry_id IS NULL))
);
REVOKE DELETE, TRUNCATE ON ledger.ledger_fiscal_years FROM erp_app;

INSERT INTO ledger.ledger_fiscal_years (company_id, fiscal_year)
SELECT DISTINCT company_id, fiscal_year FROM ledger.ledger_periods;

-- Every fiscal year with periods has its row, whoever makes the periods.
CREATE FUNCTION ledger.ledger_fiscal_year_row() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO ledger.ledger_fiscal_years (company_id, fiscal_year)
    VALUES (NEW.company_id, NEW.fiscal_year) ON CONFLICT DO NOTHING;
    RETURN NEW;
END;
$$;
CREATE TRIGGER ledger_periods_fiscal_year AFTER INSERT ON ledger.ledger_periods
    FOR EACH ROW EXECUTE FUNCTION ledger.ledger_fiscal_year_row();

-- Nothing is posted into a closed year, and none of its periods reopens,
-- whoever writes: the closing entry is posted before its year closes, and
-- the reversal that reopens it after the year is open again.
CREATE FUNCTION ledger.ledger_closed_year_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'ledger_entries' THEN
        IF NEW.status = 'posted' AND OLD.status = 'draft' AND EXISTS (
                SELECT 1 FROM ledger.ledger_fiscal_years y
                 WHERE y.company_id = NEW.company_id AND y.fiscal_year = NEW.fiscal_year
                   AND y.status = 'closed') THEN
            RAISE EXCEPTION 'fiscal year % is closed: nothing is posted into it', NEW.fiscal_year
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    ELSIF NEW.status = 'open' AND OLD.status <> 'open' AND EXISTS (
            SELECT 1 FROM ledger.ledger_fiscal_years y
             WHERE y.company_id = NEW.company_id AND y.fiscal_year = NEW.fiscal_year
               AND y.status = 'closed') THEN
        RAISE EXCEPTION 'fiscal year % is closed: its periods do not reopen', NEW.fiscal_year
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER ledger_entries_closed_year BEFORE UPDATE ON ledger.ledger_entries
    FOR EACH ROW EXECUTE FUNCTION ledger.ledger_closed_year_guard();
CREATE TRIGGER ledger_periods_closed_year BEFORE UPDATE ON ledger.ledger_periods
    FOR EACH ROW EXECUTE FUNCTION ledger.ledger_closed_year_guard();

-- The company's retained-earnings account: where the close moves the year's
-- result. A ledger setting, set by a holder of ledger.settings.manage.
ALTER TABLE ledger.ledger_settings
    ADD COLUMN retained_earnings_account_id uuid REFERENCES ledger.ledger_accounts (id);
