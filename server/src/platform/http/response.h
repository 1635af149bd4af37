#ifndef ERP_PLATFORM_RESPONSE_H
#define ERP_PLATFORM_RESPONSE_H

#include <stddef.h>

#include "platform/http/route.h"
#include "platform/http/schema.h"

/*
 * The success answers a route declares (route.h): which body each 2xx status
 * carries, the platform's list envelope around a list's item schema, and the
 * start-up check that every route declares its answer. The OpenAPI document
 * and the test build's check of every 2xx body (server/test/e2e/support)
 * both read a route's answers through here.
 */

/* Room for the list envelope of one route; lives as long as the schema handed out. */
struct response_envelope {
	struct schema_field fields[2];
	struct schema_object object;
};

/* The route's main success status: success_status, or 200. */
int response_status(const struct erp_route *route);

/*
 * The body a route declares for a success status: a schema (for a list, the
 * envelope {"items": [item...], "next_cursor": string|null} built in
 * *envelope), ERP_NO_BODY or ERP_TEXT_BODY; NULL when the route declares no
 * answer with that status.
 */
const struct schema_object *response_schema(const struct erp_route *route, int status,
					    struct response_envelope *envelope);

/*
 * Whether a route declares its success answer: exactly one of response and
 * list; ERP_NO_BODY on a 204 (nothing else may be); ERP_TEXT_BODY only with a
 * response_content_type; also (when set) a 2xx status other than the main
 * one, with its answer. 0, or -1 with a sentence in err naming the route.
 */
int response_check_route(const struct erp_route *route, char *err, size_t err_size);

#endif
