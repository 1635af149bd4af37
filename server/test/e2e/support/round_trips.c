/* The handler's round trips to the database, as a response header (round_trips.h). */
#include "test/e2e/support/round_trips.h"

#include "platform/http/http.h"

void test_round_trips_show(struct erp_request *req)
{
	const char *count = arena_printf(req->arena, "%lu", req->db_round_trips);

	/* Out of memory (fault injection): the answer goes out without the header. */
	if (count)
		http_add_header(req, "X-Test-Db-Round-Trips", count);
}
