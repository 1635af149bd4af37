/*
 * deploy/db-roles.sh, the db-roles step of docker-compose.yml, against a
 * real PostgreSQL that asks for passwords over TCP, as the compose file's
 * database does (a private cluster: the suite's shared one trusts
 * everyone). Everything the compose file does with the database except
 * Docker itself: the step runs as the superuser with the password files
 * compose mounts, `erp-server migrate` connects as the owner and
 * `erp-server serve` as the login of erp_app, each through its password
 * file (passfile=), exactly as the compose file's ERP_DATABASE_URL says.
 * Refusals change nothing.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test/support/check_main.h"
#include "test/support/testlib.h"

#define SUPERUSER_PASSWORD "superuser-password-0123456789"
#define OWNER_PASSWORD "owner-password-0123456789"
#define SERVER_PASSWORD "server-password-0123456789"
#define DENIED "42501"

static char dir[] = "/tmp/erp-dr.XXXXXX"; /* the cluster, the password files */
static char cluster[64], port[16], superuser_url[256];

static void write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f;

	unlink(path);
	f = fopen(path, "w");
	ck_assert_msg(f != NULL, "cannot write %s", path);
	fputs(text, f);
	fclose(f);
	ck_assert_int_eq(chmod(path, mode), 0);
}

static void start_cluster(void)
{
	char password_file[128];

	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(chmod(dir, 0755), 0); /* as root, the cluster runs as postgres */
	snprintf(cluster, sizeof(cluster), "%s/c", dir);
	snprintf(password_file, sizeof(password_file), "%s/superuser", dir);
	write_file(password_file, SUPERUSER_PASSWORD "\n", 0600);
	{
		const char *init[] = { test_env("ERP_TEST_PG_CLUSTER"), "init", cluster, "--fast",
				       "--password-file", password_file, NULL };
		const char *start[] = { test_env("ERP_TEST_PG_CLUSTER"), "start", cluster, NULL };

		ck_assert_int_eq(test_run(init, NULL, NULL), 0);
		ck_assert_int_eq(test_run(start, NULL, NULL), 0);
	}
	{
		char path[128], *text;

		snprintf(path, sizeof(path), "%s/port", cluster);
		text = test_read_file(path);
		snprintf(port, sizeof(port), "%.*s", (int)strcspn(text, "\n"), text);
		free(text);
	}
	/* The unix socket is trusted: the test's own look at the catalogs. */
	snprintf(superuser_url, sizeof(superuser_url),
		 "postgresql://postgres@/postgres?host=%s/run&port=%s", cluster, port);
}

static void stop_cluster(void)
{
	const char *destroy[] = { test_env("ERP_TEST_PG_CLUSTER"), "destroy", cluster, NULL };
	const char *rm[] = { "/bin/rm", "-rf", dir, NULL };

	test_run(destroy, NULL, "/dev/null");
	test_run(rm, NULL, NULL);
}

/* One run's names and password files, as compose would mount them. */
struct deployment {
	const char *database, *owner, *server;
	char secrets[128]; /* ERP_SECRETS_DIR */
};

static void deployment_files(struct deployment *d, const char *owner_line, const char *server_line)
{
	char path[256], line[256];

	snprintf(d->secrets, sizeof(d->secrets), "%s/secrets-%s", dir, d->database);
	{
		const char *mkdir[] = { "/bin/mkdir", "-p", d->secrets, NULL };

		ck_assert_int_eq(test_run(mkdir, NULL, NULL), 0);
	}
	snprintf(path, sizeof(path), "%s/postgres_password", d->secrets);
	write_file(path, SUPERUSER_PASSWORD "\n", 0600);
	snprintf(path, sizeof(path), "%s/erp_owner_pgpass", d->secrets);
	snprintf(line, sizeof(line), "*:*:*:%s:%s\n", d->owner, OWNER_PASSWORD);
	write_file(path, owner_line ? owner_line : line, 0600);
	snprintf(path, sizeof(path), "%s/erp_server_pgpass", d->secrets);
	snprintf(line, sizeof(line), "*:*:*:%s:%s\n", d->server, SERVER_PASSWORD);
	write_file(path, server_line ? server_line : line, 0600);
}

/* Runs deploy/db-roles.sh for d; its output (malloc'd) in *output. */
static int db_roles(const struct deployment *d, char **output)
{
	char script[1024], log[] = "/tmp/erp-dr-log.XXXXXX";
	char host[] = "PGHOST=127.0.0.1", port_env[32], secrets[192], database[96], owner[96],
	     server[96];
	const char *argv[] = { "/bin/sh", script, NULL };
	const char *env[] = { host, port_env, "PGUSER=postgres", secrets, database, owner, server,
			      NULL };
	int fd = mkstemp(log), status;

	ck_assert_int_ge(fd, 0);
	close(fd);
	snprintf(script, sizeof(script), "%s/deploy/db-roles.sh", test_env("ERP_TEST_REPO"));
	snprintf(port_env, sizeof(port_env), "PGPORT=%s", port);
	snprintf(secrets, sizeof(secrets), "ERP_SECRETS_DIR=%s", d->secrets);
	snprintf(database, sizeof(database), "ERP_DB_NAME=%s", d->database);
	snprintf(owner, sizeof(owner), "ERP_OWNER_LOGIN=%s", d->owner);
	snprintf(server, sizeof(server), "ERP_SERVER_LOGIN=%s", d->server);
	status = test_run(argv, env, log);
	*output = test_read_file(log);
	unlink(log);
	return status;
}

/* The compose file's ERP_DATABASE_URL for a login: TCP, the password file. */
static const char *conninfo(const struct deployment *d, const char *login, const char *passfile)
{
	static char text[512];

	snprintf(text, sizeof(text), "host=127.0.0.1 port=%s dbname=%s user=%s passfile=%s/%s", port,
		 d->database, login, d->secrets, passfile);
	return text;
}

/* erp-server COMMAND connected by url, as compose's services run it; output malloc'd. */
static int erp_server(const char *command, const char *url, char **output)
{
	char binary[1024], url_env[600], migrations[1100], log[] = "/tmp/erp-dr-log.XXXXXX";
	const char *argv[] = { binary, command, NULL };
	const char *env[] = { url_env, test_audit_key_env(), migrations, "ERP_ENV=test", NULL };
	int fd = mkstemp(log), status;

	ck_assert_int_ge(fd, 0);
	close(fd);
	snprintf(binary, sizeof(binary), "%s/bin/erp-server", test_env("ERP_TEST_BUILD"));
	snprintf(url_env, sizeof(url_env), "ERP_DATABASE_URL=%s", url);
	snprintf(migrations, sizeof(migrations), "ERP_MIGRATIONS_DIR=%s",
		 test_env("ERP_TEST_MIGRATIONS_DIR"));
	status = test_run(argv, env, log);
	*output = test_read_file(log);
	unlink(log);
	return status;
}

/* sql's value, asked as the superuser in database (NULL: postgres), is expected. */
static void expect_value_in(const char *database, const char *sql, const char *expected)
{
	char url[300], *value;

	snprintf(url, sizeof(url), "postgresql://postgres@/%s?host=%s/run&port=%s",
		 database ? database : "postgres", cluster, port);
	value = test_db_value(url, sql);

	ck_assert_msg(value != NULL, "no value for %s", sql);
	ck_assert_msg(strcmp(value, expected) == 0, "%s: %s, expected %s", sql, value, expected);
	free(value);
}

static void expect_value(const char *sql, const char *expected)
{
	expect_value_in(NULL, sql, expected);
}

START_TEST(makes_the_owner_the_database_and_the_server_login)
{
	struct deployment d = { "d1", "d1_owner", "d1_server", "" };
	char *output;

	deployment_files(&d, NULL, NULL);
	/* Twice: `docker compose up` runs it every time. */
	for (int run = 0; run < 2; run++) {
		int status = db_roles(&d, &output);

		ck_assert_msg(status == 0, "run %d: exit %d\n%s", run + 1, status, output);
		ck_assert_msg(strstr(output, "db-roles: database d1 owned by d1_owner; d1_server is a "
					     "login of erp_app") != NULL,
			      "%s", output);
		free(output);
	}
	expect_value("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'd1'", "d1_owner");
	/* Both log in and are nothing more: no superuser, CREATEROLE, CREATEDB, REPLICATION. */
	expect_value("SELECT string_agg(rolname || ':' || rolcanlogin || rolsuper || rolcreaterole"
		     " || rolcreatedb || rolreplication || rolbypassrls, ',' ORDER BY rolname)"
		     "  FROM pg_roles WHERE rolname IN ('d1_owner', 'd1_server')",
		     "d1_owner:truefalsefalsefalsefalsefalse,d1_server:truefalsefalsefalsefalsefalse");
	expect_value("SELECT rolpassword LIKE 'SCRAM-SHA-256$%' FROM pg_authid"
		     " WHERE rolname = 'd1_server'",
		     "t");
	expect_value("SELECT pg_has_role('d1_server', 'erp_app', 'MEMBER')"
		     " AND NOT pg_has_role('d1_server', 'd1_owner', 'MEMBER')"
		     " AND NOT pg_has_role('d1_server', 'erp_scripts', 'MEMBER')"
		     " AND NOT pg_has_role('d1_owner', 'erp_app', 'MEMBER')",
		     "t");
	expect_value("SELECT string_agg(rolname || ':' || rolcanlogin, ',' ORDER BY rolname)"
		     "  FROM pg_roles WHERE rolname IN ('erp_app', 'erp_scripts')",
		     "erp_app:false,erp_scripts:false");
}
END_TEST

START_TEST(migrate_runs_as_the_owner_and_serve_as_the_login_of_erp_app)
{
	struct deployment d = { "d2", "d2_owner", "d2_server", "" };
	struct test_server server;
	struct test_response r;
	char url[512], readyz[128], *output;
	int status;

	deployment_files(&d, NULL, NULL);
	ck_assert_int_eq(db_roles(&d, &output), 0);
	free(output);

	status = erp_server("migrate", conninfo(&d, "d2_owner", "erp_owner_pgpass"), &output);
	ck_assert_msg(status == 0, "migrate as the owner: exit %d\n%s", status, output);
	free(output);
	expect_value_in("d2", "SELECT count(*) > 0 AND bool_and(tableowner = 'd2_owner')"
			      " FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')",
			"t");

	snprintf(url, sizeof(url), "%s", conninfo(&d, "d2_server", "erp_server_pgpass"));
	ck_assert_int_eq(test_server_start(&server, "bin/erp-server", url, NULL), 0);
	snprintf(readyz, sizeof(readyz), "%s/readyz", server.base_url);
	ck_assert_int_eq(test_http("GET", readyz, NULL, NULL, 0, &r), 0);
	ck_assert_msg(r.status == 200, "/readyz %ld: %s", r.status, r.body);
	test_response_free(&r);
	/* Every session the server opened is its login's. */
	expect_value("SELECT string_agg(DISTINCT usename, ',') FROM pg_stat_activity"
		     " WHERE datname = 'd2' AND backend_type = 'client backend'",
		     "d2_server");
	ck_assert_int_eq(test_server_stop(&server), 0);

	/* The login has erp_app's rights, never the owner's. */
	test_db_expect(url, "SELECT count(*) FROM schema_migrations", NULL, NULL);
	test_db_expect(url, "CREATE TABLE forged (id int)", DENIED, NULL);
	test_db_expect(url, "DELETE FROM schema_migrations", DENIED, NULL);
	test_db_expect(url, "SET ROLE d2_owner", DENIED, NULL);
}
END_TEST

START_TEST(the_password_files_are_the_only_way_in)
{
	struct deployment d = { "d3", "d3_owner", "d3_server", "" };
	char path[256], *output;
	int status;

	deployment_files(&d, NULL, NULL);
	ck_assert_int_eq(db_roles(&d, &output), 0);
	free(output);

	/* A file others may read: libpq ignores it, so there is no password (docs: mode 600). */
	snprintf(path, sizeof(path), "%s/loose", d.secrets);
	write_file(path, "*:*:*:d3_owner:" OWNER_PASSWORD "\n", 0644);
	status = erp_server("migrate", conninfo(&d, "d3_owner", "loose"), &output);
	ck_assert_msg(status == 69, "exit %d\n%s", status, output);
	ck_assert_msg(strstr(output, "has group or world access") != NULL, "%s", output);
	free(output);

	/* A wrong password. */
	snprintf(path, sizeof(path), "%s/wrong", d.secrets);
	write_file(path, "*:*:*:d3_owner:not-the-password-0123\n", 0600);
	status = erp_server("migrate", conninfo(&d, "d3_owner", "wrong"), &output);
	ck_assert_msg(status == 69, "exit %d\n%s", status, output);
	ck_assert_msg(strstr(output, "password authentication failed") != NULL, "%s", output);
	free(output);

	/* The password file of the server's login does not open the owner's door. */
	status = erp_server("migrate", conninfo(&d, "d3_owner", "erp_server_pgpass"), &output);
	ck_assert_msg(status == 69, "exit %d\n%s", status, output);
	free(output);
	expect_value_in("d3", "SELECT count(*) FROM pg_tables WHERE tableowner = 'd3_owner'", "0");
}
END_TEST

START_TEST(rotating_a_password_is_changing_its_file_and_running_again)
{
	struct deployment d = { "d4", "d4_owner", "d4_server", "" };
	char *output;
	int status;

	deployment_files(&d, NULL, NULL);
	ck_assert_int_eq(db_roles(&d, &output), 0);
	free(output);
	deployment_files(&d, "*:*:*:d4_owner:the-new-owner-password-42\n", NULL);
	ck_assert_int_eq(db_roles(&d, &output), 0);
	free(output);
	status = erp_server("migrate", conninfo(&d, "d4_owner", "erp_owner_pgpass"), &output);
	ck_assert_msg(status == 0, "exit %d\n%s", status, output);
	free(output);
}
END_TEST

struct refusal {
	const char *name;
	const char *database, *owner, *server;
	const char *owner_line, *server_line; /* NULL: the right one */
	const char *setup;                    /* SQL run first as the superuser, or NULL */
	const char *message;
};

static const struct refusal refusals[] = {
	{ "the server's password file names another login", "r1", "r1_owner", "r1_server", NULL,
	  "*:*:*:someone:" SERVER_PASSWORD "\n", NULL,
	  "erp_server_pgpass: expected *:*:*:r1_server:PASSWORD" },
	{ "a short password", "r2", "r2_owner", "r2_server", "*:*:*:r2_owner:short\n", NULL, NULL,
	  "erp_owner_pgpass: the password must be 16 characters or more" },
	{ "a password a password file would have to escape", "r3", "r3_owner", "r3_server",
	  "*:*:*:r3_owner:with:colon-and-more-0123\n", NULL, NULL,
	  "erp_owner_pgpass: the password may hold only A-Z a-z 0-9 . _ ~ -" },
	{ "the server's login is the owner", "r4", "r4_same", "r4_same", NULL, NULL, NULL,
	  "the server's login must not be the owner (r4_same)" },
	{ "the owner is the superuser", "r5", "postgres", "r5_server", NULL, NULL, NULL,
	  "ERP_OWNER_LOGIN 'postgres' is a reserved role name" },
	{ "a login that would need quoting", "r6", "r6_owner", "R6-Server", NULL, NULL, NULL,
	  "ERP_SERVER_LOGIN 'R6-Server' is not a lower-case identifier" },
	{ "a database someone else owns", "r7", "r7_owner", "r7_server", NULL, NULL,
	  "CREATE DATABASE r7", "database r7 is owned by postgres, not by r7_owner" },
	{ "the server's login is a member of erp_scripts", "r8", "r8_owner", "r8_server", NULL, NULL,
	  "DO $$ BEGIN CREATE ROLE erp_scripts NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL;"
	  " END $$; CREATE ROLE r8_server LOGIN; GRANT erp_scripts TO r8_server",
	  "the server's login r8_server is a member of erp_scripts" },
	{ "the server's login is a member of a superuser", "r9", "r9_owner", "r9_server", NULL, NULL,
	  "CREATE ROLE r9_server LOGIN; GRANT postgres TO r9_server",
	  "the server's login r9_server is a member of a superuser" },
	{ "the server's login is a member of the owner", "r10", "r10_owner", "r10_server", NULL, NULL,
	  "CREATE ROLE r10_owner NOLOGIN; CREATE ROLE r10_server LOGIN IN ROLE r10_owner",
	  "the server's login r10_server is a member of the owner r10_owner" },
};

START_TEST(refuses_and_changes_nothing)
{
	const struct refusal *e = &refusals[_i];
	struct deployment d = { e->database, e->owner, e->server, "" };
	char sql[512], *output;
	int status;

	deployment_files(&d, e->owner_line, e->server_line);
	if (e->setup)
		ck_assert_int_eq(test_db_exec(superuser_url, e->setup), 0);
	snprintf(sql, sizeof(sql),
		 "SELECT (SELECT count(*) FROM pg_authid WHERE rolname IN ('%s', '%s')"
		 "         AND rolcanlogin AND rolpassword IS NOT NULL)"
		 " || ',' || (SELECT count(*) FROM pg_database WHERE datname = '%s')",
		 e->owner, e->server, e->database);
	{
		char *before = test_db_value(superuser_url, sql);

		status = db_roles(&d, &output);
		ck_assert_msg(status == 1, "%s: exit %d\n%s", e->name, status, output);
		ck_assert_msg(strstr(output, e->message) != NULL, "%s: expected \"%s\" in\n%s", e->name,
			      e->message, output);
		/* No login got a password, no database appeared or went. */
		expect_value(sql, before);
		free(before);
	}
	free(output);
}
END_TEST

Suite *test_suite(void)
{
	Suite *suite = suite_create("deploy/db-roles.sh");
	TCase *tc = tcase_create("db-roles");

	tcase_add_unchecked_fixture(tc, start_cluster, stop_cluster);
	tcase_add_test(tc, makes_the_owner_the_database_and_the_server_login);
	tcase_add_test(tc, migrate_runs_as_the_owner_and_serve_as_the_login_of_erp_app);
	tcase_add_test(tc, the_password_files_are_the_only_way_in);
	tcase_add_test(tc, rotating_a_password_is_changing_its_file_and_running_again);
	tcase_add_loop_test(tc, refuses_and_changes_nothing, 0,
			    (int)(sizeof(refusals) / sizeof(refusals[0])));
	suite_add_tcase(suite, tc);
	return suite;
}
