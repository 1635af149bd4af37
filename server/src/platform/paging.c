/* Cursor paging for lists: stable order, opaque cursors (shared-kernel/cursor.h). */
#include <stdio.h>
#include <string.h>

#include "platform/resource.h"
#include "shared-kernel/cursor.h"
#include "shared-kernel/errors.h"

int paging_limit(const struct erp_request *req)
{
	json_t *limit = json_object_get(req->query, "limit");

	return json_is_integer(limit) ? (int)json_integer_value(limit) : 50;
}

int paging_cursor(struct erp_request *req, const char *keys[2])
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
	    cursor.key_count != 2) {
		http_respond_problem(req, &PROBLEM_BAD_REQUEST,
				     "the cursor is not one this server issued for this list");
		return -1;
	}
	keys[0] = cursor.keys[0];
	keys[1] = cursor.keys[1];
	return 0;
}

static const char *key_text(json_t *row, const char *key, char *buffer, size_t size)
{
	json_t *value = json_object_get(row, key);

	if (json_is_string(value))
		return json_string_value(value);
	if (json_is_integer(value)) {
		snprintf(buffer, size, "%lld", (long long)json_integer_value(value));
		return buffer;
	}
	return "";
}

int paging_respond(struct erp_request *req, json_t *rows, int limit, const char *key1,
		     const char *key2)
{
	json_t *body, *next = json_null();
	char buffer1[32], buffer2[32];

	if ((int)json_array_size(rows) > limit) {
		json_t *last = json_array_get(rows, (size_t)limit - 1);
		struct erp_cursor cursor = { 2, { key_text(last, key1, buffer1, sizeof(buffer1)),
						 key_text(last, key2, buffer2, sizeof(buffer2)) },
					     { 0, 0 } };
		char *text = arena_alloc(req->arena, ERP_CURSOR_TEXT_MAX + 1);

		cursor.key_lengths[0] = strlen(cursor.keys[0]);
		cursor.key_lengths[1] = strlen(cursor.keys[1]);
		if (!text || erp_cursor_encode(&cursor, text, ERP_CURSOR_TEXT_MAX + 1) < 0)
			return ERP_ERR_NO_MEMORY;
		next = json_string(text);
		json_array_remove(rows, (size_t)limit);
	}
	body = json_pack("{s:O, s:o}", "items", rows, "next_cursor", next);
	return http_respond_json(req, 200, body);
}

int paging_respond_list(struct erp_request *req, const struct db_statement *statement,
		     int cursor_keys, const char *const *filters, int filter_count,
		     const char *key1, const char *key2)
{
	const char *cursor[2], *params[16];
	char limit[16];
	json_t *rows;
	int count = 0, rc, page = paging_limit(req);

	if (paging_cursor(req, cursor))
		return 0; /* answered 400 */
	for (int i = 0; i < cursor_keys; i++)
		params[count++] = cursor[i];
	for (int i = 0; i < filter_count && count < 15; i++)
		params[count++] = filters[i];
	snprintf(limit, sizeof(limit), "%d", page + 1); /* one more row says whether a next page exists */
	params[count++] = limit;
	rc = resource_query_json(http_db(req), req->arena, statement, count, params, &rows);
	if (rc == ERP_ERR_INVALID) /* cursor keys the statement's casts refuse */
		return http_respond_problem(req, &PROBLEM_BAD_REQUEST,
					    "the cursor is not one this server issued for this list");
	return rc ? rc : paging_respond(req, rows, page, key1, key2);
}
