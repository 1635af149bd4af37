/*
 * Reports over HTTP: the trial balance (reports.c), the profit and loss and
 * the balance sheet (financial_statements.c), and an account's ledger, a
 * list of its posted lines.
 */
#include "modules/ledger/internal.h"
#include "shared-kernel/errors.h"

int ledger_trial_balance(struct erp_request *req)
{
	struct erp_ctx ctx;
	json_t *report;
	int rc;

	http_usecase_ctx(&ctx, req);
	rc = ledger_report_trial_balance(&ctx, json_string_value(json_object_get(req->query, "from")),
					 json_string_value(json_object_get(req->query, "as_of")), &report);
	return rc ? http_respond_failure(req, &ctx, rc) : http_respond_json(req, 200, json_incref(report));
}

/* The query's text member name, or NULL. */
static const char *query_text(const struct erp_request *req, const char *name)
{
	return json_string_value(json_object_get(req->query, name));
}

int ledger_profit_and_loss(struct erp_request *req)
{
	struct erp_ctx ctx;
	json_t *report;
	int rc;

	http_usecase_ctx(&ctx, req);
	rc = ledger_report_profit_and_loss(&ctx, query_text(req, "from"), query_text(req, "to"),
					   query_text(req, "compare"), &report);
	return rc ? http_respond_failure(req, &ctx, rc) : http_respond_json(req, 200, json_incref(report));
}

int ledger_balance_sheet(struct erp_request *req)
{
	struct erp_ctx ctx;
	json_t *report;
	int rc;

	http_usecase_ctx(&ctx, req);
	rc = ledger_report_balance_sheet(&ctx, query_text(req, "as_of"), query_text(req, "compare"),
					 &report);
	return rc ? http_respond_failure(req, &ctx, rc) : http_respond_json(req, 200, json_incref(report));
}

int ledger_account_ledger(struct erp_request *req)
{
	const char *code = http_param(req, "code");
	const char *filters[] = { ledger_request_company_id(req), code,
				  json_string_value(json_object_get(req->query, "from")),
				  json_string_value(json_object_get(req->query, "to")) };
	struct erp_ctx ctx;
	int rc;

	http_usecase_ctx(&ctx, req);
	rc = ledger_report_account_check(&ctx, code);
	if (rc)
		return http_respond_failure(req, &ctx, rc);
	return paging_respond_list(req, &ledger_sql_account_ledger, 2, filters, ERP_COUNT(filters));
}

int ledger_integrity_report(struct erp_request *req)
{
	const char *company = ledger_request_company_id(req);
	struct erp_ctx ctx;
	json_t *report;
	int rc;

	http_usecase_ctx(&ctx, req);
	if (!company)
		return ERP_ERR_NOT_FOUND;
	rc = resource_query_json(ctx.db, ctx.arena, &ledger_sql_integrity_report, 1, &company, &report);
	return rc ? http_respond_failure(req, &ctx, rc) : http_respond_json(req, 200, json_incref(report));
}
