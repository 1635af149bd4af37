/*
 * The platform's authentication and permission hooks, filled in by IAM.
 *
 * authenticate: one query per request (token hash -> user, authz version).
 * authorize: a set lookup in a per-thread cache of the user's grants, keyed
 * by (user, authz version). Every grant, revoke and role change bumps the
 * version in the database, so the next request on any replica sees a new
 * version and re-derives the grants; no request pays a second round trip
 * unless its cache entry is stale.
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

/* Grants of one user at one authz version; all strings live in the entry's arena. */
struct scope_grants {
	const char *company; /* NULL: global */
	const char **permissions;
	size_t count;
	size_t capacity;
};

struct grants {
	char user_id[40];
	int64_t version;
	struct arena *arena;
	struct scope_grants *scopes;
	size_t scope_count;
	size_t scope_capacity;
};

enum { CACHE_SLOTS = 64 };

struct grants_cache {
	struct grants *slots[CACHE_SLOTS];
	unsigned next_victim;
};

static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;

static void grants_free(struct grants *g)
{
	if (g)
		arena_free(g->arena);
}

static void cache_free(void *ptr)
{
	struct grants_cache *cache = ptr;

	for (int i = 0; i < CACHE_SLOTS; i++)
		grants_free(cache->slots[i]);
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

static struct scope_grants *scope_of(struct grants *g, const char *company, bool create)
{
	for (size_t i = 0; i < g->scope_count; i++) {
		const char *c = g->scopes[i].company;

		if ((!c && !company) || (c && company && strcmp(c, company) == 0))
			return &g->scopes[i];
	}
	if (!create)
		return NULL;
	if (g->scope_count == g->scope_capacity) {
		size_t capacity = g->scope_capacity ? g->scope_capacity * 2 : 8;
		struct scope_grants *grown = arena_calloc(g->arena, capacity, sizeof(*grown));

		if (!grown)
			return NULL;
		if (g->scope_count)
			memcpy(grown, g->scopes, g->scope_count * sizeof(*grown));
		g->scopes = grown;
		g->scope_capacity = capacity;
	}
	g->scopes[g->scope_count] = (struct scope_grants){ company ? arena_strdup(g->arena, company)
								    : NULL, NULL, 0, 0 };
	return &g->scopes[g->scope_count++];
}

static int add_permission(struct grants *g, struct scope_grants *s, const char *permission)
{
	for (size_t i = 0; i < s->count; i++)
		if (strcmp(s->permissions[i], permission) == 0)
			return 0;
	if (s->count == s->capacity) {
		size_t capacity = s->capacity ? s->capacity * 2 : 16;
		const char **grown = arena_alloc(g->arena, capacity * sizeof(*grown));

		if (!grown)
			return -1;
		if (s->count)
			memcpy(grown, s->permissions, s->count * sizeof(*grown));
		s->permissions = grown;
		s->capacity = capacity;
	}
	s->permissions[s->count] = arena_strdup(g->arena, permission);
	return s->permissions[s->count++] ? 0 : -1;
}

static bool scope_has(const struct scope_grants *s, const char *permission)
{
	for (size_t i = 0; s && i < s->count; i++)
		if (strcmp(s->permissions[i], permission) == 0)
			return true;
	return false;
}

static int grants_load(struct db_conn *db, const char *user_id, int64_t version,
		       struct grants **out)
{
	struct grants *g;
	struct arena *arena = arena_new(2048);
	PGresult *res;
	int rc;

	if (!arena)
		return ERP_ERR_NO_MEMORY;
	g = arena_calloc(arena, 1, sizeof(*g));
	if (!g) {
		arena_free(arena);
		return ERP_ERR_NO_MEMORY;
	}
	g->arena = arena;
	snprintf(g->user_id, sizeof(g->user_id), "%s", user_id);
	g->version = version;
	rc = db_query(db, arena, &iam_sql_user_permissions, 1, &user_id, &res);
	for (int i = 0; rc == ERP_OK && i < PQntuples(res); i++) {
		const char *company = PQgetisnull(res, i, 0) ? NULL : PQgetvalue(res, i, 0);
		struct scope_grants *s = scope_of(g, company, true);

		if (!s || (!PQgetisnull(res, i, 1) && add_permission(g, s, PQgetvalue(res, i, 1))))
			rc = ERP_ERR_NO_MEMORY;
	}
	if (rc) {
		arena_free(arena);
		return rc;
	}
	*out = g;
	return ERP_OK;
}

/* The caller's grants at the version its token lookup saw: cached, or loaded once. */
static int caller_grants(struct erp_request *req, struct grants **out)
{
	const struct iam_principal *p = iam_principal(req);
	struct grants_cache *cache = thread_cache();
	struct grants *g = NULL;
	int rc, free_slot = -1;

	if (!cache)
		return ERP_ERR_NO_MEMORY;
	for (int i = 0; i < CACHE_SLOTS; i++) {
		struct grants *slot = cache->slots[i];

		if (slot && strcmp(slot->user_id, p->user_id) == 0) {
			if (slot->version == p->authz_version) {
				*out = slot;
				return ERP_OK;
			}
			grants_free(slot); /* stale: something changed since */
			cache->slots[i] = NULL;
		}
		if (!cache->slots[i] && free_slot < 0)
			free_slot = i;
	}
	rc = grants_load(http_db(req), p->user_id, p->authz_version, &g);
	if (rc)
		return rc;
	if (free_slot < 0) {
		free_slot = (int)(cache->next_victim++ % CACHE_SLOTS);
		grants_free(cache->slots[free_slot]);
	}
	cache->slots[free_slot] = g;
	*out = g;
	return ERP_OK;
}

const struct iam_principal *iam_principal(const struct erp_request *req)
{
	return req->principal;
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
	return ERP_OK;
}

static int authorize(void *ctx, struct erp_request *req, const char *permission,
		     const char *company)
{
	struct grants *g;
	const struct scope_grants *global, *scoped;
	int rc;

	(void)ctx;
	rc = caller_grants(req, &g);
	if (rc)
		return rc;
	global = scope_of(g, NULL, false);
	if (scope_has(global, permission))
		return ERP_OK;
	if (!company)
		return ERP_ERR_FORBIDDEN;
	scoped = scope_of(g, company, false);
	if (scope_has(scoped, permission))
		return ERP_OK;
	/* No role in that company: it does not exist for this caller (never reveal which exist). */
	return scoped ? ERP_ERR_FORBIDDEN : ERP_ERR_NOT_FOUND;
}

bool iam_caller_holds(struct erp_request *req, const char *permission, const char *company)
{
	return authorize(NULL, req, permission, company) == ERP_OK;
}

/* /me: the caller's effective permissions per company (global ones included in each). */
json_t *iam_caller_grants_json(struct erp_request *req)
{
	struct grants *g;
	const struct scope_grants *global;
	json_t *out, *companies, *list;

	if (caller_grants(req, &g))
		return NULL;
	global = scope_of(g, NULL, false);
	out = json_object();
	companies = json_object();
	list = json_array();
	for (size_t i = 0; global && i < global->count; i++)
		json_array_append_new(list, json_string(global->permissions[i]));
	json_object_set_new(out, "global", list);
	for (size_t s = 0; s < g->scope_count; s++) {
		const struct scope_grants *scope = &g->scopes[s];

		if (!scope->company)
			continue;
		list = json_array();
		for (size_t i = 0; global && i < global->count; i++)
			json_array_append_new(list, json_string(global->permissions[i]));
		for (size_t i = 0; i < scope->count; i++)
			if (!scope_has(global, scope->permissions[i]))
				json_array_append_new(list, json_string(scope->permissions[i]));
		json_object_set_new(companies, scope->company, list);
	}
	json_object_set_new(out, "companies", companies);
	return out;
}

int iam_install(struct erp_server *server)
{
	server->auth.ctx = (void *)server->config;
	server->auth.authenticate = authenticate;
	server->auth.authorize = authorize;
	return 0;
}
