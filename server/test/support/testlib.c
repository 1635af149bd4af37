#include "test/support/testlib.h"

#include <arpa/inet.h>
#include <check.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sodium.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

const char *test_env(const char *name)
{
	const char *value = getenv(name);

	if (!value || !*value)
		ck_abort_msg("%s is not set: run the tests through tools/run-tests (make test)", name);
	return value;
}

double test_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void ignore_notice(void *ctx, const char *message)
{
	(void)ctx;
	(void)message;
}

static PGconn *connect_or_abort(const char *url)
{
	PGconn *conn = PQconnectdb(url);

	PQsetNoticeProcessor(conn, ignore_notice, NULL);
	if (PQstatus(conn) != CONNECTION_OK)
		ck_abort_msg("cannot connect to the test database: %s", PQerrorMessage(conn));
	return conn;
}

int test_db_exec(const char *url, const char *sql)
{
	PGconn *conn = PQconnectdb(url);
	PGresult *res;
	int rc = 0;

	if (PQstatus(conn) != CONNECTION_OK) {
		fprintf(stderr, "test_db_exec: %s", PQerrorMessage(conn));
		PQfinish(conn);
		return -1;
	}
	res = PQexec(conn, sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK) {
		fprintf(stderr, "test_db_exec: %s", PQerrorMessage(conn));
		rc = -1;
	}
	PQclear(res);
	PQfinish(conn);
	return rc;
}

void test_db_expect(const char *url, const char *sql, const char *sqlstate, const char *needle)
{
	PGconn *conn = connect_or_abort(url);
	PGresult *res = PQexec(conn, sql);
	const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	const char *message = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);

	if (!sqlstate) {
		ck_assert_msg(state == NULL, "%s: %s", sql, message);
	} else {
		ck_assert_msg(state && strcmp(state, sqlstate) == 0,
			      "%s: expected SQLSTATE %s, got %s (%s)", sql, sqlstate,
			      state ? state : "success", message ? message : "");
		if (needle)
			ck_assert_msg(message && strstr(message, needle) != NULL, "%s: %s", sql, message);
	}
	PQclear(res);
	PQfinish(conn);
}

char *test_db_value(const char *url, const char *sql)
{
	PGconn *conn = PQconnectdb(url);
	PGresult *res;
	char *value = NULL;

	if (PQstatus(conn) == CONNECTION_OK) {
		res = PQexec(conn, sql);
		if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) > 0 &&
		    !PQgetisnull(res, 0, 0))
			value = strdup(PQgetvalue(res, 0, 0));
		else if (PQresultStatus(res) != PGRES_TUPLES_OK)
			fprintf(stderr, "test_db_value: %s", PQerrorMessage(conn));
		PQclear(res);
	}
	PQfinish(conn);
	return value;
}

static void assert_identifier(const char *name)
{
	for (const char *p = name; *p; p++)
		ck_assert_msg((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_',
			      "role and database names in tests are lower-case identifiers: %s", name);
}

/* Replaces the database name in the cluster URL ".../postgres?host=..." */
static void url_for(const char *name, char *out, size_t size)
{
	const char *base = test_env("ERP_TEST_DATABASE_URL");
	const char *slash = strstr(base, "@/");
	const char *query = strchr(base, '?');

	ck_assert_msg(slash && query, "unexpected ERP_TEST_DATABASE_URL shape: %s", base);
	snprintf(out, size, "%.*s%s%s", (int)(slash - base + 2), base, name, query);
}

const char *test_db_create(const char *name)
{
	static char url[1024];
	char sql[256];
	PGconn *conn;
	PGresult *res;

	assert_identifier(name);
	conn = connect_or_abort(test_env("ERP_TEST_DATABASE_URL"));
	snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", name);
	res = PQexec(conn, sql);
	ck_assert_msg(PQresultStatus(res) == PGRES_COMMAND_OK, "%s", PQerrorMessage(conn));
	PQclear(res);
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", name);
	res = PQexec(conn, sql);
	ck_assert_msg(PQresultStatus(res) == PGRES_COMMAND_OK, "%s", PQerrorMessage(conn));
	PQclear(res);
	PQfinish(conn);
	url_for(name, url, sizeof(url));
	return url;
}

const char *test_db_login_url(const char *url, const char *login, const char *group)
{
	static char login_url[1024];
	const char *scheme = strstr(url, "://");
	const char *at = strchr(url, '@');
	char sql[512];

	assert_identifier(login);
	assert_identifier(group);
	ck_assert_msg(scheme && at && at > scheme, "unexpected database URL shape: %s", url);
	/* Another test binary of this cluster may have made it already. */
	snprintf(sql, sizeof(sql),
		 "DO $$ BEGIN CREATE ROLE %s LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;"
		 "GRANT %s TO %s",
		 login, group, login);
	ck_assert_int_eq(test_db_exec(url, sql), 0);
	snprintf(login_url, sizeof(login_url), "%.*s%s%s", (int)(scheme + 3 - url), url, login, at);
	return login_url;
}

int test_run(const char *const argv[], const char *const env[], const char *log_path)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (log_path) {
			int fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND, 0644);

			if (fd >= 0) {
				dup2(fd, STDOUT_FILENO);
				dup2(fd, STDERR_FILENO);
				close(fd);
			}
		}
		for (const char *const *e = env; e && *e; e++)
			putenv((char *)*e);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

const char *test_audit_key_path(void)
{
	static char path[1024];
	char temporary[1100];
	unsigned char key[32];
	int fd;

	if (path[0])
		return path;
	snprintf(path, sizeof(path), "%s/test-audit-key", test_env("ERP_TEST_BUILD"));
	if (access(path, R_OK) == 0)
		return path;
	/* Written aside and linked into place: a reader never sees half a key, and
	 * of two processes racing to make it, the first one's key stays. */
	ck_assert_int_ge(sodium_init(), 0);
	randombytes_buf(key, sizeof(key));
	snprintf(temporary, sizeof(temporary), "%s.%d", path, (int)getpid());
	fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ck_assert_msg(fd >= 0, "cannot write %s: %s", temporary, strerror(errno));
	ck_assert_int_eq(write(fd, key, sizeof(key)), (ssize_t)sizeof(key));
	close(fd);
	if (link(temporary, path) != 0)
		ck_assert_msg(errno == EEXIST, "cannot link %s: %s", path, strerror(errno));
	unlink(temporary);
	return path;
}

const char *test_audit_key_env(void)
{
	static char entry[1100];

	if (!entry[0])
		snprintf(entry, sizeof(entry), "ERP_AUDIT_KEY_FILE=%s", test_audit_key_path());
	return entry;
}

static int cluster(const char *verb)
{
	const char *argv[] = { test_env("ERP_TEST_PG_CLUSTER"), verb, test_env("ERP_TEST_PG_DIR"),
			       NULL };

	return test_run(argv, NULL, NULL);
}

int test_cluster_stop(void)
{
	return cluster("stop");
}

int test_cluster_start(void)
{
	return cluster("start");
}

static int free_port(void)
{
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(addr);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;

	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&addr, &len) == 0)
		port = ntohs(addr.sin_port);
	close(fd);
	return port;
}

static bool server_answers(struct test_server *server)
{
	struct test_response r;
	char url[128];
	bool ok;

	snprintf(url, sizeof(url), "%s/healthz", server->base_url);
	ok = test_http("GET", url, NULL, NULL, 0, &r) == 0 && r.status == 200;
	test_response_free(&r);
	return ok;
}

static void show_log(const struct test_server *server)
{
	char *log = test_server_log(server);

	fprintf(stderr, "--- server log %s ---\n%s\n---\n", server->log_path, log ? log : "(none)");
	free(log);
}

int test_server_start(struct test_server *server, const char *binary, const char *database_url,
		      const char *const extra_env[])
{
	char path[1024];
	static int counter;
	const char *key_path = test_audit_key_path();
	pid_t starter;

	snprintf(path, sizeof(path), "%s/%s", test_env("ERP_TEST_BUILD"), binary);
	for (int attempt = 0; attempt < 5; attempt++) {
		int status;

		memset(server, 0, sizeof(*server));
		server->port = free_port();
		snprintf(server->base_url, sizeof(server->base_url), "http://127.0.0.1:%d", server->port);
		snprintf(server->log_path, sizeof(server->log_path), "%s/test-logs/server-%d-%d.log",
			 test_env("ERP_TEST_BUILD"), (int)getpid(), counter++);
		unlink(server->log_path);
		starter = getpid();
		server->pid = fork();
		if (server->pid < 0)
			return -1;
		if (server->pid == 0) {
			char port[16];
			int fd;

			/*
			 * Ends with the thread that started it: a fixture's failed
			 * assertion ends the test binary before any teardown, which
			 * would leave the server running.
			 */
			if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() != starter)
				_exit(127);
			fd = open(server->log_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

			if (fd >= 0) {
				dup2(fd, STDOUT_FILENO);
				dup2(fd, STDERR_FILENO);
				close(fd);
			}
			snprintf(port, sizeof(port), "%d", server->port);
			setenv("ERP_HTTP_PORT", port, 1);
			setenv("ERP_HTTP_ADDR", "127.0.0.1", 1);
			setenv("ERP_DATABASE_URL", database_url, 1);
			setenv("ERP_ENV", "test", 1);
			setenv("ERP_MIGRATIONS_DIR", test_env("ERP_TEST_MIGRATIONS_DIR"), 1);
			setenv("ERP_THREADS", "4", 0);
			setenv("ERP_AUDIT_KEY_FILE", key_path, 1);
			for (const char *const *e = extra_env; e && *e; e++)
				putenv((char *)*e);
			execl(path, path, "serve", (char *)NULL);
			_exit(127);
		}
		for (int i = 0; i < 200; i++) {
			if (server_answers(server))
				return 0;
			if (waitpid(server->pid, &status, WNOHANG) == server->pid) {
				server->pid = 0;
				break;
			}
			usleep(50 * 1000);
		}
		if (server->pid) {
			show_log(server);
			test_server_stop(server);
			return -1;
		}
		/* It exited: most likely the port was taken meanwhile; try another. */
	}
	show_log(server);
	return -1;
}

int test_server_stop(struct test_server *server)
{
	int status;

	if (server->pid <= 0)
		return -1;
	kill(server->pid, SIGTERM);
	while (waitpid(server->pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	server->pid = 0;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

char *test_server_log(const struct test_server *server)
{
	FILE *f = fopen(server->log_path, "rb");
	char *text;
	long size;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fseek(f, 0, SEEK_SET);
	text = malloc((size_t)size + 1);
	if (text) {
		size_t n = fread(text, 1, (size_t)size, f);
		text[n] = '\0';
	}
	fclose(f);
	return text;
}

struct buffer {
	char *data;
	size_t length;
};

static size_t collect(char *data, size_t size, size_t count, void *userdata)
{
	struct buffer *b = userdata;
	size_t n = size * count;
	char *grown = realloc(b->data, b->length + n + 1);

	if (!grown)
		return 0;
	b->data = grown;
	memcpy(b->data + b->length, data, n);
	b->length += n;
	b->data[b->length] = '\0';
	return n;
}

int test_http(const char *method, const char *url, const char *const headers[], const char *body,
	      size_t body_length, struct test_response *response)
{
	return test_http_from(NULL, method, url, headers, body, body_length, response);
}

int test_http_from(const char *source_address, const char *method, const char *url,
		   const char *const headers[], const char *body, size_t body_length,
		   struct test_response *response)
{
	CURL *curl = curl_easy_init();
	char interface[80];
	struct curl_slist *list = NULL;
	struct buffer content = { NULL, 0 }, head = { NULL, 0 };
	CURLcode rc;

	memset(response, 0, sizeof(*response));
	if (!curl)
		return -1;
	for (const char *const *h = headers; h && *h; h++)
		list = curl_slist_append(list, *h);
	/* curl adds "Expect: 100-continue" to large uploads; keep requests plain. */
	list = curl_slist_append(list, "Expect:");
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &content);
	curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, collect);
	curl_easy_setopt(curl, CURLOPT_HEADERDATA, &head);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	if (source_address) {
		/* "host!": an address to bind, never an interface name to look up. */
		snprintf(interface, sizeof(interface), "host!%s", source_address);
		curl_easy_setopt(curl, CURLOPT_INTERFACE, interface);
	}
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
	if (body) {
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_length);
	}
	rc = curl_easy_perform(curl);
	if (rc == CURLE_OK)
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response->status);
	curl_slist_free_all(list);
	curl_easy_cleanup(curl);
	response->body = content.data ? content.data : strdup("");
	response->body_length = content.length;
	response->headers = head.data ? head.data : strdup("");
	if (rc != CURLE_OK)
		return -1;
	response->json = json_loadb(response->body, response->body_length, 0, NULL);
	return 0;
}

char *test_response_header(const struct test_response *response, const char *name)
{
	size_t len = strlen(name);

	for (const char *line = response->headers; line && *line;) {
		const char *end = strstr(line, "\r\n");

		if (!end)
			break;
		if ((size_t)(end - line) > len && strncasecmp(line, name, len) == 0 && line[len] == ':') {
			const char *value = line + len + 1;

			while (*value == ' ')
				value++;
			return strndup(value, (size_t)(end - value));
		}
		line = end + 2;
	}
	return NULL;
}

void test_response_free(struct test_response *response)
{
	free(response->body);
	free(response->headers);
	json_decref(response->json);
	memset(response, 0, sizeof(*response));
}

char *test_read_file(const char *path)
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
	ck_assert_int_eq(fread(text, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	return text;
}

int test_run_tool(const char *tool, const char *root, char **output)
{
	char path[1024], log[] = "/tmp/erp-tool.XXXXXX";
	const char *argv[] = { path, root, NULL };
	int fd = mkstemp(log), status;

	ck_assert_int_ge(fd, 0);
	close(fd);
	snprintf(path, sizeof(path), "%s/%s", test_env("ERP_TEST_REPO"), tool);
	status = test_run(argv, NULL, log);
	*output = test_read_file(log);
	unlink(log);
	return status;
}
