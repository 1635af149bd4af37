#ifndef ERP_PLATFORM_ROUTE_CONTRACT_H
#define ERP_PLATFORM_ROUTE_CONTRACT_H

#include <stdbool.h>
#include <stddef.h>

#include "platform/http/route.h"

/*
 * What a route promises beyond its success answer (response.h): its
 * operation id and the problems (4xx) it can answer. The problems are
 * derived from the declaration, so they follow the route when it changes:
 *
 *   400  always: a body where none is taken, JSON that does not parse, a bad
 *        cursor or Idempotency-Key
 *   401, 403, 429  unless public: no valid token; a permission missing or a
 *        password to change first; the per-user rate limit
 *   404  with path parameters
 *   413, 415  with a body
 *   422  with a body, a query or Idempotency-Key
 *   409  unless GET: a state that refuses the change, writers that kept
 *        deadlocking it (db_transaction() retries, then gives up), or the
 *        first request of its Idempotency-Key still running
 *   412, 428  with If-Match
 *
 * plus the route's own (erp_route.problems). The OpenAPI document lists
 * them; the test build refuses a 4xx answer its route does not list.
 */

enum { ROUTE_PROBLEMS_MAX = 16, ROUTE_OPERATION_ID_MAX = 64 };

/* The 4xx statuses route can answer, ascending, into out; returns how many. */
size_t route_problems(const struct erp_route *route, int out[ROUTE_PROBLEMS_MAX]);

/* Whether route can answer the 4xx status (route_problems() holds it). */
bool route_answers_problem(const struct erp_route *route, int status);

/* Whether id is a camelCase operation id: [a-z][A-Za-z0-9]*, at most ROUTE_OPERATION_ID_MAX. */
bool route_operation_id_valid(const char *id);

/*
 * Whether the route declares a valid operation id, known header flags and
 * its own problems as 4xx statuses its declaration does not already imply,
 * each once. 0, or -1 with a sentence in err naming the route. (Whether an
 * id is unique is the router's to check: it sees every route.)
 */
int route_contract_check(const struct erp_route *route, char *err, size_t err_size);

#endif
