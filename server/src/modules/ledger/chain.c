/*
 * Linking a posting into its company's hash chain (chain_form.h): the
 * posting's lock round trip also reads what the hash covers and then takes
 * the company's chain head (FOR UPDATE, after the entry's period, company
 * and accounts, before its number); once the number is known the hash is
 * computed here, and the mark round trip stores it and moves the head. The
 * head serialises a company's postings until commit, which the numbering
 * row already did per fiscal year: docs/benchmarks.md ("Posting throughput
 * beside the commit before") has the cost.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modules/ledger/chain_form.h"
#include "modules/ledger/internal.h"
#include "shared-kernel/errors.h"

void ledger_chain_queue_lock(struct db_batch *batch, const char *const key[2],
			     struct ledger_chain_link *link)
{
	/* The content first: the entry is locked already, and what runs after the head's lock
	   runs while the company's other postings wait for it. */
	db_batch_add(batch, &ledger_sql_chain_content, 2, key, &link->content);
	db_batch_add(batch, &ledger_sql_chain_head_ensure, 2, key, NULL);
	db_batch_add(batch, &ledger_sql_chain_head_lock, 2, key, &link->head);
}

int ledger_chain_link_make(struct erp_ctx *ctx, struct ledger_chain_link *link, const char *entry_id,
			   const char *number)
{
	PGresult *content = link->content;
	int rows = PQntuples(content);
	struct ledger_chain_line *lines;
	long long last_seq;

	if (PQntuples(link->head) != 1 || rows < 1)
		return ERP_ERR_INTERNAL; /* the entry was locked in the same round trip */
	lines = arena_calloc(ctx->arena, (size_t)rows, sizeof(*lines));
	if (!lines)
		return ERP_ERR_NO_MEMORY;
	for (int row = 0; row < rows; row++)
		lines[row] = (struct ledger_chain_line){
			.line_no = db_value(content, row, "line_no"),
			.account = db_value(content, row, "account"),
			.currency = db_value(content, row, "currency"),
			.debit_minor = db_value(content, row, "debit_minor"),
			.credit_minor = db_value(content, row, "credit_minor"),
			.description = db_value(content, row, "description"),
		};
	last_seq = strtoll(db_value(link->head, 0, "last_seq"), NULL, 10);
	snprintf(link->position, sizeof(link->position), "%lld", last_seq + 1);
	link->prev_hash = db_value(link->head, 0, "last_hash");
	link->entry_id = entry_id;
	ledger_chain_hash(&(struct ledger_chain_entry){
		.company_id = ctx->company->id, .position = link->position, .number = number,
		.date = db_value(content, 0, "date"), .source = db_value(content, 0, "source"),
		.memo = db_value(content, 0, "memo"), .reference = db_value(content, 0, "reference"),
		.author_id = db_value(content, 0, "author_id"), .posted_by = ctx->actor_id,
		.lines = lines, .line_count = (size_t)rows, .prev_hash = link->prev_hash,
	}, link->hash);
	return ERP_OK;
}

void ledger_chain_queue_advance(struct erp_ctx *ctx, struct db_batch *batch,
				const struct ledger_chain_link *link)
{
	const char *params[] = { ctx->company->id, link->position, link->hash, link->entry_id };

	db_batch_add(batch, &ledger_sql_chain_head_advance, 4, params, NULL);
}
