/*
 * The company's partner settings: the default receivable and payable
 * accounts a new customer or vendor gets when none is given. Read by
 * holders of partners.partner.read, changed (against the version read) by
 * holders of partners.partner.manage; audited and told as
 * partners.settings.updated. A default the ledger deactivates later stays
 * set, and a partner made then is refused until another is given.
 */
#include "modules/partners/internal.h"
#include "platform/audit/audit.h"
#include "platform/events/events.h"

static const char *const settings_fields[] = { "default_receivable_account",
					       "default_payable_account" };
static const char *const settings_event_fields[] = { "default_receivable_account",
						     "default_payable_account", "version" };

struct settings_change {
	const struct partners_settings_input *in;
	json_t *before;
	json_t *after;
};

int partners_settings_read(struct erp_ctx *ctx, json_t **settings)
{
	const char *company_id;

	if (!ctx->company)
		return ERP_ERR_NOT_FOUND;
	company_id = ctx->company->id;
	return resource_query_json(ctx->db, ctx->arena, &partners_sql_settings_get, 1, &company_id,
				   settings);
}

/* The id the settings keep for side: none, or the account asked for (checked). */
static int default_for(struct erp_ctx *ctx, enum partners_side side, const char *code,
		       const PGresult *asked, const char **id)
{
	struct partners_account account;

	*id = NULL;
	if (!code)
		return ERP_OK;
	partners_account_from(asked, &account);
	if (partners_check_account(&ctx->refusal,
				   side == PARTNERS_RECEIVABLE ? "/default_receivable_account"
							       : "/default_payable_account",
				   side, &account))
		return ERP_ERR_INVALID;
	*id = arena_strdup(ctx->arena, account.id);
	return *id ? ERP_OK : ERP_ERR_NO_MEMORY;
}

static int update_work(struct erp_ctx *ctx, void *state)
{
	struct settings_change *c = state;
	const char *company_id = ctx->company->id;
	const char *codes[2] = { c->in->default_receivable_account, c->in->default_payable_account };
	const char *account_params[2][2], *ids[2], *params[3];
	struct db_batch *batch = db_batch_new(ctx->arena);
	PGresult *before = NULL, *asked[2] = { NULL, NULL };
	int receivable, payable, rc;

	/* The row is made the first time, then locked; what it was is read after the lock. */
	db_batch_add(batch, &partners_sql_settings_ensure, 1, &company_id, NULL);
	db_batch_add(batch, &partners_sql_settings_lock, 1, &company_id, NULL);
	db_batch_add(batch, &partners_sql_settings_get, 1, &company_id, &before);
	for (int i = 0; i < 2; i++) {
		if (!codes[i])
			continue;
		account_params[i][0] = company_id;
		account_params[i][1] = codes[i];
		db_batch_add(batch, &partners_sql_account, 2, account_params[i], &asked[i]);
	}
	rc = batch ? db_batch_run(ctx->db, batch) : ERP_ERR_NO_MEMORY;
	if (!rc)
		rc = db_value_json(ctx->arena, before, 0, "j", &c->before);
	if (rc)
		return rc;
	if (json_integer_value(json_object_get(c->before, "version")) != c->in->expected_version)
		return erp_refuse(&ctx->refusal, ERP_ERR_STALE,
				  "the partner settings were changed since you read them; read them again");
	receivable = default_for(ctx, PARTNERS_RECEIVABLE, codes[0], asked[0], &ids[0]);
	payable = default_for(ctx, PARTNERS_PAYABLE, codes[1], asked[1], &ids[1]);
	if (receivable == ERP_ERR_NO_MEMORY || payable == ERP_ERR_NO_MEMORY)
		return ERP_ERR_NO_MEMORY;
	if (receivable || payable)
		return ERP_ERR_INVALID;
	params[0] = company_id;
	params[1] = ids[0];
	params[2] = ids[1];
	rc = resource_query_json(ctx->db, ctx->arena, &partners_sql_settings_update, 3, params,
				 &c->after);
	if (rc == ERP_ERR_NOT_FOUND) { /* the defaults were these already: nothing to write or tell */
		c->after = c->before;
		return ERP_OK;
	}
	if (!rc)
		rc = audit_record_changes(ctx->db, &(struct audit_event){
			.actor_id = ctx->actor_id, .action = "partners.settings.updated",
			.company_id = company_id, .entity = "partner_settings", .entity_id = company_id,
			.request_id = ctx->request_id },
			c->before, c->after, settings_fields, ERP_COUNT(settings_fields));
	if (!rc)
		rc = event_record_change(ctx->db, &(struct domain_event){
			.type = "partners.settings.updated", .company_id = company_id,
			.entity = "partner_settings", .entity_id = company_id, .actor_id = ctx->actor_id,
			.request_id = ctx->request_id },
			c->before, c->after, settings_event_fields, ERP_COUNT(settings_event_fields));
	return rc;
}

int partners_settings_update(struct erp_ctx *ctx, const struct partners_settings_input *in,
			     json_t **settings)
{
	struct settings_change c = { .in = in };
	int rc;

	if (!ctx->company)
		return ERP_ERR_NOT_FOUND;
	rc = db_usecase_transaction(ctx, update_work, &c);
	if (!rc)
		*settings = c.after;
	return rc;
}
