/*
 * A module that exists only in the test build of the server
 * (build/bin/erp-server-test): JSON routes that exercise the platform's
 * body validation, query parsing, a route's own rules beside its schemas
 * (check_rules), slow handlers (graceful shutdown), the
 * deny-by-default authentication path, the allocation-failure report
 * (fault.h) and an answer that drifts from its declared response
 * (response_check.h). It is never linked into erp-server.
 */
#include "test/e2e/support/test_module.h"

#include <string.h>
#include <time.h>

#include "platform/http/http.h"
#include "platform/http/schema.h"
#include "shared-kernel/errors.h"
#include "shared-kernel/usecase.h"
#include "test/e2e/support/fault.h"

static const char *const kinds[] = { "asset", "liability", "equity", NULL };

static const struct schema_field line_fields[] = {
	{ .name = "account", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED, .min = 1, .max = 20,
	  .format = SCHEMA_FORMAT_CODE },
	{ .name = "amount", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED, .min = 1, .max = 32,
	  .format = SCHEMA_FORMAT_DECIMAL },
};
static SCHEMA_OBJECT_DEFINE(line_schema, "TestLine", line_fields, "A line of the echo body.");

static const struct schema_field tag_item = { .name = "tag", .type = SCHEMA_STRING, .min = 1,
					      .max = 10 };

static const struct schema_field echo_fields[] = {
	{ .name = "name", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED, .min = 1, .max = 40 },
	{ .name = "count", .type = SCHEMA_INTEGER, .min = 0, .max = 100 },
	{ .name = "kind", .type = SCHEMA_STRING, .max = 20, .enum_values = kinds },
	{ .name = "date", .type = SCHEMA_STRING, .max = 10, .format = SCHEMA_FORMAT_DATE },
	{ .name = "active", .type = SCHEMA_BOOLEAN },
	{ .name = "note", .type = SCHEMA_STRING, .flags = SCHEMA_NULLABLE, .max = 200 },
	{ .name = "lines", .type = SCHEMA_ARRAY, .min = 1, .max = 5, .object = &line_schema },
	{ .name = "tags", .type = SCHEMA_ARRAY, .max = 3, .items = &tag_item },
	{ .name = "id", .type = SCHEMA_STRING, .flags = SCHEMA_READ_ONLY, .format = SCHEMA_FORMAT_UUID },
};
static SCHEMA_OBJECT_DEFINE(echo_schema, "TestEcho", echo_fields, "Anything the echo route accepts.");

/* A route with its own rules beyond its schemas (route.h, check_rules). */
static const struct schema_field rules_fields[] = {
	{ .name = "name", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED, .min = 1, .max = 20 },
	{ .name = "from", .type = SCHEMA_STRING, .max = 10, .format = SCHEMA_FORMAT_DATE },
	{ .name = "to", .type = SCHEMA_STRING, .max = 10, .format = SCHEMA_FORMAT_DATE },
};
static SCHEMA_OBJECT_DEFINE(rules_schema, "TestRules", rules_fields,
			    "The name \"reserved\" is refused, and a to before from.");

static const struct schema_field rules_query_fields[] = {
	{ .name = "scale", .type = SCHEMA_INTEGER, .min = 0, .max = 4 },
};
static SCHEMA_OBJECT_DEFINE(rules_query, "TestRulesQuery", rules_query_fields, NULL);

static const struct schema_field slow_query_fields[] = {
	{ .name = "ms", .type = SCHEMA_INTEGER, .flags = SCHEMA_REQUIRED, .min = 0, .max = 10000 },
};
static SCHEMA_OBJECT_DEFINE(slow_query, "TestSlowQuery", slow_query_fields, NULL);

static const struct schema_field slept_fields[] = {
	SCHEMA_OUT("slept_ms", SCHEMA_INTEGER, SCHEMA_FORMAT_NONE),
};
static SCHEMA_OBJECT_DEFINE(slept_schema, "TestSlept", slept_fields, NULL);

static const struct schema_field secret_fields[] = {
	SCHEMA_OUT("secret", SCHEMA_STRING, SCHEMA_FORMAT_NONE),
};
static SCHEMA_OBJECT_DEFINE(secret_schema, "TestSecret", secret_fields, NULL);

static const struct schema_field item_fields[] = {
	SCHEMA_OUT("id", SCHEMA_STRING, SCHEMA_FORMAT_NONE),
};
static SCHEMA_OBJECT_DEFINE(item_schema, "TestItem", item_fields, NULL);

static const struct schema_field fault_report_fields[] = {
	SCHEMA_OUT("available", SCHEMA_BOOLEAN, SCHEMA_FORMAT_NONE),
	SCHEMA_OUT("armed", SCHEMA_INTEGER, SCHEMA_FORMAT_NONE),
	SCHEMA_OUT("allocations", SCHEMA_INTEGER, SCHEMA_FORMAT_NONE),
	SCHEMA_OUT("fired", SCHEMA_BOOLEAN, SCHEMA_FORMAT_NONE),
};
static SCHEMA_OBJECT_DEFINE(fault_report_schema, "TestFaultReport", fault_report_fields, NULL);

/* A route whose answer drifts from what it declares, on request (response_check.h). */
static const char *const drift_kinds[] = { "none", "missing", "type", "unknown", "null",
					   "status", "etag", "problem", NULL };

static const struct schema_field drift_query_fields[] = {
	{ .name = "kind", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED, .max = 10,
	  .enum_values = drift_kinds },
};
static SCHEMA_OBJECT_DEFINE(drift_query, "TestDriftQuery", drift_query_fields, NULL);

/* A use case's refusal of each kind, answered by the platform's one mapping (http_respond_refusal). */
static const char *const refusal_kinds[] = { "forbidden", "conflict", "not_found", "stale",
					     "fields", "coded", "many", NULL };

static const struct schema_field refusal_query_fields[] = {
	{ .name = "kind", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED, .max = 10,
	  .enum_values = refusal_kinds },
};
static SCHEMA_OBJECT_DEFINE(refusal_query, "TestRefusalQuery", refusal_query_fields, NULL);

static const struct schema_field drift_fields[] = {
	SCHEMA_OUT("id", SCHEMA_STRING, SCHEMA_FORMAT_UUID),
	SCHEMA_OUT("count", SCHEMA_INTEGER, SCHEMA_FORMAT_NONE),
	SCHEMA_OUT_NULLABLE("note", SCHEMA_STRING, SCHEMA_FORMAT_NONE),
};
static SCHEMA_OBJECT_DEFINE(drift_schema, "TestDrift", drift_fields,
			    "What /test/drift promises; kind=none keeps the promise.");

static int get_drift(struct erp_request *req)
{
	static const char id[] = "0190a0b1-c2d3-7e4f-8a9b-0c1d2e3f4a5b";
	const char *kind = json_string_value(json_object_get(req->query, "kind"));
	json_t *body = json_pack("{s:s, s:i, s:n}", "id", id, "count", 3, "note");
	int status = 200;

	if (!body)
		return ERP_ERR_NO_MEMORY;
	if (strcmp(kind, "missing") == 0)
		json_object_del(body, "count");
	else if (strcmp(kind, "type") == 0)
		json_object_set_new(body, "count", json_string("3"));
	else if (strcmp(kind, "unknown") == 0)
		json_object_set_new(body, "extra", json_true());
	else if (strcmp(kind, "null") == 0)
		json_object_set_new(body, "id", json_null());
	else if (strcmp(kind, "status") == 0)
		status = 203;
	else if (strcmp(kind, "etag") == 0)
		http_add_header(req, "ETag", "\"3\"");
	if (strcmp(kind, "problem") == 0) {
		json_decref(body);
		return http_respond_problem(req, &PROBLEM_CONFLICT, "a conflict it does not declare");
	}
	return http_respond_json(req, status, body);
}

static int post_echo(struct erp_request *req)
{
	return http_respond_json(req, 201, json_incref(req->body));
}

/*
 * The rules of /test/rules on what the schema let through (refused: its
 * errors; NULL when it accepted the body): a reserved name, and to before
 * from, judged only when both dates are sound.
 */
static void test_rules(json_t *body, const json_t *refused, struct erp_refusal *refusal)
{
	const char *name = json_string_value(json_object_get(body, "name"));
	const char *from = json_string_value(json_object_get(body, "from"));
	const char *to = json_string_value(json_object_get(body, "to"));

	if (name && !schema_refused(refused, "/name") && strcmp(name, "reserved") == 0)
		erp_refuse_field_code(refusal, "/name", "reserved", "is a name the rules keep");
	if (from && to && !schema_refused(refused, "/from") && !schema_refused(refused, "/to") &&
	    strcmp(to, from) < 0)
		erp_refuse_field_code(refusal, "/to", "order", "must not be before from");
}

static int check_test_rules(struct erp_request *req, const json_t *refused, struct erp_ctx *ctx)
{
	test_rules(req->body, refused, &ctx->refusal);
	return ctx->refusal.code;
}

static int post_rules(struct erp_request *req)
{
	struct erp_refusal refusal = { 0 };

	test_rules(req->body, NULL, &refusal);
	if (erp_refused(&refusal))
		return http_respond_refusal(req, &refusal);
	return http_respond_json(req, 201, json_incref(req->body));
}

static int get_slow(struct erp_request *req)
{
	json_int_t ms = json_integer_value(json_object_get(req->query, "ms"));
	struct timespec pause = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };

	nanosleep(&pause, NULL);
	return http_respond_json(req, 200, json_pack("{s:I}", "slept_ms", (json_int_t)ms));
}

static int get_private(struct erp_request *req)
{
	return http_respond_json(req, 200, json_pack("{s:s}", "secret", "never without a token"));
}

static int get_item(struct erp_request *req)
{
	const char *id = http_param(req, "id");

	if (!id)
		return ERP_ERR_NO_MEMORY;
	return http_respond_json(req, 200, json_pack("{s:s}", "id", id));
}

static int get_refusal(struct erp_request *req)
{
	static const char *const pointers[] = { "/a", "/b", "/c", "/d", "/e", "/f", "/g", "/h", "/i",
						"/j", "/k", "/l", "/m", "/n", "/o", "/p", "/q", "/r" };
	const char *kind = json_string_value(json_object_get(req->query, "kind"));
	struct erp_refusal refusal = { 0 };

	if (strcmp(kind, "forbidden") == 0)
		erp_refuse(&refusal, ERP_ERR_FORBIDDEN, "the author may not post their own entry");
	else if (strcmp(kind, "conflict") == 0)
		erp_refuse(&refusal, ERP_ERR_CONFLICT, "the period is closed");
	else if (strcmp(kind, "not_found") == 0)
		erp_refuse(&refusal, ERP_ERR_NOT_FOUND, "no such entry");
	else if (strcmp(kind, "stale") == 0)
		erp_refuse(&refusal, ERP_ERR_STALE, "the entry was changed since you read it");
	else if (strcmp(kind, "fields") == 0) {
		erp_refuse_field(&refusal, "/lines/0/account", "no such account");
		erp_refuse_field(&refusal, "/lines/1/debit", "not an amount");
	} else if (strcmp(kind, "coded") == 0) {
		erp_refuse(&refusal, ERP_ERR_INVALID, "unknown currency");
		erp_refuse_field_code(&refusal, "/currency", "unknown", "is not an ISO 4217 code");
	} else {
		for (size_t i = 0; i < ERP_COUNT(pointers); i++)
			erp_refuse_field(&refusal, pointers[i], "too many");
	}
	return http_respond_refusal(req, &refusal);
}

static int get_fail(struct erp_request *req)
{
	(void)req;
	return ERP_ERR_INTERNAL;
}

static const struct erp_route test_routes[] = {
	{ ERP_POST, "/test/echo", ERP_PUBLIC, post_echo, "Echoes a validated body.",
	  .body = &echo_schema, .response = &echo_schema, .success_status = 201,
	  .operation_id = "testEcho" },
	{ ERP_POST, "/test/rules", ERP_PUBLIC, post_rules,
	  "Echoes a body its own rules accept; one 422 names the schemas' and the rules' problems.",
	  .body = &rules_schema, .query = &rules_query, .response = &rules_schema,
	  .success_status = 201, .check_rules = check_test_rules, .operation_id = "testRules" },
	{ ERP_GET, "/test/slow", ERP_PUBLIC, get_slow, "Sleeps ms milliseconds, then answers.",
	  .query = &slow_query, .response = &slept_schema,
	  .operation_id = "testSlow" },
	{ ERP_GET, "/test/private", "test.private.read", get_private, .summary = "Needs a permission.",
	  .response = &secret_schema,
	  .operation_id = "testPrivate" },
	{ ERP_GET, "/test/items/{id}", ERP_PUBLIC, get_item, .summary = "Echoes a path parameter.",
	  .response = &item_schema,
	  .operation_id = "testGetItem" },
	{ ERP_DELETE, "/test/items/{id}", ERP_PUBLIC, get_item, .summary = "Echoes a path parameter.",
	  .response = &item_schema,
	  .operation_id = "testDeleteItem" },
	{ ERP_GET, "/test/fail", ERP_PUBLIC, get_fail,
	  .summary = "Fails like a bug would (never answers its 204).", .response = ERP_NO_BODY,
	  .success_status = 204,
	  .operation_id = "testFail" },
	{ ERP_GET, "/test/drift", ERP_PUBLIC, get_drift,
	  "Answers what it declares (kind=none), or drifts from it in one way.",
	  .query = &drift_query, .response = &drift_schema,
	  .operation_id = "testDrift" },
	{ ERP_GET, "/test/refusal", ERP_PUBLIC, get_refusal,
	  "Refuses like a use case (kind names how); never answers its 204.", .query = &refusal_query,
	  .response = ERP_NO_BODY, .success_status = 204,
	  .operation_id = "testRefusal", .problems = { 403, 404, 409, 412 } },
	{ ERP_GET, "/test/fault-report", ERP_PUBLIC, test_fault_report,
	  .summary = "What the last request with X-Test-Fail-Allocation did (fault.h).",
	  .response = &fault_report_schema,
	  .operation_id = "testFaultReport" },
};

static const struct erp_permission test_permissions[] = {
	{ "test.private.read", "Read the private test resource." },
};

const struct erp_module test_module = {
	.name = "test",
	.description = "Test-only routes (test build only)",
	.routes = test_routes,
	.route_count = ERP_COUNT(test_routes),
	.permissions = test_permissions,
	.permission_count = ERP_COUNT(test_permissions),
};
