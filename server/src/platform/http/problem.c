#include "platform/http/problem.h"

#include "common/json.h"
#include "shared-kernel/errors.h"

const struct problem_kind PROBLEM_BAD_REQUEST = { 400, "/problems/bad-request", "Malformed request" };
const struct problem_kind PROBLEM_UNAUTHORIZED = { 401, "/problems/unauthorized",
						   "Authentication required" };
const struct problem_kind PROBLEM_FORBIDDEN = { 403, "/problems/forbidden", "Permission denied" };
const struct problem_kind PROBLEM_PASSWORD_CHANGE_REQUIRED = {
	403, "/problems/password-change-required", "Password change required"
};
const struct problem_kind PROBLEM_NOT_FOUND = { 404, "/problems/not-found", "Not found" };
const struct problem_kind PROBLEM_METHOD_NOT_ALLOWED = { 405, "/problems/method-not-allowed",
							 "Method not allowed" };
const struct problem_kind PROBLEM_CONFLICT = { 409, "/problems/conflict", "Conflict" };
const struct problem_kind PROBLEM_PRECONDITION = { 412, "/problems/precondition-failed",
						   "Precondition failed" };
const struct problem_kind PROBLEM_PRECONDITION_REQUIRED = { 428, "/problems/precondition-required",
							    "Precondition required" };
const struct problem_kind PROBLEM_TOO_LARGE = { 413, "/problems/payload-too-large",
						"Request body too large" };
const struct problem_kind PROBLEM_URI_TOO_LONG = { 414, "/problems/uri-too-long",
						   "Request URI too long" };
const struct problem_kind PROBLEM_UNSUPPORTED_MEDIA = { 415, "/problems/unsupported-media-type",
							"Unsupported media type" };
const struct problem_kind PROBLEM_VALIDATION = { 422, "/problems/validation",
						 "Validation failed" };
const struct problem_kind PROBLEM_THROTTLED = { 429, "/problems/too-many-requests",
						"Too many requests" };
const struct problem_kind PROBLEM_HEADERS_TOO_LARGE = { 431, "/problems/headers-too-large",
							"Request headers too large" };
const struct problem_kind PROBLEM_INTERNAL = { 500, "/problems/internal", "Internal error" };
const struct problem_kind PROBLEM_UNAVAILABLE = { 503, "/problems/unavailable",
						  "Service unavailable" };

const struct problem_kind *problem_for_error(int code)
{
	switch ((enum erp_error_code)code) {
	case ERP_ERR_INVALID:
	case ERP_ERR_OVERFLOW: return &PROBLEM_VALIDATION;
	case ERP_ERR_NOT_FOUND: return &PROBLEM_NOT_FOUND;
	case ERP_ERR_CONFLICT: return &PROBLEM_CONFLICT;
	case ERP_ERR_STALE: return &PROBLEM_PRECONDITION;
	case ERP_ERR_FORBIDDEN: return &PROBLEM_FORBIDDEN;
	case ERP_ERR_UNAUTHORIZED: return &PROBLEM_UNAUTHORIZED;
	case ERP_ERR_UNAVAILABLE:
	case ERP_ERR_NO_MEMORY: return &PROBLEM_UNAVAILABLE;
	case ERP_ERR_THROTTLED: return &PROBLEM_THROTTLED;
	case ERP_OK:
	case ERP_ERR_INTERNAL: break;
	}
	return &PROBLEM_INTERNAL;
}

char *problem_render(const struct problem_kind *kind, const char *detail, const char *instance,
		     json_t *errors)
{
	json_t *body = json_pack("{s:s, s:s, s:i, s:s}", "type", kind->type, "title", kind->title,
				 "status", kind->status, "detail", detail ? detail : kind->title);
	char *text;

	if (!body)
		return NULL;
	if (instance && json_object_set_new(body, "instance", json_string(instance)))
		goto fail;
	if (errors && json_array_size(errors) && json_object_set(body, "errors", errors))
		goto fail;
	text = erp_json_dumps(body, JSON_COMPACT);
	json_decref(body);
	return text;
fail:
	json_decref(body);
	return NULL;
}
