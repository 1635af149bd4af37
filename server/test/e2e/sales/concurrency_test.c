/*
 * Posting sales invoices under concurrent load, end to end against the real
 * erp-server-test binary: eight client threads (one libcurl client each)
 * post the drafts of one company at once. Afterwards the company's INV
 * numbers of the year are exactly 1..N (unique, gapless), each invoice has
 * one ledger entry, the receivables' residuals equal the receivable
 * account's balance, and no client saw a 5xx. Then the eight race for one
 * customer's credit limit (exactly as many invoices as fit are posted, the
 * rest refused 409, never a cent over) and for the same drafts (one posting
 * wins each).
 */
#include <check.h>
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test/support/check_main.h"
#include "test/support/ledger_fixture.h"
#include "test/support/sales_fixture.h"
#include "test/support/testlib.h"

#define INVOICES "/api/v1/companies/CS/sales-invoices"
/* 1 x 100.00 at 20%: 120.00 an invoice. */
#define INVOICE_BODY(partner)                                                                      \
	"{\"partner\":\"" partner "\",\"date\":\"2026-06-15\",\"due_date\":\"2099-12-31\",\"lines\":[" \
	"{\"description\":\"Work\",\"quantity\":\"1\",\"unit_price\":\"100.00\","                    \
	"\"revenue_account\":\"4000\",\"tax_code\":\"VAT20\"}]}"

enum { THREADS = 8, POSTERS = 4, PER_THREAD = 10, LIMITED_FIT = 10, MAX_DRAFTS = THREADS * PER_THREAD };

static struct test_ledger L;
static struct test_ledger_user keeper, clerk, posters[POSTERS];

/* More server threads than clients, so the clients' requests really overlap. */
static const char *const server_env[] = { "ERP_THREADS=12", "ERP_RATE_LIMIT_PER_USER=0", NULL };

static void start_shared(void)
{
	ck_assert_int_eq(curl_global_init(CURL_GLOBAL_DEFAULT), 0); /* before any thread */
	test_ledger_start(&L, "t_sales_concurrency", server_env);
	test_ledger_company(&L, "CS", "EUR");
	test_ledger_role(&L, "cs-keeper", "[\"ledger.account.manage\",\"ledger.account.read\","
					  "\"ledger.period.manage\",\"partners.partner.manage\","
					  "\"sales.tax-code.manage\"]");
	test_ledger_role(&L, "cs-clerk", "[\"sales.invoice.create\",\"sales.invoice.read\"]");
	test_ledger_role(&L, "cs-poster", "[\"sales.invoice.post\",\"sales.invoice.read\"]");
	test_ledger_user(&L, "keeper@concurrency.test", &keeper);
	test_ledger_user(&L, "clerk@concurrency.test", &clerk);
	test_ledger_grant(&L, keeper.id, "cs-keeper", "CS", NULL);
	test_ledger_grant(&L, clerk.id, "cs-clerk", "CS", NULL);
	for (int i = 0; i < POSTERS; i++) {
		test_ledger_user(&L, test_ledger_path("poster%d@concurrency.test", i), &posters[i]);
		test_ledger_grant(&L, posters[i].id, "cs-poster", "CS", NULL);
	}
	test_sales_books(&L, keeper.token, "CS");
	test_sales_tax_code(&L, keeper.token, "CS", "VAT20", "20");
	for (int i = 0; i < 4; i++)
		test_sales_customer(&L, keeper.token, "CS", test_ledger_path("C%d", i), NULL);
	/* Room for exactly LIMITED_FIT invoices of 120.00. */
	test_sales_customer(&L, keeper.token, "CS", "LIMITED", "\"credit_limit\":\"1200.00\"");
}

static void stop_shared(void)
{
	test_ledger_stop(&L);
	curl_global_cleanup();
}

/* Drafts written before the race: their post paths. */
static char drafts[MAX_DRAFTS][160];

static void write_drafts(int count, const char *const *bodies, int body_count)
{
	for (int i = 0; i < count; i++) {
		struct test_response r;

		test_sales_expect(&L, clerk.token, "POST", INVOICES, NULL, bodies[i % body_count], 201, &r);
		snprintf(drafts[i], sizeof(drafts[i]), INVOICES "/%s/post", test_ledger_text(r.json, "id"));
		test_response_free(&r);
	}
}

/* What one client thread saw. */
struct client {
	pthread_t thread;
	int index;
	int first, count;       /* the drafts it posts: first .. first+count-1 */
	int posted;             /* 200 */
	int refused;            /* 409: the credit limit, or posted already by another */
	int server_errors;      /* 5xx, or no answer */
	int others;             /* anything else */
	char problem[512];      /* the first unexpected answer, for the report */
};

static void *post_drafts(void *arg)
{
	struct client *c = arg;
	const char *token = posters[c->index % POSTERS].token;

	for (int i = c->first; i < c->first + c->count; i++) {
		char *text = NULL;
		long status = test_ledger_try(&L, token, "POST", drafts[i], "If-Match: \"1\"", "{}", NULL,
					      &text);

		if (status == 200)
			c->posted++;
		else if (status == 409)
			c->refused++;
		else if (status < 0 || status >= 500)
			c->server_errors++;
		else
			c->others++;
		if (status != 200 && status != 409 && !c->problem[0])
			snprintf(c->problem, sizeof(c->problem), "%s: %ld %.400s", drafts[i], status,
				 text ? text : "");
		free(text);
	}
	return NULL;
}

/* Runs THREADS clients over the drafts (each its slice, or all of them when shared); sums them. */
static struct client race(int draft_count, bool shared)
{
	struct client clients[THREADS], sum = { 0 };

	for (int i = 0; i < THREADS; i++) {
		clients[i] = (struct client){ .index = i };
		clients[i].first = shared ? 0 : i * (draft_count / THREADS);
		clients[i].count = shared ? draft_count : draft_count / THREADS;
		ck_assert_int_eq(pthread_create(&clients[i].thread, NULL, post_drafts, &clients[i]), 0);
	}
	for (int i = 0; i < THREADS; i++) {
		ck_assert_int_eq(pthread_join(clients[i].thread, NULL), 0);
		ck_assert_msg(clients[i].server_errors == 0 && clients[i].others == 0, "client %d: %s", i,
			      clients[i].problem);
		sum.posted += clients[i].posted;
		sum.refused += clients[i].refused;
	}
	return sum;
}

/* CS's INV numbers of 2026 are exactly 1..expected: each once, none missing, the counter agrees. */
static void assert_gapless(long long expected)
{
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM sales_invoices i"
						  " JOIN companies c ON c.id = i.company_id"
						  " WHERE c.code = 'CS' AND i.number IS NOT NULL"), expected);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(DISTINCT i.sequence) FROM sales_invoices i"
						  " JOIN companies c ON c.id = i.company_id"
						  " WHERE c.code = 'CS' AND i.fiscal_year = 2026"
						  " AND i.sequence BETWEEN 1 AND %lld", expected), expected);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT last_number FROM sales_numbering n"
						  " JOIN companies c ON c.id = n.company_id"
						  " WHERE c.code = 'CS' AND n.series = 'INV' AND n.fiscal_year = 2026"),
			 expected);
	/* One ledger entry each, and one open item each. */
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM ledger_entries e"
						  " JOIN companies c ON c.id = e.company_id"
						  " WHERE c.code = 'CS' AND e.source = 'sales.invoice'"
						  " AND e.status = 'posted'"), expected);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM sales_open_items o"
						  " JOIN companies c ON c.id = o.company_id WHERE c.code = 'CS'"),
			 expected);
	/* The sub-ledger: the residuals equal the receivable account's balance, to the cent. */
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT coalesce(sum(o.residual_minor), 0)"
						  " FROM sales_open_items o JOIN companies c ON c.id = o.company_id"
						  " WHERE c.code = 'CS'"),
			 test_ledger_db_number(&L, "SELECT coalesce(sum(l.debit_minor - l.credit_minor), 0)"
					       " FROM ledger_lines l JOIN ledger_accounts a ON a.id = l.account_id"
					       " JOIN companies c ON c.id = a.company_id"
					       " WHERE c.code = 'CS' AND a.code = '1200'"
					       " AND l.posted_on IS NOT NULL"));
}

START_TEST(eight_clients_post_one_companys_invoices_gaplessly)
{
	static const char *const bodies[] = {
		INVOICE_BODY("C0"), INVOICE_BODY("C1"), INVOICE_BODY("C2"), INVOICE_BODY("C3"),
	};
	struct client sum;

	write_drafts(MAX_DRAFTS, bodies, 4);
	sum = race(MAX_DRAFTS, false);
	ck_assert_int_eq(sum.posted, MAX_DRAFTS);
	ck_assert_int_eq(sum.refused, 0);
	assert_gapless(MAX_DRAFTS);
}
END_TEST

START_TEST(eight_clients_cannot_pass_one_customers_credit_limit_together)
{
	static const char *const bodies[] = { INVOICE_BODY("LIMITED") };
	long long before = test_ledger_db_number(&L, "SELECT count(*) FROM sales_invoices i"
						    " JOIN companies c ON c.id = i.company_id"
						    " WHERE c.code = 'CS' AND i.number IS NOT NULL");
	struct client sum;

	write_drafts(THREADS * 5, bodies, 1);
	sum = race(THREADS * 5, false);
	/* Exactly what fits: 10 x 120.00 = 1,200.00, the limit; the rest refused, none over. */
	ck_assert_int_eq(sum.posted, LIMITED_FIT);
	ck_assert_int_eq(sum.refused, THREADS * 5 - LIMITED_FIT);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT sum(o.residual_minor) FROM sales_open_items o"
						  " JOIN sales_invoices i ON i.id = o.document_id"
						  " WHERE i.partner_code = 'LIMITED'"), 120000);
	assert_gapless(before + LIMITED_FIT);
}
END_TEST

START_TEST(eight_clients_racing_for_the_same_drafts_post_each_once)
{
	static const char *const bodies[] = { INVOICE_BODY("C0"), INVOICE_BODY("C1") };
	long long before = test_ledger_db_number(&L, "SELECT count(*) FROM sales_invoices i"
						    " JOIN companies c ON c.id = i.company_id"
						    " WHERE c.code = 'CS' AND i.number IS NOT NULL");
	struct client sum;

	write_drafts(PER_THREAD, bodies, 2);
	sum = race(PER_THREAD, true);
	ck_assert_int_eq(sum.posted, PER_THREAD);
	ck_assert_int_eq(sum.refused, (THREADS - 1) * PER_THREAD);
	assert_gapless(before + PER_THREAD);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("e2e/sales/concurrency");
	TCase *tc = tcase_create("concurrency");

	tcase_add_unchecked_fixture(tc, start_shared, stop_shared);
	tcase_add_test(tc, eight_clients_post_one_companys_invoices_gaplessly);
	tcase_add_test(tc, eight_clients_cannot_pass_one_customers_credit_limit_together);
	tcase_add_test(tc, eight_clients_racing_for_the_same_drafts_post_each_once);
	suite_add_tcase(s, tc);
	return s;
}
