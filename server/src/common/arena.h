#ifndef ERP_COMMON_ARENA_H
#define ERP_COMMON_ARENA_H

#include <stdarg.h>
#include <stddef.h>

/*
 * A region allocator: many small allocations, one release. Each request owns
 * one; everything allocated for it, and every resource registered with
 * arena_cleanup_add() (PGresult, json_t, ...), is released by arena_free().
 *
 * Allocation functions return NULL when memory runs out (see common/alloc.h
 * for the policy); arena_free() runs cleanups newest first.
 */
struct arena;

typedef void (*arena_cleanup_fn)(void *resource);

/* A new arena whose first block holds initial_bytes; NULL when out of memory. */
struct arena *arena_new(size_t initial_bytes);

/* Runs the cleanups, releases every block. Accepts NULL. */
void arena_free(struct arena *arena);

/*
 * Runs the cleanups and forgets every allocation, keeping the first block so
 * the arena can serve the next unit of work without touching malloc.
 */
void arena_reset(struct arena *arena);

/* Uninitialised memory aligned for any type; NULL on overflow or out of memory. */
void *arena_alloc(struct arena *arena, size_t size);

/* Zeroed memory for count objects of size bytes; NULL on overflow/OOM. */
void *arena_calloc(struct arena *arena, size_t count, size_t size);

/* Copies of strings, NUL-terminated; NULL on OOM (or when text is NULL). */
char *arena_strdup(struct arena *arena, const char *text);
char *arena_strndup(struct arena *arena, const char *text, size_t len);

/* printf into the arena; NULL on OOM or format error. */
char *arena_printf(struct arena *arena, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *arena, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/*
 * Registers fn(resource) to run when the arena is freed. Returns 0, or -1 when
 * out of memory, in which case fn(resource) has already been called so the
 * caller never leaks on that path. A NULL resource is ignored (returns 0).
 */
int arena_cleanup_add(struct arena *arena, arena_cleanup_fn fn, void *resource);

/* Bytes handed out so far (for metrics and tests). */
size_t arena_used(const struct arena *arena);

#endif
