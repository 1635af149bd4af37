/*
 * IAM storage helpers and the statements several IAM files share. Entities
 * come back as JSON built by PostgreSQL (json_build_object), so the shape a
 * client sees is written once, beside the query that reads it.
 */
#include <string.h>

#include "common/json.h"
#include "modules/iam/internal.h"
#include "platform/schema.h"
#include "shared-kernel/errors.h"
#include "shared-kernel/uuid.h"

const struct db_statement iam_sql_session_lookup = {
	"iam_session_lookup",
	"SELECT s.user_id, (SELECT version FROM authz_version),"
	"       s.last_seen_at < now() - interval '60 seconds'"
	" FROM sessions s JOIN users u ON u.id = s.user_id"
	" WHERE s.token_hash = decode($1, 'hex') AND s.revoked_at IS NULL AND u.active"
	"   AND s.expires_at > now() AND s.last_seen_at > now() - make_interval(secs => $2::int)",
	true,
};

const struct db_statement iam_sql_session_touch = {
	"iam_session_touch",
	"UPDATE sessions SET last_seen_at = now() WHERE token_hash = decode($1, 'hex')",
	false,
};

/* Every (company code or NULL for global, permission) the user holds. */
const struct db_statement iam_sql_user_permissions = {
	"iam_user_permissions",
	"SELECT c.code, rp.permission"
	" FROM role_assignments ra"
	" LEFT JOIN role_permissions rp ON rp.role_id = ra.role_id"
	" LEFT JOIN companies c ON c.id = ra.company_id"
	" WHERE ra.user_id = $1",
	true,
};

static const struct db_statement bump_version = {
	"iam_bump_authz_version", "UPDATE authz_version SET version = version + 1", false,
};

int iam_query_json(struct db_conn *conn, struct arena *arena, const struct db_statement *st,
		   int count, const char *const *params, json_t **out)
{
	PGresult *res;
	json_t *doc;
	int rc = db_query(conn, arena, st, count, params, &res);

	if (rc)
		return rc;
	if (PQntuples(res) == 0 || PQgetisnull(res, 0, 0))
		return ERP_ERR_NOT_FOUND;
	doc = erp_json_loadb(PQgetvalue(res, 0, 0), (size_t)PQgetlength(res, 0, 0), 0, NULL, NULL);
	if (!doc || arena_cleanup_add(arena, (arena_cleanup_fn)json_decref, doc))
		return ERP_ERR_NO_MEMORY;
	*out = doc;
	return ERP_OK;
}

int iam_exec_one(struct db_conn *conn, const struct db_statement *st, int count,
		 const char *const *params)
{
	PGresult *res;
	struct arena *arena = arena_new(256);
	int rc;

	if (!arena)
		return ERP_ERR_NO_MEMORY;
	rc = db_query(conn, arena, st, count, params, &res);
	if (rc == ERP_OK && strcmp(PQcmdTuples(res), "0") == 0)
		rc = ERP_ERR_NOT_FOUND;
	arena_free(arena);
	return rc;
}

int iam_bump_authz_version(struct db_conn *conn)
{
	return db_query(conn, NULL, &bump_version, 0, NULL, NULL);
}

int iam_respond_field_error(struct erp_request *req, const char *pointer, const char *detail)
{
	json_t *errors = json_array();
	int rc;

	if (!errors || schema_error_add(errors, pointer, "format", detail)) {
		json_decref(errors);
		return ERP_ERR_NO_MEMORY;
	}
	rc = http_respond_invalid(req, detail, errors);
	json_decref(errors);
	return rc;
}

const char *iam_uuid_param(struct erp_request *req, const char *name)
{
	const char *value = http_param(req, name);
	struct erp_uuid uuid;
	char *canonical;

	if (!value || erp_uuid_parse(value, &uuid) != 0)
		return NULL;
	canonical = arena_alloc(req->arena, ERP_UUID_TEXT_LEN + 1);
	if (canonical)
		erp_uuid_format(&uuid, canonical);
	return canonical;
}
