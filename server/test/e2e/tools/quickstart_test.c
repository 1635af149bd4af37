/*
 * README.md's quickstart, run as written: the commands between its
 * `<!-- quickstart -->` markers, through /bin/sh, from a folder laid out as
 * make run leaves a clone (.data/demo-passwords/ written by erp-seed-demo),
 * against the test server on a database seeded as make run seeds it. The
 * one change is the address: the README's http://127.0.0.1:8080/ becomes
 * this server's. The draft the bookkeeper writes must end posted by the
 * approver, answered 200, and the README must still say it in five lines.
 */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test/support/check_main.h"
#include "test/support/script_fixture.h"
#include "test/support/testlib.h"

#define README_URL "http://127.0.0.1:8080/"

enum { QUICKSTART_LINES = 5 };

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text;
	long size;

	ck_assert_msg(f != NULL, "cannot read %s", path);
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fseek(f, 0, SEEK_SET);
	text = calloc(1, (size_t)size + 1);
	ck_assert_ptr_nonnull(text);
	ck_assert_uint_eq(fread(text, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	return text;
}

/* text with every README_URL replaced by base_url + "/" (malloc'd). */
static char *with_base_url(const char *text, const char *base_url)
{
	size_t size = strlen(text) * 2 + 1, n = 0;
	char *out = calloc(1, size);
	const char *p = text, *hit;

	ck_assert_ptr_nonnull(out);
	while ((hit = strstr(p, README_URL)) != NULL) {
		n += (size_t)snprintf(out + n, size - n, "%.*s%s/", (int)(hit - p), p, base_url);
		p = hit + strlen(README_URL);
	}
	snprintf(out + n, size - n, "%s", p);
	return out;
}

/*
 * The quickstart's commands: the lines of README.md between the markers,
 * without the code fence (malloc'd, one command a line); *count how many.
 */
static char *quickstart(int *count)
{
	char path[1024], *readme, *begin, *end, *out, *line;
	size_t n = 0, size;

	snprintf(path, sizeof(path), "%s/README.md", test_env("ERP_TEST_REPO"));
	readme = read_text(path);
	begin = strstr(readme, "\n<!-- quickstart -->\n");
	ck_assert_msg(begin != NULL, "README.md has no <!-- quickstart --> marker");
	end = strstr(begin, "\n<!-- /quickstart -->\n");
	ck_assert_msg(end != NULL, "README.md has no <!-- /quickstart --> marker");
	*end = '\0';
	size = strlen(begin) + 1;
	out = calloc(1, size);
	ck_assert_ptr_nonnull(out);
	*count = 0;
	for (line = strtok_r(begin + 1, "\n", &end); line; line = strtok_r(NULL, "\n", &end)) {
		if (strncmp(line, "<!--", 4) == 0 || strncmp(line, "```", 3) == 0)
			continue;
		ck_assert_msg(strstr(line, README_URL) != NULL, "a quickstart line without %s: %s",
			      README_URL, line);
		n += (size_t)snprintf(out + n, size - n, "%s\n", line);
		(*count)++;
	}
	free(readme);
	return out;
}

/* The log's access record of method on route answered status; its "user" (malloc'd) or NULL. */
static char *access_user(const char *log, const char *method, const char *route, int status)
{
	char *copy = strdup(log), *line, *save, *user = NULL;

	ck_assert_ptr_nonnull(copy);
	for (line = strtok_r(copy, "\n", &save); line && !user; line = strtok_r(NULL, "\n", &save)) {
		json_t *record = json_loads(line, 0, NULL);

		if (record &&
		    strcmp(json_string_value(json_object_get(record, "event")) ?: "", "http.request") == 0 &&
		    strcmp(json_string_value(json_object_get(record, "method")) ?: "", method) == 0 &&
		    strcmp(json_string_value(json_object_get(record, "route")) ?: "", route) == 0 &&
		    json_integer_value(json_object_get(record, "status")) == status &&
		    json_is_string(json_object_get(record, "user")))
			user = strdup(json_string_value(json_object_get(record, "user")));
		json_decref(record);
	}
	free(copy);
	return user;
}

/*
 * The clone as make run leaves it (roles, the demo company, its passwords
 * under .data/) and the server, made and removed outside the test's own
 * process (an unchecked fixture), so a failed check leaves nothing running.
 */
static struct test_server server;
static char db_url[1024], dir[64];

static void start_seeded(void)
{
	const char *const env[] = { "ERP_LOG_FLUSH_MS=0", "ERP_LOG_LEVEL=info", NULL };
	const char *roles[] = { "--env", "test", NULL };
	char passwords[128];
	struct script_run r;

	snprintf(db_url, sizeof(db_url), "%s", script_fixture_database("t_quickstart"));
	snprintf(dir, sizeof(dir), "/tmp/erp-quickstart.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(passwords, sizeof(passwords), "%s/.data", dir);
	ck_assert_int_eq(mkdir(passwords, 0755), 0);
	snprintf(passwords, sizeof(passwords), "%s/.data/demo-passwords", dir);
	script_fixture_run(&r, db_url, "seed-roles", roles, NULL, NULL);
	ck_assert_int_eq(r.status, 0);
	script_run_free(&r);
	{
		const char *demo[] = { "--env", "development", "--passwords", passwords, NULL };

		script_fixture_run(&r, db_url, "seed-demo", demo, NULL, NULL);
	}
	ck_assert_msg(r.status == 0, "%s", r.err);
	script_run_free(&r);
	ck_assert_int_eq(test_server_start(&server, "bin/erp-server-test", db_url, env), 0);
}

static void stop_seeded(void)
{
	const char *rm[] = { "/bin/rm", "-rf", dir, NULL };

	ck_assert_int_eq(test_server_stop(&server), 0);
	ck_assert_int_eq(test_run(rm, NULL, NULL), 0);
}

START_TEST(the_readme_quickstart_works_as_written)
{
	char script[128], output[128], *commands, *text, *log, *bookkeeper, *approver, *user;
	int count;

	/* The README's five lines, pointed at this server, run by sh from the clone's folder. */
	commands = quickstart(&count);
	ck_assert_int_eq(count, QUICKSTART_LINES);
	text = with_base_url(commands, server.base_url);
	snprintf(script, sizeof(script), "%s/quickstart.sh", dir);
	{
		FILE *f = fopen(script, "w");

		ck_assert_ptr_nonnull(f);
		fprintf(f, "cd '%s'\n%s", dir, text);
		fclose(f);
	}
	snprintf(output, sizeof(output), "%s/quickstart.out", dir);
	{
		const char *argv[] = { "/bin/sh", "-e", script, NULL };

		ck_assert_int_eq(test_run(argv, NULL, output), 0);
	}
	free(commands);
	free(text);

	/* It listed the accounts and ended with the posted entry. */
	text = read_text(output);
	ck_assert_msg(strstr(text, "1200  Bank account") != NULL, "%s", text);
	ck_assert_msg(strstr(text, "\"status\": \"posted\"") != NULL, "%s", text);
	ck_assert_msg(strstr(text, "\"number\": \"JE-") != NULL, "%s", text);
	free(text);

	/* Written by the bookkeeper, posted by the approver, as the server recorded it. */
	bookkeeper = test_db_value(db_url, "SELECT id FROM users WHERE email = 'bookkeeper@example.com'");
	approver = test_db_value(db_url, "SELECT id FROM users WHERE email = 'approver@example.com'");
	{
		char sql[512];

		snprintf(sql, sizeof(sql),
			 "SELECT count(*) FROM ledger_entries WHERE memo = 'Two office chairs'"
			 " AND status = 'posted' AND author_id = '%s' AND posted_by = '%s'"
			 " AND entry_date = (now() AT TIME ZONE 'UTC')::date"
			 " AND sequence = (SELECT count(*) FROM ledger_entries WHERE status = 'posted')",
			 bookkeeper, approver);
		/* Numbered by the server right after the seeded postings: one gapless counter. */
		ck_assert_int_eq(script_fixture_count(db_url, sql), 1);
	}
	log = test_server_log(&server);
	ck_assert_ptr_nonnull(log);
	user = access_user(log, "POST", "/api/v1/companies/{company}/journal-entries", 201);
	ck_assert_msg(user && strcmp(user, bookkeeper) == 0, "the draft's creation: %s", log);
	free(user);
	user = access_user(log, "POST", "/api/v1/companies/{company}/journal-entries/{id}/post", 200);
	ck_assert_msg(user && strcmp(user, approver) == 0, "the posting: %s", log);
	free(user);
	free(log);
	free(bookkeeper);
	free(approver);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("e2e/tools/quickstart");
	TCase *tc = tcase_create("quickstart");

	tcase_add_unchecked_fixture(tc, start_seeded, stop_seeded);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, the_readme_quickstart_works_as_written);
	suite_add_tcase(s, tc);
	return s;
}
