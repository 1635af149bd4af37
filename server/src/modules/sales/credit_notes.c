/*
 * Credit notes while they are drafts: written against one posted invoice,
 * for the lines and quantities asked for or all that is left of it, priced
 * by the server against what the invoice's posted credit notes took back
 * already (credit.c); read; deleted at the version read. Posting is
 * credit_posting.c. Every change is audited (old -> new) and told as a
 * domain event, in the transaction of the change.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "modules/sales/internal.h"
#include "platform/http/schema.h"
#include "shared-kernel/uuid.h"

static const char *const credit_note_audited[] = {
	"number", "status", "invoice", "partner", "date", "reason", "lines", "taxes", "net_total",
	"tax_total", "total", "ledger_entry_id",
};

static const char *const credit_note_told[] = {
	"id", "number", "status", "invoice", "invoice_number", "partner", "date", "reason",
	"currency", "net_total", "tax_total", "total", "unallocated", "lines", "taxes",
	"ledger_entry_id", "author_id", "posted_by", "posted_at", "version",
};

int sales_credit_note_record(struct erp_ctx *ctx, const char *action, const char *id,
			     json_t *before, json_t *after)
{
	return sales_record_change(ctx, &(struct sales_change_record){
		.action = action, .entity = "credit_note", .entity_id = id,
		.audited = credit_note_audited, .audited_count = ERP_COUNT(credit_note_audited),
		.told = credit_note_told, .told_count = ERP_COUNT(credit_note_told) },
		before, after);
}

static int64_t number_of(const PGresult *res, int row, const char *name)
{
	return strtoll(db_value(res, row, name), NULL, 10);
}

/* A JSON array's text (arena), the array freed; NULL when out of memory. */
static const char *dump(struct arena *arena, json_t *array)
{
	char *text = array ? erp_json_dumps(array, JSON_COMPACT) : NULL;
	const char *copy = text ? arena_strdup(arena, text) : NULL;

	free(text);
	json_decref(array);
	return copy;
}

/* --- writing a draft ---------------------------------------------------------------------------- */

struct drafting {
	const struct sales_credit_note_input *in;
	int64_t *quantities;          /* per line asked for, in units of 10^-4 */
	char id[ERP_UUID_TEXT_LEN + 1];
	json_t *after;
};

static int refuse_line(struct erp_ctx *ctx, size_t i, const char *field, const char *code,
		       const char *detail)
{
	const char *pointer = arena_printf(ctx->arena, "/lines/%zu/%s", i, field);

	if (!pointer || !detail)
		return ERP_ERR_NO_MEMORY;
	return erp_refuse_field_kept(&ctx->refusal, ctx->arena, pointer, code, detail);
}

/* The row of lines whose column "line" is line, or -1. */
static int row_of_line(const PGresult *lines, int line)
{
	for (int row = 0; row < PQntuples(lines); row++)
		if (number_of(lines, row, "line") == line)
			return row;
	return -1;
}

static void credit_line_from(const PGresult *lines, int row, struct sales_credit_line *out)
{
	*out = (struct sales_credit_line){
		.quantity_e4 = number_of(lines, row, "quantity_e4"),
		.unit_price_minor = number_of(lines, row, "unit_price_minor"),
		.discount_e4 = number_of(lines, row, "discount_e4"),
		.net_minor = number_of(lines, row, "net_minor"),
		.credited_quantity_e4 = number_of(lines, row, "credited_quantity_e4"),
		.credited_net_minor = number_of(lines, row, "credited_net_minor"),
	};
}

/* What the lines taken back came to: the store's JSON and the totals. */
struct credited {
	json_t *lines;                /* [{line, quantity_e4, net_minor}] */
	json_t *taxes;                /* [{tax_code_id, rate_e4, base_minor, tax_minor}] */
	int64_t net_minor, tax_minor;
};

/* Adds net to the base of the line's tax code (bases has a slot per invoice tax row). */
static void add_to_base(const PGresult *taxes, const char *tax_code_id, int64_t net, int64_t *bases)
{
	for (int row = 0; row < PQntuples(taxes); row++)
		if (strcmp(db_value(taxes, row, "tax_code_id"), tax_code_id) == 0)
			bases[row] += net;
}

/*
 * Prices the lines asked for (or all that is left of each line) against
 * what posted credit notes took back, then each tax code's tax on them.
 */
static int price(struct erp_ctx *ctx, struct drafting *d, const PGresult *lines,
		 const PGresult *taxes, struct credited *out)
{
	const struct sales_credit_note_input *in = d->in;
	int64_t *bases = arena_calloc(ctx->arena, PQntuples(taxes) ? (size_t)PQntuples(taxes) : 1,
				      sizeof(*bases));
	size_t count = in->lines ? in->line_count : (size_t)PQntuples(lines);
	int rc = ERP_OK, each;

	if (!bases || !out->lines || !out->taxes)
		return ERP_ERR_NO_MEMORY;
	for (size_t i = 0; i < count && rc != ERP_ERR_NO_MEMORY; i++) {
		int row = in->lines ? row_of_line(lines, in->lines[i].line) : (int)i;
		struct sales_credit_line line;
		int64_t quantity, net = 0;

		if (row < 0) {
			each = refuse_line(ctx, i, "line", "unknown", "the invoice has no such line");
			rc = rc == ERP_ERR_NO_MEMORY ? rc : each;
			continue;
		}
		credit_line_from(lines, row, &line);
		quantity = in->lines ? d->quantities[i] : line.quantity_e4 - line.credited_quantity_e4;
		if (!in->lines && quantity <= 0)
			continue; /* taken back in full already */
		each = sales_credit_line_net(&line, quantity, &net);
		if (each == SALES_CREDIT_TOO_MUCH)
			each = refuse_line(ctx, i, "quantity", "too_much",
					   arena_printf(ctx->arena, "more than is left to take back of"
							" line %d (what was invoiced, less what posted"
							" credit notes took back)",
							(int)number_of(lines, row, "line")));
		else if (each)
			each = refuse_line(ctx, i, "quantity", "overflow", "the line's amount is too large");
		if (each) {
			rc = rc == ERP_ERR_NO_MEMORY ? rc : each;
			continue;
		}
		add_to_base(taxes, db_value(lines, row, "tax_code_id"), net, bases);
		out->net_minor += net;
		if (json_array_append_new(out->lines, json_pack("{s:I, s:I, s:I}", "line",
				(json_int_t)number_of(lines, row, "line"), "quantity_e4",
				(json_int_t)quantity, "net_minor", (json_int_t)net)))
			return ERP_ERR_NO_MEMORY;
	}
	if (rc)
		return rc;
	for (int row = 0; row < PQntuples(taxes); row++) {
		int64_t base_left = number_of(taxes, row, "base_minor") -
				    number_of(taxes, row, "credited_base_minor");
		int64_t tax_left = number_of(taxes, row, "tax_minor") -
				   number_of(taxes, row, "credited_tax_minor");
		int64_t tax;

		if (bases[row] == 0)
			continue; /* no line of this code taken back */
		if (sales_credit_tax(bases[row], number_of(taxes, row, "rate_e4"), base_left, tax_left,
				     &tax))
			return erp_refuse_field_code(&ctx->refusal, "/lines", "too_much",
						     "the lines take back more tax than is left of"
						     " the invoice's");
		out->tax_minor += tax;
		if (json_array_append_new(out->taxes, json_pack("{s:s, s:I, s:I, s:I}", "tax_code_id",
				db_value(taxes, row, "tax_code_id"), "rate_e4",
				(json_int_t)number_of(taxes, row, "rate_e4"), "base_minor",
				(json_int_t)bases[row], "tax_minor", (json_int_t)tax)))
			return ERP_ERR_NO_MEMORY;
	}
	if (out->net_minor + out->tax_minor == 0)
		return erp_refuse_field_code(&ctx->refusal, in->lines ? "/lines" : "/invoice", "nothing",
					     "nothing is left of the invoice to take back");
	return ERP_OK;
}

static int draft_work(struct erp_ctx *ctx, void *state)
{
	struct drafting *d = state;
	const struct sales_credit_note_input *in = d->in;
	const char *key[] = { ctx->company->id, in->invoice, NULL };
	struct db_batch *batch = db_batch_new(ctx->arena);
	struct credited priced = { .lines = json_array(), .taxes = json_array() };
	PGresult *invoice = NULL, *lines = NULL, *taxes = NULL, *res = NULL;
	char net[24], tax[24], total[24];
	const char *lines_json, *taxes_json;
	int rc;

	db_batch_add(batch, &sales_sql_credit_invoice, 2, key, &invoice);
	db_batch_add(batch, &sales_sql_credit_invoice_lines, 3, key, &lines);
	db_batch_add(batch, &sales_sql_credit_invoice_taxes, 3, key, &taxes);
	rc = batch ? db_batch_run(ctx->db, batch) : ERP_ERR_NO_MEMORY;
	if (rc)
		goto out;
	if (PQntuples(invoice) == 0 || !db_value(invoice, 0, "number")) {
		rc = erp_refuse_field_code(&ctx->refusal, "/invoice", "unknown",
					   "no posted invoice of the company has this id");
		goto out;
	}
	if (strcmp(in->date, db_value(invoice, 0, "invoice_date")) < 0)
		erp_refuse_field_code(&ctx->refusal, "/date", "format",
				      "a credit note is dated on or after its invoice");
	rc = price(ctx, d, lines, taxes, &priced);
	if (rc == ERP_ERR_NO_MEMORY)
		goto out;
	if (erp_refused(&ctx->refusal)) {
		rc = ctx->refusal.code;
		goto out;
	}
	lines_json = dump(ctx->arena, priced.lines);
	taxes_json = dump(ctx->arena, priced.taxes);
	priced.lines = priced.taxes = NULL;
	snprintf(net, sizeof(net), "%lld", (long long)priced.net_minor);
	snprintf(tax, sizeof(tax), "%lld", (long long)priced.tax_minor);
	snprintf(total, sizeof(total), "%lld", (long long)(priced.net_minor + priced.tax_minor));
	batch = db_batch_new(ctx->arena);
	if (!lines_json || !taxes_json || !batch) {
		rc = ERP_ERR_NO_MEMORY;
		goto out;
	}
	db_batch_add(batch, &sales_sql_credit_note_insert, 13, (const char *[]){
		d->id, ctx->company->id, in->invoice, db_value(invoice, 0, "partner_id"),
		db_value(invoice, 0, "partner_code"), in->date, in->reason,
		db_value(invoice, 0, "currency"), db_value(invoice, 0, "exponent"), net, tax, total,
		ctx->actor_id }, NULL);
	db_batch_add(batch, &sales_sql_credit_note_lines_insert, 2,
		     (const char *[]){ d->id, lines_json }, NULL);
	db_batch_add(batch, &sales_sql_credit_note_taxes_insert, 2,
		     (const char *[]){ d->id, taxes_json }, NULL);
	db_batch_add(batch, &sales_sql_credit_note_get, 2, (const char *[]){ ctx->company->id, d->id },
		     &res);
	rc = db_batch_run(ctx->db, batch);
	if (!rc)
		rc = db_value_json(ctx->arena, res, 0, "j", &d->after);
	if (!rc)
		rc = sales_credit_note_record(ctx, "sales.credit_note.created", d->id, NULL, d->after);
out:
	json_decref(priced.lines);
	json_decref(priced.taxes);
	return rc;
}

/* The rules without a database, every field at once. */
static int check_input(struct erp_ctx *ctx, struct drafting *d)
{
	const struct sales_credit_note_input *in = d->in;

	if (!in->date || !schema_is_date(in->date))
		erp_refuse_field_code(&ctx->refusal, "/date", "format", "a date is YYYY-MM-DD");
	if (!in->reason || !*in->reason || sales_text_length(in->reason) > SALES_REASON_MAX)
		erp_refuse_field_code(&ctx->refusal, "/reason", "format",
				      "a reason is 1 to 500 characters");
	if (in->lines && (in->line_count == 0 || in->line_count > SALES_LINES_MAX))
		erp_refuse_field_code(&ctx->refusal, "/lines", "count",
				      "a credit note names 1 to 200 lines, or none for all of the invoice");
	d->quantities = arena_calloc(ctx->arena, in->line_count ? in->line_count : 1,
				     sizeof(*d->quantities));
	if (!d->quantities)
		return ERP_ERR_NO_MEMORY;
	for (size_t i = 0; in->lines && i < in->line_count && i < SALES_LINES_MAX; i++) {
		int parsed = sales_decimal_e4(in->lines[i].quantity, INT64_MAX, &d->quantities[i]);

		if (parsed != SALES_DECIMAL_OK || d->quantities[i] == 0)
			if (refuse_line(ctx, i, "quantity", "format",
					"a quantity is more than 0, with at most 4 decimals") ==
			    ERP_ERR_NO_MEMORY)
				return ERP_ERR_NO_MEMORY;
		for (size_t j = 0; j < i; j++)
			if (in->lines[j].line == in->lines[i].line) {
				if (refuse_line(ctx, i, "line", "duplicate",
						"the line is named twice: name it once with its"
						" whole quantity") == ERP_ERR_NO_MEMORY)
					return ERP_ERR_NO_MEMORY;
				break;
			}
	}
	return erp_refused(&ctx->refusal) ? ctx->refusal.code : ERP_OK;
}

int sales_credit_note_create(struct erp_ctx *ctx, const struct sales_credit_note_input *in,
			     json_t **credit_note)
{
	struct drafting d = { .in = in };
	int rc;

	if (!ctx->company)
		return ERP_ERR_NOT_FOUND;
	rc = check_input(ctx, &d);
	if (rc)
		return rc;
	erp_uuid_v7_text(d.id);
	rc = db_usecase_transaction(ctx, draft_work, &d);
	if (!rc)
		*credit_note = d.after;
	return rc;
}

int sales_credit_note_read(struct erp_ctx *ctx, const char *id, json_t **credit_note)
{
	if (!ctx->company || !id)
		return ERP_ERR_NOT_FOUND;
	return resource_query_json(ctx->db, ctx->arena, &sales_sql_credit_note_get, 2,
				   (const char *[]){ ctx->company->id, id }, credit_note);
}

/* --- deleting a draft ------------------------------------------------------------------------------ */

struct removal {
	const char *id;
	int expected_version;
};

static int delete_work(struct erp_ctx *ctx, void *state)
{
	struct removal *r = state;
	PGresult *locked;
	json_t *before;
	int rc = db_query(ctx->db, ctx->arena, &sales_sql_credit_note_lock, 2,
			  (const char *[]){ ctx->company->id, r->id }, &locked);

	if (!rc)
		rc = db_value_json(ctx->arena, locked, 0, "j", &before);
	if (rc)
		return rc;
	if (strcmp(db_value(locked, 0, "posted"), "t") == 0)
		return erp_refuse(&ctx->refusal, ERP_ERR_CONFLICT,
				  "the credit note is posted: posted credit notes are never deleted");
	if (strtol(db_value(locked, 0, "version"), NULL, 10) != r->expected_version)
		return erp_refuse(&ctx->refusal, ERP_ERR_STALE,
				  "the credit note was changed since you read it; read it again");
	rc = resource_exec_one(ctx->db, &sales_sql_credit_note_delete, 1, (const char *[]){ r->id });
	return rc ? rc : sales_credit_note_record(ctx, "sales.credit_note.deleted", r->id, before, NULL);
}

int sales_credit_note_delete(struct erp_ctx *ctx, const char *id, int expected_version)
{
	struct removal r = { .id = id, .expected_version = expected_version };

	if (!ctx->company || !id)
		return ERP_ERR_NOT_FOUND;
	return db_usecase_transaction(ctx, delete_work, &r);
}
