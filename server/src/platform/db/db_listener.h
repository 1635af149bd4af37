#ifndef ERP_PLATFORM_DB_LISTENER_H
#define ERP_PLATFORM_DB_LISTENER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * The database's notifications, for caches that must never be behind it.
 *
 * One connection per process, owned by a thread of its own, LISTENs on the
 * channels of its subscribers and hands each notification to its
 * subscriber, in commit order. A cache forgets what a notification names;
 * what keeps it exact is the barrier, db_listener_sync(): a request that
 * wants to use a cached value first makes sure every notification of every
 * transaction that committed before the request began has been handed over.
 *
 * The barrier sends a small query on the listening connection and waits
 * for its answer. A backend delivers the notifications it has been told of
 * before it reads its next query (PostgreSQL's ProcessClientReadInterrupt,
 * and libpq's documented "submit a command, then check PQnotifies"), and a
 * committing transaction tells every listener before its own client learns
 * that it committed. So a transaction that committed before the request
 * began had told the listening backend before the barrier's query was sent,
 * and its notifications arrive ahead of the query's answer. One answered
 * query serves every request that arrived before it was sent: under load
 * most requests find one and do not wait, and an idle server pays one round
 * trip per request, as the lookup it replaces did.
 *
 * Whenever notifications may have been missed (not yet listening, the
 * connection lost, a new connection) subscribers are told to forget
 * everything (reset) after LISTEN is in place and before the barrier lets
 * anyone through again; while not listening the barrier fails at once and
 * callers read the database: the caches fail closed.
 */

struct db_listener;

struct db_listener_subscriber {
	const char *channel;  /* [a-z_][a-z0-9_]*, at most 63 characters; static */
	/* A notification on channel; payload is "" when none. Runs on the listener's thread. */
	void (*notified)(void *ctx, const char *payload);
	/* Notifications may have been missed: forget everything. Runs on the listener's thread. */
	void (*reset)(void *ctx);
	void *ctx;
};

/* What /metrics shows of it (platform/ops/metrics.h reads these). */
struct db_listener_stats {
	atomic_long listening;      /* 1 while listening, else 0 */
	atomic_long connects;       /* connections made (each one a reset of the subscribers) */
	atomic_long notifications;  /* notifications handed to subscribers */
	atomic_long syncs;          /* barrier queries answered */
	atomic_long sync_failures;  /* barrier calls that found it not listening, or timed out */
};

/*
 * A listener for the database at url (libpq URL or key=value string; never
 * logged), connecting as application_name. Start-up only (exits when out
 * of memory). Nothing connects before db_listener_start().
 */
struct db_listener *db_listener_new(const char *url, const char *application_name,
				    unsigned connect_timeout_s);

/* Adds a subscriber (copied); before db_listener_start(). 0, or -1 for a bad channel name. */
int db_listener_subscribe(struct db_listener *listener, const struct db_listener_subscriber *subscriber);

/* Whether anyone subscribed (a listener nobody needs is never started). */
bool db_listener_wanted(const struct db_listener *listener);

/* Starts the listening thread; it connects, and reconnects with back-off when the connection is lost. 0 or -1. */
int db_listener_start(struct db_listener *listener);

/* Stops the thread (if started) and frees everything. NULL is fine. */
void db_listener_free(struct db_listener *listener);

/*
 * The barrier: true once every notification of every transaction that
 * committed before since_ns (CLOCK_MONOTONIC, in the past: when the caller
 * learned of what it serves, e.g. a request's arrival) has been handed to
 * its subscriber. A barrier query sent after since_ns proves it; when one
 * has already been answered this returns at once, else it waits for the
 * query in flight (when it left after since_ns) or the next one. False at
 * once when not listening (or when the query in flight has been waiting for
 * more than timeout_ms: the connection is behind), and false when the answer
 * takes longer than timeout_ms: then read the database.
 */
bool db_listener_sync(struct db_listener *listener, uint64_t since_ns, unsigned timeout_ms);

/* The counters, for metrics_register(). */
const struct db_listener_stats *db_listener_stats(const struct db_listener *listener);

#endif
