#ifndef ERP_MODULES_LEDGER_INTERNAL_H
#define ERP_MODULES_LEDGER_INTERNAL_H

/* Shared by the ledger module's own files only. */
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "modules/ledger/ledger.h"
#include "modules/ledger/store.h"
#include "modules/ledger/usecases.h"
#include "platform/db/usecase.h"
#include "platform/db/db.h"
#include "platform/http/http.h"
#include "platform/http/resource.h"
#include "shared-kernel/usecase.h"

/* --- rules without a database (service.c) ----------------------------------------- */

/* A line as the service checks it. Inputs first, then what resolution and parsing fill in. */
struct ledger_line {
	const char *account;         /* code, as given */
	const char *debit;           /* decimal text, or NULL */
	const char *credit;
	const char *description;
	/* from the account (store.c) */
	bool found;
	bool active;
	char account_id[40];
	char currency[4];
	int exponent;
	/* from the text (ledger_check_lines) */
	int64_t debit_minor;
	int64_t credit_minor;
};

/*
 * The rules a journal entry's lines obey: at least two; each names a known,
 * active account; exactly one of debit/credit; amounts positive, within the
 * currency's decimals; debits equal credits per currency. Parses the amounts
 * into *_minor. Appends one error per problem to errors (pointer
 * /lines/<i>/<field>, or /lines for a currency that does not balance, its
 * detail naming the currency and the difference). Returns the number of
 * problems, -1 when out of memory.
 */
int ledger_check_lines(struct ledger_line *lines, size_t count, json_t *errors);

/* "JE-2026-000042"; -1 when out is too small or the numbers are out of range. */
int ledger_number_format(int fiscal_year, int sequence, char *out, size_t size);

/* Lifecycle: what may happen to an entry in a status. */
enum ledger_action { LEDGER_EDIT, LEDGER_DELETE, LEDGER_POST, LEDGER_REVERSE };
bool ledger_action_allowed(const char *status, enum ledger_action action);

/* Period lifecycle: open -> closed -> open (reopen), closed -> locked (final). */
bool ledger_period_transition_allowed(const char *from, const char *to);

/* What decides whether a closed period may be locked, read under its row lock (store.c). */
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

/* --- storage (store.c) ---------------------------------------------------------------- */

/*
 * Fills found/active/account_id/currency/exponent of each line from the
 * accounts of the company company_id. ERP_ERR_NOT_FOUND when there is no
 * such company.
 */
int ledger_accounts_resolve(struct db_conn *db, struct arena *arena, const char *company_id,
			    struct ledger_line *lines, size_t count);

/*
 * ledger_accounts_resolve() in two halves, so the lookup shares a round
 * trip with other statements: queue it on batch (platform/db/db.h; 0 or
 * ERP_ERR_NO_MEMORY), run the batch, then ledger_accounts_resolved() reads
 * *res into the lines and company_id as above.
 */
int ledger_accounts_resolve_queue(struct db_batch *batch, struct arena *arena, const char *company_id,
				  const struct ledger_line *lines, size_t count, PGresult **res);
int ledger_accounts_resolved(PGresult *res, char company_id[40], struct ledger_line *lines,
			     size_t count);

/*
 * Inserts a draft entry and its (checked) lines; header: date, memo,
 * reference, source (NULL: "manual"). *out (when out is not NULL) receives
 * the entry as clients see it, as JSON text in the arena.
 */
struct ledger_header {
	const char *date;
	const char *memo;
	const char *reference;
	const char *source;
};
int ledger_entry_insert(struct db_conn *db, struct arena *arena, const char *id,
			const char *company_id, const char *author_id,
			const struct ledger_header *header, const struct ledger_line *lines,
			size_t count, const char **out);

/* Replaces a draft's header and lines and bumps its version. */
int ledger_entry_replace(struct db_conn *db, struct arena *arena, const char *id,
			 const struct ledger_header *header, const struct ledger_line *lines,
			 size_t count);

/*
 * Whether user_id wrote entry_id or any entry it reverses (a reversal of a
 * reversal re-posts the original: its author must not do that either).
 */
int ledger_chain_authored_by(struct db_conn *db, struct arena *arena, const char *entry_id,
			     const char *user_id, bool *authored);

/* Makes author_id the author of draft id and bumps its version. ERP_ERR_NOT_FOUND if not a draft. */
int ledger_entry_take_over(struct db_conn *db, const char *id, const char *author_id);

/* The entry as clients see it (ENTRY_JSON in store.c). ERP_ERR_NOT_FOUND if not in company. */
int ledger_entry_json(struct db_conn *db, struct arena *arena, const char *company_id,
		      const char *id, json_t **out);

/* Checked lines as the entry shows them: [{"line","account","currency","debit"|"credit","description"?}]. */
json_t *ledger_lines_json(const struct ledger_line *lines, size_t count);

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

struct ledger_post {
	const char *company_id;      /* NULL: the company is named by company_code (set once locked) */
	const char *company_code;
	const char *entry_id;
	const char *poster_id;
	const char *request_id;
	int expected_version;        /* the version the poster reviewed (If-Match); 0: not checked */
	bool four_eyes;              /* the poster may not be the author (unless the company relaxes it) */
	bool may_post_closed;        /* the poster holds ledger.period.post-closed */
	const char *reverses_author; /* for a reversal: the original's author, for four-eyes */
	/* out */
	char number[24];
	json_t *entry;               /* the posted entry as clients see it (arena) */
	struct erp_refusal refusal;  /* why not (shared-kernel/usecase.h) */
};

/* What a posting read under its locks (ledger_post_lock()); texts live as long as the arena. */
struct ledger_post_facts {
	PGresult *entry;           /* company_id, status, author_id, entry_date, version, period_id,
				      period_status, fiscal_year, period, self_posting, author_active */
	const char *period_status; /* as share-locked; NULL: no period covers the date */
	const char *inactive;      /* codes of inactive accounts ("1100, 9000", share-locked), or NULL */
	const char *sequence;      /* the number taken in the entry's fiscal year; NULL without a period */
};

/*
 * One round trip that locks what a posting's rules read, each until
 * commit, and takes the entry's number (store.c): the entry (FOR UPDATE),
 * its period, its company and its accounts (FOR SHARE, so a close or lock, a
 * currency change or a deactivation waits for this posting, or this posting
 * for it and then reads what it left), then the next number of its fiscal
 * year (the numbering row stays locked until commit: postings of a company
 * and year queue there, and a posting a rule refuses gives its number back
 * when it rolls back). The entry is post->entry_id in post->company_id, or
 * in the company called post->company_code when the id is NULL.
 * ERP_ERR_NOT_FOUND when that company has no such entry.
 */
int ledger_post_lock(struct db_conn *db, struct arena *arena, const struct ledger_post *post,
		     struct ledger_post_facts *out);

/*
 * One round trip that posts the locked draft: lines stamped with the posting
 * date and sequence, the entry marked with post->number, facts->sequence,
 * the poster and closed; *entry: the entry as clients see it after (arena).
 */
int ledger_post_mark(struct db_conn *db, struct arena *arena, const struct ledger_post *post,
		     const struct ledger_post_facts *facts, bool closed, json_t **entry);

/*
 * Posts a draft inside the caller's transaction, in two round trips
 * (ledger_post_lock(), ledger_post_mark()): period open (or closed with
 * may_post_closed, recorded), four-eyes, accounts active, the next gapless
 * number, lines stamped for reports; the audit event and the domain event
 * ledger.entry.posted go with the caller's COMMIT (platform/db/db.h). Sets
 * post->company_id when the company was named by code. ERP_OK, or
 * ERP_ERR_FORBIDDEN / ERP_ERR_CONFLICT / ERP_ERR_INVALID with post->refusal,
 * ERP_ERR_STALE when the draft is no longer at post->expected_version, or a
 * database error.
 */
int ledger_post_draft(struct db_conn *db, struct arena *arena, struct ledger_post *post);

/* --- HTTP (http_*.c) -------------------------------------------------------------------- */

/* Reads the lines of a body ("lines" array) into an arena array. NULL when out of memory. */
struct ledger_line *ledger_lines_from_body(struct arena *arena, json_t *body, size_t *count);

/*
 * The request's company, resolved by the pipeline (platform/http/http.h): *out,
 * or ERP_ERR_NOT_FOUND when no company has the path's code.
 */
int ledger_request_company(const struct erp_request *req, const struct erp_company_scope **out);

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
int ledger_entries_list(struct erp_request *req);
int ledger_entries_get(struct erp_request *req);
int ledger_entries_update(struct erp_request *req);
int ledger_entries_delete(struct erp_request *req);
int ledger_entries_post(struct erp_request *req);
int ledger_entries_reverse(struct erp_request *req);
int ledger_entries_take_over(struct erp_request *req);
int ledger_entries_discard(struct erp_request *req);

int ledger_trial_balance(struct erp_request *req);
int ledger_account_ledger(struct erp_request *req);

int ledger_settings_get(struct erp_request *req);
int ledger_settings_request_change(struct erp_request *req);
int ledger_settings_confirm_change(struct erp_request *req);
int ledger_settings_cancel_change(struct erp_request *req);

#endif
