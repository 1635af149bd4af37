#ifndef ERP_PLATFORM_SCHEMA_H
#define ERP_PLATFORM_SCHEMA_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Declarative JSON shapes: one table per object, one row per field. The
 * platform validates request bodies and query strings against them before a
 * handler runs, and the OpenAPI document is generated from the same tables,
 * so validation, documentation and permissions have one source of truth.
 *
 * Limits are not optional: a string or array field without a maximum is
 * refused at start-up by schema_check(), so every input is bounded.
 */
enum schema_type {
	SCHEMA_STRING = 1,
	SCHEMA_INTEGER,
	SCHEMA_BOOLEAN,
	SCHEMA_OBJECT,
	SCHEMA_ARRAY,
};

/* Extra rules on strings (also rendered as OpenAPI "format"). */
enum schema_format {
	SCHEMA_FORMAT_NONE = 0,
	SCHEMA_FORMAT_DATE,      /* YYYY-MM-DD, a real calendar date */
	SCHEMA_FORMAT_DATE_TIME, /* RFC 3339, response only */
	SCHEMA_FORMAT_EMAIL,     /* local@domain, no spaces or controls */
	SCHEMA_FORMAT_UUID,      /* canonical 8-4-4-4-12 */
	SCHEMA_FORMAT_DECIMAL,   /* exact decimal amount as text: -?digits[.digits] */
	SCHEMA_FORMAT_CODE,      /* identifier: [A-Za-z0-9][A-Za-z0-9._-]* */
	SCHEMA_FORMAT_PASSWORD,  /* a secret: never echoed in errors or logs */
};

enum schema_flags {
	SCHEMA_REQUIRED = 1 << 0,  /* in a request: must be sent; in a response: always present */
	SCHEMA_NULLABLE = 1 << 1,
	SCHEMA_READ_ONLY = 1 << 2, /* response-only field; refused in requests */
};

struct schema_object;

struct schema_field {
	const char *name;
	enum schema_type type;
	unsigned flags;
	int64_t min;   /* strings: min characters; integers: min value; arrays: min items */
	int64_t max;   /* strings: max characters; integers: max value; arrays: max items */
	enum schema_format format;
	const char *const *enum_values;        /* NULL-terminated; strings only */
	const struct schema_object *object;    /* SCHEMA_OBJECT, or ARRAY of objects */
	const struct schema_field *items;      /* SCHEMA_ARRAY of scalars */
	/*
	 * SCHEMA_ARRAY only: words (NULL-terminated) a request may send instead
	 * of the array ("allocations": "auto"); /openapi.json says anyOf.
	 */
	const char *const *or_words;
	const char *description;
};

struct schema_object {
	const char *name;            /* component name in OpenAPI: "JournalEntryCreate" */
	const struct schema_field *fields;
	size_t field_count;
	const char *description;
	bool open;                   /* response-only: may carry fields not listed */
};

#define SCHEMA_OBJECT_DEFINE(ident, component, field_array, text)                 \
	const struct schema_object ident = { component, field_array,               \
		sizeof(field_array) / sizeof((field_array)[0]), text, false }

/*
 * A field of a response that is always present (SCHEMA_OUT), or always
 * present and possibly null (SCHEMA_OUT_NULLABLE), e.g.
 * SCHEMA_OUT("id", SCHEMA_STRING, SCHEMA_FORMAT_UUID). Fields a response
 * leaves out at times are written in full, without SCHEMA_REQUIRED.
 */
#define SCHEMA_OUT(field_name, field_type, field_format)                          \
	{ .name = field_name, .type = field_type,                                  \
	  .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED, .format = field_format }
#define SCHEMA_OUT_NULLABLE(field_name, field_type, field_format)                 \
	{ .name = field_name, .type = field_type,                                  \
	  .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED | SCHEMA_NULLABLE,           \
	  .format = field_format }

/* Longest list of errors one validation reports; the rest are counted. */
enum { SCHEMA_MAX_ERRORS = 50 };

/*
 * Checks a schema table for mistakes (missing limits, enum on a non-string,
 * object type without a table, duplicate names). Returns 0, or -1 and a
 * sentence in err naming the schema and field. Run on every schema at start-up.
 */
int schema_check(const struct schema_object *schema, char *err, size_t err_size);

/*
 * Validates value (a parsed JSON body) against schema. Appends one object per
 * problem to errors: {"pointer": "/lines/0/debit", "code": "required",
 * "detail": "..."}; codes: required, unknown_field, type, min_length,
 * max_length, minimum, maximum, min_items, max_items, enum, format, null,
 * read_only. Returns the number of problems (0: valid), or -1 when out of
 * memory.
 */
int schema_validate(const struct schema_object *schema, json_t *value, json_t *errors);

/*
 * Validates a response body (what a handler rendered) against the schema its
 * route declares, as the test build does for every 2xx answer
 * (server/test/e2e/support/response_check.c): read-only fields are expected,
 * SCHEMA_REQUIRED fields must be present, a field the table does not name is
 * "unknown_field" unless the object is open, null is refused unless
 * SCHEMA_NULLABLE, and types, enums and formats are checked as in requests.
 * Lengths, ranges and item counts limit input and are not checked. Errors and
 * result as schema_validate().
 */
int schema_validate_response(const struct schema_object *schema, json_t *value, json_t *errors);

/*
 * Builds a JSON object from query parameters (name -> text) according to a
 * schema of scalar fields, converting integers and booleans, and validates
 * each like a body's field, every parameter whatever the others' problems.
 * get(ctx, name) returns the raw value or NULL; names not in the schema are
 * the caller's to find. *out receives a new reference (also on errors,
 * possibly partial: what converted).
 */
typedef const char *(*schema_query_get_fn)(void *ctx, const char *name);
int schema_validate_query(const struct schema_object *schema, schema_query_get_fn get, void *ctx,
			  json_t **out, json_t *errors);

/*
 * True when no field of schema is required (read-only fields aside): a
 * request may leave such a body out, and the platform reads a missing or
 * empty body as {} (a reversal's optional date and memo; a posting, which
 * takes no field). /openapi.json marks its requestBody not required.
 */
bool schema_body_optional(const struct schema_object *schema);

/*
 * Whether errors (as schema_validate() appends them) leave the part of the
 * body at pointer unsound: an error there, inside it ("/lines/2/credit" for
 * "/lines/2"), or at a place holding it, below which the schema judged
 * nothing ("/lines": too few items; "": no object, or the list was cut).
 * Query parameters' errors do not count; errors NULL refuses nothing. For
 * a route's rules, which judge
 * only what the schema let through (route.h, check_rules).
 */
bool schema_refused(const json_t *errors, const char *pointer);

/* Appends an error object; -1 when out of memory. Used by handlers for rules
 * tables cannot express (e.g. an unbalanced journal entry). */
int schema_error_add(json_t *errors, const char *pointer, const char *code, const char *detail);

/* True when text is a valid YYYY-MM-DD calendar date. */
bool schema_is_date(const char *text);

#endif
