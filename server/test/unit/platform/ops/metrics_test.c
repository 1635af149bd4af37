#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/strbuf.h"
#include "platform/ops/metrics.h"
#include "platform/http/router.h"
#include "test/support/check_main.h"

#define US(n) ((uint64_t)(n) * 1000)       /* microseconds in ns */
#define MS(n) ((uint64_t)(n) * 1000000)    /* milliseconds in ns */

static int handler(struct erp_request *req)
{
	(void)req;
	return 0;
}

static const struct erp_route routes[] = {
	{ ERP_GET, "/a", ERP_PUBLIC, handler, .summary = "route 0", .response = ERP_NO_BODY,
	  .operation_id = "getA" },
	{ ERP_POST, "/b/{id}", "x.write", handler, .summary = "route 1", .response = ERP_NO_BODY,
	  .operation_id = "postB" },
	{ ERP_DELETE, "/c", "x.write", handler, .summary = "route 2: never observed",
	  .response = ERP_NO_BODY, .operation_id = "deleteC" },
};

static const char *const bucket_labels[] = { "0.0005", "0.001", "0.0025", "0.005", "0.01",
					     "0.025",  "0.05",  "0.1",    "0.25",  "0.5",
					     "1",      "2.5",   "5",      "+Inf" };

static struct router *make_router(void)
{
	struct router *router = router_new();
	char err[128];

	for (size_t i = 0; i < ERP_COUNT(routes); i++)
		ck_assert_msg(router_add(router, &routes[i], err, sizeof(err)) == 0, "%s", err);
	return router;
}

/* Renders to a malloc'd string. */
static char *render(struct metrics *metrics, const struct router *router,
		    const struct metrics_gauges *gauges)
{
	struct strbuf sb = STRBUF_INIT;
	char *text;

	metrics_render(metrics, router, gauges, &sb);
	ck_assert(!sb.failed);
	text = strdup(strbuf_str(&sb));
	ck_assert_ptr_nonnull(text);
	strbuf_release(&sb);
	return text;
}

/* True when text has this exact line. */
static bool has_line(const char *text, const char *line)
{
	size_t len = strlen(line);

	for (const char *p = text; (p = strstr(p, line)) != NULL; p++)
		if ((p == text || p[-1] == '\n') && p[len] == '\n')
			return true;
	return false;
}

static void assert_line(const char *text, const char *line)
{
	ck_assert_msg(has_line(text, line), "missing line: %s\n--- in ---\n%s", line, text);
}

static size_t count_containing(const char *text, const char *needle)
{
	size_t n = 0;

	for (const char *p = text; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

/* The value of the line starting with prefix (a series), or -1 when absent. */
static long series_value(const char *text, const char *series)
{
	size_t len = strlen(series);

	for (const char *p = text; (p = strstr(p, series)) != NULL; p++)
		if ((p == text || p[-1] == '\n') && p[len] == ' ')
			return strtol(p + len + 1, NULL, 10);
	return -1;
}

static const struct metrics_gauges gauges = {
	.db_connections_open = 5,
	.db_connections_in_use = 2,
	.db_pool_size = 8,
	.requests_in_flight = 3,
};

/* Every line is a comment or "name{labels} value" / "name value", and the text ends in "\n". */
static void assert_exposition_syntax(const char *text)
{
	const char *line = text;

	ck_assert(strlen(text) > 0 && text[strlen(text) - 1] == '\n');
	while (*line) {
		const char *end = strchr(line, '\n');
		const char *space;

		ck_assert_ptr_nonnull(end);
		ck_assert_msg(end > line, "empty line");
		if (line[0] == '#') {
			ck_assert(strncmp(line, "# HELP erp_", 11) == 0 ||
				  strncmp(line, "# TYPE erp_", 11) == 0);
		} else {
			ck_assert(strncmp(line, "erp_", 4) == 0);
			space = line;
			while (space < end && *space != ' ')
				space += *space == '"' ? strcspn(space + 1, "\"") + 2 : 1;
			ck_assert_msg(space < end, "no value: %.*s", (int)(end - line), line);
			ck_assert_msg(strspn(space + 1, "0123456789.") == (size_t)(end - space - 1),
				      "bad value: %.*s", (int)(end - line), line);
		}
		line = end + 1;
	}
}

/* --- tests ------------------------------------------------------------------------- */

START_TEST(test_counts_by_route_and_status)
{
	struct router *router = make_router();
	struct metrics *metrics = metrics_new(router_count(router));
	char *text;

	metrics_observe(metrics, 0, 200, US(400));
	metrics_observe(metrics, 0, 200, US(500));
	metrics_observe(metrics, 0, 404, MS(7000));
	metrics_observe(metrics, 0, 200, US(1200));
	metrics_observe(metrics, 1, 201, MS(3));
	metrics_observe(metrics, 1, 418, MS(3));
	metrics_observe(metrics, 1, 599, MS(3));
	metrics_observe(metrics, 3, 404, US(10));  /* route_count: no route matched */
	metrics_observe(metrics, 99, 405, US(10)); /* out of range: counted as unmatched */
	text = render(metrics, router, &gauges);

	assert_line(text, "# TYPE erp_http_requests_total counter");
	assert_line(text, "erp_http_requests_total{method=\"GET\",route=\"/a\",status=\"200\"} 3");
	assert_line(text, "erp_http_requests_total{method=\"GET\",route=\"/a\",status=\"404\"} 1");
	assert_line(text,
		    "erp_http_requests_total{method=\"POST\",route=\"/b/{id}\",status=\"201\"} 1");
	assert_line(text, "erp_http_requests_total{method=\"POST\",route=\"/b/{id}\","
			  "status=\"other\"} 2");
	assert_line(text,
		    "erp_http_requests_total{method=\"\",route=\"unmatched\",status=\"404\"} 1");
	assert_line(text,
		    "erp_http_requests_total{method=\"\",route=\"unmatched\",status=\"405\"} 1");
	/* Only observed series appear. */
	ck_assert_uint_eq(count_containing(text, "\nerp_http_requests_total{"), 6);
	ck_assert_ptr_null(strstr(text, "route=\"/c\""));
	ck_assert_ptr_null(strstr(text, "status=\"500\""));
	assert_exposition_syntax(text);
	free(text);
	metrics_free(metrics);
	router_free(router);
}
END_TEST

START_TEST(test_histogram_is_cumulative_with_inf_sum_and_count)
{
	struct router *router = make_router();
	struct metrics *metrics = metrics_new(router_count(router));
	/* Cumulative counts expected per bucket for /a. */
	static const long expected[] = { 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 4 };
	char *text, series[160];

	metrics_observe(metrics, 0, 200, US(400));   /* <= 0.0005 */
	metrics_observe(metrics, 0, 200, US(500));   /* <= 0.0005: bounds are inclusive */
	metrics_observe(metrics, 0, 200, US(1200));  /* <= 0.0025 */
	metrics_observe(metrics, 0, 404, MS(7000));  /* +Inf only */
	metrics_observe(metrics, 1, 201, MS(5000));  /* <= 5, exactly */
	metrics_observe(metrics, 1, 201, MS(5001));  /* +Inf only */
	text = render(metrics, router, &gauges);

	assert_line(text, "# TYPE erp_http_request_duration_seconds histogram");
	for (size_t b = 0; b < ERP_COUNT(bucket_labels); b++) {
		snprintf(series, sizeof(series),
			 "erp_http_request_duration_seconds_bucket{method=\"GET\",route=\"/a\","
			 "le=\"%s\"}",
			 bucket_labels[b]);
		ck_assert_msg(series_value(text, series) == expected[b], "%s is %ld, expected %ld",
			      series, series_value(text, series), expected[b]);
	}
	assert_line(text, "erp_http_request_duration_seconds_bucket{method=\"GET\",route=\"/a\","
			  "le=\"+Inf\"} 4");
	assert_line(text, "erp_http_request_duration_seconds_sum{method=\"GET\",route=\"/a\"} "
			  "7.002100");
	assert_line(text, "erp_http_request_duration_seconds_count{method=\"GET\",route=\"/a\"} 4");

	assert_line(text, "erp_http_request_duration_seconds_bucket{method=\"POST\","
			  "route=\"/b/{id}\",le=\"2.5\"} 0");
	assert_line(text, "erp_http_request_duration_seconds_bucket{method=\"POST\","
			  "route=\"/b/{id}\",le=\"5\"} 1");
	assert_line(text, "erp_http_request_duration_seconds_bucket{method=\"POST\","
			  "route=\"/b/{id}\",le=\"+Inf\"} 2");
	assert_line(text, "erp_http_request_duration_seconds_sum{method=\"POST\","
			  "route=\"/b/{id}\"} 10.001000");
	assert_line(text,
		    "erp_http_request_duration_seconds_count{method=\"POST\",route=\"/b/{id}\"} 2");

	/* 14 buckets for each observed route, none for /c or unmatched. */
	ck_assert_uint_eq(count_containing(text, "erp_http_request_duration_seconds_bucket{"),
			  2 * ERP_COUNT(bucket_labels));
	ck_assert_uint_eq(count_containing(text, "erp_http_request_duration_seconds_count{"), 2);
	ck_assert_ptr_null(strstr(text, "route=\"unmatched\""));
	assert_exposition_syntax(text);
	free(text);
	metrics_free(metrics);
	router_free(router);
}
END_TEST

START_TEST(test_unmatched_requests_get_their_own_series)
{
	struct router *router = make_router();
	struct metrics *metrics = metrics_new(router_count(router));
	char *text;

	metrics_observe(metrics, router_count(router), 404, US(100));
	text = render(metrics, router, &gauges);
	assert_line(text,
		    "erp_http_requests_total{method=\"\",route=\"unmatched\",status=\"404\"} 1");
	assert_line(text, "erp_http_request_duration_seconds_bucket{method=\"\","
			  "route=\"unmatched\",le=\"0.0005\"} 1");
	assert_line(text,
		    "erp_http_request_duration_seconds_count{method=\"\",route=\"unmatched\"} 1");
	free(text);
	metrics_free(metrics);
	router_free(router);
}
END_TEST

START_TEST(test_gauges_and_build_info)
{
	struct router *router = make_router();
	struct metrics *metrics = metrics_new(router_count(router));
	char *text;
	const char *build_info;
	size_t version_len;

	text = render(metrics, router, &gauges);
	assert_line(text, "# TYPE erp_db_pool_size gauge");
	assert_line(text, "erp_db_pool_size 8");
	assert_line(text, "# TYPE erp_db_connections_open gauge");
	assert_line(text, "erp_db_connections_open 5");
	assert_line(text, "# TYPE erp_db_connections_in_use gauge");
	assert_line(text, "erp_db_connections_in_use 2");
	assert_line(text, "# TYPE erp_db_pool_waiting gauge");
	assert_line(text, "erp_db_pool_waiting 0");
	assert_line(text, "# TYPE erp_http_requests_in_flight gauge");
	assert_line(text, "erp_http_requests_in_flight 3");
	assert_line(text, "# TYPE erp_build_info gauge");
	/*
	 * The version is whatever `git describe` said when metrics.o was built
	 * (make does not rebuild on a new describe), so check the shape only.
	 */
	build_info = strstr(text, "\nerp_build_info{version=\"");
	ck_assert_ptr_nonnull(build_info);
	build_info += strlen("\nerp_build_info{version=\"");
	version_len = strcspn(build_info, "\"\n");
	ck_assert_uint_gt(version_len, 0);
	ck_assert(strncmp(build_info + version_len, "\"} 1\n", 5) == 0);
	/* Nothing observed: headers only, no series. */
	ck_assert_ptr_null(strstr(text, "\nerp_http_requests_total{"));
	ck_assert_ptr_null(strstr(text, "\nerp_http_request_duration_seconds_bucket{"));
	assert_line(text, "# TYPE erp_http_requests_total counter");
	assert_exposition_syntax(text);
	free(text);
	metrics_free(metrics);
	router_free(router);
}
END_TEST

/* Every HELP has a TYPE for the same metric right after it. */
START_TEST(test_help_and_type_pairs)
{
	struct router *router = make_router();
	struct metrics *metrics = metrics_new(router_count(router));
	char *text;
	size_t helps = 0;

	metrics_observe(metrics, 0, 200, US(1));
	text = render(metrics, router, &gauges);
	for (const char *p = text; (p = strstr(p, "# HELP ")) != NULL; p++) {
		const char *name = p + 7;
		size_t name_len = strcspn(name, " ");
		const char *next = strchr(p, '\n') + 1;

		ck_assert(strncmp(next, "# TYPE ", 7) == 0);
		ck_assert(strncmp(next + 7, name, name_len) == 0);
		ck_assert_int_eq(next[7 + name_len], ' ');
		helps++;
	}
	ck_assert_uint_eq(helps, 8);
	ck_assert_uint_eq(count_containing(text, "# TYPE "), 8);
	free(text);
	metrics_free(metrics);
	router_free(router);
}
END_TEST

START_TEST(test_render_appends)
{
	struct router *router = make_router();
	struct metrics *metrics = metrics_new(router_count(router));
	struct strbuf sb = STRBUF_INIT;

	strbuf_addstr(&sb, "before\n");
	metrics_render(metrics, router, &gauges, &sb);
	ck_assert(strncmp(strbuf_str(&sb), "before\n# HELP ", 14) == 0);
	strbuf_release(&sb);
	metrics_free(metrics);
	metrics_free(NULL);
	router_free(router);
}
END_TEST

/* More threads than the 16 shards, so some shards are shared. */
enum { THREADS = 40, OBSERVATIONS = 2000 };

static struct metrics *shared_metrics;

static void *observe_from_thread(void *arg)
{
	int id = (int)(intptr_t)arg;

	for (int i = 0; i < OBSERVATIONS; i++)
		metrics_observe(shared_metrics, (size_t)(id % 2), id % 2 ? 201 : 200, US(600));
	return NULL;
}

/* Shards are summed on render: nothing lost to races, whatever thread observed. */
START_TEST(test_concurrent_observations_all_counted)
{
	struct router *router = make_router();
	pthread_t threads[THREADS];
	char *text, expected[200];

	shared_metrics = metrics_new(router_count(router));
	for (int i = 0; i < THREADS; i++)
		ck_assert_int_eq(pthread_create(&threads[i], NULL, observe_from_thread,
						(void *)(intptr_t)i),
				 0);
	for (int i = 0; i < THREADS; i++)
		pthread_join(threads[i], NULL);
	text = render(shared_metrics, router, &gauges);

	snprintf(expected, sizeof(expected),
		 "erp_http_requests_total{method=\"GET\",route=\"/a\",status=\"200\"} %d",
		 THREADS / 2 * OBSERVATIONS);
	assert_line(text, expected);
	snprintf(expected, sizeof(expected),
		 "erp_http_requests_total{method=\"POST\",route=\"/b/{id}\",status=\"201\"} %d",
		 THREADS / 2 * OBSERVATIONS);
	assert_line(text, expected);
	snprintf(expected, sizeof(expected),
		 "erp_http_request_duration_seconds_bucket{method=\"GET\",route=\"/a\","
		 "le=\"0.0005\"} 0");
	assert_line(text, expected);
	snprintf(expected, sizeof(expected),
		 "erp_http_request_duration_seconds_bucket{method=\"GET\",route=\"/a\","
		 "le=\"0.001\"} %d",
		 THREADS / 2 * OBSERVATIONS);
	assert_line(text, expected);
	snprintf(expected, sizeof(expected),
		 "erp_http_request_duration_seconds_sum{method=\"GET\",route=\"/a\"} %.6f",
		 THREADS / 2 * OBSERVATIONS * 0.0006);
	assert_line(text, expected);
	free(text);
	metrics_free(shared_metrics);
	router_free(router);
}
END_TEST

Suite *test_suite(void)
{
	Suite *suite = suite_create("platform/metrics");
	TCase *exposition = tcase_create("exposition");
	TCase *threads = tcase_create("threads");

	tcase_add_test(exposition, test_counts_by_route_and_status);
	tcase_add_test(exposition, test_histogram_is_cumulative_with_inf_sum_and_count);
	tcase_add_test(exposition, test_unmatched_requests_get_their_own_series);
	tcase_add_test(exposition, test_gauges_and_build_info);
	tcase_add_test(exposition, test_help_and_type_pairs);
	tcase_add_test(exposition, test_render_appends);
	suite_add_tcase(suite, exposition);

	tcase_add_test(threads, test_concurrent_observations_all_counted);
	suite_add_tcase(suite, threads);
	return suite;
}
