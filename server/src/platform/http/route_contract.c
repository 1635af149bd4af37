/* A route's operation id and the problems its declaration implies (route_contract.h). */
#include "platform/http/route_contract.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static const unsigned known_headers = ERP_TAKES_IF_MATCH | ERP_TAKES_IDEMPOTENCY_KEY |
				      ERP_ANSWERS_ETAG | ERP_ANSWERS_LOCATION | ERP_ANSWERS_CSV;

/* Problem statuses as a set: bit n is status 400 + n (every 4xx in use is below 464). */
static bool in_range(int status)
{
	return status >= 400 && status < 464;
}

static uint64_t bit(int status)
{
	return (uint64_t)1 << (status - 400);
}

static uint64_t implied(const struct erp_route *route)
{
	bool is_public = route->permission && strcmp(route->permission, ERP_PUBLIC) == 0;
	bool keyed = route->headers & ERP_TAKES_IDEMPOTENCY_KEY;
	uint64_t set = bit(400);

	if (!is_public)
		set |= bit(401) | bit(403) | bit(429);
	if (route->pattern && strchr(route->pattern, '{'))
		set |= bit(404);
	if (route->body)
		set |= bit(413) | bit(415);
	if (route->body || route->query || keyed)
		set |= bit(422);
	if (keyed || route->method != ERP_GET)
		set |= bit(409);
	if (route->headers & ERP_TAKES_IF_MATCH)
		set |= bit(412) | bit(428);
	return set;
}

/* The whole set: implied, and the route's own (route_contract_check() refuses invalid ones). */
static uint64_t problem_set(const struct erp_route *route)
{
	uint64_t set = implied(route);

	for (size_t i = 0; i < ERP_ROUTE_MAX_PROBLEMS && route->problems[i]; i++)
		if (in_range(route->problems[i]))
			set |= bit(route->problems[i]);
	return set;
}

size_t route_problems(const struct erp_route *route, int out[ROUTE_PROBLEMS_MAX])
{
	uint64_t set = problem_set(route);
	size_t count = 0;

	for (int status = 400; status < 464 && count < ROUTE_PROBLEMS_MAX; status++)
		if (set & bit(status))
			out[count++] = status;
	return count;
}

bool route_answers_problem(const struct erp_route *route, int status)
{
	return in_range(status) && (problem_set(route) & bit(status));
}

bool route_operation_id_valid(const char *id)
{
	size_t length = id ? strlen(id) : 0;

	if (length == 0 || length > ROUTE_OPERATION_ID_MAX || id[0] < 'a' || id[0] > 'z')
		return false;
	for (const char *p = id; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
			return false;
	return true;
}

static int refuse(const struct erp_route *route, char *err, size_t err_size, const char *why)
{
	snprintf(err, err_size, "route %s %s %s", erp_method_name(route->method),
		 route->pattern ? route->pattern : "(null)", why);
	return -1;
}

int route_contract_check(const struct erp_route *route, char *err, size_t err_size)
{
	uint64_t set = implied(route);
	char why[160];

	if (!route_operation_id_valid(route->operation_id))
		return refuse(route, err, err_size,
			      "declares no operation_id, or not a camelCase one (\"listAccounts\":"
			      " [a-z][A-Za-z0-9]*, at most 64 characters)");
	if (route->headers & ~known_headers)
		return refuse(route, err, err_size, "declares headers route.h does not know");
	for (size_t i = 0; i < ERP_ROUTE_MAX_PROBLEMS && route->problems[i]; i++) {
		int status = route->problems[i];

		if (!in_range(status))
			snprintf(why, sizeof(why), "declares problem %d: a route's own problems are"
				 " 4xx statuses", status);
		else if (set & bit(status))
			snprintf(why, sizeof(why), "declares problem %d twice, or one its declaration"
				 " already implies (platform/http/route_contract.h)", status);
		else
			why[0] = '\0';
		if (why[0])
			return refuse(route, err, err_size, why);
		set |= bit(status);
	}
	return 0;
}
