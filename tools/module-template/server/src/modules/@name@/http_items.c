/* @Name@'s items over HTTP: decode the request, call the use case (items.c), render. */
#include "modules/@name@/internal.h"

int @name@_items_list(struct erp_request *req)
{
	struct @name@_items_filter filter;
	const char *filters[3];

	/*
	 * The company comes resolved with the request (id, code, currency, from
	 * IAM, which owns companies), so the store names only @name@'s tables.
	 * None: no company has the path's code.
	 */
	if (!req->company)
		return ERP_ERR_NOT_FOUND;
	if (!@name@_items_filter_from(req->query, req->company->id, &filter))
		return resource_field_error(req, "/prefix", "the prefix is empty or too long");
	filters[0] = filter.company_id;
	filters[1] = filter.prefix;
	filters[2] = filter.active;
	return paging_respond_list(req, &@name@_sql_items_list, 2, filters, 3);
}

int @name@_items_get(struct erp_request *req)
{
	struct erp_ctx ctx;
	json_t *item;
	int rc;

	http_usecase_ctx(&ctx, req);
	rc = @name@_item_read(&ctx, http_param(req, "code"), &item);
	return rc ? http_respond_failure(req, &ctx, rc) : etag_respond_entity(req, 200, item);
}

int @name@_items_create(struct erp_request *req)
{
	struct @name@_item_input in = {
		.code = json_string_value(json_object_get(req->body, "code")),
		.name = json_string_value(json_object_get(req->body, "name")),
	};
	struct erp_ctx ctx;
	json_t *item;
	int rc;

	http_usecase_ctx(&ctx, req);
	rc = @name@_item_create(&ctx, &in, &item);
	if (rc)
		return http_respond_failure(req, &ctx, rc);
	http_add_header(req, "Location",
			arena_printf(req->arena, "/api/v1/companies/%s/@path@/items/%s",
				     req->company->code, json_string_value(json_object_get(item, "code"))));
	return etag_respond_entity(req, 201, item);
}
