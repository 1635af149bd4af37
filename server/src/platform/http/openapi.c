#include "platform/http/openapi.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "common/json.h"
#include "platform/ops/ops.h"
#include "platform/http/response.h"
#include "platform/http/route.h"
#include "platform/http/schema.h"
#include "platform/http/server.h"

static json_t *object_schema(const struct schema_object *schema, json_t *components);

static const char *format_name(enum schema_format format)
{
	switch (format) {
	case SCHEMA_FORMAT_DATE: return "date";
	case SCHEMA_FORMAT_DATE_TIME: return "date-time";
	case SCHEMA_FORMAT_EMAIL: return "email";
	case SCHEMA_FORMAT_UUID: return "uuid";
	case SCHEMA_FORMAT_DECIMAL: return "decimal";
	case SCHEMA_FORMAT_CODE: return "code";
	case SCHEMA_FORMAT_PASSWORD: return "password";
	case SCHEMA_FORMAT_NONE: break;
	}
	return NULL;
}

static json_t *field_schema(const struct schema_field *f, json_t *components)
{
	json_t *s = json_object();
	const char *type = "string";

	switch (f->type) {
	case SCHEMA_STRING: type = "string"; break;
	case SCHEMA_INTEGER: type = "integer"; break;
	case SCHEMA_BOOLEAN: type = "boolean"; break;
	case SCHEMA_OBJECT:
		json_decref(s);
		s = object_schema(f->object, components);
		/* A $ref takes no siblings' "type": a nullable object is either the object or null. */
		if (f->flags & SCHEMA_NULLABLE)
			s = json_pack("{s:[o, {s:s}]}", "anyOf", s, "type", "null");
		goto common;
	case SCHEMA_ARRAY: type = "array"; break;
	}
	if (f->flags & SCHEMA_NULLABLE)
		json_object_set_new(s, "type", json_pack("[s, s]", type, "null"));
	else
		json_object_set_new(s, "type", json_string(type));
	if (f->type == SCHEMA_STRING && !(f->flags & SCHEMA_READ_ONLY)) {
		json_object_set_new(s, "minLength", json_integer(f->min));
		json_object_set_new(s, "maxLength", json_integer(f->max));
	}
	if (f->type == SCHEMA_INTEGER && !(f->flags & SCHEMA_READ_ONLY)) {
		json_object_set_new(s, "minimum", json_integer(f->min));
		json_object_set_new(s, "maximum", json_integer(f->max));
	}
	if (f->type == SCHEMA_ARRAY) {
		json_object_set_new(s, "items", f->object ? object_schema(f->object, components)
							  : field_schema(f->items, components));
		if (!(f->flags & SCHEMA_READ_ONLY)) {
			json_object_set_new(s, "minItems", json_integer(f->min));
			json_object_set_new(s, "maxItems", json_integer(f->max));
		}
	}
	if (format_name(f->format))
		json_object_set_new(s, "format", json_string(format_name(f->format)));
	if (f->format == SCHEMA_FORMAT_PASSWORD)
		json_object_set_new(s, "writeOnly", json_true());
	if (f->enum_values) {
		json_t *values = json_array();

		for (const char *const *e = f->enum_values; *e; e++)
			json_array_append_new(values, json_string(*e));
		json_object_set_new(s, "enum", values);
	}
common:
	if (f->flags & SCHEMA_READ_ONLY)
		json_object_set_new(s, "readOnly", json_true());
	if (f->description)
		json_object_set_new(s, "description", json_string(f->description));
	return s;
}

/* Inline schema of an object's fields (no $ref). */
static json_t *object_body(const struct schema_object *schema, json_t *components)
{
	json_t *properties = json_object(), *required = json_array();
	json_t *s = json_pack("{s:s}", "type", "object");

	for (size_t i = 0; i < schema->field_count; i++) {
		const struct schema_field *f = &schema->fields[i];

		json_object_set_new(properties, f->name, field_schema(f, components));
		if (f->flags & SCHEMA_REQUIRED)
			json_array_append_new(required, json_string(f->name));
	}
	json_object_set_new(s, "properties", properties);
	if (json_array_size(required))
		json_object_set_new(s, "required", required);
	else
		json_decref(required);
	json_object_set_new(s, "additionalProperties", json_boolean(schema->open));
	if (schema->description)
		json_object_set_new(s, "description", json_string(schema->description));
	return s;
}

/* A named object becomes a component referenced by $ref; anonymous ones stay inline. */
static json_t *object_schema(const struct schema_object *schema, json_t *components)
{
	char ref[160];

	if (!schema->name)
		return object_body(schema, components);
	if (!json_object_get(components, schema->name)) {
		json_object_set_new(components, schema->name, json_null()); /* guards recursion */
		json_object_set_new(components, schema->name, object_body(schema, components));
	}
	snprintf(ref, sizeof(ref), "#/components/schemas/%s", schema->name);
	return json_pack("{s:s}", "$ref", ref);
}

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

static void add_query_parameters(json_t *params, const struct schema_object *query,
				 json_t *components)
{
	for (size_t i = 0; query && i < query->field_count; i++) {
		const struct schema_field *f = &query->fields[i];
		json_t *p = json_pack("{s:s, s:s, s:b}", "name", f->name, "in", "query", "required",
				      (f->flags & SCHEMA_REQUIRED) != 0);

		json_object_set_new(p, "schema", field_schema(f, components));
		json_array_append_new(params, p);
	}
}

/* One success status of a route and what it answers (platform/http/response.h). */
static void add_response(json_t *responses, const struct erp_route *route, int status,
			 json_t *components)
{
	struct response_envelope envelope;
	const struct schema_object *schema = response_schema(route, status, &envelope);
	const char *content_type = route->response_content_type ? route->response_content_type
								 : "application/json";
	char status_text[8];
	json_t *answer;

	snprintf(status_text, sizeof(status_text), "%d", status);
	if (!schema || schema == ERP_NO_BODY)
		answer = json_pack("{s:s}", "description", schema ? "No content" : "Success");
	else if (schema == ERP_TEXT_BODY)
		answer = json_pack("{s:s, s:{s:{s:{s:s}}}}", "description", "Success", "content",
				   content_type, "schema", "type", "string");
	else
		answer = json_pack("{s:s, s:{s:{s:o}}}", "description", "Success", "content",
				   content_type, "schema", object_schema(schema, components));
	json_object_set_new(responses, status_text, answer);
}

static json_t *operation(const struct erp_module *module, const struct erp_route *route,
			 json_t *components)
{
	json_t *op = json_object(), *responses = json_object(), *params;
	int status = response_status(route);
	char operation_id[256];
	bool is_public = strcmp(route->permission, ERP_PUBLIC) == 0;

	snprintf(operation_id, sizeof(operation_id), "%s %s", erp_method_name(route->method),
		 route->pattern);
	json_object_set_new(op, "operationId", json_string(operation_id));
	json_object_set_new(op, "tags", json_pack("[s]", module->name));
	if (route->summary)
		json_object_set_new(op, "summary", json_string(route->summary));
	json_object_set_new(op, "x-permission", json_string(route->permission));
	json_object_set_new(op, "security", is_public ? json_array()
						      : json_pack("[{s:[]}]", "bearer"));
	params = path_parameters(route->pattern);
	add_query_parameters(params, route->query, components);
	if (json_array_size(params))
		json_object_set_new(op, "parameters", params);
	else
		json_decref(params);
	if (route->body)
		json_object_set_new(op, "requestBody",
				    json_pack("{s:b, s:{s:{s:o}}}", "required", 1, "content",
					      "application/json", "schema",
					      object_schema(route->body, components)));
	add_response(responses, route, status, components);
	if (route->also.status)
		add_response(responses, route, route->also.status, components);
	json_object_set_new(responses, "default",
			    json_pack("{s:s, s:{s:{s:{s:s}}}}", "description",
				      "An RFC 9457 problem (4xx/5xx)", "content",
				      "application/problem+json", "schema", "$ref",
				      "#/components/schemas/Problem"));
	json_object_set_new(op, "responses", responses);
	return op;
}

static void add_module(json_t *paths, const struct erp_module *module, json_t *components)
{
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
		json_object_set_new(item, method, operation(module, route, components));
	}
}

static json_t *problem_schema(void)
{
	return json_pack(
		"{s:s, s:[s,s,s], s:{s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s, s:{s:s}}}}",
		"type", "object", "required", "type", "title", "status", "properties", "type", "type",
		"string", "title", "type", "string", "status", "type", "integer", "detail", "type",
		"string", "instance", "type", "string", "errors", "type", "array", "items", "type",
		"object");
}

char *openapi_render(const struct erp_server *server, size_t *length)
{
	json_t *components = json_object(), *paths = json_object(), *doc;
	char *text;

	json_object_set_new(components, "Problem", problem_schema());
	add_module(paths, &ops_module, components);
	for (size_t i = 0; i < server->module_count; i++)
		add_module(paths, server->modules[i], components);
	doc = json_pack("{s:s, s:{s:s, s:s, s:s}, s:o, s:{s:o, s:{s:{s:s, s:s}}}}", "openapi",
			"3.1.0", "info", "title", "Antigravity ERP API", "version", ERP_VERSION,
			"description",
			"Every non-public operation needs a Bearer token and the permission named "
			"in x-permission. Errors are RFC 9457 problem details.",
			"paths", paths, "components", "schemas", components, "securitySchemes",
			"bearer", "type", "http", "scheme", "bearer");
	if (!doc)
		return NULL;
	text = erp_json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(doc);
	if (text)
		*length = strlen(text);
	return text;
}
