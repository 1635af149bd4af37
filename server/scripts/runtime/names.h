#ifndef ERP_SCRIPTS_RUNTIME_NAMES_H
#define ERP_SCRIPTS_RUNTIME_NAMES_H

/*
 * Sets of names (roles, permissions) for the role scripts: arrays of strings
 * in the run's arena, sorted where a lookup needs it. The strings themselves
 * are borrowed from the source (a PGresult, a JSON document, an arena copy).
 */
#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>

#include "scripts/runtime/script.h"

struct script_names {
	const char **items;
	size_t count;
};

/* strcmp() order over const char * elements, for qsort() and bsearch(). */
int script_names_compare(const void *a, const void *b);

/* Whether a sorted set holds name. */
bool script_names_contain(const struct script_names *set, const char *name);

/* Column 0 of every row, in the query's order. 0, or the value of script_fail(). */
int script_names_from_result(struct script_ctx *ctx, PGresult *res, struct script_names *out);

/* The strings of a JSON array, sorted. 0, or the value of script_fail(). */
int script_names_from_json(struct script_ctx *ctx, json_t *array, struct script_names *out);

/* "a,b,c" (copied into the arena), sorted. 0, or the value of script_fail(). */
int script_names_split(struct script_ctx *ctx, const char *list, struct script_names *out);

/* A new JSON array of the names, or NULL when out of memory. */
json_t *script_names_json(const struct script_names *set);

/* Role names: ^[a-z][a-z0-9_-]{0,63}$ (the roles table checks the same). */
bool script_is_role_name(const char *name);

#endif
