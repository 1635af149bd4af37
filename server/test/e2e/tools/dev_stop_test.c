/*
 * make stop (tools/dev-stop) against what make run starts (tools/dev-run),
 * in a scratch tree of its own: the repository's tools, sources and build
 * linked in, its own .data/ (a development cluster on a free port) and a
 * free HTTP port, so nothing of a developer's make run is touched.
 *
 * make run is started in the background, as `make run &` leaves it; make
 * stop must stop its server and its database and leave both ports free, say
 * so when nothing runs, and never signal a process make run did not start
 * (a PID of the record now naming another program).
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test/support/check_main.h"
#include "test/support/testlib.h"

enum { MAX_ENV = 16 };

struct tree {
	char dir[64];
	char build[128]; /* this run's build, relative to the tree (build, build/sanitize) */
	char log[96];
	int http_port, pg_port;
};

/* A free port on 127.0.0.1 (a snapshot: someone may take it, tests accept that). */
static int free_port(void)
{
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t length = sizeof(addr);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;

	ck_assert_int_ge(fd, 0);
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&addr, &length) == 0)
		port = ntohs(addr.sin_port);
	close(fd);
	ck_assert_int_gt(port, 0);
	return port;
}

static bool port_is_free(int port)
{
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	bool free;

	ck_assert_int_ge(fd, 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	free = bind(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0;
	close(fd);
	return free;
}

static void link_into(const struct tree *t, const char *target, const char *name)
{
	char path[160];

	snprintf(path, sizeof(path), "%s/%s", t->dir, name);
	ck_assert_msg(symlink(target, path) == 0, "symlink %s: %s", path, strerror(errno));
}

/* The scratch tree: the repository's files linked in, an empty place for .data/. */
static void tree_make(struct tree *t)
{
	const char *repo = test_env("ERP_TEST_REPO"), *build = test_env("ERP_TEST_BUILD");
	static const char *const linked[] = { "tools", "server", "Makefile", "mk", "README.md" };
	char target[1024];
	size_t repo_length = strlen(repo);

	snprintf(t->dir, sizeof(t->dir), "/tmp/erp-stop.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(t->dir));
	/* As root the cluster runs as postgres, who must be able to enter it. */
	ck_assert_int_eq(chmod(t->dir, 0755), 0);
	for (size_t i = 0; i < sizeof(linked) / sizeof(linked[0]); i++) {
		snprintf(target, sizeof(target), "%s/%s", repo, linked[i]);
		link_into(t, target, linked[i]);
	}
	/* The whole build folder, so paths compiled in relative to the repository hold. */
	ck_assert_msg(strncmp(build, repo, repo_length) == 0 && build[repo_length] == '/',
		      "the build %s is not inside the repository %s", build, repo);
	snprintf(target, sizeof(target), "%s/build", repo);
	link_into(t, target, "build");
	snprintf(t->build, sizeof(t->build), "%s", build + repo_length + 1);
	snprintf(t->log, sizeof(t->log), "%s/make-run.log", t->dir);
	t->http_port = free_port();
	t->pg_port = free_port();
}

static void tree_remove(const struct tree *t)
{
	char data[96], pgdata[128], tool[128];
	struct stat st;

	snprintf(data, sizeof(data), "%s/.data", t->dir);
	snprintf(pgdata, sizeof(pgdata), "%s/pgdata", data);
	snprintf(tool, sizeof(tool), "%s/tools/pg-cluster", t->dir);
	if (stat(pgdata, &st) == 0) {
		const char *destroy[] = { tool, "destroy", data, NULL };

		test_run(destroy, NULL, "/dev/null");
	}
	{
		const char *rm[] = { "/bin/rm", "-rf", t->dir, NULL };

		ck_assert_int_eq(test_run(rm, NULL, NULL), 0);
	}
}

/*
 * The environment of make run and make stop: built from scratch (PATH, the
 * sanitizers' options, the tree's ports and build), nothing else of the
 * test's, not CI in particular: a developer's terminal.
 */
static void tree_env(const struct tree *t, char *env[MAX_ENV], char storage[][256])
{
	static const char *const inherited[] = { "PATH", "HOME", "ASAN_OPTIONS", "UBSAN_OPTIONS",
						 "LSAN_OPTIONS" };
	int n = 0;

	for (size_t i = 0; i < sizeof(inherited) / sizeof(inherited[0]); i++)
		if (getenv(inherited[i])) {
			snprintf(storage[n], 256, "%s=%s", inherited[i], getenv(inherited[i]));
			env[n] = storage[n];
			n++;
		}
	snprintf(storage[n], 256, "ERP_HTTP_PORT=%d", t->http_port);
	env[n] = storage[n];
	n++;
	snprintf(storage[n], 256, "ERP_DEV_PG_PORT=%d", t->pg_port);
	env[n] = storage[n];
	n++;
	snprintf(storage[n], 256, "ERP_DEV_BUILD=%s", t->build);
	env[n] = storage[n];
	n++;
	env[n] = NULL;
}

/* Starts argv in the tree (stdout and stderr to out), as a shell's `... &` would. */
static pid_t tree_spawn(const struct tree *t, const char *const argv[], const char *out)
{
	char *env[MAX_ENV], storage[MAX_ENV][256];
	pid_t pid;

	tree_env(t, env, storage);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int fd = open(out, O_WRONLY | O_CREAT | O_APPEND, 0644);

		if (fd < 0 || chdir(t->dir) != 0)
			_exit(126);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		close(fd);
		execve(argv[0], (char *const *)argv, env);
		_exit(127);
	}
	return pid;
}

static int wait_status(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		ck_assert_int_eq(errno, EINTR);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* A whole file (malloc'd; "" when missing), read to its end: /proc's files have no size. */
static char *read_text(const char *path)
{
	FILE *f = fopen(path, "r");
	size_t length = 0, size = 4096, got;
	char *text = calloc(1, size);

	ck_assert_ptr_nonnull(text);
	if (!f)
		return text;
	while ((got = fread(text + length, 1, size - length - 1, f)) > 0) {
		length += got;
		if (size - length < 2) {
			size *= 2;
			text = realloc(text, size);
			ck_assert_ptr_nonnull(text);
		}
	}
	text[length] = '\0';
	fclose(f);
	return text;
}

/* Runs `make -s stop` in the tree; returns its exit status, *output what it said. */
static int make_stop(const struct tree *t, char **output)
{
	const char *argv[] = { "/usr/bin/make", "-s", "stop", NULL };
	char out[128];
	int status;

	snprintf(out, sizeof(out), "%s/make-stop.log", t->dir);
	unlink(out);
	status = wait_status(tree_spawn(t, argv, out));
	*output = read_text(out);
	return status;
}

static bool healthy(int port)
{
	struct test_response r;
	char url[64];
	bool ok;

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/healthz", port);
	ok = test_http("GET", url, NULL, NULL, 0, &r) == 0 && r.status == 200;
	test_response_free(&r);
	return ok;
}

/* The PID recorded for role in the tree's .data/dev-run.pid, or 0. */
static pid_t recorded(const struct tree *t, const char *role)
{
	char path[128], line[128], name[32];
	long pid, start;
	pid_t found = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/.data/dev-run.pid", t->dir);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f))
		if (sscanf(line, "%31s %ld %ld", name, &pid, &start) == 3 && strcmp(name, role) == 0)
			found = (pid_t)pid;
	fclose(f);
	return found;
}

/* Field 22 of /proc/<pid>/stat: when the process started. */
static long start_time(pid_t pid)
{
	char path[64], *text, *p;
	long value = -1;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	text = read_text(path);
	p = strrchr(text, ')');
	ck_assert_ptr_nonnull(p);
	p += 2; /* field 3 */
	for (int field = 3; field < 22 && p; field++)
		p = strchr(p, ' ') ? strchr(p, ' ') + 1 : NULL;
	ck_assert_ptr_nonnull(p);
	value = strtol(p, NULL, 10);
	free(text);
	return value;
}

static bool exists(const struct tree *t, const char *relative)
{
	char path[160];

	snprintf(path, sizeof(path), "%s/%s", t->dir, relative);
	return access(path, F_OK) == 0;
}

/*
 * One tree for the tests below, in order, made and removed outside their
 * processes (an unchecked fixture): whatever a failed check leaves running
 * in it is stopped by make stop and the cluster destroyed.
 */
static struct tree t;

static void tree_setup(void)
{
	tree_make(&t);
}

static void tree_teardown(void)
{
	char *output;

	make_stop(&t, &output);
	free(output);
	tree_remove(&t);
}

START_TEST(with_nothing_running_it_says_so)
{
	char *output;

	ck_assert_int_eq(make_stop(&t, &output), 0);
	ck_assert_msg(strstr(output, "make run is not running") != NULL, "%s", output);
	ck_assert_msg(strstr(output, "no development database") != NULL, "%s", output);
	free(output);
}
END_TEST

START_TEST(stops_a_make_run_left_in_the_background)
{
	const char *argv[] = { NULL, NULL };
	char dev_run[128], expected[64], *output, *log;
	pid_t supervisor, server, second;
	int waited;

	snprintf(dev_run, sizeof(dev_run), "%s/tools/dev-run", t.dir);
	argv[0] = dev_run;
	supervisor = tree_spawn(&t, argv, t.log);
	/* Fresh cluster, migrations, three seeds (four argon2id hashes): well under a minute. */
	for (waited = 0; waited < 1800 && !healthy(t.http_port); waited++) {
		if (waitpid(supervisor, NULL, WNOHANG) == supervisor) {
			log = read_text(t.log);
			ck_abort_msg("make run ended before serving:\n%s", log);
		}
		usleep(100 * 1000);
	}
	log = read_text(t.log);
	ck_assert_msg(healthy(t.http_port), "make run did not serve within 180 s:\n%s", log);
	free(log);
	server = recorded(&t, "server");
	ck_assert_int_gt(server, 0);
	ck_assert_int_eq(recorded(&t, "supervisor"), supervisor);
	ck_assert_int_eq(kill(server, 0), 0);

	/* A second make run in the same folder refuses, and leaves the first one serving. */
	second = tree_spawn(&t, argv, t.log);
	ck_assert_int_eq(wait_status(second), 1);
	log = read_text(t.log);
	ck_assert_msg(strstr(log, "make run is already running here") != NULL, "%s", log);
	free(log);
	ck_assert(healthy(t.http_port));

	ck_assert_int_eq(make_stop(&t, &output), 0);
	snprintf(expected, sizeof(expected), "stopping the server (PID %d)", (int)server);
	ck_assert_msg(strstr(output, expected) != NULL, "%s", output);
	free(output);

	/* make run ended by itself with the server's status (a clean stop), the server with it. */
	ck_assert_int_eq(wait_status(supervisor), 0);
	ck_assert_int_eq(kill(server, 0), -1);
	ck_assert_int_eq(errno, ESRCH);
	/* The database is down, both ports are free, the record is gone. */
	ck_assert(!exists(&t, ".data/pgdata/postmaster.pid"));
	ck_assert(port_is_free(t.http_port));
	ck_assert(port_is_free(t.pg_port));
	ck_assert(!exists(&t, ".data/dev-run.pid"));
	log = read_text(t.log);
	ck_assert_msg(strstr(log, "pg-cluster: stopped") != NULL, "%s", log);
	free(log);

	/* And again: nothing to stop, and that is fine. */
	ck_assert_int_eq(make_stop(&t, &output), 0);
	ck_assert_msg(strstr(output, "make run is not running") != NULL, "%s", output);
	ck_assert_msg(strstr(output, "not running") != NULL, "%s", output);
	free(output);
}
END_TEST

/* A recorded PID that now names another program is left alone. */
START_TEST(never_signals_a_process_make_run_did_not_start)
{
	const char *argv[] = { "/bin/sleep", "60", NULL };
	char path[128], *output;
	pid_t other;
	FILE *f;

	snprintf(path, sizeof(path), "%s/.data", t.dir);
	ck_assert(mkdir(path, 0755) == 0 || errno == EEXIST);
	other = tree_spawn(&t, argv, "/dev/null");
	/* Until it has become sleep, its command line is the test's. */
	for (int i = 0; i < 100; i++) {
		char cmdline[64], *text;

		snprintf(cmdline, sizeof(cmdline), "/proc/%d/cmdline", (int)other);
		text = read_text(cmdline);
		if (strncmp(text, "/bin/sleep", 10) == 0) {
			free(text);
			break;
		}
		free(text);
		usleep(10 * 1000);
	}
	snprintf(path, sizeof(path), "%s/.data/dev-run.pid", t.dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	/* Its PID and true start time, but not an erp-server; and as make run, a wrong start time. */
	fprintf(f, "server %d %ld\nsupervisor %d %ld\n", (int)other, start_time(other), (int)other,
		start_time(other) + 1);
	fclose(f);

	ck_assert_int_eq(make_stop(&t, &output), 0);
	ck_assert_msg(strstr(output, "make run is not running") != NULL, "%s", output);
	ck_assert_ptr_null(strstr(output, "stopping"));
	free(output);
	ck_assert_int_eq(waitpid(other, NULL, WNOHANG), 0);
	ck_assert_int_eq(kill(other, 0), 0);
	kill(other, SIGKILL);
	wait_status(other);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("e2e/tools/dev_stop");
	TCase *tc = tcase_create("make stop");

	tcase_add_unchecked_fixture(tc, tree_setup, tree_teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, with_nothing_running_it_says_so);
	tcase_add_test(tc, stops_a_make_run_left_in_the_background);
	tcase_add_test(tc, never_signals_a_process_make_run_did_not_start);
	suite_add_tcase(s, tc);
	return s;
}
