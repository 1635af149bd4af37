#ifndef ERP_PLATFORM_BODY_H
#define ERP_PLATFORM_BODY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * Turns request bytes into JSON, refusing what a bank-grade API must not
 * accept: invalid UTF-8, NUL bytes (escaped or raw), duplicate keys,
 * nesting deeper than max_depth (checked before the parser recurses),
 * numbers that overflow, and anything after the document.
 */

/* True when text's [ { nesting goes deeper than max_depth (strings skipped). */
bool body_too_deep(const char *text, size_t length, unsigned max_depth);

/*
 * Parses length bytes. Returns the document (new reference), or NULL with a
 * one-line reason in detail (line and column included where known). Out of
 * memory is NULL too; alloc_failures() (common/alloc.h) tells it apart.
 */
json_t *body_parse(const char *text, size_t length, unsigned max_depth, char *detail,
		   size_t detail_size);

/* True when a Content-Type names JSON: application/json, optionally ;charset=utf-8. */
bool body_is_json_content_type(const char *content_type);

#endif
