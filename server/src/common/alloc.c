#include "common/alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static _Thread_local unsigned long failures;

#ifdef ERP_FAULT_INJECTION
static _Thread_local unsigned long fail_at;
static _Thread_local unsigned long counted;

static int should_fail(void)
{
	counted++;
	if (fail_at == 0)
		return 0;
	if (--fail_at == 0)
		return 1;
	return 0;
}

void alloc_fault_fail_at(unsigned long nth)
{
	fail_at = nth;
	counted = 0;
}

unsigned long alloc_fault_count(void)
{
	unsigned long n = counted;
	counted = 0;
	return n;
}
#else
static inline int should_fail(void)
{
	return 0;
}

void alloc_fault_fail_at(unsigned long nth)
{
	(void)nth;
}

unsigned long alloc_fault_count(void)
{
	return 0;
}
#endif

unsigned long alloc_failures(void)
{
	return failures;
}

static void *note_failure(void *p)
{
	if (!p)
		failures++;
	return p;
}

void *erp_malloc(size_t size)
{
	return note_failure(should_fail() ? NULL : malloc(size ? size : 1));
}

void *erp_calloc(size_t count, size_t size)
{
	return note_failure(should_fail() ? NULL : calloc(count ? count : 1, size ? size : 1));
}

void *erp_realloc(void *ptr, size_t size)
{
	return note_failure(should_fail() ? NULL : realloc(ptr, size ? size : 1));
}

void erp_free(void *ptr)
{
	free(ptr);
}

static void *out_of_memory(size_t size)
{
	fprintf(stderr, "fatal: out of memory allocating %zu bytes\n", size);
	exit(71); /* EX_OSERR */
}

void *erp_xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);
	return p ? p : out_of_memory(size);
}

void *erp_xcalloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);
	return p ? p : out_of_memory(count * size);
}

char *erp_xstrdup(const char *text)
{
	size_t len = strlen(text) + 1;
	char *copy = erp_xmalloc(len);
	memcpy(copy, text, len);
	return copy;
}
