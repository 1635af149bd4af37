#ifndef ERP_PLATFORM_HTTP_H
#define ERP_PLATFORM_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/arena.h"
#include "platform/http/problem.h"
#include "platform/http/route.h"
#include "platform/http/router.h"
#include "shared-kernel/company_scope.h"

struct erp_server;
struct db_conn;
struct MHD_Connection;

enum { HTTP_REQUEST_ID_MAX = 64 };

struct http_header {
	struct http_header *next;
	const char *name;
	const char *value;
};

/*
 * One HTTP request from its first byte to the end of its response. It lives
 * in its own arena (req->arena), created when the request line arrives and
 * freed when libmicrohttpd reports the request complete; everything a
 * handler allocates should come from that arena or be registered with it.
 */
/*
 * A body produced while it is sent (libmicrohttpd's content reader): read()
 * fills up to max bytes and returns how many, MHD_CONTENT_READER_END_OF_STREAM
 * or MHD_CONTENT_READER_END_WITH_ERROR; release() runs once the answer is
 * done or abandoned. State is the producer's (heap memory: it outlives the
 * handler).
 */
struct http_body_stream {
	ssize_t (*read)(void *state, uint64_t pos, char *out, size_t max);
	void (*release)(void *state);
	void *state;
};

struct erp_request {
	struct arena *arena;
	struct erp_server *server;
	enum erp_method method;
	const char *method_name;
	const char *path;              /* decoded path, no query string */
	const struct erp_route *route; /* NULL until matched */
	size_t route_index;
	struct router_match match;
	char request_id[HTTP_REQUEST_ID_MAX + 1]; /* ours (UUIDv7): responses, problems, audit trail */
	/*
	 * The client's X-Request-Id when well-formed, else "": written to the
	 * access log for tracing across services, never used as ours (a client
	 * must not choose the id its writes are audited under).
	 */
	char client_request_id[HTTP_REQUEST_ID_MAX + 1];
	json_t *body;                  /* validated body, owned by the arena; NULL if none */
	json_t *query;                 /* validated query parameters, owned by the arena */
	const char *company_code;      /* the {company} path parameter, or NULL */
	/*
	 * The company the request works in (id, code, currency), resolved once
	 * by the pipeline after the permission check, in the arena. NULL when
	 * the route names no company, and when no company has that code (a
	 * caller holding the permission globally named one that does not
	 * exist): handlers then answer 404, lists an empty page.
	 */
	const struct erp_company_scope *company;
	void *principal;               /* set by the authentication hook */
	const char *user_id;           /* for the access log; set by the hook */
	/*
	 * Round trips to the database the handler made (db_thread_round_trips()),
	 * authentication's not included: what a change of a write path must not
	 * raise. The test build shows it as X-Test-Db-Round-Trips.
	 */
	unsigned long db_round_trips;

	/* The response being built (the platform queues it after the handler). */
	int status;
	const char *content_type;
	const char *response_body;
	size_t response_length;
	struct http_body_stream *body_stream; /* instead of response_body (csv.h); NULL: none */
	struct http_header *response_headers;

	/* Platform internals. */
	struct MHD_Connection *connection;
	uint64_t started_ns;
	char *upload;                  /* body bytes as received */
	size_t upload_length;
	size_t upload_capacity;
	bool upload_too_large;
	bool upload_no_memory;         /* ...because memory ran out keeping it (503, not 413) */
	bool begun;     /* pipeline_begin() has run */
	bool responded;
	bool completed;
	const char *client_address;
	bool read_replica; /* http_db() gives the replica (route.h, replica_reads) */
};

/* A request header, or NULL. The value lives as long as the request. */
const char *http_header(const struct erp_request *req, const char *name);

/* A raw query-string argument, or NULL (for routes without a query schema). */
const char *http_query_arg(const struct erp_request *req, const char *name);

/* A path parameter by name ("company"), NUL-terminated in the arena; NULL if absent. */
const char *http_param(const struct erp_request *req, const char *name);

/* Adds a response header; name and value must outlive the request (arena or static). */
int http_add_header(struct erp_request *req, const char *name, const char *value);

/* Responds with a JSON document (takes the reference); returns 0 or ERP_ERR_NO_MEMORY. */
int http_respond_json(struct erp_request *req, int status, json_t *document);

/* Responds with bytes that outlive the request (static or arena memory). */
int http_respond_bytes(struct erp_request *req, int status, const char *content_type,
		       const char *body, size_t length);

/* Responds with no body (204, or 200/201 without content). */
int http_respond_empty(struct erp_request *req, int status);

/* Responds with a problem; detail may be NULL (the title is used). Returns 0. */
int http_respond_problem(struct erp_request *req, const struct problem_kind *kind,
			 const char *detail);

/* 422 with per-field errors (not consumed). Returns 0. */
int http_respond_invalid(struct erp_request *req, const char *detail, json_t *errors);

/*
 * Answers a use case's refusal (shared-kernel/usecase.h): the one place a
 * refusal's code becomes an HTTP status (problem_for_error: 422, 403, 404,
 * 409, 412), with its sentence as the detail and, when it names fields, an
 * "errors" list of their JSON pointers and codes. Returns 0, or the refusal's code
 * when it holds none (ERP_OK: a caller's bug, answered 500 by the pipeline).
 */
struct erp_refusal;
int http_respond_refusal(struct erp_request *req, const struct erp_refusal *refusal);

/*
 * Appends the fields a refusal names to errors as a 422 lists them
 * ({"pointer", "code", "detail"}; code "invalid" when it has none), and one
 * "more" entry counting those it dropped. 0, or -1 when out of memory.
 */
int http_refusal_errors(const struct erp_refusal *refusal, json_t *errors);

/*
 * The use-case context of a request (shared-kernel/usecase.h): its
 * connection, arena, caller, company scope (req->company) and request id,
 * with no refusal yet.
 */
struct erp_ctx;
void http_usecase_ctx(struct erp_ctx *ctx, struct erp_request *req);

/*
 * What a handler returns after its use case did not succeed with rc: the
 * context's refusal answered (http_respond_refusal()), or rc itself, which
 * the pipeline answers (a failure: database, memory, not found).
 */
int http_respond_failure(struct erp_request *req, const struct erp_ctx *ctx, int rc);

/*
 * Whether the authenticated caller holds permission in the request's company
 * (or globally): for rules inside a handler beyond the route's own permission
 * (e.g. posting into a closed period). False when unauthenticated or unsure.
 */
bool http_caller_holds(struct erp_request *req, const char *permission);

/* The database connection of the calling worker thread (see platform/db/db.h). */
struct db_conn *http_db(struct erp_request *req);

/* Monotonic clock in nanoseconds (common/monotonic.h), for handlers. */
uint64_t http_now_ns(void);

#endif
