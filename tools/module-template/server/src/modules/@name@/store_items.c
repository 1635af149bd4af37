/*
 * Every SQL statement of @Name@, in one place: the rows are rendered as JSON
 * by PostgreSQL with named fields, so no handler reads a column by position.
 * Only this module's tables (@name@_*, in its schema) appear here: another
 * module's data is read through that module's public header, and make lint
 * refuses SQL naming another owner's table.
 */
#include "modules/@name@/internal.h"

#define ITEM_JSON                                                                            \
	"json_build_object('id', i.id, 'code', i.code, 'name', i.name, 'active', i.active,"     \
	" 'created_at', i.created_at)"

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
