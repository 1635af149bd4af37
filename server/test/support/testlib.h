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

/* Runs SQL (no parameters) against url; returns 0 or -1 (message on stderr). */
int test_db_exec(const char *url, const char *sql);

/* Runs a query and returns the first column of the first row (malloc'd), or NULL. */
char *test_db_value(const char *url, const char *sql);

/* Stops / starts the whole test cluster (pg-cluster stop|start). 0 on success. */
int test_cluster_stop(void);
int test_cluster_start(void);

/* Runs a program and waits; returns its exit status (or -1). Output goes to log_path if set. */
int test_run(const char *const argv[], const char *const env[], const char *log_path);

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
 * NULL). Waits until /healthz answers. Returns 0, or -1 with the log shown.
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
