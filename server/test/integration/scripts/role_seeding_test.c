/*
 * erp-seed-roles never silently undoes somebody else's change to a system
 * role, and erp-grant-role gives a company with one administrator its first
 * privileged grants under the API's segregation-of-duties rule, never
 * overriding it. Both run as executables against throw-away databases.
 */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test/support/check_main.h"
#include "test/support/script_fixture.h"
#include "test/support/testlib.h"

static const char *const test_env_args[] = { "--env", "test", NULL };

static void seed(const char *url, struct script_run *r, const char *const args[])
{
	script_fixture_run(r, url, "seed-roles", args ? args : test_env_args, NULL, NULL);
	ck_assert_msg(r->status == 0, "%s\n%s", r->out, r->err);
}

static char *permissions_of(const char *url, const char *role)
{
	char sql[256];

	snprintf(sql, sizeof(sql),
		 "SELECT string_agg(permission, ',' ORDER BY permission) FROM role_permissions"
		 " WHERE role_id = (SELECT id FROM roles WHERE name = '%s')", role);
	return test_db_value(url, sql);
}

START_TEST(a_changed_system_role_is_kept_and_reported_not_reverted)
{
	const char *url = script_fixture_database("t_seed_kept");
	const char *reset[] = { "--env", "test", "--reset", "clerk", NULL };
	struct script_run r;
	char *before, *after;

	seed(url, &r, NULL);
	script_run_free(&r);
	before = permissions_of(url, "clerk");
	/* Someone with database access (or a role-migration plan) narrows the clerk. */
	ck_assert_int_eq(test_db_exec(url, "DELETE FROM role_permissions WHERE permission = 'ledger.period.read'"
					   " AND role_id = (SELECT id FROM roles WHERE name = 'clerk')"), 0);
	seed(url, &r, NULL);
	ck_assert_ptr_nonnull(strstr(r.out, "role clerk was changed since the last seed (-ledger.period.read)"));
	ck_assert_ptr_nonnull(strstr(r.out, "--reset clerk"));
	ck_assert_ptr_nonnull(strstr(r.out, "1 role kept as changed since the last seed"));
	ck_assert_ptr_nonnull(strstr(r.out, "erp-seed-roles: 0 changes\n"));
	script_run_free(&r);
	after = permissions_of(url, "clerk");
	ck_assert_ptr_null(strstr(after, "ledger.period.read"));
	free(after);
	/* Asked for by name, the catalog is applied again. */
	seed(url, &r, reset);
	ck_assert_ptr_nonnull(strstr(r.out, "clerk: granted ledger.period.read"));
	script_run_free(&r);
	after = permissions_of(url, "clerk");
	ck_assert_str_eq(after, before);
	free(after);
	free(before);
	/* And it counts as seeded again: the next run changes nothing and keeps nothing. */
	seed(url, &r, NULL);
	ck_assert_ptr_nonnull(strstr(r.out, "erp-seed-roles: 0 changes\n"));
	ck_assert_msg(strstr(r.out, "kept as changed") == NULL, "%s", r.out);
	script_run_free(&r);
}
END_TEST

START_TEST(a_role_made_over_the_api_under_a_catalog_name_is_never_taken_over)
{
	const char *url = script_fixture_database("t_seed_api_role");
	struct script_run r;
	char *system;

	ck_assert_int_eq(test_db_exec(url, "INSERT INTO roles (id, name, description)"
					   " VALUES (gen_random_uuid(), 'clerk', 'ours')"), 0);
	seed(url, &r, NULL);
	ck_assert_ptr_nonnull(strstr(r.out, "role clerk exists but was made over the API"));
	script_run_free(&r);
	system = test_db_value(url, "SELECT system::text || ':' || description FROM roles"
				    " WHERE name = 'clerk'");
	ck_assert_str_eq(system, "false:ours");
	free(system);
}
END_TEST

/* A migrated, seeded database with a company and two users. */
static const char *company_database(const char *name)
{
	const char *url = script_fixture_database(name);
	struct script_run r;

	seed(url, &r, NULL);
	script_run_free(&r);
	ck_assert_int_eq(test_db_exec(url,
				      "INSERT INTO companies (id, code, name, currency)"
				      " VALUES (gen_random_uuid(), 'ACME', 'Acme', 'EUR');"
				      "INSERT INTO users (id, email, display_name, password_hash) VALUES"
				      " (gen_random_uuid(), 'bea@example.com', 'Bea', 'x'),"
				      " (gen_random_uuid(), 'al@example.com', 'Al', 'x')"), 0);
	return url;
}

static void grant(struct script_run *r, const char *url, const char *email, const char *role,
		  const char *company, bool dry_run)
{
	const char *args[12];
	int n = 0;

	args[n++] = "--env";
	args[n++] = "test";
	args[n++] = "--email";
	args[n++] = email;
	args[n++] = "--role";
	args[n++] = role;
	if (company) {
		args[n++] = "--company";
		args[n++] = company;
	}
	if (dry_run)
		args[n++] = "--dry-run";
	args[n] = NULL;
	script_fixture_run(r, url, "grant-role", args, NULL, NULL);
}

START_TEST(the_first_grants_of_a_company_come_from_the_grant_script)
{
	const char *url = company_database("t_grant_role");
	struct script_run r;

	grant(&r, url, "bea@example.com", "accountant", "ACME", true);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_ptr_nonnull(strstr(r.out, "granted accountant to bea@example.com in ACME"));
	script_run_free(&r);
	ck_assert_int_eq(script_fixture_count(url, "SELECT count(*) FROM role_assignments"), 0);

	grant(&r, url, "Bea@Example.com", "accountant", "ACME", false);
	ck_assert_msg(r.status == 0, "%s", r.err);
	script_run_free(&r);
	grant(&r, url, "al@example.com", "approver", "ACME", false);
	ck_assert_msg(r.status == 0, "%s", r.err);
	script_run_free(&r);
	ck_assert_int_eq(script_fixture_count(url, "SELECT count(*) FROM role_assignments"), 2);
	/* Audited with the company, joined to the run. */
	ck_assert_int_eq(script_fixture_count(url,
					      "SELECT count(*) FROM audit_events e JOIN companies c"
					      " ON c.id = e.company_id WHERE c.code = 'ACME'"
					      " AND e.action = 'iam.assignment.granted'"
					      " AND e.request_id LIKE 'script:%'"),
			 2);
	/* Twice is once. */
	grant(&r, url, "al@example.com", "approver", "ACME", false);
	ck_assert_int_eq(r.status, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "already holds approver in ACME"));
	script_run_free(&r);
	ck_assert_int_eq(script_fixture_count(url, "SELECT count(*) FROM role_assignments"), 2);
}
END_TEST

START_TEST(the_grant_script_never_overrides_segregation_of_duties)
{
	const char *url = company_database("t_grant_role_sod");
	struct script_run r;

	grant(&r, url, "bea@example.com", "accountant", "ACME", false);
	ck_assert_int_eq(r.status, 0);
	script_run_free(&r);
	/* The approver's posting beside the accountant's entry writing: refused, nothing written. */
	grant(&r, url, "bea@example.com", "approver", NULL, false);
	ck_assert_int_eq(r.status, 65);
	ck_assert_ptr_nonnull(strstr(r.err, "never overrides"));
	ck_assert_ptr_nonnull(strstr(r.out, "ledger.journal.create and ledger.journal.post in ACME"));
	script_run_free(&r);
	ck_assert_int_eq(script_fixture_count(url, "SELECT count(*) FROM role_assignments"), 1);
	ck_assert_int_eq(script_fixture_count(url, "SELECT count(*) FROM script_executions"
						   " WHERE script = 'grant-role' AND status = 'failed'"),
			 1);
	/* Unknown names are data errors, not crashes. */
	grant(&r, url, "nobody@example.com", "accountant", "ACME", false);
	ck_assert_int_eq(r.status, 65);
	script_run_free(&r);
	grant(&r, url, "bea@example.com", "no-such-role", "ACME", false);
	ck_assert_int_eq(r.status, 65);
	script_run_free(&r);
	grant(&r, url, "bea@example.com", "clerk", "NOPE", false);
	ck_assert_int_eq(r.status, 65);
	script_run_free(&r);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("integration/scripts/role_seeding");
	TCase *tc = tcase_create("role_seeding");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, a_changed_system_role_is_kept_and_reported_not_reverted);
	tcase_add_test(tc, a_role_made_over_the_api_under_a_catalog_name_is_never_taken_over);
	tcase_add_test(tc, the_first_grants_of_a_company_come_from_the_grant_script);
	tcase_add_test(tc, the_grant_script_never_overrides_segregation_of_duties);
	suite_add_tcase(s, tc);
	return s;
}
