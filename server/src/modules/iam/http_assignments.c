/* Role assignments over HTTP: decode the request, call the use case (assignments.c), render. */
#include "modules/iam/internal.h"
#include "shared-kernel/errors.h"

int iam_assignments_grant(struct erp_request *req)
{
	json_t *company = json_object_get(req->body, "company");
	struct iam_grant_input in = {
		.user_id = resource_uuid_param(req, "id"),
		.role = json_string_value(json_object_get(req->body, "role")),
		.company = json_is_string(company) ? json_string_value(company) : NULL,
		.reason = json_string_value(json_object_get(req->body, "reason")),
		.override = json_is_true(json_object_get(req->body, "override")),
	};
	struct iam_grant_outcome out;
	struct erp_ctx ctx;
	int rc;

	if (!in.user_id)
		return ERP_ERR_NOT_FOUND;
	http_usecase_ctx(&ctx, req);
	rc = iam_assignment_grant(&ctx, &in, &out);
	if (rc)
		return iam_respond_failure(req, &ctx, rc);
	if (out.pending) {
		http_add_header(req, "Location",
				arena_printf(req->arena, "/api/v1/role-grant-requests/%s", out.id));
		return http_respond_json(req, 202, json_incref(out.body));
	}
	http_add_header(req, "Location", arena_printf(req->arena, "/api/v1/users/%s/role-assignments/%s",
						      in.user_id, out.id));
	return http_respond_json(req, 201, json_incref(out.body));
}

int iam_assignments_list(struct erp_request *req)
{
	const char *user_id = resource_uuid_param(req, "id");
	struct erp_ctx ctx;
	json_t *items;
	int rc;

	if (!user_id)
		return ERP_ERR_NOT_FOUND;
	http_usecase_ctx(&ctx, req);
	rc = iam_assignments_of(&ctx, user_id, &items);
	return rc ? iam_respond_failure(req, &ctx, rc)
		  : http_respond_json(req, 200, json_pack("{s:O}", "items", items));
}

int iam_assignments_revoke(struct erp_request *req)
{
	const char *user_id = resource_uuid_param(req, "id");
	const char *id = resource_uuid_param(req, "assignment");
	struct erp_ctx ctx;
	int rc;

	if (!user_id || !id)
		return ERP_ERR_NOT_FOUND;
	http_usecase_ctx(&ctx, req);
	rc = iam_assignment_revoke(&ctx, user_id, id);
	return rc ? iam_respond_failure(req, &ctx, rc) : http_respond_empty(req, 204);
}
