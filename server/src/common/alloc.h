#ifndef ERP_COMMON_ALLOC_H
#define ERP_COMMON_ALLOC_H

#include <stddef.h>

/*
 * The one place where memory comes from.
 *
 * Out-of-memory policy: code on a request path treats a NULL from these
 * functions as an ordinary error (the request ends with 503 and nothing is
 * committed); code that runs once at start-up may call erp_xmalloc(), which
 * prints a message and exits with status 71 instead of returning NULL.
 *
 * Test builds (-DERP_FAULT_INJECTION) can make the Nth allocation fail, so
 * tests can prove every failure path is handled (see alloc_fault_fail_at()).
 */

/* malloc/calloc/realloc/free that honour fault injection. */
void *erp_malloc(size_t size);
void *erp_calloc(size_t count, size_t size);
void *erp_realloc(void *ptr, size_t size);
void erp_free(void *ptr);

/* Like erp_malloc() but never returns NULL: start-up code only. */
void *erp_xmalloc(size_t size);
void *erp_xcalloc(size_t count, size_t size);
char *erp_xstrdup(const char *text);

/*
 * How many allocations through these functions have failed on the calling
 * thread so far (out of memory, or injected). Code that calls a library
 * which allocates through them (jansson, see platform/app/app.c) compares it
 * before and after, because such libraries do not always say that memory
 * ran out: jansson reports a failed parse as malformed input, and its
 * json_dumps() can return text with an object key missing (common/json.h).
 */
unsigned long alloc_failures(void);

/*
 * Fault injection (no-ops unless built with ERP_FAULT_INJECTION): after
 * alloc_fault_fail_at(n), the n-th following allocation made by the calling
 * thread fails (n = 1 is the next one); 0 disables. alloc_fault_count()
 * tells how many allocations the calling thread made since the last call.
 */
void alloc_fault_fail_at(unsigned long nth);
unsigned long alloc_fault_count(void);

#endif
