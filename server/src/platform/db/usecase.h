#ifndef ERP_PLATFORM_DB_USECASE_H
#define ERP_PLATFORM_DB_USECASE_H

#include "shared-kernel/usecase.h"

/*
 * How a use case (shared-kernel/usecase.h) runs against the database: its
 * work in one transaction on ctx->db, for every module alike.
 */

/* The work of a use case's transaction: 0 to commit, a code to roll back. */
typedef int (*db_usecase_fn)(struct erp_ctx *ctx, void *state);

/*
 * Runs work(ctx, state) in one transaction on ctx->db (db_transaction():
 * retried whole on serialization failures and deadlocks). Each attempt
 * starts with no refusal; afterwards ctx->refusal stands only when its code
 * is what this returns, so a refusal of an attempt that was retried, or one
 * a failed commit overtook, is never answered.
 */
int db_usecase_transaction(struct erp_ctx *ctx, db_usecase_fn work, void *state);

#endif
