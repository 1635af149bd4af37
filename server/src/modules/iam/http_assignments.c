/* Role assignments: grant (segregation of duties checked), list, revoke. */
#include <stdio.h>
#include <string.h>

#include "modules/iam/internal.h"
#include "platform/audit.h"
#include "platform/schema.h"
#include "shared-kernel/errors.h"
#include "shared-kernel/uuid.h"

#define ASSIGNMENT_JSON                                                                      \
	"json_build_object('id', ra.id, 'role', r.name, 'company', c.code,"                  \
	" 'granted_by', ra.granted_by, 'granted_at', ra.granted_at, 'reason', ra.reason,"    \
	" 'sod_override', ra.sod_override)"

static const struct db_statement user_exists = {
	"iam_assignments_user_exists", "SELECT 1 FROM users WHERE id = $1", true,
};
static const struct db_statement role_id_of = {
	"iam_assignments_role_id", "SELECT id FROM roles WHERE name = $1", true,
};
static const struct db_statement company_id_of = {
	"iam_assignments_company_id", "SELECT id FROM companies WHERE code = $1", true,
};
static const struct db_statement insert_assignment = {
	"iam_assignments_insert",
	"INSERT INTO role_assignments (id, user_id, role_id, company_id, granted_by, reason)"
	" VALUES ($1, $2, $3, $4, $5, $6)",
	false,
};
static const struct db_statement mark_override = {
	"iam_assignments_mark_override",
	"UPDATE role_assignments SET sod_override = true WHERE id = $1", false,
};
static const struct db_statement get_assignment = {
	"iam_assignments_get",
	"SELECT " ASSIGNMENT_JSON " FROM role_assignments ra JOIN roles r ON r.id = ra.role_id"
	" LEFT JOIN companies c ON c.id = ra.company_id WHERE ra.id = $1 AND ra.user_id = $2",
	false,
};
static const struct db_statement list_assignments = {
	"iam_assignments_list",
	"SELECT coalesce(json_agg(" ASSIGNMENT_JSON " ORDER BY r.name, c.code NULLS FIRST), '[]')"
	" FROM role_assignments ra JOIN roles r ON r.id = ra.role_id"
	" LEFT JOIN companies c ON c.id = ra.company_id WHERE ra.user_id = $1",
	true,
};
static const struct db_statement delete_assignment = {
	"iam_assignments_delete",
	"DELETE FROM role_assignments WHERE id = $1 AND user_id = $2", false,
};

struct grant {
	struct erp_request *req;
	char id[40];
	const char *user_id;
	const char *role;
	const char *company;      /* code, or NULL for a global grant */
	const char *reason;
	bool may_override;
	json_t *after;
	char *problem;
	const char *invalid_field;
};

static int lookup_id(struct db_conn *db, struct arena *arena, const struct db_statement *st,
		     const char *key, char **out)
{
	PGresult *res;
	int rc = db_query(db, arena, st, 1, &key, &res);

	if (rc)
		return rc;
	if (PQntuples(res) == 0)
		return ERP_ERR_NOT_FOUND;
	*out = PQgetvalue(res, 0, 0);
	return ERP_OK;
}

static int grant_work(struct db_conn *db, void *ctx)
{
	struct grant *g = ctx;
	struct arena *arena = g->req->arena;
	char *role_id = NULL, *company_id = NULL;
	const char *params[6];
	json_t *changes;
	bool overridden = false;
	int rc;

	rc = lookup_id(db, arena, &user_exists, g->user_id, &role_id);
	if (rc)
		return rc; /* 404: no such user */
	rc = lookup_id(db, arena, &role_id_of, g->role, &role_id);
	if (rc == ERP_ERR_NOT_FOUND) {
		g->invalid_field = "/role";
		g->problem = "no role has this name";
		return ERP_ERR_INVALID;
	}
	if (!rc && g->company) {
		rc = lookup_id(db, arena, &company_id_of, g->company, &company_id);
		if (rc == ERP_ERR_NOT_FOUND) {
			g->invalid_field = "/company";
			g->problem = "no company has this code";
			return ERP_ERR_INVALID;
		}
	}
	if (rc)
		return rc;
	params[0] = g->id;
	params[1] = g->user_id;
	params[2] = role_id;
	params[3] = company_id;
	params[4] = iam_principal(g->req)->user_id;
	params[5] = g->reason;
	rc = db_query(db, NULL, &insert_assignment, 6, params, NULL);
	if (rc == ERP_ERR_CONFLICT) {
		g->problem = "the user already holds this role in this scope";
		return rc;
	}
	if (!rc)
		rc = iam_sod_conflict(db, arena, g->user_id, NULL, &g->problem);
	if (rc == ERP_ERR_CONFLICT && g->may_override && g->reason && *g->reason) {
		/* Accepted on the record: the override and its reason are audited. */
		rc = db_query(db, NULL, &mark_override, 1, params, NULL);
		overridden = true;
	}
	if (!rc)
		rc = iam_bump_authz_version(db);
	params[1] = g->user_id;
	if (!rc)
		rc = resource_query_json(db, arena, &get_assignment, 2, params, &g->after);
	if (rc)
		return rc;
	changes = json_pack("{s:{s:s}, s:{s:s?}, s:{s:s}}", "role", "new", g->role, "company", "new",
			    g->company, "user", "new", g->user_id);
	if (!changes) /* an audit event without its changes would hide what was done */
		return ERP_ERR_NO_MEMORY;
	rc = audit_record(db, &(struct audit_event){
		.actor_id = iam_principal(g->req)->user_id,
		.action = overridden ? "iam.assignment.granted_with_sod_override" : "iam.assignment.granted",
		.entity = "role_assignment", .entity_id = g->id, .request_id = g->req->request_id,
		.changes = changes, .reason = g->reason });
	json_decref(changes);
	if (!rc && overridden)
		rc = audit_record(db, &(struct audit_event){
			.actor_id = iam_principal(g->req)->user_id, .action = "iam.sod.override",
			.entity = "role_assignment", .entity_id = g->id,
			.request_id = g->req->request_id, .reason = g->reason });
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
	g->role = json_string_value(json_object_get(req->body, "role"));
	company = json_object_get(req->body, "company");
	g->company = json_is_string(company) ? json_string_value(company) : NULL;
	g->reason = json_string_value(json_object_get(req->body, "reason"));
	g->may_override = iam_caller_holds(req, "iam.sod.override", g->company);
	iam_new_id(g->id);
	rc = db_transaction(http_db(req), grant_work, g);
	if (rc == ERP_ERR_INVALID && g->invalid_field) {
		json_t *errors = json_array();

		schema_error_add(errors, g->invalid_field, "unknown", g->problem);
		rc = http_respond_invalid(req, g->problem, errors);
		json_decref(errors);
		return rc;
	}
	if (rc == ERP_ERR_CONFLICT) {
		const char *hint = g->may_override
					   ? "; you hold iam.sod.override: send a reason to grant it anyway"
					   : "";
		return http_respond_problem(req, &PROBLEM_CONFLICT,
					    arena_printf(req->arena, "%s%s", g->problem, hint));
	}
	if (rc)
		return rc;
	http_add_header(req, "Location", arena_printf(req->arena, "/api/v1/users/%s/role-assignments/%s",
						      g->user_id, g->id));
	return http_respond_json(req, 201, json_incref(g->after));
}

int iam_assignments_list(struct erp_request *req)
{
	const char *user_id = resource_uuid_param(req, "id");
	char *exists;
	json_t *rows;
	int rc;

	if (!user_id)
		return ERP_ERR_NOT_FOUND;
	rc = lookup_id(http_db(req), req->arena, &user_exists, user_id, &exists);
	if (!rc)
		rc = resource_query_json(http_db(req), req->arena, &list_assignments, 1, &user_id, &rows);
	return rc ? rc : http_respond_json(req, 200, json_pack("{s:O}", "items", rows));
}

struct revoke {
	struct erp_request *req;
	const char *user_id;
	const char *id;
	json_t *before;
};

static int revoke_work(struct db_conn *db, void *ctx)
{
	struct revoke *r = ctx;
	const char *params[] = { r->id, r->user_id };
	json_t *changes;
	int rc = resource_query_json(db, r->req->arena, &get_assignment, 2, params, &r->before);

	if (!rc)
		rc = resource_exec_one(db, &delete_assignment, 2, params);
	if (!rc)
		rc = iam_bump_authz_version(db);
	if (rc)
		return rc;
	changes = json_pack("{s:{s:O}, s:{s:O}, s:{s:s}}", "role", "old",
			    json_object_get(r->before, "role"), "company", "old",
			    json_object_get(r->before, "company"), "user", "old", r->user_id);
	if (!changes)
		return ERP_ERR_NO_MEMORY;
	rc = audit_record(db, &(struct audit_event){
		.actor_id = iam_principal(r->req)->user_id, .action = "iam.assignment.revoked",
		.entity = "role_assignment", .entity_id = r->id, .request_id = r->req->request_id,
		.changes = changes });
	json_decref(changes);
	return rc;
}

int iam_assignments_revoke(struct erp_request *req)
{
	struct revoke r = { req, resource_uuid_param(req, "id"), resource_uuid_param(req, "assignment"), NULL };
	int rc;

	if (!r.user_id || !r.id)
		return ERP_ERR_NOT_FOUND;
	rc = db_transaction(http_db(req), revoke_work, &r);
	return rc ? rc : http_respond_empty(req, 204);
}
