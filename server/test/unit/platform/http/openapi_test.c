#include <ctype.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/http/openapi.h"
#include "platform/ops/ops.h"
#include "platform/http/route.h"
#include "platform/http/route_contract.h"
#include "platform/http/schema.h"
#include "platform/http/server.h"
#include "test/support/check_main.h"


static int handler(struct erp_request *req)
{
	(void)req;
	return 0;
}

/* --- a small module of our own ------------------------------------------------------- */

static const char *const size_values[] = { "small", "large", NULL };

static const struct schema_field part_fields[] = {
	{ .name = "sku", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED, .min = 1, .max = 20,
	  .format = SCHEMA_FORMAT_CODE },
	{ .name = "quantity", .type = SCHEMA_INTEGER, .flags = SCHEMA_REQUIRED, .min = 1,
	  .max = 1000 },
};
static SCHEMA_OBJECT_DEFINE(part_schema, "WidgetPart", part_fields, "One part of a widget.");

static const struct schema_field label_item = {
	.name = "label", .type = SCHEMA_STRING, .min = 1, .max = 8,
};

static const char *const any_word[] = { "any", NULL };

static const struct schema_field create_fields[] = {
	{ .name = "name", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED, .min = 1, .max = 50,
	  .description = "Display name." },
	{ .name = "size", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED, .max = 10,
	  .enum_values = size_values },
	{ .name = "price", .type = SCHEMA_STRING, .max = 30, .format = SCHEMA_FORMAT_DECIMAL },
	{ .name = "note", .type = SCHEMA_STRING, .flags = SCHEMA_NULLABLE, .max = 200 },
	{ .name = "secret", .type = SCHEMA_STRING, .max = 64, .format = SCHEMA_FORMAT_PASSWORD },
	{ .name = "parts", .type = SCHEMA_ARRAY, .min = 1, .max = 20, .object = &part_schema },
	{ .name = "labels", .type = SCHEMA_ARRAY, .max = 5, .items = &label_item },
	{ .name = "active", .type = SCHEMA_BOOLEAN },
	{ .name = "spare", .type = SCHEMA_OBJECT, .flags = SCHEMA_NULLABLE, .object = &part_schema,
	  .description = "null: none" },
	{ .name = "picks", .type = SCHEMA_ARRAY, .max = 3, .object = &part_schema,
	  .or_words = any_word, .description = "parts, or any" },
};
static SCHEMA_OBJECT_DEFINE(create_schema, "WidgetCreate", create_fields, "A new widget.");

static const struct schema_field widget_fields[] = {
	{ .name = "id", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED | SCHEMA_READ_ONLY,
	  .format = SCHEMA_FORMAT_UUID },
	{ .name = "name", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED, .min = 1, .max = 50 },
	{ .name = "created_at", .type = SCHEMA_STRING, .flags = SCHEMA_READ_ONLY,
	  .format = SCHEMA_FORMAT_DATE_TIME },
	{ .name = "parts", .type = SCHEMA_ARRAY, .flags = SCHEMA_READ_ONLY,
	  .object = &part_schema },
};
static const struct schema_object widget_schema = {
	"Widget", widget_fields, ERP_COUNT(widget_fields), "A widget.", true,
};

static const struct schema_field list_query_fields[] = {
	{ .name = "limit", .type = SCHEMA_INTEGER, .min = 1, .max = 100 },
	{ .name = "size", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED, .max = 10,
	  .enum_values = size_values },
};
static SCHEMA_OBJECT_DEFINE(list_query_schema, "WidgetListQuery", list_query_fields, NULL);

static const struct erp_route widget_routes[] = {
	{ ERP_GET, "/api/v1/widgets", "widgets.widget.read", handler, "List widgets.",
	  .query = &list_query_schema, .list = &widget_schema, .operation_id = "listWidgets" },
	{ ERP_POST, "/api/v1/widgets", "widgets.widget.create", handler, "Create a widget.",
	  .body = &create_schema, .response = &widget_schema, .success_status = 201,
	  .operation_id = "createWidget",
	  .headers = ERP_TAKES_IDEMPOTENCY_KEY | ERP_ANSWERS_ETAG | ERP_ANSWERS_LOCATION },
	{ ERP_GET, "/api/v1/widgets/{widget}", ERP_AUTHENTICATED, handler, "Get a widget.",
	  .response = &widget_schema, .operation_id = "getWidget", .headers = ERP_ANSWERS_ETAG,
	  .problems = { 409 } },
	{ ERP_PATCH, "/api/v1/companies/{company}/widgets/{widget}", "widgets.widget.update",
	  handler, "Change a widget.", .body = &create_schema, .response = &widget_schema,
	  .also = { 202, &part_schema }, .operation_id = "updateWidget",
	  .headers = ERP_TAKES_IF_MATCH | ERP_ANSWERS_ETAG },
	{ ERP_DELETE, "/api/v1/companies/{company}/widgets/{widget}", "widgets.widget.delete",
	  handler, "Delete a widget.", .response = ERP_NO_BODY, .success_status = 204,
	  .operation_id = "deleteWidget" },
	{ ERP_GET, "/api/v1/widgets-ping", ERP_PUBLIC, handler, "Public ping.",
	  .response = ERP_TEXT_BODY, .response_content_type = "text/plain",
	  .operation_id = "pingWidgets", .problems = { 429 } },
};

static const struct erp_permission widget_permissions[] = {
	{ "widgets.widget.read", "See widgets." },
	{ "widgets.widget.create", "Create widgets." },
};

static const struct erp_module widgets_module = {
	.name = "widgets",
	.description = "Widgets for tests",
	.routes = widget_routes,
	.route_count = ERP_COUNT(widget_routes),
	.permissions = widget_permissions,
	.permission_count = ERP_COUNT(widget_permissions),
};

/* A second module whose body schema has no name: it stays inline. */
static const struct schema_field gadget_fields[] = {
	{ .name = "colour", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED, .min = 1, .max = 12 },
};
static const struct schema_object gadget_body = {
	NULL, gadget_fields, ERP_COUNT(gadget_fields), NULL, false,
};

static const struct erp_route gadget_routes[] = {
	{ ERP_PUT, "/api/v1/gadgets/{gadget}", "gadgets.gadget.write", handler, NULL,
	  .body = &gadget_body, .response = ERP_NO_BODY, .success_status = 204,
	  .operation_id = "replaceGadget" },
};

static const struct erp_module gadgets_module = {
	.name = "gadgets",
	.routes = gadget_routes,
	.route_count = ERP_COUNT(gadget_routes),
};

static const struct erp_module *const all_modules[] = { &widgets_module, &gadgets_module };

/* --- helpers ------------------------------------------------------------------------- */

/* The settings the document states. */
static const struct erp_config config = { .idempotency_retention_hours = 36 };

/* Renders the document for these modules and parses it (caller json_decref()s). */
static json_t *render(const struct erp_module *const *modules, size_t count)
{
	struct erp_server server = { .config = &config, .modules = modules, .module_count = count };
	size_t length = 0;
	char *text = openapi_render(&server, &length);
	json_error_t error;
	json_t *doc;

	ck_assert_ptr_nonnull(text);
	ck_assert_uint_eq(length, strlen(text));
	doc = json_loadb(text, length, JSON_REJECT_DUPLICATES, &error);
	ck_assert_msg(doc != NULL, "not JSON: %s", error.text);
	free(text);
	return doc;
}

/* Follows object keys (NULL-terminated); fails the test when one is missing. */
static json_t *dig(json_t *value, ...)
{
	va_list ap;
	const char *key;

	va_start(ap, value);
	while ((key = va_arg(ap, const char *)) != NULL) {
		json_t *next = json_object_get(value, key);

		ck_assert_msg(next != NULL, "no \"%s\"", key);
		value = next;
	}
	va_end(ap);
	return value;
}

static json_t *operation(json_t *doc, const struct erp_route *route)
{
	char method[16];
	size_t i;
	const char *name = erp_method_name(route->method);

	for (i = 0; name[i] && i + 1 < sizeof(method); i++)
		method[i] = (char)tolower((unsigned char)name[i]);
	method[i] = '\0';
	return dig(doc, "paths", route->pattern, method, NULL);
}

static void assert_string(json_t *value, const char *expected)
{
	ck_assert_msg(json_is_string(value), "not a string, expected \"%s\"", expected);
	ck_assert_str_eq(json_string_value(value), expected);
}

/* value equals the JSON in text (compared as data). */
static void assert_json(json_t *value, const char *text)
{
	json_error_t error;
	json_t *expected = json_loads(text, JSON_DECODE_ANY, &error);

	ck_assert_msg(expected != NULL, "test JSON %s: %s", text, error.text);
	ck_assert_msg(json_equal(value, expected), "got %s, expected %s",
		      json_dumps(value, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY), text);
	json_decref(expected);
}

static json_t *component(json_t *doc, const char *name)
{
	return dig(doc, "components", "schemas", name, NULL);
}

/* The component a "#/components/<section>/<name>" reference names, or NULL. */
static json_t *resolve(json_t *doc, const char *ref)
{
	const char *prefix = "#/components/", *name;
	char section[32];

	if (!ref || strncmp(ref, prefix, strlen(prefix)) != 0)
		return NULL;
	name = strchr(ref + strlen(prefix), '/');
	if (!name || (size_t)(name - ref - strlen(prefix)) >= sizeof(section))
		return NULL;
	snprintf(section, sizeof(section), "%.*s", (int)(name - ref - strlen(prefix)),
		 ref + strlen(prefix));
	return json_object_get(json_object_get(json_object_get(doc, "components"), section),
			       name + 1);
}

/* Every {"$ref": ...} in value names a component that exists. Returns how many it saw. */
static size_t check_refs(json_t *doc, json_t *value)
{
	size_t seen = 0;

	if (json_is_object(value)) {
		const char *key;
		json_t *member;

		json_object_foreach(value, key, member) {
			if (strcmp(key, "$ref") == 0) {
				const char *ref = json_string_value(member);

				ck_assert_ptr_nonnull(ref);
				ck_assert_msg(json_is_object(resolve(doc, ref)), "dangling %s", ref);
				seen++;
			} else {
				seen += check_refs(doc, member);
			}
		}
	} else if (json_is_array(value)) {
		size_t index;
		json_t *item;

		json_array_foreach(value, index, item)
			seen += check_refs(doc, item);
	}
	return seen;
}

/* --- tests ---------------------------------------------------------------------------- */

START_TEST(test_document_header)
{
	json_t *doc = render(all_modules, ERP_COUNT(all_modules));

	assert_string(json_object_get(doc, "openapi"), "3.1.0");
	assert_string(dig(doc, "info", "title", NULL), "Antigravity ERP API");
	ck_assert_uint_gt(json_string_length(dig(doc, "info", "version", NULL)), 0);
	assert_json(dig(doc, "components", "securitySchemes", NULL),
		    "{\"bearer\":{\"type\":\"http\",\"scheme\":\"bearer\"}}");
	assert_json(dig(doc, "info", "license", NULL),
		    "{\"name\":\"Proprietary\",\"identifier\":\"LicenseRef-Proprietary\"}");
	/* Relative: the server that serves the document, wherever it is reached. */
	assert_string(dig(json_array_get(json_object_get(doc, "servers"), 0), "url", NULL), "/");
	ck_assert_uint_eq(json_array_size(json_object_get(doc, "servers")), 1);
	/* One tag per module with routes, described; the platform's first. */
	assert_json(json_object_get(doc, "tags"),
		    "[{\"name\":\"platform\",\"description\":"
		    "\"Operational endpoints and the streams of domain events\"},"
		    "{\"name\":\"widgets\",\"description\":\"Widgets for tests\"},"
		    "{\"name\":\"gadgets\",\"description\":\"gadgets\"}]");
	json_decref(doc);
}
END_TEST

/* Every route of every module, and the platform's own, with its permission and security. */
START_TEST(test_every_route_is_an_operation)
{
	json_t *doc = render(all_modules, ERP_COUNT(all_modules));
	const struct erp_module *const modules[] = { &ops_module, &widgets_module,
						     &gadgets_module };
	size_t operations = 0, expected = 0;
	const char *path;
	json_t *item;

	for (size_t m = 0; m < ERP_COUNT(modules); m++) {
		for (size_t r = 0; r < modules[m]->route_count; r++) {
			const struct erp_route *route = &modules[m]->routes[r];
			json_t *op = operation(doc, route);

			assert_string(json_object_get(op, "operationId"), route->operation_id);
			ck_assert_uint_eq(json_array_size(json_object_get(op, "tags")), 1);
			assert_string(json_array_get(json_object_get(op, "tags"), 0),
				      modules[m]->name);
			assert_string(json_object_get(op, "x-permission"), route->permission);
			if (route->summary)
				assert_string(json_object_get(op, "summary"), route->summary);
			else
				ck_assert_ptr_null(json_object_get(op, "summary"));
			if (strcmp(route->permission, ERP_PUBLIC) == 0)
				assert_json(json_object_get(op, "security"), "[]");
			else
				assert_json(json_object_get(op, "security"), "[{\"bearer\":[]}]");
			assert_json(dig(op, "responses", "default", NULL),
				    "{\"$ref\":\"#/components/responses/OtherProblem\"}");
			expected++;
		}
	}
	/* Nothing else: one operation per route. */
	json_object_foreach(dig(doc, "paths", NULL), path, item)
		operations += json_object_size(item);
	ck_assert_uint_eq(operations, expected);
	/* GET and POST on one path share one path item. */
	ck_assert_uint_eq(json_object_size(dig(doc, "paths", "/api/v1/widgets", NULL)), 2);
	assert_string(dig(doc, "paths", "/api/v1/widgets/{widget}", "get", "x-permission", NULL),
		      "@authenticated");
	json_decref(doc);
}
END_TEST

START_TEST(test_request_body_refers_to_a_closed_component)
{
	json_t *doc = render(all_modules, ERP_COUNT(all_modules));
	json_t *create = component(doc, "WidgetCreate");
	json_t *properties = dig(create, "properties", NULL);

	assert_json(dig(operation(doc, &widget_routes[1]), "requestBody", NULL),
		    "{\"required\":true,\"content\":{\"application/json\":{\"schema\":"
		    "{\"$ref\":\"#/components/schemas/WidgetCreate\"}}}}");
	/* PATCH uses the same component. */
	assert_string(dig(operation(doc, &widget_routes[3]), "requestBody", "content",
			  "application/json", "schema", "$ref", NULL),
		      "#/components/schemas/WidgetCreate");
	/* Routes without a body say nothing about one. */
	ck_assert_ptr_null(json_object_get(operation(doc, &widget_routes[0]), "requestBody"));
	ck_assert_ptr_null(json_object_get(operation(doc, &widget_routes[4]), "requestBody"));

	assert_string(json_object_get(create, "type"), "object");
	ck_assert(json_is_false(json_object_get(create, "additionalProperties")));
	assert_json(json_object_get(create, "required"), "[\"name\",\"size\"]");
	assert_string(json_object_get(create, "description"), "A new widget.");
	ck_assert_uint_eq(json_object_size(properties), ERP_COUNT(create_fields));

	assert_json(json_object_get(properties, "name"),
		    "{\"type\":\"string\",\"minLength\":1,\"maxLength\":50,"
		    "\"description\":\"Display name.\"}");
	assert_json(json_object_get(properties, "size"),
		    "{\"type\":\"string\",\"minLength\":0,\"maxLength\":10,"
		    "\"enum\":[\"small\",\"large\"]}");
	assert_json(json_object_get(properties, "price"),
		    "{\"type\":\"string\",\"minLength\":0,\"maxLength\":30,"
		    "\"format\":\"decimal\"}");
	assert_json(json_object_get(properties, "note"),
		    "{\"type\":[\"string\",\"null\"],\"minLength\":0,\"maxLength\":200}");
	assert_json(json_object_get(properties, "secret"),
		    "{\"type\":\"string\",\"minLength\":0,\"maxLength\":64,\"format\":\"password\","
		    "\"writeOnly\":true}");
	assert_json(json_object_get(properties, "parts"),
		    "{\"type\":\"array\",\"minItems\":1,\"maxItems\":20,"
		    "\"items\":{\"$ref\":\"#/components/schemas/WidgetPart\"}}");
	assert_json(json_object_get(properties, "labels"),
		    "{\"type\":\"array\",\"minItems\":0,\"maxItems\":5,"
		    "\"items\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":8}}");
	assert_json(json_object_get(properties, "active"), "{\"type\":\"boolean\"}");
	/* A nullable object: the object or null (a $ref takes no "type" beside it). */
	assert_json(json_object_get(properties, "spare"),
		    "{\"anyOf\":[{\"$ref\":\"#/components/schemas/WidgetPart\"},{\"type\":\"null\"}],"
		    "\"description\":\"null: none\"}");
	/* An array or a word instead: either, with the words as a string's enum. */
	assert_json(json_object_get(properties, "picks"),
		    "{\"anyOf\":[{\"type\":\"array\",\"minItems\":0,\"maxItems\":3,"
		    "\"items\":{\"$ref\":\"#/components/schemas/WidgetPart\"}},"
		    "{\"type\":\"string\",\"enum\":[\"any\"]}],\"description\":\"parts, or any\"}");
	json_decref(doc);
}
END_TEST

START_TEST(test_nested_component)
{
	json_t *doc = render(all_modules, ERP_COUNT(all_modules));

	assert_json(component(doc, "WidgetPart"),
		    "{\"type\":\"object\",\"additionalProperties\":false,"
		    "\"description\":\"One part of a widget.\",\"required\":[\"sku\",\"quantity\"],"
		    "\"properties\":{"
		    "\"sku\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":20,"
		    "\"format\":\"code\"},"
		    "\"quantity\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":1000}}}");
	json_decref(doc);
}
END_TEST

START_TEST(test_response_component_is_open_and_read_only_fields_marked)
{
	json_t *doc = render(all_modules, ERP_COUNT(all_modules));
	json_t *widget = component(doc, "Widget");

	ck_assert(json_is_true(json_object_get(widget, "additionalProperties")));
	assert_json(json_object_get(widget, "required"), "[\"id\",\"name\"]");
	/* Read-only: documented as such, and no request limits. */
	assert_json(dig(widget, "properties", "id", NULL),
		    "{\"type\":\"string\",\"format\":\"uuid\",\"readOnly\":true}");
	assert_json(dig(widget, "properties", "created_at", NULL),
		    "{\"type\":\"string\",\"format\":\"date-time\",\"readOnly\":true}");
	assert_json(dig(widget, "properties", "parts", NULL),
		    "{\"type\":\"array\",\"readOnly\":true,"
		    "\"items\":{\"$ref\":\"#/components/schemas/WidgetPart\"}}");
	json_decref(doc);
}
END_TEST

START_TEST(test_path_and_query_parameters)
{
	json_t *doc = render(all_modules, ERP_COUNT(all_modules));

	assert_json(json_object_get(operation(doc, &widget_routes[2]), "parameters"),
		    "[{\"name\":\"widget\",\"in\":\"path\",\"required\":true,"
		    "\"schema\":{\"type\":\"string\"}}]");
	assert_json(json_object_get(operation(doc, &widget_routes[4]), "parameters"),
		    "[{\"name\":\"company\",\"in\":\"path\",\"required\":true,"
		    "\"schema\":{\"type\":\"string\"}},"
		    "{\"name\":\"widget\",\"in\":\"path\",\"required\":true,"
		    "\"schema\":{\"type\":\"string\"}}]");
	/* Request headers come after the path's parameters, by reference. */
	assert_json(json_object_get(operation(doc, &widget_routes[3]), "parameters"),
		    "[{\"name\":\"company\",\"in\":\"path\",\"required\":true,"
		    "\"schema\":{\"type\":\"string\"}},"
		    "{\"name\":\"widget\",\"in\":\"path\",\"required\":true,"
		    "\"schema\":{\"type\":\"string\"}},"
		    "{\"$ref\":\"#/components/parameters/If-Match\"}]");
	assert_json(json_object_get(operation(doc, &widget_routes[1]), "parameters"),
		    "[{\"$ref\":\"#/components/parameters/Idempotency-Key\"}]");
	assert_json(json_object_get(operation(doc, &widget_routes[0]), "parameters"),
		    "[{\"name\":\"limit\",\"in\":\"query\",\"required\":false,"
		    "\"schema\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":100}},"
		    "{\"name\":\"size\",\"in\":\"query\",\"required\":true,"
		    "\"schema\":{\"type\":\"string\",\"minLength\":0,\"maxLength\":10,"
		    "\"enum\":[\"small\",\"large\"]}}]");
	/* No parameters: no key. */
	ck_assert_ptr_null(json_object_get(operation(doc, &widget_routes[5]), "parameters"));
	json_decref(doc);
}
END_TEST

/* How many of an operation's responses are successes (2xx). */
static size_t success_count(json_t *responses)
{
	const char *status;
	json_t *answer;
	size_t count = 0;

	json_object_foreach(responses, status, answer)
		count += status[0] == '2';
	return count;
}

START_TEST(test_success_responses)
{
	json_t *doc = render(all_modules, ERP_COUNT(all_modules));
	json_t *responses;

	responses = dig(operation(doc, &widget_routes[1]), "responses", NULL);
	ck_assert_uint_eq(success_count(responses), 1);
	assert_json(json_object_get(responses, "201"),
		    "{\"description\":\"Success\",\"content\":{\"application/json\":"
		    "{\"schema\":{\"$ref\":\"#/components/schemas/Widget\"}}},"
		    "\"headers\":{\"ETag\":{\"$ref\":\"#/components/headers/ETag\"},"
		    "\"Location\":{\"$ref\":\"#/components/headers/Location\"},"
		    "\"Idempotent-Replayed\":{\"$ref\":\"#/components/headers/Idempotent-Replayed\"}}}");
	/* A list: the platform's page envelope around the item component, inline. */
	assert_json(dig(operation(doc, &widget_routes[0]), "responses", "200", "content",
			"application/json", "schema", NULL),
		    "{\"type\":\"object\",\"additionalProperties\":false,"
		    "\"description\":\"A page of a list (limit, cursor).\","
		    "\"required\":[\"items\",\"next_cursor\"],\"properties\":{"
		    "\"items\":{\"type\":\"array\",\"readOnly\":true,"
		    "\"description\":\"this page, in the list's order\","
		    "\"items\":{\"$ref\":\"#/components/schemas/Widget\"}},"
		    "\"next_cursor\":{\"type\":[\"string\",\"null\"],\"readOnly\":true,"
		    "\"description\":\"send as cursor for the next page; null on the last page\"}}}");
	/* No body: said so. */
	assert_json(dig(operation(doc, &widget_routes[4]), "responses", "204", NULL),
		    "{\"description\":\"No content\"}");
	/* A second success status with its own body. */
	responses = dig(operation(doc, &widget_routes[3]), "responses", NULL);
	ck_assert_uint_eq(success_count(responses), 2);
	assert_string(dig(responses, "200", "content", "application/json", "schema", "$ref", NULL),
		      "#/components/schemas/Widget");
	assert_string(dig(responses, "202", "content", "application/json", "schema", "$ref", NULL),
		      "#/components/schemas/WidgetPart");
	/* Text: a string of the declared type. */
	assert_json(dig(operation(doc, &widget_routes[5]), "responses", "200", NULL),
		    "{\"description\":\"Success\",\"content\":{\"text/plain\":"
		    "{\"schema\":{\"type\":\"string\"}}}}");
	json_decref(doc);
}
END_TEST

START_TEST(test_anonymous_body_stays_inline)
{
	json_t *doc = render(all_modules, ERP_COUNT(all_modules));

	assert_json(dig(operation(doc, &gadget_routes[0]), "requestBody", "content",
			"application/json", "schema", NULL),
		    "{\"type\":\"object\",\"additionalProperties\":false,\"required\":[\"colour\"],"
		    "\"properties\":{\"colour\":{\"type\":\"string\",\"minLength\":1,"
		    "\"maxLength\":12}}}");
	json_decref(doc);
}
END_TEST

/* A body whose schema requires no field may be left out: the document says so. */
static const struct schema_field note_fields[] = {
	{ .name = "note", .type = SCHEMA_STRING, .min = 1, .max = 40 },
};
static const struct schema_object note_body = {
	"ArchiveNote", note_fields, ERP_COUNT(note_fields), NULL, false,
};
static const struct schema_object no_fields_body = { "PinNote", NULL, 0, "No fields.", false };

static const struct erp_route note_routes[] = {
	{ ERP_POST, "/api/v1/notes/{note}/archive", "notes.note.write", handler, NULL,
	  .body = &note_body, .response = ERP_NO_BODY, .success_status = 204,
	  .operation_id = "archiveNote" },
	{ ERP_POST, "/api/v1/notes/{note}/pin", "notes.note.write", handler, NULL,
	  .body = &no_fields_body, .response = ERP_NO_BODY, .success_status = 204,
	  .operation_id = "pinNote" },
};

static const struct erp_module notes_module = {
	.name = "notes", .routes = note_routes, .route_count = ERP_COUNT(note_routes),
};

START_TEST(test_optional_body_is_not_required)
{
	const struct erp_module *const modules[] = { &notes_module, &gadgets_module };
	json_t *doc = render(modules, ERP_COUNT(modules));

	ck_assert(json_is_false(dig(operation(doc, &note_routes[0]), "requestBody", "required", NULL)));
	ck_assert(json_is_false(dig(operation(doc, &note_routes[1]), "requestBody", "required", NULL)));
	assert_json(component(doc, "PinNote"),
		    "{\"type\":\"object\",\"properties\":{},\"additionalProperties\":false,"
		    "\"description\":\"No fields.\"}");
	/* One required field makes the body required. */
	ck_assert(json_is_true(dig(operation(doc, &gadget_routes[0]), "requestBody", "required", NULL)));
	json_decref(doc);
}
END_TEST

START_TEST(test_problem_component_and_refs_resolve)
{
	json_t *doc = render(all_modules, ERP_COUNT(all_modules));
	json_t *problem = component(doc, "Problem");
	const char *name;
	json_t *schema;

	assert_json(json_object_get(problem, "required"), "[\"type\",\"title\",\"status\"]");
	assert_string(dig(problem, "properties", "status", "type", NULL), "integer");
	assert_string(dig(problem, "properties", "errors", "type", NULL), "array");
	/* Every operation's default response refers to it, plus the bodies and parts. */
	ck_assert_uint_gt(check_refs(doc, dig(doc, "paths", NULL)), 11);
	check_refs(doc, dig(doc, "components", NULL));
	/* No component is left as the recursion guard's null. */
	json_object_foreach(dig(doc, "components", "schemas", NULL), name, schema)
		ck_assert_msg(json_is_object(schema), "component %s is not a schema", name);
	json_decref(doc);
}
END_TEST

/* Every route of the document's modules, the platform's included. */
static const struct erp_module *const documented[] = { &ops_module, &widgets_module,
						       &gadgets_module };

/* Operation ids are what clients generate code from: camelCase, one per operation. */
START_TEST(test_operation_ids_are_unique_camel_case)
{
	json_t *doc = render(all_modules, ERP_COUNT(all_modules)), *seen = json_object();
	const char *path, *method;
	json_t *item, *op;

	json_object_foreach(dig(doc, "paths", NULL), path, item) {
		json_object_foreach(item, method, op) {
			const char *id = json_string_value(json_object_get(op, "operationId"));

			ck_assert_msg(route_operation_id_valid(id), "%s %s: operationId %s", method,
				      path, id ? id : "(none)");
			ck_assert_msg(!json_object_get(seen, id), "operationId %s twice", id);
			json_object_set_new(seen, id, json_true());
		}
	}
	ck_assert_uint_eq(json_object_size(seen), ops_module.route_count + ERP_COUNT(widget_routes) +
							  ERP_COUNT(gadget_routes));
	json_decref(seen);
	json_decref(doc);
}
END_TEST

/* The 4xx statuses of an operation's responses, as "400 401 ..." (ascending: keys are sorted). */
static void problem_statuses(json_t *responses, char *out, size_t size)
{
	const char *status;
	json_t *answer;
	size_t used = 0;

	out[0] = '\0';
	json_object_foreach(responses, status, answer)
		if (status[0] == '4' && used < size)
			used += (size_t)snprintf(out + used, size - used, "%s%s", used ? " " : "",
						 status);
}

/*
 * Every operation declares the problems its route can answer, derived from
 * the declaration (route_contract.h) plus the route's own, each a shared
 * problem+json response; anything else is the default.
 */
START_TEST(test_every_operation_declares_its_problems)
{
	static const struct {
		const struct erp_route *route;
		const char *statuses;
	} expected[] = {
		{ &widget_routes[0], "400 401 403 422 429" },                 /* query */
		{ &widget_routes[1], "400 401 403 409 413 415 422 429" },     /* body, key */
		{ &widget_routes[2], "400 401 403 404 409 429" },             /* path, own 409 */
		{ &widget_routes[3], "400 401 403 404 409 412 413 415 422 428 429" }, /* If-Match */
		{ &widget_routes[4], "400 401 403 404 409 429" },             /* not GET: 409 */
		{ &widget_routes[5], "400 429" },                             /* public, own 429 */
		{ &gadget_routes[0], "400 401 403 404 409 413 415 422 429" },
	};
	json_t *doc = render(all_modules, ERP_COUNT(all_modules));
	char got[128];

	for (size_t i = 0; i < ERP_COUNT(expected); i++) {
		problem_statuses(dig(operation(doc, expected[i].route), "responses", NULL), got,
				 sizeof(got));
		ck_assert_msg(strcmp(got, expected[i].statuses) == 0, "%s: %s, expected %s",
			      expected[i].route->operation_id, got, expected[i].statuses);
	}
	for (size_t m = 0; m < ERP_COUNT(documented); m++) {
		for (size_t r = 0; r < documented[m]->route_count; r++) {
			const struct erp_route *route = &documented[m]->routes[r];
			json_t *responses = dig(operation(doc, route), "responses", NULL);
			int statuses[ROUTE_PROBLEMS_MAX];
			size_t count = route_problems(route, statuses);

			ck_assert_uint_gt(count, 0);
			for (size_t i = 0; i < count; i++) {
				char status[16];
				json_t *shared;

				snprintf(status, sizeof(status), "%d", statuses[i]);
				shared = resolve(doc, json_string_value(dig(responses, status, "$ref",
									   NULL)));
				ck_assert_msg(shared != NULL, "%s %s", route->operation_id, status);
				ck_assert_uint_gt(json_string_length(dig(shared, "description", NULL)), 0);
				assert_string(dig(shared, "content", "application/problem+json",
						  "schema", "$ref", NULL),
					      "#/components/schemas/Problem");
			}
		}
	}
	/* Too many requests says when to come back. */
	assert_string(dig(resolve(doc, "#/components/responses/TooManyRequests"), "headers",
			  "Retry-After", "$ref", NULL),
		      "#/components/headers/Retry-After");
	json_decref(doc);
}
END_TEST

/* What a route declares of headers, the document says, and nothing more. */
START_TEST(test_declared_headers_are_documented)
{
	json_t *doc = render(all_modules, ERP_COUNT(all_modules));
	json_t *if_match = resolve(doc, "#/components/parameters/If-Match");
	json_t *key = resolve(doc, "#/components/parameters/Idempotency-Key");
	const char *text;

	assert_json(if_match, "{\"name\":\"If-Match\",\"in\":\"header\",\"required\":true,"
			      "\"description\":\"The ETag of the version you read (\\\"3\\\"): the"
			      " change applies to that version only (412 when it is no longer"
			      " current, 428 without If-Match).\",\"schema\":{\"type\":\"string\"}}");
	assert_string(json_object_get(key, "in"), "header");
	ck_assert(json_is_false(json_object_get(key, "required")));
	assert_json(json_object_get(key, "schema"),
		    "{\"type\":\"string\",\"minLength\":1,\"maxLength\":200,\"pattern\":\"^[!-~]+$\"}");
	/* The retention is the configured one, and its setting is named. */
	text = json_string_value(json_object_get(key, "description"));
	ck_assert_msg(text && strstr(text, "kept 36 hours") &&
			      strstr(text, "ERP_IDEMPOTENCY_RETENTION_HOURS") &&
			      strstr(text, "a new request"),
		      "%s", text ? text : "(none)");

	/* Response headers on every success of the routes that answer them. */
	assert_json(dig(operation(doc, &widget_routes[2]), "responses", "200", "headers", NULL),
		    "{\"ETag\":{\"$ref\":\"#/components/headers/ETag\"}}");
	for (size_t i = 0; i < 2; i++)
		assert_json(dig(operation(doc, &widget_routes[3]), "responses", i ? "202" : "200",
				"headers", NULL),
			    "{\"ETag\":{\"$ref\":\"#/components/headers/ETag\"}}");
	assert_string(dig(resolve(doc, "#/components/headers/Location"), "schema", "format", NULL),
		      "uri-reference");
	assert_json(dig(resolve(doc, "#/components/headers/Idempotent-Replayed"), "schema", NULL),
		    "{\"type\":\"string\",\"enum\":[\"true\"]}");
	/* Routes that declare none: no headers, no header parameters. */
	ck_assert_ptr_null(json_object_get(dig(operation(doc, &widget_routes[0]), "responses", "200",
					       NULL), "headers"));
	ck_assert_ptr_null(json_object_get(dig(operation(doc, &widget_routes[4]), "responses", "204",
					       NULL), "headers"));
	json_decref(doc);
}
END_TEST

/* Components nothing refers to are left out: a document of the platform alone has no If-Match. */
START_TEST(test_only_used_components)
{
	json_t *doc = render(NULL, 0);
	json_t *components = dig(doc, "components", NULL);

	ck_assert_ptr_null(json_object_get(components, "parameters"));
	ck_assert_ptr_null(json_object_get(dig(components, "headers", NULL), "ETag"));
	ck_assert_ptr_null(json_object_get(dig(components, "responses", NULL), "PreconditionFailed"));
	ck_assert_ptr_nonnull(json_object_get(dig(components, "responses", NULL), "BadRequest"));
	json_decref(doc);
}
END_TEST

START_TEST(test_platform_routes_without_modules)
{
	json_t *doc = render(NULL, 0);

	ck_assert_uint_eq(json_object_size(dig(doc, "paths", NULL)), ops_module.route_count);
	/* Public, but for the streams of domain events, which need the platform's own permission. */
	for (size_t r = 0; r < ops_module.route_count; r++) {
		const struct erp_route *route = &ops_module.routes[r];
		json_t *op = operation(doc, route);
		bool events = strstr(route->pattern, "/events") != NULL;

		if (!events)
			assert_json(json_object_get(op, "security"), "[]");
		assert_string(json_object_get(op, "x-permission"),
			      events ? "platform.event.read" : ERP_PUBLIC);
	}
	ck_assert_ptr_null(json_object_get(dig(doc, "components", "schemas", NULL), "Widget"));
	json_decref(doc);
}
END_TEST

Suite *test_suite(void)
{
	Suite *suite = suite_create("platform/openapi");
	TCase *document = tcase_create("document");
	TCase *schemas = tcase_create("schemas");

	tcase_add_test(document, test_document_header);
	tcase_add_test(document, test_every_route_is_an_operation);
	tcase_add_test(document, test_path_and_query_parameters);
	tcase_add_test(document, test_success_responses);
	tcase_add_test(document, test_platform_routes_without_modules);
	tcase_add_test(document, test_operation_ids_are_unique_camel_case);
	tcase_add_test(document, test_every_operation_declares_its_problems);
	tcase_add_test(document, test_declared_headers_are_documented);
	tcase_add_test(document, test_only_used_components);
	suite_add_tcase(suite, document);

	tcase_add_test(schemas, test_request_body_refers_to_a_closed_component);
	tcase_add_test(schemas, test_nested_component);
	tcase_add_test(schemas, test_response_component_is_open_and_read_only_fields_marked);
	tcase_add_test(schemas, test_anonymous_body_stays_inline);
	tcase_add_test(schemas, test_optional_body_is_not_required);
	tcase_add_test(schemas, test_problem_component_and_refs_resolve);
	suite_add_tcase(suite, schemas);
	return suite;
}
