/* Companies over HTTP: decode the request, call the use case (companies.c), render. */
#include "modules/iam/internal.h"

static const char *body_text(struct erp_request *req, const char *name)
{
	return json_string_value(json_object_get(req->body, name));
}

int iam_companies_create(struct erp_request *req)
{
	struct iam_company_input in = {
		.code = body_text(req, "code"),
		.name = body_text(req, "name"),
		.currency = body_text(req, "currency"),
	};
	struct erp_ctx ctx;
	json_t *company;
	int rc;

	http_usecase_ctx(&ctx, req);
	rc = iam_company_create(&ctx, &in, &company);
	if (rc)
		return iam_respond_failure(req, &ctx, rc);
	http_add_header(req, "Location", arena_printf(req->arena, "/api/v1/companies/%s", in.code));
	return etag_respond_entity(req, 201, company);
}

int iam_companies_list(struct erp_request *req)
{
	return paging_respond_list(req, &iam_sql_companies_list, 1, NULL, 0);
}

int iam_companies_get(struct erp_request *req)
{
	struct erp_ctx ctx;
	json_t *company;
	int rc;

	http_usecase_ctx(&ctx, req);
	rc = iam_company_read(&ctx, req->company_code, &company);
	return rc ? iam_respond_failure(req, &ctx, rc) : etag_respond_entity(req, 200, company);
}

int iam_companies_update(struct erp_request *req)
{
	struct iam_company_input in = {
		.code = req->company_code,
		.name = body_text(req, "name"),
		.currency = body_text(req, "currency"),
	};
	struct erp_ctx ctx;
	json_t *company;
	int rc;

	http_usecase_ctx(&ctx, req);
	/* A body the rules refuse is answered before a missing or stale If-Match. */
	rc = iam_company_check(&ctx.refusal, &in, false);
	if (!rc && etag_if_match(req, &in.expected_version))
		return 0;
	if (!rc)
		rc = iam_company_update(&ctx, &in, &company);
	return rc ? iam_respond_failure(req, &ctx, rc) : etag_respond_entity(req, 200, company);
}
