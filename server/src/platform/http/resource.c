/*
 * What every module's HTTP resources share: entities read as JSON built by
 * PostgreSQL, statements that must touch a row, canonical UUID path
 * parameters and single-field 422 answers.
 */
#include <string.h>

#include "common/json.h"
#include "platform/http/resource.h"
#include "platform/http/schema.h"
#include "shared-kernel/errors.h"
#include "shared-kernel/uuid.h"

int resource_query_json(struct db_conn *conn, struct arena *arena, const struct db_statement *st,
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

int resource_exec_one(struct db_conn *conn, const struct db_statement *st, int count,
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

int resource_field_error(struct erp_request *req, const char *pointer, const char *detail)
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

const char *resource_uuid_param(struct erp_request *req, const char *name)
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
