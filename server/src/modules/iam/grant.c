/*
 * Making a role grant take effect: the one path shared by a grant that
 * needs nobody else and by the approval of a grant request. The caller has
 * locked the role (share) and the user (iam_sod_lock_user), so no other
 * decision about this user can interleave until commit. Also what a grant
 * asks first: the role, whether the user holds it, whether the actor holds a
 * permission (iam_user_holds()).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "modules/iam/internal.h"
#include "platform/audit/audit.h"
#include "platform/events/events.h"
#include "shared-kernel/errors.h"

int iam_grant_lock_role(struct db_conn *db, struct arena *arena, const char *key, bool by_id,
			struct iam_granted_role *out)
{
	PGresult *res;
	int rc = db_query(db, arena, by_id ? &iam_sql_grant_lock_role_by_id : &iam_sql_grant_lock_role,
			  1, &key, &res);

	if (rc)
		return rc;
	if (PQntuples(res) == 0)
		return ERP_ERR_NOT_FOUND;
	snprintf(out->id, sizeof(out->id), "%s", db_value(res, 0, "id"));
	snprintf(out->name, sizeof(out->name), "%s", db_value(res, 0, "name"));
	out->version = (int)strtol(db_value(res, 0, "version"), NULL, 10);
	/* Read after the lock, in a statement of its own (see iam_sql_grant_lock_role). */
	key = out->id;
	rc = db_query(db, arena, &iam_sql_grant_privileged, 1, &key, &res);
	if (rc)
		return rc;
	snprintf(out->privileged, sizeof(out->privileged), "%s", db_value(res, 0, "privileged"));
	return ERP_OK;
}

int iam_grant_holds(struct db_conn *db, struct arena *arena, const char *user_id,
		    const char *role_id, const char *company_id, bool *holds)
{
	const char *params[] = { user_id, role_id, company_id };
	PGresult *res;
	int rc = db_query(db, arena, &iam_sql_grant_holds, 3, params, &res);

	if (!rc)
		*holds = PQntuples(res) > 0;
	return rc;
}

/* One iam.sod.override event per override the grant brought, in its own scope. */
static int audit_overrides(struct db_conn *db, struct iam_grant_made *g, PGresult *rows)
{
	int rc = ERP_OK;

	for (int i = 0; rc == ERP_OK && i < PQntuples(rows); i++) {
		const char *company_id = db_value(rows, i, "company_id"); /* NULL: global */
		json_t *changes = json_pack("{s:{s:s}, s:{s:s?}, s:{s:[s,s]}, s:{s:s?}}", "user", "new",
					    g->user_id, "company", "new",
					    company_id ? db_value(rows, i, "company") : NULL,
					    "permissions", "new", db_value(rows, i, "permission_a"),
					    db_value(rows, i, "permission_b"), "approved_by", "new",
					    g->approved_by);

		if (!changes)
			return ERP_ERR_NO_MEMORY;
		rc = audit_record(db, &(struct audit_event){
			.actor_id = g->approved_by ? g->approved_by : g->granted_by,
			.action = "iam.sod.override", .company_id = company_id,
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
		   struct erp_refusal *refusal)
{
	const char *insert[] = { g->assignment_id, g->user_id, g->role_id, g->company_id,
				 g->granted_by, g->approved_by, g->reason };
	const char *overrides[] = { g->user_id, g->assignment_id, g->overrides, g->reason,
				    g->granted_by, g->approved_by };
	struct iam_sod_conflicts left;
	PGresult *accepted = NULL;
	int rc = db_query(db, NULL, &iam_sql_grant_insert, 7, insert, NULL);

	if (rc == ERP_ERR_CONFLICT)
		return erp_refuse(refusal, ERP_ERR_CONFLICT, "the user already holds this role in this scope");
	if (!rc && g->overrides)
		rc = db_query(db, arena, &iam_sql_grant_insert_overrides, 6, overrides, &accepted);
	/* The check after the change, under the user's lock: what is committed is clean. */
	if (!rc)
		rc = iam_sod_conflicts_of_grant(db, arena, g->user_id, NULL, NULL, &left);
	if (rc)
		return rc;
	if (left.count > 0)
		return erp_refuse(refusal, ERP_ERR_CONFLICT, left.sentence);
	rc = iam_bump_authz_version(db);
	if (!rc)
		rc = audit_grant(db, g);
	if (!rc && accepted)
		rc = audit_overrides(db, g, accepted);
	if (!rc)
		rc = resource_query_json(db, arena, &iam_sql_assignment_json, 1, &g->assignment_id,
					 &g->assignment);
	if (!rc)
		rc = iam_event_assignment(db, &(struct domain_event){
			.type = "iam.role.granted", .company_id = g->company_id,
			.actor_id = g->approved_by ? g->approved_by : g->granted_by,
			.request_id = g->request_id }, g->user_id, g->grant_request, g->assignment);
	return rc;
}

int iam_user_holds(struct db_conn *db, struct arena *arena, const char *user_id,
		   const char *permission, const char *company, bool *holds)
{
	const char *params[] = { user_id, permission, company };
	PGresult *res;
	int rc = db_query(db, arena, &iam_sql_user_holds_permission, 3, params, &res);

	if (!rc)
		*holds = strcmp(db_value(res, 0, "holds"), "t") == 0;
	return rc;
}
