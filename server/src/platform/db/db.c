#include "platform/db/db.h"

#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/alloc.h"
#include "common/monotonic.h"
#include "platform/ops/log.h"
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
	bool in_work; /* db_transaction()'s work is running: db_query_at_commit() queues */
	struct db_step *at_commit; /* queued writes, sent with COMMIT; params in one block each */
	PGresult *stream_row; /* db_stream_begin()'s first answer, until db_stream_next() takes it */
	size_t at_commit_count;
	size_t at_commit_capacity;
	struct db_after_commit after_commit[DB_AFTER_COMMIT_MAX]; /* run once COMMIT succeeded */
	size_t after_commit_count;
	unsigned long round_trips;
	atomic_bool open; /* for the pool's gauge, read by other threads */
	bool backing_off; /* the last call was refused without trying (already logged) */
	char sqlstate[6];
	char message[256];
	struct db_pool *pool; /* for the in-use gauge; NULL outside a pool */
};

/* A statement with its parameters, as a batch and the commit queue hold them. */
struct db_step {
	const struct db_statement *statement;
	int param_count;
	const char *const *params;
	PGresult **out; /* NULL: the result is not wanted */
};

struct db_batch {
	struct arena *arena;
	int error; /* sticky: ERP_ERR_NO_MEMORY from an add */
	size_t count;
	struct db_step steps[DB_BATCH_MAX];
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

static _Thread_local unsigned long thread_round_trips;

static void count_round_trip(struct db_conn *conn)
{
	conn->round_trips++;
	thread_round_trips++;
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

/* Forgets the writes queued for COMMIT (sent, or rolled back with the work). */
static void drop_at_commit(struct db_conn *conn)
{
	for (size_t i = 0; i < conn->at_commit_count; i++)
		erp_free((void *)conn->at_commit[i].params);
	conn->at_commit_count = 0;
	conn->after_commit_count = 0;
}

void db_close(struct db_conn *conn)
{
	if (!conn)
		return;
	PQclear(conn->stream_row);
	if (conn->pg)
		PQfinish(conn->pg);
	drop_at_commit(conn);
	erp_free(conn->at_commit);
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
	uint64_t now = monotonic_ns();

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
	} else if (conn->next_attempt_ns && monotonic_ns() < conn->next_attempt_ns) {
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

/* Notes st as prepared on this session; reserve_prepared() has made room. */
static void remember_prepared(struct db_conn *conn, const struct db_statement *st)
{
	size_t i = slot_of(conn, st);

	while (conn->prepared[i])
		i = (i + 1) & (conn->prepared_capacity - 1);
	conn->prepared[i] = st;
	conn->prepared_count++;
}

/*
 * Makes room in the set for more statements before they are sent, so that
 * noting them once PostgreSQL has prepared them cannot fail (a statement
 * prepared there but not known here would be prepared again, and refused).
 */
static int reserve_prepared(struct db_conn *conn, size_t more)
{
	size_t old_capacity = conn->prepared_capacity;
	size_t capacity = old_capacity ? old_capacity : 64;
	const struct db_statement **old = conn->prepared;

	while ((conn->prepared_count + more) * 2 > capacity)
		capacity *= 2;
	if (capacity == old_capacity)
		return ERP_OK;
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
	return ERP_OK;
}

static void gauge_in_use(struct db_conn *conn, long delta)
{
	if (conn->pool)
		atomic_fetch_add_explicit(&conn->pool->in_use, delta, memory_order_relaxed);
}

/* Whether step i must be parsed first: new to this session and to the steps before it. */
static bool needs_parse(const struct db_conn *conn, const struct db_step *steps, size_t i)
{
	if (conn->options.unnamed_statements || is_prepared(conn, steps[i].statement))
		return false;
	for (size_t j = 0; j < i; j++)
		if (steps[j].statement == steps[i].statement)
			return false;
	return true;
}

/* Reads and frees the rest of the current query's answers, up to the NULL that ends them. */
static void discard_results(PGconn *pg)
{
	PGresult *res;

	while ((res = PQgetResult(pg)))
		PQclear(res);
}

/*
 * The next query's result in the pipeline, having read the NULL that ends
 * it; NULL when the connection failed and no result came.
 */
static PGresult *next_result(PGconn *pg)
{
	PGresult *result = PQgetResult(pg);

	if (result)
		discard_results(pg);
	return result;
}

static bool result_ok(const PGresult *res)
{
	return PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK;
}

/* Keeps the first failure (the steps after it are answered PIPELINE_ABORTED). */
static void keep_failure(PGresult **failed, bool *missing, PGresult *res)
{
	if (res && (result_ok(res) || PQresultStatus(res) == PGRES_PIPELINE_ABORTED)) {
		PQclear(res);
		return;
	}
	if (*failed || *missing) {
		PQclear(res);
		return;
	}
	if (res)
		*failed = res;
	else
		*missing = true;
}

/*
 * Sends BEGIN when one is pending, each step (parsed on the way when this
 * session has not prepared it), COMMIT when commit is set, and one sync
 * point; then reads every answer: one round trip. Results go to the steps'
 * out pointers (registered with arena); the first failure is classified
 * and returned, its step index in *failed_step (count for BEGIN or COMMIT).
 */
static int run_pipeline(struct db_conn *conn, struct arena *arena, const struct db_step *steps,
			size_t count, bool commit, size_t *failed_step)
{
	PGconn *pg = conn->pg;
	bool begin = conn->begin_pending, sent, missing = false, committed = false;
	PGresult *failed = NULL, *res;
	size_t parses = 0;
	int rc = ERP_OK;

	*failed_step = count;
	for (size_t i = 0; i < count; i++)
		parses += needs_parse(conn, steps, i);
	if (parses && reserve_prepared(conn, parses))
		return ERP_ERR_NO_MEMORY; /* nothing sent */
	conn->begin_pending = false;
	if (!PQenterPipelineMode(pg))
		return classify(conn, NULL);
	gauge_in_use(conn, 1);
	sent = !begin || PQsendQueryParams(pg, "BEGIN", 0, NULL, NULL, NULL, NULL, 0);
	for (size_t i = 0; sent && i < count; i++) {
		const struct db_statement *st = steps[i].statement;

		if (conn->options.unnamed_statements) {
			sent = PQsendQueryParams(pg, st->sql, steps[i].param_count, NULL,
						 steps[i].params, NULL, NULL, 0);
			continue;
		}
		if (needs_parse(conn, steps, i))
			sent = PQsendPrepare(pg, st->name, st->sql, 0, NULL);
		sent = sent && PQsendQueryPrepared(pg, st->name, steps[i].param_count, steps[i].params,
						   NULL, NULL, 0);
	}
	sent = sent && (!commit || PQsendQueryParams(pg, "COMMIT", 0, NULL, NULL, NULL, NULL, 0)) &&
	       PQpipelineSync(pg);
	count_round_trip(conn);
	if (!sent)
		missing = true;
	if (sent && begin)
		keep_failure(&failed, &missing, next_result(pg));
	for (size_t i = 0; sent && i < count; i++) {
		const struct db_statement *st = steps[i].statement;
		bool before = failed || missing;

		if (needs_parse(conn, steps, i)) {
			res = next_result(pg);
			if (res && result_ok(res))
				remember_prepared(conn, st);
			keep_failure(&failed, &missing, res);
		}
		res = next_result(pg);
		if (res && result_ok(res) && steps[i].out && !failed && !missing) {
			if (arena_cleanup_add(arena, (arena_cleanup_fn)PQclear, res))
				rc = ERP_ERR_NO_MEMORY; /* the cleanup list cleared it */
			else
				*steps[i].out = res;
		} else {
			keep_failure(&failed, &missing, res);
		}
		if (!before && (failed || missing))
			*failed_step = i;
	}
	if (sent && commit) {
		res = next_result(pg);
		committed = PQresultStatus(res) == PGRES_COMMAND_OK && strcmp(PQcmdStatus(res), "COMMIT") == 0;
		keep_failure(&failed, &missing, res);
	}
	if (sent && !missing) {
		/* The sync point; instead of it may come the error of a session ended by the server. */
		res = PQgetResult(pg);
		if (PQresultStatus(res) == PGRES_PIPELINE_SYNC)
			PQclear(res);
		else
			keep_failure(&failed, &missing, res);
	}
	gauge_in_use(conn, -1);
	if (failed) {
		rc = classify(conn, failed);
	} else if (missing) {
		/*
		 * An answer that never came: the session is gone or out of step, whatever
		 * libpq says yet. After a COMMIT was sent, its outcome is unknown.
		 */
		remember_failure(conn, "08006", PQerrorMessage(pg));
		mark_lost(conn);
		rc = ERP_ERR_UNAVAILABLE;
	}
	PQclear(failed);
	if (conn->pg && !PQexitPipelineMode(pg) && PQstatus(pg) == CONNECTION_OK) {
		/* Results left unread: this session's state is unknown, so it is not reused. */
		PQfinish(conn->pg);
		conn->pg = NULL;
		forget_prepared(conn);
		atomic_store_explicit(&conn->open, false, memory_order_relaxed);
		if (!rc)
			rc = ERP_ERR_INTERNAL;
	}
	/* COMMIT answered: whatever befell the session afterwards, the work is in. */
	return committed ? ERP_OK : rc;
}

static int run_once(struct db_conn *conn, struct arena *arena, const struct db_statement *st,
		    int param_count, const char *const *params, PGresult **out)
{
	struct db_step step = { st, param_count, params, out };
	PGresult *res;
	size_t failed_step;
	int rc;

	rc = db_connect(conn);
	if (rc)
		return rc;
	/* BEGIN or a Parse to send as well: still one round trip, in a pipeline. */
	if (conn->begin_pending || (!conn->options.unnamed_statements && !is_prepared(conn, st)))
		return run_pipeline(conn, arena, &step, 1, false, &failed_step);
	gauge_in_use(conn, 1);
	if (conn->options.unnamed_statements)
		res = PQexecParams(conn->pg, st->sql, param_count, NULL, params, NULL, NULL, 0);
	else
		res = PQexecPrepared(conn->pg, st->name, param_count, params, NULL, NULL, 0);
	count_round_trip(conn);
	gauge_in_use(conn, -1);
	if (!result_ok(res)) {
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
	count_round_trip(conn);
	gauge_in_use(conn, -1);
	if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK) {
		rc = classify(conn, res);
		PQclear(res);
		return rc;
	}
	PQclear(res);
	return ERP_OK;
}

struct db_batch *db_batch_new(struct arena *arena)
{
	struct db_batch *batch = arena_calloc(arena, 1, sizeof(*batch));

	if (batch)
		batch->arena = arena;
	return batch;
}

int db_batch_add(struct db_batch *batch, const struct db_statement *statement, int param_count,
		 const char *const *params, PGresult **out)
{
	const char **copy = NULL;

	if (!batch)
		return ERP_ERR_NO_MEMORY;
	if (batch->error)
		return batch->error;
	if (batch->count == DB_BATCH_MAX) {
		log_error("db.batch_full", "BUG: more than %d steps in a batch (%s)", DB_BATCH_MAX,
			  statement->name);
		return batch->error = ERP_ERR_INTERNAL;
	}
	if (param_count > 0) {
		copy = arena_alloc(batch->arena, (size_t)param_count * sizeof(*copy));
		if (!copy)
			return batch->error = ERP_ERR_NO_MEMORY;
		memcpy(copy, params, (size_t)param_count * sizeof(*copy));
	}
	batch->steps[batch->count++] = (struct db_step){ statement, param_count, copy, out };
	return ERP_OK;
}

int db_batch_run(struct db_conn *conn, struct db_batch *batch)
{
	size_t failed_step;
	int rc;

	if (!batch)
		return ERP_ERR_NO_MEMORY;
	if (batch->error || batch->count == 0)
		return batch->error;
	conn->lost = false;
	rc = db_connect(conn);
	if (!rc)
		rc = run_pipeline(conn, batch->arena, batch->steps, batch->count, false, &failed_step);
	if (rc && rc != DB_RETRY && !conn->backing_off)
		log_warn("db.query_failed", "%s failed: %s (%s)",
			 failed_step < batch->count ? batch->steps[failed_step].statement->name : "BEGIN",
			 conn->message, conn->sqlstate);
	return rc;
}

/* params as one block: the pointer array, then the texts it points to. */
static const char *const *copy_params(int count, const char *const *params)
{
	size_t size = (size_t)count * sizeof(char *);
	char **copy, *text;

	for (int i = 0; i < count; i++)
		size += params[i] ? strlen(params[i]) + 1 : 0;
	copy = erp_malloc(size ? size : 1);
	if (!copy)
		return NULL;
	text = (char *)(copy + count);
	for (int i = 0; i < count; i++) {
		copy[i] = NULL;
		if (params[i]) {
			size_t length = strlen(params[i]) + 1;

			memcpy(text, params[i], length);
			copy[i] = text;
			text += length;
		}
	}
	return (const char *const *)copy;
}

int db_query_at_commit(struct db_conn *conn, const struct db_statement *statement,
		       int param_count, const char *const *params)
{
	const char *const *copy;

	if (!conn->in_work)
		return db_query(conn, NULL, statement, param_count, params, NULL);
	if (conn->at_commit_count == conn->at_commit_capacity) {
		size_t capacity = conn->at_commit_capacity ? conn->at_commit_capacity * 2 : 8;
		struct db_step *grown = erp_realloc(conn->at_commit, capacity * sizeof(*grown));

		if (!grown)
			return ERP_ERR_NO_MEMORY;
		conn->at_commit = grown;
		conn->at_commit_capacity = capacity;
	}
	copy = copy_params(param_count, params);
	if (!copy)
		return ERP_ERR_NO_MEMORY;
	conn->at_commit[conn->at_commit_count++] = (struct db_step){ statement, param_count, copy, NULL };
	return ERP_OK;
}

int db_after_commit(struct db_conn *conn, void (*fn)(void *arg), void *arg)
{
	if (!conn->in_work) {
		fn(arg);
		return ERP_OK;
	}
	for (size_t i = 0; i < conn->after_commit_count; i++)
		if (conn->after_commit[i].fn == fn && conn->after_commit[i].arg == arg)
			return ERP_OK;
	if (conn->after_commit_count == DB_AFTER_COMMIT_MAX)
		return ERP_ERR_INTERNAL;
	conn->after_commit[conn->after_commit_count++] = (struct db_after_commit){ fn, arg };
	return ERP_OK;
}

/*
 * COMMIT, with the writes queued for it, in one round trip (BEGIN too when
 * the work ran nothing else). Nothing at all when the work wrote nothing.
 */
static int commit(struct db_conn *conn)
{
	size_t failed_step;
	int rc;

	if (conn->begin_pending && conn->at_commit_count == 0) {
		conn->begin_pending = false; /* the work ran no statement: nothing to commit */
		return ERP_OK;
	}
	if (!conn->pg || PQstatus(conn->pg) != CONNECTION_OK) {
		/* Lost under a work that did not say so: its transaction is gone with the session. */
		conn->lost = true;
		return ERP_ERR_UNAVAILABLE;
	}
	rc = run_pipeline(conn, NULL, conn->at_commit, conn->at_commit_count, true, &failed_step);
	if (rc && rc != DB_RETRY && !(rc == ERP_ERR_UNAVAILABLE && conn->lost))
		log_warn("db.query_failed", "%s failed: %s (%s)",
			 failed_step < conn->at_commit_count ? conn->at_commit[failed_step].statement->name
							     : "COMMIT",
			 conn->message, conn->sqlstate);
	return rc;
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
			conn->begin_pending = true; /* sent with the first statement (run_pipeline) */
			conn->in_work = true;
			rc = work(conn, ctx);
			conn->in_work = false;
			if (rc == ERP_OK) {
				struct db_after_commit after[DB_AFTER_COMMIT_MAX];
				size_t after_count = conn->after_commit_count;

				memcpy(after, conn->after_commit, sizeof(after));
				rc = commit(conn);
				drop_at_commit(conn);
				if (rc == ERP_OK) {
					for (size_t i = 0; i < after_count; i++)
						after[i].fn(after[i].arg);
					return ERP_OK;
				}
				if (rc == ERP_ERR_UNAVAILABLE && conn->lost) {
					/* The commit may or may not have happened: never repeat it. */
					log_warn("db.commit_unknown", "connection lost during COMMIT");
					return ERP_ERR_UNAVAILABLE;
				}
			}
		}
		conn->in_work = false;
		drop_at_commit(conn);
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

unsigned long db_round_trips(const struct db_conn *conn)
{
	return conn->round_trips;
}

unsigned long db_thread_round_trips(void)
{
	return thread_round_trips;
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

const char *db_value(const PGresult *res, int row, const char *name)
{
	int column = PQfnumber(res, name);

	if (column < 0 || row < 0 || row >= PQntuples(res) || PQgetisnull(res, row, column))
		return NULL;
	return PQgetvalue(res, row, column);
}

/* A streamed statement's failure: classified, and its answers read to the end. */
static int stream_failed(struct db_conn *conn, PGresult *res)
{
	int rc = classify(conn, res);

	PQclear(res);
	discard_results(conn->pg);
	return rc;
}

int db_stream_begin(struct db_conn *conn, const struct db_statement *statement, int param_count,
		    const char *const *params)
{
	PGresult *first;
	int rc = db_connect(conn);

	if (rc)
		return rc;
	/* Unnamed and in single-row mode: each row is read from the socket as it is asked for. */
	if (!PQsendQueryParams(conn->pg, statement->sql, param_count, NULL, params, NULL, NULL, 0) ||
	    !PQsetSingleRowMode(conn->pg))
		return classify(conn, NULL);
	conn->stream_row = NULL;
	/* The first answer now, so a failing statement is known before anything is sent. */
	first = PQgetResult(conn->pg);
	if (!first)
		return ERP_ERR_INTERNAL;
	if (PQresultStatus(first) == PGRES_SINGLE_TUPLE || PQresultStatus(first) == PGRES_TUPLES_OK) {
		conn->stream_row = first;
		return ERP_OK;
	}
	return stream_failed(conn, first);
}

int db_stream_next(struct db_conn *conn, PGresult **row)
{
	PGresult *res = conn->stream_row ? conn->stream_row : PQgetResult(conn->pg);

	conn->stream_row = NULL;
	*row = NULL;
	if (!res)
		return 0;
	if (PQresultStatus(res) == PGRES_SINGLE_TUPLE) {
		*row = res;
		return 1;
	}
	if (PQresultStatus(res) == PGRES_TUPLES_OK) {
		/* The end: the query's last (empty) result, then NULL. */
		PQclear(res);
		discard_results(conn->pg);
		return 0;
	}
	return stream_failed(conn, res);
}
