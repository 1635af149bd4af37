/*
 * Posting sales invoices under concurrent load, end to end against the real
 * erp-server-test binary: eight client threads (one libcurl client each)
 * post the drafts of one company at once. Afterwards the company's INV
 * numbers of the year are exactly 1..N (unique, gapless), each invoice has
 * one ledger entry, the receivables' residuals equal the receivable
 * account's balance, and no client saw a 5xx. Then the eight race for one
 * customer's credit limit (exactly as many invoices as fit are posted, the
 * rest refused 409, never a cent over) and for the same drafts (one posting
 * wins each). Last, the eight post invoices, record payments and allocate
 * them against the same customer's invoices at once, and undo some: the
 * INV and PAY numbers stay gapless, no residual passes zero, the
 * receivables equal the ledger, and no client saw a 5xx.
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
static struct test_ledger_user keeper, clerk, posters[POSTERS], cashier;

/* More server threads than clients, so the clients' requests really overlap. */
static const char *const server_env[] = { "ERP_THREADS=12", "ERP_RATE_LIMIT_PER_USER=0", NULL };

static void start_shared(void)
{
	ck_assert_int_eq(curl_global_init(CURL_GLOBAL_DEFAULT), 0); /* before any thread */
	test_ledger_start(&L, "t_sales_concurrency", server_env);
	test_ledger_company(&L, "CS", "EUR");
	test_ledger_role(&L, "cs-keeper", "[\"ledger.account.manage\",\"ledger.account.read\","
					  "\"ledger.period.manage\",\"partners.partner.manage\",\"ledger.report.read\","
					  "\"sales.tax-code.manage\"]");
	test_ledger_role(&L, "cs-clerk", "[\"sales.invoice.create\",\"sales.invoice.read\"]");
	test_ledger_role(&L, "cs-poster", "[\"sales.invoice.post\",\"sales.invoice.read\"]");
	test_ledger_role(&L, "cs-cashier", "[\"sales.payment.post\",\"sales.payment.create\","
					   "\"sales.payment.read\"]");
	test_ledger_user(&L, "keeper@concurrency.test", &keeper);
	test_ledger_user(&L, "clerk@concurrency.test", &clerk);
	test_ledger_grant(&L, keeper.id, "cs-keeper", "CS", NULL);
	test_ledger_grant(&L, clerk.id, "cs-clerk", "CS", NULL);
	test_ledger_user(&L, "cashier@concurrency.test", &cashier);
	test_ledger_grant(&L, cashier.id, "cs-cashier", "CS", NULL);
	for (int i = 0; i < POSTERS; i++) {
		test_ledger_user(&L, test_ledger_path("poster%d@concurrency.test", i), &posters[i]);
		test_ledger_grant(&L, posters[i].id, "cs-poster", "CS", NULL);
	}
	test_sales_books(&L, keeper.token, "CS");
	test_ledger_account(&L, keeper.token, "CS", "1000", "asset", NULL);
	test_sales_tax_code(&L, keeper.token, "CS", "VAT20", "20");
	for (int i = 0; i < 4; i++)
		test_sales_customer(&L, keeper.token, "CS", test_ledger_path("C%d", i), NULL);
	/* Room for exactly LIMITED_FIT invoices of 120.00. */
	test_sales_customer(&L, keeper.token, "CS", "LIMITED", "\"credit_limit\":\"1200.00\"");
	test_sales_customer(&L, keeper.token, "CS", "RACE", NULL);
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
						  " JOIN companies c ON c.id = o.company_id WHERE c.code = 'CS'"
						  " AND o.document_type = 'invoice'"),
			 expected);
	/* The sub-ledger: the residuals equal the receivable account's balance, to the cent. */
	test_sales_assert_receivables(&L, keeper.token, "CS");
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

/* --- invoices, payments and allocations of one customer at once ---------------------------------- */

enum { RACE_POSTED = 8, RACE_STEPS = 6 };

static char race_invoices[RACE_POSTED][40];   /* posted before the race: what allocations aim at */

/* What one client of the mixed race saw. */
struct mixer {
	pthread_t thread;
	int index;
	int ok;                 /* 200, 201, 204 */
	int refused;            /* 409, 422: over a residual, nothing left, undone already */
	int server_errors;
	int others;
	char problem[512];
};

static void tally(struct mixer *m, const char *what, long status, const char *text)
{
	if (status == 200 || status == 201 || status == 204)
		m->ok++;
	else if (status == 409 || status == 422)
		m->refused++;
	else if (status < 0 || status >= 500)
		m->server_errors++;
	else
		m->others++;
	if ((status < 0 || status >= 500 || (status >= 300 && status != 409 && status != 422)) &&
	    !m->problem[0])
		snprintf(m->problem, sizeof(m->problem), "%s: %ld %.400s", what, status, text ? text : "");
}

/*
 * Each client, RACE_STEPS times: posts one of its drafts, records a payment
 * that pays the oldest first, records one on account and allocates 70.00 of
 * it to an invoice every client aims at too, and undoes an allocation.
 */
static void *mix(void *arg)
{
	struct mixer *m = arg;
	const char *poster = posters[m->index % POSTERS].token;

	for (int step = 0; step < RACE_STEPS; step++) {
		int draft = m->index * RACE_STEPS + step;
		char body[512], path[300], *text = NULL;
		json_t *answer, *allocation;
		long status;

		status = test_ledger_try(&L, poster, "POST", drafts[draft], "If-Match: \"1\"", "{}", NULL,
					 &text);
		tally(m, drafts[draft], status, text);
		free(text);
		text = NULL;

		status = test_ledger_try(&L, cashier.token, "POST", "/api/v1/companies/CS/customer-payments",
					 NULL, "{\"partner\":\"RACE\",\"date\":\"2026-07-01\",\"amount\":\"50.00\","
					 "\"bank_account\":\"1000\",\"allocations\":\"auto\"}", NULL, &text);
		tally(m, "auto payment", status, text);
		free(text);
		text = NULL;

		status = test_ledger_try(&L, cashier.token, "POST", "/api/v1/companies/CS/customer-payments",
					 NULL, "{\"partner\":\"RACE\",\"date\":\"2026-07-02\",\"amount\":\"90.00\","
					 "\"bank_account\":\"1000\"}", NULL, &text);
		tally(m, "payment on account", status, text);
		answer = status == 201 ? json_loads(text, 0, NULL) : NULL;
		free(text);
		text = NULL;
		if (!answer)
			continue;
		snprintf(path, sizeof(path), "/api/v1/companies/CS/customer-payments/%s/allocations",
			 json_string_value(json_object_get(answer, "id")));
		snprintf(body, sizeof(body), "{\"invoice\":\"%s\",\"amount\":\"70.00\"}",
			 race_invoices[(m->index + step) % RACE_POSTED]);
		status = test_ledger_try(&L, cashier.token, "POST", path, NULL, body, NULL, &text);
		tally(m, "allocation", status, text);
		json_decref(answer);
		answer = status == 200 ? json_loads(text, 0, NULL) : NULL;
		free(text);
		text = NULL;
		allocation = json_array_get(json_object_get(answer, "allocations"), 0);
		if (allocation && step % 2 == 0) {
			char undo[400];

			snprintf(undo, sizeof(undo), "%s/%s", path,
				 json_string_value(json_object_get(allocation, "id")));
			status = test_ledger_try(&L, cashier.token, "DELETE", undo, NULL, NULL, NULL, &text);
			tally(m, "undo", status, text);
			free(text);
			text = NULL;
		}
		json_decref(answer);
	}
	return NULL;
}

START_TEST(eight_clients_post_pay_and_allocate_one_customer_at_once)
{
	static const char *const bodies[] = { INVOICE_BODY("RACE") };
	long long invoices_before = test_ledger_db_number(&L, "SELECT count(*) FROM sales_invoices i"
							      " JOIN companies c ON c.id = i.company_id"
							      " WHERE c.code = 'CS' AND i.number IS NOT NULL");
	struct mixer mixers[THREADS];
	long long payments;
	int ok = 0, refused = 0;

	/* The invoices every client's allocations aim at, posted first. */
	write_drafts(RACE_POSTED, bodies, 1);
	for (int i = 0; i < RACE_POSTED; i++) {
		struct test_response r;

		test_sales_expect(&L, posters[0].token, "POST", drafts[i], "If-Match: \"1\"", "{}", 200, &r);
		snprintf(race_invoices[i], sizeof(race_invoices[i]), "%s", test_ledger_text(r.json, "id"));
		test_response_free(&r);
	}
	write_drafts(THREADS * RACE_STEPS, bodies, 1);
	for (int i = 0; i < THREADS; i++) {
		mixers[i] = (struct mixer){ .index = i };
		ck_assert_int_eq(pthread_create(&mixers[i].thread, NULL, mix, &mixers[i]), 0);
	}
	for (int i = 0; i < THREADS; i++) {
		ck_assert_int_eq(pthread_join(mixers[i].thread, NULL), 0);
		ck_assert_msg(mixers[i].server_errors == 0 && mixers[i].others == 0, "client %d: %s", i,
			      mixers[i].problem);
		ok += mixers[i].ok;
		refused += mixers[i].refused;
	}
	ck_assert_int_gt(ok, THREADS * RACE_STEPS * 3);
	/* 48 allocations of 70.00 aim at 8 invoices of 120.00: most must be refused, none over. */
	ck_assert_int_gt(refused, 0);
	/* Every draft posted once: INV gapless. */
	assert_gapless(invoices_before + RACE_POSTED + THREADS * RACE_STEPS);
	/* Every payment recorded once, PAY gapless: 1..N, the counter agrees, one entry each. */
	payments = test_ledger_db_number(&L, "SELECT count(*) FROM sales_payments p"
					 " JOIN companies c ON c.id = p.company_id WHERE c.code = 'CS'");
	ck_assert_int_eq(payments, 2 * THREADS * RACE_STEPS);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(DISTINCT p.sequence) FROM sales_payments p"
						  " JOIN companies c ON c.id = p.company_id WHERE c.code = 'CS'"
						  " AND p.fiscal_year = 2026 AND p.sequence BETWEEN 1 AND %lld",
						  payments), payments);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT last_number FROM sales_numbering n"
						  " JOIN companies c ON c.id = n.company_id"
						  " WHERE c.code = 'CS' AND n.series = 'PAY' AND n.fiscal_year = 2026"),
			 payments);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM ledger_entries e"
						  " JOIN companies c ON c.id = e.company_id"
						  " WHERE c.code = 'CS' AND e.source = 'sales.payment'"), payments);
	/* No residual past zero; each item moved by exactly its allocations; the ledger agrees. */
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM sales_open_items o"
						  " JOIN companies c ON c.id = o.company_id WHERE c.code = 'CS'"
						  " AND (o.residual_minor * sign(o.amount_minor) < 0"
						  "  OR abs(o.residual_minor) > abs(o.amount_minor))"), 0);
	test_sales_assert_receivables(&L, keeper.token, "CS");
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
	tcase_add_test(tc, eight_clients_post_pay_and_allocate_one_customer_at_once);
	suite_add_tcase(s, tc);
	return s;
}
