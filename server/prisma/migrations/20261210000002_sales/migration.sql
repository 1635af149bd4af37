-- Sales (server/src/modules/sales): tax codes, sales invoices (draft ->
-- posted), the numbering of posted documents and the receivables'
-- open items. Only the module's own tables, in its own schema (make lint
-- checks both); companies and users are IAM's and referenced for integrity.
-- Partners and ledger accounts are referenced by id and read through what
-- their owners export (partners.h, the ledger's views
-- ledger_account_directory and ledger_period_directory), never by a foreign
-- key into their tables.
--
-- Money is bigint minor units with the currency and its exponent beside it
-- (erp_minor_text() renders exact text); quantities, rates and discounts
-- are integers in units of 10^-4 ("7.5" is 75000). The server computes every
-- amount (modules/sales/amounts.c); the database holds the sums together
-- when an invoice is posted and refuses any change once it is.
SELECT platform_module_schema('sales');

-- --- tax codes ---------------------------------------------------------------------
CREATE TABLE sales.sales_tax_codes (
    id                uuid PRIMARY KEY,
    company_id        uuid NOT NULL REFERENCES iam.companies (id),
    code              text NOT NULL CHECK (code ~ '^[0-9A-Za-z][0-9A-Za-z._-]{0,19}$'),
    name              text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    -- A percent in units of 10^-4: 20% is 200000, 7.5% is 75000. Tax is exclusive.
    rate_e4           integer NOT NULL CHECK (rate_e4 BETWEEN 0 AND 1000000),
    -- Ledger accounts (ledger_account_directory.id): output tax a liability,
    -- input tax (purchases) an asset, or none.
    output_account_id uuid NOT NULL,
    input_account_id  uuid,
    active            boolean NOT NULL DEFAULT true,
    version           integer NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    UNIQUE (company_id, code)
);
-- VAT20 and vat20 would be one code in two spellings.
CREATE UNIQUE INDEX sales_tax_codes_code_folded ON sales.sales_tax_codes (company_id, lower(code));

-- --- sales invoices ----------------------------------------------------------------
CREATE TABLE sales.sales_invoices (
    id              uuid PRIMARY KEY,
    company_id      uuid NOT NULL REFERENCES iam.companies (id),
    -- The customer: partners' id, and its code (fixed once made) to show and filter by.
    partner_id      uuid NOT NULL,
    partner_code    text NOT NULL,
    invoice_date    date NOT NULL,
    due_date        date NOT NULL,
    reference       text CHECK (length(reference) BETWEEN 1 AND 100),
    currency        char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    exponent        smallint NOT NULL CHECK (exponent BETWEEN 0 AND 4),
    -- Computed by the server from the lines: net = sum of the lines' nets,
    -- tax = sum of the tax codes' taxes (sales_invoice_taxes).
    net_minor       bigint NOT NULL CHECK (net_minor >= 0),
    tax_minor       bigint NOT NULL CHECK (tax_minor >= 0),
    total_minor     bigint NOT NULL,
    author_id       uuid NOT NULL REFERENCES iam.users (id),
    -- Set together when posted: the gapless number per company and fiscal
    -- year (sales_numbering), the poster, the ledger entry posted with it.
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
    CHECK (due_date >= invoice_date),
    CHECK (total_minor = net_minor + tax_minor),
    CHECK ((posted_at IS NULL) = (number IS NULL)
       AND (posted_at IS NULL) = (posted_by IS NULL)
       AND (posted_at IS NULL) = (ledger_entry_id IS NULL)
       AND (posted_at IS NULL) = (fiscal_year IS NULL)
       AND (posted_at IS NULL) = (sequence IS NULL)),
    CHECK (number = 'INV-' || fiscal_year || '-' || lpad(sequence::text, greatest(6, length(sequence::text)), '0'))
);
CREATE INDEX sales_invoices_company_date ON sales.sales_invoices (company_id, invoice_date, id);
CREATE INDEX sales_invoices_partner ON sales.sales_invoices (company_id, partner_code, invoice_date);

CREATE TABLE sales.sales_invoice_lines (
    invoice_id         uuid NOT NULL REFERENCES sales.sales_invoices (id) ON DELETE CASCADE,
    line               smallint NOT NULL CHECK (line BETWEEN 1 AND 200),
    description        text NOT NULL CHECK (length(description) BETWEEN 1 AND 500),
    quantity_e4        bigint NOT NULL CHECK (quantity_e4 > 0),
    unit_price_minor   bigint NOT NULL CHECK (unit_price_minor >= 0),
    -- NULL: no discount given.
    discount_e4        integer CHECK (discount_e4 BETWEEN 0 AND 1000000),
    revenue_account_id uuid NOT NULL,
    tax_code_id        uuid NOT NULL REFERENCES sales.sales_tax_codes (id),
    -- The rate the line was priced at: a later change of the tax code's rate
    -- does not reprice a draft behind its author's back.
    tax_rate_e4        integer NOT NULL CHECK (tax_rate_e4 BETWEEN 0 AND 1000000),
    -- round(quantity x unit price x (1 - discount/100)), half away from zero.
    net_minor          bigint NOT NULL CHECK (net_minor >= 0),
    PRIMARY KEY (invoice_id, line)
);

-- Per document and tax code: the base (the nets of its lines) and the tax,
-- rounded once on the base, half away from zero.
CREATE TABLE sales.sales_invoice_taxes (
    invoice_id  uuid NOT NULL REFERENCES sales.sales_invoices (id) ON DELETE CASCADE,
    tax_code_id uuid NOT NULL REFERENCES sales.sales_tax_codes (id),
    rate_e4     integer NOT NULL CHECK (rate_e4 BETWEEN 0 AND 1000000),
    base_minor  bigint NOT NULL CHECK (base_minor >= 0),
    tax_minor   bigint NOT NULL CHECK (tax_minor >= 0),
    PRIMARY KEY (invoice_id, tax_code_id)
);

-- --- numbering -----------------------------------------------------------------------
-- One row per company, series and fiscal year: the last number given.
-- Posting increments it in the posting transaction (the row stays locked
-- until commit), so a rolled-back posting gives its number back and the
-- series has no gaps. Series: INV invoices; CN credit notes and PAY
-- payments come with them.
CREATE TABLE sales.sales_numbering (
    company_id  uuid NOT NULL REFERENCES iam.companies (id),
    series      text NOT NULL CHECK (series IN ('INV', 'CN', 'PAY')),
    fiscal_year integer NOT NULL CHECK (fiscal_year BETWEEN 1900 AND 9999),
    last_number integer NOT NULL CHECK (last_number >= 1),
    PRIMARY KEY (company_id, series, fiscal_year)
);

-- --- receivables: open items -----------------------------------------------------------
-- The sub-ledger: one open item per posted document of a customer, signed
-- (an invoice owes the company, a credit note or a payment owes the
-- customer), with what is left of it (residual). Allocations (payments and
-- credit notes against invoices) will reduce residuals; they never rewrite
-- the document or its ledger entry. The sum of the residuals of a company
-- equals its receivable accounts' balance.
CREATE TABLE sales.sales_open_items (
    id              uuid PRIMARY KEY,
    company_id      uuid NOT NULL REFERENCES iam.companies (id),
    partner_id      uuid NOT NULL,
    document_type   text NOT NULL CHECK (document_type IN ('invoice', 'credit_note', 'payment')),
    document_id     uuid NOT NULL,
    number          text NOT NULL,
    document_date   date NOT NULL,
    due_date        date NOT NULL,
    currency        char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    exponent        smallint NOT NULL CHECK (exponent BETWEEN 0 AND 4),
    amount_minor    bigint NOT NULL CHECK (amount_minor <> 0),
    residual_minor  bigint NOT NULL,
    ledger_entry_id uuid NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (document_type, document_id),
    -- What is left has the item's sign and never exceeds it.
    CHECK (residual_minor = 0 OR sign(residual_minor) = sign(amount_minor)),
    CHECK (abs(residual_minor) <= abs(amount_minor))
);
-- A customer's open balance: the residuals still open.
CREATE INDEX sales_open_items_partner ON sales.sales_open_items (company_id, partner_id)
    INCLUDE (residual_minor) WHERE residual_minor <> 0;

-- --- what the database holds, whoever writes ---------------------------------------------

-- An invoice's status, derived from facts, never stored: draft until posted,
-- then open, or overdue once its due date has passed on the day asked.
-- (partially_paid, paid and credited come with payments and credit notes.)
CREATE FUNCTION sales_invoice_status(posted boolean, due_date date, as_of date) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT CASE WHEN NOT posted THEN 'draft'
                WHEN due_date < as_of THEN 'overdue'
                ELSE 'open' END
$$;

-- Posted invoices are immutable, with their lines and taxes: the only
-- correction is a credit note. Posting itself (the one change of a draft
-- that sets posted_at) must carry the amounts its lines and taxes sum to.
CREATE FUNCTION sales_reject_posted_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    invoice uuid;
BEGIN
    IF TG_TABLE_NAME = 'sales_invoices' THEN
        IF OLD.posted_at IS NOT NULL THEN
            RAISE EXCEPTION 'sales invoice % is posted and cannot change', OLD.number
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF TG_OP = 'UPDATE' AND NEW.posted_at IS NOT NULL THEN
            IF (SELECT coalesce(sum(l.net_minor), 0) FROM sales.sales_invoice_lines l
                 WHERE l.invoice_id = NEW.id) <> NEW.net_minor
               OR (SELECT coalesce(sum(t.base_minor), 0) FROM sales.sales_invoice_taxes t
                    WHERE t.invoice_id = NEW.id) <> NEW.net_minor
               OR (SELECT coalesce(sum(t.tax_minor), 0) FROM sales.sales_invoice_taxes t
                    WHERE t.invoice_id = NEW.id) <> NEW.tax_minor THEN
                RAISE EXCEPTION 'sales invoice %: its amounts are not its lines''', NEW.id
                    USING ERRCODE = 'check_violation';
            END IF;
        END IF;
    ELSE
        invoice := CASE WHEN TG_OP = 'INSERT' THEN NEW.invoice_id ELSE OLD.invoice_id END;
        IF EXISTS (SELECT 1 FROM sales.sales_invoices i
                    WHERE i.id = invoice AND i.posted_at IS NOT NULL) THEN
            RAISE EXCEPTION 'the lines and taxes of a posted sales invoice cannot change'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER sales_invoices_immutable BEFORE UPDATE OR DELETE ON sales.sales_invoices
    FOR EACH ROW EXECUTE FUNCTION sales_reject_posted_change();
CREATE TRIGGER sales_invoice_lines_immutable BEFORE INSERT OR UPDATE OR DELETE
    ON sales.sales_invoice_lines FOR EACH ROW EXECUTE FUNCTION sales_reject_posted_change();
CREATE TRIGGER sales_invoice_taxes_immutable BEFORE INSERT OR UPDATE OR DELETE
    ON sales.sales_invoice_taxes FOR EACH ROW EXECUTE FUNCTION sales_reject_posted_change();
ALTER TABLE sales.sales_invoices ENABLE ALWAYS TRIGGER sales_invoices_immutable;
ALTER TABLE sales.sales_invoice_lines ENABLE ALWAYS TRIGGER sales_invoice_lines_immutable;
ALTER TABLE sales.sales_invoice_taxes ENABLE ALWAYS TRIGGER sales_invoice_taxes_immutable;

-- An open item is a posted fact: only its residual moves (allocations), and
-- it is never deleted.
CREATE FUNCTION sales_reject_open_item_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'open items are never deleted' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF (NEW.id, NEW.company_id, NEW.partner_id, NEW.document_type, NEW.document_id, NEW.number,
        NEW.document_date, NEW.due_date, NEW.currency, NEW.exponent, NEW.amount_minor,
        NEW.ledger_entry_id, NEW.created_at)
       IS DISTINCT FROM
       (OLD.id, OLD.company_id, OLD.partner_id, OLD.document_type, OLD.document_id, OLD.number,
        OLD.document_date, OLD.due_date, OLD.currency, OLD.exponent, OLD.amount_minor,
        OLD.ledger_entry_id, OLD.created_at) THEN
        RAISE EXCEPTION 'only an open item''s residual changes' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER sales_open_items_fixed BEFORE UPDATE OR DELETE ON sales.sales_open_items
    FOR EACH ROW EXECUTE FUNCTION sales_reject_open_item_change();
ALTER TABLE sales.sales_open_items ENABLE ALWAYS TRIGGER sales_open_items_fixed;

-- --- rights -------------------------------------------------------------------------------
-- Least privilege: the schema's default privileges gave erp_app every right
-- on a new table. Tax codes are read, added and changed, never deleted
-- (documents name them); drafts and their lines are deleted by their
-- holders (the triggers keep posted ones); numbering rows move on; open
-- items are added and only their residual changes. erp_scripts gets nothing.
REVOKE ALL ON sales.sales_tax_codes, sales.sales_invoices, sales.sales_invoice_lines,
    sales.sales_invoice_taxes, sales.sales_numbering, sales.sales_open_items FROM erp_app;
GRANT SELECT, INSERT, UPDATE ON sales.sales_tax_codes, sales.sales_numbering TO erp_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON sales.sales_invoices, sales.sales_invoice_lines,
    sales.sales_invoice_taxes TO erp_app;
GRANT SELECT, INSERT ON sales.sales_open_items TO erp_app;
GRANT UPDATE (residual_minor) ON sales.sales_open_items TO erp_app;
