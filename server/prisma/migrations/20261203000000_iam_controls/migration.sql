-- Controls that one person cannot defeat (docs/controls.md), the IAM part:
-- one-time passwords set by an administrator, grant requests a second
-- administrator approves, overrides that cover exactly one pair in one scope,
-- and the segregation-of-duties rule as one function the server and the
-- admin scripts both call.

-- An administrator-set password is one-time: its owner must choose their own
-- before any other call works.
ALTER TABLE users ADD COLUMN must_change_password boolean NOT NULL DEFAULT false;

-- Who approved a grant that needed a second administrator (NULL: it did not,
-- or it came from an admin script).
ALTER TABLE role_assignments ADD COLUMN approved_by uuid REFERENCES users (id);

-- The permission set and description erp-seed-roles last wrote to a system
-- role. When the role no longer matches it, somebody changed the role since,
-- and the next seed reports that instead of silently undoing it.
ALTER TABLE roles ADD COLUMN seeded_permissions jsonb;
ALTER TABLE roles ADD COLUMN seeded_description text;
UPDATE roles r SET seeded_description = r.description,
       seeded_permissions = (SELECT coalesce(jsonb_agg(permission ORDER BY permission), '[]'::jsonb)
                             FROM role_permissions WHERE role_id = r.id)
 WHERE r.system;

-- An accepted segregation-of-duties conflict: exactly one pair, for one user,
-- in one company (company_id NULL: in every scope). Any other conflict needs
-- its own override. An override that came with a grant ends with it.
CREATE TABLE sod_overrides (
    id            uuid PRIMARY KEY,
    user_id       uuid NOT NULL REFERENCES users (id),
    company_id    uuid REFERENCES companies (id),
    permission_a  text NOT NULL,
    permission_b  text NOT NULL,
    assignment_id uuid REFERENCES role_assignments (id) ON DELETE CASCADE,
    reason        text NOT NULL CHECK (length(btrim(reason)) BETWEEN 1 AND 500),
    requested_by  uuid REFERENCES users (id),  -- NULL: an admin script (see its run)
    approved_by   uuid REFERENCES users (id),
    created_at    timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (permission_a, permission_b) REFERENCES sod_rules ON DELETE CASCADE,
    -- Nobody overrides for themselves, and the approver is a second person.
    CHECK (requested_by <> user_id AND approved_by <> user_id AND approved_by <> requested_by)
);
CREATE INDEX sod_overrides_user ON sod_overrides (user_id);
CREATE INDEX sod_overrides_assignment ON sod_overrides (assignment_id);

-- A grant that waits for a second administrator: privileged roles (those
-- holding a side of a pair, iam.sod.override, identity administration or a
-- settings permission) and every override. The approval binds to the role's
-- version at the request.
CREATE TABLE role_grant_requests (
    id            uuid PRIMARY KEY,
    user_id       uuid NOT NULL REFERENCES users (id),
    role_id       uuid REFERENCES roles (id) ON DELETE SET NULL,
    role_name     text NOT NULL,
    role_version  integer NOT NULL,
    company_id    uuid REFERENCES companies (id),
    reason        text CHECK (length(reason) <= 500),
    -- [["a", "b"], ...]: the pairs the requester asks the approver to accept.
    overrides     jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(overrides) = 'array'),
    status        text NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn')),
    requested_by  uuid NOT NULL REFERENCES users (id),
    requested_at  timestamptz NOT NULL DEFAULT now(),
    decided_by    uuid REFERENCES users (id),
    decided_at    timestamptz,
    decision_note text CHECK (length(decision_note) <= 500),
    assignment_id uuid,
    version       integer NOT NULL DEFAULT 1,
    CHECK (requested_by <> user_id),
    CHECK (decided_by <> user_id),
    CHECK ((status = 'pending') = (decided_at IS NULL)),
    CHECK (status <> 'approved' OR (decided_by <> requested_by AND assignment_id IS NOT NULL)),
    CHECK (status <> 'withdrawn' OR decided_by = requested_by)
);
CREATE UNIQUE INDEX role_grant_requests_pending
    ON role_grant_requests (user_id, role_id, coalesce(company_id, '00000000-0000-0000-0000-000000000000'))
    WHERE status = 'pending';
CREATE INDEX role_grant_requests_time ON role_grant_requests (requested_at, id);

-- The server may not delete requests or overrides, nor change an override: they
-- are the record of who asked and who approved (an override ends with its
-- assignment through the foreign key, which runs as the table's owner).
REVOKE DELETE ON role_grant_requests FROM erp_app;
REVOKE UPDATE, DELETE ON sod_overrides FROM erp_app;

-- Serialises segregation-of-duties decisions per user: a transaction-scoped
-- advisory lock per user, taken in id order. The server and the admin
-- scripts take the same one (it needs no privilege on users, which the
-- scripts' role may not update), after a share lock on the granted role.
CREATE FUNCTION iam_sod_lock_users(p_users uuid[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    u uuid;
BEGIN
    FOR u IN SELECT DISTINCT x FROM unnest(p_users) x WHERE x IS NOT NULL ORDER BY 1 LOOP
        PERFORM pg_advisory_xact_lock(hashtextextended('iam.sod.user:' || u::text, 0));
    END LOOP;
END;
$$;

-- A module may declare a permission privileged beyond the rule below
-- (written by the catalog sync of erp-server migrate, like the rest of the row).
ALTER TABLE permissions ADD COLUMN privileged boolean NOT NULL DEFAULT false;

-- Permissions whose grant waits for a second administrator.
CREATE FUNCTION iam_is_privileged(p_permission text) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT p_permission IN ('iam.sod.override', 'iam.user.manage', 'iam.assignment.manage',
                            'iam.role.manage')
        OR p_permission LIKE '%.settings.manage'
        OR EXISTS (SELECT 1 FROM permissions p WHERE p.name = p_permission AND p.privileged)
        OR EXISTS (SELECT 1 FROM sod_rules s WHERE p_permission IN (s.permission_a, s.permission_b))
$$;

-- The segregation-of-duties rule, in one place for the server and the admin
-- scripts: every (user, scope, pair) where one of p_users (NULL: everyone)
-- holds both permissions of a pair, counting global roles in every company,
-- and no override covers that pair in that scope (a global override covers
-- every scope). With p_role, as if p_users[1] also held p_role in p_company
-- (NULL: globally): what a grant would create, before it is made.
CREATE FUNCTION iam_sod_conflicts(p_users uuid[], p_role uuid DEFAULT NULL,
                                  p_company uuid DEFAULT NULL)
RETURNS TABLE (user_id uuid, company_id uuid, permission_a text, permission_b text,
               description text)
LANGUAGE sql STABLE AS $$
    WITH held AS (
        SELECT ra.user_id, ra.company_id, rp.permission
          FROM role_assignments ra JOIN role_permissions rp ON rp.role_id = ra.role_id
         WHERE p_users IS NULL OR ra.user_id = ANY (p_users)
        UNION
        SELECT p_users[1], p_company, rp.permission
          FROM role_permissions rp WHERE p_role IS NOT NULL AND rp.role_id = p_role),
    scopes AS (
        SELECT DISTINCT h.user_id, h.company_id FROM held h
        UNION SELECT DISTINCT h.user_id, NULL::uuid FROM held h),
    effective AS (
        SELECT DISTINCT s.user_id, s.company_id, h.permission
          FROM scopes s JOIN held h ON h.user_id = s.user_id
           AND (h.company_id IS NULL OR h.company_id = s.company_id))
    SELECT a.user_id, a.company_id, r.permission_a, r.permission_b, r.description
      FROM sod_rules r
      JOIN effective a ON a.permission = r.permission_a
      JOIN effective b ON b.permission = r.permission_b AND b.user_id = a.user_id
       AND b.company_id IS NOT DISTINCT FROM a.company_id
     WHERE NOT EXISTS (
        SELECT 1 FROM sod_overrides o
         WHERE o.user_id = a.user_id
           AND o.permission_a = r.permission_a AND o.permission_b = r.permission_b
           AND (o.company_id IS NULL OR o.company_id IS NOT DISTINCT FROM a.company_id))
$$;

-- The old override flag exempted a user from every pair an override
-- assignment touched. Each conflict it exempted today becomes one override of
-- that pair in that scope, tied to the assignment that carried the flag;
-- anything else must be accepted anew.
INSERT INTO sod_overrides (id, user_id, company_id, permission_a, permission_b, assignment_id,
                           reason, requested_by)
SELECT gen_random_uuid(), c.user_id, c.company_id, c.permission_a, c.permission_b,
       (SELECT o.id FROM role_assignments o JOIN role_permissions op ON op.role_id = o.role_id
         WHERE o.user_id = c.user_id AND o.sod_override
           AND (o.company_id IS NULL OR o.company_id IS NOT DISTINCT FROM c.company_id)
           AND op.permission IN (c.permission_a, c.permission_b)
         ORDER BY o.granted_at, o.id LIMIT 1) AS assignment_id,
       'carried over from an override granted before overrides named their pair', NULL
  FROM iam_sod_conflicts(NULL) c
 WHERE EXISTS (
        SELECT 1 FROM role_assignments o JOIN role_permissions op ON op.role_id = o.role_id
         WHERE o.user_id = c.user_id AND o.sod_override
           AND (o.company_id IS NULL OR o.company_id IS NOT DISTINCT FROM c.company_id)
           AND op.permission IN (c.permission_a, c.permission_b));
ALTER TABLE role_assignments DROP COLUMN sod_override;

-- The rule holds below the server too: whatever writes role assignments, role
-- permissions or removes overrides (the server, an admin script, the
-- application's login by hand), the transaction commits only if no user it
-- touched holds both sides of a pair without an override. The user's lock is
-- taken when the row is written (so two such transactions queue, as the
-- server's decisions do) and the rule is asked at commit, once the
-- transaction's own overrides are in.
CREATE FUNCTION iam_sod_touched_users() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    users uuid[];
BEGIN
    IF TG_TABLE_NAME = 'role_permissions' THEN
        users := ARRAY(SELECT DISTINCT user_id FROM role_assignments
                        WHERE role_id = CASE WHEN TG_OP = 'DELETE' THEN OLD.role_id ELSE NEW.role_id END);
    ELSIF TG_OP = 'DELETE' THEN
        users := ARRAY[OLD.user_id];
    ELSE
        users := ARRAY[NEW.user_id];
    END IF;
    IF TG_WHEN = 'BEFORE' THEN
        PERFORM iam_sod_lock_users(users);
    ELSIF EXISTS (SELECT 1 FROM iam_sod_conflicts(users)) THEN
        RAISE EXCEPTION 'segregation of duties: this change leaves a user holding both sides of a pair without an override'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER role_assignments_sod_lock BEFORE INSERT OR UPDATE ON role_assignments
    FOR EACH ROW EXECUTE FUNCTION iam_sod_touched_users();
CREATE CONSTRAINT TRIGGER role_assignments_sod AFTER INSERT OR UPDATE ON role_assignments
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION iam_sod_touched_users();
CREATE TRIGGER role_permissions_sod_lock BEFORE INSERT OR UPDATE ON role_permissions
    FOR EACH ROW EXECUTE FUNCTION iam_sod_touched_users();
CREATE CONSTRAINT TRIGGER role_permissions_sod AFTER INSERT OR UPDATE ON role_permissions
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION iam_sod_touched_users();
CREATE CONSTRAINT TRIGGER sod_overrides_sod AFTER DELETE ON sod_overrides
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION iam_sod_touched_users();
