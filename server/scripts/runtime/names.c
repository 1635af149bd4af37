#include "scripts/runtime/names.h"

#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

int script_names_compare(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

bool script_names_contain(const struct script_names *set, const char *name)
{
	return set->count && bsearch(&name, set->items, set->count, sizeof(*set->items),
				     script_names_compare) != NULL;
}

static int allocate(struct script_ctx *ctx, size_t count, struct script_names *out)
{
	out->count = count;
	out->items = arena_calloc(script_arena(ctx), count + 1, sizeof(*out->items));
	return out->items ? 0 : script_fail(ctx, EX_SOFTWARE, "out of memory");
}

int script_names_from_result(struct script_ctx *ctx, PGresult *res, struct script_names *out)
{
	int rc = allocate(ctx, (size_t)PQntuples(res), out);

	for (size_t i = 0; !rc && i < out->count; i++)
		out->items[i] = PQgetvalue(res, (int)i, 0);
	return rc;
}

int script_names_from_json(struct script_ctx *ctx, json_t *array, struct script_names *out)
{
	json_t *item;
	size_t i;
	int rc = allocate(ctx, json_array_size(array), out);

	if (rc)
		return rc;
	json_array_foreach(array, i, item)
		out->items[i] = json_string_value(item);
	qsort(out->items, out->count, sizeof(*out->items), script_names_compare);
	return 0;
}

int script_names_split(struct script_ctx *ctx, const char *list, struct script_names *out)
{
	char *copy = arena_strdup(script_arena(ctx), list);
	size_t count = *list ? 1 : 0;
	int rc;

	if (!copy)
		return script_fail(ctx, EX_SOFTWARE, "out of memory");
	for (const char *p = list; *p; p++)
		count += *p == ',';
	rc = allocate(ctx, count, out);
	if (rc)
		return rc;
	out->count = 0;
	for (char *p = copy, *next; *p && out->count < count; p = next) {
		next = strchr(p, ',');
		if (next)
			*next++ = '\0';
		else
			next = p + strlen(p);
		out->items[out->count++] = p;
	}
	qsort(out->items, out->count, sizeof(*out->items), script_names_compare);
	return 0;
}

json_t *script_names_json(const struct script_names *set)
{
	json_t *array = json_array();

	for (size_t i = 0; array && i < set->count; i++)
		json_array_append_new(array, json_string(set->items[i]));
	return array;
}

bool script_is_role_name(const char *name)
{
	size_t length = strlen(name);

	if (length < 1 || length > 64 || name[0] < 'a' || name[0] > 'z')
		return false;
	for (size_t i = 0; i < length; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') ||
		      name[i] == '_' || name[i] == '-'))
			return false;
	return true;
}
