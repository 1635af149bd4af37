#ifndef ERP_KERNEL_CURSOR_H
#define ERP_KERNEL_CURSOR_H

#include <stddef.h>

/*
 * Opaque pagination cursors. A cursor carries the sort key of the last row a
 * page returned (up to ERP_CURSOR_MAX_KEYS strings, e.g. a code and an id);
 * the next query continues strictly after it. Clients see only a base64url
 * token; the decoder rejects anything the encoder could not have produced
 * (wrong version, bad length prefixes, trailing bytes, oversize), so a
 * hostile cursor becomes a 400, never a crash or an odd query.
 */
enum { ERP_CURSOR_MAX_KEYS = 4, ERP_CURSOR_MAX_KEY_LEN = 256, ERP_CURSOR_TEXT_MAX = 1400 };

struct erp_cursor {
	int key_count;
	const char *keys[ERP_CURSOR_MAX_KEYS];      /* NUL-terminated */
	size_t key_lengths[ERP_CURSOR_MAX_KEYS];
};

/*
 * Encodes the cursor as base64url text (no padding) into out. Keys are read
 * as key_lengths[i] bytes (any byte but NUL; an empty key may be NULL).
 * Returns the text length, or -1 when a key is too long or holds a NUL,
 * key_count is not 1..ERP_CURSOR_MAX_KEYS, or out_size is too small
 * (ERP_CURSOR_TEXT_MAX + 1 always suffices).
 */
int erp_cursor_encode(const struct erp_cursor *cursor, char *out, size_t out_size);

/*
 * Decodes text into cursor. keys point into storage (storage_size bytes,
 * ERP_CURSOR_TEXT_MAX suffices), each NUL-terminated. Returns 0, or -1 for
 * any malformed cursor, in which case *cursor is untouched (storage may not be).
 */
int erp_cursor_decode(const char *text, struct erp_cursor *cursor, char *storage,
		      size_t storage_size);

#endif
