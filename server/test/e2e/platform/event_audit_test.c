/*
 * `erp-server audit verify-events` (server/src/platform/audit/event_audit.c)
 * against rows a real server wrote, connected as an erp_app login: they
 * verify; a row the same login inserts itself naming another actor, and a
 * row whose actor a superuser changed with the triggers off, are named. And
 * a client cannot make its writes look like an admin script's run.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test/support/check_main.h"
#include "test/support/ledger_fixture.h"
#include "test/support/script_fixture.h"
#include "test/support/testlib.h"

#define APP_LOGIN "t_ea_app"

static struct test_ledger ledger;

static void start(void)
{
	test_ledger_start_as_app(&ledger, "t_event_audit", APP_LOGIN);
	test_ledger_company(&ledger, "EA", "EUR");
	test_ledger_role(&ledger, "ea-reader", "[\"iam.company.read\"]");
}

static void stop(void)
{
	test_ledger_stop(&ledger);
}

static void verify(struct script_run *run)
{
	const char *const args[] = { "verify-events", NULL };

	script_fixture_audit(run, ledger.db_url, args);
}

/* The id of the newest audit row of action (the caller frees it). */
static char *newest(const char *action)
{
	char sql[256], *id;

	snprintf(sql, sizeof(sql),
		 "SELECT id FROM audit_events WHERE action = '%s' ORDER BY id DESC LIMIT 1", action);
	id = test_db_value(ledger.db_url, sql);
	ck_assert_msg(id != NULL, "no %s event", action);
	return id;
}

START_TEST(rows_the_server_wrote_verify)
{
	struct script_run run;

	verify(&run);
	ck_assert_msg(run.status == 0, "%s%s", run.out, run.err);
	ck_assert_ptr_nonnull(strstr(run.out, " 0 failed\n"));
	ck_assert_str_eq(run.err, "");
	script_run_free(&run);
}
END_TEST

/* The application's own login, with every privilege the server has, cannot sign a row. */
START_TEST(a_row_the_app_login_inserts_itself_is_named)
{
	const char *app_url = test_db_login_url(ledger.db_url, APP_LOGIN, "erp_app");
	char sql[1024], *real;
	struct script_run run;

	real = newest("iam.company.created");
	/* Blame the administrator for a grant, with a MAC copied from a real row. */
	snprintf(sql, sizeof(sql),
		 "INSERT INTO audit_events (id, actor_id, action, entity, entity_id, request_id,"
		 " changes, mac)"
		 " SELECT '0190f5b2-0000-7000-8000-0000000000f1', '%s', 'iam.assignment.granted',"
		 "        'role_assignment', 'x', request_id, changes, mac"
		 "   FROM audit_events WHERE id = '%s'",
		 ledger.admin_id, real);
	ck_assert_int_eq(test_db_exec(app_url, sql), 0);
	verify(&run);
	ck_assert_int_eq(run.status, 65);
	ck_assert_msg(strstr(run.out, "row 0190f5b2-0000-7000-8000-0000000000f1 "
				      "(iam.assignment.granted, actor ") != NULL,
		      "%s", run.out);
	ck_assert_ptr_nonnull(strstr(run.out, "the MAC does not match"));
	ck_assert_ptr_nonnull(strstr(run.err, "1 of "));
	ck_assert_ptr_null(strstr(run.out, real));
	script_run_free(&run);
	free(real);
}
END_TEST

/* A superuser can change a row (triggers off); the MAC still says so. */
START_TEST(an_actor_changed_by_a_superuser_is_named)
{
	char sql[1024], expected[128], *target;
	struct script_run run;

	target = newest("iam.role.created");
	snprintf(sql, sizeof(sql),
		 "ALTER TABLE audit_events DISABLE TRIGGER ALL;"
		 " UPDATE audit_events SET actor_id = gen_random_uuid() WHERE id = '%s';"
		 " ALTER TABLE audit_events ENABLE TRIGGER ALL;"
		 " ALTER TABLE audit_events ENABLE ALWAYS TRIGGER audit_events_no_update_delete;"
		 " ALTER TABLE audit_events ENABLE ALWAYS TRIGGER audit_events_no_truncate;"
		 " ALTER TABLE audit_events ENABLE ALWAYS TRIGGER audit_events_stamp",
		 target);
	ck_assert_int_eq(test_db_exec(ledger.db_url, sql), 0);
	verify(&run);
	ck_assert_int_eq(run.status, 65);
	snprintf(expected, sizeof(expected), "row %s (iam.role.created, actor ", target);
	ck_assert_msg(strstr(run.out, expected) != NULL, "%s", run.out);
	script_run_free(&run);
	free(target);
}
END_TEST

/* A row without a MAC that claims to be a script's, made by a superuser: its run does not exist. */
START_TEST(a_script_row_without_its_run_is_named)
{
	struct script_run run;

	ck_assert_int_eq(test_db_exec(ledger.db_url,
				      "INSERT INTO audit_events (id, action, entity, request_id) VALUES"
				      " ('0190f5b2-0000-7000-8000-0000000000f2', 'iam.role.deleted',"
				      "  'role', 'script:0190f5b2-7a3c-7def-8123-456789abcdef')"),
			 0);
	verify(&run);
	ck_assert_int_eq(run.status, 65);
	ck_assert_msg(strstr(run.out, "row 0190f5b2-0000-7000-8000-0000000000f2 (iam.role.deleted, "
				      "actor none, request script:0190f5b2-7a3c-7def-8123-456789abcdef")
			      != NULL,
		      "%s", run.out);
	ck_assert_ptr_nonnull(strstr(run.out, "not in script_executions"));
	script_run_free(&run);
}
END_TEST

/* X-Request-Id: script:<run> on a write: the audit row carries the server's own id. */
START_TEST(a_client_request_id_never_becomes_the_audit_request_id)
{
	struct test_response r;
	char *ours, *stored, sql[256];

	ck_assert_int_eq(test_ledger_call(&ledger, ledger.admin_token, "POST", "/api/v1/companies",
					  "X-Request-Id: script:0190f5b2-7a3c-7def-8123-456789abcdef",
					  "{\"code\": \"EA2\", \"name\": \"Posing\", \"currency\": \"EUR\"}",
					  &r),
			 201);
	ours = test_response_header(&r, "X-Request-Id");
	ck_assert_uint_eq(strlen(ours), 36);
	snprintf(sql, sizeof(sql),
		 "SELECT e.request_id FROM audit_events e JOIN companies c ON c.id::text = e.entity_id"
		 " WHERE c.code = 'EA2' AND e.action = 'iam.company.created'");
	stored = test_db_value(ledger.db_url, sql);
	ck_assert_ptr_nonnull(stored);
	ck_assert_str_eq(stored, ours);
	free(stored);
	free(ours);
	test_response_free(&r);
}
END_TEST

START_TEST(verify_events_needs_the_key_and_a_migrated_database)
{
	const char *const args[] = { "verify-events", NULL };
	struct script_run run;

	script_fixture_audit(&run, test_db_create("t_ea_bare"), args);
	ck_assert_int_eq(run.status, 69);
	ck_assert_ptr_nonnull(strstr(run.err, "erp-server migrate"));
	script_run_free(&run);
}
END_TEST

Suite *test_suite(void)
{
	Suite *suite = suite_create("event audit");
	TCase *tc = tcase_create("verify-events");

	tcase_add_unchecked_fixture(tc, start, stop);
	/* In this order: the first sees only the server's rows. */
	tcase_add_test(tc, rows_the_server_wrote_verify);
	tcase_add_test(tc, a_row_the_app_login_inserts_itself_is_named);
	tcase_add_test(tc, an_actor_changed_by_a_superuser_is_named);
	tcase_add_test(tc, a_script_row_without_its_run_is_named);
	tcase_add_test(tc, a_client_request_id_never_becomes_the_audit_request_id);
	tcase_add_test(tc, verify_events_needs_the_key_and_a_migrated_database);
	suite_add_tcase(suite, tc);
	return suite;
}
