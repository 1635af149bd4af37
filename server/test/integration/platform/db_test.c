/* The database layer against a real PostgreSQL (server/src/platform/db/db.c). */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "platform/db/db.h"
#include "shared-kernel/errors.h"
#include "test/support/check_main.h"
#include "test/support/db_fixture.h"
#include "test/support/testlib.h"

static const char *url;

static const struct db_statement insert_item = {
	"test_insert_item", "INSERT INTO items (code, parent) VALUES ($1, $2)", false,
};
static const struct db_statement count_items = {
	"test_count_items", "SELECT count(*) FROM items", true,
};
static const struct db_statement select_echo = {
	"test_select_echo", "SELECT $1::text || '!'", true,
};
static const struct db_statement backend_pid = {
	"test_backend_pid", "SELECT pg_backend_pid()", true,
};

static void setup(void)
{
	url = test_db_create("t_db");
	ck_assert_int_eq(test_db_exec(url, "CREATE TABLE items (code text PRIMARY KEY,"
					   " parent text REFERENCES items (code))"), 0);
}

START_TEST(parameters_are_passed_and_statements_prepared_once)
{
	struct db_conn *conn = test_db_connected(url, "db_test");
	struct arena *arena = arena_new(512);
	const char *params[] = { "it's; DROP TABLE items; --" };
	PGresult *res;

	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(db_query(conn, arena, &select_echo, 1, params, &res), ERP_OK);
		ck_assert_str_eq(PQgetvalue(res, 0, 0), "it's; DROP TABLE items; --!");
	}
	res = PQexec(db_pg(conn), "SELECT count(*) FROM pg_prepared_statements WHERE name = 'test_select_echo'");
	ck_assert_str_eq(PQgetvalue(res, 0, 0), "1");
	PQclear(res);
	ck_assert_int_eq(test_db_count(conn, &count_items), 0); /* the table survived the "injection" */
	arena_free(arena);
	db_close(conn);
}
END_TEST

static int insert_two_work(struct db_conn *conn, void *ctx)
{
	const char *first[] = { "U1", NULL }, *second[] = { "U2", "U1" };
	struct db_batch *batch = db_batch_new(ctx);

	(void)db_batch_add(batch, &insert_item, 2, first, NULL);
	(void)db_batch_add(batch, &insert_item, 2, second, NULL);
	return db_batch_run(conn, batch);
}

/*
 * ERP_DB_STATEMENTS=unnamed: single statements, batches and transactions all
 * work, and the session never holds a named statement (a transaction
 * pooler may give the next transaction another server connection).
 */
START_TEST(unnamed_statements_leave_nothing_prepared)
{
	struct db_options options = { .connect_timeout_s = 2, .application_name = "db_test",
				      .unnamed_statements = true };
	struct db_conn *conn = db_open(url, &options);
	struct arena *arena = arena_new(512);
	const char *params[] = { "it's" }, *conflict[] = { "U1", NULL };
	PGresult *res;

	ck_assert_int_eq(db_connect(conn), ERP_OK);
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(db_query(conn, arena, &select_echo, 1, params, &res), ERP_OK);
		ck_assert_str_eq(PQgetvalue(res, 0, 0), "it's!");
	}
	ck_assert_int_eq(db_transaction(conn, insert_two_work, arena), ERP_OK);
	ck_assert_int_eq(test_db_count(conn, &count_items), 2);
	ck_assert_int_eq(db_query(conn, NULL, &insert_item, 2, conflict, NULL), ERP_ERR_CONFLICT);
	res = PQexec(db_pg(conn), "SELECT count(*) FROM pg_prepared_statements");
	ck_assert_str_eq(PQgetvalue(res, 0, 0), "0");
	PQclear(res);
	arena_free(arena);
	db_close(conn);
}
END_TEST

START_TEST(constraint_errors_map_to_codes)
{
	struct db_conn *conn = test_db_connected(url, "db_test");
	const char *a[] = { "A", NULL }, *orphan[] = { "B", "missing" };

	ck_assert_int_eq(db_query(conn, NULL, &insert_item, 2, a, NULL), ERP_OK);
	ck_assert_int_eq(db_query(conn, NULL, &insert_item, 2, a, NULL), ERP_ERR_CONFLICT);
	ck_assert_str_eq(db_last_sqlstate(conn), "23505");
	ck_assert_int_eq(db_query(conn, NULL, &insert_item, 2, orphan, NULL), ERP_ERR_INVALID);
	ck_assert_str_eq(db_last_sqlstate(conn), "23503");
	db_close(conn);
}
END_TEST

struct flaky {
	int attempts;
	int fail_times;
	const char *sqlstate_sql;
};

static int flaky_work(struct db_conn *conn, void *ctx)
{
	struct flaky *f = ctx;
	const char *params[] = { "X", NULL };
	int rc;

	f->attempts++;
	rc = db_query(conn, NULL, &insert_item, 2, params, NULL);
	if (rc)
		return rc;
	if (f->attempts <= f->fail_times)
		return db_exec(conn, f->sqlstate_sql);
	return ERP_OK;
}

START_TEST(serialization_failures_are_retried)
{
	struct db_conn *conn = test_db_connected(url, "db_test");
	struct flaky f = { 0, 2, "DO $$BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = '40001'; END$$" };

	ck_assert_int_eq(db_transaction(conn, flaky_work, &f), ERP_OK);
	ck_assert_int_eq(f.attempts, 3);
	ck_assert_int_eq(test_db_count(conn, &count_items), 1); /* rolled back twice, committed once */
	db_close(conn);
}
END_TEST

START_TEST(deadlocks_are_retried_and_give_up_after_five)
{
	struct db_conn *conn = test_db_connected(url, "db_test");
	struct flaky f = { 0, 99, "DO $$BEGIN RAISE EXCEPTION 'deadlock' USING ERRCODE = '40P01'; END$$" };

	ck_assert_int_eq(db_transaction(conn, flaky_work, &f), ERP_ERR_CONFLICT);
	ck_assert_int_eq(f.attempts, 5);
	ck_assert_int_eq(test_db_count(conn, &count_items), 0);
	db_close(conn);
}
END_TEST

static int failing_work(struct db_conn *conn, void *ctx)
{
	const char *params[] = { "Y", NULL };

	(void)ctx;
	ck_assert_int_eq(db_query(conn, NULL, &insert_item, 2, params, NULL), ERP_OK);
	return ERP_ERR_INVALID;
}

START_TEST(work_error_rolls_back)
{
	struct db_conn *conn = test_db_connected(url, "db_test");

	ck_assert_int_eq(db_transaction(conn, failing_work, NULL), ERP_ERR_INVALID);
	ck_assert_int_eq(test_db_count(conn, &count_items), 0);
	db_close(conn);
}
END_TEST

static void terminate_backend_of(struct db_conn *conn)
{
	struct arena *arena = arena_new(512);
	PGresult *res;
	char sql[128];

	ck_assert_int_eq(db_query(conn, arena, &backend_pid, 0, NULL, &res), ERP_OK);
	snprintf(sql, sizeof(sql), "SELECT pg_terminate_backend(%s)", PQgetvalue(res, 0, 0));
	ck_assert_int_eq(test_db_exec(url, sql), 0);
	arena_free(arena);
}

START_TEST(terminated_backend_is_replaced_for_reads)
{
	struct db_conn *conn = test_db_connected(url, "db_test");

	ck_assert_uint_eq(db_connect_count(conn), 1);
	terminate_backend_of(conn);
	ck_assert_int_eq(test_db_count(conn, &count_items), 0); /* read-only: retried on a fresh session */
	ck_assert_uint_eq(db_connect_count(conn), 2);
	db_close(conn);
}
END_TEST

static int insert_work(struct db_conn *conn, void *ctx)
{
	const char *params[] = { ctx, NULL };

	return db_query(conn, NULL, &insert_item, 2, params, NULL);
}

START_TEST(terminated_backend_is_replaced_for_transactions)
{
	struct db_conn *conn = test_db_connected(url, "db_test");

	terminate_backend_of(conn);
	ck_assert_int_eq(db_transaction(conn, insert_work, "Z"), ERP_OK);
	ck_assert_int_eq(test_db_count(conn, &count_items), 1);
	ck_assert_uint_eq(db_connect_count(conn), 2);
	db_close(conn);
}
END_TEST

static void restart_cluster(void)
{
	test_cluster_start();
}

START_TEST(outage_fails_fast_then_recovers)
{
	struct db_conn *conn = test_db_connected(url, "db_test");
	double start, elapsed;
	int rc = -1;

	ck_assert_int_eq(test_cluster_stop(), 0);
	start = test_now_ms();
	ck_assert_int_eq(db_transaction(conn, insert_work, "Q"), ERP_ERR_UNAVAILABLE);
	/* Within the back-off window the answer comes without touching the network. */
	for (int i = 0; i < 100; i++)
		ck_assert_int_eq(db_query(conn, NULL, &count_items, 0, NULL, NULL), ERP_ERR_UNAVAILABLE);
	elapsed = test_now_ms() - start;
	ck_assert_msg(elapsed < 2000, "failing took %.0f ms", elapsed);

	ck_assert_int_eq(test_cluster_start(), 0);
	start = test_now_ms();
	while (test_now_ms() - start < 15000) {
		rc = db_transaction(conn, insert_work, "R");
		if (rc == ERP_OK)
			break;
		ck_assert_int_eq(rc, ERP_ERR_UNAVAILABLE);
		usleep(100 * 1000);
	}
	ck_assert_int_eq(rc, ERP_OK);
	ck_assert_msg(test_now_ms() - start < 7000, "recovery took %.0f ms", test_now_ms() - start);
	ck_assert_int_eq(test_db_count(conn, &count_items), 1);
	db_close(conn);
}
END_TEST

struct pool_probe {
	struct db_pool *pool;
	struct db_conn *first, *second;
};

static void *probe_thread(void *arg)
{
	struct pool_probe *p = arg;

	p->first = db_pool_thread_conn(p->pool);
	p->second = db_pool_thread_conn(p->pool);
	return NULL;
}

START_TEST(pool_gives_each_thread_its_own_connection)
{
	struct db_pool *pool = db_pool_new(url, NULL, 4);
	struct pool_probe a = { pool, NULL, NULL }, b = { pool, NULL, NULL };
	struct db_pool_stats stats;
	pthread_t ta, tb;

	pthread_create(&ta, NULL, probe_thread, &a);
	pthread_create(&tb, NULL, probe_thread, &b);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	ck_assert_ptr_nonnull(a.first);
	ck_assert_ptr_eq(a.first, a.second);
	ck_assert_ptr_eq(b.first, b.second);
	ck_assert_ptr_ne(a.first, b.first);
	ck_assert_int_eq(test_db_count(a.first, &count_items), 0);
	db_pool_stats(pool, &stats);
	ck_assert_int_eq(stats.size, 4);
	ck_assert_int_eq(stats.open, 1);
	ck_assert_int_eq(stats.in_use, 0);
	db_pool_free(pool);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("platform/db");
	TCase *tc = tcase_create("db");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, parameters_are_passed_and_statements_prepared_once);
	tcase_add_test(tc, unnamed_statements_leave_nothing_prepared);
	tcase_add_test(tc, constraint_errors_map_to_codes);
	tcase_add_test(tc, serialization_failures_are_retried);
	tcase_add_test(tc, deadlocks_are_retried_and_give_up_after_five);
	tcase_add_test(tc, work_error_rolls_back);
	tcase_add_test(tc, terminated_backend_is_replaced_for_reads);
	tcase_add_test(tc, terminated_backend_is_replaced_for_transactions);
	suite_add_tcase(s, tc);

	tc = tcase_create("outage");
	tcase_add_checked_fixture(tc, setup, restart_cluster);
	tcase_add_test(tc, outage_fails_fast_then_recovers);
	tcase_add_test(tc, pool_gives_each_thread_its_own_connection);
	suite_add_tcase(s, tc);
	return s;
}
