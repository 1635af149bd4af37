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

void audit_chain_emit_header(const char *tag, size_t count, audit_chain_emit_fn emit, void *ctx)
{
	uint8_t be_count[4];

	emit(ctx, (const uint8_t *)tag, strlen(tag));
	put_be(be_count, (uint64_t)count, 4);
	emit(ctx, be_count, 4);
}

void audit_chain_emit_field(struct audit_chain_field field, audit_chain_emit_fn emit, void *ctx)
{
	uint8_t present = field.value ? 1 : 0, length[8];

	emit(ctx, &present, 1);
	if (!present)
		return;
	put_be(length, (uint64_t)field.length, 8);
	emit(ctx, length, 8);
	emit(ctx, (const uint8_t *)field.value, field.length);
}

/*
 * The whole encoding of fields, piece by piece: the one definition the
 * buffer writer, the streaming hashes and the ledger's chain use, so they
 * cannot drift apart.
 */
static void encode(const char *tag, const struct audit_chain_field *fields, size_t count,
		   audit_chain_emit_fn emit, void *ctx)
{
	audit_chain_emit_header(tag, count, emit, ctx);
	for (size_t i = 0; i < count; i++)
		audit_chain_emit_field(fields[i], emit, ctx);
}

void audit_chain_to_buffer(void *buffer, const uint8_t *bytes, size_t length)
{
	struct audit_chain_buffer *b = buffer;

	if (b->out && b->length + length <= b->size)
		memcpy(b->out + b->length, bytes, length);
	b->length += length;
}

size_t audit_chain_encode(const struct audit_chain_field *fields, size_t count, uint8_t *out,
			  size_t out_size)
{
	struct audit_chain_buffer buffer = { out, out_size, 0 };

	encode(chain_tag, fields, count, audit_chain_to_buffer, &buffer);
	return buffer.length;
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
