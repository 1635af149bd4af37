/*
 * Every answer of the test build against its route's declaration
 * (response_check.h). The problem replaces the answer whole: headers the
 * handler set (ETag, Location) go with it.
 */
#include "test/e2e/support/response_check.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/alloc.h"
#include "platform/http/http.h"
#include "platform/ops/log.h"
#include "platform/http/response.h"
#include "platform/http/route_contract.h"
#include "platform/http/schema.h"

static void drift(struct erp_request *req, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void drift(struct erp_request *req, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	log_error("test.response_drift", "%s %s answered %d against its declared response: %s"
		  " (request %s)", req->method_name, req->route->pattern, req->status, what,
		  req->request_id);
	req->response_headers = NULL;
	http_respond_problem(req, &PROBLEM_INTERNAL,
			     arena_printf(req->arena, "%s %s: the answer does not match the declared"
					  " response: %s", erp_method_name(req->route->method),
					  req->route->pattern, what));
}

/* The first error of a validation, as "pointer: detail (and N more)". */
static void name_first_error(json_t *errors, int problems, char *out, size_t size)
{
	json_t *first = json_array_get(errors, 0);
	const char *pointer = json_string_value(json_object_get(first, "pointer"));

	snprintf(out, size, "field %s %s%s", pointer && pointer[0] ? pointer : "(the body)",
		 json_string_value(json_object_get(first, "detail")),
		 problems > 1 ? " (and more)" : "");
}

static void check_json(struct erp_request *req, const struct schema_object *schema)
{
	unsigned long failures = alloc_failures();
	json_t *body, *errors = NULL;
	json_error_t error;
	char what[400];
	int problems;

	body = json_loadb(req->response_body, req->response_length, JSON_REJECT_DUPLICATES, &error);
	if (!body) {
		if (alloc_failures() == failures)
			drift(req, "the body is not JSON (%s)", error.text);
		return;
	}
	errors = json_array();
	problems = errors ? schema_validate_response(schema, body, errors) : -1;
	if (problems > 0 && alloc_failures() == failures) {
		name_first_error(errors, problems, what, sizeof(what));
		drift(req, "%s", what);
	}
	json_decref(errors);
	json_decref(body);
}

static bool answers_header(const struct erp_request *req, const char *name)
{
	for (const struct http_header *h = req->response_headers; h; h = h->next)
		if (h->value && strcasecmp(h->name, name) == 0)
			return true;
	return false;
}

/* ETag and Location exactly when declared; If-Match present when the route requires it. */
static bool check_headers(struct erp_request *req)
{
	static const struct {
		unsigned flag;
		const char *name;
	} answered[] = { { ERP_ANSWERS_ETAG, "ETag" }, { ERP_ANSWERS_LOCATION, "Location" } };

	for (size_t i = 0; i < ERP_COUNT(answered); i++) {
		bool declared = req->route->headers & answered[i].flag;

		if (declared != answers_header(req, answered[i].name)) {
			drift(req, declared ? "the route declares the header %s, and none was sent"
					    : "the header %s was sent, which the route does not declare",
			      answered[i].name);
			return false;
		}
	}
	if ((req->route->headers & ERP_TAKES_IF_MATCH) && !http_header(req, "If-Match")) {
		drift(req, "the route declares If-Match required, and answered without one");
		return false;
	}
	return true;
}

void test_response_check(struct erp_request *req)
{
	struct response_envelope envelope;
	const struct schema_object *schema;

	if (!req->route || !req->responded)
		return;
	if (req->status >= 400 && req->status <= 499) {
		if (!route_answers_problem(req->route, req->status))
			drift(req, "the route does not declare the problem status %d"
			      " (erp_route.problems, platform/http/route_contract.h)", req->status);
		return;
	}
	if (req->status < 200 || req->status > 299)
		return;
	schema = response_schema(req->route, req->status, &envelope);
	if (!schema)
		drift(req, "the route declares no answer with status %d", req->status);
	else if (schema == ERP_NO_BODY && req->response_length)
		drift(req, "the route declares no body, and a body was sent");
	else if (req->content_type && strncmp(req->content_type, "text/csv", 8) == 0) {
		if (!(req->route->headers & ERP_ANSWERS_CSV))
			drift(req, "a CSV answer, and the route does not declare ERP_ANSWERS_CSV");
	} else if (check_headers(req) && schema != ERP_NO_BODY && schema != ERP_TEXT_BODY)
		check_json(req, schema);
}
