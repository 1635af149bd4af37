/*
 * The platform's authentication, permission and company-scope hooks, filled
 * in by IAM.
 *
 * A request needs its session (token hash -> user), the user's grants and,
 * on a company's routes, the company's scope. Each comes from the process's
 * cache (cache.c) when the cache is current for this request, else from the
 * database, which also fills the cache. "Current" is proved once per
 * request, and only when an entry is there to use: the listener's barrier
 * (platform/db/db_listener.h) returns once every notification of every change
 * committed before the request began has been applied, so a logout,
 * revocation or deactivation committed before the request is never missed.
 * When the barrier cannot be passed (not listening, lost, too slow) the
 * request reads the database, as every request did before the cache:
 * sessions and scopes each time, grants when the authorisation version read
 * with the session differs from the cached set's (every grant, revoke and
 * role change bumps it).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "modules/iam/internal.h"
#include "platform/http/auth.h"
#include "platform/db/db_listener.h"
#include "platform/ops/metrics.h"
#include "platform/http/server.h"
#include "shared-kernel/errors.h"

enum {
	TOUCH_INTERVAL_S = 60,     /* last_seen_at is written at most this often per session */
	BARRIER_TIMEOUT_MS = 1000, /* no answer by then: the listener is behind, read the database */
};

static const char cache_channel[] = "erp_iam_cache";

/* The process's cache, and whether the listener keeps it (ERP_AUTH_CACHE). */
static struct iam_cache *cache;
static struct db_listener *listener;
static bool listening_for_cache;
static unsigned session_idle_s;

enum lookup_kind { LOOKUP_SESSION, LOOKUP_GRANTS, LOOKUP_COMPANY, LOOKUP_KINDS };
enum lookup_result { LOOKUP_HIT, LOOKUP_MISS, LOOKUP_FALLBACK, LOOKUP_RESULTS };
static atomic_long lookups[LOOKUP_KINDS][LOOKUP_RESULTS];

static void count(enum lookup_kind kind, enum lookup_result result)
{
	atomic_fetch_add_explicit(&lookups[kind][result], 1, memory_order_relaxed);
}

static uint64_t after_ms(uint64_t start_ns, long long ms)
{
	return ms <= 0 ? start_ns : start_ns + (uint64_t)ms * 1000000u;
}

const struct iam_principal *iam_principal(const struct erp_request *req)
{
	return req->principal;
}

/*
 * Whether this request may use what the cache holds: every change committed
 * before the request arrived has been forgotten. Asked at most once per request.
 */
static bool cache_current(struct iam_principal *p)
{
	if (!p->cache_current)
		p->cache_current = listening_for_cache &&
					   db_listener_sync(listener, p->since_ns, BARRIER_TIMEOUT_MS)
				   ? 1 : -1;
	return p->cache_current > 0;
}

/* --- sessions ------------------------------------------------------------------------------- */

static long long column_ll(PGresult *res, const char *name)
{
	const char *text = db_value(res, 0, name);

	return text ? strtoll(text, NULL, 10) : 0;
}

static bool column_true(PGresult *res, const char *name)
{
	const char *text = db_value(res, 0, name);

	return text && strcmp(text, "t") == 0;
}

/* Writes last_seen_at (idle expiry needs it; at most once a minute keeps reads read-only). */
static void touch(struct erp_request *req, const struct iam_principal *p)
{
	const char *params[] = { p->token_hash_hex };
	uint64_t before = http_now_ns();

	if (db_query(http_db(req), NULL, &iam_sql_session_touch, 1, params, NULL) == ERP_OK)
		iam_cache_session_touched(cache, p->token_hash_hex, before,
					  after_ms(before, (long long)session_idle_s * 1000));
}

/*
 * The session from the database, stored in the cache unless something was
 * forgotten meanwhile. Deadlines count from before the query, so the cache
 * ends a session a little early rather than late (and then reads it again).
 */
static int session_read(struct erp_request *req, struct iam_principal *p,
			struct iam_cached_session *out)
{
	uint64_t epoch = iam_cache_epoch(cache), before = http_now_ns();
	char idle[16];
	const char *params[] = { p->token_hash_hex, idle };
	PGresult *res;
	int rc;

	snprintf(idle, sizeof(idle), "%u", session_idle_s);
	rc = db_query(http_db(req), req->arena, &iam_sql_session_lookup, 2, params, &res);
	if (rc)
		return rc == ERP_ERR_UNAVAILABLE || rc == ERP_ERR_NO_MEMORY ? rc : ERP_ERR_INTERNAL;
	if (PQntuples(res) != 1)
		return ERP_ERR_UNAUTHORIZED;
	snprintf(out->user_id, sizeof(out->user_id), "%s", PQgetvalue(res, 0, PQfnumber(res, "user_id")));
	out->must_change_password = column_true(res, "must_change_password");
	out->expires_ns = after_ms(before, column_ll(res, "expires_in_ms"));
	out->idle_ns = after_ms(before, column_ll(res, "idle_in_ms"));
	out->touch_ns = after_ms(before, column_ll(res, "touch_in_ms"));
	p->authz_version = column_ll(res, "authz_version");
	if (column_true(res, "needs_touch") &&
	    db_query(http_db(req), NULL, &iam_sql_session_touch, 1, params, NULL) == ERP_OK) {
		out->touch_ns = after_ms(before, TOUCH_INTERVAL_S * 1000LL);
		out->idle_ns = after_ms(before, (long long)session_idle_s * 1000);
	}
	if (listening_for_cache) /* else nothing could ever prove it current */
		iam_cache_session_put(cache, epoch, p->token_hash_hex, out, before);
	return ERP_OK;
}

static int session_of(struct erp_request *req, struct iam_principal *p,
		      struct iam_cached_session *out)
{
	uint64_t now = http_now_ns();

	if (!iam_cache_session_get(cache, p->token_hash_hex, now, out)) {
		count(LOOKUP_SESSION, LOOKUP_MISS);
	} else if (!cache_current(p)) {
		count(LOOKUP_SESSION, LOOKUP_FALLBACK);
	} else if (!iam_cache_session_get(cache, p->token_hash_hex, now, out)) {
		count(LOOKUP_SESSION, LOOKUP_MISS); /* forgotten while the barrier waited */
	} else {
		count(LOOKUP_SESSION, LOOKUP_HIT);
		p->authz_version = -1;
		if (iam_cache_session_claim_touch(cache, p->token_hash_hex, now,
						  after_ms(now, TOUCH_INTERVAL_S * 1000LL)))
			touch(req, p);
		return ERP_OK;
	}
	return session_read(req, p, out);
}

/*
 * What a user whose password an administrator set may do before choosing
 * their own: change it, see who they are, log out. Nothing else, so an
 * administrator who knows the first password cannot act as the user.
 */
static bool allowed_before_password_change(const struct erp_request *req)
{
	erp_handler_fn handler = req->route->handler;

	return handler == iam_change_password || handler == iam_me || handler == iam_logout;
}

static int authenticate(void *ctx, struct erp_request *req, const char *token)
{
	struct iam_cached_session session;
	struct iam_principal *p;
	int rc;

	(void)ctx;
	p = arena_calloc(req->arena, 1, sizeof(*p));
	if (!p)
		return ERP_ERR_NO_MEMORY;
	/* Its client sent it after whatever it knows committed: those changes must be seen. */
	p->since_ns = req->started_ns ? req->started_ns : http_now_ns();
	if (iam_token_hash(token, p->token_hash_hex))
		return ERP_ERR_UNAUTHORIZED; /* not even shaped like one of ours: no query */
	rc = session_of(req, p, &session);
	if (rc)
		return rc;
	snprintf(p->user_id, sizeof(p->user_id), "%s", session.user_id);
	req->principal = p;
	req->user_id = p->user_id;
	if (session.must_change_password && !allowed_before_password_change(req)) {
		/* Answered here: the pipeline stops at a hook that responded. */
		http_respond_problem(req, &PROBLEM_PASSWORD_CHANGE_REQUIRED,
				     "your password was set by an administrator: choose your own"
				     " (POST /api/v1/me/password) before anything else");
		return ERP_ERR_FORBIDDEN;
	}
	return ERP_OK;
}

/* --- grants --------------------------------------------------------------------------------- */

static int grants_read(struct erp_request *req, const char *user_id, struct iam_grants **out)
{
	uint64_t epoch = iam_cache_epoch(cache), before = http_now_ns();
	struct iam_grants *g;
	PGresult *res;
	int rc = db_query(http_db(req), req->arena, &iam_sql_user_permissions, 1, &user_id, &res);
	int version = rc ? -1 : PQfnumber(res, "authz_version");
	int code = rc ? -1 : PQfnumber(res, "code"), permission = rc ? -1 : PQfnumber(res, "permission");

	if (rc)
		return rc;
	g = iam_grants_new(user_id, PQntuples(res) ? strtoll(PQgetvalue(res, 0, version), NULL, 10) : -1);
	if (!g)
		return ERP_ERR_NO_MEMORY;
	for (int i = 0; rc == ERP_OK && i < PQntuples(res); i++) {
		if (PQgetisnull(res, i, code) && PQgetisnull(res, i, permission))
			continue; /* the row of a user who holds nothing */
		rc = iam_grants_add(g, PQgetisnull(res, i, code) ? NULL : PQgetvalue(res, i, code),
				    PQgetisnull(res, i, permission) ? NULL : PQgetvalue(res, i, permission));
	}
	if (rc) {
		iam_grants_free(g);
		return rc;
	}
	iam_cache_grants_put(cache, epoch, g, before);
	*out = g;
	return ERP_OK;
}

/*
 * The cached grants this request may use, held; or NULL (read the
 * database). Usable when no notification forgot them and either the
 * barrier proves the cache current or, when it cannot, the authorisation
 * version read with the session is still the one they were read at (the
 * rule before the cache, which trusts every writer to bump the version).
 */
static struct iam_grants *grants_cached(struct iam_principal *p)
{
	struct iam_grants *g = iam_cache_grants_get(cache, p->user_id);

	if (!g) {
		count(LOOKUP_GRANTS, LOOKUP_MISS);
	} else if (cache_current(p)) {
		iam_grants_free(g);
		g = iam_cache_grants_get(cache, p->user_id); /* not forgotten during the barrier? */
		count(LOOKUP_GRANTS, g ? LOOKUP_HIT : LOOKUP_MISS);
	} else if (p->authz_version >= 0 && iam_grants_version(g) == p->authz_version) {
		count(LOOKUP_GRANTS, LOOKUP_HIT);
	} else {
		count(LOOKUP_GRANTS, LOOKUP_FALLBACK);
		iam_grants_free(g);
		g = NULL;
	}
	return g;
}

/* The caller's grants: read once per request, then held by the principal until it ends. */
static int caller_grants(struct erp_request *req, struct iam_grants **out)
{
	struct iam_principal *p = req->principal;
	struct iam_grants *g;
	int rc;

	if (p->grants) {
		*out = p->grants;
		return ERP_OK;
	}
	g = grants_cached(p);
	if (!g && (rc = grants_read(req, p->user_id, &g)))
		return rc;
	if (arena_cleanup_add(req->arena, (arena_cleanup_fn)iam_grants_free, g))
		return ERP_ERR_NO_MEMORY; /* the cleanup list let go of it */
	p->grants = *out = g;
	return ERP_OK;
}

static int authorize(void *ctx, struct erp_request *req, const char *permission,
		     const char *company)
{
	struct iam_grants *g;
	int rc;

	(void)ctx;
	rc = caller_grants(req, &g);
	return rc ? rc : iam_grants_check(g, permission, company);
}

bool iam_caller_holds(struct erp_request *req, const char *permission, const char *company)
{
	return authorize(NULL, req, permission, company) == ERP_OK;
}

json_t *iam_caller_grants_json(struct erp_request *req)
{
	struct iam_grants *g;

	return caller_grants(req, &g) ? NULL : iam_grants_json(g);
}

/* --- company scopes --------------------------------------------------------------------------- */

static int company_read(struct erp_request *req, const char *code, struct erp_company_scope *out)
{
	uint64_t epoch = iam_cache_epoch(cache), before = http_now_ns();
	PGresult *res;
	int rc = db_query(http_db(req), req->arena, &iam_sql_company_scope, 1, &code, &res);

	if (rc)
		return rc;
	if (PQntuples(res) == 0)
		return ERP_ERR_NOT_FOUND;
	snprintf(out->id, sizeof(out->id), "%s", PQgetvalue(res, 0, PQfnumber(res, "id")));
	snprintf(out->code, sizeof(out->code), "%s", PQgetvalue(res, 0, PQfnumber(res, "code")));
	snprintf(out->currency, sizeof(out->currency), "%s",
		 PQgetvalue(res, 0, PQfnumber(res, "currency")));
	if (listening_for_cache)
		iam_cache_company_put(cache, epoch, out, before);
	return ERP_OK;
}

static int company_scope(void *ctx, struct erp_request *req, const char *code,
			 struct erp_company_scope *out)
{
	struct iam_principal *p = req->principal;

	(void)ctx;
	if (!iam_cache_company_get(cache, code, out))
		count(LOOKUP_COMPANY, LOOKUP_MISS);
	else if (!p || !cache_current(p)) /* no caller: nothing to prove it for */
		count(LOOKUP_COMPANY, LOOKUP_FALLBACK);
	else if (!iam_cache_company_get(cache, code, out))
		count(LOOKUP_COMPANY, LOOKUP_MISS);
	else {
		count(LOOKUP_COMPANY, LOOKUP_HIT);
		return ERP_OK;
	}
	return company_read(req, code, out);
}

/* --- start-up ------------------------------------------------------------------------------- */

static void on_notified(void *ctx, const char *payload)
{
	iam_cache_forget(ctx, payload);
}

static void on_reset(void *ctx)
{
	iam_cache_forget(ctx, "all");
}

static int register_metrics(struct metrics *m)
{
	static const char *const labels[LOOKUP_KINDS][LOOKUP_RESULTS] = {
		{ "kind=\"session\",result=\"hit\"", "kind=\"session\",result=\"miss\"",
		  "kind=\"session\",result=\"fallback\"" },
		{ "kind=\"grants\",result=\"hit\"", "kind=\"grants\",result=\"miss\"",
		  "kind=\"grants\",result=\"fallback\"" },
		{ "kind=\"company\",result=\"hit\"", "kind=\"company\",result=\"miss\"",
		  "kind=\"company\",result=\"fallback\"" },
	};

	for (int k = 0; k < LOOKUP_KINDS; k++)
		for (int r = 0; r < LOOKUP_RESULTS; r++)
			if (metrics_register(m, METRICS_COUNTER, "erp_auth_cache_lookups_total",
					     labels[k][r],
					     "Sessions, grants and company scopes a request needed: hit (from"
					     " the cache), miss (not cached: read from the database), fallback"
					     " (cached, but the cache could not be proved current: read from"
					     " the database).",
					     &lookups[k][r]))
				return -1;
	return 0;
}

int iam_init(struct erp_server *server)
{
	iam_hash_limit_init(server->config->password_hash_concurrency);
	/* Build the dummy hash now, so the first unknown-email login costs what the others do. */
	if (iam_hash_limit_take()) {
		iam_password_verify_dummy("warm up");
		iam_hash_limit_release();
	}
	session_idle_s = server->config->session_idle_s;
	if (!cache)
		cache = iam_cache_new(); /* one per process, as the listener */
	listener = server->listener;
	listening_for_cache = server->config->auth_cache && listener &&
			      db_listener_subscribe(listener, &(struct db_listener_subscriber){
				      .channel = cache_channel, .notified = on_notified,
				      .reset = on_reset, .ctx = cache }) == 0;
	if (server->config->auth_cache && !listening_for_cache)
		return -1;
	if (server->metrics && register_metrics(server->metrics))
		return -1;
	server->auth.ctx = NULL;
	server->auth.authenticate = authenticate;
	server->auth.authorize = authorize;
	server->auth.company_scope = company_scope;
	return 0;
}
