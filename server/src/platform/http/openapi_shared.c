/*
 * The components operations refer to in /openapi.json: the problem
 * responses (route_contract.h says which a route gives), the request
 * headers routes take and the response headers they answer (route.h's
 * ERP_TAKES_* and ERP_ANSWERS_*). Each is added the first time an
 * operation refers to it.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "platform/db/idempotency.h"
#include "platform/http/openapi_internal.h"
#include "platform/ops/config.h"

static const struct {
	int status;
	const char *name;
	const char *description;
} problems[] = {
	{ 400, "BadRequest",
	  "Malformed request: a body where none is taken, JSON that does not parse, a cursor or"
	  " an Idempotency-Key that is not valid." },
	{ 401, "Unauthorized", "No valid bearer token: missing, expired or revoked." },
	{ 403, "Forbidden",
	  "The caller lacks the permission in x-permission (in this company), must change their"
	  " password first, or a rule of the operation refuses this caller." },
	{ 404, "NotFound", "No such resource, or no such company." },
	{ 409, "Conflict",
	  "The resource's state refuses the change, or a request with this Idempotency-Key is"
	  " still being processed." },
	{ 412, "PreconditionFailed",
	  "If-Match names another version than the current one: read the resource again." },
	{ 413, "PayloadTooLarge", "The body is larger than the server accepts (ERP_MAX_BODY_BYTES)." },
	{ 415, "UnsupportedMediaType", "The body is not application/json." },
	{ 422, "ValidationFailed",
	  "The query, the body or a rule refuses the request; errors lists every problem found"
	  " at once, each with a code: body fields by JSON pointer (pointer), query parameters"
	  " by name (parameter). The route's rules judge what the schemas let through." },
	{ 428, "PreconditionRequired", "If-Match is missing: send the ETag of the version you read." },
	{ 429, "TooManyRequests", "Too many requests for now; Retry-After says when to try again." },
};

json_t *openapi_ref(const char *ref)
{
	return json_pack("{s:s}", "$ref", ref);
}

static json_t *ref_in(const char *section, const char *name)
{
	char ref[128];

	snprintf(ref, sizeof(ref), "#/components/%s/%s", section, name);
	return openapi_ref(ref);
}

static json_t *problem_answer(const char *description)
{
	return json_pack("{s:s, s:{s:{s:{s:s}}}}", "description", description, "content",
			 "application/problem+json", "schema", "$ref", "#/components/schemas/Problem");
}

json_t *openapi_problem_response(int status, struct openapi_components *c)
{
	const char *name = NULL, *description = "A problem.";
	char fallback[24];

	for (size_t i = 0; i < sizeof(problems) / sizeof(problems[0]); i++)
		if (problems[i].status == status) {
			name = problems[i].name;
			description = problems[i].description;
		}
	if (!name) { /* a status the table does not describe yet: named by its number */
		snprintf(fallback, sizeof(fallback), "Problem%d", status);
		name = fallback;
	}
	if (!json_object_get(c->responses, name)) {
		json_t *answer = problem_answer(description);

		if (status == 429)
			json_object_set_new(answer, "headers",
					    json_pack("{s:o}", "Retry-After",
						      openapi_response_header("Retry-After", c)));
		json_object_set_new(c->responses, name, answer);
	}
	return ref_in("responses", name);
}

json_t *openapi_other_problem_response(struct openapi_components *c)
{
	if (!json_object_get(c->responses, "OtherProblem"))
		json_object_set_new(c->responses, "OtherProblem",
				    problem_answer("Another problem: 405, 414 or 431 (on any path),"
						   " 500, or 503 (the server or its database cannot"
						   " serve the request right now)."));
	return ref_in("responses", "OtherProblem");
}

static json_t *idempotency_key_parameter(const struct erp_config *config)
{
	char description[1024];

	snprintf(description, sizeof(description),
		 "A key of your choosing for this request (1 to %d visible ASCII characters), per"
		 " user. The same request again (method, path, JSON body) with the same key gets the"
		 " first answer again (status, body, ETag, Location, and Idempotent-Replayed: true)"
		 " and changes nothing; another request with the key is refused (422); while the"
		 " first is still running, 409. A key is kept %u hours after its first request"
		 " (ERP_IDEMPOTENCY_RETENTION_HOURS, at least 24); after that it is forgotten, and a"
		 " request with it is a new request.",
		 IDEMPOTENCY_KEY_MAX, config->idempotency_retention_hours);
	return json_pack("{s:s, s:s, s:b, s:s, s:{s:s, s:i, s:i, s:s}}", "name", "Idempotency-Key",
			 "in", "header", "required", 0, "description", description, "schema", "type",
			 "string", "minLength", 1, "maxLength", IDEMPOTENCY_KEY_MAX, "pattern",
			 "^[!-~]+$");
}

json_t *openapi_header_parameter(const char *name, struct openapi_components *c)
{
	if (!json_object_get(c->parameters, name)) {
		json_t *parameter;

		if (strcmp(name, "Idempotency-Key") == 0)
			parameter = idempotency_key_parameter(c->config);
		else /* If-Match */
			parameter = json_pack(
				"{s:s, s:s, s:b, s:s, s:{s:s}}", "name", "If-Match", "in", "header",
				"required", 1, "description",
				"The ETag of the version you read (\"3\"): the change applies to that"
				" version only (412 when it is no longer current, 428 without If-Match).",
				"schema", "type", "string");
		json_object_set_new(c->parameters, name, parameter);
	}
	return ref_in("parameters", name);
}

static const struct {
	const char *name;
	const char *description;
	const char *type;
	const char *format;
} response_headers[] = {
	{ "ETag", "The version of the resource answered (\"3\"): send it as If-Match to change it.",
	  "string", NULL },
	{ "Location", "The path of the resource created, or of the request that waits for approval.",
	  "string", "uri-reference" },
	{ "Idempotent-Replayed",
	  "true when this is the first answer to the request's Idempotency-Key, sent again.",
	  "string", NULL },
	{ "Retry-After", "Seconds to wait before trying again.", "integer", NULL },
};

json_t *openapi_response_header(const char *name, struct openapi_components *c)
{
	for (size_t i = 0; !json_object_get(c->headers, name) &&
			   i < sizeof(response_headers) / sizeof(response_headers[0]); i++) {
		json_t *schema;

		if (strcmp(response_headers[i].name, name) != 0)
			continue;
		schema = json_pack("{s:s}", "type", response_headers[i].type);
		if (response_headers[i].format)
			json_object_set_new(schema, "format", json_string(response_headers[i].format));
		if (strcmp(name, "Idempotent-Replayed") == 0)
			json_object_set_new(schema, "enum", json_pack("[s]", "true"));
		json_object_set_new(c->headers, name,
				    json_pack("{s:s, s:o}", "description",
					      response_headers[i].description, "schema", schema));
	}
	return ref_in("headers", name);
}
