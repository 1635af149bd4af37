#ifndef ERP_PLATFORM_OPENAPI_H
#define ERP_PLATFORM_OPENAPI_H

#include <stddef.h>

struct erp_server;

/*
 * Renders the OpenAPI 3.1 document from the route tables and schemas of the
 * platform and every module: each route an operation with its operation id,
 * parameters (path, the request headers it takes, query), request and
 * response bodies, the response headers it answers, the permission it
 * requires (x-permission) and the problems it can answer
 * (route_contract.h), as RFC 9457 problem details. server->config must be
 * set: the document states settings (the Idempotency-Key retention).
 * Returns malloc'd JSON text (free()), or NULL.
 */
char *openapi_render(const struct erp_server *server, size_t *length);

#endif
