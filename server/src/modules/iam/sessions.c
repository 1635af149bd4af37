/*
 * Starting a session at login: the new session row, the cap on live
 * sessions per user (ERP_SESSIONS_MAX_PER_USER: the oldest beyond it end),
 * and the purge of dead sessions, the user's own and a bounded batch of
 * anyone's, so the table cannot grow without end. The statements are in
 * store.c.
 */
#include <stdio.h>
#include <stdlib.h>

#include "modules/iam/internal.h"
#include "platform/ops/config.h"
#include "shared-kernel/errors.h"

/* Expired and revoked sessions of anyone deleted per login (each kind). */
enum { PURGE_BATCH = 64 };

static long column_number(PGresult *res, const char *name)
{
	const char *text = db_value(res, 0, name);

	return text ? strtol(text, NULL, 10) : 0;
}

int iam_session_start(struct db_conn *db, struct arena *arena, const struct erp_config *config,
		      const char *user_id, const char *token_hash, struct iam_session_started *out)
{
	char ttl[16], cap[16], idle[16], batch[16];
	const char *session[] = { token_hash, user_id, ttl };
	const char *end[] = { user_id, token_hash, cap, idle };
	const char *purge[] = { batch };
	PGresult *res;
	int rc;

	snprintf(ttl, sizeof(ttl), "%u", config->session_ttl_s);
	snprintf(cap, sizeof(cap), "%u", config->sessions_max_per_user);
	snprintf(idle, sizeof(idle), "%u", config->session_idle_s);
	snprintf(batch, sizeof(batch), "%d", PURGE_BATCH);
	rc = db_query(db, arena, &iam_sql_session_insert, 3, session, &res);
	if (rc)
		return rc;
	snprintf(out->expires_at, sizeof(out->expires_at), "%s",
		 PQgetvalue(res, 0, PQfnumber(res, "expires_at")));
	/* Logins of one account are serialised (throttle.c), so two cannot both stay under the cap. */
	rc = db_query(db, arena, &iam_sql_sessions_end_over_cap, 4, end, &res);
	if (rc)
		return rc;
	out->ended_over_cap = column_number(res, "over_cap");
	return db_query(db, NULL, &iam_sql_sessions_purge, 1, purge, NULL);
}
