/*
 * Making a role grant take effect: the one path shared by a grant that
 * needs nobody else and by the approval of a grant request. The caller has
 * locked the role (share) and the user (iam_sod_lock_user), so no other
 * decision about this user can interleave until commit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "modules/iam/internal.h"
#include "platform/audit.h"
#include "platform/events.h"
#include "platform/schema.h"
#include "shared-kernel/errors.h"

/*
 * The role's row is locked first; what it holds is read in a statement of its
 * own afterwards. At READ COMMITTED a statement's snapshot is taken before it
 * waits for a lock, so a permission added by an edit that committed while this
 * grant waited would be missed by a subquery of the locking statement (the
 * grant would then skip the second administrator).
 */
static const struct db_statement lock_role_by_name = {
	"iam_grant_lock_role",
	"SELECT r.id, r.name, r.version FROM roles r WHERE r.name = $1 FOR SHARE",
	false,
};
static const struct db_statement lock_role_by_id = {
	"iam_grant_lock_role_by_id",
	"SELECT r.id, r.name, r.version FROM roles r WHERE r.id = $1 FOR SHARE",
	false,
};
static const struct db_statement privileged_of_role = {
	"iam_grant_privileged",
	"SELECT coalesce(string_agg(permission, ', ' ORDER BY permission), '') AS privileged"
	" FROM role_permissions WHERE role_id = $1 AND iam_is_privileged(permission)",
	false,
};
static const struct db_statement holds_role = {
	"iam_grant_holds",
	"SELECT 1 FROM role_assignments WHERE user_id = $1 AND role_id = $2"
	" AND company_id IS NOT DISTINCT FROM $3::uuid",
	false,
};
static const struct db_statement insert_assignment = {
	"iam_grant_insert",
	"INSERT INTO role_assignments (id, user_id, role_id, company_id, granted_by, approved_by, reason)"
	" VALUES ($1, $2, $3, $4, $5, $6, $7)",
	false,
};
/* Overrides for exactly the accepted conflicts the user has now, each in its scope. */
static const struct db_statement insert_overrides = {
	"iam_grant_insert_overrides",
	"INSERT INTO sod_overrides (id, user_id, company_id, permission_a, permission_b,"
	"   assignment_id, reason, requested_by, approved_by)"
	" SELECT gen_random_uuid(), x.user_id, x.company_id, x.permission_a, x.permission_b,"
	"        $2, $4, $5, $6"
	"   FROM iam_sod_conflicts(ARRAY[$1::uuid]) x"
	"  WHERE EXISTS (SELECT 1 FROM jsonb_to_recordset($3::jsonb) o(company_id uuid, permissions jsonb)"
	"                 WHERE o.company_id IS NOT DISTINCT FROM x.company_id"
	"                   AND o.permissions->>0 = x.permission_a AND o.permissions->>1 = x.permission_b)"
	" RETURNING (SELECT code FROM companies WHERE id = company_id) AS company, company_id,"
	"           permission_a, permission_b",
	false,
};
static const struct db_statement assignment_json = {
	"iam_grant_assignment_json",
	"SELECT " IAM_ASSIGNMENT_JSON " FROM role_assignments ra JOIN roles r ON r.id = ra.role_id"
	" LEFT JOIN companies c ON c.id = ra.company_id WHERE ra.id = $1",
	false,
};

int iam_refuse(struct iam_refusal *refusal, int status, const char *field, char *detail, int rc)
{
	refusal->status = status;
	refusal->field = field;
	refusal->detail = detail;
	return detail ? rc : ERP_ERR_NO_MEMORY;
}

int iam_respond_refusal(struct erp_request *req, const struct iam_refusal *refusal)
{
	if (refusal->status == 422) {
		json_t *errors = json_array();
		int rc;

		schema_error_add(errors, refusal->field ? refusal->field : "", "invalid",
				 refusal->detail);
		rc = http_respond_invalid(req, refusal->detail, errors);
		json_decref(errors);
		return rc;
	}
	return http_respond_problem(req,
				    refusal->status == 403   ? &PROBLEM_FORBIDDEN
				    : refusal->status == 404 ? &PROBLEM_NOT_FOUND
							     : &PROBLEM_CONFLICT,
				    refusal->detail);
}

int iam_grant_lock_role(struct db_conn *db, struct arena *arena, const char *key, bool by_id,
			struct iam_granted_role *out)
{
	PGresult *res;
	int rc = db_query(db, arena, by_id ? &lock_role_by_id : &lock_role_by_name, 1, &key, &res);

	if (rc)
		return rc;
	if (PQntuples(res) == 0)
		return ERP_ERR_NOT_FOUND;
	snprintf(out->id, sizeof(out->id), "%s", PQgetvalue(res, 0, PQfnumber(res, "id")));
	snprintf(out->name, sizeof(out->name), "%s", PQgetvalue(res, 0, PQfnumber(res, "name")));
	out->version = (int)strtol(PQgetvalue(res, 0, PQfnumber(res, "version")), NULL, 10);
	key = out->id;
	rc = db_query(db, arena, &privileged_of_role, 1, &key, &res);
	if (rc)
		return rc;
	snprintf(out->privileged, sizeof(out->privileged), "%s",
		 PQgetvalue(res, 0, PQfnumber(res, "privileged")));
	return ERP_OK;
}

int iam_grant_holds(struct db_conn *db, struct arena *arena, const char *user_id,
		    const char *role_id, const char *company_id, bool *holds)
{
	const char *params[] = { user_id, role_id, company_id };
	PGresult *res;
	int rc = db_query(db, arena, &holds_role, 3, params, &res);

	if (!rc)
		*holds = PQntuples(res) > 0;
	return rc;
}

/* One iam.sod.override event per override the grant brought, in its own scope. */
static int audit_overrides(struct db_conn *db, struct iam_grant_made *g, PGresult *rows)
{
	int company = PQfnumber(rows, "company"), company_id = PQfnumber(rows, "company_id");
	int a = PQfnumber(rows, "permission_a"), b = PQfnumber(rows, "permission_b");
	int rc = ERP_OK;

	for (int i = 0; rc == ERP_OK && i < PQntuples(rows); i++) {
		bool global = PQgetisnull(rows, i, company_id);
		json_t *changes = json_pack("{s:{s:s}, s:{s:s?}, s:{s:[s,s]}, s:{s:s?}}", "user", "new",
					    g->user_id, "company", "new",
					    global ? NULL : PQgetvalue(rows, i, company), "permissions",
					    "new", PQgetvalue(rows, i, a), PQgetvalue(rows, i, b),
					    "approved_by", "new", g->approved_by);

		if (!changes)
			return ERP_ERR_NO_MEMORY;
		rc = audit_record(db, &(struct audit_event){
			.actor_id = g->approved_by ? g->approved_by : g->granted_by,
			.action = "iam.sod.override", .company_id = global ? NULL : PQgetvalue(rows, i, company_id),
			.entity = "role_assignment", .entity_id = g->assignment_id,
			.request_id = g->request_id, .changes = changes, .reason = g->reason });
		json_decref(changes);
	}
	return rc;
}

static int audit_grant(struct db_conn *db, struct iam_grant_made *g)
{
	json_t *changes = json_pack("{s:{s:s}, s:{s:s?}, s:{s:s}, s:{s:s?}, s:{s:s?}}", "role", "new",
				    g->role_name, "company", "new", g->company_code, "user", "new",
				    g->user_id, "approved_by", "new", g->approved_by, "grant_request",
				    "new", g->grant_request);
	int rc;

	if (!changes) /* an audit event without its changes would hide what was done */
		return ERP_ERR_NO_MEMORY;
	rc = audit_record(db, &(struct audit_event){
		.actor_id = g->approved_by ? g->approved_by : g->granted_by,
		.action = "iam.assignment.granted", .company_id = g->company_id,
		.entity = "role_assignment", .entity_id = g->assignment_id,
		.request_id = g->request_id, .changes = changes, .reason = g->reason });
	json_decref(changes);
	return rc;
}

int iam_grant_make(struct db_conn *db, struct arena *arena, struct iam_grant_made *g,
		   struct iam_refusal *refusal)
{
	const char *insert[] = { g->assignment_id, g->user_id, g->role_id, g->company_id,
				 g->granted_by, g->approved_by, g->reason };
	const char *overrides[] = { g->user_id, g->assignment_id, g->overrides, g->reason,
				    g->granted_by, g->approved_by };
	struct iam_sod_conflicts left;
	PGresult *accepted = NULL;
	int rc = db_query(db, NULL, &insert_assignment, 7, insert, NULL);

	if (rc == ERP_ERR_CONFLICT)
		return iam_refuse(refusal, 409, NULL,
				  arena_strdup(arena, "the user already holds this role in this scope"), rc);
	if (!rc && g->overrides)
		rc = db_query(db, arena, &insert_overrides, 6, overrides, &accepted);
	/* The check after the change, under the user's lock: what is committed is clean. */
	if (!rc)
		rc = iam_sod_conflicts_of_grant(db, arena, g->user_id, NULL, NULL, &left);
	if (rc)
		return rc;
	if (left.count > 0)
		return iam_refuse(refusal, 409, NULL, left.sentence, ERP_ERR_CONFLICT);
	rc = iam_bump_authz_version(db);
	if (!rc)
		rc = audit_grant(db, g);
	if (!rc && accepted)
		rc = audit_overrides(db, g, accepted);
	if (!rc)
		rc = resource_query_json(db, arena, &assignment_json, 1, &g->assignment_id,
					 &g->assignment);
	if (!rc)
		rc = iam_event_assignment(db, &(struct domain_event){
			.type = "iam.role.granted", .company_id = g->company_id,
			.actor_id = g->approved_by ? g->approved_by : g->granted_by,
			.request_id = g->request_id }, g->user_id, g->grant_request, g->assignment);
	return rc;
}
