#ifndef ERP_PLATFORM_SCRIPT_AUDIT_H
#define ERP_PLATFORM_SCRIPT_AUDIT_H

#include <stddef.h>
#include <stdio.h>

struct db_conn;

/*
 * The read side of the admin scripts' audit trail (table script_executions,
 * written by server/scripts/runtime; the chain is defined in
 * shared-kernel/audit_chain.h). `erp-server audit verify-scripts` runs it.
 */

enum {
	SCRIPT_AUDIT_INTACT = 0,
	SCRIPT_AUDIT_BROKEN = 1,
};

/*
 * Reads every row in id order inside one read-only snapshot, recomputes each
 * row_hash from the row's columns and checks that each prev_hash is the
 * row_hash of the row before it (32 zero bytes for the first row). Never
 * writes. Prints a summary to out (may be NULL): row count, the head hash
 * (record it elsewhere to detect later truncation of the tail, which no
 * chain can detect on its own) and the runs that have a start row but no end
 * row (killed, or still running).
 *
 * Returns SCRIPT_AUDIT_INTACT; SCRIPT_AUDIT_BROKEN with err naming the first
 * broken row by id, run and phase; or a negative ERP_ERR_* code with err
 * saying why the table could not be read (ERP_ERR_UNAVAILABLE: database
 * unreachable; ERP_ERR_NOT_FOUND: no script_executions table).
 */
int script_audit_verify(struct db_conn *conn, FILE *out, char *err, size_t err_size);

#endif
