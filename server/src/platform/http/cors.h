#ifndef ERP_PLATFORM_CORS_H
#define ERP_PLATFORM_CORS_H

struct erp_request;

/*
 * CORS for browser frontends, for the configured origins only (exact
 * match). Other origins get no CORS headers, so browsers refuse to share
 * responses with them.
 */

/* Answers an OPTIONS request: a preflight (204 or 403), or a plain 204 with Allow. */
void cors_answer_options(struct erp_request *req, unsigned allowed_methods);

/* Adds Access-Control-Allow-Origin and friends to a response when the origin is allowed. */
void cors_decorate(struct erp_request *req);

#endif
