/*
 * tools/check-containers, the static check of docker-compose.yml and the
 * Dockerfile (no Docker engine runs here). The fixture tree
 * server/test/governance/fixtures/containers/ is a small compose file,
 * Dockerfile and Makefile with three scripts that pass; each case copies it,
 * changes one thing in one file and must be refused with exactly one
 * violation naming file, line and rule. The repository's own files must
 * pass, the Dockerfile parser must read a file of its awkward cases as
 * Docker does, and the admin executables the rules speak of come from
 * server/scripts, not from a list. No database needed.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test/support/check_main.h"
#include "test/support/testlib.h"

#define CHECKER "tools/check-containers"
#define COMPOSE "docker-compose.yml"
#define DOCKERFILE "Dockerfile"
#define MAKEFILE "Makefile"

struct expectation {
	const char *name;
	const char *file; /* the fixture's file that changes */
	const char *from; /* text that occurs exactly once in it... */
	const char *to;   /* ...and what it becomes */
	const char *violation;
};

static const struct expectation cases[] = {
	/* database role */
	{ "the server connects as the owner", COMPOSE, "postgresql://app@", "postgresql://owner@",
	  "docker-compose.yml:40: database role: services.server connects as the owner owner" },
	{ "the server connects as the superuser", COMPOSE, "postgresql://app@",
	  "postgresql://postgres@",
	  "docker-compose.yml:40: database role: services.server connects as the superuser postgres" },
	{ "the server connects as a login db-roles does not make", COMPOSE, "postgresql://app@",
	  "postgresql://someone@",
	  "docker-compose.yml:40: database role: services.server connects as someone, not app" },
	{ "the server names no user (libpq would take the OS user's name)", COMPOSE,
	  "postgresql://app@", "postgresql://@",
	  "docker-compose.yml:40: database role: services.server names no literal database user" },
	{ "migrate connects as the server's login", COMPOSE, "user=owner passfile",
	  "user=app passfile",
	  "docker-compose.yml:32: database role: services.migrate migrates as app: migrations run as "
	  "the owner, owner" },
	{ "migrate connects as the superuser", COMPOSE, "user=owner passfile", "user=postgres passfile",
	  "docker-compose.yml:32: database role: services.migrate migrates as the superuser postgres" },
	{ "nothing makes the server's login", COMPOSE, "\"/deploy/db-roles.sh\"", "\"/deploy/roles.sh\"",
	  "docker-compose.yml:3: database role: no step runs deploy/db-roles.sh" },
	{ "the roles step is not run by the superuser", COMPOSE, "PGUSER: postgres", "PGUSER: owner",
	  "docker-compose.yml:16: database role: services.roles runs deploy/db-roles.sh as owner" },
	{ "the roles step runs a script it does not mount", COMPOSE, "[\"./deploy:/deploy:ro\"]",
	  "[\"./other:/deploy:ro\"]",
	  "docker-compose.yml:12: database role: services.roles does not mount ./deploy" },
	{ "migrate does not wait for the roles", COMPOSE,
	  "roles: {condition: service_completed_successfully}", "roles: {condition: service_started}",
	  "docker-compose.yml:34: database role: services.migrate must wait for roles to complete" },
	/* secret */
	{ "the server mounts the owner's password", COMPOSE, "secrets: [app]", "secrets: [app, owner]",
	  "docker-compose.yml:43: secret: services.server mounts owner, the owner's password" },
	{ "the server mounts the superuser's password", COMPOSE, "secrets: [app]",
	  "secrets: [app, superuser]",
	  "docker-compose.yml:43: secret: services.server mounts superuser, the superuser's password" },
	{ "a password in the environment", COMPOSE, "      ERP_SHUTDOWN_GRACE_S: \"15\"\n",
	  "      ERP_SHUTDOWN_GRACE_S: \"15\"\n      PGPASSWORD: s3cret\n",
	  "docker-compose.yml:43: secret: services.server.environment.PGPASSWORD holds a password" },
	{ "the server takes a password from the host's environment", COMPOSE,
	  "      ERP_SHUTDOWN_GRACE_S: \"15\"\n",
	  "      ERP_SHUTDOWN_GRACE_S: \"15\"\n      PGPASSWORD:\n",
	  "docker-compose.yml:43: secret: services.server.environment.PGPASSWORD passes a password "
	  "through from the host" },
	{ "the superuser's password in the environment", COMPOSE,
	  "POSTGRES_PASSWORD_FILE: /run/secrets/superuser", "POSTGRES_PASSWORD: hunter2hunter2",
	  "docker-compose.yml:8: secret: services.postgres.environment.POSTGRES_PASSWORD holds a "
	  "password" },
	{ "a password in the database URL", COMPOSE, "postgresql://app@", "postgresql://app:pw@",
	  "docker-compose.yml:40: secret: services.server.environment.ERP_DATABASE_URL holds a "
	  "password" },
	{ "a password file that is not mounted", COMPOSE, "secrets: [app]", "secrets: [other]",
	  "docker-compose.yml:40: secret: services.server reads /run/secrets/app but does not mount" },
	/* restart */
	{ "the server has no restart policy", COMPOSE,
	  "    image: erp:${ERP_VERSION}\n    restart: unless-stopped\n", "    image: erp:${ERP_VERSION}\n",
	  "docker-compose.yml:36: restart: services.server has no restart policy" },
	{ "migrate restarts", COMPOSE, "restart: \"no\"\n    command: [\"migrate\"]",
	  "restart: on-failure\n    command: [\"migrate\"]",
	  "docker-compose.yml:29: restart: services.migrate is a one-shot: restart must be \"no\"" },
	{ "restart: no unquoted is YAML's false", COMPOSE, "restart: \"no\"\n    entrypoint",
	  "restart: no\n    entrypoint",
	  "docker-compose.yml:14: restart: services.roles.restart is YAML's false" },
	{ "the server is not restarted", COMPOSE,
	  "    image: erp:${ERP_VERSION}\n    restart: unless-stopped\n",
	  "    image: erp:${ERP_VERSION}\n    restart: \"no\"\n",
	  "docker-compose.yml:38: restart: services.server runs for good" },
	{ "a tools service restarts", COMPOSE, "    profiles: [tools]\n    restart: \"no\"\n",
	  "    profiles: [tools]\n    restart: always\n",
	  "docker-compose.yml:53: restart: services.scripts is a one-shot" },
	/* healthcheck */
	{ "the server has no health check", COMPOSE,
	  "    healthcheck:\n      test: curl -fsS http://127.0.0.1:$${ERP_HTTP_PORT}/readyz\n", "",
	  "docker-compose.yml:36: healthcheck: services.server has no health check probing /readyz" },
	{ "the health check names a port", COMPOSE, "$${ERP_HTTP_PORT}/readyz", "8080/readyz",
	  "docker-compose.yml:45: healthcheck: services.server.healthcheck does not take the port from "
	  "ERP_HTTP_PORT" },
	{ "the health check takes the host's ERP_HTTP_PORT", COMPOSE, "$${ERP_HTTP_PORT}/readyz",
	  "${ERP_HTTP_PORT}/readyz",
	  "docker-compose.yml:45: healthcheck: services.server.healthcheck takes ERP_HTTP_PORT from the "
	  "host" },
	{ "the health check's variable has no shell to expand it", COMPOSE,
	  "test: curl -fsS http://127.0.0.1:$${ERP_HTTP_PORT}/readyz",
	  "test: [\"CMD\", \"curl\", \"-fsS\", \"http://127.0.0.1:$${ERP_HTTP_PORT}/readyz\"]",
	  "docker-compose.yml:45: healthcheck: services.server.healthcheck names $ERP_HTTP_PORT without "
	  "a shell" },
	{ "the health check asks only whether the server is alive", COMPOSE,
	  "$${ERP_HTTP_PORT}/readyz", "$${ERP_HTTP_PORT}/healthz",
	  "docker-compose.yml:45: healthcheck: services.server.healthcheck does not probe /readyz" },
	{ "a service waited for as healthy has no health check", COMPOSE,
	  "test: [\"CMD\", \"pg_isready\"]", "test: [\"NONE\"]",
	  "docker-compose.yml:4: healthcheck: services.postgres is waited for as healthy" },
	/* stop grace */
	{ "the stop timeout is the drain", COMPOSE, "stop_grace_period: 1m", "stop_grace_period: 15s",
	  "docker-compose.yml:46: stop grace: services.server.stop_grace_period (15s) is not longer "
	  "than ERP_SHUTDOWN_GRACE_S (15 s)" },
	{ "Docker's default stop timeout is shorter than the drain", COMPOSE,
	  "    stop_grace_period: 1m\n", "",
	  "docker-compose.yml:36: stop grace: services.server.stop_grace_period (not set: Docker's 10s)" },
	{ "the drain is not set", COMPOSE, "      ERP_SHUTDOWN_GRACE_S: \"15\"\n", "",
	  "docker-compose.yml:39: stop grace: services.server does not set ERP_SHUTDOWN_GRACE_S" },
	{ "the drain is left to the host", COMPOSE, "ERP_SHUTDOWN_GRACE_S: \"15\"",
	  "ERP_SHUTDOWN_GRACE_S: ${GRACE}",
	  "docker-compose.yml:42: stop grace: services.server.environment.ERP_SHUTDOWN_GRACE_S is "
	  "${GRACE}" },
	/* auto-execute */
	{ "a one-shot runs a script after its own work", COMPOSE,
	  "entrypoint: [\"sh\", \"/deploy/db-roles.sh\"]",
	  "entrypoint: [\"sh\", \"-c\", \"sh /deploy/db-roles.sh && erp-seed-admin --if-absent\"]",
	  "docker-compose.yml:15: auto-execute: services.roles.entrypoint runs erp-seed-admin" },
	{ "the tools service starts a script by itself", COMPOSE, "    profiles: [tools]\n",
	  "    profiles: [tools]\n    entrypoint: [\"/usr/local/bin/erp-seed-roles\"]\n",
	  "docker-compose.yml:53: auto-execute: services.scripts.entrypoint runs erp-seed-roles" },
	{ "a health check runs a script", COMPOSE, "command: [\"migrate\"]",
	  "command: [\"migrate\"]\n    healthcheck: {test: \"erp-grant-role --help\"}",
	  "docker-compose.yml:31: auto-execute: services.migrate.healthcheck runs erp-grant-role" },
	/* version */
	{ "the build is not given the version", COMPOSE,
	  "build: {context: ., args: {ERP_VERSION: \"${ERP_VERSION}\"}}", "build: {context: .}",
	  "docker-compose.yml:28: version: services.migrate.build does not pass ERP_VERSION" },
	{ "the build is given a fixed version", COMPOSE, "args: {ERP_VERSION: \"${ERP_VERSION}\"}",
	  "args: {ERP_VERSION: \"1.0\"}",
	  "docker-compose.yml:28: version: services.migrate.build does not pass ERP_VERSION" },
	{ "an image not tagged with the version", COMPOSE, "    image: erp:${ERP_VERSION}\n    profiles",
	  "    image: erp:latest\n    profiles",
	  "docker-compose.yml:51: version: services.scripts: tag the image with the version" },
	/* syntax */
	{ "a key given twice", COMPOSE, "services:", "services:\n  x: {image: a}\nservices:",
	  "docker-compose.yml:1: syntax: line 5: duplicate key 'services'" },
	/* the Dockerfile */
	{ "the build stage installs something else than tools/install-deps --build", DOCKERFILE,
	  "RUN /src/tools/install-deps --build", "RUN /src/tools/install-deps",
	  "Dockerfile:3: build deps: build does not run tools/install-deps --build" },
	{ "the build stage installs a package of its own", DOCKERFILE,
	  "RUN /src/tools/install-deps --build\n",
	  "RUN /src/tools/install-deps --build\nRUN apt-get update && apt-get install -y jq\n",
	  "Dockerfile:6: build deps: build installs packages itself" },
	{ "a single stage keeps the toolchain", DOCKERFILE, "FROM debian:bookworm-slim\n", "",
	  "Dockerfile:3: build deps: two stages expected" },
	{ "the version argument is not declared in its stage", DOCKERFILE, "ARG ERP_VERSION\n", "",
	  "Dockerfile:8: version: RUN in build uses ERP_VERSION, which has no ARG in this stage" },
	{ "make is not given the version", DOCKERFILE, "VERSION=\"${ERP_VERSION}\" ", "",
	  "Dockerfile:9: version: make is not given VERSION=\"${ERP_VERSION}\"" },
	{ "the image carries only erp-server", DOCKERFILE, "COPY --from=build /src/build/image/ /",
	  "COPY --from=build /src/build/bin/erp-server /usr/local/bin/",
	  "Dockerfile:12: executables: the runtime stage must copy the Makefile's image root" },
	{ "the build makes only erp-server", DOCKERFILE, " image-root", " build/bin/erp-server",
	  "Dockerfile:12: executables: the runtime stage must copy the Makefile's image root" },
	{ "the image root is made elsewhere than the COPY takes it", DOCKERFILE, "BUILD=build",
	  "BUILD=out", "Dockerfile:9: executables: make image-root must use BUILD=build" },
	{ "the image root leaves a script out", MAKEFILE, "$(BUILD)/bin/erp-server $(SCRIPT_BINS)",
	  "$(BUILD)/bin/erp-server $(filter-out %/erp-grant-role,$(SCRIPT_BINS))",
	  "Dockerfile:9: executables: make image-root does not stage erp-grant-role" },
	{ "the user is a name", DOCKERFILE, "USER 10001", "USER erp",
	  "Dockerfile:14: non-root: USER erp: give a numeric uid" },
	{ "the user is root", DOCKERFILE, "USER 10001", "USER 0:0",
	  "Dockerfile:14: non-root: USER 0:0 is root" },
	{ "no user", DOCKERFILE, "USER 10001\n", "",
	  "Dockerfile:11: non-root: stage 1 (FROM debian:bookworm-slim) has no USER" },
	{ "the entrypoint in shell form", DOCKERFILE, "ENTRYPOINT [\"erp-server\"]",
	  "ENTRYPOINT erp-server", "Dockerfile:16: entrypoint: ENTRYPOINT in shell form" },
	{ "the entrypoint is a shell", DOCKERFILE, "ENTRYPOINT [\"erp-server\"]",
	  "ENTRYPOINT [\"/bin/sh\", \"-c\", \"erp-server\"]",
	  "Dockerfile:16: entrypoint: ENTRYPOINT [\"/bin/sh\", \"-c\", \"erp-server\"]: the image "
	  "starts erp-server" },
	{ "a script hidden in a continued RUN", DOCKERFILE, "image-root\n",
	  "image-root\nRUN erp-server --version \\\n  # a comment in the continuation\n"
	  " && erp-grant-role --help\n",
	  "Dockerfile:10: auto-execute: RUN runs erp-grant-role" },
	{ "the image's health check in exec form", DOCKERFILE,
	  "HEALTHCHECK --interval=5s CMD curl -fsS \"http://127.0.0.1:${ERP_HTTP_PORT}/readyz\" || exit 1",
	  "HEALTHCHECK CMD [\"curl\", \"-fsS\", \"http://127.0.0.1:${ERP_HTTP_PORT}/readyz\"]",
	  "Dockerfile:15: healthcheck: HEALTHCHECK names $ERP_HTTP_PORT without a shell" },
	{ "the image's health check names a port", DOCKERFILE, "${ERP_HTTP_PORT}/readyz",
	  "8080/readyz", "Dockerfile:15: healthcheck: HEALTHCHECK does not take the port" },
	{ "the image's health check is switched off", DOCKERFILE,
	  "HEALTHCHECK --interval=5s CMD curl -fsS \"http://127.0.0.1:${ERP_HTTP_PORT}/readyz\" || exit 1",
	  "HEALTHCHECK NONE", "Dockerfile:15: healthcheck: stage 1 (FROM debian:bookworm-slim) has no "
			      "HEALTHCHECK" },
	{ "the image's health check reads a variable nothing sets", DOCKERFILE,
	  "ENV ERP_HTTP_PORT=8080\n", "",
	  "Dockerfile:14: healthcheck: the HEALTHCHECK reads ERP_HTTP_PORT, which no ENV of the stage "
	  "sets" },
	{ "a heredoc is refused, not guessed at", DOCKERFILE, "RUN make", "RUN <<EOF\nmake\nEOF\nRUN make",
	  "Dockerfile:9: syntax: RUN with a heredoc: not supported by this checker" },
};

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_msg(f != NULL, "cannot write %s", path);
	fputs(text, f);
	fclose(f);
}

/* A copy of the fixture tree in a new folder (dir: a mkdtemp template, filled in). */
static void copy_fixture(char *dir)
{
	char source[1100];

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(source, sizeof(source), "%s/server/test/governance/fixtures/containers/.",
		 test_env("ERP_TEST_REPO"));
	{
		const char *cp[] = { "/bin/cp", "-R", source, dir, NULL };

		ck_assert_int_eq(test_run(cp, NULL, NULL), 0);
	}
}

static void remove_tree(const char *dir)
{
	const char *rm[] = { "/bin/rm", "-rf", dir, NULL };

	test_run(rm, NULL, NULL);
}

/* Replaces the one occurrence of from by to in dir/file. */
static void change(const char *dir, const char *file, const char *from, const char *to,
		   const char *what)
{
	char path[1200], *text, *changed;
	const char *at;
	size_t before, after;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	text = test_read_file(path);
	at = strstr(text, from);
	ck_assert_msg(at != NULL, "%s: %s has no \"%s\"", what, file, from);
	ck_assert_msg(strstr(at + 1, from) == NULL, "%s: \"%s\" occurs more than once", what, from);
	before = (size_t)(at - text);
	after = strlen(at + strlen(from));
	changed = calloc(1, before + strlen(to) + after + 1);
	ck_assert_ptr_nonnull(changed);
	memcpy(changed, text, before);
	memcpy(changed + before, to, strlen(to));
	memcpy(changed + before + strlen(to), at + strlen(from), after);
	write_file(path, changed);
	free(changed);
	free(text);
}

START_TEST(the_fixture_passes)
{
	char dir[] = "/tmp/erp-containers.XXXXXX", *output;
	int status;

	copy_fixture(dir);
	status = test_run_tool(CHECKER, dir, &output);
	ck_assert_msg(status == 0, "exit %d\n%s", status, output);
	ck_assert_msg(strstr(output, "docker-compose.yml (5 services) and Dockerfile (2 stages, "
				     "erp-server and 3 admin scripts): no violations") != NULL,
		      "%s", output);
	free(output);
	remove_tree(dir);
}
END_TEST

/*
 * A docker-compose.cluster.yml beside the compose file (the scale-out
 * topology) is held to the same rules: a copy of the fixture's compose file
 * passes, and one whose server connects as the owner is refused, by name.
 */
START_TEST(the_cluster_compose_file_is_checked_too)
{
	char dir[] = "/tmp/erp-containers.XXXXXX", path[1200], *output, *text;
	int status;

	copy_fixture(dir);
	snprintf(path, sizeof(path), "%s/%s", dir, COMPOSE);
	text = test_read_file(path);
	snprintf(path, sizeof(path), "%s/docker-compose.cluster.yml", dir);
	write_file(path, text);
	free(text);
	status = test_run_tool(CHECKER, dir, &output);
	ck_assert_msg(status == 0, "exit %d\n%s", status, output);
	ck_assert_msg(strstr(output, "docker-compose.cluster.yml (5 services)") != NULL, "%s", output);
	free(output);
	change(dir, "docker-compose.cluster.yml", "postgresql://app@", "postgresql://owner@",
	       "the cluster's server connects as the owner");
	status = test_run_tool(CHECKER, dir, &output);
	ck_assert_msg(status == 1, "exit %d\n%s", status, output);
	ck_assert_msg(strstr(output, "docker-compose.cluster.yml:40: database role: services.server"
				     " connects as the owner owner") != NULL, "%s", output);
	ck_assert_msg(strstr(output, "check-containers: 1 violation(s)") != NULL, "%s", output);
	free(output);
	remove_tree(dir);
}
END_TEST

START_TEST(each_change_is_refused_with_its_file_line_and_rule)
{
	const struct expectation *e = &cases[_i];
	char dir[] = "/tmp/erp-containers.XXXXXX", *output;
	int status;

	copy_fixture(dir);
	change(dir, e->file, e->from, e->to, e->name);
	status = test_run_tool(CHECKER, dir, &output);
	ck_assert_msg(status == 1, "%s: exit %d\n%s", e->name, status, output);
	ck_assert_msg(strstr(output, e->violation) != NULL, "%s: expected \"%s\" in\n%s", e->name,
		      e->violation, output);
	/* Exactly that one: each case breaks one thing only. */
	ck_assert_msg(strstr(output, "check-containers: 1 violation(s)") != NULL, "%s:\n%s", e->name,
		      output);
	free(output);
	remove_tree(dir);
}
END_TEST

/* How many server/scripts/<name>.c there are: the admin executables. */
static int count_scripts(void)
{
	char path[1024];
	DIR *dir;
	struct dirent *entry;
	int count = 0;

	snprintf(path, sizeof(path), "%s/server/scripts", test_env("ERP_TEST_REPO"));
	dir = opendir(path);
	ck_assert_ptr_nonnull(dir);
	while ((entry = readdir(dir)) != NULL) {
		size_t length = strlen(entry->d_name);

		if (length > 2 && strcmp(entry->d_name + length - 2, ".c") == 0)
			count++;
	}
	closedir(dir);
	return count;
}

START_TEST(the_repository_passes)
{
	char expected[64], *output;
	int status = test_run_tool(CHECKER, NULL, &output);

	ck_assert_msg(status == 0, "%s", output);
	ck_assert_msg(strstr(output, "no violations") != NULL, "%s", output);
	/* It read the real scripts: every one of them must be in the image. */
	snprintf(expected, sizeof(expected), "erp-server and %d admin scripts", count_scripts());
	ck_assert_int_gt(count_scripts(), 0);
	ck_assert_msg(strstr(output, expected) != NULL, "expected \"%s\" in\n%s", expected, output);
	ck_assert_msg(strstr(output, "docker-compose.cluster.yml (8 services)") != NULL, "%s", output);
	free(output);
}
END_TEST

START_TEST(the_parser_reads_what_docker_reads)
{
	char checker[1024], source[1024], log[] = "/tmp/erp-containers-log.XXXXXX";
	const char *argv[] = { checker, "--parse-dockerfile", source, NULL };
	char *output, *expected;
	int fd = mkstemp(log);

	ck_assert_int_ge(fd, 0);
	close(fd);
	snprintf(checker, sizeof(checker), "%s/" CHECKER, test_env("ERP_TEST_REPO"));
	snprintf(source, sizeof(source), "%s/server/test/governance/fixtures/containers/"
		 "parser.Dockerfile", test_env("ERP_TEST_REPO"));
	ck_assert_int_eq(test_run(argv, NULL, log), 0);
	output = test_read_file(log);
	unlink(log);
	snprintf(source, sizeof(source), "%s/server/test/governance/fixtures/containers/"
		 "parser.expected", test_env("ERP_TEST_REPO"));
	expected = test_read_file(source);
	ck_assert_str_eq(output, expected);
	free(output);
	free(expected);
}
END_TEST

/*
 * A new script is checked with no edit of the checker: it is counted, must
 * be in the image (the fixture's Makefile stages it), and no service may
 * start it.
 */
START_TEST(a_new_script_is_checked_like_the_others)
{
	char dir[] = "/tmp/erp-containers.XXXXXX", path[1200], *output;
	int status;

	copy_fixture(dir);
	snprintf(path, sizeof(path), "%s/server/scripts/seed-demo.c", dir);
	write_file(path, "/* a new script */\n");
	status = test_run_tool(CHECKER, dir, &output);
	ck_assert_msg(status == 0, "exit %d\n%s", status, output);
	ck_assert_msg(strstr(output, "erp-server and 4 admin scripts") != NULL, "%s", output);
	free(output);

	change(dir, COMPOSE, "    profiles: [tools]\n",
	       "    profiles: [tools]\n    entrypoint: [\"erp-seed-demo\"]\n", "erp-seed-demo");
	status = test_run_tool(CHECKER, dir, &output);
	ck_assert_msg(status == 1, "exit %d\n%s", status, output);
	ck_assert_msg(strstr(output, "docker-compose.yml:53: auto-execute: services.scripts.entrypoint "
				     "runs erp-seed-demo") != NULL,
		      "%s", output);
	free(output);

	change(dir, COMPOSE, "    entrypoint: [\"erp-seed-demo\"]\n", "", "erp-seed-demo");
	change(dir, MAKEFILE, "$(BUILD)/bin/erp-server $(SCRIPT_BINS)",
	       "$(BUILD)/bin/erp-server $(filter-out %/erp-seed-demo,$(SCRIPT_BINS))", "erp-seed-demo");
	status = test_run_tool(CHECKER, dir, &output);
	ck_assert_msg(status == 1, "exit %d\n%s", status, output);
	ck_assert_msg(strstr(output, "Dockerfile:9: executables: make image-root does not stage "
				     "erp-seed-demo") != NULL,
		      "%s", output);
	ck_assert_msg(strstr(output, "check-containers: 1 violation(s)") != NULL, "%s", output);
	free(output);
	remove_tree(dir);
}
END_TEST

Suite *test_suite(void)
{
	Suite *suite = suite_create("check-containers");
	TCase *tc = tcase_create("containers");

	tcase_add_test(tc, the_fixture_passes);
	tcase_add_loop_test(tc, each_change_is_refused_with_its_file_line_and_rule, 0,
			    (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, the_repository_passes);
	tcase_add_test(tc, the_cluster_compose_file_is_checked_too);
	tcase_add_test(tc, the_parser_reads_what_docker_reads);
	tcase_add_test(tc, a_new_script_is_checked_like_the_others);
	suite_add_tcase(suite, tc);
	return suite;
}
