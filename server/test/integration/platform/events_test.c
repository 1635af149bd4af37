/*
 * The outbox's write side (server/src/platform/events/events.c and migration
 * 20261204000000_domain_events) against a real PostgreSQL:
 *
 * - erp_app may only append events and read them; it touches no counter,
 *   and nobody, the owner included, changes or removes an event;
 * - writers never wait for each other; the database numbers a stream's
 *   events when a reader publishes it, and only events already committed,
 *   in order: an event still in flight (or rolled back) takes no number,
 *   one that commits later gets a later number, so a reader paging after N
 *   never skips one;
 * - event_record() refuses what a use case could get wrong, and writes
 *   nothing then.
 */
#include <check.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "platform/db/db.h"
#include "platform/events/events.h"
#include "shared-kernel/errors.h"
#include "test/support/check_main.h"
#include "test/support/iam_fixture.h"
#include "test/support/testlib.h"

#define DENIED "42501"
#define COMPANY_X "0190f5b2-0000-7000-8000-0000000000c1"
#define COMPANY_Y "0190f5b2-0000-7000-8000-0000000000c2"

/* An event of the stream (a company id in quotes, or NULL); numbered only when published. */
#define EVENT_INTO(stream)                                                                      \
	"INSERT INTO platform_events (id, company_id, type, entity, entity_id, payload)"        \
	" VALUES (gen_random_uuid(), " stream ", 'test.probe.recorded', 'probe', 'p', '{}')"    \
	" RETURNING coalesce(sequence, 0)"

/* Publishes company stream id as erp_app (what a reader does first); how many got a number. */
#define PUBLISH(id) "SELECT platform_events_publish('" id "')"

static char owner_url[1024], app_url[1024];

static void setup(void)
{
	snprintf(owner_url, sizeof(owner_url), "%s", test_db_create("t_platform_events"));
	test_iam_migrate(owner_url);
	snprintf(app_url, sizeof(app_url), "%s", test_db_login_url(owner_url, "t_events_app", "erp_app"));
}

static long long number(const char *url, const char *sql)
{
	char *text = test_db_value(url, sql);
	long long value;

	ck_assert_msg(text != NULL, "%s", sql);
	value = strtoll(text, NULL, 10);
	free(text);
	return value;
}

/* The last sequence a new snapshot sees in company stream id. */
static long long visible(const char *id)
{
	char sql[256];

	snprintf(sql, sizeof(sql), "SELECT coalesce(max(sequence), 0) FROM platform_events"
				   " WHERE company_id = '%s'", id);
	return number(owner_url, sql);
}

START_TEST(erp_app_appends_and_reads_and_nothing_else)
{
	static const char *const refused[] = {
		"UPDATE platform_events SET type = 'test.probe.changed'",
		"DELETE FROM platform_events",
		"TRUNCATE platform_events",
		"SELECT * FROM platform_event_streams",
		"INSERT INTO platform_event_streams (stream, last_sequence) VALUES (gen_random_uuid(), 5)",
		"UPDATE platform_event_streams SET last_sequence = last_sequence + 10",
		"DELETE FROM platform_event_streams",
		"ALTER TABLE platform_events DISABLE TRIGGER platform_events_stamp",
		"UPDATE platform_events SET sequence = 7",
	};

	/* The number and the time are the database's, whatever the inserter sends. */
	test_db_expect(app_url,
		       "INSERT INTO platform_events (id, company_id, sequence, type, entity, entity_id,"
		       " payload, occurred_at) VALUES ('0190f5b2-0000-7000-8000-0000000000e1', '" COMPANY_X
		       "', 999, 'test.probe.recorded', 'probe', 'p', '{}', '2001-01-01T00:00:00Z')",
		       NULL, NULL);
	ck_assert_int_eq(number(owner_url, "SELECT count(*) FROM platform_events"
					   " WHERE id = '0190f5b2-0000-7000-8000-0000000000e1'"
					   "   AND sequence IS NULL"),
			 1);
	test_db_expect(app_url, PUBLISH(COMPANY_X), NULL, NULL);
	ck_assert_int_eq(number(owner_url, "SELECT sequence FROM platform_events"
					   " WHERE id = '0190f5b2-0000-7000-8000-0000000000e1'"),
			 1);
	ck_assert_int_eq(number(owner_url, "SELECT count(*) FROM platform_events"
					   " WHERE occurred_at > now() - interval '1 minute'"),
			 1);
	test_db_expect(app_url, "SELECT count(*) FROM platform_events", NULL, NULL);
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		test_db_expect(app_url, refused[i], DENIED, NULL);
	/* Not even the owner rewrites the stream or moves a counter other than by one. */
	test_db_expect(owner_url, "UPDATE platform_events SET payload = '{}'", DENIED, "append-only");
	test_db_expect(owner_url, "DELETE FROM platform_events", DENIED, "append-only");
	test_db_expect(owner_url, "TRUNCATE platform_events", DENIED, "append-only");
	test_db_expect(owner_url, "UPDATE platform_events SET sequence = 5", DENIED, "append-only");
	test_db_expect(owner_url, "UPDATE platform_event_streams SET last_sequence = last_sequence - 1",
		       DENIED, "moves on");
	test_db_expect(owner_url, "DELETE FROM platform_event_streams", DENIED, "append-only");
	/* Payloads never name a secret; types read <module>.<entity>.<verb>. */
	test_db_expect(app_url,
		       "INSERT INTO platform_events (id, type, entity, entity_id, payload) VALUES"
		       " (gen_random_uuid(), 'test.probe.recorded', 'probe', 'p',"
		       " '{\"user\":{\"Password_Hash\":\"x\"}}')",
		       "23514", "platform_events_no_secrets");
	test_db_expect(app_url,
		       "INSERT INTO platform_events (id, type, entity, entity_id, payload) VALUES"
		       " (gen_random_uuid(), 'test.probe', 'probe', 'p', '{}')",
		       "23514", NULL);
	ck_assert_int_eq(number(owner_url, "SELECT count(*) FROM platform_events"), 1);
}
END_TEST

static PGconn *connect_app(void)
{
	PGconn *conn = PQconnectdb(app_url);

	ck_assert_int_eq(PQstatus(conn), CONNECTION_OK);
	return conn;
}

/* Whether conn's backend is waiting for a lock now, asked for up to two seconds. */
static int waits_for_a_lock(PGconn *conn)
{
	char sql[160];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM pg_stat_activity WHERE pid = %d"
				   " AND wait_event_type = 'Lock'", PQbackendPID(conn));
	for (int i = 0; i < 200; i++) {
		struct timespec pause = { 0, 10000000 };

		if (number(owner_url, sql) == 1)
			return 1;
		nanosleep(&pause, NULL);
	}
	return 0;
}

/* The number the statement sent earlier on conn (PQsendQuery) got; -1 when none. */
static long long result_of(PGconn *conn)
{
	long long value = -1;
	PGresult *res;

	while ((res = PQgetResult(conn))) {
		ck_assert_msg(PQresultStatus(res) == PGRES_TUPLES_OK ||
				      PQresultStatus(res) == PGRES_COMMAND_OK,
			      "%s", PQresultErrorMessage(res));
		if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) > 0)
			value = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		PQclear(res);
	}
	return value;
}

/* Runs sql on conn and returns the first value of its last result as a number (-1: none). */
static long long run(PGconn *conn, const char *sql)
{
	ck_assert_int_eq(PQsendQuery(conn, sql), 1);
	return result_of(conn);
}

START_TEST(numbers_follow_commit_order)
{
	PGconn *first = connect_app(), *second = connect_app(), *reader = connect_app();
	long long start = visible(COMPANY_X);

	/* Two writers of one stream: neither waits for the other. */
	ck_assert_int_eq(run(first, "BEGIN; " EVENT_INTO("'" COMPANY_X "'")), 0);
	ck_assert_int_eq(run(second, "BEGIN; " EVENT_INTO("'" COMPANY_X "'")), 0);
	/* The second commits first: published, it takes the next number; the first, still in
	 * flight, takes none, so a reader at start + 1 cannot skip it later. */
	run(second, "COMMIT");
	ck_assert_int_eq(run(reader, PUBLISH(COMPANY_X)), 1);
	ck_assert_int_eq(visible(COMPANY_X), start + 1);
	run(first, "COMMIT");
	ck_assert_int_eq(run(reader, PUBLISH(COMPANY_X)), 1);
	ck_assert_int_eq(visible(COMPANY_X), start + 2);
	/* Every number 1..N once, none beyond. */
	{
		char sql[256];

		snprintf(sql, sizeof(sql), "SELECT count(DISTINCT sequence) FILTER (WHERE sequence"
					   " BETWEEN 1 AND %lld) FROM platform_events WHERE company_id = '%s'",
			 start + 2, COMPANY_X);
		ck_assert_int_eq(number(owner_url, sql), start + 2);
	}
	PQfinish(first);
	PQfinish(second);
	PQfinish(reader);
}
END_TEST

START_TEST(a_publisher_waits_for_the_one_before_and_then_sees_what_committed_meanwhile)
{
	PGconn *holder = connect_app(), *publisher = connect_app(), *writer = connect_app();
	long long start = visible(COMPANY_Y);

	/* A publication in progress (its transaction open) holds the stream. */
	ck_assert_int_ge(run(holder, "BEGIN; " PUBLISH(COMPANY_Y)), 0);
	ck_assert_int_eq(PQsendQuery(publisher, PUBLISH(COMPANY_Y)), 1);
	ck_assert_msg(waits_for_a_lock(publisher), "a second publisher of the stream did not wait");
	/* An event committed while it waits is numbered by it: its snapshot starts after the lock. */
	ck_assert_int_eq(run(writer, EVENT_INTO("'" COMPANY_Y "'")), 0);
	run(holder, "COMMIT");
	ck_assert_int_eq(result_of(publisher), 1);
	ck_assert_int_eq(visible(COMPANY_Y), start + 1);
	PQfinish(holder);
	PQfinish(publisher);
	PQfinish(writer);
}
END_TEST

START_TEST(a_rolled_back_event_takes_no_number)
{
	PGconn *first = connect_app(), *second = connect_app();
	long long start = visible(COMPANY_X);
	char sql[160];

	ck_assert_int_eq(run(first, "BEGIN; " EVENT_INTO("'" COMPANY_X "'")), 0);
	ck_assert_int_eq(run(second, EVENT_INTO("'" COMPANY_X "'")), 0);
	run(first, "ROLLBACK");
	ck_assert_int_eq(run(second, PUBLISH(COMPANY_X)), 1);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM platform_events WHERE company_id = '%s'",
		 COMPANY_X);
	ck_assert_int_eq(number(owner_url, sql), start + 1);
	ck_assert_int_eq(visible(COMPANY_X), start + 1);
	PQfinish(first);
	PQfinish(second);
}
END_TEST

START_TEST(event_record_refuses_a_use_cases_mistakes)
{
	struct db_conn *db = db_open(app_url, &(struct db_options){ .connect_timeout_s = 5 });
	json_t *secret = json_pack("{s:{s:s}}", "user", "token", "abc");
	json_t *array = json_array(), *fine = json_pack("{s:s}", "code", "1000");
	const struct {
		struct domain_event event;
		int rc;
	} cases[] = {
		{ { .type = "test.probe", .entity = "probe", .entity_id = "p" }, ERP_ERR_INTERNAL },
		{ { .type = "test.Probe.recorded", .entity = "probe", .entity_id = "p" }, ERP_ERR_INTERNAL },
		{ { .type = "test.probe.recorded", .entity = "probe" }, ERP_ERR_INTERNAL },
		{ { .type = "test.probe.recorded", .entity_id = "p" }, ERP_ERR_INTERNAL },
		{ { .type = "test.probe.recorded", .entity = "probe", .entity_id = "p", .payload = secret },
		  ERP_ERR_INTERNAL },
		{ { .type = "test.probe.recorded", .entity = "probe", .entity_id = "p", .payload = array },
		  ERP_ERR_INTERNAL },
		{ { .type = "test.probe.recorded", .company_id = "not-a-uuid", .entity = "probe",
		    .entity_id = "p" }, ERP_ERR_INVALID },
		{ { .type = "test.probe.recorded", .actor_id = "42", .entity = "probe", .entity_id = "p" },
		  ERP_ERR_INVALID },
	};
	long long before = number(owner_url, "SELECT count(*) FROM platform_events");

	ck_assert_ptr_nonnull(db);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_msg(event_record(db, &cases[i].event) == cases[i].rc, "case %zu", i);
	ck_assert_int_eq(number(owner_url, "SELECT count(*) FROM platform_events"), before);

	ck_assert_int_eq(event_record(db, &(struct domain_event){
		.type = "test.probe.recorded", .company_id = COMPANY_Y, .entity = "probe",
		.entity_id = "fine", .actor_id = "0190F5B2-0000-7000-8000-0000000000A1",
		.request_id = "r-1", .payload = fine }), ERP_OK);
	ck_assert_int_eq(number(owner_url, "SELECT count(*) FROM platform_events WHERE entity_id = 'fine'"
					   " AND payload->>'code' = '1000' AND request_id = 'r-1'"
					   " AND actor_id = '0190f5b2-0000-7000-8000-0000000000a1'"),
			 1);
	json_decref(secret);
	json_decref(array);
	json_decref(fine);
	db_close(db);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("integration/platform/events");
	TCase *tc = tcase_create("events");

	tcase_add_unchecked_fixture(tc, setup, NULL);
	tcase_add_test(tc, erp_app_appends_and_reads_and_nothing_else);
	tcase_add_test(tc, numbers_follow_commit_order);
	tcase_add_test(tc, a_publisher_waits_for_the_one_before_and_then_sees_what_committed_meanwhile);
	tcase_add_test(tc, a_rolled_back_event_takes_no_number);
	tcase_add_test(tc, event_record_refuses_a_use_cases_mistakes);
	suite_add_tcase(s, tc);
	return s;
}
