/* The permission catalog as the modules declared it, and the segregation-of-duties pairs. */
#include "modules/iam/internal.h"

int iam_catalog_read(struct erp_ctx *ctx, json_t **catalog)
{
	return resource_query_json(ctx->db, ctx->arena, &iam_sql_permission_catalog, 0, NULL, catalog);
}
