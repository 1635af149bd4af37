-- Sessions per user are capped, and dead sessions are purged (docs/controls.md,
-- "Logins, sessions and rate limits"). At each login the server deletes the
-- user's sessions beyond ERP_SESSIONS_MAX_PER_USER (oldest first) and the
-- user's expired and revoked ones, then a bounded batch of anyone's expired
-- and revoked sessions. These indexes keep each of those statements from
-- scanning the table.

-- Every session of a user, live or dead, newest last (the partial index it
-- replaces skipped revoked sessions, which the purge must find too).
CREATE INDEX sessions_by_user ON sessions (user_id, created_at);
DROP INDEX sessions_user;

-- The global purge: expired sessions in order, and revoked ones.
CREATE INDEX sessions_by_expiry ON sessions (expires_at);
CREATE INDEX sessions_revoked ON sessions (revoked_at) WHERE revoked_at IS NOT NULL;
