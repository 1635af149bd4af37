#ifndef ERP_PLATFORM_ROUTE_H
#define ERP_PLATFORM_ROUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/*
 * What a module declares (its manifest, modules/<name>/module.c): routes
 * (method, path pattern, required permission, handler, operation id,
 * body/query/response schemas, the headers it reads and answers, the
 * problems it can answer), the permissions it owns, and the modules it
 * depends on. The router refuses, at start-up, a route that names no
 * permission (deny by default: public routes say so with ERP_PUBLIC),
 * declares no success answer, or has no operation id, or one another route
 * has (platform/http/route_contract.h). Every answer is documented in
 * /openapi.json from these declarations, and the test build checks each
 * answer against them.
 */
struct db_conn;
struct erp_request;
struct schema_object;
struct erp_server;
struct erp_ctx;
struct json_t;

enum erp_method {
	ERP_GET = 1 << 0,
	ERP_POST = 1 << 1,
	ERP_PUT = 1 << 2,
	ERP_PATCH = 1 << 3,
	ERP_DELETE = 1 << 4,
	ERP_HEAD = 1 << 5,
	ERP_OPTIONS = 1 << 6,
};

/* Route markers in place of a permission name. */
#define ERP_PUBLIC "@public"               /* no authentication at all */
#define ERP_AUTHENTICATED "@authenticated" /* any valid token, no permission */

/*
 * A handler answers through http_respond_*() and returns 0, or returns an
 * ERP_ERR_* code and the core renders the matching problem response.
 */
typedef int (*erp_handler_fn)(struct erp_request *req);

/*
 * Bodies that are no JSON object, for a route's response (platform/http/response.c):
 * ERP_NO_BODY answers nothing (204); ERP_TEXT_BODY answers text in the
 * route's response_content_type (/metrics).
 */
extern const struct schema_object erp_no_body;
extern const struct schema_object erp_text_body;
#define ERP_NO_BODY (&erp_no_body)
#define ERP_TEXT_BODY (&erp_text_body)

/*
 * The headers a route reads or answers beyond those every route has. The
 * same declaration documents them (/openapi.json) and allows the behaviour:
 * etag_if_match() and idempotency_prepare() refuse to read a header the
 * route does not declare, and the test build checks that a success answer
 * carries ETag and Location exactly when its route declares them.
 */
enum erp_route_header {
	ERP_TAKES_IF_MATCH = 1 << 0,        /* requires If-Match: 428 without, 412 when stale */
	ERP_TAKES_IDEMPOTENCY_KEY = 1 << 1, /* honours Idempotency-Key (platform/db/idempotency.h) */
	ERP_ANSWERS_ETAG = 1 << 2,          /* its success answers carry ETag */
	ERP_ANSWERS_LOCATION = 1 << 3,      /* its success answers carry Location */
	ERP_ANSWERS_CSV = 1 << 4,           /* Accept: text/csv answers CSV (platform/http/csv.h) */
};

/* Room for a route's own problem statuses (erp_route.problems). */
enum { ERP_ROUTE_MAX_PROBLEMS = 6 };

/* A success status and what it answers: a schema, ERP_NO_BODY or ERP_TEXT_BODY. */
struct erp_response {
	int status;
	const struct schema_object *response;
};

struct erp_route {
	enum erp_method method;
	const char *pattern;      /* "/api/v1/companies/{company}/accounts" */
	const char *permission;   /* "ledger.account.read", ERP_PUBLIC or ERP_AUTHENTICATED */
	erp_handler_fn handler;
	const char *summary;      /* one line for the OpenAPI document */
	const struct schema_object *body;     /* JSON body; NULL: the route takes none */
	const struct schema_object *query;    /* query parameters; NULL: none accepted */
	/*
	 * The success answer, exactly one of: response, the schema of the JSON
	 * object answered (or ERP_NO_BODY, ERP_TEXT_BODY); list, the schema of
	 * the items of a page in the platform's envelope
	 * {"items": [...], "next_cursor": string | null} (platform/http/paging.c).
	 */
	const struct schema_object *response;
	const struct schema_object *list;
	int success_status;       /* 200 when 0 */
	const char *response_content_type;    /* "application/json" when NULL */
	/* A second success status with its own answer (201 granted, 202 waiting); status 0: none. */
	struct erp_response also;
	/*
	 * For operators' tools (/metrics): to a client outside ERP_METRICS_ALLOW
	 * the path does not exist, on any method (404, never 405 or a preflight).
	 */
	bool operators_only;
	/*
	 * The operation's stable id in /openapi.json, camelCase and unique:
	 * "listAccounts", "createJournalEntry". Clients generate code from it;
	 * renaming one breaks them.
	 */
	const char *operation_id;
	unsigned headers;         /* enum erp_route_header flags */
	/*
	 * The route's own rules on a request its schemas refused (NULL: none),
	 * so that one 422 names every problem. The pipeline calls it before it
	 * answers, with refused (the errors the schemas found, query and body)
	 * and a use-case context (platform/http/http.h, http_usecase_ctx()), and
	 * adds every field ctx->refusal names to the same answer. It judges only
	 * the parts of req->body and req->query the schemas let through
	 * (schema_refused()), may read the database, and writes and answers
	 * nothing. Returns 0, the refusal's code, or a failure's (the pipeline
	 * answers that one instead: 503 ...). On a request the schemas accept,
	 * the handler's use case applies the same rules.
	 */
	int (*check_rules)(struct erp_request *req, const struct json_t *refused, struct erp_ctx *ctx);
	/*
	 * 4xx statuses the route answers beyond those its declaration implies
	 * (route_problems(): 400 always; 401, 403 and 429 unless public; 404 with
	 * path parameters; ...): 409 for a state that refuses the change, 422
	 * for a rule without a body, ... Zero-terminated.
	 */
	int problems[ERP_ROUTE_MAX_PROBLEMS];
	/*
	 * A read-only GET (a report) whose handler may read a streaming replica
	 * (ERP_DATABASE_REPLICA_URL): once the replica has replayed every commit
	 * made before the request began (platform/db/replica.h), http_db() hands
	 * the handler a replica connection; otherwise the primary's. Its handler
	 * must write nothing, not even at commit.
	 */
	bool replica_reads;
};

/*
 * A read-only check of a module's books that `erp-server audit <command>`
 * runs (platform/audit/audit_commands.h), e.g. the ledger's
 * "verify-ledger". run() reads through conn, names every problem it finds
 * on out, one line each, and returns 0 when it found none, 1 when it named
 * at least one, or a negative ERP_ERR_* code when it could not finish (err
 * says why).
 */
struct erp_verifier {
	const char *command;     /* "verify-ledger" */
	const char *summary;     /* a line for --help */
	int (*run)(struct db_conn *conn, FILE *out, char *err, size_t err_size);
};

struct erp_permission {
	const char *name;        /* "ledger.journal.post" */
	const char *description;
};

/* Two permissions one user may not hold in one company (segregation of duties). */
struct erp_sod_rule {
	const char *permission_a;
	const char *permission_b;
	const char *description; /* why they conflict, shown in the 409 */
};

struct erp_module {
	const char *name;        /* "ledger"; also its permission prefix */
	const char *description;
	const struct erp_route *routes;
	size_t route_count;
	const struct erp_permission *permissions;
	size_t permission_count;
	const struct erp_sod_rule *sod_rules;  /* pairs with at least one side of this module's; the other may be any module's */
	size_t sod_rule_count;
	/*
	 * Permissions of this module whose grant waits for a second administrator
	 * although they are no side of a pair (every side of a pair is anyway).
	 */
	const char *const *privileged;
	size_t privileged_count;
	/*
	 * The modules (by name) this one needs: they start first (their routes are
	 * registered and their init runs before this one's). Start-up refuses a
	 * name no module has, and a cycle (platform/app/module_order.h).
	 */
	const char *const *depends_on;
	size_t depends_on_count;
	/*
	 * Called once at start-up, after the router is built and the modules this
	 * one depends on have started; NULL for none. 0 or -1.
	 */
	int (*init)(struct erp_server *server);
	/* Its read-only checks, run by `erp-server audit <command>`; NULL for none. */
	const struct erp_verifier *verifiers;
	size_t verifier_count;
};

#define ERP_COUNT(array) (sizeof(array) / sizeof((array)[0]))

/* "GET", "POST", ... */
const char *erp_method_name(enum erp_method method);

/* Parses an HTTP method token; 0 when unsupported. */
enum erp_method erp_method_parse(const char *text);

#endif
