/* Optimistic concurrency: ETag "<version>" out, If-Match in. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/http/resource.h"
#include "platform/ops/log.h"

int etag_if_match(struct erp_request *req, int *version)
{
	const char *value = http_header(req, "If-Match");
	char *end;
	long parsed;

	/* The route's declaration is what /openapi.json says: no reading past it. */
	if (!(req->route->headers & ERP_TAKES_IF_MATCH)) {
		log_error("http.undeclared_header", "BUG: %s %s reads If-Match without declaring"
			  " ERP_TAKES_IF_MATCH (request %s)", req->method_name, req->route->pattern,
			  req->request_id);
		http_respond_problem(req, &PROBLEM_INTERNAL,
				     "an unexpected error occurred; quote the request id when reporting it");
		return -1;
	}
	if (!value) {
		http_respond_problem(req, &PROBLEM_PRECONDITION_REQUIRED,
				     "send If-Match with the ETag of the version you are changing");
		return -1;
	}
	if (strncmp(value, "W/", 2) == 0)
		value += 2;
	if (*value != '"' || value[1] < '1' || value[1] > '9') {
		http_respond_problem(req, &PROBLEM_PRECONDITION, "If-Match is not an ETag of this resource");
		return -1;
	}
	parsed = strtol(value + 1, &end, 10);
	if (*end != '"' || end[1] != '\0' || parsed > 2000000000) {
		http_respond_problem(req, &PROBLEM_PRECONDITION, "If-Match is not an ETag of this resource");
		return -1;
	}
	*version = (int)parsed;
	return 0;
}

void etag_set(struct erp_request *req, json_t *entity)
{
	json_t *version = json_object_get(entity, "version");

	if (json_is_integer(version))
		http_add_header(req, "ETag",
				arena_printf(req->arena, "\"%lld\"", (long long)json_integer_value(version)));
}

int etag_respond_entity(struct erp_request *req, int status, json_t *entity)
{
	etag_set(req, entity);
	return http_respond_json(req, status, json_incref(entity));
}
