/* A use case's transaction (platform/db/usecase.h). */
#include "platform/db/usecase.h"

#include "platform/db/db.h"

struct attempt {
	struct erp_ctx *ctx;
	db_usecase_fn work;
	void *state;
};

static int run_attempt(struct db_conn *db, void *arg)
{
	struct attempt *a = arg;

	(void)db; /* the work runs on a->ctx->db, the same connection */
	a->ctx->refusal = (struct erp_refusal){ 0 };
	return a->work(a->ctx, a->state);
}

int db_usecase_transaction(struct erp_ctx *ctx, db_usecase_fn work, void *state)
{
	struct attempt a = { ctx, work, state };
	int rc = db_transaction(ctx->db, run_attempt, &a);

	if (rc != ctx->refusal.code)
		ctx->refusal = (struct erp_refusal){ 0 };
	return rc;
}
