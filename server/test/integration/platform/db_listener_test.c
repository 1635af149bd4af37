/*
 * The listener against a real PostgreSQL (server/src/platform/db/db_listener.c):
 * notifications reach their subscriber in commit order, the barrier returns
 * only after every notification committed before it was handed over, and a
 * lost connection fails the barrier at once, then reconnects and resets.
 */
#include <check.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "platform/db/db_listener.h"
#include "test/support/check_main.h"
#include "test/support/testlib.h"

static const char *url;

/* What the subscriber saw, written on the listener's thread. */
static pthread_mutex_t seen_lock = PTHREAD_MUTEX_INITIALIZER;
static long last_seen;
static long notifications;
static long resets;
static bool seen_payload[16384];

static void on_notified(void *ctx, const char *payload)
{
	(void)ctx;
	pthread_mutex_lock(&seen_lock);
	last_seen = strtol(payload, NULL, 10);
	if (last_seen >= 0 && last_seen < 16384)
		seen_payload[last_seen] = true;
	notifications++;
	pthread_mutex_unlock(&seen_lock);
}

static void on_reset(void *ctx)
{
	(void)ctx;
	pthread_mutex_lock(&seen_lock);
	resets++;
	pthread_mutex_unlock(&seen_lock);
}

static long seen(long *what)
{
	long value;

	pthread_mutex_lock(&seen_lock);
	value = *what;
	pthread_mutex_unlock(&seen_lock);
	return value;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void setup(void)
{
	url = test_db_create("t_db_listener");
	pthread_mutex_lock(&seen_lock);
	last_seen = notifications = resets = 0;
	memset(seen_payload, 0, sizeof(seen_payload));
	pthread_mutex_unlock(&seen_lock);
}

static struct db_listener *started(void)
{
	struct db_listener *l = db_listener_new(url, "db_listener_test", 2);
	struct db_listener_subscriber s = { "test_listener", on_notified, on_reset, NULL };

	ck_assert_int_eq(db_listener_subscribe(l, &s), 0);
	ck_assert_int_eq(db_listener_start(l), 0);
	return l;
}

/* Waits until the barrier passes (the listener is listening), up to 10 s. */
static void wait_listening(struct db_listener *l)
{
	for (int i = 0; i < 1000; i++) {
		if (db_listener_sync(l, now_ns(), 1000))
			return;
		usleep(10000);
	}
	ck_abort_msg("the listener never listened");
}

static void notify(PGconn *conn, long n)
{
	char sql[64];
	PGresult *res;

	snprintf(sql, sizeof(sql), "NOTIFY test_listener, '%ld'", n);
	res = PQexec(conn, sql);
	ck_assert_int_eq(PQresultStatus(res), PGRES_COMMAND_OK);
	PQclear(res);
}

START_TEST(channel_names_are_identifiers)
{
	struct db_listener *l = db_listener_new(url, "db_listener_test", 2);
	struct db_listener_subscriber bad = { "Drop table; --", on_notified, on_reset, NULL };

	ck_assert_int_eq(db_listener_subscribe(l, &bad), -1);
	bad.channel = "";
	ck_assert_int_eq(db_listener_subscribe(l, &bad), -1);
	ck_assert(!db_listener_wanted(l));
	/* Nobody subscribed: never started, and the barrier fails closed. */
	ck_assert_int_eq(db_listener_start(l), 0);
	ck_assert(!db_listener_sync(l, now_ns(), 50));
	db_listener_free(l);
}
END_TEST

START_TEST(the_barrier_sees_every_notification_committed_before_it)
{
	struct db_listener *l = started();
	PGconn *writer = PQconnectdb(url);

	ck_assert_int_eq(PQstatus(writer), CONNECTION_OK);
	wait_listening(l);
	ck_assert_int_eq(seen(&resets), 1);
	/* Commit, then the barrier: it must not return before the commit's notification is in. */
	for (long i = 1; i <= 300; i++) {
		notify(writer, i);
		ck_assert(db_listener_sync(l, now_ns(), 2000));
		ck_assert_int_eq(seen(&last_seen), i);
	}
	ck_assert_int_eq(seen(&notifications), 300);
	ck_assert_int_ge(atomic_load(&db_listener_stats(l)->syncs), 1);
	PQfinish(writer);
	db_listener_free(l);
}
END_TEST

struct waiter {
	struct db_listener *listener;
	PGconn *writer;
	long start;
	int passed;
};

/* A request thread: commit, then pass the barrier and see the commit. */
static void *commit_then_sync(void *arg)
{
	struct waiter *w = arg;

	for (long i = 0; i < 50; i++) {
		long n = w->start + i;
		char sql[64];
		PGresult *res;

		snprintf(sql, sizeof(sql), "NOTIFY test_listener, '%ld'", n);
		res = PQexec(w->writer, sql);
		PQclear(res);
		if (db_listener_sync(w->listener, now_ns(), 5000)) {
			pthread_mutex_lock(&seen_lock);
			w->passed += seen_payload[n];
			pthread_mutex_unlock(&seen_lock);
		}
	}
	return NULL;
}

START_TEST(concurrent_callers_share_the_barrier)
{
	struct db_listener *l = started();
	struct waiter w[8];
	pthread_t threads[8];

	wait_listening(l);
	for (int i = 0; i < 8; i++) {
		w[i] = (struct waiter){ l, PQconnectdb(url), i * 1000, 0 };
		ck_assert_int_eq(PQstatus(w[i].writer), CONNECTION_OK);
		pthread_create(&threads[i], NULL, commit_then_sync, &w[i]);
	}
	for (int i = 0; i < 8; i++) {
		pthread_join(threads[i], NULL);
		ck_assert_int_eq(w[i].passed, 50);
		PQfinish(w[i].writer);
	}
	/* Every commit made before a barrier returned was seen by then: all 400 arrived. */
	ck_assert_int_eq(seen(&notifications), 400);
	db_listener_free(l);
}
END_TEST

START_TEST(a_lost_connection_fails_the_barrier_then_reconnects_and_resets)
{
	struct db_listener *l = started();
	const struct db_listener_stats *stats = db_listener_stats(l);
	PGconn *writer = PQconnectdb(url);
	bool failed = false;

	wait_listening(l);
	ck_assert_int_eq(test_db_exec(url, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
					   " WHERE application_name = 'db_listener_test'"), 0);
	/* A notification sent while nobody listens is lost: the reset stands for it. */
	notify(writer, 7);
	/*
	 * Until the listener is back, a barrier must fail. On a loaded machine it
	 * may be back (and have reset) before the first barrier is asked: then
	 * the reset below is what stands for the lost notification.
	 */
	for (int i = 0; i < 200 && !failed && atomic_load(&stats->connects) < 2; i++)
		failed = !db_listener_sync(l, now_ns(), 1000);
	ck_assert_msg(failed || atomic_load(&stats->connects) == 2,
		      "the barrier kept passing after its connection was killed");
	wait_listening(l);
	ck_assert_int_eq(atomic_load(&stats->connects), 2);
	ck_assert_int_eq(seen(&resets), 2);
	ck_assert_int_eq(atomic_load(&stats->listening), 1);
	notify(writer, 8);
	ck_assert(db_listener_sync(l, now_ns(), 2000));
	ck_assert_int_eq(seen(&last_seen), 8);
	PQfinish(writer);
	db_listener_free(l);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("platform/db_listener");
	TCase *tc = tcase_create("db_listener");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, channel_names_are_identifiers);
	tcase_add_test(tc, the_barrier_sees_every_notification_committed_before_it);
	tcase_add_test(tc, concurrent_callers_share_the_barrier);
	tcase_add_test(tc, a_lost_connection_fails_the_barrier_then_reconnects_and_resets);
	suite_add_tcase(s, tc);
	return s;
}
