/*
 * The database roles and the audit trail's own rules (migration
 * 20261203000900_database_roles): connected as LOGIN roles that are members
 * of erp_app or erp_scripts, every write a role must not make is refused by
 * PostgreSQL itself, and the admin scripts run as an erp_scripts login. The
 * owners' schemas (migration 20261205000000_table_owners) are theirs to use,
 * never to change.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test/support/check_main.h"
#include "test/support/script_fixture.h"
#include "test/support/testlib.h"

/* Login roles of this binary (roles belong to the whole test cluster). */
#define APP_LOGIN "t_dr_app"
#define SCRIPTS_LOGIN "t_dr_scripts"

static const char *owner_url;
static char app_url[1024], scripts_url[1024];

static void setup_app(void)
{
	owner_url = script_fixture_database("t_db_roles");
	snprintf(app_url, sizeof(app_url), "%s", test_db_login_url(owner_url, APP_LOGIN, "erp_app"));
}

static void setup_both(void)
{
	setup_app();
	snprintf(scripts_url, sizeof(scripts_url), "%s",
		 test_db_login_url(owner_url, SCRIPTS_LOGIN, "erp_scripts"));
}

#define DENIED "42501"

/* A script_executions row the chain would not accept, but privileges come first. */
#define SCRIPT_ROW                                                                              \
	"INSERT INTO script_executions (run_id, phase, script, environment, host,"              \
	" executor_os_user, arguments, dry_run, status, started_at, binary_version,"            \
	" database_name, prev_hash, row_hash) VALUES (gen_random_uuid(), 'start', 'forged',"   \
	" 'test', 'h', 'u', '{}', false, 'started', now(), 'v', 'd',"                           \
	" decode(repeat('00', 32), 'hex'), decode(repeat('00', 32), 'hex'))"

/* An audit row with a (meaningless) 32-byte MAC, so only privileges and triggers decide. */
#define EVENT_ROW(request_id)                                                                   \
	"INSERT INTO audit_events (id, action, entity, request_id, mac) VALUES"                 \
	" (gen_random_uuid(), 'test.forged', 'test', " request_id ","                           \
	" decode(repeat('ab', 32), 'hex'))"

static const char *const app_refused[] = {
	/* the scripts' trail: read, never written */
	SCRIPT_ROW,
	"UPDATE script_executions SET host = 'elsewhere'",
	"DELETE FROM script_executions",
	"TRUNCATE script_executions",
	"SELECT nextval('script_executions_id_seq')",
	/* catalogs written by erp-server migrate as the owner */
	"INSERT INTO permissions (name, module, description) VALUES ('x.y', 'x', 'forged')",
	"UPDATE permissions SET description = 'changed'",
	"DELETE FROM permissions",
	"TRUNCATE permissions CASCADE",
	"INSERT INTO sod_rules (permission_a, permission_b, description)"
	" VALUES ('iam.audit.read', 'iam.user.read', 'forged')",
	"UPDATE sod_rules SET description = 'changed'",
	"DELETE FROM sod_rules",
	"TRUNCATE sod_rules",
	"INSERT INTO schema_migrations (name, checksum) VALUES ('29990101000000_forged', 'x')",
	"UPDATE schema_migrations SET checksum = 'changed'",
	"DELETE FROM schema_migrations",
	"TRUNCATE schema_migrations",
	/* the audit trail only grows */
	"UPDATE audit_events SET actor_id = NULL",
	"DELETE FROM audit_events",
	"TRUNCATE audit_events",
	/* ...and a script run's rows are the scripts' own (the trigger) */
	EVENT_ROW("'script:0190f5b2-7a3c-7def-8123-456789abcdef'"),
	/* no schema changes */
	"CREATE TABLE forged (id int)",
	"ALTER TABLE audit_events DISABLE TRIGGER audit_events_stamp",
};

START_TEST(app_login_is_refused_every_write_it_must_not_make)
{
	for (size_t i = 0; i < sizeof(app_refused) / sizeof(app_refused[0]); i++)
		test_db_expect(app_url, app_refused[i], DENIED, NULL);
	test_db_expect(app_url, EVENT_ROW("'script:x'"), DENIED, "reserved for the admin scripts");
	ck_assert_int_eq(script_fixture_count(owner_url, "SELECT count(*) FROM script_executions"), 0);
	ck_assert_int_eq(script_fixture_count(owner_url, "SELECT count(*) FROM audit_events"
							 " WHERE action = 'test.forged'"),
			 0);
}
END_TEST

START_TEST(app_login_reads_what_the_server_reads)
{
	const char *const reads[] = {
		"SELECT count(*) FROM script_executions", "SELECT count(*) FROM permissions",
		"SELECT count(*) FROM sod_rules",         "SELECT count(*) FROM schema_migrations",
		"SELECT count(*) FROM audit_events",
	};

	for (size_t i = 0; i < sizeof(reads) / sizeof(reads[0]); i++)
		test_db_expect(app_url, reads[i], NULL, NULL);
	test_db_expect(app_url, EVENT_ROW("'0190f5b2-7a3c-7def-8123-456789abcdef'"), NULL, NULL);
}
END_TEST

/*
 * A function that runs with its owner's rights names pg_temp last on its
 * search_path: else the caller's temporary tables, views and functions
 * come first for every unqualified name in it and in the triggers it
 * fires (PostgreSQL searches an unnamed pg_temp before anything else).
 */
START_TEST(security_definer_functions_name_pg_temp_last)
{
	char *unpinned = test_db_value(owner_url,
		"SELECT coalesce(string_agg(p.oid::regprocedure::text, ', '), 'none') FROM pg_proc p"
		" WHERE p.prosecdef AND NOT EXISTS (SELECT FROM unnest(coalesce(p.proconfig, '{}')) c"
		"   WHERE c ~ '^search_path=.*pg_temp$')");

	ck_assert_ptr_nonnull(unpinned);
	ck_assert_msg(strcmp(unpinned, "none") == 0, "without pg_temp last: %s", unpinned);
	free(unpinned);
}
END_TEST

START_TEST(occurred_at_is_the_database_clock_whatever_was_sent)
{
	test_db_expect(app_url,
	       "INSERT INTO audit_events (id, occurred_at, action, entity, mac) VALUES"
	       " ('0190f5b2-0000-7000-8000-0000000000e1', '2001-01-01T00:00:00Z', 'test.backdated',"
	       " 'test', decode(repeat('ab', 32), 'hex'))",
	       NULL, NULL);
	ck_assert_int_eq(script_fixture_count(owner_url,
					      "SELECT count(*) FROM audit_events"
					      " WHERE id = '0190f5b2-0000-7000-8000-0000000000e1'"
					      "   AND occurred_at > now() - interval '1 minute'"),
			 1);
}
END_TEST

START_TEST(only_a_script_runs_rows_go_without_a_mac)
{
	/* Not even the owner writes an unsigned row outside a script run. */
	test_db_expect(app_url, "INSERT INTO audit_events (id, action, entity) VALUES"
			" (gen_random_uuid(), 'test.unsigned', 'test')",
	       "23514", "audit_events_mac_required");
	test_db_expect(owner_url, "INSERT INTO audit_events (id, action, entity, request_id) VALUES"
			  " (gen_random_uuid(), 'test.unsigned', 'test', 'erp-server migrate')",
	       "23514", "audit_events_mac_required");
	test_db_expect(app_url, "INSERT INTO audit_events (id, action, entity, mac) VALUES"
			" (gen_random_uuid(), 'test.short', 'test', '\\x00')",
	       "23514", "audit_events_mac_length");
	test_db_expect(scripts_url, "INSERT INTO audit_events (id, action, entity, request_id) VALUES"
			    " (gen_random_uuid(), 'test.script', 'test',"
			    "  'script:0190f5b2-7a3c-7def-8123-456789abcdef')",
	       NULL, NULL);
	/* A script run's row never names an actor. */
	test_db_expect(scripts_url, "INSERT INTO audit_events (id, actor_id, action, entity, request_id)"
			    " VALUES (gen_random_uuid(), gen_random_uuid(), 'test.script', 'test',"
			    "  'script:0190f5b2-7a3c-7def-8123-456789abcdef')",
	       "23514", "audit_events_script_rows_have_no_actor");
}
END_TEST

static const char *const scripts_refused[] = {
	"UPDATE script_executions SET host = 'elsewhere'",
	"DELETE FROM script_executions",
	"TRUNCATE script_executions",
	"SELECT password_hash FROM users",
	"SELECT count(*) FROM sessions",
	"UPDATE users SET active = false",
	"UPDATE audit_events SET actor_id = NULL",
	"SELECT count(*) FROM audit_events",
	"UPDATE permissions SET description = 'changed'",
	"INSERT INTO schema_migrations (name, checksum) VALUES ('29990101000000_forged', 'x')",
	"SELECT count(*) FROM ledger_entries",
	"CREATE TABLE forged (id int)",
};

START_TEST(scripts_login_has_what_the_scripts_need_and_no_more)
{
	for (size_t i = 0; i < sizeof(scripts_refused) / sizeof(scripts_refused[0]); i++)
		test_db_expect(scripts_url, scripts_refused[i], DENIED, NULL);
	/* The other role that may append to the scripts' trail (the owner is the first). */
	test_db_expect(scripts_url, SCRIPT_ROW, NULL, NULL);
	test_db_expect(scripts_url, "SELECT id, email, display_name, active FROM users", NULL, NULL);
}
END_TEST

/* Tables of later migrations: erp_app reads and writes them, erp_scripts gets nothing unasked. */
START_TEST(later_tables_get_the_default_grants)
{
	ck_assert_int_eq(test_db_exec(owner_url, "CREATE TABLE later_thing (id bigserial PRIMARY KEY,"
						 " name text)"),
			 0);
	test_db_expect(app_url, "INSERT INTO later_thing (name) VALUES ('a')", NULL, NULL);
	test_db_expect(app_url, "UPDATE later_thing SET name = 'b'", NULL, NULL);
	test_db_expect(app_url, "DELETE FROM later_thing", NULL, NULL);
	test_db_expect(app_url, "TRUNCATE later_thing", DENIED, NULL);
	test_db_expect(scripts_url, "SELECT count(*) FROM later_thing", DENIED, NULL);
	test_db_expect(scripts_url, "INSERT INTO later_thing (name) VALUES ('a')", DENIED, NULL);
}
END_TEST

/*
 * The owners' schemas (migration 20261205000000_table_owners): both roles look
 * names up in each, neither creates anything there, and rights stay per table;
 * a later table in an owner's schema gets the same default grants as above.
 */
START_TEST(owners_schemas_are_used_never_changed)
{
	static const char *const schemas[] = { "platform", "iam", "ledger" };
	char sql[256];

	for (size_t i = 0; i < sizeof(schemas) / sizeof(schemas[0]); i++) {
		snprintf(sql, sizeof(sql),
			 "SELECT count(*) FROM (VALUES ('erp_app'), ('erp_scripts')) r(role)"
			 " WHERE has_schema_privilege(role, '%s', 'USAGE')"
			 "   AND NOT has_schema_privilege(role, '%s', 'CREATE')",
			 schemas[i], schemas[i]);
		ck_assert_int_eq(script_fixture_count(owner_url, sql), 2);
		snprintf(sql, sizeof(sql), "CREATE TABLE %s.forged (id int)", schemas[i]);
		test_db_expect(app_url, sql, DENIED, NULL);
		test_db_expect(scripts_url, sql, DENIED, NULL);
	}
	ck_assert_int_eq(test_db_exec(owner_url, "CREATE TABLE ledger.ledger_later (id bigserial"
						 " PRIMARY KEY, name text)"),
			 0);
	test_db_expect(app_url, "INSERT INTO ledger_later (name) VALUES ('a')", NULL, NULL);
	test_db_expect(app_url, "DELETE FROM ledger.ledger_later", NULL, NULL);
	test_db_expect(app_url, "TRUNCATE ledger_later", DENIED, NULL);
	test_db_expect(scripts_url, "SELECT count(*) FROM ledger_later", DENIED, NULL);
}
END_TEST

/* A new module's schema (platform_module_schema, the module kit's migration calls it). */
START_TEST(a_module_schema_gets_its_grants_and_its_place_on_the_path)
{
	ck_assert_int_eq(test_db_exec(owner_url, "SELECT platform_module_schema('t_dr_module');"
						 "CREATE TABLE t_dr_module.t_dr_module_items (id bigserial"
						 " PRIMARY KEY, name text)"),
			 0);
	/* Found without its schema by every later session, written by erp_app. */
	test_db_expect(app_url, "INSERT INTO t_dr_module_items (name) VALUES ('a')", NULL, NULL);
	test_db_expect(app_url, "UPDATE t_dr_module_items SET name = 'b'", NULL, NULL);
	test_db_expect(scripts_url, "SELECT count(*) FROM t_dr_module_items", DENIED, NULL);
	test_db_expect(app_url, "CREATE TABLE t_dr_module.forged (id int)", DENIED, NULL);
	ck_assert_int_eq(script_fixture_count(owner_url,
					      "SELECT count(*) FROM pg_db_role_setting s, unnest(s.setconfig) c"
					      " WHERE s.setdatabase = (SELECT oid FROM pg_database"
					      "                         WHERE datname = current_database())"
					      "   AND c LIKE 'search_path=public, platform, iam, ledger%, t_dr_module'"),
			 1);
	/* Twice is once. */
	ck_assert_int_eq(test_db_exec(owner_url, "SELECT platform_module_schema('t_dr_module')"), 0);
	ck_assert_int_eq(script_fixture_count(owner_url,
					      "SELECT count(*) FROM pg_db_role_setting s, unnest(s.setconfig) c"
					      " WHERE c LIKE 'search_path=%t_dr_module, t_dr_module%'"),
			 0);
	/* Only migrations make schemas, and only of module names. */
	test_db_expect(app_url, "SELECT platform_module_schema('t_dr_other')", DENIED, NULL);
	test_db_expect(owner_url, "SELECT platform_module_schema('Not-A-Module')", "22023", NULL);
	test_db_expect(owner_url, "SELECT platform_module_schema('pg_mine')", "22023", NULL);
}
END_TEST

static const char plan[] =
	"{\"description\": \"CHG-TEST: roles reshaped by an erp_scripts login\","
	" \"operations\": ["
	"  {\"op\": \"create\", \"role\": \"helpdesk\", \"permissions\": [\"iam.user.read\", \"iam.user.manage\"]},"
	"  {\"op\": \"create\", \"role\": \"reviewer\", \"permissions\": [\"iam.audit.read\"]},"
	"  {\"op\": \"rename\", \"role\": \"clerk\", \"to\": \"bookkeeper\"},"
	"  {\"op\": \"remove_permissions\", \"role\": \"bookkeeper\", \"permissions\": [\"iam.company.read\"]},"
	"  {\"op\": \"move_assignments\", \"from\": \"administrator\", \"to\": [\"helpdesk\", \"reviewer\"]},"
	"  {\"op\": \"retire\", \"role\": \"administrator\"}],"
	" \"accept_sod_conflicts\": [{\"user\": \"admin@roles.test\", \"company\": null,"
	"  \"permissions\": [\"iam.audit.read\", \"iam.user.manage\"], \"reason\": \"CHG-TEST\"}]}";

static void run_as_scripts(const char *script, const char *const args[], const char *const env[])
{
	struct script_run r;

	script_fixture_run(&r, scripts_url, script, args, env, NULL);
	ck_assert_msg(r.status == 0, "erp-%s as " SCRIPTS_LOGIN ": exit %d: %s%s", script, r.status,
		      r.out, r.err);
	ck_assert_ptr_nonnull(strstr(r.out, "audit chain head: "));
	script_run_free(&r);
}

START_TEST(admin_scripts_run_as_an_erp_scripts_login)
{
	const char *const seed_roles[] = { "--env", "test", NULL };
	const char *const seed_admin[] = { "--env", "test", "--email", "admin@roles.test", NULL };
	const char *const password[] = { "ERP_SEED_ADMIN_PASSWORD=correct horse battery", NULL };
	char plan_path[] = "/tmp/erp-roles-plan.XXXXXX";
	const char *const migrate_roles[] = { "--env", "test", "--plan", plan_path, NULL };
	const char *const grant_role[] = { "--env", "test", "--email", "admin@roles.test", "--role",
					   "bookkeeper", NULL };
	const char *const verify_events[] = { "verify-events", NULL };
	struct script_run r;
	int fd = mkstemp(plan_path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, plan, strlen(plan)), (ssize_t)strlen(plan));
	close(fd);
	run_as_scripts("seed-roles", seed_roles, NULL);
	run_as_scripts("seed-admin", seed_admin, password);
	run_as_scripts("migrate-roles", migrate_roles, NULL);
	run_as_scripts("grant-role", grant_role, NULL);
	unlink(plan_path);
	ck_assert_int_eq(script_fixture_count(owner_url, "SELECT count(*) FROM sod_overrides"
							 " WHERE permission_a = 'iam.audit.read'"
							 "   AND permission_b = 'iam.user.manage'"
							 "   AND reason = 'CHG-TEST'"),
			 1);
	ck_assert_int_eq(script_fixture_count(owner_url, "SELECT count(*) FROM role_assignments a"
							 " JOIN roles r ON r.id = a.role_id"
							 " JOIN users u ON u.id = a.user_id"
							 " WHERE r.name = 'bookkeeper' AND u.email = 'admin@roles.test'"),
			 1);
	/* Both trails verify, and the scripts' rows are theirs: no MAC, a known run, no actor. */
	script_fixture_verify(&r, app_url);
	ck_assert_msg(r.status == 0, "%s", r.err);
	script_run_free(&r);
	script_fixture_audit(&r, app_url, verify_events);
	ck_assert_msg(r.status == 0, "%s%s", r.out, r.err);
	script_run_free(&r);
}
END_TEST

Suite *test_suite(void)
{
	Suite *suite = suite_create("database roles");
	TCase *app = tcase_create("erp_app");
	TCase *scripts = tcase_create("erp_scripts");

	tcase_add_checked_fixture(app, setup_app, NULL);
	tcase_add_test(app, app_login_is_refused_every_write_it_must_not_make);
	tcase_add_test(app, app_login_reads_what_the_server_reads);
	tcase_add_test(app, occurred_at_is_the_database_clock_whatever_was_sent);
	tcase_add_test(app, security_definer_functions_name_pg_temp_last);
	suite_add_tcase(suite, app);
	tcase_add_checked_fixture(scripts, setup_both, NULL);
	tcase_add_test(scripts, only_a_script_runs_rows_go_without_a_mac);
	tcase_add_test(scripts, later_tables_get_the_default_grants);
	tcase_add_test(scripts, owners_schemas_are_used_never_changed);
	tcase_add_test(scripts, a_module_schema_gets_its_grants_and_its_place_on_the_path);
	tcase_add_test(scripts, scripts_login_has_what_the_scripts_need_and_no_more);
	tcase_add_test(scripts, admin_scripts_run_as_an_erp_scripts_login);
	suite_add_tcase(suite, scripts);
	return suite;
}
