-- Posted entries sealed after they commit (docs/architecture.md, "The
-- chain and the balances, sealed after commit"). A posting no longer takes
-- its company's chain head nor adds to the balances: it commits with its
-- number, as before the chain, and the server's sealer then links the
-- company's newly committed entries into the chain, in one order, and adds
-- their lines to the balances, in one transaction per batch. Until then an
-- entry is posted but not sealed (chain_seq NULL), and every reader of the
-- balances adds the lines of those entries (ledger_unsealed_lines()), so
-- the reports are exact at every moment.

-- A posted entry may wait for its seal; an unposted one never has one.
ALTER TABLE ledger.ledger_entries DROP CONSTRAINT ledger_entries_chained;
ALTER TABLE ledger.ledger_entries ADD CONSTRAINT ledger_entries_chained CHECK (
    (chain_seq IS NULL OR status = 'posted')
    AND (chain_seq IS NULL) = (entry_hash IS NULL)
    AND (prev_hash IS NULL) = (chain_seq IS NULL OR chain_seq = 1));

-- What the sealer and the readers look for: tiny, since entries leave it
-- within moments of their commit.
CREATE INDEX ledger_entries_unsealed ON ledger.ledger_entries (company_id, posted_at, id)
    WHERE status = 'posted' AND chain_seq IS NULL;

-- A posted entry still never changes, but for its seal: once, from none,
-- the chain fields alone.
CREATE OR REPLACE FUNCTION public.ledger_reject_posted_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    entry record;
    sealed ledger.ledger_entries%ROWTYPE;
BEGIN
    IF TG_TABLE_NAME = 'ledger_entries' THEN
        IF OLD.status = 'posted' THEN
            IF TG_OP = 'UPDATE' AND OLD.chain_seq IS NULL AND NEW.chain_seq IS NOT NULL THEN
                -- The new row with the old seal must be the old row: every column
                -- but the seal's, those added later included, unchanged.
                sealed := NEW;
                sealed.chain_seq := NULL;
                sealed.prev_hash := OLD.prev_hash;
                sealed.entry_hash := OLD.entry_hash;
                IF sealed IS NOT DISTINCT FROM OLD THEN
                    RETURN NEW;
                END IF;
            END IF;
            RAISE EXCEPTION 'journal entry % is posted and cannot change', OLD.number
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        SELECT status, xmin INTO entry FROM ledger.ledger_entries WHERE id = OLD.entry_id;
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
        SELECT status, xmin INTO entry FROM ledger.ledger_entries WHERE id = NEW.entry_id;
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

-- The head moves forward by the entries a seal links, and always names
-- the last of them with its hash.
CREATE OR REPLACE FUNCTION ledger.ledger_chain_head_forward() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR NEW.company_id <> OLD.company_id
       OR NEW.last_seq < OLD.last_seq
       OR (NEW.last_seq = OLD.last_seq AND (NEW.last_hash, NEW.last_entry_id)
               IS DISTINCT FROM (OLD.last_hash, OLD.last_entry_id))
       OR (NEW.last_seq > OLD.last_seq AND NOT EXISTS (
               SELECT FROM ledger.ledger_entries e
                WHERE e.id = NEW.last_entry_id AND e.company_id = NEW.company_id
                  AND e.chain_seq = NEW.last_seq AND e.entry_hash = NEW.last_hash)) THEN
        RAISE EXCEPTION 'the ledger chain of company % only grows, to its last sealed entry',
            OLD.company_id USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$;

-- The lines of company's posted entries not sealed yet: what the balances
-- do not hold yet, and every reader of the balances adds. The entries are
-- collected first (an array, from the partial index) and their lines then
-- looked up by entry: the planner's estimate of "posted and not sealed"
-- multiplies the share of posted entries by the share without a seal,
-- which drafts make large, and with a join it would read every line of the
-- company instead of the few it needs.
CREATE FUNCTION ledger.ledger_unsealed_lines(company uuid)
RETURNS TABLE (account_id uuid, posted_on date, posting_no bigint, debit_minor bigint,
               credit_minor bigint)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT l.account_id, l.posted_on, l.posting_no, l.debit_minor, l.credit_minor
      FROM ledger.ledger_lines l
     WHERE l.entry_id = ANY (ARRAY(SELECT e.id FROM ledger.ledger_entries e
                                    WHERE e.company_id = company AND e.status = 'posted'
                                      AND e.chain_seq IS NULL))
$$;

-- As before (20261213000000_ledger_balances), plus the unsealed lines.
CREATE OR REPLACE FUNCTION ledger.ledger_balance_sums(company uuid, lo date, hi date)
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
               AND d.starts_on >= r.after_months AND d.starts_on >= r.first_month
            UNION ALL
            SELECT u.account_id, u.debit_minor, u.credit_minor
              FROM ledger.ledger_unsealed_lines(company) u, r
             WHERE u.posted_on >= r.lo AND u.posted_on <= r.hi) b
     GROUP BY b.account_id
$$;
