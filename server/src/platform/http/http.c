/* Request accessors and response builders used by handlers. */
#include "platform/http/http.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/monotonic.h"
#include "platform/db/db.h"
#include "platform/http/schema.h"
#include "platform/http/server.h"
#include "shared-kernel/errors.h"
#include "shared-kernel/usecase.h"

uint64_t http_now_ns(void)
{
	return monotonic_ns();
}

const char *http_header(const struct erp_request *req, const char *name)
{
	return MHD_lookup_connection_value(req->connection, MHD_HEADER_KIND, name);
}

const char *http_query_arg(const struct erp_request *req, const char *name)
{
	return MHD_lookup_connection_value(req->connection, MHD_GET_ARGUMENT_KIND, name);
}

const char *http_param(const struct erp_request *req, const char *name)
{
	for (size_t i = 0; i < req->match.param_count; i++) {
		if (strcmp(req->match.param_names[i], name) == 0)
			return arena_strndup(req->arena, req->match.param_values[i],
					     req->match.param_lengths[i]);
	}
	return NULL;
}

int http_add_header(struct erp_request *req, const char *name, const char *value)
{
	struct http_header *h = arena_alloc(req->arena, sizeof(*h));

	if (!h)
		return ERP_ERR_NO_MEMORY;
	h->name = name;
	h->value = value;
	h->next = req->response_headers;
	req->response_headers = h;
	return ERP_OK;
}

int http_respond_bytes(struct erp_request *req, int status, const char *content_type,
		       const char *body, size_t length)
{
	req->status = status;
	req->content_type = content_type;
	req->response_body = body;
	req->response_length = length;
	req->responded = true;
	return ERP_OK;
}

int http_respond_json(struct erp_request *req, int status, json_t *document)
{
	char *text;

	if (!document)
		return ERP_ERR_NO_MEMORY;
	text = erp_json_dumps(document, JSON_COMPACT);
	json_decref(document);
	if (!text || arena_cleanup_add(req->arena, free, text))
		return ERP_ERR_NO_MEMORY;
	return http_respond_bytes(req, status, "application/json", text, strlen(text));
}

int http_respond_empty(struct erp_request *req, int status)
{
	return http_respond_bytes(req, status, NULL, "", 0);
}

static int respond_problem_errors(struct erp_request *req, const struct problem_kind *kind,
				  const char *detail, json_t *errors)
{
	char *text = problem_render(kind, detail, req->request_id, errors);

	if (!text || arena_cleanup_add(req->arena, free, text)) {
		/* Last resort that needs no memory: a fixed body. */
		static const char fallback[] =
			"{\"type\":\"/problems/unavailable\",\"title\":\"Service unavailable\","
			"\"status\":503,\"detail\":\"out of memory\"}";
		return http_respond_bytes(req, 503, "application/problem+json", fallback,
					  sizeof(fallback) - 1);
	}
	return http_respond_bytes(req, kind->status, "application/problem+json", text, strlen(text));
}

int http_respond_problem(struct erp_request *req, const struct problem_kind *kind,
			 const char *detail)
{
	return respond_problem_errors(req, kind, detail, NULL);
}

int http_respond_invalid(struct erp_request *req, const char *detail, json_t *errors)
{
	return respond_problem_errors(req, &PROBLEM_VALIDATION, detail, errors);
}

int http_refusal_errors(const struct erp_refusal *refusal, json_t *errors)
{
	char more[64];

	for (size_t i = 0; i < refusal->field_count; i++) {
		const struct erp_field_refusal *field = erp_refusal_field(refusal, i);

		if (schema_error_add(errors, field->pointer, field->code ? field->code : "invalid",
				     field->detail))
			return -1;
	}
	snprintf(more, sizeof(more), "%zu more problems not listed", refusal->fields_dropped);
	if (refusal->fields_dropped && schema_error_add(errors, "", "more", more))
		return -1;
	return 0;
}

int http_respond_refusal(struct erp_request *req, const struct erp_refusal *refusal)
{
	json_t *errors = NULL;
	int rc;

	if (refusal->code == ERP_OK)
		return ERP_ERR_INTERNAL;
	if (refusal->field_count > 0) {
		errors = json_array();
		if (!errors || http_refusal_errors(refusal, errors)) {
			json_decref(errors);
			return ERP_ERR_NO_MEMORY;
		}
	}
	rc = respond_problem_errors(req, problem_for_error(refusal->code), refusal->detail, errors);
	json_decref(errors);
	return rc;
}

void http_usecase_ctx(struct erp_ctx *ctx, struct erp_request *req)
{
	*ctx = (struct erp_ctx){
		.db = http_db(req),
		.arena = req->arena,
		.actor_id = req->user_id,
		.company = req->company,
		.request_id = req->request_id,
	};
}

int http_respond_failure(struct erp_request *req, const struct erp_ctx *ctx, int rc)
{
	return erp_refused(&ctx->refusal) ? http_respond_refusal(req, &ctx->refusal) : rc;
}

bool http_caller_holds(struct erp_request *req, const char *permission)
{
	const struct erp_auth_hooks *hooks = &req->server->auth;

	return req->principal && hooks->authorize &&
	       hooks->authorize(hooks->ctx, req, permission, req->company_code) == ERP_OK;
}

struct db_conn *http_db(struct erp_request *req)
{
	if (req->read_replica)
		return db_pool_thread_conn(req->server->replica);
	return db_pool_thread_conn(req->server->db);
}
