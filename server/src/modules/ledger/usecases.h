#ifndef ERP_MODULES_LEDGER_USECASES_H
#define ERP_MODULES_LEDGER_USECASES_H

/*
 * The ledger's use cases (module-internal; internal.h includes it): what the
 * HTTP handlers call, and what ledger_post_entry() (ledger.h) calls for
 * other modules. Each takes a struct erp_ctx (shared-kernel/usecase.h) whose
 * company is the one it works in (ctx->company, resolved before; NULL: no
 * such company, ERP_ERR_NOT_FOUND) and typed input (amounts in minor units
 * or exact decimals, never text), owns its transaction
 * (db_usecase_transaction()), and returns 0 (its result in ctx->arena), a
 * refusal's code (ctx->refusal filled: a domain code, a sentence, the
 * fields concerned; never an HTTP status) or a failure's (database,
 * memory; ctx->refusal empty). The check_ functions are the rules that need
 * no database, which a handler may ask before it decodes the rest.
 */
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shared-kernel/money.h"
#include "shared-kernel/usecase.h"

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

/* --- reports (reports.c) ---------------------------------------------------------------- */

/* *report: the trial balance on as_of (a date; NULL: today, UTC) as clients see it (arena JSON). */
int ledger_report_trial_balance(struct erp_ctx *ctx, const char *as_of, json_t **report);

/* Whether the company has the account whose ledger is listed: 0, or ERP_ERR_NOT_FOUND. */
int ledger_report_account_check(struct erp_ctx *ctx, const char *code);

#endif
