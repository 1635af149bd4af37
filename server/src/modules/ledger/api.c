/*
 * The ledger's public API for other modules (ledger.h): post from code,
 * through the same create and post use cases as the HTTP routes
 * (entries.c), and read balances.
 */
#include <stdio.h>
#include <stdlib.h>

#include "modules/ledger/internal.h"
#include "shared-kernel/errors.h"
#include "shared-kernel/uuid.h"

/* A spec's side as the use case takes it: given in minor units, or not given. */
static struct ledger_amount side(bool given, int64_t minor)
{
	return given ? ledger_amount_minor(minor) : (struct ledger_amount){ .form = LEDGER_AMOUNT_NONE };
}

/* The spec's lines as the use case's input (arena); NULL when out of memory. */
static struct ledger_line_input *lines_of(struct arena *arena, const struct ledger_entry_spec *spec)
{
	struct ledger_line_input *lines = arena_calloc(arena, spec->line_count ? spec->line_count : 1,
						       sizeof(*lines));

	for (size_t i = 0; lines && i < spec->line_count; i++) {
		const struct ledger_line_spec *s = &spec->lines[i];

		lines[i].account = s->account;
		/* Neither side set is a debit of zero: "must be more than zero", as over HTTP. */
		lines[i].debit = side(s->debit_minor != 0 || s->credit_minor == 0, s->debit_minor);
		lines[i].credit = side(s->credit_minor != 0, s->credit_minor);
		lines[i].description = s->description;
	}
	return lines;
}

int ledger_post_entry(struct erp_ctx *ctx, const struct ledger_entry_spec *spec,
		      struct ledger_posted *out)
{
	struct ledger_entry_input in = {
		.date = spec->date, .memo = spec->memo, .reference = spec->reference,
		.source = spec->source, .lines = lines_of(ctx->arena, spec), .line_count = spec->line_count,
	};
	struct ledger_entry_created created = { 0 };
	struct ledger_entry_posted posted;
	int rc;

	if (!in.lines)
		return ERP_ERR_NO_MEMORY;
	erp_uuid_v7_text(created.id);
	rc = ledger_entry_create_in(ctx, &in, NULL, false, &created);
	if (!rc)
		rc = ledger_entry_post_in(ctx, &(struct ledger_posting_input){
			.id = created.id, .document_approved = true }, &posted);
	if (!rc) {
		snprintf(out->id, sizeof(out->id), "%s", created.id);
		snprintf(out->number, sizeof(out->number), "%s", posted.number);
	}
	/* Nobody posts into a closed period from code: for a module it is a conflict, not a permission. */
	if (rc == ERP_ERR_FORBIDDEN && ctx->refusal.code == ERP_ERR_FORBIDDEN)
		ctx->refusal.code = ERP_ERR_CONFLICT;
	return rc == ERP_ERR_FORBIDDEN ? ERP_ERR_CONFLICT : rc;
}

int ledger_account_balance(struct db_conn *db, struct arena *arena, const char *company_id,
			   const char *account, const char *as_of, int64_t *balance_minor)
{
	const char *params[] = { company_id, account, as_of };
	PGresult *res;
	int rc = db_query(db, arena, &ledger_sql_account_balance, 3, params, &res);

	if (rc)
		return rc;
	if (PQntuples(res) == 0)
		return ERP_ERR_NOT_FOUND;
	*balance_minor = strtoll(db_value(res, 0, "balance_minor"), NULL, 10);
	return ERP_OK;
}
