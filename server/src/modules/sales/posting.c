/*
 * Posting a sales invoice: the one place an invoice enters the books. In
 * one transaction it locks the draft at the version read and its
 * customer's credit, checks what the posting relies on, takes the next
 * gapless number of the company's INV series for the fiscal year, posts the
 * ledger entry through ledger.h, marks the invoice posted and opens its
 * item in the receivables. A refusal anywhere rolls all of it back, the
 * number and the ledger entry with it.
 *
 * The number's row stays locked from the number to the commit, and every
 * posting of the company and year waits for it: so the number is taken as
 * late as the entry allows (the entry names it), in the round trip that
 * reads the customer's receivable account, after the customer is read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "modules/ledger/ledger.h"
#include "modules/partners/partners.h"
#include "modules/sales/internal.h"
#include "platform/audit/audit.h"
#include "shared-kernel/uuid.h"

/* What the posting read under its locks (first round trip); texts live in the arena. */
struct posting_facts {
	PGresult *invoice;          /* posted, number, version, partner_code, invoice_date, currency,
				       exponent, total_minor */
	PGresult *balance;          /* open_minor: the customer's open items before this invoice */
	PGresult *year;             /* fiscal_year; no row: no period covers the date */
	PGresult *number;           /* fiscal_year, last_number (check_customer() takes it) */
	PGresult *revenue;          /* code, currency, active, net_minor per revenue account */
	PGresult *taxes;            /* code, active, tax_minor, account, account_currency, account_active */
	json_t *before;             /* the draft as clients saw it */
};

struct posting {
	const struct sales_posting_input *in;
	const struct sales_post_guard *guard;
	struct posting_facts facts;
	struct partners_partner partner;
	const char *receivable_account_id; /* the ledger account the entry debits: its open item's */
	int exponent;
	int64_t total_minor;
	int64_t open_minor;         /* the customer's balance before */
	bool over_limit;            /* posted over the credit limit, by override */
	char number[SALES_NUMBER_MAX];
	struct ledger_posted entry;
	json_t *after;
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

/* Minor units as text of the invoice's currency (arena), for sentences; NULL when out of memory. */
static const char *money_text(struct erp_ctx *ctx, const struct posting *p, int64_t minor)
{
	char text[ERP_MONEY_TEXT_MAX + 1];

	if (erp_money_format(minor, p->exponent, text, sizeof(text)) < 0)
		return NULL;
	return arena_strdup(ctx->arena, text);
}

/* --- first round trip: locks and facts ------------------------------------------------------- */

static int lock(struct erp_ctx *ctx, struct posting *p)
{
	const char *key[] = { ctx->company->id, p->in->id };
	struct posting_facts *f = &p->facts;
	struct db_batch *batch = db_batch_new(ctx->arena);
	PGresult *json;
	bool replay = false;
	int rc;

	if (p->guard)
		p->guard->queue(p->guard->state, batch);
	/* In the order every posting takes them: invoice, customer, later the number (then the ledger's). */
	db_batch_add(batch, &sales_sql_post_lock_invoice, 2, key, &f->invoice);
	db_batch_add(batch, &sales_sql_invoice_get, 2, key, &json);
	db_batch_add(batch, &sales_sql_post_lock_customer, 2, key, NULL);
	db_batch_add(batch, &sales_sql_post_open_balance, 2, key, &f->balance);
	db_batch_add(batch, &sales_sql_post_fiscal_year, 2, key, &f->year);
	db_batch_add(batch, &sales_sql_post_revenue, 2, key, &f->revenue);
	db_batch_add(batch, &sales_sql_post_taxes, 2, key, &f->taxes);
	rc = batch ? db_batch_run(ctx->db, batch) : ERP_ERR_NO_MEMORY;
	if (rc)
		return rc;
	if (p->guard) {
		rc = p->guard->claimed(p->guard->state, &replay);
		if (rc || replay) {
			p->replayed = replay;
			return rc;
		}
	}
	if (PQntuples(f->invoice) == 0)
		return ERP_ERR_NOT_FOUND;
	return db_value_json(ctx->arena, json, 0, "j", &f->before);
}

/* --- the rules, against what is locked -------------------------------------------------------- */

/* The draft itself: not posted, at the version read, worth posting, in a fiscal year. */
static int check_invoice(struct erp_ctx *ctx, struct posting *p)
{
	const PGresult *row = p->facts.invoice;

	if (is_true(row, 0, "posted"))
		return erp_refuse_made(&ctx->refusal, ERP_ERR_CONFLICT,
				       arena_printf(ctx->arena, "the invoice is posted already, as %s",
						    db_value(row, 0, "number")));
	if (number_of(row, 0, "version") != p->in->expected_version)
		return erp_refuse(&ctx->refusal, ERP_ERR_STALE,
				  "the invoice was changed since you read it; read it again");
	p->exponent = (int)number_of(row, 0, "exponent");
	p->total_minor = number_of(row, 0, "total_minor");
	if (strcmp(db_value(row, 0, "currency"), ctx->company->currency) != 0)
		return erp_refuse_made(&ctx->refusal, ERP_ERR_CONFLICT,
				       arena_printf(ctx->arena, "the invoice is in %s and the company now"
						    " keeps its books in %s: replace the draft",
						    db_value(row, 0, "currency"), ctx->company->currency));
	if (p->total_minor == 0)
		return erp_refuse(&ctx->refusal, ERP_ERR_INVALID,
				  "the invoice's total is zero: there is nothing to post");
	if (PQntuples(p->facts.year) == 0)
		return erp_refuse_made(&ctx->refusal, ERP_ERR_INVALID,
				       arena_printf(ctx->arena, "no fiscal period covers %s; create the"
						    " fiscal year first",
						    db_value(row, 0, "invoice_date")));
	return ERP_OK;
}

/* An account a posting credits or debits: still there, active, in the invoice's currency. */
static int check_posting_account(struct erp_ctx *ctx, const char *what, const char *code,
				 const char *currency, bool active)
{
	const char *invoice_currency = ctx->company->currency;

	if (!code)
		return erp_refuse_made(&ctx->refusal, ERP_ERR_CONFLICT,
				       arena_printf(ctx->arena, "%s names no account of the company", what));
	if (!active)
		return erp_refuse_made(&ctx->refusal, ERP_ERR_CONFLICT,
				       arena_printf(ctx->arena, "%s, account %s, is inactive: reactivate it"
						    " or replace the draft", what, code));
	if (strcmp(currency, invoice_currency) != 0)
		return erp_refuse_made(&ctx->refusal, ERP_ERR_CONFLICT,
				       arena_printf(ctx->arena, "%s, account %s, is kept in %s, not %s",
						    what, code, currency, invoice_currency));
	return ERP_OK;
}

/* The revenue accounts and the tax codes the draft names, as they are now. */
static int check_lines(struct erp_ctx *ctx, struct posting *p)
{
	const PGresult *revenue = p->facts.revenue, *taxes = p->facts.taxes;
	int rc = ERP_OK;

	for (int row = 0; !rc && row < PQntuples(revenue); row++)
		rc = check_posting_account(ctx, "a revenue line's account", db_value(revenue, row, "code"),
					   db_value(revenue, row, "currency"),
					   is_true(revenue, row, "active"));
	for (int row = 0; !rc && row < PQntuples(taxes); row++) {
		const char *code = db_value(taxes, row, "code");
		const char *what = arena_printf(ctx->arena, "tax code %s's output account", code);

		if (!is_true(taxes, row, "active"))
			return erp_refuse_made(&ctx->refusal, ERP_ERR_CONFLICT,
					       arena_printf(ctx->arena, "tax code %s was retired since the"
							    " invoice was written: replace the draft",
							    code));
		rc = what ? check_posting_account(ctx, what, db_value(taxes, row, "account"),
						  db_value(taxes, row, "account_currency"),
						  is_true(taxes, row, "account_active"))
			  : ERP_ERR_NO_MEMORY;
	}
	return rc;
}

/*
 * The customer as it is now, share-locked until commit (a deactivation
 * waits for this posting, or this posting reads what it left): active, a
 * customer, with an active receivable account in the invoice's currency.
 * The round trip that reads the account takes the invoice's number too.
 */
static int check_customer(struct erp_ctx *ctx, struct posting *p)
{
	const char *code = db_value(p->facts.invoice, 0, "partner_code");
	const char *key[] = { ctx->company->id, p->in->id };
	struct partners_partner *partner = &p->partner;
	struct db_batch *batch;
	PGresult *account = NULL;
	int rc = partners_find(ctx->db, ctx->arena, ctx->company->id, code, true, partner);

	if (rc == ERP_ERR_NOT_FOUND) /* partners are never deleted: a bug if it happens */
		return ERP_ERR_INTERNAL;
	if (rc)
		return rc;
	if (!partner->customer)
		return erp_refuse_made(&ctx->refusal, ERP_ERR_CONFLICT,
				       arena_printf(ctx->arena, "%s is no longer a customer of the company",
						    code));
	if (!partner->active)
		return erp_refuse_made(&ctx->refusal, ERP_ERR_CONFLICT,
				       arena_printf(ctx->arena, "%s is inactive: an inactive partner takes"
						    " no new documents; reactivate it first", code));
	batch = db_batch_new(ctx->arena);
	if (partner->receivable_account)
		db_batch_add(batch, &sales_sql_account, 2,
			     (const char *[]){ ctx->company->id, partner->receivable_account }, &account);
	db_batch_add(batch, &sales_sql_post_next_number, 2, key, &p->facts.number);
	rc = batch ? db_batch_run(ctx->db, batch) : ERP_ERR_NO_MEMORY;
	if (rc)
		return rc;
	/* The year was read under the draft's lock: a period is never deleted, the draft not posted. */
	if (PQntuples(p->facts.number) == 0)
		return ERP_ERR_INTERNAL;
	if (account && PQntuples(account))
		p->receivable_account_id = db_value(account, 0, "id");
	return check_posting_account(ctx, "the customer's receivable account",
				     account && PQntuples(account) ? db_value(account, 0, "code") : NULL,
				     account && PQntuples(account) ? db_value(account, 0, "currency") : "",
				     account && PQntuples(account) && is_true(account, 0, "active"));
}

/* The customer's credit limit, against its open balance and this invoice. */
static int check_credit(struct erp_ctx *ctx, struct posting *p)
{
	const struct partners_partner *partner = &p->partner;
	const char *code = partner->code, *limit, *after_text;
	int64_t after;
	int verdict;

	p->open_minor = number_of(p->facts.balance, 0, "open_minor");
	if (!partner->has_credit_limit)
		return ERP_OK;
	if (strcmp(partner->credit_limit_currency, ctx->company->currency) != 0)
		return erp_refuse_made(&ctx->refusal, ERP_ERR_CONFLICT,
				       arena_printf(ctx->arena, "%s's credit limit is in %s, the company's"
						    " books in %s: set the limit again", code,
						    partner->credit_limit_currency,
						    ctx->company->currency));
	verdict = sales_credit_check(true, partner->credit_limit_minor, p->open_minor,
				     p->total_minor, &after);
	if (verdict == SALES_CREDIT_WITHIN)
		return ERP_OK;
	limit = money_text(ctx, p, partner->credit_limit_minor);
	after_text = verdict == ERP_ERR_OVERFLOW ? "more than can be counted" : money_text(ctx, p, after);
	if (!limit || !after_text)
		return ERP_ERR_NO_MEMORY;
	if (!p->in->may_exceed_credit_limit)
		return erp_refuse_made(&ctx->refusal, ERP_ERR_CONFLICT,
				       arena_printf(ctx->arena, "posting this invoice takes %s's open"
						    " balance to %s, over its credit limit of %s; a"
						    " holder of sales.credit-limit.override may post it"
						    " with an override_reason", code, after_text, limit));
	if (!p->in->override_reason)
		return erp_refuse_field_code(&ctx->refusal, "/override_reason", "required",
					     "this posting takes the customer over its credit limit:"
					     " say why in override_reason");
	p->over_limit = true;
	return ERP_OK;
}

/* --- the ledger entry ----------------------------------------------------------------------- */

/*
 * Dr the customer's receivable account the total; Cr each revenue account
 * its nets and each tax code's output account its tax (none for nothing).
 */
static int post_entry(struct erp_ctx *ctx, struct posting *p)
{
	const PGresult *revenue = p->facts.revenue, *taxes = p->facts.taxes;
	size_t count = 0, most = 1 + (size_t)PQntuples(revenue) + (size_t)PQntuples(taxes);
	struct ledger_line_spec *lines = arena_calloc(ctx->arena, most, sizeof(*lines));
	const char *memo = arena_printf(ctx->arena, "Sales invoice %s, %s", p->number, p->partner.code);
	struct erp_refusal ledger;
	int rc;

	if (!lines || !memo)
		return ERP_ERR_NO_MEMORY;
	lines[count++] = (struct ledger_line_spec){ .account = p->partner.receivable_account,
						    .debit_minor = p->total_minor,
						    .description = p->partner.name };
	for (int row = 0; row < PQntuples(revenue); row++)
		if (number_of(revenue, row, "net_minor") > 0)
			lines[count++] = (struct ledger_line_spec){
				.account = db_value(revenue, row, "code"),
				.credit_minor = number_of(revenue, row, "net_minor"),
				.description = "Revenue" };
	for (int row = 0; row < PQntuples(taxes); row++)
		if (number_of(taxes, row, "tax_minor") > 0)
			lines[count++] = (struct ledger_line_spec){
				.account = db_value(taxes, row, "account"),
				.credit_minor = number_of(taxes, row, "tax_minor"),
				.description = arena_printf(ctx->arena, "Tax %s", db_value(taxes, row, "code")) };
	rc = ledger_post_entry(ctx, &(struct ledger_entry_spec){
		.date = db_value(p->facts.invoice, 0, "invoice_date"), .memo = memo,
		.reference = p->number, .source = "sales.invoice", .lines = lines, .line_count = count },
		&p->entry);
	if (!rc || !erp_refused(&ctx->refusal))
		return rc;
	/*
	 * The ledger's refusal (a closed or locked period, an account it
	 * refuses) in the invoice's words; its fields name the entry's lines,
	 * which the caller never sent, so they are not passed on.
	 */
	ledger = ctx->refusal;
	ctx->refusal = (struct erp_refusal){ 0 };
	return erp_refuse_made(&ctx->refusal, ledger.code,
			       arena_printf(ctx->arena, "the ledger refuses the invoice's entry: %s",
					    ledger.detail ? ledger.detail : "its lines are not valid"));
}

/* --- marks, records, the work ----------------------------------------------------------------- */

/* The invoice posted and its open item, read back as clients see it: one round trip. */
static int mark(struct erp_ctx *ctx, struct posting *p)
{
	char year[12], sequence[12], item[ERP_UUID_TEXT_LEN + 1];
	const char *get[] = { ctx->company->id, p->in->id };
	struct db_batch *batch = db_batch_new(ctx->arena);
	PGresult *res;
	int rc;

	snprintf(year, sizeof(year), "%s", db_value(p->facts.number, 0, "fiscal_year"));
	snprintf(sequence, sizeof(sequence), "%s", db_value(p->facts.number, 0, "last_number"));
	erp_uuid_v7_text(item);
	db_batch_add(batch, &sales_sql_post_mark, 6, (const char *[]){
		p->in->id, year, sequence, p->number, ctx->actor_id, p->entry.id }, NULL);
	db_batch_add(batch, &sales_sql_post_open_item, 3,
		     (const char *[]){ item, p->in->id, p->receivable_account_id }, NULL);
	db_batch_add(batch, &sales_sql_invoice_get, 2, get, &res);
	rc = batch ? db_batch_run(ctx->db, batch) : ERP_ERR_NO_MEMORY;
	return rc ? rc : db_value_json(ctx->arena, res, 0, "j", &p->after);
}

/* The override of the credit limit, audited with its reason beside the posting. */
static int audit_override(struct erp_ctx *ctx, struct posting *p)
{
	const char *before = money_text(ctx, p, p->open_minor);
	const char *limit = money_text(ctx, p, p->partner.credit_limit_minor);
	int64_t after_minor;
	const char *after;
	json_t *changes;
	int rc;

	after = erp_money_add(p->open_minor, p->total_minor, &after_minor)
		? money_text(ctx, p, after_minor) : "more than can be counted";
	changes = before && after && limit
		? json_pack("{s:{s:s, s:s}, s:{s:s, s:s}}", "open_balance", "old", before, "new", after,
			    "credit_limit", "old", limit, "new", limit)
		: NULL;
	if (!changes)
		return ERP_ERR_NO_MEMORY;
	rc = audit_record(ctx->db, &(struct audit_event){
		.actor_id = ctx->actor_id, .action = "sales.invoice.credit_limit_overridden",
		.company_id = ctx->company->id, .entity = "invoice", .entity_id = p->in->id,
		.request_id = ctx->request_id, .changes = changes, .reason = p->in->override_reason });
	json_decref(changes);
	return rc;
}

/* The answer the guard keeps: the invoice as text, at its version. */
static int keep(struct erp_ctx *ctx, struct posting *p)
{
	char *text;
	const char *copy;

	if (!p->guard)
		return ERP_OK;
	text = erp_json_dumps(p->after, JSON_COMPACT);
	copy = text ? arena_strdup(ctx->arena, text) : NULL;
	free(text);
	if (!copy)
		return ERP_ERR_NO_MEMORY;
	return p->guard->keep(p->guard->state, ctx->db, p->in->id, copy,
			      (int)json_integer_value(json_object_get(p->after, "version")));
}

static int post_work(struct erp_ctx *ctx, void *state)
{
	struct posting *p = state;
	int rc;

	p->replayed = false;
	p->over_limit = false;
	rc = lock(ctx, p);
	if (rc || p->replayed)
		return rc;
	rc = check_invoice(ctx, p);
	if (!rc)
		rc = check_lines(ctx, p);
	if (!rc)
		rc = check_customer(ctx, p);
	if (!rc)
		rc = check_credit(ctx, p);
	if (rc)
		return rc;
	if (sales_invoice_number((int)number_of(p->facts.number, 0, "fiscal_year"),
				 (int)number_of(p->facts.number, 0, "last_number"), p->number,
				 sizeof(p->number)) < 0)
		return ERP_ERR_INTERNAL;
	rc = post_entry(ctx, p);
	if (!rc)
		rc = mark(ctx, p);
	if (!rc)
		rc = sales_invoice_record(ctx, "sales.invoice.posted", p->in->id, p->facts.before,
					  p->after, NULL);
	if (!rc && p->over_limit)
		rc = audit_override(ctx, p);
	return rc ? rc : keep(ctx, p);
}

int sales_invoice_post(struct erp_ctx *ctx, const struct sales_posting_input *in,
		       const struct sales_post_guard *guard, json_t **invoice)
{
	struct posting p = { .in = in, .guard = guard };
	int rc;

	if (!ctx->company || !in->id)
		return ERP_ERR_NOT_FOUND;
	if (in->override_reason &&
	    (!*in->override_reason || sales_text_length(in->override_reason) > SALES_REASON_MAX))
		return erp_refuse_field(&ctx->refusal, "/override_reason",
					"a reason is 1 to 500 characters");
	rc = db_usecase_transaction(ctx, post_work, &p);
	if (!rc)
		*invoice = p.replayed ? NULL : p.after;
	return rc;
}
