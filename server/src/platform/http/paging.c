/*
 * Cursor paging for lists: stable order, opaque cursors (shared-kernel/cursor.h).
 * The page arrives from PostgreSQL as JSON text and is passed through without
 * parsing (PAGING_SQL in resource.h); only the cursor is built here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/http/resource.h"
#include "shared-kernel/cursor.h"
#include "shared-kernel/errors.h"

static int page_limit(const struct erp_request *req)
{
	json_t *limit = json_object_get(req->query, "limit");

	return json_is_integer(limit) ? (int)json_integer_value(limit) : 50;
}

static int respond_bad_cursor(struct erp_request *req)
{
	return http_respond_problem(req, &PROBLEM_BAD_REQUEST,
				    "the cursor is not one this server issued for this list");
}

/* Decodes the "cursor" query parameter into two keys; 0 ok/absent, -1 when malformed. */
static int decode_cursor(struct erp_request *req, const char *keys[2])
{
	json_t *text = json_object_get(req->query, "cursor");
	struct erp_cursor cursor;
	char *storage;

	keys[0] = keys[1] = NULL;
	if (!json_is_string(text))
		return 0;
	storage = arena_alloc(req->arena, ERP_CURSOR_TEXT_MAX);
	if (!storage ||
	    erp_cursor_decode(json_string_value(text), &cursor, storage, ERP_CURSOR_TEXT_MAX) ||
	    cursor.key_count != 2)
		return -1;
	keys[0] = cursor.keys[0];
	keys[1] = cursor.keys[1];
	return 0;
}

/* The cursor after a row with these keys, as arena text; NULL when out of memory. */
static char *encode_cursor(struct arena *arena, const char *key1, const char *key2)
{
	struct erp_cursor cursor = { 2, { key1, key2 }, { strlen(key1), strlen(key2) } };
	char *text = arena_alloc(arena, ERP_CURSOR_TEXT_MAX + 1);

	if (!text || erp_cursor_encode(&cursor, text, ERP_CURSOR_TEXT_MAX + 1) < 0)
		return NULL;
	return text;
}

int paging_respond_list(struct erp_request *req, const struct db_statement *statement,
			int cursor_keys, const char *const *filters, int filter_count)
{
	const char *cursor[2], *params[16];
	char limit[16], *body;
	const char *next = "null";
	int count = 0, rc, page = page_limit(req);
	PGresult *res;

	if (decode_cursor(req, cursor))
		return respond_bad_cursor(req);
	for (int i = 0; i < cursor_keys; i++)
		params[count++] = cursor[i];
	for (int i = 0; i < filter_count && count < 15; i++)
		params[count++] = filters[i];
	snprintf(limit, sizeof(limit), "%d", page + 1); /* one more row says whether a next page exists */
	params[count++] = limit;
	rc = db_query(http_db(req), req->arena, statement, count, params, &res);
	if (rc == ERP_ERR_INVALID) /* cursor keys the statement's casts refuse */
		return respond_bad_cursor(req);
	if (rc)
		return rc;
	if (strtol(PQgetvalue(res, 0, 3), NULL, 10) > page) {
		char *cursor_text = encode_cursor(req->arena, PQgetvalue(res, 0, 1), PQgetvalue(res, 0, 2));

		next = cursor_text ? arena_printf(req->arena, "\"%s\"", cursor_text) : NULL;
		if (!next)
			return ERP_ERR_NO_MEMORY;
	}
	body = arena_printf(req->arena, "{\"items\":%s,\"next_cursor\":%s}", PQgetvalue(res, 0, 0), next);
	if (!body)
		return ERP_ERR_NO_MEMORY;
	return http_respond_bytes(req, 200, "application/json", body, strlen(body));
}
