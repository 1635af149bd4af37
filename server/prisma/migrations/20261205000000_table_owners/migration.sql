-- Tables have owners (docs/architecture.md, "Tables have owners"): each owner
-- (the platform, and every module under server/src/modules/) keeps its
-- tables in a schema of its own name, its migrations create tables only
-- there, and `make lint` refuses SQL in one owner's code that names another
-- owner's table.
--
-- The tables move with ALTER TABLE ... SET SCHEMA: rows, indexes,
-- constraints, triggers, owned sequences and grants go with them, nothing is
-- copied. The code names tables without a schema; the database's
-- search_path (set below, for every later session) finds them, so no SQL
-- text changes. Unqualified names must therefore stay unique across the
-- owners' schemas (`make lint` checks that too).
--
--   platform  the history, the audit trail, the scripts' trail, idempotency
--             records, domain events and the permission catalog the
--             migrator writes from every module's declarations
--   iam       identities, companies, roles, grants, sessions, throttling
--   ledger    the general ledger
--
-- public keeps schema_migrations (the migrator creates it before any
-- migration has run, so before any schema exists) and the functions, each
-- named for its owner, where they were: a later CREATE OR REPLACE FUNCTION
-- without a schema still replaces them. public stays first on the
-- search_path, so an unqualified CREATE lands where it always did (the lint
-- asks new migrations to name their schema).
--
-- Sessions opened before this migration keep their old search_path: the
-- idle ones are ended at the end (below), and the servers are best restarted
-- after it (they report not ready until they run a build that knows it
-- anyway). The role that migrates must own the database (or be a superuser):
-- ALTER DATABASE ... SET needs it.

-- An owner's schema: created, usable by both application roles (rights on
-- tables stay per table, granted by each migration), erp_app's usual rights
-- on the tables and sequences the migrating role creates in it later (as
-- migration 20261203000900_database_roles set for public), and on the
-- search_path: the database's, for every later session, and this session's,
-- for the migrations after it in the same run. Idempotent. Every module's
-- first migration calls it (tools/module-template).
CREATE FUNCTION platform_module_schema(p_module text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    setting text;
    schemas text[];
BEGIN
    IF p_module IS NULL OR p_module !~ '^[a-z][a-z0-9_]{1,30}$'
       OR p_module IN ('public', 'information_schema') OR p_module LIKE 'pg\_%' THEN
        RAISE EXCEPTION 'platform_module_schema: % is not a module name', p_module
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    EXECUTE format('CREATE SCHEMA IF NOT EXISTS %I', p_module);
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO erp_app, erp_scripts', p_module);
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I'
                   ' GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO erp_app', p_module);
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I'
                   ' GRANT USAGE, SELECT ON SEQUENCES TO erp_app', p_module);

    -- The database's search_path as set (none yet: public), this schema appended once.
    SELECT substr(c, length('search_path=') + 1) INTO setting
      FROM pg_db_role_setting s, unnest(s.setconfig) c
     WHERE s.setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())
       AND s.setrole = 0 AND c LIKE 'search_path=%';
    schemas := ARRAY(SELECT btrim(x) FROM unnest(string_to_array(coalesce(setting, 'public'), ',')) x
                      WHERE btrim(x) <> '');
    IF NOT p_module = ANY (schemas) THEN
        schemas := schemas || p_module;
    END IF;
    setting := array_to_string(schemas, ', ');
    EXECUTE format('ALTER DATABASE %I SET search_path = %s', current_database(), setting);
    PERFORM set_config('search_path', setting, false);
END;
$$;
REVOKE ALL ON FUNCTION platform_module_schema(text) FROM PUBLIC;

SELECT platform_module_schema('platform');
SELECT platform_module_schema('iam');
SELECT platform_module_schema('ledger');

-- --- the platform ----------------------------------------------------------------
ALTER TABLE audit_events SET SCHEMA platform;
ALTER TABLE script_executions SET SCHEMA platform;
ALTER TABLE idempotency_keys SET SCHEMA platform;
ALTER TABLE platform_events SET SCHEMA platform;
ALTER TABLE platform_event_streams SET SCHEMA platform;
-- The permission catalog: `erp-server migrate` (platform/catalog.c) writes it
-- from every module's declarations; IAM's roles refer to it, everyone reads it.
ALTER TABLE permissions SET SCHEMA platform;
ALTER TABLE sod_rules SET SCHEMA platform;

-- --- IAM -------------------------------------------------------------------------
ALTER TABLE users SET SCHEMA iam;
ALTER TABLE companies SET SCHEMA iam;
ALTER TABLE roles SET SCHEMA iam;
ALTER TABLE role_permissions SET SCHEMA iam;
ALTER TABLE role_assignments SET SCHEMA iam;
ALTER TABLE role_grant_requests SET SCHEMA iam;
ALTER TABLE sod_overrides SET SCHEMA iam;
ALTER TABLE authz_version SET SCHEMA iam;
ALTER TABLE sessions SET SCHEMA iam;
ALTER TABLE login_throttle SET SCHEMA iam;

-- --- the ledger ------------------------------------------------------------------
ALTER TABLE ledger_settings SET SCHEMA ledger;
ALTER TABLE ledger_accounts SET SCHEMA ledger;
ALTER TABLE ledger_periods SET SCHEMA ledger;
ALTER TABLE ledger_entries SET SCHEMA ledger;
ALTER TABLE ledger_lines SET SCHEMA ledger;
ALTER TABLE ledger_numbering SET SCHEMA ledger;
ALTER SEQUENCE ledger_posting_no SET SCHEMA ledger;

-- The one SECURITY DEFINER function pins its search_path (a caller's path
-- must not choose what it writes); its tables are the platform's now.
ALTER FUNCTION platform_events_publish(uuid) SET search_path = pg_catalog, platform;

-- Sessions opened before this migration keep the search_path they started
-- with, and no longer find the tables. The idle ones (between statements:
-- nothing is lost) are ended where this role may end them, so that their
-- clients reconnect with the database's new path: the server's database
-- layer does on its next statement (platform/db.c repeats a read, or a
-- transaction, once on a new session). Busy sessions, sessions of roles
-- this role may not signal, and any that connect while this migration runs
-- keep the old path until their server restarts.
DO $$
DECLARE
    session record;
BEGIN
    FOR session IN SELECT pid FROM pg_stat_activity
                    WHERE datname = current_database() AND pid <> pg_backend_pid()
                      AND backend_type = 'client backend' AND state = 'idle' LOOP
        BEGIN
            PERFORM pg_terminate_backend(session.pid);
        EXCEPTION WHEN insufficient_privilege THEN
            NULL;
        END;
    END LOOP;
END
$$;
