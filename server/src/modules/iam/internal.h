#ifndef ERP_MODULES_IAM_INTERNAL_H
#define ERP_MODULES_IAM_INTERNAL_H

/* Shared by the IAM module's own files only. */
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "modules/iam/iam.h"
#include "platform/db.h"
#include "platform/http.h"
#include "platform/resource.h"
#include "platform/route.h"
#include "shared-kernel/company_scope.h"

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
 * every slot is in use (answer iam_respond_hash_busy()). A thread that holds
 * a slot may take it again; each take needs its release.
 */
bool iam_hash_limit_take(void);
void iam_hash_limit_release(void);

/* Whether the calling thread holds a slot. */
bool iam_hash_limit_held(void);

/* 503 with Retry-After: 1: every slot is verifying someone else's password. Returns 0. */
int iam_respond_hash_busy(struct erp_request *req);

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

/* A role assignment as clients see it (role_assignments ra, roles r, companies c). */
#define IAM_ASSIGNMENT_JSON                                                                   \
	"json_build_object('id', ra.id, 'role', r.name, 'company', c.code,"                   \
	" 'granted_by', ra.granted_by, 'approved_by', ra.approved_by,"                        \
	" 'granted_at', ra.granted_at, 'reason', ra.reason,"                                  \
	" 'sod_override', EXISTS (SELECT 1 FROM sod_overrides o WHERE o.assignment_id = ra.id)," \
	" 'overrides', (SELECT coalesce(json_agg(json_build_object('company', oc.code,"       \
	"     'permissions', json_build_array(o.permission_a, o.permission_b))"               \
	"     ORDER BY oc.code NULLS FIRST, o.permission_a, o.permission_b), '[]')"          \
	"   FROM sod_overrides o LEFT JOIN companies oc ON oc.id = o.company_id"              \
	"   WHERE o.assignment_id = ra.id))"

/* A grant request as clients see it (IAM_GRANT_REQUEST_FROM names the tables). */
#define IAM_GRANT_REQUEST_FROM                                                                \
	"role_grant_requests q JOIN users u ON u.id = q.user_id"                              \
	" LEFT JOIN companies c ON c.id = q.company_id"
#define IAM_GRANT_REQUEST_JSON                                                                \
	"json_build_object('id', q.id, 'user_id', q.user_id, 'user', u.email,"                \
	" 'role', q.role_name, 'role_version', q.role_version, 'company', c.code,"            \
	" 'privileged_permissions', (SELECT coalesce(json_agg(permission ORDER BY permission), '[]')" \
	"   FROM role_permissions WHERE role_id = q.role_id AND iam_is_privileged(permission)),"  \
	" 'overrides', q.overrides, 'reason', q.reason, 'status', q.status,"                 \
	" 'requested_by', q.requested_by, 'requested_at', q.requested_at,"                    \
	" 'decided_by', q.decided_by, 'decided_at', q.decided_at,"                            \
	" 'decision_note', q.decision_note, 'assignment_id', q.assignment_id,"                \
	" 'version', q.version)"

/* Why a change was refused: an HTTP status, a sentence, and the field when it was one. */
struct iam_refusal {
	int status;          /* 403, 404, 409 or 422; 0: not refused */
	const char *field;   /* JSON pointer for a 422, or NULL */
	char *detail;
};

/* Records a refusal and returns rc (ERP_ERR_NO_MEMORY when the sentence is NULL). */
int iam_refuse(struct iam_refusal *refusal, int status, const char *field, char *detail, int rc);

/* Answers a refusal as problem+json; returns like a handler. */
int iam_respond_refusal(struct erp_request *req, const struct iam_refusal *refusal);

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
 * a conflict remains.
 */
int iam_grant_make(struct db_conn *db, struct arena *arena, struct iam_grant_made *grant,
		   struct iam_refusal *refusal);

/* --- domain events about grants (events.c) ------------------------------------------------ */

/*
 * Both take the event's type, stream (company_id), actor and request id from
 * of, fill in its entity and payload and record it; call them last in the
 * transaction (platform/events.h). 0 or an ERP_ERR_* code.
 */
struct domain_event;

/*
 * iam.role.granted or iam.role.revoked: the assignment as clients see it
 * (IAM_ASSIGNMENT_JSON, its reason left out), its user, and the grant
 * request that led to it (or NULL).
 */
int iam_event_assignment(struct db_conn *db, const struct domain_event *of, const char *user_id,
			 const char *grant_request, json_t *assignment);

/*
 * iam.grant.requested, .approved, .rejected or .withdrawn: the request as
 * clients see it after the step (IAM_GRANT_REQUEST_JSON, its reason left out).
 */
int iam_event_grant_request(struct db_conn *db, const struct domain_event *of, json_t *request);

/* --- storage (store.c) ---------------------------------------------------------------- */

/* Bumps authz_version: permissions are re-derived on every replica's next request. */
int iam_bump_authz_version(struct db_conn *conn);

/* A fresh UUIDv7 as text. */
void iam_new_id(char out[40]);

/* Shared statements. */
extern const struct db_statement iam_sql_company_id;
extern const struct db_statement iam_sql_company_scope;
extern const struct db_statement iam_sql_session_lookup;
extern const struct db_statement iam_sql_session_touch;
extern const struct db_statement iam_sql_user_permissions;
extern const struct db_statement iam_sql_session_insert;
extern const struct db_statement iam_sql_sessions_end_over_cap;
extern const struct db_statement iam_sql_sessions_purge;
extern const struct db_statement iam_sql_throttle_lock;
extern const struct db_statement iam_sql_throttle_blocked;
extern const struct db_statement iam_sql_throttle_count;
extern const struct db_statement iam_sql_throttle_purge;
extern const struct db_statement iam_sql_throttle_clear;

/* --- handlers (http_*.c) ------------------------------------------------------------ */

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
