/*
 * The company's ledger settings: whether authors may post their own entries
 * (self_posting). Changing it relaxes or restores four-eyes, so the change is
 * four-eyes too: one holder of ledger.settings.manage requests it (PUT, 202:
 * it is pending), another confirms the version they read (POST .../confirm,
 * If-Match), and either may cancel it (POST .../cancel). Each step is
 * audited with the company.
 */
#include <string.h>

#include "modules/ledger/internal.h"
#include "platform/audit/audit.h"
#include "platform/events/events.h"
#include "shared-kernel/errors.h"

enum settings_step { SETTINGS_REQUEST, SETTINGS_CONFIRM, SETTINGS_CANCEL };

struct settings_change {
	struct erp_request *req;
	enum settings_step step;
	const struct erp_company_scope *company;
	int expected_version;       /* If-Match; 0 for a step that takes none (cancel) */
	json_t *before;             /* as clients see them, locked */
	json_t *after;
	struct erp_refusal refusal;  /* why a rule said no (shared-kernel/usecase.h) */
};

/* A rule's refusal: ERP_ERR_CONFLICT or, for four-eyes, ERP_ERR_FORBIDDEN. */
static int refuse(struct settings_change *c, int code, const char *problem)
{
	if (!problem)
		return ERP_ERR_NO_MEMORY;
	return erp_refuse(&c->refusal, code, problem);
}

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
static int audit_step(struct db_conn *db, struct settings_change *c, const char *action,
		      const char *reason)
{
	static const char *const event_fields[] = { "self_posting", "pending", "version" };
	json_t *changes = json_object();
	int rc = ERP_ERR_NO_MEMORY;

	if (changes &&
	    !audit_change(changes, "self_posting", json_object_get(c->before, "self_posting"),
			  json_object_get(c->after, "self_posting")) &&
	    !audit_change(changes, "pending", json_object_get(c->before, "pending"),
			  json_object_get(c->after, "pending")))
		rc = audit_record(db, &(struct audit_event){
			.actor_id = c->req->user_id, .action = action, .company_id = c->company->id,
			.entity = "ledger_settings", .entity_id = c->company->id,
			.request_id = c->req->request_id, .changes = changes, .reason = reason });
	json_decref(changes);
	return rc ? rc : event_record_change(db, &(struct domain_event){
		.type = action, .company_id = c->company->id, .entity = "ledger_settings",
		.entity_id = c->company->id, .actor_id = c->req->user_id,
		.request_id = c->req->request_id },
		c->before, c->after, event_fields, ERP_COUNT(event_fields));
}

static int request_change(struct db_conn *db, struct settings_change *c, json_t *pending)
{
	struct arena *arena = c->req->arena;
	bool wanted = json_is_true(json_object_get(c->req->body, "self_posting"));
	const char *what;
	int rc;

	if (!json_is_null(pending)) {
		what = describe(arena, pending);
		return refuse(c, ERP_ERR_CONFLICT, what ? arena_printf(arena, "a change is already pending (%s):"
							  " confirm or cancel it first", what) : NULL);
	}
	if (json_is_true(json_object_get(c->before, "self_posting")) == wanted)
		return refuse(c, ERP_ERR_CONFLICT, arena_printf(arena, "self_posting is already %s: there is nothing"
						   " to change", wanted ? "true" : "false"));
	rc = ledger_settings_request(db, arena, c->company->id, wanted, c->req->user_id, &c->after);
	return rc ? rc : audit_step(db, c, "ledger.settings.change_requested", NULL);
}

static int confirm_change(struct db_conn *db, struct settings_change *c, json_t *pending)
{
	struct arena *arena = c->req->arena;
	const char *requester = json_string_value(json_object_get(pending, "requested_by"));
	const char *what;
	int rc;

	if (json_is_null(pending))
		return refuse(c, ERP_ERR_CONFLICT, "no change of the ledger settings is pending");
	if (requester && strcmp(requester, c->req->user_id) == 0)
		return refuse(c, ERP_ERR_FORBIDDEN, "four-eyes: you requested this change; another user with"
				      " ledger.settings.manage must confirm it");
	what = describe(arena, pending);
	if (!what)
		return ERP_ERR_NO_MEMORY;
	rc = ledger_settings_confirm(db, arena, c->company->id, c->req->user_id, &c->after);
	return rc ? rc : audit_step(db, c, "ledger.settings.change_confirmed", what);
}

static int cancel_change(struct db_conn *db, struct settings_change *c, json_t *pending)
{
	const char *what;
	int rc;

	if (json_is_null(pending))
		return refuse(c, ERP_ERR_CONFLICT, "no change of the ledger settings is pending");
	what = describe(c->req->arena, pending);
	if (!what)
		return ERP_ERR_NO_MEMORY;
	rc = ledger_settings_cancel(db, c->req->arena, c->company->id, &c->after);
	return rc ? rc : audit_step(db, c, "ledger.settings.change_cancelled", what);
}

static int change_work(struct db_conn *db, void *ctx)
{
	struct settings_change *c = ctx;
	json_t *pending;
	int rc = ledger_request_company(c->req, &c->company);

	if (!rc)
		rc = ledger_settings_lock(db, c->req->arena, c->company->id, &c->before);
	if (rc)
		return rc;
	if (c->expected_version &&
	    json_integer_value(json_object_get(c->before, "version")) != c->expected_version)
		return ERP_ERR_STALE;
	pending = json_object_get(c->before, "pending");
	switch (c->step) {
	case SETTINGS_REQUEST:
		return request_change(db, c, pending);
	case SETTINGS_CONFIRM:
		return confirm_change(db, c, pending);
	case SETTINGS_CANCEL:
		return cancel_change(db, c, pending);
	}
	return ERP_ERR_INTERNAL;
}

static int run_step(struct erp_request *req, enum settings_step step, bool if_match, int status)
{
	struct settings_change *c = arena_calloc(req->arena, 1, sizeof(*c));
	int rc;

	if (!c)
		return ERP_ERR_NO_MEMORY;
	c->req = req;
	c->step = step;
	if (if_match && etag_if_match(req, &c->expected_version))
		return 0;
	rc = db_transaction(http_db(req), change_work, c);
	if (rc && erp_refused(&c->refusal))
		return http_respond_refusal(req, &c->refusal);
	if (rc == ERP_ERR_STALE)
		return http_respond_problem(req, &PROBLEM_PRECONDITION,
					    "the ledger settings were changed since you read them; read them again");
	if (rc)
		return rc;
	etag_set(req, c->after);
	return http_respond_json(req, status, json_incref(c->after));
}

int ledger_settings_get(struct erp_request *req)
{
	const struct erp_company_scope *company;
	json_t *settings;
	int rc = ledger_request_company(req, &company);

	if (!rc)
		rc = ledger_settings_json(http_db(req), req->arena, company->id, &settings);
	if (rc)
		return rc;
	etag_set(req, settings);
	return http_respond_json(req, 200, json_incref(settings));
}

int ledger_settings_request_change(struct erp_request *req)
{
	return run_step(req, SETTINGS_REQUEST, true, 202);
}

int ledger_settings_confirm_change(struct erp_request *req)
{
	return run_step(req, SETTINGS_CONFIRM, true, 200);
}

int ledger_settings_cancel_change(struct erp_request *req)
{
	return run_step(req, SETTINGS_CANCEL, false, 200);
}
