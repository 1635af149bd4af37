/* Read-only views over HTTP: the permission catalog (catalog.c) and the audit trail. */
#include "modules/iam/internal.h"

int iam_permissions_list(struct erp_request *req)
{
	struct erp_ctx ctx;
	json_t *catalog;
	int rc;

	http_usecase_ctx(&ctx, req);
	rc = iam_catalog_read(&ctx, &catalog);
	return rc ? iam_respond_failure(req, &ctx, rc)
		  : http_respond_json(req, 200, json_incref(catalog));
}

static const char *text_of(struct erp_request *req, const char *name)
{
	return json_string_value(json_object_get(req->query, name));
}

/* A page of the trail, newest first: paging is the platform's (paging_respond_list). */
int iam_audit_list(struct erp_request *req)
{
	const char *filters[] = {
		text_of(req, "company"), text_of(req, "actor"), text_of(req, "entity"),
		text_of(req, "entity_id"), text_of(req, "action"), text_of(req, "from"),
		text_of(req, "to"),
	};

	return paging_respond_list(req, &iam_sql_audit_list, 2, filters, 7);
}
