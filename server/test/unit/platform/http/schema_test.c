#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "platform/http/schema.h"
#include "test/support/check_main.h"

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

/* --- the schemas under test ---------------------------------------------------- */

static const char *const kind_values[] = { "asset", "liability", NULL };

static const struct schema_field owner_fields[] = {
	{ .name = "name", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED, .min = 1, .max = 10 },
};
static SCHEMA_OBJECT_DEFINE(owner_schema, "Owner", owner_fields, "Who owns the entry.");

static const struct schema_field line_fields[] = {
	{ .name = "account", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED, .min = 1, .max = 20,
	  .format = SCHEMA_FORMAT_CODE },
	{ .name = "amount", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED, .min = 1, .max = 30,
	  .format = SCHEMA_FORMAT_DECIMAL },
};
static SCHEMA_OBJECT_DEFINE(line_schema, "Line", line_fields, "One line of an entry.");

static const struct schema_field tag_item = {
	.name = "tag", .type = SCHEMA_STRING, .min = 1, .max = 5,
};

static const struct schema_field entry_fields[] = {
	{ .name = "name", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED, .min = 1, .max = 10 },
	{ .name = "note", .type = SCHEMA_STRING, .flags = SCHEMA_NULLABLE, .max = 3 },
	{ .name = "initials", .type = SCHEMA_STRING, .min = 2, .max = 4 },
	{ .name = "kind", .type = SCHEMA_STRING, .max = 20, .enum_values = kind_values },
	{ .name = "count", .type = SCHEMA_INTEGER, .min = 1, .max = 100 },
	{ .name = "posted", .type = SCHEMA_BOOLEAN },
	{ .name = "date", .type = SCHEMA_STRING, .max = 32, .format = SCHEMA_FORMAT_DATE },
	{ .name = "email", .type = SCHEMA_STRING, .max = 254, .format = SCHEMA_FORMAT_EMAIL },
	{ .name = "id", .type = SCHEMA_STRING, .max = 64, .format = SCHEMA_FORMAT_UUID },
	{ .name = "amount", .type = SCHEMA_STRING, .max = 40, .format = SCHEMA_FORMAT_DECIMAL },
	{ .name = "code", .type = SCHEMA_STRING, .max = 20, .format = SCHEMA_FORMAT_CODE },
	{ .name = "owner", .type = SCHEMA_OBJECT, .object = &owner_schema },
	{ .name = "lines", .type = SCHEMA_ARRAY, .min = 1, .max = 3, .object = &line_schema },
	{ .name = "tags", .type = SCHEMA_ARRAY, .max = 2, .items = &tag_item },
	{ .name = "created", .type = SCHEMA_STRING, .flags = SCHEMA_READ_ONLY,
	  .format = SCHEMA_FORMAT_DATE_TIME },
};
static SCHEMA_OBJECT_DEFINE(entry_schema, "Entry", entry_fields, "A journal entry.");

/* --- helpers ----------------------------------------------------------------- */

static json_t *parse_json(const char *text)
{
	json_error_t error;
	json_t *value = json_loads(text, JSON_DECODE_ANY, &error);

	ck_assert_msg(value != NULL, "test JSON %s: %s", text, error.text);
	return value;
}

/* Validates text; *errors receives the (new) error array. Returns schema_validate()'s result. */
static int validate(const struct schema_object *schema, const char *text, json_t **errors)
{
	json_t *value = parse_json(text);
	int count;

	*errors = json_array();
	count = schema_validate(schema, value, *errors);
	json_decref(value);
	return count;
}

static void assert_entry(json_t *errors, size_t index, const char *pointer, const char *code)
{
	json_t *e = json_array_get(errors, index);

	ck_assert_msg(json_is_object(e), "no error #%zu", index);
	ck_assert_str_eq(json_string_value(json_object_get(e, "pointer")), pointer);
	ck_assert_str_eq(json_string_value(json_object_get(e, "code")), code);
	ck_assert_msg(json_string_length(json_object_get(e, "detail")) > 0, "error #%zu: no detail",
		      index);
	ck_assert_uint_eq(json_object_size(e), 3);
}

/* The body has exactly one problem: at pointer, with code, and a detail containing needle. */
static void expect_one(const char *text, const char *pointer, const char *code, const char *needle)
{
	json_t *errors;
	int count = validate(&entry_schema, text, &errors);
	const char *detail;

	ck_assert_msg(count == 1, "%s: %d problems: %s", text, count,
		      json_dumps(errors, JSON_COMPACT));
	ck_assert_uint_eq(json_array_size(errors), 1);
	assert_entry(errors, 0, pointer, code);
	detail = json_string_value(json_object_get(json_array_get(errors, 0), "detail"));
	if (needle)
		ck_assert_msg(strstr(detail, needle) != NULL, "%s: detail \"%s\" lacks \"%s\"",
			      text, detail, needle);
	json_decref(errors);
}

static void expect_valid(const char *text)
{
	json_t *errors;
	int count = validate(&entry_schema, text, &errors);

	ck_assert_msg(count == 0, "%s: %d problems", text, count);
	ck_assert_uint_eq(json_array_size(errors), 0);
	json_decref(errors);
}

/* --- valid bodies ---------------------------------------------------------------- */

START_TEST(test_complete_valid_body)
{
	expect_valid("{\"name\":\"Cash\",\"note\":null,\"initials\":\"AB\",\"kind\":\"asset\","
		     "\"count\":1,\"posted\":true,\"date\":\"2024-02-29\","
		     "\"email\":\"a.b+c@example.com\","
		     "\"id\":\"123e4567-e89b-12d3-a456-426614174000\","
		     "\"amount\":\"-1234.50\",\"code\":\"AB-1.x_2\",\"owner\":{\"name\":\"Ann\"},"
		     "\"lines\":[{\"account\":\"1100\",\"amount\":\"1.5\"}],"
		     "\"tags\":[\"a\",\"bc\"]}");
	expect_valid("{\"name\":\"x\"}");
	expect_valid("{\"name\":\"x\",\"posted\":false,\"count\":100,\"kind\":\"liability\"}");
}
END_TEST

/* --- one rule at a time ------------------------------------------------------------ */

START_TEST(test_required)
{
	expect_one("{}", "/name", "required", "required");
	expect_one("{\"name\":\"x\",\"owner\":{}}", "/owner/name", "required", NULL);
	expect_one("{\"name\":\"x\",\"lines\":[{\"account\":\"1\"}]}", "/lines/0/amount",
		   "required", NULL);
}
END_TEST

START_TEST(test_unknown_field)
{
	expect_one("{\"name\":\"x\",\"extra\":1}", "/extra", "unknown_field", "Entry");
	expect_one("{\"name\":\"x\",\"owner\":{\"name\":\"a\",\"age\":3}}", "/owner/age",
		   "unknown_field", "Owner");
	expect_one("{\"name\":\"x\",\"lines\":"
		   "[{\"account\":\"1\",\"amount\":\"1\",\"memo\":\"\"}]}",
		   "/lines/0/memo", "unknown_field", "Line");
	/* Keys are matched exactly: case and surrounding spaces matter. */
	expect_one("{\"name\":\"x\",\"Name\":\"y\"}", "/Name", "unknown_field", NULL);
	expect_one("{\"name\":\"x\",\"name \":\"y\"}", "/name ", "unknown_field", NULL);
}
END_TEST

/* RFC 6901: "~" is written "~0" and "/" is written "~1". */
START_TEST(test_unknown_keys_are_escaped_in_pointers)
{
	expect_one("{\"name\":\"x\",\"a/b~c\":1}", "/a~1b~0c", "unknown_field", NULL);
	expect_one("{\"name\":\"x\",\"~1\":1}", "/~01", "unknown_field", NULL);
	expect_one("{\"name\":\"x\",\"/\":1}", "/~1", "unknown_field", NULL);
	expect_one("{\"name\":\"x\",\"\":1}", "/", "unknown_field", NULL);
	expect_one("{\"name\":\"x\",\"owner\":{\"name\":\"a\",\"x/y\":1}}", "/owner/x~1y",
		   "unknown_field", NULL);
}
END_TEST

/* A long key is cut at 64 bytes, never inside a UTF-8 character (jansson would refuse it). */
START_TEST(test_long_unknown_keys_are_cut_at_a_character)
{
	char key[200], body[256], pointer[80];
	json_t *errors;

	memset(key, 'k', 100);
	key[100] = '\0';
	snprintf(body, sizeof(body), "{\"name\":\"x\",\"%s\":1}", key);
	snprintf(pointer, sizeof(pointer), "/%.64s", key);
	expect_one(body, pointer, "unknown_field", NULL);

	/* 63 ASCII bytes, then "é" (2 bytes) straddling the 64-byte cut. */
	memset(key, 'k', 63);
	memcpy(key + 63, "\xc3\xa9tail", 7);
	key[70] = '\0';
	snprintf(body, sizeof(body), "{\"name\":\"x\",\"%s\":1}", key);
	snprintf(pointer, sizeof(pointer), "/%.63s", key);
	ck_assert_int_eq(validate(&entry_schema, body, &errors), 1);
	assert_entry(errors, 0, pointer, "unknown_field");
	json_decref(errors);
}
END_TEST

START_TEST(test_types)
{
	static const struct {
		const char *body;
		const char *pointer;
	} cases[] = {
		{ "{\"name\":5}", "/name" },
		{ "{\"name\":[\"x\"]}", "/name" },
		{ "{\"name\":{}}", "/name" },
		{ "{\"name\":true}", "/name" },
		{ "{\"name\":\"x\",\"count\":\"5\"}", "/count" },
		{ "{\"name\":\"x\",\"count\":1.5}", "/count" },
		{ "{\"name\":\"x\",\"count\":2.0}", "/count" },
		{ "{\"name\":\"x\",\"count\":true}", "/count" },
		{ "{\"name\":\"x\",\"posted\":\"true\"}", "/posted" },
		{ "{\"name\":\"x\",\"posted\":0}", "/posted" },
		{ "{\"name\":\"x\",\"owner\":[]}", "/owner" },
		{ "{\"name\":\"x\",\"owner\":\"Ann\"}", "/owner" },
		{ "{\"name\":\"x\",\"lines\":{}}", "/lines" },
		{ "{\"name\":\"x\",\"lines\":\"[]\"}", "/lines" },
		{ "{\"name\":\"x\",\"lines\":[1]}", "/lines/0" },
		{ "{\"name\":\"x\",\"lines\":[{\"account\":\"1\",\"amount\":\"1\"},\"x\"]}",
		  "/lines/1" },
		{ "{\"name\":\"x\",\"lines\":[{\"account\":1,\"amount\":\"1\"}]}",
		  "/lines/0/account" },
		{ "{\"name\":\"x\",\"tags\":[1]}", "/tags/0" },
		{ "{\"name\":\"x\",\"tags\":[\"a\",[\"b\"]]}", "/tags/1" },
		{ "{\"name\":\"x\",\"code\":12}", "/code" },
	};

	for (size_t i = 0; i < COUNT(cases); i++)
		expect_one(cases[i].body, cases[i].pointer, "type", NULL);
}
END_TEST

START_TEST(test_string_lengths_count_characters)
{
	expect_one("{\"name\":\"\"}", "/name", "min_length", "at least 1");
	expect_one("{\"name\":\"12345678901\"}", "/name", "max_length", "at most 10");
	expect_valid("{\"name\":\"1234567890\"}");

	/* note: at most 3 characters, whatever their byte length. */
	expect_valid("{\"name\":\"x\",\"note\":\"\xc3\xa9\xc3\xa9\xc3\xa9\"}"); /* 6 bytes */
	expect_valid("{\"name\":\"x\",\"note\":\"\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\"}"); /* 9 */
	expect_valid("{\"name\":\"x\",\"note\":\"\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\"}");
	expect_valid("{\"name\":\"x\",\"note\":\"\"}");
	expect_one("{\"name\":\"x\",\"note\":\"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\"}", "/note",
		   "max_length", "at most 3");
	expect_one("{\"name\":\"x\",\"note\":\"abcd\"}", "/note", "max_length", NULL);

	/* initials: at least 2 characters; one 2-byte character is one. */
	expect_one("{\"name\":\"x\",\"initials\":\"\xc3\xa9\"}", "/initials", "min_length",
		   "at least 2");
	expect_valid("{\"name\":\"x\",\"initials\":\"\xc3\xa9\xc3\xa9\"}");

	/* Items of scalar arrays have their own limits. */
	expect_one("{\"name\":\"x\",\"tags\":[\"ok\",\"toolong\"]}", "/tags/1", "max_length", NULL);
	expect_one("{\"name\":\"x\",\"tags\":[\"\"]}", "/tags/0", "min_length", NULL);
}
END_TEST

START_TEST(test_integer_range)
{
	expect_one("{\"name\":\"x\",\"count\":0}", "/count", "minimum", "at least 1");
	expect_one("{\"name\":\"x\",\"count\":-9223372036854775808}", "/count", "minimum", NULL);
	expect_one("{\"name\":\"x\",\"count\":101}", "/count", "maximum", "at most 100");
	expect_one("{\"name\":\"x\",\"count\":9223372036854775807}", "/count", "maximum", NULL);
	expect_valid("{\"name\":\"x\",\"count\":1}");
	expect_valid("{\"name\":\"x\",\"count\":100}");
}
END_TEST

START_TEST(test_array_items)
{
	const char *line = "{\"account\":\"1\",\"amount\":\"1\"}";
	char body[512];

	expect_one("{\"name\":\"x\",\"lines\":[]}", "/lines", "min_items", "at least 1");
	snprintf(body, sizeof(body), "{\"name\":\"x\",\"lines\":[%s,%s,%s]}", line, line, line);
	expect_valid(body);
	snprintf(body, sizeof(body), "{\"name\":\"x\",\"lines\":[%s,%s,%s,%s]}", line, line, line,
		 line);
	expect_one(body, "/lines", "max_items", "at most 3");
	expect_one("{\"name\":\"x\",\"tags\":[\"a\",\"b\",\"c\"]}", "/tags", "max_items", NULL);
	/* Too many items: the items themselves are not inspected. */
	expect_one("{\"name\":\"x\",\"tags\":[1,2,3]}", "/tags", "max_items", NULL);
}
END_TEST

START_TEST(test_enum)
{
	expect_one("{\"name\":\"x\",\"kind\":\"equity\"}", "/kind", "enum", "asset, liability");
	expect_one("{\"name\":\"x\",\"kind\":\"Asset\"}", "/kind", "enum", NULL);
	expect_one("{\"name\":\"x\",\"kind\":\"\"}", "/kind", "enum", NULL);
	expect_one("{\"name\":\"x\",\"kind\":\"asset \"}", "/kind", "enum", NULL);
}
END_TEST

/* An array that also takes a word instead: {"allocations": "auto"} or a list. */
static const char *const auto_word[] = { "auto", NULL };
static const struct schema_field pick_fields[] = {
	{ .name = "picks", .type = SCHEMA_ARRAY, .max = 2, .object = &line_schema,
	  .or_words = auto_word },
};
static SCHEMA_OBJECT_DEFINE(pick_schema, "Pick", pick_fields, NULL);

START_TEST(test_array_or_word)
{
	static const struct {
		const char *body, *code; /* code NULL: valid */
	} cases[] = {
		{ "{\"picks\":\"auto\"}", NULL },
		{ "{\"picks\":[{\"account\":\"1\",\"amount\":\"1\"}]}", NULL },
		{ "{\"picks\":\"Auto\"}", "enum" },
		{ "{\"picks\":\"\"}", "enum" },
		{ "{\"picks\":7}", "type" },
		{ "{\"picks\":{}}", "type" },
		{ "{\"picks\":[1]}", "type" },
	};

	for (size_t i = 0; i < COUNT(cases); i++) {
		json_t *errors;
		int count = validate(&pick_schema, cases[i].body, &errors);

		if (!cases[i].code) {
			ck_assert_msg(count == 0, "%s: %d problems", cases[i].body, count);
		} else {
			ck_assert_msg(count == 1, "%s: %d problems", cases[i].body, count);
			ck_assert_str_eq(json_string_value(json_object_get(json_array_get(errors, 0), "code")),
					 cases[i].code);
		}
		json_decref(errors);
	}
}
END_TEST

START_TEST(test_check_refuses_words_on_a_non_array)
{
	static const struct schema_field bad_fields[] = {
		{ .name = "kind", .type = SCHEMA_STRING, .max = 4, .or_words = auto_word },
	};
	static SCHEMA_OBJECT_DEFINE(bad_schema, "Bad", bad_fields, NULL);
	char err[256];

	ck_assert_int_eq(schema_check(&pick_schema, err, sizeof(err)), 0);
	ck_assert_int_eq(schema_check(&bad_schema, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "kind"));
}
END_TEST

static const struct {
	const char *field;
	const char *value; /* JSON string contents */
	bool valid;
} format_cases[] = {
	{ "date", "2024-02-29", true },
	{ "date", "2000-02-29", true },
	{ "date", "2026-12-31", true },
	{ "date", "0001-01-01", true },
	{ "date", "2023-02-29", false },
	{ "date", "1900-02-29", false },
	{ "date", "2026-13-01", false },
	{ "date", "2026-00-10", false },
	{ "date", "2026-01-00", false },
	{ "date", "2026-04-31", false },
	{ "date", "2026-01-32", false },
	{ "date", "0000-01-01", false },
	{ "date", "2026-1-01", false },
	{ "date", "2026/01/01", false },
	{ "date", "2026-01-01T00:00:00Z", false },
	{ "date", "2026-01-0a", false },
	{ "date", " 2026-01-01", false },
	{ "date", "", false },
	{ "email", "a@b.co", true },
	{ "email", "first.last+tag@sub.example.com", true },
	{ "email", "", false },
	{ "email", "ab.com", false },
	{ "email", "@b.com", false },
	{ "email", "a@b", false },
	{ "email", "a@b.", false },
	{ "email", "a@.com", false },
	{ "email", "a b@c.com", false },
	{ "email", "a@b@c.com", false },
	{ "email", "<a@b.com>", false },
	{ "email", "a@b.com\\n", false },
	{ "email", "a@b.com,c@d.com", false },
	{ "id", "123e4567-e89b-12d3-a456-426614174000", true },
	{ "id", "123E4567-E89B-12D3-A456-426614174000", true },
	{ "id", "123e4567e89b12d3a456426614174000", false },
	{ "id", "123e4567-e89b-12d3-a456-42661417400", false },
	{ "id", "123e4567-e89b-12d3-a456-4266141740000", false },
	{ "id", "123e4567-e89b-12d3-a456-42661417400g", false },
	{ "id", "{123e4567-e89b-12d3-a456-426614174000}", false },
	{ "id", "", false },
	{ "amount", "1.5", true },
	{ "amount", "0", true },
	{ "amount", "0.50", true },
	{ "amount", "-0.01", true },
	{ "amount", "1234567890123456789.123456", true },
	{ "amount", "01", false },
	{ "amount", "00.5", false },
	{ "amount", "1.", false },
	{ "amount", ".5", false },
	{ "amount", "+1", false },
	{ "amount", "-", false },
	{ "amount", "--1", false },
	{ "amount", "1e3", false },
	{ "amount", "1,5", false },
	{ "amount", "1.2.3", false },
	{ "amount", " 1", false },
	{ "amount", "1 ", false },
	{ "amount", "", false },
	{ "amount", "NaN", false },
	{ "code", "A1", true },
	{ "code", "9", true },
	{ "code", "a.b_c-d", true },
	{ "code", "-a", false },
	{ "code", ".a", false },
	{ "code", "_a", false },
	{ "code", "a b", false },
	{ "code", "a/b", false },
	{ "code", "\xc3\xa9", false },
	{ "code", "", false },
};

START_TEST(test_formats)
{
	char body[256], pointer[32];

	snprintf(body, sizeof(body), "{\"name\":\"x\",\"%s\":\"%s\"}", format_cases[_i].field,
		 format_cases[_i].value);
	snprintf(pointer, sizeof(pointer), "/%s", format_cases[_i].field);
	if (format_cases[_i].valid)
		expect_valid(body);
	else
		expect_one(body, pointer, "format", NULL);
}
END_TEST

/* Amounts as JSON numbers are refused with a reason, not silently rounded. */
START_TEST(test_decimal_as_json_number_is_a_type_error)
{
	expect_one("{\"name\":\"x\",\"amount\":1.5}", "/amount", "type", "precision");
	expect_one("{\"name\":\"x\",\"amount\":12}", "/amount", "type", "precision");
	expect_one("{\"name\":\"x\",\"lines\":[{\"account\":\"1\",\"amount\":0.1}]}",
		   "/lines/0/amount", "type", "precision");
	/* Other strings just say they want a string. */
	expect_one("{\"name\":\"x\",\"code\":1.5}", "/code", "type", "must be a string");
}
END_TEST

START_TEST(test_null)
{
	expect_one("{\"name\":null}", "/name", "null", "must not be null");
	expect_one("{\"name\":\"x\",\"owner\":null}", "/owner", "null", NULL);
	expect_one("{\"name\":\"x\",\"count\":null}", "/count", "null", NULL);
	expect_one("{\"name\":\"x\",\"lines\":null}", "/lines", "null", NULL);
	expect_one("{\"name\":\"x\",\"tags\":[null]}", "/tags/0", "null", NULL);
	/* An array of objects wants objects: null is the wrong type there. */
	expect_one("{\"name\":\"x\",\"lines\":[null]}", "/lines/0", "type", NULL);
	expect_valid("{\"name\":\"x\",\"note\":null}");
}
END_TEST

START_TEST(test_read_only)
{
	expect_one("{\"name\":\"x\",\"created\":\"2026-01-01T00:00:00Z\"}", "/created", "read_only",
		   NULL);
	expect_one("{\"name\":\"x\",\"created\":null}", "/created", "read_only", NULL);
}
END_TEST

/* --- several problems ---------------------------------------------------------------- */

START_TEST(test_nested_pointer)
{
	expect_one("{\"name\":\"x\",\"lines\":[{\"account\":\"1\",\"amount\":\"1\"},"
		   "{\"account\":\"2\",\"amount\":\"1.\"}]}",
		   "/lines/1/amount", "format", NULL);
}
END_TEST

START_TEST(test_all_problems_reported_at_once)
{
	json_t *errors;

	ck_assert_int_eq(
		validate(&entry_schema, "{\"name\":\"\",\"count\":0,\"extra\":true}", &errors), 3);
	ck_assert_uint_eq(json_array_size(errors), 3);
	/* Unknown fields first, then the table's order. */
	assert_entry(errors, 0, "/extra", "unknown_field");
	assert_entry(errors, 1, "/name", "min_length");
	assert_entry(errors, 2, "/count", "minimum");
	json_decref(errors);

	ck_assert_int_eq(validate(&entry_schema,
				  "{\"kind\":\"x\",\"lines\":"
				  "[{\"account\":\"-\",\"amount\":\"01\"},"
				  "{\"account\":\"ok\"}]}",
				  &errors),
			 5);
	assert_entry(errors, 0, "/name", "required");
	assert_entry(errors, 1, "/kind", "enum");
	assert_entry(errors, 2, "/lines/0/account", "format");
	assert_entry(errors, 3, "/lines/0/amount", "format");
	assert_entry(errors, 4, "/lines/1/amount", "required");
	json_decref(errors);
}
END_TEST

/* Appends the problems to an existing list (a handler may have added its own). */
START_TEST(test_errors_are_appended)
{
	json_t *value = parse_json("{}");
	json_t *errors = json_array();

	ck_assert_int_eq(schema_error_add(errors, "/lines", "unbalanced", "debits != credits"), 0);
	ck_assert_int_eq(schema_validate(&entry_schema, value, errors), 1);
	ck_assert_uint_eq(json_array_size(errors), 2);
	assert_entry(errors, 0, "/lines", "unbalanced");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(errors, 0), "detail")),
			 "debits != credits");
	assert_entry(errors, 1, "/name", "required");
	json_decref(value);
	json_decref(errors);
}
END_TEST

static json_t *object_with_unknown_fields(int count)
{
	json_t *value = json_pack("{s:s}", "name", "x");

	for (int i = 0; i < count; i++) {
		char key[24];

		snprintf(key, sizeof(key), "extra%d", i);
		json_object_set_new(value, key, json_true());
	}
	return value;
}

static void expect_capped(int problems)
{
	json_t *value = object_with_unknown_fields(problems);
	json_t *errors = json_array();
	size_t listed = problems > SCHEMA_MAX_ERRORS ? SCHEMA_MAX_ERRORS : (size_t)problems;
	char detail[64];

	ck_assert_int_eq(schema_validate(&entry_schema, value, errors), problems);
	if (problems <= SCHEMA_MAX_ERRORS) {
		ck_assert_uint_eq(json_array_size(errors), listed);
	} else {
		ck_assert_uint_eq(json_array_size(errors), listed + 1);
		assert_entry(errors, listed, "", "more");
		snprintf(detail, sizeof(detail), "%d more problems not listed",
			 problems - SCHEMA_MAX_ERRORS);
		ck_assert_str_eq(json_string_value(json_object_get(json_array_get(errors, listed),
								   "detail")),
				 detail);
	}
	for (size_t i = 0; i < listed; i++)
		ck_assert_str_eq(json_string_value(json_object_get(json_array_get(errors, i),
								   "code")),
				 "unknown_field");
	json_decref(value);
	json_decref(errors);
}

START_TEST(test_error_list_is_capped_with_a_count_of_the_rest)
{
	expect_capped(SCHEMA_MAX_ERRORS - 1);
	expect_capped(SCHEMA_MAX_ERRORS);
	expect_capped(SCHEMA_MAX_ERRORS + 1);
	expect_capped(SCHEMA_MAX_ERRORS + 10);
	expect_capped(500);
}
END_TEST

/* The rest are counted inside arrays too, not only across object members. */
static const struct schema_field bit_item = {
	.name = "bit", .type = SCHEMA_INTEGER, .min = 0, .max = 1,
};
static const struct schema_field bits_fields[] = {
	{ .name = "bits", .type = SCHEMA_ARRAY, .max = 1000, .items = &bit_item },
	{ .name = "label", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED, .min = 1, .max = 10 },
};
static SCHEMA_OBJECT_DEFINE(bits_schema, "Bits", bits_fields, NULL);

START_TEST(test_error_count_includes_problems_past_the_cap_in_arrays)
{
	json_t *value = json_pack("{s:[]}", "bits");
	json_t *bits = json_object_get(value, "bits");
	json_t *errors = json_array();
	json_t *more;

	for (int i = 0; i < 100; i++)
		json_array_append_new(bits, json_integer(i % 2 ? 5 : 1));
	/* 50 bad items, then the missing label. */
	ck_assert_int_eq(schema_validate(&bits_schema, value, errors), 51);
	ck_assert_uint_eq(json_array_size(errors), SCHEMA_MAX_ERRORS + 1);
	assert_entry(errors, 0, "/bits/1", "maximum");
	assert_entry(errors, 49, "/bits/99", "maximum");
	more = json_array_get(errors, SCHEMA_MAX_ERRORS);
	assert_entry(errors, SCHEMA_MAX_ERRORS, "", "more");
	ck_assert_str_eq(json_string_value(json_object_get(more, "detail")),
			 "1 more problems not listed");
	json_array_clear(errors);

	for (int i = 0; i < 100; i++)
		json_array_set_new(bits, (size_t)i, json_integer(7));
	ck_assert_int_eq(schema_validate(&bits_schema, value, errors), 101);
	more = json_array_get(errors, SCHEMA_MAX_ERRORS);
	ck_assert_str_eq(json_string_value(json_object_get(more, "detail")),
			 "51 more problems not listed");
	json_decref(value);
	json_decref(errors);
}
END_TEST

START_TEST(test_body_that_is_not_an_object)
{
	static const char *const bodies[] = { "[]", "[{\"name\":\"x\"}]", "\"x\"", "1", "null",
					      "true" };

	for (size_t i = 0; i < COUNT(bodies); i++) {
		json_t *errors;

		ck_assert_int_eq(validate(&entry_schema, bodies[i], &errors), 1);
		ck_assert_uint_eq(json_array_size(errors), 1);
		assert_entry(errors, 0, "", "type");
		json_decref(errors);
	}
}
END_TEST

/* --- schema_check ----------------------------------------------------------------- */

START_TEST(test_check_accepts_good_schemas)
{
	char err[256] = "";

	ck_assert_msg(schema_check(&entry_schema, err, sizeof(err)) == 0, "%s", err);
	ck_assert_msg(schema_check(&bits_schema, err, sizeof(err)) == 0, "%s", err);
	ck_assert_msg(schema_check(&line_schema, err, sizeof(err)) == 0, "%s", err);
}
END_TEST

static const char *const yes_no[] = { "yes", "no", NULL };

static const struct schema_field inner_bad_fields[] = {
	{ .name = "ok", .type = SCHEMA_STRING, .max = 5 },
	{ .name = "unbounded", .type = SCHEMA_STRING },
};
static SCHEMA_OBJECT_DEFINE(inner_bad_schema, "Inner", inner_bad_fields, NULL);
static const struct schema_field unbounded_item = { .name = "item", .type = SCHEMA_STRING };

static const struct {
	struct schema_field field;
	const char *reason;
} check_cases[] = {
	{ { .name = "s", .type = SCHEMA_STRING }, "length limit" },
	{ { .name = "s", .type = SCHEMA_STRING, .min = 5, .max = 3 }, "length limit" },
	{ { .name = "s", .type = SCHEMA_STRING, .min = -1, .max = 3 }, "length limit" },
	{ { .name = "a", .type = SCHEMA_ARRAY, .items = &tag_item }, "item limit" },
	{ { .name = "a", .type = SCHEMA_ARRAY, .min = 4, .max = 2, .items = &tag_item },
	  "item limit" },
	{ { .name = "a", .type = SCHEMA_ARRAY, .max = 3 }, "item type" },
	{ { .name = "i", .type = SCHEMA_INTEGER }, "range" },
	{ { .name = "i", .type = SCHEMA_INTEGER, .min = 5, .max = 5 }, "range" },
	{ { .name = "i", .type = SCHEMA_INTEGER, .min = 6, .max = 5 }, "range" },
	{ { .name = "i", .type = SCHEMA_INTEGER, .min = 0, .max = 1, .enum_values = yes_no },
	  "enum" },
	{ { .name = "b", .type = SCHEMA_BOOLEAN, .enum_values = yes_no }, "enum" },
	{ { .name = "o", .type = SCHEMA_OBJECT }, "field table" },
	{ { .name = "o", .type = SCHEMA_OBJECT, .object = &inner_bad_schema }, "unbounded" },
	{ { .name = "a", .type = SCHEMA_ARRAY, .max = 2, .object = &inner_bad_schema }, "Inner" },
	{ { .name = "a", .type = SCHEMA_ARRAY, .max = 2, .items = &unbounded_item }, "item" },
	{ { .name = "", .type = SCHEMA_BOOLEAN }, "no name" },
	{ { .name = NULL, .type = SCHEMA_BOOLEAN }, "no name" },
};

/* Each bad field after a good one, in a schema called "Bad". */
START_TEST(test_check_refuses_bad_fields)
{
	const struct schema_field fields[] = {
		{ .name = "fine", .type = SCHEMA_BOOLEAN },
		check_cases[_i].field,
	};
	const struct schema_object schema = { "Bad", fields, 2, NULL, false };
	char err[256] = "";

	ck_assert_int_eq(schema_check(&schema, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, check_cases[_i].reason) != NULL, "\"%s\" lacks \"%s\"", err,
		      check_cases[_i].reason);
	/* The message names the schema the bad field is in. */
	if (check_cases[_i].field.object)
		ck_assert_msg(strstr(err, "schema Inner: field unbounded") != NULL, "%s", err);
	else if (check_cases[_i].field.name && *check_cases[_i].field.name)
		ck_assert_msg(strstr(err, "schema Bad: field ") != NULL, "%s", err);
}
END_TEST

START_TEST(test_check_refuses_duplicate_names)
{
	static const struct schema_field fields[] = {
		{ .name = "a", .type = SCHEMA_BOOLEAN },
		{ .name = "b", .type = SCHEMA_BOOLEAN },
		{ .name = "a", .type = SCHEMA_STRING, .max = 3 },
	};
	static SCHEMA_OBJECT_DEFINE(schema, "Twice", fields, NULL);
	char err[256] = "";

	ck_assert_int_eq(schema_check(&schema, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "schema Twice: field a is declared twice");
}
END_TEST

START_TEST(test_check_allows_unbounded_read_only_fields)
{
	static const struct schema_field fields[] = {
		{ .name = "id", .type = SCHEMA_STRING, .flags = SCHEMA_READ_ONLY },
		{ .name = "version", .type = SCHEMA_INTEGER, .flags = SCHEMA_READ_ONLY },
		{ .name = "history", .type = SCHEMA_ARRAY, .flags = SCHEMA_READ_ONLY,
		  .items = &tag_item },
	};
	static const struct schema_object anonymous = { NULL, fields, COUNT(fields), NULL, true };
	static const struct schema_field bad[] = { { .name = "x", .type = SCHEMA_OBJECT } };
	static const struct schema_object anonymous_bad = { NULL, bad, 1, NULL, false };
	char err[256] = "";

	ck_assert_msg(schema_check(&anonymous, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(schema_check(&anonymous_bad, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "(anonymous)"));
}
END_TEST

START_TEST(test_body_optional_without_required_fields)
{
	static const struct schema_field optional[] = {
		{ .name = "memo", .type = SCHEMA_STRING, .min = 1, .max = 9 },
		{ .name = "id", .type = SCHEMA_STRING, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED },
	};
	static SCHEMA_OBJECT_DEFINE(optional_schema, "Optional", optional, NULL);
	static const struct schema_object no_fields = { "Nothing", NULL, 0, NULL, false };
	char err[256] = "";

	ck_assert(schema_body_optional(&optional_schema)); /* a read-only field is not sent */
	ck_assert(schema_body_optional(&no_fields));
	ck_assert(!schema_body_optional(&entry_schema));
	ck_assert(!schema_body_optional(&owner_schema));
	/* A schema without fields is a valid one: it takes {} and nothing else. */
	ck_assert_msg(schema_check(&no_fields, err, sizeof(err)) == 0, "%s", err);
}
END_TEST

/* --- query strings ----------------------------------------------------------------- */

static const char *const sort_values[] = { "name", "date", NULL };

static const struct schema_field query_fields[] = {
	{ .name = "page", .type = SCHEMA_INTEGER, .min = 1, .max = 1000 },
	{ .name = "active", .type = SCHEMA_BOOLEAN },
	{ .name = "q", .type = SCHEMA_STRING, .min = 1, .max = 10 },
	{ .name = "sort", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED, .max = 10,
	  .enum_values = sort_values },
};
static SCHEMA_OBJECT_DEFINE(query_schema, "ListQuery", query_fields, NULL);

static const char *query_get(void *ctx, const char *name)
{
	for (const char *const *p = ctx; p[0]; p += 2)
		if (strcmp(p[0], name) == 0)
			return p[1];
	return NULL;
}

static int run_query(const char *const *pairs, json_t **out, json_t **errors)
{
	*errors = json_array();
	return schema_validate_query(&query_schema, query_get, (void *)pairs, out, *errors);
}

static void expect_query_error(const char *const *pairs, const char *parameter, const char *code)
{
	json_t *out = NULL, *errors, *e;
	int count = run_query(pairs, &out, &errors);

	ck_assert_msg(count == 1, "%s=%s: %d problems", pairs[0], pairs[1], count);
	ck_assert_ptr_nonnull(out);
	e = json_array_get(errors, 0);
	ck_assert_str_eq(json_string_value(json_object_get(e, "parameter")), parameter);
	ck_assert_str_eq(json_string_value(json_object_get(e, "code")), code);
	ck_assert_ptr_null(json_object_get(e, "pointer"));
	ck_assert_uint_gt(json_string_length(json_object_get(e, "detail")), 0);
	json_decref(out);
	json_decref(errors);
}

START_TEST(test_query_converts_values)
{
	static const char *const pairs[] = { "page", "12", "active", "true", "q", "abc",
					     "sort", "name", NULL };
	static const char *const pairs_false[] = { "active", "false", "sort", "date", "page", "-0",
						   NULL };
	json_t *out, *errors, *expected;

	ck_assert_int_eq(run_query(pairs, &out, &errors), 0);
	expected = json_pack("{s:i, s:b, s:s, s:s}", "page", 12, "active", 1, "q", "abc", "sort",
			     "name");
	ck_assert_msg(json_equal(out, expected), "got %s", json_dumps(out, JSON_COMPACT));
	ck_assert_uint_eq(json_array_size(errors), 0);
	json_decref(out);
	json_decref(errors);
	json_decref(expected);

	/* -0 is the integer 0, and 0 is below the minimum. */
	ck_assert_int_eq(run_query(pairs_false, &out, &errors), 1);
	ck_assert(json_is_false(json_object_get(out, "active")));
	ck_assert(json_is_integer(json_object_get(out, "page")));
	ck_assert_int_eq(json_integer_value(json_object_get(out, "page")), 0);
	json_decref(out);
	json_decref(errors);
}
END_TEST

START_TEST(test_query_refuses_bad_integers_and_booleans)
{
	static const char *const bad_integers[] = {
		"12x", "1e3", "", " 12", "12 ", "+12", "0x10", "12.0", "99999999999999999999", "-",
		"abc",
	};
	static const char *const bad_booleans[] = { "yes", "1", "0", "TRUE", "True", "", "on" };

	for (size_t i = 0; i < COUNT(bad_integers); i++) {
		const char *pairs[] = { "sort", "name", "page", bad_integers[i], NULL };

		expect_query_error(pairs, "page", "type");
	}
	for (size_t i = 0; i < COUNT(bad_booleans); i++) {
		const char *pairs[] = { "sort", "name", "active", bad_booleans[i], NULL };

		expect_query_error(pairs, "active", "type");
	}
}
END_TEST

START_TEST(test_query_validates_like_a_body)
{
	static const char *const low[] = { "sort", "name", "page", "0", NULL };
	static const char *const negative[] = { "sort", "name", "page", "-5", NULL };
	static const char *const high[] = { "sort", "name", "page", "1001", NULL };
	static const char *const missing[] = { "page", "3", NULL };
	static const char *const not_listed[] = { "sort", "size", NULL };
	static const char *const empty_q[] = { "sort", "name", "q", "", NULL };
	static const char *const long_q[] = { "sort", "name", "q", "12345678901", NULL };
	static const char *const bad_utf8[] = { "sort", "name", "q", "\xff\xfe", NULL };

	expect_query_error(low, "page", "minimum");
	expect_query_error(negative, "page", "minimum");
	expect_query_error(high, "page", "maximum");
	expect_query_error(missing, "sort", "required");
	expect_query_error(not_listed, "sort", "enum");
	expect_query_error(empty_q, "q", "min_length");
	expect_query_error(long_q, "q", "max_length");
	expect_query_error(bad_utf8, "q", "format");
}
END_TEST

START_TEST(test_query_reports_every_conversion_problem)
{
	static const char *const pairs[] = { "page", "x", "active", "maybe", "sort", "name", NULL };
	json_t *out, *errors;

	ck_assert_int_eq(run_query(pairs, &out, &errors), 2);
	ck_assert_uint_eq(json_array_size(errors), 2);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(errors, 0), "parameter")),
			 "page");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(errors, 1), "parameter")),
			 "active");
	/* What did convert is in the object. */
	ck_assert_str_eq(json_string_value(json_object_get(out, "sort")), "name");
	ck_assert_ptr_null(json_object_get(out, "page"));
	json_decref(out);
	json_decref(errors);
}
END_TEST

START_TEST(test_query_reports_conversion_and_rule_problems_together)
{
	static const char *const pairs[] = { "page", "x", "q", "", "sort", "size", NULL };
	json_t *out, *errors;

	/* A parameter that does not convert hides no other's rule. */
	ck_assert_int_eq(run_query(pairs, &out, &errors), 3);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(errors, 0), "code")), "type");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(errors, 1), "parameter")), "q");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(errors, 1), "code")),
			 "min_length");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(errors, 2), "parameter")),
			 "sort");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(errors, 2), "code")), "enum");
	json_decref(out);
	json_decref(errors);
}
END_TEST

START_TEST(test_refused_names_unsound_parts)
{
	json_t *errors = json_pack("[{s:s, s:s}, {s:s, s:s}, {s:s, s:s}, {s:s, s:s}]",
				   "pointer", "/lines/2/credit", "code", "type",
				   "pointer", "/tags", "code", "max_items",
				   "parameter", "limit", "code", "type",
				   "pointer", "/a~1b", "code", "unknown_field");
	json_t *root = json_pack("[{s:s, s:s}]", "pointer", "", "code", "type");

	ck_assert(schema_refused(errors, "/lines/2/credit")); /* there */
	ck_assert(schema_refused(errors, "/lines/2"));        /* inside it */
	ck_assert(schema_refused(errors, "/lines"));
	ck_assert(schema_refused(errors, "/tags/0"));         /* held by a refused array */
	ck_assert(schema_refused(errors, "/a~1b"));
	ck_assert(!schema_refused(errors, "/lines/2/debit"));
	ck_assert(!schema_refused(errors, "/lines/20"));       /* a prefix, not a parent */
	ck_assert(!schema_refused(errors, "/lines/1"));
	ck_assert(!schema_refused(errors, "/limit"));          /* a query parameter's error */
	ck_assert(!schema_refused(errors, "/tagsx"));
	ck_assert(schema_refused(root, "/anything"));          /* the body is no object */
	ck_assert(!schema_refused(NULL, "/name"));
	json_decref(errors);
	json_decref(root);
}
END_TEST

START_TEST(test_query_with_nothing_given)
{
	static const struct schema_field optional_fields[] = {
		{ .name = "page", .type = SCHEMA_INTEGER, .min = 1, .max = 9 },
	};
	static SCHEMA_OBJECT_DEFINE(optional_schema, "Optional", optional_fields, NULL);
	static const char *const none[] = { NULL };
	json_t *out, *errors = json_array();

	ck_assert_int_eq(schema_validate_query(&optional_schema, query_get, (void *)none, &out,
					       errors),
			 0);
	ck_assert(json_is_object(out));
	ck_assert_uint_eq(json_object_size(out), 0);
	json_decref(out);
	json_decref(errors);
}
END_TEST

/* --- dates ------------------------------------------------------------------------ */

START_TEST(test_is_date)
{
	for (size_t i = 0; i < COUNT(format_cases); i++) {
		bool valid = format_cases[i].valid;

		if (strcmp(format_cases[i].field, "date") == 0)
			ck_assert_msg(schema_is_date(format_cases[i].value) == valid, "%s",
				      format_cases[i].value);
	}
	ck_assert(schema_is_date("2400-02-29"));
	ck_assert(!schema_is_date("2100-02-29"));
	ck_assert(schema_is_date("9999-12-31"));
	ck_assert(!schema_is_date("2026-02-29"));
	ck_assert(schema_is_date("2026-02-28"));
	ck_assert(!schema_is_date("2026-06-31"));
	ck_assert(!schema_is_date("2026-01-011"));
}
END_TEST

/* --- responses: what a handler rendered, as the test build checks it ------------------ */

static const struct schema_field answer_line_fields[] = {
	SCHEMA_OUT("line", SCHEMA_INTEGER, SCHEMA_FORMAT_NONE),
	{ .name = "debit", .type = SCHEMA_STRING, .flags = SCHEMA_READ_ONLY,
	  .format = SCHEMA_FORMAT_DECIMAL, .description = "left out when the line is a credit" },
};
static SCHEMA_OBJECT_DEFINE(answer_line_schema, "AnswerLine", answer_line_fields, NULL);

static const struct schema_object open_schema = { "Changes", NULL, 0, "Anything.", true };

static const struct schema_field answer_fields[] = {
	SCHEMA_OUT("id", SCHEMA_STRING, SCHEMA_FORMAT_UUID),
	SCHEMA_OUT_NULLABLE("number", SCHEMA_STRING, SCHEMA_FORMAT_NONE),
	{ .name = "kind", .type = SCHEMA_STRING, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .enum_values = kind_values },
	SCHEMA_OUT("version", SCHEMA_INTEGER, SCHEMA_FORMAT_NONE),
	{ .name = "name", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED, .min = 1, .max = 3 },
	{ .name = "lines", .type = SCHEMA_ARRAY, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .object = &answer_line_schema },
	{ .name = "changes", .type = SCHEMA_OBJECT, .flags = SCHEMA_READ_ONLY, .object = &open_schema },
};
static SCHEMA_OBJECT_DEFINE(answer_schema, "Answer", answer_fields, NULL);

/* An answer that matches; each test below breaks it in one place. */
#define ANSWER_ID "\"id\":\"123e4567-e89b-12d3-a456-426614174000\""
#define ANSWER_REST "\"number\":null,\"kind\":\"asset\",\"version\":2,\"name\":\"longer than three\"," \
	"\"lines\":[{\"line\":1,\"debit\":\"1.50\"},{\"line\":2}]"

static void expect_answer(const char *text, const char *pointer, const char *code)
{
	json_t *value = parse_json(text), *errors = json_array();
	int count = schema_validate_response(&answer_schema, value, errors);

	if (!pointer) {
		ck_assert_msg(count == 0, "%s: %s", text, json_dumps(errors, JSON_COMPACT));
	} else {
		ck_assert_msg(count == 1, "%s: %d problems: %s", text, count,
			      json_dumps(errors, JSON_COMPACT));
		assert_entry(errors, 0, pointer, code);
	}
	json_decref(errors);
	json_decref(value);
}

START_TEST(test_response_matching_its_schema)
{
	/* Read-only fields are expected; lengths and item counts are not an answer's concern. */
	expect_answer("{" ANSWER_ID "," ANSWER_REST "}", NULL, NULL);
	expect_answer("{" ANSWER_ID "," ANSWER_REST ",\"changes\":{\"name\":{\"old\":1}}}", NULL, NULL);
	expect_answer("{" ANSWER_ID ",\"number\":\"JE-1\",\"kind\":\"liability\",\"version\":1,"
		      "\"name\":\"\",\"lines\":[]}", NULL, NULL);
}
END_TEST

START_TEST(test_response_drift_is_named)
{
	/* A required field missing, at the top and in an item. */
	expect_answer("{" ANSWER_REST "}", "/id", "required");
	expect_answer("{" ANSWER_ID ",\"number\":null,\"kind\":\"asset\",\"version\":2,"
		      "\"name\":\"x\",\"lines\":[{\"debit\":\"1\"}]}", "/lines/0/line", "required");
	/* A field the schema does not name; an open object takes any. */
	expect_answer("{" ANSWER_ID "," ANSWER_REST ",\"extra\":1}", "/extra", "unknown_field");
	expect_answer("{" ANSWER_ID ",\"number\":null,\"kind\":\"asset\",\"version\":2,"
		      "\"name\":\"x\",\"lines\":[{\"line\":1,\"credit\":\"2\"}]}",
		      "/lines/0/credit", "unknown_field");
	/* Wrong types. */
	expect_answer("{" ANSWER_ID ",\"number\":null,\"kind\":\"asset\",\"version\":\"2\","
		      "\"name\":\"x\",\"lines\":[]}", "/version", "type");
	expect_answer("{" ANSWER_ID "," ANSWER_REST ",\"changes\":[]}", "/changes", "type");
	/* null where the schema does not allow it; allowed where it does (number). */
	expect_answer("{\"id\":null," ANSWER_REST "}", "/id", "null");
	expect_answer("{" ANSWER_ID "," ANSWER_REST ",\"changes\":null}", "/changes", "null");
	/* Enums and formats still hold. */
	expect_answer("{" ANSWER_ID ",\"number\":null,\"kind\":\"income\",\"version\":2,"
		      "\"name\":\"x\",\"lines\":[]}", "/kind", "enum");
	expect_answer("{\"id\":\"42\"," ANSWER_REST "}", "/id", "format");
	expect_answer("{" ANSWER_ID ",\"number\":null,\"kind\":\"asset\",\"version\":2,"
		      "\"name\":\"x\",\"lines\":[{\"line\":1,\"debit\":1.5}]}", "/lines/0/debit", "type");
}
END_TEST

START_TEST(test_response_is_an_object)
{
	json_t *value = parse_json("[]"), *errors = json_array();

	ck_assert_int_eq(schema_validate_response(&answer_schema, value, errors), 1);
	assert_entry(errors, 0, "", "type");
	json_decref(errors);
	json_decref(value);
}
END_TEST

/* A request may not carry what only answers carry: the same tables, the other direction. */
START_TEST(test_request_refuses_response_fields)
{
	json_t *value = parse_json("{" ANSWER_ID ",\"name\":\"abc\"}"), *errors = json_array();

	ck_assert_int_eq(schema_validate(&answer_schema, value, errors), 1);
	assert_entry(errors, 0, "/id", "read_only");
	json_decref(errors);
	json_decref(value);
}
END_TEST

Suite *test_suite(void)
{
	Suite *suite = suite_create("platform/schema");
	TCase *rules = tcase_create("rules");
	TCase *reporting = tcase_create("reporting");
	TCase *check = tcase_create("check");
	TCase *query = tcase_create("query");
	TCase *response = tcase_create("response");

	tcase_add_test(rules, test_complete_valid_body);
	tcase_add_test(rules, test_array_or_word);
	tcase_add_test(rules, test_check_refuses_words_on_a_non_array);
	tcase_add_test(rules, test_required);
	tcase_add_test(rules, test_unknown_field);
	tcase_add_test(rules, test_unknown_keys_are_escaped_in_pointers);
	tcase_add_test(rules, test_long_unknown_keys_are_cut_at_a_character);
	tcase_add_test(rules, test_types);
	tcase_add_test(rules, test_string_lengths_count_characters);
	tcase_add_test(rules, test_integer_range);
	tcase_add_test(rules, test_array_items);
	tcase_add_test(rules, test_enum);
	tcase_add_loop_test(rules, test_formats, 0, (int)COUNT(format_cases));
	tcase_add_test(rules, test_decimal_as_json_number_is_a_type_error);
	tcase_add_test(rules, test_null);
	tcase_add_test(rules, test_read_only);
	tcase_add_test(rules, test_is_date);
	suite_add_tcase(suite, rules);

	tcase_add_test(reporting, test_nested_pointer);
	tcase_add_test(reporting, test_all_problems_reported_at_once);
	tcase_add_test(reporting, test_errors_are_appended);
	tcase_add_test(reporting, test_error_list_is_capped_with_a_count_of_the_rest);
	tcase_add_test(reporting, test_error_count_includes_problems_past_the_cap_in_arrays);
	tcase_add_test(reporting, test_body_that_is_not_an_object);
	suite_add_tcase(suite, reporting);

	tcase_add_test(check, test_check_accepts_good_schemas);
	tcase_add_loop_test(check, test_check_refuses_bad_fields, 0, (int)COUNT(check_cases));
	tcase_add_test(check, test_check_refuses_duplicate_names);
	tcase_add_test(check, test_check_allows_unbounded_read_only_fields);
	tcase_add_test(check, test_body_optional_without_required_fields);
	suite_add_tcase(suite, check);

	tcase_add_test(query, test_query_converts_values);
	tcase_add_test(query, test_query_refuses_bad_integers_and_booleans);
	tcase_add_test(query, test_query_validates_like_a_body);
	tcase_add_test(query, test_query_reports_every_conversion_problem);
	tcase_add_test(query, test_query_with_nothing_given);
	tcase_add_test(query, test_query_reports_conversion_and_rule_problems_together);
	tcase_add_test(reporting, test_refused_names_unsound_parts);
	suite_add_tcase(suite, query);

	tcase_add_test(response, test_response_matching_its_schema);
	tcase_add_test(response, test_response_drift_is_named);
	tcase_add_test(response, test_response_is_an_object);
	tcase_add_test(response, test_request_refuses_response_fields);
	suite_add_tcase(suite, response);
	return suite;
}
