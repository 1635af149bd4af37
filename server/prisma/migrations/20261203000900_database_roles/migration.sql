-- Database roles, and what the database enforces on its own audit trail
-- (ARCHITECTURE.md §6; docs/controls.md, "What the database enforces").
--
-- Three roles:
--   the owner     the role that runs `erp-server migrate`: owns every table,
--                 and alone writes schema_migrations, permissions, sod_rules
--   erp_app       the server (`erp-server serve`): exactly what it needs
--   erp_scripts   the governed admin scripts (server/scripts): exactly what
--                 they need; besides the owner, the only role that may append
--                 to script_executions or write audit rows of a script run
-- Nobody logs in as erp_app or erp_scripts: a deployment creates LOGIN roles
-- that are members of them (README, "Database roles").
--
-- Migrations must keep being applied by the same owner role: the default
-- privileges below (and the IAM migration's) apply to tables that role creates.

DO $$
BEGIN
    -- Roles belong to the cluster, not the database: another database of the
    -- same cluster may have created it first, or be creating it right now.
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'erp_scripts') THEN
        CREATE ROLE erp_scripts NOLOGIN;
    END IF;
EXCEPTION
    WHEN duplicate_object OR unique_violation THEN
        NULL;
END
$$;

-- --- erp_app ---------------------------------------------------------------------

-- Catalogs the server only reads: `erp-server migrate` writes them as the owner.
REVOKE ALL ON permissions, sod_rules, schema_migrations FROM erp_app;
GRANT SELECT ON permissions, sod_rules, schema_migrations TO erp_app;

-- The scripts' trail: read (`erp-server audit verify-scripts`), never written.
REVOKE ALL ON script_executions FROM erp_app;
GRANT SELECT ON script_executions TO erp_app;
REVOKE ALL ON SEQUENCE script_executions_id_seq FROM erp_app;

-- The audit trail only grows (the triggers say so too).
REVOKE ALL ON audit_events FROM erp_app;
GRANT SELECT, INSERT ON audit_events TO erp_app;

-- --- erp_scripts -----------------------------------------------------------------
-- What erp-seed-roles, erp-seed-admin, erp-migrate-roles and their runtime
-- (server/scripts/runtime) run, table by table. A new script that needs more
-- gets it in the migration that comes with it.

GRANT USAGE ON SCHEMA public TO erp_scripts;
GRANT SELECT ON permissions, sod_rules, companies TO erp_scripts;
-- LOCK ... IN SHARE ROW EXCLUSIVE MODE and SELECT ... FOR UPDATE need UPDATE.
GRANT SELECT, INSERT, UPDATE, DELETE ON roles, role_permissions, role_assignments TO erp_scripts;
-- erp-migrate-roles records accepted conflicts; the SoD rule (iam_sod_conflicts) reads them.
GRANT SELECT, INSERT ON sod_overrides TO erp_scripts;
-- erp-seed-admin creates users; no script reads a password hash.
GRANT SELECT (id, email, display_name, active), INSERT ON users TO erp_scripts;
GRANT SELECT, UPDATE ON authz_version TO erp_scripts;
-- script_audit_event(): the IAM trail's rows of a run (request_id 'script:<run id>').
GRANT INSERT ON audit_events TO erp_scripts;
-- The runtime reads the chain's head and appends.
GRANT SELECT, INSERT ON script_executions TO erp_scripts;
GRANT USAGE ON SEQUENCE script_executions_id_seq TO erp_scripts;

-- --- later migrations ----------------------------------------------------------------
-- Tables a later migration creates: erp_app may read and write them (as the
-- IAM migration already set; restated here so the rule reads in one place)
-- and use their sequences; an append-only or read-only table revokes what it
-- must. erp_scripts gets nothing by default: a script's needs are granted by
-- name, like above.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO erp_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO erp_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM erp_scripts;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON SEQUENCES FROM erp_scripts;

-- --- audit_events: time, origin and MAC ---------------------------------------------

-- The database's clock, whatever the inserter sent; and request ids of the
-- form 'script:<run id>' (which join a row to a governed script run, and may
-- go without a MAC) only from members of erp_scripts. pg_has_role() is true
-- for superusers too.
CREATE FUNCTION audit_events_stamp() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.occurred_at := now();
    IF left(NEW.request_id, 7) = 'script:'
       AND NOT pg_has_role(current_user, 'erp_scripts', 'MEMBER') THEN
        RAISE EXCEPTION 'audit request ids starting with "script:" are reserved for the admin scripts (role erp_scripts), not %', current_user
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER audit_events_stamp
    BEFORE INSERT ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_stamp();
ALTER TABLE audit_events ENABLE ALWAYS TRIGGER audit_events_stamp;

-- The keyed MAC the server writes with every row (shared-kernel/audit_chain.h;
-- the key is a file the database never sees, ERP_AUDIT_KEY_FILE), checked by
-- `erp-server audit verify-events`. Only a script run's rows go without one,
-- and those never name an actor. NOT VALID: rows written before this
-- migration have no MAC (the verifier reports them) and the table is not
-- rescanned under a lock; every new row is checked.
ALTER TABLE audit_events ADD COLUMN mac bytea;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_mac_length
    CHECK (mac IS NULL OR length(mac) = 32) NOT VALID;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_mac_required
    CHECK (mac IS NOT NULL OR (request_id IS NOT NULL AND left(request_id, 7) = 'script:')) NOT VALID;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_script_rows_have_no_actor
    CHECK (request_id IS NULL OR left(request_id, 7) <> 'script:' OR actor_id IS NULL) NOT VALID;
