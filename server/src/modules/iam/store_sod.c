/*
 * The statements of segregation of duties (sod.c). The rule itself is the
 * database function iam_sod_conflicts() (migration 20261203000000_iam_controls),
 * which the admin scripts call too.
 */
#include "modules/iam/internal.h"

#define CONFLICT_COLUMNS                                                                     \
	"SELECT u.email, c.code AS company, x.company_id, x.permission_a, x.permission_b,"    \
	"       x.description"

/* $1 user, $2 role (or NULL), $3 company id (or NULL): as if the grant were made. */
const struct db_statement iam_sql_sod_grant_conflicts = {
	"iam_sod_grant_conflicts",
	CONFLICT_COLUMNS
	" FROM iam_sod_conflicts(ARRAY[$1::uuid], $2::uuid, $3::uuid) x"
	" JOIN users u ON u.id = x.user_id LEFT JOIN companies c ON c.id = x.company_id"
	" ORDER BY c.code NULLS FIRST, x.permission_a, x.permission_b",
	false,
};

/* $1 role: the conflicts of everyone who holds it. */
const struct db_statement iam_sql_sod_holder_conflicts = {
	"iam_sod_holder_conflicts",
	CONFLICT_COLUMNS
	" FROM iam_sod_conflicts(ARRAY(SELECT DISTINCT user_id FROM role_assignments"
	"                              WHERE role_id = $1::uuid)) x"
	" JOIN users u ON u.id = x.user_id LEFT JOIN companies c ON c.id = x.company_id"
	" ORDER BY u.email, c.code NULLS FIRST, x.permission_a, x.permission_b",
	false,
};

/* $1 a permission set (JSON array text): a pair it holds both sides of, if any. */
const struct db_statement iam_sql_sod_pair_in_set = {
	"iam_sod_pair_in_set",
	"SELECT permission_a, permission_b, description FROM sod_rules"
	" WHERE permission_a IN (SELECT jsonb_array_elements_text($1::jsonb))"
	"   AND permission_b IN (SELECT jsonb_array_elements_text($1::jsonb)) LIMIT 1",
	true,
};

/* $1 user: the lock the admin scripts take too (iam_sod_lock_users); it blocks no login. */
const struct db_statement iam_sql_sod_lock_user = {
	"iam_sod_lock_user",
	"WITH locked AS (SELECT iam_sod_lock_users(ARRAY[$1::uuid]))"
	" SELECT u.active FROM locked, users u WHERE u.id = $1",
	false,
};

/* $1 role: locks every holder of the role, in id order. */
const struct db_statement iam_sql_sod_lock_holders = {
	"iam_sod_lock_holders",
	"SELECT iam_sod_lock_users(ARRAY(SELECT user_id FROM role_assignments WHERE role_id = $1))",
	false,
};
