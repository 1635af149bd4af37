/*
 * The company's retained-earnings account, a ledger setting: where a
 * fiscal year's close moves the year's result (year_close.c). Named by a
 * holder of ledger.settings.manage at the settings' version read; audited
 * and announced (ledger.settings.retained_earnings_set). The close itself is
 * four-eyes, and its confirmer sees the account in the closing entry.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modules/ledger/internal.h"
#include "platform/audit/audit.h"
#include "platform/events/events.h"
#include "shared-kernel/errors.h"

struct retained_change {
	const char *account;
	int expected_version;
	json_t *before;
	json_t *after;
};

/* The account's id when it may hold retained earnings; a refusal on /account otherwise. */
static int check_account(struct erp_ctx *ctx, const char *code, const char **id)
{
	const char *params[] = { ctx->company->id, code };
	PGresult *res;
	int rc = db_query(ctx->db, ctx->arena, &ledger_sql_settings_retained_account, 2, params, &res);

	if (rc)
		return rc;
	if (PQntuples(res) == 0)
		return erp_refuse_field_code(&ctx->refusal, "/account", "unknown",
					     "no such account in the company");
	if (strcmp(db_value(res, 0, "type"), "equity") != 0)
		return erp_refuse_field_code(&ctx->refusal, "/account", "mismatch",
					     "retained earnings are kept on an equity account");
	if (strcmp(db_value(res, 0, "currency"), ctx->company->currency) != 0)
		return erp_refuse_field_code(&ctx->refusal, "/account", "mismatch",
					     "retained earnings are kept in the company's currency");
	if (strcmp(db_value(res, 0, "active"), "t") != 0)
		return erp_refuse_field_code(&ctx->refusal, "/account", "inactive",
					     "the account is inactive");
	*id = db_value(res, 0, "id");
	return ERP_OK;
}

static int set_work(struct erp_ctx *ctx, void *state)
{
	static const char *const fields[] = { "retained_earnings_account" };
	static const char *const event_fields[] = { "retained_earnings_account", "version" };
	struct retained_change *c = state;
	const char *company = ctx->company->id, *params[2] = { company };
	int rc = db_query(ctx->db, NULL, &ledger_sql_settings_ensure, 1, &company, NULL);

	if (!rc)
		rc = resource_query_json(ctx->db, ctx->arena, &ledger_sql_settings_lock, 1, &company,
					 &c->before);
	if (rc)
		return rc;
	if (json_integer_value(json_object_get(c->before, "version")) != c->expected_version)
		return erp_refuse(&ctx->refusal, ERP_ERR_STALE,
				  "the ledger settings were changed since you read them; read them again");
	rc = check_account(ctx, c->account, &params[1]);
	if (!rc)
		rc = resource_query_json(ctx->db, ctx->arena, &ledger_sql_settings_set_retained, 2, params,
					 &c->after);
	if (!rc)
		rc = audit_record_changes(ctx->db, &(struct audit_event){
			.actor_id = ctx->actor_id, .action = "ledger.settings.retained_earnings_set",
			.company_id = company, .entity = "ledger_settings", .entity_id = company,
			.request_id = ctx->request_id }, c->before, c->after, fields, ERP_COUNT(fields));
	return rc ? rc : event_record_change(ctx->db, &(struct domain_event){
		.type = "ledger.settings.retained_earnings_set", .company_id = company,
		.entity = "ledger_settings", .entity_id = company, .actor_id = ctx->actor_id,
		.request_id = ctx->request_id }, c->before, c->after, event_fields,
		ERP_COUNT(event_fields));
}

int ledger_settings_set_retained_earnings(struct erp_ctx *ctx, const char *account,
					  int expected_version, json_t **settings)
{
	struct retained_change c = { .account = account, .expected_version = expected_version };
	int rc;

	if (!ctx->company)
		return ERP_ERR_NOT_FOUND;
	rc = db_usecase_transaction(ctx, set_work, &c);
	if (!rc)
		*settings = c.after;
	return rc;
}
