/*
 * End to end: erp-server serving the web console's files under /console/
 * (ERP_CONSOLE_DIR) from a folder this test writes, over real HTTP: cache
 * headers by name, the security headers on every console answer, and no
 * path that reaches outside the folder.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test/support/check_main.h"
#include "test/support/testlib.h"

static struct test_server server;
static char folder[64];
static char console_env[128];

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

static void start(void)
{
	char path[256];
	const char *env[] = { console_env, NULL };

	snprintf(folder, sizeof(folder), "/tmp/erp-console-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(folder));
	snprintf(path, sizeof(path), "%s/assets", folder);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	write_file("index.html", "<!doctype html><title>console</title>");
	write_file("assets/src-main.0123456789.js", "export const answer = 42;");
	write_file(".env", "SECRET=1");
	snprintf(path, sizeof(path), "%s/passwd", folder);
	ck_assert_int_eq(symlink("/etc/passwd", path), 0);
	snprintf(console_env, sizeof(console_env), "ERP_CONSOLE_DIR=%s", folder);
	ck_assert_int_eq(test_server_start(&server, "bin/erp-server-test",
					   test_db_create("t_console"), env), 0);
}

static void stop(void)
{
	const char *argv[] = { "/bin/rm", "-rf", folder, NULL };

	ck_assert_int_eq(test_server_stop(&server), 0);
	ck_assert_int_eq(test_run(argv, NULL, NULL), 0);
}

static void get(const char *method, const char *path, const char *const headers[],
		struct test_response *r)
{
	char url[512];

	snprintf(url, sizeof(url), "%s%s", server.base_url, path);
	ck_assert_int_eq(test_http(method, url, headers, NULL, 0, r), 0);
}

static void assert_header(const struct test_response *r, const char *name, const char *expected)
{
	char *value = test_response_header(r, name);

	ck_assert_msg(value != NULL, "no %s header", name);
	ck_assert_str_eq(value, expected);
	free(value);
}

/* The headers every answer under /console carries, a file's or a refusal's. */
static void assert_console_security(const struct test_response *r)
{
	char *policy = test_response_header(r, "Content-Security-Policy");

	ck_assert_ptr_nonnull(policy);
	ck_assert_ptr_nonnull(strstr(policy, "default-src 'self'"));
	ck_assert_ptr_nonnull(strstr(policy, "script-src 'self';"));
	ck_assert_ptr_nonnull(strstr(policy, "frame-ancestors 'none'"));
	ck_assert_ptr_null(strstr(policy, "unsafe-inline"));
	ck_assert_ptr_null(strstr(policy, "unsafe-eval"));
	free(policy);
	assert_header(r, "Referrer-Policy", "no-referrer");
	assert_header(r, "X-Content-Type-Options", "nosniff");
}

START_TEST(index_is_served_and_never_cached)
{
	struct test_response r;

	get("GET", "/console/", NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.body, "<!doctype html><title>console</title>");
	assert_header(&r, "Content-Type", "text/html; charset=utf-8");
	assert_header(&r, "Cache-Control", "no-cache");
	assert_console_security(&r);
	test_response_free(&r);

	get("GET", "/console/index.html", NULL, &r);
	ck_assert_int_eq(r.status, 200);
	assert_header(&r, "Cache-Control", "no-cache");
	test_response_free(&r);

	get("GET", "/console", NULL, &r);
	ck_assert_int_eq(r.status, 308);
	assert_header(&r, "Location", "/console/");
	assert_console_security(&r);
	test_response_free(&r);
}
END_TEST

START_TEST(hashed_assets_are_cached_for_good_and_revalidate_by_etag)
{
	struct test_response r;
	char *etag, if_none_match[64];
	const char *headers[] = { if_none_match, NULL };

	get("GET", "/console/assets/src-main.0123456789.js", NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_str_eq(r.body, "export const answer = 42;");
	assert_header(&r, "Content-Type", "text/javascript; charset=utf-8");
	assert_header(&r, "Cache-Control", "public, max-age=31536000, immutable");
	assert_console_security(&r);
	etag = test_response_header(&r, "ETag");
	ck_assert_ptr_nonnull(etag);
	test_response_free(&r);

	snprintf(if_none_match, sizeof(if_none_match), "If-None-Match: %s", etag);
	get("GET", "/console/assets/src-main.0123456789.js", headers, &r);
	ck_assert_int_eq(r.status, 304);
	ck_assert_uint_eq(r.body_length, 0);
	test_response_free(&r);
	free(etag);

	get("HEAD", "/console/", NULL, &r);
	ck_assert_int_eq(r.status, 200);
	ck_assert_uint_eq(r.body_length, 0);
	test_response_free(&r);
}
END_TEST

START_TEST(no_path_reaches_outside_the_folder)
{
	static const char *const paths[] = {
		"/console/.env",
		"/console/passwd",                       /* a symbolic link to /etc/passwd */
		"/console/%2e%2e/%2e%2e/etc/passwd",     /* the server decodes it to ../../ */
		"/console/assets/%2e%2e/index.html",
		"/console/..%2findex.html",
		"/console//etc/passwd",
		"/console/assets/",
		"/console/nothing.js",
	};
	struct test_response r;

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		get("GET", paths[i], NULL, &r);
		ck_assert_msg(r.status == 404, "%s answered %ld", paths[i], r.status);
		ck_assert_ptr_null(strstr(r.body, "root:"));
		assert_header(&r, "Content-Type", "application/problem+json");
		assert_console_security(&r);
		test_response_free(&r);
	}
}
END_TEST

START_TEST(only_reading_is_allowed_and_the_api_is_untouched)
{
	struct test_response r;
	char *policy;

	get("POST", "/console/", NULL, &r);
	ck_assert_int_eq(r.status, 405);
	assert_header(&r, "Allow", "GET, HEAD");
	test_response_free(&r);

	get("DELETE", "/console/index.html", NULL, &r);
	ck_assert_int_eq(r.status, 405);
	test_response_free(&r);

	/* Neither a path that only begins like it, nor the API, is the console. */
	get("GET", "/consoles", NULL, &r);
	ck_assert_int_eq(r.status, 404);
	policy = test_response_header(&r, "Content-Security-Policy");
	ck_assert_ptr_null(policy);
	test_response_free(&r);

	get("GET", "/openapi.json", NULL, &r);
	ck_assert_int_eq(r.status, 200);
	assert_header(&r, "Cache-Control", "no-store");
	test_response_free(&r);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("e2e/console");
	TCase *tc = tcase_create("console");

	tcase_add_unchecked_fixture(tc, start, stop);
	tcase_add_test(tc, index_is_served_and_never_cached);
	tcase_add_test(tc, hashed_assets_are_cached_for_good_and_revalidate_by_etag);
	tcase_add_test(tc, no_path_reaches_outside_the_folder);
	tcase_add_test(tc, only_reading_is_allowed_and_the_api_is_untouched);
	suite_add_tcase(s, tc);
	return s;
}
