/*
 * The verifier of the script audit chain (server/src/platform/audit/script_audit.c,
 * `erp-server audit verify-scripts`) against rows written by the real script
 * runtime, tampered with by a superuser, and against a long synthetic chain
 * (paging, numeric order).
 */
#include <check.h>
#include <libpq-fe.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/db/db.h"
#include "platform/audit/script_audit.h"
#include "shared-kernel/audit_chain.h"
#include "shared-kernel/errors.h"
#include "test/support/check_main.h"
#include "test/support/script_fixture.h"
#include "test/support/testlib.h"

#define HEX64 "0000000000000000000000000000000000000000000000000000000000000000"

/* Three runs of erp-seed-roles: six rows. */
static const char *database_with_runs(const char *name)
{
	const char *url = script_fixture_database(name);
	const char *args[] = { "--env", "test", NULL };
	const char *dry[] = { "--env", "test", "--dry-run", NULL };
	struct script_run r;

	script_fixture_run(&r, url, "seed-roles", args, NULL, NULL);
	ck_assert_int_eq(r.status, 0);
	script_run_free(&r);
	script_fixture_run(&r, url, "seed-roles", dry, NULL, NULL);
	ck_assert_int_eq(r.status, 0);
	script_run_free(&r);
	script_fixture_run(&r, url, "seed-roles", args, NULL, NULL);
	ck_assert_int_eq(r.status, 0);
	script_run_free(&r);
	return url;
}

/* Runs sql with the append-only triggers off, as only a superuser can. */
static void tamper(const char *url, const char *sql)
{
	char statement[1024];

	snprintf(statement, sizeof(statement),
		 "ALTER TABLE script_executions DISABLE TRIGGER ALL; %s;"
		 " ALTER TABLE script_executions ENABLE TRIGGER ALL;"
		 " ALTER TABLE script_executions ENABLE ALWAYS TRIGGER script_executions_no_update_delete;"
		 " ALTER TABLE script_executions ENABLE ALWAYS TRIGGER script_executions_no_truncate",
		 sql);
	ck_assert_int_eq(test_db_exec(url, statement), 0);
}

static long id_of(const char *url, int nth)
{
	char sql[128];

	snprintf(sql, sizeof(sql), "SELECT id FROM script_executions ORDER BY id OFFSET %d LIMIT 1",
		 nth - 1);
	return script_fixture_count(url, sql);
}

START_TEST(intact_chain_verifies)
{
	const char *url = database_with_runs("t_sa_intact");
	struct script_run r;

	script_fixture_verify(&r, url);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_ptr_nonnull(strstr(r.out, "script_executions: 6 rows, chain intact"));
	ck_assert_ptr_nonnull(strstr(r.out, "every run has its end row"));
	ck_assert_str_eq(r.err, "");
	script_run_free(&r);
}
END_TEST

START_TEST(changed_row_is_named)
{
	const char *url = database_with_runs("t_sa_changed");
	long target = id_of(url, 4);
	struct script_run r;
	char sql[160], expected[64];

	snprintf(sql, sizeof(sql),
		 "UPDATE script_executions SET status = 'succeeded', affected = '{\"roles\": 1}'"
		 " WHERE id = %ld",
		 target);
	tamper(url, sql);
	script_fixture_verify(&r, url);
	ck_assert_int_eq(r.status, 65);
	snprintf(expected, sizeof(expected), "row %ld (run ", target);
	ck_assert_msg(strstr(r.err, expected) != NULL, "%s", r.err);
	ck_assert_ptr_nonnull(strstr(r.err, "changed after it was written"));
	ck_assert_int_eq(script_fixture_lines(r.err), 1);
	script_run_free(&r);
}
END_TEST

START_TEST(changed_timestamp_is_detected)
{
	const char *url = database_with_runs("t_sa_time");
	long target = id_of(url, 2);
	struct script_run r;
	char sql[160], expected[32];

	snprintf(sql, sizeof(sql),
		 "UPDATE script_executions SET ended_at = ended_at + interval '1 microsecond'"
		 " WHERE id = %ld",
		 target);
	tamper(url, sql);
	script_fixture_verify(&r, url);
	ck_assert_int_eq(r.status, 65);
	snprintf(expected, sizeof(expected), "row %ld ", target);
	ck_assert_msg(strstr(r.err, expected) != NULL, "%s", r.err);
	script_run_free(&r);
}
END_TEST

START_TEST(removed_row_breaks_the_next_link)
{
	const char *url = database_with_runs("t_sa_removed");
	long removed = id_of(url, 3), next = id_of(url, 4);
	struct script_run r;
	char sql[128], expected[64];

	snprintf(sql, sizeof(sql), "DELETE FROM script_executions WHERE id = %ld", removed);
	tamper(url, sql);
	script_fixture_verify(&r, url);
	ck_assert_int_eq(r.status, 65);
	snprintf(expected, sizeof(expected), "row %ld (run ", next);
	ck_assert_msg(strstr(r.err, expected) != NULL, "%s", r.err);
	ck_assert_ptr_nonnull(strstr(r.err, "prev_hash does not match"));
	script_run_free(&r);
}
END_TEST

START_TEST(removed_first_rows_are_detected)
{
	const char *url = database_with_runs("t_sa_head");
	long first = id_of(url, 1), second = id_of(url, 2), third = id_of(url, 3);
	struct script_run r;
	char sql[128], expected[64];

	snprintf(sql, sizeof(sql), "DELETE FROM script_executions WHERE id IN (%ld, %ld)", first,
		 second);
	tamper(url, sql);
	script_fixture_verify(&r, url);
	ck_assert_int_eq(r.status, 65);
	snprintf(expected, sizeof(expected), "row %ld ", third);
	ck_assert_msg(strstr(r.err, expected) != NULL, "%s", r.err);
	ck_assert_ptr_nonnull(strstr(r.err, "first row but its prev_hash is not zero"));
	script_run_free(&r);
}
END_TEST

START_TEST(unreachable_and_unmigrated_databases_are_unavailable)
{
	const char *bare = test_db_create("t_sa_bare");
	struct script_run r;

	script_fixture_verify(&r, "postgresql:///x?host=/nonexistent");
	ck_assert_int_eq(r.status, 69);
	ck_assert_ptr_nonnull(strstr(r.err, "cannot connect"));
	script_run_free(&r);
	script_fixture_verify(&r, bare);
	ck_assert_int_eq(r.status, 69);
	ck_assert_ptr_nonnull(strstr(r.err, "erp-server migrate"));
	script_run_free(&r);
}
END_TEST

/*
 * A chain longer than the verifier's page (500 rows), written here by the
 * rules of audit_chain.h, with ids past 1000 so that text order and numeric
 * order differ.
 */
static void write_synthetic_chain(const char *url, int rows)
{
	PGconn *conn = PQconnectdb(url);
	uint8_t prev[AUDIT_CHAIN_HASH_BYTES] = { 0 }, hash[AUDIT_CHAIN_HASH_BYTES];
	PGresult *res;

	ck_assert_int_ge(sodium_init(), 0);
	ck_assert_int_eq(PQstatus(conn), CONNECTION_OK);
	PQclear(PQexec(conn, "BEGIN"));
	for (int i = 1; i <= rows; i++) {
		struct audit_chain_field fields[AUDIT_SCRIPT_FIELD_COUNT] = { 0 };
		char id[16], run[40], prev_hex[65], hash_hex[65];
		const char *params[AUDIT_SCRIPT_FIELD_COUNT + 2];

		snprintf(id, sizeof(id), "%d", i);
		snprintf(run, sizeof(run), "00000000-0000-7000-8000-%012d", i);
		fields[AUDIT_SCRIPT_ID] = audit_chain_text(id);
		fields[AUDIT_SCRIPT_RUN_ID] = audit_chain_text(run);
		fields[AUDIT_SCRIPT_PHASE] = audit_chain_text("end");
		fields[AUDIT_SCRIPT_SCRIPT] = audit_chain_text("synthetic");
		fields[AUDIT_SCRIPT_ENVIRONMENT] = audit_chain_text("test");
		fields[AUDIT_SCRIPT_HOST] = audit_chain_text("host");
		fields[AUDIT_SCRIPT_EXECUTOR_OS_USER] = audit_chain_text("tester");
		fields[AUDIT_SCRIPT_ARGUMENTS] = audit_chain_text("{\"env\": \"test\"}");
		fields[AUDIT_SCRIPT_DRY_RUN] = audit_chain_text("false");
		fields[AUDIT_SCRIPT_STATUS] = audit_chain_text("succeeded");
		fields[AUDIT_SCRIPT_EXIT_CODE] = audit_chain_text("0");
		fields[AUDIT_SCRIPT_AFFECTED] = audit_chain_text("{}");
		fields[AUDIT_SCRIPT_STARTED_AT] = audit_chain_text("2026-11-23T10:00:00.000001Z");
		fields[AUDIT_SCRIPT_ENDED_AT] = audit_chain_text("2026-11-23T10:00:01.250000Z");
		fields[AUDIT_SCRIPT_BINARY_VERSION] = audit_chain_text("test");
		fields[AUDIT_SCRIPT_DATABASE_NAME] = audit_chain_text("t_sa_long");
		audit_chain_hash(prev, fields, AUDIT_SCRIPT_FIELD_COUNT, hash);
		sodium_bin2hex(prev_hex, sizeof(prev_hex), prev, sizeof(prev));
		sodium_bin2hex(hash_hex, sizeof(hash_hex), hash, sizeof(hash));
		for (int f = 0; f < AUDIT_SCRIPT_FIELD_COUNT; f++)
			params[f] = fields[f].value;
		params[AUDIT_SCRIPT_FIELD_COUNT] = prev_hex;
		params[AUDIT_SCRIPT_FIELD_COUNT + 1] = hash_hex;
		res = PQexecParams(conn,
				   "INSERT INTO script_executions (id, run_id, phase, script, environment,"
				   " host, executor_os_user, sudo_user, executor, arguments, reason, dry_run,"
				   " status, exit_code, message, affected, started_at, ended_at,"
				   " binary_version, database_name, prev_hash, row_hash) VALUES ($1, $2,"
				   " $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,"
				   " $18, $19, $20, decode($21, 'hex'), decode($22, 'hex'))",
				   AUDIT_SCRIPT_FIELD_COUNT + 2, NULL, params, NULL, NULL, 0);
		ck_assert_msg(PQresultStatus(res) == PGRES_COMMAND_OK, "%s", PQerrorMessage(conn));
		PQclear(res);
		memcpy(prev, hash, sizeof(prev));
	}
	PQclear(PQexec(conn, "COMMIT"));
	PQfinish(conn);
}

START_TEST(long_chain_is_read_in_pages_in_id_order)
{
	const char *url = script_fixture_database("t_sa_long");
	struct db_conn *conn;
	char err[512] = "";
	FILE *out = tmpfile();
	char summary[256] = "";

	write_synthetic_chain(url, 1234);
	conn = db_open(url, NULL);
	ck_assert_ptr_nonnull(conn);
	ck_assert_int_eq(script_audit_verify(conn, NULL, out, err, sizeof(err)), SCRIPT_AUDIT_INTACT);
	rewind(out);
	ck_assert_ptr_nonnull(fgets(summary, sizeof(summary), out));
	ck_assert_str_eq(summary, "script_executions: 1234 rows, chain intact\n");
	fclose(out);

	tamper(url, "UPDATE script_executions SET host = 'elsewhere' WHERE id = 1001");
	ck_assert_int_eq(script_audit_verify(conn, NULL, NULL, err, sizeof(err)), SCRIPT_AUDIT_BROKEN);
	{
		const char *expected = "row 1001 (run 00000000-0000-7000-8000-000000001001, end): "
				       "row_hash does not match";

		ck_assert_msg(strncmp(err, expected, strlen(expected)) == 0, "%s", err);
	}
	db_close(conn);
}
END_TEST

START_TEST(verifier_reports_an_unreachable_database)
{
	struct db_conn *conn = db_open("postgresql:///x?host=/nonexistent", NULL);
	char err[512] = "";

	ck_assert_int_eq(script_audit_verify(conn, NULL, NULL, err, sizeof(err)), ERP_ERR_UNAVAILABLE);
	ck_assert_ptr_nonnull(strstr(err, "cannot read script_executions"));
	db_close(conn);
}
END_TEST

/* --- the head recorded outside the database ----------------------------------------- */

/* The "ID:HEX" a run printed as its chain head (static storage). */
static const char *printed_head(const struct script_run *r)
{
	static char head[128];
	const char *at = strstr(r->out, "audit chain head: ");
	size_t length;

	ck_assert_msg(at != NULL, "no chain head printed: %s", r->out);
	at += strlen("audit chain head: ");
	length = strcspn(at, "\n");
	ck_assert_uint_lt(length, sizeof(head));
	memcpy(head, at, length);
	head[length] = '\0';
	return head;
}

static const char *seed_roles_head(const char *url)
{
	const char *args[] = { "--env", "test", NULL };
	static char head[128];
	struct script_run r;

	script_fixture_run(&r, url, "seed-roles", args, NULL, NULL);
	ck_assert_int_eq(r.status, 0);
	snprintf(head, sizeof(head), "%s", printed_head(&r));
	script_run_free(&r);
	return head;
}

static void verify_head(struct script_run *r, const char *url, const char *head)
{
	const char *args[] = { "verify-scripts", "--head", head, NULL };

	script_fixture_audit(r, url, args);
}

START_TEST(every_run_prints_the_head_it_wrote)
{
	const char *url = script_fixture_database("t_sa_printed");
	const char *head = seed_roles_head(url);
	char *last = test_db_value(url, "SELECT id || ':' || encode(row_hash, 'hex')"
					" FROM script_executions ORDER BY id DESC LIMIT 1");

	ck_assert_ptr_nonnull(last);
	ck_assert_str_eq(head, last);
	free(last);
}
END_TEST

START_TEST(recorded_head_verifies_and_later_rows_are_chained_only)
{
	const char *url = script_fixture_database("t_sa_recorded");
	char head[128];
	struct script_run r;

	snprintf(head, sizeof(head), "%s", seed_roles_head(url));
	seed_roles_head(url);
	verify_head(&r, url, head);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_ptr_nonnull(strstr(r.out, "script_executions: 4 rows, chain intact"));
	ck_assert_ptr_nonnull(strstr(r.out, "found with the recorded row_hash"));
	script_run_free(&r);
}
END_TEST

START_TEST(malformed_head_is_a_usage_error)
{
	const char *url = script_fixture_database("t_sa_bad_head");
	const char *const heads[] = { "2", "x:00", "2:abc", "0:" HEX64, "-1:" HEX64, "2:" HEX64 "0" };
	struct script_run r;

	for (size_t i = 0; i < sizeof(heads) / sizeof(heads[0]); i++) {
		verify_head(&r, url, heads[i]);
		ck_assert_msg(r.status == 64, "%s: exit %d", heads[i], r.status);
		ck_assert_ptr_nonnull(strstr(r.err, "--head takes ID:HEX"));
		script_run_free(&r);
	}
}
END_TEST

/*
 * After a superuser's change: the chain on its own still verifies (how far a
 * chain alone can see), and the recorded head fails with expected in the error.
 */
static void assert_only_the_head_tells(const char *url, const char *head, const char *expected)
{
	struct script_run r;

	script_fixture_verify(&r, url);
	ck_assert_msg(r.status == 0, "the chain alone should not notice: %s", r.err);
	script_run_free(&r);
	verify_head(&r, url, head);
	ck_assert_int_eq(r.status, 65);
	ck_assert_msg(strstr(r.err, expected) != NULL, "%s", r.err);
	script_run_free(&r);
}

/* A superuser cuts off the newest run: the chain alone cannot tell, the recorded head can. */
START_TEST(tail_cut_below_the_recorded_head_is_detected)
{
	const char *url = database_with_runs("t_sa_cut");
	char *head = test_db_value(url, "SELECT id || ':' || encode(row_hash, 'hex')"
					" FROM script_executions ORDER BY id DESC LIMIT 1");
	char sql[128], expected[96];

	snprintf(expected, sizeof(expected), "row %ld, the recorded head, is not in script_executions",
		 id_of(url, 6));
	snprintf(sql, sizeof(sql), "DELETE FROM script_executions WHERE id >= %ld", id_of(url, 5));
	tamper(url, sql);
	assert_only_the_head_tells(url, head, expected);
	free(head);
}
END_TEST

/*
 * Recomputes prev_hash and row_hash of every row from id first on, as a
 * superuser who rewrote a row would, so the chain verifies again.
 */
static void rechain_from(const char *url, long first)
{
	PGconn *conn = PQconnectdb(url);
	uint8_t prev[AUDIT_CHAIN_HASH_BYTES] = { 0 }, hash[AUDIT_CHAIN_HASH_BYTES];
	PGresult *rows;

	ck_assert_int_eq(PQstatus(conn), CONNECTION_OK);
	rows = PQexec(conn,
		      "SELECT id::text, run_id::text, phase, script, environment, host, executor_os_user,"
		      "       sudo_user, executor, arguments::text, reason,"
		      "       CASE WHEN dry_run THEN 'true' ELSE 'false' END, status, exit_code::text,"
		      "       message, affected::text,"
		      "       to_char(started_at AT TIME ZONE 'UTC', '" AUDIT_CHAIN_TIME_FORMAT "'),"
		      "       to_char(ended_at AT TIME ZONE 'UTC', '" AUDIT_CHAIN_TIME_FORMAT "'),"
		      "       binary_version, database_name, encode(row_hash, 'hex')"
		      "  FROM script_executions ORDER BY script_executions.id");
	ck_assert_int_eq(PQresultStatus(rows), PGRES_TUPLES_OK);
	PQclear(PQexec(conn, "BEGIN; ALTER TABLE script_executions DISABLE TRIGGER ALL"));
	for (int i = 0; i < PQntuples(rows); i++) {
		struct audit_chain_field fields[AUDIT_SCRIPT_FIELD_COUNT];
		char prev_hex[65], hash_hex[65];
		const char *params[3] = { prev_hex, hash_hex, PQgetvalue(rows, i, 0) };
		PGresult *res;

		if (strtol(PQgetvalue(rows, i, 0), NULL, 10) < first) {
			sodium_hex2bin(prev, sizeof(prev), PQgetvalue(rows, i, AUDIT_SCRIPT_FIELD_COUNT),
				       64, NULL, NULL, NULL);
			continue;
		}
		for (int f = 0; f < AUDIT_SCRIPT_FIELD_COUNT; f++)
			fields[f] = audit_chain_text(PQgetisnull(rows, i, f) ? NULL : PQgetvalue(rows, i, f));
		audit_chain_hash(prev, fields, AUDIT_SCRIPT_FIELD_COUNT, hash);
		sodium_bin2hex(prev_hex, sizeof(prev_hex), prev, sizeof(prev));
		sodium_bin2hex(hash_hex, sizeof(hash_hex), hash, sizeof(hash));
		res = PQexecParams(conn,
				   "UPDATE script_executions SET prev_hash = decode($1, 'hex'),"
				   " row_hash = decode($2, 'hex') WHERE id = $3",
				   3, NULL, params, NULL, NULL, 0);
		ck_assert_msg(PQresultStatus(res) == PGRES_COMMAND_OK, "%s", PQerrorMessage(conn));
		PQclear(res);
		memcpy(prev, hash, sizeof(prev));
	}
	PQclear(PQexec(conn, "ALTER TABLE script_executions ENABLE TRIGGER ALL;"
			     " ALTER TABLE script_executions ENABLE ALWAYS TRIGGER"
			     " script_executions_no_update_delete;"
			     " ALTER TABLE script_executions ENABLE ALWAYS TRIGGER"
			     " script_executions_no_truncate; COMMIT"));
	PQclear(rows);
	PQfinish(conn);
}

/* A superuser rewrites an old row and computes the chain anew: only the recorded head tells. */
START_TEST(rechained_rewrite_is_detected_by_the_recorded_head)
{
	const char *url = database_with_runs("t_sa_rechained");
	char *head = test_db_value(url, "SELECT id || ':' || encode(row_hash, 'hex')"
					" FROM script_executions ORDER BY id DESC LIMIT 1");
	long rewritten = id_of(url, 2);
	char sql[160], expected[64];

	ck_assert_int_ge(sodium_init(), 0);
	snprintf(expected, sizeof(expected), "row %ld, the recorded head, has another row_hash",
		 id_of(url, 6));
	snprintf(sql, sizeof(sql),
		 "UPDATE script_executions SET executor = 'someone else' WHERE id = %ld", rewritten);
	tamper(url, sql);
	rechain_from(url, rewritten);
	assert_only_the_head_tells(url, head, expected);
	free(head);
}
END_TEST

Suite *test_suite(void)
{
	Suite *suite = suite_create("script audit chain");
	TCase *tc = tcase_create("verify");

	tcase_add_test(tc, intact_chain_verifies);
	tcase_add_test(tc, changed_row_is_named);
	tcase_add_test(tc, changed_timestamp_is_detected);
	tcase_add_test(tc, removed_row_breaks_the_next_link);
	tcase_add_test(tc, removed_first_rows_are_detected);
	tcase_add_test(tc, unreachable_and_unmigrated_databases_are_unavailable);
	tcase_add_test(tc, long_chain_is_read_in_pages_in_id_order);
	tcase_add_test(tc, verifier_reports_an_unreachable_database);
	tcase_add_test(tc, every_run_prints_the_head_it_wrote);
	tcase_add_test(tc, recorded_head_verifies_and_later_rows_are_chained_only);
	tcase_add_test(tc, malformed_head_is_a_usage_error);
	tcase_add_test(tc, tail_cut_below_the_recorded_head_is_detected);
	tcase_add_test(tc, rechained_rewrite_is_detected_by_the_recorded_head);
	suite_add_tcase(suite, tc);
	return suite;
}
