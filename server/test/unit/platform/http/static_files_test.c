/*
 * The static file table (platform/http/static_files.c) on a real folder:
 * what it loads, what it never loads, names and their content types.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "platform/http/static_files.h"
#include "test/support/check_main.h"
#include "test/support/testlib.h"

static char folder[64];

static void write_file(const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", folder, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static void make_folder(void)
{
	char path[256];

	snprintf(folder, sizeof(folder), "/tmp/erp-static-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(folder));
	snprintf(path, sizeof(path), "%s/assets", folder);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/.hidden", folder);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	write_file("index.html", "<!doctype html>");
	write_file("assets/main.0123456789.js", "export {};");
	write_file("assets/style.abcdef0123.css", "body{}");
	write_file(".env", "SECRET=1");
	write_file(".hidden/key", "secret");
	write_file("with space.js", "no");
	snprintf(path, sizeof(path), "%s/passwd", folder);
	ck_assert_int_eq(symlink("/etc/passwd", path), 0);
}

static void remove_folder(void)
{
	const char *argv[] = { "/bin/rm", "-rf", folder, NULL };

	ck_assert_int_eq(test_run(argv, NULL, NULL), 0);
}

START_TEST(loads_the_files_and_only_those_a_request_may_name)
{
	char err[256] = "";
	struct static_files *files;
	const struct static_file *index, *script;

	make_folder();
	files = static_files_load(folder, err, sizeof(err));
	ck_assert_msg(files != NULL, "%s", err);
	ck_assert_uint_eq(static_files_count(files), 3);

	index = static_files_find(files, "index.html");
	ck_assert_ptr_nonnull(index);
	ck_assert_str_eq(index->content_type, "text/html; charset=utf-8");
	ck_assert_uint_eq(index->length, strlen("<!doctype html>"));
	ck_assert(!index->immutable);
	ck_assert_int_eq(index->etag[0], '"');
	ck_assert_uint_eq(strlen(index->etag), 18);

	script = static_files_find(files, "assets/main.0123456789.js");
	ck_assert_ptr_nonnull(script);
	ck_assert_str_eq(script->content_type, "text/javascript; charset=utf-8");
	ck_assert(script->immutable);
	ck_assert_ptr_nonnull(static_files_find(files, "assets/style.abcdef0123.css"));

	/* Hidden files, symbolic links, odd names and paths out of the folder are never there. */
	ck_assert_ptr_null(static_files_find(files, ".env"));
	ck_assert_ptr_null(static_files_find(files, ".hidden/key"));
	ck_assert_ptr_null(static_files_find(files, "passwd"));
	ck_assert_ptr_null(static_files_find(files, "with space.js"));
	ck_assert_ptr_null(static_files_find(files, "../index.html"));
	ck_assert_ptr_null(static_files_find(files, "assets/../index.html"));
	ck_assert_ptr_null(static_files_find(files, "/etc/passwd"));
	ck_assert_ptr_null(static_files_find(files, ""));
	static_files_free(files);
	remove_folder();
}
END_TEST

START_TEST(a_missing_folder_is_refused_with_a_reason)
{
	char err[256] = "";

	ck_assert_ptr_null(static_files_load("/nonexistent/console", err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/console"));
	ck_assert_ptr_null(static_files_find(NULL, "index.html"));
}
END_TEST

START_TEST(names_say_their_content_type_and_whether_they_are_hashed)
{
	static const struct {
		const char *name;
		const char *content_type;
		bool hashed;
	} cases[] = {
		{ "index.html", "text/html; charset=utf-8", false },
		{ "assets/src-main.8270bf7836.js", "text/javascript; charset=utf-8", true },
		{ "assets/style.16f18fa803.css", "text/css; charset=utf-8", true },
		{ "logo.svg", "image/svg+xml", false },
		{ "app.1234567.js", "text/javascript; charset=utf-8", false }, /* 7 digits: too short */
		{ "app.ABCDEF0123.js", "text/javascript; charset=utf-8", false },
		{ "a.0123456789abcdef", "application/octet-stream", false }, /* no dot after it */
		{ "0123456789.d/x.js", "text/javascript; charset=utf-8", false },
		{ "README", "application/octet-stream", false },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_str_eq(static_files_content_type(cases[i].name), cases[i].content_type);
		ck_assert_msg(static_files_name_is_hashed(cases[i].name) == cases[i].hashed, "%s",
			      cases[i].name);
	}
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("unit/static_files");
	TCase *tc = tcase_create("static_files");

	tcase_add_test(tc, loads_the_files_and_only_those_a_request_may_name);
	tcase_add_test(tc, a_missing_folder_is_refused_with_a_reason);
	tcase_add_test(tc, names_say_their_content_type_and_whether_they_are_hashed);
	suite_add_tcase(s, tc);
	return s;
}
