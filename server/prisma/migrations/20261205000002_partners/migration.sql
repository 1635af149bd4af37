-- Partners (server/src/modules/partners): its schema, its tables and exactly the
-- rights the server needs on them. A module's migration creates only its own
-- tables, in its own schema (make lint checks both); it may reference IAM's
-- companies for integrity.
--
-- platform_module_schema() makes the schema partners, lets erp_app and
-- erp_scripts use it, gives erp_app its usual rights on the tables created in
-- it, and puts it on the database's search_path, so the module's SQL names
-- its tables without a schema. Table names keep the module's prefix: names
-- must be unique across every owner's schema on that path.
SELECT platform_module_schema('partners');

CREATE TABLE partners.partners_items (
    id         uuid PRIMARY KEY,
    company_id uuid NOT NULL REFERENCES iam.companies (id),
    code       text NOT NULL CHECK (code ~ '^[0-9A-Za-z][0-9A-Za-z._-]{0,19}$'),
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    active     boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (company_id, code)
);

-- Least privilege: the schema's default privileges gave erp_app every right
-- on a new table. It reads, adds and changes items, and never deletes one;
-- erp_scripts gets nothing.
REVOKE ALL ON partners.partners_items FROM erp_app;
GRANT SELECT, INSERT, UPDATE ON partners.partners_items TO erp_app;
