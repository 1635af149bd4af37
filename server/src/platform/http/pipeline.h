#ifndef ERP_PLATFORM_PIPELINE_H
#define ERP_PLATFORM_PIPELINE_H

#include <stdbool.h>

struct erp_request;

/*
 * The middleware chain, in order: request id -> (access log and metrics are
 * recorded at completion) -> route match (operators-only routes answer 404
 * to clients outside ERP_METRICS_ALLOW) -> authentication hook -> the
 * caller's rate limit (429) -> company scope -> permission hook -> query and
 * body validation -> handler.
 */

/*
 * Runs the checks that need no body, when the headers have arrived: request
 * id (always a new one; the client's X-Request-Id goes to the access log
 * only), route match (404/405), CORS preflight, content type (415) and declared
 * length (413). Returns true when it has already answered.
 */
bool pipeline_begin(struct erp_request *req, bool has_body);

/* Runs the rest of the chain once the body is complete; always answers. */
void pipeline_finish(struct erp_request *req);

#endif
