/*
 * The statements of logging in and out, of the caller's password and of
 * the caller's profile (login.c, password.c, me.c).
 */
#include "modules/iam/internal.h"

/* $1 email (lower-case): the account a login tries. */
const struct db_statement iam_sql_login_credentials = {
	"iam_user_credentials", "SELECT id, password_hash, active FROM users WHERE email = $1", true,
};

/* $1 user, $2 the password's hash made with the current parameters. */
const struct db_statement iam_sql_login_rehash = {
	"iam_user_set_hash", "UPDATE users SET password_hash = $2 WHERE id = $1", false,
};

/* $1 the hex hash of the session's token. */
const struct db_statement iam_sql_session_revoke = {
	"iam_session_revoke",
	"UPDATE sessions SET revoked_at = now() WHERE token_hash = decode($1, 'hex') AND revoked_at IS NULL",
	false,
};

/* $1 user, $2 the hex hash of the one session to keep. */
const struct db_statement iam_sql_sessions_revoke_others = {
	"iam_sessions_revoke_others",
	"UPDATE sessions SET revoked_at = now()"
	" WHERE user_id = $1 AND token_hash <> decode($2, 'hex') AND revoked_at IS NULL",
	false,
};

/* $1 user: the hash a password change checks the current password against. */
const struct db_statement iam_sql_password_current = {
	"iam_user_password_hash", "SELECT password_hash, email FROM users WHERE id = $1", false,
};

/* $1 user, $2 the new password's hash: no longer one an administrator set. */
const struct db_statement iam_sql_password_set = {
	"iam_user_change_password",
	"UPDATE users SET password_hash = $2, password_changed_at = now(), updated_at = now(),"
	" must_change_password = false, version = version + 1 WHERE id = $1",
	false,
};

/*
 * $1 user, $2 a JSON object whose keys are the codes of the companies they
 * hold roles in: the user and those companies' names, in one round trip.
 */
const struct db_statement iam_sql_me = {
	"iam_me_json",
	"SELECT json_build_object("
	" 'user', json_build_object('id', u.id, 'email', u.email, 'display_name', u.display_name,"
	"   'active', u.active, 'must_change_password', u.must_change_password,"
	"   'version', u.version, 'created_at', u.created_at, 'updated_at', u.updated_at),"
	" 'companies', (SELECT coalesce(json_object_agg(code, json_build_object('code', code,"
	"   'name', name, 'currency', currency)), '{}') FROM companies"
	"   WHERE code IN (SELECT jsonb_object_keys($2::jsonb))))"
	" FROM users u WHERE u.id = $1",
	true,
};
