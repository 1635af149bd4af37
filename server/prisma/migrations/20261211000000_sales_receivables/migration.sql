-- Receivables (server/src/modules/sales): customer payments, allocations
-- of open items against one another, and the reversal of a payment. Only
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

-- --- what the database holds, whoever writes --------------------------------------------

-- An invoice's status from its facts: draft until posted; paid once nothing
-- is left of it; overdue while something is left past its due date on the
-- day asked; partially_paid while some of it is allocated; open otherwise.
-- residual is NULL for a draft (no open item yet). It replaces the rule
-- without allocations, which nothing calls any more.
DROP FUNCTION sales_invoice_status(boolean, date, date);
CREATE FUNCTION sales_invoice_status(posted boolean, due_date date, as_of date, amount bigint,
                                     residual bigint) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN NOT posted THEN 'draft'
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
REVOKE ALL ON sales.sales_payments, sales.sales_allocations FROM erp_app;
GRANT SELECT, INSERT ON sales.sales_payments, sales.sales_allocations TO erp_app;
GRANT UPDATE (reversed_at, reversed_by, reversal_date, reversal_reason, reversal_entry_id, version)
    ON sales.sales_payments TO erp_app;
GRANT UPDATE (undone_at, undone_by) ON sales.sales_allocations TO erp_app;
