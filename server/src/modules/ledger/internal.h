#ifndef ERP_MODULES_LEDGER_INTERNAL_H
#define ERP_MODULES_LEDGER_INTERNAL_H

/* Shared by the ledger module's own files only. */
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "modules/ledger/ledger.h"
#include "modules/ledger/store.h"
#include "modules/ledger/usecases.h"
#include "platform/db/db.h"
#include "platform/db/usecase.h"
#include "platform/http/http.h"
#include "platform/http/resource.h"
#include "shared-kernel/usecase.h"

struct erp_server;

/* --- rules without a database (service.c) ----------------------------------------- */

/* A line as the rules check it: the input, then what its account and its amounts give. */
struct ledger_line {
	const char *account;         /* code, as given */
	struct ledger_amount debit;
	struct ledger_amount credit;
	const char *description;
	unsigned unread;             /* enum ledger_unread: what is not judged */
	/* from the account (ledger_accounts_resolved()) */
	bool found;
	bool active;
	char account_id[40];
	char currency[4];
	int exponent;
	/* from the amounts, in the account's minor units (ledger_check_lines()) */
	int64_t debit_minor;
	int64_t credit_minor;
};

/*
 * The rules a journal entry's lines obey: at least two; each names a known,
 * active account; exactly one of debit/credit; amounts positive, within the
 * currency's decimals (a decimal is scaled to the account's exponent here,
 * once the account is known; minor units are taken as they are); debits
 * equal credits per currency. Fills *_minor. Refuses one field per problem
 * (pointer /lines/<i>/<field>, or /lines for a currency that does not
 * balance, its detail naming the currency and the difference), every one
 * kept (sentences in arena): a line's account and its sides are judged
 * together, its amount only once its account is known (the currency says
 * how many decimals). The balance is judged only when every line passed and
 * nothing is unread: sums of broken lines would mislead. Returns the number
 * of problems, -1 when out of memory.
 */
int ledger_check_lines(struct ledger_line *lines, size_t count, struct erp_refusal *refusal,
		       struct arena *arena);

/* "JE-2026-000042"; -1 when out is too small or the numbers are out of range. */
int ledger_number_format(int fiscal_year, int sequence, char *out, size_t size);

/* The year's closing series: "YC-2026-000001"; as ledger_number_format() otherwise. */
int ledger_closing_number_format(int fiscal_year, int sequence, char *out, size_t size);

/* Lifecycle: what may happen to an entry in a status. */
enum ledger_action { LEDGER_EDIT, LEDGER_DELETE, LEDGER_POST, LEDGER_REVERSE };
bool ledger_action_allowed(const char *status, enum ledger_action action);

/* Period lifecycle: open -> closed -> open (reopen), closed -> locked (final). */
bool ledger_period_transition_allowed(const char *from, const char *to);

/* What decides whether a closed period may be locked, read under its row lock (periods.c). */
struct ledger_lock_facts {
	const char *period;           /* "2026-03" */
	const char *ends_on;          /* "2026-03-31" */
	bool ended;                   /* ends_on is before today (UTC) */
	const char *earlier_unlocked; /* the first earlier period of the company not locked, or NULL */
	long drafts;                  /* drafts dated in the period */
	const char *first_draft;      /* the id of the earliest of them, or NULL */
};

/*
 * Why a closed period cannot be locked now, as a sentence naming the rule
 * and the period or draft (its end date has not passed; periods lock in
 * order; no drafts dated in it), written into out; false when it can be.
 */
bool ledger_lock_refusal(const struct ledger_lock_facts *facts, char *out, size_t size);

/* The first and last day of month `number` (1..12) of a fiscal year starting in first_month. */
void ledger_period_bounds(int fiscal_year, int first_month, int number, char starts_on[11],
			  char ends_on[11]);

/* Today's date in UTC, YYYY-MM-DD: the default of report dates and reversals. */
void ledger_today(char out[11]);

/* Whether code is a valid account code: [0-9A-Za-z][0-9A-Za-z._-]{0,19}. */
bool ledger_is_account_code(const char *code);

/* Whether source names a document type: [a-z][a-z0-9._-]{0,39} ("manual", "sales.invoice"). */
bool ledger_is_source(const char *source);

/* --- the closing entry of a fiscal year (year_close.c) ---------------------------------- */

/* A revenue or expense account's balance of the year: debits minus credits, minor units. */
struct ledger_closing_balance {
	const char *code;
	const char *currency;
	int64_t balance_minor;
};

/*
 * The closing entry's lines (no database): each non-zero balance moved off
 * its account (a debit balance credited, a credit balance debited), then
 * the year's result on the retained-earnings account (a loss debited, a
 * profit credited; no line when it is zero). lines has room for count + 1;
 * *line_count: how many were written (0: nothing to move). ERP_ERR_CONFLICT
 * with *wrong_currency naming an account not kept in retained_currency;
 * ERP_ERR_OVERFLOW past LEDGER_LINES_MAX lines or int64.
 */
int ledger_closing_lines(const struct ledger_closing_balance *balances, size_t count,
			 const char *retained_code, const char *retained_currency,
			 struct ledger_line_input *lines, size_t *line_count, const char **wrong_currency);

/* --- financial statements without a database (statements.c) ----------------------------- */

/* The comparison column of a statement (?compare=). */
enum ledger_compare { LEDGER_COMPARE_NONE, LEDGER_COMPARE_PREVIOUS_PERIOD, LEDGER_COMPARE_PREVIOUS_YEAR };

/* "previous-period", "previous-year" or NULL (none) into *out; false for any other word. */
bool ledger_compare_parse(const char *text, enum ledger_compare *out);

/*
 * The range a statement over from..to (dates, inclusive) is compared with:
 * previous-year, the same days a year before (Feb 29 becomes Feb 28, a
 * month's end stays one); previous-period, as many whole months just
 * before when from..to is whole months, else as many days just before.
 * from NULL (a point in time, the balance sheet): compare_to is the end of
 * the previous month when to is a month's end, else the same day a month
 * (or a year) before, and compare_from is "". -1 for a date it cannot read
 * or a result before the year 1000.
 */
int ledger_compare_range(enum ledger_compare kind, const char *from, const char *to,
			 char compare_from[11], char compare_to[11]);

/* Whether accounts of type carry a credit balance (liability, equity, revenue). */
bool ledger_type_credit_normal(const char *type);

/* Deeper hierarchies are refused by the chart long before; a guard against a corrupt one. */
enum { LEDGER_HIERARCHY_DEPTH_MAX = 64 };

/* An account of a statement's section: what the database gives, then what the tree makes of it. */
struct ledger_statement_account {
	const char *code, *name, *type, *currency;
	const char *parent;     /* its parent's code, or NULL */
	int exponent;
	bool posted;            /* balances in either column */
	int64_t amount[2];      /* its own, as the section shows it (normal balance positive); [1]: comparison */
	/* set by ledger_statement_tree() */
	int64_t total[2];       /* its own plus every descendant's */
	int parent_index;       /* its parent within the section, or -1: a top account */
	int level;              /* 0 at the top */
	bool shown;             /* posted, or a parent of one that is */
};

/*
 * The hierarchy of one section (accounts of one type, sorted by code): a
 * parent of another type, or none, makes a top account; each account's
 * total carries its descendants'; shown accounts are listed into order
 * (indexes, depth first, children by code; *shown of them). 0, or -1 when a
 * total overflows, the chart has a cycle, or memory runs out.
 */
int ledger_statement_tree(struct ledger_statement_account *accounts, size_t count, size_t *order,
			  size_t *shown);

/* --- journal entries inside the caller's transaction (entries.c) ------------------------ */

/*
 * The work of ledger_entry_create() inside a transaction the caller owns:
 * out->id names the new draft; announce records ledger.entry.created (an
 * entry posted at once, by ledger_post_entry(), has only its posting's
 * event). As ledger_entry_create() otherwise.
 */
int ledger_entry_create_in(struct erp_ctx *ctx, const struct ledger_entry_input *in,
			   const struct ledger_create_guard *guard, bool announce,
			   struct ledger_entry_created *out);

/* The entry as clients see it, lines included (arena JSON). ERP_ERR_NOT_FOUND if not the company's. */
int ledger_entry_json(struct erp_ctx *ctx, const char *id, json_t **entry);

/* --- domain events (events.c) ----------------------------------------------------------- */

struct domain_event;

/*
 * Records a ledger.entry.* event: type, stream (company_id), actor and
 * request id from of; the entry as clients see it (ledger_entry_json) before
 * and after the change (either may be NULL), lines included; written with
 * the transaction's COMMIT (platform/events/events.h). 0 or an ERP_ERR_* code.
 */
int ledger_entry_event(struct db_conn *db, const struct domain_event *of, json_t *before,
		       json_t *after);

/* --- posting (posting.c) ---------------------------------------------------------------- */

/* A posting of a draft of ctx->company, by ctx->actor_id. */
struct ledger_post {
	const char *entry_id;
	int expected_version;        /* the version the poster reviewed (If-Match); 0: not checked */
	bool four_eyes;              /* the poster may not be the author (unless the company relaxes it) */
	bool may_post_closed;        /* the poster holds ledger.period.post-closed */
	const char *reverses_author; /* for a reversal: the original's author, for four-eyes */
	bool year_close;             /* a year's closing entry or its reversal: numbered in the year's
				        closing series, into its closed (or locked) periods (year_close.c) */
	/* out */
	char number[24];
	json_t *entry;               /* the posted entry as clients see it (arena) */
};

/*
 * Posts a draft inside the caller's transaction, in two round trips (the
 * locks and the number, then the marks): period open (or closed with
 * may_post_closed, recorded), four-eyes, an active author, accounts active,
 * the next gapless number, lines stamped for reports; the audit event and
 * the domain event ledger.entry.posted go with the caller's COMMIT
 * (platform/db/db.h). ERP_OK, a refusal (ctx->refusal: ERP_ERR_FORBIDDEN,
 * _CONFLICT, _INVALID, or _STALE when the draft is no longer at
 * post->expected_version), ERP_ERR_NOT_FOUND when the company has no such
 * entry, or a database error.
 */
int ledger_post_draft(struct erp_ctx *ctx, struct ledger_post *post);

/* --- the company's hash chain of posted entries (chain.c, sealer.c, chain_form.h) ------- */

/*
 * The hash (chain_form.h) of the entry in row of res, a row of
 * CHAIN_ROW_SQL of store_chain.c (number, date, source, memo, reference, author_id,
 * posted_by, lines), at place position after prev_hash (NULL: the first),
 * in company_id. 0, or -1 when its lines do not parse or memory runs out.
 */
int ledger_chain_hash_row(struct arena *arena, const char *company_id, PGresult *res, int row,
			  const char *position, const char *prev_hash, char hex[65]);

/*
 * The sealer (sealer.c): links the entries its companies' postings
 * committed into each company's chain and adds their lines to the
 * balances, in a thread of its own. ledger_sealer_add() gives it to the
 * server (in the module's init: it starts when the server listens and
 * drains before it stops); ledger_sealer_wake(NULL) asks it to look now,
 * which a posting does once it commits (db_after_commit()).
 */
int ledger_sealer_add(struct erp_server *server);
void ledger_sealer_wake(void *unused);

/* --- the books checked (verify.c) -------------------------------------------------------- */

/*
 * `erp-server audit verify-ledger` (erp_verifier.run, platform/http/route.h):
 * every check of verify.c in one read-only snapshot, each problem named on
 * out. 0 sound, 1 problems named, or an ERP_ERR_* code with err saying why.
 */
int ledger_verify_books(struct db_conn *db, FILE *out, char *err, size_t err_size);

/* What verify-ledger found of one company's chain and numbers (integrity.c), kept to be recorded. */
struct ledger_integrity_result {
	char company_id[40];
	bool intact;
	char entries[24];
	char head_seq[24];
	char head_hash[65];         /* "" when the chain is empty */
	char first_broken_id[40];   /* "" while intact */
	char first_broken_number[32];
	const char *problems;       /* JSON array of sentences (arena) */
	struct ledger_integrity_result *next;
};

/*
 * verify.c's chain check: per company, the hash chain of posted entries
 * walked and each hash recomputed from what is stored, the head, and gaps in
 * the numbers of each series and fiscal year; each problem named on out
 * ("chain: company <id>: ..."), counted in *problems, and each company's
 * result prepended to *results (arena). 0, or an ERP_ERR_* code when the
 * books could not be read.
 */
int ledger_integrity_check(struct db_conn *db, struct arena *arena, FILE *out, long *problems,
			   struct ledger_integrity_result **results);

/*
 * Records results in ledger_integrity_checks, in a transaction of its own
 * (after the checks' read-only snapshot): what GET .../reports/ledger-integrity
 * shows. 0 or an ERP_ERR_* code.
 */
int ledger_integrity_record(struct db_conn *db, const struct ledger_integrity_result *results);

/* --- HTTP (http_*.c) -------------------------------------------------------------------- */

/* The request's company id, or NULL when there is no such company (a list is then empty). */
const char *ledger_request_company_id(const struct erp_request *req);

int ledger_accounts_list(struct erp_request *req);
int ledger_accounts_create(struct erp_request *req);
int ledger_accounts_get(struct erp_request *req);
int ledger_accounts_update(struct erp_request *req);
int ledger_accounts_deactivate(struct erp_request *req);
int ledger_accounts_reactivate(struct erp_request *req);

int ledger_periods_list(struct erp_request *req);
int ledger_periods_create_year(struct erp_request *req);
int ledger_periods_close(struct erp_request *req);
int ledger_periods_reopen(struct erp_request *req);
int ledger_periods_request_lock(struct erp_request *req);
int ledger_periods_confirm_lock(struct erp_request *req);
int ledger_periods_cancel_lock(struct erp_request *req);

int ledger_entries_create(struct erp_request *req);
/* The rules of a draft on a body its schema refused (route.h, check_rules): create, replace. */
int ledger_entries_create_rules(struct erp_request *req, const json_t *refused, struct erp_ctx *ctx);
int ledger_entries_replace_rules(struct erp_request *req, const json_t *refused, struct erp_ctx *ctx);
int ledger_entries_list(struct erp_request *req);
int ledger_entries_get(struct erp_request *req);
int ledger_entries_update(struct erp_request *req);
int ledger_entries_delete(struct erp_request *req);
int ledger_entries_post(struct erp_request *req);
int ledger_entries_reverse(struct erp_request *req);
int ledger_entries_take_over(struct erp_request *req);
int ledger_entries_discard(struct erp_request *req);

int ledger_trial_balance(struct erp_request *req);
int ledger_profit_and_loss(struct erp_request *req);
int ledger_balance_sheet(struct erp_request *req);
int ledger_account_ledger(struct erp_request *req);
int ledger_integrity_report(struct erp_request *req);

int ledger_fiscal_year_get(struct erp_request *req);
int ledger_fiscal_year_request_close(struct erp_request *req);
int ledger_fiscal_year_confirm_close(struct erp_request *req);
int ledger_fiscal_year_cancel_close(struct erp_request *req);
int ledger_fiscal_year_reopen(struct erp_request *req);

int ledger_settings_get(struct erp_request *req);
int ledger_settings_request_change(struct erp_request *req);
int ledger_settings_confirm_change(struct erp_request *req);
int ledger_settings_cancel_change(struct erp_request *req);
int ledger_settings_retained_earnings(struct erp_request *req);

#endif
