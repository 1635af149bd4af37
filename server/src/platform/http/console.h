#ifndef ERP_PLATFORM_CONSOLE_H
#define ERP_PLATFORM_CONSOLE_H

#include <stdbool.h>

struct erp_request;

/*
 * The web console's files (ERP_CONSOLE_DIR, read at start into
 * server->console) under /console/: "/console/" is index.html, never
 * cached; a name with a content hash is cached for a year. Every answer
 * under /console carries the console's security headers: a strict
 * Content-Security-Policy (scripts, styles and requests only from this
 * origin, no inline script, no eval, no framing) and Referrer-Policy:
 * no-referrer.
 */

/* The Content-Security-Policy of every console answer. */
extern const char CONSOLE_CONTENT_SECURITY_POLICY[];

/*
 * Answers the request when its path is /console or under /console/ (a
 * file, 304, 308 to "/console/", 404 or 405) and returns true; returns
 * false, having done nothing, for any other path.
 */
bool console_answer(struct erp_request *req);

#endif
