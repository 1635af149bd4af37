#ifndef ERP_PLATFORM_DB_H
#define ERP_PLATFORM_DB_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

#include "common/arena.h"

/*
 * PostgreSQL access through libpq. Every statement is a named, parameterised
 * statement prepared once per connection on first use; SQL is never built
 * from input. Errors come back as ERP_ERR_* codes (shared-kernel/errors.h):
 *
 *   23505 unique violation            -> ERP_ERR_CONFLICT
 *   23503, 23514, 22xxx bad data      -> ERP_ERR_INVALID
 *   40001, 40P01 (retried by db_transaction, else) -> ERP_ERR_CONFLICT
 *   lost connection, 08xxx, 57xxx, 53xxx          -> ERP_ERR_UNAVAILABLE
 *   anything else                     -> ERP_ERR_INTERNAL
 *
 * A connection that is lost is re-established on next use, with exponential
 * back-off (100 ms .. 5 s); while waiting, calls fail at once with
 * ERP_ERR_UNAVAILABLE, so clients get a quick 503 rather than a hang.
 */
struct db_conn;
struct db_pool;

struct db_statement {
	const char *name;   /* unique per process: "<module>_<what>", e.g. "ops_migrations" */
	const char *sql;    /* $1..$n parameters */
	bool read_only;     /* safe to re-run after a lost connection outside a transaction */
};

struct db_options {
	unsigned connect_timeout_s;    /* 0: libpq default */
	unsigned statement_timeout_ms; /* 0: none */
	const char *application_name;  /* shown in pg_stat_activity */
};

/* Internal result code of db_query() for 40001/40P01; db_transaction() retries it. */
enum { DB_RETRY = -100 };

/* A connection handle; connects lazily on first use. NULL only when out of memory. */
struct db_conn *db_open(const char *url, const struct db_options *options);
void db_close(struct db_conn *conn);

/* Connects now if needed (honouring back-off). 0 or ERP_ERR_UNAVAILABLE. */
int db_connect(struct db_conn *conn);

/*
 * Runs a prepared statement with text parameters (NULL for SQL NULL). On
 * success *out (if out is not NULL) receives the result, registered for
 * PQclear with arena (which may be NULL when out is NULL). Returns 0 or a
 * code from the table above (DB_RETRY for 40001/40P01).
 */
int db_query(struct db_conn *conn, struct arena *arena, const struct db_statement *statement,
	     int param_count, const char *const *params, PGresult **out);

/*
 * Runs fixed SQL text with no parameters (BEGIN, COMMIT, schema migrations).
 * Never pass text that contains input. Returns like db_query().
 */
int db_exec(struct db_conn *conn, const char *sql);

/*
 * Runs work(conn, ctx) inside BEGIN ... COMMIT (BEGIN travels with the
 * work's first statement in one round trip, libpq pipeline mode). Retries the whole
 * transaction (up to 5 attempts, jittered back-off) when PostgreSQL reports
 * a serialization failure or deadlock, and once after a connection lost
 * before COMMIT was sent. work must therefore touch nothing but the
 * database; it returns 0 to commit or an error code to roll back. A lost
 * connection during COMMIT returns ERP_ERR_UNAVAILABLE (outcome unknown:
 * clients retry with an Idempotency-Key).
 */
typedef int (*db_work_fn)(struct db_conn *conn, void *ctx);
int db_transaction(struct db_conn *conn, db_work_fn work, void *ctx);

/* SQLSTATE and primary message of the last failure ("" when none), for logs. */
const char *db_last_sqlstate(const struct db_conn *conn);
const char *db_last_message(const struct db_conn *conn);

/* The libpq handle (may be NULL while disconnected), for tools and tests. */
PGconn *db_pg(struct db_conn *conn);

/* Times this handle has (re)connected successfully. */
unsigned long db_connect_count(const struct db_conn *conn);

/*
 * A pool for worker threads: each thread that asks gets its own connection
 * (created on first use, kept for the thread's life), so queries never wait
 * for a lock. size is what metrics report; it equals the worker count.
 */
struct db_pool *db_pool_new(const char *url, const struct db_options *options, unsigned size);
void db_pool_free(struct db_pool *pool);

/* The calling thread's connection; NULL only when out of memory. */
struct db_conn *db_pool_thread_conn(struct db_pool *pool);

struct db_pool_stats {
	long size;
	long open;
	long in_use;
};
void db_pool_stats(struct db_pool *pool, struct db_pool_stats *stats);

#endif
