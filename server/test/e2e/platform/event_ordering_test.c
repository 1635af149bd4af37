/*
 * A reader of an event stream never misses an event, however many writers
 * commit at once: end to end, against the real erp-server-test binary. Eight
 * client threads write and post journal entries in two companies as fast as
 * they can (each draft and each posting records an event), while four
 * reader threads page through the two companies' streams with `after`, as a
 * partner system would, small pages and large, for as long as the writers
 * run. Every page a reader gets must continue its stream exactly where the
 * last one ended (after + 1, after + 2, ...): a stream numbered in any
 * order other than commit order would sooner or later show a reader event
 * N + 1 while N was still uncommitted, and the reader, moving on, would
 * skip N for good. At the end each reader has seen every event of its
 * company once, in order, and the counts match the writers' and the
 * database's.
 *
 * ERP_TEST_EVENT_ENTRIES overrides the 240 entries (480 events).
 */
#include <check.h>
#include <curl/curl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "test/support/check_main.h"
#include "test/support/event_fixture.h"
#include "test/support/ledger_fixture.h"
#include "test/support/testlib.h"

enum { COMPANIES = 2, WRITERS = 8, READERS = 4, ENTRIES_DEFAULT = 240 };

static const char *const codes[COMPANIES] = { "OA", "OB" };
static struct test_ledger L;
static struct test_ledger_user keeper, clerks[COMPANIES], approvers[COMPANIES];
static char reader_token[64];
static atomic_bool writers_done;

/* More server threads than clients, so the requests really overlap; no per-user limit. */
static const char *const server_env[] = { "ERP_THREADS=12", "ERP_RATE_LIMIT_PER_USER=0", NULL };

static void start_shared(void)
{
	ck_assert_int_eq(curl_global_init(CURL_GLOBAL_DEFAULT), 0); /* before any thread */
	test_ledger_start(&L, "t_event_ordering", server_env);
	test_events_reader(L.server.base_url, L.admin_token, "reader@event-ordering.test",
			   reader_token);
	test_ledger_role(&L, "eo-keeper", "[\"ledger.account.manage\",\"ledger.period.manage\"]");
	test_ledger_role(&L, "eo-clerk", "[\"ledger.journal.create\",\"ledger.journal.read\"]");
	test_ledger_role(&L, "eo-approver", "[\"ledger.journal.post\",\"ledger.journal.read\"]");
	test_ledger_user(&L, "keeper@event-ordering.test", &keeper);
	for (int c = 0; c < COMPANIES; c++) {
		test_ledger_company(&L, codes[c], "EUR");
		test_ledger_user(&L, test_ledger_path("clerk%d@event-ordering.test", c), &clerks[c]);
		test_ledger_user(&L, test_ledger_path("approver%d@event-ordering.test", c),
				 &approvers[c]);
		test_ledger_grant(&L, keeper.id, "eo-keeper", codes[c], NULL);
		test_ledger_grant(&L, clerks[c].id, "eo-clerk", codes[c], NULL);
		test_ledger_grant(&L, approvers[c].id, "eo-approver", codes[c], NULL);
		test_ledger_account(&L, keeper.token, codes[c], "1000", "asset", NULL);
		test_ledger_account(&L, keeper.token, codes[c], "4000", "revenue", NULL);
		test_ledger_fiscal_year(&L, keeper.token, codes[c], 2026);
	}
}

static void stop_shared(void)
{
	test_ledger_stop(&L);
	curl_global_cleanup();
}

static int entry_count(void)
{
	const char *text = getenv("ERP_TEST_EVENT_ENTRIES");
	long count = text ? strtol(text, NULL, 10) : ENTRIES_DEFAULT;

	return count > 0 && count < 100000 ? (int)count : ENTRIES_DEFAULT;
}

/* What one writer did; threads report, the main thread asserts. */
struct writer {
	pthread_t thread;
	int company;
	int count;
	int events;         /* events its successful calls recorded */
	int failures;
	char problem[512];
};

/* One call as token without Check assertions; the first failure is kept in problem. */
static long call(const char *token, const char *method, const char *path, const char *header,
		 const char *body, char id[40], char *problem, size_t problem_size)
{
	char *text = NULL;
	long status = test_ledger_try(&L, token, method, path, header, body, id, &text);

	if ((status < 200 || status >= 300) && !problem[0])
		snprintf(problem, problem_size, "%s %s: %ld %.300s", method, path, status,
			 text ? text : "");
	free(text);
	return status;
}

static void *writer_run(void *arg)
{
	struct writer *w = arg;
	const char *code = codes[w->company];
	char path[256], body[256], id[40];

	for (int k = 0; k < w->count; k++) {
		snprintf(path, sizeof(path), "/api/v1/companies/%s/journal-entries", code);
		snprintf(body, sizeof(body),
			 "{\"date\":\"2026-%02d-10\",\"memo\":\"ordering %d\",\"lines\":["
			 "{\"account\":\"1000\",\"debit\":\"%d.00\"},"
			 "{\"account\":\"4000\",\"credit\":\"%d.00\"}]}",
			 k % 12 + 1, k, k + 1, k + 1);
		if (call(clerks[w->company].token, "POST", path, NULL, body, id, w->problem,
			 sizeof(w->problem)) != 201) {
			w->failures++;
			continue;
		}
		w->events++;
		snprintf(path, sizeof(path), "/api/v1/companies/%s/journal-entries/%s/post", code, id);
		if (call(approvers[w->company].token, "POST", path, "If-Match: \"1\"", NULL, NULL,
			 w->problem, sizeof(w->problem)) == 200)
			w->events++;
		else
			w->failures++;
	}
	return NULL;
}

/* What one reader saw of its company's stream. */
struct reader {
	pthread_t thread;
	int company;
	int limit;
	long long after;     /* the last sequence read */
	long long pages;
	long long holes;     /* pages that did not continue at after + 1 */
	char problem[256];
	json_t *entries;     /* entry id -> "created" / "posted", to check each entry's order */
	long long out_of_order;
};

/* Takes one page's events; false when the page does not continue the stream. */
static bool read_page(struct reader *r, json_t *items)
{
	json_t *event;
	size_t i;

	json_array_foreach(items, i, event) {
		long long sequence = json_integer_value(json_object_get(event, "sequence"));
		const char *type = json_string_value(json_object_get(event, "type"));
		const char *entry = json_string_value(json_object_get(event, "entity_id"));
		const char *seen = json_string_value(json_object_get(r->entries, entry));

		if (sequence != r->after + 1) {
			if (!r->problem[0])
				snprintf(r->problem, sizeof(r->problem),
					 "after %lld the page went on with %lld", r->after, sequence);
			return false;
		}
		r->after = sequence;
		if (strcmp(type, "ledger.entry.created") == 0) {
			r->out_of_order += seen != NULL;
			json_object_set_new(r->entries, entry, json_string("created"));
		} else if (strcmp(type, "ledger.entry.posted") == 0) {
			r->out_of_order += !seen || strcmp(seen, "created") != 0;
			json_object_set_new(r->entries, entry, json_string("posted"));
		}
	}
	return true;
}

static void *reader_run(void *arg)
{
	static const struct timespec pause = { 0, 1000000 }; /* 1 ms after an empty page */
	struct reader *r = arg;

	for (;;) {
		/* Sampled before the page is asked for: every writer's commit precedes it. */
		bool done = atomic_load(&writers_done), more, empty;
		json_t *page = NULL;
		long status = test_events_fetch(L.server.base_url, reader_token, codes[r->company],
						r->after, r->limit, &page);

		if (status != 200) {
			snprintf(r->problem, sizeof(r->problem), "page after %lld: %ld", r->after, status);
			json_decref(page);
			return NULL;
		}
		r->pages++;
		if (!read_page(r, json_object_get(page, "items"))) {
			r->holes++;
			json_decref(page);
			return NULL;
		}
		more = json_is_true(json_object_get(page, "has_more"));
		empty = json_array_size(json_object_get(page, "items")) == 0;
		json_decref(page);
		if (done && !more)
			return NULL;
		if (empty)
			nanosleep(&pause, NULL);
	}
}

START_TEST(readers_see_no_gap_under_concurrent_writers)
{
	struct writer writers[WRITERS];
	struct reader readers[READERS];
	long long start[COMPANIES], written[COMPANIES] = { 0 };
	int total = entry_count();
	double started = test_now_ms();

	for (int c = 0; c < COMPANIES; c++)
		start[c] = test_events_last(L.server.base_url, reader_token, codes[c]);
	memset(writers, 0, sizeof(writers));
	memset(readers, 0, sizeof(readers));
	atomic_store(&writers_done, false);
	for (int i = 0; i < READERS; i++) {
		readers[i].company = i % COMPANIES;
		readers[i].limit = i < COMPANIES ? 7 : 500;
		readers[i].after = start[readers[i].company];
		readers[i].entries = json_object();
		ck_assert_int_eq(pthread_create(&readers[i].thread, NULL, reader_run, &readers[i]), 0);
	}
	for (int i = 0; i < WRITERS; i++) {
		writers[i].company = i % COMPANIES;
		writers[i].count = total * (i + 1) / WRITERS - total * i / WRITERS;
		ck_assert_int_eq(pthread_create(&writers[i].thread, NULL, writer_run, &writers[i]), 0);
	}
	for (int i = 0; i < WRITERS; i++)
		ck_assert_int_eq(pthread_join(writers[i].thread, NULL), 0);
	atomic_store(&writers_done, true);
	for (int i = 0; i < READERS; i++)
		ck_assert_int_eq(pthread_join(readers[i].thread, NULL), 0);

	for (int i = 0; i < WRITERS; i++) {
		ck_assert_msg(writers[i].failures == 0, "writer %d: %d failures, first: %s", i,
			      writers[i].failures, writers[i].problem);
		written[writers[i].company] += writers[i].events;
	}
	for (int i = 0; i < READERS; i++) {
		struct reader *r = &readers[i];
		const char *code = codes[r->company];
		long long in_database = test_ledger_db_number(
			&L, "SELECT count(*) FROM platform_events WHERE company_id ="
			    " (SELECT id FROM companies WHERE code = '%s')", code);

		ck_assert_msg(r->holes == 0 && !r->problem[0], "reader %d of %s (pages of %d): %s", i,
			      code, r->limit, r->problem);
		ck_assert_int_eq(r->after - start[r->company], written[r->company]);
		ck_assert_int_eq(r->after, in_database);
		ck_assert_int_eq(r->out_of_order, 0);
		ck_assert_uint_eq(json_object_size(r->entries), (size_t)written[r->company] / 2);
		fprintf(stderr, "reader %d: %s events %lld..%lld in %lld pages of up to %d\n", i, code,
			start[r->company] + 1, r->after, r->pages, r->limit);
		json_decref(r->entries);
	}
	fprintf(stderr, "%d entries written and posted (%lld events) in %.0f ms\n", total,
		written[0] + written[1], test_now_ms() - started);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("e2e/platform/event_ordering");
	TCase *tc = tcase_create("ordering");

	tcase_add_unchecked_fixture(tc, start_shared, stop_shared);
	tcase_add_test(tc, readers_see_no_gap_under_concurrent_writers);
	suite_add_tcase(s, tc);
	return s;
}
