#ifndef ERP_MODULES_PARTNERS_H
#define ERP_MODULES_PARTNERS_H

#include <stdbool.h>
#include <stdint.h>

#include "common/arena.h"
#include "platform/db/db.h"
#include "platform/http/route.h"

/*
 * Partners: a company's counterparties, one record each, in the role of
 * customer, vendor or both (never two copies of one company: codes and tax
 * ids are unique per company). A partner carries what documents about it
 * need: payment terms, credit limit, currency, and the receivable and
 * payable accounts its documents post to (ledger accounts, defaults from
 * the company's partner settings).
 *
 * This header is the module's public face: the only file of it another
 * module may include. Sales and purchasing read a partner through
 * partners_find() and compute due dates with partners_due_date().
 */

/* The module descriptor, its manifest (module.c): routes, permissions, dependencies. */
extern const struct erp_module partners_module;

enum { PARTNERS_TERMS_DAYS_MAX = 365 };

/*
 * When a document is due: net `days` after its date, or, with end_of_month,
 * `days` after the last day of its date's month ("30 days end of month").
 */
struct partners_payment_terms {
	int days;            /* 0 .. PARTNERS_TERMS_DAYS_MAX */
	bool end_of_month;
};

/*
 * The due date (YYYY-MM-DD into due, 11 bytes) of a document dated date
 * (YYYY-MM-DD, a real calendar date) under terms: 0, or -1 when the date is
 * not one, the terms are out of range, or the due date would fall after
 * 9999-12-31 (due untouched). Pure: no database, no allocation.
 */
int partners_due_date(const struct partners_payment_terms *terms, const char *date, char due[11]);

/* A partner as another module needs it; strings live in the arena given to partners_find(). */
struct partners_partner {
	char id[40];
	const char *code;
	const char *name;
	bool customer;
	bool vendor;
	bool active;                /* an inactive partner takes no new documents */
	char currency[4];           /* the partner's trading currency */
	struct partners_payment_terms terms;
	bool has_credit_limit;
	int64_t credit_limit_minor; /* in credit_limit_currency's minor units */
	char credit_limit_currency[4];
	const char *receivable_account; /* ledger account code; NULL when none (not a customer) */
	bool receivable_account_active; /* the ledger's state now: deactivated accounts stay linked */
	const char *payable_account;    /* likewise, for vendors */
	bool payable_account_active;
	int version;
};

/*
 * Reads partner code of company_id (UUID) on db, inside the caller's
 * transaction when it has one. With share_lock the row is locked FOR SHARE
 * until that transaction ends, so a deactivation or change waits for the
 * document being made against it. 0 and *out; ERP_ERR_NOT_FOUND when the
 * company has no such partner; ERP_ERR_NO_MEMORY or a database error code.
 */
int partners_find(struct db_conn *db, struct arena *arena, const char *company_id,
		  const char *code, bool share_lock, struct partners_partner *out);

#endif
