/*
 * One LISTENing connection per process, its thread, and the barrier that
 * lets a cache prove it is not behind the database (db_listener.h says why
 * the barrier holds).
 *
 * Barrier queries are numbered, and their send times kept. A caller needs
 * an answered query that was sent after its `since`: the last one answered
 * may already be one (then no wait at all); else the one in flight, if it
 * left after since; else the next. The thread numbers a query and stamps
 * its time under the lock before it sends it, so the stamp is never later
 * than the send. Callers that arrive while a query is in flight wait
 * together for the next, which is sent as soon as the answer comes: one
 * round trip at a time, however many wait.
 */
#include "platform/db/db_listener.h"

#include <errno.h>
#include <libpq-fe.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "common/alloc.h"
#include "common/monotonic.h"
#include "platform/ops/log.h"

enum {
	MAX_SUBSCRIBERS = 8,
	CHANNEL_MAX = 63,
	BACKOFF_MIN_MS = 50,
	BACKOFF_MAX_MS = 2000,
	IDLE_POLL_MS = 1000,
};

/*
 * What a barrier sends: an empty query, the cheapest command a backend
 * answers (no parse, no plan), and it reads it like any other command,
 * handing over what it was told first.
 */
static const char barrier_sql[] = "";

struct db_listener {
	char *url;
	char *application_name;
	unsigned connect_timeout_s;
	struct db_listener_subscriber subscribers[MAX_SUBSCRIBERS];
	size_t subscriber_count;
	pthread_t thread;
	bool started;
	int wake_fd;
	struct db_listener_stats stats;

	pthread_mutex_t lock;
	pthread_cond_t answered;   /* CLOCK_MONOTONIC */
	/* Under lock. */
	bool listening;
	bool stopping;
	uint64_t connection;       /* incremented when a connection is lost: its barriers prove nothing */
	uint64_t sent;             /* the last barrier query sent */
	uint64_t done;             /* the last one answered */
	uint64_t wanted;           /* the highest one a caller waits for */
	uint64_t sent_at_ns;       /* when the last one sent was sent */
	uint64_t done_sent_at_ns;  /* when the last one answered was sent (or LISTEN began) */

	/* The thread's own. */
	PGconn *pg;
	int backend_pid;
	bool awaiting_answer;      /* a barrier query is out and its end has not been read */
	bool answer_seen;
	bool connect_failure_logged;
};

static bool is_channel_name(const char *name)
{
	size_t len = name ? strlen(name) : 0;

	if (len == 0 || len > CHANNEL_MAX || !((name[0] >= 'a' && name[0] <= 'z') || name[0] == '_'))
		return false;
	for (size_t i = 1; i < len; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') ||
		      name[i] == '_'))
			return false;
	return true;
}

struct db_listener *db_listener_new(const char *url, const char *application_name,
				    unsigned connect_timeout_s)
{
	struct db_listener *l = erp_xcalloc(1, sizeof(*l));
	pthread_condattr_t attr;

	l->url = erp_xstrdup(url);
	l->application_name = erp_xstrdup(application_name);
	l->connect_timeout_s = connect_timeout_s;
	l->wake_fd = -1;
	pthread_mutex_init(&l->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&l->answered, &attr);
	pthread_condattr_destroy(&attr);
	return l;
}

int db_listener_subscribe(struct db_listener *l, const struct db_listener_subscriber *subscriber)
{
	if (l->started || l->subscriber_count == MAX_SUBSCRIBERS || !is_channel_name(subscriber->channel))
		return -1;
	l->subscribers[l->subscriber_count++] = *subscriber;
	return 0;
}

bool db_listener_wanted(const struct db_listener *l)
{
	return l && l->subscriber_count > 0;
}

const struct db_listener_stats *db_listener_stats(const struct db_listener *l)
{
	return &l->stats;
}

static void poke(struct db_listener *l)
{
	uint64_t one = 1;

	if (write(l->wake_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		log_warn("db_listener.wake_failed", "could not wake the listener: %s", strerror(errno));
}

/* --- the barrier (any thread) ------------------------------------------------------ */

/* Whether the query in flight has waited too long (it may have left after now was read). */
static bool overdue(const struct db_listener *l, uint64_t now, unsigned timeout_ms)
{
	return l->sent > l->done && now > l->sent_at_ns &&
	       now - l->sent_at_ns > (uint64_t)timeout_ms * 1000000u;
}

bool db_listener_sync(struct db_listener *l, uint64_t since_ns, unsigned timeout_ms)
{
	uint64_t now = monotonic_ns(), target, connection;
	struct timespec deadline;
	bool fresh = false;

	pthread_mutex_lock(&l->lock);
	if (!l->listening || overdue(l, now, timeout_ms))
		goto out;
	if (l->done_sent_at_ns >= since_ns) {
		fresh = true; /* answered, and sent after since: under load, most requests end here */
		goto out;
	}
	/* The query in flight counts if it left after since; else the next one. */
	target = l->sent > l->done && l->sent_at_ns >= since_ns ? l->sent : l->sent + 1;
	connection = l->connection;
	if (l->wanted < target) {
		l->wanted = target;
		if (l->sent == l->done) /* nothing in flight: the thread sleeps */
			poke(l);
	}
	deadline.tv_sec = (time_t)((now + (uint64_t)timeout_ms * 1000000u) / 1000000000u);
	deadline.tv_nsec = (long)((now + (uint64_t)timeout_ms * 1000000u) % 1000000000u);
	while (l->listening && l->connection == connection && l->done < target)
		if (pthread_cond_timedwait(&l->answered, &l->lock, &deadline) == ETIMEDOUT)
			break;
	fresh = l->listening && l->connection == connection && l->done >= target;
out:
	pthread_mutex_unlock(&l->lock);
	if (!fresh)
		atomic_fetch_add_explicit(&l->stats.sync_failures, 1, memory_order_relaxed);
	return fresh;
}

/* --- the thread -------------------------------------------------------------------- */

static bool stopping(struct db_listener *l)
{
	bool stop;

	pthread_mutex_lock(&l->lock);
	stop = l->stopping;
	pthread_mutex_unlock(&l->lock);
	return stop;
}

/* Sleeps up to ms, or until poked. */
static void nap(struct db_listener *l, int ms)
{
	struct pollfd fd = { .fd = l->wake_fd, .events = POLLIN };
	uint64_t drained;

	if (poll(&fd, 1, ms) > 0 && read(l->wake_fd, &drained, sizeof(drained)) < 0)
		drained = 0;
}

static bool exec_ok(PGconn *pg, const char *sql, int *pid)
{
	PGresult *res = PQexec(pg, sql);
	ExecStatusType status = PQresultStatus(res);
	bool ok = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;

	if (ok && pid)
		*pid = PQntuples(res) == 1 ? (int)strtol(PQgetvalue(res, 0, 0), NULL, 10) : -1;
	PQclear(res);
	return ok;
}

/* Connects, LISTENs on every channel, then has the subscribers forget everything. 0 or -1. */
static int connect_and_listen(struct db_listener *l)
{
	char timeout[16], sql[96];
	const char *keys[] = { "dbname", "application_name", "client_encoding", "keepalives",
			       "keepalives_idle", "connect_timeout", NULL };
	const char *values[] = { l->url, l->application_name, "UTF8", "1", "10", timeout, NULL };
	uint64_t began = monotonic_ns();
	PGconn *pg;
	bool ok;

	snprintf(timeout, sizeof(timeout), "%u", l->connect_timeout_s);
	pg = PQconnectdbParams(keys, values, 1);
	ok = pg && PQstatus(pg) == CONNECTION_OK;
	for (size_t i = 0; ok && i < l->subscriber_count; i++) {
		/* Channel names are checked identifiers from code, never input. */
		snprintf(sql, sizeof(sql), "LISTEN %s", l->subscribers[i].channel);
		ok = exec_ok(pg, sql, NULL);
	}
	/*
	 * A pooler between us and PostgreSQL would hand LISTEN and the barriers
	 * to different backends: then the backend that answers is not the one
	 * libpq was told it talks to. Such a connection must not keep a cache.
	 */
	ok = ok && exec_ok(pg, "SELECT pg_backend_pid()", &l->backend_pid);
	if (ok && l->backend_pid != PQbackendPID(pg)) {
		if (!l->connect_failure_logged)
			log_error("db_listener.not_direct",
				  "the listening connection does not reach PostgreSQL directly (a pooler?):"
				  " notifications would be lost, so caches read the database; connect it"
				  " directly or set ERP_AUTH_CACHE=off");
		l->connect_failure_logged = true;
		PQfinish(pg);
		return -1;
	}
	ok = ok && PQsetnonblocking(pg, 1) == 0;
	if (!ok) {
		if (!l->connect_failure_logged)
			log_warn("db_listener.connect_failed",
				 "cannot listen for the database's notifications (%.*s); caches read the"
				 " database until then",
				 pg ? (int)strcspn(PQerrorMessage(pg), "\n") : 13,
				 pg ? PQerrorMessage(pg) : "out of memory");
		l->connect_failure_logged = true;
		PQfinish(pg);
		return -1;
	}
	l->pg = pg;
	l->awaiting_answer = false;
	/* LISTEN is in place: anything committed from now on will be told. Forget the rest. */
	for (size_t i = 0; i < l->subscriber_count; i++)
		l->subscribers[i].reset(l->subscribers[i].ctx);
	pthread_mutex_lock(&l->lock);
	l->listening = true;
	l->done = l->sent; /* nobody waits across a connection (see db_listener_sync) */
	/*
	 * Whatever committed before LISTEN began is in no entry stored before the
	 * reset, and every entry stored since was read after it: the cache is
	 * current for requests that began before this connection did.
	 */
	l->done_sent_at_ns = began;
	pthread_cond_broadcast(&l->answered);
	pthread_mutex_unlock(&l->lock);
	atomic_store(&l->stats.listening, 1);
	atomic_fetch_add(&l->stats.connects, 1);
	l->connect_failure_logged = false;
	log_info("db_listener.listening", "listening for the database's notifications");
	return 0;
}

static void lose_connection(struct db_listener *l, const char *why)
{
	pthread_mutex_lock(&l->lock);
	l->listening = false;
	l->connection++;
	pthread_cond_broadcast(&l->answered);
	pthread_mutex_unlock(&l->lock);
	atomic_store(&l->stats.listening, 0);
	if (l->pg && why)
		log_warn("db_listener.lost", "stopped listening for the database's notifications (%s);"
			 " caches read the database until it listens again", why);
	PQfinish(l->pg);
	l->pg = NULL;
}

static void dispatch(struct db_listener *l, const PGnotify *n)
{
	for (size_t i = 0; i < l->subscriber_count; i++) {
		if (strcmp(l->subscribers[i].channel, n->relname) == 0) {
			l->subscribers[i].notified(l->subscribers[i].ctx, n->extra ? n->extra : "");
			atomic_fetch_add_explicit(&l->stats.notifications, 1, memory_order_relaxed);
		}
	}
}

/* Sends the next barrier query when a caller waits for one and none is out. 0 or -1. */
static int send_barrier_if_wanted(struct db_listener *l)
{
	bool send;

	if (l->awaiting_answer)
		return 0;
	pthread_mutex_lock(&l->lock);
	send = l->wanted > l->sent;
	if (send) {
		l->sent++;          /* numbered before it leaves: see the top of this file */
		l->sent_at_ns = monotonic_ns();
	}
	pthread_mutex_unlock(&l->lock);
	if (!send)
		return 0;
	if (!PQsendQuery(l->pg, barrier_sql))
		return -1;
	l->awaiting_answer = true;
	l->answer_seen = false;
	return 0;
}

/*
 * Reads what arrived: results of the barrier query (which must come from
 * the session that LISTENs) and notifications. The notifications are handed
 * over before the barrier counts as answered. 0, or -1 when the connection
 * is no longer good.
 */
static int read_input(struct db_listener *l)
{
	bool answered = false;
	PGnotify *n;

	if (!PQconsumeInput(l->pg))
		return -1;
	while (l->awaiting_answer && !PQisBusy(l->pg)) {
		PGresult *res = PQgetResult(l->pg);

		if (!res) {
			answered = l->answer_seen;
			l->awaiting_answer = false;
			break;
		}
		if (PQresultStatus(res) != PGRES_EMPTY_QUERY) {
			PQclear(res);
			return -1;
		}
		l->answer_seen = true;
		PQclear(res);
	}
	while ((n = PQnotifies(l->pg))) {
		dispatch(l, n);
		PQfreemem(n);
	}
	if (answered) {
		pthread_mutex_lock(&l->lock);
		l->done = l->sent;
		l->done_sent_at_ns = l->sent_at_ns;
		pthread_cond_broadcast(&l->answered);
		pthread_mutex_unlock(&l->lock);
		atomic_fetch_add_explicit(&l->stats.syncs, 1, memory_order_relaxed);
	}
	return PQstatus(l->pg) == CONNECTION_OK ? 0 : -1;
}

/* One turn: send what is wanted, wait for input or a poke, read it. 0 or -1 (connection lost). */
static int serve(struct db_listener *l)
{
	struct pollfd fds[2] = { { .fd = PQsocket(l->pg), .events = POLLIN },
				 { .fd = l->wake_fd, .events = POLLIN } };
	uint64_t drained;
	int flushing;

	if (send_barrier_if_wanted(l))
		return -1;
	flushing = PQflush(l->pg);
	if (flushing < 0)
		return -1;
	if (flushing > 0)
		fds[0].events |= POLLOUT;
	if (poll(fds, 2, IDLE_POLL_MS) < 0)
		return errno == EINTR ? 0 : -1;
	if ((fds[1].revents & POLLIN) && read(l->wake_fd, &drained, sizeof(drained)) < 0)
		drained = 0;
	if (fds[0].revents & (POLLIN | POLLERR | POLLHUP))
		return read_input(l);
	return 0;
}

static void *listen_thread(void *arg)
{
	struct db_listener *l = arg;
	int backoff_ms = 0;

	while (!stopping(l)) {
		if (!l->pg) {
			if (connect_and_listen(l)) {
				backoff_ms = backoff_ms ? backoff_ms * 2 : BACKOFF_MIN_MS;
				if (backoff_ms > BACKOFF_MAX_MS)
					backoff_ms = BACKOFF_MAX_MS;
				nap(l, backoff_ms);
				continue;
			}
			backoff_ms = 0;
		}
		if (serve(l))
			lose_connection(l, PQstatus(l->pg) == CONNECTION_OK ? "a protocol error"
									: "the connection was closed");
	}
	lose_connection(l, NULL);
	return NULL;
}

int db_listener_start(struct db_listener *l)
{
	if (l->started || !db_listener_wanted(l))
		return 0;
	l->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (l->wake_fd < 0)
		return -1;
	if (pthread_create(&l->thread, NULL, listen_thread, l)) {
		close(l->wake_fd);
		l->wake_fd = -1;
		return -1;
	}
	l->started = true;
	return 0;
}

void db_listener_free(struct db_listener *l)
{
	if (!l)
		return;
	if (l->started) {
		pthread_mutex_lock(&l->lock);
		l->stopping = true;
		pthread_mutex_unlock(&l->lock);
		poke(l);
		pthread_join(l->thread, NULL);
	}
	if (l->wake_fd >= 0)
		close(l->wake_fd);
	pthread_cond_destroy(&l->answered);
	pthread_mutex_destroy(&l->lock);
	erp_free(l->url);
	erp_free(l->application_name);
	erp_free(l);
}
