/*
 * How IAM's use cases run: in one transaction each, refusing through
 * ctx->refusal (shared-kernel/usecase.h), never with an HTTP status.
 */
#include "modules/iam/internal.h"
#include "shared-kernel/errors.h"

struct attempt {
	struct erp_ctx *ctx;
	iam_work_fn work;
	void *state;
};

static int run_attempt(struct db_conn *db, void *arg)
{
	struct attempt *a = arg;

	(void)db; /* the work runs on a->ctx->db, the same connection */
	a->ctx->refusal = (struct erp_refusal){ 0 };
	return a->work(a->ctx, a->state);
}

int iam_transaction(struct erp_ctx *ctx, iam_work_fn work, void *state)
{
	struct attempt a = { ctx, work, state };
	int rc = db_transaction(ctx->db, run_attempt, &a);

	if (rc != ctx->refusal.code)
		ctx->refusal = (struct erp_refusal){ 0 };
	return rc;
}

int iam_transaction_hashing(struct erp_ctx *ctx, iam_work_fn work, void *state)
{
	int rc;

	if (!iam_hash_limit_take())
		return iam_refuse_busy(ctx);
	rc = iam_transaction(ctx, work, state);
	iam_hash_limit_release();
	return rc;
}

int iam_refuse(struct erp_ctx *ctx, int code, const char *detail)
{
	return detail ? erp_refuse(&ctx->refusal, code, detail) : ERP_ERR_NO_MEMORY;
}

int iam_refuse_busy(struct erp_ctx *ctx)
{
	return erp_refuse(&ctx->refusal, ERP_ERR_UNAVAILABLE,
			  "the server is busy verifying other logins; try again in a second");
}
