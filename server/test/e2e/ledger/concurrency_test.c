/*
 * The ledger under concurrent load, end to end against the real
 * erp-server-test binary: eight client threads (one libcurl client each)
 * write and post 2,000 journal entries through HTTP at once. Afterwards the
 * numbers of the fiscal year are exactly 1..2,000 (unique, gapless), the
 * trial balance from the API balances to the cent, and no client saw a 5xx.
 * Then posters race for the same drafts (one wins each, the numbers stay
 * gapless), clients race with one Idempotency-Key (one entry is made), and a
 * lock of a period waits for a posting into it that is still running.
 *
 * ERP_TEST_LEDGER_ENTRIES overrides the 2,000 (say, for a quick local run);
 * the sanitizer build keeps the full number too, as long as it stays well
 * inside Check's timeout.
 */
#include <check.h>
#include <curl/curl.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test/support/check_main.h"
#include "test/support/ledger_fixture.h"
#include "test/support/testlib.h"

#define ENTRIES "/api/v1/companies/CC/journal-entries"

enum { THREADS = 8, CREATORS = 2, APPROVERS = 4, ENTRIES_DEFAULT = 2000 };

static struct test_ledger L;
static struct test_ledger_user creators[CREATORS], approvers[APPROVERS];

/* More server threads than clients, so the clients' requests really overlap. */
/* Eight clients as a few users, as fast as they can: the per-user rate limit is set off. */
static const char *const server_env[] = { "ERP_THREADS=12", "ERP_RATE_LIMIT_PER_USER=0", NULL };

static void start_shared(void)
{
	ck_assert_int_eq(curl_global_init(CURL_GLOBAL_DEFAULT), 0); /* before any thread */
	test_ledger_start(&L, "t_ledger_concurrency", server_env);
	test_ledger_company(&L, "CC", "EUR");
	test_ledger_role(&L, "cc-controller", "[\"ledger.account.manage\",\"ledger.account.read\","
					      "\"ledger.period.manage\",\"ledger.report.read\"]");
	test_ledger_role(&L, "cc-clerk", "[\"ledger.journal.create\",\"ledger.journal.read\"]");
	test_ledger_role(&L, "cc-approver", "[\"ledger.journal.post\",\"ledger.journal.read\"]");
	for (int i = 0; i < CREATORS; i++) {
		test_ledger_user(&L, test_ledger_path("creator%d@concurrency.test", i), &creators[i]);
		test_ledger_grant(&L, creators[i].id, "cc-clerk", "CC", NULL);
	}
	for (int i = 0; i < APPROVERS; i++) {
		test_ledger_user(&L, test_ledger_path("approver%d@concurrency.test", i), &approvers[i]);
		test_ledger_grant(&L, approvers[i].id, "cc-approver", "CC", NULL);
	}
	/* The controller is the first approver's second hat; reports and setup only. */
	test_ledger_grant(&L, approvers[0].id, "cc-controller", "CC", NULL);
	test_ledger_account(&L, approvers[0].token, "CC", "1000", "asset", NULL);
	test_ledger_account(&L, approvers[0].token, "CC", "4000", "revenue", NULL);
	test_ledger_account(&L, approvers[0].token, "CC", "5000", "expense", NULL);
	test_ledger_account(&L, approvers[0].token, "CC", "2000", "liability", NULL);
	test_ledger_fiscal_year(&L, approvers[0].token, "CC", 2026);
	test_ledger_fiscal_year(&L, approvers[0].token, "CC", 2027);
}

static void stop_shared(void)
{
	test_ledger_stop(&L);
	curl_global_cleanup();
}

static int entry_count(void)
{
	const char *text = getenv("ERP_TEST_LEDGER_ENTRIES");
	int count = text ? atoi(text) : ENTRIES_DEFAULT;

	return count > 0 ? count : ENTRIES_DEFAULT;
}

/* What one client thread saw. */
struct client {
	pthread_t thread;
	int index;
	int first;          /* entries first .. first+count-1 of the run */
	int count;
	int created;
	int posted;
	int server_errors;  /* 5xx */
	int failures;       /* no answer, or an answer other than the expected one */
	char problem[512];  /* the first failure, for the report */
};

static void note_failure(struct client *c, const char *what, long status, const char *body)
{
	c->failures++;
	if (status >= 500)
		c->server_errors++;
	if (!c->problem[0])
		snprintf(c->problem, sizeof(c->problem), "%s: %ld %.400s", what, status, body ? body : "");
}

/* One request without any Check assertion (threads report, the main thread asserts). */
static long request(const char *token, const char *method, const char *path, const char *key,
		    const char *body, char id[40], char **text)
{
	char url[512], auth[128], idem[96];
	const char *headers[4];
	struct test_response r;
	long status;
	int n = 0;

	snprintf(url, sizeof(url), "%s%s", L.server.base_url, path);
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
	headers[n++] = auth;
	if (key) {
		snprintf(idem, sizeof(idem), "Idempotency-Key: %s", key);
		headers[n++] = idem;
	}
	if (body)
		headers[n++] = "Content-Type: application/json";
	headers[n] = NULL;
	if (test_http(method, url, headers, body, body ? strlen(body) : 0, &r) != 0)
		return -1;
	status = r.status;
	if (id)
		snprintf(id, 40, "%s", test_ledger_text(r.json, "id"));
	if (text)
		*text = r.body ? strdup(r.body) : NULL;
	test_response_free(&r);
	return status;
}

/* Entry k of the run: a date in 2026, one of two account pairs, an amount in cents. */
static void entry_of(int k, char date[16], int *pair, long *cents)
{
	snprintf(date, 16, "2026-%02d-%02d", k % 12 + 1, k % 28 + 1);
	*pair = k % 2;
	*cents = 100 + (k * 7919L) % 100000; /* 1.00 .. 1000.99 */
}

static void *client_run(void *arg)
{
	struct client *c = arg;
	const struct test_ledger_user *creator = &creators[c->index % CREATORS];
	const struct test_ledger_user *approver = &approvers[c->index % APPROVERS];

	for (int k = c->first; k < c->first + c->count; k++) {
		char date[16], body[512], key[64], id[40], path[256], *text = NULL;
		int pair;
		long cents, status;

		entry_of(k, date, &pair, &cents);
		snprintf(body, sizeof(body),
			 "{\"date\":\"%s\",\"memo\":\"Load %d\",\"lines\":["
			 "{\"account\":\"%s\",\"debit\":\"%ld.%02ld\"},"
			 "{\"account\":\"%s\",\"credit\":\"%ld.%02ld\"}]}",
			 date, k, pair ? "5000" : "1000", cents / 100, cents % 100, pair ? "2000" : "4000",
			 cents / 100, cents % 100);
		snprintf(key, sizeof(key), "load-%d", k);
		status = request(creator->token, "POST", ENTRIES, key, body, id, &text);
		if (status != 201) {
			note_failure(c, "create", status, text);
			free(text);
			continue;
		}
		free(text);
		c->created++;
		snprintf(path, sizeof(path), ENTRIES "/%s/post", id);
		status = request(approver->token, "POST", path, NULL, NULL, NULL, &text);
		if (status == 200)
			c->posted++;
		else
			note_failure(c, "post", status, text);
		free(text);
	}
	return NULL;
}

static void run_clients(struct client *clients, void *(*run)(void *))
{
	for (int t = 0; t < THREADS; t++)
		ck_assert_int_eq(pthread_create(&clients[t].thread, NULL, run, &clients[t]), 0);
	for (int t = 0; t < THREADS; t++)
		ck_assert_int_eq(pthread_join(clients[t].thread, NULL), 0);
}

/* Posted entries of CC in fiscal_year are numbered 1..expected, each once, as JE-YYYY-NNNNNN. */
static void assert_numbers(int fiscal_year, long long expected)
{
	const char *scope = test_ledger_path(
		"FROM ledger_entries WHERE status = 'posted' AND fiscal_year = %d"
		" AND company_id = (SELECT id FROM companies WHERE code = 'CC')", fiscal_year);

	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) %s", scope), expected);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(DISTINCT sequence) %s", scope), expected);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(DISTINCT number) %s", scope), expected);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT min(sequence) %s", scope), 1);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT max(sequence) %s", scope), expected);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) %s AND number <>"
					       " format('JE-%%s-%%s', fiscal_year, lpad(sequence::text, 6, '0'))",
					       scope), 0);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT last_number FROM ledger_numbering"
					       " WHERE fiscal_year = %d AND company_id ="
					       " (SELECT id FROM companies WHERE code = 'CC')", fiscal_year),
			 expected);
}

/* The trial balance row of account code in r's report. */
static const char *tb_amount(json_t *report, const char *code, const char *field)
{
	json_t *row;
	size_t i;

	json_array_foreach(json_object_get(report, "accounts"), i, row)
		if (strcmp(test_ledger_text(row, "code"), code) == 0)
			return test_ledger_text(row, field);
	return "";
}

static void money_text(long long cents, char out[32])
{
	snprintf(out, 32, "%lld.%02lld", cents / 100, cents % 100);
}

START_TEST(eight_clients_write_and_post_two_thousand_entries)
{
	struct client clients[THREADS];
	int total = entry_count(), created = 0, posted = 0, server_errors = 0;
	long long pair_cents[2] = { 0, 0 };
	char expected[32];
	struct test_response r;
	json_t *totals;
	double started = test_now_ms();

	memset(clients, 0, sizeof(clients));
	for (int t = 0; t < THREADS; t++) {
		clients[t].index = t;
		clients[t].first = total * t / THREADS;
		clients[t].count = total * (t + 1) / THREADS - clients[t].first;
	}
	run_clients(clients, client_run);
	for (int t = 0; t < THREADS; t++) {
		created += clients[t].created;
		posted += clients[t].posted;
		server_errors += clients[t].server_errors;
		ck_assert_msg(clients[t].failures == 0, "client %d: %d failures, first: %s", t,
			      clients[t].failures, clients[t].problem);
	}
	fprintf(stderr, "concurrency: %d entries written and posted by %d clients in %.0f ms\n", total,
		THREADS, test_now_ms() - started);
	ck_assert_int_eq(server_errors, 0);
	ck_assert_int_eq(created, total);
	ck_assert_int_eq(posted, total);

	assert_numbers(2026, total);

	for (int k = 0; k < total; k++) {
		char date[16];
		int pair;
		long cents;

		entry_of(k, date, &pair, &cents);
		pair_cents[pair] += cents;
	}
	ck_assert_int_eq(test_ledger_call(&L, approvers[0].token, "GET",
					  "/api/v1/companies/CC/reports/trial-balance?as_of=2026-12-31",
					  NULL, NULL, &r), 200);
	totals = json_object_get(r.json, "totals");
	ck_assert_uint_eq(json_array_size(totals), 1);
	ck_assert(json_is_true(json_object_get(json_array_get(totals, 0), "balanced")));
	money_text(pair_cents[0] + pair_cents[1], expected);
	ck_assert_str_eq(test_ledger_text(json_array_get(totals, 0), "debit"), expected);
	ck_assert_str_eq(test_ledger_text(json_array_get(totals, 0), "credit"), expected);
	money_text(pair_cents[0], expected);
	ck_assert_str_eq(tb_amount(r.json, "1000", "debit"), expected);
	ck_assert_str_eq(tb_amount(r.json, "4000", "credit"), expected);
	money_text(pair_cents[1], expected);
	ck_assert_str_eq(tb_amount(r.json, "5000", "debit"), expected);
	ck_assert_str_eq(tb_amount(r.json, "2000", "credit"), expected);
	test_response_free(&r);
}
END_TEST

/* --- racing posters -------------------------------------------------------------------------------- */

enum { RACE_DRAFTS = 100 };

static char race_ids[RACE_DRAFTS][40];

/* Every racer tries to post every draft; counts what it won. */
static void *racer_run(void *arg)
{
	struct client *c = arg;
	const struct test_ledger_user *approver = &approvers[c->index % APPROVERS];

	for (int i = 0; i < RACE_DRAFTS; i++) {
		/* Half the racers go forwards, half backwards, so they meet in the middle too. */
		int k = c->index % 2 ? RACE_DRAFTS - 1 - i : i;
		char path[256], *text = NULL;
		long status;

		snprintf(path, sizeof(path), ENTRIES "/%s/post", race_ids[k]);
		status = request(approver->token, "POST", path, NULL, NULL, NULL, &text);
		if (status == 200)
			c->posted++;
		else if (status != 409)
			note_failure(c, "post", status, text);
		free(text);
	}
	return NULL;
}

START_TEST(racing_posters_win_each_draft_once_and_leave_no_gap)
{
	struct client clients[THREADS];
	int posted = 0;

	/* Fiscal year 2027: its own numbers, so this test stands alone. */
	for (int i = 0; i < RACE_DRAFTS; i++)
		test_ledger_draft(&L, creators[i % CREATORS].token, "CC",
				  test_ledger_path("2027-%02d-15", i % 12 + 1), "1000", "4000", "3.00",
				  "Race", race_ids[i]);
	memset(clients, 0, sizeof(clients));
	for (int t = 0; t < THREADS; t++)
		clients[t].index = t;
	run_clients(clients, racer_run);
	for (int t = 0; t < THREADS; t++) {
		posted += clients[t].posted;
		ck_assert_msg(clients[t].failures == 0, "racer %d: %d failures, first: %s", t,
			      clients[t].failures, clients[t].problem);
	}
	ck_assert_int_eq(posted, RACE_DRAFTS);
	assert_numbers(2027, RACE_DRAFTS);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM audit_events"
					       " WHERE action = 'ledger.journal.posted' AND entity_id IN"
					       " (SELECT id::text FROM ledger_entries WHERE memo = 'Race')"),
			 RACE_DRAFTS);
}
END_TEST

/* --- one Idempotency-Key, many clients ----------------------------------------------------------------- */

static void *duplicate_run(void *arg)
{
	struct client *c = arg;
	const char *body = "{\"date\":\"2027-03-03\",\"memo\":\"Only once\",\"lines\":["
			   "{\"account\":\"1000\",\"debit\":\"9.00\"},{\"account\":\"4000\",\"credit\":\"9.00\"}]}";
	char *text = NULL;
	long status = request(creators[0].token, "POST", ENTRIES, "only-once", body, NULL, &text);

	/* 201 first or replayed, or 409 while the first is still running: never anything else. */
	if (status == 201)
		c->created++;
	else if (status != 409)
		note_failure(c, "create", status, text);
	free(text);
	return NULL;
}

START_TEST(one_idempotency_key_makes_one_entry_however_many_clients_send_it)
{
	struct client clients[THREADS];
	int answered = 0;

	memset(clients, 0, sizeof(clients));
	for (int t = 0; t < THREADS; t++)
		clients[t].index = t;
	run_clients(clients, duplicate_run);
	for (int t = 0; t < THREADS; t++) {
		answered += clients[t].created;
		ck_assert_msg(clients[t].failures == 0, "client %d: %s", t, clients[t].problem);
	}
	ck_assert_int_ge(answered, 1);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM ledger_entries"
					       " WHERE memo = 'Only once'"), 1);
}
END_TEST

/* --- a period locked while a posting into it runs ------------------------------------------------ */

struct pending {
	pthread_t thread;
	const char *token;
	const char *path;
	long status;
	double answered_ms;
};

static void *pending_run(void *arg)
{
	struct pending *p = arg;

	p->status = request(p->token, "POST", p->path, NULL, NULL, NULL, NULL);
	p->answered_ms = test_now_ms();
	return NULL;
}

static void sql_ok(PGconn *conn, const char *sql)
{
	PGresult *res = PQexec(conn, sql);

	ck_assert_msg(PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK,
		      "%s: %s", sql, PQerrorMessage(conn));
	PQclear(res);
}

/* Waits (up to 10 s) until at least count sessions of the test database wait for a lock. */
static void await_lock_waiters(int count)
{
	for (int i = 0; i < 1000; i++) {
		if (test_ledger_db_number(&L, "SELECT count(*) FROM pg_stat_activity WHERE"
					  " datname = current_database() AND wait_event_type = 'Lock'") >= count)
			return;
		usleep(10 * 1000);
	}
	ck_abort_msg("no session waits for a lock");
}

START_TEST(a_lock_is_not_confirmed_while_a_posting_into_the_period_still_runs)
{
	struct pending post = { 0 }, lock = { 0 };
	char id[40], post_path[256], lock_path[256], *period;
	PGconn *blocker;
	double released_ms;

	test_ledger_draft(&L, creators[0].token, "CC", "2027-10-10", "1000", "4000", "4.00", "Late", id);
	period = test_db_value(L.db_url, "SELECT p.id FROM ledger_periods p JOIN companies c"
				       " ON c.id = p.company_id WHERE c.code = 'CC' AND p.starts_on = '2027-10-01'");
	ck_assert_ptr_nonnull(period);

	/* Hold 2027's number: the posting stops there, after it checked its period. */
	blocker = PQconnectdb(L.db_url);
	ck_assert_msg(PQstatus(blocker) == CONNECTION_OK, "%s", PQerrorMessage(blocker));
	sql_ok(blocker, "BEGIN");
	sql_ok(blocker, "INSERT INTO ledger_numbering (company_id, fiscal_year, last_number)"
			" SELECT id, 2027, 0 FROM companies WHERE code = 'CC'"
			" ON CONFLICT (company_id, fiscal_year)"
			" DO UPDATE SET last_number = ledger_numbering.last_number");
	snprintf(post_path, sizeof(post_path), ENTRIES "/%s/post", id);
	post = (struct pending){ .token = approvers[1].token, .path = post_path };
	ck_assert_int_eq(pthread_create(&post.thread, NULL, pending_run, &post), 0);
	await_lock_waiters(1);

	/* Now the period is locked. The answer must not come before the posting is decided. */
	snprintf(lock_path, sizeof(lock_path), "/api/v1/companies/CC/fiscal-periods/%s/lock", period);
	lock = (struct pending){ .token = approvers[0].token, .path = lock_path };
	ck_assert_int_eq(pthread_create(&lock.thread, NULL, pending_run, &lock), 0);
	usleep(500 * 1000);
	released_ms = test_now_ms();
	sql_ok(blocker, "ROLLBACK");
	PQfinish(blocker);
	ck_assert_int_eq(pthread_join(post.thread, NULL), 0);
	ck_assert_int_eq(pthread_join(lock.thread, NULL), 0);

	/* The posting came first and stands; the lock was confirmed only after it. */
	ck_assert_int_eq(post.status, 200);
	ck_assert_int_eq(lock.status, 200);
	ck_assert_msg(lock.answered_ms >= released_ms,
		      "period locked %.0f ms before a posting into it committed",
		      released_ms - lock.answered_ms);
	free(period);
}
END_TEST

/* --- an account's currency changing while an entry on it is written ------------------------------- */

/* Entries of CC whose lines do not balance in some currency (there must be none). */
static long long unbalanced_entries(void)
{
	return test_ledger_db_number(&L, "SELECT count(*) FROM (SELECT l.entry_id FROM ledger_lines l"
				     " JOIN ledger_accounts a ON a.id = l.account_id"
				     " WHERE a.company_id = (SELECT id FROM companies WHERE code = 'CC')"
				     " GROUP BY l.entry_id, a.currency"
				     " HAVING sum(l.debit_minor) <> sum(l.credit_minor)) x");
}

struct pending_write {
	pthread_t thread;
	const char *token;
	const char *method;
	const char *path;
	const char *extra_header;
	const char *body;
	long status;
	char answer[512];
};

static void *pending_write_run(void *arg)
{
	struct pending_write *p = arg;
	char url[512], auth[128];
	const char *headers[] = { auth, "Content-Type: application/json", p->extra_header, NULL };
	struct test_response r;

	snprintf(url, sizeof(url), "%s%s", L.server.base_url, p->path);
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", p->token);
	p->status = -1;
	if (test_http(p->method, url, headers, p->body, strlen(p->body), &r) == 0) {
		p->status = r.status;
		snprintf(p->answer, sizeof(p->answer), "%s", r.body ? r.body : "");
		test_response_free(&r);
	}
	return NULL;
}

START_TEST(an_entry_is_not_written_in_a_currency_changed_meanwhile)
{
	struct pending_write create = {
		.token = creators[0].token, .method = "POST", .path = ENTRIES,
		.body = "{\"date\":\"2027-04-04\",\"memo\":\"Currency race\",\"lines\":["
			"{\"account\":\"7700\",\"debit\":\"100.00\"},{\"account\":\"4000\",\"credit\":\"100.00\"}]}",
	};
	PGconn *change;

	test_ledger_account(&L, approvers[0].token, "CC", "7700", "asset", NULL);
	/* A change of 7700 to JPY in progress, as PATCH runs it once it found no lines. */
	change = PQconnectdb(L.db_url);
	ck_assert_msg(PQstatus(change) == CONNECTION_OK, "%s", PQerrorMessage(change));
	sql_ok(change, "BEGIN");
	sql_ok(change, "SELECT id FROM ledger_accounts WHERE code = '7700'"
		       " AND company_id = (SELECT id FROM companies WHERE code = 'CC') FOR UPDATE");
	sql_ok(change, "UPDATE ledger_accounts SET currency = 'JPY', exponent = 0, version = version + 1"
		       " WHERE code = '7700' AND company_id = (SELECT id FROM companies WHERE code = 'CC')");
	ck_assert_int_eq(pthread_create(&create.thread, NULL, pending_write_run, &create), 0);
	await_lock_waiters(1);
	sql_ok(change, "COMMIT");
	PQfinish(change);
	ck_assert_int_eq(pthread_join(create.thread, NULL), 0);

	/* 100.00 is no amount in JPY: refused, not stored as 10000 yen against 100.00 euro. */
	ck_assert_msg(create.status == 422, "%ld %s", create.status, create.answer);
	ck_assert_ptr_nonnull(strstr(create.answer, "JPY"));
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM ledger_entries"
					       " WHERE memo = 'Currency race'"), 0);
	ck_assert_int_eq(unbalanced_entries(), 0);
}
END_TEST

START_TEST(a_currency_is_not_changed_under_an_entry_written_meanwhile)
{
	struct pending_write patch = {
		.token = approvers[0].token, .method = "PATCH",
		.path = "/api/v1/companies/CC/accounts/7800", .extra_header = "If-Match: \"1\"",
		.body = "{\"currency\":\"JPY\"}",
	};
	struct test_response r;
	PGconn *writer;

	test_ledger_account(&L, approvers[0].token, "CC", "7800", "asset", NULL);
	/* An entry on 7800 being written, as POST .../journal-entries inserts it, not yet committed. */
	writer = PQconnectdb(L.db_url);
	ck_assert_msg(PQstatus(writer) == CONNECTION_OK, "%s", PQerrorMessage(writer));
	sql_ok(writer, "BEGIN");
	sql_ok(writer, test_ledger_path(
		"WITH c AS (SELECT id FROM companies WHERE code = 'CC'),"
		" e AS (INSERT INTO ledger_entries (id, company_id, entry_date, memo, author_id)"
		"       SELECT gen_random_uuid(), c.id, '2027-04-05', 'Written meanwhile', '%s' FROM c"
		"       RETURNING id, company_id)"
		" INSERT INTO ledger_lines (entry_id, line_no, company_id, account_id, debit_minor, credit_minor)"
		" SELECT e.id, n, e.company_id, a.id, CASE n WHEN 1 THEN 10000 ELSE 0 END,"
		"        CASE n WHEN 2 THEN 10000 ELSE 0 END"
		" FROM e, generate_series(1, 2) n, ledger_accounts a"
		" WHERE a.company_id = e.company_id AND a.code = CASE n WHEN 1 THEN '7800' ELSE '4000' END",
		creators[0].id));
	ck_assert_int_eq(pthread_create(&patch.thread, NULL, pending_write_run, &patch), 0);
	await_lock_waiters(1);
	sql_ok(writer, "COMMIT");
	PQfinish(writer);
	ck_assert_int_eq(pthread_join(patch.thread, NULL), 0);

	/* Once the entry is in, 7800 has lines: its currency is fixed. */
	ck_assert_msg(patch.status == 409, "%ld %s", patch.status, patch.answer);
	ck_assert_int_eq(test_ledger_call(&L, approvers[0].token, "GET", "/api/v1/companies/CC/accounts/7800",
					  NULL, NULL, &r), 200);
	ck_assert_str_eq(test_ledger_text(r.json, "currency"), "EUR");
	test_response_free(&r);
	ck_assert_int_eq(unbalanced_entries(), 0);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("e2e/ledger/concurrency");
	TCase *tc = tcase_create("concurrency");

	tcase_add_unchecked_fixture(tc, start_shared, stop_shared);
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, eight_clients_write_and_post_two_thousand_entries);
	tcase_add_test(tc, racing_posters_win_each_draft_once_and_leave_no_gap);
	tcase_add_test(tc, one_idempotency_key_makes_one_entry_however_many_clients_send_it);
	tcase_add_test(tc, a_lock_is_not_confirmed_while_a_posting_into_the_period_still_runs);
	tcase_add_test(tc, an_entry_is_not_written_in_a_currency_changed_meanwhile);
	tcase_add_test(tc, a_currency_is_not_changed_under_an_entry_written_meanwhile);
	suite_add_tcase(s, tc);
	return s;
}
