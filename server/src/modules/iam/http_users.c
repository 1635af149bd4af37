/* Users over HTTP: decode the request, call the use case (users.c), render. */
#include "modules/iam/internal.h"
#include "shared-kernel/errors.h"

static const char *body_text(struct erp_request *req, const char *name)
{
	return json_string_value(json_object_get(req->body, name));
}

int iam_users_create(struct erp_request *req)
{
	struct iam_user_new in = {
		.email = body_text(req, "email"),
		.display_name = body_text(req, "display_name"),
		.password = body_text(req, "password"),
	};
	struct erp_ctx ctx;
	json_t *user;
	int rc;

	http_usecase_ctx(&ctx, req);
	rc = iam_user_create(&ctx, &in, &user);
	if (rc)
		return iam_respond_failure(req, &ctx, rc);
	http_add_header(req, "Location",
			arena_printf(req->arena, "/api/v1/users/%s",
				     json_string_value(json_object_get(user, "id"))));
	return etag_respond_entity(req, 201, user);
}

int iam_users_list(struct erp_request *req)
{
	json_t *active = json_object_get(req->query, "active");
	const char *filters[] = {
		active ? (json_is_true(active) ? "true" : "false") : NULL,
		json_string_value(json_object_get(req->query, "email")),
	};

	return paging_respond_list(req, &iam_sql_users_list, 2, filters, 2);
}

int iam_users_get(struct erp_request *req)
{
	const char *id = resource_uuid_param(req, "id");
	struct erp_ctx ctx;
	json_t *user;
	int rc;

	if (!id)
		return ERP_ERR_NOT_FOUND;
	http_usecase_ctx(&ctx, req);
	rc = iam_user_read(&ctx, id, &user);
	return rc ? iam_respond_failure(req, &ctx, rc) : etag_respond_entity(req, 200, user);
}

int iam_users_update(struct erp_request *req)
{
	struct iam_user_change in = {
		.id = resource_uuid_param(req, "id"),
		.email = body_text(req, "email"),
		.display_name = body_text(req, "display_name"),
	};
	struct erp_ctx ctx;
	json_t *user;
	int rc;

	if (!in.id)
		return ERP_ERR_NOT_FOUND;
	if (etag_if_match(req, &in.expected_version))
		return 0;
	http_usecase_ctx(&ctx, req);
	rc = iam_user_update(&ctx, &in, &user);
	return rc ? iam_respond_failure(req, &ctx, rc) : etag_respond_entity(req, 200, user);
}

static int set_active(struct erp_request *req, bool active)
{
	const char *id = resource_uuid_param(req, "id");
	struct erp_ctx ctx;
	json_t *user;
	int rc;

	if (!id)
		return ERP_ERR_NOT_FOUND;
	http_usecase_ctx(&ctx, req);
	rc = iam_user_set_active(&ctx, id, active, &user);
	return rc ? iam_respond_failure(req, &ctx, rc) : etag_respond_entity(req, 200, user);
}

int iam_users_deactivate(struct erp_request *req)
{
	return set_active(req, false);
}

int iam_users_reactivate(struct erp_request *req)
{
	return set_active(req, true);
}
