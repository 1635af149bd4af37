#ifndef ERP_PLATFORM_SCRIPT_AUDIT_H
#define ERP_PLATFORM_SCRIPT_AUDIT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "shared-kernel/audit_chain.h"

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
 * A head of the chain recorded outside the database: every script run
 * prints the last row it wrote as "audit chain head: ID:HEX" (row id, its
 * row_hash in hex), and `verify-scripts --head ID:HEX` checks against it.
 */
struct script_audit_head {
	long long id;
	uint8_t row_hash[AUDIT_CHAIN_HASH_BYTES];
};

/* Parses "ID:HEX" (a positive decimal id, 64 hex digits). 0, or -1 when malformed. */
int script_audit_head_parse(const char *text, struct script_audit_head *head);

/*
 * Reads every row in id order inside one read-only snapshot, recomputes each
 * row_hash from the row's columns and checks that each prev_hash is the
 * row_hash of the row before it (32 zero bytes for the first row). With a
 * head (may be NULL), also checks that row head->id is still there with
 * head->row_hash: since the chain up to it verifies, the rows up to it are
 * the ones that were there when the head was recorded, so cutting the chain
 * back below it, or rewriting any row up to it and re-chaining the rest
 * (which a chain alone cannot notice), is detected. Rows after the head are
 * checked by the chain only. Never writes. Prints a summary to out (may be
 * NULL): row count, the head hash (record it elsewhere), whether the
 * recorded head matched, and the runs that have a start row but no end row
 * (killed, or still running).
 *
 * Returns SCRIPT_AUDIT_INTACT; SCRIPT_AUDIT_BROKEN with err naming the first
 * broken row by id, run and phase, or the recorded head that no longer
 * matches; or a negative ERP_ERR_* code with err saying why the table could
 * not be read (ERP_ERR_UNAVAILABLE: database unreachable; ERP_ERR_NOT_FOUND:
 * no script_executions table).
 */
int script_audit_verify(struct db_conn *conn, const struct script_audit_head *head, FILE *out,
			char *err, size_t err_size);

#endif
