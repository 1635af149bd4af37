/*
 * Posting a credit note: the mirror of its invoice's entry for what it
 * takes back. In one transaction, under its customer's lock: the draft at
 * the version read, four-eyes (the poster is not the author), never more
 * taken back than was invoiced across all the invoice's posted credit
 * notes, the next gapless number of the CN series, the ledger entry
 * through ledger.h (Dr revenue and output tax, Cr receivable), its open
 * item, and that item set against the invoice as far as the invoice still
 * owes. A refusal anywhere rolls all of it back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "modules/ledger/ledger.h"
#include "modules/partners/partners.h"
#include "modules/sales/internal.h"
#include "shared-kernel/uuid.h"

struct crediting {
	const struct sales_credit_posting_input *in;
	const struct sales_post_guard *guard;
	PGresult *note;               /* the lock's row */
	PGresult *lines, *taxes, *number, *invoice_item;
	const char *receivable_account; /* code: the one the invoice debited */
	struct partners_partner partner;
	char number_text[SALES_NUMBER_MAX];
	char item[ERP_UUID_TEXT_LEN + 1], allocation[ERP_UUID_TEXT_LEN + 1];
	struct ledger_posted entry;
	json_t *before, *after;
	bool replayed;
};

static int64_t number_of(const PGresult *res, int row, const char *name)
{
	return strtoll(db_value(res, row, name), NULL, 10);
}

static bool is_true(const PGresult *res, int row, const char *name)
{
	const char *value = db_value(res, row, name);

	return value && strcmp(value, "t") == 0;
}

/* An account the entry names: there, active, in the company's currency. */
static int check_account(struct erp_ctx *ctx, const char *what, const char *code,
			 const char *currency, bool active)
{
	if (!code || !active || strcmp(currency, ctx->company->currency) != 0)
		return erp_refuse_made(&ctx->refusal, ERP_ERR_CONFLICT,
				       arena_printf(ctx->arena, "%s%s%s is not an active account in %s",
						    what, code ? ", " : "", code ? code : "",
						    ctx->company->currency));
	return ERP_OK;
}

/* Never more than was invoiced: each line's quantity and net, each tax code's base and tax. */
static int check_amounts(struct erp_ctx *ctx, struct crediting *c)
{
	const PGresult *lines = c->lines, *taxes = c->taxes;
	int rc = ERP_OK;

	for (int row = 0; row < PQntuples(lines); row++) {
		if (number_of(lines, row, "credited_quantity_e4") + number_of(lines, row, "quantity_e4") >
			    number_of(lines, row, "invoiced_quantity_e4") ||
		    number_of(lines, row, "credited_net_minor") + number_of(lines, row, "net_minor") >
			    number_of(lines, row, "invoiced_net_minor"))
			return erp_refuse_made(&ctx->refusal, ERP_ERR_CONFLICT,
					       arena_printf(ctx->arena, "with the credit notes posted"
							    " since it was written, this one takes back"
							    " more of line %s than was invoiced: delete"
							    " it and write it again",
							    db_value(lines, row, "line")));
		rc = check_account(ctx, "a line's revenue account", db_value(lines, row, "account"),
				   db_value(lines, row, "account_currency"),
				   is_true(lines, row, "account_active"));
		if (rc)
			return rc;
	}
	for (int row = 0; row < PQntuples(taxes); row++) {
		if (number_of(taxes, row, "credited_base_minor") + number_of(taxes, row, "base_minor") >
			    number_of(taxes, row, "invoiced_base_minor") ||
		    number_of(taxes, row, "credited_tax_minor") + number_of(taxes, row, "tax_minor") >
			    number_of(taxes, row, "invoiced_tax_minor"))
			return erp_refuse_made(&ctx->refusal, ERP_ERR_CONFLICT,
					       arena_printf(ctx->arena, "with the credit notes posted"
							    " since it was written, this one takes back"
							    " more tax %s than was invoiced: delete it and"
							    " write it again", db_value(taxes, row, "code")));
		rc = check_account(ctx, arena_printf(ctx->arena, "tax code %s's output account",
						     db_value(taxes, row, "code")),
				   db_value(taxes, row, "account"),
				   db_value(taxes, row, "account_currency"),
				   is_true(taxes, row, "account_active"));
		if (rc)
			return rc;
	}
	return ERP_OK;
}

/*
 * The customer, and the receivable account the invoice debited (not the
 * customer's account of the day, which may have changed since): the credit
 * is taken off where the debt was booked, so each receivable account
 * reconciles to its open items. It must still be active, in the currency.
 */
static int check_customer(struct erp_ctx *ctx, struct crediting *c)
{
	const char *code = db_value(c->note, 0, "partner_code");
	int rc = partners_find(ctx->db, ctx->arena, ctx->company->id, code, true, &c->partner);

	if (rc == ERP_ERR_NOT_FOUND) /* partners are never deleted */
		return ERP_ERR_INTERNAL;
	if (rc)
		return rc;
	if (PQntuples(c->invoice_item) == 0) /* a posted invoice always has its item */
		return ERP_ERR_INTERNAL;
	c->receivable_account = db_value(c->invoice_item, 0, "receivable_account");
	return check_account(ctx, "the invoice's receivable account", c->receivable_account,
			     db_value(c->invoice_item, 0, "currency"),
			     is_true(c->invoice_item, 0, "active"));
}

/* Dr each revenue account its nets, Dr each output account its tax, Cr the receivable the total. */
static int post_entry(struct erp_ctx *ctx, struct crediting *c)
{
	size_t most = 1 + (size_t)PQntuples(c->lines) + (size_t)PQntuples(c->taxes), count = 0;
	struct ledger_line_spec *lines = arena_calloc(ctx->arena, most, sizeof(*lines));
	const char *memo = arena_printf(ctx->arena, "Credit note %s, %s (invoice %s)", c->number_text,
					c->partner.code,
					json_string_value(json_object_get(c->before, "invoice_number")));
	struct erp_refusal ledger;
	int rc;

	if (!lines || !memo)
		return ERP_ERR_NO_MEMORY;
	for (int row = 0; row < PQntuples(c->lines); row++) {
		const char *account = db_value(c->lines, row, "account");
		int64_t net = number_of(c->lines, row, "net_minor");
		size_t k;

		if (net == 0)
			continue;
		for (k = 0; k < count; k++)
			if (strcmp(lines[k].account, account) == 0)
				break;
		if (k == count)
			lines[count++] = (struct ledger_line_spec){ .account = account,
								    .description = "Revenue taken back" };
		lines[k].debit_minor += net;
	}
	for (int row = 0; row < PQntuples(c->taxes); row++)
		if (number_of(c->taxes, row, "tax_minor") > 0)
			lines[count++] = (struct ledger_line_spec){
				.account = db_value(c->taxes, row, "account"),
				.debit_minor = number_of(c->taxes, row, "tax_minor"),
				.description = arena_printf(ctx->arena, "Tax %s taken back",
							    db_value(c->taxes, row, "code")) };
	lines[count++] = (struct ledger_line_spec){ .account = c->receivable_account,
						    .credit_minor = number_of(c->note, 0, "total_minor"),
						    .description = c->partner.name };
	rc = ledger_post_entry(ctx, &(struct ledger_entry_spec){
		.date = db_value(c->note, 0, "note_date"), .memo = memo, .reference = c->number_text,
		.source = "sales.credit_note", .lines = lines, .line_count = count }, &c->entry);
	if (!rc || !erp_refused(&ctx->refusal))
		return rc;
	ledger = ctx->refusal;
	ctx->refusal = (struct erp_refusal){ 0 };
	return erp_refuse_made(&ctx->refusal, ledger.code,
			       arena_printf(ctx->arena, "the ledger refuses the credit note's entry: %s",
					    ledger.detail ? ledger.detail : "its lines are not valid"));
}

/* Marks it posted, opens its item, sets it against the invoice as far as that still owes. */
static int mark(struct erp_ctx *ctx, struct crediting *c)
{
	const char *key[] = { ctx->company->id, c->in->id };
	int64_t total = number_of(c->note, 0, "total_minor");
	int64_t owed = PQntuples(c->invoice_item) ? number_of(c->invoice_item, 0, "residual_minor") : 0;
	int64_t allocated = owed < total ? owed : total;
	struct db_batch *batch = db_batch_new(ctx->arena);
	char year[12], sequence[12];
	PGresult *res;
	int rc;

	snprintf(year, sizeof(year), "%s", db_value(c->number, 0, "fiscal_year"));
	snprintf(sequence, sizeof(sequence), "%s", db_value(c->number, 0, "last_number"));
	db_batch_add(batch, &sales_sql_credit_note_mark, 6, (const char *[]){
		c->in->id, year, sequence, c->number_text, ctx->actor_id, c->entry.id }, NULL);
	db_batch_add(batch, &sales_sql_credit_note_open_item, 2, (const char *[]){ c->item, c->in->id },
		     NULL);
	if (allocated > 0) {
		const char *invoice_item = db_value(c->invoice_item, 0, "id");
		const char *allocations = arena_printf(ctx->arena, "[{\"id\":\"%s\",\"debit_item_id\":"
						       "\"%s\",\"amount_minor\":%lld}]", c->allocation,
						       invoice_item, (long long)allocated);
		const char *deltas = arena_printf(ctx->arena, "[{\"id\":\"%s\",\"delta\":%lld},"
						  "{\"id\":\"%s\",\"delta\":%lld}]", invoice_item,
						  (long long)-allocated, c->item, (long long)allocated);

		if (!allocations || !deltas)
			return ERP_ERR_NO_MEMORY;
		db_batch_add(batch, &sales_sql_allocations_insert, 5, (const char *[]){
			ctx->company->id, db_value(c->note, 0, "partner_id"), c->item, ctx->actor_id,
			allocations }, NULL);
		db_batch_add(batch, &sales_sql_residuals_adjust, 2,
			     (const char *[]){ ctx->company->id, deltas }, NULL);
	}
	db_batch_add(batch, &sales_sql_credit_note_get, 2, key, &res);
	rc = batch ? db_batch_run(ctx->db, batch) : ERP_ERR_NO_MEMORY;
	return rc ? rc : db_value_json(ctx->arena, res, 0, "j", &c->after);
}

/* The answer the guard keeps: the credit note as text, at its version. */
static int keep(struct erp_ctx *ctx, struct crediting *c)
{
	char *text;
	const char *copy;

	if (!c->guard)
		return ERP_OK;
	text = erp_json_dumps(c->after, JSON_COMPACT);
	copy = text ? arena_strdup(ctx->arena, text) : NULL;
	free(text);
	if (!copy)
		return ERP_ERR_NO_MEMORY;
	return c->guard->keep(c->guard->state, ctx->db, c->in->id, copy,
			      (int)json_integer_value(json_object_get(c->after, "version")));
}

static int post_work(struct erp_ctx *ctx, void *state)
{
	struct crediting *c = state;
	const char *key[] = { ctx->company->id, c->in->id };
	struct db_batch *batch = db_batch_new(ctx->arena);
	bool replay = false;
	int rc;

	c->replayed = false;
	if (c->guard && batch)
		c->guard->queue(c->guard->state, batch);
	db_batch_add(batch, &sales_sql_credit_note_lock, 2, key, &c->note);
	rc = batch ? db_batch_run(ctx->db, batch) : ERP_ERR_NO_MEMORY;
	if (rc)
		return rc;
	if (c->guard) {
		rc = c->guard->claimed(c->guard->state, &replay);
		if (rc || replay) {
			c->replayed = replay;
			return rc;
		}
	}
	if (PQntuples(c->note) == 0)
		return ERP_ERR_NOT_FOUND;
	rc = db_value_json(ctx->arena, c->note, 0, "j", &c->before);
	if (rc)
		return rc;
	if (is_true(c->note, 0, "posted"))
		return erp_refuse(&ctx->refusal, ERP_ERR_CONFLICT, "the credit note is posted already");
	if (number_of(c->note, 0, "version") != c->in->expected_version)
		return erp_refuse(&ctx->refusal, ERP_ERR_STALE,
				  "the credit note was changed since you read it; read it again");
	if (strcmp(db_value(c->note, 0, "author_id"), ctx->actor_id) == 0)
		return erp_refuse(&ctx->refusal, ERP_ERR_FORBIDDEN,
				  "four-eyes: you wrote this credit note; another user with"
				  " sales.credit-note.post must post it");

	/* The customer's receivables locked, then what they rely on, read after the lock. */
	batch = db_batch_new(ctx->arena);
	db_batch_add(batch, &sales_sql_customer_lock, 1,
		     (const char *[]){ db_value(c->note, 0, "partner_id") }, NULL);
	db_batch_add(batch, &sales_sql_credit_post_lines, 2, key, &c->lines);
	db_batch_add(batch, &sales_sql_credit_post_taxes, 2, key, &c->taxes);
	db_batch_add(batch, &sales_sql_invoice_item, 2,
		     (const char *[]){ ctx->company->id, db_value(c->note, 0, "invoice_id") },
		     &c->invoice_item);
	db_batch_add(batch, &sales_sql_next_number, 3,
		     (const char *[]){ ctx->company->id, db_value(c->note, 0, "note_date"), "CN" },
		     &c->number);
	rc = batch ? db_batch_run(ctx->db, batch) : ERP_ERR_NO_MEMORY;
	if (rc)
		return rc;
	if (PQntuples(c->number) == 0)
		return erp_refuse(&ctx->refusal, ERP_ERR_INVALID,
				  "no fiscal period covers the credit note's date; create the fiscal"
				  " year first");
	rc = check_amounts(ctx, c);
	if (!rc)
		rc = check_customer(ctx, c);
	if (rc)
		return rc;
	if (sales_credit_note_number((int)number_of(c->number, 0, "fiscal_year"),
				     (int)number_of(c->number, 0, "last_number"), c->number_text,
				     sizeof(c->number_text)) < 0)
		return ERP_ERR_INTERNAL;
	rc = post_entry(ctx, c);
	if (!rc)
		rc = mark(ctx, c);
	if (!rc)
		rc = sales_credit_note_record(ctx, "sales.credit_note.posted", c->in->id, c->before,
					      c->after);
	return rc ? rc : keep(ctx, c);
}

int sales_credit_note_post(struct erp_ctx *ctx, const struct sales_credit_posting_input *in,
			   const struct sales_post_guard *guard, json_t **credit_note)
{
	struct crediting c = { .in = in, .guard = guard };
	int rc;

	if (!ctx->company || !in->id)
		return ERP_ERR_NOT_FOUND;
	erp_uuid_v7_text(c.item);
	erp_uuid_v7_text(c.allocation);
	rc = db_usecase_transaction(ctx, post_work, &c);
	if (!rc)
		*credit_note = c.replayed ? NULL : c.after;
	return rc;
}
