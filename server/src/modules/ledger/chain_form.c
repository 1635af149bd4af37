/*
 * The canonical form of a posted entry and its SHA-256 (chain_form.h): one
 * walk over the fields, in the kernel's field encoding (the audit chain's,
 * shared-kernel/audit_chain.h, with the ledger's tag), feeds both the byte
 * writer the unit tests read and the streaming hash the posting and the
 * verifier use, so they cannot drift apart.
 */
#include "modules/ledger/chain_form.h"

#include <sodium.h>
#include <stdio.h>

#include "shared-kernel/audit_chain.h"

static const char tag[] = "erp-ledger-chain-v1";

enum { HEADER_FIELDS = 10, LINE_FIELDS = 6 };

/* One field of the form: the kernel's field encoding (shared-kernel/audit_chain.h). */
static void field(const char *value, audit_chain_emit_fn emit, void *sink)
{
	audit_chain_emit_field(audit_chain_text(value), emit, sink);
}

static void walk(const struct ledger_chain_entry *e, audit_chain_emit_fn emit, void *sink)
{
	char line_count[24];

	audit_chain_emit_header(tag, HEADER_FIELDS + LINE_FIELDS * e->line_count + 1, emit, sink);
	snprintf(line_count, sizeof(line_count), "%zu", e->line_count);
	field(e->company_id, emit, sink);
	field(e->position, emit, sink);
	field(e->number, emit, sink);
	field(e->date, emit, sink);
	field(e->source, emit, sink);
	field(e->memo, emit, sink);
	field(e->reference, emit, sink);
	field(e->author_id, emit, sink);
	field(e->posted_by, emit, sink);
	field(line_count, emit, sink);
	for (size_t i = 0; i < e->line_count; i++) {
		const struct ledger_chain_line *l = &e->lines[i];

		field(l->line_no, emit, sink);
		field(l->account, emit, sink);
		field(l->currency, emit, sink);
		field(l->debit_minor, emit, sink);
		field(l->credit_minor, emit, sink);
		field(l->description, emit, sink);
	}
	field(e->prev_hash, emit, sink);
}

size_t ledger_chain_form(const struct ledger_chain_entry *entry, uint8_t *out, size_t size)
{
	struct audit_chain_buffer buffer = { out, size, 0 };

	walk(entry, audit_chain_to_buffer, &buffer);
	return buffer.length;
}

static void to_hash(void *sink, const uint8_t *bytes, size_t length)
{
	crypto_hash_sha256_update(sink, bytes, length);
}

void ledger_chain_hash(const struct ledger_chain_entry *entry, char hex[LEDGER_CHAIN_HASH_HEX + 1])
{
	crypto_hash_sha256_state state;
	uint8_t digest[crypto_hash_sha256_BYTES];

	crypto_hash_sha256_init(&state);
	walk(entry, to_hash, &state);
	crypto_hash_sha256_final(&state, digest);
	sodium_bin2hex(hex, LEDGER_CHAIN_HASH_HEX + 1, digest, sizeof(digest));
}
