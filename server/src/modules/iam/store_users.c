/* The statements of users (users.c): a user as clients see it, and its changes. */
#include "modules/iam/internal.h"

#define USER_JSON                                                                          \
	"json_build_object('id', id, 'email', email, 'display_name', display_name,"        \
	" 'active', active, 'must_change_password', must_change_password,"                 \
	" 'version', version, 'created_at', created_at, 'updated_at', updated_at)"

/* $1 id, $2 email (lower-case), $3 display name, $4 password hash. */
const struct db_statement iam_sql_user_insert = {
	"iam_users_insert",
	/* The password an administrator sets is one-time: its owner chooses their own at first login. */
	"INSERT INTO users (id, email, display_name, password_hash, must_change_password)"
	" VALUES ($1, $2, $3, $4, true)"
	" RETURNING " USER_JSON,
	false,
};

/* $1/$2 the cursor's keys (email, id), $3 active, $4 email prefix, $5 page size + 1. */
const struct db_statement iam_sql_users_list = {
	"iam_users_list",
	PAGING_SQL("SELECT " USER_JSON " AS j, email AS k1, id::text AS k2 FROM users"
		   " WHERE ($1::text IS NULL OR (email, id::text) > ($1, $2))"
		   "   AND ($3::boolean IS NULL OR active = $3::boolean)"
		   "   AND ($4::text IS NULL OR starts_with(email, $4))"
		   " ORDER BY email, id::text LIMIT $5::int", "$5"),
	true,
};

/* $1 id. */
const struct db_statement iam_sql_user_get = {
	"iam_users_get", "SELECT " USER_JSON " FROM users WHERE id = $1", true,
};

/* $1 id: the user as it is before a change, locked until commit. */
const struct db_statement iam_sql_user_lock = {
	"iam_users_lock", "SELECT " USER_JSON " FROM users WHERE id = $1 FOR UPDATE", false,
};

/* $1 id, $2 display name, $3 email (lower-case); NULL keeps either. */
const struct db_statement iam_sql_user_update = {
	"iam_users_update",
	"UPDATE users SET display_name = coalesce($2, display_name), email = coalesce($3, email),"
	" version = version + 1, updated_at = now() WHERE id = $1 RETURNING " USER_JSON,
	false,
};

/* $1 id, $2 active ("true" or "false"). */
const struct db_statement iam_sql_user_set_active = {
	"iam_users_set_active",
	"UPDATE users SET active = $2::boolean, version = version + 1, updated_at = now()"
	" WHERE id = $1 RETURNING " USER_JSON,
	false,
};

/* $1 id: every session of the user ends. */
const struct db_statement iam_sql_user_sessions_revoke = {
	"iam_users_revoke_sessions",
	"UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL",
	false,
};
