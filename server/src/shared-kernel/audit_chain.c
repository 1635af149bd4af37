#include "shared-kernel/audit_chain.h"

#include <sodium.h>
#include <string.h>

static const char chain_tag[] = "erp-chain-v1";
static const char mac_tag[] = "erp-event-mac-v1";

struct audit_chain_field audit_chain_text(const char *text)
{
	struct audit_chain_field field = { text, text ? strlen(text) : 0 };

	return field;
}

static void put_be(uint8_t *out, uint64_t value, int bytes)
{
	for (int i = bytes - 1; i >= 0; i--) {
		out[i] = (uint8_t)(value & 0xff);
		value >>= 8;
	}
}

/*
 * Calls emit(ctx, bytes, length) for each piece of the encoding in order: the
 * one definition both the buffer writer and the streaming hash use, so they
 * cannot drift apart.
 */
typedef void (*emit_fn)(void *ctx, const uint8_t *bytes, size_t length);

static void encode(const char *tag, const struct audit_chain_field *fields, size_t count,
		   emit_fn emit, void *ctx)
{
	uint8_t header[8];

	emit(ctx, (const uint8_t *)tag, strlen(tag));
	put_be(header, (uint64_t)count, 4);
	emit(ctx, header, 4);
	for (size_t i = 0; i < count; i++) {
		uint8_t present = fields[i].value ? 1 : 0;

		emit(ctx, &present, 1);
		if (!present)
			continue;
		put_be(header, (uint64_t)fields[i].length, 8);
		emit(ctx, header, 8);
		emit(ctx, (const uint8_t *)fields[i].value, fields[i].length);
	}
}

struct buffer_sink {
	uint8_t *out;
	size_t size;
	size_t length;
};

static void emit_to_buffer(void *ctx, const uint8_t *bytes, size_t length)
{
	struct buffer_sink *sink = ctx;

	if (sink->out && sink->length + length <= sink->size)
		memcpy(sink->out + sink->length, bytes, length);
	sink->length += length;
}

size_t audit_chain_encode(const struct audit_chain_field *fields, size_t count, uint8_t *out,
			  size_t out_size)
{
	struct buffer_sink sink = { out, out_size, 0 };

	encode(chain_tag, fields, count, emit_to_buffer, &sink);
	return sink.length;
}

static void emit_to_hash(void *ctx, const uint8_t *bytes, size_t length)
{
	crypto_generichash_update(ctx, bytes, length);
}

void audit_chain_hash(const uint8_t prev[AUDIT_CHAIN_HASH_BYTES],
		      const struct audit_chain_field *fields, size_t count,
		      uint8_t out[AUDIT_CHAIN_HASH_BYTES])
{
	static const uint8_t genesis[AUDIT_CHAIN_HASH_BYTES];
	crypto_generichash_state state;

	crypto_generichash_init(&state, NULL, 0, AUDIT_CHAIN_HASH_BYTES);
	crypto_generichash_update(&state, prev ? prev : genesis, AUDIT_CHAIN_HASH_BYTES);
	encode(chain_tag, fields, count, emit_to_hash, &state);
	crypto_generichash_final(&state, out, AUDIT_CHAIN_HASH_BYTES);
}

void audit_chain_mac(const uint8_t key[AUDIT_MAC_KEY_BYTES], const struct audit_chain_field *fields,
		     size_t count, uint8_t out[AUDIT_MAC_BYTES])
{
	crypto_generichash_state state;

	crypto_generichash_init(&state, key, AUDIT_MAC_KEY_BYTES, AUDIT_MAC_BYTES);
	encode(mac_tag, fields, count, emit_to_hash, &state);
	crypto_generichash_final(&state, out, AUDIT_MAC_BYTES);
	sodium_memzero(&state, sizeof(state));
}
