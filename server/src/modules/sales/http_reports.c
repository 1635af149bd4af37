/*
 * The receivables reports over HTTP: the aging of the company's customers
 * on a day, and a customer's statement over a range (a path under
 * partners/{code}: it is the customer's, but sales keeps its documents). The
 * use cases keep their documents in the arena; the answer takes a reference
 * of its own.
 */
#include "modules/sales/internal.h"

static const char *text_of(json_t *object, const char *name)
{
	return json_string_value(json_object_get(object, name));
}

int sales_http_receivables_aging(struct erp_request *req)
{
	struct erp_ctx ctx;
	json_t *report;
	int rc;

	http_usecase_ctx(&ctx, req);
	rc = sales_receivables_aging(&ctx, text_of(req->query, "as_of"), &report);
	return rc ? http_respond_failure(req, &ctx, rc) : http_respond_json(req, 200, json_incref(report));
}

int sales_http_partner_statement(struct erp_request *req)
{
	struct erp_ctx ctx;
	json_t *statement;
	int rc;

	http_usecase_ctx(&ctx, req);
	rc = sales_customer_statement(&ctx, http_param(req, "code"), text_of(req->query, "from"),
				      text_of(req->query, "to"), &statement);
	return rc ? http_respond_failure(req, &ctx, rc) : http_respond_json(req, 200, json_incref(statement));
}
