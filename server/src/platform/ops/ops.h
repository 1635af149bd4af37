#ifndef ERP_PLATFORM_OPS_H
#define ERP_PLATFORM_OPS_H

#include "platform/http/route.h"

/*
 * The platform's own routes: /healthz (alive), /readyz (database
 * reachable, schema current, every module ready), /metrics (Prometheus),
 * /openapi.json, and the streams of domain events (platform/events/event_streams.h)
 * with their permission, platform.event.read, the platform's only entry in
 * the permission catalog. Registered before any module's routes; the
 * catalog (platform/app/catalog.h) always includes it.
 */
extern const struct erp_module ops_module;

#endif
