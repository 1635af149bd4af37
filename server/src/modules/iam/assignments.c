/*
 * Role assignments: grant a role to another user (or file the grant as a
 * request a second administrator approves: a privileged role, or an
 * override of a segregation-of-duties conflict), list a user's, revoke.
 * Nobody grants or revokes for themselves.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "modules/iam/internal.h"
#include "platform/audit/audit.h"
#include "platform/events/events.h"
#include "shared-kernel/errors.h"
#include "shared-kernel/uuid.h"

struct grant {
	const struct iam_grant_input *in;
	struct iam_grant_outcome *out;
	const char *company_id;      /* of in->company; NULL: global */
};

int iam_grant_check(struct erp_refusal *refusal, const char *actor_id,
		    const struct iam_grant_input *in, bool may_override)
{
	if (actor_id && strcmp(in->user_id, actor_id) == 0)
		return erp_refuse(refusal, ERP_ERR_FORBIDDEN,
				  "nobody grants roles to themselves; ask another administrator");
	if (in->override && !may_override)
		return erp_refuse(refusal, ERP_ERR_FORBIDDEN,
				  "asking to override a segregation-of-duties conflict requires"
				  " iam.sod.override in this scope");
	if (in->override && (!in->reason || !*in->reason))
		return erp_refuse_field_code(refusal, "/reason", "format",
					     "an override needs a reason (the change ticket or why)");
	return ERP_OK;
}

/* The conflicts a request asks the approver to accept: scope and pair, nothing else. */
static char *overrides_text(struct arena *arena, json_t *conflicts)
{
	json_t *list = json_array(), *item;
	char *text, *copy = NULL;
	size_t i;

	json_array_foreach(conflicts, i, item)
		if (json_array_append_new(list, json_pack("{s:O, s:O, s:O}", "company",
							  json_object_get(item, "company"), "company_id",
							  json_object_get(item, "company_id"), "permissions",
							  json_object_get(item, "permissions"))))
			break;
	text = list && i == json_array_size(conflicts) ? erp_json_dumps(list, JSON_COMPACT) : NULL;
	if (text)
		copy = arena_strdup(arena, text);
	free(text);
	json_decref(list);
	return copy;
}

static int audit_request(struct erp_ctx *ctx, struct grant *g, const char *overrides)
{
	json_t *changes = json_pack("{s:{s:s}, s:{s:s?}, s:{s:s}, s:{s:o}}", "role", "new",
				    g->in->role, "company", "new", g->in->company, "user", "new",
				    g->in->user_id, "overrides", "new", json_loads(overrides, 0, NULL));
	int rc;

	if (!changes)
		return ERP_ERR_NO_MEMORY;
	rc = audit_record(ctx->db, &(struct audit_event){
		.actor_id = ctx->actor_id, .action = "iam.assignment.requested",
		.company_id = g->company_id, .entity = "role_grant_request", .entity_id = g->out->id,
		.request_id = ctx->request_id, .changes = changes, .reason = g->in->reason });
	json_decref(changes);
	return rc;
}

/* A grant that needs a second administrator becomes a pending request. */
static int request_grant(struct erp_ctx *ctx, struct grant *g, const struct iam_granted_role *role,
			 json_t *conflicts)
{
	char version[16];
	char *overrides = overrides_text(ctx->arena, conflicts);
	const char *params[9];
	int rc;

	if (!overrides)
		return ERP_ERR_NO_MEMORY;
	snprintf(version, sizeof(version), "%d", role->version);
	params[0] = g->out->id;
	params[1] = g->in->user_id;
	params[2] = role->id;
	params[3] = role->name;
	params[4] = version;
	params[5] = g->company_id;
	params[6] = g->in->reason;
	params[7] = overrides;
	params[8] = ctx->actor_id;
	rc = db_query(ctx->db, NULL, &iam_sql_grant_request_insert, 9, params, NULL);
	if (rc == ERP_ERR_CONFLICT)
		return erp_refuse(&ctx->refusal, rc,
				  "a request for this grant is already waiting for approval");
	if (!rc)
		rc = audit_request(ctx, g, overrides);
	if (!rc)
		rc = resource_query_json(ctx->db, ctx->arena, &iam_sql_grant_request_get, 1,
					 (const char *const[]){ g->out->id }, &g->out->body);
	if (!rc)
		rc = iam_event_grant_request(ctx->db, &(struct domain_event){
			.type = "iam.grant.requested", .company_id = g->company_id,
			.actor_id = ctx->actor_id, .request_id = ctx->request_id }, g->out->body);
	g->out->pending = rc == ERP_OK;
	return rc;
}

/* The conflicts the grant would create, and why they stop it (and how to ask to accept them). */
static int refuse_conflicts(struct erp_ctx *ctx, struct grant *g,
			    const struct iam_sod_conflicts *conflicts)
{
	bool may_override = false;
	int rc = iam_user_holds(ctx->db, ctx->arena, ctx->actor_id, "iam.sod.override",
				g->in->company, &may_override);

	if (rc)
		return rc;
	return erp_refuse_made(&ctx->refusal, ERP_ERR_CONFLICT,
			       arena_printf(ctx->arena, "%s%s", conflicts->sentence,
					    may_override
						    ? "; you hold iam.sod.override: send \"override\": true"
						      " and a reason to ask a second administrator to accept it"
						    : ""));
}

/* The role and company the grant names, resolved and locked with its user. */
static int lock_grant(struct erp_ctx *ctx, struct grant *g, struct iam_granted_role *role)
{
	PGresult *res;
	int rc = iam_grant_lock_role(ctx->db, ctx->arena, g->in->role, false, role);

	if (rc == ERP_ERR_NOT_FOUND)
		return erp_refuse_field(&ctx->refusal, "/role", "no role has this name");
	if (!rc && g->in->company) {
		rc = db_query(ctx->db, ctx->arena, &iam_sql_company_id, 1, &g->in->company, &res);
		if (!rc && PQntuples(res) == 0)
			return erp_refuse_field(&ctx->refusal, "/company", "no company has this code");
		if (!rc)
			g->company_id = db_value(res, 0, "id");
	}
	if (!rc)
		rc = iam_sod_lock_user(ctx->db, ctx->arena, g->in->user_id, NULL); /* no such user */
	return rc;
}

static int grant_work(struct erp_ctx *ctx, void *state)
{
	struct grant *g = state;
	struct iam_granted_role role;
	struct iam_sod_conflicts conflicts;
	bool holds;
	int rc;

	g->out->pending = false;
	g->company_id = NULL;
	rc = lock_grant(ctx, g, &role);
	if (!rc)
		rc = iam_grant_holds(ctx->db, ctx->arena, g->in->user_id, role.id, g->company_id, &holds);
	if (rc)
		return rc;
	if (holds)
		return erp_refuse(&ctx->refusal, ERP_ERR_CONFLICT,
				  "the user already holds this role in this scope");
	rc = iam_sod_conflicts_of_grant(ctx->db, ctx->arena, g->in->user_id, role.id, g->company_id,
					&conflicts);
	if (rc)
		return rc;
	if (conflicts.count > 0 && !g->in->override)
		return refuse_conflicts(ctx, g, &conflicts);
	if (conflicts.count == 0 && g->in->override)
		return erp_refuse_field(&ctx->refusal, "/override",
					"there is no segregation-of-duties conflict to override");
	if (g->in->override || role.privileged[0])
		return request_grant(ctx, g, &role, conflicts.list);
	rc = iam_grant_make(ctx->db, ctx->arena,
			    &(struct iam_grant_made){
				    .assignment_id = g->out->id, .user_id = g->in->user_id,
				    .role_id = role.id, .role_name = role.name,
				    .company_id = g->company_id, .company_code = g->in->company,
				    .granted_by = ctx->actor_id, .reason = g->in->reason,
				    .request_id = ctx->request_id },
			    &ctx->refusal);
	if (!rc)
		rc = resource_query_json(ctx->db, ctx->arena, &iam_sql_assignment_of_user, 2,
					 (const char *const[]){ g->out->id, g->in->user_id },
					 &g->out->body);
	return rc;
}

int iam_assignment_grant(struct erp_ctx *ctx, const struct iam_grant_input *in,
			 struct iam_grant_outcome *out)
{
	struct grant g = { .in = in, .out = out };
	bool may_override = false;
	int rc = ERP_OK;

	*out = (struct iam_grant_outcome){ 0 };
	/* Whether the caller may ask for an override matters only when they ask for one. */
	if (in->override)
		rc = iam_user_holds(ctx->db, ctx->arena, ctx->actor_id, "iam.sod.override",
				    in->company, &may_override);
	if (!rc)
		rc = iam_grant_check(&ctx->refusal, ctx->actor_id, in, may_override);
	if (rc)
		return rc;
	erp_uuid_v7_text(out->id);
	return db_usecase_transaction(ctx, grant_work, &g);
}

/* --- list ------------------------------------------------------------------------------------ */

int iam_assignments_of(struct erp_ctx *ctx, const char *user_id, json_t **items)
{
	PGresult *res;
	int rc = db_query(ctx->db, ctx->arena, &iam_sql_assignment_user_exists, 1, &user_id, &res);

	if (!rc && PQntuples(res) == 0)
		rc = ERP_ERR_NOT_FOUND;
	if (!rc)
		rc = resource_query_json(ctx->db, ctx->arena, &iam_sql_assignments_of_user, 1, &user_id,
					 items);
	return rc;
}

/* --- revoke ---------------------------------------------------------------------------------- */

struct revoke {
	const char *user_id;
	const char *id;
	json_t *before;
};

/*
 * An override ends with the assignment it came with. Another assignment may
 * hold the same side of the pair, granted while the override covered it: then
 * this revoke would leave the user with both sides and no override. Refused;
 * the other side goes first (or the user is deactivated, which ends everything).
 */
static int check_nothing_left_unaccepted(struct erp_ctx *ctx, struct revoke *r)
{
	struct iam_sod_conflicts left;
	int rc = iam_sod_conflicts_of_grant(ctx->db, ctx->arena, r->user_id, NULL, NULL, &left);

	if (rc || left.count == 0)
		return rc;
	return erp_refuse_made(&ctx->refusal, ERP_ERR_CONFLICT,
			       arena_printf(ctx->arena, "revoking this assignment ends the override it came"
						    " with, and the user would keep the conflict it"
						    " accepted (%s): revoke the other side first",
					    left.sentence));
}

static int audit_revoke(struct erp_ctx *ctx, struct revoke *r, const char *company_id)
{
	json_t *changes = json_pack("{s:{s:O}, s:{s:O}, s:{s:s}, s:{s:O}}", "role", "old",
				    json_object_get(r->before, "role"), "company", "old",
				    json_object_get(r->before, "company"), "user", "old", r->user_id,
				    "overrides", "old", json_object_get(r->before, "overrides"));
	int rc;

	if (!changes)
		return ERP_ERR_NO_MEMORY;
	rc = audit_record(ctx->db, &(struct audit_event){
		.actor_id = ctx->actor_id, .action = "iam.assignment.revoked",
		.company_id = company_id, .entity = "role_assignment", .entity_id = r->id,
		.request_id = ctx->request_id, .changes = changes });
	json_decref(changes);
	return rc ? rc : iam_event_assignment(ctx->db, &(struct domain_event){
		.type = "iam.role.revoked", .company_id = company_id, .actor_id = ctx->actor_id,
		.request_id = ctx->request_id }, r->user_id, NULL, r->before);
}

static int revoke_work(struct erp_ctx *ctx, void *state)
{
	struct revoke *r = state;
	const char *params[] = { r->id, r->user_id }, *deleted;
	PGresult *res;
	int rc = iam_sod_lock_user(ctx->db, ctx->arena, r->user_id, NULL);

	if (!rc)
		rc = resource_query_json(ctx->db, ctx->arena, &iam_sql_assignment_of_user, 2, params,
					 &r->before);
	/* The assignment's overrides end with it (ON DELETE CASCADE). */
	if (!rc)
		rc = db_query(ctx->db, ctx->arena, &iam_sql_assignment_delete, 2, params, &res);
	if (!rc) {
		deleted = db_value(res, 0, "deleted");
		if (!deleted || strcmp(deleted, "1") != 0)
			rc = ERP_ERR_NOT_FOUND;
	}
	if (!rc)
		rc = check_nothing_left_unaccepted(ctx, r);
	if (!rc)
		rc = iam_bump_authz_version(ctx->db);
	return rc ? rc : audit_revoke(ctx, r, db_value(res, 0, "company_id"));
}

int iam_assignment_revoke(struct erp_ctx *ctx, const char *user_id, const char *assignment_id)
{
	struct revoke r = { user_id, assignment_id, NULL };

	if (ctx->actor_id && strcmp(user_id, ctx->actor_id) == 0)
		return erp_refuse(&ctx->refusal, ERP_ERR_FORBIDDEN,
				  "nobody revokes their own roles; ask another administrator");
	return db_usecase_transaction(ctx, revoke_work, &r);
}
