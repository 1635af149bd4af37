/* The JSON Schemas of the route tables' schemas (platform/http/schema.h), for /openapi.json. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "platform/http/openapi_internal.h"


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

json_t *openapi_field_schema(const struct schema_field *f, struct openapi_components *c)
{
	json_t *s = json_object();
	const char *type = "string";

	switch (f->type) {
	case SCHEMA_STRING: type = "string"; break;
	case SCHEMA_INTEGER: type = "integer"; break;
	case SCHEMA_BOOLEAN: type = "boolean"; break;
	case SCHEMA_OBJECT:
		json_decref(s);
		s = openapi_object_schema(f->object, c);
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
		json_object_set_new(s, "items", f->object ? openapi_object_schema(f->object, c)
							  : openapi_field_schema(f->items, c));
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
	if (f->or_words) {
		/* The array, or one of the words it takes instead. */
		json_t *words = json_array();

		for (const char *const *w = f->or_words; *w; w++)
			json_array_append_new(words, json_string(*w));
		s = json_pack("{s:[o, {s:s, s:o}]}", "anyOf", s, "type", "string", "enum", words);
	}
common:
	if (f->flags & SCHEMA_READ_ONLY)
		json_object_set_new(s, "readOnly", json_true());
	if (f->description)
		json_object_set_new(s, "description", json_string(f->description));
	return s;
}

/* Inline schema of an object's fields (no $ref). */
static json_t *object_body(const struct schema_object *schema, struct openapi_components *c)
{
	json_t *properties = json_object(), *required = json_array();
	json_t *s = json_pack("{s:s}", "type", "object");

	for (size_t i = 0; i < schema->field_count; i++) {
		const struct schema_field *f = &schema->fields[i];

		json_object_set_new(properties, f->name, openapi_field_schema(f, c));
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
json_t *openapi_object_schema(const struct schema_object *schema, struct openapi_components *c)
{
	char ref[160];

	if (!schema->name)
		return object_body(schema, c);
	if (!json_object_get(c->schemas, schema->name)) {
		json_object_set_new(c->schemas, schema->name, json_null()); /* guards recursion */
		json_object_set_new(c->schemas, schema->name, object_body(schema, c));
	}
	snprintf(ref, sizeof(ref), "#/components/schemas/%s", schema->name);
	return json_pack("{s:s}", "$ref", ref);
}

json_t *openapi_problem_schema(void)
{
	return json_pack(
		"{s:s, s:[s,s,s], s:{s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s}, s:{s:s, s:{s:s}}}}",
		"type", "object", "required", "type", "title", "status", "properties", "type", "type",
		"string", "title", "type", "string", "status", "type", "integer", "detail", "type",
		"string", "instance", "type", "string", "errors", "type", "array", "items", "type",
		"object");
}
