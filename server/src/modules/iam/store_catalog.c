/* The statements of the read-only views: the permission catalog and the audit trail. */
#include "modules/iam/internal.h"

/* Every permission and segregation-of-duties pair, as one JSON document. */
const struct db_statement iam_sql_permission_catalog = {
	"iam_permissions_list",
	"SELECT json_build_object("
	" 'items', (SELECT coalesce(json_agg(json_build_object('name', name, 'module', module,"
	"           'description', description) ORDER BY name), '[]') FROM permissions),"
	" 'sod_rules', (SELECT coalesce(json_agg(json_build_object('permissions',"
	"           json_build_array(permission_a, permission_b), 'description', description)"
	"           ORDER BY permission_a, permission_b), '[]') FROM sod_rules))",
	true,
};

/*
 * Newest first; the cursor is (occurred_at, id) of the last row returned
 * ($1/$2). Filters: $3 company code, $4 actor, $5 entity, $6 entity id,
 * $7 action, $8 from (date), $9 to (date, inclusive); $10 page size + 1.
 */
const struct db_statement iam_sql_audit_list = {
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
