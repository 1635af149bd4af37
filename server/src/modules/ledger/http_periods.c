/* Fiscal periods over HTTP: decode the request, call the use case (periods.c), render. */
#include <stdio.h>

#include "modules/ledger/internal.h"
#include "shared-kernel/errors.h"

int ledger_periods_list(struct erp_request *req)
{
	json_t *year = json_object_get(req->query, "fiscal_year");
	char year_text[16];
	const char *filters[] = { ledger_request_company_id(req), NULL };

	if (json_is_integer(year)) {
		snprintf(year_text, sizeof(year_text), "%lld", (long long)json_integer_value(year));
		filters[1] = year_text;
	}
	return paging_respond_list(req, &ledger_sql_periods_list, 2, filters, ERP_COUNT(filters));
}

int ledger_periods_create_year(struct erp_request *req)
{
	json_t *first = json_object_get(req->body, "first_month");
	struct ledger_fiscal_year_new in = {
		.fiscal_year = (int)json_integer_value(json_object_get(req->body, "fiscal_year")),
		.first_month = json_is_integer(first) ? (int)json_integer_value(first) : 1,
	};
	struct erp_ctx ctx;
	json_t *year;
	int rc;

	http_usecase_ctx(&ctx, req);
	rc = ledger_fiscal_year_create(&ctx, &in, &year);
	return rc ? http_respond_failure(req, &ctx, rc) : http_respond_json(req, 201, json_incref(year));
}

/* A step of the {period}'s lifecycle, answered with status when it is taken. */
static int change_period(struct erp_request *req, enum ledger_period_step step, int status)
{
	const char *id = resource_uuid_param(req, "period");
	struct erp_ctx ctx;
	json_t *period;
	int rc;

	if (!id)
		return ERP_ERR_NOT_FOUND;
	http_usecase_ctx(&ctx, req);
	rc = ledger_period_change(&ctx, id, step, &period);
	return rc ? http_respond_failure(req, &ctx, rc) : etag_respond_entity(req, status, period);
}

int ledger_periods_close(struct erp_request *req)
{
	return change_period(req, LEDGER_PERIOD_CLOSE, 200);
}

int ledger_periods_reopen(struct erp_request *req)
{
	return change_period(req, LEDGER_PERIOD_REOPEN, 200);
}

int ledger_periods_request_lock(struct erp_request *req)
{
	return change_period(req, LEDGER_PERIOD_REQUEST_LOCK, 202); /* waits for another user */
}

int ledger_periods_confirm_lock(struct erp_request *req)
{
	return change_period(req, LEDGER_PERIOD_CONFIRM_LOCK, 200);
}

int ledger_periods_cancel_lock(struct erp_request *req)
{
	return change_period(req, LEDGER_PERIOD_CANCEL_LOCK, 200);
}
