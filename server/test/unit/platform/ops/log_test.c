#include <jansson.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "platform/ops/log.h"
#include "test/support/check_main.h"

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

/* Values an attacker would like to see in a log: a fake second record, terminal escapes. */
static const char hostile[] = "x\r\n{\"level\":\"error\",\"msg\":\"forged\"}\n"
			      "level=error msg=forged \x1b[31mred\x1b[0m \"q\" \\ \t\x7f\x01 end";

/* --- capturing stderr ----------------------------------------------------------------- */

struct capture {
	int saved_fd;
	FILE *file;
};

static void capture_start(struct capture *c)
{
	fflush(stderr);
	c->file = tmpfile();
	ck_assert_ptr_nonnull(c->file);
	c->saved_fd = dup(STDERR_FILENO);
	ck_assert_int_ge(c->saved_fd, 0);
	ck_assert_int_eq(dup2(fileno(c->file), STDERR_FILENO), STDERR_FILENO);
}

/* Puts stderr back and returns everything written meanwhile (malloc'd, NUL-terminated). */
static char *capture_end(struct capture *c)
{
	char *text;
	long size;

	ck_assert_int_eq(dup2(c->saved_fd, STDERR_FILENO), STDERR_FILENO);
	close(c->saved_fd);
	ck_assert_int_eq(fseek(c->file, 0, SEEK_END), 0);
	size = ftell(c->file);
	ck_assert_int_ge(size, 0);
	rewind(c->file);
	text = malloc((size_t)size + 1);
	ck_assert_ptr_nonnull(text);
	ck_assert_uint_eq(fread(text, 1, (size_t)size, c->file), (size_t)size);
	text[size] = '\0';
	fclose(c->file);
	return text;
}

static size_t count_lines(const char *text)
{
	size_t lines = 0;

	for (const char *p = text; *p; p++)
		lines += *p == '\n';
	return lines;
}

/* Exactly one record: one line, ending in '\n'. Returns its length without the '\n'. */
static size_t assert_one_line(const char *text)
{
	size_t len = strlen(text);

	ck_assert_msg(len > 0 && text[len - 1] == '\n', "no record ending in a newline: %s", text);
	ck_assert_msg(count_lines(text) == 1, "%zu lines: %s", count_lines(text), text);
	ck_assert_ptr_null(strchr(text, '\r'));
	ck_assert_ptr_null(strchr(text, '\x1b'));
	return len - 1;
}

/* Parses one JSON record (a line); the caller json_decref()s. */
static json_t *parse_record(const char *line, size_t len)
{
	json_error_t error;
	json_t *record = json_loadb(line, len, JSON_REJECT_DUPLICATES, &error);

	ck_assert_msg(record != NULL, "not JSON (%s at %d): %.*s", error.text, error.position,
		      (int)len, line);
	ck_assert(json_is_object(record));
	return record;
}

static json_t *only_json_record(const char *text)
{
	return parse_record(text, assert_one_line(text));
}

static const char *member(json_t *record, const char *key)
{
	json_t *value = json_object_get(record, key);

	ck_assert_msg(json_is_string(value), "\"%s\" missing or not a string", key);
	return json_string_value(value);
}

/* "2026-11-23T21:40:01.123Z", within a minute of now. */
static void assert_time(const char *text)
{
	struct tm tm = { 0 };
	const char *rest;
	time_t when;

	ck_assert_uint_eq(strlen(text), 24);
	ck_assert_int_eq(text[19], '.');
	ck_assert_int_eq(text[23], 'Z');
	for (int i = 20; i < 23; i++)
		ck_assert(text[i] >= '0' && text[i] <= '9');
	rest = strptime(text, "%Y-%m-%dT%H:%M:%S", &tm);
	ck_assert_ptr_eq(rest, text + 19);
	when = timegm(&tm);
	ck_assert_int_lt(labs((long)(when - time(NULL))), 60);
}

/*
 * Splits one text record into keys and decoded values, the way a log reader
 * would: key=bare or key="JSON string". Returns a JSON object (new).
 */
static json_t *parse_text_record(const char *line, size_t len)
{
	json_t *fields = json_object();
	const char *p = line, *end = line + len;

	while (p < end) {
		const char *eq = memchr(p, '=', (size_t)(end - p));
		char key[64];
		json_t *value;

		ck_assert_msg(eq != NULL && eq > p && (size_t)(eq - p) < sizeof(key),
			      "no key at \"%.*s\"", (int)(end - p), p);
		memcpy(key, p, (size_t)(eq - p));
		key[eq - p] = '\0';
		ck_assert_msg(strpbrk(key, " \"\\") == NULL, "bad key \"%s\"", key);
		p = eq + 1;
		if (*p == '"') {
			const char *q = p + 1;
			json_error_t error;

			while (q < end && *q != '"')
				q += *q == '\\' ? 2 : 1;
			ck_assert_msg(q < end, "unterminated value for %s", key);
			value = json_loadb(p, (size_t)(q + 1 - p), JSON_DECODE_ANY, &error);
			ck_assert_msg(json_is_string(value), "value of %s: %s", key, error.text);
			p = q + 1;
		} else {
			const char *space = memchr(p, ' ', (size_t)(end - p));
			const char *stop = space ? space : end;

			value = json_stringn(p, (size_t)(stop - p));
			ck_assert_ptr_nonnull(value);
			p = stop;
		}
		ck_assert_msg(json_object_get(fields, key) == NULL, "key %s twice", key);
		json_object_set_new(fields, key, value);
		if (p < end) {
			ck_assert_msg(*p == ' ', "no space after %s", key);
			p++;
		}
	}
	return fields;
}

static json_t *only_text_record(const char *text)
{
	return parse_text_record(text, assert_one_line(text));
}

/* --- JSON format ---------------------------------------------------------------------- */

START_TEST(test_json_event_record)
{
	struct capture c;
	char *out;
	json_t *record;

	log_init(ERP_LOG_INFO, ERP_LOG_FORMAT_JSON);
	capture_start(&c);
	log_info("server.started", "listening on port %d", 8080);
	out = capture_end(&c);

	record = only_json_record(out);
	assert_time(member(record, "time"));
	ck_assert_str_eq(member(record, "level"), "info");
	ck_assert_str_eq(member(record, "event"), "server.started");
	ck_assert_str_eq(member(record, "msg"), "listening on port 8080");
	ck_assert_uint_eq(json_object_size(record), 4);
	/* The record starts with time and level, for people reading the raw file. */
	ck_assert(strncmp(out, "{\"time\":\"", 9) == 0);
	json_decref(record);
	free(out);
}
END_TEST

START_TEST(test_json_extra_fields)
{
	const char *const fields[] = { "user", "u-1", "pattern", "/a/{b}", "missing", NULL, NULL };
	struct capture c;
	char *out;
	json_t *record;

	log_init(ERP_LOG_INFO, ERP_LOG_FORMAT_JSON);
	capture_start(&c);
	log_event(ERP_LOG_WARN, "auth.refused", fields, "%s", "no token");
	out = capture_end(&c);

	record = only_json_record(out);
	ck_assert_str_eq(member(record, "level"), "warn");
	ck_assert_str_eq(member(record, "user"), "u-1");
	ck_assert_str_eq(member(record, "pattern"), "/a/{b}");
	ck_assert_str_eq(member(record, "missing"), "");
	ck_assert_uint_eq(json_object_size(record), 7);
	json_decref(record);
	free(out);
}
END_TEST

START_TEST(test_levels_and_filtering)
{
	static const struct {
		enum erp_log_level level;
		const char *name;
	} levels[] = {
		{ ERP_LOG_DEBUG, "debug" },
		{ ERP_LOG_INFO, "info" },
		{ ERP_LOG_WARN, "warn" },
		{ ERP_LOG_ERROR, "error" },
	};

	for (size_t min = 0; min < COUNT(levels); min++) {
		log_init(levels[min].level, ERP_LOG_FORMAT_JSON);
		for (size_t i = 0; i < COUNT(levels); i++) {
			struct capture c;
			char *out;

			ck_assert_int_eq(log_enabled(levels[i].level) != 0, i >= min);
			capture_start(&c);
			log_event(levels[i].level, "test.level", NULL, "at %s", levels[i].name);
			out = capture_end(&c);
			if (i < min) {
				ck_assert_str_eq(out, "");
			} else {
				json_t *record = only_json_record(out);

				ck_assert_str_eq(member(record, "level"), levels[i].name);
				json_decref(record);
			}
			free(out);
		}
	}
}
END_TEST

/* The defaults before log_init(): info and JSON. */
START_TEST(test_defaults_are_info_and_json)
{
	struct capture c;
	char *out;
	json_t *record;

	ck_assert(!log_enabled(ERP_LOG_DEBUG));
	ck_assert(log_enabled(ERP_LOG_INFO));
	capture_start(&c);
	log_debug("x.debug", "hidden");
	log_info("x.info", "shown");
	out = capture_end(&c);
	record = only_json_record(out);
	ck_assert_str_eq(member(record, "event"), "x.info");
	json_decref(record);
	free(out);
}
END_TEST

START_TEST(test_json_hostile_values_stay_one_valid_record)
{
	const char *const fields[] = { "client", hostile, hostile, "as-key", NULL };
	struct capture c;
	char *out;
	json_t *record;

	log_init(ERP_LOG_INFO, ERP_LOG_FORMAT_JSON);
	capture_start(&c);
	log_event(ERP_LOG_INFO, hostile, fields, "%s", hostile);
	out = capture_end(&c);

	record = only_json_record(out);
	ck_assert_str_eq(member(record, "level"), "info");
	ck_assert_str_eq(member(record, "msg"), hostile);
	ck_assert_str_eq(member(record, "event"), hostile);
	ck_assert_str_eq(member(record, "client"), hostile);
	ck_assert_str_eq(member(record, hostile), "as-key");
	json_decref(record);
	free(out);
}
END_TEST

START_TEST(test_long_values_are_complete)
{
	char *big = malloc(5001);
	const char *fields[] = { "big", big, NULL };
	struct capture c;
	char *out;
	json_t *record;

	ck_assert_ptr_nonnull(big);
	for (int i = 0; i < 5000; i++)
		big[i] = (char)('a' + i % 26);
	big[5000] = '\0';
	big[4000] = '\n';
	log_init(ERP_LOG_INFO, ERP_LOG_FORMAT_JSON);
	capture_start(&c);
	log_event(ERP_LOG_INFO, "x.big", fields, "ok");
	out = capture_end(&c);
	record = only_json_record(out);
	ck_assert_str_eq(member(record, "big"), big);
	json_decref(record);
	free(out);
	free(big);
}
END_TEST

/* Messages are cut at 511 bytes, and never inside a UTF-8 character. */
START_TEST(test_long_message_cut_at_a_character)
{
	char text[2001];
	struct capture c;
	char *out;
	json_t *record;
	const char *msg;

	/* 1000 two-byte characters: 511 bytes would end in half an "é". */
	for (int i = 0; i < 1000; i++)
		memcpy(text + 2 * i, "\xc3\xa9", 2);
	text[2000] = '\0';
	for (int format = 0; format < 2; format++) {
		log_init(ERP_LOG_INFO, format ? ERP_LOG_FORMAT_TEXT : ERP_LOG_FORMAT_JSON);
		capture_start(&c);
		log_info("x.long", "%s", text);
		out = capture_end(&c);
		record = format ? only_text_record(out) : only_json_record(out);
		msg = member(record, "msg");
		ck_assert_uint_eq(strlen(msg), 510);
		ck_assert(strncmp(msg, text, 510) == 0);
		json_decref(record);
		free(out);
	}

	/* ASCII is cut at exactly 511 bytes. */
	memset(text, 'a', 2000);
	log_init(ERP_LOG_INFO, ERP_LOG_FORMAT_JSON);
	capture_start(&c);
	log_info("x.long", "%s", text);
	out = capture_end(&c);
	record = only_json_record(out);
	ck_assert_uint_eq(strlen(member(record, "msg")), 511);
	json_decref(record);
	free(out);
}
END_TEST

/* --- text format ---------------------------------------------------------------------- */

START_TEST(test_text_quoting)
{
	const char *const fields[] = {
		"plain", "abc",       "spaced", "a b",       "quoted", "say \"hi\"",
		"eq",    "a=b",       "empty",  "",          "utf",    "caf\xc3\xa9",
		"slash", "back\\sl",  "tab",    "a\tb",      "path",   "/api/v1/x/{id}",
		"null",  NULL,        NULL,
	};
	struct capture c;
	char *out;
	json_t *record;

	log_init(ERP_LOG_INFO, ERP_LOG_FORMAT_TEXT);
	capture_start(&c);
	log_event(ERP_LOG_ERROR, "db.failed", fields, "hello world");
	out = capture_end(&c);

	assert_one_line(out);
	ck_assert(strncmp(out, "time=", 5) == 0);
	ck_assert_ptr_nonnull(strstr(out, " level=error event=db.failed msg=\"hello world\""));
	ck_assert_ptr_nonnull(strstr(out, " plain=abc "));
	ck_assert_ptr_nonnull(strstr(out, " spaced=\"a b\" "));
	ck_assert_ptr_nonnull(strstr(out, " quoted=\"say \\\"hi\\\"\" "));
	ck_assert_ptr_nonnull(strstr(out, " eq=\"a=b\" "));
	ck_assert_ptr_nonnull(strstr(out, " empty=\"\" "));
	ck_assert_ptr_nonnull(strstr(out, " utf=caf\xc3\xa9 "));
	ck_assert_ptr_nonnull(strstr(out, " slash=\"back\\\\sl\" "));
	ck_assert_ptr_nonnull(strstr(out, " tab=\"a\\tb\" "));
	ck_assert_ptr_nonnull(strstr(out, " path=/api/v1/x/{id} "));
	ck_assert_ptr_nonnull(strstr(out, " null=\"\"\n"));

	record = only_text_record(out);
	assert_time(member(record, "time"));
	ck_assert_str_eq(member(record, "quoted"), "say \"hi\"");
	ck_assert_str_eq(member(record, "tab"), "a\tb");
	ck_assert_uint_eq(json_object_size(record), 4 + 10);
	json_decref(record);
	free(out);
}
END_TEST

START_TEST(test_text_hostile_values_stay_one_record)
{
	const char *const fields[] = { "client", hostile, NULL };
	struct capture c;
	char *out;
	json_t *record;

	log_init(ERP_LOG_INFO, ERP_LOG_FORMAT_TEXT);
	capture_start(&c);
	log_event(ERP_LOG_INFO, "http.odd", fields, "%s", hostile);
	out = capture_end(&c);

	record = only_text_record(out);
	/* Exactly the fields written, each decoding back to what was logged: nothing forged. */
	ck_assert_uint_eq(json_object_size(record), 5);
	ck_assert_str_eq(member(record, "level"), "info");
	ck_assert_str_eq(member(record, "event"), "http.odd");
	ck_assert_str_eq(member(record, "msg"), hostile);
	ck_assert_str_eq(member(record, "client"), hostile);
	json_decref(record);
	free(out);
}
END_TEST

/* --- access log ----------------------------------------------------------------------- */

START_TEST(test_request_record_json)
{
	struct log_request_record r = {
		.request_id = "0190f5b2-7a3c-7def-8123-456789abcdef",
		.method = "POST",
		.route = "/api/v1/companies/{company}/accounts",
		.status = 201,
		.duration_ms = 12.3456,
		.user_id = "u-42",
		.client = "203.0.113.7",
	};
	struct capture c;
	char *out;
	json_t *record;

	log_init(ERP_LOG_INFO, ERP_LOG_FORMAT_JSON);
	capture_start(&c);
	log_request(&r);
	r.user_id = NULL;
	r.client = NULL;
	r.route = "-";
	r.status = 404;
	r.duration_ms = 0.0004;
	log_request(&r);
	out = capture_end(&c);

	ck_assert_uint_eq(count_lines(out), 2);
	record = parse_record(out, (size_t)(strchr(out, '\n') - out));
	assert_time(member(record, "time"));
	ck_assert_str_eq(member(record, "level"), "info");
	ck_assert_str_eq(member(record, "event"), "http.request");
	ck_assert_str_eq(member(record, "request_id"), "0190f5b2-7a3c-7def-8123-456789abcdef");
	ck_assert_str_eq(member(record, "method"), "POST");
	ck_assert_str_eq(member(record, "route"), "/api/v1/companies/{company}/accounts");
	ck_assert(json_is_integer(json_object_get(record, "status")));
	ck_assert_int_eq(json_integer_value(json_object_get(record, "status")), 201);
	ck_assert(json_is_number(json_object_get(record, "duration_ms")));
	ck_assert_double_eq_tol(json_number_value(json_object_get(record, "duration_ms")), 12.346,
				1e-9);
	ck_assert_str_eq(member(record, "user"), "u-42");
	ck_assert_str_eq(member(record, "client"), "203.0.113.7");
	ck_assert_uint_eq(json_object_size(record), 10);
	ck_assert_ptr_nonnull(strstr(out, "\"status\":201,\"duration_ms\":12.346"));
	json_decref(record);

	record = only_json_record(strchr(out, '\n') + 1);
	ck_assert_str_eq(member(record, "route"), "-");
	ck_assert_int_eq(json_integer_value(json_object_get(record, "status")), 404);
	ck_assert_double_eq_tol(json_number_value(json_object_get(record, "duration_ms")), 0.0,
				1e-9);
	ck_assert_ptr_null(json_object_get(record, "user"));
	ck_assert_ptr_null(json_object_get(record, "client"));
	ck_assert_uint_eq(json_object_size(record), 8);
	json_decref(record);
	free(out);
}
END_TEST

START_TEST(test_request_record_json_hostile_and_oversized_values)
{
	static char long_route[3000];
	struct log_request_record r = {
		.request_id = hostile,
		.method = "GET",
		.route = hostile,
		.status = 200,
		.duration_ms = 1.5,
		.user_id = hostile,
		.client = "127.0.0.1",
	};
	struct capture c;
	char *out;
	json_t *record;

	memset(long_route, 'a', sizeof(long_route) - 1);
	log_init(ERP_LOG_INFO, ERP_LOG_FORMAT_JSON);
	capture_start(&c);
	log_request(&r);
	out = capture_end(&c);
	record = only_json_record(out);
	ck_assert_str_eq(member(record, "route"), hostile);
	ck_assert_str_eq(member(record, "user"), hostile);
	json_decref(record);
	free(out);

	/* Longer than the fast path's buffer: still one complete record. */
	r.route = long_route;
	capture_start(&c);
	log_request(&r);
	out = capture_end(&c);
	record = only_json_record(out);
	ck_assert_str_eq(member(record, "route"), long_route);
	json_decref(record);
	free(out);
}
END_TEST

START_TEST(test_request_record_text)
{
	const struct log_request_record r = {
		.request_id = "abc-123",
		.method = "GET",
		.route = "/api/v1/things/{id}",
		.status = 200,
		.duration_ms = 1.5,
		.user_id = NULL,
		.client = "::1",
	};
	struct capture c;
	char *out;
	json_t *record;

	log_init(ERP_LOG_INFO, ERP_LOG_FORMAT_TEXT);
	capture_start(&c);
	log_request(&r);
	out = capture_end(&c);

	ck_assert_ptr_nonnull(strstr(out, " level=info event=http.request request_id=abc-123 "
					  "method=GET route=/api/v1/things/{id} status=200 "
					  "duration_ms=1.500 client=::1\n"));
	record = only_text_record(out);
	ck_assert_uint_eq(json_object_size(record), 9);
	json_decref(record);
	free(out);
}
END_TEST

/* The client's own X-Request-Id, when it sent one: a field of its own, escaped like the rest. */
START_TEST(test_request_record_carries_the_client_request_id)
{
	struct log_request_record r = {
		.request_id = "0190f5b2-7a3c-7def-8123-456789abcdef",
		.client_request_id = "trace-1",
		.method = "GET",
		.route = "-",
		.status = 404,
	};
	struct capture c;
	char *out;
	json_t *record;

	log_init(ERP_LOG_INFO, ERP_LOG_FORMAT_JSON);
	capture_start(&c);
	log_request(&r);
	r.client_request_id = hostile;
	log_request(&r);
	out = capture_end(&c);
	ck_assert_uint_eq(count_lines(out), 2);
	record = parse_record(out, (size_t)(strchr(out, '\n') - out));
	ck_assert_str_eq(member(record, "request_id"), "0190f5b2-7a3c-7def-8123-456789abcdef");
	ck_assert_str_eq(member(record, "client_request_id"), "trace-1");
	json_decref(record);
	record = only_json_record(strchr(out, '\n') + 1);
	ck_assert_str_eq(member(record, "client_request_id"), hostile);
	json_decref(record);
	free(out);

	r.client_request_id = "trace-1";
	log_init(ERP_LOG_INFO, ERP_LOG_FORMAT_TEXT);
	capture_start(&c);
	log_request(&r);
	out = capture_end(&c);
	ck_assert_ptr_nonnull(strstr(out, " request_id=0190f5b2-7a3c-7def-8123-456789abcdef "
					  "client_request_id=trace-1 method=GET "));
	free(out);
}
END_TEST

START_TEST(test_request_record_follows_level)
{
	const struct log_request_record r = { .request_id = "a", .method = "GET", .route = "-",
					      .status = 200 };
	struct capture c;
	char *out;

	log_init(ERP_LOG_WARN, ERP_LOG_FORMAT_JSON);
	capture_start(&c);
	log_request(&r);
	out = capture_end(&c);
	ck_assert_str_eq(out, "");
	free(out);
}
END_TEST

/* --- concurrency ---------------------------------------------------------------------- */

enum { THREADS = 8, RECORDS_PER_THREAD = 200 };

static void *log_from_thread(void *arg)
{
	int id = (int)(intptr_t)arg;
	char padding[300];

	memset(padding, 'a' + id, sizeof(padding) - 1);
	padding[sizeof(padding) - 1] = '\0';
	for (int i = 0; i < RECORDS_PER_THREAD; i++)
		log_info("test.thread", "thread %d record %d %s", id, i, padding);
	return NULL;
}

/* One write(2) per record: lines from threads never interleave. */
START_TEST(test_records_from_threads_do_not_interleave)
{
	pthread_t threads[THREADS];
	int seen[THREADS] = { 0 };
	struct capture c;
	char *out, *line, *save = NULL;

	log_init(ERP_LOG_INFO, ERP_LOG_FORMAT_JSON);
	capture_start(&c);
	for (int i = 0; i < THREADS; i++)
		ck_assert_int_eq(pthread_create(&threads[i], NULL, log_from_thread,
						(void *)(intptr_t)i),
				 0);
	for (int i = 0; i < THREADS; i++)
		pthread_join(threads[i], NULL);
	out = capture_end(&c);

	ck_assert_uint_eq(count_lines(out), THREADS * RECORDS_PER_THREAD);
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		json_t *record = parse_record(line, strlen(line));
		int id = -1, index = -1;

		ck_assert_int_eq(sscanf(member(record, "msg"), "thread %d record %d", &id, &index),
				 2);
		ck_assert(id >= 0 && id < THREADS);
		/* Each thread's records arrive in its own order. */
		ck_assert_int_eq(index, seen[id]);
		seen[id]++;
		json_decref(record);
	}
	for (int i = 0; i < THREADS; i++)
		ck_assert_int_eq(seen[i], RECORDS_PER_THREAD);
	free(out);
}
END_TEST

Suite *test_suite(void)
{
	Suite *suite = suite_create("platform/log");
	TCase *json = tcase_create("json");
	TCase *text = tcase_create("text");
	TCase *request = tcase_create("request");
	TCase *threads = tcase_create("threads");

	tcase_add_test(json, test_defaults_are_info_and_json);
	tcase_add_test(json, test_json_event_record);
	tcase_add_test(json, test_json_extra_fields);
	tcase_add_test(json, test_levels_and_filtering);
	tcase_add_test(json, test_json_hostile_values_stay_one_valid_record);
	tcase_add_test(json, test_long_values_are_complete);
	tcase_add_test(json, test_long_message_cut_at_a_character);
	suite_add_tcase(suite, json);

	tcase_add_test(text, test_text_quoting);
	tcase_add_test(text, test_text_hostile_values_stay_one_record);
	suite_add_tcase(suite, text);

	tcase_add_test(request, test_request_record_json);
	tcase_add_test(request, test_request_record_json_hostile_and_oversized_values);
	tcase_add_test(request, test_request_record_text);
	tcase_add_test(request, test_request_record_carries_the_client_request_id);
	tcase_add_test(request, test_request_record_follows_level);
	suite_add_tcase(suite, request);

	tcase_add_test(threads, test_records_from_threads_do_not_interleave);
	suite_add_tcase(suite, threads);
	return suite;
}
