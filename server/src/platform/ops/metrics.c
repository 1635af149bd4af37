#include "platform/ops/metrics.h"

#include <stdatomic.h>
#include <string.h>

#include "common/alloc.h"
#include "platform/http/router.h"

/* Statuses with their own series; everything else lands in "other". */
static const int tracked_statuses[] = { 200, 201, 204, 304, 400, 401, 403, 404, 405, 409,
					412, 413, 414, 415, 422, 429, 431, 500, 503 };
enum { STATUS_SLOTS = sizeof(tracked_statuses) / sizeof(tracked_statuses[0]) + 1 };

/* Upper bounds in microseconds: 0.5 ms .. 5 s, then +Inf. */
static const uint64_t bucket_bounds_us[] = { 500, 1000, 2500, 5000, 10000, 25000, 50000,
					     100000, 250000, 500000, 1000000, 2500000, 5000000 };
static const char *const bucket_labels[] = { "0.0005", "0.001", "0.0025", "0.005", "0.01",
					     "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5",
					     "5" };
enum { BUCKETS = sizeof(bucket_bounds_us) / sizeof(bucket_bounds_us[0]) + 1 };

enum { SHARDS = 16 };

struct route_series {
	atomic_ulong status_counts[STATUS_SLOTS];
	atomic_ulong buckets[BUCKETS];
	atomic_ulong sum_us;
};

struct shard {
	struct route_series *routes; /* route_count + 1 */
};

struct registered {
	enum metrics_kind kind;
	const char *name;
	const char *labels;
	const char *help;
	const atomic_long *value;
};

struct metrics {
	size_t route_count;
	struct shard shards[SHARDS];
	struct registered registered[METRICS_MAX_REGISTERED];
	size_t registered_count;
};

static atomic_uint next_shard;
static _Thread_local int thread_shard = -1;

struct metrics *metrics_new(size_t route_count)
{
	struct metrics *m = erp_xcalloc(1, sizeof(*m));

	m->route_count = route_count;
	for (int i = 0; i < SHARDS; i++)
		m->shards[i].routes = erp_xcalloc(route_count + 1, sizeof(struct route_series));
	return m;
}

void metrics_free(struct metrics *m)
{
	if (!m)
		return;
	for (int i = 0; i < SHARDS; i++)
		erp_free(m->shards[i].routes);
	erp_free(m);
}

int metrics_register(struct metrics *m, enum metrics_kind kind, const char *name,
		     const char *labels, const char *help, const atomic_long *value)
{
	if (m->registered_count == METRICS_MAX_REGISTERED)
		return -1;
	m->registered[m->registered_count++] = (struct registered){ kind, name, labels, help, value };
	return 0;
}

static void render_registered(const struct metrics *m, struct strbuf *out)
{
	for (size_t i = 0; i < m->registered_count; i++) {
		const struct registered *r = &m->registered[i];

		if (i == 0 || strcmp(m->registered[i - 1].name, r->name) != 0)
			strbuf_addf(out, "# HELP %s %s\n# TYPE %s %s\n", r->name, r->help, r->name,
				    r->kind == METRICS_COUNTER ? "counter" : "gauge");
		strbuf_addstr(out, r->name);
		if (r->labels)
			strbuf_addf(out, "{%s}", r->labels);
		strbuf_addf(out, " %ld\n", atomic_load_explicit(r->value, memory_order_relaxed));
	}
}

static int status_slot(int status)
{
	for (int i = 0; i < STATUS_SLOTS - 1; i++)
		if (tracked_statuses[i] == status)
			return i;
	return STATUS_SLOTS - 1;
}

void metrics_observe(struct metrics *m, size_t route_index, int status, uint64_t duration_ns)
{
	uint64_t us = duration_ns / 1000;
	struct route_series *series;
	int bucket = 0;

	if (thread_shard < 0)
		thread_shard = (int)(atomic_fetch_add_explicit(&next_shard, 1, memory_order_relaxed) % SHARDS);
	if (route_index > m->route_count)
		route_index = m->route_count;
	series = &m->shards[thread_shard].routes[route_index];
	while (bucket < BUCKETS - 1 && us > bucket_bounds_us[bucket])
		bucket++;
	atomic_fetch_add_explicit(&series->status_counts[status_slot(status)], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&series->buckets[bucket], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&series->sum_us, us, memory_order_relaxed);
}

static unsigned long sum_over_shards(struct metrics *m, size_t route, int kind, int index)
{
	unsigned long total = 0;

	for (int s = 0; s < SHARDS; s++) {
		struct route_series *r = &m->shards[s].routes[route];
		atomic_ulong *cell = kind == 0 ? &r->status_counts[index]
				   : kind == 1 ? &r->buckets[index] : &r->sum_us;

		total += atomic_load_explicit(cell, memory_order_relaxed);
	}
	return total;
}

static void route_labels(const struct router *router, size_t index, size_t route_count,
			 struct strbuf *out)
{
	const struct erp_route *route = index < route_count ? router_route(router, index) : NULL;

	strbuf_addstr(out, "method=\"");
	strbuf_addstr(out, route ? erp_method_name(route->method) : "");
	strbuf_addstr(out, "\",route=\"");
	/* Patterns are ours ([a-z0-9/{}_-]), so no label escaping is needed. */
	strbuf_addstr(out, route ? route->pattern : "unmatched");
	strbuf_addch(out, '"');
}

void metrics_render(struct metrics *m, const struct router *router,
		    const struct metrics_gauges *g, struct strbuf *out)
{
	strbuf_addstr(out, "# HELP erp_http_requests_total HTTP requests by route and status.\n"
			   "# TYPE erp_http_requests_total counter\n");
	for (size_t r = 0; r <= m->route_count; r++) {
		for (int s = 0; s < STATUS_SLOTS; s++) {
			unsigned long n = sum_over_shards(m, r, 0, s);

			if (!n)
				continue;
			strbuf_addstr(out, "erp_http_requests_total{");
			route_labels(router, r, m->route_count, out);
			if (s < STATUS_SLOTS - 1)
				strbuf_addf(out, ",status=\"%d\"} %lu\n", tracked_statuses[s], n);
			else
				strbuf_addf(out, ",status=\"other\"} %lu\n", n);
		}
	}
	strbuf_addstr(out, "# HELP erp_http_request_duration_seconds Time from request start to "
			   "response completion.\n"
			   "# TYPE erp_http_request_duration_seconds histogram\n");
	for (size_t r = 0; r <= m->route_count; r++) {
		unsigned long cumulative = 0;

		for (int b = 0; b < BUCKETS; b++)
			cumulative += sum_over_shards(m, r, 1, b);
		if (!cumulative)
			continue;
		cumulative = 0;
		for (int b = 0; b < BUCKETS; b++) {
			cumulative += sum_over_shards(m, r, 1, b);
			strbuf_addstr(out, "erp_http_request_duration_seconds_bucket{");
			route_labels(router, r, m->route_count, out);
			strbuf_addf(out, ",le=\"%s\"} %lu\n", b < BUCKETS - 1 ? bucket_labels[b] : "+Inf",
				    cumulative);
		}
		strbuf_addstr(out, "erp_http_request_duration_seconds_sum{");
		route_labels(router, r, m->route_count, out);
		strbuf_addf(out, "} %.6f\n", (double)sum_over_shards(m, r, 2, 0) / 1e6);
		strbuf_addstr(out, "erp_http_request_duration_seconds_count{");
		route_labels(router, r, m->route_count, out);
		strbuf_addf(out, "} %lu\n", cumulative);
	}
	strbuf_addf(out,
		    "# HELP erp_db_pool_size Database connections the pool may open (one per worker).\n"
		    "# TYPE erp_db_pool_size gauge\nerp_db_pool_size %ld\n"
		    "# HELP erp_db_connections_open Database connections currently open.\n"
		    "# TYPE erp_db_connections_open gauge\nerp_db_connections_open %ld\n"
		    "# HELP erp_db_connections_in_use Database connections running a query now.\n"
		    "# TYPE erp_db_connections_in_use gauge\nerp_db_connections_in_use %ld\n"
		    "# HELP erp_db_pool_waiting Requests waiting for a connection (always 0: each "
		    "worker owns one).\n"
		    "# TYPE erp_db_pool_waiting gauge\nerp_db_pool_waiting 0\n"
		    "# HELP erp_http_requests_in_flight Requests started and not yet completed.\n"
		    "# TYPE erp_http_requests_in_flight gauge\nerp_http_requests_in_flight %ld\n"
		    "# HELP erp_build_info Build version.\n"
		    "# TYPE erp_build_info gauge\nerp_build_info{version=\"%s\"} 1\n",
		    g->db_pool_size, g->db_connections_open, g->db_connections_in_use,
		    g->requests_in_flight, ERP_VERSION);
	render_registered(m, out);
}
