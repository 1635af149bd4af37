#ifndef ERP_PLATFORM_PROBLEM_H
#define ERP_PLATFORM_PROBLEM_H

#include <jansson.h>
#include <stddef.h>

/*
 * RFC 9457 problem details. Each kind of problem has a stable `type`
 * ("/problems/validation"), a fixed title and an HTTP status; the `detail`
 * is written for the person reading it, and `instance` is the request id.
 */
struct problem_kind {
	int status;
	const char *type;  /* stable identifier, e.g. "/problems/not-found" */
	const char *title;
};

extern const struct problem_kind PROBLEM_BAD_REQUEST;        /* 400 malformed syntax */
extern const struct problem_kind PROBLEM_UNAUTHORIZED;       /* 401 */
extern const struct problem_kind PROBLEM_FORBIDDEN;          /* 403 */
extern const struct problem_kind PROBLEM_PASSWORD_CHANGE_REQUIRED; /* 403 one-time password */
extern const struct problem_kind PROBLEM_NOT_FOUND;          /* 404 */
extern const struct problem_kind PROBLEM_METHOD_NOT_ALLOWED; /* 405 */
extern const struct problem_kind PROBLEM_CONFLICT;           /* 409 */
extern const struct problem_kind PROBLEM_PRECONDITION;       /* 412 stale If-Match */
extern const struct problem_kind PROBLEM_PRECONDITION_REQUIRED; /* 428 If-Match missing */
extern const struct problem_kind PROBLEM_TOO_LARGE;          /* 413 */
extern const struct problem_kind PROBLEM_URI_TOO_LONG;       /* 414 */
extern const struct problem_kind PROBLEM_UNSUPPORTED_MEDIA;  /* 415 */
extern const struct problem_kind PROBLEM_VALIDATION;         /* 422 */
extern const struct problem_kind PROBLEM_THROTTLED;          /* 429 */
extern const struct problem_kind PROBLEM_HEADERS_TOO_LARGE;  /* 431 */
extern const struct problem_kind PROBLEM_INTERNAL;           /* 500 */
extern const struct problem_kind PROBLEM_UNAVAILABLE;        /* 503 */

/* The kind an ERP_ERR_* code is answered with (PROBLEM_INTERNAL for unknown). */
const struct problem_kind *problem_for_error(int code);

/*
 * Renders a problem as JSON text (NUL-terminated, caller frees with free()).
 * errors (may be NULL) is the per-field list from schema validation; it is
 * not consumed. Returns NULL when out of memory.
 */
char *problem_render(const struct problem_kind *kind, const char *detail, const char *instance,
		     json_t *errors);

#endif
