#ifndef ERP_MODULES_SALES_USECASES_H
#define ERP_MODULES_SALES_USECASES_H

/*
 * Sales' use cases (module-internal; internal.h includes it): what the HTTP
 * handlers call, and what another module, an importer or a job would call.
 * Each takes a struct erp_ctx (shared-kernel/usecase.h) whose company is the
 * one it works in, and typed input; it owns its transaction
 * (db_usecase_transaction()) and returns 0 (its result in ctx->arena), a
 * refusal's code (ctx->refusal filled: a domain code, a sentence, the fields
 * concerned; never an HTTP status) or a failure's (database, memory;
 * ctx->refusal empty). The rules that need no database are plain functions,
 * unit-tested on their own (server/test/unit/modules/sales/).
 */
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shared-kernel/money.h"
#include "shared-kernel/usecase.h"

struct db_batch;
struct db_conn;

enum {
	SALES_CODE_MAX = 20,
	SALES_NAME_MAX = 200,
	SALES_ACCOUNT_CODE_MAX = 20,
	SALES_DECIMAL_TEXT_MAX = 24,   /* a quantity, rate or discount as text */
	SALES_LINES_MAX = 200,         /* an invoice's lines (its entry: one more per account and code) */
	SALES_DESCRIPTION_MAX = 500,
	SALES_REFERENCE_MAX = 100,
	SALES_NUMBER_MAX = 24,         /* "INV-2026-000001" with room to grow */
	SALES_REASON_MAX = 500,
};

/* Quantities, rates and discounts are held as units of 10^-4: "7.5" is 75000. */
#define SALES_E4 ((int64_t)10000)
/* 100%, the largest rate or discount. */
#define SALES_PERCENT_E4_MAX ((int64_t)100 * SALES_E4)

/* --- exact arithmetic (amounts.c) ------------------------------------------------------- */

enum sales_decimal_result {
	SALES_DECIMAL_OK = 0,
	SALES_DECIMAL_SYNTAX = -1,            /* not digits[.digits] ("1e3", "", ".5") */
	SALES_DECIMAL_TOO_MANY_DECIMALS = -2, /* more than 4 decimals, zeros included */
	SALES_DECIMAL_OUT_OF_RANGE = -3,      /* negative, or above the maximum */
};

/*
 * Exact decimal text with at most 4 decimals ("7.5", "0.3333", "20") as
 * units of 10^-4 (75000, 3333, 200000), from 0 to max_e4 inclusive. Returns
 * SALES_DECIMAL_OK and *out_e4, or the reason (out untouched). Never rounds.
 */
int sales_decimal_e4(const char *text, int64_t max_e4, int64_t *out_e4);

/*
 * A line's net in minor units: quantity × unit price × (1 − discount/100),
 * computed exactly in 128 bits and rounded once, half away from zero, to
 * the minor unit (the first of the document's two roundings). quantity_e4
 * and discount_e4 in units of 10^-4 (discount 0..SALES_PERCENT_E4_MAX).
 * 0 and *net_minor, or ERP_ERR_OVERFLOW when a step does not fit.
 */
int sales_line_net(int64_t quantity_e4, int64_t unit_price_minor, int64_t discount_e4,
		   int64_t *net_minor);

/*
 * The tax on the sum of the nets of a document's lines with one tax code:
 * base × rate/100, rounded once, half away from zero, to the minor unit
 * (the second rounding). 0 and *tax_minor, or ERP_ERR_OVERFLOW.
 */
int sales_tax_amount(int64_t base_minor, int64_t rate_e4, int64_t *tax_minor);

/* A line as the arithmetic sees it; net_minor is filled in. */
struct sales_line_amounts {
	int64_t quantity_e4;
	int64_t unit_price_minor;
	int64_t discount_e4;
	size_t tax_group;           /* index of its tax code in the document's taxes */
	int64_t net_minor;
};

/* One tax code of a document: rate in; base (the nets of its lines) and tax out. */
struct sales_tax_amounts {
	int64_t rate_e4;
	int64_t base_minor;
	int64_t tax_minor;
};

struct sales_document_totals {
	int64_t net_minor;          /* the lines' nets */
	int64_t tax_minor;          /* the tax codes' taxes */
	int64_t total_minor;        /* what the customer owes */
};

/*
 * A document's amounts: each line's net, each tax code's base and tax, the
 * totals. 0, or ERP_ERR_OVERFLOW with *failed_line the line whose net does
 * not fit (or names a tax group out of range), SIZE_MAX when a sum does not.
 */
int sales_document_compute(struct sales_line_amounts *lines, size_t line_count,
			   struct sales_tax_amounts *taxes, size_t tax_count,
			   struct sales_document_totals *totals, size_t *failed_line);

/* --- rules without a database (rules.c) ---------------------------------------------------- */

/* Whether code is a code: [0-9A-Za-z][0-9A-Za-z._-]*, SALES_CODE_MAX at most. */
bool sales_code_valid(const char *code);

/* Characters (not bytes) of UTF-8 text: what the schemas' limits count. */
size_t sales_text_length(const char *text);

/* An account of the ledger's directory as the rules see it. */
struct sales_account {
	bool found;
	char id[40];
	char code[SALES_ACCOUNT_CODE_MAX + 1];
	char type[16];              /* asset, liability, equity, revenue, expense */
	char currency[4];
	bool active;
};

/*
 * The rule on an account a document or a tax code is given: it exists in
 * the company, has type and currency, and is active. pointer names the
 * field. 0 or ERP_ERR_INVALID (field code "unknown", "type", "currency" or
 * "inactive").
 */
int sales_check_account(struct erp_refusal *refusal, struct arena *arena, const char *pointer,
			const struct sales_account *account, const char *type, const char *currency);

/* --- tax codes (tax_codes.c) -------------------------------------------------------------- */

/* A nullable member of a change: left out (unchanged), given as text, or given as null. */
struct sales_text_field {
	bool given;
	const char *value;          /* given: the new value; NULL clears it */
};

struct sales_tax_code_input {
	const char *code;           /* a create: the new code; a change: the tax code's */
	const char *name;           /* NULL: unchanged (a change only) */
	const char *rate;           /* percent as decimal text; NULL: unchanged (a change only) */
	const char *output_account; /* a liability's code; NULL: unchanged (a change only) */
	struct sales_text_field input_account; /* an asset's code, or null: none */
	int active;                 /* 1, 0, or -1: unchanged (a create: active) */
	int expected_version;       /* a change: the version it was made against */
};

/*
 * The rules on a tax code's input that need no database, every field at
 * once: a create's code and name, a rate of 0 to 100 with at most four
 * decimals (*rate_e4; untouched when no rate is given). 0 or
 * ERP_ERR_INVALID with each field refused.
 */
int sales_tax_code_check(struct erp_refusal *refusal, const struct sales_tax_code_input *in,
			 bool creating, int64_t *rate_e4);

/*
 * Each *tax_code: the tax code as clients see it (arena-owned JSON);
 * ctx->company is required (ERP_ERR_NOT_FOUND without). Create and change
 * check the accounts through the ledger's directory (an active liability
 * for output tax, an active asset for input tax, both in the company's
 * currency), are audited and told as sales.tax_code.created / .updated.
 */
int sales_tax_code_create(struct erp_ctx *ctx, const struct sales_tax_code_input *in,
			  json_t **tax_code);
int sales_tax_code_read(struct erp_ctx *ctx, const char *code, json_t **tax_code);
int sales_tax_code_update(struct erp_ctx *ctx, const struct sales_tax_code_input *in,
			  json_t **tax_code);

/* --- sales invoices (invoices.c; posting.c) -------------------------------------------------- */

/* A line as given: text, as the body has it. */
struct sales_line_input {
	const char *description;
	const char *quantity;         /* decimal text, more than 0, at most 4 decimals */
	const char *unit_price;       /* money text in the invoice's currency, 0 or more */
	const char *revenue_account;  /* a revenue account's code */
	const char *tax_code;         /* a tax code's code */
	const char *discount_percent; /* decimal text 0..100, at most 4 decimals; NULL: none */
};

struct sales_invoice_input {
	const char *id;               /* a replace: the invoice's (canonical UUID) */
	const char *partner;          /* a customer's code */
	const char *date;             /* YYYY-MM-DD */
	const char *due_date;         /* NULL: from the partner's payment terms */
	const char *reference;        /* NULL: none */
	const char *currency;         /* NULL: the partner's; it must be the company's */
	const struct sales_line_input *lines;
	size_t line_count;
	int expected_version;         /* a replace: the version it was made against */
};

/* A line after the rules that need no database: its numbers typed. */
struct sales_line_checked {
	int64_t quantity_e4;
	int64_t unit_price_minor;
	int64_t discount_e4;          /* 0 without a discount */
	bool has_discount;
};

/*
 * The rules on an invoice's input that need no database, every field at
 * once: a due date not before the date, a reference and descriptions
 * within their limits, and each line's quantity (more than 0, at most 4
 * decimals), unit price (money of currency, not negative) and discount (0 to 100, at most 4 decimals). out has
 * in->line_count elements. 0, ERP_ERR_INVALID with every field refused
 * (pointers "/lines/<i>/quantity"), or ERP_ERR_NO_MEMORY.
 */
int sales_invoice_check(struct erp_refusal *refusal, struct arena *arena,
			const struct sales_invoice_input *in, const struct erp_currency *currency,
			struct sales_line_checked *out);

/*
 * An invoice's number: INV-<fiscal year>-<sequence, 6 digits at least>
 * into out. The length, or -1 when the year is not 1900..9999, the sequence
 * below 1, or out too small.
 */
int sales_invoice_number(int fiscal_year, int sequence, char *out, size_t size);

/*
 * Each *invoice: the invoice as clients see it, lines and taxes included
 * (arena-owned JSON); ctx->company is required (ERP_ERR_NOT_FOUND
 * without). Create and replace read the partner through partners.h (a
 * customer of the company, active, trading in the company's currency), the
 * revenue accounts through the ledger's directory (active revenue accounts
 * in the invoice's currency) and the tax codes (active), price every line
 * and tax (amounts.c), and are audited and told as sales.invoice.created /
 * .updated. Replace and delete take the draft at the version read
 * (ERP_ERR_STALE otherwise) and refuse a posted invoice (ERP_ERR_CONFLICT).
 */
int sales_invoice_create(struct erp_ctx *ctx, const struct sales_invoice_input *in,
			 json_t **invoice);

/*
 * sales_invoice_check() in ctx->company's currency, for a caller that
 * answers a body's problems before anything else (a replace's If-Match).
 */
int sales_invoice_input_check(struct erp_ctx *ctx, const struct sales_invoice_input *in);
int sales_invoice_read(struct erp_ctx *ctx, const char *id, json_t **invoice);
int sales_invoice_replace(struct erp_ctx *ctx, const struct sales_invoice_input *in,
			  json_t **invoice);
int sales_invoice_delete(struct erp_ctx *ctx, const char *id, int expected_version);

/* --- posting (posting.c) -------------------------------------------------------------------- */

enum sales_credit_verdict {
	SALES_CREDIT_WITHIN = 0,     /* no limit, or the balance after stays at or under it */
	SALES_CREDIT_OVER = 1,       /* the balance after would exceed the limit */
};

/*
 * The credit-limit rule: a customer's open balance open_minor plus a new
 * invoice's total_minor, against limit_minor (has_limit false: none).
 * *after_minor: the balance after. SALES_CREDIT_WITHIN or _OVER, or
 * ERP_ERR_OVERFLOW when the sum does not fit (over any limit there is).
 */
int sales_credit_check(bool has_limit, int64_t limit_minor, int64_t open_minor,
		       int64_t total_minor, int64_t *after_minor);

/*
 * What a posting's caller puts around it, so the use case knows no HTTP:
 * the Idempotency-Key's claim, queued on the posting's first batch, and the
 * answer kept with the COMMIT (the ledger's struct ledger_create_guard,
 * for a posting). Each function gets state.
 */
struct sales_post_guard {
	void *state;
	/* Queues the claim's statements on the posting's first batch, before anything else. */
	void (*queue)(void *state, struct db_batch *batch);
	/*
	 * After that batch: 0, *replay telling that an earlier answer stands
	 * (the posting then writes nothing), or why the claim failed (a code
	 * the caller answers itself; the posting returns it).
	 */
	int (*claimed)(void *state, bool *replay);
	/*
	 * After the posting: keeps the document id (JSON text) at version as
	 * the answer, with the COMMIT.
	 */
	int (*keep)(void *state, struct db_conn *db, const char *id, const char *document, int version);
};

struct sales_posting_input {
	const char *id;               /* the draft posted (canonical UUID) */
	int expected_version;         /* the version the poster read (If-Match) */
	bool may_exceed_credit_limit; /* the poster holds sales.credit-limit.override */
	const char *override_reason;  /* why it may: required when it does; NULL: none given */
};

/*
 * Posts draft in->id of ctx->company as ctx->actor_id, in one transaction:
 * locks the draft (at the version read), its customer's open balance (a
 * lock per customer, so two postings cannot both pass its credit limit) and
 * the next number of the company's INV series for the fiscal year of its
 * date (ledger_period_directory); checks the customer (active, a customer,
 * its receivable account), the accounts and tax codes, the credit limit;
 * posts one ledger entry through ledger_post_entry() (Dr receivable total,
 * Cr each revenue account its nets, Cr each tax code's output account its
 * tax); marks the invoice posted (INV-2026-000001) and opens its item in
 * the receivables. Audited (sales.invoice.posted, and
 * sales.invoice.credit_limit_overridden with the reason when the limit was
 * passed) and told as sales.invoice.posted. *invoice: the invoice posted,
 * or NULL when the guard replayed an earlier answer. Refuses
 * ERP_ERR_STALE, ERP_ERR_CONFLICT (posted already, the customer inactive
 * or over its limit, an account or tax code retired, the period closed or
 * locked: the ledger's sentence), ERP_ERR_INVALID (no fiscal period, a
 * total of zero, a reason missing). guard may be NULL.
 */
int sales_invoice_post(struct erp_ctx *ctx, const struct sales_posting_input *in,
		       const struct sales_post_guard *guard, json_t **invoice);

/* --- receivables: the allocation rules (allocate.c) ---------------------------------------------- */

enum {
	SALES_ALLOCATIONS_MAX = 200,  /* allocations one request names */
	SALES_ALLOCATE_ALL = -1,      /* an allocation's amount left out: as much as fits */
};

/*
 * "auto": what to allocate to each of count open invoices, oldest first
 * (residuals in that order, each more than 0), from available_minor (what
 * the payment has left): each takes all it still owes, or what is left.
 * amounts[i] is 0 past the last one reached. Returns the sum allocated.
 */
int64_t sales_allocate_oldest(int64_t available_minor, const int64_t *residuals, size_t count,
			      int64_t *amounts);

/* One allocation asked for: the invoice's index in the residuals given, and how much. */
struct sales_allocation_request {
	size_t invoice;               /* index into residuals */
	int64_t amount_minor;         /* more than 0, or SALES_ALLOCATE_ALL */
};

/*
 * The rules of allocations asked for, every one at once: each amount more
 * than 0; the requests on one invoice together at most what it still owes
 * (residuals[invoice]); all of them together at most available_minor (what
 * the payment has left). A SALES_ALLOCATE_ALL request takes what fits of
 * both, in order, and is written into amounts (the amounts to allocate,
 * count of them). A refusal names "<list_pointer>/<i>/amount", or
 * "/amount" when list_pointer is NULL (a single allocation's body). 0,
 * ERP_ERR_INVALID (codes "residual": more than the invoice owes;
 * "unallocated": more than the payment has left; "nothing": nothing to
 * allocate), or ERP_ERR_NO_MEMORY.
 */
int sales_allocation_check(struct erp_refusal *refusal, struct arena *arena,
			   const char *list_pointer, int64_t available_minor, const int64_t *residuals,
			   size_t residual_count, const struct sales_allocation_request *requests,
			   size_t count, int64_t *amounts);

/* A payment's number: PAY-<fiscal year>-<sequence, 6 digits at least>; as sales_invoice_number(). */
int sales_payment_number(int fiscal_year, int sequence, char *out, size_t size);

/* --- customer payments (payments.c), allocations (allocations.c) --------------------------------- */

/* One allocation as given: an invoice's id and an amount (money text; NULL: as much as fits). */
struct sales_allocation_input {
	const char *invoice;
	const char *amount;
};

/* Which allocations to make: none, those listed, or the oldest open invoices first ("auto"). */
struct sales_allocations_input {
	bool automatic;
	const char *automatic_cap;    /* auto: at most this much (money text); NULL: all it has */
	const struct sales_allocation_input *list;
	size_t count;
	const char *list_pointer;     /* the list's JSON pointer ("/allocations"); NULL: one, at the body's top */
};

struct sales_payment_input {
	const char *partner;          /* a customer's code */
	const char *date;             /* YYYY-MM-DD */
	const char *amount;           /* money text of the company's currency, more than 0 */
	const char *bank_account;     /* an active asset account's code */
	const char *reference;        /* NULL: none */
	struct sales_allocations_input allocations;
};

/*
 * Records and posts a customer payment of ctx->company in one transaction
 * (a payment is a fact, not a draft): locks the customer's receivables,
 * takes the next number of the PAY series for the fiscal year of its date,
 * posts its ledger entry through ledger_post_entry() (Dr the bank account,
 * Cr the customer's receivable account), opens its item (owing the
 * customer the amount) and makes the allocations asked for. Audited and
 * told as sales.payment.posted (and sales.payment.allocated for each
 * allocation). *payment: the payment, or NULL when the guard replayed an
 * earlier answer. Refuses ERP_ERR_INVALID (the fields, every one at once;
 * no fiscal period; an allocation over what an invoice owes or the payment
 * has), ERP_ERR_CONFLICT (the customer's receivable account unusable, the
 * period closed: the ledger's sentence). guard may be NULL.
 */
int sales_payment_create(struct erp_ctx *ctx, const struct sales_payment_input *in,
			 const struct sales_post_guard *guard, json_t **payment);

/* The payment id of ctx->company as clients see it, its allocations in force included. */
int sales_payment_read(struct erp_ctx *ctx, const char *id, json_t **payment);

struct sales_reversal_input {
	const char *id;               /* the payment (canonical UUID) */
	int expected_version;         /* the version the caller read (If-Match) */
	const char *date;             /* the reversal's date; NULL: the payment's */
	const char *reason;           /* why: required, 1 to 500 characters */
};

/*
 * Reverses payment in->id, once: undoes its allocations (the invoices owe
 * again what it paid), posts the mirror entry through ledger_post_entry()
 * (Dr the receivable account it credited, Cr the bank account), and
 * settles its item against the reversal's own (both at zero). Audited and
 * told as sales.payment.allocation_undone for each allocation, then
 * sales.payment.reversed. Refuses ERP_ERR_STALE, ERP_ERR_CONFLICT
 * (reversed already; the period closed), ERP_ERR_INVALID (a date before the
 * payment's or in no fiscal period, no reason). guard may be NULL.
 */
int sales_payment_reverse(struct erp_ctx *ctx, const struct sales_reversal_input *in,
			  const struct sales_post_guard *guard, json_t **payment);

/*
 * Allocates payment id to open invoices of its customer (in), under the
 * customer's lock: ERP_ERR_CONFLICT when it is reversed, ERP_ERR_INVALID
 * as sales_allocation_check() and for an invoice that is no posted invoice
 * of the company ("unknown") or another customer's ("partner"). Audited and
 * told as sales.payment.allocated, one per allocation; *payment: the
 * payment after.
 */
int sales_payment_allocate(struct erp_ctx *ctx, const char *id,
			   const struct sales_allocations_input *in, json_t **payment);

/*
 * Undoes allocation allocation_id of payment id: the invoice owes again
 * what it paid, the payment has it again. Audited and told as
 * sales.payment.allocation_undone. ERP_ERR_NOT_FOUND (no such allocation
 * of the payment), ERP_ERR_CONFLICT (undone already, or part of a
 * reversal).
 */
int sales_allocation_undo(struct erp_ctx *ctx, const char *id, const char *allocation_id);

/* --- credit notes: the rules without a database (credit.c) ---------------------------------------- */

/* One invoice line as a credit note sees it: what was invoiced, what posted credit notes took. */
struct sales_credit_line {
	int64_t quantity_e4;          /* invoiced */
	int64_t unit_price_minor;
	int64_t discount_e4;          /* 0 without a discount */
	int64_t net_minor;            /* invoiced */
	int64_t credited_quantity_e4; /* taken back already */
	int64_t credited_net_minor;
};

enum { SALES_CREDIT_TOO_MUCH = 1 }; /* more than is left of the line or the tax */

/*
 * The net of taking quantity_e4 (more than 0) of line back: all that is
 * left of its net when that is all that is left of its quantity, so a line
 * taken back in parts never comes to more than it was; otherwise priced as
 * the line was (sales_line_net()), and never more than is left of its net.
 * 0 and *net_minor, SALES_CREDIT_TOO_MUCH when the quantity is more than is
 * left, or ERP_ERR_OVERFLOW.
 */
int sales_credit_line_net(const struct sales_credit_line *line, int64_t quantity_e4,
			  int64_t *net_minor);

/*
 * The tax of a credit note on base_minor of one tax code at rate_e4: all
 * that is left of the invoice's tax of that code when the note takes all
 * that is left of its base (a whole invoice taken back is its tax to the
 * cent); otherwise base x rate rounded once, half away from zero, never
 * more than is left. 0 and *tax_minor, SALES_CREDIT_TOO_MUCH when the base
 * is more than is left, or ERP_ERR_OVERFLOW.
 */
int sales_credit_tax(int64_t base_minor, int64_t rate_e4, int64_t base_left_minor,
		     int64_t tax_left_minor, int64_t *tax_minor);

/* A credit note's number: CN-<fiscal year>-<sequence, 6 digits at least>; as sales_invoice_number(). */
int sales_credit_note_number(int fiscal_year, int sequence, char *out, size_t size);

/* --- credit notes (credit_notes.c: drafts; credit_posting.c: posting) ------------------------------ */

/* One invoice line taken back: its number on the invoice and how much (decimal text). */
struct sales_credit_line_input {
	int line;                     /* 1..SALES_LINES_MAX */
	const char *quantity;         /* more than 0, at most 4 decimals */
};

struct sales_credit_note_input {
	const char *invoice;          /* a posted invoice of the company (canonical UUID) */
	const char *date;             /* YYYY-MM-DD, on or after the invoice's */
	const char *reason;           /* 1 to 500 characters */
	const struct sales_credit_line_input *lines; /* NULL: all that is left of every line */
	size_t line_count;
};

/*
 * Writes a draft credit note of ctx->company as ctx->actor_id: the lines
 * asked for (or all that is left of the invoice), priced against what the
 * invoice's posted credit notes took already (sales_credit_line_net(),
 * sales_credit_tax()). Audited and told as sales.credit_note.created.
 * Refuses ERP_ERR_INVALID: every field at once (/invoice "unknown" for no
 * posted invoice of the company, /date before the invoice,
 * /lines/<i>/line "unknown" or "duplicate", /lines/<i>/quantity "format"
 * or "too_much": more than is left to take back; "nothing" when nothing
 * is left).
 */
int sales_credit_note_create(struct erp_ctx *ctx, const struct sales_credit_note_input *in,
			     json_t **credit_note);
int sales_credit_note_read(struct erp_ctx *ctx, const char *id, json_t **credit_note);

/* Deletes draft id at the version read: ERP_ERR_STALE, ERP_ERR_CONFLICT when posted. */
int sales_credit_note_delete(struct erp_ctx *ctx, const char *id, int expected_version);

struct sales_credit_posting_input {
	const char *id;               /* the draft (canonical UUID) */
	int expected_version;         /* the version the poster read (If-Match) */
};

/*
 * Posts draft in->id as ctx->actor_id, who is not its author (four-eyes:
 * ERP_ERR_FORBIDDEN), in one transaction under its customer's lock: checks
 * again that the invoice's posted credit notes and this one take back no
 * more than was invoiced (each line's quantity and net, each tax code's
 * base and tax; ERP_ERR_CONFLICT otherwise), takes the next number of the
 * CN series, posts the mirror entry through ledger_post_entry() (Dr each
 * revenue account its nets, Dr each tax code's output account its tax, Cr
 * the customer's receivable account the total), opens its item (owing the
 * customer) and allocates it to the invoice, as much as the invoice still
 * owes. Audited and told as sales.credit_note.posted. guard may be NULL;
 * *credit_note NULL when it replayed an earlier answer.
 */
int sales_credit_note_post(struct erp_ctx *ctx, const struct sales_credit_posting_input *in,
			   const struct sales_post_guard *guard, json_t **credit_note);

/* --- receivables reports (reports.c; the bucket rule in allocate.c) ------------------------------- */

enum sales_aging_bucket {
	SALES_AGING_CURRENT = 0,      /* not past due (due today or later) */
	SALES_AGING_1_30,
	SALES_AGING_31_60,
	SALES_AGING_61_90,
	SALES_AGING_OVER_90,
	SALES_AGING_BUCKETS,
};

/* The bucket of an open item days_past_due days past its due date (0 or less: current). */
enum sales_aging_bucket sales_aging_bucket_of(int64_t days_past_due);

/*
 * The first day past due of each bucket after the current one as a
 * PostgreSQL integer array ("{1,31,61,91}") into out: width_bucket(days,
 * it) is the bucket sales_aging_bucket_of() gives. -1 when out is too small.
 */
int sales_aging_first_days_text(char *out, size_t size);

/*
 * The receivables aging of ctx->company as of as_of (YYYY-MM-DD; NULL:
 * today, UTC) into *report (arena-owned JSON): per customer, what its open
 * items owed on that day (allocations dated after it not yet made), in
 * buckets by days past due, and totals; the grand total equals the
 * receivable accounts' balance on that day.
 */
int sales_receivables_aging(struct erp_ctx *ctx, const char *as_of, json_t **report);

/*
 * The statement of customer code of ctx->company from from to to
 * (inclusive; NULL: from the first day, to today, UTC) into *statement:
 * the opening balance, each document (invoice, credit note, payment, a
 * payment's reversal) and allocation in the range with the running
 * balance, the closing balance. ERP_ERR_NOT_FOUND without such a partner;
 * ERP_ERR_INVALID when from is after to.
 */
int sales_customer_statement(struct erp_ctx *ctx, const char *code, const char *from,
			     const char *to, json_t **statement);

#endif
