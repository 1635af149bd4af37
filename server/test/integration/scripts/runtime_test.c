/*
 * The governed script runtime (server/scripts/runtime), driven through a real
 * script, erp-seed-roles, against a migrated throw-away database: dry runs,
 * the CI and production guards, usage errors, failures half-way, the audit
 * rows of every outcome, killed and concurrent runs, and the append-only
 * audit table.
 */
#include <check.h>
#include <jansson.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test/support/check_main.h"
#include "test/support/script_fixture.h"
#include "test/support/testlib.h"


/* The seeded catalog's size, read from the file the script reads (the build's merged catalog). */
static int catalog_count(bool permissions)
{
	char path[1024];
	json_t *root, *role;
	size_t i;
	int count = 0;

	snprintf(path, sizeof(path), "%s/gen/role-catalog.json", test_env("ERP_TEST_BUILD"));
	root = json_load_file(path, 0, NULL);
	ck_assert_ptr_nonnull(root);
	json_array_foreach(json_object_get(root, "roles"), i, role)
		count += permissions ? (int)json_array_size(json_object_get(role, "permissions")) : 1;
	json_decref(root);
	return count;
}

static const char *catalog_summary(void)
{
	static char text[128];

	snprintf(text, sizeof(text), "(roles %d, role_permissions %d, authz_version 1)",
		 catalog_count(false), catalog_count(true));
	return text;
}

static char catalog_path[64];

static void write_catalog(const char *json)
{
	FILE *f;

	snprintf(catalog_path, sizeof(catalog_path), "/tmp/erp-catalog.XXXXXX");
	{
		int fd = mkstemp(catalog_path);

		ck_assert_int_ge(fd, 0);
		close(fd);
	}
	f = fopen(catalog_path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(json, f);
	fclose(f);
}

static void remove_catalog(void)
{
	if (catalog_path[0])
		unlink(catalog_path);
	catalog_path[0] = '\0';
}

/* The value of column for the end row of the latest run. */
static char *last_end(const char *url, const char *column)
{
	char sql[256];

	snprintf(sql, sizeof(sql),
		 "SELECT %s FROM script_executions WHERE phase = 'end' ORDER BY id DESC LIMIT 1",
		 column);
	return test_db_value(url, sql);
}

static void assert_last_end(const char *url, const char *column, const char *expected)
{
	char *value = last_end(url, column);

	ck_assert_msg(value != NULL, "no %s in the last end row", column);
	ck_assert_str_eq(value, expected);
	free(value);
}

static void assert_one_error_line(const struct script_run *r, const char *needle)
{
	ck_assert_msg(script_fixture_lines(r->err) == 1, "stderr is not one line: %s", r->err);
	ck_assert_msg(strstr(r->err, needle) != NULL, "stderr lacks \"%s\": %s", needle, r->err);
}

static long roles(const char *url)
{
	return script_fixture_count(url, "SELECT count(*) FROM roles");
}

START_TEST(dry_run_commits_nothing_but_is_audited)
{
	const char *url = script_fixture_database("t_rt_dry");
	const char *args[] = { "--env", "test", "--dry-run", NULL };
	struct script_run r;
	char *version_before = test_db_value(url, "SELECT version FROM authz_version");
	char *version_after;

	script_fixture_run(&r, url, "seed-roles", args, NULL, NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "created role administrator"));
	ck_assert_ptr_nonnull(strstr(r.out, "dry run: rolled back, nothing was changed"));
	ck_assert_str_eq(r.err, "");
	/* Nothing changed: no role, no grant, no IAM audit event, same authz version. */
	ck_assert_int_eq(roles(url), 0);
	ck_assert_int_eq(script_fixture_count(url, "SELECT count(*) FROM role_permissions"), 0);
	ck_assert_int_eq(script_fixture_count(url, "SELECT count(*) FROM audit_events WHERE action <> 'platform.catalog.synced'"), 0);
	version_after = test_db_value(url, "SELECT version FROM authz_version");
	ck_assert_str_eq(version_before, version_after);
	/* ...but the run is on record, as a dry run with what it would have changed. */
	ck_assert_int_eq(script_fixture_count(url, "SELECT count(*) FROM script_executions"), 2);
	ck_assert_int_eq(script_fixture_count(url, "SELECT count(*) FROM script_executions"
						   " WHERE phase = 'start' AND status = 'started'"
						   " AND dry_run"),
			 1);
	assert_last_end(url, "status", "dry-run");
	assert_last_end(url, "dry_run::text", "true");
	assert_last_end(url, "exit_code::text", "0");
	{
		char expected[16];

		snprintf(expected, sizeof(expected), "%d", catalog_count(false));
		assert_last_end(url, "affected->>'roles'", expected);
	}
	free(version_before);
	free(version_after);
	script_run_free(&r);
}
END_TEST

START_TEST(second_seed_run_changes_nothing)
{
	const char *url = script_fixture_database("t_rt_twice");
	const char *args[] = { "--env", "test", NULL };
	struct script_run r;

	script_fixture_run(&r, url, "seed-roles", args, NULL, NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_ptr_nonnull(strstr(r.out, catalog_summary()));
	script_run_free(&r);
	script_fixture_run(&r, url, "seed-roles", args, NULL, NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "erp-seed-roles: 0 changes\n"));
	assert_last_end(url, "affected::text", "{}");
	assert_last_end(url, "status", "succeeded");
	ck_assert_int_eq(roles(url), catalog_count(false));
	script_run_free(&r);
}
END_TEST

START_TEST(production_without_the_flags_is_refused)
{
	const char *url = script_fixture_database("t_rt_prod_refused");
	const char *bare[] = { "--env", "production", NULL };
	const char *no_reason[] = { "--env", "production", "--confirm-production=t_rt_prod_refused",
				    NULL };
	const char *wrong_db[] = { "--env", "production", "--confirm-production", "erp",
				   "--reason", "CHG-1", NULL };
	const char *const production_env[] = { "ERP_ENV=production", NULL };
	struct script_run r;

	script_fixture_run(&r, url, "seed-roles", bare, NULL, NULL);
	ck_assert_int_eq(r.status, 77);
	assert_one_error_line(&r, "refused: production: --confirm-production");
	assert_last_end(url, "status", "refused");
	assert_last_end(url, "exit_code::text", "77");
	script_run_free(&r);

	script_fixture_run(&r, url, "seed-roles", no_reason, NULL, NULL);
	ck_assert_int_eq(r.status, 77);
	assert_one_error_line(&r, "--reason");
	script_run_free(&r);

	script_fixture_run(&r, url, "seed-roles", wrong_db, NULL, NULL);
	ck_assert_int_eq(r.status, 77);
	assert_one_error_line(&r, "names \"erp\", but the database connected to is "
				  "\"t_rt_prod_refused\"");
	script_run_free(&r);

	/* ERP_ENV=production without --env is production too. */
	script_fixture_run(&r, url, "seed-roles", NULL, production_env, NULL);
	ck_assert_int_eq(r.status, 77);
	assert_last_end(url, "environment", "production");
	script_run_free(&r);

	ck_assert_int_eq(roles(url), 0);
	ck_assert_int_eq(script_fixture_count(url, "SELECT count(*) FROM script_executions"
						   " WHERE phase = 'end' AND status = 'refused'"),
			 4);
	ck_assert_int_eq(script_fixture_count(url, "SELECT count(*) FROM script_executions"), 8);
}
END_TEST

START_TEST(env_flag_cannot_contradict_erp_env)
{
	const char *url = script_fixture_database("t_rt_env_conflict");
	const char *development[] = { "--env", "development", NULL };
	const char *production[] = { "--env", "production", NULL };
	const char *const production_env[] = { "ERP_ENV=production", NULL };
	struct script_run r;

	/* A production shell: --env development must not switch the production guard off. */
	script_fixture_run(&r, url, "seed-roles", development, production_env, NULL);
	ck_assert_int_eq(r.status, 77);
	assert_one_error_line(&r, "--env development contradicts ERP_ENV=production");
	assert_last_end(url, "status", "refused");
	script_run_free(&r);
	/* Agreeing names are fine (and then production asks for its confirmation). */
	script_fixture_run(&r, url, "seed-roles", production, production_env, NULL);
	ck_assert_int_eq(r.status, 77);
	assert_one_error_line(&r, "--confirm-production");
	script_run_free(&r);
	ck_assert_int_eq(roles(url), 0);
}
END_TEST

START_TEST(production_with_the_flags_runs)
{
	const char *url = script_fixture_database("t_rt_prod_ok");
	const char *args[] = { "--env", "production", "--confirm-production=t_rt_prod_ok",
			       "--reason", "CHG-4711 initial roles", NULL };
	struct script_run r;

	script_fixture_run(&r, url, "seed-roles", args, NULL, NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_int_eq(roles(url), catalog_count(false));
	assert_last_end(url, "status", "succeeded");
	assert_last_end(url, "reason", "CHG-4711 initial roles");
	assert_last_end(url, "arguments->>'confirm-production'", "t_rt_prod_ok");
	/* The IAM audit trail carries the run id and the reason too. */
	ck_assert_int_eq(script_fixture_count(url,
					      "SELECT count(*) FROM audit_events e, script_executions s"
					      " WHERE s.phase = 'end'"
					      "   AND e.request_id = 'script:' || s.run_id"
					      "   AND e.reason = 'CHG-4711 initial roles'"
					      "   AND e.action = 'iam.role.created'"),
			 catalog_count(false));
	script_run_free(&r);
}
END_TEST

START_TEST(ci_refuses_every_environment_but_test)
{
	const char *url = script_fixture_database("t_rt_ci");
	const char *development[] = { "--env", "development", NULL };
	const char *production[] = { "--env", "production", "--confirm-production=t_rt_ci",
				     "--reason", "x", NULL };
	const char *test_env_args[] = { "--env", "test", NULL };
	const char *const ci[] = { "CI=true", NULL };
	struct script_run r;

	script_fixture_run(&r, url, "seed-roles", development, ci, NULL);
	ck_assert_int_eq(r.status, 77);
	assert_one_error_line(&r, "CI is set");
	assert_last_end(url, "status", "refused");
	assert_last_end(url, "environment", "development");
	script_run_free(&r);

	script_fixture_run(&r, url, "seed-roles", production, ci, NULL);
	ck_assert_int_eq(r.status, 77);
	assert_one_error_line(&r, "CI is set");
	script_run_free(&r);
	ck_assert_int_eq(roles(url), 0);

	script_fixture_run(&r, url, "seed-roles", test_env_args, ci, NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_int_eq(roles(url), catalog_count(false));
	script_run_free(&r);
}
END_TEST

START_TEST(failure_half_way_leaves_no_partial_change)
{
	const char *url = script_fixture_database("t_rt_halfway");
	struct script_run r;
	const char *args[] = { "--env", "test", "--catalog", catalog_path, NULL };

	/* The first role is fine and is written before the second one fails. */
	write_catalog("{\"roles\": ["
		      " {\"name\": \"alpha\", \"description\": \"a\", \"permissions\": [\"iam.user.read\"]},"
		      " {\"name\": \"beta\", \"description\": \"b\","
		      "  \"permissions\": [\"iam.role.read\", \"iam.no.such\"]}]}");
	script_fixture_run(&r, url, "seed-roles", args, NULL, NULL);
	ck_assert_int_eq(r.status, 65);
	assert_one_error_line(&r, "role \"beta\": unknown permission \"iam.no.such\"");
	ck_assert_ptr_nonnull(strstr(r.out, "created role alpha"));
	ck_assert_ptr_nonnull(strstr(r.out, "rolled back, nothing was changed"));
	ck_assert_int_eq(roles(url), 0);
	ck_assert_int_eq(script_fixture_count(url, "SELECT count(*) FROM audit_events WHERE action <> 'platform.catalog.synced'"), 0);
	assert_last_end(url, "status", "failed");
	assert_last_end(url, "exit_code::text", "65");
	assert_last_end(url, "affected::text", "{}");
	{
		char *message = last_end(url, "message");

		ck_assert_ptr_nonnull(strstr(message, "iam.no.such"));
		free(message);
	}
	script_run_free(&r);
	remove_catalog();
}
END_TEST

START_TEST(a_seed_that_would_give_a_user_both_sides_is_refused)
{
	const char *url = script_fixture_database("t_rt_user_sod");
	const char *args[] = { "--env", "test", "--catalog", catalog_path, NULL };
	struct script_run r;

	write_catalog("{\"roles\": ["
		      " {\"name\": \"reviewer\", \"description\": \"r\", \"permissions\": [\"iam.audit.read\"]},"
		      " {\"name\": \"helper\", \"description\": \"h\", \"permissions\": [\"iam.user.read\"]}]}");
	script_fixture_run(&r, url, "seed-roles", args, NULL, NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	script_run_free(&r);
	remove_catalog();
	/* One user holds both roles, which is clean today. */
	ck_assert_int_eq(test_db_exec(url,
		"INSERT INTO users (id, email, display_name, password_hash)"
		" VALUES (gen_random_uuid(), 'both@example.com', 'Both', 'x');"
		"INSERT INTO role_assignments (id, user_id, role_id)"
		" SELECT gen_random_uuid(), u.id, r.id FROM users u, roles r"
		" WHERE r.name IN ('reviewer', 'helper')"), 0);

	/* Each role stays clean alone, but the user would hold both sides of a pair. */
	write_catalog("{\"roles\": ["
		      " {\"name\": \"reviewer\", \"description\": \"r\", \"permissions\": [\"iam.audit.read\"]},"
		      " {\"name\": \"helper\", \"description\": \"h\", \"permissions\": [\"iam.user.manage\"]}]}");
	script_fixture_run(&r, url, "seed-roles", args, NULL, NULL);
	ck_assert_int_eq(r.status, 65);
	assert_one_error_line(&r, "both@example.com both iam.audit.read and iam.user.manage");
	script_run_free(&r);
	remove_catalog();
	ck_assert_int_eq(script_fixture_count(url, "SELECT count(*) FROM role_permissions"
						   " WHERE permission = 'iam.user.manage'"), 0);
}
END_TEST

START_TEST(bad_catalogs_are_data_errors_naming_the_entry)
{
	const char *url = script_fixture_database("t_rt_bad_catalog");
	const char *args[] = { "--env", "test", "--catalog", catalog_path, NULL };
	const char *missing[] = { "--env", "test", "--catalog", "/nonexistent/catalog.json", NULL };
	struct script_run r;

	write_catalog("{\"roles\": [{\"name\": \"mixed\", \"description\": \"\","
		      " \"permissions\": [\"iam.user.manage\", \"iam.audit.read\"]}]}");
	script_fixture_run(&r, url, "seed-roles", args, NULL, NULL);
	ck_assert_int_eq(r.status, 65);
	assert_one_error_line(&r, "role \"mixed\" holds both iam.audit.read and iam.user.manage");
	script_run_free(&r);
	remove_catalog();

	write_catalog("{\"roles\": [{\"name\": \"x\",\n \"permissions\": [}]}");
	script_fixture_run(&r, url, "seed-roles", args, NULL, NULL);
	ck_assert_int_eq(r.status, 65);
	assert_one_error_line(&r, ":2:");
	script_run_free(&r);
	remove_catalog();

	write_catalog("{\"roles\": [{\"name\": \"x\", \"description\": \"\", \"permissions\": [],"
		      " \"extra\": 1}]}");
	script_fixture_run(&r, url, "seed-roles", args, NULL, NULL);
	ck_assert_int_eq(r.status, 65);
	assert_one_error_line(&r, "role \"x\": unknown field \"extra\"");
	script_run_free(&r);
	remove_catalog();

	script_fixture_run(&r, url, "seed-roles", missing, NULL, NULL);
	ck_assert_int_eq(r.status, 66);
	assert_one_error_line(&r, "/nonexistent/catalog.json");
	assert_last_end(url, "status", "failed");
	script_run_free(&r);
	ck_assert_int_eq(roles(url), 0);
}
END_TEST

START_TEST(usage_errors_are_audited_without_values)
{
	const char *url = script_fixture_database("t_rt_usage");
	const char *args[] = { "--env", "test", "--password=hunter2hunter2", "positional", NULL };
	const char *bad_env[] = { "--env", "prod", NULL };
	const char *swallowing[] = { "--env", "test", "--reason", "--dry-run", NULL };
	const char *not_utf8[] = { "--env", "test", "--reason", "CHG \xff", NULL };
	struct script_run r;
	char *arguments;

	script_fixture_run(&r, url, "seed-roles", args, NULL, NULL);
	ck_assert_int_eq(r.status, 64);
	assert_one_error_line(&r, "unknown flag --password");
	ck_assert_ptr_null(strstr(r.err, "hunter2"));
	assert_last_end(url, "status", "failed");
	assert_last_end(url, "exit_code::text", "64");
	arguments = last_end(url, "arguments::text");
	ck_assert_ptr_null(strstr(arguments, "hunter2"));
	ck_assert_ptr_nonnull(strstr(arguments, "\"unknown-flags\": [\"--password\"]"));
	ck_assert_ptr_nonnull(strstr(arguments, "\"positional-arguments\": 1"));
	free(arguments);
	/* Nothing in the whole table holds the value. */
	ck_assert_int_eq(script_fixture_count(url, "SELECT count(*) FROM script_executions"
						   " WHERE arguments::text LIKE '%hunter2%'"),
			 0);
	script_run_free(&r);

	script_fixture_run(&r, url, "seed-roles", bad_env, NULL, NULL);
	ck_assert_int_eq(r.status, 64);
	assert_one_error_line(&r, "--env must be development, test, staging or production");
	script_run_free(&r);

	/* A value that is not UTF-8 is a usage error, and the run is still on the record. */
	script_fixture_run(&r, url, "seed-roles", not_utf8, NULL, NULL);
	ck_assert_int_eq(r.status, 64);
	assert_one_error_line(&r, "--reason is not valid UTF-8");
	arguments = last_end(url, "arguments::text");
	ck_assert_ptr_nonnull(strstr(arguments, "(not UTF-8)"));
	free(arguments);
	script_run_free(&r);

	/* A forgotten value must not swallow the next flag: this run would not be a dry run. */
	script_fixture_run(&r, url, "seed-roles", swallowing, NULL, NULL);
	ck_assert_int_eq(r.status, 64);
	assert_one_error_line(&r, "--reason needs a value");
	script_run_free(&r);
	ck_assert_int_eq(roles(url), 0);
}
END_TEST

START_TEST(the_chain_does_not_depend_on_the_shell_encoding)
{
	const char *url = script_fixture_database("t_rt_encoding");
	const char *args[] = { "--env", "test", "--dry-run", "--reason", "CHG-1 M\xc3\xbcller", NULL };
	const char *const latin1[] = { "PGCLIENTENCODING=LATIN1", NULL };
	struct script_run r;

	script_fixture_run(&r, url, "seed-roles", args, latin1, NULL);
	ck_assert_int_eq(r.status, 0);
	script_run_free(&r);
	assert_last_end(url, "reason", "CHG-1 M\xc3\xbcller");
	script_fixture_verify(&r, url);
	ck_assert_msg(r.status == 0, "verify-scripts: %s", r.err);
	script_run_free(&r);
}
END_TEST

START_TEST(help_is_not_a_run)
{
	const char *url = script_fixture_database("t_rt_help");
	const char *args[] = { "--help", NULL };
	struct script_run r;

	script_fixture_run(&r, url, "seed-roles", args, NULL, NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "Usage: erp-seed-roles [flags]"));
	ck_assert_ptr_nonnull(strstr(r.out, "--confirm-production DATABASE"));
	ck_assert_ptr_nonnull(strstr(r.out, "--catalog FILE"));
	ck_assert_int_eq(script_fixture_count(url, "SELECT count(*) FROM script_executions"), 0);
	script_run_free(&r);
}
END_TEST

START_TEST(unreachable_or_unmigrated_database_is_unavailable)
{
	const char *bare = test_db_create("t_rt_unmigrated");
	const char *args[] = { "--env", "test", NULL };
	struct script_run r;

	script_fixture_run(&r, "postgresql:///nothing?host=/nonexistent", "seed-roles", args, NULL,
			   NULL);
	ck_assert_int_eq(r.status, 69);
	assert_one_error_line(&r, "cannot connect to the database");
	script_run_free(&r);

	script_fixture_run(&r, bare, "seed-roles", args, NULL, NULL);
	ck_assert_int_eq(r.status, 69);
	assert_one_error_line(&r, "run erp-server migrate first");
	script_run_free(&r);
}
END_TEST

START_TEST(executor_and_origin_are_recorded)
{
	const char *url = script_fixture_database("t_rt_executor");
	const char *args[] = { "--env", "test", "--executor", "Jane Doe (ops)", "--reason",
			       "CHG-9", NULL };
	const char *const env[] = { "SUDO_USER=alice", NULL };
	struct passwd *me = getpwuid(geteuid());
	struct script_run r;
	char *version;

	script_fixture_run(&r, url, "seed-roles", args, env, NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_int_eq(script_fixture_count(url, "SELECT count(DISTINCT run_id) FROM script_executions"),
			 1);
	ck_assert_int_eq(script_fixture_count(url, "SELECT count(*) FROM script_executions"
						   " WHERE executor = 'Jane Doe (ops)'"
						   "   AND sudo_user = 'alice' AND reason = 'CHG-9'"
						   "   AND script = 'seed-roles' AND environment = 'test'"
						   "   AND database_name = 't_rt_executor'"
						   "   AND host <> '' AND started_at <= now()"),
			 2);
	ck_assert_ptr_nonnull(me);
	assert_last_end(url, "executor_os_user", me->pw_name);
	assert_last_end(url, "(ended_at >= started_at)::text", "true");
	version = last_end(url, "binary_version");
	ck_assert_ptr_nonnull(version);
	ck_assert_uint_gt(strlen(version), 0);
	free(version);
	script_run_free(&r);
}
END_TEST

START_TEST(killed_run_stays_visible)
{
	const char *url = script_fixture_database("t_rt_killed");
	const char *args[] = { "--env", "test", NULL };
	PGconn *blocker = PQconnectdb(url);
	PGresult *res;
	struct script_run verify;
	pid_t pid;
	int status;
	long started = 0;

	/* Hold the roles table so the run waits inside its work, then kill it there. */
	ck_assert_int_eq(PQstatus(blocker), CONNECTION_OK);
	res = PQexec(blocker, "BEGIN; LOCK TABLE roles IN ACCESS EXCLUSIVE MODE");
	ck_assert_int_eq(PQresultStatus(res), PGRES_COMMAND_OK);
	PQclear(res);
	pid = script_fixture_spawn(url, "seed-roles", args, NULL);
	for (int i = 0; i < 200 && started == 0; i++) {
		started = script_fixture_count(url, "SELECT count(*) FROM script_executions");
		if (!started)
			usleep(25000);
	}
	ck_assert_int_eq(started, 1);
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	res = PQexec(blocker, "ROLLBACK");
	PQclear(res);
	PQfinish(blocker);

	ck_assert_int_eq(script_fixture_count(url, "SELECT count(*) FROM script_executions"
						   " WHERE phase = 'start'"),
			 1);
	ck_assert_int_eq(script_fixture_count(url, "SELECT count(*) FROM script_executions"
						   " WHERE phase = 'end'"),
			 0);
	ck_assert_int_eq(roles(url), 0);
	script_fixture_verify(&verify, url);
	ck_assert_int_eq(verify.status, 0);
	ck_assert_ptr_nonnull(strstr(verify.out, "runs without an end row (killed, or still running): 1"));
	script_run_free(&verify);
}
END_TEST

START_TEST(concurrent_runs_keep_one_chain)
{
	enum { RUNS = 6 };
	const char *url = script_fixture_database("t_rt_concurrent");
	const char *args[] = { "--env", "test", NULL };
	struct script_run verify;
	pid_t pids[RUNS];

	for (int i = 0; i < RUNS; i++)
		pids[i] = script_fixture_spawn(url, "seed-roles", args, NULL);
	for (int i = 0; i < RUNS; i++) {
		int status;

		ck_assert_int_eq(waitpid(pids[i], &status, 0), pids[i]);
		ck_assert(WIFEXITED(status));
		ck_assert_int_eq(WEXITSTATUS(status), 0);
	}
	ck_assert_int_eq(script_fixture_count(url, "SELECT count(*) FROM script_executions"),
			 2 * RUNS);
	/* Exactly one run created the roles; every other one found them. */
	ck_assert_int_eq(script_fixture_count(url, "SELECT count(*) FROM script_executions"
						   " WHERE phase = 'end' AND affected <> '{}'"),
			 1);
	ck_assert_int_eq(roles(url), catalog_count(false));
	script_fixture_verify(&verify, url);
	ck_assert_msg(verify.status == 0, "%s", verify.err);
	ck_assert_ptr_nonnull(strstr(verify.out, "12 rows, chain intact"));
	script_run_free(&verify);
}
END_TEST

/*
 * Runs sql as the given URL's user and asserts it fails with SQLSTATE 42501
 * and a message containing needle (NULL: asserts that it succeeds).
 */
static void assert_refused(const char *url, const char *sql, const char *needle)
{
	test_db_expect(url, sql, needle ? "42501" : NULL, needle);
}

START_TEST(audit_table_is_append_only)
{
	const char *url = script_fixture_database("t_rt_append_only");
	const char *args[] = { "--env", "test", NULL };
	char app_url[1100];
	const char *at = strstr(url, "postgres@");
	struct script_run r;

	script_fixture_run(&r, url, "seed-roles", args, NULL, NULL);
	ck_assert_int_eq(r.status, 0);
	script_run_free(&r);

	/* As the owner (a superuser even): the triggers refuse. */
	assert_refused(url, "UPDATE script_executions SET status = 'failed' WHERE phase = 'end'",
		       "script_executions is append-only: UPDATE is not allowed");
	assert_refused(url, "DELETE FROM script_executions",
		       "script_executions is append-only: DELETE is not allowed");
	assert_refused(url, "TRUNCATE script_executions",
		       "script_executions is append-only: TRUNCATE is not allowed");

	/* As a login role of the application: no privilege at all. */
	ck_assert_int_eq(test_db_exec(url, "DROP ROLE IF EXISTS t_rt_app;"
					   "CREATE ROLE t_rt_app LOGIN IN ROLE erp_app"),
			 0);
	ck_assert_ptr_nonnull(at);
	snprintf(app_url, sizeof(app_url), "%.*st_rt_app@%s", (int)(at - url), url,
		 at + strlen("postgres@"));
	assert_refused(app_url, "SELECT count(*) FROM script_executions", NULL);
	assert_refused(app_url, "UPDATE script_executions SET status = 'failed'",
		       "permission denied for table script_executions");
	assert_refused(app_url, "DELETE FROM script_executions",
		       "permission denied for table script_executions");
	assert_refused(app_url, "TRUNCATE script_executions",
		       "permission denied for table script_executions");
	ck_assert_int_eq(script_fixture_count(url, "SELECT count(*) FROM script_executions"
						   " WHERE status = 'succeeded'"),
			 1);
	ck_assert_int_eq(test_db_exec(url, "DROP ROLE t_rt_app"), 0);
}
END_TEST

Suite *test_suite(void)
{
	Suite *suite = suite_create("scripts runtime");
	TCase *tc = tcase_create("runtime");

	tcase_add_test(tc, dry_run_commits_nothing_but_is_audited);
	tcase_add_test(tc, second_seed_run_changes_nothing);
	tcase_add_test(tc, production_without_the_flags_is_refused);
	tcase_add_test(tc, env_flag_cannot_contradict_erp_env);
	tcase_add_test(tc, production_with_the_flags_runs);
	tcase_add_test(tc, ci_refuses_every_environment_but_test);
	tcase_add_test(tc, failure_half_way_leaves_no_partial_change);
	tcase_add_test(tc, a_seed_that_would_give_a_user_both_sides_is_refused);
	tcase_add_test(tc, bad_catalogs_are_data_errors_naming_the_entry);
	tcase_add_test(tc, usage_errors_are_audited_without_values);
	tcase_add_test(tc, the_chain_does_not_depend_on_the_shell_encoding);
	tcase_add_test(tc, help_is_not_a_run);
	tcase_add_test(tc, unreachable_or_unmigrated_database_is_unavailable);
	tcase_add_test(tc, executor_and_origin_are_recorded);
	tcase_add_test(tc, killed_run_stays_visible);
	tcase_add_test(tc, concurrent_runs_keep_one_chain);
	tcase_add_test(tc, audit_table_is_append_only);
	suite_add_tcase(suite, tc);
	return suite;
}
