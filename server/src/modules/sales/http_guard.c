/*
 * The Idempotency-Key (platform/db/idempotency.h) as the guard a posting
 * use case puts around its work (struct sales_post_guard): the claim on
 * the use case's first batch, the answer kept with its COMMIT. One guard
 * for every route of sales that moves money: an invoice's posting, a
 * payment, its reversal.
 */
#include "modules/sales/internal.h"

static void guard_queue(void *state, struct db_batch *batch)
{
	struct sales_http_guard *g = state;

	idempotency_claim_queue(batch, g->req, &g->idem);
}

static int guard_claimed(void *state, bool *replay)
{
	struct sales_http_guard *g = state;

	g->refused = idempotency_claimed(g->req, &g->idem);
	*replay = !g->refused && g->idem.replay;
	return g->refused;
}

/* The answer, kept with the key: a replay sends the same status, body, ETag and Location. */
static int guard_keep(void *state, struct db_conn *db, const char *id, const char *document,
		      int version)
{
	struct sales_http_guard *g = state;
	const char *etag = arena_printf(g->req->arena, "\"%d\"", version);
	const char *location = NULL;

	if (g->created_in)
		location = arena_printf(g->req->arena, "/api/v1/companies/%s/%s/%s",
					g->req->company->code, g->created_in, id);
	if (!etag || (g->created_in && !location))
		return ERP_ERR_NO_MEMORY;
	return idempotency_store(db, g->req, &g->idem, &(struct idempotency_answer){
		.status = g->created_in ? 201 : 200, .body = document, .etag = etag,
		.location = location });
}

struct sales_post_guard sales_http_guard(struct sales_http_guard *g)
{
	return (struct sales_post_guard){ g, guard_queue, guard_claimed, guard_keep };
}

int sales_http_guarded_answer(struct erp_request *req, struct sales_http_guard *g,
			      struct erp_ctx *ctx, int rc)
{
	if (rc && g->refused)
		return idempotency_respond(req, &g->idem, g->refused);
	if (rc)
		return http_respond_failure(req, ctx, rc);
	return idempotency_respond(req, &g->idem, 0); /* the first answer, or its replay */
}
