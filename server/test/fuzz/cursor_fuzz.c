/*
 * Fuzz target: pagination cursors (shared-kernel/cursor.h), both ways. The
 * first byte picks the direction:
 *
 *   even ('d'): the rest, up to a NUL, is cursor text for
 *       erp_cursor_decode(), as a client could send it. The decoder promises
 *       to refuse anything the encoder could not have produced, so an
 *       accepted text must encode back to itself, byte for byte. It must
 *       also work in storage of exactly the size its keys need, refuse one
 *       byte less, and leave the cursor untouched when it refuses.
 *   odd ('e'): the next byte is the key count ('0' + n), the rest is keys
 *       separated by '|' for erp_cursor_encode(). It must succeed exactly
 *       when the count is 1..ERP_CURSOR_MAX_KEYS and every key is at most
 *       ERP_CURSOR_MAX_KEY_LEN bytes without a NUL (an empty key is passed
 *       as NULL), write within an output buffer of exactly the promised
 *       size, refuse one byte less, and decode back to the same keys.
 *
 * Storage and output buffers are heap blocks of exactly the size given, so
 * AddressSanitizer sees a write one byte too far.
 */
#include <sodium.h>
#include <stdbool.h>
#include <string.h>

#include "shared-kernel/cursor.h"
#include "test/fuzz/fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (sodium_init() < 0) {
		fprintf(stderr, "cursor_fuzz: sodium_init failed\n");
		exit(1);
	}
	return 0;
}

static bool same_cursor(const struct erp_cursor *a, const struct erp_cursor *b)
{
	if (a->key_count != b->key_count)
		return false;
	for (int i = 0; i < a->key_count; i++) {
		if (a->key_lengths[i] != b->key_lengths[i])
			return false;
		if (a->key_lengths[i] && memcmp(a->keys[i], b->keys[i], a->key_lengths[i]) != 0)
			return false;
	}
	return true;
}

/* Decodes into storage of exactly storage_size bytes; checks what any result promises. */
static int decode_in(const char *text, size_t storage_size, struct erp_cursor *cursor)
{
	struct erp_cursor before;
	char *storage = malloc(storage_size ? storage_size : 1);
	int result;

	FUZZ_CHECK(storage != NULL);
	memset(cursor, 0xA5, sizeof(*cursor));
	before = *cursor;
	result = erp_cursor_decode(text, cursor, storage, storage_size);
	if (result != 0) {
		FUZZ_CHECK(result == -1);
		FUZZ_CHECK(memcmp(&before, cursor, sizeof(before)) == 0);
		free(storage);
		return result;
	}
	FUZZ_CHECK(cursor->key_count >= 1 && cursor->key_count <= ERP_CURSOR_MAX_KEYS);
	for (int i = 0; i < cursor->key_count; i++) {
		FUZZ_CHECK(cursor->key_lengths[i] <= ERP_CURSOR_MAX_KEY_LEN);
		FUZZ_CHECK(cursor->keys[i] >= storage &&
			   cursor->keys[i] + cursor->key_lengths[i] < storage + storage_size);
		FUZZ_CHECK(strlen(cursor->keys[i]) == cursor->key_lengths[i]);
	}
	free(storage);
	/* The keys pointed into storage: only counts and lengths may be used now. */
	for (int i = 0; i < cursor->key_count; i++)
		cursor->keys[i] = NULL;
	return 0;
}

static void check_decode(const char *text)
{
	char storage[ERP_CURSOR_TEXT_MAX];
	char again[ERP_CURSOR_TEXT_MAX + 1];
	struct erp_cursor cursor, probe;
	size_t needed = 0;
	int length;

	if (decode_in(text, ERP_CURSOR_TEXT_MAX, &probe) != 0)
		return;
	FUZZ_CHECK(erp_cursor_decode(text, &cursor, storage, sizeof(storage)) == 0);
	FUZZ_CHECK(cursor.key_count == probe.key_count);

	/* Canonical: the one text the encoder writes for these keys. */
	length = erp_cursor_encode(&cursor, again, sizeof(again));
	FUZZ_CHECK(length > 0 && length <= ERP_CURSOR_TEXT_MAX);
	FUZZ_CHECK(strcmp(again, text) == 0);

	for (int i = 0; i < cursor.key_count; i++)
		needed += cursor.key_lengths[i] + 1;
	FUZZ_CHECK(needed <= ERP_CURSOR_TEXT_MAX);
	FUZZ_CHECK(decode_in(text, needed, &probe) == 0);
	FUZZ_CHECK(decode_in(text, needed - 1, &probe) == -1);
}

static void check_encode(const uint8_t *data, size_t size)
{
	struct erp_cursor cursor = { 0 }, back;
	char storage[ERP_CURSOR_TEXT_MAX];
	const char *keys = (const char *)data + 1, *end = (const char *)data + size;
	bool encodable;
	int length;
	char *text;

	if (size < 1)
		return;
	cursor.key_count = (int8_t)(data[0] - '0');
	encodable = cursor.key_count >= 1 && cursor.key_count <= ERP_CURSOR_MAX_KEYS;
	for (int i = 0; i < ERP_CURSOR_MAX_KEYS && i < cursor.key_count; i++) {
		const char *bar = memchr(keys, '|', (size_t)(end - keys));
		size_t key_length = (size_t)((bar ? bar : end) - keys);

		cursor.keys[i] = key_length ? keys : NULL;
		cursor.key_lengths[i] = key_length;
		if (key_length > ERP_CURSOR_MAX_KEY_LEN || memchr(keys, '\0', key_length))
			encodable = false;
		keys = bar ? bar + 1 : end;
	}

	text = malloc(ERP_CURSOR_TEXT_MAX + 1);
	FUZZ_CHECK(text != NULL);
	length = erp_cursor_encode(&cursor, text, ERP_CURSOR_TEXT_MAX + 1);
	free(text);
	if (!encodable) {
		FUZZ_CHECK(length == -1);
		return;
	}
	FUZZ_CHECK(length > 0 && length <= ERP_CURSOR_TEXT_MAX);

	/* Exactly length + 1 bytes suffice; length bytes do not. */
	text = malloc((size_t)length);
	FUZZ_CHECK(text != NULL);
	FUZZ_CHECK(erp_cursor_encode(&cursor, text, (size_t)length) == -1);
	free(text);
	text = malloc((size_t)length + 1);
	FUZZ_CHECK(text != NULL);
	FUZZ_CHECK(erp_cursor_encode(&cursor, text, (size_t)length + 1) == length);
	FUZZ_CHECK(strlen(text) == (size_t)length);

	FUZZ_CHECK(erp_cursor_decode(text, &back, storage, sizeof(storage)) == 0);
	FUZZ_CHECK(same_cursor(&cursor, &back));
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t length;
	char *text;

	if (size == 0)
		return 0;
	if (data[0] % 2) {
		check_encode(data + 1, size - 1);
		return 0;
	}
	length = strnlen((const char *)data + 1, size - 1);
	text = malloc(length + 1);
	FUZZ_CHECK(text != NULL);
	memcpy(text, data + 1, length);
	text[length] = '\0';
	check_decode(text);
	free(text);
	return 0;
}
