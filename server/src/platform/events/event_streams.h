#ifndef ERP_PLATFORM_EVENT_STREAMS_H
#define ERP_PLATFORM_EVENT_STREAMS_H

#include "platform/http/http.h"
#include "platform/http/schema.h"

/*
 * The outbox's read side (platform/events/events.h is the write side): a stream's
 * events in sequence order, after a sequence number the reader already has.
 * Routes and permission are the platform's (platform/ops/ops.c).
 */

/* Query parameters: after (a sequence number, default 0) and limit (1..500, default 100). */
extern const struct schema_object event_stream_query;

/* The answer: {"items": [Event...], "next_after": n, "has_more": bool}. */
extern const struct schema_object event_page_schema;

/* GET /api/v1/events: the global stream (company-less events). */
int event_stream_global(struct erp_request *req);

/* GET /api/v1/companies/{company}/events: the company's stream. */
int event_stream_company(struct erp_request *req);

#endif
