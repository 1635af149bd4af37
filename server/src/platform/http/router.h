#ifndef ERP_PLATFORM_ROUTER_H
#define ERP_PLATFORM_ROUTER_H

#include <stdbool.h>
#include <stddef.h>

#include "platform/http/route.h"

/*
 * Maps (method, path) to a route. Patterns are literal segments and {name}
 * parameters that match exactly one non-empty segment; literal segments win
 * over parameters when both match. Built once at start-up, then read-only,
 * so lookups need no lock.
 */
struct router;

enum { ROUTER_MAX_PARAMS = 8, ROUTER_MAX_SEGMENTS = 16, ROUTER_MAX_PATH = 2048 };

enum router_result {
	ROUTER_FOUND,
	ROUTER_NOT_FOUND,          /* no pattern matches the path: 404 */
	ROUTER_METHOD_NOT_ALLOWED, /* the path matches, the method does not: 405 + Allow */
};

struct router_match {
	const struct erp_route *route;
	size_t route_index;        /* 0..router_count()-1, for metrics */
	unsigned allowed_methods;  /* with ROUTER_METHOD_NOT_ALLOWED: mask of erp_method */
	size_t param_count;
	const char *param_names[ROUTER_MAX_PARAMS];
	const char *param_values[ROUTER_MAX_PARAMS]; /* point into the caller's buffer */
	size_t param_lengths[ROUTER_MAX_PARAMS];
};

struct router *router_new(void);
void router_free(struct router *router);

/*
 * Adds a route (kept by pointer: it must outlive the router). Fails with -1
 * and a sentence in err when the route has no permission or public marker,
 * no success answer declared (response_check_route()), no valid operation
 * id or problems (route_contract_check()), an operation id another route
 * has, no handler, a malformed pattern, a duplicate (method, pattern), or a
 * pattern that differs from another only by parameter names.
 */
int router_add(struct router *router, const struct erp_route *route, char *err, size_t err_size);

/*
 * Matches a path (without query string). Parameter values point into path
 * and are not NUL-terminated: use param_lengths. HEAD matches GET routes.
 */
enum router_result router_find(const struct router *router, enum erp_method method,
			       const char *path, struct router_match *match);

size_t router_count(const struct router *router);
const struct erp_route *router_route(const struct router *router, size_t index);

/* Writes "GET, POST" for a method mask; returns out. */
char *router_format_allow(unsigned methods, char *out, size_t out_size);

#endif
