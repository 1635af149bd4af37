/* Login, logout, the caller's own profile and password. */
#include <sodium.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "common/json.h"
#include "modules/iam/internal.h"
#include "platform/audit.h"
#include "platform/log.h"
#include "platform/schema.h"
#include "platform/server.h"
#include "shared-kernel/errors.h"

static const struct db_statement user_credentials = {
	"iam_user_credentials", "SELECT id, password_hash, active FROM users WHERE email = $1", true,
};
static const struct db_statement user_set_hash = {
	"iam_user_set_hash", "UPDATE users SET password_hash = $2 WHERE id = $1", false,
};
static const struct db_statement session_revoke = {
	"iam_session_revoke",
	"UPDATE sessions SET revoked_at = now() WHERE token_hash = decode($1, 'hex') AND revoked_at IS NULL",
	false,
};
static const struct db_statement sessions_revoke_others = {
	"iam_sessions_revoke_others",
	"UPDATE sessions SET revoked_at = now()"
	" WHERE user_id = $1 AND token_hash <> decode($2, 'hex') AND revoked_at IS NULL",
	false,
};
static const struct db_statement user_password_hash = {
	"iam_user_password_hash", "SELECT password_hash, email FROM users WHERE id = $1", false,
};
static const struct db_statement user_change_password = {
	"iam_user_change_password",
	"UPDATE users SET password_hash = $2, password_changed_at = now(), updated_at = now(),"
	" must_change_password = false, version = version + 1 WHERE id = $1",
	false,
};
static const struct db_statement user_json = {
	"iam_user_json",
	"SELECT json_build_object('id', id, 'email', email, 'display_name', display_name,"
	" 'active', active, 'must_change_password', must_change_password, 'version', version,"
	" 'created_at', created_at, 'updated_at', updated_at)"
	" FROM users WHERE id = $1",
	true,
};
/* The caller and the names of the companies they hold roles in, in one round trip. */
static const struct db_statement me_json = {
	"iam_me_json",
	"SELECT json_build_object("
	" 'user', json_build_object('id', u.id, 'email', u.email, 'display_name', u.display_name,"
	"   'active', u.active, 'must_change_password', u.must_change_password,"
	"   'version', u.version, 'created_at', u.created_at, 'updated_at', u.updated_at),"
	" 'companies', (SELECT coalesce(json_object_agg(code, json_build_object('code', code,"
	"   'name', name, 'currency', currency)), '{}') FROM companies"
	"   WHERE code IN (SELECT jsonb_object_keys($2::jsonb))))"
	" FROM users u WHERE u.id = $1",
	true,
};

/* --- login -------------------------------------------------------------------------- */

struct login {
	struct erp_request *req;
	const struct erp_config *config;
	char email[256];
	const char *password;       /* the one being tried */
	const char *action;         /* audited on failure: "iam.login.failed", ... */
	struct iam_throttle throttle;
	char user_id[40];
	char token[64];
	char token_hash[65];
	struct iam_session_started session;
	const char *retry_after;    /* when throttled: seconds, in throttle */
	const char *throttled_why;  /* when throttled: the problem's detail */
	bool known;
	bool throttled;
	bool failed;
	char new_hash[crypto_pwhash_STRBYTES];
	bool rehash;
};

/* Marks the attempt throttled when retry_after holds seconds (iam_throttle_begin()); true if so. */
static bool throttled_by(struct login *l, const char *retry_after, const char *why)
{
	if (!retry_after[0])
		return false;
	l->throttled = true;
	l->retry_after = retry_after;
	l->throttled_why = why;
	return true;
}

/* Blocked for failures of this (account, address) pair, or of the address. */
static bool blocked_for_failures(struct login *l)
{
	return throttled_by(l, l->throttle.failures_retry_after,
			    "too many failed attempts; try again later");
}

/*
 * Whether the account has logged in ERP_LOGIN_MAX_SUCCESSES times in the
 * window. Asked only once the password proved right, so the answer tells
 * nothing to someone who does not hold it.
 */
static bool blocked_for_successes(struct login *l)
{
	return throttled_by(l, l->throttle.successes_retry_after,
			    "too many logins to this account; try again later");
}

static int record_failure(struct db_conn *db, struct login *l)
{
	json_t *changes = json_pack("{s:{s:s}}", "email", "new", l->email);
	int rc;

	if (!changes) /* an audit event without its changes would hide what was done */
		return ERP_ERR_NO_MEMORY;
	rc = iam_throttle_failure(db, &l->throttle, l->config);
	if (!rc)
		rc = audit_record(db, &(struct audit_event){
			.actor_id = l->known ? l->user_id : NULL, .action = l->action, .entity = "user",
			.entity_id = l->known ? l->user_id : NULL, .request_id = l->req->request_id,
			.changes = changes });
	json_decref(changes);
	l->failed = true;
	return rc;
}

/* The login's audit changes: a rehash, and sessions the cap ended; NULL with rc 0 when none. */
static int success_changes(const struct login *l, json_t **out)
{
	json_t *changes = json_object();
	int rc = changes ? 0 : -1;

	if (!rc && l->rehash)
		rc = json_object_set_new(changes, "password_hash",
					 json_pack("{s:s}", "new", "rehashed with current parameters"));
	if (!rc && l->session.ended_over_cap)
		rc = json_object_set_new(changes, "sessions_ended",
					 json_pack("{s:I}", "new", (json_int_t)l->session.ended_over_cap));
	if (rc || !json_object_size(changes)) {
		json_decref(changes);
		*out = NULL;
		return rc ? ERP_ERR_NO_MEMORY : ERP_OK;
	}
	*out = changes;
	return ERP_OK;
}

static int record_success(struct db_conn *db, struct login *l)
{
	const char *rehash[] = { l->user_id, l->new_hash };
	json_t *changes = NULL;
	int rc;

	rc = iam_session_start(db, l->req->arena, l->config, l->user_id, l->token_hash, &l->session);
	if (!rc && l->rehash)
		rc = db_query(db, NULL, &user_set_hash, 2, rehash, NULL);
	if (!rc)
		rc = iam_throttle_success(db, &l->throttle, l->config);
	if (!rc)
		rc = success_changes(l, &changes);
	if (!rc)
		rc = audit_record(db, &(struct audit_event){
			.actor_id = l->user_id, .action = "iam.login.succeeded", .entity = "user",
			.entity_id = l->user_id, .request_id = l->req->request_id, .changes = changes });
	json_decref(changes);
	return rc;
}

static int login_work(struct db_conn *db, void *ctx)
{
	struct login *l = ctx;
	const char *email = l->email;
	bool rehash = false, ok = false;
	PGresult *res;
	int rc;

	l->throttled = l->failed = l->known = false;
	rc = iam_throttle_begin(db, l->req->arena, &l->throttle);
	if (rc || blocked_for_failures(l))
		return rc;
	rc = db_query(db, l->req->arena, &user_credentials, 1, &email, &res);
	if (rc)
		return rc;
	if (PQntuples(res) == 1) {
		l->known = true;
		snprintf(l->user_id, sizeof(l->user_id), "%s", PQgetvalue(res, 0, 0));
		ok = iam_password_verify(PQgetvalue(res, 0, 1), l->password, &rehash) &&
		     strcmp(PQgetvalue(res, 0, 2), "t") == 0;
	} else {
		iam_password_verify_dummy(l->password); /* same time for unknown accounts */
	}
	if (!ok)
		return record_failure(db, l);
	if (blocked_for_successes(l))
		return ERP_OK; /* nothing written: no session, no count */
	if (rehash && !l->rehash) {
		rc = iam_password_hash(l->password, l->new_hash);
		if (rc)
			return rc;
		l->rehash = true;
	}
	return record_success(db, l);
}

static int respond_throttled(struct erp_request *req, const struct login *l)
{
	http_add_header(req, "Retry-After", arena_strdup(req->arena, l->retry_after));
	return http_respond_problem(req, &PROBLEM_THROTTLED, l->throttled_why);
}

int iam_respond_hash_busy(struct erp_request *req)
{
	http_add_header(req, "Retry-After", "1");
	return http_respond_problem(req, &PROBLEM_UNAVAILABLE,
				    "the server is busy verifying other logins; try again in a second");
}

/*
 * Runs a password check's transaction under a hashing slot, or sets *busy
 * and runs nothing. The slot is taken before the transaction, not just
 * around the argon2id call: an attempt waiting for its account's lock holds
 * a worker as surely as one computing, so the slots bound both. Known and
 * unknown accounts take it at the same point, so a busy answer tells them
 * apart no more than a 401 does.
 */
static int transaction_with_slot(struct db_conn *db, db_work_fn work, void *ctx, bool *busy)
{
	int rc;

	*busy = !iam_hash_limit_take();
	if (*busy)
		return ERP_OK;
	rc = db_transaction(db, work, ctx);
	iam_hash_limit_release();
	return rc;
}

int iam_login(struct erp_request *req)
{
	struct login *l = arena_calloc(req->arena, 1, sizeof(*l));
	struct db_conn *db = http_db(req);
	const char *keys[1];
	json_t *user;
	bool busy;
	int rc;

	if (!l)
		return ERP_ERR_NO_MEMORY;
	l->req = req;
	l->config = req->server->config;
	l->action = "iam.login.failed";
	snprintf(l->email, sizeof(l->email), "%s", json_string_value(json_object_get(req->body, "email")));
	iam_lowercase(l->email);
	l->password = json_string_value(json_object_get(req->body, "password"));
	iam_throttle_keys(&l->throttle, l->email, req->client_address);
	iam_token_new(l->token, l->token_hash);

	rc = transaction_with_slot(db, login_work, l, &busy);
	if (rc)
		return rc;
	if (busy)
		return iam_respond_hash_busy(req);
	if (l->throttled)
		return respond_throttled(req, l);
	if (l->failed) {
		log_event(ERP_LOG_WARN, "iam.login_failed", NULL, "failed login (request %s)",
			  req->request_id);
		http_add_header(req, "WWW-Authenticate", "Bearer");
		return http_respond_problem(req, &PROBLEM_UNAUTHORIZED, "invalid email or password");
	}
	{
		const char *fields[] = { "user", l->user_id, NULL };

		log_event(ERP_LOG_INFO, "iam.login_succeeded", fields, "login (request %s)",
			  req->request_id);
	}
	keys[0] = l->user_id;
	rc = resource_query_json(db, req->arena, &user_json, 1, keys, &user);
	if (rc)
		return rc;
	return http_respond_json(req, 200, json_pack("{s:s, s:s, s:O}", "token", l->token,
						     "expires_at", l->session.expires_at, "user", user));
}

/* --- logout --------------------------------------------------------------------------- */

static int logout_work(struct db_conn *db, void *ctx)
{
	struct erp_request *req = ctx;
	const struct iam_principal *p = iam_principal(req);
	const char *params[] = { p->token_hash_hex };
	int rc = db_query(db, NULL, &session_revoke, 1, params, NULL);

	if (!rc)
		rc = audit_record(db, &(struct audit_event){
			.actor_id = p->user_id, .action = "iam.logout", .entity = "user",
			.entity_id = p->user_id, .request_id = req->request_id });
	return rc;
}

int iam_logout(struct erp_request *req)
{
	int rc = db_transaction(http_db(req), logout_work, req);

	return rc ? rc : http_respond_empty(req, 204);
}

/* --- me --------------------------------------------------------------------------------- */

int iam_me(struct erp_request *req)
{
	const struct iam_principal *p = iam_principal(req);
	json_t *me, *grants, *named, *companies, *perms;
	const char *code;
	const char *params[2];
	char *codes;
	int rc;

	grants = iam_caller_grants_json(req);
	if (!grants || arena_cleanup_add(req->arena, (arena_cleanup_fn)json_decref, grants))
		return ERP_ERR_NO_MEMORY;
	codes = erp_json_dumps(json_object_get(grants, "companies"), JSON_COMPACT);
	if (!codes || arena_cleanup_add(req->arena, free, codes))
		return ERP_ERR_NO_MEMORY;
	params[0] = p->user_id;
	params[1] = codes;
	rc = resource_query_json(http_db(req), req->arena, &me_json, 2, params, &me);
	if (rc)
		return rc;
	named = json_object_get(me, "companies");
	companies = json_array();
	json_object_foreach(json_object_get(grants, "companies"), code, perms) {
		json_t *company = json_object_get(named, code);

		if (company)
			json_array_append_new(companies, json_pack("{s:s, s:O, s:O, s:O}", "code", code,
								   "name", json_object_get(company, "name"),
								   "currency", json_object_get(company, "currency"),
								   "permissions", perms));
	}
	return http_respond_json(req, 200, json_pack("{s:O, s:O, s:o}", "user",
						     json_object_get(me, "user"), "global_permissions",
						     json_object_get(grants, "global"),
						     "companies", companies));
}

/* --- password ---------------------------------------------------------------------------- */

struct password_change {
	struct login attempt;       /* the current password is throttled like a login */
	const char *next;
	char hash[crypto_pwhash_STRBYTES];
};

static int password_work(struct db_conn *db, void *ctx)
{
	struct password_change *c = ctx;
	struct login *l = &c->attempt;
	const struct iam_principal *p = iam_principal(l->req);
	const char *id[] = { p->user_id };
	const char *update[] = { p->user_id, c->hash };
	const char *revoke[] = { p->user_id, p->token_hash_hex };
	bool rehash;
	PGresult *res;
	int rc;

	l->throttled = l->failed = false;
	rc = db_query(db, l->req->arena, &user_password_hash, 1, id, &res);
	if (rc)
		return rc;
	if (PQntuples(res) != 1)
		return ERP_ERR_UNAUTHORIZED;
	l->known = true;
	snprintf(l->user_id, sizeof(l->user_id), "%s", p->user_id);
	snprintf(l->email, sizeof(l->email), "%s", PQgetvalue(res, 0, 1));
	iam_throttle_keys(&l->throttle, l->email, l->req->client_address);
	rc = iam_throttle_begin(db, l->req->arena, &l->throttle);
	if (rc || blocked_for_failures(l))
		return rc;
	if (!iam_password_verify(PQgetvalue(res, 0, 0), l->password, &rehash))
		return record_failure(db, l);
	if (!c->hash[0]) {
		rc = iam_password_hash(c->next, c->hash);
		if (rc)
			return rc;
	}
	rc = db_query(db, NULL, &user_change_password, 2, update, NULL);
	if (!rc)
		rc = db_query(db, NULL, &sessions_revoke_others, 2, revoke, NULL);
	if (!rc)
		rc = audit_record(db, &(struct audit_event){
			.actor_id = p->user_id, .action = "iam.user.password_changed", .entity = "user",
			.entity_id = p->user_id, .request_id = l->req->request_id });
	return rc;
}

int iam_change_password(struct erp_request *req)
{
	struct password_change *c = arena_calloc(req->arena, 1, sizeof(*c));
	bool busy;
	int rc;

	if (!c)
		return ERP_ERR_NO_MEMORY;
	c->attempt.req = req;
	c->attempt.config = req->server->config;
	c->attempt.action = "iam.password_change.failed";
	c->attempt.password = json_string_value(json_object_get(req->body, "current_password"));
	c->next = json_string_value(json_object_get(req->body, "new_password"));
	/* A one-time password is replaced by one of the user's own, not kept. */
	if (strlen(c->attempt.password) == strlen(c->next) &&
	    sodium_memcmp(c->attempt.password, c->next, strlen(c->next)) == 0)
		return resource_field_error(req, "/new_password", "must differ from the current password");
	rc = transaction_with_slot(http_db(req), password_work, c, &busy);
	if (rc)
		return rc;
	if (busy)
		return iam_respond_hash_busy(req);
	if (c->attempt.throttled)
		return respond_throttled(req, &c->attempt);
	if (c->attempt.failed) {
		json_t *errors = json_array();

		schema_error_add(errors, "/current_password", "mismatch", "is not your current password");
		rc = http_respond_invalid(req, "the current password is wrong", errors);
		json_decref(errors);
		return rc;
	}
	return http_respond_empty(req, 204);
}
