/*
 * Companies: create, read, change (against the version read). The code is
 * the company's name in URLs and never changes; the currency is the one its
 * books are kept in, fixed once the ledger has posted in it.
 */
#include <string.h>

#include "modules/iam/internal.h"
#include "platform/audit/audit.h"
#include "platform/events/events.h"
#include "shared-kernel/errors.h"
#include "shared-kernel/money.h"
#include "shared-kernel/uuid.h"

struct company_change {
	const struct iam_company_input *in;
	char id[40];
	json_t *before;
	json_t *after;
};

/*
 * The SQLSTATE (restrict_violation) of the ledger's trigger refusing a
 * currency change of a company with posted journal entries (migration
 * 20261203000100_ledger_controls).
 */
static const char currency_fixed_state[] = "23001";

int iam_company_check(struct erp_refusal *refusal, const struct iam_company_input *in,
		      bool creating)
{
	if (creating && !iam_is_company_code(in->code))
		return erp_refuse_field_code(refusal, "/code", "format",
					     "must be upper-case letters, digits, '_' or '-',"
					     " starting with a letter or digit");
	if (in->currency && !erp_currency_find(in->currency)) {
		erp_refuse(refusal, ERP_ERR_INVALID, "unknown currency");
		return erp_refuse_field_code(refusal, "/currency", "unknown",
					     "is not an active ISO 4217 currency code");
	}
	return ERP_OK;
}

/*
 * The audit event and the domain event of a change (action names both). A
 * company's events open its own stream: iam.company.created is its first.
 */
static int audit_company(struct erp_ctx *ctx, struct company_change *c, const char *action)
{
	static const char *const fields[] = { "code", "name", "currency" };
	static const char *const event_fields[] = { "id", "code", "name", "currency", "version" };
	const char *id = json_string_value(json_object_get(c->after, "id"));
	int rc = audit_record_changes(ctx->db, &(struct audit_event){
		.actor_id = ctx->actor_id, .action = action, .entity = "company",
		.company_id = id, .entity_id = id, .request_id = ctx->request_id },
		c->before, c->after, fields, ERP_COUNT(fields));

	return rc ? rc : event_record_change(ctx->db, &(struct domain_event){
		.type = action, .company_id = id, .entity = "company", .entity_id = id,
		.actor_id = ctx->actor_id, .request_id = ctx->request_id },
		c->before, c->after, event_fields, ERP_COUNT(event_fields));
}

static int create_work(struct erp_ctx *ctx, void *state)
{
	struct company_change *c = state;
	const char *params[] = { c->id, c->in->code, c->in->name, c->in->currency };
	int rc = resource_query_json(ctx->db, ctx->arena, &iam_sql_company_insert, 4, params, &c->after);

	if (rc == ERP_ERR_CONFLICT)
		return erp_refuse(&ctx->refusal, rc, "a company with this code already exists");
	return rc ? rc : audit_company(ctx, c, "iam.company.created");
}

int iam_company_create(struct erp_ctx *ctx, const struct iam_company_input *in, json_t **company)
{
	struct company_change c = { .in = in };
	int rc = iam_company_check(&ctx->refusal, in, true);

	if (rc)
		return rc;
	erp_uuid_v7_text(c.id);
	rc = db_usecase_transaction(ctx, create_work, &c);
	if (!rc)
		*company = c.after;
	return rc;
}

int iam_company_read(struct erp_ctx *ctx, const char *code, json_t **company)
{
	return resource_query_json(ctx->db, ctx->arena, &iam_sql_company_get, 1, &code, company);
}

static int update_work(struct erp_ctx *ctx, void *state)
{
	struct company_change *c = state;
	const char *params[] = { c->in->code, c->in->name, c->in->currency };
	int rc = resource_query_json(ctx->db, ctx->arena, &iam_sql_company_lock, 1, &c->in->code,
				     &c->before);

	if (rc)
		return rc;
	if (json_integer_value(json_object_get(c->before, "version")) != c->in->expected_version)
		return erp_refuse(&ctx->refusal, ERP_ERR_STALE,
				  "the company was changed since you read it; read it again");
	rc = resource_query_json(ctx->db, ctx->arena, &iam_sql_company_update, 3, params, &c->after);
	if (rc && strcmp(db_last_sqlstate(ctx->db), currency_fixed_state) == 0)
		return erp_refuse_made(&ctx->refusal, ERP_ERR_CONFLICT,
				       arena_printf(ctx->arena, "company %s has posted journal entries: its"
						    " books are kept in %s, so its currency cannot change",
						    c->in->code, json_string_value(json_object_get(
							    c->before, "currency"))));
	return rc ? rc : audit_company(ctx, c, "iam.company.updated");
}

int iam_company_update(struct erp_ctx *ctx, const struct iam_company_input *in, json_t **company)
{
	struct company_change c = { .in = in };
	int rc = iam_company_check(&ctx->refusal, in, false);

	if (!rc)
		rc = db_usecase_transaction(ctx, update_work, &c);
	if (!rc)
		*company = c.after;
	return rc;
}
