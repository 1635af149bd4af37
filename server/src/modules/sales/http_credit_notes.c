/*
 * Credit notes over HTTP: decode the request, call the use case
 * (credit_notes.c, credit_posting.c), render. Posting moves money: it
 * honours Idempotency-Key (http_guard.c).
 */
#include "modules/sales/internal.h"

static const char *text_of(json_t *object, const char *name)
{
	return json_string_value(json_object_get(object, name));
}

int sales_http_credit_notes_list(struct erp_request *req)
{
	const char *filters[6];

	if (!req->company)
		return ERP_ERR_NOT_FOUND;
	filters[0] = req->company->id;
	filters[1] = text_of(req->query, "invoice");
	filters[2] = text_of(req->query, "partner");
	filters[3] = text_of(req->query, "status");
	filters[4] = text_of(req->query, "from");
	filters[5] = text_of(req->query, "to");
	return paging_respond_list(req, &sales_sql_credit_notes_list, 2, filters, 6);
}

int sales_http_credit_notes_create(struct erp_request *req)
{
	json_t *array = json_object_get(req->body, "lines");
	struct sales_credit_note_input in = {
		.invoice = text_of(req->body, "invoice"),
		.date = text_of(req->body, "date"),
		.reason = text_of(req->body, "reason"),
		.line_count = json_array_size(array),
	};
	struct sales_credit_line_input *lines = NULL;
	struct erp_ctx ctx;
	json_t *note;
	int rc;

	if (array) {
		lines = arena_calloc(req->arena, in.line_count ? in.line_count : 1, sizeof(*lines));
		if (!lines)
			return ERP_ERR_NO_MEMORY;
		for (size_t i = 0; i < in.line_count; i++)
			lines[i] = (struct sales_credit_line_input){
				.line = (int)json_integer_value(json_object_get(json_array_get(array, i),
										"line")),
				.quantity = text_of(json_array_get(array, i), "quantity"),
			};
		in.lines = lines;
	}
	http_usecase_ctx(&ctx, req);
	rc = sales_credit_note_create(&ctx, &in, &note);
	if (rc)
		return http_respond_failure(req, &ctx, rc);
	http_add_header(req, "Location",
			arena_printf(req->arena, "/api/v1/companies/%s/credit-notes/%s",
				     req->company->code, text_of(note, "id")));
	return etag_respond_entity(req, 201, note);
}

int sales_http_credit_notes_get(struct erp_request *req)
{
	struct erp_ctx ctx;
	json_t *note;
	int rc;

	http_usecase_ctx(&ctx, req);
	rc = sales_credit_note_read(&ctx, resource_uuid_param(req, "id"), &note);
	return rc ? http_respond_failure(req, &ctx, rc) : etag_respond_entity(req, 200, note);
}

int sales_http_credit_notes_delete(struct erp_request *req)
{
	const char *id = resource_uuid_param(req, "id");
	struct erp_ctx ctx;
	int expected_version, rc;

	if (!id)
		return ERP_ERR_NOT_FOUND;
	if (etag_if_match(req, &expected_version))
		return 0;
	http_usecase_ctx(&ctx, req);
	rc = sales_credit_note_delete(&ctx, id, expected_version);
	return rc ? http_respond_failure(req, &ctx, rc) : http_respond_empty(req, 204);
}

int sales_http_credit_notes_post(struct erp_request *req)
{
	struct sales_credit_posting_input in = { .id = resource_uuid_param(req, "id") };
	struct sales_http_guard g = { .req = req };
	const struct sales_post_guard guard = sales_http_guard(&g);
	struct erp_ctx ctx;
	json_t *note = NULL; /* the guard keeps it as the answer */
	int rc;

	if (!in.id)
		return ERP_ERR_NOT_FOUND;
	/* The version the poster read: a posting binds to it. */
	if (etag_if_match(req, &in.expected_version))
		return 0;
	if (idempotency_prepare(req, &g.idem))
		return 0;
	http_usecase_ctx(&ctx, req);
	rc = sales_credit_note_post(&ctx, &in, &guard, &note);
	return sales_http_guarded_answer(req, &g, &ctx, rc);
}
