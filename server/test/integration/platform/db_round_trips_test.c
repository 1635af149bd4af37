/*
 * The database layer's round trips against a real PostgreSQL
 * (server/src/platform/db/db.c): a batch is one round trip, statements not
 * yet prepared and a pending BEGIN included; a failed step stops the
 * batch; writes queued with db_query_at_commit() travel with COMMIT,
 * vanish with a rollback, fail the transaction when they fail and are
 * retried with the work.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/db/db.h"
#include "shared-kernel/errors.h"
#include "test/support/check_main.h"
#include "test/support/db_fixture.h"
#include "test/support/testlib.h"

static const char *url;

static const struct db_statement insert_item = {
	"test_trips_insert_item", "INSERT INTO items (code) VALUES ($1)", false,
};
static const struct db_statement count_items = {
	"test_trips_count_items", "SELECT count(*) FROM items", true,
};
static const struct db_statement end_own_session = {
	"test_trips_end_own_session", "SELECT pg_terminate_backend(pg_backend_pid())", false,
};
/* Raises a serialization failure while $1 is true, else inserts $2. */
static const struct db_statement insert_unless_failing = {
	"test_trips_insert_unless_failing", "SELECT trips_insert_unless_failing($1::boolean, $2)", false,
};

static void setup(void)
{
	url = test_db_create("t_db_round_trips");
	ck_assert_int_eq(test_db_exec(url, "CREATE TABLE items (code text PRIMARY KEY)"), 0);
	ck_assert_int_eq(test_db_exec(url,
		"CREATE FUNCTION trips_insert_unless_failing(failing boolean, code text) RETURNS void"
		" LANGUAGE plpgsql AS $$BEGIN"
		"   IF failing THEN RAISE EXCEPTION 'conflict' USING ERRCODE = '40001'; END IF;"
		"   INSERT INTO items VALUES (code);"
		" END$$"), 0);
}

/* Runs insert A, insert B and the count as one batch; returns its round trips. */
static unsigned long run_two_inserts(struct db_conn *conn, const char *a, const char *b,
				     long *counted)
{
	struct arena *arena = arena_new(512);
	struct db_batch *batch = db_batch_new(arena);
	unsigned long before = db_round_trips(conn), thread_before = db_thread_round_trips();
	PGresult *res = NULL;

	db_batch_add(batch, &insert_item, 1, &a, NULL);
	db_batch_add(batch, &insert_item, 1, &b, NULL);
	db_batch_add(batch, &count_items, 0, NULL, &res);
	ck_assert_int_eq(db_batch_run(conn, batch), ERP_OK);
	*counted = strtol(PQgetvalue(res, 0, 0), NULL, 10);
	ck_assert_uint_eq(db_thread_round_trips() - thread_before, db_round_trips(conn) - before);
	arena_free(arena);
	return db_round_trips(conn) - before;
}

START_TEST(a_batch_is_one_round_trip_prepared_or_not)
{
	struct db_conn *conn = test_db_connected(url, "db_round_trips_test");
	PGresult *res;
	long counted;

	/* The first run parses its statements on the way. */
	ck_assert_uint_eq(run_two_inserts(conn, "A", "B", &counted), 1);
	ck_assert_int_eq(counted, 2); /* a step sees what the steps before it wrote */
	ck_assert_uint_eq(run_two_inserts(conn, "C", "D", &counted), 1);
	ck_assert_int_eq(counted, 4);
	res = PQexec(db_pg(conn), "SELECT count(*) FROM pg_prepared_statements"
				  " WHERE name = 'test_trips_insert_item'");
	ck_assert_str_eq(PQgetvalue(res, 0, 0), "1");
	PQclear(res);
	db_close(conn);
}
END_TEST

START_TEST(a_failed_step_stops_the_batch)
{
	struct db_conn *conn = test_db_connected(url, "db_round_trips_test");
	struct arena *arena = arena_new(512);
	struct db_batch *batch = db_batch_new(arena);
	const char *e = "E", *f = "F";
	PGresult *after = NULL;

	db_batch_add(batch, &insert_item, 1, &e, NULL);
	db_batch_add(batch, &insert_item, 1, &e, NULL);
	db_batch_add(batch, &insert_item, 1, &f, NULL);
	db_batch_add(batch, &count_items, 0, NULL, &after);
	ck_assert_int_eq(db_batch_run(conn, batch), ERP_ERR_CONFLICT);
	ck_assert_str_eq(db_last_sqlstate(conn), "23505");
	ck_assert_ptr_null(after);
	/* Outside a transaction a batch is one implicit transaction: none of it stays. */
	ck_assert_int_eq(test_db_count(conn, &count_items), 0);
	arena_free(arena);
	db_close(conn);
}
END_TEST

START_TEST(a_full_batch_refuses_another_step)
{
	struct arena *arena = arena_new(512);
	struct db_batch *batch = db_batch_new(arena);
	struct db_conn *conn = test_db_connected(url, "db_round_trips_test");
	const char *code = "G";

	for (int i = 0; i < DB_BATCH_MAX; i++)
		ck_assert_int_eq(db_batch_add(batch, &count_items, 0, NULL, NULL), ERP_OK);
	ck_assert_int_eq(db_batch_add(batch, &insert_item, 1, &code, NULL), ERP_ERR_INTERNAL);
	ck_assert_int_eq(db_batch_run(conn, batch), ERP_ERR_INTERNAL); /* sticky: nothing ran */
	ck_assert_int_eq(test_db_count(conn, &count_items), 0);
	arena_free(arena);
	db_close(conn);
}
END_TEST

struct work {
	int attempts;
	int failing_attempts; /* the write at commit raises 40001 on these first attempts */
	int result;           /* what the work returns */
	const char *own;      /* inserted by the work itself (NULL: nothing) */
	const char *at_commit[2];
};

static int queue_work(struct db_conn *conn, void *ctx)
{
	struct work *w = ctx;
	int rc = ERP_OK;

	w->attempts++;
	if (w->own)
		rc = db_query(conn, NULL, &insert_item, 1, &w->own, NULL);
	for (size_t i = 0; !rc && i < 2 && w->at_commit[i]; i++) {
		const char *params[] = { w->attempts <= w->failing_attempts ? "true" : "false",
					 w->at_commit[i] };

		rc = db_query_at_commit(conn, &insert_unless_failing, 2, params);
	}
	return rc ? rc : w->result;
}

START_TEST(writes_at_commit_travel_with_commit)
{
	struct db_conn *conn = test_db_connected(url, "db_round_trips_test");
	struct work w = { .own = "H", .at_commit = { "I", "J" } };
	unsigned long before;

	before = db_round_trips(conn);
	ck_assert_int_eq(db_transaction(conn, queue_work, &w), ERP_OK);
	/* BEGIN with the work's insert, then both queued writes with COMMIT. */
	ck_assert_uint_eq(db_round_trips(conn) - before, 2);
	ck_assert_int_eq(test_db_count(conn, &count_items), 3);

	/* A work that runs nothing itself: BEGIN, its queued write and COMMIT in one. */
	w = (struct work){ .at_commit = { "K" } };
	before = db_round_trips(conn);
	ck_assert_int_eq(db_transaction(conn, queue_work, &w), ERP_OK);
	ck_assert_uint_eq(db_round_trips(conn) - before, 1);
	ck_assert_int_eq(test_db_count(conn, &count_items), 4);
	db_close(conn);
}
END_TEST

START_TEST(writes_at_commit_vanish_with_a_rollback)
{
	struct db_conn *conn = test_db_connected(url, "db_round_trips_test");
	struct work refused = { .own = "L", .at_commit = { "M" }, .result = ERP_ERR_INVALID };
	struct work next = { .own = "N" };

	ck_assert_int_eq(db_transaction(conn, queue_work, &refused), ERP_ERR_INVALID);
	ck_assert_int_eq(test_db_count(conn, &count_items), 0);
	/* Nothing queued by the refused work reaches the next transaction's COMMIT. */
	ck_assert_int_eq(db_transaction(conn, queue_work, &next), ERP_OK);
	ck_assert_int_eq(test_db_count(conn, &count_items), 1);
	db_close(conn);
}
END_TEST

START_TEST(a_failing_write_at_commit_fails_the_transaction)
{
	struct db_conn *conn = test_db_connected(url, "db_round_trips_test");
	struct work duplicate = { .own = "O", .at_commit = { "P", "O" } };

	ck_assert_int_eq(db_transaction(conn, queue_work, &duplicate), ERP_ERR_CONFLICT);
	ck_assert_int_eq(duplicate.attempts, 1);
	ck_assert_int_eq(test_db_count(conn, &count_items), 0); /* neither the work's row nor the first queued one */
	db_close(conn);
}
END_TEST

START_TEST(a_serialization_failure_at_commit_retries_the_work)
{
	struct db_conn *conn = test_db_connected(url, "db_round_trips_test");
	struct work w = { .own = "Q", .at_commit = { "R" }, .failing_attempts = 2 };

	ck_assert_int_eq(db_transaction(conn, queue_work, &w), ERP_OK);
	ck_assert_int_eq(w.attempts, 3);
	ck_assert_int_eq(test_db_count(conn, &count_items), 2); /* rolled back twice, committed once */
	db_close(conn);
}
END_TEST

static int ended_work(struct db_conn *conn, void *ctx)
{
	const char *code = "T";
	int *attempts = ctx;
	int rc;

	(*attempts)++;
	rc = db_query(conn, NULL, &insert_item, 1, &code, NULL);
	return rc ? rc : db_query_at_commit(conn, &end_own_session, 0, NULL);
}

START_TEST(a_session_lost_in_the_commit_round_trip_is_never_repeated)
{
	struct db_conn *conn = test_db_connected(url, "db_round_trips_test"), *other = test_db_connected(url, "db_round_trips_test");
	int attempts = 0;
	int rc = db_transaction(conn, ended_work, &attempts);
	long rows = test_db_count(other, &count_items); /* conn backs off before reconnecting */

	/* The session ends around COMMIT: the answer must say what happened, and nothing runs twice. */
	ck_assert_int_eq(attempts, 1);
	ck_assert_msg((rc == ERP_ERR_UNAVAILABLE && rows == 0) || (rc == ERP_OK && rows == 1),
		      "answered %d with %ld rows", rc, rows);
	db_close(other);
	db_close(conn);
}
END_TEST

START_TEST(a_write_at_commit_outside_a_transaction_runs_at_once)
{
	struct db_conn *conn = test_db_connected(url, "db_round_trips_test");
	const char *params[] = { "false", "S" };
	unsigned long before = db_round_trips(conn);

	ck_assert_int_eq(db_query_at_commit(conn, &insert_unless_failing, 2, params), ERP_OK);
	ck_assert_uint_eq(db_round_trips(conn) - before, 1);
	ck_assert_int_eq(test_db_count(conn, &count_items), 1);
	db_close(conn);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("platform/db_round_trips");
	TCase *tc = tcase_create("db_round_trips");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, a_batch_is_one_round_trip_prepared_or_not);
	tcase_add_test(tc, a_failed_step_stops_the_batch);
	tcase_add_test(tc, a_full_batch_refuses_another_step);
	tcase_add_test(tc, writes_at_commit_travel_with_commit);
	tcase_add_test(tc, writes_at_commit_vanish_with_a_rollback);
	tcase_add_test(tc, a_failing_write_at_commit_fails_the_transaction);
	tcase_add_test(tc, a_serialization_failure_at_commit_retries_the_work);
	tcase_add_test(tc, a_session_lost_in_the_commit_round_trip_is_never_repeated);
	tcase_add_test(tc, a_write_at_commit_outside_a_transaction_runs_at_once);
	suite_add_tcase(s, tc);
	return s;
}
