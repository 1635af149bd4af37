/*
 * The statements of role assignments (assignments.c) and of making a grant
 * take effect (grant.c).
 */
#include "modules/iam/internal.h"

/* A role assignment as clients see it (role_assignments ra, roles r, companies c). */
#define ASSIGNMENT_JSON                                                                       \
	"json_build_object('id', ra.id, 'role', r.name, 'company', c.code,"                   \
	" 'granted_by', ra.granted_by, 'approved_by', ra.approved_by,"                        \
	" 'granted_at', ra.granted_at, 'reason', ra.reason,"                                  \
	" 'sod_override', EXISTS (SELECT 1 FROM sod_overrides o WHERE o.assignment_id = ra.id)," \
	" 'overrides', (SELECT coalesce(json_agg(json_build_object('company', oc.code,"       \
	"     'permissions', json_build_array(o.permission_a, o.permission_b))"               \
	"     ORDER BY oc.code NULLS FIRST, o.permission_a, o.permission_b), '[]')"          \
	"   FROM sod_overrides o LEFT JOIN companies oc ON oc.id = o.company_id"              \
	"   WHERE o.assignment_id = ra.id))"

/*
 * $1 name (or id): the role a grant names, share-locked. Its row is locked
 * first; what it holds is read in a statement of its own afterwards
 * (iam_sql_grant_privileged). At READ COMMITTED a statement's snapshot is
 * taken before it waits for a lock, so a permission added by an edit that
 * committed while this grant waited would be missed by a subquery of the
 * locking statement (the grant would then skip the second administrator).
 */
const struct db_statement iam_sql_grant_lock_role = {
	"iam_grant_lock_role",
	"SELECT r.id, r.name, r.version FROM roles r WHERE r.name = $1 FOR SHARE",
	false,
};
const struct db_statement iam_sql_grant_lock_role_by_id = {
	"iam_grant_lock_role_by_id",
	"SELECT r.id, r.name, r.version FROM roles r WHERE r.id = $1 FOR SHARE",
	false,
};

/* $1 role: its permissions that need a second administrator, ", "-joined ("" when none). */
const struct db_statement iam_sql_grant_privileged = {
	"iam_grant_privileged",
	"SELECT coalesce(string_agg(permission, ', ' ORDER BY permission), '') AS privileged"
	" FROM role_permissions WHERE role_id = $1 AND iam_is_privileged(permission)",
	false,
};

/* $1 user, $2 role, $3 company id (NULL: globally): a row when the user holds the role there. */
const struct db_statement iam_sql_grant_holds = {
	"iam_grant_holds",
	"SELECT 1 AS holds FROM role_assignments WHERE user_id = $1 AND role_id = $2"
	" AND company_id IS NOT DISTINCT FROM $3::uuid",
	false,
};

/* $1 id, $2 user, $3 role, $4 company id, $5 granted by, $6 approved by, $7 reason. */
const struct db_statement iam_sql_grant_insert = {
	"iam_grant_insert",
	"INSERT INTO role_assignments (id, user_id, role_id, company_id, granted_by, approved_by, reason)"
	" VALUES ($1, $2, $3, $4, $5, $6, $7)",
	false,
};

/*
 * $1 user, $2 assignment, $3 accepted conflicts (JSON array of {company_id,
 * permissions}), $4 reason, $5 requested by, $6 approved by: overrides for
 * exactly the accepted conflicts the user has now, each in its scope.
 */
const struct db_statement iam_sql_grant_insert_overrides = {
	"iam_grant_insert_overrides",
	"INSERT INTO sod_overrides (id, user_id, company_id, permission_a, permission_b,"
	"   assignment_id, reason, requested_by, approved_by)"
	" SELECT gen_random_uuid(), x.user_id, x.company_id, x.permission_a, x.permission_b,"
	"        $2, $4, $5, $6"
	"   FROM iam_sod_conflicts(ARRAY[$1::uuid]) x"
	"  WHERE EXISTS (SELECT 1 FROM jsonb_to_recordset($3::jsonb) o(company_id uuid, permissions jsonb)"
	"                 WHERE o.company_id IS NOT DISTINCT FROM x.company_id"
	"                   AND o.permissions->>0 = x.permission_a AND o.permissions->>1 = x.permission_b)"
	" RETURNING (SELECT code FROM companies WHERE id = company_id) AS company, company_id,"
	"           permission_a, permission_b",
	false,
};

/*
 * $1 user, $2 permission, $3 company code (NULL: globally): whether the user
 * holds the permission globally or in that company ("holds": t or f), the
 * rule of iam_grants_check() read from the tables.
 */
const struct db_statement iam_sql_user_holds_permission = {
	"iam_user_holds_permission",
	"SELECT EXISTS (SELECT 1 FROM role_assignments ra"
	"   JOIN role_permissions rp ON rp.role_id = ra.role_id"
	"   LEFT JOIN companies c ON c.id = ra.company_id"
	"  WHERE ra.user_id = $1 AND rp.permission = $2"
	"    AND (ra.company_id IS NULL OR c.code = $3)) AS holds",
	true,
};

/* $1 assignment. */
const struct db_statement iam_sql_assignment_json = {
	"iam_grant_assignment_json",
	"SELECT " ASSIGNMENT_JSON " FROM role_assignments ra JOIN roles r ON r.id = ra.role_id"
	" LEFT JOIN companies c ON c.id = ra.company_id WHERE ra.id = $1",
	false,
};

/* $1 assignment, $2 user: the assignment when it is that user's. */
const struct db_statement iam_sql_assignment_of_user = {
	"iam_assignments_get",
	"SELECT " ASSIGNMENT_JSON " FROM role_assignments ra"
	" JOIN roles r ON r.id = ra.role_id"
	" LEFT JOIN companies c ON c.id = ra.company_id WHERE ra.id = $1 AND ra.user_id = $2",
	false,
};

/* $1 user: every assignment of the user, as a JSON array. */
const struct db_statement iam_sql_assignments_of_user = {
	"iam_assignments_list",
	"SELECT coalesce(json_agg(" ASSIGNMENT_JSON " ORDER BY r.name, c.code NULLS FIRST), '[]')"
	" FROM role_assignments ra JOIN roles r ON r.id = ra.role_id"
	" LEFT JOIN companies c ON c.id = ra.company_id WHERE ra.user_id = $1",
	true,
};

/* $1 user: a row when the user exists. */
const struct db_statement iam_sql_assignment_user_exists = {
	"iam_assignments_user_exists", "SELECT 1 AS found FROM users WHERE id = $1", true,
};

/*
 * $1 assignment, $2 user: deletes the assignment when it is that user's
 * ("deleted": 1 or 0) and says in which company it was (NULL: global).
 */
const struct db_statement iam_sql_assignment_delete = {
	"iam_assignments_delete",
	"WITH gone AS (DELETE FROM role_assignments WHERE id = $1 AND user_id = $2"
	"   RETURNING company_id)"
	" SELECT count(*) AS deleted, max(company_id::text) AS company_id FROM gone",
	false,
};
