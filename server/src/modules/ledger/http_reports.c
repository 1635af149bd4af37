/* Reports: the trial balance on a date and an account's ledger with its running balance. */
#include <stdio.h>
#include <string.h>

#include "modules/ledger/internal.h"
#include "shared-kernel/errors.h"

int ledger_trial_balance(struct erp_request *req)
{
	const char *params[] = { ledger_request_company_id(req),
				 json_string_value(json_object_get(req->query, "as_of")) };
	char today[11];
	json_t *report;
	int rc;

	if (!params[0])
		return ERP_ERR_NOT_FOUND;
	if (!params[1]) {
		ledger_today(today);
		params[1] = today;
	}
	rc = resource_query_json(http_db(req), req->arena, &ledger_sql_trial_balance, 2, params, &report);
	return rc ? rc : http_respond_json(req, 200, json_incref(report));
}

int ledger_account_ledger(struct erp_request *req)
{
	const char *key[] = { ledger_request_company_id(req), http_param(req, "code") };
	const char *filters[] = { key[0], key[1],
				  json_string_value(json_object_get(req->query, "from")),
				  json_string_value(json_object_get(req->query, "to")) };
	PGresult *res;
	int rc;

	if (!key[0])
		return ERP_ERR_NOT_FOUND;
	rc = db_query(http_db(req), req->arena, &ledger_sql_report_account, 2, key, &res);
	if (rc)
		return rc;
	if (PQntuples(res) == 0)
		return ERP_ERR_NOT_FOUND;
	return paging_respond_list(req, &ledger_sql_account_ledger, 2, filters, ERP_COUNT(filters));
}
