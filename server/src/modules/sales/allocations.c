/*
 * Allocations: a payment set against its customer's open invoices. They
 * move residuals in the receivables (the invoice owes less, the payment
 * has less left) and never touch a ledger line; an undoing moves them back
 * and keeps the record, undone. Every change of a customer's receivables
 * runs under the customer's lock (sales_sql_customer_lock), so residuals
 * read are residuals written; the table's checks refuse a residual past
 * zero whatever happens.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "modules/sales/internal.h"
#include "shared-kernel/money.h"
#include "shared-kernel/uuid.h"

static const char *const allocation_audited[] = {
	"payment", "payment_number", "invoice", "invoice_number", "amount", "invoice_residual",
	"payment_unallocated", "undone",
};

static int64_t number_of(const PGresult *res, int row, const char *name)
{
	return strtoll(db_value(res, row, name), NULL, 10);
}

const char *sales_money_text(struct arena *arena, int64_t minor, int exponent)
{
	char text[ERP_MONEY_TEXT_MAX + 1];

	if (erp_money_format(minor, exponent, text, sizeof(text)) < 0)
		return NULL;
	return arena_strdup(arena, text);
}

void sales_payment_facts_from(const PGresult *res, const char *id, struct sales_payment_facts *out)
{
	*out = (struct sales_payment_facts){
		.row = res, .id = id, .item_id = db_value(res, 0, "item_id"),
		.partner_id = db_value(res, 0, "partner_id"), .number = db_value(res, 0, "number"),
		.currency = db_value(res, 0, "currency"),
		.exponent = (int)number_of(res, 0, "exponent"),
		.unallocated_minor = -number_of(res, 0, "residual_minor"),
	};
}

/* A JSON value kept by the arena (NULL when out of memory). */
static json_t *kept(struct arena *arena, json_t *value)
{
	if (value && arena_cleanup_add(arena, (arena_cleanup_fn)json_decref, value)) {
		json_decref(value);
		return NULL;
	}
	return value;
}

/* JSON text of value (arena); NULL when out of memory. */
static const char *text_of_json(struct arena *arena, json_t *value)
{
	char *text = value ? erp_json_dumps(value, JSON_COMPACT) : NULL;
	const char *copy = text ? arena_strdup(arena, text) : NULL;

	free(text);
	return copy;
}

/*
 * One allocation's audit and domain event: its amount, and both residuals
 * old -> new (undone: false -> true for an undoing).
 */
static int record(struct erp_ctx *ctx, const struct sales_payment_facts *payment,
		  const char *action, const char *allocation_id, const char *invoice_id,
		  const char *invoice_number, int64_t amount, int64_t invoice_residual_before,
		  int64_t invoice_residual_after, int64_t unallocated_before, int64_t unallocated_after,
		  bool undoing)
{
	struct arena *a = ctx->arena;
	const char *amount_text = sales_money_text(a, amount, payment->exponent);
	const char *r0 = sales_money_text(a, invoice_residual_before, payment->exponent);
	const char *r1 = sales_money_text(a, invoice_residual_after, payment->exponent);
	const char *u0 = sales_money_text(a, unallocated_before, payment->exponent);
	const char *u1 = sales_money_text(a, unallocated_after, payment->exponent);
	json_t *before, *after;

	if (!amount_text || !r0 || !r1 || !u0 || !u1)
		return ERP_ERR_NO_MEMORY;
	before = kept(a, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "id", allocation_id,
				   "payment", payment->id, "payment_number", payment->number,
				   "invoice", invoice_id, "invoice_number", invoice_number,
				   "invoice_residual", r0, "payment_unallocated", u0, "undone", 0));
	after = kept(a, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "id", allocation_id,
				  "payment", payment->id, "payment_number", payment->number,
				  "invoice", invoice_id, "invoice_number", invoice_number,
				  "amount", amount_text, "invoice_residual", r1, "payment_unallocated", u1,
				  "undone", undoing));
	if (!before || !after)
		return ERP_ERR_NO_MEMORY;
	if (undoing && json_object_set_new(before, "amount", json_string(amount_text)))
		return ERP_ERR_NO_MEMORY;
	return sales_record_change(ctx, &(struct sales_change_record){
		.action = action, .entity = "allocation", .entity_id = allocation_id,
		.audited = allocation_audited, .audited_count = ERP_COUNT(allocation_audited),
		.told = allocation_audited, .told_count = ERP_COUNT(allocation_audited) },
		before, after);
}

/* --- making allocations ------------------------------------------------------------------------ */

/* What an allocation request became: the invoice's open item, and the amount. */
struct planned {
	const PGresult *items;        /* rows of the invoices' items */
	int *rows;                    /* per allocation: its item's row in items */
	int64_t *amounts;
	size_t count;
};

/* An amount given as text: minor units of the payment's currency, or a refusal at pointer. */
static int parse_amount(struct erp_ctx *ctx, const struct sales_payment_facts *payment,
			const char *pointer, const char *text, int64_t *out)
{
	int parsed = erp_money_parse(text, payment->exponent, 0, out);
	const char *detail;

	if (parsed == ERP_MONEY_OK && *out > 0)
		return ERP_OK;
	detail = parsed == ERP_MONEY_OK ? "an allocation's amount is more than 0"
		 : parsed == ERP_MONEY_TOO_MANY_DECIMALS
		 ? arena_printf(ctx->arena, "%s allows at most %d decimals", payment->currency,
				payment->exponent)
		 : erp_money_parse_message(parsed);
	if (!pointer || !detail)
		return ERP_ERR_NO_MEMORY;
	return erp_refuse_field_kept(&ctx->refusal, ctx->arena, pointer, "format", detail);
}

/* "auto": the oldest open invoices the payment reaches, as much of each as it covers. */
static int plan_oldest(struct erp_ctx *ctx, struct sales_payment_facts *payment,
		       const struct sales_allocations_input *in, bool must_allocate, struct planned *out)
{
	int64_t cap = payment->unallocated_minor, given;
	char cap_text[24];
	int64_t *residuals;
	PGresult *items;
	size_t count;
	int rc;

	if (in->automatic_cap) {
		rc = parse_amount(ctx, payment, "/amount", in->automatic_cap, &given);
		if (rc)
			return rc;
		cap = given < cap ? given : cap;
	}
	snprintf(cap_text, sizeof(cap_text), "%lld", (long long)cap);
	rc = db_query(ctx->db, ctx->arena, &sales_sql_open_invoices_oldest, 4, (const char *[]){
		ctx->company->id, payment->partner_id, payment->currency, cap_text }, &items);
	if (rc)
		return rc;
	count = (size_t)PQntuples(items);
	if (count == 0 && must_allocate)
		return erp_refuse_field_code(&ctx->refusal, "/auto", "nothing",
					     payment->unallocated_minor <= 0
					     ? "the payment has nothing left to allocate"
					     : "the customer has no open invoice to allocate to");
	residuals = arena_calloc(ctx->arena, count ? count : 1, sizeof(*residuals));
	out->amounts = arena_calloc(ctx->arena, count ? count : 1, sizeof(*out->amounts));
	out->rows = arena_calloc(ctx->arena, count ? count : 1, sizeof(*out->rows));
	if (!residuals || !out->amounts || !out->rows)
		return ERP_ERR_NO_MEMORY;
	for (size_t i = 0; i < count; i++) {
		residuals[i] = number_of(items, (int)i, "residual_minor");
		out->rows[i] = (int)i;
	}
	sales_allocate_oldest(cap, residuals, count, out->amounts);
	out->items = items;
	out->count = count;
	return ERP_OK;
}

/* The row of items whose invoice is id, or -1. */
static int row_of_invoice(const PGresult *items, const char *id)
{
	for (int row = 0; id && row < PQntuples(items); row++)
		if (strcmp(db_value(items, row, "document_id"), id) == 0)
			return row;
	return -1;
}

/* A field of allocation i refused (code, sentence), its pointer made in the arena. */
static int refuse_at(struct erp_ctx *ctx, const struct sales_allocations_input *in, size_t i,
		     const char *field, const char *code, const char *detail)
{
	const char *pointer = in->list_pointer
		? arena_printf(ctx->arena, "%s/%zu/%s", in->list_pointer, i, field)
		: arena_printf(ctx->arena, "/%s", field);

	if (!pointer || !detail)
		return ERP_ERR_NO_MEMORY;
	return erp_refuse_field_kept(&ctx->refusal, ctx->arena, pointer, code, detail);
}

/* Allocations listed: each invoice looked up (posted, the company's, the payment's customer's). */
static int plan_listed(struct erp_ctx *ctx, struct sales_payment_facts *payment,
		       const struct sales_allocations_input *in, struct planned *out)
{
	json_t *ids = kept(ctx->arena, json_array());
	struct sales_allocation_request *requests;
	int64_t *residuals;
	const char *ids_text;
	PGresult *items;
	int rc = ERP_OK, each;

	for (size_t i = 0; ids && i < in->count; i++)
		if (json_array_append_new(ids, json_string(in->list[i].invoice)))
			return ERP_ERR_NO_MEMORY;
	ids_text = text_of_json(ctx->arena, ids);
	if (!ids_text)
		return ERP_ERR_NO_MEMORY;
	rc = db_query(ctx->db, ctx->arena, &sales_sql_invoice_items_named, 2,
		      (const char *[]){ ctx->company->id, ids_text }, &items);
	if (rc)
		return rc;
	requests = arena_calloc(ctx->arena, in->count ? in->count : 1, sizeof(*requests));
	residuals = arena_calloc(ctx->arena, PQntuples(items) ? (size_t)PQntuples(items) : 1,
				 sizeof(*residuals));
	out->rows = arena_calloc(ctx->arena, in->count ? in->count : 1, sizeof(*out->rows));
	out->amounts = arena_calloc(ctx->arena, in->count ? in->count : 1, sizeof(*out->amounts));
	if (!requests || !residuals || !out->rows || !out->amounts)
		return ERP_ERR_NO_MEMORY;
	for (int row = 0; row < PQntuples(items); row++)
		residuals[row] = number_of(items, row, "residual_minor");
	rc = ERP_OK;
	for (size_t i = 0; i < in->count && rc != ERP_ERR_NO_MEMORY; i++) {
		int row = row_of_invoice(items, in->list[i].invoice);
		const char *amount_pointer = in->list_pointer
			? arena_printf(ctx->arena, "%s/%zu/amount", in->list_pointer, i)
			: "/amount";

		each = ERP_OK;
		if (row < 0)
			each = refuse_at(ctx, in, i, "invoice", "unknown",
					 "no posted invoice of the company has this id");
		else if (strcmp(db_value(items, row, "partner_id"), payment->partner_id) != 0)
			each = refuse_at(ctx, in, i, "invoice", "partner",
					 arena_printf(ctx->arena, "invoice %s is another customer's: a"
						      " payment pays its own customer's invoices",
						      db_value(items, row, "number")));
		else if (strcmp(db_value(items, row, "currency"), payment->currency) != 0)
			each = refuse_at(ctx, in, i, "invoice", "currency",
					 arena_printf(ctx->arena, "invoice %s is in %s, the payment in %s",
						      db_value(items, row, "number"),
						      db_value(items, row, "currency"), payment->currency));
		rc = rc == ERP_ERR_NO_MEMORY || each == ERP_OK ? rc : each;
		requests[i] = (struct sales_allocation_request){ .invoice = row < 0 ? 0 : (size_t)row,
								 .amount_minor = SALES_ALLOCATE_ALL };
		out->rows[i] = row;
		if (in->list[i].amount) {
			each = parse_amount(ctx, payment, amount_pointer, in->list[i].amount,
					    &requests[i].amount_minor);
			rc = rc == ERP_ERR_NO_MEMORY || each == ERP_OK ? rc : each;
		}
	}
	if (rc)
		return rc;
	rc = sales_allocation_check(&ctx->refusal, ctx->arena, in->list_pointer,
				    payment->unallocated_minor, residuals, (size_t)PQntuples(items),
				    requests, in->count, out->amounts);
	out->items = items;
	out->count = in->count;
	return rc;
}

int sales_allocate_from(struct erp_ctx *ctx, struct sales_payment_facts *payment,
			const struct sales_allocations_input *in, bool must_allocate)
{
	struct planned plan = { 0 };
	json_t *allocations = kept(ctx->arena, json_array());
	json_t *deltas = kept(ctx->arena, json_array());
	const char *allocations_text, *deltas_text;
	int64_t *owed, total = 0;
	char (*ids)[ERP_UUID_TEXT_LEN + 1];
	struct db_batch *batch;
	int rc;

	if (!in->automatic && in->count == 0)
		return ERP_OK;
	if (!allocations || !deltas)
		return ERP_ERR_NO_MEMORY;
	rc = in->automatic ? plan_oldest(ctx, payment, in, must_allocate, &plan)
			   : plan_listed(ctx, payment, in, &plan);
	if (rc)
		return rc;
	ids = arena_calloc(ctx->arena, plan.count ? plan.count : 1, sizeof(*ids));
	owed = arena_calloc(ctx->arena, PQntuples(plan.items) ? (size_t)PQntuples(plan.items) : 1,
			    sizeof(*owed));
	if (!ids || !owed)
		return ERP_ERR_NO_MEMORY;
	for (int row = 0; row < PQntuples(plan.items); row++)
		owed[row] = number_of(plan.items, row, "residual_minor");
	for (size_t i = 0; i < plan.count; i++) {
		if (plan.amounts[i] == 0)
			continue;
		erp_uuid_v7_text(ids[i]);
		if (json_array_append_new(allocations, json_pack("{s:s, s:s, s:I}", "id", ids[i],
								 "debit_item_id",
								 db_value(plan.items, plan.rows[i], "id"),
								 "amount_minor", (json_int_t)plan.amounts[i])) ||
		    json_array_append_new(deltas, json_pack("{s:s, s:I}", "id",
							    db_value(plan.items, plan.rows[i], "id"),
							    "delta", (json_int_t)-plan.amounts[i])))
			return ERP_ERR_NO_MEMORY;
		total += plan.amounts[i];
	}
	if (total == 0)
		return must_allocate ? erp_refuse_field_code(&ctx->refusal, "/auto", "nothing",
							     "there is nothing to allocate")
				     : ERP_OK;
	if (json_array_append_new(deltas, json_pack("{s:s, s:I}", "id", payment->item_id, "delta",
						    (json_int_t)total)))
		return ERP_ERR_NO_MEMORY;
	allocations_text = text_of_json(ctx->arena, allocations);
	deltas_text = text_of_json(ctx->arena, deltas);
	batch = db_batch_new(ctx->arena);
	if (!allocations_text || !deltas_text || !batch)
		return ERP_ERR_NO_MEMORY;
	db_batch_add(batch, &sales_sql_allocations_insert, 5, (const char *[]){
		ctx->company->id, payment->partner_id, payment->item_id, ctx->actor_id,
		allocations_text }, NULL);
	db_batch_add(batch, &sales_sql_residuals_adjust, 2,
		     (const char *[]){ ctx->company->id, deltas_text }, NULL);
	db_batch_add(batch, &sales_sql_payment_touch, 1, (const char *[]){ payment->id }, NULL);
	rc = db_batch_run(ctx->db, batch);
	for (size_t i = 0; !rc && i < plan.count; i++) {
		int row = plan.rows[i];
		int64_t before = owed[row], unallocated = payment->unallocated_minor;

		if (plan.amounts[i] == 0)
			continue;
		owed[row] -= plan.amounts[i];
		payment->unallocated_minor -= plan.amounts[i];
		rc = record(ctx, payment, "sales.payment.allocated", ids[i],
			    db_value(plan.items, row, "document_id"), db_value(plan.items, row, "number"),
			    plan.amounts[i], before, owed[row], unallocated,
			    payment->unallocated_minor, false);
	}
	return rc;
}

/* --- undoing them ------------------------------------------------------------------------------- */

int sales_undo_allocations(struct erp_ctx *ctx, struct sales_payment_facts *payment,
			   const PGresult *rows)
{
	json_t *ids = kept(ctx->arena, json_array());
	json_t *deltas = kept(ctx->arena, json_array());
	const char *ids_text, *deltas_text;
	struct db_batch *batch;
	int64_t total = 0;
	int rc;

	if (PQntuples(rows) == 0)
		return ERP_OK;
	if (!ids || !deltas)
		return ERP_ERR_NO_MEMORY;
	for (int row = 0; row < PQntuples(rows); row++) {
		int64_t amount = number_of(rows, row, "amount_minor");

		if (json_array_append_new(ids, json_string(db_value(rows, row, "id"))) ||
		    json_array_append_new(deltas, json_pack("{s:s, s:I}", "id",
							    db_value(rows, row, "debit_item_id"),
							    "delta", (json_int_t)amount)))
			return ERP_ERR_NO_MEMORY;
		total += amount;
	}
	if (json_array_append_new(deltas, json_pack("{s:s, s:I}", "id", payment->item_id, "delta",
						    (json_int_t)-total)))
		return ERP_ERR_NO_MEMORY;
	ids_text = text_of_json(ctx->arena, ids);
	deltas_text = text_of_json(ctx->arena, deltas);
	batch = db_batch_new(ctx->arena);
	if (!ids_text || !deltas_text || !batch)
		return ERP_ERR_NO_MEMORY;
	db_batch_add(batch, &sales_sql_allocations_undo, 2,
		     (const char *[]){ ctx->actor_id, ids_text }, NULL);
	db_batch_add(batch, &sales_sql_residuals_adjust, 2,
		     (const char *[]){ ctx->company->id, deltas_text }, NULL);
	db_batch_add(batch, &sales_sql_payment_touch, 1, (const char *[]){ payment->id }, NULL);
	rc = db_batch_run(ctx->db, batch);
	for (int row = 0; !rc && row < PQntuples(rows); row++) {
		int64_t amount = number_of(rows, row, "amount_minor");
		int64_t residual = number_of(rows, row, "residual_minor");
		int64_t unallocated = payment->unallocated_minor;

		payment->unallocated_minor += amount;
		rc = record(ctx, payment, "sales.payment.allocation_undone", db_value(rows, row, "id"),
			    db_value(rows, row, "document_id"), db_value(rows, row, "number"), amount,
			    residual, residual + amount, unallocated, payment->unallocated_minor, true);
	}
	return rc;
}

/* --- the routes' use cases ---------------------------------------------------------------------- */

struct allocating {
	const char *id;
	const struct sales_allocations_input *in;
	const char *allocation_id;   /* an undoing: the allocation */
	json_t *after;
};

/* The customer's lock, then the payment locked: its facts into payment (404 without one). */
static int lock_payment(struct erp_ctx *ctx, const char *id, struct sales_payment_facts *payment,
			const char *allocation_id, PGresult **allocation)
{
	const char *key[] = { ctx->company->id, id };
	struct db_batch *batch = db_batch_new(ctx->arena);
	PGresult *locked;
	int rc;

	db_batch_add(batch, &sales_sql_customer_lock_of_payment, 2, key, NULL);
	db_batch_add(batch, &sales_sql_payment_lock, 2, key, &locked);
	if (allocation_id)
		db_batch_add(batch, &sales_sql_allocation_lock, 3,
			     (const char *[]){ ctx->company->id, id, allocation_id }, allocation);
	rc = batch ? db_batch_run(ctx->db, batch) : ERP_ERR_NO_MEMORY;
	if (rc)
		return rc;
	if (PQntuples(locked) == 0)
		return ERP_ERR_NOT_FOUND;
	sales_payment_facts_from(locked, id, payment);
	if (strcmp(db_value(locked, 0, "reversed"), "t") == 0)
		return erp_refuse_made(&ctx->refusal, ERP_ERR_CONFLICT,
				       arena_printf(ctx->arena, "payment %s is reversed: its allocations"
						    " are undone for good", payment->number));
	return ERP_OK;
}

static int read_back(struct erp_ctx *ctx, struct allocating *a)
{
	return resource_query_json(ctx->db, ctx->arena, &sales_sql_payment_get, 2,
				   (const char *[]){ ctx->company->id, a->id }, &a->after);
}

static int allocate_work(struct erp_ctx *ctx, void *state)
{
	struct allocating *a = state;
	struct sales_payment_facts payment;
	int rc = lock_payment(ctx, a->id, &payment, NULL, NULL);

	if (!rc)
		rc = sales_allocate_from(ctx, &payment, a->in, true);
	return rc ? rc : read_back(ctx, a);
}

int sales_payment_allocate(struct erp_ctx *ctx, const char *id,
			   const struct sales_allocations_input *in, json_t **payment)
{
	struct allocating a = { .id = id, .in = in };
	int rc;

	if (!ctx->company || !id)
		return ERP_ERR_NOT_FOUND;
	rc = db_usecase_transaction(ctx, allocate_work, &a);
	if (!rc)
		*payment = a.after;
	return rc;
}

static int undo_work(struct erp_ctx *ctx, void *state)
{
	struct allocating *a = state;
	struct sales_payment_facts payment;
	PGresult *allocation = NULL;
	int rc = lock_payment(ctx, a->id, &payment, a->allocation_id, &allocation);

	if (rc)
		return rc;
	if (PQntuples(allocation) == 0)
		return ERP_ERR_NOT_FOUND;
	if (db_value(allocation, 0, "undone_at"))
		return erp_refuse(&ctx->refusal, ERP_ERR_CONFLICT, "the allocation is undone already");
	if (strcmp(db_value(allocation, 0, "document_type"), "invoice") != 0)
		return erp_refuse(&ctx->refusal, ERP_ERR_CONFLICT,
				  "the allocation is part of the payment's reversal");
	return sales_undo_allocations(ctx, &payment, allocation);
}

int sales_allocation_undo(struct erp_ctx *ctx, const char *id, const char *allocation_id)
{
	struct allocating a = { .id = id, .allocation_id = allocation_id };

	if (!ctx->company || !id || !allocation_id)
		return ERP_ERR_NOT_FOUND;
	return db_usecase_transaction(ctx, undo_work, &a);
}
