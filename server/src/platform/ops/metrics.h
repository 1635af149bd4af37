#ifndef ERP_PLATFORM_METRICS_H
#define ERP_PLATFORM_METRICS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "common/strbuf.h"

/*
 * Request metrics in Prometheus text format: counts by route and status and
 * a latency histogram by route. Counters live in per-thread shards (no
 * shared cache line on the hot path) and are summed when /metrics is read.
 */
struct metrics;
struct router;

/* route_count routes plus one slot for requests that matched no route. */
struct metrics *metrics_new(size_t route_count);
void metrics_free(struct metrics *metrics);

/* Records one finished request. route_index == route_count means "no route". */
void metrics_observe(struct metrics *metrics, size_t route_index, int status,
		     uint64_t duration_ns);

/* Gauges reported beside the counters. */
struct metrics_gauges {
	long db_connections_open;
	long db_connections_in_use;
	long db_pool_size;
	long requests_in_flight;
};

enum metrics_kind { METRICS_COUNTER, METRICS_GAUGE };

enum { METRICS_MAX_REGISTERED = 48 };

/*
 * A value kept by someone else (a cache's hits, the listener's state),
 * rendered as `name{labels} value` under its HELP and TYPE lines (written
 * once per name: register the series of one name one after the other).
 * labels is `kind="session",result="hit"` or NULL; every string must be
 * static, value must outlive the metrics. Call at start-up, before requests;
 * -1 when the table is full.
 */
int metrics_register(struct metrics *metrics, enum metrics_kind kind, const char *name,
		     const char *labels, const char *help, const atomic_long *value);

/* Appends the exposition text. router gives route labels. */
void metrics_render(struct metrics *metrics, const struct router *router,
		    const struct metrics_gauges *gauges, struct strbuf *out);

#endif
