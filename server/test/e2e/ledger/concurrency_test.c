/*
 * The ledger under concurrent load, end to end against the real
 * erp-server-test binary: eight client threads (one libcurl client each)
 * write and post 2,000 journal entries through HTTP at once. Afterwards the
 * numbers of the fiscal year are exactly 1..2,000 (unique, gapless), the
 * trial balance from the API balances to the cent, and no client saw a 5xx.
 * Then posters race for the same drafts (one wins each, the numbers stay
 * gapless), clients race with one Idempotency-Key (one entry is made), and
 * writers that must wait for each other do: the confirmation of a period's
 * lock and a posting into it, a deactivation and a posting to the account, a
 * change of the company's currency and its first posting, a change of an
 * account's currency and an entry on it.
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
/* The ETag of a draft nobody replaced: what its approver reviewed. */
#define DRAFT_ETAG "If-Match: \"1\""

enum { THREADS = 8, CREATORS = 2, APPROVERS = 4, ENTRIES_DEFAULT = 2000 };

static struct test_ledger L;
static struct test_ledger_user creators[CREATORS], approvers[APPROVERS], lockers[2];

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
	/* The second approver may post into closed periods; two others lock periods. */
	test_ledger_role(&L, "cc-closed-period-poster", "[\"ledger.period.post-closed\"]");
	test_ledger_grant(&L, approvers[1].id, "cc-closed-period-poster", "CC", NULL);
	test_ledger_role(&L, "cc-locker", "[\"ledger.period.lock\",\"ledger.period.read\"]");
	for (int i = 0; i < 2; i++) {
		test_ledger_user(&L, test_ledger_path("locker%d@concurrency.test", i), &lockers[i]);
		test_ledger_grant(&L, lockers[i].id, "cc-locker", "CC", NULL);
	}
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

/*
 * One request without any Check assertion (threads report, the main thread
 * asserts); extra_header ("Name: value") may be NULL.
 */
static long request(const char *token, const char *method, const char *path,
		    const char *extra_header, const char *body, char id[40], char **text)
{
	return test_ledger_try(&L, token, method, path, extra_header, body, id, text);
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
		snprintf(key, sizeof(key), "Idempotency-Key: load-%d", k);
		status = request(creator->token, "POST", ENTRIES, key, body, id, &text);
		if (status != 201) {
			note_failure(c, "create", status, text);
			free(text);
			continue;
		}
		free(text);
		c->created++;
		snprintf(path, sizeof(path), ENTRIES "/%s/post", id);
		status = request(approver->token, "POST", path, DRAFT_ETAG, NULL, NULL, &text);
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
	/* The trial balance read the balances the eight posters added to: they match the lines. */
	test_ledger_verify_books(&L);
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
		status = request(approver->token, "POST", path, DRAFT_ETAG, NULL, NULL, &text);
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
	long status = request(creators[0].token, "POST", ENTRIES, "Idempotency-Key: only-once", body,
			      NULL, &text);

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

/* --- two writers at once: a request that must wait for another's transaction ---------------------- */

/*
 * Holds the numbering row of company (code) and fiscal_year in a transaction: a posting
 * there stops at its number, after everything it checked and locked before.
 */
static PGconn *hold_number(const char *company, int fiscal_year)
{
	PGconn *blocker = test_ledger_begin(&L);

	test_ledger_sql_ok(blocker, test_ledger_path(
		"INSERT INTO ledger_numbering (company_id, fiscal_year, last_number)"
		" SELECT id, %d, 0 FROM companies WHERE code = '%s'"
		" ON CONFLICT (company_id, fiscal_year)"
		" DO UPDATE SET last_number = ledger_numbering.last_number", fiscal_year, company));
	return blocker;
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

/* --- four-eyes steps at once ------------------------------------------------------------------------ */

START_TEST(an_edit_and_a_posting_at_once_post_only_the_version_reviewed)
{
	struct test_ledger_pending edit = { 0 }, post = { 0 };
	char id[40], entry_path[256], post_path[256], *posted;
	PGconn *blocker;

	test_ledger_draft(&L, creators[0].token, "CC", "2026-06-06", "1000", "4000", "10.00", "Reviewed", id);
	/* Both requests wait for the entry's row, then run one after the other. */
	blocker = test_ledger_begin(&L);
	test_ledger_sql_ok(blocker, test_ledger_path("SELECT id FROM ledger_entries WHERE id = '%s' FOR UPDATE", id));
	snprintf(entry_path, sizeof(entry_path), ENTRIES "/%s", id);
	edit = (struct test_ledger_pending){ .token = creators[0].token, .method = "PUT", .path = entry_path,
				 .extra_header = DRAFT_ETAG,
				 .body = "{\"date\":\"2026-06-06\",\"memo\":\"Reviewed\",\"lines\":["
					 "{\"account\":\"1000\",\"debit\":\"990000.00\"},"
					 "{\"account\":\"4000\",\"credit\":\"990000.00\"}]}" };
	snprintf(post_path, sizeof(post_path), ENTRIES "/%s/post", id);
	post = (struct test_ledger_pending){ .token = approvers[1].token, .path = post_path, .extra_header = DRAFT_ETAG };
	/* One at a time: a worker thread blocked in a handler holds the connections it accepted. */
	test_ledger_pending_start(&L, &edit);
	await_lock_waiters(1);
	test_ledger_pending_start(&L, &post);
	await_lock_waiters(2);
	test_ledger_end(blocker, "COMMIT");
	test_ledger_pending_join(&edit);
	test_ledger_pending_join(&post);

	/* Either the reviewed 10.00 is posted and the edit comes too late, or the edit wins and the
	 * posting is stale: never 990000.00 posted on a review of 10.00. */
	ck_assert_msg((post.status == 200 && edit.status == 409) || (post.status == 412 && edit.status == 200),
		      "post %ld %s; edit %ld %s", post.status, post.answer, edit.status, edit.answer);
	posted = test_db_value(L.db_url, test_ledger_path(
		"SELECT coalesce(max(l.debit_minor), 0) FROM ledger_lines l JOIN ledger_entries e"
		" ON e.id = l.entry_id WHERE e.id = '%s' AND e.status = 'posted'", id));
	ck_assert_str_eq(posted, post.status == 200 ? "1000" : "0");
	free(posted);
}
END_TEST

START_TEST(two_confirmations_of_one_settings_change_at_once_apply_it_once)
{
	struct test_ledger_pending confirm[2];
	PGconn *blocker;
	int applied = 0;

	test_ledger_role(&L, "cc-settings", "[\"ledger.settings.manage\"]");
	for (int i = 0; i < 2; i++)
		test_ledger_grant(&L, lockers[i].id, "cc-settings", "CC", NULL);
	test_ledger_grant(&L, approvers[2].id, "cc-settings", "CC", NULL);
	ck_assert_int_eq(test_ledger_call(&L, approvers[2].token, "PUT", "/api/v1/companies/CC/ledger-settings",
					  "If-Match: \"1\"", "{\"self_posting\":true}", NULL), 202);
	blocker = test_ledger_begin(&L);
	test_ledger_sql_ok(blocker, "SELECT company_id FROM ledger_settings WHERE company_id ="
			" (SELECT id FROM companies WHERE code = 'CC') FOR UPDATE");
	for (int i = 0; i < 2; i++) {
		confirm[i] = (struct test_ledger_pending){ .token = lockers[i].token,
					       .path = "/api/v1/companies/CC/ledger-settings/confirm",
					       .extra_header = "If-Match: \"2\"" };
		test_ledger_pending_start(&L, &confirm[i]);
		await_lock_waiters(i + 1); /* one at a time, as above */
	}
	test_ledger_end(blocker, "COMMIT");
	for (int i = 0; i < 2; i++) {
		test_ledger_pending_join(&confirm[i]);
		if (confirm[i].status == 200)
			applied++;
		else
			ck_assert_msg(confirm[i].status == 412 || confirm[i].status == 409, "%ld %s",
				      confirm[i].status, confirm[i].answer);
	}
	ck_assert_int_eq(applied, 1);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM audit_events"
					       " WHERE action = 'ledger.settings.change_confirmed'"
					       " AND company_id = (SELECT id FROM companies WHERE code = 'CC')"), 1);
	/* Back to four-eyes for the rest of this file. */
	test_ledger_self_posting(&L, lockers[0].token, lockers[1].token, "CC", false);
}
END_TEST

/* --- a period locked while a posting into it runs ------------------------------------------------ */

START_TEST(a_lock_is_not_confirmed_while_a_posting_into_the_period_still_runs)
{
	struct test_ledger_pending post = { 0 }, confirm = { 0 };
	char id[40], period[40], post_path[256], confirm_path[256];
	PGconn *blocker;
	double released_ms;

	/* January 2020: CC's first period, long ended, closed, its lock asked for. */
	test_ledger_fiscal_year(&L, approvers[0].token, "CC", 2020);
	test_ledger_period_id(&L, lockers[0].token, "CC", "2020-01", period);
	ck_assert_int_eq(test_ledger_call(&L, approvers[0].token, "POST",
					  test_ledger_path("/api/v1/companies/CC/fiscal-periods/%s/close", period),
					  NULL, NULL, NULL), 200);
	ck_assert_int_eq(test_ledger_call(&L, lockers[0].token, "POST",
					  test_ledger_path("/api/v1/companies/CC/fiscal-periods/%s/lock", period),
					  NULL, NULL, NULL), 202);
	/* A late correction, posted into the closed period while the second locker confirms. */
	test_ledger_draft(&L, creators[0].token, "CC", "2020-01-10", "1000", "4000", "4.00", "Late", id);

	/* Hold 2020's number: the posting stops there, after it checked its period. */
	blocker = hold_number("CC", 2020);
	snprintf(post_path, sizeof(post_path), ENTRIES "/%s/post", id);
	post = (struct test_ledger_pending){ .token = approvers[1].token, .path = post_path, .extra_header = DRAFT_ETAG };
	test_ledger_pending_start(&L, &post);
	await_lock_waiters(1);

	/* The confirmation must not come before the posting is decided. */
	snprintf(confirm_path, sizeof(confirm_path), "/api/v1/companies/CC/fiscal-periods/%s/lock/confirm",
		 period);
	confirm = (struct test_ledger_pending){ .token = lockers[1].token, .path = confirm_path };
	test_ledger_pending_start(&L, &confirm);
	usleep(500 * 1000);
	released_ms = test_ledger_end(blocker, "ROLLBACK");
	test_ledger_pending_join(&post);
	test_ledger_pending_join(&confirm);

	/* The posting came first and stands (no draft is left); the lock was confirmed only after it. */
	ck_assert_msg(post.status == 200, "%ld %s", post.status, post.answer);
	ck_assert_msg(confirm.status == 200, "%ld %s", confirm.status, confirm.answer);
	ck_assert_msg(confirm.answered_ms >= released_ms,
		      "period locked %.0f ms before a posting into it committed",
		      released_ms - confirm.answered_ms);
}
END_TEST

/* --- an account deactivated while a posting to it runs ------------------------------------------ */

START_TEST(a_deactivation_waits_for_a_posting_to_the_account_that_still_runs)
{
	struct test_ledger_pending post = { 0 }, deactivate = { 0 };
	char id[40], post_path[256];
	PGconn *blocker;
	double released_ms;

	test_ledger_account(&L, approvers[0].token, "CC", "7100", "asset", NULL);
	test_ledger_draft(&L, creators[0].token, "CC", "2027-05-05", "7100", "4000", "7.00", "Deactivated later", id);
	blocker = hold_number("CC", 2027);
	snprintf(post_path, sizeof(post_path), ENTRIES "/%s/post", id);
	post = (struct test_ledger_pending){ .token = approvers[1].token, .path = post_path, .extra_header = DRAFT_ETAG };
	test_ledger_pending_start(&L, &post);
	await_lock_waiters(1);

	/* The posting has checked 7100 is active; the deactivation must wait for its outcome. */
	deactivate = (struct test_ledger_pending){ .token = approvers[0].token,
				       .path = "/api/v1/companies/CC/accounts/7100/deactivate" };
	test_ledger_pending_start(&L, &deactivate);
	usleep(500 * 1000);
	released_ms = test_ledger_end(blocker, "ROLLBACK");
	test_ledger_pending_join(&post);
	test_ledger_pending_join(&deactivate);

	ck_assert_msg(post.status == 200, "%ld %s", post.status, post.answer);
	ck_assert_msg(deactivate.status == 200, "%ld %s", deactivate.status, deactivate.answer);
	ck_assert_msg(deactivate.answered_ms >= released_ms,
		      "account deactivated %.0f ms before a posting to it committed",
		      released_ms - deactivate.answered_ms);
}
END_TEST

START_TEST(a_posting_waits_for_a_deactivation_in_progress_and_is_refused)
{
	struct test_ledger_pending post = { 0 };
	char id[40], post_path[256];
	PGconn *change;

	test_ledger_account(&L, approvers[0].token, "CC", "7200", "asset", NULL);
	test_ledger_draft(&L, creators[0].token, "CC", "2027-05-06", "7200", "4000", "8.00", "Deactivated first", id);
	/* A deactivation of 7200 in progress, as POST .../deactivate runs it. */
	change = test_ledger_begin(&L);
	test_ledger_sql_ok(change, "SELECT id FROM ledger_accounts WHERE code = '7200'"
		       " AND company_id = (SELECT id FROM companies WHERE code = 'CC') FOR UPDATE");
	test_ledger_sql_ok(change, "UPDATE ledger_accounts SET active = false, version = version + 1 WHERE code = '7200'"
		       " AND company_id = (SELECT id FROM companies WHERE code = 'CC')");
	snprintf(post_path, sizeof(post_path), ENTRIES "/%s/post", id);
	post = (struct test_ledger_pending){ .token = approvers[1].token, .path = post_path, .extra_header = DRAFT_ETAG };
	test_ledger_pending_start(&L, &post);
	await_lock_waiters(1);
	test_ledger_end(change, "COMMIT");
	test_ledger_pending_join(&post);

	/* The posting read 7200 as the deactivation left it. */
	ck_assert_msg(post.status == 422, "%ld %s", post.status, post.answer);
	ck_assert_ptr_nonnull(strstr(post.answer, "inactive accounts refuse postings: 7200"));
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM ledger_entries WHERE id = '%s'"
					       " AND status = 'draft'", id), 1);
}
END_TEST

/* --- a company's currency changed while its first posting runs ------------------------------------ */

/* Company code in EUR with accounts 1000 and 4000, fiscal year 2026, the clerk and the approvers. */
static void books_company(const char *code)
{
	test_ledger_company(&L, code, "EUR");
	test_ledger_grant(&L, creators[0].id, "cc-clerk", code, NULL);
	test_ledger_grant(&L, approvers[0].id, "cc-controller", code, NULL);
	test_ledger_grant(&L, approvers[1].id, "cc-approver", code, NULL);
	test_ledger_account(&L, approvers[0].token, code, "1000", "asset", NULL);
	test_ledger_account(&L, approvers[0].token, code, "4000", "revenue", NULL);
	test_ledger_fiscal_year(&L, approvers[0].token, code, 2026);
}

static char *company_currency(const char *code)
{
	char *currency = test_db_value(L.db_url, test_ledger_path(
		"SELECT currency FROM companies WHERE code = '%s'", code));

	ck_assert_ptr_nonnull(currency);
	return currency;
}

START_TEST(a_currency_change_waits_for_the_first_posting_and_is_refused)
{
	struct test_ledger_pending post = { 0 }, patch = { 0 };
	char id[40], if_match[96], post_path[256], *currency;
	PGconn *blocker;

	books_company("CX");
	test_ledger_draft(&L, creators[0].token, "CX", "2026-03-03", "1000", "4000", "9.00", "First", id);
	snprintf(if_match, sizeof(if_match), "%s",
		 test_ledger_read_if_match(&L, L.admin_token, "/api/v1/companies/CX"));
	blocker = hold_number("CX", 2026);
	snprintf(post_path, sizeof(post_path), "/api/v1/companies/CX/journal-entries/%s/post", id);
	post = (struct test_ledger_pending){ .token = approvers[1].token, .path = post_path, .extra_header = DRAFT_ETAG };
	test_ledger_pending_start(&L, &post);
	await_lock_waiters(1);

	/* The books are being kept in EUR: the change waits for the posting, then is refused. */
	patch = (struct test_ledger_pending){ .token = L.admin_token, .method = "PATCH", .path = "/api/v1/companies/CX",
				  .extra_header = if_match, .body = "{\"currency\":\"USD\"}" };
	test_ledger_pending_start(&L, &patch);
	usleep(500 * 1000);
	test_ledger_end(blocker, "ROLLBACK");
	test_ledger_pending_join(&post);
	test_ledger_pending_join(&patch);

	ck_assert_msg(post.status == 200, "%ld %s", post.status, post.answer);
	ck_assert_msg(patch.status == 409, "%ld %s", patch.status, patch.answer);
	ck_assert_ptr_nonnull(strstr(patch.answer, "posted journal entries"));
	currency = company_currency("CX");
	ck_assert_str_eq(currency, "EUR");
	free(currency);
}
END_TEST

START_TEST(a_currency_changed_before_the_first_posting_lands_first)
{
	struct test_ledger_pending post = { 0 };
	char id[40], post_path[256], *currency;
	PGconn *change;
	struct test_response r;

	books_company("CY");
	test_ledger_draft(&L, creators[0].token, "CY", "2026-03-04", "1000", "4000", "9.00", "First", id);
	/* A change of CY to USD in progress, as PATCH runs it (no posting yet: allowed). */
	change = test_ledger_begin(&L);
	test_ledger_sql_ok(change, "SELECT id FROM companies WHERE code = 'CY' FOR UPDATE");
	test_ledger_sql_ok(change, "UPDATE companies SET currency = 'USD', version = version + 1 WHERE code = 'CY'");
	snprintf(post_path, sizeof(post_path), "/api/v1/companies/CY/journal-entries/%s/post", id);
	post = (struct test_ledger_pending){ .token = approvers[1].token, .path = post_path, .extra_header = DRAFT_ETAG };
	test_ledger_pending_start(&L, &post);
	await_lock_waiters(1);
	test_ledger_end(change, "COMMIT");
	test_ledger_pending_join(&post);
	ck_assert_msg(post.status == 200, "%ld %s", post.status, post.answer);

	/* Now there is a posting: the currency stays as it was when the books began. */
	ck_assert_int_eq(test_ledger_call(&L, L.admin_token, "PATCH", "/api/v1/companies/CY",
					  test_ledger_read_if_match(&L, L.admin_token, "/api/v1/companies/CY"),
					  "{\"currency\":\"EUR\"}", &r), 409);
	test_response_free(&r);
	currency = company_currency("CY");
	ck_assert_str_eq(currency, "USD");
	free(currency);
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

START_TEST(an_entry_is_not_written_in_a_currency_changed_meanwhile)
{
	struct test_ledger_pending create = {
		.token = creators[0].token, .path = ENTRIES,
		.body = "{\"date\":\"2027-04-04\",\"memo\":\"Currency race\",\"lines\":["
			"{\"account\":\"7700\",\"debit\":\"100.00\"},{\"account\":\"4000\",\"credit\":\"100.00\"}]}",
	};
	PGconn *change;

	test_ledger_account(&L, approvers[0].token, "CC", "7700", "asset", NULL);
	/* A change of 7700 to JPY in progress, as PATCH runs it once it found no lines. */
	change = test_ledger_begin(&L);
	test_ledger_sql_ok(change, "SELECT id FROM ledger_accounts WHERE code = '7700'"
		       " AND company_id = (SELECT id FROM companies WHERE code = 'CC') FOR UPDATE");
	test_ledger_sql_ok(change, "UPDATE ledger_accounts SET currency = 'JPY', exponent = 0, version = version + 1"
		       " WHERE code = '7700' AND company_id = (SELECT id FROM companies WHERE code = 'CC')");
	test_ledger_pending_start(&L, &create);
	await_lock_waiters(1);
	test_ledger_end(change, "COMMIT");
	test_ledger_pending_join(&create);

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
	struct test_ledger_pending patch = {
		.token = approvers[0].token, .method = "PATCH",
		.path = "/api/v1/companies/CC/accounts/7800", .extra_header = "If-Match: \"1\"",
		.body = "{\"currency\":\"JPY\"}",
	};
	struct test_response r;
	PGconn *writer;

	test_ledger_account(&L, approvers[0].token, "CC", "7800", "asset", NULL);
	/* An entry on 7800 being written, as POST .../journal-entries inserts it, not yet committed. */
	writer = test_ledger_begin(&L);
	test_ledger_sql_ok(writer, test_ledger_path(
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
	test_ledger_pending_start(&L, &patch);
	await_lock_waiters(1);
	test_ledger_end(writer, "COMMIT");
	test_ledger_pending_join(&patch);

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
	tcase_add_test(tc, an_edit_and_a_posting_at_once_post_only_the_version_reviewed);
	tcase_add_test(tc, two_confirmations_of_one_settings_change_at_once_apply_it_once);
	tcase_add_test(tc, a_lock_is_not_confirmed_while_a_posting_into_the_period_still_runs);
	tcase_add_test(tc, a_deactivation_waits_for_a_posting_to_the_account_that_still_runs);
	tcase_add_test(tc, a_posting_waits_for_a_deactivation_in_progress_and_is_refused);
	tcase_add_test(tc, a_currency_change_waits_for_the_first_posting_and_is_refused);
	tcase_add_test(tc, a_currency_changed_before_the_first_posting_lands_first);
	tcase_add_test(tc, an_entry_is_not_written_in_a_currency_changed_meanwhile);
	tcase_add_test(tc, a_currency_is_not_changed_under_an_entry_written_meanwhile);
	suite_add_tcase(s, tc);
	return s;
}
