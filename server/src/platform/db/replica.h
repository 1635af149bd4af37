#ifndef ERP_PLATFORM_DB_REPLICA_H
#define ERP_PLATFORM_DB_REPLICA_H

#include "common/arena.h"
#include "platform/db/db.h"

/*
 * Reads from a streaming replica that see the caller's own writes.
 *
 * A replica applies the primary's WAL a little later than the primary
 * commits (on loopback, reads right after a write missed it more often than
 * not). Before a read is sent to the replica, the primary's WAL position is
 * read (pg_current_wal_lsn(), its own statement: every commit the caller has
 * been told of lies before it), and the replica is asked, again and again
 * for at most wait_ms, whether it has replayed that far. So a replica read
 * sees every commit made before the request began, the caller's own and
 * everyone else's, whichever erp-server replica served the write: no state
 * is carried per user or token, at the cost of one short round trip to the
 * primary per replica read.
 */

/*
 * 0 when replica has replayed everything primary had written when this was
 * called (within wait_ms); ERP_ERR_UNAVAILABLE when it had not by then, is
 * no standby (promoted, or pointed at a primary), or either database could
 * not be asked: then the caller reads the primary instead. Results live in
 * arena.
 */
int db_replica_wait(struct db_conn *primary, struct db_conn *replica, struct arena *arena,
		    unsigned wait_ms);

#endif
