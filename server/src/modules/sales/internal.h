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

#endif
