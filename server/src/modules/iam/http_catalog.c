/* Read-only views: the permission catalog and the audit trail. */
#include <stdio.h>

#include "modules/iam/internal.h"
#include "shared-kernel/errors.h"

static const struct db_statement list_permissions = {
	"iam_permissions_list",
	"SELECT json_build_object("
	" 'items', (SELECT coalesce(json_agg(json_build_object('name', name, 'module', module,"
	"           'description', description) ORDER BY name), '[]') FROM permissions),"
	" 'sod_rules', (SELECT coalesce(json_agg(json_build_object('permissions',"
	"           json_build_array(permission_a, permission_b), 'description', description)"
	"           ORDER BY permission_a, permission_b), '[]') FROM sod_rules))",
	true,
};

/* Newest first; the cursor is (occurred_at, id) of the last row returned. */
static const struct db_statement list_events = {
	"iam_audit_list",
	PAGING_SQL("SELECT json_build_object('id', e.id, 'occurred_at', e.occurred_at,"
		   "   'actor_id', e.actor_id, 'action', e.action, 'company', c.code, 'entity', e.entity,"
		   "   'entity_id', e.entity_id, 'request_id', e.request_id, 'changes', e.changes,"
		   "   'reason', e.reason) AS j, e.occurred_at::text AS k1, e.id::text AS k2"
		   " FROM audit_events e LEFT JOIN companies c ON c.id = e.company_id"
		   " WHERE ($1::text IS NULL OR (e.occurred_at, e.id) < ($1::timestamptz, $2::uuid))"
		   "   AND ($3::text IS NULL OR c.code = $3)"
		   "   AND ($4::uuid IS NULL OR e.actor_id = $4::uuid)"
		   "   AND ($5::text IS NULL OR e.entity = $5)"
		   "   AND ($6::text IS NULL OR e.entity_id = $6)"
		   "   AND ($7::text IS NULL OR e.action = $7)"
		   "   AND ($8::date IS NULL OR e.occurred_at >= $8::date)"
		   "   AND ($9::date IS NULL OR e.occurred_at < $9::date + 1)"
		   " ORDER BY e.occurred_at DESC, e.id DESC LIMIT $10::int", "$10"),
	true,
};

int iam_permissions_list(struct erp_request *req)
{
	json_t *body;
	int rc = resource_query_json(http_db(req), req->arena, &list_permissions, 0, NULL, &body);

	return rc ? rc : http_respond_json(req, 200, json_incref(body));
}

static const char *text_of(struct erp_request *req, const char *name)
{
	return json_string_value(json_object_get(req->query, name));
}

int iam_audit_list(struct erp_request *req)
{
	const char *filters[] = {
		text_of(req, "company"), text_of(req, "actor"), text_of(req, "entity"),
		text_of(req, "entity_id"), text_of(req, "action"), text_of(req, "from"),
		text_of(req, "to"),
	};

	return paging_respond_list(req, &list_events, 2, filters, 7);
}
