/*
 * The canonical form of a posted entry and its SHA-256 (chain_form.h): one
 * walk over the fields feeds both the byte writer the unit tests read and
 * the streaming hash the posting and the verifier use, so they cannot
 * drift apart.
 */
#include "modules/ledger/chain_form.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

static const char tag[] = "erp-ledger-chain-v1";

enum { HEADER_FIELDS = 10, LINE_FIELDS = 6 };

typedef void (*emit_fn)(void *sink, const uint8_t *bytes, size_t length);

static void put_be(uint8_t *out, uint64_t value, int bytes)
{
	for (int i = bytes - 1; i >= 0; i--) {
		out[i] = (uint8_t)(value & 0xff);
		value >>= 8;
	}
}

static void field(const char *value, emit_fn emit, void *sink)
{
	uint8_t present = value ? 1 : 0, length[8];

	emit(sink, &present, 1);
	if (!value)
		return;
	put_be(length, (uint64_t)strlen(value), 8);
	emit(sink, length, 8);
	emit(sink, (const uint8_t *)value, strlen(value));
}

static void walk(const struct ledger_chain_entry *e, emit_fn emit, void *sink)
{
	char line_count[24];
	uint8_t count[4];

	emit(sink, (const uint8_t *)tag, strlen(tag));
	put_be(count, (uint64_t)(HEADER_FIELDS + LINE_FIELDS * e->line_count + 1), 4);
	emit(sink, count, 4);
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

struct buffer_sink {
	uint8_t *out;
	size_t size;
	size_t length;
};

static void to_buffer(void *sink, const uint8_t *bytes, size_t length)
{
	struct buffer_sink *b = sink;

	if (b->out && b->length + length <= b->size)
		memcpy(b->out + b->length, bytes, length);
	b->length += length;
}

size_t ledger_chain_form(const struct ledger_chain_entry *entry, uint8_t *out, size_t size)
{
	struct buffer_sink sink = { out, size, 0 };

	walk(entry, to_buffer, &sink);
	return sink.length;
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
