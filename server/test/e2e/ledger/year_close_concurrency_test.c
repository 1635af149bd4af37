/*
 * Postings while a fiscal year's close is being confirmed, end to end
 * against the real erp-server-test binary: a posting into the year either
 * lands before the close (and the closing entry moves it too) or is
 * refused (409, the year is closed) — never after the close beside it.
 * First each order is forced with a lock the test holds: a posting that
 * already holds its period makes the confirmation wait for it; a
 * confirmation that already holds the year makes the posting wait and
 * then refuses it. Then eight clients post late corrections into the year
 * while the close is confirmed. After each, the year's revenue and
 * expenses are zero on its last day (nothing landed beside the close), and
 * the company's hash chain is whole.
 *
 * Companies CA, CB and CR, fiscal year 2024 closed month by month; the
 * approvers may post into closed periods (late corrections).
 */
#include <check.h>
#include <curl/curl.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test/support/check_main.h"
#include "test/support/ledger_fixture.h"
#include "test/support/testlib.h"

enum { CLIENTS = 8, PER_CLIENT = 6 };

static struct test_ledger L;
static struct test_ledger_user keeper, clerk, approvers[CLIENTS], closer1, closer2, closer3,
	settings;

static const char *const server_env[] = { "ERP_THREADS=12", "ERP_RATE_LIMIT_PER_USER=0", NULL };

/* Company code with its books, fiscal year 2024 with every period closed, retained earnings named. */
static void books(const char *code)
{
	const char *path = test_ledger_path("/api/v1/companies/%s/ledger-settings", code);

	test_ledger_company(&L, code, "EUR");
	test_ledger_grant(&L, keeper.id, "cy-keeper", code, NULL);
	test_ledger_grant(&L, clerk.id, "cy-clerk", code, NULL);
	for (int i = 0; i < CLIENTS; i++)
		test_ledger_grant(&L, approvers[i].id, "cy-approver", code, NULL);
	test_ledger_grant(&L, closer1.id, "cy-closer", code, NULL);
	test_ledger_grant(&L, closer2.id, "cy-closer", code, NULL);
	test_ledger_grant(&L, closer3.id, "cy-closer", code, NULL);
	test_ledger_grant(&L, settings.id, "cy-settings", code, NULL);
	test_ledger_account(&L, keeper.token, code, "1000", "asset", NULL);
	test_ledger_account(&L, keeper.token, code, "3000", "equity", NULL);
	test_ledger_account(&L, keeper.token, code, "4000", "revenue", NULL);
	test_ledger_fiscal_year(&L, keeper.token, code, 2024);
	ck_assert_int_eq(test_ledger_call(&L, settings.token, "PUT",
					  test_ledger_path("%s/retained-earnings-account", path),
					  test_ledger_read_if_match(&L, settings.token, path),
					  "{\"account\":\"3000\"}", NULL), 200);
	test_ledger_close_periods(&L, keeper.token, code, 2024);
}

static void start_shared(void)
{
	ck_assert_int_eq(curl_global_init(CURL_GLOBAL_DEFAULT), 0); /* before any thread */
	test_ledger_start(&L, "t_ledger_year_close_concurrency", server_env);
	test_ledger_role(&L, "cy-keeper", "[\"ledger.account.manage\",\"ledger.account.read\","
					  "\"ledger.period.manage\",\"ledger.period.read\"]");
	test_ledger_role(&L, "cy-clerk", "[\"ledger.journal.create\",\"ledger.journal.read\"]");
	test_ledger_role(&L, "cy-approver", "[\"ledger.journal.post\",\"ledger.journal.read\","
					    "\"ledger.period.post-closed\"]");
	test_ledger_role(&L, "cy-closer", "[\"ledger.year.close\",\"ledger.period.read\"]");
	test_ledger_role(&L, "cy-settings", "[\"ledger.settings.manage\"]");
	test_ledger_user(&L, "keeper@cy.test", &keeper);
	test_ledger_user(&L, "clerk@cy.test", &clerk);
	for (int i = 0; i < CLIENTS; i++)
		test_ledger_user(&L, test_ledger_path("approver%d@cy.test", i), &approvers[i]);
	test_ledger_user(&L, "closer1@cy.test", &closer1);
	test_ledger_user(&L, "closer2@cy.test", &closer2);
	test_ledger_user(&L, "closer3@cy.test", &closer3);
	test_ledger_user(&L, "settings@cy.test", &settings);
	books("CA");
	books("CB");
	books("CR");
	books("CD");
	books("CE");
}

static void stop_shared(void)
{
	test_ledger_stop(&L);
	curl_global_cleanup();
}

/* A connection of its own holding company's row of table (keyed by company_id) FOR UPDATE. */
static PGconn *hold(const char *table, const char *company)
{
	PGconn *conn = test_ledger_begin(&L);

	test_ledger_sql_ok(conn, test_ledger_path("SELECT 1 FROM %s WHERE company_id ="
						  " (SELECT id FROM companies WHERE code = '%s') FOR UPDATE",
						  table, company));
	return conn;
}

static double release(PGconn *conn)
{
	return test_ledger_end(conn, "ROLLBACK");
}

/* Whether at least count sessions of the test database wait for a lock within ms milliseconds. */
static bool lock_waiters_reach(int count, double ms)
{
	double deadline = test_now_ms() + ms;

	do {
		if (test_ledger_db_number(&L, "SELECT count(*) FROM pg_stat_activity WHERE"
					  " datname = current_database() AND wait_event_type = 'Lock'") >= count)
			return true;
		usleep(10 * 1000);
	} while (test_now_ms() < deadline);
	return false;
}

/* Waits (up to 10 s) until at least count sessions of the test database wait for a lock. */
static void await_lock_waiters(int count)
{
	ck_assert_msg(lock_waiters_reach(count, 10000), "no %d sessions wait for a lock", count);
}

/* The year's revenue on its last day: zero once closed, unless a posting landed beside the close. */
static long long revenue_2024(const char *company)
{
	return test_ledger_db_number(&L, "SELECT coalesce(sum(l.debit_minor - l.credit_minor), 0)"
				     " FROM ledger_lines l JOIN ledger_accounts a ON a.id = l.account_id"
				     " JOIN companies c ON c.id = a.company_id WHERE c.code = '%s'"
				     " AND a.type IN ('revenue', 'expense') AND l.posted_on <= '2024-12-31'",
				     company);
}

/* The company's chain: places 1..n, each linked to the one before, each hash what it covers. */
static void assert_chain_whole(const char *company)
{
	const char *of = test_ledger_path("(SELECT id FROM companies WHERE code = '%s')", company);
	long long posted;

	test_ledger_wait_sealed(&L);
	posted = test_ledger_db_number(&L, "SELECT count(*) FROM ledger_entries WHERE company_id = %s"
				       " AND status = 'posted'", of);

	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM ledger_entries e"
					       " LEFT JOIN ledger_entries b ON b.company_id = e.company_id"
					       "  AND b.chain_seq = e.chain_seq - 1"
					       " WHERE e.company_id = %s AND e.status = 'posted'"
					       "  AND e.chain_seq BETWEEN 1 AND %lld"
					       "  AND e.prev_hash IS NOT DISTINCT FROM b.entry_hash"
					       "  AND e.entry_hash = ledger_chain_hash_of(e.id)", of, posted), posted);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT last_seq FROM ledger_chain_heads WHERE"
					       " company_id = %s", of), posted);
}

/* closer's confirmation of company's close, under the version closer reads now (kept in if_match). */
static void confirm_as(struct test_ledger_pending *p, const char *company,
		       const struct test_ledger_user *closer, char if_match[64])
{
	snprintf(if_match, 64, "%s",
		 test_ledger_read_if_match(&L, closer->token,
					   test_ledger_path("/api/v1/companies/%s/fiscal-years/2024", company)));
	test_ledger_pending_path(p, "/api/v1/companies/%s/fiscal-years/2024/close/confirm", company);
	p->token = closer->token;
	p->extra_header = if_match;
}

static void confirm_path(struct test_ledger_pending *p, const char *company)
{
	static char if_match[64];

	confirm_as(p, company, &closer2, if_match);
}

static void request_close(const char *company)
{
	ck_assert_int_eq(test_ledger_call(&L, closer1.token, "POST",
					  test_ledger_path("/api/v1/companies/%s/fiscal-years/2024/close",
							   company), NULL, NULL, NULL), 202);
}

/* A late correction: a draft dated in 2024, for approver i to post (its path in p). */
static void late_draft(const char *company, int i, struct test_ledger_pending *p)
{
	char id[40];

	test_ledger_draft(&L, clerk.token, company, "2024-11-15", "1000", "4000", "12.34", "Late", id);
	test_ledger_pending_path(p, "/api/v1/companies/%s/journal-entries/%s/post", company, id);
	p->token = approvers[i].token;
	p->extra_header = "If-Match: \"1\"";
}

START_TEST(a_posting_under_way_lands_before_the_close_confirmed_meanwhile)
{
	struct test_ledger_pending post = { 0 }, confirm = { 0 };
	PGconn *blocker;
	double released_ms;

	request_close("CA");
	late_draft("CA", 0, &post);
	/* The posting stops at its number, its period and year already share-locked. */
	blocker = hold("ledger_numbering", "CA");
	ck_assert_int_eq(test_db_exec(L.db_url, "INSERT INTO ledger_numbering (company_id, fiscal_year,"
				      " last_number) SELECT id, 2024, 0 FROM companies WHERE code = 'CA'"
				      " ON CONFLICT DO NOTHING"), 0);
	release(blocker);
	blocker = hold("ledger_numbering", "CA");
	test_ledger_pending_start(&L, &post);
	await_lock_waiters(1);
	confirm_path(&confirm, "CA");
	test_ledger_pending_start(&L, &confirm);
	await_lock_waiters(2); /* the confirmation waits for the posting's period */
	usleep(200 * 1000);
	released_ms = release(blocker);
	test_ledger_pending_join(&post);
	test_ledger_pending_join(&confirm);

	ck_assert_msg(post.status == 200, "%ld %s", post.status, post.answer);
	ck_assert_msg(confirm.status == 200, "%ld %s", confirm.status, confirm.answer);
	ck_assert_msg(confirm.answered_ms >= released_ms, "closed before the posting was decided");
	/* The closing entry moved the late correction too. */
	ck_assert_int_eq(revenue_2024("CA"), 0);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT l.debit_minor FROM ledger_lines l"
					       " JOIN ledger_entries e ON e.id = l.entry_id"
					       " JOIN ledger_accounts a ON a.id = l.account_id"
					       " JOIN companies c ON c.id = e.company_id WHERE c.code = 'CA'"
					       " AND e.number = 'YC-2024-000001' AND a.code = '4000'"), 1234);
	assert_chain_whole("CA");
}
END_TEST

START_TEST(a_posting_that_comes_while_the_close_is_confirmed_is_refused)
{
	struct test_ledger_pending post = { 0 }, confirm = { 0 };
	PGconn *blocker;

	request_close("CB");
	late_draft("CB", 1, &post);
	/* Something to close: a posting made before it all. */
	{
		struct test_ledger_pending early = { 0 };

		late_draft("CB", 2, &early);
		ck_assert_int_eq(test_ledger_call(&L, early.token, "POST", early.path, early.extra_header,
						  NULL, NULL), 200);
	}
	/* The confirmation stops at the accounts of its closing entry, after it locked every period and the year. */
	blocker = hold("ledger_accounts", "CB");
	confirm_path(&confirm, "CB");
	test_ledger_pending_start(&L, &confirm);
	await_lock_waiters(1);
	test_ledger_pending_start(&L, &post);
	await_lock_waiters(2); /* the posting waits for its period */
	usleep(200 * 1000);
	release(blocker);
	test_ledger_pending_join(&confirm);
	test_ledger_pending_join(&post);

	ck_assert_msg(confirm.status == 200, "%ld %s", confirm.status, confirm.answer);
	ck_assert_msg(post.status == 409 && strstr(post.answer, "fiscal year 2024 is closed"), "%ld %s",
		      post.status, post.answer);
	ck_assert_int_eq(revenue_2024("CB"), 0);
	assert_chain_whole("CB");
}
END_TEST

/* One client: its drafts posted one after another while the close is confirmed. */
struct client {
	pthread_t thread;
	int index;
	struct test_ledger_pending posts[PER_CLIENT];
	int landed, refused, other;
	char problem[512];
};

static void *client_run(void *arg)
{
	struct client *c = arg;

	for (int k = 0; k < PER_CLIENT; k++) {
		/* Spread out, so the confirmation finds moments when no posting holds the period. */
		usleep((useconds_t)(20 + 10 * c->index) * 1000);
		test_ledger_pending_run(&L, &c->posts[k]);
		if (c->posts[k].status == 200)
			c->landed++;
		else if (c->posts[k].status == 409 && strstr(c->posts[k].answer, "fiscal year 2024 is closed"))
			c->refused++;
		else if (!c->other++)
			snprintf(c->problem, sizeof(c->problem), "%ld %s", c->posts[k].status,
				 c->posts[k].answer);
	}
	return NULL;
}

START_TEST(eight_clients_posting_while_the_close_is_confirmed_land_before_it_or_are_refused)
{
	static struct client clients[CLIENTS];
	struct test_ledger_pending confirm = { 0 };
	int landed = 0, refused = 0;

	request_close("CR");
	for (int i = 0; i < CLIENTS; i++) {
		clients[i] = (struct client){ .index = i };
		for (int k = 0; k < PER_CLIENT; k++)
			late_draft("CR", i, &clients[i].posts[k]);
	}
	for (int i = 0; i < CLIENTS; i++)
		ck_assert_int_eq(pthread_create(&clients[i].thread, NULL, client_run, &clients[i]), 0);
	usleep(60 * 1000);
	confirm_path(&confirm, "CR");
	test_ledger_pending_run(&L, &confirm);
	for (int i = 0; i < CLIENTS; i++) {
		ck_assert_int_eq(pthread_join(clients[i].thread, NULL), 0);
		ck_assert_msg(clients[i].other == 0, "client %d: %s", i, clients[i].problem);
		landed += clients[i].landed;
		refused += clients[i].refused;
	}
	ck_assert_msg(confirm.status == 200, "%ld %s", confirm.status, confirm.answer);
	ck_assert_int_eq(landed + refused, CLIENTS * PER_CLIENT);
	/* Whatever landed is in the closing entry; nothing landed after it. */
	ck_assert_int_eq(revenue_2024("CR"), 0);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM ledger_entries e JOIN companies c"
					       " ON c.id = e.company_id WHERE c.code = 'CR' AND e.status = 'posted'"
					       " AND e.source = 'manual'"), landed);
	assert_chain_whole("CR");
	fprintf(stderr, "close confirmed among %d postings: %d landed before it, %d refused\n",
		CLIENTS * PER_CLIENT, landed, refused);
}
END_TEST

/* Starts both requests while the company's years are held, so they meet at the year's lock. */
static void run_together(const char *company, struct test_ledger_pending *a,
			 struct test_ledger_pending *b)
{
	PGconn *blocker = hold("ledger_fiscal_years", company);

	test_ledger_pending_start(&L, a);
	test_ledger_pending_start(&L, b);
	/*
	 * Both usually wait at the lock; the second may also queue behind the
	 * first in the server (libmicrohttpd runs a thread's connections one at a
	 * time), and then comes right after it: the outcome must be the same.
	 */
	await_lock_waiters(1);
	lock_waiters_reach(2, 1000);
	release(blocker);
	test_ledger_pending_join(a);
	test_ledger_pending_join(b);
}

START_TEST(two_requests_to_close_at_once_leave_one_pending)
{
	struct test_ledger_pending ask1 = { .token = closer1.token }, ask2 = { .token = closer2.token };

	test_ledger_pending_path(&ask1, "/api/v1/companies/CD/fiscal-years/2024/close");
	test_ledger_pending_path(&ask2, "/api/v1/companies/CD/fiscal-years/2024/close");
	run_together("CD", &ask1, &ask2);
	ck_assert_msg((ask1.status == 202 && ask2.status == 409) || (ask1.status == 409 && ask2.status == 202),
		      "%ld %s / %ld %s", ask1.status, ask1.answer, ask2.status, ask2.answer);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM audit_events WHERE action ="
					       " 'ledger.fiscal_year.close_requested' AND company_id ="
					       " (SELECT id FROM companies WHERE code = 'CD')"), 1);
}
END_TEST

START_TEST(two_confirmations_at_once_close_the_year_once)
{
	struct test_ledger_pending late = { 0 }, by2 = { 0 }, by3 = { 0 };
	char if_match2[64], if_match3[64];

	late_draft("CE", 0, &late); /* something for the closing entry to move */
	test_ledger_pending_run(&L, &late);
	ck_assert_msg(late.status == 200, "%ld %s", late.status, late.answer);
	request_close("CE");
	confirm_as(&by2, "CE", &closer2, if_match2);
	confirm_as(&by3, "CE", &closer3, if_match3);
	run_together("CE", &by2, &by3);
	/* One closes the year; the other finds it closed (409) or changed since it read it (412). */
	ck_assert_msg((by2.status == 200) != (by3.status == 200), "%ld %s / %ld %s", by2.status,
		      by2.answer, by3.status, by3.answer);
	ck_assert_msg(by2.status == 200 || by2.status == 409 || by2.status == 412, "%ld %s", by2.status, by2.answer);
	ck_assert_msg(by3.status == 200 || by3.status == 409 || by3.status == 412, "%ld %s", by3.status, by3.answer);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM ledger_entries e JOIN companies c"
					       " ON c.id = e.company_id WHERE c.code = 'CE'"
					       " AND e.number LIKE 'YC-2024-%%'"), 1);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM audit_events WHERE action ="
					       " 'ledger.fiscal_year.closed' AND entity_id = '2024' AND company_id ="
					       " (SELECT id FROM companies WHERE code = 'CE')"), 1);
	ck_assert_int_eq(revenue_2024("CE"), 0);
	assert_chain_whole("CE");
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("e2e/ledger/year_close_concurrency");
	TCase *tc = tcase_create("year_close_concurrency");

	tcase_add_unchecked_fixture(tc, start_shared, stop_shared);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, a_posting_under_way_lands_before_the_close_confirmed_meanwhile);
	tcase_add_test(tc, a_posting_that_comes_while_the_close_is_confirmed_is_refused);
	tcase_add_test(tc, eight_clients_posting_while_the_close_is_confirmed_land_before_it_or_are_refused);
	tcase_add_test(tc, two_requests_to_close_at_once_leave_one_pending);
	tcase_add_test(tc, two_confirmations_at_once_close_the_year_once);
	suite_add_tcase(s, tc);
	return s;
}
