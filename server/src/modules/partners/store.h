#ifndef ERP_MODULES_PARTNERS_STORE_H
#define ERP_MODULES_PARTNERS_STORE_H

/*
 * Every SQL statement of partners (module-internal; internal.h includes
 * it). The statements live in store_<resource>.c, nowhere else: the use
 * cases run them with db_query() or a batch and read their rows by column
 * name (db_value()), or take the JSON PostgreSQL renders with named fields
 * (column j); lists are PAGING_SQL statements for paging_respond_list().
 * They name only partners' tables (partners_*, in its schema) and what
 * another owner exports: the ledger's view ledger_account_directory. $n are
 * the parameters, in the order the comments give.
 */
#include "platform/db/db.h"

/* --- store_partners.c ------------------------------------------------------------------ */

extern const struct db_statement partners_sql_list;
extern const struct db_statement partners_sql_get;
extern const struct db_statement partners_sql_lock;
extern const struct db_statement partners_sql_taken;
extern const struct db_statement partners_sql_insert;
extern const struct db_statement partners_sql_update;
extern const struct db_statement partners_sql_set_active;
extern const struct db_statement partners_sql_find;
extern const struct db_statement partners_sql_find_share;

/* --- store_settings.c: the company's defaults and the ledger's accounts ---------------------- */

extern const struct db_statement partners_sql_account;
extern const struct db_statement partners_sql_defaults;
extern const struct db_statement partners_sql_settings_get;
extern const struct db_statement partners_sql_settings_ensure;
extern const struct db_statement partners_sql_settings_lock;
extern const struct db_statement partners_sql_settings_update;

#endif
