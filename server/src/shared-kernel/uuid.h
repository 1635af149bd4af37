#ifndef ERP_KERNEL_UUID_H
#define ERP_KERNEL_UUID_H

#include <stdbool.h>
#include <stdint.h>

/*
 * UUIDs for primary keys and request ids. erp_uuid_v7() makes RFC 9562
 * version 7 ids: 48-bit Unix milliseconds, then randomness from libsodium,
 * so ids sort by creation time (good for B-tree locality). Within one
 * millisecond, ids made by one thread are strictly increasing.
 */
struct erp_uuid {
	uint8_t bytes[16];
};

#define ERP_UUID_TEXT_LEN 36 /* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" */

/*
 * A new v7 UUID. Thread-safe and fork-safe (a child never reuses its parent's
 * buffered randomness); sodium_init() must have run. Ids of one thread carry a
 * 12-bit counter within each millisecond; a thread that makes more than about
 * 2048 in one millisecond borrows the next one, so its ids still increase.
 */
void erp_uuid_v7(struct erp_uuid *out);

/* A new v7 UUID in its canonical text form (a new row's id). */
void erp_uuid_v7_text(char out[ERP_UUID_TEXT_LEN + 1]);

/* Writes the canonical lower-case form and a NUL into out. */
void erp_uuid_format(const struct erp_uuid *id, char out[ERP_UUID_TEXT_LEN + 1]);

/*
 * Parses the canonical 36-character form (either case); anything else,
 * including braces, missing dashes or trailing bytes, returns -1. 0 on success.
 */
int erp_uuid_parse(const char *text, struct erp_uuid *out);

/* The version nibble (7 for erp_uuid_v7()). */
int erp_uuid_version(const struct erp_uuid *id);

/* The Unix time in milliseconds stored in a v7 id. */
uint64_t erp_uuid_v7_millis(const struct erp_uuid *id);

bool erp_uuid_equal(const struct erp_uuid *a, const struct erp_uuid *b);

#endif
