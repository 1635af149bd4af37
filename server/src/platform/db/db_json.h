#ifndef ERP_PLATFORM_DB_DB_JSON_H
#define ERP_PLATFORM_DB_DB_JSON_H

#include <jansson.h>
#include <libpq-fe.h>

#include "common/arena.h"

/*
 * The JSON text PostgreSQL rendered in column name of row, parsed and owned
 * by arena: 0 and *out; ERP_ERR_NOT_FOUND when there is no such row or the
 * value is NULL; ERP_ERR_NO_MEMORY.
 */
int db_value_json(struct arena *arena, const PGresult *res, int row, const char *name,
		  json_t **out);

#endif
