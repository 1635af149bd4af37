#ifndef ERP_PLATFORM_OPENAPI_H
#define ERP_PLATFORM_OPENAPI_H

#include <stddef.h>

struct erp_server;

/*
 * Renders the OpenAPI 3.1 document from the route tables and schemas of the
 * platform and every module: paths, parameters, request and response
 * bodies, the permission each operation requires (x-permission) and the
 * problem-details error shape. Returns malloc'd JSON text (free()), or NULL.
 */
char *openapi_render(const struct erp_server *server, size_t *length);

#endif
