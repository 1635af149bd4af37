/*
 * Logging in and out. A password being tried (here, and by a password
 * change in password.c) is an attempt: serialised per account and
 * throttled (throttle.c), counted and audited when wrong, and computed
 * under a password-hashing slot (hash_limit.c).
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "modules/iam/internal.h"
#include "platform/audit/audit.h"
#include "platform/ops/log.h"
#include "shared-kernel/errors.h"

/* --- attempts ---------------------------------------------------------------------------- */

void iam_attempt_reset(struct iam_attempt *a)
{
	a->known = a->failed = false;
	a->retry_after = a->throttled_why = NULL;
}

/* Marks the attempt throttled when retry_after holds seconds (iam_throttle_begin()); true if so. */
static bool throttled_by(struct iam_attempt *a, const char *retry_after, const char *why)
{
	if (!retry_after[0])
		return false;
	a->retry_after = retry_after;
	a->throttled_why = why;
	return true;
}

bool iam_attempt_blocked_for_failures(struct iam_attempt *a)
{
	return throttled_by(a, a->throttle.failures_retry_after,
			    "too many failed attempts; try again later");
}

/*
 * Whether the account has logged in ERP_LOGIN_MAX_SUCCESSES times in the
 * window. Asked only once the password proved right, so the answer tells
 * nothing to someone who does not hold it.
 */
static bool blocked_for_successes(struct iam_attempt *a)
{
	return throttled_by(a, a->throttle.successes_retry_after,
			    "too many logins to this account; try again later");
}

int iam_attempt_fail(struct db_conn *db, struct iam_attempt *a)
{
	json_t *changes = json_pack("{s:{s:s}}", "email", "new", a->email);
	int rc;

	if (!changes) /* an audit event without its changes would hide what was done */
		return ERP_ERR_NO_MEMORY;
	rc = iam_throttle_failure(db, &a->throttle, a->config);
	if (!rc)
		rc = audit_record(db, &(struct audit_event){
			.actor_id = a->known ? a->user_id : NULL, .action = a->action, .entity = "user",
			.entity_id = a->known ? a->user_id : NULL, .request_id = a->ctx->request_id,
			.changes = changes });
	json_decref(changes);
	a->failed = true;
	return rc;
}

int iam_attempt_refuse_throttled(struct iam_attempt *a)
{
	return a->retry_after ? erp_refuse(&a->ctx->refusal, ERP_ERR_THROTTLED, a->throttled_why)
			      : ERP_OK;
}

/* --- log in ------------------------------------------------------------------------------ */

struct login {
	struct iam_attempt attempt;
	char token_hash[65];
	struct iam_session_started session;
	char new_hash[crypto_pwhash_STRBYTES];
	bool rehash;                /* new_hash holds the password hashed with today's parameters */
};

/* The login's audit changes: a rehash, and sessions the cap ended; NULL with rc 0 when none. */
static int success_changes(const struct login *l, json_t **out)
{
	json_t *changes = json_object();
	int rc = changes ? 0 : -1;

	if (!rc && l->rehash)
		rc = json_object_set_new(changes, "password_hash",
					 json_pack("{s:s}", "new", "rehashed with current parameters"));
	if (!rc && l->session.ended_over_cap)
		rc = json_object_set_new(changes, "sessions_ended",
					 json_pack("{s:I}", "new", (json_int_t)l->session.ended_over_cap));
	if (rc || !json_object_size(changes)) {
		json_decref(changes);
		*out = NULL;
		return rc ? ERP_ERR_NO_MEMORY : ERP_OK;
	}
	*out = changes;
	return ERP_OK;
}

static int record_success(struct erp_ctx *ctx, struct login *l)
{
	struct iam_attempt *a = &l->attempt;
	const char *rehash[] = { a->user_id, l->new_hash };
	json_t *changes = NULL;
	int rc;

	rc = iam_session_start(ctx->db, ctx->arena, a->config, a->user_id, l->token_hash, &l->session);
	if (!rc && l->rehash)
		rc = db_query(ctx->db, NULL, &iam_sql_login_rehash, 2, rehash, NULL);
	if (!rc)
		rc = iam_throttle_success(ctx->db, &a->throttle, a->config);
	if (!rc)
		rc = success_changes(l, &changes);
	if (!rc)
		rc = audit_record(ctx->db, &(struct audit_event){
			.actor_id = a->user_id, .action = "iam.login.succeeded", .entity = "user",
			.entity_id = a->user_id, .request_id = ctx->request_id, .changes = changes });
	json_decref(changes);
	return rc;
}

static int login_work(struct erp_ctx *ctx, void *state)
{
	struct login *l = state;
	struct iam_attempt *a = &l->attempt;
	const char *email = a->email, *hash, *active;
	bool rehash = false, ok = false;
	PGresult *res;
	int rc;

	iam_attempt_reset(a);
	rc = iam_throttle_begin(ctx->db, ctx->arena, &a->throttle);
	if (rc || iam_attempt_blocked_for_failures(a))
		return rc;
	rc = db_query(ctx->db, ctx->arena, &iam_sql_login_credentials, 1, &email, &res);
	if (rc)
		return rc;
	if (PQntuples(res) == 1) {
		a->known = true;
		snprintf(a->user_id, sizeof(a->user_id), "%s", db_value(res, 0, "id"));
		hash = db_value(res, 0, "password_hash");
		active = db_value(res, 0, "active");
		ok = iam_password_verify(hash, a->password, &rehash) && strcmp(active, "t") == 0;
	} else {
		iam_password_verify_dummy(a->password); /* same time for unknown accounts */
	}
	if (!ok)
		return iam_attempt_fail(ctx->db, a);
	if (blocked_for_successes(a))
		return ERP_OK; /* nothing written: no session, no count */
	if (rehash && !l->rehash) {
		rc = iam_password_hash(a->password, l->new_hash);
		if (rc)
			return rc;
		l->rehash = true;
	}
	return record_success(ctx, l);
}

int iam_log_in(struct erp_ctx *ctx, const struct iam_login_input *in,
	       struct iam_login_outcome *out)
{
	struct login *l = arena_calloc(ctx->arena, 1, sizeof(*l));
	struct iam_attempt *a;
	int rc;

	*out = (struct iam_login_outcome){ 0 };
	if (!l)
		return ERP_ERR_NO_MEMORY;
	a = &l->attempt;
	*a = (struct iam_attempt){ .ctx = ctx, .config = in->config, .action = "iam.login.failed",
				   .password = in->password, .client_address = in->client_address };
	snprintf(a->email, sizeof(a->email), "%s", in->email);
	iam_lowercase(a->email);
	iam_throttle_keys(&a->throttle, a->email, in->client_address);
	iam_token_new(out->token, l->token_hash);

	rc = iam_transaction_hashing(ctx, login_work, l);
	if (!rc && a->retry_after) {
		out->retry_after = a->retry_after;
		return iam_attempt_refuse_throttled(a);
	}
	if (!rc && a->failed) {
		log_event(ERP_LOG_WARN, "iam.login_failed", NULL, "failed login (request %s)",
			  ctx->request_id);
		return erp_refuse(&ctx->refusal, ERP_ERR_UNAUTHORIZED, "invalid email or password");
	}
	if (rc)
		return rc;
	{
		const char *fields[] = { "user", a->user_id, NULL };

		log_event(ERP_LOG_INFO, "iam.login_succeeded", fields, "login (request %s)",
			  ctx->request_id);
	}
	snprintf(out->expires_at, sizeof(out->expires_at), "%s", l->session.expires_at);
	return iam_user_read(ctx, a->user_id, &out->user);
}

/* --- log out ----------------------------------------------------------------------------- */

static int logout_work(struct erp_ctx *ctx, void *state)
{
	const char *const *token_hash = state;
	int rc = db_query(ctx->db, NULL, &iam_sql_session_revoke, 1, token_hash, NULL);

	if (!rc)
		rc = audit_record(ctx->db, &(struct audit_event){
			.actor_id = ctx->actor_id, .action = "iam.logout", .entity = "user",
			.entity_id = ctx->actor_id, .request_id = ctx->request_id });
	return rc;
}

int iam_log_out(struct erp_ctx *ctx, const char *token_hash)
{
	return db_usecase_transaction(ctx, logout_work, &token_hash);
}
