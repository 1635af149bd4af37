#ifndef ERP_PLATFORM_AUDIT_MAC_H
#define ERP_PLATFORM_AUDIT_MAC_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "shared-kernel/audit_chain.h"

/*
 * The keyed MAC of audit_events rows (the encoding is in
 * shared-kernel/audit_chain.h): its key, read from the file named by
 * ERP_AUDIT_KEY_FILE, and the MAC of one row. The server writes a MAC with
 * every row (platform/audit/audit.c); `erp-server audit verify-events`
 * (platform/audit/event_audit.c) recomputes them. The key never goes to the
 * database, a log line or a command line.
 */

enum { AUDIT_KEY_FILE_MIN_BYTES = 32, AUDIT_KEY_FILE_MAX_BYTES = 4096 };

struct audit_key {
	uint8_t bytes[AUDIT_MAC_KEY_BYTES];
};

/*
 * Reads the key file at path: a regular file of AUDIT_KEY_FILE_MIN_BYTES to
 * AUDIT_KEY_FILE_MAX_BYTES bytes (any bytes: raw random, or hex or base64
 * text of as many) that neither group nor others may access (mode 600 or
 * 400). The key is BLAKE2b-256 of a fixed tag and the file's bytes, so any
 * length gives a 32-byte key. Returns 0, or -1 with one sentence in err
 * that names ERP_AUDIT_KEY_FILE and never the contents (path empty: not
 * set). sodium_init() must have run.
 */
int audit_key_load(const char *path, struct audit_key *key, char *err, size_t err_size);

/* Overwrites the key with zeros. */
void audit_key_wipe(struct audit_key *key);

/*
 * The texts a row's MAC covers, as audit_chain.h defines them: lower-case
 * canonical UUIDs, changes in canonical JSON (audit_changes_canonical()),
 * NULL for SQL NULL.
 */
struct audit_event_text {
	const char *id;
	const char *actor_id;
	const char *action;
	const char *company_id;
	const char *entity;
	const char *entity_id;
	const char *request_id;
	const char *changes;
	const char *reason;
};

/* The MAC of row under key. */
void audit_event_mac(const struct audit_key *key, const struct audit_event_text *row,
		     uint8_t mac[AUDIT_MAC_BYTES]);

/*
 * The canonical JSON text of an event's changes: compact, keys sorted. The
 * writer stores and MACs this text; the verifier parses the stored jsonb and
 * makes it again. Freed with free(); NULL when out of memory.
 */
char *audit_changes_canonical(const json_t *changes);

#endif
