/*
 * The statements of @Name@'s items (items.c, http_items.c): an item as
 * clients see it, rendered by PostgreSQL with named fields, so no handler
 * reads a column by position.
 */
#include "modules/@name@/internal.h"

#define ITEM_JSON                                                                            \
	"json_build_object('id', i.id, 'code', i.code, 'name', i.name, 'active', i.active,"     \
	" 'version', i.version, 'created_at', i.created_at)"

/* $1/$2 the cursor's keys, $3 the company's id, $4 prefix, $5 active, $6 page size + 1. */
const struct db_statement @name@_sql_items_list = {
	"@name@_items_list",
	PAGING_SQL("SELECT " ITEM_JSON " AS j, i.code AS k1, i.id::text AS k2 FROM @name@_items i"
		   " WHERE i.company_id = $3::uuid"
		   "   AND ($1::text IS NULL OR (i.code, i.id::text) > ($1, $2))"
		   "   AND ($4::text IS NULL OR starts_with(i.code, $4))"
		   "   AND ($5::boolean IS NULL OR i.active = $5::boolean)"
		   " ORDER BY i.code, i.id::text LIMIT $6::int", "$6"),
	true,
};

/* $1 company id, $2 code. */
const struct db_statement @name@_sql_item_get = {
	"@name@_item_get",
	"SELECT " ITEM_JSON " FROM @name@_items i WHERE i.company_id = $1 AND i.code = $2",
	true,
};

/* $1 id, $2 company id, $3 code, $4 name. */
const struct db_statement @name@_sql_item_insert = {
	"@name@_item_insert",
	"WITH i AS (INSERT INTO @name@_items (id, company_id, code, name) VALUES ($1, $2, $3, $4)"
	"           RETURNING *)"
	" SELECT " ITEM_JSON " FROM i",
	false,
};
