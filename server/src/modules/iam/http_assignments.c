/*
 * Role assignments: grant (or request a grant a second administrator
 * approves), list, revoke. Nobody grants or revokes for themselves.
 */
#include <stdio.h>
#include <string.h>

#include "common/json.h"
#include "modules/iam/internal.h"
#include "platform/audit.h"
#include "platform/events.h"
#include "platform/schema.h"
#include "shared-kernel/errors.h"
#include "shared-kernel/uuid.h"

static const struct db_statement insert_request = {
	"iam_assignments_insert_request",
	"INSERT INTO role_grant_requests (id, user_id, role_id, role_name, role_version, company_id,"
	"   reason, overrides, requested_by)"
	" VALUES ($1, $2, $3, $4, $5::int, $6, $7, $8::jsonb, $9)",
	false,
};
static const struct db_statement request_json = {
	"iam_assignments_request_json",
	"SELECT " IAM_GRANT_REQUEST_JSON " FROM " IAM_GRANT_REQUEST_FROM " WHERE q.id = $1",
	false,
};
static const struct db_statement get_assignment = {
	"iam_assignments_get",
	"SELECT " IAM_ASSIGNMENT_JSON " FROM role_assignments ra"
	" JOIN roles r ON r.id = ra.role_id"
	" LEFT JOIN companies c ON c.id = ra.company_id WHERE ra.id = $1 AND ra.user_id = $2",
	false,
};
static const struct db_statement list_assignments = {
	"iam_assignments_list",
	"SELECT coalesce(json_agg(" IAM_ASSIGNMENT_JSON " ORDER BY r.name, c.code NULLS FIRST), '[]')"
	" FROM role_assignments ra JOIN roles r ON r.id = ra.role_id"
	" LEFT JOIN companies c ON c.id = ra.company_id WHERE ra.user_id = $1",
	true,
};
static const struct db_statement user_exists = {
	"iam_assignments_user_exists", "SELECT 1 FROM users WHERE id = $1", true,
};
static const struct db_statement delete_assignment = {
	"iam_assignments_delete",
	"WITH gone AS (DELETE FROM role_assignments WHERE id = $1 AND user_id = $2"
	"   RETURNING company_id)"
	" SELECT count(*) AS deleted, max(company_id::text) AS company_id FROM gone",
	false,
};

struct grant {
	struct erp_request *req;
	char id[40];                 /* the assignment's, or the request's when it waits */
	const char *user_id;
	const char *role;
	const char *company;         /* code, or NULL for a global grant */
	char *company_id;
	const char *reason;
	bool override;               /* the requester asks to accept the conflicts */
	bool may_override;           /* ... and holds iam.sod.override in that scope */
	bool pending;                /* out: a request waits for a second administrator */
	json_t *after;
	struct iam_refusal refusal;
};

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

static int audit_request(struct db_conn *db, struct grant *g, const char *overrides)
{
	json_t *changes = json_pack("{s:{s:s}, s:{s:s?}, s:{s:s}, s:{s:o}}", "role", "new", g->role,
				    "company", "new", g->company, "user", "new", g->user_id,
				    "overrides", "new", json_loads(overrides, 0, NULL));
	int rc;

	if (!changes)
		return ERP_ERR_NO_MEMORY;
	rc = audit_record(db, &(struct audit_event){
		.actor_id = g->req->user_id, .action = "iam.assignment.requested",
		.company_id = g->company_id, .entity = "role_grant_request", .entity_id = g->id,
		.request_id = g->req->request_id, .changes = changes, .reason = g->reason });
	json_decref(changes);
	return rc;
}

/* A grant that needs a second administrator becomes a pending request. */
static int request_grant(struct db_conn *db, struct grant *g, const struct iam_granted_role *role,
			 json_t *conflicts)
{
	struct arena *arena = g->req->arena;
	char version[16];
	char *overrides = overrides_text(arena, conflicts);
	const char *params[9];
	int rc;

	if (!overrides)
		return ERP_ERR_NO_MEMORY;
	snprintf(version, sizeof(version), "%d", role->version);
	params[0] = g->id;
	params[1] = g->user_id;
	params[2] = role->id;
	params[3] = role->name;
	params[4] = version;
	params[5] = g->company_id;
	params[6] = g->reason;
	params[7] = overrides;
	params[8] = g->req->user_id;
	rc = db_query(db, NULL, &insert_request, 9, params, NULL);
	if (rc == ERP_ERR_CONFLICT)
		return iam_refuse(&g->refusal, 409, NULL,
				  arena_strdup(arena, "a request for this grant is already waiting for approval"),
				  rc);
	if (!rc)
		rc = audit_request(db, g, overrides);
	if (!rc)
		rc = resource_query_json(db, arena, &request_json, 1, (const char *const[]){ g->id },
					 &g->after);
	if (!rc)
		rc = iam_event_grant_request(db, &(struct domain_event){
			.type = "iam.grant.requested", .company_id = g->company_id,
			.actor_id = g->req->user_id, .request_id = g->req->request_id }, g->after);
	g->pending = rc == ERP_OK;
	return rc;
}

static int grant_work(struct db_conn *db, void *ctx)
{
	struct grant *g = ctx;
	struct arena *arena = g->req->arena;
	struct iam_granted_role role;
	struct iam_sod_conflicts conflicts;
	PGresult *res;
	bool holds;
	int rc;

	g->pending = false;
	g->company_id = NULL;
	rc = iam_grant_lock_role(db, arena, g->role, false, &role);
	if (rc == ERP_ERR_NOT_FOUND)
		return iam_refuse(&g->refusal, 422, "/role", arena_strdup(arena, "no role has this name"),
				  ERP_ERR_INVALID);
	if (!rc && g->company) {
		rc = db_query(db, arena, &iam_sql_company_id, 1, &g->company, &res);
		if (!rc && PQntuples(res) == 0)
			return iam_refuse(&g->refusal, 422, "/company",
					  arena_strdup(arena, "no company has this code"), ERP_ERR_INVALID);
		if (!rc)
			g->company_id = PQgetvalue(res, 0, 0);
	}
	if (!rc)
		rc = iam_sod_lock_user(db, arena, g->user_id, NULL); /* 404: no such user */
	if (!rc)
		rc = iam_grant_holds(db, arena, g->user_id, role.id, g->company_id, &holds);
	if (rc)
		return rc;
	if (holds)
		return iam_refuse(&g->refusal, 409, NULL,
				  arena_strdup(arena, "the user already holds this role in this scope"),
				  ERP_ERR_CONFLICT);
	rc = iam_sod_conflicts_of_grant(db, arena, g->user_id, role.id, g->company_id, &conflicts);
	if (rc)
		return rc;
	if (conflicts.count > 0 && !g->override)
		return iam_refuse(&g->refusal, 409, NULL,
				  arena_printf(arena, "%s%s", conflicts.sentence,
					       g->may_override
						       ? "; you hold iam.sod.override: send \"override\": true"
							 " and a reason to ask a second administrator to accept it"
						       : ""),
				  ERP_ERR_CONFLICT);
	if (conflicts.count == 0 && g->override)
		return iam_refuse(&g->refusal, 422, "/override",
				  arena_strdup(arena, "there is no segregation-of-duties conflict to override"),
				  ERP_ERR_INVALID);
	if (g->override || role.privileged[0])
		return request_grant(db, g, &role, conflicts.list);
	rc = iam_grant_make(db, arena,
			    &(struct iam_grant_made){
				    .assignment_id = g->id, .user_id = g->user_id, .role_id = role.id,
				    .role_name = role.name, .company_id = g->company_id,
				    .company_code = g->company, .granted_by = g->req->user_id,
				    .reason = g->reason, .request_id = g->req->request_id },
			    &g->refusal);
	if (!rc)
		rc = resource_query_json(db, arena, &get_assignment, 2,
					 (const char *const[]){ g->id, g->user_id }, &g->after);
	return rc;
}

int iam_assignments_grant(struct erp_request *req)
{
	struct grant *g = arena_calloc(req->arena, 1, sizeof(*g));
	json_t *company;
	int rc;

	if (!g)
		return ERP_ERR_NO_MEMORY;
	g->req = req;
	g->user_id = resource_uuid_param(req, "id");
	if (!g->user_id)
		return ERP_ERR_NOT_FOUND;
	if (strcmp(g->user_id, req->user_id) == 0)
		return http_respond_problem(req, &PROBLEM_FORBIDDEN,
					    "nobody grants roles to themselves; ask another administrator");
	g->role = json_string_value(json_object_get(req->body, "role"));
	company = json_object_get(req->body, "company");
	g->company = json_is_string(company) ? json_string_value(company) : NULL;
	g->reason = json_string_value(json_object_get(req->body, "reason"));
	g->override = json_is_true(json_object_get(req->body, "override"));
	g->may_override = iam_caller_holds(req, "iam.sod.override", g->company);
	if (g->override && !g->may_override)
		return http_respond_problem(req, &PROBLEM_FORBIDDEN,
					    "asking to override a segregation-of-duties conflict requires"
					    " iam.sod.override in this scope");
	if (g->override && (!g->reason || !*g->reason))
		return resource_field_error(req, "/reason",
					    "an override needs a reason (the change ticket or why)");
	iam_new_id(g->id);
	rc = db_transaction(http_db(req), grant_work, g);
	if (g->refusal.status && rc != ERP_ERR_NO_MEMORY && rc != ERP_ERR_UNAVAILABLE)
		return iam_respond_refusal(req, &g->refusal);
	if (rc)
		return rc;
	if (g->pending) {
		http_add_header(req, "Location",
				arena_printf(req->arena, "/api/v1/role-grant-requests/%s", g->id));
		return http_respond_json(req, 202, json_incref(g->after));
	}
	http_add_header(req, "Location", arena_printf(req->arena, "/api/v1/users/%s/role-assignments/%s",
						      g->user_id, g->id));
	return http_respond_json(req, 201, json_incref(g->after));
}

int iam_assignments_list(struct erp_request *req)
{
	const char *user_id = resource_uuid_param(req, "id");
	PGresult *res;
	json_t *rows;
	int rc;

	if (!user_id)
		return ERP_ERR_NOT_FOUND;
	rc = db_query(http_db(req), req->arena, &user_exists, 1, &user_id, &res);
	if (!rc && PQntuples(res) == 0)
		rc = ERP_ERR_NOT_FOUND;
	if (!rc)
		rc = resource_query_json(http_db(req), req->arena, &list_assignments, 1, &user_id, &rows);
	return rc ? rc : http_respond_json(req, 200, json_pack("{s:O}", "items", rows));
}

struct revoke {
	struct erp_request *req;
	const char *user_id;
	const char *id;
	json_t *before;
	struct iam_refusal refusal;
};

/*
 * An override ends with the assignment it came with. Another assignment may
 * hold the same side of the pair, granted while the override covered it: then
 * this revoke would leave the user with both sides and no override. Refused;
 * the other side goes first (or the user is deactivated, which ends everything).
 */
static int check_nothing_left_unaccepted(struct db_conn *db, struct revoke *r)
{
	struct iam_sod_conflicts left;
	int rc = iam_sod_conflicts_of_grant(db, r->req->arena, r->user_id, NULL, NULL, &left);

	if (rc || left.count == 0)
		return rc;
	return iam_refuse(&r->refusal, 409, NULL,
			  arena_printf(r->req->arena, "revoking this assignment ends the override it came"
						      " with, and the user would keep the conflict it"
						      " accepted (%s): revoke the other side first",
				       left.sentence),
			  ERP_ERR_CONFLICT);
}

static int revoke_work(struct db_conn *db, void *ctx)
{
	struct revoke *r = ctx;
	const char *params[] = { r->id, r->user_id }, *company_id;
	json_t *changes;
	PGresult *res;
	int rc = iam_sod_lock_user(db, r->req->arena, r->user_id, NULL);

	if (!rc)
		rc = resource_query_json(db, r->req->arena, &get_assignment, 2, params, &r->before);
	/* The assignment's overrides end with it (ON DELETE CASCADE). */
	if (!rc)
		rc = db_query(db, r->req->arena, &delete_assignment, 2, params, &res);
	if (!rc && strcmp(PQgetvalue(res, 0, PQfnumber(res, "deleted")), "1") != 0)
		rc = ERP_ERR_NOT_FOUND;
	if (!rc)
		rc = check_nothing_left_unaccepted(db, r);
	if (!rc)
		rc = iam_bump_authz_version(db);
	if (rc)
		return rc;
	changes = json_pack("{s:{s:O}, s:{s:O}, s:{s:s}, s:{s:O}}", "role", "old",
			    json_object_get(r->before, "role"), "company", "old",
			    json_object_get(r->before, "company"), "user", "old", r->user_id,
			    "overrides", "old", json_object_get(r->before, "overrides"));
	if (!changes)
		return ERP_ERR_NO_MEMORY;
	company_id = PQgetisnull(res, 0, PQfnumber(res, "company_id"))
			     ? NULL : PQgetvalue(res, 0, PQfnumber(res, "company_id"));
	rc = audit_record(db, &(struct audit_event){
		.actor_id = r->req->user_id, .action = "iam.assignment.revoked",
		.company_id = company_id, .entity = "role_assignment", .entity_id = r->id,
		.request_id = r->req->request_id, .changes = changes });
	json_decref(changes);
	return rc ? rc : iam_event_assignment(db, &(struct domain_event){
		.type = "iam.role.revoked", .company_id = company_id, .actor_id = r->req->user_id,
		.request_id = r->req->request_id }, r->user_id, NULL, r->before);
}

int iam_assignments_revoke(struct erp_request *req)
{
	struct revoke r = { req, resource_uuid_param(req, "id"), resource_uuid_param(req, "assignment"),
			    NULL, { 0 } };
	int rc;

	if (!r.user_id || !r.id)
		return ERP_ERR_NOT_FOUND;
	if (strcmp(r.user_id, req->user_id) == 0)
		return http_respond_problem(req, &PROBLEM_FORBIDDEN,
					    "nobody revokes their own roles; ask another administrator");
	rc = db_transaction(http_db(req), revoke_work, &r);
	if (r.refusal.status && rc != ERP_ERR_NO_MEMORY && rc != ERP_ERR_UNAVAILABLE)
		return iam_respond_refusal(req, &r.refusal);
	return rc ? rc : http_respond_empty(req, 204);
}
