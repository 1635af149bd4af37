#ifndef ERP_TEST_SCRIPT_FIXTURE_H
#define ERP_TEST_SCRIPT_FIXTURE_H

/*
 * Running the admin scripts (build/bin/erp-*) in integration tests, against
 * the throw-away cluster of tools/run-tests only.
 *
 * A script runs in an environment built from scratch: PATH, the sanitizer
 * options of the test run, ERP_DATABASE_URL, and what the test adds. Nothing
 * else leaks in from the test process (not CI, not ERP_ENV), so a test
 * behaves the same on a developer's machine and under CI=true, and each test
 * that wants CI set says so.
 */
#include <stdbool.h>
#include <sys/types.h>

/* (Re)creates database name and migrates it with bin/erp-server; returns its URL (static). */
const char *script_fixture_database(const char *name);

struct script_run {
	int status;  /* exit status, or 128 + signal */
	char *out;   /* stdout, NUL-terminated */
	char *err;   /* stderr, NUL-terminated */
};

/*
 * Runs bin/erp-<script> with args (NULL-terminated; may be NULL) against url.
 * extra_env: "NAME=value" entries (NULL-terminated; may be NULL). stdin_text
 * is the script's standard input (NULL: empty). Asserts that it ran.
 */
void script_fixture_run(struct script_run *run, const char *url, const char *script,
			const char *const args[], const char *const extra_env[],
			const char *stdin_text);

/* Starts the same in the background (stdout and stderr discarded); returns its pid. */
pid_t script_fixture_spawn(const char *url, const char *script, const char *const args[],
			   const char *const extra_env[]);

void script_run_free(struct script_run *run);

/* The number of lines in text (a last line without '\n' counts). */
int script_fixture_lines(const char *text);

/* test_db_value() as a long; aborts the test when the query gives no value. */
long script_fixture_count(const char *url, const char *sql);

/*
 * Runs `erp-server audit <args>` (args NULL-terminated) against url, with
 * the run's audit key file (test_audit_key_env()).
 */
void script_fixture_audit(struct script_run *run, const char *url, const char *const args[]);

/* Runs `erp-server audit verify-scripts` against url. */
void script_fixture_verify(struct script_run *run, const char *url);

#endif
