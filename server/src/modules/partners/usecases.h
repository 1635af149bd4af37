#ifndef ERP_MODULES_PARTNERS_USECASES_H
#define ERP_MODULES_PARTNERS_USECASES_H

/*
 * Partners' use cases (module-internal; internal.h includes it): what the
 * HTTP handlers call, and what an importer or a job would call. Each takes
 * a struct erp_ctx (shared-kernel/usecase.h) whose company is the one it
 * works in, and typed input; it owns its transaction and returns 0 (its
 * result in ctx->arena), a refusal's code (ctx->refusal filled: a domain
 * code, a sentence, the fields concerned; never an HTTP status) or a
 * failure's (database, memory; ctx->refusal empty). The check functions
 * are the rules that need no database, unit-tested on their own
 * (server/test/unit/modules/partners/).
 */
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shared-kernel/usecase.h"

enum {
	PARTNERS_CODE_MAX = 20,
	PARTNERS_NAME_MAX = 200,
	PARTNERS_TAX_ID_MAX = 32,      /* normalised: letters and digits only */
	PARTNERS_TAX_ID_TEXT_MAX = 40, /* as given, separators included */
	PARTNERS_EMAIL_MAX = 254,
	PARTNERS_ADDRESS_LINE_MAX = 200,
	PARTNERS_ACCOUNT_CODE_MAX = 20,
};

/* --- rules without a database (rules.c) ---------------------------------------------- */

/* Whether code is a partner code: [0-9A-Za-z][0-9A-Za-z._-]*, PARTNERS_CODE_MAX at most. */
bool partners_code_valid(const char *code);

/*
 * A tax id as stored: upper case, spaces, dots, dashes and slashes removed
 * ("de 123.456-789" -> "DE123456789"), into out. True when the result is 2
 * to PARTNERS_TAX_ID_MAX letters and digits with at least one digit, from a
 * text of at most PARTNERS_TAX_ID_TEXT_MAX characters; false otherwise (out
 * then holds nothing useful).
 */
bool partners_tax_id_normalize(const char *text, char out[PARTNERS_TAX_ID_MAX + 1]);

/*
 * Whether email is an address we can send to: one '@', a local part of 1 to
 * 64 printable ASCII characters without spaces, and a domain of dot-separated
 * labels (letters, digits, '-'; none empty, none starting or ending with '-')
 * with at least one dot; PARTNERS_EMAIL_MAX characters at most.
 */
bool partners_email_valid(const char *email);

/*
 * The problem with an address object (a sentence), or NULL when it is one:
 * line1, city and country required; line2, postal_code and region optional;
 * every value a non-empty string of at most PARTNERS_ADDRESS_LINE_MAX
 * characters (postal_code 20), country two upper-case letters (ISO 3166-1
 * alpha-2); no other member. *pointer: the member concerned ("" the object).
 */
const char *partners_address_problem(json_t *address, const char **pointer);

/* What a create or a change gives; a change leaves what it does not give. */
struct partners_text_field {
	bool given;                 /* false: leave as it is (a change), or none (a create) */
	const char *value;          /* given: the new value; NULL clears it */
};

struct partners_address_field {
	bool given;
	json_t *value;              /* given: the new address (borrowed); NULL clears it */
};

struct partners_partner_input {
	const char *code;           /* a create: the new code; a change: the partner's */
	const char *name;           /* NULL: unchanged (a change only) */
	const char *const *roles;   /* "customer", "vendor"; NULL: unchanged (a change only) */
	size_t role_count;
	struct partners_text_field tax_id;
	struct partners_text_field email;
	struct partners_address_field billing_address;
	struct partners_address_field shipping_address;
	bool terms_days_given;
	int payment_terms_days;
	bool end_of_month_given;
	bool payment_terms_end_of_month;
	struct partners_text_field credit_limit; /* decimal text in the company's currency */
	const char *currency;       /* ISO 4217; NULL: the company's (create) or unchanged */
	struct partners_text_field receivable_account; /* ledger account code */
	struct partners_text_field payable_account;
	int expected_version;       /* a change: the version it was made against */
};

/* The input after its rules: what the store writes. */
struct partners_checked {
	bool customer, vendor;      /* valid when roles were given */
	char tax_id[PARTNERS_TAX_ID_MAX + 1];
	char credit_limit_minor[24];
	char credit_limit_exponent[4];
};

/*
 * The rules on a partner's input that need no database, every field at
 * once: a create's code and name, roles (at least one, each known, none
 * twice), tax id, email, addresses, payment terms, a credit limit that is a
 * non-negative amount of the company's currency (company_currency), and a
 * currency we know. Fills *out. 0 or ERP_ERR_INVALID with each field refused.
 */
int partners_check_input(struct erp_refusal *refusal, const struct partners_partner_input *in,
			 bool creating, const char *company_currency, struct partners_checked *out);

/* An account of the ledger's directory as the rules see it. */
struct partners_account {
	bool found;
	char id[40];
	char code[PARTNERS_ACCOUNT_CODE_MAX + 1];
	char type[16];              /* asset, liability, equity, revenue, expense */
	bool active;
};

/* Which side of a partner an account serves: receivable wants an asset, payable a liability. */
enum partners_side { PARTNERS_RECEIVABLE, PARTNERS_PAYABLE };

/*
 * The rule on an account a partner (or the settings) is given for a side:
 * it exists in the company, has the side's type and is active. pointer
 * names the field. 0 or ERP_ERR_INVALID (field code "unknown", "type" or
 * "inactive").
 */
int partners_check_account(struct erp_refusal *refusal, const char *pointer,
			   enum partners_side side, const struct partners_account *account);

/* --- the list's filters (rules.c) ------------------------------------------------------ */

struct partners_list_filter {
	const char *company_id;
	const char *role;           /* "customer", "vendor" or NULL: both */
	const char *active;         /* "true", "false" or NULL: both */
	const char *code_prefix;    /* any case */
	const char *name_prefix;    /* any case */
	char tax_id[PARTNERS_TAX_ID_MAX + 1]; /* normalised; "" none */
};

/*
 * Fills *out from the query object the route's schema validated. 0, or
 * ERP_ERR_INVALID with the parameter refused (a tax id that is none).
 */
int partners_list_filter_from(struct erp_refusal *refusal, json_t *query, const char *company_id,
			      struct partners_list_filter *out);

/* --- partners (partners.c) ----------------------------------------------------------- */

/* Each *partner: the partner as clients see it (arena-owned JSON); ctx->company is required. */
int partners_create(struct erp_ctx *ctx, const struct partners_partner_input *in, json_t **partner);
int partners_read(struct erp_ctx *ctx, const char *code, json_t **partner);
int partners_update(struct erp_ctx *ctx, const struct partners_partner_input *in, json_t **partner);

/*
 * Deactivates (it takes no new documents; nothing is deleted) or reactivates
 * partner code. Refuses ERP_ERR_CONFLICT when it is so already.
 */
int partners_set_active(struct erp_ctx *ctx, const char *code, bool active, json_t **partner);

/* --- the company's partner settings (settings.c) ------------------------------------------ */

struct partners_settings_input {
	const char *default_receivable_account; /* code, or NULL: none */
	const char *default_payable_account;
	int expected_version;
};

/* *settings: the settings as clients see them (version 1 and no defaults before any change). */
int partners_settings_read(struct erp_ctx *ctx, json_t **settings);
int partners_settings_update(struct erp_ctx *ctx, const struct partners_settings_input *in,
			     json_t **settings);

#endif
