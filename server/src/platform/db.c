#include "platform/db.h"

#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/alloc.h"
#include "platform/log.h"
#include "shared-kernel/errors.h"

enum {
	BACKOFF_MIN_MS = 100,
	BACKOFF_MAX_MS = 5000,
	TRANSACTION_ATTEMPTS = 5,
};

struct db_conn {
	PGconn *pg;
	char *url;
	struct db_options options;
	char *application_name;
	/* Statements prepared on the current session: an open-addressing set of pointers. */
	const struct db_statement **prepared;
	size_t prepared_capacity;
	size_t prepared_count;
	uint64_t next_attempt_ns;
	unsigned backoff_ms;
	unsigned long connects;
	bool lost; /* the last failure was a lost connection */
	bool begin_pending; /* in db_transaction(), BEGIN not sent yet: it goes with the first statement */
	atomic_bool open; /* for the pool's gauge, read by other threads */
	bool backing_off; /* the last call was refused without trying (already logged) */
	char sqlstate[6];
	char message[256];
	struct db_pool *pool; /* for the in-use gauge; NULL outside a pool */
};

struct db_pool {
	pthread_mutex_t lock;
	char *url;
	struct db_options options;
	char *application_name;
	unsigned size;
	uint64_t generation;
	struct db_conn **conns;
	size_t count;
	size_t capacity;
	atomic_long in_use;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

struct db_conn *db_open(const char *url, const struct db_options *options)
{
	struct db_conn *conn = erp_calloc(1, sizeof(*conn));

	if (!conn)
		return NULL;
	conn->url = erp_malloc(strlen(url) + 1);
	conn->application_name = erp_malloc(64);
	if (!conn->url || !conn->application_name) {
		db_close(conn);
		return NULL;
	}
	memcpy(conn->url, url, strlen(url) + 1);
	if (options)
		conn->options = *options;
	snprintf(conn->application_name, 64, "%s",
		 options && options->application_name ? options->application_name : "erp");
	conn->options.application_name = conn->application_name;
	return conn;
}

static void forget_prepared(struct db_conn *conn)
{
	if (conn->prepared)
		memset(conn->prepared, 0, conn->prepared_capacity * sizeof(*conn->prepared));
	conn->prepared_count = 0;
}

void db_close(struct db_conn *conn)
{
	if (!conn)
		return;
	if (conn->pg)
		PQfinish(conn->pg);
	erp_free(conn->prepared);
	erp_free(conn->url);
	erp_free(conn->application_name);
	erp_free(conn);
}

static void remember_failure(struct db_conn *conn, const char *sqlstate, const char *message)
{
	snprintf(conn->sqlstate, sizeof(conn->sqlstate), "%s", sqlstate ? sqlstate : "");
	snprintf(conn->message, sizeof(conn->message), "%s", message ? message : "");
	/* libpq messages end with a newline; logs want one line. */
	for (char *p = conn->message; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
}

static void mark_lost(struct db_conn *conn)
{
	uint64_t now = now_ns();

	conn->lost = true;
	atomic_store_explicit(&conn->open, false, memory_order_relaxed);
	if (conn->pg) {
		PQfinish(conn->pg);
		conn->pg = NULL;
	}
	forget_prepared(conn);
	conn->backoff_ms = conn->backoff_ms ? conn->backoff_ms * 2 : BACKOFF_MIN_MS;
	if (conn->backoff_ms > BACKOFF_MAX_MS)
		conn->backoff_ms = BACKOFF_MAX_MS;
	conn->next_attempt_ns = now + (uint64_t)conn->backoff_ms * 1000000u;
}

/* Server notices go to our log as one escaped record, not raw to stderr. */
static void on_notice(void *ctx, const char *message)
{
	(void)ctx;
	if (log_enabled(ERP_LOG_DEBUG))
		log_debug("db.notice", "%.*s", (int)strcspn(message, "\n"), message);
}

int db_connect(struct db_conn *conn)
{
	char timeout[16], options[64];
	const char *keys[10], *values[10];
	int n = 0;

	if (conn->pg && PQstatus(conn->pg) == CONNECTION_OK)
		return ERP_OK;
	if (conn->pg) {
		/* Reported bad by libpq since the last call: drop it and reconnect at once. */
		PQfinish(conn->pg);
		conn->pg = NULL;
		forget_prepared(conn);
	} else if (conn->next_attempt_ns && now_ns() < conn->next_attempt_ns) {
		conn->backing_off = true;
		return ERP_ERR_UNAVAILABLE;
	}
	conn->backing_off = false;

	snprintf(timeout, sizeof(timeout), "%u", conn->options.connect_timeout_s);
	snprintf(options, sizeof(options), "-c statement_timeout=%u -c TimeZone=UTC",
		 conn->options.statement_timeout_ms);
	keys[n] = "dbname", values[n++] = conn->url;
	keys[n] = "application_name", values[n++] = conn->options.application_name;
	keys[n] = "options", values[n++] = options;
	/* Text is UTF-8 whatever PGCLIENTENCODING says: hashes over it must not depend on a shell. */
	keys[n] = "client_encoding", values[n++] = "UTF8";
	keys[n] = "keepalives", values[n++] = "1";
	keys[n] = "keepalives_idle", values[n++] = "10";
	if (conn->options.connect_timeout_s)
		keys[n] = "connect_timeout", values[n++] = timeout;
	keys[n] = NULL, values[n] = NULL;

	conn->pg = PQconnectdbParams(keys, values, 1);
	if (!conn->pg || PQstatus(conn->pg) != CONNECTION_OK) {
		remember_failure(conn, "08006", conn->pg ? PQerrorMessage(conn->pg) : "out of memory");
		mark_lost(conn);
		return ERP_ERR_UNAVAILABLE;
	}
	PQsetNoticeProcessor(conn->pg, on_notice, NULL);
	conn->backoff_ms = 0;
	conn->next_attempt_ns = 0;
	conn->lost = false;
	conn->connects++;
	atomic_store_explicit(&conn->open, true, memory_order_relaxed);
	if (conn->connects > 1)
		log_info("db.reconnected", "database connection re-established");
	return ERP_OK;
}

/* Maps a failed result to an error code, remembering the details for the log. */
static int classify(struct db_conn *conn, PGresult *res)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *message = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;

	if (!message)
		message = PQerrorMessage(conn->pg);
	remember_failure(conn, state ? state : "", message);
	if (PQstatus(conn->pg) == CONNECTION_BAD) {
		mark_lost(conn);
		return ERP_ERR_UNAVAILABLE;
	}
	if (!state)
		return ERP_ERR_INTERNAL;
	if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0)
		return DB_RETRY;
	if (strcmp(state, "23505") == 0)
		return ERP_ERR_CONFLICT;
	if (strcmp(state, "23503") == 0 || strcmp(state, "23514") == 0 ||
	    strcmp(state, "23502") == 0 || strncmp(state, "22", 2) == 0)
		return ERP_ERR_INVALID;
	if (strncmp(state, "08", 2) == 0 || strncmp(state, "57", 2) == 0 ||
	    strncmp(state, "53", 2) == 0) {
		if (strcmp(state, "57014") != 0) /* a cancelled statement leaves the session usable */
			mark_lost(conn);
		return ERP_ERR_UNAVAILABLE;
	}
	return ERP_ERR_INTERNAL;
}

static size_t slot_of(const struct db_conn *conn, const struct db_statement *st)
{
	return ((uintptr_t)st >> 4) * 2654435761u & (conn->prepared_capacity - 1);
}

static bool is_prepared(const struct db_conn *conn, const struct db_statement *st)
{
	if (!conn->prepared_capacity)
		return false;
	for (size_t i = slot_of(conn, st);; i = (i + 1) & (conn->prepared_capacity - 1)) {
		if (conn->prepared[i] == st)
			return true;
		if (!conn->prepared[i])
			return false;
	}
}

static int remember_prepared(struct db_conn *conn, const struct db_statement *st)
{
	if ((conn->prepared_count + 1) * 2 > conn->prepared_capacity) {
		size_t old_capacity = conn->prepared_capacity;
		const struct db_statement **old = conn->prepared;
		size_t capacity = old_capacity ? old_capacity * 2 : 64;

		conn->prepared = erp_calloc(capacity, sizeof(*conn->prepared));
		if (!conn->prepared) {
			conn->prepared = old;
			return ERP_ERR_NO_MEMORY;
		}
		conn->prepared_capacity = capacity;
		conn->prepared_count = 0;
		for (size_t i = 0; i < old_capacity; i++)
			if (old[i])
				remember_prepared(conn, old[i]);
		erp_free(old);
	}
	size_t i = slot_of(conn, st);

	while (conn->prepared[i])
		i = (i + 1) & (conn->prepared_capacity - 1);
	conn->prepared[i] = st;
	conn->prepared_count++;
	return ERP_OK;
}

static int prepare(struct db_conn *conn, const struct db_statement *st)
{
	PGresult *res;
	int rc;

	if (is_prepared(conn, st))
		return ERP_OK;
	res = PQprepare(conn->pg, st->name, st->sql, 0, NULL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		rc = classify(conn, res);
		PQclear(res);
		log_error("db.prepare_failed", "preparing %s failed: %s (%s)", st->name, conn->message,
			  conn->sqlstate);
		return rc;
	}
	PQclear(res);
	return remember_prepared(conn, st);
}

static void gauge_in_use(struct db_conn *conn, long delta)
{
	if (conn->pool)
		atomic_fetch_add_explicit(&conn->pool->in_use, delta, memory_order_relaxed);
}

/*
 * Sends BEGIN and a transaction's first statement together (libpq pipeline
 * mode), so the transaction costs one round trip less. Returns the
 * statement's result, or BEGIN's when BEGIN failed, or NULL (connection
 * trouble: classify() reads the connection's error).
 */
static PGresult *exec_with_begin(struct db_conn *conn, const struct db_statement *st, int count,
				 const char *const *params)
{
	PGconn *pg = conn->pg;
	PGresult *begin = NULL, *result = NULL, *r;
	int empty = 0;

	conn->begin_pending = false;
	if (!PQenterPipelineMode(pg))
		return NULL;
	if (PQsendQueryParams(pg, "BEGIN", 0, NULL, NULL, NULL, NULL, 0) &&
	    PQsendQueryPrepared(pg, st->name, count, params, NULL, NULL, 0) && PQpipelineSync(pg)) {
		/* BEGIN's result, a NULL, the statement's, a NULL, then the sync point. */
		while (empty < 8 && PQstatus(pg) == CONNECTION_OK) {
			r = PQgetResult(pg);
			if (!r) {
				empty++;
				continue;
			}
			empty = 0;
			if (PQresultStatus(r) == PGRES_PIPELINE_SYNC) {
				PQclear(r);
				break;
			}
			if (!begin)
				begin = r;
			else if (!result)
				result = r;
			else
				PQclear(r);
		}
	}
	if (!PQexitPipelineMode(pg) && PQstatus(pg) == CONNECTION_OK) {
		/* Results left unread: this session's state is unknown, so it is not reused. */
		PQfinish(conn->pg);
		conn->pg = NULL;
		forget_prepared(conn);
	}
	if (begin && PQresultStatus(begin) != PGRES_COMMAND_OK) {
		PQclear(result);
		return begin;
	}
	PQclear(begin);
	return result;
}

static int run_once(struct db_conn *conn, struct arena *arena, const struct db_statement *st,
		    int param_count, const char *const *params, PGresult **out)
{
	PGresult *res;
	ExecStatusType status;
	int rc;

	rc = db_connect(conn);
	if (rc)
		return rc;
	rc = prepare(conn, st);
	if (rc)
		return rc;
	gauge_in_use(conn, 1);
	res = conn->begin_pending ? exec_with_begin(conn, st, param_count, params)
				  : PQexecPrepared(conn->pg, st->name, param_count, params, NULL, NULL, 0);
	gauge_in_use(conn, -1);
	status = PQresultStatus(res);
	if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
		rc = classify(conn, res);
		PQclear(res);
		return rc;
	}
	if (!out) {
		PQclear(res);
		return ERP_OK;
	}
	if (arena_cleanup_add(arena, (arena_cleanup_fn)PQclear, res))
		return ERP_ERR_NO_MEMORY;
	*out = res;
	return ERP_OK;
}

int db_query(struct db_conn *conn, struct arena *arena, const struct db_statement *st,
	     int param_count, const char *const *params, PGresult **out)
{
	bool idle = (!conn->pg || PQtransactionStatus(conn->pg) == PQTRANS_IDLE) && !conn->begin_pending;
	int rc;

	conn->lost = false;
	rc = run_once(conn, arena, st, param_count, params, out);
	/* A read outside a transaction can safely be repeated on a fresh session. */
	if (rc == ERP_ERR_UNAVAILABLE && conn->lost && idle && st->read_only && conn->connects > 0) {
		conn->next_attempt_ns = 0;
		rc = run_once(conn, arena, st, param_count, params, out);
	}
	if (rc && rc != DB_RETRY && !conn->backing_off)
		log_warn("db.query_failed", "%s failed: %s (%s)", st->name, conn->message,
			 conn->sqlstate);
	return rc;
}

int db_exec(struct db_conn *conn, const char *sql)
{
	PGresult *res;
	int rc = db_connect(conn);

	if (rc)
		return rc;
	if (conn->begin_pending) { /* fixed SQL inside a transaction: BEGIN goes first */
		conn->begin_pending = false;
		rc = db_exec(conn, "BEGIN");
		if (rc)
			return rc;
	}
	gauge_in_use(conn, 1);
	res = PQexec(conn->pg, sql);
	gauge_in_use(conn, -1);
	if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK) {
		rc = classify(conn, res);
		PQclear(res);
		return rc;
	}
	PQclear(res);
	return ERP_OK;
}

static void rollback_quietly(struct db_conn *conn)
{
	if (conn->pg && PQstatus(conn->pg) == CONNECTION_OK &&
	    PQtransactionStatus(conn->pg) != PQTRANS_IDLE)
		db_exec(conn, "ROLLBACK");
}

int db_transaction(struct db_conn *conn, db_work_fn work, void *ctx)
{
	bool reconnected = false;
	int rc = ERP_ERR_INTERNAL;

	for (int attempt = 1; attempt <= TRANSACTION_ATTEMPTS; attempt++) {
		conn->lost = false;
		rc = db_connect(conn);
		if (rc == ERP_OK) {
			conn->begin_pending = true; /* sent with the first statement (exec_with_begin) */
			rc = work(conn, ctx);
			if (rc == ERP_OK && conn->begin_pending) {
				conn->begin_pending = false; /* the work ran no statement: nothing to commit */
				return ERP_OK;
			}
			if (rc == ERP_OK) {
				rc = db_exec(conn, "COMMIT");
				if (rc == ERP_OK)
					return ERP_OK;
				if (rc == ERP_ERR_UNAVAILABLE && conn->lost) {
					/* The commit may or may not have happened: never repeat it. */
					log_warn("db.commit_unknown", "connection lost during COMMIT");
					return ERP_ERR_UNAVAILABLE;
				}
			}
		}
		conn->begin_pending = false;
		rollback_quietly(conn);
		if (rc == DB_RETRY) {
			/* Jitter keeps two retrying transactions from colliding again. */
			sleep_ms(attempt * 10 + randombytes_uniform(20));
			continue;
		}
		if (rc == ERP_ERR_UNAVAILABLE && conn->lost && !reconnected) {
			/* Nothing was committed: one fresh session may finish the work. */
			reconnected = true;
			conn->next_attempt_ns = 0;
			continue;
		}
		return rc;
	}
	return rc == DB_RETRY ? ERP_ERR_CONFLICT : rc;
}

const char *db_last_sqlstate(const struct db_conn *conn)
{
	return conn->sqlstate;
}

const char *db_last_message(const struct db_conn *conn)
{
	return conn->message;
}

PGconn *db_pg(struct db_conn *conn)
{
	return conn->pg;
}

unsigned long db_connect_count(const struct db_conn *conn)
{
	return conn->connects;
}

/* --- the per-thread pool ------------------------------------------------------ */

static atomic_ulong pool_generations;

static _Thread_local struct {
	uint64_t generation;
	struct db_conn *conn;
} thread_conn;

struct db_pool *db_pool_new(const char *url, const struct db_options *options, unsigned size)
{
	struct db_pool *pool = erp_xcalloc(1, sizeof(*pool));

	pthread_mutex_init(&pool->lock, NULL);
	pool->url = erp_xstrdup(url);
	if (options)
		pool->options = *options;
	pool->application_name = erp_xstrdup(options && options->application_name
						     ? options->application_name : "erp-server");
	pool->options.application_name = pool->application_name;
	pool->size = size;
	pool->generation = atomic_fetch_add(&pool_generations, 1) + 1;
	return pool;
}

void db_pool_free(struct db_pool *pool)
{
	if (!pool)
		return;
	for (size_t i = 0; i < pool->count; i++)
		db_close(pool->conns[i]);
	erp_free(pool->conns);
	erp_free(pool->url);
	erp_free(pool->application_name);
	pthread_mutex_destroy(&pool->lock);
	erp_free(pool);
}

struct db_conn *db_pool_thread_conn(struct db_pool *pool)
{
	struct db_conn *conn;

	if (thread_conn.generation == pool->generation)
		return thread_conn.conn;
	conn = db_open(pool->url, &pool->options);
	if (!conn)
		return NULL;
	conn->pool = pool;
	pthread_mutex_lock(&pool->lock);
	if (pool->count == pool->capacity) {
		size_t capacity = pool->capacity ? pool->capacity * 2 : 16;
		struct db_conn **grown = erp_realloc(pool->conns, capacity * sizeof(*grown));

		if (!grown) {
			pthread_mutex_unlock(&pool->lock);
			db_close(conn);
			return NULL;
		}
		pool->conns = grown;
		pool->capacity = capacity;
	}
	pool->conns[pool->count++] = conn;
	pthread_mutex_unlock(&pool->lock);
	thread_conn.generation = pool->generation;
	thread_conn.conn = conn;
	return conn;
}

void db_pool_stats(struct db_pool *pool, struct db_pool_stats *stats)
{
	long open = 0;

	pthread_mutex_lock(&pool->lock);
	for (size_t i = 0; i < pool->count; i++) {
		if (atomic_load_explicit(&pool->conns[i]->open, memory_order_relaxed))
			open++;
	}
	pthread_mutex_unlock(&pool->lock);
	stats->size = pool->size;
	stats->open = open;
	stats->in_use = atomic_load_explicit(&pool->in_use, memory_order_relaxed);
}
