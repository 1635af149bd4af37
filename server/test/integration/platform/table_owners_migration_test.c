/*
 * Migration 20261205000000_table_owners moves every table into its owner's
 * schema (platform, iam, ledger). Against a database migrated to just before
 * it and filled through SQL the way the old schema held data (a company,
 * users, roles and grants, an override and a grant request, a session, a
 * throttled address, ledger settings, accounts, a period, a posted entry and
 * a draft with their lines, the numbering, audit rows, an idempotency key, a
 * script run, a published domain event), the rest of the migrations run:
 * every row is still there, now in its owner's schema; constraints and
 * triggers still refuse what they refused; new sessions find the tables
 * without a schema, and idle sessions of the old schema were ended so their
 * clients reconnect to it; erp_app does what it did and no more; migrating
 * again changes nothing; and the server is ready on the result.
 */
#include <check.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test/support/check_main.h"
#include "test/support/migration_steps.h"
#include "test/support/testlib.h"

#define OWNERS_MIGRATION "20261205000000_table_owners"
#define APP_LOGIN "t_to_app"

/* Fixed ids, so rows can be found again. */
#define COMPANY "'00000000-0000-0000-0000-0000000000c1'"
#define CLERK "'00000000-0000-0000-0000-0000000000a1'"
#define APPROVER "'00000000-0000-0000-0000-0000000000a2'"
#define ADMIN "'00000000-0000-0000-0000-0000000000a3'"
#define CLERK_ROLE "'00000000-0000-0000-0000-0000000000b1'"
#define APPROVER_ROLE "'00000000-0000-0000-0000-0000000000b2'"
#define CASH "'00000000-0000-0000-0000-0000000000d1'"
#define SALES "'00000000-0000-0000-0000-0000000000d2'"
#define POSTED "'00000000-0000-0000-0000-0000000000e1'"
#define DRAFT "'00000000-0000-0000-0000-0000000000e2'"
#define SCRIPT_RUN "0190f5b2-7a3c-7def-8123-456789abcdef"

static struct test_migration_steps steps;

static void exec_ok(const char *url, const char *sql)
{
	ck_assert_msg(test_db_exec(url, sql) == 0, "%s", sql);
}

/* What the old schema held, written as its writers wrote it; one string, one transaction. */
static const char *const old_data[] = {
	/* the catalog, as erp-server migrate wrote it (names the code declares) */
	"INSERT INTO permissions (name, module, description) VALUES"
	" ('ledger.journal.create', 'ledger', 'x'), ('ledger.journal.post', 'ledger', 'x'),"
	" ('iam.user.read', 'iam', 'x');"
	"INSERT INTO sod_rules VALUES ('ledger.journal.create', 'ledger.journal.post', 'x')",
	/* identities, roles, grants */
	"INSERT INTO companies (id, code, name, currency) VALUES (" COMPANY ", 'OWN', 'Owners', 'EUR');"
	"INSERT INTO users (id, email, display_name, password_hash) VALUES"
	" (" CLERK ", 'clerk@own.test', 'Clerk', 'x'), (" APPROVER ", 'approver@own.test', 'Approver', 'x'),"
	" (" ADMIN ", 'admin@own.test', 'Admin', 'x');"
	"INSERT INTO roles (id, name) VALUES (" CLERK_ROLE ", 'own-clerk'), (" APPROVER_ROLE ", 'own-approver');"
	"INSERT INTO role_permissions VALUES (" CLERK_ROLE ", 'ledger.journal.create'),"
	" (" CLERK_ROLE ", 'iam.user.read'), (" APPROVER_ROLE ", 'ledger.journal.post');"
	"INSERT INTO role_assignments (id, user_id, role_id, company_id, granted_by) VALUES"
	" ('00000000-0000-0000-0000-0000000000f1', " CLERK ", " CLERK_ROLE ", " COMPANY ", " ADMIN "),"
	" ('00000000-0000-0000-0000-0000000000f2', " APPROVER ", " APPROVER_ROLE ", " COMPANY ", " ADMIN ");"
	"INSERT INTO sod_overrides (id, user_id, company_id, permission_a, permission_b, assignment_id,"
	" reason, requested_by, approved_by) VALUES ('00000000-0000-0000-0000-0000000000f3', " CLERK ","
	" " COMPANY ", 'ledger.journal.create', 'ledger.journal.post',"
	" '00000000-0000-0000-0000-0000000000f1', 'kept', " APPROVER ", " ADMIN ");"
	"INSERT INTO role_grant_requests (id, user_id, role_id, role_name, role_version, company_id,"
	" requested_by) VALUES ('00000000-0000-0000-0000-0000000000f4', " CLERK ", " APPROVER_ROLE ","
	" 'own-approver', 1, " COMPANY ", " ADMIN ");"
	"INSERT INTO sessions (token_hash, user_id, expires_at) VALUES"
	" (decode(repeat('11', 32), 'hex'), " CLERK ", now() + interval '1 hour');"
	"INSERT INTO login_throttle (key, failures, window_start) VALUES ('address:192.0.2.1', 2, now());"
	"UPDATE authz_version SET version = version + 1",
	/* the ledger: settings, accounts, a period, an entry drafted with its lines */
	"INSERT INTO ledger_settings (company_id) VALUES (" COMPANY ");"
	"INSERT INTO ledger_accounts (id, company_id, code, name, type, currency, exponent) VALUES"
	" (" CASH ", " COMPANY ", '1000', 'Cash', 'asset', 'EUR', 2),"
	" (" SALES ", " COMPANY ", '4000', 'Sales', 'revenue', 'EUR', 2);"
	"INSERT INTO ledger_periods (id, company_id, fiscal_year, number, starts_on, ends_on) VALUES"
	" ('00000000-0000-0000-0000-0000000000d9', " COMPANY ", 2026, 3, '2026-03-01', '2026-03-31')",
	"INSERT INTO ledger_entries (id, company_id, entry_date, memo, author_id) VALUES"
	" (" POSTED ", " COMPANY ", '2026-03-15', 'first sale', " CLERK ");"
	"INSERT INTO ledger_lines (entry_id, line_no, company_id, account_id, debit_minor) VALUES"
	" (" POSTED ", 1, " COMPANY ", " CASH ", 12550);"
	"INSERT INTO ledger_lines (entry_id, line_no, company_id, account_id, credit_minor) VALUES"
	" (" POSTED ", 2, " COMPANY ", " SALES ", 12550)",
	/* ...posted by another user: numbered, its lines stamped */
	"INSERT INTO ledger_numbering VALUES (" COMPANY ", 2026, 1);"
	"UPDATE ledger_lines SET posted_on = '2026-03-15', posting_no = nextval('ledger_posting_no')"
	" WHERE entry_id = " POSTED ";"
	"UPDATE ledger_entries SET status = 'posted', fiscal_year = 2026, sequence = 1,"
	" number = 'JE-2026-000001', posted_by = " APPROVER ", posted_at = now(), version = version + 1"
	" WHERE id = " POSTED,
	"INSERT INTO ledger_entries (id, company_id, entry_date, memo, author_id) VALUES"
	" (" DRAFT ", " COMPANY ", '2026-03-20', 'a draft', " CLERK ");"
	"INSERT INTO ledger_lines (entry_id, line_no, company_id, account_id, debit_minor) VALUES"
	" (" DRAFT ", 1, " COMPANY ", " CASH ", 700);"
	"INSERT INTO ledger_lines (entry_id, line_no, company_id, account_id, credit_minor) VALUES"
	" (" DRAFT ", 2, " COMPANY ", " SALES ", 700)",
	/* the platform: audit rows (one of a script run), an idempotency key, the run, an event */
	"INSERT INTO audit_events (id, actor_id, action, company_id, entity, entity_id, request_id, mac)"
	" VALUES ('00000000-0000-0000-0000-00000000ee01', " CLERK ", 'ledger.journal.created', " COMPANY ","
	" 'journal_entry', " POSTED ", 'req-1', decode(repeat('ab', 32), 'hex')),"
	" ('00000000-0000-0000-0000-00000000ee02', NULL, 'iam.role.created', NULL, 'role', " CLERK_ROLE ","
	" 'script:" SCRIPT_RUN "', NULL);"
	"INSERT INTO idempotency_keys (user_id, key, request_hash, status, response) VALUES"
	" (" CLERK ", 'own-1', decode(repeat('cd', 32), 'hex'), 201, '{\"id\": \"e1\"}');"
	"INSERT INTO script_executions (run_id, phase, script, environment, host, executor_os_user,"
	" arguments, dry_run, status, started_at, binary_version, database_name, prev_hash, row_hash)"
	" VALUES ('" SCRIPT_RUN "', 'start', 'seed-roles', 'test', 'h', 'u', '{}', false, 'started',"
	" now(), 'v', 'd', decode(repeat('00', 32), 'hex'), decode(repeat('01', 32), 'hex'));"
	"INSERT INTO platform_events (id, company_id, type, entity, entity_id, payload) VALUES"
	" ('00000000-0000-0000-0000-00000000ef01', " COMPANY ", 'ledger.entry.posted', 'journal_entry',"
	" " POSTED ", '{\"number\": \"JE-2026-000001\"}')",
	"SELECT platform_events_publish(" COMPANY ")",
};

/* Tables whose rows no later migration touches, with their schema after the move. */
static const struct {
	const char *schema, *table;
} kept[] = {
	{ "iam", "users" },
	{ "iam", "companies" },
	{ "iam", "roles" },
	{ "iam", "role_permissions" },
	{ "iam", "role_assignments" },
	{ "iam", "role_grant_requests" },
	{ "iam", "sod_overrides" },
	{ "iam", "sessions" },
	{ "iam", "login_throttle" },
	{ "ledger", "ledger_settings" },
	{ "ledger", "ledger_accounts" },
	{ "ledger", "ledger_periods" },
	{ "ledger", "ledger_entries" },
	{ "ledger", "ledger_lines" },
	{ "ledger", "ledger_numbering" },
	{ "platform", "idempotency_keys" },
	{ "platform", "script_executions" },
	{ "platform", "platform_events" },
	{ "platform", "platform_event_streams" },
};
#define KEPT (sizeof(kept) / sizeof(kept[0]))

/*
 * "rows:md5 of every row's text", of table (qualified or not) and an optional
 * condition, over columns (a list as columns_of() gives it; NULL: all): a
 * later migration may add columns, and the rows must still hold what they held.
 */
static char *fingerprint(const char *url, const char *table, const char *where,
			 const char *columns)
{
	char sql[2048], row[512], *value;

	if (columns)
		snprintf(row, sizeof(row), "ROW(%s)::text", columns);
	else
		snprintf(row, sizeof(row), "t::text");
	snprintf(sql, sizeof(sql),
		 "SELECT count(*) || ':' || md5(coalesce(string_agg(%s, '|' ORDER BY %s), ''))"
		 " FROM %s t %s",
		 row, row, table, where ? where : "");
	value = test_db_value(url, sql);
	ck_assert_msg(value != NULL, "%s", sql);
	return value;
}

/* The columns table has now, in order, as "t.a, t.b" (malloc'd). */
static char *columns_of(const char *url, const char *table)
{
	char sql[512], *value;

	snprintf(sql, sizeof(sql),
		 "SELECT string_agg('t.' || quote_ident(attname), ', ' ORDER BY attnum)"
		 " FROM pg_attribute WHERE attrelid = '%s'::regclass AND attnum > 0 AND NOT attisdropped",
		 table);
	value = test_db_value(url, sql);
	ck_assert_msg(value != NULL, "%s", sql);
	return value;
}

static void expect_value(const char *url, const char *sql, const char *expected)
{
	char *value = test_db_value(url, sql);

	ck_assert_msg(value && strcmp(value, expected) == 0, "%s: expected %s, got %s", sql, expected,
		      value ? value : "(null)");
	free(value);
}

#define DENIED "42501"
#define NOT_SYNC_EVENTS "WHERE action <> 'platform.catalog.synced'"

START_TEST(the_move_keeps_every_row_and_every_rule)
{
	const char *url = test_db_create("t_table_owners_migration");
	char *before[KEPT], *columns[KEPT], *audit_before, *after, qualified[128];
	const char *app_url;
	struct test_server server;
	struct test_response r;
	char readyz[160];
	PGconn *before_move;
	PGresult *res;

	test_migration_steps_begin(&steps, "erp-owners");
	test_migration_steps_link(&steps, OWNERS_MIGRATION);
	test_migration_steps_apply_schema(&steps, url);
	expect_value(url, "SELECT to_regclass('public.users') IS NOT NULL", "t");
	for (size_t i = 0; i < sizeof(old_data) / sizeof(old_data[0]); i++)
		exec_ok(url, old_data[i]);
	for (size_t i = 0; i < KEPT; i++) {
		columns[i] = columns_of(url, kept[i].table);
		before[i] = fingerprint(url, kept[i].table, NULL, columns[i]);
	}
	audit_before = fingerprint(url, "audit_events", NOT_SYNC_EVENTS, NULL);
	ck_assert_msg(strncmp(audit_before, "2:", 2) == 0, "%s", audit_before);

	/* A session of the old schema, idle while the rest runs. */
	before_move = PQconnectdb(url);
	ck_assert_int_eq(PQstatus(before_move), CONNECTION_OK);

	test_migration_steps_link(&steps, NULL);
	test_migration_steps_migrate(&steps, url);

	/* It was ended, so its client reconnects and gets the new search_path. */
	res = PQexec(before_move, "SELECT count(*) FROM users");
	ck_assert_int_ne(PQresultStatus(res), PGRES_TUPLES_OK);
	ck_assert_int_eq(PQstatus(before_move), CONNECTION_BAD);
	PQclear(res);
	PQfinish(before_move);

	/* Every table is in its owner's schema; public keeps only the migrator's history. */
	expect_value(url,
		     "SELECT string_agg(schemaname || '.' || tablename, ' ' ORDER BY schemaname, tablename)"
		     "  FROM pg_tables WHERE schemaname IN ('public', 'platform', 'iam', 'ledger')",
		     "iam.authz_version iam.companies iam.login_throttle iam.role_assignments"
		     " iam.role_grant_requests iam.role_permissions iam.roles iam.sessions"
		     " iam.sod_overrides iam.users ledger.ledger_account_balances ledger.ledger_accounts"
		     " ledger.ledger_chain_heads"
		     " ledger.ledger_entries ledger.ledger_fiscal_years ledger.ledger_integrity_checks"
		     " ledger.ledger_lines ledger.ledger_numbering ledger.ledger_periods"
		     " ledger.ledger_settings platform.audit_events platform.idempotency_keys"
		     " platform.permissions platform.platform_event_streams platform.platform_events"
		     " platform.script_executions platform.sod_rules public.schema_migrations");
	expect_value(url, "SELECT to_regclass('ledger.ledger_posting_no') IS NOT NULL", "t");
	/* A new session finds them without a schema (a later module's schema comes after). */
	expect_value(url, "SELECT current_setting('search_path') LIKE 'public, platform, iam, ledger%'", "t");

	/* Every row is still there, read through the search_path and by its schema. */
	for (size_t i = 0; i < KEPT; i++) {
		after = fingerprint(url, kept[i].table, NULL, columns[i]);
		ck_assert_msg(strcmp(before[i], after) == 0, "%s: %s before, %s after", kept[i].table,
			      before[i], after);
		free(after);
		snprintf(qualified, sizeof(qualified), "%s.%s", kept[i].schema, kept[i].table);
		after = fingerprint(url, qualified, NULL, columns[i]);
		ck_assert_msg(strcmp(before[i], after) == 0, "%s: %s before, %s after", qualified,
			      before[i], after);
		free(after);
		free(before[i]);
		free(columns[i]);
	}
	after = fingerprint(url, "platform.audit_events", NOT_SYNC_EVENTS, NULL);
	ck_assert_str_eq(after, audit_before);
	free(after);
	free(audit_before);
	/* The catalog sync kept the permissions the roles hold, and the pair. */
	expect_value(url, "SELECT count(*) FROM platform.permissions WHERE name IN"
			  " ('ledger.journal.create', 'ledger.journal.post', 'iam.user.read')", "3");
	expect_value(url, "SELECT count(*) FROM iam.role_permissions", "3");
	expect_value(url, "SELECT count(*) FROM platform.sod_rules WHERE permission_a ="
			  " 'ledger.journal.create' AND permission_b = 'ledger.journal.post'", "1");
	expect_value(url, "SELECT version >= 2 FROM iam.authz_version", "t");

	/* Constraints and triggers moved with their tables. */
	test_db_expect(url, "UPDATE audit_events SET reason = 'changed'", DENIED, "append-only");
	test_db_expect(url, "DELETE FROM audit_events", DENIED, "append-only");
	test_db_expect(url, "TRUNCATE audit_events", DENIED, "append-only");
	test_db_expect(url, "DELETE FROM script_executions", DENIED, "append-only");
	test_db_expect(url, "DELETE FROM platform_events", DENIED, "append-only");
	test_db_expect(url, "INSERT INTO audit_events (id, action, entity) VALUES"
			    " (gen_random_uuid(), 'test.unsigned', 'test')",
		       "23514", "audit_events_mac_required");
	test_db_expect(url, "UPDATE ledger_entries SET memo = 'changed' WHERE id = " POSTED, DENIED,
		       "is posted and cannot change");
	test_db_expect(url, "DELETE FROM ledger_lines WHERE entry_id = " POSTED, DENIED,
		       "posted journal entry");
	test_db_expect(url, "UPDATE companies SET currency = 'USD' WHERE id = " COMPANY, "23001",
		       "currency");
	test_db_expect(url, "INSERT INTO users (id, email, display_name, password_hash) VALUES"
			    " (gen_random_uuid(), 'clerk@own.test', 'Twin', 'x')",
		       "23505", "users_email_key");
	test_db_expect(url, "INSERT INTO role_assignments (id, user_id, role_id) VALUES"
			    " (gen_random_uuid(), gen_random_uuid(), " CLERK_ROLE ")",
		       "23503", NULL);
	/* The approver given the clerk's role too: both sides of the pair, no override. */
	test_db_expect(url, "INSERT INTO role_assignments (id, user_id, role_id, company_id) VALUES"
			    " (gen_random_uuid(), " APPROVER ", " CLERK_ROLE ", " COMPANY ")",
		       "23000", "segregation of duties");
	test_db_expect(url, "UPDATE ledger_settings SET self_posting = true", DENIED, "confirms");

	/* erp_app does what it did, and no more. */
	app_url = test_db_login_url(url, APP_LOGIN, "erp_app");
	test_db_expect(app_url, "SELECT count(*) FROM users JOIN role_assignments ra ON ra.user_id = users.id",
		       NULL, NULL);
	test_db_expect(app_url, "UPDATE ledger_accounts SET name = 'Cash at bank' WHERE id = " CASH,
		       NULL, NULL);
	test_db_expect(app_url, "INSERT INTO idempotency_keys (user_id, key, request_hash, status,"
				" response) VALUES (" CLERK ", 'own-2', '\\x00', 201, '{}')",
		       NULL, NULL);
	test_db_expect(app_url, "INSERT INTO audit_events (id, action, entity, mac) VALUES"
				" (gen_random_uuid(), 'test.app', 'test', decode(repeat('ab', 32), 'hex'))",
		       NULL, NULL);
	test_db_expect(app_url, "SELECT nextval('ledger_posting_no')", NULL, NULL);
	test_db_expect(app_url, "INSERT INTO platform_events (id, company_id, type, entity, entity_id,"
				" payload) VALUES ('00000000-0000-0000-0000-00000000ef02', " COMPANY ","
				" 'ledger.entry.posted', 'journal_entry', " DRAFT ", '{}')",
		       NULL, NULL);
	/* The one SECURITY DEFINER function finds its tables on its new path. */
	expect_value(app_url, "SELECT platform_events_publish(" COMPANY ")", "1");
	expect_value(url, "SELECT sequence FROM platform_events"
			  " WHERE id = '00000000-0000-0000-0000-00000000ef02'", "2");
	test_db_expect(app_url, "UPDATE audit_events SET reason = 'changed'", DENIED, NULL);
	test_db_expect(app_url, "SELECT count(*) FROM platform_event_streams", DENIED, NULL);
	test_db_expect(app_url, "UPDATE permissions SET description = 'changed'", DENIED, NULL);
	test_db_expect(app_url, "INSERT INTO schema_migrations (name, checksum) VALUES ('x', 'x')",
		       DENIED, NULL);
	test_db_expect(app_url, "CREATE TABLE iam.forged (id int)", DENIED, NULL);
	test_db_expect(app_url, "CREATE TABLE ledger.forged (id int)", DENIED, NULL);
	test_db_expect(app_url, "CREATE TABLE platform.forged (id int)", DENIED, NULL);

	/* Migrating again finds the history where the migrator keeps it: nothing to do. */
	expect_value(url, "SELECT count(*) FROM public.schema_migrations"
			  " WHERE name = '" OWNERS_MIGRATION "'", "1");
	test_migration_steps_migrate(&steps, url);
	expect_value(url, "SELECT count(*) = count(DISTINCT name) FROM schema_migrations", "t");

	/* The server reads the history and the catalog, and is ready. */
	ck_assert_int_eq(test_server_start(&server, "bin/erp-server-test", url, NULL), 0);
	snprintf(readyz, sizeof(readyz), "%s/readyz", server.base_url);
	ck_assert_int_eq(test_http("GET", readyz, NULL, NULL, 0, &r), 0);
	ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
	test_response_free(&r);
	test_server_stop(&server);
	test_migration_steps_end(&steps);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("integration/platform/table_owners_migration");
	TCase *tc = tcase_create("move");

	tcase_add_test(tc, the_move_keeps_every_row_and_every_rule);
	suite_add_tcase(s, tc);
	return s;
}
