/*
 * The statements several IAM files share and the authorisation version.
 */

#include "modules/iam/internal.h"
#include "shared-kernel/errors.h"

const struct db_statement iam_sql_session_lookup = {
	"iam_session_lookup",
	"SELECT s.user_id, (SELECT version FROM authz_version),"
	"       s.last_seen_at < now() - interval '60 seconds', u.must_change_password"
	" FROM sessions s JOIN users u ON u.id = s.user_id"
	" WHERE s.token_hash = decode($1, 'hex') AND s.revoked_at IS NULL AND u.active"
	"   AND s.expires_at > now() AND s.last_seen_at > now() - make_interval(secs => $2::int)",
	true,
};

const struct db_statement iam_sql_session_touch = {
	"iam_session_touch",
	"UPDATE sessions SET last_seen_at = now() WHERE token_hash = decode($1, 'hex')",
	false,
};

/* Every (company code or NULL for global, permission) the user holds. */
const struct db_statement iam_sql_user_permissions = {
	"iam_user_permissions",
	"SELECT c.code, rp.permission"
	" FROM role_assignments ra"
	" LEFT JOIN role_permissions rp ON rp.role_id = ra.role_id"
	" LEFT JOIN companies c ON c.id = ra.company_id"
	" WHERE ra.user_id = $1",
	true,
};

static const struct db_statement bump_version = {
	"iam_bump_authz_version", "UPDATE authz_version SET version = version + 1", false,
};

int iam_bump_authz_version(struct db_conn *conn)
{
	return db_query(conn, NULL, &bump_version, 0, NULL, NULL);
}

