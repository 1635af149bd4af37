#include "test/support/script_fixture.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test/support/testlib.h"

enum { MAX_ENV = 32, MAX_ARGS = 32 };

const char *script_fixture_database(const char *name)
{
	const char *url = test_db_create(name);
	char env_url[1100], env_dir[1100], binary[1024];
	const char *env[] = { env_url, env_dir, test_audit_key_env(), NULL };
	const char *argv[] = { binary, "migrate", NULL };

	snprintf(binary, sizeof(binary), "%s/bin/erp-server", test_env("ERP_TEST_BUILD"));
	snprintf(env_url, sizeof(env_url), "ERP_DATABASE_URL=%s", url);
	snprintf(env_dir, sizeof(env_dir), "ERP_MIGRATIONS_DIR=%s",
		 test_env("ERP_TEST_MIGRATIONS_DIR"));
	ck_assert_int_eq(test_run(argv, env, "/dev/null"), 0);
	return url;
}

/* The environment of a script: built from scratch, see the header. */
static void build_env(const char *url, const char *const extra_env[], char **env,
		      char *url_entry, size_t url_entry_size)
{
	static const char *const inherited[] = { "PATH", "ASAN_OPTIONS", "UBSAN_OPTIONS",
						 "LSAN_OPTIONS" };
	static char copies[4][2048];
	int n = 0;

	for (size_t i = 0; i < sizeof(inherited) / sizeof(inherited[0]); i++) {
		const char *value = getenv(inherited[i]);

		if (value) {
			snprintf(copies[i], sizeof(copies[i]), "%s=%s", inherited[i], value);
			env[n++] = copies[i];
		}
	}
	snprintf(url_entry, url_entry_size, "ERP_DATABASE_URL=%s", url);
	env[n++] = url_entry;
	for (const char *const *e = extra_env; e && *e && n < MAX_ENV - 1; e++)
		env[n++] = (char *)*e;
	env[n] = NULL;
}

static void build_argv(const char *script, const char *const args[], char **argv, char *binary,
		       size_t binary_size)
{
	int n = 0;

	snprintf(binary, binary_size, "%s/bin/erp-%s", test_env("ERP_TEST_BUILD"), script);
	argv[n++] = binary;
	for (const char *const *a = args; a && *a && n < MAX_ARGS - 1; a++)
		argv[n++] = (char *)*a;
	argv[n] = NULL;
}

static char *read_all(int fd)
{
	size_t size = 4096, length = 0;
	char *buf = malloc(size);
	ssize_t got;

	ck_assert_ptr_nonnull(buf);
	lseek(fd, 0, SEEK_SET);
	while ((got = read(fd, buf + length, size - length - 1)) > 0) {
		length += (size_t)got;
		if (size - length < 2) {
			size *= 2;
			buf = realloc(buf, size);
			ck_assert_ptr_nonnull(buf);
		}
	}
	buf[length] = '\0';
	return buf;
}

static int temp_file(const char *content)
{
	char path[] = "/tmp/erp-script-io.XXXXXX";
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	unlink(path);
	if (content) {
		ck_assert_int_eq(write(fd, content, strlen(content)), (ssize_t)strlen(content));
		lseek(fd, 0, SEEK_SET);
	}
	return fd;
}

static int wait_for(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		ck_assert_int_eq(errno, EINTR);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void script_fixture_run(struct script_run *run, const char *url, const char *script,
			const char *const args[], const char *const extra_env[],
			const char *stdin_text)
{
	char *env[MAX_ENV], *argv[MAX_ARGS], url_entry[1200], binary[1024];
	int in = temp_file(stdin_text), out = temp_file(NULL), err = temp_file(NULL);
	pid_t pid;

	build_env(url, extra_env, env, url_entry, sizeof(url_entry));
	build_argv(script, args, argv, binary, sizeof(binary));
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		dup2(in, STDIN_FILENO);
		dup2(out, STDOUT_FILENO);
		dup2(err, STDERR_FILENO);
		execve(argv[0], argv, env);
		_exit(127);
	}
	run->status = wait_for(pid);
	run->out = read_all(out);
	run->err = read_all(err);
	close(in);
	close(out);
	close(err);
	ck_assert_msg(run->status != 127, "could not run %s", binary);
}

pid_t script_fixture_spawn(const char *url, const char *script, const char *const args[],
			   const char *const extra_env[])
{
	char *env[MAX_ENV], *argv[MAX_ARGS], url_entry[1200], binary[1024];
	pid_t pid;

	build_env(url, extra_env, env, url_entry, sizeof(url_entry));
	build_argv(script, args, argv, binary, sizeof(binary));
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		execve(argv[0], argv, env);
		_exit(127);
	}
	return pid;
}

void script_run_free(struct script_run *run)
{
	free(run->out);
	free(run->err);
	run->out = run->err = NULL;
}

int script_fixture_lines(const char *text)
{
	int lines = 0;
	const char *p = text;

	while (*p) {
		const char *nl = strchr(p, '\n');

		lines++;
		if (!nl)
			break;
		p = nl + 1;
	}
	return lines;
}

long script_fixture_count(const char *url, const char *sql)
{
	char *value = test_db_value(url, sql);
	long n;

	ck_assert_msg(value != NULL, "no value for: %s", sql);
	n = strtol(value, NULL, 10);
	free(value);
	return n;
}

void script_fixture_audit(struct script_run *run, const char *url, const char *const args[])
{
	char *env[MAX_ENV], *argv[MAX_ARGS], url_entry[1200], binary[1024];
	const char *const key[] = { test_audit_key_env(), NULL };
	int out = temp_file(NULL), err = temp_file(NULL), n = 0;
	pid_t pid;

	build_env(url, key, env, url_entry, sizeof(url_entry));
	snprintf(binary, sizeof(binary), "%s/bin/erp-server", test_env("ERP_TEST_BUILD"));
	argv[n++] = binary;
	argv[n++] = (char *)"audit";
	for (const char *const *a = args; a && *a && n < MAX_ARGS - 1; a++)
		argv[n++] = (char *)*a;
	argv[n] = NULL;
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		dup2(out, STDOUT_FILENO);
		dup2(err, STDERR_FILENO);
		execve(argv[0], argv, env);
		_exit(127);
	}
	run->status = wait_for(pid);
	run->out = read_all(out);
	run->err = read_all(err);
	close(out);
	close(err);
}

void script_fixture_verify(struct script_run *run, const char *url)
{
	const char *const args[] = { "verify-scripts", NULL };

	script_fixture_audit(run, url, args);
}
