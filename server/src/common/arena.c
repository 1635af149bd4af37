#include "common/arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common/alloc.h"

struct arena_block {
	struct arena_block *next;
	size_t size;
	size_t used;
	alignas(max_align_t) unsigned char data[];
};

struct arena_cleanup {
	struct arena_cleanup *next;
	arena_cleanup_fn fn;
	void *resource;
};

struct arena {
	struct arena_block *blocks;
	struct arena_block *first;     /* the initial block, kept by arena_reset() */
	struct arena_cleanup *cleanups;
	size_t next_block_size;
	size_t total_used;
};

enum { ARENA_ALIGN = alignof(max_align_t), ARENA_MAX_BLOCK = 1 << 20 };

static struct arena_block *block_new(size_t size)
{
	struct arena_block *block;

	if (size > SIZE_MAX - sizeof(*block))
		return NULL;
	block = erp_malloc(sizeof(*block) + size);
	if (!block)
		return NULL;
	block->next = NULL;
	block->size = size;
	block->used = 0;
	return block;
}

struct arena *arena_new(size_t initial_bytes)
{
	struct arena *arena = erp_malloc(sizeof(*arena));

	if (!arena)
		return NULL;
	if (initial_bytes < 256)
		initial_bytes = 256;
	arena->blocks = block_new(initial_bytes);
	if (!arena->blocks) {
		erp_free(arena);
		return NULL;
	}
	arena->first = arena->blocks;
	arena->cleanups = NULL;
	arena->next_block_size = initial_bytes * 2;
	arena->total_used = 0;
	return arena;
}

static void run_cleanups(struct arena *arena)
{
	/* Cleanups may be arena-allocated themselves, so walk before freeing blocks. */
	for (struct arena_cleanup *c = arena->cleanups; c; c = c->next)
		c->fn(c->resource);
	arena->cleanups = NULL;
}

void arena_reset(struct arena *arena)
{
	run_cleanups(arena);
	for (struct arena_block *b = arena->blocks, *next; b; b = next) {
		next = b->next;
		if (b != arena->first)
			erp_free(b);
	}
	arena->blocks = arena->first;
	arena->first->next = NULL;
	arena->first->used = 0;
	arena->next_block_size = arena->first->size * 2;
	arena->total_used = 0;
}

void arena_free(struct arena *arena)
{
	if (!arena)
		return;
	run_cleanups(arena);
	for (struct arena_block *b = arena->blocks, *next; b; b = next) {
		next = b->next;
		erp_free(b);
	}
	erp_free(arena);
}

/* A fresh current block: the rest of the old one is given up. */
static struct arena_block *next_block_new(struct arena *arena)
{
	struct arena_block *block = block_new(arena->next_block_size);

	if (!block)
		return NULL;
	block->next = arena->blocks;
	arena->blocks = block;
	if (arena->next_block_size < ARENA_MAX_BLOCK)
		arena->next_block_size *= 2;
	return block;
}

/*
 * A block for one allocation larger than a regular block. It goes behind the
 * current block, so small allocations keep filling that one instead of each
 * large allocation wasting its free space.
 */
static struct arena_block *dedicated_block_new(struct arena *arena, size_t size)
{
	struct arena_block *block = block_new(size);

	if (!block)
		return NULL;
	block->next = arena->blocks->next;
	arena->blocks->next = block;
	return block;
}

void *arena_alloc(struct arena *arena, size_t size)
{
	struct arena_block *block = arena->blocks;
	size_t rounded;

	if (size > SIZE_MAX - ARENA_ALIGN)
		return NULL;
	rounded = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (rounded == 0)
		rounded = ARENA_ALIGN;
	if (block->size - block->used < rounded) {
		block = rounded > arena->next_block_size ? dedicated_block_new(arena, rounded)
							 : next_block_new(arena);
		if (!block)
			return NULL;
	}
	void *p = block->data + block->used;
	block->used += rounded;
	arena->total_used += rounded;
	return p;
}

void *arena_calloc(struct arena *arena, size_t count, size_t size)
{
	void *p;

	if (size && count > SIZE_MAX / size)
		return NULL;
	p = arena_alloc(arena, count * size);
	if (p)
		memset(p, 0, count * size);
	return p;
}

char *arena_strndup(struct arena *arena, const char *text, size_t len)
{
	char *copy;

	if (!text)
		return NULL;
	copy = arena_alloc(arena, len + 1);
	if (!copy)
		return NULL;
	memcpy(copy, text, len);
	copy[len] = '\0';
	return copy;
}

char *arena_strdup(struct arena *arena, const char *text)
{
	return text ? arena_strndup(arena, text, strlen(text)) : NULL;
}

char *arena_vprintf(struct arena *arena, const char *fmt, va_list ap)
{
	va_list copy;
	int len;
	char *out;

	va_copy(copy, ap);
	len = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (len < 0)
		return NULL;
	out = arena_alloc(arena, (size_t)len + 1);
	if (!out)
		return NULL;
	vsnprintf(out, (size_t)len + 1, fmt, ap);
	return out;
}

char *arena_printf(struct arena *arena, const char *fmt, ...)
{
	va_list ap;
	char *out;

	va_start(ap, fmt);
	out = arena_vprintf(arena, fmt, ap);
	va_end(ap);
	return out;
}

int arena_cleanup_add(struct arena *arena, arena_cleanup_fn fn, void *resource)
{
	struct arena_cleanup *c;

	if (!resource)
		return 0;
	c = arena_alloc(arena, sizeof(*c));
	if (!c) {
		fn(resource);
		return -1;
	}
	c->fn = fn;
	c->resource = resource;
	c->next = arena->cleanups;
	arena->cleanups = c;
	return 0;
}

size_t arena_used(const struct arena *arena)
{
	return arena->total_used;
}
