/*
 * Idempotency keys expire (platform/db/idempotency.h): past
 * ERP_IDEMPOTENCY_RETENTION_HOURS a key is forgotten and a request with it is
 * executed anew; expired keys are deleted in batches by later keyed
 * requests, and that purge never waits for a row another transaction holds,
 * so it blocks nobody. Against the real server connected as erp_app (the
 * purge is a DELETE the application role must be allowed), through the one
 * route that honours keys today: creating a journal entry.
 */
#include <check.h>
#include <libpq-fe.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test/support/check_main.h"
#include "test/support/ledger_fixture.h"
#include "test/support/testlib.h"

#define ENTRIES "/api/v1/companies/ID1/journal-entries"

static struct test_ledger L;
static struct test_ledger_user clerk;

static void start(void)
{
	test_ledger_start_as_app(&L, "t_idempotency", "t_idem_app");
	test_ledger_company(&L, "ID1", "EUR");
	test_ledger_role(&L, "id-clerk",
			 "[\"ledger.account.manage\", \"ledger.account.read\", \"ledger.period.manage\","
			 " \"ledger.journal.create\", \"ledger.journal.read\"]");
	test_ledger_user(&L, "clerk@idempotency.test", &clerk);
	test_ledger_grant(&L, clerk.id, "id-clerk", "ID1", NULL);
	test_ledger_account(&L, clerk.token, "ID1", "1000", "asset", NULL);
	test_ledger_account(&L, clerk.token, "ID1", "4000", "revenue", NULL);
	test_ledger_fiscal_year(&L, clerk.token, "ID1", 2026);
}

static void stop(void)
{
	test_ledger_stop(&L);
}

static const char *entry_body(const char *memo)
{
	return test_ledger_path("{\"date\": \"2026-05-04\", \"memo\": \"%s\", \"lines\":"
				" [{\"account\": \"1000\", \"debit\": \"10.00\"},"
				" {\"account\": \"4000\", \"credit\": \"10.00\"}]}", memo);
}

/* Creates an entry with memo under key (NULL: none) as the clerk; returns the status. */
static long create(const char *key, const char *memo, struct test_response *r)
{
	char header[256] = "";

	if (key)
		snprintf(header, sizeof(header), "Idempotency-Key: %s", key);
	return test_ledger_call(&L, clerk.token, "POST", ENTRIES, key ? header : NULL,
				entry_body(memo), r);
}

static void sql(const char *format, ...) __attribute__((format(printf, 1, 2)));

static void sql(const char *format, ...)
{
	char text[1024];
	va_list args;

	va_start(args, format);
	vsnprintf(text, sizeof(text), format, args);
	va_end(args);
	ck_assert_msg(test_db_exec(L.db_url, text) == 0, "%s", text);
}

/* How many of the keys starting with prefix are past the retention (24 hours, the default). */
static long long expired_keys(const char *prefix)
{
	return test_ledger_db_number(&L, "SELECT count(*) FROM platform.idempotency_keys"
				     " WHERE key LIKE '%s%%' AND created_at <= now() - interval '24 hours'",
				     prefix);
}

/* Writes count expired keys prefix-1..prefix-count for the clerk, the lower numbers older. */
static void expired_rows(const char *prefix, int count)
{
	sql("INSERT INTO platform.idempotency_keys (user_id, key, request_hash, status, response,"
	    " created_at) SELECT '%s', '%s-' || n, '\\x00', 201, '{}',"
	    " now() - interval '48 hours' - make_interval(mins => %d - n)"
	    " FROM generate_series(1, %d) n", clerk.id, prefix, count, count);
}

/* Whether the response carries the header. */
static bool has_header(const struct test_response *r, const char *name)
{
	char *value = test_response_header(r, name);

	free(value);
	return value != NULL;
}

START_TEST(a_key_past_its_retention_is_a_new_request)
{
	struct test_response first, again;
	char first_id[40];

	ck_assert_int_eq(create("expiring-1", "Expiring key", &first), 201);
	snprintf(first_id, sizeof(first_id), "%s", test_ledger_text(first.json, "id"));

	/* An hour short of the retention: still the first answer. */
	sql("UPDATE platform.idempotency_keys SET created_at = now() - interval '23 hours'"
	    " WHERE key = 'expiring-1'");
	ck_assert_int_eq(create("expiring-1", "Expiring key", &again), 201);
	ck_assert(has_header(&again, "Idempotent-Replayed"));
	ck_assert_str_eq(test_ledger_text(again.json, "id"), first_id);
	test_response_free(&again);

	/* Past it: forgotten. The same request is executed again and answered as new. */
	sql("UPDATE platform.idempotency_keys SET created_at = now() - interval '25 hours'"
	    " WHERE key = 'expiring-1'");
	ck_assert_int_eq(create("expiring-1", "Expiring key", &again), 201);
	ck_assert(!has_header(&again, "Idempotent-Replayed"));
	ck_assert_str_ne(test_ledger_text(again.json, "id"), first_id);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM ledger_entries"
					       " WHERE memo = 'Expiring key'"), 2);
	/* The key now holds the new answer, kept from now on. */
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM platform.idempotency_keys"
					       " WHERE key = 'expiring-1' AND created_at > now() - interval '1 minute'"
					       " AND response LIKE '%%%s%%'",
					       test_ledger_text(again.json, "id")), 1);
	test_response_free(&first);
	first = again;
	ck_assert_int_eq(create("expiring-1", "Expiring key", &again), 201);
	ck_assert_str_eq(test_ledger_text(again.json, "id"), test_ledger_text(first.json, "id"));
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM ledger_entries"
					       " WHERE memo = 'Expiring key'"), 2);
	test_response_free(&again);
	test_response_free(&first);
}
END_TEST

START_TEST(expired_keys_are_purged_in_batches_by_keyed_requests)
{
	expired_rows("batch", 20);
	ck_assert_int_eq(expired_keys("batch-"), 20);
	/* A request without a key stores nothing and purges nothing. */
	ck_assert_int_eq(create(NULL, "Unkeyed", NULL), 201);
	ck_assert_int_eq(expired_keys("batch-"), 20);
	/* A keyed one deletes a batch of 16, the oldest first. */
	ck_assert_int_eq(create("purging-1", "Purging", NULL), 201);
	ck_assert_int_eq(expired_keys("batch-"), 4);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT min(substr(key, 7)::int)"
					       " FROM platform.idempotency_keys WHERE key LIKE 'batch-%%'"),
			 17);
	ck_assert_int_eq(create("purging-2", "Purging", NULL), 201);
	ck_assert_int_eq(expired_keys("batch-"), 0);
	/* Live keys stay. */
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM platform.idempotency_keys"
					       " WHERE key IN ('purging-1', 'purging-2')"), 2);
}
END_TEST

/* A connection of the test's own, in a transaction that holds rows as a slow purge would. */
static PGconn *hold(const char *sql_text)
{
	PGconn *holder = PQconnectdb(L.db_url);
	PGresult *res;

	ck_assert_msg(PQstatus(holder) == CONNECTION_OK, "%s", PQerrorMessage(holder));
	res = PQexec(holder, "BEGIN");
	ck_assert_int_eq(PQresultStatus(res), PGRES_COMMAND_OK);
	PQclear(res);
	res = PQexec(holder, sql_text);
	ck_assert_msg(PQresultStatus(res) == PGRES_TUPLES_OK, "%s", PQerrorMessage(holder));
	ck_assert_int_gt(PQntuples(res), 0);
	PQclear(res);
	return holder;
}

static void release(PGconn *holder)
{
	PGresult *res = PQexec(holder, "ROLLBACK");

	ck_assert_int_eq(PQresultStatus(res), PGRES_COMMAND_OK);
	PQclear(res);
	PQfinish(holder);
}

/* Under the statement timeout (10 s by default) a request that waited would be a 503. */
static long timed_create(const char *key, const char *memo, double *ms)
{
	double started = test_now_ms();
	long status = create(key, memo, NULL);

	*ms = test_now_ms() - started;
	return status;
}

START_TEST(the_purge_skips_rows_another_transaction_holds)
{
	PGconn *holder;
	double ms;

	expired_rows("held", 3);
	/* held-1 is held, as another request's purge or its replacement of the key would. */
	holder = hold("SELECT key FROM platform.idempotency_keys WHERE key = 'held-1' FOR UPDATE");
	ck_assert_int_eq(timed_create("skipping-1", "Skipping", &ms), 201);
	ck_assert_msg(ms < 3000, "the keyed request took %.0f ms while a row was held", ms);
	/* The others went; the held one is left for a later purge. */
	ck_assert_int_eq(expired_keys("held-"), 1);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM platform.idempotency_keys"
					       " WHERE key = 'held-1'"), 1);
	release(holder);
	ck_assert_int_eq(create("skipping-2", "Skipping", NULL), 201);
	ck_assert_int_eq(expired_keys("held-"), 0);
}
END_TEST

/* A purge holding every expired row it found (as it does until its COMMIT) blocks no keyed request. */
START_TEST(a_running_purge_blocks_no_request)
{
	struct test_response r;
	PGconn *holder;
	double ms, started;

	expired_rows("running", 5);
	holder = hold("SELECT key FROM platform.idempotency_keys"
		      " WHERE created_at <= now() - interval '24 hours' FOR UPDATE SKIP LOCKED");
	ck_assert_int_eq(timed_create("during-purge-1", "During a purge", &ms), 201);
	ck_assert_msg(ms < 3000, "a new key took %.0f ms during a purge", ms);
	/* Its replay reads the key without waiting either. */
	started = test_now_ms();
	ck_assert_int_eq(create("during-purge-1", "During a purge", &r), 201);
	ck_assert_msg(test_now_ms() - started < 3000, "the replay waited for the purge");
	ck_assert(has_header(&r, "Idempotent-Replayed"));
	test_response_free(&r);
	ck_assert_int_eq(expired_keys("running-"), 5);
	release(holder);
	ck_assert_int_eq(create("during-purge-2", "During a purge", NULL), 201);
	ck_assert_int_eq(expired_keys("running-"), 0);
}
END_TEST

Suite *test_suite(void)
{
	Suite *suite = suite_create("e2e/platform/idempotency");
	TCase *tc = tcase_create("retention");

	tcase_add_unchecked_fixture(tc, start, stop);
	tcase_add_test(tc, a_key_past_its_retention_is_a_new_request);
	tcase_add_test(tc, expired_keys_are_purged_in_batches_by_keyed_requests);
	tcase_add_test(tc, the_purge_skips_rows_another_transaction_holds);
	tcase_add_test(tc, a_running_purge_blocks_no_request);
	suite_add_tcase(suite, tc);
	return suite;
}
