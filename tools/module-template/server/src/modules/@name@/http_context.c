/* What @Name@'s handlers share: the use case's context from the request, and answering its outcome. */
#include "modules/@name@/internal.h"

void @name@_ctx_from_request(struct erp_ctx *ctx, struct erp_request *req)
{
	*ctx = (struct erp_ctx){
		.db = http_db(req),
		.arena = req->arena,
		.actor_id = req->user_id,
		.company = req->company, /* resolved once by the pipeline (IAM owns companies) */
		.request_id = req->request_id,
	};
}

int @name@_respond_failure(struct erp_request *req, const struct erp_ctx *ctx, int rc)
{
	return erp_refused(&ctx->refusal) ? http_respond_refusal(req, &ctx->refusal) : rc;
}

int @name@_respond_entity(struct erp_request *req, int status, json_t *entity)
{
	etag_set(req, entity);
	return http_respond_json(req, status, json_incref(entity));
}
