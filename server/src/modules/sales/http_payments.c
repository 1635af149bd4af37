/*
 * Customer payments over HTTP: decode the request, call the use case
 * (payments.c, allocations.c), render. A payment's record and its reversal
 * move money: both honour Idempotency-Key (http_guard.c).
 */
#include "modules/sales/internal.h"

static const char *text_of(json_t *object, const char *name)
{
	return json_string_value(json_object_get(object, name));
}

/* "allocations": a list of {invoice, amount}, or the word "auto" (the schema let only those in). */
static int decode_allocations(struct erp_request *req, json_t *value,
			      struct sales_allocations_input *out)
{
	struct sales_allocation_input *list;

	*out = (struct sales_allocations_input){ .list_pointer = "/allocations" };
	if (json_is_string(value)) {
		out->automatic = true;
		return ERP_OK;
	}
	out->count = json_array_size(value);
	list = arena_calloc(req->arena, out->count ? out->count : 1, sizeof(*list));
	if (!list)
		return ERP_ERR_NO_MEMORY;
	for (size_t i = 0; i < out->count; i++)
		list[i] = (struct sales_allocation_input){
			.invoice = text_of(json_array_get(value, i), "invoice"),
			.amount = text_of(json_array_get(value, i), "amount"),
		};
	out->list = list;
	return ERP_OK;
}

int sales_http_payments_list(struct erp_request *req)
{
	const char *filters[5];

	if (!req->company)
		return ERP_ERR_NOT_FOUND;
	filters[0] = req->company->id;
	filters[1] = text_of(req->query, "partner");
	filters[2] = text_of(req->query, "status");
	filters[3] = text_of(req->query, "from");
	filters[4] = text_of(req->query, "to");
	return paging_respond_list(req, &sales_sql_payments_list, 2, filters, 5);
}

int sales_http_payments_create(struct erp_request *req)
{
	struct sales_payment_input in = {
		.partner = text_of(req->body, "partner"),
		.date = text_of(req->body, "date"),
		.amount = text_of(req->body, "amount"),
		.bank_account = text_of(req->body, "bank_account"),
		.reference = text_of(req->body, "reference"),
	};
	struct sales_http_guard g = { .req = req, .created_in = "customer-payments" };
	const struct sales_post_guard guard = sales_http_guard(&g);
	struct erp_ctx ctx;
	json_t *payment = NULL; /* the guard keeps it as the answer */
	int rc = decode_allocations(req, json_object_get(req->body, "allocations"), &in.allocations);

	if (rc)
		return rc;
	if (idempotency_prepare(req, &g.idem))
		return 0;
	http_usecase_ctx(&ctx, req);
	rc = sales_payment_create(&ctx, &in, &guard, &payment);
	return sales_http_guarded_answer(req, &g, &ctx, rc);
}

int sales_http_payments_get(struct erp_request *req)
{
	struct erp_ctx ctx;
	json_t *payment;
	int rc;

	http_usecase_ctx(&ctx, req);
	rc = sales_payment_read(&ctx, resource_uuid_param(req, "id"), &payment);
	return rc ? http_respond_failure(req, &ctx, rc) : etag_respond_entity(req, 200, payment);
}

int sales_http_payments_reverse(struct erp_request *req)
{
	struct sales_reversal_input in = {
		.id = resource_uuid_param(req, "id"),
		.date = text_of(req->body, "date"),
		.reason = text_of(req->body, "reason"),
	};
	struct sales_http_guard g = { .req = req };
	const struct sales_post_guard guard = sales_http_guard(&g);
	struct erp_ctx ctx;
	json_t *payment = NULL; /* the guard keeps it as the answer */
	int rc;

	if (!in.id)
		return ERP_ERR_NOT_FOUND;
	/* The version the caller read: a reversal binds to it. */
	if (etag_if_match(req, &in.expected_version))
		return 0;
	if (idempotency_prepare(req, &g.idem))
		return 0;
	http_usecase_ctx(&ctx, req);
	rc = sales_payment_reverse(&ctx, &in, &guard, &payment);
	return sales_http_guarded_answer(req, &g, &ctx, rc);
}

int sales_http_payments_allocate(struct erp_request *req)
{
	const char *id = resource_uuid_param(req, "id");
	struct sales_allocation_input one = {
		.invoice = text_of(req->body, "invoice"),
		.amount = text_of(req->body, "amount"),
	};
	struct sales_allocations_input in = {
		.automatic = json_is_true(json_object_get(req->body, "auto")),
	};
	struct erp_ctx ctx;
	json_t *payment;
	int rc;

	if (!id)
		return ERP_ERR_NOT_FOUND;
	http_usecase_ctx(&ctx, req);
	/* One of the two: an invoice, or "auto": true. */
	if (in.automatic == (one.invoice != NULL))
		return http_respond_failure(req, &ctx, erp_refuse_field_code(
			&ctx.refusal, one.invoice ? "/auto" : "/invoice", "required",
			"name an invoice, or send \"auto\": true to allocate to the oldest open"
			" invoices first; not both"));
	if (in.automatic) {
		in.automatic_cap = one.amount;
	} else {
		in.list = &one;
		in.count = 1;
	}
	rc = sales_payment_allocate(&ctx, id, &in, &payment);
	return rc ? http_respond_failure(req, &ctx, rc) : etag_respond_entity(req, 200, payment);
}

int sales_http_allocations_delete(struct erp_request *req)
{
	const char *id = resource_uuid_param(req, "id");
	const char *allocation = resource_uuid_param(req, "allocation");
	struct erp_ctx ctx;
	int rc;

	if (!id || !allocation)
		return ERP_ERR_NOT_FOUND;
	http_usecase_ctx(&ctx, req);
	rc = sales_allocation_undo(&ctx, id, allocation);
	return rc ? http_respond_failure(req, &ctx, rc) : http_respond_empty(req, 204);
}
