/*
 * IAM's statements for authentication, sessions and login throttling, the
 * authorisation version, and reading a row's columns by name. The other
 * statements are in store_<resource>.c (store.h lists them all).
 */

#include "modules/iam/internal.h"
#include "shared-kernel/errors.h"

/*
 * A live session of token hash $1 (idle after $2 s) and what the cache keeps
 * of it: its user, whether the password must change, the authorisation
 * version, whether last_seen_at is a minute old, and in milliseconds from
 * now its absolute end, its idle end and when it is next a minute old.
 */
const struct db_statement iam_sql_session_lookup = {
	"iam_session_lookup",
	"SELECT s.user_id, (SELECT version FROM authz_version) AS authz_version,"
	"       s.last_seen_at < now() - interval '60 seconds' AS needs_touch,"
	"       u.must_change_password,"
	"       floor(extract(epoch FROM s.expires_at - now()) * 1000)::bigint AS expires_in_ms,"
	"       floor(extract(epoch FROM s.last_seen_at - now()) * 1000)::bigint + $2::bigint * 1000"
	"         AS idle_in_ms,"
	"       floor(extract(epoch FROM s.last_seen_at - now()) * 1000)::bigint + 60000 AS touch_in_ms"
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

/* A company's id by its code (the {company} of paths, a grant's "company"). */
const struct db_statement iam_sql_company_id = {
	"iam_company_id", "SELECT id FROM companies WHERE code = $1", true,
};

/* A company's scope by its code: what a request naming it works with (platform/http/auth.h). */
const struct db_statement iam_sql_company_scope = {
	"iam_company_scope", "SELECT id, code, currency FROM companies WHERE code = $1", true,
};

/*
 * Every (company code or NULL for global, permission) the user holds, and
 * the authorisation version they were read at (one row of NULLs when the
 * user holds nothing, so the version is always there).
 */
const struct db_statement iam_sql_user_permissions = {
	"iam_user_permissions",
	"SELECT v.version AS authz_version, g.code, g.permission"
	" FROM authz_version v LEFT JOIN ("
	"   SELECT c.code, rp.permission FROM role_assignments ra"
	"   LEFT JOIN role_permissions rp ON rp.role_id = ra.role_id"
	"   LEFT JOIN companies c ON c.id = ra.company_id"
	"   WHERE ra.user_id = $1) g ON true",
	true,
};

/* --- sessions (sessions.c) ---------------------------------------------------------------- */

const struct db_statement iam_sql_session_insert = {
	"iam_session_insert",
	"INSERT INTO sessions (token_hash, user_id, expires_at)"
	" VALUES (decode($1, 'hex'), $2, now() + make_interval(secs => $3::int))"
	" RETURNING to_char(expires_at, 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS expires_at",
	false,
};

/*
 * After user $1 logged in with session $2: deletes their live sessions beyond
 * the newest $3 - 1 others (the new one makes $3), and their dead ones
 * (revoked, expired, or unused for $4 s). Counts both.
 */
const struct db_statement iam_sql_sessions_end_over_cap = {
	"iam_sessions_end_over_cap",
	"WITH live AS ("
	"  SELECT token_hash, row_number() OVER (ORDER BY created_at DESC, token_hash DESC) AS newer"
	"  FROM sessions"
	"  WHERE user_id = $1 AND token_hash <> decode($2, 'hex') AND revoked_at IS NULL"
	"    AND expires_at > now() AND last_seen_at > now() - make_interval(secs => $4::int)),"
	" ended AS ("
	"  DELETE FROM sessions s"
	"  WHERE s.user_id = $1 AND s.token_hash <> decode($2, 'hex')"
	"    AND (s.revoked_at IS NOT NULL OR s.expires_at <= now()"
	"         OR s.last_seen_at <= now() - make_interval(secs => $4::int)"
	"         OR s.token_hash IN (SELECT token_hash FROM live WHERE newer >= $3::int))"
	"  RETURNING s.token_hash IN (SELECT token_hash FROM live) AS was_live)"
	" SELECT count(*) FILTER (WHERE was_live) AS over_cap,"
	"        count(*) FILTER (WHERE NOT was_live) AS dead"
	" FROM ended",
	false,
};

/*
 * Deletes up to $1 expired and up to $1 revoked sessions of anyone, skipping
 * rows another transaction holds: each login removes more dead sessions than
 * it adds, so the table stays bounded by the live ones and those not yet expired.
 */
const struct db_statement iam_sql_sessions_purge = {
	"iam_sessions_purge",
	"WITH expired AS ("
	"  SELECT token_hash FROM sessions WHERE expires_at <= now() ORDER BY expires_at"
	"  LIMIT $1::int FOR UPDATE SKIP LOCKED),"
	" revoked AS ("
	"  SELECT token_hash FROM sessions WHERE revoked_at IS NOT NULL"
	"  LIMIT $1::int FOR UPDATE SKIP LOCKED)"
	" DELETE FROM sessions WHERE token_hash IN (SELECT token_hash FROM expired"
	"                                           UNION ALL SELECT token_hash FROM revoked)",
	false,
};

/* --- login throttling (throttle.c) ----------------------------------------------------- *
 * login_throttle holds one row per key ('pair:<address> <email>', 'address:<address>',
 * 'success:<email>'); its failures column counts the key's events in the window:
 * failed attempts, or for success keys, successful logins.
 */

const struct db_statement iam_sql_throttle_lock = {
	"iam_throttle_lock", "SELECT pg_advisory_xact_lock(hashtext($1))", false,
};

/* Seconds until the failure keys ($1, $2) and the success key ($3) unblock; NULL: not blocked. */
const struct db_statement iam_sql_throttle_blocked = {
	"iam_throttle_blocked",
	"SELECT ceil(extract(epoch FROM max(blocked_until) FILTER (WHERE key <> $3) - now()))::int"
	"         AS failures_retry_s,"
	"       ceil(extract(epoch FROM max(blocked_until) FILTER (WHERE key = $3) - now()))::int"
	"         AS successes_retry_s"
	" FROM login_throttle WHERE key IN ($1, $2, $3) AND blocked_until > now()",
	true,
};

/* Counts an event against key $1 in a window of $2 s; the $3rd blocks it until the window ends. */
const struct db_statement iam_sql_throttle_count = {
	"iam_throttle_count",
	"INSERT INTO login_throttle AS t (key, failures, window_start) VALUES ($1, 1, now())"
	" ON CONFLICT (key) DO UPDATE SET"
	"  failures = CASE WHEN t.window_start < now() - make_interval(secs => $2::int)"
	"                  THEN 1 ELSE t.failures + 1 END,"
	"  window_start = CASE WHEN t.window_start < now() - make_interval(secs => $2::int)"
	"                      THEN now() ELSE t.window_start END,"
	"  blocked_until = CASE WHEN (CASE WHEN t.window_start < now() - make_interval(secs => $2::int)"
	"                                  THEN 1 ELSE t.failures + 1 END) >= $3::int"
	"                       THEN now() + make_interval(secs => $2::int) ELSE t.blocked_until END",
	false,
};

/* Rows whose window has passed and that block nothing: random emails' failures must not pile up. */
const struct db_statement iam_sql_throttle_purge = {
	"iam_throttle_purge",
	"DELETE FROM login_throttle WHERE window_start < now() - make_interval(secs => $1::int)"
	" AND (blocked_until IS NULL OR blocked_until < now())",
	false,
};

const struct db_statement iam_sql_throttle_clear = {
	"iam_throttle_clear", "DELETE FROM login_throttle WHERE key = $1", false,
};

static const struct db_statement bump_version = {
	"iam_bump_authz_version", "UPDATE authz_version SET version = version + 1", false,
};

int iam_bump_authz_version(struct db_conn *conn)
{
	return db_query(conn, NULL, &bump_version, 0, NULL, NULL);
}
