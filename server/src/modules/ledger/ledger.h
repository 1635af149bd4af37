#ifndef ERP_MODULES_LEDGER_H
#define ERP_MODULES_LEDGER_H

#include <stddef.h>
#include <stdint.h>

#include "common/arena.h"
#include "platform/db/db.h"
#include "platform/http/route.h"
#include "shared-kernel/usecase.h"

/*
 * The general ledger: chart of accounts, fiscal periods, journal entries
 * (draft -> posted, four-eyes, gapless numbers, reversal) and reports. Other
 * modules (sales, purchasing, inventory) post through this header only, on
 * their own connection and inside their own transaction, so a document and
 * its ledger entry commit or vanish together.
 */

/* The module descriptor: routes, the ledger.* catalog, SoD pairs. */
extern const struct erp_module ledger_module;

enum { LEDGER_LINES_MAX = 500 };

/*
 * One line of an entry posted from code, in minor units of the account's
 * currency: exactly one of debit_minor and credit_minor set (not zero), and
 * more than zero.
 */
struct ledger_line_spec {
	const char *account;      /* account code in the company */
	int64_t debit_minor;
	int64_t credit_minor;
	const char *description;  /* may be NULL */
};

struct ledger_entry_spec {
	const char *date;         /* YYYY-MM-DD; its period must be open */
	const char *memo;
	const char *reference;    /* may be NULL */
	const char *source;       /* the posting module's document type, e.g. "sales.invoice" */
	const struct ledger_line_spec *lines;
	size_t line_count;
};

struct ledger_posted {
	char id[40];
	char number[24];          /* "JE-2026-000001" */
};

/*
 * Creates and posts a balanced entry inside the caller's transaction (the
 * caller's BEGIN ... COMMIT on ctx->db), in the company ctx->company (the
 * scope IAM resolved), caused by ctx->actor_id, audited under
 * ctx->request_id: the same create and post use cases as the HTTP routes,
 * amounts in minor units throughout. Module postings are approved by the
 * document that caused them, so four-eyes does not apply; the period rules
 * do: closed and locked periods refuse. Records the audit events and, last,
 * the domain event ledger.entry.posted (docs/events.md). Returns 0 and
 * fills *out, or the refusal's code with ctx->refusal filled as the HTTP
 * route fills it (ERP_ERR_INVALID naming the fields of the spec: /source,
 * /lines/<i>/account, /lines/<i>/debit, /lines for a currency that does not
 * balance; ERP_ERR_CONFLICT for a closed or locked period), or
 * ERP_ERR_NOT_FOUND without a company, or a database error code. On error
 * the caller must roll back.
 */
int ledger_post_entry(struct erp_ctx *ctx, const struct ledger_entry_spec *spec,
		      struct ledger_posted *out);

/*
 * The posted balance (debits minus credits, minor units of the account's
 * currency) of an account on a date (inclusive; NULL: everything posted).
 * ERP_ERR_NOT_FOUND when the company has no such account.
 */
int ledger_account_balance(struct db_conn *db, struct arena *arena, const char *company_id,
			   const char *account, const char *as_of, int64_t *balance_minor);

#endif
