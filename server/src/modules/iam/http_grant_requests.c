/* Grant requests over HTTP: decode the request, call the use case (grant_requests.c), render. */
#include "modules/iam/internal.h"
#include "shared-kernel/errors.h"

int iam_grant_requests_list(struct erp_request *req)
{
	const char *filters[] = {
		json_string_value(json_object_get(req->query, "status")),
		json_string_value(json_object_get(req->query, "user")),
	};

	return paging_respond_list(req, &iam_sql_grant_requests_list, 1, filters, ERP_COUNT(filters));
}

int iam_grant_requests_get(struct erp_request *req)
{
	const char *id = resource_uuid_param(req, "id");
	struct erp_ctx ctx;
	json_t *request;
	int rc;

	if (!id)
		return ERP_ERR_NOT_FOUND;
	http_usecase_ctx(&ctx, req);
	rc = iam_grant_request_read(&ctx, id, &request);
	return rc ? iam_respond_failure(req, &ctx, rc) : etag_respond_entity(req, 200, request);
}

static int decide(struct erp_request *req, bool approve)
{
	const char *id = resource_uuid_param(req, "id");
	struct erp_ctx ctx;
	json_t *request;
	int rc;

	if (!id)
		return ERP_ERR_NOT_FOUND;
	http_usecase_ctx(&ctx, req);
	rc = iam_grant_request_decide(&ctx, id, approve, &request);
	return rc ? iam_respond_failure(req, &ctx, rc) : etag_respond_entity(req, 200, request);
}

int iam_grant_requests_approve(struct erp_request *req)
{
	return decide(req, true);
}

int iam_grant_requests_reject(struct erp_request *req)
{
	return decide(req, false);
}
