#ifndef ERP_PLATFORM_RATE_LIMIT_H
#define ERP_PLATFORM_RATE_LIMIT_H

#include <stdint.h>

/*
 * A request rate limit per principal (ERP_RATE_LIMIT_PER_USER,
 * ERP_RATE_LIMIT_BURST): a token bucket per key (the authenticated user's
 * id) that refills at rate_per_s up to burst, one token per request.
 *
 * Memory is fixed: a table of RATE_LIMIT_BUCKETS buckets allocated once, in
 * sets of a few, each set under its own mutex (requests of different users
 * rarely wait for each other). A key not in its set takes the bucket that
 * loses least: an empty one, else the fullest after refilling (a full
 * bucket says nothing the limit needs), so a user who is being limited
 * keeps their empty bucket while others come and go. No database, no I/O.
 */
enum { RATE_LIMIT_BUCKETS = 4096 };

struct rate_limit;

/*
 * A limiter of rate_per_s requests per second per key, bursts of up to burst
 * (at least 1). NULL when rate_per_s is 0 (no limit). Runs at start-up: out
 * of memory exits (common/alloc.h's erp_x* policy).
 */
struct rate_limit *rate_limit_new(unsigned rate_per_s, unsigned burst);
void rate_limit_free(struct rate_limit *limit);

/*
 * Takes one request of key at now_ns (a monotonic clock): 0 when it is
 * allowed, else the whole seconds (at least 1) until the next would be.
 * Keys are compared by their first 47 bytes and a hash of all of them.
 */
unsigned rate_limit_take(struct rate_limit *limit, const char *key, uint64_t now_ns);

#endif
