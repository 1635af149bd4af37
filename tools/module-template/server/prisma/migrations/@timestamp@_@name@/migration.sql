-- @Name@ (server/src/modules/@name@): its schema, its tables and exactly the
-- rights the server needs on them. A module's migration creates only its own
-- tables, in its own schema (make lint checks both); it may reference IAM's
-- companies for integrity. Another module's data is read through what that
-- module exports (its public header, or a view such as the ledger's
-- ledger_account_directory: docs/modules.md), never by a foreign key into
-- its tables.
--
-- platform_module_schema() makes the schema @name@, lets erp_app and
-- erp_scripts use it, gives erp_app its usual rights on the tables created in
-- it, and puts it on the database's search_path, so the module's SQL names
-- its tables without a schema. Table names keep the module's prefix: names
-- must be unique across every owner's schema on that path.
SELECT platform_module_schema('@name@');

CREATE TABLE @name@.@name@_items (
    id         uuid PRIMARY KEY,
    company_id uuid NOT NULL REFERENCES iam.companies (id),
    code       text NOT NULL CHECK (code ~ '^[0-9A-Za-z][0-9A-Za-z._-]{0,19}$'),
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    active     boolean NOT NULL DEFAULT true,
    -- Optimistic concurrency: the ETag of the item; a change sends it back in If-Match.
    version    integer NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (company_id, code)
);

-- Least privilege: the schema's default privileges gave erp_app every right
-- on a new table. It reads, adds and changes items, and never deletes one;
-- erp_scripts gets nothing.
REVOKE ALL ON @name@.@name@_items FROM erp_app;
GRANT SELECT, INSERT, UPDATE ON @name@.@name@_items TO erp_app;
