/* The caller as they see themselves: who they are, and what they may do where. */
#include <stdlib.h>

#include "common/json.h"
#include "modules/iam/internal.h"
#include "shared-kernel/errors.h"

int iam_me_read(struct erp_ctx *ctx, json_t *grants, json_t **me)
{
	json_t *found, *named, *companies, *perms;
	const char *code;
	const char *params[2];
	char *codes = erp_json_dumps(json_object_get(grants, "companies"), JSON_COMPACT);
	int rc;

	if (!codes || arena_cleanup_add(ctx->arena, free, codes))
		return ERP_ERR_NO_MEMORY;
	params[0] = ctx->actor_id;
	params[1] = codes;
	rc = resource_query_json(ctx->db, ctx->arena, &iam_sql_me, 2, params, &found);
	if (rc)
		return rc;
	/* The companies in the order of the grants, each with its name and effective permissions. */
	named = json_object_get(found, "companies");
	companies = json_array();
	json_object_foreach(json_object_get(grants, "companies"), code, perms) {
		json_t *company = json_object_get(named, code);

		if (company)
			json_array_append_new(companies, json_pack("{s:s, s:O, s:O, s:O}", "code", code,
								   "name", json_object_get(company, "name"),
								   "currency", json_object_get(company, "currency"),
								   "permissions", perms));
	}
	*me = json_pack("{s:O, s:O, s:o}", "user", json_object_get(found, "user"),
			"global_permissions", json_object_get(grants, "global"), "companies", companies);
	if (!*me || arena_cleanup_add(ctx->arena, (arena_cleanup_fn)json_decref, *me)) {
		*me = NULL; /* released by arena_cleanup_add() when it failed */
		return ERP_ERR_NO_MEMORY;
	}
	return ERP_OK;
}
