/* erp-migrate-roles (server/scripts/migrate-roles.c): plans against a database of users and roles. */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test/support/check_main.h"
#include "test/support/script_fixture.h"
#include "test/support/testlib.h"

/*
 * The installation server/scripts/plans/example.json was written for:
 *   owner  people-admin globally
 *   alice  readers and company-viewer in ACME, user-viewer globally
 *   bob    user-viewer in ACME
 *   carol  company-viewer and user-viewer in ACME
 *   dave   readers globally
 *   erin   legacy-support in GLOBEX
 */
static const char setup_sql[] =
	"INSERT INTO companies (id, code, name, currency) VALUES"
	" (gen_random_uuid(), 'ACME', 'Acme', 'EUR'), (gen_random_uuid(), 'GLOBEX', 'Globex', 'USD');"
	"INSERT INTO users (id, email, display_name, password_hash)"
	" SELECT gen_random_uuid(), e || '@example.com', e, 'x'"
	"   FROM unnest(ARRAY['owner', 'alice', 'bob', 'carol', 'dave', 'erin']) e;"
	"INSERT INTO roles (id, name) SELECT gen_random_uuid(), n FROM unnest(ARRAY["
	"  'readers', 'company-viewer', 'user-viewer', 'people-admin', 'legacy-support']) n;"
	"INSERT INTO role_permissions (role_id, permission)"
	" SELECT r.id, p FROM roles r, LATERAL unnest(CASE r.name"
	"   WHEN 'readers' THEN ARRAY['iam.company.read', 'iam.user.read']"
	"   WHEN 'company-viewer' THEN ARRAY['iam.company.read']"
	"   WHEN 'user-viewer' THEN ARRAY['iam.user.read']"
	"   WHEN 'people-admin' THEN ARRAY['iam.user.read', 'iam.user.manage', 'iam.assignment.read']"
	"   WHEN 'legacy-support' THEN ARRAY['iam.user.read'] END) p;"
	"INSERT INTO role_assignments (id, user_id, role_id, company_id)"
	" SELECT gen_random_uuid(), u.id, r.id, c.id"
	"   FROM (VALUES ('owner', 'people-admin', NULL), ('alice', 'readers', 'ACME'),"
	"                ('alice', 'company-viewer', 'ACME'), ('alice', 'user-viewer', NULL),"
	"                ('bob', 'user-viewer', 'ACME'), ('carol', 'company-viewer', 'ACME'),"
	"                ('carol', 'user-viewer', 'ACME'), ('dave', 'readers', NULL),"
	"                ('erin', 'legacy-support', 'GLOBEX')) g(usr, role, company)"
	"   JOIN users u ON u.email = g.usr || '@example.com'"
	"   JOIN roles r ON r.name = g.role"
	"   LEFT JOIN companies c ON c.code = g.company;";

/* The documented example plan (tests run from the repository root). */
#define ERP_TEST_PLAN_PATH "server/scripts/plans/example.json"

static char plan_path[64];

static const char *installation(const char *name)
{
	const char *url = script_fixture_database(name);

	ck_assert_int_eq(test_db_exec(url, setup_sql), 0);
	return url;
}

static const char *write_plan(const char *json)
{
	FILE *f;
	int fd;

	snprintf(plan_path, sizeof(plan_path), "/tmp/erp-plan.XXXXXX");
	fd = mkstemp(plan_path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	ck_assert_ptr_nonnull(f);
	fputs(json, f);
	fclose(f);
	return plan_path;
}

static void migrate(struct script_run *r, const char *url, const char *plan, const char *extra)
{
	const char *args[] = { "--env", "test", "--plan", plan, extra, NULL };

	script_fixture_run(r, url, "migrate-roles", args, NULL, NULL);
	if (plan == plan_path)
		unlink(plan_path);
}

/* The roles user holds in company (code, or NULL: globally), "a,b" sorted; "" for none. */
static char *roles_of(const char *url, const char *user, const char *company)
{
	char sql[512], *value;

	snprintf(sql, sizeof(sql),
		 "SELECT coalesce(string_agg(r.name, ',' ORDER BY r.name), '')"
		 "  FROM role_assignments a JOIN roles r ON r.id = a.role_id"
		 "  JOIN users u ON u.id = a.user_id LEFT JOIN companies c ON c.id = a.company_id"
		 " WHERE u.email = '%s@example.com' AND c.code IS NOT DISTINCT FROM %s%s%s",
		 user, company ? "'" : "", company ? company : "NULL", company ? "'" : "");
	value = test_db_value(url, sql);
	ck_assert_ptr_nonnull(value);
	return value;
}

static void assert_roles(const char *url, const char *user, const char *company,
			 const char *expected)
{
	char *value = roles_of(url, user, company);

	ck_assert_msg(strcmp(value, expected) == 0, "%s in %s: [%s], expected [%s]", user,
		      company ? company : "global", value, expected);
	free(value);
}

static void assert_permissions(const char *url, const char *role, const char *expected)
{
	char sql[256], *value;

	snprintf(sql, sizeof(sql),
		 "SELECT coalesce(string_agg(rp.permission, ',' ORDER BY rp.permission), '')"
		 "  FROM roles r LEFT JOIN role_permissions rp ON rp.role_id = r.id"
		 " WHERE r.name = '%s' GROUP BY r.id",
		 role);
	value = test_db_value(url, sql);
	ck_assert_msg(value != NULL, "no role %s", role);
	ck_assert_str_eq(value, expected);
	free(value);
}

static long count(const char *url, const char *sql)
{
	return script_fixture_count(url, sql);
}

static bool role_exists(const char *url, const char *name)
{
	char sql[128];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM roles WHERE name = '%s'", name);
	return count(url, sql) == 1;
}

START_TEST(rename_keeps_the_assignments)
{
	const char *url = installation("t_mr_rename");
	long version = count(url, "SELECT version FROM authz_version");
	struct script_run r;

	migrate(&r, url, write_plan("{\"description\": \"t\", \"operations\": ["
				    "{\"op\": \"rename\", \"role\": \"readers\", \"to\": \"reader\"}]}"),
		NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_ptr_nonnull(strstr(r.out, "roles: renamed role readers to reader"));
	ck_assert(!role_exists(url, "readers"));
	assert_roles(url, "alice", "ACME", "company-viewer,reader");
	assert_roles(url, "dave", NULL, "reader");
	ck_assert_int_gt(count(url, "SELECT version FROM authz_version"), version);
	ck_assert_int_eq(count(url, "SELECT count(*) FROM audit_events WHERE action = 'iam.role.updated'"
				    " AND changes->'name'->>'new' = 'reader'"),
			 1);
	/* No per-user effect: the users' permissions are what they were. */
	ck_assert_ptr_nonnull(strstr(r.out, "permissions unchanged"));
	script_run_free(&r);

	/* Not idempotent: the second run finds no "readers", and changes nothing. */
	migrate(&r, url, write_plan("{\"description\": \"t\", \"operations\": ["
				    "{\"op\": \"rename\", \"role\": \"readers\", \"to\": \"reader\"}]}"),
		NULL);
	ck_assert_int_eq(r.status, 65);
	ck_assert_ptr_nonnull(strstr(r.err, "operation 1 (rename): no such role \"readers\""));
	script_run_free(&r);
}
END_TEST

START_TEST(merge_moves_holders_without_duplicates)
{
	const char *url = installation("t_mr_merge");
	struct script_run r;

	migrate(&r, url, write_plan("{\"description\": \"t\", \"operations\": [{\"op\": \"merge\","
				    " \"roles\": [\"company-viewer\", \"user-viewer\"],"
				    " \"into\": \"directory-viewer\"}]}"),
		NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert(!role_exists(url, "company-viewer"));
	ck_assert(!role_exists(url, "user-viewer"));
	assert_permissions(url, "directory-viewer", "iam.company.read,iam.user.read");
	assert_roles(url, "alice", "ACME", "directory-viewer,readers");
	assert_roles(url, "alice", NULL, "directory-viewer");
	assert_roles(url, "bob", "ACME", "directory-viewer");
	/* carol held both sources in ACME: one assignment of the merged role. */
	assert_roles(url, "carol", "ACME", "directory-viewer");
	ck_assert_ptr_nonnull(strstr(r.out, "roles: retired role company-viewer"));
	ck_assert_int_eq(count(url, "SELECT count(*) FROM audit_events"
				    " WHERE action = 'iam.role.deleted'"),
			 2);
	script_run_free(&r);
}
END_TEST

static const char split_plan[] =
	"{\"description\": \"t\", \"operations\": [{\"op\": \"split\", \"role\": \"people-admin\","
	" \"into\": [{\"role\": \"user-admin\", \"permissions\": [\"iam.user.read\", \"iam.user.manage\"]},"
	"           {\"role\": \"access-reviewer\","
	"            \"permissions\": [\"iam.assignment.read\", \"iam.audit.read\"]}]}]%s}";

START_TEST(split_refuses_a_new_sod_conflict)
{
	const char *url = installation("t_mr_split_refused");
	char plan[1024];
	struct script_run r;

	snprintf(plan, sizeof(plan), split_plan, "");
	migrate(&r, url, write_plan(plan), NULL);
	ck_assert_int_eq(r.status, 65);
	ck_assert_int_eq(script_fixture_lines(r.err), 1);
	ck_assert_msg(strstr(r.err, "segregation of duties: the plan creates 1 conflict "
				    "(owner@example.com would hold both iam.audit.read and "
				    "iam.user.manage globally)") != NULL,
		      "%s", r.err);
	/* Nothing happened. */
	ck_assert(role_exists(url, "people-admin"));
	ck_assert(!role_exists(url, "user-admin"));
	assert_roles(url, "owner", NULL, "people-admin");
	ck_assert_int_eq(count(url, "SELECT count(*) FROM audit_events WHERE action <> 'platform.catalog.synced'"), 0);
	script_run_free(&r);

	/* Accepting it for another scope or another pair is no acceptance. */
	snprintf(plan, sizeof(plan), split_plan,
		 ", \"accept_sod_conflicts\": [{\"user\": \"owner@example.com\", \"company\": \"ACME\","
		 " \"permissions\": [\"iam.audit.read\", \"iam.user.manage\"], \"reason\": \"r\"}]");
	migrate(&r, url, write_plan(plan), NULL);
	ck_assert_int_eq(r.status, 65);
	script_run_free(&r);
	ck_assert(role_exists(url, "people-admin"));
}
END_TEST

START_TEST(split_with_the_conflict_accepted)
{
	const char *url = installation("t_mr_split_accepted");
	char plan[1024];
	struct script_run r;

	snprintf(plan, sizeof(plan), split_plan,
		 ", \"accept_sod_conflicts\": [{\"user\": \"owner@example.com\", \"company\": null,"
		 " \"permissions\": [\"iam.user.manage\", \"iam.audit.read\"],"
		 " \"reason\": \"CHG-7: founder until 2027\"}]");
	migrate(&r, url, write_plan(plan), NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert(!role_exists(url, "people-admin"));
	assert_permissions(url, "user-admin", "iam.user.manage,iam.user.read");
	assert_permissions(url, "access-reviewer", "iam.assignment.read,iam.audit.read");
	assert_roles(url, "owner", NULL, "access-reviewer,user-admin");
	/* One override of exactly that pair, globally, with its reason. */
	ck_assert_int_eq(count(url, "SELECT count(*) FROM sod_overrides o"
				    " JOIN users u ON u.id = o.user_id"
				    " WHERE u.email = 'owner@example.com' AND o.company_id IS NULL"
				    "   AND o.permission_a = 'iam.audit.read'"
				    "   AND o.permission_b = 'iam.user.manage'"
				    "   AND o.reason = 'CHG-7: founder until 2027'"),
			 1);
	ck_assert_int_eq(count(url, "SELECT count(*) FROM sod_overrides"), 1);
	ck_assert_int_eq(count(url, "SELECT count(*) FROM audit_events"
				    " WHERE action = 'iam.sod.override'"),
			 1);
	/* Each says what was accepted: whose conflict, which pair, why. */
	ck_assert_int_eq(count(url, "SELECT count(*) FROM audit_events"
				    " WHERE action = 'iam.sod.override'"
				    "   AND changes->>'user' = 'owner@example.com'"
				    "   AND changes->'pair' ? 'iam.audit.read'"
				    "   AND changes->>'reason' = 'CHG-7: founder until 2027'"),
			 1);
	ck_assert_ptr_nonnull(strstr(r.out, "override of iam.audit.read / iam.user.manage"));
	script_run_free(&r);
}
END_TEST

START_TEST(dry_run_prints_each_user_before_and_after)
{
	const char *url = installation("t_mr_dry");
	const char *plan = ERP_TEST_PLAN_PATH;
	struct script_run r;
	const char *args[] = { "--env", "test", "--dry-run", "--plan", plan, NULL };

	script_fixture_run(&r, url, "migrate-roles", args, NULL, NULL);
	ck_assert_msg(r.status == 0, "%s\n%s", r.out, r.err);
	ck_assert_msg(strstr(r.out, "note: user owner@example.com globally: roles [people-admin] -> "
				    "[access-reviewer,user-admin]; permissions +iam.audit.read") != NULL,
		      "%s", r.out);
	ck_assert_msg(strstr(r.out, "note: user erin@example.com in GLOBEX: roles [legacy-support] "
				    "-> [helpdesk,reader]; permissions +iam.company.read "
				    "+iam.permission.read") != NULL,
		      "%s", r.out);
	ck_assert_ptr_nonnull(strstr(r.out, "dry run: rolled back, nothing was changed"));
	/* Nothing changed. */
	ck_assert(role_exists(url, "people-admin"));
	ck_assert(role_exists(url, "legacy-support"));
	ck_assert(!role_exists(url, "helpdesk"));
	assert_roles(url, "erin", "GLOBEX", "legacy-support");
	ck_assert_int_eq(count(url, "SELECT count(*) FROM sod_overrides"), 0);
	ck_assert_int_eq(count(url, "SELECT count(*) FROM script_executions WHERE status = 'dry-run'"),
			 1);
	script_run_free(&r);
}
END_TEST

START_TEST(the_example_plan_applies)
{
	const char *url = installation("t_mr_example");
	struct script_run r;

	migrate(&r, url, ERP_TEST_PLAN_PATH, NULL);
	ck_assert_msg(r.status == 0, "%s\n%s", r.out, r.err);
	assert_roles(url, "alice", "ACME", "directory-viewer,reader");
	assert_roles(url, "alice", NULL, "directory-viewer");
	assert_roles(url, "dave", NULL, "reader");
	assert_roles(url, "erin", "GLOBEX", "helpdesk,reader");
	assert_roles(url, "owner", NULL, "access-reviewer,user-admin");
	assert_permissions(url, "reader", "iam.company.read,iam.permission.read");
	assert_permissions(url, "helpdesk", "iam.user.read");
	ck_assert(!role_exists(url, "legacy-support"));
	ck_assert(!role_exists(url, "readers"));
	assert_roles(url, "owner", NULL, "access-reviewer,user-admin");
	script_run_free(&r);
}
END_TEST

START_TEST(retire_refuses_a_held_role)
{
	const char *url = installation("t_mr_retire");
	struct script_run r;

	migrate(&r, url, write_plan("{\"description\": \"t\", \"operations\": ["
				    "{\"op\": \"retire\", \"role\": \"legacy-support\"}]}"),
		NULL);
	ck_assert_int_eq(r.status, 65);
	ck_assert_ptr_nonnull(strstr(r.err, "role \"legacy-support\" is still held by 1 assignment"));
	ck_assert(role_exists(url, "legacy-support"));
	script_run_free(&r);

	migrate(&r, url, write_plan("{\"description\": \"t\", \"operations\": ["
				    "{\"op\": \"move_assignments\", \"from\": \"legacy-support\","
				    " \"to\": [\"readers\"]},"
				    "{\"op\": \"retire\", \"role\": \"legacy-support\"}]}"),
		NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert(!role_exists(url, "legacy-support"));
	assert_roles(url, "erin", "GLOBEX", "readers");
	script_run_free(&r);
}
END_TEST

START_TEST(a_role_may_not_hold_both_sides_of_a_pair)
{
	const char *url = installation("t_mr_role_sod");
	struct script_run r;

	migrate(&r, url, write_plan("{\"description\": \"t\", \"operations\": ["
				    "{\"op\": \"add_permissions\", \"role\": \"people-admin\","
				    " \"permissions\": [\"iam.audit.read\"]}],"
				    " \"accept_sod_conflicts\": [{\"user\": \"owner@example.com\","
				    " \"permissions\": [\"iam.audit.read\", \"iam.user.manage\"],"
				    " \"reason\": \"not for roles\"}]}"),
		NULL);
	ck_assert_int_eq(r.status, 65);
	ck_assert_ptr_nonnull(strstr(r.err, "role \"people-admin\" would hold both iam.audit.read and "
					    "iam.user.manage"));
	assert_permissions(url, "people-admin", "iam.assignment.read,iam.user.manage,iam.user.read");
	script_run_free(&r);
}
END_TEST

START_TEST(a_failing_operation_rolls_back_the_earlier_ones)
{
	const char *url = installation("t_mr_rollback");
	struct script_run r;

	migrate(&r, url, write_plan("{\"description\": \"t\", \"operations\": ["
				    "{\"op\": \"rename\", \"role\": \"readers\", \"to\": \"reader\"},"
				    "{\"op\": \"add_permissions\", \"role\": \"reader\","
				    " \"permissions\": [\"iam.no.such\"]}]}"),
		NULL);
	ck_assert_int_eq(r.status, 65);
	ck_assert_ptr_nonnull(strstr(r.err, "operation 2 (add_permissions): unknown permission "
					    "\"iam.no.such\""));
	ck_assert_ptr_nonnull(strstr(r.out, "renamed role readers to reader"));
	ck_assert(role_exists(url, "readers"));
	ck_assert(!role_exists(url, "reader"));
	ck_assert_int_eq(count(url, "SELECT count(*) FROM audit_events WHERE action <> 'platform.catalog.synced'"), 0);
	ck_assert_int_eq(count(url, "SELECT count(*) FROM script_executions"
				    " WHERE phase = 'end' AND status = 'failed' AND exit_code = 65"),
			 1);
	script_run_free(&r);
}
END_TEST

START_TEST(malformed_plans_are_refused_before_any_work)
{
	const char *url = installation("t_mr_malformed");
	const char *no_plan[] = { "--env", "test", NULL };
	struct script_run r;

	migrate(&r, url, write_plan("{\"description\": \"t\", \"operations\": ["
				    "{\"op\": \"rename\", \"role\": \"readers\", \"to\": \"reader\"},"
				    "{\"op\": \"explode\", \"role\": \"readers\"}]}"),
		NULL);
	ck_assert_int_eq(r.status, 65);
	ck_assert_ptr_nonnull(strstr(r.err, "operation 2: unknown op \"explode\""));
	script_run_free(&r);

	migrate(&r, url, write_plan("{\"description\": \"t\", \"operations\": ["
				    "{\"op\": \"rename\", \"role\": \"readers\", \"too\": \"reader\"}]}"),
		NULL);
	ck_assert_int_eq(r.status, 65);
	ck_assert_ptr_nonnull(strstr(r.err, "operation 1 (rename): unknown field \"too\""));
	script_run_free(&r);

	migrate(&r, url, write_plan("{\"operations\": [{\"op\": \"retire\", \"role\": \"x\"}]}"), NULL);
	ck_assert_int_eq(r.status, 65);
	ck_assert_ptr_nonnull(strstr(r.err, "\"description\" (what and why) is required"));
	script_run_free(&r);

	migrate(&r, url, "/nonexistent/plan.json", NULL);
	ck_assert_int_eq(r.status, 66);
	script_run_free(&r);

	script_fixture_run(&r, url, "migrate-roles", no_plan, NULL, NULL);
	ck_assert_int_eq(r.status, 64);
	ck_assert_ptr_nonnull(strstr(r.err, "--plan is required"));
	script_run_free(&r);

	ck_assert(role_exists(url, "readers"));
	ck_assert_int_eq(count(url, "SELECT count(*) FROM script_executions"
				    " WHERE phase = 'end' AND status = 'failed'"),
			 5);
}
END_TEST

Suite *test_suite(void)
{
	Suite *suite = suite_create("erp-migrate-roles");
	TCase *tc = tcase_create("migrate-roles");

	tcase_add_test(tc, rename_keeps_the_assignments);
	tcase_add_test(tc, merge_moves_holders_without_duplicates);
	tcase_add_test(tc, split_refuses_a_new_sod_conflict);
	tcase_add_test(tc, split_with_the_conflict_accepted);
	tcase_add_test(tc, dry_run_prints_each_user_before_and_after);
	tcase_add_test(tc, the_example_plan_applies);
	tcase_add_test(tc, retire_refuses_a_held_role);
	tcase_add_test(tc, a_role_may_not_hold_both_sides_of_a_pair);
	tcase_add_test(tc, a_failing_operation_rolls_back_the_earlier_ones);
	tcase_add_test(tc, malformed_plans_are_refused_before_any_work);
	suite_add_tcase(suite, tc);
	return suite;
}
