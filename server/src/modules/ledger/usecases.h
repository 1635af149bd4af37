#ifndef ERP_MODULES_LEDGER_USECASES_H
#define ERP_MODULES_LEDGER_USECASES_H

/*
 * The ledger's use cases (module-internal; internal.h includes it): what the
 * HTTP handlers call, and what ledger_post_entry() (ledger.h) calls for
 * other modules. Each takes a struct erp_ctx (shared-kernel/usecase.h) whose
 * company is the one it works in (ctx->company, resolved before; NULL: no
 * such company, ERP_ERR_NOT_FOUND) and typed input (amounts in minor units
 * or exact decimals, never text), owns its transaction
 * (db_usecase_transaction(); an _in variant runs inside the caller's), and
 * returns 0 (its result in ctx->arena), a refusal's code (ctx->refusal
 * filled: a domain code, a sentence, the fields concerned; never an HTTP
 * status) or a failure's (database, memory; ctx->refusal empty). The
 * *_check functions are the rules that need no database, which a handler
 * may ask before it decodes the rest.
 */
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shared-kernel/money.h"
#include "shared-kernel/usecase.h"

struct db_batch;
struct db_conn;

/* --- accounts (accounts.c) ----------------------------------------------------------- */

struct ledger_account_new {
	const char *code;           /* unique in the company */
	const char *name;
	const char *type;           /* asset, liability, equity, revenue or expense */
	const char *currency;       /* ISO 4217; NULL: the company's */
	const char *parent;         /* the parent account's code; NULL: at the top */
};

/* What a change does to an account's activity. */
enum ledger_activation { LEDGER_ACTIVITY_KEPT, LEDGER_DEACTIVATE, LEDGER_REACTIVATE };

/* A change of an account: each field NULL (parent: not given) is left as it is. */
struct ledger_account_change {
	const char *code;           /* the account changed */
	int expected_version;       /* the version read (If-Match); 0: not checked */
	const char *name;
	const char *type;           /* only while the account has no journal lines */
	const char *currency;       /* likewise */
	bool parent_given;          /* parent is the new parent's code, NULL removing it */
	const char *parent;
	enum ledger_activation activation;
};

/* The rule on a new account that needs no database: the code's form. 0 or the refusal's code. */
int ledger_account_check_new(struct erp_refusal *refusal, const struct ledger_account_new *in);

/* Each *account: the account as clients see it (arena-owned JSON). */
int ledger_account_create(struct erp_ctx *ctx, const struct ledger_account_new *in,
			  json_t **account);
int ledger_account_read(struct erp_ctx *ctx, const char *code, json_t **account);
int ledger_account_update(struct erp_ctx *ctx, const struct ledger_account_change *in,
			  json_t **account);

/* --- journal entries (entries.c) ------------------------------------------------------ */

/*
 * One side of a line (its debit or its credit) as given: not at all, as an
 * exact decimal (an HTTP body's text, parsed by erp_amount_parse(); whether
 * it fits the currency is judged once the account is known), or in minor
 * units of the account's currency (ledger.h's callers).
 */
struct ledger_amount {
	enum ledger_amount_form {
		LEDGER_AMOUNT_NONE,
		LEDGER_AMOUNT_DECIMAL,
		LEDGER_AMOUNT_MINOR,
		LEDGER_AMOUNT_UNREAD,   /* given, but not readable (ledger_line_input.unread) */
	} form;
	int parsed;                 /* DECIMAL: what erp_amount_parse() answered (ERP_MONEY_*) */
	struct erp_amount decimal;  /* DECIMAL */
	int64_t minor;              /* MINOR */
};

/* A side given as decimal text (NULL: not given), parsed now (service.c). */
struct ledger_amount ledger_amount_decimal(const char *text);

/* A side given in minor units of the account's currency. */
struct ledger_amount ledger_amount_minor(int64_t minor);

/*
 * What the caller could not read of a line: a request's schema refused it,
 * and said so in the same answer. Nothing unread is judged, and while any
 * part of an entry is unread, neither is its balance. An amount given but
 * not readable is LEDGER_AMOUNT_UNREAD.
 */
enum ledger_unread {
	LEDGER_UNREAD_LINE = 1 << 0,    /* the line is no object: none of its rules */
	LEDGER_UNREAD_ACCOUNT = 1 << 1, /* its account: not looked up */
};

struct ledger_line_input {
	const char *account;        /* the account's code */
	struct ledger_amount debit; /* exactly one of the two, more than zero */
	struct ledger_amount credit;
	const char *description;    /* may be NULL */
	unsigned unread;            /* enum ledger_unread flags; 0: all read */
};

/* A draft's content: a new one, or the one replacing a draft (id, expected_version). */
struct ledger_entry_input {
	const char *id;             /* a change: the draft replaced */
	int expected_version;       /* a change: the version read (If-Match) */
	const char *date;           /* YYYY-MM-DD */
	const char *memo;
	const char *reference;      /* may be NULL */
	const char *source;         /* a new draft's document type (NULL: "manual"); a change has none */
	const struct ledger_line_input *lines;
	size_t line_count;
};

/*
 * What a caller may put around a create so that a repeated request creates
 * nothing (the HTTP edge's Idempotency-Key): its claim shares the create's
 * first round trip, its answer is kept with the COMMIT. The use case only
 * calls it; each function gets state.
 */
struct ledger_create_guard {
	void *state;
	/* Queues the claim's statements on the create's first batch, before anything else. */
	void (*queue)(void *state, struct db_batch *batch);
	/*
	 * After that batch: 0, *replay telling that an earlier answer stands
	 * (the create then writes nothing), or why the claim failed (a code the
	 * caller answers itself; the create returns it).
	 */
	int (*claimed)(void *state, bool *replay);
	/* After the insert: keeps the new draft (its id, its JSON text) as the answer, with the COMMIT. */
	int (*keep)(void *state, struct db_conn *db, const char *id, const char *entry);
};

struct ledger_entry_created {
	char id[40];
	const char *entry;          /* the draft as clients see it (JSON text in the arena) */
	bool replayed;              /* the guard found an earlier answer: nothing was created */
};

/*
 * The rules on an entry's input that need no database: a new draft's
 * source is a document type; a change names none (the source is fixed).
 * 0 or the refusal's code.
 */
int ledger_entry_check(struct erp_refusal *refusal, const struct ledger_entry_input *in,
		       bool creating);

/*
 * Every rule of a draft's input, writing nothing: ledger_entry_check()'s,
 * and the lines' (ledger_check_lines()) against the company's accounts,
 * read in a round trip of its own. Every problem is kept in ctx->refusal, so
 * one answer names them all, whatever else refuses the request (a request's
 * schema: what it refused is marked unread). in->lines NULL: the lines are
 * not judged. 0, ERP_ERR_INVALID, or a failure's code (ctx->refusal then
 * empty: no half list).
 */
int ledger_entry_validate(struct erp_ctx *ctx, const struct ledger_entry_input *in, bool creating);

/*
 * Writes a draft by ctx->actor_id, in three round trips with its COMMIT
 * (the guard's claim with the lines' accounts; the insert, which renders
 * the draft; the audit event, the guard's answer and ledger.entry.created).
 * Refuses the lines' rules (ledger_check_lines()) as ERP_ERR_INVALID with
 * every field, "the journal entry is not valid". guard may be NULL.
 */
int ledger_entry_create(struct erp_ctx *ctx, const struct ledger_entry_input *in,
			const struct ledger_create_guard *guard, struct ledger_entry_created *out);

/* Each *entry: the entry as clients see it, lines included (arena JSON). */
int ledger_entry_read(struct erp_ctx *ctx, const char *id, json_t **entry);

/* Replaces a draft of the actor's own, at the version read. */
int ledger_entry_update(struct erp_ctx *ctx, const struct ledger_entry_input *in, json_t **entry);

/* Deletes a draft of the actor's own. */
int ledger_entry_delete(struct erp_ctx *ctx, const char *id);

/* A posting, or a reversal (a posted mirror entry), of the entry id as reviewed. */
struct ledger_posting_input {
	const char *id;             /* the draft posted, or the posted entry reversed */
	int expected_version;       /* the version reviewed (If-Match); 0: not checked */
	bool may_post_closed;       /* the poster holds ledger.period.post-closed */
	bool document_approved;     /* a posting another module's document approved (ledger.h): no four-eyes */
	const char *date;           /* a reversal's date (NULL: today, UTC) */
	const char *memo;           /* a reversal's memo (NULL: "Reversal of <number>") */
	bool year_close;            /* a year's closing entry or its reversal (year_close.c) */
};

/* What a posting gave the entry: its number, and the entry as clients see it (arena JSON). */
struct ledger_entry_posted {
	char id[40];                /* a reversal: the mirror entry's */
	char number[24];
	json_t *entry;
};

/*
 * Posts a draft in three round trips with its COMMIT (posting.c), as
 * ctx->actor_id: four-eyes (not the author, unless the company allows it
 * or the document was approved elsewhere), the period open (or closed with
 * may_post_closed), accounts active, the next gapless number.
 */
int ledger_entry_post(struct erp_ctx *ctx, const struct ledger_posting_input *in,
		      struct ledger_entry_posted *out);

/* ledger_entry_post() inside a transaction the caller owns. */
int ledger_entry_post_in(struct erp_ctx *ctx, const struct ledger_posting_input *in,
			 struct ledger_entry_posted *out);

/*
 * Reverses a posted entry: a mirror entry (debits and credits swapped),
 * posted at once under the posting rules; whoever wrote the entry or one it
 * reverses may not. out->id: the mirror's.
 */
int ledger_entry_reverse(struct erp_ctx *ctx, const struct ledger_posting_input *in,
			 struct ledger_entry_posted *out);

/* ledger_entry_reverse() inside a transaction the caller owns; out->id names the mirror to make. */
int ledger_entry_reverse_in(struct erp_ctx *ctx, const struct ledger_posting_input *in,
			    struct ledger_entry_posted *out);

/* Makes the actor the author of a deactivated author's draft, at the version read. */
int ledger_entry_take_over(struct erp_ctx *ctx, const char *id, int expected_version,
			   json_t **entry);

/* Discards the draft of a deactivated author. */
int ledger_entry_discard(struct erp_ctx *ctx, const char *id);

/* --- fiscal years and periods (periods.c) --------------------------------------------- */

struct ledger_fiscal_year_new {
	int fiscal_year;            /* the calendar year it starts in */
	int first_month;            /* the month it starts with, 1..12 */
};

/* *year: {"fiscal_year", "periods": [its twelve periods as clients see them]} (arena). */
int ledger_fiscal_year_create(struct erp_ctx *ctx, const struct ledger_fiscal_year_new *in,
			      json_t **year);

/* The steps of a period's lifecycle. */
enum ledger_period_step {
	LEDGER_PERIOD_CLOSE,        /* open -> closed */
	LEDGER_PERIOD_REOPEN,       /* closed -> open, dropping a lock request */
	LEDGER_PERIOD_REQUEST_LOCK, /* the actor asks for the lock of a closed, ended period */
	LEDGER_PERIOD_CONFIRM_LOCK, /* closed -> locked, by another than the one who asked */
	LEDGER_PERIOD_CANCEL_LOCK,  /* drops the lock request */
};

/* Takes the period one step, as ctx->actor_id. *period: the period after (arena). */
int ledger_period_change(struct erp_ctx *ctx, const char *period_id, enum ledger_period_step step,
			 json_t **period);

/* --- closing a fiscal year (year_close.c) ------------------------------------------- */

/* The steps of a year's close, four-eyes: one user asks, another confirms. */
enum ledger_year_step {
	LEDGER_YEAR_REQUEST_CLOSE,  /* the actor asks for the close: every period closed, retained earnings set */
	LEDGER_YEAR_CONFIRM_CLOSE,  /* another user confirms: the closing entry posted, the year closed */
	LEDGER_YEAR_CANCEL_CLOSE,   /* drops the request */
	LEDGER_YEAR_REOPEN,         /* the closing entry reversed, the year open; the next year not closed */
};

/*
 * Takes the company's fiscal_year one step, as ctx->actor_id. *year: the
 * year after (arena JSON: status, who asked and confirmed, the closing
 * entry). ERP_ERR_NOT_FOUND for a year without periods. expected_version:
 * the year's version the confirmer read (a confirmation of another request
 * than the one reviewed is ERP_ERR_STALE); the other steps ignore it.
 */
int ledger_fiscal_year_change(struct erp_ctx *ctx, int fiscal_year, enum ledger_year_step step,
			      int expected_version, json_t **year);

/* The company's fiscal_year as clients see it (arena JSON); ERP_ERR_NOT_FOUND without periods. */
int ledger_fiscal_year_read(struct erp_ctx *ctx, int fiscal_year, json_t **year);

/* --- the company's ledger settings (settings.c) ---------------------------------------- */

/* The steps of a change of the settings, four-eyes: one user requests, another confirms. */
enum ledger_settings_step { LEDGER_SETTINGS_REQUEST, LEDGER_SETTINGS_CONFIRM, LEDGER_SETTINGS_CANCEL };

struct ledger_settings_change {
	enum ledger_settings_step step;
	bool self_posting;          /* a request: the value wanted */
	int expected_version;       /* the version read (If-Match); 0: not checked (a cancel) */
};

/* Each *settings: the settings as clients see them, with the change pending (arena JSON). */
int ledger_settings_read(struct erp_ctx *ctx, json_t **settings);
int ledger_settings_change(struct erp_ctx *ctx, const struct ledger_settings_change *in,
			   json_t **settings);

/*
 * Names the company's retained-earnings account (retained_earnings.c): an
 * active equity account in the company's currency, where a year's close
 * moves its result. At the settings' version read (If-Match). 0, or a
 * refusal: ERP_ERR_INVALID on /account, ERP_ERR_STALE.
 */
int ledger_settings_set_retained_earnings(struct erp_ctx *ctx, const char *account,
					  int expected_version, json_t **settings);

/* --- reports (reports.c) ---------------------------------------------------------------- */

/*
 * *report: the trial balance on as_of (a date; NULL: today, UTC) as clients
 * see it (arena JSON), read from the balances: per account the opening
 * balance before from (a date; NULL: from the beginning, opening zero), the
 * movements from from to as_of and the closing balance. Refuses /from
 * (ERP_ERR_INVALID) after as_of.
 */
int ledger_report_trial_balance(struct erp_ctx *ctx, const char *from, const char *as_of,
				json_t **report);

/*
 * *report: the profit and loss from from to to (dates, inclusive) as clients
 * see it (arena JSON): revenue and expense by the account hierarchy, each
 * parent carrying its children's subtotals, the result (revenue less
 * expense), and with compare ("previous-period", "previous-year"; NULL:
 * none) a second column (ledger_compare_range()). Entries that close a year
 * (source "ledger.year-close") are left out. Refuses /from after to and
 * /compare (ERP_ERR_INVALID).
 */
int ledger_report_profit_and_loss(struct erp_ctx *ctx, const char *from, const char *to,
				  const char *compare, json_t **report);

/*
 * *report: the balance sheet on as_of (NULL: today, UTC) as clients see it
 * (arena JSON): assets, liabilities and equity by the account hierarchy,
 * the result of as_of's fiscal year until it is closed (a closing entry
 * moves it into equity), the results of earlier years not closed, and the
 * totals, which balance; compare as for the profit and loss (a month or a
 * year before).
 */
int ledger_report_balance_sheet(struct erp_ctx *ctx, const char *as_of, const char *compare,
				json_t **report);

/* Whether the company has the account whose ledger is listed: 0, or ERP_ERR_NOT_FOUND. */
int ledger_report_account_check(struct erp_ctx *ctx, const char *code);

#endif
