#ifndef ERP_MODULES_@NAME@_INTERNAL_H
#define ERP_MODULES_@NAME@_INTERNAL_H

/*
 * What the module's own files share, and nothing outside the module sees:
 * the use cases (usecases.h), the statements (store.h), how a use case
 * runs, and the handlers the manifest routes to.
 */
#include <jansson.h>
#include <stdbool.h>

#include "modules/@name@/@name@.h"
#include "modules/@name@/store.h"
#include "modules/@name@/usecases.h"
#include "platform/db/db.h"
#include "platform/http/http.h"
#include "platform/http/resource.h"
#include "shared-kernel/errors.h"
#include "shared-kernel/usecase.h"

/* --- running use cases (usecase.c) -------------------------------------------------------- */

/* The work of a use case's transaction: 0 to commit, a code to roll back. */
typedef int (*@name@_work_fn)(struct erp_ctx *ctx, void *state);

/*
 * Runs work(ctx, state) in one transaction on ctx->db (db_transaction():
 * retried whole on serialization failures and deadlocks). Each attempt
 * starts with no refusal; afterwards ctx->refusal stands only when its code
 * is what this returns, so a refusal that a failed commit or a retry
 * overtook is never answered.
 */
int @name@_transaction(struct erp_ctx *ctx, @name@_work_fn work, void *state);

/* --- the HTTP edge (http_context.c) ------------------------------------------------------- */

/* The use-case context of a request: its connection, arena, caller, company and request id. */
void @name@_ctx_from_request(struct erp_ctx *ctx, struct erp_request *req);

/* After a use case did not succeed: the refusal answered (http_respond_refusal()), or rc. */
int @name@_respond_failure(struct erp_request *req, const struct erp_ctx *ctx, int rc);

/* Answers an entity with its version as its ETag. */
int @name@_respond_entity(struct erp_request *req, int status, json_t *entity);

/* --- handlers (http_items.c): decode, call the use case, render ----------------------------- */

int @name@_items_list(struct erp_request *req);
int @name@_items_create(struct erp_request *req);
int @name@_items_get(struct erp_request *req);

#endif
