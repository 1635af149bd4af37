/*
 * Segregation of duties, checked in the database inside the changing
 * transaction: after a grant or a role change, does any affected user now
 * hold both permissions of a pair in one company (their global roles count
 * in every company)? One query, so the answer always matches what was
 * just written.
 */
#include <stdio.h>
#include <string.h>

#include "modules/iam/internal.h"
#include "shared-kernel/errors.h"

/* $1 user id or NULL, $2 role id or NULL: the users to check. A conflict is
 * exempt when an audited override accepted it: an override assignment of that
 * user in that scope (or globally) whose role holds a side of that pair. Only
 * that conflict: the user's other companies and pairs are still checked. */
static const struct db_statement first_conflict = {
	"iam_sod_first_conflict",
	"WITH affected AS ("
	"   SELECT id AS user_id FROM users WHERE id = $1::uuid"
	"   UNION SELECT user_id FROM role_assignments WHERE role_id = $2::uuid),"
	" checked AS (SELECT user_id FROM affected),"
	" held AS ("
	"   SELECT ra.user_id, ra.company_id, rp.permission FROM role_assignments ra"
	"   JOIN role_permissions rp ON rp.role_id = ra.role_id"
	"   WHERE ra.user_id IN (SELECT user_id FROM checked)),"
	" scopes AS ("
	"   SELECT DISTINCT user_id, company_id FROM held"
	"   UNION SELECT user_id, NULL::uuid FROM checked),"
	" effective AS ("
	"   SELECT s.user_id, s.company_id, h.permission FROM scopes s"
	"   JOIN held h ON h.user_id = s.user_id AND (h.company_id IS NULL OR h.company_id = s.company_id))"
	" SELECT u.email, c.code, r.permission_a, r.permission_b, r.description"
	" FROM sod_rules r"
	" JOIN effective a ON a.permission = r.permission_a"
	" JOIN effective b ON b.permission = r.permission_b AND b.user_id = a.user_id"
	"      AND b.company_id IS NOT DISTINCT FROM a.company_id"
	" JOIN users u ON u.id = a.user_id LEFT JOIN companies c ON c.id = a.company_id"
	" WHERE NOT EXISTS ("
	"   SELECT 1 FROM role_assignments o JOIN role_permissions op ON op.role_id = o.role_id"
	"   WHERE o.user_id = a.user_id AND o.sod_override"
	"     AND (o.company_id IS NULL OR o.company_id IS NOT DISTINCT FROM a.company_id)"
	"     AND op.permission IN (r.permission_a, r.permission_b))"
	" ORDER BY u.email, c.code NULLS FIRST LIMIT 1",
	false,
};

/* Pairs a permission set (JSON array text) holds both sides of. */
static const struct db_statement pair_in_set = {
	"iam_sod_pair_in_set",
	"SELECT permission_a, permission_b, description FROM sod_rules"
	" WHERE permission_a IN (SELECT jsonb_array_elements_text($1::jsonb))"
	"   AND permission_b IN (SELECT jsonb_array_elements_text($1::jsonb)) LIMIT 1",
	true,
};

int iam_sod_conflict(struct db_conn *db, struct arena *arena, const char *user_id,
		     const char *role_id, char **sentence)
{
	const char *params[] = { user_id, role_id };
	PGresult *res;
	int rc = db_query(db, arena, &first_conflict, 2, params, &res);

	if (rc)
		return rc;
	if (PQntuples(res) == 0)
		return ERP_OK;
	*sentence = arena_printf(arena,
				 "segregation of duties: %s would hold both %s and %s %s%s (%s)",
				 PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 2), PQgetvalue(res, 0, 3),
				 PQgetisnull(res, 0, 1) ? "globally" : "in company ",
				 PQgetisnull(res, 0, 1) ? "" : PQgetvalue(res, 0, 1),
				 PQgetvalue(res, 0, 4));
	return *sentence ? ERP_ERR_CONFLICT : ERP_ERR_NO_MEMORY;
}

int iam_sod_pair_in_set(struct db_conn *db, struct arena *arena, const char *permissions_json,
			char **sentence)
{
	PGresult *res;
	int rc = db_query(db, arena, &pair_in_set, 1, &permissions_json, &res);

	if (rc)
		return rc;
	if (PQntuples(res) == 0)
		return ERP_OK;
	*sentence = arena_printf(arena,
				 "segregation of duties: one role may not hold both %s and %s (%s)",
				 PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1), PQgetvalue(res, 0, 2));
	return *sentence ? ERP_ERR_CONFLICT : ERP_ERR_NO_MEMORY;
}
