/*
 * The platform's authentication and permission hooks, filled in by IAM.
 *
 * authenticate: one query per request (token hash -> user, authz version).
 * authorize: the rule in grants.c over a per-thread cache of the user's
 * grants, keyed by (user, authz version). Every grant, revoke and role
 * change bumps the version in the database, so the next request on any
 * replica sees a new version and re-derives the grants; no request pays a
 * second round trip unless its cache entry is stale.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "modules/iam/internal.h"
#include "platform/auth.h"
#include "platform/server.h"
#include "shared-kernel/errors.h"

enum { CACHE_SLOTS = 64 };

struct grants_cache {
	struct iam_grants *slots[CACHE_SLOTS];
	unsigned next_victim;
};

static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;

static void cache_free(void *ptr)
{
	struct grants_cache *cache = ptr;

	for (int i = 0; i < CACHE_SLOTS; i++)
		iam_grants_free(cache->slots[i]);
	erp_free(cache);
}

static void cache_key_create(void)
{
	pthread_key_create(&cache_key, cache_free);
}

static struct grants_cache *thread_cache(void)
{
	struct grants_cache *cache;

	pthread_once(&cache_once, cache_key_create);
	cache = pthread_getspecific(cache_key);
	if (!cache) {
		cache = erp_calloc(1, sizeof(*cache));
		if (cache)
			pthread_setspecific(cache_key, cache);
	}
	return cache;
}

static int grants_load(struct db_conn *db, struct arena *arena, const char *user_id,
		       int64_t version, struct iam_grants **out)
{
	struct iam_grants *g = iam_grants_new(user_id, version);
	PGresult *res;
	int rc;

	if (!g)
		return ERP_ERR_NO_MEMORY;
	rc = db_query(db, arena, &iam_sql_user_permissions, 1, &user_id, &res);
	for (int i = 0; rc == ERP_OK && i < PQntuples(res); i++)
		rc = iam_grants_add(g, PQgetisnull(res, i, 0) ? NULL : PQgetvalue(res, i, 0),
				    PQgetisnull(res, i, 1) ? NULL : PQgetvalue(res, i, 1));
	if (rc) {
		iam_grants_free(g);
		return rc;
	}
	*out = g;
	return ERP_OK;
}

/* The caller's grants at the version its token lookup saw: cached, or loaded once. */
static int caller_grants(struct erp_request *req, struct iam_grants **out)
{
	const struct iam_principal *p = iam_principal(req);
	struct grants_cache *cache = thread_cache();
	struct iam_grants *g = NULL;
	int rc, free_slot = -1;

	if (!cache)
		return ERP_ERR_NO_MEMORY;
	for (int i = 0; i < CACHE_SLOTS; i++) {
		struct iam_grants *slot = cache->slots[i];

		if (slot && strcmp(iam_grants_user(slot), p->user_id) == 0) {
			if (iam_grants_version(slot) == p->authz_version) {
				*out = slot;
				return ERP_OK;
			}
			iam_grants_free(slot); /* stale: something changed since */
			cache->slots[i] = NULL;
		}
		if (!cache->slots[i] && free_slot < 0)
			free_slot = i;
	}
	rc = grants_load(http_db(req), req->arena, p->user_id, p->authz_version, &g);
	if (rc)
		return rc;
	if (free_slot < 0) {
		free_slot = (int)(cache->next_victim++ % CACHE_SLOTS);
		iam_grants_free(cache->slots[free_slot]);
	}
	cache->slots[free_slot] = g;
	*out = g;
	return ERP_OK;
}

const struct iam_principal *iam_principal(const struct erp_request *req)
{
	return req->principal;
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
	const struct erp_config *config = ctx;
	struct iam_principal *p;
	char idle[16];
	const char *params[2];
	PGresult *res;
	int rc;

	p = arena_calloc(req->arena, 1, sizeof(*p));
	if (!p)
		return ERP_ERR_NO_MEMORY;
	if (iam_token_hash(token, p->token_hash_hex))
		return ERP_ERR_UNAUTHORIZED; /* not even shaped like one of ours: no query */
	snprintf(idle, sizeof(idle), "%u", config->session_idle_s);
	params[0] = p->token_hash_hex;
	params[1] = idle;
	rc = db_query(http_db(req), req->arena, &iam_sql_session_lookup, 2, params, &res);
	if (rc)
		return rc == ERP_ERR_UNAVAILABLE || rc == ERP_ERR_NO_MEMORY ? rc : ERP_ERR_INTERNAL;
	if (PQntuples(res) != 1)
		return ERP_ERR_UNAUTHORIZED;
	snprintf(p->user_id, sizeof(p->user_id), "%s", PQgetvalue(res, 0, 0));
	p->authz_version = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
	/* Idle expiry needs last_seen_at; refreshing it at most once a minute keeps reads read-only. */
	if (strcmp(PQgetvalue(res, 0, 2), "t") == 0)
		(void)db_query(http_db(req), NULL, &iam_sql_session_touch, 1, params, NULL);
	req->principal = p;
	req->user_id = p->user_id;
	if (strcmp(PQgetvalue(res, 0, 3), "t") == 0 && !allowed_before_password_change(req)) {
		/* Answered here: the pipeline stops at a hook that responded. */
		http_respond_problem(req, &PROBLEM_PASSWORD_CHANGE_REQUIRED,
				     "your password was set by an administrator: choose your own"
				     " (POST /api/v1/me/password) before anything else");
		return ERP_ERR_FORBIDDEN;
	}
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

static int company_scope(void *ctx, struct erp_request *req, const char *company,
			 struct erp_company_scope *out)
{
	PGresult *res;
	int rc;

	(void)ctx;
	rc = db_query(http_db(req), req->arena, &iam_sql_company_scope, 1, &company, &res);
	if (rc)
		return rc;
	if (PQntuples(res) == 0)
		return ERP_ERR_NOT_FOUND;
	snprintf(out->id, sizeof(out->id), "%s", PQgetvalue(res, 0, PQfnumber(res, "id")));
	snprintf(out->code, sizeof(out->code), "%s", PQgetvalue(res, 0, PQfnumber(res, "code")));
	snprintf(out->currency, sizeof(out->currency), "%s",
		 PQgetvalue(res, 0, PQfnumber(res, "currency")));
	return ERP_OK;
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

int iam_init(struct erp_server *server)
{
	iam_hash_limit_init(server->config->password_hash_concurrency);
	/* Build the dummy hash now, so the first unknown-email login costs what the others do. */
	if (iam_hash_limit_take()) {
		iam_password_verify_dummy("warm up");
		iam_hash_limit_release();
	}
	server->auth.ctx = (void *)server->config;
	server->auth.authenticate = authenticate;
	server->auth.authorize = authorize;
	server->auth.company_scope = company_scope;
	return 0;
}
