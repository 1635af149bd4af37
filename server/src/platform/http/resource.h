#ifndef ERP_PLATFORM_RESOURCE_H
#define ERP_PLATFORM_RESOURCE_H

#include <jansson.h>

#include "platform/db/db.h"
#include "platform/http/http.h"

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

/* Answers an entity (JSON, its reference not taken) with its version as its ETag. */
int etag_respond_entity(struct erp_request *req, int status, json_t *entity);

/*
 * The version a client's If-Match names ("\"3\"" or W/"3"): 0 and *version,
 * or responds 428 (missing) / 412 (malformed) and returns -1. Only on a
 * route declaring ERP_TAKES_IF_MATCH (route.h); elsewhere it answers 500
 * (a bug the test suites catch) and returns -1.
 */
int etag_if_match(struct erp_request *req, int *version);

/* Sets ETag: "<version>" from a JSON entity's "version" field. */
void etag_set(struct erp_request *req, json_t *entity);

/* --- cursor paging (paging.c) ------------------------------------------------------- */

/*
 * A list statement in one round trip and without the server parsing rows:
 * rows_sql selects (j json, k1 text, k2 text) in page order, the keys being
 * what the cursor resumes after, with LIMIT limit_param (the parameter
 * holding page size + 1). The statement answers the page's JSON array, the
 * keys of its last row and how many rows were found (page size + 1 means
 * there is a next page).
 */
#define PAGING_SQL(rows_sql, limit_param)                                                   \
	"SELECT coalesce(json_agg(p.j ORDER BY p.n) FILTER (WHERE p.n < " limit_param "::int), '[]'),"  \
	" max(p.k1) FILTER (WHERE p.n = " limit_param "::int - 1),"                          \
	" max(p.k2) FILTER (WHERE p.n = " limit_param "::int - 1), count(*)"                 \
	" FROM (SELECT r.j, r.k1, r.k2, row_number() OVER () AS n FROM (" rows_sql ") r) p"

/*
 * The whole of a list endpoint: decodes the "cursor" query parameter (400 when
 * it is not one of ours), runs a PAGING_SQL statement with parameters (cursor
 * keys [cursor_keys of them, 1 or 2], filters..., "limit" + 1) and responds
 * {"items": [...], "next_cursor": string|null}. Returns like a handler.
 */
int paging_respond_list(struct erp_request *req, const struct db_statement *statement,
			int cursor_keys, const char *const *filters, int filter_count);

#endif
