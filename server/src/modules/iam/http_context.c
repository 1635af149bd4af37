/* What IAM's handlers share: the use case's context from the request, and answering its outcome. */
#include "modules/iam/internal.h"
#include "shared-kernel/errors.h"

void iam_ctx_from_request(struct erp_ctx *ctx, struct erp_request *req)
{
	*ctx = (struct erp_ctx){
		.db = http_db(req),
		.arena = req->arena,
		.actor_id = req->user_id,
		.company = req->company,
		.request_id = req->request_id,
	};
}

int iam_respond_failure(struct erp_request *req, const struct erp_ctx *ctx, int rc)
{
	if (!erp_refused(&ctx->refusal))
		return rc;
	/* IAM refuses ERP_ERR_UNAVAILABLE only when every password-hashing slot is taken. */
	if (ctx->refusal.code == ERP_ERR_UNAVAILABLE)
		http_add_header(req, "Retry-After", "1");
	return http_respond_refusal(req, &ctx->refusal);
}

int iam_respond_entity(struct erp_request *req, int status, json_t *entity)
{
	etag_set(req, entity);
	return http_respond_json(req, status, json_incref(entity));
}
