/*
 * The company's ledger settings: whether authors may post their own entries
 * (self_posting). Changing it relaxes or restores four-eyes, so the change is
 * four-eyes too: one holder of ledger.settings.manage requests it (it is
 * pending), another confirms the version they read, and either may cancel
 * it. Each step is audited with the company and announced
 * (ledger.settings.*).
 */
#include <string.h>

#include "modules/ledger/internal.h"
#include "platform/audit/audit.h"
#include "platform/events/events.h"
#include "shared-kernel/errors.h"

struct settings_change {
	const struct ledger_settings_change *in;
	json_t *before;             /* as clients see them, locked */
	json_t *after;
};

static const char *truth(json_t *value)
{
	return json_is_true(value) ? "true" : "false";
}

/* "self_posting true, requested by <user> at <time>" for refusals and the audit trail. */
static const char *describe(struct arena *arena, json_t *pending)
{
	return arena_printf(arena, "self_posting %s, requested by %s at %s",
			    truth(json_object_get(pending, "self_posting")),
			    json_string_value(json_object_get(pending, "requested_by")),
			    json_string_value(json_object_get(pending, "requested_at")));
}

/* The audit event and the domain event of a step (action names both). */
static int audit_step(struct erp_ctx *ctx, struct settings_change *c, const char *action,
		      const char *reason)
{
	static const char *const event_fields[] = { "self_posting", "pending", "version" };
	const char *company = ctx->company->id;
	json_t *changes = json_object();
	int rc = ERP_ERR_NO_MEMORY;

	if (changes &&
	    !audit_change(changes, "self_posting", json_object_get(c->before, "self_posting"),
			  json_object_get(c->after, "self_posting")) &&
	    !audit_change(changes, "pending", json_object_get(c->before, "pending"),
			  json_object_get(c->after, "pending")))
		rc = audit_record(ctx->db, &(struct audit_event){
			.actor_id = ctx->actor_id, .action = action, .company_id = company,
			.entity = "ledger_settings", .entity_id = company,
			.request_id = ctx->request_id, .changes = changes, .reason = reason });
	json_decref(changes);
	return rc ? rc : event_record_change(ctx->db, &(struct domain_event){
		.type = action, .company_id = company, .entity = "ledger_settings",
		.entity_id = company, .actor_id = ctx->actor_id, .request_id = ctx->request_id },
		c->before, c->after, event_fields, ERP_COUNT(event_fields));
}

static int request_change(struct erp_ctx *ctx, struct settings_change *c, json_t *pending)
{
	bool wanted = c->in->self_posting;
	const char *params[] = { ctx->company->id, wanted ? "true" : "false", ctx->actor_id };
	const char *what;
	int rc;

	if (!json_is_null(pending)) {
		what = describe(ctx->arena, pending);
		return erp_refuse_made(&ctx->refusal, ERP_ERR_CONFLICT,
				       what ? arena_printf(ctx->arena, "a change is already pending (%s):"
							   " confirm or cancel it first", what) : NULL);
	}
	if (json_is_true(json_object_get(c->before, "self_posting")) == wanted)
		return erp_refuse_made(&ctx->refusal, ERP_ERR_CONFLICT,
				       arena_printf(ctx->arena, "self_posting is already %s: there is"
						    " nothing to change", wanted ? "true" : "false"));
	rc = resource_query_json(ctx->db, ctx->arena, &ledger_sql_settings_request, 3, params, &c->after);
	return rc ? rc : audit_step(ctx, c, "ledger.settings.change_requested", NULL);
}

static int confirm_change(struct erp_ctx *ctx, struct settings_change *c, json_t *pending)
{
	const char *requester = json_string_value(json_object_get(pending, "requested_by"));
	const char *params[] = { ctx->company->id, ctx->actor_id };
	const char *what;
	int rc;

	if (json_is_null(pending))
		return erp_refuse(&ctx->refusal, ERP_ERR_CONFLICT,
				  "no change of the ledger settings is pending");
	if (requester && strcmp(requester, ctx->actor_id) == 0)
		return erp_refuse(&ctx->refusal, ERP_ERR_FORBIDDEN,
				  "four-eyes: you requested this change; another user with"
				  " ledger.settings.manage must confirm it");
	what = describe(ctx->arena, pending);
	if (!what)
		return ERP_ERR_NO_MEMORY;
	rc = resource_query_json(ctx->db, ctx->arena, &ledger_sql_settings_confirm, 2, params, &c->after);
	return rc ? rc : audit_step(ctx, c, "ledger.settings.change_confirmed", what);
}

static int cancel_change(struct erp_ctx *ctx, struct settings_change *c, json_t *pending)
{
	const char *company = ctx->company->id, *what;
	int rc;

	if (json_is_null(pending))
		return erp_refuse(&ctx->refusal, ERP_ERR_CONFLICT,
				  "no change of the ledger settings is pending");
	what = describe(ctx->arena, pending);
	if (!what)
		return ERP_ERR_NO_MEMORY;
	rc = resource_query_json(ctx->db, ctx->arena, &ledger_sql_settings_cancel, 1, &company,
				 &c->after);
	return rc ? rc : audit_step(ctx, c, "ledger.settings.change_cancelled", what);
}

/* Locks the company's settings row until commit (made with the defaults if missing). */
static int lock_settings(struct erp_ctx *ctx, json_t **settings)
{
	const char *company = ctx->company->id;
	int rc = db_query(ctx->db, NULL, &ledger_sql_settings_ensure, 1, &company, NULL);

	return rc ? rc : resource_query_json(ctx->db, ctx->arena, &ledger_sql_settings_lock, 1,
					     &company, settings);
}

static int change_work(struct erp_ctx *ctx, void *state)
{
	struct settings_change *c = state;
	json_t *pending;
	int rc = lock_settings(ctx, &c->before);

	if (rc)
		return rc;
	if (c->in->expected_version &&
	    json_integer_value(json_object_get(c->before, "version")) != c->in->expected_version)
		return erp_refuse(&ctx->refusal, ERP_ERR_STALE,
				  "the ledger settings were changed since you read them; read them again");
	pending = json_object_get(c->before, "pending");
	switch (c->in->step) {
	case LEDGER_SETTINGS_REQUEST:
		return request_change(ctx, c, pending);
	case LEDGER_SETTINGS_CONFIRM:
		return confirm_change(ctx, c, pending);
	case LEDGER_SETTINGS_CANCEL:
		return cancel_change(ctx, c, pending);
	}
	return ERP_ERR_INTERNAL;
}

int ledger_settings_change(struct erp_ctx *ctx, const struct ledger_settings_change *in,
			   json_t **settings)
{
	struct settings_change c = { .in = in };
	int rc;

	if (!ctx->company)
		return ERP_ERR_NOT_FOUND;
	rc = db_usecase_transaction(ctx, change_work, &c);
	if (!rc)
		*settings = c.after;
	return rc;
}

int ledger_settings_read(struct erp_ctx *ctx, json_t **settings)
{
	const char *company;

	if (!ctx->company)
		return ERP_ERR_NOT_FOUND;
	company = ctx->company->id;
	return resource_query_json(ctx->db, ctx->arena, &ledger_sql_settings_get, 1, &company, settings);
}
