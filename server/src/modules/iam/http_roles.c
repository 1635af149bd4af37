/* Roles over HTTP: decode the request, call the use case (roles.c), render. */
#include "modules/iam/internal.h"
#include "shared-kernel/errors.h"

/* The body's "permissions" (validated: an array of strings) as a set in the arena. */
static int decode_permissions(struct erp_request *req, struct iam_permission_set *set)
{
	json_t *list = json_object_get(req->body, "permissions"), *item;
	const char **names;
	size_t i;

	*set = (struct iam_permission_set){ .given = list != NULL };
	if (!list || json_array_size(list) == 0)
		return ERP_OK;
	names = arena_alloc(req->arena, json_array_size(list) * sizeof(*names));
	if (!names)
		return ERP_ERR_NO_MEMORY;
	json_array_foreach(list, i, item)
		names[i] = json_string_value(item);
	set->names = names;
	set->count = json_array_size(list);
	return ERP_OK;
}

static const char *body_text(struct erp_request *req, const char *name)
{
	return json_string_value(json_object_get(req->body, name));
}

int iam_roles_create(struct erp_request *req)
{
	struct iam_role_input in = {
		.name = body_text(req, "name"),
		.description = body_text(req, "description"),
		.copy_of = body_text(req, "copy_of"),
	};
	struct erp_ctx ctx;
	json_t *role;
	int rc = decode_permissions(req, &in.permissions);

	if (rc)
		return rc;
	http_usecase_ctx(&ctx, req);
	rc = iam_role_create(&ctx, &in, &role);
	if (rc)
		return iam_respond_failure(req, &ctx, rc);
	http_add_header(req, "Location", arena_printf(req->arena, "/api/v1/roles/%s", in.name));
	return etag_respond_entity(req, 201, role);
}

int iam_roles_list(struct erp_request *req)
{
	return paging_respond_list(req, &iam_sql_roles_list, 2, NULL, 0);
}

int iam_roles_get(struct erp_request *req)
{
	struct erp_ctx ctx;
	json_t *role;
	int rc;

	http_usecase_ctx(&ctx, req);
	rc = iam_role_read(&ctx, http_param(req, "role"), &role);
	return rc ? iam_respond_failure(req, &ctx, rc) : etag_respond_entity(req, 200, role);
}

int iam_roles_update(struct erp_request *req)
{
	struct iam_role_input in = {
		.name = http_param(req, "role"),
		.description = body_text(req, "description"),
	};
	struct erp_ctx ctx;
	json_t *role;
	int rc = decode_permissions(req, &in.permissions);

	if (rc)
		return rc;
	if (etag_if_match(req, &in.expected_version))
		return 0;
	http_usecase_ctx(&ctx, req);
	rc = iam_role_update(&ctx, &in, &role);
	return rc ? iam_respond_failure(req, &ctx, rc) : etag_respond_entity(req, 200, role);
}

int iam_roles_delete(struct erp_request *req)
{
	struct erp_ctx ctx;
	int rc;

	http_usecase_ctx(&ctx, req);
	rc = iam_role_delete(&ctx, http_param(req, "role"));
	return rc ? iam_respond_failure(req, &ctx, rc) : http_respond_empty(req, 204);
}
