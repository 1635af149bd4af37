-- Controls that one person cannot defeat, the ledger's part
-- (server/src/modules/ledger, docs/controls.md "Four-eyes and periods"):
-- what the database itself refuses, whatever the code asks.

-- A company's currency is the currency its books are kept in: once the
-- company has a posted journal entry it cannot change. The trigger sits on
-- IAM's companies table because the rule is the ledger's; postings take a
-- share lock on their company's row (posting.c), so a currency change
-- either lands before the first posting or sees it and is refused. The
-- SQLSTATE restrict_violation (23001) is what the company update answers
-- 409 for (modules/iam/http_companies.c).
CREATE FUNCTION ledger_company_currency_fixed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM ledger_entries WHERE company_id = OLD.id AND status = 'posted') THEN
        RAISE EXCEPTION 'company % has posted journal entries: its currency % is fixed',
            OLD.code, OLD.currency
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER ledger_company_currency_fixed BEFORE UPDATE OF currency ON companies
    FOR EACH ROW WHEN (OLD.currency IS DISTINCT FROM NEW.currency)
    EXECUTE FUNCTION ledger_company_currency_fixed();

-- Ledger settings: self_posting (authors may post their own entries) relaxes
-- four-eyes, so changing it is itself four-eyes. One holder of
-- ledger.settings.manage records the change as pending; another confirms it
-- (or anyone cancels it). One pending change at a time: it lives in the row.
ALTER TABLE ledger_settings
    ADD COLUMN pending_self_posting boolean,
    ADD COLUMN pending_requested_by uuid REFERENCES users (id),
    ADD COLUMN pending_requested_at timestamptz,
    -- Who confirmed the value self_posting holds, and when.
    ADD COLUMN confirmed_by uuid REFERENCES users (id),
    ADD COLUMN confirmed_at timestamptz,
    ADD CONSTRAINT ledger_settings_pending_whole CHECK (
        (pending_self_posting IS NULL) = (pending_requested_by IS NULL)
        AND (pending_requested_by IS NULL) = (pending_requested_at IS NULL));

-- self_posting starts false and changes only to the value a pending change
-- asked for, in the update that records a confirmer other than its
-- requester and clears the request.
CREATE FUNCTION ledger_settings_four_eyes() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.self_posting OR NEW.confirmed_by IS NOT NULL THEN
            RAISE EXCEPTION 'ledger settings start with four-eyes posting; self_posting changes by a confirmed request'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.self_posting IS DISTINCT FROM OLD.self_posting AND NOT (
            OLD.pending_self_posting IS NOT NULL
            AND NEW.self_posting = OLD.pending_self_posting
            AND NEW.pending_self_posting IS NULL
            AND NEW.confirmed_by IS NOT NULL
            AND NEW.confirmed_by <> OLD.pending_requested_by) THEN
        RAISE EXCEPTION 'self_posting of company % changes only when another user confirms the pending change',
            OLD.company_id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER ledger_settings_four_eyes BEFORE INSERT OR UPDATE ON ledger_settings
    FOR EACH ROW EXECUTE FUNCTION ledger_settings_four_eyes();

-- A posting into a closed period (by a holder of ledger.period.post-closed)
-- says so on the entry, not only in the audit trail. Entries posted so far
-- take the mark from their audit event; posted entries are otherwise
-- immutable, so the trigger that guards them steps aside for this one
-- statement of the migration.
ALTER TABLE ledger_entries
    ADD COLUMN posted_into_closed_period boolean NOT NULL DEFAULT false;
ALTER TABLE ledger_entries DISABLE TRIGGER ledger_entries_immutable;
UPDATE ledger_entries e SET posted_into_closed_period = true
    WHERE e.status = 'posted' AND EXISTS (
        SELECT 1 FROM audit_events a
        WHERE a.action = 'ledger.journal.posted' AND a.entity = 'journal_entry'
          AND a.entity_id = e.id::text AND a.reason LIKE 'posted into closed period %');
ALTER TABLE ledger_entries ENABLE TRIGGER ledger_entries_immutable;

-- Locking a period is for good, so it is four-eyes: one holder of
-- ledger.period.lock asks for it (the period shows who and when), another
-- confirms it. Reopening a closed period drops a request.
ALTER TABLE ledger_periods
    ADD COLUMN lock_requested_by uuid REFERENCES users (id),
    ADD COLUMN lock_requested_at timestamptz,
    ADD COLUMN locked_by uuid REFERENCES users (id),
    ADD COLUMN locked_at timestamptz,
    ADD CONSTRAINT ledger_periods_lock_request_whole CHECK (
        (lock_requested_by IS NULL) = (lock_requested_at IS NULL)),
    -- A request waits on a closed period, and stays on the locked one as its record.
    ADD CONSTRAINT ledger_periods_lock_request_closed CHECK (
        lock_requested_by IS NULL OR status IN ('closed', 'locked'));

-- A locked period never changes again; a period becomes locked only from
-- closed, by a confirmer other than the user who asked for the lock.
CREATE FUNCTION ledger_periods_lock_rules() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'locked' THEN
        RAISE EXCEPTION 'period % is locked for good', to_char(OLD.starts_on, 'YYYY-MM')
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.status = 'locked' AND NOT (
            OLD.status = 'closed'
            AND OLD.lock_requested_by IS NOT NULL
            AND NEW.lock_requested_by = OLD.lock_requested_by
            AND NEW.locked_by IS NOT NULL
            AND NEW.locked_by <> OLD.lock_requested_by) THEN
        RAISE EXCEPTION 'period % is locked only when another user confirms a request to lock it',
            to_char(OLD.starts_on, 'YYYY-MM')
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER ledger_periods_lock_rules BEFORE UPDATE ON ledger_periods
    FOR EACH ROW EXECUTE FUNCTION ledger_periods_lock_rules();

-- --- what the application's own login cannot do either -----------------------------------------
-- (server/test/e2e/attack/database_app_test.c tries each one as an erp_app login.)

-- Lines of a posted entry never change, appear or disappear, and no line moves
-- into a posted entry. The lines of a draft change only in a transaction that
-- also changed the draft itself (its version is bumped there), so a reviewed
-- version cannot be altered under the reviewer's If-Match. Stamping the lines
-- when the entry is posted (posted_on, posting_no) changes nothing else.
CREATE OR REPLACE FUNCTION ledger_reject_posted_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    entry record;
BEGIN
    IF TG_TABLE_NAME = 'ledger_entries' THEN
        IF OLD.status = 'posted' THEN
            RAISE EXCEPTION 'journal entry % is posted and cannot change', OLD.number
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        SELECT status, xmin INTO entry FROM ledger_entries WHERE id = OLD.entry_id;
        IF entry.status = 'posted' THEN
            RAISE EXCEPTION 'lines of a posted journal entry cannot change'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF TG_OP = 'UPDATE' AND (NEW.entry_id, NEW.line_no, NEW.company_id, NEW.account_id,
                                 NEW.debit_minor, NEW.credit_minor, NEW.description)
                      IS NOT DISTINCT FROM (OLD.entry_id, OLD.line_no, OLD.company_id,
                                 OLD.account_id, OLD.debit_minor, OLD.credit_minor,
                                 OLD.description) THEN
            RETURN NEW; -- stamped for the reports as the entry is posted
        END IF;
        -- A draft being deleted (its lines go with it) is no longer visible here.
        IF FOUND AND entry.xmin::text <> pg_current_xact_id()::xid::text THEN
            RAISE EXCEPTION 'lines of a draft change only with the draft (its version)'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        SELECT status, xmin INTO entry FROM ledger_entries WHERE id = NEW.entry_id;
        IF entry.status = 'posted' THEN
            RAISE EXCEPTION 'no line is added to a posted journal entry'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF entry.xmin::text <> pg_current_xact_id()::xid::text THEN
            RAISE EXCEPTION 'lines of a draft change only with the draft (its version)'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$;
DROP TRIGGER ledger_lines_immutable ON ledger_lines;
CREATE TRIGGER ledger_lines_immutable BEFORE INSERT OR UPDATE OR DELETE ON ledger_lines
    FOR EACH ROW EXECUTE FUNCTION ledger_reject_posted_change();

-- Four-eyes also below the server: an entry written by hand is posted by
-- someone other than its author, unless the company lets authors post their
-- own. (A reversal is posted by whoever made it, after the server checked its
-- original's authors; a module's posting is approved by its document.)
CREATE FUNCTION ledger_entries_four_eyes() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status = 'posted' AND OLD.status = 'draft' AND NEW.source = 'manual'
       AND NEW.reverses_id IS NULL AND NEW.posted_by = NEW.author_id
       AND NOT coalesce((SELECT self_posting FROM ledger_settings
                          WHERE company_id = NEW.company_id), false) THEN
        RAISE EXCEPTION 'four-eyes: journal entry % is posted by someone other than its author',
            NEW.id USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER ledger_entries_four_eyes BEFORE UPDATE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION ledger_entries_four_eyes();

-- Periods keep their bounds, never overlap, and only an open period is ever
-- deleted: a locked month cannot be dropped and made again, nor swallowed by a
-- neighbour stretched over it.
CREATE FUNCTION ledger_periods_shape() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'open' THEN
            RAISE EXCEPTION 'period % is %: only an open period is deleted',
                to_char(OLD.starts_on, 'YYYY-MM'), OLD.status
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN OLD;
    END IF;
    IF TG_OP = 'UPDATE' AND (NEW.company_id, NEW.fiscal_year, NEW.number, NEW.starts_on, NEW.ends_on)
            IS DISTINCT FROM (OLD.company_id, OLD.fiscal_year, OLD.number, OLD.starts_on, OLD.ends_on) THEN
        RAISE EXCEPTION 'period % keeps its bounds', to_char(OLD.starts_on, 'YYYY-MM')
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'INSERT' THEN
        -- The same lock the server takes to create a fiscal year, so two inserts queue.
        PERFORM pg_advisory_xact_lock(hashtextextended('ledger_periods:' || NEW.company_id::text, 7));
        IF EXISTS (SELECT 1 FROM ledger_periods p WHERE p.company_id = NEW.company_id
                      AND p.starts_on <= NEW.ends_on AND p.ends_on >= NEW.starts_on) THEN
            RAISE EXCEPTION 'period % overlaps another period of the company',
                to_char(NEW.starts_on, 'YYYY-MM') USING ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER ledger_periods_shape BEFORE INSERT OR UPDATE OR DELETE ON ledger_periods
    FOR EACH ROW EXECUTE FUNCTION ledger_periods_shape();
