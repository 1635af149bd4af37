#ifndef ERP_MODULES_@NAME@_STORE_H
#define ERP_MODULES_@NAME@_STORE_H

/*
 * Every SQL statement of @Name@ (module-internal; internal.h includes it).
 * The statements live in store_<resource>.c, nowhere else: the use cases
 * run them with db_query() and read rows by column name (db_value()), or
 * take the JSON PostgreSQL renders with named fields
 * (resource_query_json()); lists are PAGING_SQL statements for
 * paging_respond_list(). They name only @Name@'s tables (@name@_*, in its
 * schema): make lint refuses SQL naming another owner's table. $n are the
 * parameters, in the order the comments give.
 */
#include "platform/db/db.h"

/* --- store_items.c -------------------------------------------------------------------------- */

extern const struct db_statement @name@_sql_items_list;
extern const struct db_statement @name@_sql_item_get;
extern const struct db_statement @name@_sql_item_insert;

#endif
