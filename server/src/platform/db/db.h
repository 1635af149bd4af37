#ifndef ERP_PLATFORM_DB_H
#define ERP_PLATFORM_DB_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

#include "common/arena.h"

/*
 * PostgreSQL access through libpq. Every statement is a named, parameterised
 * statement prepared once per connection on first use (or, with
 * db_options.unnamed_statements, sent unnamed each time); SQL is never built
 * from input. Nothing keeps state in the session between transactions
 * (docs/deployment.md, "Session state"), so a transaction pooler may sit
 * between the server and PostgreSQL. Errors come back as ERP_ERR_* codes (shared-kernel/errors.h):
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
	/*
	 * Send every statement unnamed (Parse/Bind/Execute of the unnamed
	 * statement, as PQexecParams does) instead of preparing it once per
	 * session: a transaction pooler (PgBouncer pool_mode=transaction) hands
	 * each transaction to any server connection, where a statement prepared
	 * on another does not exist. Costs a parse and plan per statement.
	 */
	bool unnamed_statements;
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
 * The text of the column called name in row of res, or NULL when res has no
 * such row or column or the value is SQL NULL: results are read by name,
 * never by position.
 */
const char *db_value(const PGresult *res, int row, const char *name);

/*
 * A pipeline: statements sent together and answered together, in one round
 * trip (libpq pipeline mode), for a use case whose statements do not need
 * each other's results. The server still runs them one after another, each
 * with its own snapshot, so a step sees what the steps before it wrote or
 * locked; but no step can take a parameter from an earlier step's result
 * (write that in SQL). Inside db_transaction() a pending BEGIN travels with
 * the batch.
 *
 * A batch lives in an arena; add steps, run it once. Errors are sticky: an
 * add that runs out of memory (or past DB_BATCH_MAX steps) makes
 * db_batch_run() fail with that code, so callers add without checking each
 * step, and every function accepts the NULL of a failed db_batch_new().
 */
struct db_batch;

enum { DB_BATCH_MAX = 16 };

/* A new, empty batch in arena; NULL when out of memory. */
struct db_batch *db_batch_new(struct arena *arena);

/*
 * Adds a step. The params array is copied; the texts it points to must live
 * until db_batch_run() returns. After a successful run *out (when out is not
 * NULL) receives the step's result, registered for PQclear with the batch's
 * arena. Returns 0 or ERP_ERR_NO_MEMORY (also remembered by the batch).
 */
int db_batch_add(struct db_batch *batch, const struct db_statement *statement, int param_count,
		 const char *const *params, PGresult **out);

/*
 * Sends every step, then reads every answer: one round trip, statements this
 * session has not prepared yet included. Returns 0, or the code of the first
 * step that failed (the table above; DB_RETRY for 40001/40P01): PostgreSQL
 * skips the steps after it, and no *out is set. Outside a transaction the
 * batch is one implicit transaction: all of it commits, or none. An empty
 * batch costs nothing.
 */
int db_batch_run(struct db_conn *conn, struct db_batch *batch);

/*
 * A write nobody reads the result of (an audit row, an outbox event, a stored
 * answer): inside db_transaction()'s work it is queued and sent just before
 * COMMIT, in COMMIT's round trip; anywhere else it runs at once, like
 * db_query(). The params are copied. Queued statements run in the order
 * queued, after all of the work's own statements; if one fails, nothing
 * commits and db_transaction() returns its code (retrying 40001/40P01 as
 * usual). Returns 0, ERP_ERR_NO_MEMORY, or (run at once) like db_query().
 */
int db_query_at_commit(struct db_conn *conn, const struct db_statement *statement,
		       int param_count, const char *const *params);

/*
 * fn(arg), once the transaction of the db_transaction() work that asks
 * commits (nothing if it rolls back), after COMMIT's answer: to wake what
 * reads the committed rows. Asked twice with the same fn and arg, it runs
 * once. Outside a work it runs at once. Returns 0, or ERP_ERR_INTERNAL when
 * a work asks for more than DB_AFTER_COMMIT_MAX different ones.
 */
enum { DB_AFTER_COMMIT_MAX = 4 };
struct db_after_commit {
	void (*fn)(void *arg);
	void *arg;
};
int db_after_commit(struct db_conn *conn, void (*fn)(void *arg), void *arg);

/*
 * Runs fixed SQL text with no parameters (BEGIN, COMMIT, schema migrations).
 * Never pass text that contains input. Returns like db_query().
 */
int db_exec(struct db_conn *conn, const char *sql);

/*
 * Runs work(conn, ctx) inside BEGIN ... COMMIT: BEGIN travels with the
 * work's first statement (or batch) and COMMIT with the statements queued by
 * db_query_at_commit(), so a transaction costs no round trip of its own.
 * Retries the whole transaction (up to 5 attempts, jittered back-off) when
 * PostgreSQL reports a serialization failure or deadlock, and once after a
 * connection lost before COMMIT was sent. work must therefore touch nothing
 * but the database; it returns 0 to commit or an error code to roll back. A
 * lost connection while COMMIT's round trip is under way returns
 * ERP_ERR_UNAVAILABLE (outcome unknown: clients retry with an
 * Idempotency-Key), unless PostgreSQL had answered the COMMIT: then it is 0.
 */
typedef int (*db_work_fn)(struct db_conn *conn, void *ctx);
int db_transaction(struct db_conn *conn, db_work_fn work, void *ctx);

/*
 * A statement's rows one at a time (libpq single-row mode), for answers too
 * large to hold: an export streamed to a client. db_stream_begin() sends the
 * statement (unnamed, outside any transaction: it is its own snapshot) and
 * reads the first answer, so a statement that fails does so here (codes as
 * db_query()). Then db_stream_next() until it returns 0 (no more rows) or a
 * negative code: 1 with *row one row (the caller PQclear()s it). The
 * connection does nothing else until the rows are read to the end (close
 * it to abandon them): use a connection of the stream's own.
 */
int db_stream_begin(struct db_conn *conn, const struct db_statement *statement, int param_count,
		    const char *const *params);
int db_stream_next(struct db_conn *conn, PGresult **row);

/* SQLSTATE and primary message of the last failure ("" when none), for logs. */
const char *db_last_sqlstate(const struct db_conn *conn);
const char *db_last_message(const struct db_conn *conn);

/* The libpq handle (may be NULL while disconnected), for tools and tests. */
PGconn *db_pg(struct db_conn *conn);

/* Times this handle has (re)connected successfully. */
unsigned long db_connect_count(const struct db_conn *conn);

/*
 * Network round trips to the server made through this handle: one per
 * statement run alone, per batch, per COMMIT with its queued writes
 * (connecting is counted by db_connect_count() instead). For tests and the
 * bench: the count a change of the write path must not raise.
 */
unsigned long db_round_trips(const struct db_conn *conn);

/* The same, summed over every handle the calling thread used: read before and after a request. */
unsigned long db_thread_round_trips(void);

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
