#include "shared-kernel/cursor.h"

#include <sodium.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/*
 * The bytes behind the text:
 *
 *   version (1 byte) | key count (1 byte) | per key: length (2 bytes, big
 *   endian) then the key's bytes
 *
 * The count makes "zero keys" and "bytes after the last key" detectable on
 * their own; two length bytes because a key may be 256 bytes long.
 */
enum {
	CURSOR_VERSION = 1,
	CURSOR_HEADER_LEN = 2,
	KEY_LENGTH_PREFIX_LEN = 2,
	CURSOR_BINARY_MAX = CURSOR_HEADER_LEN +
			    ERP_CURSOR_MAX_KEYS * (KEY_LENGTH_PREFIX_LEN + ERP_CURSOR_MAX_KEY_LEN),
};

#define CURSOR_BASE64 sodium_base64_VARIANT_URLSAFE_NO_PADDING
#define CURSOR_ALPHABET "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

/* The promises of cursor.h: the largest cursor fits the text and storage limits. */
_Static_assert(sodium_base64_ENCODED_LEN(CURSOR_BINARY_MAX, CURSOR_BASE64) <= ERP_CURSOR_TEXT_MAX + 1,
	       "the largest cursor must encode within ERP_CURSOR_TEXT_MAX");
_Static_assert(ERP_CURSOR_MAX_KEYS * (ERP_CURSOR_MAX_KEY_LEN + 1) <= ERP_CURSOR_TEXT_MAX,
	       "ERP_CURSOR_TEXT_MAX bytes of storage must hold the largest decoded cursor");
_Static_assert(ERP_CURSOR_MAX_KEY_LEN <= UINT16_MAX, "key lengths are stored in two bytes");

/* A key the decoder would accept back: no NUL inside, since keys come back as C strings. */
static bool key_is_encodable(const char *key, size_t len)
{
	if (len > ERP_CURSOR_MAX_KEY_LEN)
		return false;
	if (len == 0)
		return true;
	return key && !memchr(key, '\0', len);
}

/* Returns the number of bytes written to binary, or 0 when the cursor cannot be encoded. */
static size_t write_binary(const struct erp_cursor *cursor, unsigned char binary[CURSOR_BINARY_MAX])
{
	size_t pos = CURSOR_HEADER_LEN;

	if (cursor->key_count < 1 || cursor->key_count > ERP_CURSOR_MAX_KEYS)
		return 0;
	binary[0] = CURSOR_VERSION;
	binary[1] = (unsigned char)cursor->key_count;
	for (int i = 0; i < cursor->key_count; i++) {
		size_t len = cursor->key_lengths[i];

		if (!key_is_encodable(cursor->keys[i], len))
			return 0;
		binary[pos++] = (unsigned char)(len >> 8);
		binary[pos++] = (unsigned char)len;
		if (len)
			memcpy(binary + pos, cursor->keys[i], len);
		pos += len;
	}
	return pos;
}

int erp_cursor_encode(const struct erp_cursor *cursor, char *out, size_t out_size)
{
	unsigned char binary[CURSOR_BINARY_MAX];
	size_t binary_len, text_size;

	if (!cursor || !out)
		return -1;
	binary_len = write_binary(cursor, binary);
	if (binary_len == 0)
		return -1;
	text_size = sodium_base64_ENCODED_LEN(binary_len, CURSOR_BASE64); /* NUL included */
	if (out_size < text_size)
		return -1;
	sodium_bin2base64(out, out_size, binary, binary_len, CURSOR_BASE64);
	return (int)(text_size - 1);
}

/*
 * Reads the bytes behind a cursor, copying each key NUL-terminated into
 * storage. Every length is checked against what remains before it is used.
 */
static int read_binary(const unsigned char *binary, size_t binary_len, struct erp_cursor *cursor,
		       char *storage, size_t storage_size)
{
	struct erp_cursor parsed = { 0 };
	size_t pos = CURSOR_HEADER_LEN, stored = 0;

	if (binary_len < CURSOR_HEADER_LEN || binary[0] != CURSOR_VERSION)
		return -1;
	parsed.key_count = binary[1];
	if (parsed.key_count < 1 || parsed.key_count > ERP_CURSOR_MAX_KEYS)
		return -1;
	for (int i = 0; i < parsed.key_count; i++) {
		size_t len;

		if (binary_len - pos < KEY_LENGTH_PREFIX_LEN)
			return -1;
		len = (size_t)binary[pos] << 8 | binary[pos + 1];
		pos += KEY_LENGTH_PREFIX_LEN;
		if (len > ERP_CURSOR_MAX_KEY_LEN || len > binary_len - pos)
			return -1;
		if (memchr(binary + pos, '\0', len))
			return -1;
		if (storage_size - stored < len + 1)
			return -1;
		memcpy(storage + stored, binary + pos, len);
		storage[stored + len] = '\0';
		parsed.keys[i] = storage + stored;
		parsed.key_lengths[i] = len;
		stored += len + 1;
		pos += len;
	}
	if (pos != binary_len)
		return -1;
	*cursor = parsed;
	return 0;
}

int erp_cursor_decode(const char *text, struct erp_cursor *cursor, char *storage,
		      size_t storage_size)
{
	/* Larger than any valid cursor, so sodium refuses oversize input for us. */
	unsigned char binary[CURSOR_BINARY_MAX];
	size_t text_len, binary_len;

	if (!text || !cursor || !storage)
		return -1;
	text_len = strnlen(text, ERP_CURSOR_TEXT_MAX + 1);
	if (text_len == 0 || text_len > ERP_CURSOR_TEXT_MAX)
		return -1;
	/*
	 * libsodium 1.0.18 reads every byte from 0x80 up as '_' instead of
	 * refusing it, which would give one cursor many spellings: only the
	 * alphabet itself is base64url here.
	 */
	if (strspn(text, CURSOR_ALPHABET) != text_len)
		return -1;
	/*
	 * No characters to ignore and no end pointer: any character outside the
	 * base64url alphabet (padding included) fails the whole decode.
	 */
	if (sodium_base642bin(binary, sizeof(binary), text, text_len, NULL, &binary_len, NULL,
			      CURSOR_BASE64) != 0)
		return -1;
	return read_binary(binary, binary_len, cursor, storage, storage_size);
}
