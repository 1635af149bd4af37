/*
 * Grant requests: a privileged grant, or any override of a segregation-of-
 * duties conflict, waits here until a second administrator approves it.
 * The approver is neither the requester nor the user; the approval binds to
 * the role's version at the request and re-checks everything under the same
 * locks as a direct grant.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modules/iam/internal.h"
#include "platform/audit/audit.h"
#include "platform/events/events.h"
#include "shared-kernel/errors.h"
#include "shared-kernel/uuid.h"

struct decision {
	const char *id;
	bool approve;
	char assignment_id[40];
	const char *event_type;  /* iam.grant.approved, .rejected or .withdrawn */
	json_t *after;           /* the request after the decision */
};

int iam_grant_request_read(struct erp_ctx *ctx, const char *id, json_t **request)
{
	return resource_query_json(ctx->db, ctx->arena, &iam_sql_grant_request_get, 1, &id, request);
}

/* The locked, still pending request; refusals for everyone who may not decide it. */
static int lock_pending(struct erp_ctx *ctx, struct decision *d, PGresult **out)
{
	PGresult *res;
	int rc = db_query(ctx->db, ctx->arena, &iam_sql_grant_request_lock, 1, &d->id, &res);

	if (rc)
		return rc;
	if (PQntuples(res) == 0)
		return ERP_ERR_NOT_FOUND;
	if (strcmp(db_value(res, 0, "status"), "pending") != 0)
		return erp_refuse_made(&ctx->refusal, ERP_ERR_CONFLICT,
				       arena_printf(ctx->arena, "the request is %s already",
						    db_value(res, 0, "status")));
	if (strcmp(db_value(res, 0, "user_id"), ctx->actor_id) == 0)
		return erp_refuse(&ctx->refusal, ERP_ERR_FORBIDDEN,
				  "nobody decides grants of their own roles");
	*out = res;
	return ERP_OK;
}

/* Who may approve: not the requester; for an override, a holder of iam.sod.override there. */
static int check_approver(struct erp_ctx *ctx, PGresult *q, bool overrides)
{
	bool may_override = false;
	int rc;

	if (strcmp(db_value(q, 0, "requested_by"), ctx->actor_id) == 0)
		return erp_refuse(&ctx->refusal, ERP_ERR_FORBIDDEN,
				  "four-eyes: you requested this grant; another administrator must"
				  " approve it");
	if (!overrides)
		return ERP_OK;
	rc = iam_user_holds(ctx->db, ctx->arena, ctx->actor_id, "iam.sod.override",
			    db_value(q, 0, "company"), &may_override);
	if (!rc && !may_override)
		rc = erp_refuse(&ctx->refusal, ERP_ERR_FORBIDDEN,
				"the request overrides a segregation-of-duties conflict: approving"
				" it requires iam.sod.override in this scope");
	return rc;
}

/* The role as the request saw it, share-locked: still there, still at that version. */
static int lock_requested_role(struct erp_ctx *ctx, PGresult *q, struct iam_granted_role *role)
{
	const char *role_id = db_value(q, 0, "role_id"), *version = db_value(q, 0, "role_version");
	int rc = role_id ? iam_grant_lock_role(ctx->db, ctx->arena, role_id, true, role)
			 : ERP_ERR_NOT_FOUND;

	if (rc == ERP_ERR_NOT_FOUND)
		return erp_refuse(&ctx->refusal, ERP_ERR_CONFLICT, "the role was deleted since the request");
	if (rc)
		return rc;
	if (role->version != (int)strtol(version, NULL, 10))
		return erp_refuse_made(&ctx->refusal, ERP_ERR_CONFLICT,
				       arena_printf(ctx->arena, "role %s changed since the request (version"
						    " %s, now %d); reject this request and ask again",
						    role->name, version, role->version));
	return ERP_OK;
}

static int approve(struct erp_ctx *ctx, struct decision *d, PGresult *q)
{
	struct iam_granted_role role;
	const char *user_id = db_value(q, 0, "user_id"), *company_id = db_value(q, 0, "company_id");
	bool overrides = strcmp(db_value(q, 0, "override_count"), "0") != 0;
	const char *decide[4];
	bool holds;
	int rc = check_approver(ctx, q, overrides);

	if (!rc)
		rc = lock_requested_role(ctx, q, &role);
	if (!rc)
		rc = iam_sod_lock_user(ctx->db, ctx->arena, user_id, NULL);
	if (!rc)
		rc = iam_grant_holds(ctx->db, ctx->arena, user_id, role.id, company_id, &holds);
	if (rc)
		return rc;
	if (holds)
		return erp_refuse(&ctx->refusal, ERP_ERR_CONFLICT,
				  "the user already holds this role in this scope");
	erp_uuid_v7_text(d->assignment_id);
	rc = iam_grant_make(ctx->db, ctx->arena,
			    &(struct iam_grant_made){
				    .assignment_id = d->assignment_id, .user_id = user_id,
				    .role_id = role.id, .role_name = role.name, .company_id = company_id,
				    .company_code = db_value(q, 0, "company"),
				    .granted_by = db_value(q, 0, "requested_by"),
				    .approved_by = ctx->actor_id, .reason = db_value(q, 0, "reason"),
				    .overrides = overrides ? db_value(q, 0, "overrides") : NULL,
				    .grant_request = d->id, .request_id = ctx->request_id },
			    &ctx->refusal);
	if (rc == ERP_ERR_CONFLICT && erp_refused(&ctx->refusal))
		return erp_refuse_made(&ctx->refusal, rc,
				       arena_printf(ctx->arena, "%s; since the request the grant would create"
						    " a conflict it did not ask to accept: reject it and ask"
						    " again", ctx->refusal.detail));
	decide[0] = d->id;
	decide[1] = "approved";
	decide[2] = ctx->actor_id;
	decide[3] = d->assignment_id;
	if (!rc)
		rc = db_query(ctx->db, NULL, &iam_sql_grant_request_decide, 4, decide, NULL);
	d->event_type = "iam.grant.approved";
	return rc;
}

static int reject(struct erp_ctx *ctx, struct decision *d, PGresult *q)
{
	bool withdrawn = strcmp(db_value(q, 0, "requested_by"), ctx->actor_id) == 0;
	const char *decide[] = { d->id, withdrawn ? "withdrawn" : "rejected", ctx->actor_id, NULL };
	json_t *changes = json_pack("{s:{s:s, s:s}}", "status", "old", "pending", "new", decide[1]);
	int rc;

	if (!changes)
		return ERP_ERR_NO_MEMORY;
	rc = db_query(ctx->db, NULL, &iam_sql_grant_request_decide, 4, decide, NULL);
	if (!rc)
		rc = audit_record(ctx->db, &(struct audit_event){
			.actor_id = ctx->actor_id,
			.action = withdrawn ? "iam.assignment.request_withdrawn"
					    : "iam.assignment.request_rejected",
			.company_id = db_value(q, 0, "company_id"), .entity = "role_grant_request",
			.entity_id = d->id, .request_id = ctx->request_id, .changes = changes });
	json_decref(changes);
	d->event_type = withdrawn ? "iam.grant.withdrawn" : "iam.grant.rejected";
	return rc;
}

static int decide_work(struct erp_ctx *ctx, void *state)
{
	struct decision *d = state;
	PGresult *q = NULL;
	int rc = lock_pending(ctx, d, &q);

	if (rc)
		return rc;
	rc = d->approve ? approve(ctx, d, q) : reject(ctx, d, q);
	if (!rc)
		rc = resource_query_json(ctx->db, ctx->arena, &iam_sql_grant_request_get, 1, &d->id,
					 &d->after);
	if (!rc)
		rc = iam_event_grant_request(ctx->db, &(struct domain_event){
			.type = d->event_type, .company_id = db_value(q, 0, "company_id"),
			.actor_id = ctx->actor_id, .request_id = ctx->request_id }, d->after);
	return rc;
}

int iam_grant_request_decide(struct erp_ctx *ctx, const char *id, bool approve_it,
			     json_t **request)
{
	struct decision d = { .id = id, .approve = approve_it };
	int rc;

	if (!ctx->actor_id) /* four-eyes needs two people: the system decides nothing */
		return ERP_ERR_FORBIDDEN;
	rc = db_usecase_transaction(ctx, decide_work, &d);

	if (!rc)
		*request = d.after;
	return rc;
}
