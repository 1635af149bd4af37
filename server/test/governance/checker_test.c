/*
 * tools/governance-check, the CI checker of the admin scripts: every fixture
 * tree under server/test/governance/fixtures/<case>/ breaks exactly one rule
 * and must fail with that rule, file and line; the clean fixture and the real
 * repository must pass; the list of changed script files follows git.
 * No database needed.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test/support/check_main.h"
#include "test/support/testlib.h"

struct expectation {
	const char *fixture;
	const char *violation; /* "file:line: rule:" */
};

static const struct expectation cases[] = {
	/* auto-execute */
	{ "constructor", "server/scripts/seed.c:4: auto-execute:" },
	{ "atexit", "server/scripts/seed.c:6: auto-execute:" },
	{ "runtime-destructor", "server/scripts/runtime/runtime.c:13: auto-execute:" },
	{ "server", "server/src/platform/boot.c:8: auto-execute: the server names erp-seed" },
	{ "dockerfile", "Dockerfile:5: auto-execute: a container definition runs erp-seed" },
	{ "compose", "docker-compose.yml:5: auto-execute: a container definition runs erp-seed" },
	{ "cron", "deploy/cron.d/erp-nightly:2: auto-execute: cron runs erp-seed" },
	{ "systemd", "deploy/erp-seed.service:6: auto-execute: systemd runs erp-seed" },
	{ "ci", ".ci/run:4: auto-execute: CI runs erp-seed" },
	{ "makefile", "Makefile:12: auto-execute: a make recipe runs erp-seed" },
	{ "tool", "tools/deploy:4: auto-execute: tools/deploy runs erp-seed" },
	{ "dev-run-env", "tools/dev-run:2: auto-execute: tools/dev-run may run erp-seed only with "
			 "--env development" },
	/* missing guard (production guard and dry-run live in the runtime) */
	{ "main-not-exact", "server/scripts/seed.c:16: missing guard: main must be exactly" },
	{ "no-runtime", "server/scripts/seed.c:3: missing guard: main must be exactly" },
	{ "argv", "server/scripts/seed.c:4: missing guard: reads the command line itself" },
	{ "descriptor", "server/scripts/seed.c:9: missing guard: &descriptor is not a struct "
			"script_descriptor" },
	/* audit bypass */
	{ "db-connect", "server/scripts/seed.c:6: audit bypass: calls db_connect()" },
	{ "pqexec", "server/scripts/seed.c:6: audit bypass: calls PQexec()" },
	{ "begin", "server/scripts/seed.c:4: audit bypass: transaction control \"COMMIT\"" },
	/* runtime import */
	{ "include", "server/src/platform/helper.c:1: runtime import:" },
	{ "link", "Makefile:3: runtime import: build/bin/erp-server links build/obj/scripts/seed.o" },
};

static void fixture_path(const char *name, char *out, size_t size)
{
	snprintf(out, size, "%s/server/test/governance/fixtures/%s", test_env("ERP_TEST_REPO"), name);
}

START_TEST(each_fixture_fails_with_its_rule)
{
	const struct expectation *e = &cases[_i];
	char root[1024], *output;
	int status;

	fixture_path(e->fixture, root, sizeof(root));
	status = test_run_tool("tools/governance-check", root, &output);
	ck_assert_msg(status == 1, "%s: exit %d\n%s", e->fixture, status, output);
	ck_assert_msg(strstr(output, e->violation) != NULL, "%s: expected \"%s\" in\n%s",
		      e->fixture, e->violation, output);
	/* Exactly that one rule: each fixture breaks one thing only. */
	ck_assert_msg(strstr(output, "governance-check: 1 violation(s)") != NULL, "%s:\n%s",
		      e->fixture, output);
	free(output);
}
END_TEST

START_TEST(clean_fixture_passes)
{
	char root[1024], *output;

	fixture_path("clean", root, sizeof(root));
	ck_assert_int_eq(test_run_tool("tools/governance-check", root, &output), 0);
	ck_assert_ptr_nonnull(strstr(output, "1 script(s), 1 runtime file(s), no violations"));
	free(output);
}
END_TEST

START_TEST(the_repository_passes)
{
	char *output;
	int status = test_run_tool("tools/governance-check", NULL, &output);

	ck_assert_msg(status == 0, "%s", output);
	ck_assert_ptr_nonnull(strstr(output, "governance-check: files under server/scripts changed since"));
	ck_assert_ptr_nonnull(strstr(output, "no violations"));
	/* It did look at the real scripts. */
	ck_assert_ptr_null(strstr(output, " 0 script(s)"));
	free(output);
}
END_TEST

static void git(const char *dir, const char *const args[])
{
	const char *argv[16] = { "/usr/bin/env", "git", "-C", dir, "-c", "user.name=Test",
				 "-c", "user.email=test@example.com" };
	int n = 8;

	for (const char *const *a = args; *a && n < 15; a++)
		argv[n++] = *a;
	argv[n] = NULL;
	ck_assert_int_eq(test_run(argv, NULL, "/dev/null"), 0);
}

START_TEST(lists_the_script_files_that_changed)
{
	char dir[] = "/tmp/erp-governance-git.XXXXXX", clean[1024], source[1200], *output;
	const char *init[] = { "init", "-q", NULL };
	const char *add[] = { "add", "-A", NULL };
	const char *commit[] = { "commit", "-q", "-m", "change", NULL };
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	fixture_path("clean", clean, sizeof(clean));
	snprintf(source, sizeof(source), "%s/.", clean);
	{
		const char *cp[] = { "/bin/cp", "-R", source, dir, NULL };

		ck_assert_int_eq(test_run(cp, NULL, NULL), 0);
	}
	git(dir, init);
	git(dir, add);
	git(dir, commit);

	/* One commit: everything under server/scripts is new. */
	ck_assert_int_eq(test_run_tool("tools/governance-check", dir, &output), 0);
	ck_assert_msg(strstr(output, "changed since the start (the first commit):\n"
				     "  A\tserver/scripts/runtime/runtime.c\n"
				     "  A\tserver/scripts/seed.c\n") != NULL,
		      "%s", output);
	free(output);

	/* A second commit touching seed.c, and a new file not yet committed. */
	{
		char path[1100];

		snprintf(path, sizeof(path), "%s/server/scripts/seed.c", dir);
		f = fopen(path, "a");
		ck_assert_ptr_nonnull(f);
		fputs("/* changed */\n", f);
		fclose(f);
		git(dir, add);
		git(dir, commit);
		snprintf(path, sizeof(path), "%s/server/scripts/README.md", dir);
		f = fopen(path, "w");
		ck_assert_ptr_nonnull(f);
		fputs("notes\n", f);
		fclose(f);
	}
	ck_assert_int_eq(test_run_tool("tools/governance-check", dir, &output), 0);
	ck_assert_msg(strstr(output, "changed since the previous commit (") != NULL, "%s", output);
	ck_assert_msg(strstr(output, "  M\tserver/scripts/seed.c\n  ?\tserver/scripts/README.md\n") !=
			      NULL,
		      "%s", output);
	ck_assert_ptr_null(strstr(output, "runtime.c"));
	free(output);
	{
		const char *rm[] = { "/bin/rm", "-rf", dir, NULL };

		test_run(rm, NULL, NULL);
	}
}
END_TEST

Suite *test_suite(void)
{
	Suite *suite = suite_create("governance-check");
	TCase *tc = tcase_create("checker");

	tcase_add_loop_test(tc, each_fixture_fails_with_its_rule, 0,
			    (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, clean_fixture_passes);
	tcase_add_test(tc, the_repository_passes);
	tcase_add_test(tc, lists_the_script_files_that_changed);
	suite_add_tcase(suite, tc);
	return suite;
}
