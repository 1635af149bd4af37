-- db-roles.sql — run by db-roles.sh as the superuser, connected to the
-- database postgres; db-roles.sh says what it makes sure of, and why.
-- Idempotent: every statement creates only what is missing, or sets what it
-- sets to the same value again. A refusal changes nothing: the checks run
-- first, or inside the roles' transaction; only the database is created
-- after it, when missing.
\set ON_ERROR_STOP on
SET client_min_messages = warning;

\getenv db ERP_DB_NAME
\getenv owner ERP_OWNER_LOGIN
\getenv owner_password ERP_OWNER_PASSWORD
\getenv server ERP_SERVER_LOGIN
\getenv server_password ERP_SERVER_PASSWORD
SELECT set_config('erp.db', :'db', false), set_config('erp.owner', :'owner', false),
       set_config('erp.server', :'server', false)
\g /dev/null

DO $$
DECLARE
    owner text := current_setting('erp.owner');
    actual text;
BEGIN
    -- The logins below lose every attribute but LOGIN: never the role running this.
    IF session_user IN (owner, current_setting('erp.server')) THEN
        RAISE EXCEPTION 'the owner and the server''s login must not be %, who runs this', session_user;
    END IF;
    SELECT pg_get_userbyid(datdba) INTO actual FROM pg_database
     WHERE datname = current_setting('erp.db');
    IF actual IS DISTINCT FROM owner AND actual IS NOT NULL THEN
        RAISE EXCEPTION 'database % is owned by %, not by %', current_setting('erp.db'), actual, owner;
    END IF;
END
$$;

BEGIN;

-- The groups the migrations grant to (they would create them too).
SELECT format('CREATE ROLE %I NOLOGIN', name)
  FROM unnest(ARRAY['erp_app', 'erp_scripts']) AS name
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = name)
\gexec

-- The two logins: created when missing, their attributes and passwords set
-- on every run (so a changed password file rotates the password).
SELECT format('CREATE ROLE %I', name)
  FROM unnest(ARRAY[:'owner', :'server']) AS name
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = name)
\gexec
SELECT format('ALTER ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION'
              ' NOBYPASSRLS INHERIT PASSWORD %L', login, password)
  FROM (VALUES (:'owner', :'owner_password'), (:'server', :'server_password')) AS l (login, password)
\gexec
SELECT format('GRANT erp_app TO %I', :'server')
\gexec

-- What must hold; anything else is a deployment mistake to fix by hand, not
-- something to revoke silently.
DO $$
DECLARE
    owner text := current_setting('erp.owner');
    server text := current_setting('erp.server');
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolsuper AND pg_has_role(server, r.oid, 'MEMBER')) THEN
        RAISE EXCEPTION 'the server''s login % is a member of a superuser', server;
    END IF;
    IF pg_has_role(server, owner, 'MEMBER') THEN
        RAISE EXCEPTION 'the server''s login % is a member of the owner %', server, owner;
    END IF;
    IF pg_has_role(server, 'erp_scripts', 'MEMBER') THEN
        RAISE EXCEPTION 'the server''s login % is a member of erp_scripts', server;
    END IF;
    IF NOT pg_has_role(server, 'erp_app', 'USAGE') THEN
        RAISE EXCEPTION 'the server''s login % does not have erp_app''s rights', server;
    END IF;
END
$$;

COMMIT;

-- The database, owned by the owner (CREATE DATABASE runs outside a transaction).
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'owner')
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db')
\gexec
