/*
 * erp-server's HTTP engine: libmicrohttpd with its internal epoll thread
 * pool. Each request gets an arena on the first callback (stored in
 * *req_cls), its body is gathered in later callbacks, the pipeline answers,
 * and MHD_OPTION_NOTIFY_COMPLETED logs, counts and frees it.
 */
#include "platform/http/server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common/alloc.h"
#include "platform/app/catalog.h"
#include "platform/http/client_address.h"
#include "platform/http/cors.h"
#include "platform/db/db.h"
#include "platform/db/db_listener.h"
#include "platform/http/http.h"
#include "platform/ops/log.h"
#include "platform/ops/metrics.h"
#include "platform/http/openapi.h"
#include "platform/ops/ops.h"
#include "platform/http/pipeline.h"
#include "platform/http/rate_limit.h"
#include "platform/http/router.h"
#include "platform/http/schema.h"
#include "platform/http/static_files.h"

enum { REQUEST_ARENA_BYTES = 4096 };

/*
 * Each worker thread keeps the arena of its last finished request and
 * reuses it (after arena_reset()) for its next one: no malloc per request
 * for the common case. The key's destructor frees it when the thread ends.
 */
static pthread_key_t spare_arena_key;
static pthread_once_t spare_arena_once = PTHREAD_ONCE_INIT;

static void spare_arena_key_create(void)
{
	pthread_key_create(&spare_arena_key, (void (*)(void *))arena_free);
}

static struct arena *arena_take(void)
{
	struct arena *arena;

	pthread_once(&spare_arena_once, spare_arena_key_create);
	arena = pthread_getspecific(spare_arena_key);
	if (arena) {
		pthread_setspecific(spare_arena_key, NULL);
		return arena;
	}
	return arena_new(REQUEST_ARENA_BYTES);
}

static void arena_give_back(struct erp_server *server, struct arena *arena)
{
	/* While stopping, completions may run on the main thread: free instead. */
	if (atomic_load_explicit(&server->shutting_down, memory_order_relaxed) ||
	    pthread_getspecific(spare_arena_key)) {
		arena_free(arena);
		return;
	}
	arena_reset(arena);
	pthread_setspecific(spare_arena_key, arena);
}

static int check_route_schemas(const struct erp_route *route, char *err, size_t err_size)
{
	const struct schema_object *schemas[] = { route->body, route->query, route->response,
						  route->list, route->also.response };

	for (size_t i = 0; i < ERP_COUNT(schemas); i++)
		if (schemas[i] && schema_check(schemas[i], err, err_size))
			return -1;
	return 0;
}

static int add_module_routes(struct erp_server *server, const struct erp_module *module, char *err,
			     size_t err_size)
{
	for (size_t i = 0; i < module->route_count; i++) {
		const struct erp_route *route = &module->routes[i];

		if (router_add(server->router, route, err, err_size) ||
		    check_route_schemas(route, err, err_size))
			return -1;
	}
	return 0;
}

/*
 * The console is optional: without its folder (not built, or
 * ERP_CONSOLE_DIR empty) the API serves as ever and /console/ answers 404.
 */
static void load_console(struct erp_server *server)
{
	const char *dir = server->config->console_dir;
	char err[512];

	if (!dir || !*dir)
		return;
	server->console = static_files_load(dir, err, sizeof(err));
	if (server->console)
		log_info("console.loaded", "serving %zu console files from %s under /console/",
			 static_files_count(server->console), dir);
	else
		log_warn("console.absent", "no console served: %s", err);
}

int server_init(struct erp_server *server, const struct erp_config *config,
		const struct erp_module *const *modules, size_t module_count, char *err,
		size_t err_size)
{
	struct db_options db_options = {
		.connect_timeout_s = config->db_connect_timeout_s,
		.statement_timeout_ms = config->db_statement_timeout_ms,
		.application_name = "erp-server",
		.unnamed_statements = config->db_unnamed_statements,
	};

	memset(server, 0, sizeof(*server));
	server->config = config;
	server->modules = modules;
	server->module_count = module_count;
	server->router = router_new();
	if (add_module_routes(server, &ops_module, err, err_size))
		return -1;
	for (size_t i = 0; i < module_count; i++)
		if (add_module_routes(server, modules[i], err, err_size))
			return -1;
	if (catalog_check_code(modules, module_count, err, err_size))
		return -1;
	if (catalog_snapshot_make(modules, module_count, &server->catalog)) {
		snprintf(err, err_size, "out of memory rendering the permission catalog");
		return -1;
	}
	if (migration_set_load(config->migrations_dir, &server->migrations, err, err_size))
		return -1;
	server->metrics = metrics_new(router_count(server->router));
	server->rate_limit = rate_limit_new(config->rate_limit_per_user, config->rate_limit_burst);
	server->db = db_pool_new(config->database_url, &db_options, config->threads);
	/* LISTEN holds a session: never through a transaction pooler (ERP_DATABASE_LISTEN_URL). */
	if (config->database_replica_url[0])
		server->replica = db_pool_new(config->database_replica_url, &db_options, config->threads);
	server->listener = db_listener_new(config->database_listen_url, "erp-server listener",
					   config->db_connect_timeout_s);
	server->openapi_json = openapi_render(server, &server->openapi_length);
	if (!server->openapi_json) {
		snprintf(err, err_size, "could not render the OpenAPI document");
		return -1;
	}
	load_console(server);
	for (size_t i = 0; i < module_count; i++) {
		if (modules[i]->init && modules[i]->init(server)) {
			snprintf(err, err_size, "module %s failed to start", modules[i]->name);
			return -1;
		}
	}
	return 0;
}

int server_add_readiness_check(struct erp_server *server, const char *name, erp_readiness_fn fn)
{
	if (server->readiness_count == SERVER_MAX_READINESS_CHECKS)
		return -1;
	server->readiness_names[server->readiness_count] = name;
	server->readiness[server->readiness_count++] = fn;
	return 0;
}

int server_add_worker(struct erp_server *server, const struct erp_worker *worker)
{
	if (server->worker_count == SERVER_MAX_WORKERS)
		return -1;
	server->workers[server->worker_count++] = *worker;
	return 0;
}

static void stop_workers(struct erp_server *server)
{
	while (server->workers_started > 0) {
		struct erp_worker *worker = &server->workers[--server->workers_started];

		worker->stop(worker->arg);
	}
}

/* --- one request ------------------------------------------------------------ */

/* inet_ntop() formats through sprintf; this runs on every request. */
static void format_ipv4(const struct in_addr *addr, char *out)
{
	const unsigned char *octet = (const unsigned char *)&addr->s_addr;

	for (int i = 0; i < 4; i++) {
		unsigned v = octet[i];

		if (v >= 100)
			*out++ = (char)('0' + v / 100);
		if (v >= 10)
			*out++ = (char)('0' + v / 10 % 10);
		*out++ = (char)('0' + v % 10);
		*out++ = i < 3 ? '.' : '\0';
	}
}

/* Every X-Forwarded-For header, joined by commas in the order received. */
struct forwarded_for {
	struct arena *arena;
	char *joined;
};

static enum MHD_Result join_forwarded_for(void *cls, enum MHD_ValueKind kind, const char *key,
					  const char *value)
{
	struct forwarded_for *f = cls;

	(void)kind;
	if (strcasecmp(key, "X-Forwarded-For") != 0)
		return MHD_YES;
	f->joined = f->joined ? arena_printf(f->arena, "%s,%s", f->joined, value)
			      : arena_strdup(f->arena, value);
	return f->joined ? MHD_YES : MHD_NO;
}

/*
 * The peer's address, or behind a trusted proxy the client's it forwards
 * (platform/http/client_address.h): what login throttling, the access log
 * and the /metrics allow-list see.
 */
static const char *client_address(struct erp_request *req)
{
	const struct erp_config *config = req->server->config;
	const union MHD_ConnectionInfo *info =
		MHD_get_connection_info(req->connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	char text[INET6_ADDRSTRLEN] = "-", client[HTTP_CLIENT_ADDRESS_MAX];
	struct forwarded_for forwarded = { req->arena, NULL };

	if (info && info->client_addr) {
		const struct sockaddr *sa = info->client_addr;

		if (sa->sa_family == AF_INET)
			format_ipv4(&((const struct sockaddr_in *)sa)->sin_addr, text);
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, text,
				  sizeof(text));
	}
	if (!config->trusted_proxy_count)
		return arena_strdup(req->arena, text);
	MHD_get_connection_values(req->connection, MHD_HEADER_KIND, join_forwarded_for, &forwarded);
	http_client_address_resolve(config->trusted_proxies, config->trusted_proxy_count, text,
				    forwarded.joined, client);
	return arena_strdup(req->arena, client);
}

/*
 * Per connection: whether a request has begun on it. Until one has, the
 * connection counts in server->connections_waiting, so a graceful stop also
 * waits for requests a busy worker thread has accepted but not read yet.
 */
struct connection_state {
	bool request_begun;
};

static void on_connection(void *cls, struct MHD_Connection *connection, void **socket_context,
			  enum MHD_ConnectionNotificationCode code)
{
	struct erp_server *server = cls;
	struct connection_state *state = *socket_context;

	(void)connection;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		/* Out of memory: the connection is served, only a stop does not wait for it. */
		state = erp_calloc(1, sizeof(*state));
		if (state)
			atomic_fetch_add_explicit(&server->connections_waiting, 1, memory_order_relaxed);
		*socket_context = state;
		return;
	}
	if (state && !state->request_begun)
		atomic_fetch_sub_explicit(&server->connections_waiting, 1, memory_order_relaxed);
	erp_free(state);
	*socket_context = NULL;
}

static void connection_mark_begun(struct erp_server *server, struct MHD_Connection *connection)
{
	const union MHD_ConnectionInfo *info =
		MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct connection_state *state = info ? info->socket_context : NULL;

	if (state && !state->request_begun) {
		state->request_begun = true;
		atomic_fetch_sub_explicit(&server->connections_waiting, 1, memory_order_relaxed);
	}
}

static struct erp_request *request_begin(struct erp_server *server,
					 struct MHD_Connection *connection, const char *url,
					 const char *method)
{
	struct arena *arena = arena_take();
	struct erp_request *req;

	if (!arena)
		return NULL;
	req = arena_calloc(arena, 1, sizeof(*req));
	if (!req) {
		arena_free(arena);
		return NULL;
	}
	req->arena = arena;
	req->server = server;
	req->connection = connection;
	req->started_ns = http_now_ns();
	req->method = erp_method_parse(method);
	req->method_name = req->method ? erp_method_name(req->method) : "OTHER";
	req->path = url;
	req->route_index = router_count(server->router);
	req->client_address = client_address(req);
	atomic_fetch_add_explicit(&server->in_flight, 1, memory_order_relaxed);
	/* After counting it in flight, so server_stop() never sees both counts at zero. */
	connection_mark_begun(server, connection);
	return req;
}

static bool request_has_body(struct erp_request *req)
{
	const char *length = http_header(req, MHD_HTTP_HEADER_CONTENT_LENGTH);

	if (http_header(req, MHD_HTTP_HEADER_TRANSFER_ENCODING))
		return true;
	return length && strtoull(length, NULL, 10) > 0;
}

static void keep_upload(struct erp_request *req, const char *data, size_t size)
{
	size_t limit = req->server->config->max_body_bytes;

	if (req->upload_too_large)
		return;
	if (size > limit - req->upload_length) {
		/* Keep reading (and dropping) so the 413 can be sent when the body ends. */
		req->upload_too_large = true;
		return;
	}
	if (req->upload_length + size > req->upload_capacity) {
		size_t capacity = req->upload_capacity ? req->upload_capacity : 4096;
		char *grown;

		while (capacity < req->upload_length + size)
			capacity *= 2;
		if (capacity > limit)
			capacity = limit;
		grown = erp_realloc(req->upload, capacity);
		if (!grown) {
			/* Keep reading (and dropping), then answer 503: the body was not too large. */
			req->upload_too_large = true;
			req->upload_no_memory = true;
			return;
		}
		req->upload = grown;
		req->upload_capacity = capacity;
	}
	memcpy(req->upload + req->upload_length, data, size);
	req->upload_length += size;
}

static enum MHD_Result queue_response(struct erp_request *req)
{
	struct MHD_Response *response;
	enum MHD_Result queued;
	bool own_cache_control = false;

	cors_decorate(req);
	if (req->body_stream) {
		/* Produced as it is sent; MHD releases the producer when done (or gone). */
		struct http_body_stream *stream = req->body_stream;

		response = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 32 * 1024, stream->read,
							     stream->state, stream->release);
		if (response)
			req->body_stream = NULL;
	} else {
		/* The body lives in the arena or static memory until the request completes. */
		response = MHD_create_response_from_buffer(req->response_length,
							   (void *)req->response_body,
							   MHD_RESPMEM_PERSISTENT);
	}
	if (!response)
		return MHD_NO;
	if (req->content_type)
		MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, req->content_type);
	MHD_add_response_header(response, "X-Request-Id", req->request_id);
	MHD_add_response_header(response, "X-Content-Type-Options", "nosniff");
	for (struct http_header *h = req->response_headers; h; h = h->next) {
		if (h->value)
			MHD_add_response_header(response, h->name, h->value);
		own_cache_control |= strcasecmp(h->name, MHD_HTTP_HEADER_CACHE_CONTROL) == 0;
	}
	/* Nothing the API answers is cached; only static files say otherwise. */
	if (!own_cache_control)
		MHD_add_response_header(response, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	if (atomic_load_explicit(&req->server->shutting_down, memory_order_relaxed))
		MHD_add_response_header(response, MHD_HTTP_HEADER_CONNECTION, "close");
	queued = MHD_queue_response(req->connection, (unsigned)req->status, response);
	MHD_destroy_response(response);
	return queued;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *connection, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_data_size, void **req_cls)
{
	struct erp_server *server = cls;
	struct erp_request *req = *req_cls;

	(void)version;
	if (!req) {
		req = request_begin(server, connection, url, method);
		if (!req)
			return MHD_NO; /* out of memory: drop the connection */
		*req_cls = req;
		if (server->observer && server->observer->begin)
			server->observer->begin(req);
		/*
		 * With a body coming, refuse early (404, 413, 415...) before reading
		 * it; MHD then closes the connection, which is right for an unread
		 * body. Without one, answer in the next call: a response queued
		 * this early would also cost the connection its keep-alive.
		 */
		if (request_has_body(req)) {
			req->begun = true;
			if (pipeline_begin(req, true))
				return queue_response(req);
		}
		return MHD_YES;
	}
	if (*upload_data_size) {
		keep_upload(req, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (req->responded)
		return MHD_YES;
	if (!req->begun) {
		req->begun = true;
		if (pipeline_begin(req, false))
			return queue_response(req);
	}
	pipeline_finish(req);
	if (server->observer && server->observer->answered)
		server->observer->answered(req);
	return queue_response(req);
}

static void on_completed(void *cls, struct MHD_Connection *connection, void **req_cls,
			 enum MHD_RequestTerminationCode why)
{
	struct erp_server *server = cls;
	struct erp_request *req = *req_cls;
	uint64_t elapsed;
	int status;

	(void)connection;
	if (!req)
		return;
	*req_cls = NULL;
	elapsed = http_now_ns() - req->started_ns;
	/* 499 (as nginx) when the client went away before the answer was sent. */
	status = req->responded && why == MHD_REQUEST_TERMINATED_COMPLETED_OK ? req->status : 499;
	metrics_observe(server->metrics, req->route_index, status, elapsed);
	log_request(&(struct log_request_record){
		.request_id = req->request_id[0] ? req->request_id : "-",
		.client_request_id = req->client_request_id[0] ? req->client_request_id : NULL,
		.method = req->method_name,
		.route = req->route ? req->route->pattern : "-",
		.status = status,
		.duration_ms = (double)elapsed / 1e6,
		.user_id = req->user_id,
		.client = req->client_address,
	});
	if (server->observer && server->observer->end)
		server->observer->end(req);
	/* A stream never handed to libmicrohttpd (no answer queued) is released here. */
	if (req->body_stream)
		req->body_stream->release(req->body_stream->state);
	erp_free(req->upload);
	arena_give_back(server, req->arena);
	atomic_fetch_sub_explicit(&server->in_flight, 1, memory_order_relaxed);
}

static void on_mhd_error(void *cls, const char *fmt, va_list ap)
{
	char message[256];

	(void)cls;
	vsnprintf(message, sizeof(message), fmt, ap);
	message[strcspn(message, "\n")] = '\0';
	log_warn("http.daemon", "%s", message);
}

/* The listener's state in /metrics, when it runs. */
static int register_listener_metrics(struct erp_server *server)
{
	const struct db_listener_stats *s = db_listener_stats(server->listener);
	struct metrics *m = server->metrics;

	return metrics_register(m, METRICS_GAUGE, "erp_db_listener_up", NULL,
				"1 while the process listens for the database's notifications.",
				&s->listening) ||
	       metrics_register(m, METRICS_COUNTER, "erp_db_listener_connects_total", NULL,
				"Listening connections made (each one empties the caches).",
				&s->connects) ||
	       metrics_register(m, METRICS_COUNTER, "erp_db_listener_notifications_total", NULL,
				"Notifications handed to caches.", &s->notifications) ||
	       metrics_register(m, METRICS_COUNTER, "erp_db_listener_syncs_total", NULL,
				"Barrier queries answered (each one lets every waiting request use"
				" the caches).", &s->syncs) ||
	       metrics_register(m, METRICS_COUNTER, "erp_db_listener_sync_failures_total", NULL,
				"Barrier calls that failed (not listening, or no answer in time):"
				" those requests read the database.", &s->sync_failures);
}

/* Where the report routes' reads went, in /metrics (only with a replica). */
static int register_replica_metrics(struct erp_server *server)
{
	struct metrics *m = server->metrics;

	return metrics_register(m, METRICS_COUNTER, "erp_db_replica_reads_total", NULL,
				"Report reads served by the replica (it had caught up in time).",
				&server->replica_reads) ||
	       metrics_register(m, METRICS_COUNTER, "erp_db_replica_fallbacks_total", NULL,
				"Report reads served by the primary instead: the replica was behind"
				" after ERP_REPLICA_WAIT_MS, down, or no standby.",
				&server->replica_fallbacks);
}

int server_start(struct erp_server *server, char *err, size_t err_size)
{
	const struct erp_config *c = server->config;
	struct sockaddr_in6 addr6 = { 0 };
	struct sockaddr_in addr4 = { 0 };
	const struct sockaddr *addr;
	unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG;
	const union MHD_DaemonInfo *info;

	if (inet_pton(AF_INET, c->http_addr, &addr4.sin_addr) == 1) {
		addr4.sin_family = AF_INET;
		addr4.sin_port = htons(c->http_port);
		addr = (const struct sockaddr *)&addr4;
	} else if (inet_pton(AF_INET6, c->http_addr, &addr6.sin6_addr) == 1) {
		addr6.sin6_family = AF_INET6;
		addr6.sin6_port = htons(c->http_port);
		addr = (const struct sockaddr *)&addr6;
		flags |= MHD_USE_IPv6;
	} else {
		snprintf(err, err_size, "invalid ERP_HTTP_ADDR=\"%s\": expected an IPv4 or IPv6 address",
			 c->http_addr);
		return -1;
	}
	server->daemon = MHD_start_daemon(
		flags, c->http_port, NULL, NULL, on_request, server,
		MHD_OPTION_EXTERNAL_LOGGER, on_mhd_error, NULL, /* first, so MHD logs nothing itself */
		MHD_OPTION_SOCK_ADDR, addr,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)c->threads,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)c->connection_timeout_s,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)c->max_connections,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)c->max_connections_per_ip,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)c->connection_memory_bytes,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, server,
		MHD_OPTION_NOTIFY_CONNECTION, on_connection, server,
		MHD_OPTION_END);
	if (!server->daemon) {
		snprintf(err, err_size, "cannot listen on %s:%u (in use, or not permitted)", c->http_addr,
			 c->http_port);
		return -1;
	}
	info = MHD_get_daemon_info(server->daemon, MHD_DAEMON_INFO_BIND_PORT);
	server->bound_port = info ? info->port : c->http_port;
	if (db_listener_wanted(server->listener) &&
	    (register_listener_metrics(server) || db_listener_start(server->listener))) {
		snprintf(err, err_size, "cannot start listening for the database's notifications");
		return -1;
	}
	if (server->replica && register_replica_metrics(server)) {
		snprintf(err, err_size, "the metrics table is full");
		return -1;
	}
	for (; server->workers_started < server->worker_count; server->workers_started++) {
		struct erp_worker *worker = &server->workers[server->workers_started];

		if (worker->start(worker->arg)) {
			snprintf(err, err_size, "cannot start %s", worker->name);
			return -1;
		}
	}
	return 0;
}

/* Requests in flight plus accepted connections whose request has not begun. */
static long busy(struct erp_server *server)
{
	return atomic_load(&server->in_flight) + atomic_load(&server->connections_waiting);
}

void server_stop(struct erp_server *server, unsigned grace_s)
{
	struct timespec tick = { 0, 20 * 1000000L };
	MHD_socket listener;
	uint64_t deadline = http_now_ns() + (uint64_t)grace_s * 1000000000u;

	if (!server->daemon)
		return;
	atomic_store(&server->shutting_down, true);
	listener = MHD_quiesce_daemon(server->daemon);
	/*
	 * Quiescing only stops accepting: the kernel would still complete
	 * handshakes into the backlog, and those clients would hang until the
	 * socket closes. Shutting the socket down refuses them at once (and
	 * resets what waits in the backlog) while the descriptor stays open,
	 * as libmicrohttpd requires until MHD_stop_daemon().
	 */
	if (listener != MHD_INVALID_SOCKET)
		shutdown(listener, SHUT_RDWR);
	while (busy(server) > 0 && http_now_ns() < deadline)
		nanosleep(&tick, NULL);
	if (busy(server) > 0)
		log_warn("server.grace_expired",
			 "%ld requests still running, %ld accepted connections not yet read after %u s;"
			 " closing them",
			 atomic_load(&server->in_flight), atomic_load(&server->connections_waiting),
			 grace_s);
	MHD_stop_daemon(server->daemon);
	if (listener != MHD_INVALID_SOCKET)
		close(listener);
	server->daemon = NULL;
	stop_workers(server);
}

void server_release(struct erp_server *server)
{
	stop_workers(server);
	router_free(server->router);
	metrics_free(server->metrics);
	rate_limit_free(server->rate_limit);
	db_listener_free(server->listener); /* after the daemon: no request waits on it any more */
	db_pool_free(server->db);
	if (server->replica)
		db_pool_free(server->replica);
	migration_set_release(&server->migrations);
	catalog_snapshot_release(&server->catalog);
	free(server->openapi_json);
	static_files_free(server->console);
	memset(server, 0, sizeof(*server));
}
