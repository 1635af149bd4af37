/* Tax codes over HTTP: decode the request, call the use case (tax_codes.c), render. */
#include "modules/sales/internal.h"

static const char *body_text(const struct erp_request *req, const char *name)
{
	return json_string_value(json_object_get(req->body, name));
}

/* The body as the use cases take it (the route's schema has validated its shape). */
static void decode(const struct erp_request *req, struct sales_tax_code_input *in)
{
	json_t *input_account = json_object_get(req->body, "input_account");
	json_t *active = json_object_get(req->body, "active");

	in->name = body_text(req, "name");
	in->rate = body_text(req, "rate");
	in->output_account = body_text(req, "output_account");
	in->input_account = (struct sales_text_field){ .given = input_account != NULL,
						       .value = json_string_value(input_account) };
	in->active = json_is_boolean(active) ? json_is_true(active) : -1;
}

int sales_http_tax_codes_list(struct erp_request *req)
{
	json_t *active = json_object_get(req->query, "active");
	const char *filters[2];

	/* None: no company has the path's code (a caller with a global grant named it). */
	if (!req->company)
		return ERP_ERR_NOT_FOUND;
	filters[0] = req->company->id;
	filters[1] = json_is_boolean(active) ? (json_is_true(active) ? "true" : "false") : NULL;
	return paging_respond_list(req, &sales_sql_tax_codes_list, 2, filters, 2);
}

int sales_http_tax_codes_create(struct erp_request *req)
{
	struct sales_tax_code_input in = { .code = body_text(req, "code") };
	struct erp_ctx ctx;
	json_t *tax_code;
	int rc;

	decode(req, &in);
	http_usecase_ctx(&ctx, req);
	rc = sales_tax_code_create(&ctx, &in, &tax_code);
	if (rc)
		return http_respond_failure(req, &ctx, rc);
	http_add_header(req, "Location",
			arena_printf(req->arena, "/api/v1/companies/%s/tax-codes/%s", req->company->code,
				     json_string_value(json_object_get(tax_code, "code"))));
	return etag_respond_entity(req, 201, tax_code);
}

int sales_http_tax_codes_get(struct erp_request *req)
{
	struct erp_ctx ctx;
	json_t *tax_code;
	int rc;

	http_usecase_ctx(&ctx, req);
	rc = sales_tax_code_read(&ctx, http_param(req, "code"), &tax_code);
	return rc ? http_respond_failure(req, &ctx, rc) : etag_respond_entity(req, 200, tax_code);
}

int sales_http_tax_codes_update(struct erp_request *req)
{
	struct sales_tax_code_input in = { .code = http_param(req, "code") };
	struct erp_ctx ctx;
	json_t *tax_code;
	int rc;

	decode(req, &in);
	http_usecase_ctx(&ctx, req);
	/* A body the rules refuse is answered before a missing or stale If-Match. */
	rc = sales_tax_code_check(&ctx.refusal, &in, false, &(int64_t){ 0 });
	if (rc)
		return http_respond_failure(req, &ctx, rc);
	if (etag_if_match(req, &in.expected_version))
		return 0;
	rc = sales_tax_code_update(&ctx, &in, &tax_code);
	return rc ? http_respond_failure(req, &ctx, rc) : etag_respond_entity(req, 200, tax_code);
}
