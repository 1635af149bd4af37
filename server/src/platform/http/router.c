#include "platform/http/router.h"

#include <stdio.h>
#include <string.h>

#include "common/alloc.h"
#include "platform/http/response.h"
#include "platform/http/route_contract.h"

struct segment {
	const char *text; /* points into the route's pattern */
	size_t len;
	bool is_param;
	char param_name[32]; /* NUL-terminated copy, for lookups by name */
};

struct compiled_route {
	const struct erp_route *route;
	size_t segment_count;
	struct segment segments[ROUTER_MAX_SEGMENTS];
};

struct router {
	struct compiled_route *routes;
	size_t count;
	size_t capacity;
};

struct router *router_new(void)
{
	return erp_xcalloc(1, sizeof(struct router));
}

void router_free(struct router *router)
{
	if (!router)
		return;
	erp_free(router->routes);
	erp_free(router);
}

static bool is_param_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

/* Splits "/a/{b}/c" into segments; -1 with a reason when malformed. */
static int compile_pattern(const char *pattern, struct compiled_route *out, const char **why)
{
	const char *p = pattern;

	out->segment_count = 0;
	if (*p != '/') {
		*why = "must start with '/'";
		return -1;
	}
	if (strcmp(pattern, "/") == 0)
		return 0;
	while (*p == '/') {
		const char *start = ++p;
		struct segment *seg;

		while (*p && *p != '/')
			p++;
		if (p == start) {
			*why = "has an empty segment";
			return -1;
		}
		if (out->segment_count == ROUTER_MAX_SEGMENTS) {
			*why = "has too many segments";
			return -1;
		}
		seg = &out->segments[out->segment_count++];
		seg->is_param = *start == '{';
		if (seg->is_param) {
			if (p[-1] != '}' || p - start < 3) {
				*why = "has a malformed {parameter}";
				return -1;
			}
			seg->text = start + 1;
			seg->len = (size_t)(p - start - 2);
			if (seg->len >= sizeof(seg->param_name)) {
				*why = "has a parameter name over 31 characters";
				return -1;
			}
			memcpy(seg->param_name, seg->text, seg->len);
			seg->param_name[seg->len] = '\0';
			for (size_t i = 0; i < seg->len; i++) {
				if (!is_param_name_char(seg->text[i])) {
					*why = "has a parameter name outside [a-z0-9_]";
					return -1;
				}
			}
		} else {
			seg->text = start;
			seg->len = (size_t)(p - start);
			if (memchr(start, '{', seg->len) || memchr(start, '}', seg->len)) {
				*why = "mixes braces into a literal segment";
				return -1;
			}
		}
	}
	if (*p) {
		*why = "is malformed";
		return -1;
	}
	return 0;
}

static bool same_shape(const struct compiled_route *a, const struct compiled_route *b)
{
	if (a->segment_count != b->segment_count)
		return false;
	for (size_t i = 0; i < a->segment_count; i++) {
		const struct segment *x = &a->segments[i], *y = &b->segments[i];

		if (x->is_param != y->is_param)
			return false;
		if (!x->is_param && (x->len != y->len || memcmp(x->text, y->text, x->len)))
			return false;
	}
	return true;
}

static bool same_params(const struct compiled_route *a, const struct compiled_route *b)
{
	for (size_t i = 0; i < a->segment_count; i++) {
		const struct segment *x = &a->segments[i], *y = &b->segments[i];

		if (x->is_param && (x->len != y->len || memcmp(x->text, y->text, x->len)))
			return false;
	}
	return true;
}

int router_add(struct router *router, const struct erp_route *route, char *err, size_t err_size)
{
	struct compiled_route compiled = { .route = route };
	const char *why = NULL;
	size_t params = 0;

	if (!route->pattern || compile_pattern(route->pattern, &compiled, &why)) {
		snprintf(err, err_size, "route %s %s: pattern %s", erp_method_name(route->method),
			 route->pattern ? route->pattern : "(null)", why ? why : "is missing");
		return -1;
	}
	if (!route->permission || !*route->permission) {
		snprintf(err, err_size,
			 "route %s %s declares no permission (use a permission name or ERP_PUBLIC)",
			 erp_method_name(route->method), route->pattern);
		return -1;
	}
	if (response_check_route(route, err, err_size) ||
	    route_contract_check(route, err, err_size))
		return -1;
	if (!route->handler || erp_method_name(route->method)[0] == '?' ||
	    route->method == ERP_HEAD || route->method == ERP_OPTIONS) {
		snprintf(err, err_size, "route %s %s: needs a handler and one of GET/POST/PUT/PATCH/DELETE",
			 erp_method_name(route->method), route->pattern);
		return -1;
	}
	for (size_t i = 0; i < compiled.segment_count; i++)
		params += compiled.segments[i].is_param;
	if (params > ROUTER_MAX_PARAMS) {
		snprintf(err, err_size, "route %s has more than %d parameters", route->pattern,
			 ROUTER_MAX_PARAMS);
		return -1;
	}
	for (size_t i = 0; i < router->count; i++) {
		const struct compiled_route *other = &router->routes[i];

		if (!same_shape(other, &compiled))
			continue;
		if (!same_params(other, &compiled)) {
			snprintf(err, err_size, "routes %s and %s differ only by parameter names",
				 other->route->pattern, route->pattern);
			return -1;
		}
		if (other->route->method == route->method) {
			snprintf(err, err_size, "route %s %s is registered twice",
				 erp_method_name(route->method), route->pattern);
			return -1;
		}
	}
	for (size_t i = 0; i < router->count; i++) {
		const struct erp_route *other = router->routes[i].route;

		if (strcmp(other->operation_id, route->operation_id) == 0) {
			snprintf(err, err_size, "routes %s %s and %s %s share the operation_id %s",
				 erp_method_name(other->method), other->pattern,
				 erp_method_name(route->method), route->pattern, route->operation_id);
			return -1;
		}
	}
	if (router->count == router->capacity) {
		size_t capacity = router->capacity ? router->capacity * 2 : 32;
		struct compiled_route *grown = erp_realloc(router->routes, capacity * sizeof(*grown));

		if (!grown) {
			snprintf(err, err_size, "out of memory adding route %s", route->pattern);
			return -1;
		}
		router->routes = grown;
		router->capacity = capacity;
	}
	router->routes[router->count++] = compiled;
	return 0;
}

/*
 * Matches the path's segments against one compiled route. Returns the number
 * of literal segments matched (its specificity), or -1 for no match.
 */
static int match_route(const struct compiled_route *r, const char *const *seg_text,
		       const size_t *seg_len, size_t seg_count)
{
	int literals = 0;

	if (r->segment_count != seg_count)
		return -1;
	for (size_t i = 0; i < seg_count; i++) {
		const struct segment *s = &r->segments[i];

		if (s->is_param)
			continue;
		if (s->len != seg_len[i] || memcmp(s->text, seg_text[i], s->len))
			return -1;
		literals++;
	}
	return literals;
}

enum router_result router_find(const struct router *router, enum erp_method method,
			       const char *path, struct router_match *match)
{
	const char *seg_text[ROUTER_MAX_SEGMENTS];
	size_t seg_len[ROUTER_MAX_SEGMENTS];
	size_t seg_count = 0;
	const struct compiled_route *best = NULL, *best_any = NULL;
	int best_score = -1, best_any_score = -1;
	enum erp_method wanted = method == ERP_HEAD ? ERP_GET : method;
	const char *p = path;

	memset(match, 0, sizeof(*match));
	if (*p != '/')
		return ROUTER_NOT_FOUND;
	if (strcmp(path, "/") != 0) {
		while (*p == '/') {
			const char *start = ++p;

			while (*p && *p != '/')
				p++;
			/* "//" and a trailing "/" are different resources: no match. */
			if (p == start || seg_count == ROUTER_MAX_SEGMENTS)
				return ROUTER_NOT_FOUND;
			seg_text[seg_count] = start;
			seg_len[seg_count] = (size_t)(p - start);
			seg_count++;
		}
	}

	for (size_t i = 0; i < router->count; i++) {
		const struct compiled_route *r = &router->routes[i];
		int score = match_route(r, seg_text, seg_len, seg_count);

		if (score < 0)
			continue;
		if (score > best_any_score) {
			best_any_score = score;
			best_any = r;
		}
		/*
		 * Every matching pattern's method is allowed, not only the most
		 * specific shape's: a less specific pattern still serves its method
		 * below (GET /a/{x} answers GET /a/b beside POST /a/b).
		 */
		match->allowed_methods |= r->route->method;
		if (r->route->method == wanted && score > best_score) {
			best_score = score;
			best = r;
		}
	}
	if (!best_any)
		return ROUTER_NOT_FOUND;
	if (!best || best_score < best_any_score) {
		if (match->allowed_methods & ERP_GET)
			match->allowed_methods |= ERP_HEAD;
		match->allowed_methods |= ERP_OPTIONS;
		if (!best)
			return ROUTER_METHOD_NOT_ALLOWED;
		/* A less specific pattern allows the method: use it (e.g. GET /a/{x} vs POST /a/b). */
	}
	match->route = best->route;
	match->route_index = (size_t)(best - router->routes);
	for (size_t i = 0; i < best->segment_count; i++) {
		const struct segment *s = &best->segments[i];

		if (!s->is_param)
			continue;
		match->param_names[match->param_count] = s->param_name;
		match->param_values[match->param_count] = seg_text[i];
		match->param_lengths[match->param_count] = seg_len[i];
		match->param_count++;
	}
	return ROUTER_FOUND;
}

size_t router_count(const struct router *router)
{
	return router->count;
}

const struct erp_route *router_route(const struct router *router, size_t index)
{
	return index < router->count ? router->routes[index].route : NULL;
}

char *router_format_allow(unsigned methods, char *out, size_t out_size)
{
	size_t used = 0;

	out[0] = '\0';
	for (unsigned bit = ERP_GET; bit <= ERP_OPTIONS; bit <<= 1) {
		if (!(methods & bit))
			continue;
		int n = snprintf(out + used, out_size - used, "%s%s", used ? ", " : "",
				 erp_method_name((enum erp_method)bit));
		if (n < 0 || (size_t)n >= out_size - used)
			break;
		used += (size_t)n;
	}
	return out;
}
