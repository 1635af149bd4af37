#ifndef ERP_PLATFORM_LOG_H
#define ERP_PLATFORM_LOG_H

#include <stdarg.h>

#include "platform/ops/config.h"

/*
 * Structured logs on stderr: one record per line, JSON objects by default or
 * key=value text. Every value is escaped (control characters, quotes, CR/LF),
 * so hostile input cannot forge a second record. Nothing secret is ever
 * passed here: callers log route patterns, not URLs, and never headers.
 * Each record is written with a single write(2), so lines do not interleave.
 */

/* Sets level and format; safe to call again (tests). Default: info, json. */
void log_init(enum erp_log_level level, enum erp_log_format format);

/* Whether a record at this level would be written. */
int log_enabled(enum erp_log_level level);

/*
 * An event record: `event` is a stable dotted name ("server.started"), the
 * message is printf-formatted. Extra key/value string pairs may follow in
 * `fields` (NULL-terminated list: key, value, key, value, ..., NULL).
 */
void log_event(enum erp_log_level level, const char *event, const char *const *fields,
	       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Shorthands without extra fields. */
#define log_info(event, ...) log_event(ERP_LOG_INFO, event, NULL, __VA_ARGS__)
#define log_warn(event, ...) log_event(ERP_LOG_WARN, event, NULL, __VA_ARGS__)
#define log_error(event, ...) log_event(ERP_LOG_ERROR, event, NULL, __VA_ARGS__)
#define log_debug(event, ...) log_event(ERP_LOG_DEBUG, event, NULL, __VA_ARGS__)

/* The access-log record of one HTTP request. */
struct log_request_record {
	const char *request_id;
	const char *client_request_id; /* the client's X-Request-Id, or NULL: tracing only */
	const char *method;
	const char *route;   /* the matched pattern, or "-" when none matched */
	int status;
	double duration_ms;
	const char *user_id; /* NULL when unauthenticated */
	const char *client;  /* client address */
};

void log_request(const struct log_request_record *record);

#endif
