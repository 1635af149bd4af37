#ifndef ERP_PLATFORM_EVENT_AUDIT_H
#define ERP_PLATFORM_EVENT_AUDIT_H

#include <stddef.h>
#include <stdio.h>

struct audit_key;
struct db_conn;

/*
 * The read side of the MACs of audit_events (platform/audit/audit_mac.h):
 * `erp-server audit verify-events` runs it.
 */

enum {
	EVENT_AUDIT_INTACT = 0,
	EVENT_AUDIT_BROKEN = 1,
};

/*
 * Reads every audit_events row in id order inside one read-only snapshot
 * and checks it: a row with a MAC must carry the MAC of its columns under
 * key; a row without one must belong to an admin script's run (request id
 * "script:<run id>" with that run's start row in script_executions, and no
 * actor); every "script:" row must name a run that exists. Never writes.
 *
 * Prints to out (may be NULL) one line per row that fails (the first 100;
 * id, action, actor, request id, time and what is wrong), then a summary.
 * Returns EVENT_AUDIT_INTACT; EVENT_AUDIT_BROKEN with err saying how many
 * rows failed; or a negative ERP_ERR_* code with err saying why the table
 * could not be read (ERP_ERR_UNAVAILABLE: database unreachable;
 * ERP_ERR_NOT_FOUND: audit_events has no MAC column yet).
 */
int event_audit_verify(struct db_conn *conn, const struct audit_key *key, FILE *out, char *err,
		       size_t err_size);

#endif
