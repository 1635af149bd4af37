/*
 * Log injection: CR, LF, escape sequences, quotes that would close a JSON
 * string, invalid UTF-8 and other control bytes, put into every input a
 * request has (the path, the query, X-Request-Id and other headers, JSON
 * fields, the login email), must leave one record per line: in the JSON
 * format every line is a whole, valid JSON object and each request has
 * exactly one access-log record; in the text format every line is one
 * key=value record. No raw control byte reaches the log, and neither do the
 * passwords and tokens the test used.
 *
 * A fixed set of injections is followed by seeded random ones (bytes
 * 0x00-0xff in the path, control bytes in X-Request-Id).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test/support/check_main.h"
#include "test/support/iam_fixture.h"
#include "test/support/reliability.h"
#include "test/support/testlib.h"

enum { MAX_IDS = 4096 };

static const char admin_email[] = "admin@logs.test";
static const char admin_password[] = "log-admin-secret-pw-1";
static const char member_password[] = "log-member-secret-pw-2";
static const char wrong_password[] = "log-wrong-secret-pw-3";

struct injection_run {
	struct test_server server;
	char token[64];
	char member_token[64];
	char ids[MAX_IDS][72]; /* request ids the server answered with */
	int id_count;
	int requests;
	int raw_requests;       /* sent as raw bytes: some never reach our code */
};

static struct injection_run run;

/* One request through libcurl; remembers the request id the server gave it. */
static void request(const char *method, const char *path, const char *const headers[],
		    const char *body)
{
	struct test_response r;
	char url[4096];
	char *id;

	snprintf(url, sizeof(url), "%s%s", run.server.base_url, path);
	run.requests++;
	ck_assert_msg(test_http(method, url, headers, body, body ? strlen(body) : 0, &r) == 0,
		      "no answer to %s %s", method, path);
	id = test_response_header(&r, "X-Request-Id");
	ck_assert_ptr_nonnull(id);
	if (run.id_count < MAX_IDS)
		snprintf(run.ids[run.id_count++], sizeof(run.ids[0]), "%s", id);
	free(id);
	test_response_free(&r);
}

/* A request written byte for byte, for what libcurl would refuse to send. */
static void raw_request(const char *bytes, size_t length)
{
	int error, fd = reliability_connect(NULL, run.server.port, &error);

	ck_assert_int_ge(fd, 0);
	run.raw_requests++;
	reliability_send(fd, bytes, length);
	reliability_read_status(fd, 5000, NULL, 0);
	close(fd);
}

static void raw_text(const char *bytes)
{
	raw_request(bytes, strlen(bytes));
}

static void login_as(const char *email, const char *password, char token[64])
{
	ck_assert_int_eq(test_iam_login(run.server.base_url, email, password, token), 0);
}

static void fixed_injections(void)
{
	const char *const json[] = { "Content-Type: application/json", NULL };
	const char *const forged_id[] = { "X-Request-Id: x\",\"level\":\"error\",\"event\":\"forged",
					  NULL };
	const char *const escape_id[] = { "X-Request-Id: \x1b[31mred\x1b[0m\x07", NULL };
	const char *const agent[] = { "User-Agent: \x1b]0;owned\x07\x1b[2J",
				      "Referer: http://x/\"}\x7f\x01", NULL };
	char bearer_junk[128], with_token[128], body[512];
	const char *const junk_auth[] = { bearer_junk, NULL };
	const char *const admin_auth[] = { with_token, "Content-Type: application/json", NULL };

	snprintf(bearer_junk, sizeof(bearer_junk), "Authorization: Bearer %s\x1b[2J\",\"x\":\"",
		 run.token);
	snprintf(with_token, sizeof(with_token), "Authorization: Bearer %s", run.token);

	/* The path: encoded CR LF and a forged record, escape sequences, quotes. */
	request("GET", "/test/items/a%0d%0a%7b%22level%22%3a%22error%22%7d", NULL, NULL);
	request("GET", "/test/items/%1b%5b31mred%1b%5b0m%07%00", NULL, NULL);
	request("GET", "/nowhere%0d%0a%22%7d%0a%7b%22event%22%3a%22forged%22%7d", NULL, NULL);
	/* The query. */
	request("GET", "/test/slow?ms=1%0d%0a%7b%22level%22%3a%22error%22%7d", NULL, NULL);
	request("GET", "/test/slow?ms=1&a%0d%0ab%1b=%0a", NULL, NULL);
	/* Headers. */
	request("GET", "/healthz", forged_id, NULL);
	request("GET", "/healthz", escape_id, NULL);
	request("GET", "/healthz", agent, NULL);
	request("GET", "/api/v1/me", junk_auth, NULL);
	/* JSON fields, accepted and refused. */
	snprintf(body, sizeof(body),
		 "{\"email\":\"inject@logs.test\",\"display_name\":\"Evil\\r\\n{\\\"level\\\":\\\"error\\\"}"
		 "\\u001b[31m\\u007f\",\"password\":\"%s\"}",
		 member_password);
	request("POST", "/api/v1/users", admin_auth, body);
	request("POST", "/api/v1/users", admin_auth,
		"{\"email\":\"quote@logs.test\",\"display_name\":\"a\\\"},\\n{\\\"event\\\":\\\"x\",\"password\":"
		"\"log-member-secret-pw-2\"}");
	request("POST", "/test/echo", json, "{\"name\":\"\\r\\n\\u001b]0;title\\u0007\",\"note\":\"\\u2028\\u2029\"}");
	/* The login email: malformed, then well-formed with the wrong password, then right. */
	snprintf(body, sizeof(body),
		 "{\"email\":\"x\\r\\n{\\\"level\\\":\\\"error\\\"}@logs.test\",\"password\":\"%s\"}",
		 wrong_password);
	request("POST", "/api/v1/auth/login", json, body);
	snprintf(body, sizeof(body), "{\"email\":\"inject@logs.test\\u001b[2J\",\"password\":\"%s\"}",
		 wrong_password);
	request("POST", "/api/v1/auth/login", json, body);
	snprintf(body, sizeof(body), "{\"email\":\"inject@logs.test\",\"password\":\"%s\"}", wrong_password);
	request("POST", "/api/v1/auth/login", json, body);
	login_as("inject@logs.test", member_password, run.member_token);
	run.requests++; /* the login above */

	/* Raw bytes libcurl would not send: bare CR and LF, ESC, invalid UTF-8, NUL in the request line. */
	raw_text("GET /test/items/a\rb HTTP/1.1\r\nHost: t\r\n\r\n");
	raw_text("GET /test/items/\x1b[2J\x07\xff\xfe HTTP/1.1\r\nHost: t\r\n\r\n");
	raw_request("GET /test/items/a\0b HTTP/1.1\r\nHost: t\r\n\r\n", 41);
	raw_text("G\x1bT /healthz HTTP/1.1\r\nHost: t\r\n\r\n");
	raw_text("GET /healthz HTTP/1.1\r\nHost: t\r\nX-Request-Id: abc\r\n def\r\n\r\n");
	raw_text("GET /healthz HTTP/1.1\r\nHost: t\r\nBad\x1b[2J header without a colon\r\n\r\n");
	raw_text("GET /healthz HTTP/1.1\r\nHost: t\r\nX-Request-Id: \xff\xfe\x01\r\n\r\n");
}

static void random_injections(struct reliability_random *random, int count)
{
	for (int k = 0; k < count; k++) {
		char path[512] = "/test/items/", header[200] = "X-Request-Id: ";
		const char *const headers[] = { header, NULL };
		size_t used = strlen(path), head = strlen(header);
		size_t length = 1 + reliability_random_below(random, 40);

		for (size_t i = 0; i < length; i++) {
			unsigned byte = (unsigned)reliability_random_below(random, 256);

			used += (size_t)snprintf(path + used, sizeof(path) - used, "%%%02x", byte);
		}
		length = 1 + reliability_random_below(random, 60);
		for (size_t i = 0; i < length && head + 2 < sizeof(header); i++) {
			/* Any byte a header value can carry: not CR or LF (that would be another header). */
			char byte = (char)(1 + reliability_random_below(random, 255));

			if (byte == '\r' || byte == '\n')
				byte = '\x1b';
			header[head++] = byte;
		}
		header[head] = '\0';
		request("GET", path, headers, NULL);
	}
}

/* --- reading the log ---------------------------------------------------------------------- */

struct log_check {
	int lines;
	int bad_lines;          /* not one whole record */
	int control_bytes;      /* raw bytes below 0x20 (other than the line ends) or 0x7f */
	int ids_missing;        /* answered requests without exactly one access record */
	int ids_duplicated;
	int secrets;
	char first_bad[160];
};

static int count_occurrences(const char *text, const char *needle)
{
	int n = 0;

	for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

static void check_log(const char *log, size_t length, bool json_format, struct log_check *c)
{
	const char *secrets[] = { admin_password, member_password, wrong_password, run.token,
				  run.member_token };

	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < length; i++) {
		unsigned char b = (unsigned char)log[i];

		if ((b < 0x20 && b != '\n') || b == 0x7f)
			c->control_bytes++;
	}
	for (const char *line = log; line < log + length;) {
		const char *end = memchr(line, '\n', (size_t)(log + length - line));
		size_t n = end ? (size_t)(end - line) : (size_t)(log + length - line);
		bool ok;

		c->lines++;
		if (json_format) {
			json_t *record = json_loadb(line, n, 0, NULL);

			ok = json_is_object(record) && json_is_string(json_object_get(record, "time")) &&
			     json_is_string(json_object_get(record, "level")) &&
			     json_is_string(json_object_get(record, "event"));
			json_decref(record);
		} else {
			ok = n > 5 && strncmp(line, "time=", 5) == 0 && memmem(line, n, " level=", 7) &&
			     memmem(line, n, " event=", 7);
		}
		if (!ok) {
			c->bad_lines++;
			if (!c->first_bad[0])
				snprintf(c->first_bad, sizeof(c->first_bad), "%.*s", (int)(n < 120 ? n : 120),
					 line);
		}
		line += n + 1;
	}
	for (int i = 0; i < run.id_count; i++) {
		char needle[96];
		int found;

		snprintf(needle, sizeof(needle), json_format ? "\"request_id\":\"%s\"" : "request_id=%s ",
			 run.ids[i]);
		found = count_occurrences(log, needle);
		c->ids_missing += found == 0;
		c->ids_duplicated += found > 1;
	}
	for (size_t i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++)
		if (secrets[i][0] && strstr(log, secrets[i]))
			c->secrets++;
}

static void run_format(const char *format, struct reliability_random *random, int random_count,
		       struct log_check *check, int *exit_status)
{
	char env_format[64], db_url[1024];
	const char *env[] = { env_format, "ERP_LOG_FLUSH_MS=0", NULL };
	char *log;

	memset(&run, 0, sizeof(run));
	snprintf(env_format, sizeof(env_format), "ERP_LOG_FORMAT=%s", format);
	snprintf(db_url, sizeof(db_url), "%s",
		 test_db_create(strcmp(format, "json") == 0 ? "r_logs_json" : "r_logs_text"));
	test_iam_migrate(db_url);
	test_iam_bootstrap_admin(db_url, admin_email, admin_password);
	ck_assert_int_eq(test_server_start(&run.server, "bin/erp-server-test", db_url, env), 0);
	login_as(admin_email, admin_password, run.token);
	fixed_injections();
	random_injections(random, random_count);
	*exit_status = test_server_stop(&run.server); /* every record is written by now */
	log = test_server_log(&run.server);
	ck_assert_ptr_nonnull(log);
	check_log(log, strlen(log), strcmp(format, "json") == 0, check);
	free(log);
}

START_TEST(injected_line_breaks_and_escapes_stay_inside_one_record)
{
	static const char *const formats[] = { "json", "text" };
	struct reliability_random random;
	int random_count = (int)reliability_scale(400, 60);
	bool all_pass = true;

	reliability_random_init(&random, "log_injection");
	for (int f = 0; f < 2; f++) {
		struct log_check c;
		char scenario[64], tried[256], outcome[512];
		int exit_status;
		bool pass;

		run_format(formats[f], &random, random_count, &c, &exit_status);
		snprintf(scenario, sizeof(scenario), "log injection: %s lines", formats[f]);
		snprintf(tried, sizeof(tried),
			 "%d requests with CR/LF, ESC, quotes, NUL, bad UTF-8 in path, query, headers, "
			 "JSON fields, login email (%d random, seed %llu), %d as raw bytes",
			 run.requests + run.raw_requests, random_count, (unsigned long long)random.seed,
			 run.raw_requests);
		snprintf(outcome, sizeof(outcome),
			 "%d lines, %d not one whole %s record%s%s; %d raw control bytes; %d of %d "
			 "answered requests without their one access record, %d with more; exit %d",
			 c.lines, c.bad_lines, formats[f], c.bad_lines ? ", first: " : "", c.first_bad,
			 c.control_bytes, c.ids_missing, run.id_count, c.ids_duplicated, exit_status);
		pass = c.lines > run.id_count && c.bad_lines == 0 && c.control_bytes == 0 &&
		       c.ids_missing == 0 && c.ids_duplicated == 0 && exit_status == 0;
		reliability_record(scenario, tried, outcome, pass);
		snprintf(scenario, sizeof(scenario), "log injection: no secrets (%s)", formats[f]);
		snprintf(outcome, sizeof(outcome), "%d of 5 secrets found in the log", c.secrets);
		reliability_record(scenario,
				   "grep the log for the 3 passwords used (right and wrong) and 2 session tokens",
				   outcome, c.secrets == 0);
		all_pass = all_pass && pass && c.secrets == 0;
	}
	ck_assert_msg(all_pass, "log injection; see the rows above");
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("reliability/log_injection");
	TCase *tc = tcase_create("log_injection");

	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, injected_line_breaks_and_escapes_stay_inside_one_record);
	suite_add_tcase(s, tc);
	return s;
}
