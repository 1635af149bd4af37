/* Reports: the trial balance on a date, and whether an account's ledger can be listed. */
#include <string.h>

#include "modules/ledger/internal.h"
#include "shared-kernel/errors.h"

int ledger_report_trial_balance(struct erp_ctx *ctx, const char *from, const char *as_of,
				json_t **report)
{
	const char *params[3];
	char today[11];

	if (!ctx->company)
		return ERP_ERR_NOT_FOUND;
	if (!as_of) {
		ledger_today(today);
		as_of = today;
	}
	if (from && strcmp(from, as_of) > 0)
		return erp_refuse_field_code(&ctx->refusal, "/from", "range",
					     "from is after as_of: the range is empty");
	params[0] = ctx->company->id;
	params[1] = as_of;
	params[2] = from;
	return resource_query_json(ctx->db, ctx->arena, &ledger_sql_trial_balance, 3, params, report);
}

int ledger_report_account_check(struct erp_ctx *ctx, const char *code)
{
	const char *params[2];
	PGresult *res;
	int rc;

	if (!ctx->company)
		return ERP_ERR_NOT_FOUND;
	params[0] = ctx->company->id;
	params[1] = code;
	rc = db_query(ctx->db, ctx->arena, &ledger_sql_report_account, 2, params, &res);
	if (rc)
		return rc;
	return db_value(res, 0, "found") ? ERP_OK : ERP_ERR_NOT_FOUND;
}
