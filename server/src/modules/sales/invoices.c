/*
 * Sales invoices while they are drafts: create, read, replace (against the
 * version read) and delete. The server prices every line and tax code
 * (amounts.c); the client never sends an amount but unit prices. Posting is
 * posting.c. Every change is audited (old -> new) and told as a domain
 * event, in the transaction of the change.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "modules/partners/partners.h"
#include "modules/sales/internal.h"
#include "shared-kernel/uuid.h"

const char *const sales_invoice_audited[] = {
	"partner", "date", "due_date", "reference", "currency", "lines", "taxes", "net_total",
	"tax_total", "total", "status", "number", "ledger_entry_id",
};
const size_t sales_invoice_audited_count = ERP_COUNT(sales_invoice_audited);

const char *const sales_invoice_told[] = {
	"id", "number", "status", "partner", "date", "due_date", "reference", "currency",
	"net_total", "tax_total", "total", "lines", "taxes", "ledger_entry_id", "author_id",
	"posted_by", "posted_at", "version",
};
const size_t sales_invoice_told_count = ERP_COUNT(sales_invoice_told);

int sales_invoice_record(struct erp_ctx *ctx, const char *action, const char *id, json_t *before,
			 json_t *after, const char *reason)
{
	return sales_record_change(ctx, &(struct sales_change_record){
		.action = action, .entity = "invoice", .entity_id = id,
		.audited = sales_invoice_audited, .audited_count = sales_invoice_audited_count,
		.told = sales_invoice_told, .told_count = sales_invoice_told_count,
		.reason = reason },
		before, after);
}

/* A draft being written: the input, what its rules made of it, what the store answered. */
struct draft {
	const struct sales_invoice_input *in;
	const struct erp_currency *currency;  /* the company's: every invoice's, for now */
	struct sales_line_checked *checked;   /* in->line_count of them */
	bool replacing;
	char id[40];
	json_t *before;                       /* a replace: the draft as it was */
	json_t *after;
};

/* --- what a draft looks up, and its rules --------------------------------------------------- */

/*
 * A JSON array of the lines' revenue account codes (revenue) or tax codes,
 * as text for a lookup; NULL when out of memory.
 */
static const char *codes_of(struct arena *arena, const struct sales_invoice_input *in, bool revenue)
{
	json_t *codes = json_array();
	char *text = NULL;
	const char *copy = NULL;

	for (size_t i = 0; codes && i < in->line_count; i++) {
		const char *code = revenue ? in->lines[i].revenue_account : in->lines[i].tax_code;

		if (code && json_array_append_new(codes, json_string(code)))
			goto out;
	}
	text = codes ? erp_json_dumps(codes, JSON_COMPACT) : NULL;
	copy = text ? arena_strdup(arena, text) : NULL;
out:
	free(text);
	json_decref(codes);
	return copy;
}

/* Of two outcomes of rules checked side by side, the one to return: out of memory, a refusal, 0. */
static int worse(int rc, int each)
{
	return rc == ERP_ERR_NO_MEMORY || each == ERP_OK ? rc : each;
}

/* The row of res whose column "code" is code, or -1. */
static int row_of(const PGresult *res, const char *code)
{
	for (int row = 0; code && row < PQntuples(res); row++)
		if (strcmp(db_value(res, row, "code"), code) == 0)
			return row;
	return -1;
}

/* The partner's rules for a draft: a customer of the company, active, trading in its currency. */
static int check_partner(struct erp_ctx *ctx, struct draft *d, int found,
			 const struct partners_partner *partner)
{
	const struct sales_invoice_input *in = d->in;
	const char *wanted, *detail;

	if (found == ERP_ERR_NOT_FOUND)
		return erp_refuse_field_code(&ctx->refusal, "/partner", "unknown",
					     "no partner of the company has this code");
	if (found)
		return found;
	if (!partner->customer)
		erp_refuse_field_code(&ctx->refusal, "/partner", "role",
				      "the partner is no customer of the company: give it the role"
				      " customer first");
	else if (!partner->active)
		erp_refuse_field_code(&ctx->refusal, "/partner", "inactive",
				      "the partner is inactive: it takes no new documents");
	wanted = in->currency ? in->currency : partner->currency;
	if (strcmp(wanted, d->currency->code) == 0)
		return ERP_OK;
	detail = in->currency
		? arena_printf(ctx->arena, "invoices are in the company's currency, %s, until"
			       " multi-currency arrives: %s is refused", d->currency->code, wanted)
		: arena_printf(ctx->arena, "the partner trades in %s; invoices are in the company's"
			       " currency, %s, until multi-currency arrives: send \"currency\": \"%s\""
			       " to invoice it in %s", wanted, d->currency->code, d->currency->code,
			       d->currency->code);
	if (!detail)
		return ERP_ERR_NO_MEMORY;
	return erp_refuse_field_code(&ctx->refusal, "/currency", "currency", detail);
}

/* A line's field refused (code, sentence), its pointer made in the arena. */
static int refuse_line(struct erp_ctx *ctx, size_t line, const char *field, const char *code,
		       const char *detail)
{
	const char *pointer = arena_printf(ctx->arena, "/lines/%zu/%s", line, field);

	if (!pointer || !detail)
		return ERP_ERR_NO_MEMORY;
	return erp_refuse_field_kept(&ctx->refusal, ctx->arena, pointer, code, detail);
}

/* What the lines became: the store's JSON parameters and the totals. */
struct priced {
	struct sales_document_totals totals;
	const char *lines_json;
	const char *taxes_json;
};

/*
 * Each line's revenue account (an active revenue account in the invoice's
 * currency) and tax code (active), looked up in accounts and codes; each
 * line priced and each tax code's tax on its lines (amounts.c), into the
 * store's JSON. 0, ERP_ERR_INVALID with every line's problem, or
 * ERP_ERR_NO_MEMORY.
 */
static int price_lines(struct erp_ctx *ctx, struct draft *d, const PGresult *accounts,
		       const PGresult *codes, struct priced *out)
{
	const struct sales_invoice_input *in = d->in;
	struct sales_line_amounts *amounts = arena_calloc(ctx->arena, in->line_count, sizeof(*amounts));
	struct sales_tax_amounts *taxes = arena_calloc(ctx->arena, in->line_count, sizeof(*taxes));
	int *tax_rows = arena_calloc(ctx->arena, in->line_count, sizeof(*tax_rows));
	size_t tax_count = 0, failed;
	json_t *lines = json_array(), *groups = json_array();
	char *text;
	int rc = ERP_OK;

	if (!amounts || !taxes || !tax_rows || !lines || !groups) {
		rc = ERP_ERR_NO_MEMORY;
		goto out;
	}
	for (size_t i = 0; i < in->line_count && rc != ERP_ERR_NO_MEMORY; i++) {
		const struct sales_line_input *line = &in->lines[i];
		const char *pointer = arena_printf(ctx->arena, "/lines/%zu/revenue_account", i);
		struct sales_account account;
		int account_row = row_of(accounts, line->revenue_account);
		int code_row = row_of(codes, line->tax_code);
		int each;

		sales_account_from(account_row < 0 ? NULL : accounts, account_row, &account);
		each = pointer ? sales_check_account(&ctx->refusal, ctx->arena, pointer, &account,
						     "revenue", d->currency->code)
			       : ERP_ERR_NO_MEMORY;
		rc = worse(rc, each);
		if (code_row < 0)
			each = refuse_line(ctx, i, "tax_code", "unknown",
					   "no tax code of the company has this code");
		else if (strcmp(db_value(codes, code_row, "active"), "t") != 0)
			each = refuse_line(ctx, i, "tax_code", "inactive",
					   arena_printf(ctx->arena, "tax code %s is retired",
							line->tax_code));
		else
			each = ERP_OK;
		rc = worse(rc, each);
		if (code_row < 0 || rc)
			continue;
		/* The line's tax group: its tax code, in the order codes first appear. */
		amounts[i] = (struct sales_line_amounts){
			.quantity_e4 = d->checked[i].quantity_e4,
			.unit_price_minor = d->checked[i].unit_price_minor,
			.discount_e4 = d->checked[i].discount_e4,
		};
		for (amounts[i].tax_group = 0; amounts[i].tax_group < tax_count; amounts[i].tax_group++)
			if (tax_rows[amounts[i].tax_group] == code_row)
				break;
		if (amounts[i].tax_group == tax_count) {
			tax_rows[tax_count] = code_row;
			taxes[tax_count++].rate_e4 = strtoll(db_value(codes, code_row, "rate_e4"), NULL, 10);
		}
	}
	if (rc)
		goto out;
	if (sales_document_compute(amounts, in->line_count, taxes, tax_count, &out->totals, &failed)) {
		if (failed == SIZE_MAX)
			rc = erp_refuse_field_code(&ctx->refusal, "/lines", "overflow",
						   "the invoice's total is too large");
		else
			rc = refuse_line(ctx, failed, "quantity", "overflow",
					 "the line's amount (quantity x unit price) is too large");
		goto out;
	}
	for (size_t i = 0; i < in->line_count; i++) {
		const struct sales_line_input *line = &in->lines[i];
		int account_row = row_of(accounts, line->revenue_account);
		int code_row = tax_rows[amounts[i].tax_group];

		if (json_array_append_new(lines, json_pack(
			"{s:I, s:s, s:I, s:I, s:o, s:s, s:s, s:I, s:I}", "line", (json_int_t)(i + 1),
			"description", line->description, "quantity_e4", (json_int_t)amounts[i].quantity_e4,
			"unit_price_minor", (json_int_t)amounts[i].unit_price_minor, "discount_e4",
			d->checked[i].has_discount ? json_integer(d->checked[i].discount_e4) : json_null(),
			"revenue_account_id", db_value(accounts, account_row, "id"), "tax_code_id",
			db_value(codes, code_row, "id"), "tax_rate_e4", (json_int_t)taxes[amounts[i].tax_group].rate_e4,
			"net_minor", (json_int_t)amounts[i].net_minor))) {
			rc = ERP_ERR_NO_MEMORY;
			goto out;
		}
	}
	for (size_t t = 0; t < tax_count; t++)
		if (json_array_append_new(groups, json_pack(
			"{s:s, s:I, s:I, s:I}", "tax_code_id", db_value(codes, tax_rows[t], "id"),
			"rate_e4", (json_int_t)taxes[t].rate_e4, "base_minor", (json_int_t)taxes[t].base_minor,
			"tax_minor", (json_int_t)taxes[t].tax_minor))) {
			rc = ERP_ERR_NO_MEMORY;
			goto out;
		}
	text = erp_json_dumps(lines, JSON_COMPACT);
	out->lines_json = text ? arena_strdup(ctx->arena, text) : NULL;
	free(text);
	text = erp_json_dumps(groups, JSON_COMPACT);
	out->taxes_json = text ? arena_strdup(ctx->arena, text) : NULL;
	free(text);
	if (!out->lines_json || !out->taxes_json)
		rc = ERP_ERR_NO_MEMORY;
out:
	json_decref(lines);
	json_decref(groups);
	return rc;
}

/* --- create and replace -------------------------------------------------------------------- */

/*
 * The draft a replace or a delete locked, into *before: 404 without one,
 * 409 (posted_detail) when it is posted, 412 at another version.
 */
static int check_locked(struct erp_ctx *ctx, const PGresult *locked, int expected_version,
			const char *posted_detail, json_t **before)
{
	int rc = db_value_json(ctx->arena, locked, 0, "j", before);

	if (rc)
		return rc;
	if (strcmp(db_value(locked, 0, "posted"), "t") == 0)
		return erp_refuse(&ctx->refusal, ERP_ERR_CONFLICT, posted_detail);
	if (strtol(db_value(locked, 0, "version"), NULL, 10) != expected_version)
		return erp_refuse(&ctx->refusal, ERP_ERR_STALE,
				  "the invoice was changed since you read it; read it again");
	return ERP_OK;
}

/* Writes the draft (header, lines, taxes) and reads it back, in one round trip. */
static int write_draft(struct erp_ctx *ctx, struct draft *d, const struct partners_partner *partner,
		       const char *due_date, const struct priced *priced)
{
	const struct sales_invoice_input *in = d->in;
	char exponent[8], net[24], tax[24], total[24];
	const char *clear[] = { d->id }, *lines[] = { d->id, priced->lines_json };
	const char *taxes[] = { d->id, priced->taxes_json }, *get[] = { ctx->company->id, d->id };
	struct db_batch *batch = db_batch_new(ctx->arena);
	PGresult *res;
	int rc;

	snprintf(exponent, sizeof(exponent), "%d", d->currency->exponent);
	snprintf(net, sizeof(net), "%lld", (long long)priced->totals.net_minor);
	snprintf(tax, sizeof(tax), "%lld", (long long)priced->totals.tax_minor);
	snprintf(total, sizeof(total), "%lld", (long long)priced->totals.total_minor);
	if (d->replacing) {
		/* The batch copies each parameter array; the texts outlive the run. */
		db_batch_add(batch, &sales_sql_invoice_update, 11, (const char *[]){
			d->id, partner->id, partner->code, in->date, due_date, in->reference,
			d->currency->code, exponent, net, tax, total }, NULL);
		db_batch_add(batch, &sales_sql_invoice_lines_clear, 1, clear, NULL);
		db_batch_add(batch, &sales_sql_invoice_taxes_clear, 1, clear, NULL);
	} else {
		db_batch_add(batch, &sales_sql_invoice_insert, 13, (const char *[]){
			d->id, ctx->company->id, partner->id, partner->code, in->date, due_date,
			in->reference, d->currency->code, exponent, net, tax, total, ctx->actor_id },
			NULL);
	}
	db_batch_add(batch, &sales_sql_invoice_lines_insert, 2, lines, NULL);
	db_batch_add(batch, &sales_sql_invoice_taxes_insert, 2, taxes, NULL);
	db_batch_add(batch, &sales_sql_invoice_get, 2, get, &res);
	rc = batch ? db_batch_run(ctx->db, batch) : ERP_ERR_NO_MEMORY;
	return rc ? rc : db_value_json(ctx->arena, res, 0, "j", &d->after);
}

static int draft_work(struct erp_ctx *ctx, void *state)
{
	struct draft *d = state;
	const struct sales_invoice_input *in = d->in;
	const char *lock_params[] = { ctx->company->id, d->id };
	const char *account_params[2], *code_params[2];
	struct db_batch *batch = db_batch_new(ctx->arena);
	PGresult *locked = NULL, *accounts = NULL, *codes = NULL;
	struct partners_partner partner;
	struct priced priced = { 0 };
	char due_date[11] = "";
	int rc, found;

	account_params[0] = code_params[0] = ctx->company->id;
	account_params[1] = codes_of(ctx->arena, in, true);
	code_params[1] = codes_of(ctx->arena, in, false);
	if (!account_params[1] || !code_params[1])
		return ERP_ERR_NO_MEMORY;
	if (d->replacing)
		db_batch_add(batch, &sales_sql_invoice_lock, 2, lock_params, &locked);
	db_batch_add(batch, &sales_sql_accounts_named, 2, account_params, &accounts);
	db_batch_add(batch, &sales_sql_tax_codes_named, 2, code_params, &codes);
	rc = batch ? db_batch_run(ctx->db, batch) : ERP_ERR_NO_MEMORY;
	if (!rc && d->replacing)
		rc = check_locked(ctx, locked, in->expected_version,
				  "the invoice is posted: posted invoices never change; correct it with"
				  " a credit note", &d->before);
	if (rc)
		return rc;
	found = partners_find(ctx->db, ctx->arena, ctx->company->id, in->partner, false, &partner);
	/* The partner's, the lines' and the due date's problems, all at once. */
	rc = check_partner(ctx, d, found, &partner);
	if (rc == ERP_ERR_NO_MEMORY || (rc && !erp_refused(&ctx->refusal)))
		return rc;
	if (!found && !in->due_date && partners_due_date(&partner.terms, in->date, due_date))
		erp_refuse_field_code(&ctx->refusal, "/date", "format",
				      "the partner's payment terms put the due date past 9999-12-31");
	rc = price_lines(ctx, d, accounts, codes, &priced);
	if (rc == ERP_ERR_NO_MEMORY)
		return rc;
	if (erp_refused(&ctx->refusal))
		return ctx->refusal.code;
	rc = write_draft(ctx, d, &partner, in->due_date ? in->due_date : due_date, &priced);
	if (rc)
		return rc;
	return sales_invoice_record(ctx, d->replacing ? "sales.invoice.updated" : "sales.invoice.created",
				    d->id, d->before, d->after, NULL);
}

/* The rules without a database on d's input, in the company's currency. */
static int check_input(struct erp_ctx *ctx, struct draft *d)
{
	if (!ctx->company)
		return ERP_ERR_NOT_FOUND;
	d->currency = erp_currency_find(ctx->company->currency);
	if (!d->currency)
		return ERP_ERR_INTERNAL; /* IAM keeps a company's currency one we know */
	d->checked = arena_calloc(ctx->arena, d->in->line_count ? d->in->line_count : 1,
				  sizeof(*d->checked));
	if (!d->checked)
		return ERP_ERR_NO_MEMORY;
	return sales_invoice_check(&ctx->refusal, ctx->arena, d->in, d->currency, d->checked);
}

int sales_invoice_input_check(struct erp_ctx *ctx, const struct sales_invoice_input *in)
{
	struct draft d = { .in = in };

	return check_input(ctx, &d);
}

/* The rules without a database, then the work in its transaction. */
static int write(struct erp_ctx *ctx, struct draft *d, json_t **invoice)
{
	int rc = check_input(ctx, d);

	if (!rc)
		rc = db_usecase_transaction(ctx, draft_work, d);
	if (!rc)
		*invoice = d->after;
	return rc;
}

int sales_invoice_create(struct erp_ctx *ctx, const struct sales_invoice_input *in,
			 json_t **invoice)
{
	struct draft d = { .in = in };

	erp_uuid_v7_text(d.id);
	return write(ctx, &d, invoice);
}

int sales_invoice_replace(struct erp_ctx *ctx, const struct sales_invoice_input *in,
			  json_t **invoice)
{
	struct draft d = { .in = in, .replacing = true };

	if (!in->id)
		return ERP_ERR_NOT_FOUND;
	snprintf(d.id, sizeof(d.id), "%s", in->id);
	return write(ctx, &d, invoice);
}

/* --- read, delete ---------------------------------------------------------------------------- */

int sales_invoice_read(struct erp_ctx *ctx, const char *id, json_t **invoice)
{
	const char *params[2];

	if (!ctx->company || !id)
		return ERP_ERR_NOT_FOUND;
	/* By the company as well as the id: another company's invoice does not exist here. */
	params[0] = ctx->company->id;
	params[1] = id;
	return resource_query_json(ctx->db, ctx->arena, &sales_sql_invoice_get, 2, params, invoice);
}

struct removal {
	const char *id;
	int expected_version;
	json_t *before;
};

static int delete_work(struct erp_ctx *ctx, void *state)
{
	struct removal *r = state;
	const char *lock_params[] = { ctx->company->id, r->id }, *params[] = { r->id };
	PGresult *locked;
	int rc = db_query(ctx->db, ctx->arena, &sales_sql_invoice_lock, 2, lock_params, &locked);

	if (!rc)
		rc = check_locked(ctx, locked, r->expected_version,
				  "the invoice is posted: posted invoices are never deleted; correct it"
				  " with a credit note", &r->before);
	if (rc)
		return rc;
	rc = resource_exec_one(ctx->db, &sales_sql_invoice_delete, 1, params);
	return rc ? rc : sales_invoice_record(ctx, "sales.invoice.deleted", r->id, r->before, NULL, NULL);
}

int sales_invoice_delete(struct erp_ctx *ctx, const char *id, int expected_version)
{
	struct removal r = { .id = id, .expected_version = expected_version };

	if (!ctx->company || !id)
		return ERP_ERR_NOT_FOUND;
	return db_usecase_transaction(ctx, delete_work, &r);
}
