#ifndef ERP_PLATFORM_OPS_H
#define ERP_PLATFORM_OPS_H

#include "platform/route.h"

/*
 * The platform's own public routes: /healthz (alive), /readyz (database
 * reachable, schema current, every module ready), /metrics (Prometheus)
 * and /openapi.json. Registered before any module's routes.
 */
extern const struct erp_module ops_module;

#endif
