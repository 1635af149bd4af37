-- Tamper-evident posted entries (docs/controls.md, "The ledger's hash chain").
-- Every posted entry of a company gets its place in the company's chain
-- (chain_seq 1, 2, ...), the hash of the entry before it (prev_hash) and its
-- own hash (entry_hash): SHA-256 over the canonical form of its number, date,
-- source, memo, reference, author, poster, lines (account, currency,
-- amounts, description) and prev_hash, defined in
-- server/src/modules/ledger/chain_form.h. The server computes it as it posts
-- (posting.c, with libsodium); `erp-server audit verify-ledger` recomputes
-- it from the stored rows and names the first entry that no longer matches.
--
-- One head row per company (ledger_chain_heads) is taken FOR UPDATE by
-- every posting of the company, before its number, so the chain has one
-- order per company and no two entries claim the same predecessor.
ALTER TABLE ledger.ledger_entries
    ADD COLUMN chain_seq  bigint CHECK (chain_seq >= 1),
    ADD COLUMN prev_hash  text CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
    ADD COLUMN entry_hash text CHECK (entry_hash ~ '^[0-9a-f]{64}$'),
    ADD CONSTRAINT ledger_entries_chain_position UNIQUE (company_id, chain_seq);

CREATE TABLE ledger.ledger_chain_heads (
    company_id    uuid PRIMARY KEY REFERENCES iam.companies (id),
    last_seq      bigint NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
    last_hash     text CHECK (last_hash ~ '^[0-9a-f]{64}$'),
    last_entry_id uuid REFERENCES ledger.ledger_entries (id),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CHECK ((last_seq = 0) = (last_hash IS NULL)),
    CHECK ((last_seq = 0) = (last_entry_id IS NULL))
);

-- A head only moves forward, one entry at a time, and is never deleted.
CREATE FUNCTION ledger.ledger_chain_head_forward() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR NEW.company_id <> OLD.company_id
       OR NEW.last_seq NOT IN (OLD.last_seq, OLD.last_seq + 1)
       OR (NEW.last_seq = OLD.last_seq AND (NEW.last_hash, NEW.last_entry_id)
               IS DISTINCT FROM (OLD.last_hash, OLD.last_entry_id)) THEN
        RAISE EXCEPTION 'the ledger chain of company % only grows, one entry at a time',
            OLD.company_id USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER ledger_chain_heads_forward BEFORE UPDATE OR DELETE ON ledger.ledger_chain_heads
    FOR EACH ROW EXECUTE FUNCTION ledger.ledger_chain_head_forward();
ALTER TABLE ledger.ledger_chain_heads ENABLE ALWAYS TRIGGER ledger_chain_heads_forward;
REVOKE DELETE, TRUNCATE ON ledger.ledger_chain_heads FROM erp_app;

-- What `erp-server audit verify-ledger` found, per company and run: the one
-- thing the verifier writes. Append-only.
CREATE TABLE ledger.ledger_integrity_checks (
    id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    company_id            uuid NOT NULL REFERENCES iam.companies (id),
    checked_at            timestamptz NOT NULL DEFAULT now(),
    intact                boolean NOT NULL,
    entries_checked       bigint NOT NULL CHECK (entries_checked >= 0),
    head_seq              bigint NOT NULL CHECK (head_seq >= 0),
    head_hash             text,
    first_broken_entry_id uuid,
    first_broken_number   text,
    problems              jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(problems) = 'array')
);
CREATE INDEX ledger_integrity_checks_company ON ledger.ledger_integrity_checks (company_id, id DESC);

CREATE FUNCTION ledger.ledger_integrity_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ledger integrity checks are append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER ledger_integrity_checks_append_only
    BEFORE UPDATE OR DELETE ON ledger.ledger_integrity_checks
    FOR EACH ROW EXECUTE FUNCTION ledger.ledger_integrity_append_only();
ALTER TABLE ledger.ledger_integrity_checks ENABLE ALWAYS TRIGGER ledger_integrity_checks_append_only;
REVOKE UPDATE, DELETE, TRUNCATE ON ledger.ledger_integrity_checks FROM erp_app;

-- --- the canonical form in SQL, for the entries posted before this migration ------------------
-- The same bytes as chain_form.c (the tests compare the two on entries the
-- server posted). Kept, not dropped: the tests and an auditor can call it.

-- One field: 0 for NULL, else 1, its length as 8 bytes big-endian, its UTF-8 bytes.
CREATE FUNCTION ledger.ledger_chain_field(value text) RETURNS bytea
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN value IS NULL THEN '\x00'::bytea
                ELSE '\x01'::bytea || int8send(octet_length(convert_to(value, 'UTF8'))::bigint)
                     || convert_to(value, 'UTF8') END
$$;

-- The hash of an entry of company p_company whose lines are those of entry
-- p_entry, with the head fields given (a posting passes what it is about to
-- write: its place p_seq, its number, its poster, the hash p_prev before it).
CREATE FUNCTION ledger.ledger_chain_hash_form(p_company uuid, p_seq bigint, p_number text,
        p_date date, p_source text, p_memo text, p_reference text, p_author uuid, p_poster uuid,
        p_entry uuid, p_prev text) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT encode(sha256(
        convert_to('erp-ledger-chain-v1', 'UTF8')
        || int4send((11 + 6 * l.n)::integer)
        || ledger.ledger_chain_field(p_company::text)
        || ledger.ledger_chain_field(p_seq::text)
        || ledger.ledger_chain_field(p_number)
        || ledger.ledger_chain_field(to_char(p_date, 'YYYY-MM-DD'))
        || ledger.ledger_chain_field(p_source)
        || ledger.ledger_chain_field(p_memo)
        || ledger.ledger_chain_field(p_reference)
        || ledger.ledger_chain_field(p_author::text)
        || ledger.ledger_chain_field(p_poster::text)
        || ledger.ledger_chain_field(l.n::text)
        || coalesce(l.form, '\x'::bytea)
        || ledger.ledger_chain_field(p_prev)), 'hex')
      FROM (SELECT count(*) AS n, string_agg(
                   ledger.ledger_chain_field(x.line_no::text)
                   || ledger.ledger_chain_field(a.code)
                   || ledger.ledger_chain_field(a.currency::text)
                   || ledger.ledger_chain_field(x.debit_minor::text)
                   || ledger.ledger_chain_field(x.credit_minor::text)
                   || ledger.ledger_chain_field(x.description), '\x'::bytea ORDER BY x.line_no) AS form
              FROM ledger.ledger_lines x JOIN ledger.ledger_accounts a ON a.id = x.account_id
             WHERE x.entry_id = p_entry) l
$$;

-- The hash posted entry p_entry should have, from what is stored now.
CREATE FUNCTION ledger.ledger_chain_hash_of(p_entry uuid) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT ledger.ledger_chain_hash_form(e.company_id, e.chain_seq, e.number, e.entry_date,
               e.source, e.memo, e.reference, e.author_id, e.posted_by, e.id, e.prev_hash)
      FROM ledger.ledger_entries e WHERE e.id = p_entry
$$;

-- Entries posted before this migration join their company's chain in the
-- order they were posted (posted_at, then number). Posted entries are
-- otherwise immutable: the trigger that guards them steps aside for this
-- one statement of the migration, as it did for posted_into_closed_period.
CREATE FUNCTION ledger.ledger_chain_backfill() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    entry record;
    company uuid := NULL;
    seq bigint;
    prev text;
BEGIN
    FOR entry IN SELECT id, company_id FROM ledger.ledger_entries
                  WHERE status = 'posted' ORDER BY company_id, posted_at, number LOOP
        IF company IS DISTINCT FROM entry.company_id THEN
            IF company IS NOT NULL THEN
                INSERT INTO ledger.ledger_chain_heads (company_id, last_seq, last_hash, last_entry_id)
                     SELECT company, seq, prev, (SELECT id FROM ledger.ledger_entries
                                                  WHERE company_id = company AND chain_seq = seq);
            END IF;
            company := entry.company_id;
            seq := 0;
            prev := NULL;
        END IF;
        seq := seq + 1;
        UPDATE ledger.ledger_entries
           SET chain_seq = seq, prev_hash = prev,
               entry_hash = ledger.ledger_chain_hash_form(company_id, seq, number, entry_date,
                   source, memo, reference, author_id, posted_by, id, prev)
         WHERE id = entry.id
        RETURNING entry_hash INTO prev;
    END LOOP;
    IF company IS NOT NULL THEN
        INSERT INTO ledger.ledger_chain_heads (company_id, last_seq, last_hash, last_entry_id)
             SELECT company, seq, prev, (SELECT id FROM ledger.ledger_entries
                                          WHERE company_id = company AND chain_seq = seq);
    END IF;
END;
$$;

ALTER TABLE ledger.ledger_entries DISABLE TRIGGER ledger_entries_immutable;
SELECT ledger.ledger_chain_backfill();
ALTER TABLE ledger.ledger_entries ENABLE TRIGGER ledger_entries_immutable;
DROP FUNCTION ledger.ledger_chain_backfill();

-- From now on a posted entry is always in its company's chain.
ALTER TABLE ledger.ledger_entries ADD CONSTRAINT ledger_entries_chained CHECK (
    (status = 'posted') = (chain_seq IS NOT NULL AND entry_hash IS NOT NULL)
    AND (prev_hash IS NULL) = (chain_seq IS NULL OR chain_seq = 1));
