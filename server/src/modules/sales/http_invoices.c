/*
 * Sales invoices over HTTP: decode the request, call the use case
 * (invoices.c, posting.c), render.
 */
#include "modules/sales/internal.h"

static const char *text_of(json_t *object, const char *name)
{
	return json_string_value(json_object_get(object, name));
}

/* The body as the use cases take it (the route's schema has validated its shape). */
static int decode(struct erp_request *req, struct sales_invoice_input *in)
{
	json_t *array = json_object_get(req->body, "lines");
	struct sales_line_input *lines;

	in->partner = text_of(req->body, "partner");
	in->date = text_of(req->body, "date");
	in->due_date = text_of(req->body, "due_date");
	in->reference = text_of(req->body, "reference");
	in->currency = text_of(req->body, "currency");
	in->line_count = json_array_size(array);
	lines = arena_calloc(req->arena, in->line_count ? in->line_count : 1, sizeof(*lines));
	if (!lines)
		return ERP_ERR_NO_MEMORY;
	for (size_t i = 0; i < in->line_count; i++) {
		json_t *line = json_array_get(array, i);

		lines[i] = (struct sales_line_input){
			.description = text_of(line, "description"),
			.quantity = text_of(line, "quantity"),
			.unit_price = text_of(line, "unit_price"),
			.revenue_account = text_of(line, "revenue_account"),
			.tax_code = text_of(line, "tax_code"),
			.discount_percent = text_of(line, "discount_percent"),
		};
	}
	in->lines = lines;
	return ERP_OK;
}

int sales_http_invoices_list(struct erp_request *req)
{
	const char *filters[5];

	/* None: no company has the path's code (a caller with a global grant named it). */
	if (!req->company)
		return ERP_ERR_NOT_FOUND;
	filters[0] = req->company->id;
	filters[1] = text_of(req->query, "partner");
	filters[2] = text_of(req->query, "status");
	filters[3] = text_of(req->query, "from");
	filters[4] = text_of(req->query, "to");
	return paging_respond_list(req, &sales_sql_invoices_list, 2, filters, 5);
}

int sales_http_invoices_create(struct erp_request *req)
{
	struct sales_invoice_input in = { 0 };
	struct erp_ctx ctx;
	json_t *invoice;
	int rc = decode(req, &in);

	if (rc)
		return rc;
	http_usecase_ctx(&ctx, req);
	rc = sales_invoice_create(&ctx, &in, &invoice);
	if (rc)
		return http_respond_failure(req, &ctx, rc);
	http_add_header(req, "Location",
			arena_printf(req->arena, "/api/v1/companies/%s/sales-invoices/%s",
				     req->company->code, text_of(invoice, "id")));
	return etag_respond_entity(req, 201, invoice);
}

int sales_http_invoices_get(struct erp_request *req)
{
	struct erp_ctx ctx;
	json_t *invoice;
	int rc;

	http_usecase_ctx(&ctx, req);
	rc = sales_invoice_read(&ctx, resource_uuid_param(req, "id"), &invoice);
	return rc ? http_respond_failure(req, &ctx, rc) : etag_respond_entity(req, 200, invoice);
}

int sales_http_invoices_replace(struct erp_request *req)
{
	struct sales_invoice_input in = { .id = resource_uuid_param(req, "id") };
	struct erp_ctx ctx;
	json_t *invoice;
	int rc;

	if (!in.id)
		return ERP_ERR_NOT_FOUND;
	rc = decode(req, &in);
	if (rc)
		return rc;
	http_usecase_ctx(&ctx, req);
	/* A body the rules refuse is answered before a missing or stale If-Match. */
	rc = sales_invoice_input_check(&ctx, &in);
	if (rc)
		return http_respond_failure(req, &ctx, rc);
	if (etag_if_match(req, &in.expected_version))
		return 0;
	rc = sales_invoice_replace(&ctx, &in, &invoice);
	return rc ? http_respond_failure(req, &ctx, rc) : etag_respond_entity(req, 200, invoice);
}

int sales_http_invoices_delete(struct erp_request *req)
{
	const char *id = resource_uuid_param(req, "id");
	struct erp_ctx ctx;
	int expected_version, rc;

	if (!id)
		return ERP_ERR_NOT_FOUND;
	if (etag_if_match(req, &expected_version))
		return 0;
	http_usecase_ctx(&ctx, req);
	rc = sales_invoice_delete(&ctx, id, expected_version);
	return rc ? http_respond_failure(req, &ctx, rc) : http_respond_empty(req, 204);
}

int sales_http_invoices_post(struct erp_request *req)
{
	struct sales_posting_input in = {
		.id = resource_uuid_param(req, "id"),
		.override_reason = text_of(req->body, "override_reason"),
		.may_exceed_credit_limit = http_caller_holds(req, "sales.credit-limit.override"),
	};
	struct sales_http_guard g = { .req = req };
	const struct sales_post_guard guard = sales_http_guard(&g);
	struct erp_ctx ctx;
	json_t *invoice = NULL; /* the guard keeps it as the answer */
	int rc;

	if (!in.id)
		return ERP_ERR_NOT_FOUND;
	/* The version the poster read: a posting binds to it. */
	if (etag_if_match(req, &in.expected_version))
		return 0;
	if (idempotency_prepare(req, &g.idem))
		return 0;
	http_usecase_ctx(&ctx, req);
	rc = sales_invoice_post(&ctx, &in, &guard, &invoice);
	return sales_http_guarded_answer(req, &g, &ctx, rc);
}
