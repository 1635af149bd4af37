-- Identity and the multi-role permission model (server/src/modules/iam).

-- The permission catalog. Its rows are written by `erp-server migrate` from the
-- modules' catalogs in code (the only source of permission names), so admin
-- scripts can read them without linking module code.
CREATE TABLE permissions (
    name        text PRIMARY KEY CHECK (name ~ '^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)+$'),
    module      text NOT NULL,
    description text NOT NULL
);

-- Segregation of duties: pairs of permissions one user may not hold in one
-- company (counting global roles). Also written by `erp-server migrate`.
CREATE TABLE sod_rules (
    permission_a text NOT NULL REFERENCES permissions (name) ON DELETE CASCADE,
    permission_b text NOT NULL REFERENCES permissions (name) ON DELETE CASCADE,
    description  text NOT NULL,
    PRIMARY KEY (permission_a, permission_b),
    CHECK (permission_a < permission_b)
);

CREATE TABLE companies (
    id         uuid PRIMARY KEY,
    code       text NOT NULL UNIQUE CHECK (code ~ '^[A-Z0-9][A-Z0-9_-]{0,19}$'),
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    currency   char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    version    integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
    id                  uuid PRIMARY KEY,
    email               text NOT NULL CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
    display_name        text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
    password_hash       text NOT NULL,
    active              boolean NOT NULL DEFAULT true,
    version             integer NOT NULL DEFAULT 1,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    password_changed_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (email);

CREATE TABLE roles (
    id          uuid PRIMARY KEY,
    name        text NOT NULL UNIQUE CHECK (name ~ '^[a-z][a-z0-9_-]{0,63}$'),
    description text NOT NULL DEFAULT '',
    system      boolean NOT NULL DEFAULT false,  -- seeded from the role catalog
    version     integer NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE role_permissions (
    role_id    uuid NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    permission text NOT NULL REFERENCES permissions (name) ON DELETE CASCADE,
    PRIMARY KEY (role_id, permission)
);

-- A role held by a user in one company, or globally (company_id NULL).
CREATE TABLE role_assignments (
    id           uuid PRIMARY KEY,
    user_id      uuid NOT NULL REFERENCES users (id),
    role_id      uuid NOT NULL REFERENCES roles (id),
    company_id   uuid REFERENCES companies (id),
    granted_by   uuid REFERENCES users (id),
    granted_at   timestamptz NOT NULL DEFAULT now(),
    reason       text,
    sod_override boolean NOT NULL DEFAULT false
);
CREATE UNIQUE INDEX role_assignments_once
    ON role_assignments (user_id, role_id, coalesce(company_id, '00000000-0000-0000-0000-000000000000'));
CREATE INDEX role_assignments_role ON role_assignments (role_id);

-- Bumped by every grant, revoke, role change and user deactivation: each
-- request's token lookup reads it, so cached permissions are re-derived on
-- the next request, on every replica.
CREATE TABLE authz_version (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    version   bigint NOT NULL
);
INSERT INTO authz_version (version) VALUES (1);

-- Sessions: only the BLAKE2b hash of a token is stored.
CREATE TABLE sessions (
    token_hash   bytea PRIMARY KEY CHECK (length(token_hash) = 32),
    user_id      uuid NOT NULL REFERENCES users (id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    revoked_at   timestamptz
);
CREATE INDEX sessions_user ON sessions (user_id) WHERE revoked_at IS NULL;

-- Failed logins per account and per client address, for throttling.
CREATE TABLE login_throttle (
    key           text PRIMARY KEY,        -- 'account:<email>' or 'address:<ip>'
    failures      integer NOT NULL,
    window_start  timestamptz NOT NULL,
    blocked_until timestamptz
);

-- The audit trail of every mutation, written in the same transaction as the
-- change. Append-only: triggers reject UPDATE, DELETE and TRUNCATE (ENABLE
-- ALWAYS, so replication roles do not skip them), and the application role
-- is granted only SELECT and INSERT (see the GRANT notes in docs).
CREATE TABLE audit_events (
    id          uuid PRIMARY KEY,
    occurred_at timestamptz NOT NULL DEFAULT now(),
    actor_id    uuid,                     -- NULL for the system or an anonymous login attempt
    action      text NOT NULL,            -- 'iam.user.created', 'iam.login.failed', ...
    company_id  uuid,
    entity      text NOT NULL,            -- 'user', 'role', ...
    entity_id   text,
    request_id  text,
    changes     jsonb NOT NULL DEFAULT '{}'::jsonb,  -- {"field": {"old": ..., "new": ...}}, secrets omitted
    reason      text
);
CREATE INDEX audit_events_time ON audit_events (occurred_at, id);
CREATE INDEX audit_events_company ON audit_events (company_id, occurred_at);
CREATE INDEX audit_events_actor ON audit_events (actor_id, occurred_at);
CREATE INDEX audit_events_entity ON audit_events (entity, entity_id);

CREATE TRIGGER audit_events_no_update_delete
    BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION erp_reject_change();
CREATE TRIGGER audit_events_no_truncate
    BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION erp_reject_change();
ALTER TABLE audit_events ENABLE ALWAYS TRIGGER audit_events_no_update_delete;
ALTER TABLE audit_events ENABLE ALWAYS TRIGGER audit_events_no_truncate;

-- The role the application connects as (through a login role that is a
-- member of it). It may read and write business tables, but the audit trail
-- only grows: no UPDATE, DELETE or TRUNCATE on it. Tables created by later
-- migrations get the same default grants; append-only ones revoke theirs.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'erp_app') THEN
        CREATE ROLE erp_app NOLOGIN;
    END IF;
END
$$;
GRANT USAGE ON SCHEMA public TO erp_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO erp_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO erp_app;
REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM erp_app;
