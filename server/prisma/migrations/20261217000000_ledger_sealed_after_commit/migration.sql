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
-- the chain fields alone. Entries get a guard of their own; the lines keep
-- ledger_reject_posted_change() (20261203000100_ledger_controls), whose
-- entries branch no trigger runs any more.
CREATE FUNCTION ledger.ledger_entries_reject_posted_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    sealed ledger.ledger_entries%ROWTYPE;
BEGIN
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
END;
$$;
DROP TRIGGER ledger_entries_immutable ON ledger.ledger_entries;
CREATE TRIGGER ledger_entries_immutable BEFORE UPDATE OR DELETE ON ledger.ledger_entries
    FOR EACH ROW EXECUTE FUNCTION ledger.ledger_entries_reject_posted_change();

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

-- The ids of company's posted entries not sealed yet, from the partial
-- index: what the sealer links next, and whose lines every reader of the
-- balances adds. An array, so that callers look things up by id: the
-- planner's estimate of "posted and not sealed" multiplies the share of
-- posted entries by the share without a seal, which drafts make large, and
-- in a join it would read every entry or line of the company instead of
-- the few it needs.
CREATE FUNCTION ledger.ledger_unsealed_entries(company uuid) RETURNS uuid[]
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT ARRAY(SELECT e.id FROM ledger.ledger_entries e
                  WHERE e.company_id = company AND e.status = 'posted' AND e.chain_seq IS NULL)
$$;

-- Their lines: what the balances do not hold yet.
CREATE FUNCTION ledger.ledger_unsealed_lines(company uuid)
RETURNS TABLE (account_id uuid, posted_on date, posting_no bigint, debit_minor bigint,
               credit_minor bigint)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT l.account_id, l.posted_on, l.posting_no, l.debit_minor, l.credit_minor
      FROM ledger.ledger_lines l
     WHERE l.entry_id = ANY ((SELECT ledger.ledger_unsealed_entries(company))::uuid[]) -- read once
$$;

-- The balances' sums of 20261213000000_ledger_balances, kept as they are
-- under a name that says what they hold, and the readers' function adding
-- the lines not sealed yet. Both STABLE: the tail and the balances are
-- read in the caller's one snapshot, where an entry is either sealed (in
-- the balances) or not (in the tail).
ALTER FUNCTION ledger.ledger_balance_sums(uuid, date, date) RENAME TO ledger_sealed_balance_sums;
CREATE FUNCTION ledger.ledger_balance_sums(company uuid, lo date, hi date)
RETURNS TABLE (account_id uuid, debit_minor numeric, credit_minor numeric)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT b.account_id, sum(b.debit_minor), sum(b.credit_minor)
      FROM (SELECT s.account_id, s.debit_minor, s.credit_minor
              FROM ledger.ledger_sealed_balance_sums(company, lo, hi) s
            UNION ALL
            SELECT u.account_id, u.debit_minor, u.credit_minor
              FROM ledger.ledger_unsealed_lines(company) u
             WHERE u.posted_on >= coalesce(lo, DATE '1000-01-01') AND u.posted_on <= hi) b
     GROUP BY b.account_id
$$;
