/*
 * Segregation of duties. The rule itself is one database function,
 * iam_sod_conflicts() (migration 20261203000000_iam_controls), which the
 * admin scripts call too: every (user, scope, pair) where a user holds both
 * permissions of a pair (global roles count in every company) and no
 * override covers exactly that pair in that scope. This file asks it, inside
 * the changing transaction and after the caller has taken the locks that
 * serialise decisions about the same users (see iam_sod_lock_*), so the
 * answer always matches what is committed. The statements are in store_sod.c.
 */
#include <stdio.h>
#include <string.h>

#include "common/json.h"
#include "modules/iam/internal.h"
#include "shared-kernel/errors.h"

int iam_sod_lock_user(struct db_conn *db, struct arena *arena, const char *user_id, bool *active)
{
	PGresult *res;
	int rc = db_query(db, arena, &iam_sql_sod_lock_user, 1, &user_id, &res);

	if (rc)
		return rc;
	if (PQntuples(res) == 0)
		return ERP_ERR_NOT_FOUND;
	if (active)
		*active = strcmp(db_value(res, 0, "active"), "t") == 0;
	return ERP_OK;
}

int iam_sod_lock_holders(struct db_conn *db, const char *role_id)
{
	return db_query(db, NULL, &iam_sql_sod_lock_holders, 1, &role_id, NULL);
}

/* The conflicts of a result: a sentence for the first, and every one as JSON. */
static int read_conflicts(struct arena *arena, PGresult *res, struct iam_sod_conflicts *out)
{
	const char *company;

	out->count = PQntuples(res);
	out->sentence = NULL;
	out->list = json_array();
	/* arena_cleanup_add() releases the list when it fails */
	if (!out->list || arena_cleanup_add(arena, (arena_cleanup_fn)json_decref, out->list)) {
		out->list = NULL;
		return ERP_ERR_NO_MEMORY;
	}
	for (int i = 0; i < out->count; i++) {
		json_t *item = json_pack("{s:s, s:s?, s:s?, s:[s,s], s:s}", "user",
					 db_value(res, i, "email"), "company",
					 db_value(res, i, "company"), "company_id",
					 db_value(res, i, "company_id"), "permissions",
					 db_value(res, i, "permission_a"),
					 db_value(res, i, "permission_b"), "description",
					 db_value(res, i, "description"));

		if (!item || json_array_append_new(out->list, item))
			return ERP_ERR_NO_MEMORY;
	}
	if (out->count == 0)
		return ERP_OK;
	company = db_value(res, 0, "company"); /* NULL: a global conflict */
	out->sentence = arena_printf(arena, "segregation of duties: %s would hold both %s and %s %s%s (%s)%s",
				     db_value(res, 0, "email"), db_value(res, 0, "permission_a"),
				     db_value(res, 0, "permission_b"),
				     company ? "in company " : "globally", company ? company : "",
				     db_value(res, 0, "description"),
				     out->count > 1 ? arena_printf(arena, ", and %d more", out->count - 1)
						    : "");
	return out->sentence ? ERP_OK : ERP_ERR_NO_MEMORY;
}

int iam_sod_conflicts_of_grant(struct db_conn *db, struct arena *arena, const char *user_id,
			       const char *role_id, const char *company_id,
			       struct iam_sod_conflicts *out)
{
	const char *params[] = { user_id, role_id, company_id };
	PGresult *res;
	int rc = db_query(db, arena, &iam_sql_sod_grant_conflicts, 3, params, &res);

	return rc ? rc : read_conflicts(arena, res, out);
}

int iam_sod_conflicts_of_holders(struct db_conn *db, struct arena *arena, const char *role_id,
				 struct iam_sod_conflicts *out)
{
	PGresult *res;
	int rc = db_query(db, arena, &iam_sql_sod_holder_conflicts, 1, &role_id, &res);

	return rc ? rc : read_conflicts(arena, res, out);
}

int iam_sod_pair_in_set(struct db_conn *db, struct arena *arena, const char *permissions_json,
			char **sentence)
{
	PGresult *res;
	int rc = db_query(db, arena, &iam_sql_sod_pair_in_set, 1, &permissions_json, &res);

	if (rc)
		return rc;
	if (PQntuples(res) == 0)
		return ERP_OK;
	*sentence = arena_printf(arena,
				 "segregation of duties: one role may not hold both %s and %s (%s)",
				 db_value(res, 0, "permission_a"), db_value(res, 0, "permission_b"),
				 db_value(res, 0, "description"));
	return *sentence ? ERP_ERR_CONFLICT : ERP_ERR_NO_MEMORY;
}
