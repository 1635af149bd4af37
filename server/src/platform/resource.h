#ifndef ERP_PLATFORM_RESOURCE_H
#define ERP_PLATFORM_RESOURCE_H

#include <jansson.h>

#include "platform/db.h"
#include "platform/http.h"

/*
 * What every module's HTTP resources share. Entities come back as JSON built
 * by PostgreSQL (json_build_object), so the shape a client sees is written
 * once, beside the query that reads it.
 */

/*
 * Runs a statement whose first column of the first row is JSON text and parses
 * it. *out is registered with the arena. ERP_ERR_NOT_FOUND when no row or NULL.
 */
int resource_query_json(struct db_conn *conn, struct arena *arena, const struct db_statement *st,
			int count, const char *const *params, json_t **out);

/* Runs a statement that must touch at least one row; ERP_ERR_NOT_FOUND otherwise. */
int resource_exec_one(struct db_conn *conn, const struct db_statement *st, int count,
		      const char *const *params);

/*
 * A {name} path parameter as a canonical lower-case UUID (so comparisons and
 * audit rows see one spelling), or NULL when it is not a UUID (answer 404).
 */
const char *resource_uuid_param(struct erp_request *req, const char *name);

/* Responds 422 with one field error (code "format"); returns 0 (the handler's answer). */
int resource_field_error(struct erp_request *req, const char *pointer, const char *detail);

/* --- optimistic concurrency (etag.c): ETag "<version>" out, If-Match in ------------- */

/*
 * The version a client's If-Match names ("\"3\"" or W/"3"): 0 and *version,
 * or responds 428 (missing) / 412 (malformed) and returns -1.
 */
int etag_if_match(struct erp_request *req, int *version);

/* Sets ETag: "<version>" from a JSON entity's "version" field. */
void etag_set(struct erp_request *req, json_t *entity);

/* --- cursor paging (paging.c) ------------------------------------------------------- */

/* limit from the query (default 50; the query schema bounds it). */
int paging_limit(const struct erp_request *req);

/* Decodes the "cursor" query parameter into up to 2 keys; 0 ok/absent, -1 answered 400. */
int paging_cursor(struct erp_request *req, const char *keys[2]);

/*
 * Responds {"items": rows[0..limit-1], "next_cursor": ...} from a JSON array of
 * limit+1 rows; the cursor is built from the last returned row's key fields.
 */
int paging_respond(struct erp_request *req, json_t *rows, int limit, const char *key1,
		   const char *key2);

/*
 * The whole of a list endpoint: decodes the cursor, runs statement with
 * parameters (cursor keys [cursor_keys of them], filters..., limit + 1) and
 * responds with a page keyed by key1/key2. Returns like a handler.
 */
int paging_respond_list(struct erp_request *req, const struct db_statement *statement,
			int cursor_keys, const char *const *filters, int filter_count,
			const char *key1, const char *key2);

#endif
