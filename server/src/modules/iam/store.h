#ifndef ERP_MODULES_IAM_STORE_H
#define ERP_MODULES_IAM_STORE_H

/*
 * Every SQL statement of IAM (module-internal; internal.h includes it).
 * The statements live in store.c and store_<resource>.c, nowhere else: the
 * use cases run them with db_query() and read their rows by column name
 * (db_value()), or take the JSON PostgreSQL renders with named fields
 * (resource_query_json(), PAGING_SQL lists through paging_respond_list()).
 * $n are the parameters, in the order the comments give.
 */
#include <libpq-fe.h>

#include "platform/db/db.h"


/* Bumps authz_version: permissions are re-derived on every replica's next request. */
int iam_bump_authz_version(struct db_conn *conn);

/* --- store.c: authentication, sessions, throttling ------------------------------------- */

extern const struct db_statement iam_sql_company_id;
extern const struct db_statement iam_sql_company_scope;
extern const struct db_statement iam_sql_session_lookup;
extern const struct db_statement iam_sql_session_touch;
extern const struct db_statement iam_sql_user_permissions;
extern const struct db_statement iam_sql_session_insert;
extern const struct db_statement iam_sql_sessions_end_over_cap;
extern const struct db_statement iam_sql_sessions_purge;
extern const struct db_statement iam_sql_throttle_lock;
extern const struct db_statement iam_sql_throttle_blocked;
extern const struct db_statement iam_sql_throttle_count;
extern const struct db_statement iam_sql_throttle_purge;
extern const struct db_statement iam_sql_throttle_clear;

/* --- store_auth.c: logging in and out, the caller's password and profile -------------- */

extern const struct db_statement iam_sql_login_credentials;
extern const struct db_statement iam_sql_login_rehash;
extern const struct db_statement iam_sql_session_revoke;
extern const struct db_statement iam_sql_sessions_revoke_others;
extern const struct db_statement iam_sql_password_current;
extern const struct db_statement iam_sql_password_set;
extern const struct db_statement iam_sql_me;

/* --- store_users.c ------------------------------------------------------------------------- */

extern const struct db_statement iam_sql_user_insert;
extern const struct db_statement iam_sql_users_list;
extern const struct db_statement iam_sql_user_get;
extern const struct db_statement iam_sql_user_lock;
extern const struct db_statement iam_sql_user_update;
extern const struct db_statement iam_sql_user_set_active;
extern const struct db_statement iam_sql_user_sessions_revoke;

/* --- store_companies.c --------------------------------------------------------------------- */

extern const struct db_statement iam_sql_company_insert;
extern const struct db_statement iam_sql_companies_list;
extern const struct db_statement iam_sql_company_get;
extern const struct db_statement iam_sql_company_lock;
extern const struct db_statement iam_sql_company_update;

/* --- store_roles.c ------------------------------------------------------------------------- */

extern const struct db_statement iam_sql_role_unknown_permissions;
extern const struct db_statement iam_sql_role_copy_source;
extern const struct db_statement iam_sql_role_added_privileged;
extern const struct db_statement iam_sql_role_insert;
extern const struct db_statement iam_sql_role_set_permissions;
extern const struct db_statement iam_sql_roles_list;
extern const struct db_statement iam_sql_role_get;
extern const struct db_statement iam_sql_role_lock;
extern const struct db_statement iam_sql_role_touch;
extern const struct db_statement iam_sql_role_assignment_count;
extern const struct db_statement iam_sql_role_delete;

/* --- store_assignments.c: role assignments and what a grant needs ---------------------- */

extern const struct db_statement iam_sql_grant_lock_role;
extern const struct db_statement iam_sql_grant_lock_role_by_id;
extern const struct db_statement iam_sql_grant_privileged;
extern const struct db_statement iam_sql_grant_holds;
extern const struct db_statement iam_sql_grant_insert;
extern const struct db_statement iam_sql_grant_insert_overrides;
extern const struct db_statement iam_sql_user_holds_permission;
extern const struct db_statement iam_sql_assignment_json;
extern const struct db_statement iam_sql_assignment_of_user;
extern const struct db_statement iam_sql_assignments_of_user;
extern const struct db_statement iam_sql_assignment_user_exists;
extern const struct db_statement iam_sql_assignment_delete;

/* --- store_grant_requests.c ---------------------------------------------------------------- */

extern const struct db_statement iam_sql_grant_request_insert;
extern const struct db_statement iam_sql_grant_requests_list;
extern const struct db_statement iam_sql_grant_request_get;
extern const struct db_statement iam_sql_grant_request_lock;
extern const struct db_statement iam_sql_grant_request_decide;

/* --- store_sod.c: segregation of duties -------------------------------------------------- */

extern const struct db_statement iam_sql_sod_grant_conflicts;
extern const struct db_statement iam_sql_sod_holder_conflicts;
extern const struct db_statement iam_sql_sod_pair_in_set;
extern const struct db_statement iam_sql_sod_lock_user;
extern const struct db_statement iam_sql_sod_lock_holders;

/* --- store_catalog.c: the permission catalog and the audit trail ------------------------ */

extern const struct db_statement iam_sql_permission_catalog;
extern const struct db_statement iam_sql_audit_list;

#endif
