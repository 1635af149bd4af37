#ifndef ERP_MODULES_SALES_INTERNAL_H
#define ERP_MODULES_SALES_INTERNAL_H

/*
 * What the module's own files share, and nothing outside the module sees:
 * the use cases (usecases.h), the statements (store.h), what the use cases
 * share (record.c), and the handlers the manifest routes to. Use cases run
 * in the platform's db_usecase_transaction(); handlers build their context
 * with http_usecase_ctx() and answer with http_respond_failure() and
 * etag_respond_entity().
 */
#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>

#include "modules/sales/sales.h"
#include "modules/sales/store.h"
#include "modules/sales/usecases.h"
#include "platform/db/db.h"
#include "platform/db/db_json.h"
#include "platform/db/idempotency.h"
#include "platform/db/usecase.h"
#include "platform/http/http.h"
#include "platform/http/resource.h"
#include "shared-kernel/errors.h"
#include "shared-kernel/usecase.h"

/* --- what the use cases share (record.c) -------------------------------------------------- */

/* What one change records: its action (audit and event alike), its entity, the fields each tells. */
struct sales_change_record {
	const char *action;         /* "sales.invoice.posted": the audit action and the event type */
	const char *entity;         /* "invoice" */
	const char *entity_id;
	const char *const *audited; /* compared old -> new in the audit event */
	size_t audited_count;
	const char *const *told;    /* the domain event's payload fields */
	size_t told_count;
	const char *reason;         /* the audit event's reason, or NULL */
};

/*
 * The audit event (old -> new) and the domain event of a change in
 * ctx->company, beside it in its transaction (both travel with COMMIT).
 * before NULL: created; after NULL: removed. 0 or an error code.
 */
int sales_record_change(struct erp_ctx *ctx, const struct sales_change_record *record,
			json_t *before, json_t *after);

/* Reads a sales_sql_account row (id, code, type, currency, active) at row; found false without one. */
void sales_account_from(const PGresult *res, int row, struct sales_account *out);

/* --- an invoice's audit and events (invoices.c) ------------------------------------------------ */

/* What an invoice's audit events compare and its domain events tell (docs/events.md). */
extern const char *const sales_invoice_audited[];
extern const size_t sales_invoice_audited_count;
extern const char *const sales_invoice_told[];
extern const size_t sales_invoice_told_count;

/*
 * The audit event (with reason, or NULL) and the domain event action of a
 * change of invoice id, from its JSON before and after (either NULL).
 */
int sales_invoice_record(struct erp_ctx *ctx, const char *action, const char *id, json_t *before,
			 json_t *after, const char *reason);

/* --- receivables: what payments and allocations share (allocations.c) ---------------------------- */

/* A payment as its allocations see it, read under its customer's lock (sales_sql_payment_lock). */
struct sales_payment_facts {
	const PGresult *row;          /* the lock's row: j, version, reversed, partner_id, ... */
	const char *id;
	const char *item_id;          /* its open item */
	const char *partner_id;
	const char *number;
	const char *currency;
	int exponent;
	int64_t unallocated_minor;    /* what it has left: minus its item's residual */
};

/* The facts of row 0 of a sales_sql_payment_lock answer (texts stay in res). */
void sales_payment_facts_from(const PGresult *res, const char *id, struct sales_payment_facts *out);

/*
 * Makes the allocations in asks of payment (its customer locked by the
 * caller, in the caller's transaction): looks the invoices up, applies
 * the rules (allocate.c), inserts the allocations, moves both residuals,
 * moves the payment's version, and records sales.payment.allocated for
 * each. must_allocate: allocating nothing is refused (422 "nothing" at
 * /auto) rather than done. 0, or a refusal (ERP_ERR_INVALID) or failure.
 */
int sales_allocate_from(struct erp_ctx *ctx, struct sales_payment_facts *payment,
			const struct sales_allocations_input *in, bool must_allocate);

/*
 * Undoes the allocations listed in rows (a sales_sql_allocations_of_item
 * or sales_sql_allocation_lock answer: id, amount_minor, debit_item_id,
 * document_id, number, residual_minor) of payment: marks them undone,
 * restores both residuals, moves the payment's version, and records
 * sales.payment.allocation_undone for each. 0 or a failure.
 */
int sales_undo_allocations(struct erp_ctx *ctx, struct sales_payment_facts *payment,
			   const PGresult *rows);

/* Minor units as text of exponent (arena); NULL when out of memory. */
const char *sales_money_text(struct arena *arena, int64_t minor, int exponent);

/* --- credit notes (credit_notes.c) --------------------------------------------------------------- */

/* The audit event and domain event action of a change of credit note id (before/after NULL: none). */
int sales_credit_note_record(struct erp_ctx *ctx, const char *action, const char *id,
			     json_t *before, json_t *after);

/* --- the Idempotency-Key as a posting's guard (http_guard.c) ------------------------------------ */

struct sales_http_guard {
	struct erp_request *req;
	struct idempotency idem;      /* idempotency_prepare() fills it before the use case */
	int refused;                  /* the claim's refusal (409, 422), answered by the platform */
	const char *created_in;       /* a create: its collection ("customer-payments"): 201 and
					 Location; NULL: 200 */
};

/* The guard a posting use case takes, over g (which outlives the use case). */
struct sales_post_guard sales_http_guard(struct sales_http_guard *g);

/*
 * After a guarded use case returned rc: the claim's refusal, the use
 * case's failure, or the answer kept (the first time or as a replay).
 * Returns like a handler.
 */
int sales_http_guarded_answer(struct erp_request *req, struct sales_http_guard *g,
			      struct erp_ctx *ctx, int rc);

/* --- handlers (http_tax_codes.c, http_invoices.c): decode, call the use case, render --------- */

int sales_http_tax_codes_list(struct erp_request *req);
int sales_http_tax_codes_create(struct erp_request *req);
int sales_http_tax_codes_get(struct erp_request *req);
int sales_http_tax_codes_update(struct erp_request *req);
int sales_http_invoices_list(struct erp_request *req);
int sales_http_invoices_create(struct erp_request *req);
int sales_http_invoices_get(struct erp_request *req);
int sales_http_invoices_replace(struct erp_request *req);
int sales_http_invoices_delete(struct erp_request *req);
int sales_http_invoices_post(struct erp_request *req);
int sales_http_payments_list(struct erp_request *req);
int sales_http_payments_create(struct erp_request *req);
int sales_http_payments_get(struct erp_request *req);
int sales_http_payments_reverse(struct erp_request *req);
int sales_http_payments_allocate(struct erp_request *req);
int sales_http_allocations_delete(struct erp_request *req);
int sales_http_credit_notes_list(struct erp_request *req);
int sales_http_credit_notes_create(struct erp_request *req);
int sales_http_credit_notes_get(struct erp_request *req);
int sales_http_credit_notes_delete(struct erp_request *req);
int sales_http_credit_notes_post(struct erp_request *req);
int sales_http_receivables_aging(struct erp_request *req);
int sales_http_partner_statement(struct erp_request *req);

#endif
