/*
 * The database goes away while clients create and post journal entries:
 * every server connection is terminated (pg_terminate_backend, twice), then
 * the whole cluster is stopped and started again. The server must stay up,
 * answer 503 problem details while the database is away, and recover by
 * itself within seconds of the restart. Clients retry with the same
 * Idempotency-Key until they get their 201, as a careful client does.
 * Afterwards the books must be exact: every entry that got a 201 exists
 * once, nothing else exists, every posted entry balances, numbers have no
 * gaps, the trial balance balances, and the audit trail has exactly one
 * creation and one posting event per entry and none for anything that was
 * rolled back.
 *
 * Second scenario: a client loses the connection after its request
 * committed and retries with the same key: it gets the original entry and
 * no duplicate is created (and while the first request still runs, the
 * retry is told 409).
 */
#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "platform/db/db.h"
#include "test/support/check_main.h"
#include "test/support/ledger_fixture.h"
#include "test/support/reliability.h"
#include "test/support/testlib.h"

enum { MAX_CLIENTS = 8, GIVE_UP_MS = 60000, RECOVERY_LIMIT_MS = 10000 };

static struct test_ledger ledger;
static struct test_ledger_user creator, poster;
static char this_year[16];

static void setup_books(const char *db_name)
{
	/* Two users, clients retrying at once: the per-user rate limit is set off. */
	static const char *const env[] = { "ERP_RATE_LIMIT_PER_USER=0", NULL };
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	snprintf(this_year, sizeof(this_year), "%d", tm.tm_year + 1900);
	test_ledger_start(&ledger, db_name, env);
	test_ledger_company(&ledger, "REL", "EUR");
	test_ledger_role(&ledger, "rel-creator",
			 "[\"ledger.account.manage\",\"ledger.account.read\",\"ledger.period.manage\","
			 "\"ledger.journal.create\",\"ledger.journal.read\",\"ledger.report.read\"]");
	test_ledger_role(&ledger, "rel-poster", "[\"ledger.journal.post\",\"ledger.journal.read\"]");
	test_ledger_user(&ledger, "creator@rel.test", &creator);
	test_ledger_user(&ledger, "poster@rel.test", &poster);
	test_ledger_grant(&ledger, creator.id, "rel-creator", "REL", NULL);
	test_ledger_grant(&ledger, poster.id, "rel-poster", "REL", NULL);
	test_ledger_account(&ledger, creator.token, "REL", "1000", "asset", NULL);
	test_ledger_account(&ledger, creator.token, "REL", "4000", "revenue", NULL);
	test_ledger_fiscal_year(&ledger, creator.token, "REL", tm.tm_year + 1900);
}

/* --- the load ------------------------------------------------------------------------- */

struct load {
	atomic_bool stop;
	pthread_mutex_t lock;
	char (*ids)[40];
	size_t count;
	size_t capacity;
	atomic_long unavailable;        /* 503 answered as problem+json */
	atomic_long bad_unavailable;    /* 503 that was not problem+json */
	atomic_long server_errors;      /* any other 5xx */
	atomic_long transport_failures; /* no answer at all */
	atomic_long gave_up;
	atomic_long replays;            /* 201s with Idempotent-Replayed: a lost answer recovered */
	_Atomic double last_success_ms;
	struct reliability_random random[MAX_CLIENTS];
};

static struct load load;

static bool is_problem(const struct test_response *r)
{
	char *type = test_response_header(r, "Content-Type");
	bool problem = type && strstr(type, "application/problem+json");

	free(type);
	return problem;
}

/* Sorts one answer into the load's counters; true when it is worth retrying. */
static bool retryable(const struct test_response *r, int transport)
{
	if (transport != 0) {
		atomic_fetch_add(&load.transport_failures, 1);
		return true;
	}
	if (r->status == 503) {
		atomic_fetch_add(is_problem(r) ? &load.unavailable : &load.bad_unavailable, 1);
		return true;
	}
	if (r->status >= 500)
		atomic_fetch_add(&load.server_errors, 1);
	return r->status == 409; /* the same key still in flight: wait for it */
}

/* One request, retried on 503/409/no answer until it settles or GIVE_UP_MS pass. */
static long settle(const char *method, const char *path, const char *token, const char *key,
		   const char *if_match, const char *body, struct test_response *r)
{
	char auth[128], idem[96];
	const char *headers[] = { auth, "Content-Type: application/json", key ? idem : if_match, NULL };
	double deadline = test_now_ms() + GIVE_UP_MS;

	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
	snprintf(idem, sizeof(idem), "Idempotency-Key: %s", key ? key : "");
	for (;;) {
		char url[512];
		int transport;

		snprintf(url, sizeof(url), "%s%s", ledger.server.base_url, path);
		memset(r, 0, sizeof(*r));
		transport = test_http(method, url, headers, body, body ? strlen(body) : 0, r);
		if (!retryable(r, transport))
			return r->status;
		test_response_free(r);
		if (test_now_ms() > deadline) {
			atomic_fetch_add(&load.gave_up, 1);
			return 0;
		}
		usleep(50 * 1000);
	}
}

static void remember(const char *id)
{
	pthread_mutex_lock(&load.lock);
	if (load.count == load.capacity) {
		load.capacity = load.capacity ? 2 * load.capacity : 1024;
		load.ids = realloc(load.ids, load.capacity * sizeof(*load.ids));
	}
	snprintf(load.ids[load.count++], 40, "%s", id);
	pthread_mutex_unlock(&load.lock);
}

static void *client(void *arg)
{
	long me = (long)arg;
	char key[64], body[512], path[256];

	for (long n = 0; !atomic_load(&load.stop); n++) {
		struct test_response r;
		long cents = 1 + (long)reliability_random_below(&load.random[me], 1000000);
		char id[40];

		snprintf(key, sizeof(key), "rel-%ld-%ld", me, n);
		snprintf(body, sizeof(body),
			 "{\"date\":\"%s-06-15\",\"memo\":\"%s\",\"lines\":[{\"account\":\"1000\","
			 "\"debit\":\"%ld.%02ld\"},{\"account\":\"4000\",\"credit\":\"%ld.%02ld\"}]}",
			 this_year, key, cents / 100, cents % 100, cents / 100, cents % 100);
		if (settle("POST", "/api/v1/companies/REL/journal-entries", creator.token, key, NULL, body,
			   &r) != 201) {
			test_response_free(&r);
			continue;
		}
		{
			char *replayed = test_response_header(&r, "Idempotent-Replayed");

			if (replayed)
				atomic_fetch_add(&load.replays, 1);
			free(replayed);
		}
		snprintf(id, sizeof(id), "%s", test_ledger_text(r.json, "id"));
		test_response_free(&r);
		remember(id);
		snprintf(path, sizeof(path), "/api/v1/companies/REL/journal-entries/%s/post", id);
		/* 409 "already posted": an earlier attempt committed but its answer was lost. */
		/* The draft as written (version 1) is what the poster approves. */
		if (settle("POST", path, poster.token, NULL, "If-Match: \"1\"", NULL, &r) == 200 ||
		    r.status == 409)
			atomic_store(&load.last_success_ms, test_now_ms());
		test_response_free(&r);
	}
	return NULL;
}

/* Terminates every other session on the server's database (the server's pool). */
static long terminate_server_sessions(void)
{
	char *killed = test_db_value(ledger.db_url,
				     "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
				     " WHERE datname = current_database() AND pid <> pg_backend_pid()"
				     "   AND application_name = 'erp-server'");
	long n = killed ? strtol(killed, NULL, 10) : -1;

	free(killed);
	return n;
}

/* Waits until a client succeeded after since_ms; the milliseconds it took, or -1. */
static double wait_for_success_after(double since_ms, double limit_ms)
{
	while (test_now_ms() - since_ms < limit_ms) {
		if (atomic_load(&load.last_success_ms) > since_ms)
			return atomic_load(&load.last_success_ms) - since_ms;
		usleep(20 * 1000);
	}
	return -1;
}

/* Stores the ids that got a 201 in table answered (id, one row per 201), in chunks. */
static void store_answered_ids(void)
{
	ck_assert_int_eq(test_db_exec(ledger.db_url, "CREATE TABLE answered (id uuid)"), 0);
	for (size_t start = 0; start < load.count; start += 64) {
		char sql[64 * 44 + 64];
		size_t used = (size_t)snprintf(sql, sizeof(sql), "INSERT INTO answered VALUES ");

		for (size_t i = start; i < load.count && i < start + 64; i++)
			used += (size_t)snprintf(sql + used, sizeof(sql) - used, "%s('%s')",
						 i > start ? "," : "", load.ids[i]);
		ck_assert_int_eq(test_db_exec(ledger.db_url, sql), 0);
	}
}

START_TEST(database_terminated_and_restarted_under_load)
{
	long clients = reliability_scale(MAX_CLIENTS, 4), killed1, killed2, distinct, in_db, posted;
	long unbalanced, gaps, audit_created, audit_posted, audit_orphans;
	pthread_t threads[MAX_CLIENTS];
	struct test_response r;
	char outcome[1024];
	double away_ms, recovery_ms, recovery_terminate_ms;
	long healthz_while_away, readyz_while_away, api_while_away;
	bool tb_balanced;

	setup_books("t_rel_database");
	memset(&load, 0, sizeof(load));
	pthread_mutex_init(&load.lock, NULL);
	for (long i = 0; i < clients; i++) {
		char name[48];

		snprintf(name, sizeof(name), "database-load-%ld", i);
		reliability_random_init(&load.random[i], name);
	}
	for (long i = 0; i < clients; i++)
		ck_assert_int_eq(pthread_create(&threads[i], NULL, client, (void *)i), 0);

	/* 1. Every server connection killed, twice, while requests are running. */
	usleep(1000 * 1000);
	killed1 = terminate_server_sessions();
	usleep(300 * 1000);
	killed2 = terminate_server_sessions();
	recovery_terminate_ms = wait_for_success_after(test_now_ms(), RECOVERY_LIMIT_MS);

	/* 2. The whole cluster stopped: the server stays up and says 503. */
	usleep(500 * 1000);
	ck_assert_int_eq(test_cluster_stop(), 0);
	away_ms = test_now_ms();
	usleep(500 * 1000);
	test_ledger_call(&ledger, NULL, "GET", "/healthz", NULL, NULL, &r);
	healthz_while_away = r.status;
	test_response_free(&r);
	test_ledger_call(&ledger, NULL, "GET", "/readyz", NULL, NULL, &r);
	readyz_while_away = r.status;
	test_response_free(&r);
	test_ledger_call(&ledger, creator.token, "GET", "/api/v1/companies/REL/accounts", NULL, NULL, &r);
	api_while_away = r.status;
	ck_assert_msg(r.status != 503 || is_problem(&r), "503 without problem details: %s", r.body);
	test_response_free(&r);
	usleep(1500 * 1000);
	ck_assert_int_eq(test_cluster_start(), 0);
	away_ms = test_now_ms() - away_ms;
	recovery_ms = wait_for_success_after(test_now_ms(), RECOVERY_LIMIT_MS);

	/* 3. A little more load on the recovered server, then the books are checked. */
	usleep(1000 * 1000);
	atomic_store(&load.stop, true);
	for (long i = 0; i < clients; i++)
		pthread_join(threads[i], NULL);

	store_answered_ids();
	distinct = test_ledger_db_number(&ledger, "SELECT count(DISTINCT id) FROM answered");
	in_db = test_ledger_db_number(&ledger, "SELECT count(*) FROM ledger_entries"
				      " WHERE id IN (SELECT id FROM answered)");
	posted = test_ledger_db_number(&ledger, "SELECT count(*) FROM ledger_entries WHERE status = 'posted'");
	unbalanced = test_ledger_db_number(&ledger,
		"SELECT count(*) FROM (SELECT entry_id FROM ledger_lines GROUP BY entry_id"
		" HAVING sum(debit_minor) <> sum(credit_minor)) x");
	gaps = test_ledger_db_number(&ledger,
		"SELECT coalesce(max(sequence), 0) - count(DISTINCT sequence) FROM ledger_entries"
		" WHERE status = 'posted'");
	audit_created = test_ledger_db_number(&ledger,
		"SELECT count(*) FROM ledger_entries e WHERE (SELECT count(*) FROM audit_events a"
		" WHERE a.entity_id = e.id::text AND a.action = 'ledger.journal.created') <> 1");
	audit_posted = test_ledger_db_number(&ledger,
		"SELECT count(*) FROM ledger_entries e WHERE (SELECT count(*) FROM audit_events a"
		" WHERE a.entity_id = e.id::text AND a.action = 'ledger.journal.posted')"
		" <> CASE e.status WHEN 'posted' THEN 1 ELSE 0 END");
	audit_orphans = test_ledger_db_number(&ledger,
		"SELECT count(*) FROM audit_events a WHERE a.action LIKE 'ledger.journal.%%'"
		" AND NOT EXISTS (SELECT 1 FROM ledger_entries e WHERE e.id::text = a.entity_id)");
	/*
	 * Asked like the clients ask: a worker whose reconnection is still backing off
	 * answers 503 at once for up to 5 s after the outage (db.h), and only the first
	 * success after the restart was awaited; the books are what is checked here.
	 */
	settle("GET", test_ledger_path("/api/v1/companies/REL/reports/trial-balance?as_of=%s-12-31",
				       this_year), creator.token, NULL, NULL, NULL, &r);
	tb_balanced = r.status == 200 &&
		      json_is_true(json_object_get(json_array_get(json_object_get(r.json, "totals"), 0),
						   "balanced"));
	test_response_free(&r);

	snprintf(outcome, sizeof(outcome),
		 "%ld clients; %ld+%ld sessions killed, first success %.0f ms later; cluster away %.0f ms"
		 " (/healthz %ld, /readyz %ld, API %ld), first success %.0f ms after restart;"
		 " %zu entries got 201 (%ld by replay), %ld distinct, %ld in the database of %ld;"
		 " %ld posted, %ld unbalanced, %ld number gaps, trial balance %s;"
		 " audit mismatches created %ld posted %ld orphans %ld; 503s %ld (non-problem %ld),"
		 " other 5xx %ld, no answer %ld, gave up %ld",
		 clients, killed1, killed2, recovery_terminate_ms, away_ms, healthz_while_away,
		 readyz_while_away, api_while_away, recovery_ms, load.count,
		 atomic_load(&load.replays), distinct, in_db,
		 (long)test_ledger_db_number(&ledger, "SELECT count(*) FROM ledger_entries"), posted,
		 unbalanced, gaps, tb_balanced ? "balanced" : "NOT balanced", audit_created,
		 audit_posted, audit_orphans, atomic_load(&load.unavailable),
		 atomic_load(&load.bad_unavailable), atomic_load(&load.server_errors),
		 atomic_load(&load.transport_failures), atomic_load(&load.gave_up));
	{
		long total = test_ledger_db_number(&ledger, "SELECT count(*) FROM ledger_entries");
		bool pass = killed1 > 0 && recovery_terminate_ms >= 0 && healthz_while_away == 200 &&
			    readyz_while_away == 503 && api_while_away == 503 && recovery_ms >= 0 &&
			    load.count > 0 && distinct == (long)load.count && in_db == distinct &&
			    total == distinct && posted == total && unbalanced == 0 && gaps == 0 &&
			    tb_balanced && audit_created == 0 && audit_posted == 0 && audit_orphans == 0 &&
			    atomic_load(&load.bad_unavailable) == 0 &&
			    atomic_load(&load.server_errors) == 0 && atomic_load(&load.gave_up) == 0 &&
			    reliability_server_alive(&ledger.server);

		reliability_record("database away under load",
				   "pg_terminate_backend on every server connection (twice), then the"
				   " cluster stopped and started, while clients create and post entries",
				   outcome, pass);
		ck_assert_msg(pass, "%s", outcome);
	}
	free(load.ids);
	test_ledger_stop(&ledger);
}
END_TEST

/* --- a lost answer ------------------------------------------------------------------------- */

START_TEST(lost_connection_after_commit_retry_replays)
{
	static const char body[] =
		"{\"date\":\"2026-06-15\",\"memo\":\"lost answer\",\"lines\":[{\"account\":\"1000\","
		"\"debit\":\"12.34\"},{\"account\":\"4000\",\"credit\":\"12.34\"}]}";
	struct db_conn *blocker;
	struct test_response r;
	char request[2048], outcome[512], first_id[40] = "", *replayed;
	long during, entries = 0;
	int fd, error;
	bool pass;

	setup_books("t_rel_lost_answer");
	/* Hold the entries table so the request cannot finish before the client gives up. */
	blocker = db_open(ledger.db_url, &(struct db_options){ .connect_timeout_s = 5 });
	ck_assert_int_eq(db_exec(blocker, "BEGIN"), 0);
	ck_assert_int_eq(db_exec(blocker, "LOCK TABLE ledger_entries IN SHARE ROW EXCLUSIVE MODE"), 0);

	fd = reliability_connect(NULL, ledger.server.port, &error);
	ck_assert_int_ge(fd, 0);
	snprintf(request, sizeof(request),
		 "POST /api/v1/companies/REL/journal-entries HTTP/1.1\r\nHost: 127.0.0.1\r\n"
		 "Authorization: Bearer %s\r\nContent-Type: application/json\r\n"
		 "Idempotency-Key: lost-answer-1\r\nContent-Length: %zu\r\n\r\n%s",
		 creator.token, strlen(body), body);
	ck_assert_int_eq(reliability_send(fd, request, strlen(request)), 0);
	usleep(300 * 1000);
	close(fd); /* the client gives up: its answer is lost */

	/* While the first request still waits, the same key is told to come back later. */
	during = test_ledger_call(&ledger, creator.token, "POST",
				  "/api/v1/companies/REL/journal-entries",
				  "Idempotency-Key: lost-answer-1", body, NULL);
	ck_assert_int_eq(db_exec(blocker, "COMMIT"), 0); /* the first request commits now */
	db_close(blocker);
	for (int i = 0; i < 250 && entries == 0; i++) {
		usleep(20 * 1000);
		entries = test_ledger_db_number(&ledger, "SELECT count(*) FROM ledger_entries");
	}
	{
		char *id = test_db_value(ledger.db_url, "SELECT id FROM ledger_entries");

		snprintf(first_id, sizeof(first_id), "%s", id ? id : "");
		free(id);
	}

	test_ledger_call(&ledger, creator.token, "POST", "/api/v1/companies/REL/journal-entries",
			 "Idempotency-Key: lost-answer-1", body, &r);
	replayed = test_response_header(&r, "Idempotent-Replayed");
	entries = test_ledger_db_number(&ledger, "SELECT count(*) FROM ledger_entries");
	pass = during == 409 && r.status == 201 && replayed &&
	       strcmp(test_ledger_text(r.json, "id"), first_id) == 0 && entries == 1 &&
	       test_ledger_db_number(&ledger, "SELECT count(*) FROM audit_events"
				     " WHERE action = 'ledger.journal.created'") == 1;
	snprintf(outcome, sizeof(outcome),
		 "retry while running: %ld; after the commit: %ld, replayed %s, same id %s;"
		 " entries in the database: %ld", during, r.status, replayed ? "yes" : "no",
		 strcmp(test_ledger_text(r.json, "id"), first_id) == 0 ? "yes" : "no", entries);
	reliability_record("lost answer, retried with the same key",
			   "client closes the connection before its committed create answers, then"
			   " retries with the same Idempotency-Key", outcome, pass);
	free(replayed);
	test_response_free(&r);
	ck_assert_msg(pass, "%s", outcome);
	test_ledger_stop(&ledger);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("reliability/database");
	TCase *tc = tcase_create("database");

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, database_terminated_and_restarted_under_load);
	tcase_add_test(tc, lost_connection_after_commit_retry_replays);
	suite_add_tcase(s, tc);
	return s;
}
