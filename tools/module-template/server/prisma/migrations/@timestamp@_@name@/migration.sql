-- @Name@ (server/src/modules/@name@): its tables, each named @name@_*, and
-- exactly the rights the server needs on them. A module's migration creates
-- only its own tables; it may reference IAM's companies for integrity.

CREATE TABLE @name@_items (
    id         uuid PRIMARY KEY,
    company_id uuid NOT NULL REFERENCES companies (id),
    code       text NOT NULL CHECK (code ~ '^[0-9A-Za-z][0-9A-Za-z._-]{0,19}$'),
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    active     boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (company_id, code)
);

-- Least privilege: the default privileges (migration 20261203000900_database_roles)
-- gave erp_app every right on a new table. It reads, adds and changes items,
-- and never deletes one; erp_scripts gets nothing.
REVOKE ALL ON @name@_items FROM erp_app;
GRANT SELECT, INSERT, UPDATE ON @name@_items TO erp_app;
