/*
 * What IAM exports for other modules to use inside their own statements
 * (migration 20261210000000_iam_exports), as the server's role sees them:
 * the view user_states (whether a user is active, read only) and
 * iam_company_share_lock(), which holds a company's row until commit so
 * that a change of the company waits for the posting that took it, while
 * other postings take it side by side.
 */
#include <check.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test/support/check_main.h"
#include "test/support/iam_fixture.h"
#include "test/support/testlib.h"

#define APP_LOGIN "t_iam_exports_app"
#define COMPANY "0190f5b2-0000-7000-8000-0000000e0c01"
#define USER "0190f5b2-0000-7000-8000-0000000e0a01"

static const char *owner_url;
static char app_url[1024];

static void setup(void)
{
	owner_url = test_db_create("t_iam_exports");
	test_iam_migrate(owner_url);
	ck_assert_int_eq(test_db_exec(owner_url,
		"INSERT INTO companies (id, code, name, currency) VALUES"
		" ('" COMPANY "', 'EXP', 'Exports Ltd', 'EUR');"
		"INSERT INTO users (id, email, display_name, password_hash) VALUES"
		" ('" USER "', 'author@exports.test', 'Author', 'x');"), 0);
	snprintf(app_url, sizeof(app_url), "%s", test_db_login_url(owner_url, APP_LOGIN, "erp_app"));
}

/* A connection of the server's role with a transaction open. */
static PGconn *begin(void)
{
	PGconn *conn = PQconnectdb(app_url);
	PGresult *res;

	ck_assert_msg(PQstatus(conn) == CONNECTION_OK, "%s", PQerrorMessage(conn));
	res = PQexec(conn, "BEGIN");
	ck_assert_int_eq(PQresultStatus(res), PGRES_COMMAND_OK);
	PQclear(res);
	return conn;
}

/* Runs sql on conn; returns its SQLSTATE ("" when it succeeded) in state, the first value in value. */
static void run(PGconn *conn, const char *sql, char state[6], char value[64])
{
	PGresult *res = PQexec(conn, sql);
	const char *code = PQresultErrorField(res, PG_DIAG_SQLSTATE);

	snprintf(state, 6, "%s", code ? code : "");
	if (value)
		snprintf(value, 64, "%s", PQntuples(res) > 0 ? PQgetvalue(res, 0, 0) : "");
	PQclear(res);
}

static void end(PGconn *conn, const char *how)
{
	char state[6];

	run(conn, how, state, NULL);
	PQfinish(conn);
}

START_TEST(user_states_says_whether_a_user_is_active_and_no_more)
{
	char *active;

	active = test_db_value(app_url, "SELECT active FROM user_states WHERE id = '" USER "'");
	ck_assert_str_eq(active, "t");
	free(active);
	ck_assert_int_eq(test_db_exec(owner_url, "UPDATE users SET active = false WHERE id = '" USER "'"), 0);
	active = test_db_value(app_url, "SELECT active FROM user_states WHERE id = '" USER "'");
	ck_assert_str_eq(active, "f");
	free(active);
	/* Nothing else of the user, and nothing written through it. */
	test_db_expect(app_url, "SELECT email FROM user_states", "42703", NULL);
	test_db_expect(app_url, "UPDATE user_states SET active = true", "42501", NULL);
	test_db_expect(app_url, "DELETE FROM user_states", "42501", NULL);
	test_db_expect(app_url, "INSERT INTO user_states (id, active) VALUES (gen_random_uuid(), true)",
		       "42501", NULL);
}
END_TEST

START_TEST(a_share_lock_says_whether_the_company_exists)
{
	char *found = test_db_value(app_url, "SELECT iam_company_share_lock('" COMPANY "')");

	ck_assert_str_eq(found, "t");
	free(found);
	found = test_db_value(app_url, "SELECT iam_company_share_lock(gen_random_uuid())");
	ck_assert_str_eq(found, "f");
	free(found);
}
END_TEST

/*
 * The lock is held until the transaction that took it ends: a change of the
 * company waits for it (here: gives up after its lock_timeout), and goes
 * through once it is released; a second share lock does not wait.
 */
START_TEST(a_company_change_waits_for_the_share_lock)
{
	PGconn *posting = begin(), *other = begin(), *change;
	char state[6], value[64];

	run(posting, "SELECT iam_company_share_lock('" COMPANY "')", state, value);
	ck_assert_str_eq(state, "");
	ck_assert_str_eq(value, "t");
	/* Postings of one company take it side by side. */
	run(other, "SET LOCAL lock_timeout = '200ms'", state, NULL);
	run(other, "SELECT iam_company_share_lock('" COMPANY "')", state, value);
	ck_assert_str_eq(state, "");
	end(other, "COMMIT");
	/* A change of the currency, as the company update runs it, must wait. */
	change = begin();
	run(change, "SET LOCAL lock_timeout = '200ms'", state, NULL);
	run(change, "UPDATE companies SET currency = 'USD', version = version + 1"
		    " WHERE id = '" COMPANY "'", state, NULL);
	ck_assert_str_eq(state, "55P03"); /* lock_not_available: it waited for the posting */
	end(change, "ROLLBACK");
	/* Even a change of the name waits: FOR SHARE, not FOR KEY SHARE. */
	change = begin();
	run(change, "SET LOCAL lock_timeout = '200ms'", state, NULL);
	run(change, "UPDATE companies SET name = 'Renamed' WHERE id = '" COMPANY "'", state, NULL);
	ck_assert_str_eq(state, "55P03");
	end(change, "ROLLBACK");
	end(posting, "COMMIT");
	change = begin();
	run(change, "SET LOCAL lock_timeout = '200ms'", state, NULL);
	run(change, "UPDATE companies SET currency = 'USD', version = version + 1"
		    " WHERE id = '" COMPANY "'", state, NULL);
	ck_assert_str_eq(state, "");
	end(change, "COMMIT");
}
END_TEST

START_TEST(only_the_server_may_call_it)
{
	const char *scripts_url = test_db_login_url(owner_url, "t_iam_exports_scripts", "erp_scripts");

	test_db_expect(scripts_url, "SELECT iam_company_share_lock('" COMPANY "')", "42501", NULL);
	test_db_expect(scripts_url, "SELECT count(*) FROM user_states", "42501", NULL);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("integration/iam/exports");
	TCase *tc = tcase_create("exports");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, user_states_says_whether_a_user_is_active_and_no_more);
	tcase_add_test(tc, a_share_lock_says_whether_the_company_exists);
	tcase_add_test(tc, a_company_change_waits_for_the_share_lock);
	tcase_add_test(tc, only_the_server_may_call_it);
	suite_add_tcase(s, tc);
	return s;
}
