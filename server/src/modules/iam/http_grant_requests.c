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
#include "platform/audit.h"
#include "platform/events.h"
#include "shared-kernel/errors.h"

static const struct db_statement list_requests = {
	"iam_grant_requests_list",
	PAGING_SQL("SELECT " IAM_GRANT_REQUEST_JSON " AS j, q.id::text AS k1, q.id::text AS k2"
		   " FROM " IAM_GRANT_REQUEST_FROM
		   " WHERE ($1::uuid IS NULL OR q.id > $1::uuid)"
		   "   AND ($2::text IS NULL OR q.status = $2)"
		   "   AND ($3::uuid IS NULL OR q.user_id = $3::uuid)"
		   " ORDER BY q.id LIMIT $4::int", "$4"),
	true,
};
static const struct db_statement get_request = {
	"iam_grant_requests_get",
	"SELECT " IAM_GRANT_REQUEST_JSON " FROM " IAM_GRANT_REQUEST_FROM " WHERE q.id = $1",
	false,
};
static const struct db_statement lock_request = {
	"iam_grant_requests_lock",
	"SELECT q.user_id, q.role_id, q.role_name, q.role_version, q.company_id, c.code AS company,"
	"       q.reason, q.overrides::text AS overrides, jsonb_array_length(q.overrides) AS override_count,"
	"       q.status, q.requested_by"
	" FROM role_grant_requests q LEFT JOIN companies c ON c.id = q.company_id"
	" WHERE q.id = $1 FOR UPDATE OF q",
	false,
};
static const struct db_statement decide_request = {
	"iam_grant_requests_decide",
	"UPDATE role_grant_requests SET status = $2, decided_by = $3, decided_at = now(),"
	" assignment_id = $4, version = version + 1 WHERE id = $1",
	false,
};

int iam_grant_requests_list(struct erp_request *req)
{
	const char *filters[] = {
		json_string_value(json_object_get(req->query, "status")),
		json_string_value(json_object_get(req->query, "user")),
	};

	return paging_respond_list(req, &list_requests, 1, filters, ERP_COUNT(filters));
}

int iam_grant_requests_get(struct erp_request *req)
{
	const char *id = resource_uuid_param(req, "id");
	json_t *request;
	int rc;

	if (!id)
		return ERP_ERR_NOT_FOUND;
	rc = resource_query_json(http_db(req), req->arena, &get_request, 1, &id, &request);
	if (rc)
		return rc;
	etag_set(req, request);
	return http_respond_json(req, 200, json_incref(request));
}

struct decision {
	struct erp_request *req;
	const char *id;
	bool approve;
	char assignment_id[40];
	const char *event_type;  /* iam.grant.approved, .rejected or .withdrawn */
	json_t *after;           /* the request after the decision */
	struct iam_refusal refusal;
};

static const char *column(PGresult *res, const char *name)
{
	int n = PQfnumber(res, name);

	return PQgetisnull(res, 0, n) ? NULL : PQgetvalue(res, 0, n);
}

/* The locked, still pending request; refusals for everyone who may not decide it. */
static int lock_pending(struct db_conn *db, struct decision *d, PGresult **out)
{
	struct arena *arena = d->req->arena;
	PGresult *res;
	int rc = db_query(db, arena, &lock_request, 1, &d->id, &res);

	if (rc)
		return rc;
	if (PQntuples(res) == 0)
		return ERP_ERR_NOT_FOUND;
	if (strcmp(column(res, "status"), "pending") != 0)
		return iam_refuse(&d->refusal, 409, NULL,
				  arena_printf(arena, "the request is %s already", column(res, "status")),
				  ERP_ERR_CONFLICT);
	if (strcmp(column(res, "user_id"), d->req->user_id) == 0)
		return iam_refuse(&d->refusal, 403, NULL,
				  arena_strdup(arena, "nobody decides grants of their own roles"),
				  ERP_ERR_FORBIDDEN);
	*out = res;
	return ERP_OK;
}

static int approve(struct db_conn *db, struct decision *d, PGresult *q)
{
	struct arena *arena = d->req->arena;
	struct iam_granted_role role;
	const char *user_id = column(q, "user_id"), *company_id = column(q, "company_id");
	const char *company = column(q, "company"), *role_id = column(q, "role_id");
	bool overrides = strcmp(column(q, "override_count"), "0") != 0;
	const char *decide[4];
	bool holds;
	int rc;

	if (strcmp(column(q, "requested_by"), d->req->user_id) == 0)
		return iam_refuse(&d->refusal, 403, NULL,
				  arena_strdup(arena, "four-eyes: you requested this grant; another"
						      " administrator must approve it"),
				  ERP_ERR_FORBIDDEN);
	if (overrides && !iam_caller_holds(d->req, "iam.sod.override", company))
		return iam_refuse(&d->refusal, 403, NULL,
				  arena_strdup(arena, "the request overrides a segregation-of-duties"
						      " conflict: approving it requires iam.sod.override"
						      " in this scope"),
				  ERP_ERR_FORBIDDEN);
	rc = role_id ? iam_grant_lock_role(db, arena, role_id, true, &role) : ERP_ERR_NOT_FOUND;
	if (rc == ERP_ERR_NOT_FOUND)
		return iam_refuse(&d->refusal, 409, NULL,
				  arena_strdup(arena, "the role was deleted since the request"),
				  ERP_ERR_CONFLICT);
	if (rc)
		return rc;
	if (role.version != (int)strtol(column(q, "role_version"), NULL, 10))
		return iam_refuse(&d->refusal, 409, NULL,
				  arena_printf(arena, "role %s changed since the request (version %s, now"
						      " %d); reject this request and ask again",
					       role.name, column(q, "role_version"), role.version),
				  ERP_ERR_CONFLICT);
	rc = iam_sod_lock_user(db, arena, user_id, NULL);
	if (!rc)
		rc = iam_grant_holds(db, arena, user_id, role.id, company_id, &holds);
	if (rc)
		return rc;
	if (holds)
		return iam_refuse(&d->refusal, 409, NULL,
				  arena_strdup(arena, "the user already holds this role in this scope"),
				  ERP_ERR_CONFLICT);
	iam_new_id(d->assignment_id);
	rc = iam_grant_make(db, arena,
			    &(struct iam_grant_made){
				    .assignment_id = d->assignment_id, .user_id = user_id,
				    .role_id = role.id, .role_name = role.name, .company_id = company_id,
				    .company_code = company, .granted_by = column(q, "requested_by"),
				    .approved_by = d->req->user_id, .reason = column(q, "reason"),
				    .overrides = overrides ? column(q, "overrides") : NULL,
				    .grant_request = d->id, .request_id = d->req->request_id,
				    .assignment = NULL },
			    &d->refusal);
	if (rc == ERP_ERR_CONFLICT && d->refusal.status == 409)
		d->refusal.detail = arena_printf(arena, "%s; since the request the grant would create a"
							" conflict it did not ask to accept: reject it and"
							" ask again", d->refusal.detail);
	decide[0] = d->id;
	decide[1] = "approved";
	decide[2] = d->req->user_id;
	decide[3] = d->assignment_id;
	if (!rc)
		rc = db_query(db, NULL, &decide_request, 4, decide, NULL);
	d->event_type = "iam.grant.approved";
	return rc;
}

static int reject(struct db_conn *db, struct decision *d, PGresult *q)
{
	bool withdrawn = strcmp(column(q, "requested_by"), d->req->user_id) == 0;
	const char *decide[] = { d->id, withdrawn ? "withdrawn" : "rejected", d->req->user_id, NULL };
	json_t *changes = json_pack("{s:{s:s, s:s}}", "status", "old", "pending", "new", decide[1]);
	int rc;

	if (!changes)
		return ERP_ERR_NO_MEMORY;
	rc = db_query(db, NULL, &decide_request, 4, decide, NULL);
	if (!rc)
		rc = audit_record(db, &(struct audit_event){
			.actor_id = d->req->user_id,
			.action = withdrawn ? "iam.assignment.request_withdrawn"
					    : "iam.assignment.request_rejected",
			.company_id = column(q, "company_id"), .entity = "role_grant_request",
			.entity_id = d->id, .request_id = d->req->request_id, .changes = changes });
	json_decref(changes);
	d->event_type = withdrawn ? "iam.grant.withdrawn" : "iam.grant.rejected";
	return rc;
}

static int decide_work(struct db_conn *db, void *ctx)
{
	struct decision *d = ctx;
	PGresult *q = NULL;
	int rc = lock_pending(db, d, &q);

	if (rc)
		return rc;
	rc = d->approve ? approve(db, d, q) : reject(db, d, q);
	if (!rc)
		rc = resource_query_json(db, d->req->arena, &get_request, 1, &d->id, &d->after);
	if (!rc)
		rc = iam_event_grant_request(db, &(struct domain_event){
			.type = d->event_type, .company_id = column(q, "company_id"),
			.actor_id = d->req->user_id, .request_id = d->req->request_id }, d->after);
	return rc;
}

static int decide(struct erp_request *req, bool approve_it)
{
	struct decision *d = arena_calloc(req->arena, 1, sizeof(*d));
	int rc;

	if (!d)
		return ERP_ERR_NO_MEMORY;
	d->req = req;
	d->approve = approve_it;
	d->id = resource_uuid_param(req, "id");
	if (!d->id)
		return ERP_ERR_NOT_FOUND;
	rc = db_transaction(http_db(req), decide_work, d);
	if (d->refusal.status && rc != ERP_ERR_NO_MEMORY && rc != ERP_ERR_UNAVAILABLE)
		return iam_respond_refusal(req, &d->refusal);
	if (rc)
		return rc;
	etag_set(req, d->after);
	return http_respond_json(req, 200, json_incref(d->after));
}

int iam_grant_requests_approve(struct erp_request *req)
{
	return decide(req, true);
}

int iam_grant_requests_reject(struct erp_request *req)
{
	return decide(req, false);
}
