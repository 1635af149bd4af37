#ifndef ERP_MODULES_IAM_USECASES_H
#define ERP_MODULES_IAM_USECASES_H

/*
 * IAM's use cases (module-internal; internal.h includes it): what the HTTP
 * handlers call, and what any other way in (an importer, a job) would call.
 * Each takes a struct erp_ctx (shared-kernel/usecase.h) and typed input,
 * owns its transaction, and returns 0 (its result in ctx->arena), a
 * refusal's code (ctx->refusal filled: a domain code, a sentence, the
 * fields concerned; never an HTTP status) or a failure's (database,
 * memory; ctx->refusal empty). The check_ functions are the rules that need
 * no database, unit-tested on their own.
 */
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "shared-kernel/usecase.h"

struct erp_config;

/* --- users (users.c) ---------------------------------------------------------------- */

struct iam_user_new {
	const char *email;          /* any case: stored lower-case */
	const char *display_name;
	const char *password;       /* one-time: the user chooses their own at first login */
};

struct iam_user_change {
	const char *id;
	int expected_version;       /* the version the change was made against */
	const char *email;          /* NULL: unchanged */
	const char *display_name;   /* NULL: unchanged */
};

/* Each *user: the user as clients see it (arena-owned JSON). */
int iam_user_create(struct erp_ctx *ctx, const struct iam_user_new *in, json_t **user);
int iam_user_read(struct erp_ctx *ctx, const char *id, json_t **user);
int iam_user_update(struct erp_ctx *ctx, const struct iam_user_change *in, json_t **user);

/* Deactivates (their sessions end) or reactivates a user; nothing changes when already so. */
int iam_user_set_active(struct erp_ctx *ctx, const char *id, bool active, json_t **user);

/* The rule before a (de)activation: nobody deactivates themselves. 0 or the refusal's code. */
int iam_user_check_activation(struct erp_refusal *refusal, const char *actor_id, const char *id,
			      bool active);

/* --- companies (companies.c) ------------------------------------------------------------- */

struct iam_company_input {
	const char *code;           /* the company's name in URLs; a change names the company by it */
	const char *name;           /* NULL: unchanged (a change) */
	const char *currency;       /* ISO 4217; NULL: unchanged (a change) */
	int expected_version;       /* a change: the version it was made against */
};

/*
 * The rules on a company's input that need no database: a new company's
 * code format, and a currency we know. 0 or the refusal's code.
 */
int iam_company_check(struct erp_refusal *refusal, const struct iam_company_input *in,
		      bool creating);

/* Each *company: the company as clients see it (arena-owned JSON). */
int iam_company_create(struct erp_ctx *ctx, const struct iam_company_input *in, json_t **company);
int iam_company_read(struct erp_ctx *ctx, const char *code, json_t **company);
int iam_company_update(struct erp_ctx *ctx, const struct iam_company_input *in, json_t **company);

/* --- roles (roles.c) ------------------------------------------------------------------ */

/* A permission set: names from the catalog. */
struct iam_permission_set {
	bool given;                 /* false: none given (unchanged, or copied) */
	const char *const *names;
	size_t count;
};

struct iam_role_input {
	const char *name;
	const char *description;    /* NULL: unchanged, or (a new role) the copied one's, else "" */
	struct iam_permission_set permissions;
	const char *copy_of;        /* a new role: the role whose permissions it starts with */
	int expected_version;       /* a change: the version it was made against */
};

/*
 * The rules on a new role's input that need no database: exactly one of
 * permissions and copy_of, and a valid name. 0 or the refusal's code.
 */
int iam_role_check_new(struct erp_refusal *refusal, const struct iam_role_input *in);

/*
 * The rule on a permission set (JSON array text) that needs no database:
 * never iam.sod.override, which only the seeded role sod-override holds.
 */
int iam_role_check_permissions(struct erp_refusal *refusal, const char *permissions_json);

/* Each *role: the role as clients see it (arena-owned JSON). */
int iam_role_create(struct erp_ctx *ctx, const struct iam_role_input *in, json_t **role);
int iam_role_read(struct erp_ctx *ctx, const char *name, json_t **role);
int iam_role_update(struct erp_ctx *ctx, const struct iam_role_input *in, json_t **role);
int iam_role_delete(struct erp_ctx *ctx, const char *name);

/* --- role assignments (assignments.c) ------------------------------------------------------ */

struct iam_grant_input {
	const char *user_id;
	const char *role;           /* name */
	const char *company;        /* code; NULL: globally */
	const char *reason;
	bool override;              /* ask a second administrator to accept the conflicts */
};

/* What a grant did: took effect, or waits for a second administrator (pending). */
struct iam_grant_outcome {
	bool pending;
	char id[40];                /* the assignment's, or the waiting request's */
	json_t *body;               /* the assignment, or the request, as clients see it */
};

/*
 * The rules on a grant that need no database, in the order they answer:
 * nobody grants to themselves; an override needs iam.sod.override in the
 * scope (may_override) and a reason. 0 or the refusal's code.
 */
int iam_grant_check(struct erp_refusal *refusal, const char *actor_id,
		    const struct iam_grant_input *in, bool may_override);

/*
 * Grants the role to the user in the company (or globally), as ctx->actor_id:
 * at once, or, for a privileged role or an override, as a request a second
 * administrator approves (out->pending). Refuses a grant the user holds, one
 * creating a segregation-of-duties conflict nobody asked to override, and
 * the rules of iam_grant_check().
 */
int iam_assignment_grant(struct erp_ctx *ctx, const struct iam_grant_input *in,
			 struct iam_grant_outcome *out);

/* *items: every assignment of the user (JSON array). ERP_ERR_NOT_FOUND: no such user. */
int iam_assignments_of(struct erp_ctx *ctx, const char *user_id, json_t **items);

/* Revokes another user's assignment (and the overrides it came with). */
int iam_assignment_revoke(struct erp_ctx *ctx, const char *user_id, const char *assignment_id);

/* --- grant requests (grant_requests.c) ----------------------------------------------------- */

/* *request: the request as clients see it (arena-owned JSON). */
int iam_grant_request_read(struct erp_ctx *ctx, const char *id, json_t **request);

/*
 * Approves (the grant takes effect, re-checked under the same locks as a
 * direct grant) or rejects a pending request; a requester rejecting their
 * own withdraws it. *request: the request after the decision. The decider is
 * ctx->actor_id: without one, ERP_ERR_FORBIDDEN.
 */
int iam_grant_request_decide(struct erp_ctx *ctx, const char *id, bool approve,
			     json_t **request);

/* --- the permission catalog (catalog.c) ---------------------------------------------------- */

/* *catalog: {"items": [permissions], "sod_rules": [pairs]}. */
int iam_catalog_read(struct erp_ctx *ctx, json_t **catalog);

/* --- logging in and out (login.c) ----------------------------------------------------------- */

struct iam_login_input {
	const char *email;          /* any case */
	const char *password;
	const char *client_address; /* what failures count against */
	const struct erp_config *config;
};

struct iam_login_outcome {
	char token[64];             /* the bearer token (only its hash is stored) */
	char expires_at[40];
	json_t *user;               /* the user as clients see it */
	const char *retry_after;    /* refused ERP_ERR_THROTTLED: seconds to wait */
};

/*
 * Logs in: a new session, or a refusal: ERP_ERR_UNAUTHORIZED (wrong email or
 * password, one sentence for both), ERP_ERR_THROTTLED (retry_after), or
 * ERP_ERR_UNAVAILABLE (no hashing slot free).
 */
int iam_log_in(struct erp_ctx *ctx, const struct iam_login_input *in,
	       struct iam_login_outcome *out);

/* Ends the session whose token hashes to token_hash (ctx->actor_id's). */
int iam_log_out(struct erp_ctx *ctx, const char *token_hash);

/* --- the caller's password (password.c) --------------------------------------------------- */

struct iam_password_input {
	const char *current;        /* throttled like a login */
	const char *next;
	const char *session_hash;   /* the caller's session, kept; their others end */
	const char *client_address;
	const struct erp_config *config;
};

/* The rule that needs no database: a new password differs from the current one. */
int iam_password_check(struct erp_refusal *refusal, const struct iam_password_input *in);

/*
 * Changes ctx->actor_id's password: refusals as iam_log_in(), but a wrong
 * current password is ERP_ERR_INVALID at /current_password; *retry_after
 * is set when throttled.
 */
int iam_password_change(struct erp_ctx *ctx, const struct iam_password_input *in,
			const char **retry_after);

/* --- the caller (me.c) ---------------------------------------------------------------------- */

/*
 * *me: ctx->actor_id as clients see them, with global_permissions and the
 * companies they hold roles in, each with its effective permissions, from
 * grants (iam_grants_json() of the caller).
 */
int iam_me_read(struct erp_ctx *ctx, json_t *grants, json_t **me);

#endif
