-- The general ledger (server/src/modules/ledger): chart of accounts, fiscal
-- periods, journal entries and their lines, gapless numbering, and the
-- idempotency records every money-moving POST shares (platform/idempotency.c).
--
-- Amounts are integer minor units (bigint) in the line's currency; the
-- currency's exponent is stored with the account, so PostgreSQL renders the
-- exact decimal text (erp_minor_text) and sums stay integer arithmetic.

-- Minor units as decimal text with exactly `exponent` decimals: 12345, 2 -> '123.45'.
CREATE FUNCTION erp_minor_text(minor numeric, exponent integer) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT round(minor / power(10::numeric, exponent), exponent)::text
$$;

CREATE TABLE ledger_settings (
    company_id         uuid PRIMARY KEY REFERENCES companies (id),
    -- Four-eyes: false (the default) means the author of an entry may not post it.
    self_posting       boolean NOT NULL DEFAULT false,
    version            integer NOT NULL DEFAULT 1,
    updated_at         timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE ledger_accounts (
    id         uuid PRIMARY KEY,
    company_id uuid NOT NULL REFERENCES companies (id),
    code       text NOT NULL CHECK (code ~ '^[0-9A-Za-z][0-9A-Za-z._-]{0,19}$'),
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    type       text NOT NULL CHECK (type IN ('asset', 'liability', 'equity', 'revenue', 'expense')),
    parent_id  uuid REFERENCES ledger_accounts (id),
    currency   char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    exponent   smallint NOT NULL CHECK (exponent BETWEEN 0 AND 4),
    active     boolean NOT NULL DEFAULT true,
    version    integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (company_id, code),
    CHECK (parent_id IS DISTINCT FROM id)
);
CREATE INDEX ledger_accounts_parent ON ledger_accounts (parent_id);

CREATE TABLE ledger_periods (
    id          uuid PRIMARY KEY,
    company_id  uuid NOT NULL REFERENCES companies (id),
    fiscal_year integer NOT NULL CHECK (fiscal_year BETWEEN 1900 AND 9999),
    number      smallint NOT NULL CHECK (number BETWEEN 1 AND 12),
    starts_on   date NOT NULL,
    ends_on     date NOT NULL,
    status      text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed', 'locked')),
    version     integer NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (company_id, fiscal_year, number),
    UNIQUE (company_id, starts_on),
    CHECK (ends_on >= starts_on)
);

CREATE TABLE ledger_entries (
    id          uuid PRIMARY KEY,
    company_id  uuid NOT NULL REFERENCES companies (id),
    status      text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'posted')),
    entry_date  date NOT NULL,
    memo        text NOT NULL CHECK (length(memo) BETWEEN 1 AND 500),
    reference   text CHECK (length(reference) <= 100),
    source      text NOT NULL DEFAULT 'manual' CHECK (source ~ '^[a-z][a-z0-9._-]{0,39}$'),
    author_id   uuid REFERENCES users (id),
    -- Set when posted: the gapless number per company and fiscal year.
    fiscal_year integer,
    sequence    integer,
    number      text,
    posted_by   uuid REFERENCES users (id),
    posted_at   timestamptz,
    reverses_id uuid UNIQUE REFERENCES ledger_entries (id),
    version     integer NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (company_id, number),
    UNIQUE (company_id, fiscal_year, sequence),
    CHECK ((status = 'posted') = (number IS NOT NULL AND posted_at IS NOT NULL))
);
CREATE INDEX ledger_entries_company_date ON ledger_entries (company_id, entry_date, id);

CREATE TABLE ledger_lines (
    entry_id     uuid NOT NULL REFERENCES ledger_entries (id) ON DELETE CASCADE,
    line_no      smallint NOT NULL CHECK (line_no BETWEEN 1 AND 500),
    company_id   uuid NOT NULL REFERENCES companies (id),
    account_id   uuid NOT NULL REFERENCES ledger_accounts (id),
    debit_minor  bigint NOT NULL DEFAULT 0 CHECK (debit_minor >= 0),
    credit_minor bigint NOT NULL DEFAULT 0 CHECK (credit_minor >= 0),
    description  text CHECK (length(description) <= 500),
    -- Copied from the entry when it is posted (NULL while draft), so reports
    -- read one table: the trial balance is an index-only scan of it.
    posted_on    date,
    posting_no   bigint,
    PRIMARY KEY (entry_id, line_no),
    CHECK ((debit_minor > 0) <> (credit_minor > 0))
);
CREATE SEQUENCE ledger_posting_no AS bigint;
CREATE INDEX ledger_lines_balance ON ledger_lines (company_id, posted_on, account_id)
    INCLUDE (debit_minor, credit_minor) WHERE posted_on IS NOT NULL;
CREATE INDEX ledger_lines_account ON ledger_lines (account_id, posted_on, posting_no)
    WHERE posted_on IS NOT NULL;

-- One row per company and fiscal year: the last number given. Posting
-- increments it in the posting transaction, so a rolled-back posting gives
-- its number back and the sequence has no gaps.
CREATE TABLE ledger_numbering (
    company_id  uuid NOT NULL REFERENCES companies (id),
    fiscal_year integer NOT NULL,
    last_number integer NOT NULL,
    PRIMARY KEY (company_id, fiscal_year)
);

-- Posted entries and their lines are immutable: the only correction is a
-- reversal. The database refuses the change even if the code has a bug.
CREATE FUNCTION ledger_reject_posted_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'ledger_entries' THEN
        IF OLD.status = 'posted' THEN
            RAISE EXCEPTION 'journal entry % is posted and cannot change', OLD.number
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    ELSIF EXISTS (SELECT 1 FROM ledger_entries WHERE id = OLD.entry_id AND status = 'posted') THEN
        RAISE EXCEPTION 'lines of a posted journal entry cannot change'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER ledger_entries_immutable BEFORE UPDATE OR DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION ledger_reject_posted_change();
CREATE TRIGGER ledger_lines_immutable BEFORE UPDATE OR DELETE ON ledger_lines
    FOR EACH ROW EXECUTE FUNCTION ledger_reject_posted_change();

-- Idempotency-Key records (ARCHITECTURE.md §4): the first response to a key,
-- replayed when the same caller repeats the same request.
CREATE TABLE idempotency_keys (
    user_id      uuid NOT NULL REFERENCES users (id),
    key          text NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
    request_hash bytea NOT NULL,
    status       integer NOT NULL,
    response     text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, key)
);

-- Tables get erp_app privileges from the default privileges set in the IAM migration.
GRANT USAGE ON SEQUENCE ledger_posting_no TO erp_app;
