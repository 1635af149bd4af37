#ifndef ERP_COMMON_JSON_H
#define ERP_COMMON_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * Where jansson (2.14) meets the allocation policy of common/alloc.h. It
 * allocates through erp_malloc() (platform/app/app.c sets that up), but does
 * not always notice when an allocation fails; these wrappers ask the
 * allocator (alloc_failures()) and turn any failure into a plain "out of
 * memory". Use them instead of json_dumps() / json_loadb() / json_loads().
 */

/*
 * json_dumps() that never hands back broken text. jansson (2.14) ignores a
 * failed allocation while it writes an object's key and carries on, so
 * json_dumps() can return, as a success, JSON with a key cut short or
 * missing. This returns NULL instead whenever an allocation failed
 * underneath (common/alloc.h counts them); callers treat NULL as out of
 * memory, as with json_dumps(). The text is freed with free().
 */
char *erp_json_dumps(const json_t *json, size_t flags);

/*
 * json_loadb() that never hands back altered input. jansson's lexer drops a
 * character it has no room to keep and parses on, so under memory pressure
 * a string can lose a letter and still parse ("allocation" read as
 * "allocaion"); and a parse that ran out of memory is reported like
 * malformed input. This returns NULL with *out_of_memory set (when not
 * NULL) whenever an allocation failed underneath; otherwise it is
 * json_loadb(), and *out_of_memory is false.
 */
json_t *erp_json_loadb(const char *buffer, size_t length, size_t flags, json_error_t *error,
		       bool *out_of_memory);

/*
 * Whether every member of object is named in keys[0..count); false with
 * *unknown the first one that is not (strict input files refuse a typo
 * rather than ignore it).
 */
bool erp_json_has_only_keys(json_t *object, const char *const *keys, size_t count,
			    const char **unknown);

#endif
