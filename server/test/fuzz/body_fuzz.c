/*
 * Fuzz target: a request body on its way to a handler, for every route that
 * takes one (fuzz_modules.h). An input names its route on its first line,
 * as method and pattern, and the body follows:
 *
 *   POST /api/v1/companies/{company}/accounts
 *   {"code":"1000","name":"Cash","type":"asset"}
 *
 * so a seed keeps its route whatever routes are added or moved. An input
 * whose first line names no body route (what the fuzzer makes of one) picks
 * a route by its first byte, (byte - 'A') modulo the number of body routes,
 * and the rest is the body, so mutations still reach every route.
 * ERP_FUZZ_LIST_ROUTES=1 prints the routes; ERP_FUZZ_SEED_CHECK=1 (what
 * tools/run-fuzz sets while it runs the checked-in seeds once) makes an input
 * that names no body route a failure, so a seed cannot lose its route.
 *
 * It takes the pipeline's two steps (read_body() and validate_request() in
 * platform/http/pipeline.c): body_parse() with the server's default
 * ERP_MAX_JSON_DEPTH, then schema_validate() against the route's schema. Beyond "no crash, no leak,
 * no undefined behaviour" it checks what the pipeline relies on:
 *   - a refused body comes with a short printable ASCII reason (it becomes
 *     the problem's detail);
 *   - an accepted document is no deeper than the limit;
 *   - validation never reports out of memory for bad input (that would be a
 *     500 instead of a 422), lists min(problems, SCHEMA_MAX_ERRORS) errors
 *     plus one "more" beyond that, each with a pointer, a known code and a
 *     detail, and the list renders as JSON;
 *   - password fields are never echoed: replacing each top-level password
 *     by as many 'x' characters leaves the errors unchanged.
 */
#include <jansson.h>
#include <stdbool.h>
#include <string.h>

#include "platform/http/body.h"
#include "platform/ops/config.h"
#include "platform/http/schema.h"
#include "test/fuzz/fuzz.h"
#include "test/fuzz/fuzz_modules.h"

enum { BODY_ROUTES_MAX = 256, ROUTE_LINE_MAX = 300 };

static const struct erp_route *body_routes[BODY_ROUTES_MAX];
static char route_lines[BODY_ROUTES_MAX][ROUTE_LINE_MAX]; /* "POST /api/v1/users" */
static size_t body_route_count;
static unsigned max_json_depth;
static size_t max_body_bytes;
static bool seed_check;

/* Every variable unset: the configuration a server gets by default. */
static const char *no_variables(const char *name, void *ctx)
{
	(void)name;
	(void)ctx;
	return NULL;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct erp_config config;
	char err[256];

	(void)argc;
	(void)argv;
	if (config_load(&config, no_variables, NULL, err, sizeof(err))) {
		fprintf(stderr, "body_fuzz: default configuration refused: %s\n", err);
		exit(1);
	}
	max_json_depth = config.max_json_depth;
	max_body_bytes = config.max_body_bytes;
	config_release(&config);

	body_route_count = fuzz_body_routes(body_routes, BODY_ROUTES_MAX);
	if (body_route_count == 0 || body_route_count > BODY_ROUTES_MAX) {
		fprintf(stderr, "body_fuzz: %zu body routes (1..%d supported)\n", body_route_count,
			BODY_ROUTES_MAX);
		exit(1);
	}
	for (size_t i = 0; i < body_route_count; i++) {
		/* The server refuses to start with a bad schema; so do we. */
		if (schema_check(body_routes[i]->body, err, sizeof(err))) {
			fprintf(stderr, "body_fuzz: %s\n", err);
			exit(1);
		}
		snprintf(route_lines[i], ROUTE_LINE_MAX, "%s %s",
			 erp_method_name(body_routes[i]->method), body_routes[i]->pattern);
		if (getenv("ERP_FUZZ_LIST_ROUTES"))
			printf("%s\n", route_lines[i]);
	}
	seed_check = getenv("ERP_FUZZ_SEED_CHECK") != NULL;
	return 0;
}

/* The route the input's first line names, and the body after it; NULL when it names none. */
static const struct erp_route *named_route(const uint8_t *data, size_t size, const uint8_t **body,
					   size_t *body_size)
{
	const uint8_t *end = memchr(data, '\n', size < ROUTE_LINE_MAX ? size : ROUTE_LINE_MAX);
	size_t length;

	if (!end)
		return NULL;
	length = (size_t)(end - data);
	for (size_t i = 0; i < body_route_count; i++) {
		if (strlen(route_lines[i]) == length && memcmp(route_lines[i], data, length) == 0) {
			*body = end + 1;
			*body_size = size - length - 1;
			return body_routes[i];
		}
	}
	return NULL;
}

/* The input's route (named, or picked by its first byte) and its body. */
static const struct erp_route *route_of(const uint8_t *data, size_t size, const uint8_t **body,
					size_t *body_size)
{
	const struct erp_route *route = named_route(data, size, body, body_size);

	if (route)
		return route;
	if (seed_check) {
		fprintf(stderr, "body_fuzz: the input's first line names no route that takes a body;"
				" a seed starts with one of ERP_FUZZ_LIST_ROUTES=1's lines\n");
		abort();
	}
	*body = data + 1;
	*body_size = size - 1;
	return body_routes[(uint8_t)(data[0] - 'A') % body_route_count];
}

/* body_parse()'s reason ends up in a JSON problem: NUL-terminated, short, plain ASCII. */
static void check_reason(const char *detail, size_t detail_size)
{
	size_t length = strnlen(detail, detail_size);

	FUZZ_CHECK(length > 0 && length < detail_size);
	for (size_t i = 0; i < length; i++)
		FUZZ_CHECK(detail[i] >= 0x20 && detail[i] < 0x7f);
}

/* Nesting as body_too_deep() counts it: each object or array is one level. */
static unsigned depth_of(json_t *value)
{
	unsigned deepest = 0;
	const char *key;
	json_t *member;
	size_t index;

	if (json_is_object(value)) {
		json_object_foreach(value, key, member) {
			unsigned depth = depth_of(member);

			if (depth > deepest)
				deepest = depth;
		}
	} else if (json_is_array(value)) {
		json_array_foreach(value, index, member) {
			unsigned depth = depth_of(member);

			if (depth > deepest)
				deepest = depth;
		}
	} else {
		return 0;
	}
	return deepest + 1;
}

static bool is_known_code(const char *code)
{
	static const char *const codes[] = {
		"required", "unknown_field", "type", "min_length", "max_length", "minimum",
		"maximum", "min_items", "max_items", "enum", "format", "null", "read_only",
	};

	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (strcmp(code, codes[i]) == 0)
			return true;
	return false;
}

static void check_errors(json_t *errors, int problems)
{
	size_t listed = problems > SCHEMA_MAX_ERRORS ? SCHEMA_MAX_ERRORS : (size_t)problems;
	size_t index;
	json_t *error;
	char *rendered;

	FUZZ_CHECK(json_array_size(errors) == listed + (problems > SCHEMA_MAX_ERRORS));
	json_array_foreach(errors, index, error) {
		const char *pointer = json_string_value(json_object_get(error, "pointer"));
		const char *code = json_string_value(json_object_get(error, "code"));
		const char *detail = json_string_value(json_object_get(error, "detail"));

		FUZZ_CHECK(json_object_size(error) == 3 && pointer && code && detail);
		FUZZ_CHECK(pointer[0] == '\0' || pointer[0] == '/');
		FUZZ_CHECK(detail[0] != '\0');
		if (index < listed)
			FUZZ_CHECK(is_known_code(code));
		else
			FUZZ_CHECK(strcmp(code, "more") == 0 && pointer[0] == '\0');
	}
	rendered = json_dumps(errors, JSON_COMPACT);
	FUZZ_CHECK(rendered != NULL);
	free(rendered);
}

/* Characters as schema.c counts them: every byte that does not continue a UTF-8 sequence. */
static size_t characters_of(const char *text, size_t bytes)
{
	size_t count = 0;

	for (size_t i = 0; i < bytes; i++)
		count += ((unsigned char)text[i] & 0xC0) != 0x80;
	return count;
}

/*
 * A password's length may be judged, its content never shown: with every
 * top-level password replaced by as many 'x' characters, the errors must be
 * exactly the same.
 */
static void check_passwords_not_echoed(const struct schema_object *schema, json_t *document,
				       json_t *errors)
{
	json_t *masked = NULL, *masked_errors;

	if (!json_is_object(document))
		return;
	for (size_t i = 0; i < schema->field_count; i++) {
		const struct schema_field *field = &schema->fields[i];
		json_t *value = json_object_get(document, field->name);
		size_t characters;
		char *placeholder;

		if (field->format != SCHEMA_FORMAT_PASSWORD || !json_is_string(value))
			continue;
		if (!masked) {
			masked = json_copy(document);
			FUZZ_CHECK(masked != NULL);
		}
		characters = characters_of(json_string_value(value), json_string_length(value));
		placeholder = malloc(characters + 1);
		FUZZ_CHECK(placeholder != NULL);
		memset(placeholder, 'x', characters);
		placeholder[characters] = '\0';
		FUZZ_CHECK(json_object_set_new(masked, field->name, json_string(placeholder)) == 0);
		free(placeholder);
	}
	if (!masked)
		return;
	masked_errors = json_array();
	FUZZ_CHECK(masked_errors != NULL);
	FUZZ_CHECK(schema_validate(schema, masked, masked_errors) >= 0);
	FUZZ_CHECK(json_equal(errors, masked_errors));
	json_decref(masked_errors);
	json_decref(masked);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct erp_route *route;
	const uint8_t *body;
	size_t body_size;
	char detail[256];
	json_t *document, *errors;
	int problems;

	if (size == 0)
		return 0;
	route = route_of(data, size, &body, &body_size);
	if (body_size > max_body_bytes)
		return 0; /* the server answers 413 before parsing */

	/* No NUL anywhere: check_reason() then proves body_parse() terminated its reason. */
	memset(detail, '#', sizeof(detail));
	document = body_parse((const char *)body, body_size, max_json_depth, detail, sizeof(detail));
	if (!document) {
		check_reason(detail, sizeof(detail));
		return 0;
	}
	FUZZ_CHECK(depth_of(document) <= max_json_depth);

	errors = json_array();
	FUZZ_CHECK(errors != NULL);
	problems = schema_validate(route->body, document, errors);
	FUZZ_CHECK(problems >= 0);
	check_errors(errors, problems);
	check_passwords_not_echoed(route->body, document, errors);
	json_decref(errors);
	json_decref(document);
	return 0;
}
