#ifndef ERP_PLATFORM_METRICS_H
#define ERP_PLATFORM_METRICS_H

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

/* Appends the exposition text. router gives route labels. */
void metrics_render(struct metrics *metrics, const struct router *router,
		    const struct metrics_gauges *gauges, struct strbuf *out);

#endif
