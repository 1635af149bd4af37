/*
 * What sales' use cases share: the audit event and the domain event of a
 * change, recorded beside it; JSON columns; the ledger's accounts as the
 * rules see them.
 */
#include <stdio.h>
#include <string.h>

#include "common/json.h"
#include "modules/sales/internal.h"
#include "platform/audit/audit.h"
#include "platform/events/events.h"

int sales_record_change(struct erp_ctx *ctx, const struct sales_change_record *record,
			json_t *before, json_t *after)
{
	int rc = audit_record_changes(ctx->db, &(struct audit_event){
		.actor_id = ctx->actor_id, .action = record->action, .company_id = ctx->company->id,
		.entity = record->entity, .entity_id = record->entity_id,
		.request_id = ctx->request_id, .reason = record->reason },
		before, after, record->audited, record->audited_count);

	if (rc)
		return rc;
	return event_record_change(ctx->db, &(struct domain_event){
		.type = record->action, .company_id = ctx->company->id, .entity = record->entity,
		.entity_id = record->entity_id, .actor_id = ctx->actor_id,
		.request_id = ctx->request_id },
		before, after, record->told, record->told_count);
}

void sales_account_from(const PGresult *res, int row, struct sales_account *out)
{
	const char *id = res ? db_value(res, row, "id") : NULL;

	*out = (struct sales_account){ .found = id != NULL };
	if (!id)
		return;
	snprintf(out->id, sizeof(out->id), "%s", id);
	snprintf(out->code, sizeof(out->code), "%s", db_value(res, row, "code"));
	snprintf(out->type, sizeof(out->type), "%s", db_value(res, row, "type"));
	snprintf(out->currency, sizeof(out->currency), "%s", db_value(res, row, "currency"));
	out->active = strcmp(db_value(res, row, "active"), "t") == 0;
}
