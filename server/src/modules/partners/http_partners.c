/* Partners over HTTP: decode the request, call the use case (partners.c), render. */
#include "modules/partners/internal.h"

/* A member that may be left out (unchanged), given as text, or given as null (cleared). */
static struct partners_text_field text_field(json_t *body, const char *name)
{
	json_t *value = json_object_get(body, name);

	return (struct partners_text_field){ .given = value != NULL,
					     .value = json_string_value(value) };
}

static struct partners_address_field address_field(json_t *body, const char *name)
{
	json_t *value = json_object_get(body, name);

	return (struct partners_address_field){ .given = value != NULL,
						.value = json_is_object(value) ? value : NULL };
}

/* The body as the use cases take it (the route's schema has validated its shape). */
static int decode(struct erp_request *req, struct partners_partner_input *in)
{
	json_t *body = req->body, *roles = json_object_get(body, "roles");
	json_t *days = json_object_get(body, "payment_terms_days");
	json_t *end_of_month = json_object_get(body, "payment_terms_end_of_month");

	in->name = json_string_value(json_object_get(body, "name"));
	if (json_is_array(roles)) {
		const char **names = arena_calloc(req->arena, json_array_size(roles) + 1, sizeof(*names));
		json_t *each;
		size_t i;

		if (!names)
			return ERP_ERR_NO_MEMORY;
		json_array_foreach(roles, i, each)
			names[i] = json_string_value(each);
		in->roles = names;
		in->role_count = json_array_size(roles);
	}
	in->tax_id = text_field(body, "tax_id");
	in->email = text_field(body, "email");
	in->billing_address = address_field(body, "billing_address");
	in->shipping_address = address_field(body, "shipping_address");
	in->terms_days_given = json_is_integer(days);
	in->payment_terms_days = (int)json_integer_value(days);
	in->end_of_month_given = json_is_boolean(end_of_month);
	in->payment_terms_end_of_month = json_is_true(end_of_month);
	in->credit_limit = text_field(body, "credit_limit");
	in->currency = json_string_value(json_object_get(body, "currency"));
	in->receivable_account = text_field(body, "receivable_account");
	in->payable_account = text_field(body, "payable_account");
	return ERP_OK;
}

/* A refused filter as the platform answers a bad query: 422, errors naming the parameter. */
static int respond_query_refusal(struct erp_request *req, const struct erp_refusal *refusal)
{
	json_t *errors = json_array();
	int rc;

	for (size_t i = 0; errors && i < refusal->field_count; i++) {
		const struct erp_field_refusal *f = &refusal->fields[i];
		const char *name = f->pointer[0] == '/' ? f->pointer + 1 : f->pointer;

		if (json_array_append_new(errors, json_pack("{s:s, s:s, s:s}", "parameter", name,
							    "code", f->code ? f->code : "invalid",
							    "detail", f->detail))) {
			json_decref(errors);
			return ERP_ERR_NO_MEMORY;
		}
	}
	if (!errors)
		return ERP_ERR_NO_MEMORY;
	rc = http_respond_invalid(req, "the query parameters are not valid", errors);
	json_decref(errors);
	return rc;
}

int partners_http_list(struct erp_request *req)
{
	struct partners_list_filter filter;
	struct erp_refusal refusal = { 0 };
	const char *filters[6];

	/* None: no company has the path's code (a caller with a global grant named it). */
	if (!req->company)
		return ERP_ERR_NOT_FOUND;
	if (partners_list_filter_from(&refusal, req->query, req->company->id, &filter))
		return respond_query_refusal(req, &refusal);
	filters[0] = filter.company_id;
	filters[1] = filter.role;
	filters[2] = filter.active;
	filters[3] = filter.code_prefix;
	filters[4] = filter.name_prefix;
	filters[5] = filter.tax_id[0] ? filter.tax_id : NULL;
	return paging_respond_list(req, &partners_sql_list, 2, filters, 6);
}

int partners_http_create(struct erp_request *req)
{
	struct partners_partner_input in = {
		.code = json_string_value(json_object_get(req->body, "code")),
	};
	struct erp_ctx ctx;
	json_t *partner;
	int rc = decode(req, &in);

	if (rc)
		return rc;
	http_usecase_ctx(&ctx, req);
	rc = partners_create(&ctx, &in, &partner);
	if (rc)
		return http_respond_failure(req, &ctx, rc);
	http_add_header(req, "Location",
			arena_printf(req->arena, "/api/v1/companies/%s/partners/%s", req->company->code,
				     json_string_value(json_object_get(partner, "code"))));
	return etag_respond_entity(req, 201, partner);
}

int partners_http_get(struct erp_request *req)
{
	struct erp_ctx ctx;
	json_t *partner;
	int rc;

	http_usecase_ctx(&ctx, req);
	rc = partners_read(&ctx, http_param(req, "code"), &partner);
	return rc ? http_respond_failure(req, &ctx, rc) : etag_respond_entity(req, 200, partner);
}

int partners_http_update(struct erp_request *req)
{
	struct partners_partner_input in = { .code = http_param(req, "code") };
	struct erp_ctx ctx;
	json_t *partner;
	int rc;

	if (etag_if_match(req, &in.expected_version))
		return 0;
	rc = decode(req, &in);
	if (rc)
		return rc;
	http_usecase_ctx(&ctx, req);
	rc = partners_update(&ctx, &in, &partner);
	return rc ? http_respond_failure(req, &ctx, rc) : etag_respond_entity(req, 200, partner);
}

static int set_active(struct erp_request *req, bool active)
{
	struct erp_ctx ctx;
	json_t *partner;
	int rc;

	http_usecase_ctx(&ctx, req);
	rc = partners_set_active(&ctx, http_param(req, "code"), active, &partner);
	return rc ? http_respond_failure(req, &ctx, rc) : etag_respond_entity(req, 200, partner);
}

int partners_http_deactivate(struct erp_request *req)
{
	return set_active(req, false);
}

int partners_http_reactivate(struct erp_request *req)
{
	return set_active(req, true);
}
