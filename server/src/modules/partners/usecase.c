/*
 * How partners' use cases run: in one transaction each, refusing through
 * ctx->refusal (shared-kernel/usecase.h), never with an HTTP status; and the
 * small conversions they share.
 */
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "modules/partners/internal.h"
#include "shared-kernel/uuid.h"

struct attempt {
	struct erp_ctx *ctx;
	partners_work_fn work;
	void *state;
};

static int run_attempt(struct db_conn *db, void *arg)
{
	struct attempt *a = arg;

	(void)db; /* the work runs on a->ctx->db, the same connection */
	a->ctx->refusal = (struct erp_refusal){ 0 };
	return a->work(a->ctx, a->state);
}

int partners_transaction(struct erp_ctx *ctx, partners_work_fn work, void *state)
{
	struct attempt a = { ctx, work, state };
	int rc = db_transaction(ctx->db, run_attempt, &a);

	if (rc != ctx->refusal.code)
		ctx->refusal = (struct erp_refusal){ 0 };
	return rc;
}

int partners_row_json(struct arena *arena, const PGresult *res, const char *name, json_t **out)
{
	const char *text = db_value(res, 0, name);
	json_t *doc;

	if (!text)
		return ERP_ERR_NOT_FOUND;
	doc = erp_json_loadb(text, strlen(text), 0, NULL, NULL);
	if (!doc || arena_cleanup_add(arena, (arena_cleanup_fn)json_decref, doc))
		return ERP_ERR_NO_MEMORY;
	*out = doc;
	return ERP_OK;
}

int partners_json_text(struct arena *arena, json_t *value, const char **out)
{
	char *text;

	*out = NULL;
	if (!value || json_is_null(value))
		return ERP_OK;
	text = erp_json_dumps(value, JSON_COMPACT | JSON_SORT_KEYS);
	if (!text)
		return ERP_ERR_NO_MEMORY;
	*out = arena_strdup(arena, text);
	free(text);
	return *out ? ERP_OK : ERP_ERR_NO_MEMORY;
}

void partners_new_id(char out[40])
{
	struct erp_uuid id;

	erp_uuid_v7(&id);
	erp_uuid_format(&id, out);
}
