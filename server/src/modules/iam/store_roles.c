/* The statements of roles (roles.c): a role as clients see it, its permission set, its changes. */
#include "modules/iam/internal.h"

#define ROLE_JSON                                                                          \
	"json_build_object('id', r.id, 'name', r.name, 'description', r.description,"      \
	" 'system', r.system, 'version', r.version,"                                       \
	" 'permissions', (SELECT coalesce(json_agg(permission ORDER BY permission), '[]')"  \
	"                 FROM role_permissions WHERE role_id = r.id),"                      \
	" 'created_at', r.created_at, 'updated_at', r.updated_at)"

/* $1 a permission set (JSON array text): the names the catalog lacks, ", "-joined, or NULL. */
const struct db_statement iam_sql_role_unknown_permissions = {
	"iam_roles_unknown_permissions",
	"SELECT string_agg(p, ', ' ORDER BY p) AS unknown FROM jsonb_array_elements_text($1::jsonb) p"
	" WHERE p NOT IN (SELECT name FROM permissions)",
	true,
};

/* $1 name: a role to copy, its permission set (JSON array text) and description. */
const struct db_statement iam_sql_role_copy_source = {
	"iam_roles_copy_source",
	"SELECT (SELECT coalesce(jsonb_agg(permission ORDER BY permission), '[]'::jsonb)"
	"          FROM role_permissions WHERE role_id = r.id)::text AS permissions, r.description"
	" FROM roles r WHERE r.name = $1",
	true,
};

/*
 * $1 role, $2 its new permission set (JSON array text): the privileged
 * permissions the set adds ("added", ", "-joined, or NULL), and how many
 * users hold the role ("holders").
 */
const struct db_statement iam_sql_role_added_privileged = {
	"iam_roles_added_privileged",
	"SELECT (SELECT string_agg(p, ', ' ORDER BY p) FROM jsonb_array_elements_text($2::jsonb) p"
	"         WHERE iam_is_privileged(p)"
	"           AND p NOT IN (SELECT permission FROM role_permissions WHERE role_id = $1)) AS added,"
	"       (SELECT count(DISTINCT user_id) FROM role_assignments WHERE role_id = $1) AS holders",
	false,
};

/* $1 id, $2 name, $3 description (NULL: empty). */
const struct db_statement iam_sql_role_insert = {
	"iam_roles_insert",
	"INSERT INTO roles (id, name, description) VALUES ($1, $2, coalesce($3, ''))",
	false,
};

/* $1 role, $2 its permission set (JSON array text). */
const struct db_statement iam_sql_role_set_permissions = {
	"iam_roles_set_permissions",
	/* One statement's CTEs share a snapshot: deleting every row and re-inserting a kept
	 * one collides with itself, so only the dropped permissions are deleted. */
	"WITH dropped AS (DELETE FROM role_permissions WHERE role_id = $1"
	"  AND permission NOT IN (SELECT jsonb_array_elements_text($2::jsonb)))"
	" INSERT INTO role_permissions (role_id, permission)"
	" SELECT DISTINCT $1::uuid, p FROM jsonb_array_elements_text($2::jsonb) p"
	" ON CONFLICT DO NOTHING",
	false,
};

/* $1/$2 the cursor's keys (name, id), $3 page size + 1. */
const struct db_statement iam_sql_roles_list = {
	"iam_roles_list",
	PAGING_SQL("SELECT " ROLE_JSON " AS j, r.name AS k1, r.id::text AS k2 FROM roles r"
		   " WHERE ($1::text IS NULL OR (r.name, r.id::text) > ($1, $2))"
		   " ORDER BY r.name, r.id::text LIMIT $3::int", "$3"),
	true,
};

/* $1 name. */
const struct db_statement iam_sql_role_get = {
	"iam_roles_get", "SELECT " ROLE_JSON " FROM roles r WHERE r.name = $1", true,
};

/* $1 name: the role as it is before a change, locked until commit. */
const struct db_statement iam_sql_role_lock = {
	"iam_roles_lock", "SELECT " ROLE_JSON " FROM roles r WHERE r.name = $1 FOR UPDATE", false,
};

/* $1 id, $2 description (NULL: unchanged): a new version. */
const struct db_statement iam_sql_role_touch = {
	"iam_roles_touch",
	"UPDATE roles SET description = coalesce($2, description), version = version + 1,"
	" updated_at = now() WHERE id = $1",
	false,
};

/* $1 id. */
const struct db_statement iam_sql_role_assignment_count = {
	"iam_roles_assigned",
	"SELECT count(*) AS assignments FROM role_assignments WHERE role_id = $1",
	false,
};

/* $1 id. */
const struct db_statement iam_sql_role_delete = {
	"iam_roles_delete", "DELETE FROM roles WHERE id = $1", false,
};
