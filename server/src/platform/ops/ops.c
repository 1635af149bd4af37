#include "platform/ops/ops.h"

#include <stdio.h>
#include <string.h>

#include "common/strbuf.h"
#include "platform/app/catalog.h"
#include "platform/db/db.h"
#include "platform/events/event_streams.h"
#include "platform/http/http.h"
#include "platform/ops/metrics.h"
#include "platform/db/migrate.h"
#include "platform/http/schema.h"
#include "platform/http/server.h"
#include "shared-kernel/errors.h"

static const char healthy[] = "{\"status\":\"ok\"}";

/* The root: a newcomer (or a browser) pointed at the server learns where to go next. */
static int get_root(struct erp_request *req)
{
	return http_respond_json(req, 200, json_pack("{s:s, s:s, s:s, s:s, s:s}", "name",
						     "Antigravity ERP", "version", ERP_VERSION,
						     "openapi", "/openapi.json", "login",
						     "/api/v1/auth/login", "quickstart",
						     "README.md, Quickstart"));
}

static int get_health(struct erp_request *req)
{
	return http_respond_bytes(req, 200, "application/json", healthy, sizeof(healthy) - 1);
}

static int not_ready(struct erp_request *req, const char *check, const char *reason)
{
	http_add_header(req, "Retry-After", "5");
	return http_respond_problem(req, &PROBLEM_UNAVAILABLE,
				    arena_printf(req->arena, "not ready (%s): %s", check, reason));
}

static int get_ready(struct erp_request *req)
{
	struct erp_server *server = req->server;
	struct db_conn *db = http_db(req);
	char reason[512];
	int rc;

	if (!db)
		return ERP_ERR_NO_MEMORY;
	rc = migrate_check_current(db, &server->migrations, reason, sizeof(reason));
	if (rc < 0)
		return not_ready(req, "database", "the database is unreachable");
	if (rc > 0)
		return not_ready(req, "schema", reason);
	rc = catalog_check_current(db, &server->catalog, reason, sizeof(reason));
	if (rc < 0)
		return not_ready(req, "database", "the database is unreachable");
	if (rc > 0)
		return not_ready(req, "catalog", reason);
	for (size_t i = 0; i < server->readiness_count; i++) {
		reason[0] = '\0';
		if (server->readiness[i](req, reason, sizeof(reason)))
			return not_ready(req, server->readiness_names[i], reason);
	}
	return http_respond_json(req, 200, json_pack("{s:s}", "status", "ready"));
}

static int get_metrics(struct erp_request *req)
{
	struct erp_server *server = req->server;
	struct db_pool_stats db;
	struct metrics_gauges gauges;
	struct strbuf out;
	char *text;

	db_pool_stats(server->db, &db);
	gauges.db_pool_size = db.size;
	gauges.db_connections_open = db.open;
	gauges.db_connections_in_use = db.in_use;
	gauges.requests_in_flight = atomic_load(&server->in_flight);
	strbuf_init(&out, 8192);
	metrics_render(server->metrics, server->router, &gauges, &out);
	text = strbuf_detach(&out, NULL);
	if (!text || arena_cleanup_add(req->arena, free, text))
		return ERP_ERR_NO_MEMORY;
	return http_respond_bytes(req, 200, "text/plain; version=0.0.4; charset=utf-8", text,
				  strlen(text));
}

static int get_openapi(struct erp_request *req)
{
	return http_respond_bytes(req, 200, "application/json", req->server->openapi_json,
				  req->server->openapi_length);
}

static const struct schema_field status_fields[] = {
	{ .name = "status", .type = SCHEMA_STRING, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .description = "\"ok\" or \"ready\"" },
};
static SCHEMA_OBJECT_DEFINE(status_schema, "Status", status_fields, "A liveness or readiness answer.");

static const struct schema_field root_fields[] = {
	SCHEMA_OUT("name", SCHEMA_STRING, SCHEMA_FORMAT_NONE),
	SCHEMA_OUT("version", SCHEMA_STRING, SCHEMA_FORMAT_NONE),
	{ .name = "openapi", .type = SCHEMA_STRING, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .description = "the path of this API's OpenAPI document: every route and its permission" },
	{ .name = "login", .type = SCHEMA_STRING, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .description = "the path to POST {email, password} to for a bearer token" },
	{ .name = "quickstart", .type = SCHEMA_STRING, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .description = "where the first steps are written" },
};
static SCHEMA_OBJECT_DEFINE(root_schema, "Root", root_fields, "Where to start.");

/* The OpenAPI document's own shape, as far as this server promises it (openapi.c). */
static const struct schema_object open_object = { NULL, NULL, 0, NULL, true };

static const struct schema_field document_fields[] = {
	SCHEMA_OUT("openapi", SCHEMA_STRING, SCHEMA_FORMAT_NONE),
	{ .name = "info", .type = SCHEMA_OBJECT, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .object = &open_object, .description = "title, version, description, license" },
	{ .name = "servers", .type = SCHEMA_ARRAY, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .object = &open_object, .description = "this server, by a relative URL" },
	{ .name = "tags", .type = SCHEMA_ARRAY, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .object = &open_object, .description = "one per module, described" },
	{ .name = "paths", .type = SCHEMA_OBJECT, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .object = &open_object,
	  .description = "every route, with its operationId, x-permission and problems" },
	{ .name = "components", .type = SCHEMA_OBJECT, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .object = &open_object,
	  .description = "schemas, problem responses, header parameters and headers, security schemes" },
};
static SCHEMA_OBJECT_DEFINE(document_schema, "OpenApiDocument", document_fields,
			    "An OpenAPI 3.1 document.");

static const struct erp_route ops_routes[] = {
	{ ERP_GET, "/", ERP_PUBLIC, get_root,
	  "Where to start: the OpenAPI document, the login route, the README's quickstart.",
	  .response = &root_schema,
	  .operation_id = "getStart" },
	{ ERP_GET, "/healthz", ERP_PUBLIC, get_health, "Liveness: the process answers.",
	  .response = &status_schema,
	  .operation_id = "getHealth" },
	{ ERP_GET, "/readyz", ERP_PUBLIC, get_ready,
	  "Readiness: database reachable, schema current, modules ready (503 otherwise).",
	  .response = &status_schema,
	  .operation_id = "getReadiness" },
	{ ERP_GET, "/metrics", ERP_PUBLIC, get_metrics,
	  "Prometheus metrics (text format); only for clients in ERP_METRICS_ALLOW, 404 to others.",
	  .response = ERP_TEXT_BODY, .response_content_type = "text/plain", .operators_only = true,
	  .operation_id = "getMetrics" },
	{ ERP_GET, "/openapi.json", ERP_PUBLIC, get_openapi, "This API's OpenAPI 3.1 document.",
	  .response = &document_schema,
	  .operation_id = "getOpenApiDocument" },
	{ ERP_GET, "/api/v1/events", "platform.event.read", event_stream_global,
	  "The global stream of domain events (users, roles), in sequence order after `after`.",
	  .query = &event_stream_query, .response = &event_page_schema,
	  .operation_id = "listEvents" },
	{ ERP_GET, "/api/v1/companies/{company}/events", "platform.event.read", event_stream_company,
	  "A company's stream of domain events, in sequence order after `after`.",
	  .query = &event_stream_query, .response = &event_page_schema,
	  .operation_id = "listCompanyEvents" },
};

static const struct erp_permission ops_permissions[] = {
	{ "platform.event.read", "Read the streams of domain events (the global one and companies')." },
};

const struct erp_module ops_module = {
	.name = "platform",
	.description = "Operational endpoints and the streams of domain events",
	.routes = ops_routes,
	.route_count = ERP_COUNT(ops_routes),
	.permissions = ops_permissions,
	.permission_count = ERP_COUNT(ops_permissions),
};
