#include "platform/http/cors.h"

#include <string.h>

#include "platform/http/http.h"
#include "platform/http/router.h"
#include "platform/http/server.h"

static const char allowed_headers[] =
	"Authorization, Content-Type, Idempotency-Key, If-Match, X-Request-Id";
static const char exposed_headers[] = "ETag, Location, Retry-After, X-Request-Id";

static const char *allowed_origin(struct erp_request *req)
{
	const char *origin = http_header(req, "Origin");

	if (!origin || !config_cors_allows(req->server->config, origin, strlen(origin)))
		return NULL;
	return origin;
}

void cors_answer_options(struct erp_request *req, unsigned allowed_methods)
{
	const char *origin = http_header(req, "Origin");
	const char *wanted = http_header(req, "Access-Control-Request-Method");
	char allow[96];

	router_format_allow(allowed_methods, allow, sizeof(allow));
	http_add_header(req, "Allow", arena_strdup(req->arena, allow));
	if (!origin || !wanted) {
		http_respond_empty(req, 204);
		return;
	}
	if (!allowed_origin(req)) {
		http_respond_problem(req, &PROBLEM_FORBIDDEN,
				     "this origin is not allowed to call the API (ERP_CORS_ORIGINS)");
		return;
	}
	if (!(erp_method_parse(wanted) & allowed_methods)) {
		http_respond_problem(req, &PROBLEM_METHOD_NOT_ALLOWED,
				     "the requested method is not allowed on this path");
		return;
	}
	http_add_header(req, "Access-Control-Allow-Methods", arena_strdup(req->arena, allow));
	http_add_header(req, "Access-Control-Allow-Headers", allowed_headers);
	http_add_header(req, "Access-Control-Max-Age", "600");
	http_respond_empty(req, 204);
}

void cors_decorate(struct erp_request *req)
{
	const char *origin;

	if (req->server->config->cors_origin_count == 0)
		return;
	/* Responses differ by Origin, so caches must key on it. */
	http_add_header(req, "Vary", "Origin");
	origin = allowed_origin(req);
	if (!origin)
		return;
	http_add_header(req, "Access-Control-Allow-Origin", origin);
	http_add_header(req, "Access-Control-Expose-Headers", exposed_headers);
}
