/*
 * Customer payments: a received payment is a fact, not a draft. One call
 * records and posts it, in one transaction: the customer's receivables
 * locked, the next gapless number of the company's PAY series for the
 * fiscal year, the ledger entry through ledger.h (Dr bank, Cr the
 * customer's receivable), its open item (owing the customer), and the
 * allocations asked for. It never changes afterwards but by a reversal,
 * once: its allocations undone, the mirror entry posted, its item settled
 * against the reversal's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "modules/ledger/ledger.h"
#include "modules/partners/partners.h"
#include "modules/sales/internal.h"
#include "platform/http/schema.h"
#include "shared-kernel/uuid.h"

static const char *const payment_audited[] = {
	"number", "status", "partner", "date", "amount", "currency", "bank_account",
	"receivable_account", "reference", "ledger_entry_id", "reversal",
};

static const char *const payment_told[] = {
	"id", "number", "status", "partner", "date", "amount", "unallocated", "currency",
	"bank_account", "receivable_account", "reference", "ledger_entry_id", "posted_by",
	"posted_at", "reversal", "version",
};

static int record(struct erp_ctx *ctx, const char *action, const char *id, json_t *before,
		  json_t *after, const char *reason)
{
	return sales_record_change(ctx, &(struct sales_change_record){
		.action = action, .entity = "payment", .entity_id = id,
		.audited = payment_audited, .audited_count = ERP_COUNT(payment_audited),
		.told = payment_told, .told_count = ERP_COUNT(payment_told), .reason = reason },
		before, after);
}

static bool is_true(const PGresult *res, int row, const char *name)
{
	const char *value = db_value(res, row, name);

	return value && strcmp(value, "t") == 0;
}

/* The answer the guard keeps: the payment as text, at its version. */
static int keep(struct erp_ctx *ctx, const struct sales_post_guard *guard, const char *id,
		json_t *payment)
{
	char *text;
	const char *copy;

	if (!guard)
		return ERP_OK;
	text = erp_json_dumps(payment, JSON_COMPACT);
	copy = text ? arena_strdup(ctx->arena, text) : NULL;
	free(text);
	if (!copy)
		return ERP_ERR_NO_MEMORY;
	return guard->keep(guard->state, ctx->db, id, copy,
			   (int)json_integer_value(json_object_get(payment, "version")));
}

/*
 * Posts an entry of two lines through ledger.h: Dr debit_account, Cr
 * credit_account, amount. The ledger's refusal (a closed or locked period,
 * an account it refuses) is passed on in the payment's words, without its
 * fields, which name lines the caller never sent.
 */
static int post_entry(struct erp_ctx *ctx, const char *date, const char *memo, const char *number,
		      const char *source, const char *debit_account, const char *credit_account,
		      int64_t amount_minor, struct ledger_posted *entry)
{
	const struct ledger_line_spec lines[] = {
		{ .account = debit_account, .debit_minor = amount_minor, .description = memo },
		{ .account = credit_account, .credit_minor = amount_minor, .description = memo },
	};
	struct erp_refusal ledger;
	int rc;

	if (!memo)
		return ERP_ERR_NO_MEMORY;
	rc = ledger_post_entry(ctx, &(struct ledger_entry_spec){
		.date = date, .memo = memo, .reference = number, .source = source, .lines = lines,
		.line_count = 2 }, entry);
	if (!rc || !erp_refused(&ctx->refusal))
		return rc;
	ledger = ctx->refusal;
	ctx->refusal = (struct erp_refusal){ 0 };
	return erp_refuse_made(&ctx->refusal, ledger.code,
			       arena_printf(ctx->arena, "the ledger refuses the payment's entry: %s",
					    ledger.detail ? ledger.detail : "its lines are not valid"));
}

/* --- recording a payment -------------------------------------------------------------------------- */

struct recording {
	const struct sales_payment_input *in;
	const struct sales_post_guard *guard;
	const struct erp_currency *currency;   /* the company's: every payment's, for now */
	int64_t amount_minor;
	char id[ERP_UUID_TEXT_LEN + 1];
	char item[ERP_UUID_TEXT_LEN + 1];
	struct partners_partner partner;
	struct sales_account bank;
	PGresult *receivable;                   /* the customer's receivable account, now */
	PGresult *number;                       /* fiscal_year, last_number; none: no period */
	char number_text[SALES_NUMBER_MAX];
	struct ledger_posted entry;
	json_t *after;
	bool replayed;
};

/* The customer a payment names: a customer of the company, active, with a receivable account. */
static int check_customer(struct erp_ctx *ctx, struct recording *r, int found)
{
	const struct partners_partner *partner = &r->partner;

	if (found == ERP_ERR_NOT_FOUND)
		return erp_refuse_field_code(&ctx->refusal, "/partner", "unknown",
					     "no partner of the company has this code");
	if (found)
		return found;
	if (!partner->customer)
		return erp_refuse_field_code(&ctx->refusal, "/partner", "role",
					     "the partner is no customer of the company");
	if (!partner->active)
		return erp_refuse_field_code(&ctx->refusal, "/partner", "inactive",
					     "the partner is inactive: it takes no new documents");
	if (!partner->receivable_account)
		return erp_refuse_field_code(&ctx->refusal, "/partner", "receivable_account",
					     "the customer has no receivable account to credit");
	return ERP_OK;
}

/* Its receivable account as the ledger has it now: active, in the company's currency. */
static int check_receivable(struct erp_ctx *ctx, struct recording *r)
{
	const PGresult *account = r->receivable;

	if (PQntuples(account) == 0 || !is_true(account, 0, "active") ||
	    strcmp(db_value(account, 0, "currency"), r->currency->code) != 0)
		return erp_refuse_made(&ctx->refusal, ERP_ERR_CONFLICT,
				       arena_printf(ctx->arena, "%s's receivable account %s is not an"
						    " active account in %s", r->partner.code,
						    r->partner.receivable_account, r->currency->code));
	return ERP_OK;
}

static int record_work(struct erp_ctx *ctx, void *state)
{
	struct recording *r = state;
	const struct sales_payment_input *in = r->in;
	struct db_batch *batch = db_batch_new(ctx->arena);
	struct sales_payment_facts facts;
	PGresult *bank = NULL, *locked = NULL;
	char amount[24], exponent[8], year[12], sequence[12];
	bool replay = false;
	int rc, found;

	r->replayed = false;
	if (r->guard && batch)
		r->guard->queue(r->guard->state, batch);
	db_batch_add(batch, &sales_sql_account, 2,
		     (const char *[]){ ctx->company->id, in->bank_account }, &bank);
	rc = batch ? db_batch_run(ctx->db, batch) : ERP_ERR_NO_MEMORY;
	if (rc)
		return rc;
	if (r->guard) {
		rc = r->guard->claimed(r->guard->state, &replay);
		if (rc || replay) {
			r->replayed = replay;
			return rc;
		}
	}
	/* The customer share-locked until commit: a deactivation waits for the payment. */
	found = partners_find(ctx->db, ctx->arena, ctx->company->id, in->partner, true, &r->partner);
	rc = check_customer(ctx, r, found);
	if (rc == ERP_ERR_NO_MEMORY || (rc && !erp_refused(&ctx->refusal)))
		return rc;
	sales_account_from(PQntuples(bank) ? bank : NULL, 0, &r->bank);
	if (sales_check_account(&ctx->refusal, ctx->arena, "/bank_account", &r->bank, "asset",
				r->currency->code) == ERP_ERR_NO_MEMORY)
		return ERP_ERR_NO_MEMORY;
	if (erp_refused(&ctx->refusal))
		return ctx->refusal.code;

	/* The customer's receivables, then the number (the order every posting takes them in). */
	batch = db_batch_new(ctx->arena);
	db_batch_add(batch, &sales_sql_customer_lock, 1, (const char *[]){ r->partner.id }, NULL);
	db_batch_add(batch, &sales_sql_next_number, 3,
		     (const char *[]){ ctx->company->id, in->date, "PAY" }, &r->number);
	db_batch_add(batch, &sales_sql_account, 2,
		     (const char *[]){ ctx->company->id, r->partner.receivable_account }, &r->receivable);
	rc = batch ? db_batch_run(ctx->db, batch) : ERP_ERR_NO_MEMORY;
	if (rc)
		return rc;
	if (PQntuples(r->number) == 0)
		return erp_refuse_field_code(&ctx->refusal, "/date", "period",
					     "no fiscal period covers the date; create the fiscal year"
					     " first");
	rc = check_receivable(ctx, r);
	if (rc)
		return rc;
	snprintf(year, sizeof(year), "%s", db_value(r->number, 0, "fiscal_year"));
	snprintf(sequence, sizeof(sequence), "%s", db_value(r->number, 0, "last_number"));
	/* The database's integers: a year of four digits, a sequence of at most ten. */
	if (sales_payment_number((int)strtol(year, NULL, 10), (int)strtol(sequence, NULL, 10),
				 r->number_text, sizeof(r->number_text)) < 0)
		return ERP_ERR_INTERNAL;

	rc = post_entry(ctx, in->date,
			arena_printf(ctx->arena, "Customer payment %s, %s", r->number_text,
				     r->partner.code),
			r->number_text, "sales.payment", r->bank.code, r->partner.receivable_account,
			r->amount_minor, &r->entry);
	if (rc)
		return rc;

	snprintf(amount, sizeof(amount), "%lld", (long long)r->amount_minor);
	snprintf(exponent, sizeof(exponent), "%d", r->currency->exponent);
	batch = db_batch_new(ctx->arena);
	db_batch_add(batch, &sales_sql_payment_insert, 16, (const char *[]){
		r->id, ctx->company->id, r->partner.id, r->partner.code, in->date, r->currency->code,
		exponent, amount, r->bank.id, db_value(r->receivable, 0, "id"), in->reference, year,
		sequence, r->number_text, r->entry.id, ctx->actor_id }, NULL);
	db_batch_add(batch, &sales_sql_payment_open_item, 2, (const char *[]){ r->item, r->id }, NULL);
	db_batch_add(batch, &sales_sql_payment_lock, 2, (const char *[]){ ctx->company->id, r->id },
		     &locked);
	rc = batch ? db_batch_run(ctx->db, batch) : ERP_ERR_NO_MEMORY;
	if (!rc)
		rc = db_value_json(ctx->arena, locked, 0, "j", &r->after);
	if (!rc)
		rc = record(ctx, "sales.payment.posted", r->id, NULL, r->after, NULL);
	if (rc)
		return rc;
	if (in->allocations.automatic || in->allocations.count) {
		sales_payment_facts_from(locked, r->id, &facts);
		rc = sales_allocate_from(ctx, &facts, &in->allocations, false);
		if (!rc)
			rc = resource_query_json(ctx->db, ctx->arena, &sales_sql_payment_get, 2,
						 (const char *[]){ ctx->company->id, r->id }, &r->after);
		if (rc)
			return rc;
	}
	return keep(ctx, r->guard, r->id, r->after);
}

/* The rules without a database, every field at once. */
static int check_input(struct erp_ctx *ctx, struct recording *r)
{
	const struct sales_payment_input *in = r->in;
	int parsed;

	r->currency = erp_currency_find(ctx->company->currency);
	if (!r->currency)
		return ERP_ERR_INTERNAL; /* IAM keeps a company's currency one we know */
	if (!in->date || !schema_is_date(in->date))
		erp_refuse_field_code(&ctx->refusal, "/date", "format", "a date is YYYY-MM-DD");
	parsed = erp_money_parse(in->amount, r->currency->exponent, 0, &r->amount_minor);
	if (parsed == ERP_MONEY_OK && r->amount_minor == 0)
		erp_refuse_field_code(&ctx->refusal, "/amount", "format",
				      "a payment's amount is more than 0");
	if (parsed != ERP_MONEY_OK) {
		const char *detail = parsed == ERP_MONEY_TOO_MANY_DECIMALS
			? arena_printf(ctx->arena, "%s allows at most %d decimals", r->currency->code,
				       r->currency->exponent)
			: erp_money_parse_message(parsed);

		if (!detail)
			return ERP_ERR_NO_MEMORY;
		erp_refuse_field_code(&ctx->refusal, "/amount", "format", detail);
	}
	if (in->reference && (!*in->reference || sales_text_length(in->reference) > SALES_REFERENCE_MAX))
		erp_refuse_field(&ctx->refusal, "/reference", "a reference is 1 to 100 characters");
	if (in->allocations.count > SALES_ALLOCATIONS_MAX)
		erp_refuse_field_code(&ctx->refusal, "/allocations", "count",
				      "a payment names at most 200 allocations");
	return erp_refused(&ctx->refusal) ? ctx->refusal.code : ERP_OK;
}

int sales_payment_create(struct erp_ctx *ctx, const struct sales_payment_input *in,
			 const struct sales_post_guard *guard, json_t **payment)
{
	struct recording r = { .in = in, .guard = guard };
	int rc;

	if (!ctx->company)
		return ERP_ERR_NOT_FOUND;
	rc = check_input(ctx, &r);
	if (rc)
		return rc;
	erp_uuid_v7_text(r.id);
	erp_uuid_v7_text(r.item);
	rc = db_usecase_transaction(ctx, record_work, &r);
	if (!rc)
		*payment = r.replayed ? NULL : r.after;
	return rc;
}

int sales_payment_read(struct erp_ctx *ctx, const char *id, json_t **payment)
{
	if (!ctx->company || !id)
		return ERP_ERR_NOT_FOUND;
	/* By the company as well as the id: another company's payment does not exist here. */
	return resource_query_json(ctx->db, ctx->arena, &sales_sql_payment_get, 2,
				   (const char *[]){ ctx->company->id, id }, payment);
}

/* --- reversing one ---------------------------------------------------------------------------------- */

struct reversing {
	const struct sales_reversal_input *in;
	const struct sales_post_guard *guard;
	char allocation[ERP_UUID_TEXT_LEN + 1];
	char item[ERP_UUID_TEXT_LEN + 1];
	json_t *before, *after;
	bool replayed;
};

static int reverse_work(struct erp_ctx *ctx, void *state)
{
	struct reversing *v = state;
	const struct sales_reversal_input *in = v->in;
	const char *key[] = { ctx->company->id, in->id };
	struct db_batch *batch = db_batch_new(ctx->arena);
	struct sales_payment_facts payment;
	PGresult *locked = NULL, *allocations = NULL, *res = NULL;
	struct ledger_posted entry;
	const char *date, *allocation_json, *deltas_json;
	char amount[24];
	bool replay = false;
	int rc;

	v->replayed = false;
	if (v->guard && batch)
		v->guard->queue(v->guard->state, batch);
	db_batch_add(batch, &sales_sql_customer_lock_of_payment, 2, key, NULL);
	db_batch_add(batch, &sales_sql_payment_lock, 2, key, &locked);
	rc = batch ? db_batch_run(ctx->db, batch) : ERP_ERR_NO_MEMORY;
	if (rc)
		return rc;
	if (v->guard) {
		rc = v->guard->claimed(v->guard->state, &replay);
		if (rc || replay) {
			v->replayed = replay;
			return rc;
		}
	}
	if (PQntuples(locked) == 0)
		return ERP_ERR_NOT_FOUND;
	sales_payment_facts_from(locked, in->id, &payment);
	rc = db_value_json(ctx->arena, locked, 0, "j", &v->before);
	if (rc)
		return rc;
	if (is_true(locked, 0, "reversed"))
		return erp_refuse_made(&ctx->refusal, ERP_ERR_CONFLICT,
				       arena_printf(ctx->arena, "payment %s is reversed already",
						    payment.number));
	if (strtol(db_value(locked, 0, "version"), NULL, 10) != in->expected_version)
		return erp_refuse(&ctx->refusal, ERP_ERR_STALE,
				  "the payment was changed since you read it; read it again");
	date = in->date ? in->date : db_value(locked, 0, "payment_date");
	if (strcmp(date, db_value(locked, 0, "payment_date")) < 0)
		return erp_refuse_field_code(&ctx->refusal, "/date", "format",
					     "a reversal is dated on or after the payment");

	rc = db_query(ctx->db, ctx->arena, &sales_sql_allocations_of_item, 2,
		      (const char *[]){ ctx->company->id, payment.item_id }, &allocations);
	if (!rc)
		rc = sales_undo_allocations(ctx, &payment, allocations);
	if (!rc)
		rc = post_entry(ctx, date,
				arena_printf(ctx->arena, "Reversal of customer payment %s, %s",
					     payment.number, db_value(locked, 0, "partner_code")),
				payment.number, "sales.payment.reversal",
				db_value(locked, 0, "receivable_code"), db_value(locked, 0, "bank_code"),
				strtoll(db_value(locked, 0, "amount_minor"), NULL, 10), &entry);
	if (rc)
		return rc;

	/* The payment marked, the reversal's item, and the one settled against the other. */
	snprintf(amount, sizeof(amount), "%s", db_value(locked, 0, "amount_minor"));
	allocation_json = arena_printf(ctx->arena, "[{\"id\":\"%s\",\"debit_item_id\":\"%s\","
				       "\"amount_minor\":%s}]", v->allocation, v->item, amount);
	deltas_json = arena_printf(ctx->arena, "[{\"id\":\"%s\",\"delta\":-%s},"
				   "{\"id\":\"%s\",\"delta\":%s}]", v->item, amount, payment.item_id,
				   amount);
	batch = db_batch_new(ctx->arena);
	if (!allocation_json || !deltas_json || !batch)
		return ERP_ERR_NO_MEMORY;
	db_batch_add(batch, &sales_sql_payment_mark_reversed, 5, (const char *[]){
		in->id, ctx->actor_id, date, in->reason, entry.id }, NULL);
	db_batch_add(batch, &sales_sql_reversal_open_item, 2, (const char *[]){ v->item, in->id }, NULL);
	db_batch_add(batch, &sales_sql_allocations_insert, 5, (const char *[]){
		ctx->company->id, payment.partner_id, payment.item_id, ctx->actor_id, allocation_json },
		NULL);
	db_batch_add(batch, &sales_sql_residuals_adjust, 2,
		     (const char *[]){ ctx->company->id, deltas_json }, NULL);
	db_batch_add(batch, &sales_sql_payment_get, 2, key, &res);
	rc = db_batch_run(ctx->db, batch);
	if (!rc)
		rc = db_value_json(ctx->arena, res, 0, "j", &v->after);
	if (!rc)
		rc = record(ctx, "sales.payment.reversed", in->id, v->before, v->after, in->reason);
	return rc ? rc : keep(ctx, v->guard, in->id, v->after);
}

int sales_payment_reverse(struct erp_ctx *ctx, const struct sales_reversal_input *in,
			  const struct sales_post_guard *guard, json_t **payment)
{
	struct reversing v = { .in = in, .guard = guard };
	int rc;

	if (!ctx->company || !in->id)
		return ERP_ERR_NOT_FOUND;
	if (in->date && !schema_is_date(in->date))
		erp_refuse_field_code(&ctx->refusal, "/date", "format", "a date is YYYY-MM-DD");
	if (!in->reason || !*in->reason || sales_text_length(in->reason) > SALES_REASON_MAX)
		erp_refuse_field_code(&ctx->refusal, "/reason", "required",
				      "say why the payment is reversed, in 1 to 500 characters");
	if (erp_refused(&ctx->refusal))
		return ctx->refusal.code;
	erp_uuid_v7_text(v.allocation);
	erp_uuid_v7_text(v.item);
	rc = db_usecase_transaction(ctx, reverse_work, &v);
	if (!rc)
		*payment = v.replayed ? NULL : v.after;
	return rc;
}
