/* What IAM's handlers add to answering a use case's outcome (platform/http/http.h). */
#include "modules/iam/internal.h"
#include "shared-kernel/errors.h"

int iam_respond_failure(struct erp_request *req, const struct erp_ctx *ctx, int rc)
{
	/* IAM refuses ERP_ERR_UNAVAILABLE only when every password-hashing slot is taken. */
	if (erp_refused(&ctx->refusal) && ctx->refusal.code == ERP_ERR_UNAVAILABLE)
		http_add_header(req, "Retry-After", "1");
	return http_respond_failure(req, ctx, rc);
}
