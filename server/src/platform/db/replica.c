/* Replica reads that see the caller's writes (platform/db/replica.h). */
#include "platform/db/replica.h"

#include <string.h>
#include <time.h>

#include "common/monotonic.h"
#include "shared-kernel/errors.h"

/* How long to pause between two questions to the replica: about a loopback round trip. */
enum { POLL_PAUSE_US = 200 };

static const struct db_statement primary_position = {
	"replica_primary_position", "SELECT pg_current_wal_lsn()::text AS lsn", true,
};

/* NULL (never true) on a server that is not replaying WAL: a promoted replica, a primary. */
static const struct db_statement replica_caught_up = {
	"replica_caught_up",
	"SELECT CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() >= $1::pg_lsn END"
	" AS caught_up", true,
};

/* Asks the replica once: 1 caught up, 0 not yet, -1 never (no standby) or unreachable. */
static int ask_replica(struct db_conn *replica, const char *lsn)
{
	struct arena *arena = arena_new(1024);
	const char *answer;
	PGresult *res;
	int result = -1;

	if (!arena)
		return -1;
	if (db_query(replica, arena, &replica_caught_up, 1, &lsn, &res) == ERP_OK) {
		answer = db_value(res, 0, "caught_up");
		if (answer)
			result = strcmp(answer, "t") == 0;
	}
	arena_free(arena);
	return result;
}

int db_replica_wait(struct db_conn *primary, struct db_conn *replica, struct arena *arena,
		    unsigned wait_ms)
{
	const struct timespec pause = { 0, POLL_PAUSE_US * 1000L };
	uint64_t deadline;
	const char *lsn;
	PGresult *res;
	int caught_up;

	if (db_query(primary, arena, &primary_position, 0, NULL, &res))
		return ERP_ERR_UNAVAILABLE;
	lsn = db_value(res, 0, "lsn");
	if (!lsn)
		return ERP_ERR_UNAVAILABLE;
	deadline = monotonic_ns() + (uint64_t)wait_ms * 1000000u;
	while ((caught_up = ask_replica(replica, lsn)) == 0 && monotonic_ns() < deadline)
		nanosleep(&pause, NULL);
	return caught_up == 1 ? ERP_OK : ERP_ERR_UNAVAILABLE;
}
