/*
 * A mixed soak: several users in two companies list accounts, create, read
 * and post journal entries and run the trial balance, for a bounded time.
 * No 5xx may appear, the server's resident memory must stay flat (it may
 * not grow by more than RSS_GROWTH_LIMIT_KB between the end of the warm-up
 * quarter and the end), and the database connections stay within the
 * worker count. p50/p99 and throughput are reported.
 */
#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "test/support/check_main.h"
#include "test/support/ledger_fixture.h"
#include "test/support/reliability.h"
#include "test/support/testlib.h"

enum {
	MAX_CLIENTS = 8,
	SERVER_THREADS = 6,
	RSS_GROWTH_LIMIT_KB = 8 * 1024,
	MAX_SAMPLES_PER_CLIENT = 400000,
	DRAFT_QUEUE = 4096,
};

/*
 * Under AddressSanitizer the server's RSS grows by design (freed memory waits
 * in ASan's quarantine), so flatness is judged on the normal build; leaks are
 * LeakSanitizer's to find when the sanitizer build's server exits.
 */
#if defined(__SANITIZE_ADDRESS__)
static const bool judge_rss = false;
#else
static const bool judge_rss = true;
#endif

static struct test_ledger ledger;

struct company {
	const char *code;
	struct test_ledger_user creator;
	struct test_ledger_user poster;
	/* Drafts waiting for a poster (a ring; the oldest is overwritten when full). */
	pthread_mutex_t lock;
	char drafts[DRAFT_QUEUE][40];
	size_t head;
	size_t tail;
};

static struct company companies[2] = { { .code = "SOAKA" }, { .code = "SOAKB" } };
static char year[16];
static atomic_bool stop;
static atomic_long server_errors, transport_failures, requests;

struct client {
	long index;
	struct reliability_random random;
	double *latencies;
	size_t count;
};

static void setup_company(struct company *c, const char *creator_email, const char *poster_email)
{
	test_ledger_company(&ledger, c->code, "EUR");
	test_ledger_user(&ledger, creator_email, &c->creator);
	test_ledger_user(&ledger, poster_email, &c->poster);
	test_ledger_grant(&ledger, c->creator.id, "soak-creator", c->code, NULL);
	test_ledger_grant(&ledger, c->poster.id, "soak-poster", c->code, NULL);
	for (int i = 0; i < 20; i++) {
		char code[8];

		snprintf(code, sizeof(code), "%d", 1000 + i * 10);
		test_ledger_account(&ledger, c->creator.token, c->code, code, i % 2 ? "revenue" : "asset", NULL);
	}
	test_ledger_fiscal_year(&ledger, c->creator.token, c->code, atoi(year));
	pthread_mutex_init(&c->lock, NULL);
}

/* One timed request; counts failures. Returns the status (0: no answer). */
static long timed(struct client *me, const char *method, const char *path, const char *token,
		  const char *extra_header, const char *body, struct test_response *r)
{
	char auth[128], url[512];
	const char *headers[] = { auth, "Content-Type: application/json", extra_header, NULL };
	double started = test_now_ms();
	int transport;

	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
	snprintf(url, sizeof(url), "%s%s", ledger.server.base_url, path);
	memset(r, 0, sizeof(*r));
	transport = test_http(method, url, headers, body, body ? strlen(body) : 0, r);
	if (me->count < MAX_SAMPLES_PER_CLIENT)
		me->latencies[me->count++] = test_now_ms() - started;
	atomic_fetch_add(&requests, 1);
	if (transport) {
		atomic_fetch_add(&transport_failures, 1);
		return 0;
	}
	if (r->status >= 500)
		atomic_fetch_add(&server_errors, 1);
	return r->status;
}

static void create_draft(struct client *me, struct company *c)
{
	struct test_response r;
	char body[512];
	long cents = 1 + (long)reliability_random_below(&me->random, 100000);
	int debit = (int)reliability_random_below(&me->random, 10) * 2, credit = debit + 1;

	snprintf(body, sizeof(body),
		 "{\"date\":\"%s-05-%02d\",\"memo\":\"soak\",\"lines\":[{\"account\":\"%d\",\"debit\":"
		 "\"%ld.%02ld\"},{\"account\":\"%d\",\"credit\":\"%ld.%02ld\"}]}",
		 year, 1 + (int)reliability_random_below(&me->random, 28), 1000 + debit * 10,
		 cents / 100, cents % 100, 1000 + credit * 10, cents / 100, cents % 100);
	char path[128];

	snprintf(path, sizeof(path), "/api/v1/companies/%s/journal-entries", c->code);
	if (timed(me, "POST", path, c->creator.token, NULL, body, &r) == 201) {
		pthread_mutex_lock(&c->lock);
		snprintf(c->drafts[c->head++ % DRAFT_QUEUE], 40, "%s", test_ledger_text(r.json, "id"));
		if (c->head - c->tail > DRAFT_QUEUE)
			c->tail = c->head - DRAFT_QUEUE;
		pthread_mutex_unlock(&c->lock);
	}
	test_response_free(&r);
}

static void post_draft(struct client *me, struct company *c)
{
	struct test_response r;
	char id[40] = "", path[160];

	pthread_mutex_lock(&c->lock);
	if (c->tail < c->head)
		snprintf(id, sizeof(id), "%s", c->drafts[c->tail++ % DRAFT_QUEUE]);
	pthread_mutex_unlock(&c->lock);
	if (!*id)
		return;
	snprintf(path, sizeof(path), "/api/v1/companies/%s/journal-entries/%s/post", c->code, id);
	/* A queued draft is unchanged since it was written: version 1 is what its poster approves. */
	timed(me, "POST", path, c->poster.token, "If-Match: \"1\"", NULL, &r);
	test_response_free(&r);
}

static void *client(void *arg)
{
	struct client *me = arg;
	char path[256];

	while (!atomic_load(&stop)) {
		struct company *c = &companies[reliability_random_below(&me->random, 2)];
		uint64_t dice = reliability_random_below(&me->random, 100);
		struct test_response r;

		if (dice < 40) {
			snprintf(path, sizeof(path), "/api/v1/companies/%s/accounts?limit=50", c->code);
			timed(me, "GET", path, c->creator.token, NULL, NULL, &r);
			test_response_free(&r);
		} else if (dice < 65) {
			create_draft(me, c);
		} else if (dice < 80) {
			post_draft(me, c);
		} else if (dice < 90) {
			snprintf(path, sizeof(path), "/api/v1/companies/%s/journal-entries?limit=20&status=posted",
				 c->code);
			timed(me, "GET", path, c->poster.token, NULL, NULL, &r);
			test_response_free(&r);
		} else {
			snprintf(path, sizeof(path), "/api/v1/companies/%s/reports/trial-balance", c->code);
			timed(me, "GET", path, c->creator.token, NULL, NULL, &r);
			test_response_free(&r);
		}
	}
	return NULL;
}

static long server_connections(void)
{
	char *n = test_db_value(ledger.db_url, "SELECT count(*) FROM pg_stat_activity"
					       " WHERE datname = current_database()"
					       "   AND application_name = 'erp-server'");
	long value = n ? strtol(n, NULL, 10) : -1;

	free(n);
	return value;
}

START_TEST(mixed_soak_stays_flat)
{
	/* Four users as fast as six clients can go: the per-user rate limit is set off. */
	static const char *const env[] = { "ERP_THREADS=6", "ERP_RATE_LIMIT_PER_USER=0", NULL };
	long clients = reliability_scale(6, 3), seconds = reliability_scale(60, 10);
	long max_connections = 0, rss_after_warmup = -1, rss_end, rss_peak, samples = 0;
	static struct client state[MAX_CLIENTS];
	pthread_t threads[MAX_CLIENTS];
	double *all, started, p50, p99;
	size_t total = 0;
	char outcome[768], tried[256];
	time_t now = time(NULL);
	struct tm tm;
	bool pass;

	gmtime_r(&now, &tm);
	snprintf(year, sizeof(year), "%d", tm.tm_year + 1900);
	test_ledger_start(&ledger, "t_rel_soak", env);
	test_ledger_role(&ledger, "soak-creator",
			 "[\"ledger.account.manage\",\"ledger.account.read\",\"ledger.period.manage\","
			 "\"ledger.journal.create\",\"ledger.journal.read\",\"ledger.report.read\"]");
	test_ledger_role(&ledger, "soak-poster", "[\"ledger.journal.post\",\"ledger.journal.read\"]");
	setup_company(&companies[0], "creator-a@soak.test", "poster-a@soak.test");
	setup_company(&companies[1], "creator-b@soak.test", "poster-b@soak.test");

	for (long i = 0; i < clients; i++) {
		char name[32];

		snprintf(name, sizeof(name), "soak-%ld", i);
		state[i].index = i;
		state[i].count = 0;
		state[i].latencies = malloc(MAX_SAMPLES_PER_CLIENT * sizeof(double));
		ck_assert_ptr_nonnull(state[i].latencies);
		reliability_random_init(&state[i].random, name);
		ck_assert_int_eq(pthread_create(&threads[i], NULL, client, &state[i]), 0);
	}
	started = test_now_ms();
	while (test_now_ms() - started < seconds * 1000.0) {
		long connections = server_connections();

		usleep(500 * 1000);
		if (connections > max_connections)
			max_connections = connections;
		samples++;
		if (rss_after_warmup < 0 && test_now_ms() - started >= seconds * 250.0)
			rss_after_warmup = reliability_rss_kb(ledger.server.pid);
	}
	atomic_store(&stop, true);
	for (long i = 0; i < clients; i++)
		pthread_join(threads[i], NULL);
	rss_end = reliability_rss_kb(ledger.server.pid);
	rss_peak = reliability_peak_rss_kb(ledger.server.pid);

	for (long i = 0; i < clients; i++)
		total += state[i].count;
	all = malloc((total ? total : 1) * sizeof(double));
	ck_assert_ptr_nonnull(all);
	total = 0;
	for (long i = 0; i < clients; i++) {
		memcpy(all + total, state[i].latencies, state[i].count * sizeof(double));
		total += state[i].count;
		free(state[i].latencies);
	}
	p50 = reliability_quantile(all, total, 0.50);
	p99 = reliability_quantile(all, total, 0.99);
	free(all);

	pass = atomic_load(&server_errors) == 0 && atomic_load(&transport_failures) == 0 &&
	       rss_after_warmup > 0 && (!judge_rss || rss_end - rss_after_warmup <= RSS_GROWTH_LIMIT_KB) &&
	       max_connections <= SERVER_THREADS && reliability_server_alive(&ledger.server);
	snprintf(tried, sizeof(tried),
		 "%ld clients for %ld s over 2 companies and 4 users: 40%% account lists, 25%% creates,"
		 " 15%% posts, 10%% entry lists, 10%% trial balances", clients, seconds);
	snprintf(outcome, sizeof(outcome),
		 "%ld requests (%.0f/s), p50 %.1f ms, p99 %.1f ms; 5xx %ld, no answer %ld; RSS %.1f MiB"
		 " after the first quarter, %.1f MiB at the end (growth limit %d MiB%s), peak %.1f MiB;"
		 " database connections at most %ld (workers %d, %ld samples)",
		 atomic_load(&requests), atomic_load(&requests) / (double)seconds, p50, p99,
		 atomic_load(&server_errors), atomic_load(&transport_failures), rss_after_warmup / 1024.0,
		 rss_end / 1024.0, RSS_GROWTH_LIMIT_KB / 1024,
		 judge_rss ? "" : "; not judged under ASan, whose quarantine keeps freed memory",
		 rss_peak / 1024.0, max_connections,
		 SERVER_THREADS, samples);
	reliability_record("mixed soak", tried, outcome, pass);
	ck_assert_msg(pass, "%s", outcome);
	test_ledger_stop(&ledger);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("reliability/soak");
	TCase *tc = tcase_create("soak");

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, mixed_soak_stays_flat);
	suite_add_tcase(s, tc);
	return s;
}
