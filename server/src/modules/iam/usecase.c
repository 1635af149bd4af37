/*
 * How IAM's use cases run beyond every module's way (platform/db/usecase.h):
 * under a password-hashing slot, and refusing for want of one.
 */
#include "modules/iam/internal.h"
#include "shared-kernel/errors.h"

int iam_transaction_hashing(struct erp_ctx *ctx, db_usecase_fn work, void *state)
{
	int rc;

	if (!iam_hash_limit_take())
		return iam_refuse_busy(ctx);
	rc = db_usecase_transaction(ctx, work, state);
	iam_hash_limit_release();
	return rc;
}

int iam_refuse_busy(struct erp_ctx *ctx)
{
	return erp_refuse(&ctx->refusal, ERP_ERR_UNAVAILABLE,
			  "the server is busy verifying other logins; try again in a second");
}
