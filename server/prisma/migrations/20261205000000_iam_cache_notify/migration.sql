-- Servers keep sessions, grants and company scopes in a cache of their own
-- (server/src/modules/iam/cache.c; docs/architecture.md, "Sessions, grants
-- and company scopes from a cache"). The cache stays exact because the
-- database itself announces, on channel erp_iam_cache and at commit, every
-- change that could make a cached value wrong: triggers, not the server, so
-- the admin scripts, psql and any other writer are covered the same way.
--
-- Payloads name what to forget, never a secret (no token hash):
--   user:<uuid>  that user's sessions and grants (a session ended or changed,
--                the user changed, a role assignment of theirs changed)
--   grants       every user's grants (a role's permissions, a role, the
--                authorisation version)
--   companies    every company scope, and every user's grants (grants name
--                companies by code)
--   all          everything (a TRUNCATE)
-- PostgreSQL folds identical notifications of one transaction into one.
-- The triggers are ENABLE ALWAYS: a session in replica mode fires them too.

-- A user's row, or one of their role assignments: that user.
CREATE FUNCTION iam_cache_forget_user() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('erp_iam_cache', 'user:' || OLD.id);
    IF TG_OP = 'UPDATE' AND NEW.id IS DISTINCT FROM OLD.id THEN
        PERFORM pg_notify('erp_iam_cache', 'user:' || NEW.id);
    END IF;
    RETURN NULL;
END;
$$;

CREATE FUNCTION iam_cache_forget_assignment() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM pg_notify('erp_iam_cache', 'user:' || OLD.user_id);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM pg_notify('erp_iam_cache', 'user:' || NEW.user_id);
    END IF;
    RETURN NULL;
END;
$$;

-- A session's change, except the server's "touch": moving last_seen_at
-- forward, alone, only lengthens a session's life. A cache that still holds
-- the older time lets the session idle out earlier than the database would,
-- and then reads the row again; it never keeps a session the database ended.
CREATE FUNCTION iam_cache_forget_session() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.last_seen_at >= OLD.last_seen_at
       AND (NEW.token_hash, NEW.user_id, NEW.created_at, NEW.expires_at, NEW.revoked_at)
           IS NOT DISTINCT FROM
           (OLD.token_hash, OLD.user_id, OLD.created_at, OLD.expires_at, OLD.revoked_at) THEN
        RETURN NULL;
    END IF;
    PERFORM pg_notify('erp_iam_cache', 'user:' || OLD.user_id);
    IF TG_OP = 'UPDATE' AND NEW.user_id IS DISTINCT FROM OLD.user_id THEN
        PERFORM pg_notify('erp_iam_cache', 'user:' || NEW.user_id);
    END IF;
    RETURN NULL;
END;
$$;

-- Statement-level: the payload is the trigger's argument.
CREATE FUNCTION iam_cache_forget() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('erp_iam_cache', TG_ARGV[0]);
    RETURN NULL;
END;
$$;

CREATE TRIGGER iam_cache_sessions AFTER UPDATE OR DELETE ON sessions
    FOR EACH ROW EXECUTE FUNCTION iam_cache_forget_session();
CREATE TRIGGER iam_cache_users AFTER UPDATE OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION iam_cache_forget_user();
CREATE TRIGGER iam_cache_role_assignments AFTER INSERT OR UPDATE OR DELETE ON role_assignments
    FOR EACH ROW EXECUTE FUNCTION iam_cache_forget_assignment();
CREATE TRIGGER iam_cache_role_permissions AFTER INSERT OR UPDATE OR DELETE ON role_permissions
    FOR EACH STATEMENT EXECUTE FUNCTION iam_cache_forget('grants');
CREATE TRIGGER iam_cache_roles AFTER INSERT OR UPDATE OR DELETE ON roles
    FOR EACH STATEMENT EXECUTE FUNCTION iam_cache_forget('grants');
CREATE TRIGGER iam_cache_authz_version AFTER INSERT OR UPDATE OR DELETE ON authz_version
    FOR EACH STATEMENT EXECUTE FUNCTION iam_cache_forget('grants');
CREATE TRIGGER iam_cache_companies AFTER INSERT OR UPDATE OR DELETE ON companies
    FOR EACH STATEMENT EXECUTE FUNCTION iam_cache_forget('companies');

CREATE TRIGGER iam_cache_sessions_truncate AFTER TRUNCATE ON sessions
    FOR EACH STATEMENT EXECUTE FUNCTION iam_cache_forget('all');
CREATE TRIGGER iam_cache_users_truncate AFTER TRUNCATE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION iam_cache_forget('all');
CREATE TRIGGER iam_cache_role_assignments_truncate AFTER TRUNCATE ON role_assignments
    FOR EACH STATEMENT EXECUTE FUNCTION iam_cache_forget('all');
CREATE TRIGGER iam_cache_role_permissions_truncate AFTER TRUNCATE ON role_permissions
    FOR EACH STATEMENT EXECUTE FUNCTION iam_cache_forget('all');
CREATE TRIGGER iam_cache_roles_truncate AFTER TRUNCATE ON roles
    FOR EACH STATEMENT EXECUTE FUNCTION iam_cache_forget('all');
CREATE TRIGGER iam_cache_companies_truncate AFTER TRUNCATE ON companies
    FOR EACH STATEMENT EXECUTE FUNCTION iam_cache_forget('all');

ALTER TABLE sessions ENABLE ALWAYS TRIGGER iam_cache_sessions;
ALTER TABLE users ENABLE ALWAYS TRIGGER iam_cache_users;
ALTER TABLE role_assignments ENABLE ALWAYS TRIGGER iam_cache_role_assignments;
ALTER TABLE role_permissions ENABLE ALWAYS TRIGGER iam_cache_role_permissions;
ALTER TABLE roles ENABLE ALWAYS TRIGGER iam_cache_roles;
ALTER TABLE authz_version ENABLE ALWAYS TRIGGER iam_cache_authz_version;
ALTER TABLE companies ENABLE ALWAYS TRIGGER iam_cache_companies;
ALTER TABLE sessions ENABLE ALWAYS TRIGGER iam_cache_sessions_truncate;
ALTER TABLE users ENABLE ALWAYS TRIGGER iam_cache_users_truncate;
ALTER TABLE role_assignments ENABLE ALWAYS TRIGGER iam_cache_role_assignments_truncate;
ALTER TABLE role_permissions ENABLE ALWAYS TRIGGER iam_cache_role_permissions_truncate;
ALTER TABLE roles ENABLE ALWAYS TRIGGER iam_cache_roles_truncate;
ALTER TABLE companies ENABLE ALWAYS TRIGGER iam_cache_companies_truncate;
