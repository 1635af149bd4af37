#ifndef ERP_KERNEL_ERRORS_H
#define ERP_KERNEL_ERRORS_H

/*
 * Domain error codes shared by every layer. Functions return 0 on success or
 * one of these (negative) codes; the HTTP edge maps them to a status
 * (platform/http/problem.h), nothing deeper chooses a status.
 */
enum erp_error_code {
	ERP_OK = 0,
	ERP_ERR_INVALID = -1,      /* input fails a rule (422) */
	ERP_ERR_NOT_FOUND = -2,    /* no such object in this scope (404) */
	ERP_ERR_CONFLICT = -3,     /* unique/state conflict (409) */
	ERP_ERR_STALE = -4,        /* If-Match does not match the version (412) */
	ERP_ERR_FORBIDDEN = -5,    /* authenticated but not allowed (403) */
	ERP_ERR_UNAUTHORIZED = -6, /* no or bad credentials (401) */
	ERP_ERR_UNAVAILABLE = -7,  /* database unreachable (503) */
	ERP_ERR_NO_MEMORY = -8,    /* allocation failed (503) */
	ERP_ERR_OVERFLOW = -9,     /* arithmetic out of range (422) */
	ERP_ERR_THROTTLED = -10,   /* too many attempts (429) */
	ERP_ERR_INTERNAL = -11,    /* a bug or an unexpected failure (500) */
};

/* A short stable name for a code ("not_found"), for logs and tests. */
const char *erp_error_name(int code);

#endif
