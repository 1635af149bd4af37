#ifndef ERP_MODULES_IAM_INTERNAL_H
#define ERP_MODULES_IAM_INTERNAL_H

/* Shared by the IAM module's own files only. */
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "modules/iam/iam.h"
#include "modules/iam/store.h"
#include "modules/iam/usecases.h"
#include "platform/db/db.h"
#include "platform/db/usecase.h"
#include "platform/http/http.h"
#include "platform/http/resource.h"
#include "platform/http/route.h"
#include "shared-kernel/company_scope.h"
#include "shared-kernel/usecase.h"

struct erp_server;

/* --- a user's grants and the permission rule (grants.c) ----------------------------- */

struct iam_grants;

/*
 * An empty set of grants for user at an authorisation version, held once;
 * NULL when out of memory. Complete sets are only read, so threads share
 * them: iam_grants_hold() adds a holder, iam_grants_free() lets go (the
 * last one frees; NULL is fine).
 */
struct iam_grants *iam_grants_new(const char *user_id, int64_t version);
struct iam_grants *iam_grants_hold(struct iam_grants *grants);
void iam_grants_free(struct iam_grants *grants);
const char *iam_grants_user(const struct iam_grants *grants);
int64_t iam_grants_version(const struct iam_grants *grants);

/*
 * Records that the user holds permission in company (NULL: globally); a NULL
 * permission records membership alone (a role without permissions there).
 */
int iam_grants_add(struct iam_grants *grants, const char *company, const char *permission);

/*
 * The rule: ERP_OK when permission is held globally or in company;
 * ERP_ERR_NOT_FOUND when company is named and the user has no role there
 * (its existence is not revealed); ERP_ERR_FORBIDDEN otherwise.
 */
int iam_grants_check(const struct iam_grants *grants, const char *permission, const char *company);

/* {"global": [...], "companies": {"CODE": [effective permissions]}}; new reference or NULL. */
json_t *iam_grants_json(const struct iam_grants *grants);

/* --- the per-process cache of sessions, grants and company scopes (cache.c) ----------- */

/*
 * Entries are valid until a notification forgets them (iam_cache_forget);
 * whether the cache may be used for a request is auth.c's decision (the
 * listener's barrier). Times are CLOCK_MONOTONIC nanoseconds (http_now_ns()).
 * Everything here is thread-safe; nothing here reads the database.
 */
struct iam_cache;

/* What a session gives a request, and when this process must look again. */
struct iam_cached_session {
	char user_id[40];
	bool must_change_password;
	uint64_t expires_ns;   /* its absolute end (ERP_SESSION_TTL_S after login) */
	uint64_t idle_ns;      /* when it idles out, as of the last use this process knows of */
	uint64_t touch_ns;     /* when its last_seen_at is a minute old: write it again then */
};

/* An empty cache (start-up: exits when out of memory). */
struct iam_cache *iam_cache_new(void);
void iam_cache_free(struct iam_cache *cache);

/*
 * Forgets what a notification on erp_iam_cache names: "user:<id>" (the
 * user's sessions and grants), "grants" (everyone's grants), "companies"
 * (every company scope, and grants), anything else everything. O(1).
 */
void iam_cache_forget(struct iam_cache *cache, const char *what);

/*
 * Read before reading the database for a put: a put whose epoch is no
 * longer current stores nothing (something was forgotten meanwhile, maybe
 * the very value read).
 */
uint64_t iam_cache_epoch(struct iam_cache *cache);

/* The session of token_hash (hex) when cached, not forgotten, not expired or idle by now_ns. */
bool iam_cache_session_get(struct iam_cache *cache, const char *token_hash, uint64_t now_ns,
			   struct iam_cached_session *out);
void iam_cache_session_put(struct iam_cache *cache, uint64_t epoch, const char *token_hash,
			   const struct iam_cached_session *session, uint64_t now_ns);

/*
 * True for the one caller that should write the session's last_seen_at now
 * (its touch_ns has passed); the entry's next touch moves to next_touch_ns.
 * After writing it, iam_cache_session_touched() extends its idle end.
 */
bool iam_cache_session_claim_touch(struct iam_cache *cache, const char *token_hash,
				   uint64_t now_ns, uint64_t next_touch_ns);
void iam_cache_session_touched(struct iam_cache *cache, const char *token_hash, uint64_t now_ns,
			       uint64_t idle_ns);

/* The user's grants when cached and not forgotten, held (iam_grants_free() them); or NULL. */
struct iam_grants *iam_cache_grants_get(struct iam_cache *cache, const char *user_id);
void iam_cache_grants_put(struct iam_cache *cache, uint64_t epoch, struct iam_grants *grants,
			  uint64_t now_ns);

/* The scope of company code when cached and not forgotten. */
bool iam_cache_company_get(struct iam_cache *cache, const char *code, struct erp_company_scope *out);
void iam_cache_company_put(struct iam_cache *cache, uint64_t epoch,
			   const struct erp_company_scope *scope, uint64_t now_ns);

/* --- the authenticated caller (auth.c) --------------------------------------- */

struct iam_principal {
	char user_id[40];
	char token_hash_hex[65];
	/* Read with the session from the database in this request; -1 when it came from the cache. */
	int64_t authz_version;
	/* Whether the cache is current for this request: 0 not asked yet, 1 yes, -1 no (read the database). */
	int cache_current;
	uint64_t since_ns;          /* when the request arrived: changes committed before count */
	struct iam_grants *grants;  /* the caller's, once read; held until the request ends */
};

/* The caller of an authenticated request (never NULL on non-public routes). */
const struct iam_principal *iam_principal(const struct erp_request *req);

/* {"global": [...], "companies": {"CODE": [...effective...]}} for the caller; NULL on failure. */
json_t *iam_caller_grants_json(struct erp_request *req);

/* Whether the caller holds permission globally or in company (code; NULL: globally). */
bool iam_caller_holds(struct erp_request *req, const char *permission, const char *company);

/*
 * The descriptor's init: plugs IAM into the platform as the authentication
 * and permission hooks and sizes the password-hashing slots. 0.
 */
int iam_init(struct erp_server *server);

/* --- the limit on password hashing (hash_limit.c) -------------------------------------- */

/* At most slots argon2id computations at once in this process (start-up, before requests). */
void iam_hash_limit_init(unsigned slots);

/*
 * Takes a slot without waiting: true when taken, and the calling thread may
 * then hash and verify passwords until iam_hash_limit_release(); false when
 * every slot is in use (refuse with iam_refuse_busy()). A thread that holds
 * a slot may take it again; each take needs its release.
 */
bool iam_hash_limit_take(void);
void iam_hash_limit_release(void);

/* Whether the calling thread holds a slot. */
bool iam_hash_limit_held(void);

/* --- rules (service.c) ----------------------------------------------------------- */

enum { IAM_PASSWORD_MIN = 12, IAM_PASSWORD_MAX = 1024, IAM_TOKEN_BYTES = 32 };

/*
 * The three password functions below compute argon2id, and need the calling
 * thread to hold a hashing slot (iam_hash_limit_take()); without one they
 * compute nothing, log a bug, and fail (hash: ERP_ERR_INTERNAL; verify: false).
 */

/* argon2id hash (libsodium interactive limits or stronger) into out (crypto_pwhash_STRBYTES). */
int iam_password_hash(const char *password, char *out);

/* Whether password matches hash; *needs_rehash when the stored parameters are weaker. */
bool iam_password_verify(const char *hash, const char *password, bool *needs_rehash);

/* Burns the time of a verification, for unknown accounts (same timing either way). */
void iam_password_verify_dummy(const char *password);

/* A new random token (base64url, 43 chars) and the hex of its BLAKE2b hash. */
void iam_token_new(char token[64], char hash_hex[65]);

/* The hex hash of a presented token; -1 when it is not a well-formed token. */
int iam_token_hash(const char *token, char hash_hex[65]);

/* Whether name is a valid role name / company code (as the tables' checks require). */
bool iam_is_role_name(const char *name);
bool iam_is_company_code(const char *code);

/* Lower-cases ASCII in place (emails are stored lower-case). */
void iam_lowercase(char *text);

/* --- login throttling (throttle.c) ------------------------------------------------------- */

struct erp_config;

/* The keys one login attempt (or wrong current password) counts against, and what blocks it. */
struct iam_throttle {
	char account_key[270];        /* the advisory lock serialising attempts on the account */
	char pair_key[330];           /* failures of the account from this client address */
	char address_key[80];         /* failures from this client address, any account */
	char success_key[270];        /* successful logins of the account */
	char failures_retry_after[24];  /* after iam_throttle_begin(): seconds, or "" */
	char successes_retry_after[24]; /* likewise for the success key */
};

/* Fills the keys of an attempt on email (lower-case) from client_address. */
void iam_throttle_keys(struct iam_throttle *t, const char *email, const char *client_address);

/*
 * Inside the attempt's transaction: waits for the account's lock (attempts
 * on one account are serialised, so concurrent guesses cannot pass a limit),
 * then reads whether the pair or the address is blocked for failures, and
 * whether the account is blocked for successes (each retry-after "" when not).
 */
int iam_throttle_begin(struct db_conn *db, struct arena *arena, struct iam_throttle *t);

/* Counts a failure against the pair (ERP_LOGIN_MAX_FAILURES) and the address; purges stale rows. */
int iam_throttle_failure(struct db_conn *db, const struct iam_throttle *t,
			 const struct erp_config *config);

/* Counts a successful login of the account (ERP_LOGIN_MAX_SUCCESSES) and clears the pair's failures. */
int iam_throttle_success(struct db_conn *db, const struct iam_throttle *t,
			 const struct erp_config *config);

/* --- sessions (sessions.c) ------------------------------------------------------------ */

struct iam_session_started {
	char expires_at[40];   /* RFC 3339, UTC */
	long ended_over_cap;   /* the user's live sessions this login ended (the oldest) */
};

/*
 * Inside the login's transaction: stores the session (the hex hash of its
 * token) for user_id, ends the user's oldest live sessions beyond
 * ERP_SESSIONS_MAX_PER_USER and deletes the user's dead ones, then a bounded
 * batch of anyone's expired and revoked sessions. 0 or a database error.
 */
int iam_session_start(struct db_conn *db, struct arena *arena, const struct erp_config *config,
		      const char *user_id, const char *token_hash, struct iam_session_started *out);

/* --- segregation of duties (sod.c) --------------------------------------------------- */

/*
 * Decisions about one user are serialised by a lock on the user
 * (iam_sod_lock_user: iam_sod_lock_users() in the database, a transaction-
 * scoped advisory lock per user that the admin scripts take too); a role is share-locked by whoever
 * grants it and locked for update by whoever changes its permissions, which
 * then locks every holder (iam_sod_lock_holders). Everyone takes the role
 * before the users, so the locks never wait in a circle.
 */

/* Locks the user for this transaction; *active (may be NULL). ERP_ERR_NOT_FOUND if none. */
int iam_sod_lock_user(struct db_conn *db, struct arena *arena, const char *user_id, bool *active);

/* Locks every holder of role_id, in id order. */
int iam_sod_lock_holders(struct db_conn *db, const char *role_id);

/* Unaccepted conflicts, as iam_sod_conflicts() in the database reports them. */
struct iam_sod_conflicts {
	int count;
	/* [{"user","company","company_id","permissions":[a,b],"description"}], arena-owned */
	json_t *list;
	char *sentence;  /* the first one in words (and how many more); NULL when none */
};

/*
 * The conflicts user_id would have if also granted role_id in company_id
 * (NULL: globally; role_id NULL: as things are). 0 or a database error.
 */
int iam_sod_conflicts_of_grant(struct db_conn *db, struct arena *arena, const char *user_id,
			       const char *role_id, const char *company_id,
			       struct iam_sod_conflicts *out);

/* The conflicts of every holder of role_id, as things are now in this transaction. */
int iam_sod_conflicts_of_holders(struct db_conn *db, struct arena *arena, const char *role_id,
				 struct iam_sod_conflicts *out);

/* ERP_ERR_CONFLICT when one permission set (JSON array text) holds both sides of a pair. */
int iam_sod_pair_in_set(struct db_conn *db, struct arena *arena, const char *permissions_json,
			char **sentence);

/* --- role grants (grant.c) ----------------------------------------------------------- */

/* The role a grant names, share-locked for the transaction. */
struct iam_granted_role {
	char id[40];
	char name[72];
	int version;
	char privileged[512]; /* its permissions that need a second administrator, ", "-joined */
};

/* Share-locks role name (or id when by_id) and reads it. ERP_ERR_NOT_FOUND if none. */
int iam_grant_lock_role(struct db_conn *db, struct arena *arena, const char *key, bool by_id,
			struct iam_granted_role *out);

/* Whether user_id already holds role_id in company_id (NULL: globally). */
int iam_grant_holds(struct db_conn *db, struct arena *arena, const char *user_id,
		    const char *role_id, const char *company_id, bool *holds);

/* What a grant that takes effect needs; the locks are already held. */
struct iam_grant_made {
	const char *assignment_id;   /* a fresh id */
	const char *user_id;
	const char *role_id;
	const char *role_name;
	const char *company_id;      /* NULL: globally */
	const char *company_code;
	const char *granted_by;      /* who asked */
	const char *approved_by;     /* the second administrator, or NULL */
	const char *reason;
	const char *overrides;       /* JSON array of accepted conflicts, or NULL */
	const char *grant_request;   /* the approved request's id, or NULL */
	const char *request_id;      /* of the HTTP request, for the audit trail */
	json_t *assignment;          /* out: as clients see it */
};

/*
 * Inserts the assignment and the overrides it accepts (only conflicts
 * listed in overrides, in their scope), then requires that the user has no
 * conflict left; bumps the authorisation version and audits the grant and
 * each override with its company. ERP_ERR_CONFLICT with refusal filled when
 * the user holds the role there already or a conflict remains.
 */
int iam_grant_make(struct db_conn *db, struct arena *arena, struct iam_grant_made *grant,
		   struct erp_refusal *refusal);

/*
 * *holds: whether user_id holds permission globally or in company (code;
 * NULL: globally), read from the tables in the caller's transaction (the rule
 * of iam_grants_check()). 0 or a database error.
 */
int iam_user_holds(struct db_conn *db, struct arena *arena, const char *user_id,
		   const char *permission, const char *company, bool *holds);

/* --- domain events about grants (events.c) ------------------------------------------------ */

/*
 * Both take the event's type, stream (company_id), actor and request id from
 * of, fill in its entity and payload and record it in the caller's
 * transaction (platform/events/events.h). 0 or an ERP_ERR_* code.
 */
struct domain_event;

/*
 * iam.role.granted or iam.role.revoked: the assignment as clients see it
 * (store_assignments.c, its reason left out), its user, and the grant
 * request that led to it (or NULL).
 */
int iam_event_assignment(struct db_conn *db, const struct domain_event *of, const char *user_id,
			 const char *grant_request, json_t *assignment);

/*
 * iam.grant.requested, .approved, .rejected or .withdrawn: the request as
 * clients see it after the step (store_grant_requests.c, its reason left out).
 */
int iam_event_grant_request(struct db_conn *db, const struct domain_event *of, json_t *request);

/* --- running use cases (usecase.c) ------------------------------------------------------ */

/*
 * A use case runs its work in one transaction with db_usecase_transaction()
 * (platform/db/usecase.h), and refuses with a sentence made in ctx->arena
 * through erp_refuse_made() (shared-kernel/usecase.h).
 */

/*
 * db_usecase_transaction() under a password-hashing slot, taken before the
 * transaction: an attempt waiting for its account's lock holds a worker as
 * surely as one computing, so the slots bound both. Without a free slot it
 * runs nothing and refuses (iam_refuse_busy()).
 */
int iam_transaction_hashing(struct erp_ctx *ctx, db_usecase_fn work, void *state);

/* Refuses ERP_ERR_UNAVAILABLE: every hashing slot is verifying someone else's password. */
int iam_refuse_busy(struct erp_ctx *ctx);

/* --- a password being tried (login.c) ------------------------------------------------------- */

/*
 * A password being tried, by a login or by a password change: the attempt
 * is serialised per account and throttled (throttle.c), and a wrong
 * password is counted and audited as action.
 */
struct iam_attempt {
	struct erp_ctx *ctx;
	const struct erp_config *config;
	const char *action;         /* audited on failure: "iam.login.failed", ... */
	char email[256];
	const char *password;       /* the one being tried */
	const char *client_address;
	struct iam_throttle throttle;
	char user_id[40];
	bool known;                 /* the email names an account */
	bool failed;                /* the password was wrong (counted and audited) */
	const char *retry_after;    /* throttled: seconds, in throttle; else NULL */
	const char *throttled_why;  /* throttled: the refusal's sentence */
};

/* At the start of each attempt's transaction: forgets what an earlier attempt found. */
void iam_attempt_reset(struct iam_attempt *attempt);

/* Whether failures of the (account, address) pair or of the address block it (sets retry_after). */
bool iam_attempt_blocked_for_failures(struct iam_attempt *attempt);

/* Counts the wrong password against the throttle and audits it; sets failed. */
int iam_attempt_fail(struct db_conn *db, struct iam_attempt *attempt);

/* After the transaction: refuses ERP_ERR_THROTTLED when it was throttled; else 0. */
int iam_attempt_refuse_throttled(struct iam_attempt *attempt);

/* --- the HTTP edge (http_context.c) ------------------------------------------------------- */

/*
 * What a handler returns after its use case did not succeed: the refusal
 * answered (http_respond_failure(); a busy refusal with Retry-After: 1), or
 * rc, which the pipeline answers. The context comes from
 * http_usecase_ctx(), entities are answered with etag_respond_entity().
 */
int iam_respond_failure(struct erp_request *req, const struct erp_ctx *ctx, int rc);

/* --- handlers (http_*.c): decode, call the use case, render ------------------------------ */

int iam_login(struct erp_request *req);
int iam_logout(struct erp_request *req);
int iam_me(struct erp_request *req);
int iam_change_password(struct erp_request *req);

int iam_users_create(struct erp_request *req);
int iam_users_list(struct erp_request *req);
int iam_users_get(struct erp_request *req);
int iam_users_update(struct erp_request *req);
int iam_users_deactivate(struct erp_request *req);
int iam_users_reactivate(struct erp_request *req);

int iam_roles_create(struct erp_request *req);
int iam_roles_list(struct erp_request *req);
int iam_roles_get(struct erp_request *req);
int iam_roles_update(struct erp_request *req);
int iam_roles_delete(struct erp_request *req);

int iam_assignments_grant(struct erp_request *req);
int iam_assignments_list(struct erp_request *req);
int iam_assignments_revoke(struct erp_request *req);

int iam_grant_requests_list(struct erp_request *req);
int iam_grant_requests_get(struct erp_request *req);
int iam_grant_requests_approve(struct erp_request *req);
int iam_grant_requests_reject(struct erp_request *req);

int iam_companies_create(struct erp_request *req);
int iam_companies_list(struct erp_request *req);
int iam_companies_get(struct erp_request *req);
int iam_companies_update(struct erp_request *req);

int iam_permissions_list(struct erp_request *req);
int iam_audit_list(struct erp_request *req);

#endif
