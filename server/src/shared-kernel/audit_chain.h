#ifndef ERP_KERNEL_AUDIT_CHAIN_H
#define ERP_KERNEL_AUDIT_CHAIN_H

#include <stddef.h>
#include <stdint.h>

/*
 * Canonical encodings of audit rows, and the two digests made of them: the
 * hash chain of script_executions and the keyed MAC of audit_events.
 *
 * Hash chains for append-only audit tables (script_executions). Each row
 * stores prev_hash (the row_hash of the row before it; 32 zero bytes for the
 * first) and
 *
 *   row_hash = BLAKE2b-256(prev_hash || encoding(fields))
 *
 * computed with libsodium's crypto_generichash. The encoding is canonical and
 * unambiguous: the tag "erp-chain-v1", the field count as 4 bytes big-endian,
 * then per field one byte 0 (SQL NULL) or 1 (a value) and, for a value, its
 * length as 8 bytes big-endian followed by its bytes. So ("ab", "c") and
 * ("a", "bc") differ, and NULL differs from "".
 *
 * Fields are the columns' text as the verifier reads them back from the
 * database, so writer and verifier must produce the very same text: the
 * columns, their order and their text forms are fixed below. Changing any of
 * this breaks every existing chain.
 */
enum { AUDIT_CHAIN_HASH_BYTES = 32 };

/* One field: length bytes at value, or SQL NULL when value is NULL. */
struct audit_chain_field {
	const char *value;
	size_t length;
};

/* A field from a NUL-terminated string (NULL stays NULL). */
struct audit_chain_field audit_chain_text(const char *text);

/*
 * The encoding in pieces, for a form whose fields are not at hand as one
 * array (the ledger's chain, modules/ledger/chain_form.h): emit(ctx, bytes,
 * length) receives each piece in order. The header is the tag and the field
 * count; then one audit_chain_emit_field() per field, count of them.
 */
typedef void (*audit_chain_emit_fn)(void *ctx, const uint8_t *bytes, size_t length);

void audit_chain_emit_header(const char *tag, size_t count, audit_chain_emit_fn emit, void *ctx);
void audit_chain_emit_field(struct audit_chain_field field, audit_chain_emit_fn emit, void *ctx);

/*
 * An emit target that writes into out (size bytes) while it fits and counts
 * every byte in length: pass audit_chain_to_buffer and a struct
 * audit_chain_buffer { out, size, 0 }; with out NULL or too small, length is
 * still the length needed.
 */
struct audit_chain_buffer {
	uint8_t *out;
	size_t size;
	size_t length;
};

void audit_chain_to_buffer(void *buffer, const uint8_t *bytes, size_t length);

/*
 * Writes the encoding of fields into out (out_size bytes) and returns its
 * length; when out is NULL or too small, only returns the length needed.
 */
size_t audit_chain_encode(const struct audit_chain_field *fields, size_t count, uint8_t *out,
			  size_t out_size);

/*
 * row_hash of a row whose predecessor's hash is prev (NULL: the first row,
 * treated as 32 zero bytes). sodium_init() must have run.
 */
void audit_chain_hash(const uint8_t prev[AUDIT_CHAIN_HASH_BYTES],
		      const struct audit_chain_field *fields, size_t count,
		      uint8_t out[AUDIT_CHAIN_HASH_BYTES]);

/*
 * The columns of script_executions covered by row_hash, in hashing order,
 * and the text form of each (what the verifier selects):
 *
 *   id             decimal                       run_id       lower-case canonical UUID
 *   dry_run        "true" / "false"              exit_code    decimal, or NULL
 *   arguments, affected   jsonb::text (PostgreSQL's canonical jsonb output)
 *   started_at, ended_at  to_char(x AT TIME ZONE 'UTC', AUDIT_CHAIN_TIME_FORMAT)
 *   every other column    the text as stored
 *
 * row_hash and prev_hash are not fields: prev_hash enters the hash directly.
 */
enum audit_script_field {
	AUDIT_SCRIPT_ID,
	AUDIT_SCRIPT_RUN_ID,
	AUDIT_SCRIPT_PHASE,
	AUDIT_SCRIPT_SCRIPT,
	AUDIT_SCRIPT_ENVIRONMENT,
	AUDIT_SCRIPT_HOST,
	AUDIT_SCRIPT_EXECUTOR_OS_USER,
	AUDIT_SCRIPT_SUDO_USER,
	AUDIT_SCRIPT_EXECUTOR,
	AUDIT_SCRIPT_ARGUMENTS,
	AUDIT_SCRIPT_REASON,
	AUDIT_SCRIPT_DRY_RUN,
	AUDIT_SCRIPT_STATUS,
	AUDIT_SCRIPT_EXIT_CODE,
	AUDIT_SCRIPT_MESSAGE,
	AUDIT_SCRIPT_AFFECTED,
	AUDIT_SCRIPT_STARTED_AT,
	AUDIT_SCRIPT_ENDED_AT,
	AUDIT_SCRIPT_BINARY_VERSION,
	AUDIT_SCRIPT_DATABASE_NAME,
	AUDIT_SCRIPT_FIELD_COUNT
};

/* UTC with microseconds, "2026-11-23T10:15:42.123456Z", for SQL to_char(). */
#define AUDIT_CHAIN_TIME_FORMAT "YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\""

/*
 * The keyed MAC of an audit_events row, written by the server (which holds
 * the key, platform/audit_key.h) and recomputed by `erp-server audit
 * verify-events`; the database never holds the key, so whoever can write
 * the table but not read the key cannot make a row that verifies.
 *
 *   mac = BLAKE2b-256 keyed with key (crypto_generichash with a key) of the
 *         same encoding as above, with the tag "erp-event-mac-v1"
 *
 * over these fields, in this order, as text:
 *
 *   id, actor_id, company_id  lower-case canonical UUID (uuid::text), or NULL
 *   changes                   canonical JSON: jansson's JSON_COMPACT |
 *                             JSON_SORT_KEYS dump of the value (the verifier
 *                             parses jsonb::text and dumps it the same way)
 *   every other column        the text as stored, or NULL
 *
 * occurred_at is not covered: the database sets it (a BEFORE INSERT trigger)
 * after the MAC is made.
 */
enum { AUDIT_MAC_BYTES = 32, AUDIT_MAC_KEY_BYTES = 32 };

enum audit_event_field {
	AUDIT_EVENT_ID,
	AUDIT_EVENT_ACTOR_ID,
	AUDIT_EVENT_ACTION,
	AUDIT_EVENT_COMPANY_ID,
	AUDIT_EVENT_ENTITY,
	AUDIT_EVENT_ENTITY_ID,
	AUDIT_EVENT_REQUEST_ID,
	AUDIT_EVENT_CHANGES,
	AUDIT_EVENT_REASON,
	AUDIT_EVENT_FIELD_COUNT
};

/*
 * The MAC of fields (count of them) under key. sodium_init() must have run.
 * Compare MACs with sodium_memcmp(), never memcmp().
 */
void audit_chain_mac(const uint8_t key[AUDIT_MAC_KEY_BYTES], const struct audit_chain_field *fields,
		     size_t count, uint8_t out[AUDIT_MAC_BYTES]);

#endif
