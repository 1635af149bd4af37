/*
 * The caller changes their own password: the current one is tried like a
 * login (throttled, audited when wrong), and every other session of theirs
 * ends.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "modules/iam/internal.h"
#include "platform/audit/audit.h"
#include "shared-kernel/errors.h"

struct password_change {
	struct iam_attempt attempt;
	const struct iam_password_input *in;
	char hash[crypto_pwhash_STRBYTES]; /* the new password's, made once across retries */
};

int iam_password_check(struct erp_refusal *refusal, const struct iam_password_input *in)
{
	size_t length = strlen(in->next);

	/* A one-time password is replaced by one of the user's own, not kept. */
	if (strlen(in->current) == length && sodium_memcmp(in->current, in->next, length) == 0)
		return erp_refuse_field_code(refusal, "/new_password", "format",
					     "must differ from the current password");
	return ERP_OK;
}

static int password_work(struct erp_ctx *ctx, void *state)
{
	struct password_change *c = state;
	struct iam_attempt *a = &c->attempt;
	const char *id[] = { ctx->actor_id };
	const char *update[] = { ctx->actor_id, c->hash };
	const char *revoke[] = { ctx->actor_id, c->in->session_hash };
	bool rehash;
	PGresult *res;
	int rc;

	iam_attempt_reset(a);
	rc = db_query(ctx->db, ctx->arena, &iam_sql_password_current, 1, id, &res);
	if (rc)
		return rc;
	if (PQntuples(res) != 1)
		return ERP_ERR_UNAUTHORIZED;
	a->known = true;
	snprintf(a->user_id, sizeof(a->user_id), "%s", ctx->actor_id);
	snprintf(a->email, sizeof(a->email), "%s", db_value(res, 0, "email"));
	iam_throttle_keys(&a->throttle, a->email, a->client_address);
	rc = iam_throttle_begin(ctx->db, ctx->arena, &a->throttle);
	if (rc || iam_attempt_blocked_for_failures(a))
		return rc;
	if (!iam_password_verify(db_value(res, 0, "password_hash"), a->password, &rehash))
		return iam_attempt_fail(ctx->db, a);
	if (!c->hash[0]) {
		rc = iam_password_hash(c->in->next, c->hash);
		if (rc)
			return rc;
	}
	rc = db_query(ctx->db, NULL, &iam_sql_password_set, 2, update, NULL);
	if (!rc)
		rc = db_query(ctx->db, NULL, &iam_sql_sessions_revoke_others, 2, revoke, NULL);
	if (!rc)
		rc = audit_record(ctx->db, &(struct audit_event){
			.actor_id = ctx->actor_id, .action = "iam.user.password_changed",
			.entity = "user", .entity_id = ctx->actor_id, .request_id = ctx->request_id });
	return rc;
}

int iam_password_change(struct erp_ctx *ctx, const struct iam_password_input *in,
			const char **retry_after)
{
	struct password_change *c = arena_calloc(ctx->arena, 1, sizeof(*c));
	int rc;

	*retry_after = NULL;
	if (!c)
		return ERP_ERR_NO_MEMORY;
	rc = iam_password_check(&ctx->refusal, in);
	if (rc)
		return rc;
	c->in = in;
	c->attempt = (struct iam_attempt){ .ctx = ctx, .config = in->config,
					   .action = "iam.password_change.failed",
					   .password = in->current,
					   .client_address = in->client_address };
	rc = iam_transaction_hashing(ctx, password_work, c);
	if (!rc && c->attempt.retry_after) {
		*retry_after = c->attempt.retry_after;
		return iam_attempt_refuse_throttled(&c->attempt);
	}
	if (!rc && c->attempt.failed) {
		erp_refuse(&ctx->refusal, ERP_ERR_INVALID, "the current password is wrong");
		return erp_refuse_field_code(&ctx->refusal, "/current_password", "mismatch",
					     "is not your current password");
	}
	return rc;
}
