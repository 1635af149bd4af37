#ifndef ERP_MODULES_LEDGER_CHAIN_FORM_H
#define ERP_MODULES_LEDGER_CHAIN_FORM_H

/*
 * The canonical form of a posted journal entry and its hash, the links of
 * the company's hash chain (module-internal). The posting computes it
 * (posting.c) and `erp-server audit verify-ledger` recomputes it from what
 * the database holds (integrity.c); the migration that made the chain
 * computed it in SQL for the entries posted before (ledger_chain_hash_of(),
 * which the tests compare with this file).
 *
 * The form is the tag "erp-ledger-chain-v1", the field count as 4 bytes
 * big-endian, then per field one byte 0 (SQL NULL) or 1 (a value) and, for a
 * value, its length as 8 bytes big-endian and its UTF-8 bytes (the encoding
 * of shared-kernel/audit_chain.h, with its own tag), over these fields as
 * text, in this order:
 *
 *   company id, chain position (decimal), number, date (YYYY-MM-DD),
 *   source, memo, reference (or NULL), author id (or NULL), poster id,
 *   line count (decimal);
 *   per line, by line number: line number, account code, currency,
 *   debit and credit in minor units (decimal, "0" for the side not used),
 *   description (or NULL);
 *   the previous entry's hash (64 lower-case hex digits; NULL for the first).
 *
 * entry_hash = SHA-256 (libsodium's crypto_hash_sha256) of that form, as 64
 * lower-case hex digits. Ids are lower-case canonical UUIDs. Changing any of
 * this breaks every chain.
 */
#include <stddef.h>
#include <stdint.h>

enum { LEDGER_CHAIN_HASH_HEX = 64 };

struct ledger_chain_line {
	const char *line_no;
	const char *account;       /* code */
	const char *currency;
	const char *debit_minor;   /* decimal text, "0" when the line is a credit */
	const char *credit_minor;
	const char *description;   /* NULL: none */
};

struct ledger_chain_entry {
	const char *company_id;
	const char *position;      /* the entry's place in the company's chain: 1, 2, ... */
	const char *number;
	const char *date;
	const char *source;
	const char *memo;
	const char *reference;     /* NULL: none */
	const char *author_id;     /* NULL: none */
	const char *posted_by;
	const struct ledger_chain_line *lines;
	size_t line_count;
	const char *prev_hash;     /* hex; NULL for the company's first posted entry */
};

/*
 * Writes the canonical form of entry into out (size bytes) and returns its
 * length; with out NULL or too small, only returns the length needed.
 */
size_t ledger_chain_form(const struct ledger_chain_entry *entry, uint8_t *out, size_t size);

/*
 * The entry's hash as 64 lower-case hex digits and a NUL, into hex.
 * sodium_init() must have run.
 */
void ledger_chain_hash(const struct ledger_chain_entry *entry, char hex[LEDGER_CHAIN_HASH_HEX + 1]);

#endif
