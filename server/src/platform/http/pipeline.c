#include "platform/http/pipeline.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/alloc.h"
#include "platform/http/body.h"
#include "platform/http/console.h"
#include "platform/http/cors.h"
#include "platform/db/db.h"
#include "platform/db/replica.h"
#include "platform/http/http.h"
#include "platform/ops/log.h"
#include "platform/http/rate_limit.h"
#include "platform/http/router.h"
#include "platform/http/schema.h"
#include "platform/http/server.h"
#include "shared-kernel/errors.h"
#include "shared-kernel/usecase.h"
#include "shared-kernel/uuid.h"

/* How far over ERP_MAX_BODY_BYTES a declared body is still read (and dropped) before its 413. */
#define BODY_DRAIN_FACTOR 4

static bool is_request_id_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '.' || c == ':';
}

/*
 * Our id is always new: the audit trail stores it, so a client must not pick
 * it (an id like "script:<run>" would pose as an admin script's run). A
 * well-formed client id is kept beside it for the access log only.
 */
static void assign_request_id(struct erp_request *req)
{
	const char *given = http_header(req, "X-Request-Id");
	struct erp_uuid id;

	if (given) {
		size_t len = strlen(given);
		bool ok = len > 0 && len <= HTTP_REQUEST_ID_MAX;

		for (size_t i = 0; ok && i < len; i++)
			ok = is_request_id_char(given[i]);
		if (ok)
			memcpy(req->client_request_id, given, len + 1);
	}
	erp_uuid_v7(&id);
	erp_uuid_format(&id, req->request_id);
}

static bool respond_error_code(struct erp_request *req, int code, const char *detail)
{
	const struct problem_kind *kind = problem_for_error(code);

	if (kind == &PROBLEM_INTERNAL)
		detail = "an unexpected error occurred; quote the request id when reporting it";
	http_respond_problem(req, kind, detail);
	return true;
}

/*
 * Whether the path holds an operators-only route (on any method) that this
 * client may not see: then it answers as if the path held nothing at all.
 */
static bool hidden_from_client(struct erp_request *req, enum router_result found)
{
	static const enum erp_method methods[] = { ERP_GET, ERP_POST, ERP_PUT, ERP_PATCH, ERP_DELETE };
	bool operators_only = found == ROUTER_FOUND && req->match.route->operators_only;
	struct router_match probe;

	/* A 405 or a preflight (rare) names the path's other methods: look at each route there. */
	if (found == ROUTER_METHOD_NOT_ALLOWED || req->method == ERP_OPTIONS)
		for (size_t i = 0; !operators_only && i < ERP_COUNT(methods); i++)
			operators_only = router_find(req->server->router, methods[i], req->path,
						     &probe) == ROUTER_FOUND &&
					 probe.route->operators_only;
	return operators_only && !config_metrics_allows(req->server->config, req->client_address);
}

bool pipeline_begin(struct erp_request *req, bool has_body)
{
	const struct erp_config *config = req->server->config;
	enum router_result found;
	char allow[96];

	assign_request_id(req);
	if (strlen(req->path) > ROUTER_MAX_PATH) {
		http_respond_problem(req, &PROBLEM_URI_TOO_LONG, "the path is too long");
		return true;
	}
	if (console_answer(req))
		return true;
	found = router_find(req->server->router, req->method == ERP_OPTIONS ? ERP_GET : req->method,
			    req->path, &req->match);
	if (found == ROUTER_NOT_FOUND || hidden_from_client(req, found)) {
		http_respond_problem(req, &PROBLEM_NOT_FOUND, "no resource at this path");
		return true;
	}
	if (req->method == ERP_OPTIONS) {
		unsigned allowed = req->match.allowed_methods;

		if (found == ROUTER_FOUND) {
			/* router_find() fills the mask only on a mismatch: ask for every method. */
			struct router_match probe;

			router_find(req->server->router, 0, req->path, &probe);
			allowed = probe.allowed_methods;
		}
		cors_answer_options(req, allowed);
		return true;
	}
	if (found == ROUTER_METHOD_NOT_ALLOWED) {
		router_format_allow(req->match.allowed_methods, allow, sizeof(allow));
		http_add_header(req, "Allow", arena_strdup(req->arena, allow));
		http_respond_problem(req, &PROBLEM_METHOD_NOT_ALLOWED,
				     "this method is not allowed on this path");
		return true;
	}
	req->route = req->match.route;
	req->route_index = req->match.route_index;
	if (!has_body)
		return false;
	if (!req->route->body) {
		http_respond_problem(req, &PROBLEM_BAD_REQUEST, "this endpoint takes no request body");
		return true;
	}
	if (!body_is_json_content_type(http_header(req, "Content-Type"))) {
		http_respond_problem(req, &PROBLEM_UNSUPPORTED_MEDIA,
				     "send the body as application/json (UTF-8)");
		return true;
	}
	const char *declared = http_header(req, "Content-Length");
	/*
	 * A body somewhat over the limit is read and dropped, and answered 413
	 * when it ends (read_body): refused before it is read, the connection
	 * closes on unread bytes, the kernel resets it, and the client may lose
	 * the 413 with the reset. Only a body far over the limit is refused at
	 * once, at that risk, rather than read.
	 */
	if (declared && strtoull(declared, NULL, 10) > BODY_DRAIN_FACTOR * config->max_body_bytes) {
		char *detail = arena_printf(req->arena, "the body is larger than %zu bytes",
					    config->max_body_bytes);
		http_respond_problem(req, &PROBLEM_TOO_LARGE, detail);
		return true;
	}
	return false;
}

static const char *bearer_token(struct erp_request *req)
{
	const char *header = http_header(req, "Authorization");

	if (!header || strncasecmp(header, "Bearer ", 7) != 0)
		return NULL;
	header += 7;
	while (*header == ' ')
		header++;
	return *header ? header : NULL;
}

/*
 * The per-user rate limit, once the caller is known: false (answered 429
 * with Retry-After) when the user has spent their requests for now.
 */
static bool within_rate_limit(struct erp_request *req)
{
	struct rate_limit *limit = req->server->rate_limit;
	char *seconds, *detail;
	unsigned wait_s;

	if (!limit || !req->user_id)
		return true;
	wait_s = rate_limit_take(limit, req->user_id, http_now_ns());
	if (!wait_s)
		return true;
	seconds = arena_printf(req->arena, "%u", wait_s);
	detail = arena_printf(req->arena, "too many requests for this user; try again in %u second%s",
			      wait_s, wait_s == 1 ? "" : "s");
	if (!seconds || !detail || http_add_header(req, "Retry-After", seconds))
		return !respond_error_code(req, ERP_ERR_NO_MEMORY, "out of memory");
	http_respond_problem(req, &PROBLEM_THROTTLED, detail);
	return false;
}

static bool authenticate(struct erp_request *req)
{
	const struct erp_auth_hooks *hooks = &req->server->auth;
	const char *token;
	int rc;

	if (strcmp(req->route->permission, ERP_PUBLIC) == 0)
		return true;
	token = bearer_token(req);
	rc = ERP_ERR_UNAUTHORIZED;
	if (token && hooks->authenticate)
		rc = hooks->authenticate(hooks->ctx, req, token);
	if (req->responded) /* the hook answered itself (a refusal it words best) */
		return false;
	if (rc == ERP_ERR_UNAUTHORIZED) {
		http_add_header(req, "WWW-Authenticate", "Bearer");
		http_respond_problem(req, &PROBLEM_UNAUTHORIZED,
				     token ? "the token is invalid, expired or revoked"
					   : "send a token as Authorization: Bearer <token>");
		return false;
	}
	if (rc)
		return !respond_error_code(req, rc, "could not check the credentials right now");
	if (!within_rate_limit(req))
		return false;
	if (strcmp(req->route->permission, ERP_AUTHENTICATED) == 0)
		return true;
	rc = hooks->authorize ? hooks->authorize(hooks->ctx, req, req->route->permission,
						 req->company_code)
			      : ERP_ERR_FORBIDDEN;
	if (rc == ERP_ERR_FORBIDDEN) {
		char *detail = arena_printf(req->arena, "this requires the permission %s%s%s",
					    req->route->permission, req->company_code ? " in company " : "",
					    req->company_code ? req->company_code : "");
		http_respond_problem(req, &PROBLEM_FORBIDDEN, detail);
		return false;
	}
	if (rc == ERP_ERR_NOT_FOUND) {
		http_respond_problem(req, &PROBLEM_NOT_FOUND, "no such company");
		return false;
	}
	if (rc)
		return !respond_error_code(req, rc, "could not check permissions right now");
	return true;
}

/*
 * The company scope of an authorised request naming a company: asked once,
 * here, and handed to the handler as req->company. Only after the
 * permission check, so a caller without a role in the company learns
 * nothing about it. An unknown code leaves req->company NULL: handlers
 * answer as they did for it (404, or an empty page).
 */
static bool resolve_company(struct erp_request *req)
{
	const struct erp_auth_hooks *hooks = &req->server->auth;
	struct erp_company_scope *scope;
	int rc;

	if (!req->company_code || strcmp(req->route->permission, ERP_PUBLIC) == 0 ||
	    !hooks->company_scope)
		return true;
	scope = arena_calloc(req->arena, 1, sizeof(*scope));
	if (!scope)
		return !respond_error_code(req, ERP_ERR_NO_MEMORY, "out of memory");
	rc = hooks->company_scope(hooks->ctx, req, req->company_code, scope);
	if (rc == ERP_OK)
		req->company = scope;
	else if (rc != ERP_ERR_NOT_FOUND)
		return !respond_error_code(req, rc, "could not read the company right now");
	return true;
}

static const char *query_get(void *ctx, const char *name)
{
	return http_query_arg(ctx, name);
}

struct unknown_args {
	const struct schema_object *schema;
	json_t *errors;
	int count;
};

static enum MHD_Result find_unknown_arg(void *cls, enum MHD_ValueKind kind, const char *key,
					const char *value)
{
	struct unknown_args *u = cls;

	(void)kind;
	(void)value;
	for (size_t i = 0; i < u->schema->field_count; i++)
		if (strcmp(u->schema->fields[i].name, key) == 0)
			return MHD_YES;
	u->count++;
	if (json_array_size(u->errors) < SCHEMA_MAX_ERRORS) {
		json_t *e = json_pack("{s:s%, s:s, s:s}", "parameter", key, strnlen(key, 64),
				      "code", "unknown_parameter", "detail",
				      "is not a parameter of this endpoint");
		if (!e) /* the name itself was not valid UTF-8 */
			e = json_pack("{s:s, s:s, s:s}", "parameter", "(not UTF-8)", "code",
				      "unknown_parameter", "detail", "is not a parameter of this endpoint");
		if (e)
			json_array_append_new(u->errors, e);
	}
	return MHD_YES;
}

/* The query's problems, appended to errors: their number, or -1 when out of memory. */
static int validate_query(struct erp_request *req, json_t *errors)
{
	struct unknown_args unknown = { req->route->query, errors, 0 };
	int problems;

	if (!req->route->query)
		return 0;
	MHD_get_connection_values(req->connection, MHD_GET_ARGUMENT_KIND, find_unknown_arg, &unknown);
	problems = schema_validate_query(req->route->query, query_get, req, &req->query, errors);
	if (arena_cleanup_add(req->arena, (arena_cleanup_fn)json_decref, req->query) || problems < 0)
		return -1;
	return problems + unknown.count;
}

/* The body, parsed into req->body (none or empty: {} where it is optional); false when answered. */
static bool read_body(struct erp_request *req)
{
	char detail[256];
	unsigned long failures;

	if (req->upload_no_memory)
		return !respond_error_code(req, ERP_ERR_NO_MEMORY, "out of memory");
	if (req->upload_too_large) {
		char *text = arena_printf(req->arena, "the body is larger than %zu bytes",
					  req->server->config->max_body_bytes);
		http_respond_problem(req, &PROBLEM_TOO_LARGE, text);
		return false;
	}
	failures = alloc_failures();
	if (req->upload_length == 0 && schema_body_optional(req->route->body))
		req->body = json_object(); /* no body, or an empty one: nothing given, as {} */
	else
		req->body = body_parse(req->upload, req->upload_length,
				       req->server->config->max_json_depth, detail, sizeof(detail));
	if (!req->body) {
		/* jansson reports running out of memory as malformed input: ask the allocator. */
		if (alloc_failures() != failures)
			return !respond_error_code(req, ERP_ERR_NO_MEMORY, "out of memory");
		http_respond_problem(req, &PROBLEM_BAD_REQUEST, arena_strdup(req->arena, detail));
		return false;
	}
	if (arena_cleanup_add(req->arena, (arena_cleanup_fn)json_decref, req->body))
		return !respond_error_code(req, ERP_ERR_NO_MEMORY, "out of memory");
	return true;
}

/*
 * The route's own rules on a request its schemas refused (route.h,
 * check_rules), their fields added to errors; false when answered (a
 * failure: out of memory, the database).
 */
static bool check_route_rules(struct erp_request *req, json_t *errors)
{
	struct erp_ctx ctx;
	int rc;

	if (!req->route->check_rules)
		return true;
	http_usecase_ctx(&ctx, req);
	rc = req->route->check_rules(req, errors, &ctx);
	if (erp_refused(&ctx.refusal))
		return !http_refusal_errors(&ctx.refusal, errors) ||
		       !respond_error_code(req, ERP_ERR_NO_MEMORY, "out of memory");
	return !rc || !respond_error_code(req, rc, "could not check the request right now");
}

/*
 * The query and the body against the route's schemas, and, when they refuse
 * it, the route's own rules: one 422 names every problem. False when
 * answered; a body that cannot be read (400, 413) is answered alone.
 */
static bool validate_request(struct erp_request *req)
{
	int query_problems, body_problems = 0;
	json_t *errors;

	if (!req->route->query && !req->route->body)
		return true;
	if (req->route->body && !read_body(req))
		return false;
	errors = json_array();
	if (!errors || arena_cleanup_add(req->arena, (arena_cleanup_fn)json_decref, errors))
		return !respond_error_code(req, ERP_ERR_NO_MEMORY, "out of memory");
	query_problems = validate_query(req, errors);
	if (req->route->body)
		body_problems = schema_validate(req->route->body, req->body, errors);
	if (query_problems < 0 || body_problems < 0)
		return !respond_error_code(req, ERP_ERR_NO_MEMORY, "out of memory");
	if (query_problems == 0 && body_problems == 0)
		return true;
	if (!check_route_rules(req, errors))
		return false;
	http_respond_invalid(req, !body_problems    ? "the query parameters are not valid"
				  : !query_problems ? "the request body is not valid"
						    : "the query parameters and the request body are not valid",
			     errors);
	return false;
}

/*
 * A report route reads the replica when there is one and it has caught up
 * with every commit made before now (platform/db/replica.h); else the primary.
 */
static void choose_database(struct erp_request *req)
{
	struct erp_server *server = req->server;
	struct db_conn *primary, *replica;

	if (!req->route->replica_reads || !server->replica || req->method != ERP_GET)
		return;
	primary = db_pool_thread_conn(server->db);
	replica = db_pool_thread_conn(server->replica);
	if (primary && replica &&
	    db_replica_wait(primary, replica, req->arena, server->config->replica_wait_ms) == ERP_OK) {
		req->read_replica = true;
		atomic_fetch_add_explicit(&server->replica_reads, 1, memory_order_relaxed);
		return;
	}
	atomic_fetch_add_explicit(&server->replica_fallbacks, 1, memory_order_relaxed);
}

void pipeline_finish(struct erp_request *req)
{
	unsigned long trips;
	int rc;

	if (req->responded)
		return;
	req->company_code = http_param(req, "company");
	if (!authenticate(req) || !resolve_company(req) || !validate_request(req))
		return;
	choose_database(req);
	trips = db_thread_round_trips();
	rc = req->route->handler(req);
	req->db_round_trips = db_thread_round_trips() - trips;
	if (rc && !req->responded) {
		if (problem_for_error(rc) == &PROBLEM_INTERNAL)
			log_error("http.handler_failed", "%s %s failed: %s (request %s)",
				  req->method_name, req->route->pattern, erp_error_name(rc),
				  req->request_id);
		respond_error_code(req, rc, NULL);
	} else if (!req->responded) {
		log_error("http.no_response", "BUG: %s %s returned without a response",
			  req->method_name, req->route->pattern);
		respond_error_code(req, ERP_ERR_INTERNAL, NULL);
	}
}
