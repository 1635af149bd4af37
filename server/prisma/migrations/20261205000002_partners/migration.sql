-- Partners (server/src/modules/partners): one record per counterparty of a
-- company, customer and/or vendor, and the company's partner settings (the
-- default receivable and payable accounts). Only the module's own tables, in
-- its own schema (make lint checks both); companies are IAM's and referenced
-- for integrity. Ledger accounts are referenced by id and checked through
-- the ledger's view ledger_account_directory (migration
-- 20261205000001_ledger_account_directory), not by a foreign key into the
-- ledger's table: the ledger keeps its table to itself.
--
-- platform_module_schema() makes the schema partners, lets erp_app and
-- erp_scripts use it, gives erp_app its usual rights on the tables created in
-- it, and puts it on the database's search_path, so the module's SQL names
-- its tables without a schema. Table names keep the module's prefix: names
-- must be unique across every owner's schema on that path.
SELECT platform_module_schema('partners');

CREATE TABLE partners.partners_partners (
    id                         uuid PRIMARY KEY,
    company_id                 uuid NOT NULL REFERENCES iam.companies (id),
    code                       text NOT NULL CHECK (code ~ '^[0-9A-Za-z][0-9A-Za-z._-]{0,19}$'),
    name                       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    is_customer                boolean NOT NULL,
    is_vendor                  boolean NOT NULL,
    -- Normalised by the server: upper case, no spaces, dots, dashes or slashes.
    tax_id                     text CHECK (tax_id ~ '^[A-Z0-9]{2,32}$'),
    email                      text CHECK (length(email) <= 254 AND email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
    billing_address            jsonb CHECK (jsonb_typeof(billing_address) = 'object'),
    shipping_address           jsonb CHECK (jsonb_typeof(shipping_address) = 'object'),
    -- Due date: the document's date plus days, or the end of its month plus days.
    payment_terms_days         integer NOT NULL CHECK (payment_terms_days BETWEEN 0 AND 365),
    payment_terms_end_of_month boolean NOT NULL,
    -- In the company's currency when it was set (minor units, its exponent); NULL: no limit.
    credit_limit_minor         bigint CHECK (credit_limit_minor >= 0),
    credit_limit_currency      char(3) CHECK (credit_limit_currency ~ '^[A-Z]{3}$'),
    credit_limit_exponent      smallint CHECK (credit_limit_exponent BETWEEN 0 AND 4),
    currency                   char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    -- Ledger accounts (ledger_account_directory.id): an asset, a liability.
    receivable_account_id      uuid,
    payable_account_id         uuid,
    active                     boolean NOT NULL DEFAULT true,
    version                    integer NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at                 timestamptz NOT NULL DEFAULT now(),
    updated_at                 timestamptz NOT NULL DEFAULT now(),
    UNIQUE (company_id, code),
    -- One record per counterparty: a tax id names one partner of a company.
    UNIQUE (company_id, tax_id),
    CHECK (is_customer OR is_vendor),
    -- A customer is owed through a receivable account, a vendor paid through a payable one.
    CHECK (NOT is_customer OR receivable_account_id IS NOT NULL),
    CHECK (NOT is_vendor OR payable_account_id IS NOT NULL),
    CHECK ((credit_limit_minor IS NULL) = (credit_limit_currency IS NULL)
           AND (credit_limit_minor IS NULL) = (credit_limit_exponent IS NULL))
);
-- Codes differ in more than case: ACME and acme would be two copies of one company.
CREATE UNIQUE INDEX partners_partners_code_folded ON partners.partners_partners (company_id, lower(code));

-- One row per company that has set its defaults; a company without one has none.
CREATE TABLE partners.partners_settings (
    company_id                     uuid PRIMARY KEY REFERENCES iam.companies (id),
    default_receivable_account_id  uuid,
    default_payable_account_id     uuid,
    version                        integer NOT NULL DEFAULT 1 CHECK (version >= 1),
    updated_at                     timestamptz NOT NULL DEFAULT now()
);

-- Least privilege: the schema's default privileges gave erp_app every right
-- on a new table. A partner is read, added and changed, never deleted (a
-- partner with documents must stay; deactivation retires one); settings
-- likewise. erp_scripts gets nothing.
REVOKE ALL ON partners.partners_partners, partners.partners_settings FROM erp_app;
GRANT SELECT, INSERT, UPDATE ON partners.partners_partners, partners.partners_settings TO erp_app;
