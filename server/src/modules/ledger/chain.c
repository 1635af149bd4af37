/*
 * An entry's hash from a row that holds what the hash covers (chain_form.h):
 * the sealer (sealer.c) computes it as it links a committed entry into its
 * company's chain, the verifier (integrity.c) recomputes it from what is
 * stored now. Both read the row with CHAIN_ROW_SQL (store_chain.c).
 */
#include <jansson.h>
#include <string.h>

#include "common/json.h"
#include "modules/ledger/chain_form.h"
#include "modules/ledger/internal.h"

int ledger_chain_hash_row(struct arena *arena, const char *company_id, PGresult *res, int row,
			  const char *position, const char *prev_hash,
			  char hex[LEDGER_CHAIN_HASH_HEX + 1])
{
	const char *text = db_value(res, row, "lines");
	json_t *lines = text ? erp_json_loadb(text, strlen(text), 0, NULL, NULL) : NULL;
	struct ledger_chain_line *parsed;
	size_t count;

	if (!lines || arena_cleanup_add(arena, (arena_cleanup_fn)json_decref, lines))
		return -1;
	count = json_array_size(lines);
	parsed = arena_calloc(arena, count ? count : 1, sizeof(*parsed));
	if (!parsed)
		return -1;
	for (size_t i = 0; i < count; i++) {
		json_t *line = json_array_get(lines, i);

#define TEXT(name) json_string_value(json_object_get(line, name))
		parsed[i] = (struct ledger_chain_line){
			.line_no = TEXT("line_no"), .account = TEXT("account"), .currency = TEXT("currency"),
			.debit_minor = TEXT("debit_minor"), .credit_minor = TEXT("credit_minor"),
			.description = TEXT("description"),
		};
#undef TEXT
	}
	ledger_chain_hash(&(struct ledger_chain_entry){
		.company_id = company_id, .position = position, .number = db_value(res, row, "number"),
		.date = db_value(res, row, "date"), .source = db_value(res, row, "source"),
		.memo = db_value(res, row, "memo"), .reference = db_value(res, row, "reference"),
		.author_id = db_value(res, row, "author_id"), .posted_by = db_value(res, row, "posted_by"),
		.lines = parsed, .line_count = count, .prev_hash = prev_hash,
	}, hex);
	return 0;
}
