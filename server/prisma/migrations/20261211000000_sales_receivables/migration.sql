-- Receivables (server/src/modules/sales): customer payments, allocations
-- of open items against one another, the reversal of a payment, and
-- credit notes (draft -> posted, the only correction of a posted invoice). Only
-- the module's own tables, in its own schema; the bank account is the
-- ledger's (ledger_account_directory.id), the customer partners' (by id).
--
-- A payment is a fact, not a draft: it is written posted, with its number
-- and its ledger entry, and never changes but to be reversed once. Its open
-- item owes the customer (negative). An allocation sets a credit item (a
-- payment, later a credit note) against a debit item (an invoice, or the
-- payment's own reversal) for an amount, and moves both residuals towards
-- zero; it never touches a ledger line. An allocation is undone, never
-- deleted: its record stays with who undid it and when.
SELECT platform_module_schema('sales');

-- --- customer payments ---------------------------------------------------------------
CREATE TABLE sales.sales_payments (
    id                uuid PRIMARY KEY,
    company_id        uuid NOT NULL REFERENCES iam.companies (id),
    partner_id        uuid NOT NULL,
    partner_code      text NOT NULL,
    payment_date      date NOT NULL,
    currency          char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    exponent          smallint NOT NULL CHECK (exponent BETWEEN 0 AND 4),
    amount_minor      bigint NOT NULL CHECK (amount_minor > 0),
    -- The ledger asset account the money came into.
    bank_account_id   uuid NOT NULL,
    -- The customer's receivable account it was credited to (its reversal
    -- debits the same one, whatever the customer's account is by then).
    receivable_account_id uuid NOT NULL,
    reference         text CHECK (length(reference) BETWEEN 1 AND 100),
    fiscal_year       integer NOT NULL CHECK (fiscal_year BETWEEN 1900 AND 9999),
    sequence          integer NOT NULL CHECK (sequence >= 1),
    number            text NOT NULL,
    ledger_entry_id   uuid NOT NULL,
    posted_by         uuid NOT NULL REFERENCES iam.users (id),
    posted_at         timestamptz NOT NULL DEFAULT now(),
    -- Set together, once, by the reversal: its mirror entry and its reason.
    reversed_at       timestamptz,
    reversed_by       uuid REFERENCES iam.users (id),
    reversal_date     date,
    reversal_reason   text CHECK (length(reversal_reason) BETWEEN 1 AND 500),
    reversal_entry_id uuid,
    version           integer NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at        timestamptz NOT NULL DEFAULT now(),
    UNIQUE (company_id, number),
    UNIQUE (company_id, fiscal_year, sequence),
    CHECK ((reversed_at IS NULL) = (reversed_by IS NULL)
       AND (reversed_at IS NULL) = (reversal_date IS NULL)
       AND (reversed_at IS NULL) = (reversal_reason IS NULL)
       AND (reversed_at IS NULL) = (reversal_entry_id IS NULL)),
    CHECK (reversal_date IS NULL OR reversal_date >= payment_date),
    CHECK (number = 'PAY-' || fiscal_year || '-' || lpad(sequence::text, greatest(6, length(sequence::text)), '0'))
);
CREATE INDEX sales_payments_company_date ON sales.sales_payments (company_id, payment_date, id);
CREATE INDEX sales_payments_partner ON sales.sales_payments (company_id, partner_code, payment_date);

-- A payment's reversal is an open item of its own (owing the company back
-- what the payment paid), allocated against the payment at once.
ALTER TABLE sales.sales_open_items DROP CONSTRAINT sales_open_items_document_type_check;
ALTER TABLE sales.sales_open_items ADD CONSTRAINT sales_open_items_document_type_check
    CHECK (document_type IN ('invoice', 'credit_note', 'payment', 'payment_reversal'));
-- The open items of a customer, oldest due first: what "auto" allocates to.
CREATE INDEX sales_open_items_due ON sales.sales_open_items (company_id, partner_id, due_date, document_date, number)
    WHERE residual_minor > 0;

-- --- allocations -----------------------------------------------------------------------
CREATE TABLE sales.sales_allocations (
    id              uuid PRIMARY KEY,
    company_id      uuid NOT NULL REFERENCES iam.companies (id),
    partner_id      uuid NOT NULL,
    -- What pays (a payment's or credit note's item, negative) and what is
    -- paid (an invoice's or a reversal's item, positive).
    credit_item_id  uuid NOT NULL REFERENCES sales.sales_open_items (id),
    debit_item_id   uuid NOT NULL REFERENCES sales.sales_open_items (id),
    amount_minor    bigint NOT NULL CHECK (amount_minor > 0),
    -- The later of the two documents' dates: the day both existed.
    allocation_date date NOT NULL,
    created_by      uuid NOT NULL REFERENCES iam.users (id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    undone_at       timestamptz,
    undone_by       uuid REFERENCES iam.users (id),
    CHECK (credit_item_id <> debit_item_id),
    CHECK ((undone_at IS NULL) = (undone_by IS NULL))
);
CREATE INDEX sales_allocations_credit ON sales.sales_allocations (credit_item_id) WHERE undone_at IS NULL;
CREATE INDEX sales_allocations_debit ON sales.sales_allocations (debit_item_id) WHERE undone_at IS NULL;

-- --- credit notes --------------------------------------------------------------------------
-- A correction of one posted invoice, for all of it or chosen lines and
-- quantities; written as a draft, posted by someone else (four-eyes) with
-- its own gapless number (CN-2026-000001) and the mirror of the invoice's
-- entry. Never more than was invoiced, across all of an invoice's posted
-- credit notes: each line's quantity and net, each tax code's base and tax
-- (checked when posting, under the customer's lock).
CREATE TABLE sales.sales_credit_notes (
    id              uuid PRIMARY KEY,
    company_id      uuid NOT NULL REFERENCES iam.companies (id),
    invoice_id      uuid NOT NULL REFERENCES sales.sales_invoices (id),
    partner_id      uuid NOT NULL,
    partner_code    text NOT NULL,
    note_date       date NOT NULL,
    reason          text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
    currency        char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    exponent        smallint NOT NULL CHECK (exponent BETWEEN 0 AND 4),
    net_minor       bigint NOT NULL CHECK (net_minor >= 0),
    tax_minor       bigint NOT NULL CHECK (tax_minor >= 0),
    total_minor     bigint NOT NULL CHECK (total_minor > 0),
    author_id       uuid NOT NULL REFERENCES iam.users (id),
    fiscal_year     integer CHECK (fiscal_year BETWEEN 1900 AND 9999),
    sequence        integer CHECK (sequence >= 1),
    number          text,
    posted_by       uuid REFERENCES iam.users (id),
    posted_at       timestamptz,
    ledger_entry_id uuid,
    version         integer NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (company_id, number),
    UNIQUE (company_id, fiscal_year, sequence),
    CHECK (total_minor = net_minor + tax_minor),
    CHECK ((posted_at IS NULL) = (number IS NULL)
       AND (posted_at IS NULL) = (posted_by IS NULL)
       AND (posted_at IS NULL) = (ledger_entry_id IS NULL)
       AND (posted_at IS NULL) = (fiscal_year IS NULL)
       AND (posted_at IS NULL) = (sequence IS NULL)),
    -- Four-eyes, held by the database too.
    CHECK (posted_by IS NULL OR posted_by <> author_id),
    CHECK (number = 'CN-' || fiscal_year || '-' || lpad(sequence::text, greatest(6, length(sequence::text)), '0'))
);
CREATE INDEX sales_credit_notes_company_date ON sales.sales_credit_notes (company_id, note_date, id);
CREATE INDEX sales_credit_notes_invoice ON sales.sales_credit_notes (invoice_id);

-- The invoice lines a credit note takes back: how much of each, and its net
-- (the rest of the line's net when it takes all that is left of it).
CREATE TABLE sales.sales_credit_note_lines (
    credit_note_id uuid NOT NULL REFERENCES sales.sales_credit_notes (id) ON DELETE CASCADE,
    line           smallint NOT NULL CHECK (line BETWEEN 1 AND 200),
    quantity_e4    bigint NOT NULL CHECK (quantity_e4 > 0),
    net_minor      bigint NOT NULL CHECK (net_minor >= 0),
    PRIMARY KEY (credit_note_id, line)
);

CREATE TABLE sales.sales_credit_note_taxes (
    credit_note_id uuid NOT NULL REFERENCES sales.sales_credit_notes (id) ON DELETE CASCADE,
    tax_code_id    uuid NOT NULL REFERENCES sales.sales_tax_codes (id),
    rate_e4        integer NOT NULL CHECK (rate_e4 BETWEEN 0 AND 1000000),
    base_minor     bigint NOT NULL CHECK (base_minor >= 0),
    tax_minor      bigint NOT NULL CHECK (tax_minor >= 0),
    PRIMARY KEY (credit_note_id, tax_code_id)
);

-- Posted credit notes are immutable, with their lines and taxes.
CREATE FUNCTION sales_reject_posted_credit_note_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    note uuid;
BEGIN
    IF TG_TABLE_NAME = 'sales_credit_notes' THEN
        IF OLD.posted_at IS NOT NULL THEN
            RAISE EXCEPTION 'credit note % is posted and cannot change', OLD.number
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    ELSE
        note := CASE WHEN TG_OP = 'INSERT' THEN NEW.credit_note_id ELSE OLD.credit_note_id END;
        IF EXISTS (SELECT 1 FROM sales.sales_credit_notes c
                    WHERE c.id = note AND c.posted_at IS NOT NULL) THEN
            RAISE EXCEPTION 'the lines and taxes of a posted credit note cannot change'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER sales_credit_notes_immutable BEFORE UPDATE OR DELETE ON sales.sales_credit_notes
    FOR EACH ROW EXECUTE FUNCTION sales_reject_posted_credit_note_change();
CREATE TRIGGER sales_credit_note_lines_immutable BEFORE INSERT OR UPDATE OR DELETE
    ON sales.sales_credit_note_lines FOR EACH ROW EXECUTE FUNCTION sales_reject_posted_credit_note_change();
CREATE TRIGGER sales_credit_note_taxes_immutable BEFORE INSERT OR UPDATE OR DELETE
    ON sales.sales_credit_note_taxes FOR EACH ROW EXECUTE FUNCTION sales_reject_posted_credit_note_change();
ALTER TABLE sales.sales_credit_notes ENABLE ALWAYS TRIGGER sales_credit_notes_immutable;
ALTER TABLE sales.sales_credit_note_lines ENABLE ALWAYS TRIGGER sales_credit_note_lines_immutable;
ALTER TABLE sales.sales_credit_note_taxes ENABLE ALWAYS TRIGGER sales_credit_note_taxes_immutable;

-- --- what the database holds, whoever writes --------------------------------------------

-- An invoice's status from its facts: draft until posted; credited once
-- its posted credit notes take back all of it; paid once nothing is left of
-- it; overdue while something is left past its due date on the day asked;
-- partially_paid while some of it is allocated; open otherwise. residual is
-- NULL for a draft (no open item yet), credited the sum of its posted credit
-- notes' totals. It replaces the rule without allocations, which nothing
-- calls any more.
DROP FUNCTION sales_invoice_status(boolean, date, date);
CREATE FUNCTION sales_invoice_status(posted boolean, due_date date, as_of date, amount bigint,
                                     residual bigint, credited bigint) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN NOT posted THEN 'draft'
                WHEN credited >= amount THEN 'credited'
                WHEN residual = 0 THEN 'paid'
                WHEN due_date < as_of THEN 'overdue'
                WHEN residual < amount THEN 'partially_paid'
                ELSE 'open' END
$$;

-- A payment is written once; afterwards only its reversal is set (once)
-- and its version moves (allocations change what is left of it). Never
-- deleted.
CREATE FUNCTION sales_reject_payment_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'customer payments are never deleted: reverse them'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF (NEW.id, NEW.company_id, NEW.partner_id, NEW.partner_code, NEW.payment_date, NEW.currency,
        NEW.exponent, NEW.amount_minor, NEW.bank_account_id, NEW.receivable_account_id, NEW.reference, NEW.fiscal_year,
        NEW.sequence, NEW.number, NEW.ledger_entry_id, NEW.posted_by, NEW.posted_at, NEW.created_at)
       IS DISTINCT FROM
       (OLD.id, OLD.company_id, OLD.partner_id, OLD.partner_code, OLD.payment_date, OLD.currency,
        OLD.exponent, OLD.amount_minor, OLD.bank_account_id, OLD.receivable_account_id, OLD.reference, OLD.fiscal_year,
        OLD.sequence, OLD.number, OLD.ledger_entry_id, OLD.posted_by, OLD.posted_at, OLD.created_at)
       OR (OLD.reversed_at IS NOT NULL AND
           (NEW.reversed_at, NEW.reversed_by, NEW.reversal_date, NEW.reversal_reason, NEW.reversal_entry_id)
           IS DISTINCT FROM
           (OLD.reversed_at, OLD.reversed_by, OLD.reversal_date, OLD.reversal_reason, OLD.reversal_entry_id)) THEN
        RAISE EXCEPTION 'customer payment % is posted: only its reversal is recorded', OLD.number
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER sales_payments_fixed BEFORE UPDATE OR DELETE ON sales.sales_payments
    FOR EACH ROW EXECUTE FUNCTION sales_reject_payment_change();
ALTER TABLE sales.sales_payments ENABLE ALWAYS TRIGGER sales_payments_fixed;

-- An allocation is made once and undone at most once; never deleted.
CREATE FUNCTION sales_reject_allocation_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'allocations are never deleted: undo them'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF (NEW.id, NEW.company_id, NEW.partner_id, NEW.credit_item_id, NEW.debit_item_id,
        NEW.amount_minor, NEW.allocation_date, NEW.created_by, NEW.created_at)
       IS DISTINCT FROM
       (OLD.id, OLD.company_id, OLD.partner_id, OLD.credit_item_id, OLD.debit_item_id,
        OLD.amount_minor, OLD.allocation_date, OLD.created_by, OLD.created_at)
       OR OLD.undone_at IS NOT NULL THEN
        RAISE EXCEPTION 'an allocation changes only by being undone, once'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER sales_allocations_fixed BEFORE UPDATE OR DELETE ON sales.sales_allocations
    FOR EACH ROW EXECUTE FUNCTION sales_reject_allocation_change();
ALTER TABLE sales.sales_allocations ENABLE ALWAYS TRIGGER sales_allocations_fixed;

-- --- rights -------------------------------------------------------------------------------
REVOKE ALL ON sales.sales_payments, sales.sales_allocations, sales.sales_credit_notes,
    sales.sales_credit_note_lines, sales.sales_credit_note_taxes FROM erp_app;
GRANT SELECT, INSERT ON sales.sales_payments, sales.sales_allocations TO erp_app;
-- Drafts are deleted by their holders (the triggers keep posted ones).
GRANT SELECT, INSERT, UPDATE, DELETE ON sales.sales_credit_notes, sales.sales_credit_note_lines,
    sales.sales_credit_note_taxes TO erp_app;
GRANT UPDATE (reversed_at, reversed_by, reversal_date, reversal_reason, reversal_entry_id, version)
    ON sales.sales_payments TO erp_app;
GRANT UPDATE (undone_at, undone_by) ON sales.sales_allocations TO erp_app;
