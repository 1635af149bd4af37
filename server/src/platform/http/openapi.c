/*
 * /openapi.json from the route tables: every route an operation with its
 * stable id, permission, parameters (path, headers, query), body, success
 * answers with their headers, and the problems it can answer
 * (route_contract.h). openapi_schema.c renders the schemas,
 * openapi_shared.c the components operations share.
 */
#include "platform/http/openapi.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "common/json.h"
#include "platform/http/openapi_internal.h"
#include "platform/http/response.h"
#include "platform/http/route.h"
#include "platform/http/route_contract.h"
#include "platform/http/schema.h"
#include "platform/http/server.h"
#include "platform/ops/ops.h"

static json_t *path_parameters(const char *pattern)
{
	json_t *params = json_array();

	for (const char *p = strchr(pattern, '{'); p; p = strchr(p + 1, '{')) {
		const char *end = strchr(p, '}');
		char name[32];

		if (!end || (size_t)(end - p - 1) >= sizeof(name))
			break;
		memcpy(name, p + 1, (size_t)(end - p - 1));
		name[end - p - 1] = '\0';
		json_array_append_new(params, json_pack("{s:s, s:s, s:b, s:{s:s}}", "name", name, "in",
							"path", "required", 1, "schema", "type",
							"string"));
	}
	return params;
}

/* The request headers the route takes (ERP_TAKES_*). */
static void add_header_parameters(json_t *params, const struct erp_route *route,
				  struct openapi_components *c)
{
	if (route->headers & ERP_TAKES_IF_MATCH)
		json_array_append_new(params, openapi_header_parameter("If-Match", c));
	if (route->headers & ERP_TAKES_IDEMPOTENCY_KEY)
		json_array_append_new(params, openapi_header_parameter("Idempotency-Key", c));
}

static void add_query_parameters(json_t *params, const struct schema_object *query,
				 struct openapi_components *c)
{
	for (size_t i = 0; query && i < query->field_count; i++) {
		const struct schema_field *f = &query->fields[i];
		json_t *p = json_pack("{s:s, s:s, s:b}", "name", f->name, "in", "query", "required",
				      (f->flags & SCHEMA_REQUIRED) != 0);

		json_object_set_new(p, "schema", openapi_field_schema(f, c));
		json_array_append_new(params, p);
	}
}

/* The headers every success answer of the route carries (ERP_ANSWERS_*); NULL for none. */
static json_t *success_headers(const struct erp_route *route, struct openapi_components *c)
{
	json_t *headers = json_object();

	if (route->headers & ERP_ANSWERS_ETAG)
		json_object_set_new(headers, "ETag", openapi_response_header("ETag", c));
	if (route->headers & ERP_ANSWERS_LOCATION)
		json_object_set_new(headers, "Location", openapi_response_header("Location", c));
	if (route->headers & ERP_TAKES_IDEMPOTENCY_KEY)
		json_object_set_new(headers, "Idempotent-Replayed",
				    openapi_response_header("Idempotent-Replayed", c));
	if (json_object_size(headers))
		return headers;
	json_decref(headers);
	return NULL;
}

/* One success status of a route, what it answers (platform/http/response.h) and its headers. */
static void add_response(json_t *responses, const struct erp_route *route, int status,
			 struct openapi_components *c)
{
	struct response_envelope envelope;
	const struct schema_object *schema = response_schema(route, status, &envelope);
	const char *content_type = route->response_content_type ? route->response_content_type
								 : "application/json";
	char status_text[8];
	json_t *answer, *headers = success_headers(route, c);

	snprintf(status_text, sizeof(status_text), "%d", status);
	if (!schema || schema == ERP_NO_BODY)
		answer = json_pack("{s:s}", "description", schema ? "No content" : "Success");
	else if (schema == ERP_TEXT_BODY)
		answer = json_pack("{s:s, s:{s:{s:{s:s}}}}", "description", "Success", "content",
				   content_type, "schema", "type", "string");
	else
		answer = json_pack("{s:s, s:{s:{s:o}}}", "description", "Success", "content",
				   content_type, "schema", openapi_object_schema(schema, c));
	/* The same answer as RFC 4180 CSV (a header row, amounts as decimal strings), on request. */
	if (answer && (route->headers & ERP_ANSWERS_CSV))
		json_object_set_new(json_object_get(answer, "content"), "text/csv",
				    json_pack("{s:{s:s, s:s}}", "schema", "type", "string", "description",
					      "Sent with Accept: text/csv: RFC 4180, a header row, amounts"
					      " as decimal strings, streamed"));
	if (headers)
		json_object_set_new(answer, "headers", headers);
	json_object_set_new(responses, status_text, answer);
}

/* The problems the route can answer (route_problems()), then any other as the default. */
static void add_problems(json_t *responses, const struct erp_route *route,
			 struct openapi_components *c)
{
	int problems[ROUTE_PROBLEMS_MAX];
	size_t count = route_problems(route, problems);

	for (size_t i = 0; i < count; i++) {
		char status_text[16];

		snprintf(status_text, sizeof(status_text), "%d", problems[i]);
		json_object_set_new(responses, status_text, openapi_problem_response(problems[i], c));
	}
	json_object_set_new(responses, "default", openapi_other_problem_response(c));
}

static json_t *operation(const struct erp_module *module, const struct erp_route *route,
			 struct openapi_components *c)
{
	json_t *op = json_object(), *responses = json_object(), *params;
	bool is_public = strcmp(route->permission, ERP_PUBLIC) == 0;

	json_object_set_new(op, "operationId", json_string(route->operation_id));
	json_object_set_new(op, "tags", json_pack("[s]", module->name));
	if (route->summary)
		json_object_set_new(op, "summary", json_string(route->summary));
	json_object_set_new(op, "x-permission", json_string(route->permission));
	json_object_set_new(op, "security", is_public ? json_array()
						      : json_pack("[{s:[]}]", "bearer"));
	params = path_parameters(route->pattern);
	add_header_parameters(params, route, c);
	add_query_parameters(params, route->query, c);
	if (json_array_size(params))
		json_object_set_new(op, "parameters", params);
	else
		json_decref(params);
	if (route->body)
		json_object_set_new(op, "requestBody",
				    json_pack("{s:b, s:{s:{s:o}}}", "required",
					      !schema_body_optional(route->body), "content",
					      "application/json", "schema",
					      openapi_object_schema(route->body, c)));
	add_response(responses, route, response_status(route), c);
	if (route->also.status)
		add_response(responses, route, route->also.status, c);
	add_problems(responses, route, c);
	json_object_set_new(op, "responses", responses);
	return op;
}

static void add_module(json_t *paths, json_t *tags, const struct erp_module *module,
		       struct openapi_components *c)
{
	if (module->route_count)
		json_array_append_new(tags, json_pack("{s:s, s:s}", "name", module->name,
						      "description", module->description
									     ? module->description
									     : module->name));
	for (size_t i = 0; i < module->route_count; i++) {
		const struct erp_route *route = &module->routes[i];
		json_t *item = json_object_get(paths, route->pattern);
		char method[16];
		size_t j;

		if (!item) {
			item = json_object();
			json_object_set_new(paths, route->pattern, item);
		}
		for (j = 0; erp_method_name(route->method)[j] && j + 1 < sizeof(method); j++)
			method[j] = (char)tolower((unsigned char)erp_method_name(route->method)[j]);
		method[j] = '\0';
		json_object_set_new(item, method, operation(module, route, c));
	}
}

/* Moves the components that operations referred to into components/<section>. */
static void add_section(json_t *components, const char *section, json_t *members)
{
	if (json_object_size(members))
		json_object_set(components, section, members);
	json_decref(members);
}

char *openapi_render(const struct erp_server *server, size_t *length)
{
	struct openapi_components c = {
		.schemas = json_object(), .responses = json_object(), .parameters = json_object(),
		.headers = json_object(), .config = server->config,
	};
	json_t *paths = json_object(), *tags = json_array(), *components, *doc;
	char *text;

	json_object_set_new(c.schemas, "Problem", openapi_problem_schema());
	add_module(paths, tags, &ops_module, &c);
	for (size_t i = 0; i < server->module_count; i++)
		add_module(paths, tags, server->modules[i], &c);
	components = json_pack("{s:o, s:{s:{s:s, s:s}}}", "schemas", c.schemas, "securitySchemes",
			       "bearer", "type", "http", "scheme", "bearer");
	add_section(components, "responses", c.responses);
	add_section(components, "parameters", c.parameters);
	add_section(components, "headers", c.headers);
	doc = json_pack("{s:s, s:{s:s, s:s, s:s, s:{s:s, s:s}}, s:[{s:s, s:s}], s:o, s:o, s:o}",
			"openapi", "3.1.0",
			"info", "title", "Antigravity ERP API", "version", ERP_VERSION,
			"description",
			"Every non-public operation needs a Bearer token and the permission named "
			"in x-permission. Errors are RFC 9457 problem details; each operation lists "
			"the ones it can answer.",
			"license", "name", "Proprietary", "identifier", "LicenseRef-Proprietary",
			"servers", "url", "/", "description", "the server that serves this document",
			"tags", tags, "paths", paths, "components", components);
	if (!doc)
		return NULL;
	text = erp_json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(doc);
	if (text)
		*length = strlen(text);
	return text;
}
