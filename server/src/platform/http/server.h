#ifndef ERP_PLATFORM_SERVER_H
#define ERP_PLATFORM_SERVER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "platform/http/auth.h"
#include "platform/app/catalog.h"
#include "platform/ops/config.h"
#include "platform/db/migrate.h"
#include "platform/http/route.h"

struct router;
struct metrics;
struct rate_limit;
struct db_pool;
struct db_listener;
struct MHD_Daemon;
struct erp_request;
struct static_files;

/*
 * A readiness contributor: returns 0 when its part is ready, or non-zero
 * with a one-line reason. Runs on a worker thread with that thread's
 * database connection (platform/db/db.h).
 */
typedef int (*erp_readiness_fn)(struct erp_request *req, char *reason, size_t reason_size);

enum { SERVER_MAX_READINESS_CHECKS = 8, SERVER_MAX_WORKERS = 4 };

/*
 * A module's background work (the ledger's sealer): start(arg) runs in
 * server_start() once the server listens (0, or -1: the server does not
 * start); stop(arg) in server_stop() after the last request has ended, or
 * in server_release() for a server that started it but did not serve, in
 * the reverse order.
 */
struct erp_worker {
	const char *name;
	int (*start)(void *arg);
	void (*stop)(void *arg);
	void *arg;
};

/*
 * Sees every request begin (its headers are readable, the pipeline has not
 * run), answered (the middleware chain and the handler are done, the answer
 * is not sent yet and may still be replaced) and end (after it is logged,
 * before its arena is released), on the worker thread that serves it. Any
 * of the three may be NULL. erp-server installs none; the test build's
 * composition root uses one to inject allocation failures into a request
 * (server/test/e2e/support/fault.c) and to check every 2xx body against its
 * route's declared response (server/test/e2e/support/response_check.c).
 */
struct erp_request_observer {
	void (*begin)(struct erp_request *req);
	void (*answered)(struct erp_request *req);
	void (*end)(struct erp_request *req);
};

/*
 * The long-lived state of erp-server: configuration, the route table, the
 * modules, the database pool, metrics and the HTTP daemon. Created once by
 * the composition root; everything request-scoped lives in erp_request.
 */
struct erp_server {
	const struct erp_config *config;
	const struct erp_module *const *modules;
	size_t module_count;
	struct router *router;
	struct metrics *metrics;
	struct db_pool *db;
	struct db_pool *replica;          /* ERP_DATABASE_REPLICA_URL; NULL when none */
	atomic_long replica_reads;        /* report reads the replica served */
	atomic_long replica_fallbacks;    /* ... the primary served: replica behind or down */
	/*
	 * The database's notifications (platform/db/db_listener.h), for caches
	 * that must not fall behind: modules subscribe in their init, and it is
	 * started with the server when anyone did.
	 */
	struct db_listener *listener;
	struct erp_auth_hooks auth;
	struct rate_limit *rate_limit;    /* per authenticated user; NULL when off */
	struct migration_set migrations;  /* what the schema must contain to be ready */
	struct catalog_snapshot catalog;  /* what the permission catalog copy must equal */
	char *openapi_json;
	size_t openapi_length;
	struct static_files *console;     /* ERP_CONSOLE_DIR's files; NULL: no console */
	erp_readiness_fn readiness[SERVER_MAX_READINESS_CHECKS];
	const char *readiness_names[SERVER_MAX_READINESS_CHECKS];
	size_t readiness_count;
	struct erp_worker workers[SERVER_MAX_WORKERS];
	size_t worker_count;
	size_t workers_started;
	const struct erp_request_observer *observer; /* NULL unless a test build sets one */
	struct MHD_Daemon *daemon;
	unsigned short bound_port;
	atomic_long in_flight;
	/* Accepted connections on which no request has begun yet (see server_stop()). */
	atomic_long connections_waiting;
	atomic_bool shutting_down;
};

/*
 * Builds the router from the platform's own routes and each module's, checks
 * every schema, loads the migration list and renders the OpenAPI document.
 * Returns 0, or -1 with a sentence in err (a route without a permission, a
 * schema without limits, an unreadable migrations folder, ...).
 */
int server_init(struct erp_server *server, const struct erp_config *config,
		const struct erp_module *const *modules, size_t module_count, char *err,
		size_t err_size);

/* Adds a readiness contributor (call from a module's init). 0 or -1 when full. */
int server_add_readiness_check(struct erp_server *server, const char *name, erp_readiness_fn fn);

/* Starts listening (config address/port). 0 or -1 with err. */
/* Adds a worker (in a module's init); -1 when SERVER_MAX_WORKERS are there already. */
int server_add_worker(struct erp_server *server, const struct erp_worker *worker);

int server_start(struct erp_server *server, char *err, size_t err_size);

/*
 * Graceful stop: refuse new connections at once, wait up to grace_s for
 * in-flight requests and for connections already accepted whose request has
 * not begun (a worker busy with another request has not read it yet), then
 * stop the daemon and close the database pool.
 */
void server_stop(struct erp_server *server, unsigned grace_s);

/* Releases everything server_init() built. */
void server_release(struct erp_server *server);

#endif
