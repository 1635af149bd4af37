/*
 * A user's grants at one authorisation version, and the rule that decides a
 * permission check: effective permissions in a company are the union of the
 * user's global roles and their roles in that company. Pure data, no I/O,
 * so the rule is unit-tested directly (server/test/unit/modules/iam/).
 */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "common/arena.h"
#include "modules/iam/internal.h"
#include "shared-kernel/errors.h"

struct scope_grants {
	const char *company; /* NULL: global */
	const char **permissions;
	size_t count;
	size_t capacity;
};

struct iam_grants {
	atomic_int holders;  /* the cache and requests share one set; the last to let go frees it */
	char user_id[40];
	int64_t version;
	struct arena *arena;
	struct scope_grants *scopes;
	size_t scope_count;
	size_t scope_capacity;
};

struct iam_grants *iam_grants_new(const char *user_id, int64_t version)
{
	struct arena *arena = arena_new(2048);
	struct iam_grants *g = arena ? arena_calloc(arena, 1, sizeof(*g)) : NULL;

	if (!g) {
		arena_free(arena);
		return NULL;
	}
	g->arena = arena;
	atomic_init(&g->holders, 1);
	snprintf(g->user_id, sizeof(g->user_id), "%s", user_id);
	g->version = version;
	return g;
}

struct iam_grants *iam_grants_hold(struct iam_grants *g)
{
	atomic_fetch_add_explicit(&g->holders, 1, memory_order_relaxed);
	return g;
}

void iam_grants_free(struct iam_grants *g)
{
	if (g && atomic_fetch_sub_explicit(&g->holders, 1, memory_order_acq_rel) == 1)
		arena_free(g->arena);
}

const char *iam_grants_user(const struct iam_grants *g)
{
	return g->user_id;
}

int64_t iam_grants_version(const struct iam_grants *g)
{
	return g->version;
}

static struct scope_grants *find_scope(const struct iam_grants *g, const char *company)
{
	for (size_t i = 0; i < g->scope_count; i++) {
		const char *c = g->scopes[i].company;

		if ((!c && !company) || (c && company && strcmp(c, company) == 0))
			return &g->scopes[i];
	}
	return NULL;
}

static struct scope_grants *add_scope(struct iam_grants *g, const char *company)
{
	struct scope_grants *s = find_scope(g, company);

	if (s)
		return s;
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
	s = &g->scopes[g->scope_count];
	*s = (struct scope_grants){ NULL, NULL, 0, 0 };
	if (company && !(s->company = arena_strdup(g->arena, company)))
		return NULL;
	g->scope_count++;
	return s;
}

static bool scope_has(const struct scope_grants *s, const char *permission)
{
	for (size_t i = 0; s && i < s->count; i++)
		if (strcmp(s->permissions[i], permission) == 0)
			return true;
	return false;
}

int iam_grants_add(struct iam_grants *g, const char *company, const char *permission)
{
	struct scope_grants *s = add_scope(g, company);

	if (!s)
		return ERP_ERR_NO_MEMORY;
	if (!permission || scope_has(s, permission))
		return ERP_OK; /* membership alone (a role without permissions), or a duplicate */
	if (s->count == s->capacity) {
		size_t capacity = s->capacity ? s->capacity * 2 : 16;
		const char **grown = arena_alloc(g->arena, capacity * sizeof(*grown));

		if (!grown)
			return ERP_ERR_NO_MEMORY;
		if (s->count)
			memcpy(grown, s->permissions, s->count * sizeof(*grown));
		s->permissions = grown;
		s->capacity = capacity;
	}
	s->permissions[s->count] = arena_strdup(g->arena, permission);
	return s->permissions[s->count++] ? ERP_OK : ERP_ERR_NO_MEMORY;
}

int iam_grants_check(const struct iam_grants *g, const char *permission, const char *company)
{
	const struct scope_grants *scoped;

	if (scope_has(find_scope(g, NULL), permission))
		return ERP_OK;
	if (!company)
		return ERP_ERR_FORBIDDEN;
	scoped = find_scope(g, company);
	if (scope_has(scoped, permission))
		return ERP_OK;
	/* No role in that company: it does not exist for this caller (never reveal which exist). */
	return scoped ? ERP_ERR_FORBIDDEN : ERP_ERR_NOT_FOUND;
}

json_t *iam_grants_json(const struct iam_grants *g)
{
	const struct scope_grants *global = find_scope(g, NULL);
	json_t *out = json_object(), *companies = json_object(), *list = json_array();

	if (!out || !companies || !list)
		goto fail;
	for (size_t i = 0; global && i < global->count; i++)
		json_array_append_new(list, json_string(global->permissions[i]));
	json_object_set_new(out, "global", list);
	list = NULL;
	for (size_t s = 0; s < g->scope_count; s++) {
		const struct scope_grants *scope = &g->scopes[s];

		if (!scope->company)
			continue;
		list = json_array();
		if (!list)
			goto fail;
		for (size_t i = 0; global && i < global->count; i++)
			json_array_append_new(list, json_string(global->permissions[i]));
		for (size_t i = 0; i < scope->count; i++)
			if (!scope_has(global, scope->permissions[i]))
				json_array_append_new(list, json_string(scope->permissions[i]));
		json_object_set_new(companies, scope->company, list);
		list = NULL;
	}
	json_object_set_new(out, "companies", companies);
	return out;
fail:
	json_decref(list);
	json_decref(companies);
	json_decref(out);
	return NULL;
}
