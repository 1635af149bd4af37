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
#include "platform/db/usecase.h"
#include "platform/http/http.h"
#include "platform/http/resource.h"
#include "shared-kernel/errors.h"
#include "shared-kernel/usecase.h"

/*
 * Handlers build their use case's context with http_usecase_ctx(), answer a
 * failure with http_respond_failure() and an entity with etag_respond_entity()
 * (platform/http).
 */

/* --- handlers (http_items.c): decode, call the use case, render ----------------------------- */

int @name@_items_list(struct erp_request *req);
int @name@_items_create(struct erp_request *req);
int @name@_items_get(struct erp_request *req);

#endif
