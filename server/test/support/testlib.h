#ifndef ERP_TEST_TESTLIB_H
#define ERP_TEST_TESTLIB_H

/*
 * Helpers for integration and end-to-end tests: a real PostgreSQL (the
 * throw-away cluster tools/run-tests starts), the real erp-server binary on
 * a free port, and a libcurl client. Nothing here is mocked.
 *
 * Environment (set by tools/run-tests): ERP_TEST_DATABASE_URL,
 * ERP_TEST_PG_DIR, ERP_TEST_PG_CLUSTER, ERP_TEST_BUILD,
 * ERP_TEST_MIGRATIONS_DIR, ERP_TEST_REPO.
 */
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* The value of a required environment variable; aborts the test when unset. */
const char *test_env(const char *name);

/*
 * (Re)creates an empty database called name (lower-case identifier) in the
 * test cluster and returns its URL (static storage, valid until the next call).
 */
const char *test_db_create(const char *name);

/*
 * Creates LOGIN role login (when missing) as a member of group (erp_app,
 * erp_scripts: a migrated database must exist in the cluster) and returns
 * url with login as its user (static storage, valid until the next call).
 * Roles belong to the whole cluster: each test binary uses names of its own.
 * The test cluster trusts local connections, so no password is involved.
 */
const char *test_db_login_url(const char *url, const char *login, const char *group);

/* Runs SQL (no parameters) against url; returns 0 or -1 (message on stderr). */
int test_db_exec(const char *url, const char *sql);

/*
 * Runs sql as url's user and asserts the outcome: with sqlstate NULL it must
 * succeed; otherwise it must fail with that SQLSTATE ("42501": permission
 * denied) and, when needle is not NULL, a primary message containing needle.
 */
void test_db_expect(const char *url, const char *sql, const char *sqlstate, const char *needle);

/* Runs a query and returns the first column of the first row (malloc'd), or NULL. */
char *test_db_value(const char *url, const char *sql);

/* Stops / starts the whole test cluster (pg-cluster stop|start). 0 on success. */
int test_cluster_stop(void);
int test_cluster_start(void);

/* Runs a program and waits; returns its exit status (or -1). Output goes to log_path if set. */
int test_run(const char *const argv[], const char *const env[], const char *log_path);

/*
 * Runs the repository's tool (a path from its root: "tools/lint") on root
 * (NULL: no argument) and returns its exit status; *output gets what it
 * printed, stdout and stderr (malloc'd, the caller frees it).
 */
int test_run_tool(const char *tool, const char *root, char **output);

/* A whole file as a NUL-terminated string (malloc'd); asserts it can be read. */
char *test_read_file(const char *path);

/*
 * The audit MAC key file of this test run (ERP_AUDIT_KEY_FILE): 32 random
 * bytes, mode 600, made once under ERP_TEST_BUILD and never replaced, so a
 * server, the migrator and `audit verify-events` of one run share it.
 * test_audit_key_path() is its path, test_audit_key_env() the
 * "ERP_AUDIT_KEY_FILE=<path>" entry for environment lists (both static).
 */
const char *test_audit_key_path(void);
const char *test_audit_key_env(void);

struct test_server {
	pid_t pid;
	int port;
	char base_url[64];
	char log_path[256];
};

/*
 * Starts a server binary (path relative to ERP_TEST_BUILD, e.g.
 * "bin/erp-server-test") with `serve`, on a free port, against database_url,
 * plus extra environment entries ("NAME=value", NULL-terminated, may be
 * NULL; they win over the defaults, ERP_DATABASE_URL and the audit key file
 * of test_audit_key_path() included). Waits until /healthz answers. Returns
 * 0, or -1 with the log shown. The server gets SIGTERM when the thread
 * that started it ends, so a test binary that dies leaves none running.
 */
int test_server_start(struct test_server *server, const char *binary, const char *database_url,
		      const char *const extra_env[]);

/* Sends SIGTERM and waits; returns the exit status (or -1 / 128+signal). */
int test_server_stop(struct test_server *server);

/* The server's log so far (malloc'd), for assertions on log lines. */
char *test_server_log(const struct test_server *server);

struct test_response {
	long status;
	char *body;          /* NUL-terminated */
	size_t body_length;
	char *headers;       /* raw header block, NUL-terminated */
	json_t *json;        /* parsed body when it is JSON, else NULL */
};

/*
 * Performs one HTTP request. headers: NULL-terminated "Name: value" list.
 * body may be NULL. Returns 0 (even for 4xx/5xx) or -1 when no response
 * arrived (the transport failed).
 */
int test_http(const char *method, const char *url, const char *const headers[], const char *body,
	      size_t body_length, struct test_response *response);

/*
 * test_http() from source_address ("127.0.0.2"): every loopback address is
 * a distinct client to a server listening on 127.0.0.1. NULL: the default.
 */
int test_http_from(const char *source_address, const char *method, const char *url,
		   const char *const headers[], const char *body, size_t body_length,
		   struct test_response *response);

/* The value of a response header (case-insensitive name), malloc'd; NULL if absent. */
char *test_response_header(const struct test_response *response, const char *name);

void test_response_free(struct test_response *response);

/* Milliseconds on a monotonic clock. */
double test_now_ms(void);

#endif
