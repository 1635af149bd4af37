/* The statements of grant requests (grant_requests.c, and assignments.c, which files them). */
#include "modules/iam/internal.h"

/* A grant request as clients see it, from GRANT_REQUEST_FROM. */
#define GRANT_REQUEST_FROM                                                                    \
	"role_grant_requests q JOIN users u ON u.id = q.user_id"                              \
	" LEFT JOIN companies c ON c.id = q.company_id"
#define GRANT_REQUEST_JSON                                                                    \
	"json_build_object('id', q.id, 'user_id', q.user_id, 'user', u.email,"                \
	" 'role', q.role_name, 'role_version', q.role_version, 'company', c.code,"            \
	" 'privileged_permissions', (SELECT coalesce(json_agg(permission ORDER BY permission), '[]')" \
	"   FROM role_permissions WHERE role_id = q.role_id AND iam_is_privileged(permission)),"  \
	" 'overrides', q.overrides, 'reason', q.reason, 'status', q.status,"                 \
	" 'requested_by', q.requested_by, 'requested_at', q.requested_at,"                    \
	" 'decided_by', q.decided_by, 'decided_at', q.decided_at,"                            \
	" 'decision_note', q.decision_note, 'assignment_id', q.assignment_id,"                \
	" 'version', q.version)"

/*
 * $1 id, $2 user, $3 role, $4 role name, $5 role version, $6 company id
 * (NULL: global), $7 reason, $8 the conflicts to accept (JSON array), $9
 * requested by.
 */
const struct db_statement iam_sql_grant_request_insert = {
	"iam_assignments_insert_request",
	"INSERT INTO role_grant_requests (id, user_id, role_id, role_name, role_version, company_id,"
	"   reason, overrides, requested_by)"
	" VALUES ($1, $2, $3, $4, $5::int, $6, $7, $8::jsonb, $9)",
	false,
};

/* $1 the cursor's key (id), $2 status, $3 user, $4 page size + 1. */
const struct db_statement iam_sql_grant_requests_list = {
	"iam_grant_requests_list",
	PAGING_SQL("SELECT " GRANT_REQUEST_JSON " AS j, q.id::text AS k1, q.id::text AS k2"
		   " FROM " GRANT_REQUEST_FROM
		   " WHERE ($1::uuid IS NULL OR q.id > $1::uuid)"
		   "   AND ($2::text IS NULL OR q.status = $2)"
		   "   AND ($3::uuid IS NULL OR q.user_id = $3::uuid)"
		   " ORDER BY q.id LIMIT $4::int", "$4"),
	true,
};

/* $1 id. */
const struct db_statement iam_sql_grant_request_get = {
	"iam_grant_requests_get",
	"SELECT " GRANT_REQUEST_JSON " FROM " GRANT_REQUEST_FROM " WHERE q.id = $1",
	false,
};

/* $1 id: what deciding the request needs, locked until commit. */
const struct db_statement iam_sql_grant_request_lock = {
	"iam_grant_requests_lock",
	"SELECT q.user_id, q.role_id, q.role_name, q.role_version, q.company_id, c.code AS company,"
	"       q.reason, q.overrides::text AS overrides, jsonb_array_length(q.overrides) AS override_count,"
	"       q.status, q.requested_by"
	" FROM role_grant_requests q LEFT JOIN companies c ON c.id = q.company_id"
	" WHERE q.id = $1 FOR UPDATE OF q",
	false,
};

/* $1 id, $2 status, $3 decided by, $4 the assignment an approval made (NULL otherwise). */
const struct db_statement iam_sql_grant_request_decide = {
	"iam_grant_requests_decide",
	"UPDATE role_grant_requests SET status = $2, decided_by = $3, decided_at = now(),"
	" assignment_id = $4, version = version + 1 WHERE id = $1",
	false,
};
