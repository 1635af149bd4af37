#include "platform/http/schema.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shared-kernel/uuid.h"

enum { POINTER_MAX = 512, KEY_ECHO_MAX = 64 };

struct validation {
	json_t *errors;
	int count;
	bool out_of_memory;
	bool query; /* errors name a "parameter" instead of a body "pointer" */
	bool response; /* a rendered answer: read-only fields expected, limits not checked */
};

int schema_error_add(json_t *errors, const char *pointer, const char *code, const char *detail)
{
	json_t *e = json_pack("{s:s, s:s, s:s}", "pointer", pointer, "code", code, "detail", detail);

	if (!e || json_array_append_new(errors, e))
		return -1;
	return 0;
}

static void report(struct validation *v, const char *pointer, const char *code, const char *fmt,
		   ...) __attribute__((format(printf, 4, 5)));

static void report(struct validation *v, const char *pointer, const char *code, const char *fmt, ...)
{
	char detail[256];
	va_list ap;
	json_t *e;

	v->count++;
	if (v->count > SCHEMA_MAX_ERRORS || v->out_of_memory)
		return;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	if (v->query)
		e = json_pack("{s:s, s:s, s:s}", "parameter", pointer[0] == '/' ? pointer + 1 : pointer,
			      "code", code, "detail", detail);
	else
		e = json_pack("{s:s, s:s, s:s}", "pointer", pointer, "code", code, "detail", detail);
	if (!e || json_array_append_new(v->errors, e))
		v->out_of_memory = true;
}

/* Appends "/token" (RFC 6901 escaped, bounded, cut at a UTF-8 boundary) to a pointer. */
static void pointer_push(char *pointer, size_t base_len, const char *token, size_t token_len)
{
	size_t pos = base_len;

	if (token_len > KEY_ECHO_MAX) {
		token_len = KEY_ECHO_MAX;
		while (token_len > 0 && ((unsigned char)token[token_len] & 0xC0) == 0x80)
			token_len--;
	}
	if (pos + 1 >= POINTER_MAX)
		return;
	pointer[pos++] = '/';
	for (size_t i = 0; i < token_len && pos + 3 < POINTER_MAX; i++) {
		if (token[i] == '~' || token[i] == '/') {
			pointer[pos++] = '~';
			pointer[pos++] = token[i] == '~' ? '0' : '1';
		} else {
			pointer[pos++] = token[i];
		}
	}
	pointer[pos] = '\0';
}

static size_t utf8_length(const char *text, size_t bytes)
{
	size_t n = 0;

	for (size_t i = 0; i < bytes; i++)
		n += ((unsigned char)text[i] & 0xC0) != 0x80;
	return n;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

bool schema_is_date(const char *s)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int year, month, day, max_day;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !is_digit(s[i]))
			return false;
	year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	month = (s[5] - '0') * 10 + (s[6] - '0');
	day = (s[8] - '0') * 10 + (s[9] - '0');
	if (year < 1 || month < 1 || month > 12 || day < 1)
		return false;
	max_day = days[month - 1];
	if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0))
		max_day = 29;
	return day <= max_day;
}

static bool is_email(const char *s)
{
	const char *at = strchr(s, '@');
	const char *dot;

	if (!at || at == s || strchr(at + 1, '@'))
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p <= 0x20 || *p == 0x7f || *p == '<' || *p == '>' || *p == ',' || *p == ';')
			return false;
	dot = strrchr(at + 1, '.');
	return dot && dot > at + 1 && dot[1] != '\0';
}

static bool is_decimal(const char *s)
{
	if (*s == '-')
		s++;
	if (!is_digit(*s))
		return false;
	if (*s == '0' && is_digit(s[1]))
		return false;
	while (is_digit(*s))
		s++;
	if (*s == '.') {
		s++;
		if (!is_digit(*s))
			return false;
		while (is_digit(*s))
			s++;
	}
	return *s == '\0';
}

static bool is_code(const char *s)
{
	if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || is_digit(*s)))
		return false;
	for (s++; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || is_digit(*s) ||
		      *s == '.' || *s == '_' || *s == '-'))
			return false;
	return true;
}

static const char *format_problem(enum schema_format format, const char *text)
{
	struct erp_uuid id;

	switch (format) {
	case SCHEMA_FORMAT_DATE:
		return schema_is_date(text) ? NULL : "must be a calendar date as YYYY-MM-DD";
	case SCHEMA_FORMAT_EMAIL:
		return is_email(text) ? NULL : "must be an email address";
	case SCHEMA_FORMAT_UUID:
		return erp_uuid_parse(text, &id) == 0 ? NULL : "must be a UUID";
	case SCHEMA_FORMAT_DECIMAL:
		return is_decimal(text) ? NULL
					: "must be a decimal number as text, like \"1234.50\"";
	case SCHEMA_FORMAT_CODE:
		return is_code(text) ? NULL
				     : "must start with a letter or digit and contain only letters, "
				       "digits, '.', '_' and '-'";
	case SCHEMA_FORMAT_DATE_TIME:
	case SCHEMA_FORMAT_PASSWORD:
	case SCHEMA_FORMAT_NONE:
		break;
	}
	return NULL;
}

static const char *type_name(enum schema_type type)
{
	switch (type) {
	case SCHEMA_STRING: return "a string";
	case SCHEMA_INTEGER: return "an integer";
	case SCHEMA_BOOLEAN: return "true or false";
	case SCHEMA_OBJECT: return "an object";
	case SCHEMA_ARRAY: return "an array";
	}
	return "?";
}

static void validate_object(struct validation *v, const struct schema_object *schema,
			    json_t *value, char *pointer);

static void validate_string(struct validation *v, const struct schema_field *f, json_t *value,
			    const char *pointer)
{
	const char *text = json_string_value(value);
	size_t chars = utf8_length(text, json_string_length(value));
	const char *problem;

	/* Lengths limit input; an answer is checked for its shape only. */
	if (!v->response && (int64_t)chars < f->min) {
		report(v, pointer, "min_length", "must be at least %" PRId64 " characters", f->min);
		return;
	}
	if (!v->response && (int64_t)chars > f->max) {
		report(v, pointer, "max_length", "must be at most %" PRId64 " characters", f->max);
		return;
	}
	if (f->enum_values) {
		char allowed[160] = "";
		size_t used = 0;

		for (const char *const *e = f->enum_values; *e; e++) {
			if (strcmp(*e, text) == 0)
				return;
			int n = snprintf(allowed + used, sizeof(allowed) - used, "%s%s",
					 used ? ", " : "", *e);
			if (n > 0 && (size_t)n < sizeof(allowed) - used)
				used += (size_t)n;
		}
		report(v, pointer, "enum", "must be one of: %s", allowed);
		return;
	}
	problem = format_problem(f->format, text);
	if (problem)
		report(v, pointer, "format", "%s", problem);
}

static void validate_value(struct validation *v, const struct schema_field *f, json_t *value,
			   char *pointer)
{
	size_t base = strlen(pointer);

	if (json_is_null(value)) {
		if (!(f->flags & SCHEMA_NULLABLE))
			report(v, pointer, "null", "must not be null");
		return;
	}
	switch (f->type) {
	case SCHEMA_STRING:
		if (!json_is_string(value)) {
			if (f->format == SCHEMA_FORMAT_DECIMAL && json_is_number(value))
				report(v, pointer, "type",
				       "must be a string such as \"12.50\": amounts are exact "
				       "decimals and JSON numbers can lose precision");
			else
				report(v, pointer, "type", "must be a string");
			return;
		}
		validate_string(v, f, value, pointer);
		return;
	case SCHEMA_INTEGER:
		if (!json_is_integer(value)) {
			report(v, pointer, "type", "must be an integer");
			return;
		}
		if (v->response)
			return;
		if (json_integer_value(value) < f->min)
			report(v, pointer, "minimum", "must be at least %" PRId64, f->min);
		else if (json_integer_value(value) > f->max)
			report(v, pointer, "maximum", "must be at most %" PRId64, f->max);
		return;
	case SCHEMA_BOOLEAN:
		if (!json_is_boolean(value))
			report(v, pointer, "type", "must be true or false");
		return;
	case SCHEMA_OBJECT:
		if (!json_is_object(value)) {
			report(v, pointer, "type", "must be an object");
			return;
		}
		validate_object(v, f->object, value, pointer);
		return;
	case SCHEMA_ARRAY: {
		size_t count, index;
		json_t *item;

		if (json_is_string(value) && f->or_words) {
			for (const char *const *w = f->or_words; *w; w++)
				if (strcmp(*w, json_string_value(value)) == 0)
					return;
			report(v, pointer, "enum", "must be an array, or one of its words (\"%s\")",
			       f->or_words[0]);
			return;
		}
		if (!json_is_array(value)) {
			report(v, pointer, "type", "%s", f->or_words ? "must be an array or a word it takes"
								     : "must be an array");
			return;
		}
		count = json_array_size(value);
		if (!v->response && (int64_t)count < f->min) {
			report(v, pointer, "min_items", "must have at least %" PRId64 " items", f->min);
			return;
		}
		if (!v->response && (int64_t)count > f->max) {
			report(v, pointer, "max_items", "must have at most %" PRId64 " items", f->max);
			return;
		}
		json_array_foreach(value, index, item) {
			char token[24];
			int n = snprintf(token, sizeof(token), "%zu", index);

			pointer_push(pointer, base, token, (size_t)n);
			if (f->object) {
				if (!json_is_object(item))
					report(v, pointer, "type", "must be an object");
				else
					validate_object(v, f->object, item, pointer);
			} else {
				validate_value(v, f->items, item, pointer);
			}
			pointer[base] = '\0';
		}
		return;
	}
	}
	report(v, pointer, "type", "must be %s", type_name(f->type));
}

static const struct schema_field *find_field(const struct schema_object *schema, const char *name)
{
	for (size_t i = 0; i < schema->field_count; i++)
		if (strcmp(schema->fields[i].name, name) == 0)
			return &schema->fields[i];
	return NULL;
}

static void validate_object(struct validation *v, const struct schema_object *schema,
			    json_t *value, char *pointer)
{
	size_t base = strlen(pointer);
	const char *key;
	json_t *member;

	/* Unknown fields first: nobody sets what the table does not name. */
	json_object_foreach(value, key, member) {
		const struct schema_field *f = find_field(schema, key);

		if (f && (v->response || !(f->flags & SCHEMA_READ_ONLY)))
			continue;
		if (!f && v->response && schema->open)
			continue;
		pointer_push(pointer, base, key, strlen(key));
		if (f)
			report(v, pointer, "read_only", "is set by the server and cannot be written");
		else
			report(v, pointer, "unknown_field", "is not a field of %s",
			       schema->name ? schema->name : "this object");
		pointer[base] = '\0';
	}
	for (size_t i = 0; i < schema->field_count; i++) {
		const struct schema_field *f = &schema->fields[i];

		if ((f->flags & SCHEMA_READ_ONLY) && !v->response)
			continue;
		member = json_object_get(value, f->name);
		pointer_push(pointer, base, f->name, strlen(f->name));
		if (!member) {
			if (f->flags & SCHEMA_REQUIRED)
				report(v, pointer, "required", "is required");
		} else {
			validate_value(v, f, member, pointer);
		}
		pointer[base] = '\0';
	}
}

static int validate_document(const struct schema_object *schema, json_t *value, json_t *errors,
			     bool response)
{
	struct validation v = { .errors = errors, .response = response };
	char pointer[POINTER_MAX] = "";

	if (!json_is_object(value))
		report(&v, "", "type", "the body must be a JSON object");
	else
		validate_object(&v, schema, value, pointer);
	if (v.out_of_memory)
		return -1;
	if (v.count > SCHEMA_MAX_ERRORS) {
		char detail[96];

		snprintf(detail, sizeof(detail), "%d more problems not listed", v.count - SCHEMA_MAX_ERRORS);
		if (schema_error_add(errors, "", "more", detail))
			return -1;
	}
	return v.count;
}

int schema_validate(const struct schema_object *schema, json_t *value, json_t *errors)
{
	return validate_document(schema, value, errors, false);
}

int schema_validate_response(const struct schema_object *schema, json_t *value, json_t *errors)
{
	return validate_document(schema, value, errors, true);
}

bool schema_refused(const json_t *errors, const char *pointer)
{
	size_t length = strlen(pointer), index;
	json_t *error;

	if (!errors)
		return false;
	json_array_foreach(errors, index, error) {
		const char *at = json_string_value(json_object_get(error, "pointer"));
		size_t at_length = at ? strlen(at) : 0;

		if (!at)
			continue; /* a query parameter's */
		if (at_length <= length && strncmp(pointer, at, at_length) == 0 &&
		    (pointer[at_length] == '\0' || pointer[at_length] == '/'))
			return true; /* at pointer, or at a place that holds it */
		if (at_length > length && strncmp(at, pointer, length) == 0 && at[length] == '/')
			return true; /* inside it */
	}
	return false;
}

bool schema_body_optional(const struct schema_object *schema)
{
	for (size_t i = 0; i < schema->field_count; i++)
		if ((schema->fields[i].flags & SCHEMA_REQUIRED) &&
		    !(schema->fields[i].flags & SCHEMA_READ_ONLY))
			return false;
	return true;
}

static json_t *convert_query_value(struct validation *v, const struct schema_field *f,
				   const char *raw, const char *pointer)
{
	char *end;
	long long n;

	switch (f->type) {
	case SCHEMA_INTEGER:
		errno = 0;
		n = strtoll(raw, &end, 10);
		if (!*raw || *end || errno || !(is_digit(raw[0]) || raw[0] == '-')) {
			report(v, pointer, "type", "must be an integer");
			return NULL;
		}
		return json_integer(n);
	case SCHEMA_BOOLEAN:
		if (strcmp(raw, "true") == 0)
			return json_true();
		if (strcmp(raw, "false") == 0)
			return json_false();
		report(v, pointer, "type", "must be true or false");
		return NULL;
	case SCHEMA_STRING: {
		/* Query values arrive decoded; refuse bytes JSON strings cannot hold. */
		json_t *s = json_string(raw);

		if (!s)
			report(v, pointer, "format", "must be valid UTF-8 text without NUL bytes");
		return s;
	}
	case SCHEMA_OBJECT:
	case SCHEMA_ARRAY:
		break;
	}
	report(v, pointer, "type", "is not supported in a query string");
	return NULL;
}

int schema_validate_query(const struct schema_object *schema, schema_query_get_fn get, void *ctx,
			  json_t **out, json_t *errors)
{
	struct validation v = { .errors = errors, .query = true };
	char pointer[POINTER_MAX] = "";
	json_t *object = json_object();

	*out = object;
	if (!object)
		return -1;
	/*
	 * Each parameter converted and judged on its own, so one answer names
	 * every bad parameter: one that does not convert does not hide another's
	 * range or enum.
	 */
	for (size_t i = 0; i < schema->field_count; i++) {
		const struct schema_field *f = &schema->fields[i];
		const char *raw = get(ctx, f->name);
		json_t *converted;

		pointer_push(pointer, 0, f->name, strlen(f->name));
		if (!raw) {
			if (f->flags & SCHEMA_REQUIRED)
				report(&v, pointer, "required", "is required");
			continue;
		}
		converted = convert_query_value(&v, f, raw, pointer);
		if (!converted)
			continue;
		validate_value(&v, f, converted, pointer);
		if (json_object_set_new(object, f->name, converted))
			v.out_of_memory = true;
	}
	return v.out_of_memory ? -1 : v.count;
}

int schema_check(const struct schema_object *schema, char *err, size_t err_size)
{
	for (size_t i = 0; i < schema->field_count; i++) {
		const struct schema_field *f = &schema->fields[i];
		const char *why = NULL;

		if (!f->name || !*f->name)
			why = "has no name";
		else if (find_field(schema, f->name) != f)
			why = "is declared twice";
		else if (f->type == SCHEMA_STRING && !(f->flags & SCHEMA_READ_ONLY) &&
			 (f->max <= 0 || f->min < 0 || f->min > f->max))
			why = "is a string without a valid length limit (min..max)";
		else if (f->type == SCHEMA_ARRAY && !(f->flags & SCHEMA_READ_ONLY) &&
			 (f->max <= 0 || f->min < 0 || f->min > f->max))
			why = "is an array without a valid item limit (min..max)";
		else if (f->type == SCHEMA_INTEGER && !(f->flags & SCHEMA_READ_ONLY) &&
			 f->min >= f->max)
			why = "is an integer without a range (min < max)";
		else if (f->enum_values && f->type != SCHEMA_STRING)
			why = "has enum values but is not a string";
		else if (f->or_words && (f->type != SCHEMA_ARRAY || !f->or_words[0]))
			why = "has words instead of an array but is not an array";
		else if (f->type == SCHEMA_OBJECT && !f->object)
			why = "is an object without a field table";
		else if (f->type == SCHEMA_ARRAY && !f->object && !f->items)
			why = "is an array without an item type";
		if (why) {
			snprintf(err, err_size, "schema %s: field %s %s",
				 schema->name ? schema->name : "(anonymous)", f->name ? f->name : "?", why);
			return -1;
		}
		if (f->object && schema_check(f->object, err, err_size))
			return -1;
		if (f->items) {
			struct schema_object wrapper = { schema->name, f->items, 1, NULL, false };

			if (schema_check(&wrapper, err, err_size))
				return -1;
		}
	}
	return 0;
}
