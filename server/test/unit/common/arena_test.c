#include <stdalign.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/alloc.h"
#include "common/arena.h"
#include "test/support/check_main.h"

static bool is_max_aligned(const void *p)
{
	return (uintptr_t)p % alignof(max_align_t) == 0;
}

START_TEST(test_many_allocations_keep_their_contents)
{
	enum { COUNT = 20000 };
	struct arena *arena = arena_new(0);
	static unsigned char *blocks[COUNT];

	ck_assert_ptr_nonnull(arena);
	for (int i = 0; i < COUNT; i++) {
		size_t size = 1 + (size_t)(i % 97);

		blocks[i] = arena_alloc(arena, size);
		ck_assert_ptr_nonnull(blocks[i]);
		memset(blocks[i], i & 0xff, size);
	}
	/* Nothing overlapped: every block still holds its own byte. */
	for (int i = 0; i < COUNT; i++) {
		size_t size = 1 + (size_t)(i % 97);

		for (size_t j = 0; j < size; j++)
			ck_assert_int_eq(blocks[i][j], i & 0xff);
	}
	arena_free(arena);
}
END_TEST

START_TEST(test_allocations_are_aligned_for_any_type)
{
	struct arena *arena = arena_new(256);

	ck_assert_ptr_nonnull(arena);
	for (size_t size = 0; size < 300; size++) {
		void *p = arena_alloc(arena, size);

		ck_assert_ptr_nonnull(p);
		ck_assert_msg(is_max_aligned(p), "size %zu gave %p", size, p);
	}
	ck_assert(is_max_aligned(arena_calloc(arena, 3, 7)));
	ck_assert(is_max_aligned(arena_strdup(arena, "abc")));
	ck_assert(is_max_aligned(arena_alloc(arena, 5000)));
	arena_free(arena);
}
END_TEST

START_TEST(test_zero_size_allocations_are_distinct)
{
	struct arena *arena = arena_new(0);
	void *a = arena_alloc(arena, 0);
	void *b = arena_alloc(arena, 0);

	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_ne(a, b);
	arena_free(arena);
}
END_TEST

START_TEST(test_allocation_larger_than_any_block)
{
	const size_t big = (size_t)8 << 20; /* beyond the 1 MiB block cap */
	struct arena *arena = arena_new(256);
	unsigned char *p;

	ck_assert_ptr_nonnull(arena);
	p = arena_alloc(arena, big);
	ck_assert_ptr_nonnull(p);
	memset(p, 0x5a, big);
	ck_assert_int_eq(p[0], 0x5a);
	ck_assert_int_eq(p[big - 1], 0x5a);
	ck_assert_uint_ge(arena_used(arena), big);
	arena_free(arena);
}
END_TEST

/*
 * A large allocation gets a block of its own behind the current one, so the
 * small allocations around it keep sharing the current block.
 */
START_TEST(test_large_allocation_does_not_waste_the_current_block)
{
	struct arena *arena = arena_new(4096);
	char *before = arena_alloc(arena, 16);
	char *big = arena_alloc(arena, 100000);
	char *after = arena_alloc(arena, 16);

	ck_assert_ptr_nonnull(before);
	ck_assert_ptr_nonnull(big);
	ck_assert_ptr_nonnull(after);
	ck_assert_ptr_eq(after, before + 16);
	arena_free(arena);
}
END_TEST

START_TEST(test_growth_across_many_blocks)
{
	struct arena *arena = arena_new(256);
	size_t total = 0;

	ck_assert_ptr_nonnull(arena);
	for (int i = 0; i < 200; i++) {
		size_t size = 1000 + (size_t)i * 517;
		char *p = arena_alloc(arena, size);

		ck_assert_ptr_nonnull(p);
		p[0] = 'a';
		p[size - 1] = 'z';
		total += size;
	}
	ck_assert_uint_ge(arena_used(arena), total);
	arena_free(arena);
}
END_TEST

START_TEST(test_impossible_sizes_return_null)
{
	struct arena *arena = arena_new(0);

	ck_assert_ptr_null(arena_alloc(arena, SIZE_MAX));
	ck_assert_ptr_null(arena_alloc(arena, SIZE_MAX - 1));
	ck_assert_ptr_null(arena_alloc(arena, SIZE_MAX - alignof(max_align_t) + 1));
	/* The arena still works afterwards. */
	ck_assert_ptr_nonnull(arena_alloc(arena, 10));
	arena_free(arena);
}
END_TEST

START_TEST(test_calloc_zeroes_and_refuses_overflow)
{
	struct arena *arena = arena_new(0);
	unsigned char *dirty, *p;

	/* Dirty a block first so calloc cannot rely on fresh memory being zero. */
	dirty = arena_alloc(arena, 64);
	memset(dirty, 0xff, 64);
	p = arena_calloc(arena, 100, 7);
	ck_assert_ptr_nonnull(p);
	for (int i = 0; i < 700; i++)
		ck_assert_int_eq(p[i], 0);

	ck_assert_ptr_null(arena_calloc(arena, SIZE_MAX / 2 + 1, 2));
	ck_assert_ptr_null(arena_calloc(arena, 2, SIZE_MAX / 2 + 1));
	ck_assert_ptr_null(arena_calloc(arena, SIZE_MAX, SIZE_MAX));
	ck_assert_ptr_null(arena_calloc(arena, (size_t)1 << (sizeof(size_t) * 4),
					(size_t)1 << (sizeof(size_t) * 4)));
	ck_assert_ptr_nonnull(arena_calloc(arena, 0, 8));
	ck_assert_ptr_nonnull(arena_calloc(arena, 8, 0));
	ck_assert_ptr_nonnull(arena_calloc(arena, SIZE_MAX, 0));
	arena_free(arena);
}
END_TEST

START_TEST(test_strdup_and_strndup)
{
	struct arena *arena = arena_new(0);
	const char *text = "journal entry";
	char *copy = arena_strdup(arena, text);
	char *prefix = arena_strndup(arena, text, 7);
	char *empty = arena_strdup(arena, "");

	ck_assert_str_eq(copy, text);
	ck_assert_ptr_ne(copy, text);
	ck_assert_str_eq(prefix, "journal");
	ck_assert_str_eq(empty, "");
	ck_assert_ptr_null(arena_strdup(arena, NULL));
	ck_assert_ptr_null(arena_strndup(arena, NULL, 3));
	arena_free(arena);
}
END_TEST

START_TEST(test_printf)
{
	struct arena *arena = arena_new(256);
	char *short_text = arena_printf(arena, "%s-%04d-%c", "INV", 42, 'x');
	char *long_text;

	ck_assert_str_eq(short_text, "INV-0042-x");
	/* Longer than the first block, so it comes from a new one. */
	long_text = arena_printf(arena, "%5000d|", 7);
	ck_assert_ptr_nonnull(long_text);
	ck_assert_uint_eq(strlen(long_text), 5001);
	ck_assert_int_eq(long_text[4998], ' ');
	ck_assert_int_eq(long_text[4999], '7');
	ck_assert_int_eq(long_text[5000], '|');
	ck_assert_str_eq(arena_printf(arena, "%s", ""), "");
	ck_assert_str_eq(short_text, "INV-0042-x");
	arena_free(arena);
}
END_TEST

/* --- cleanups ------------------------------------------------------------------ */

enum { CLEANUPS = 50 };

static int cleanup_order[CLEANUPS * 2];
static int cleanup_calls;
static int calls_per_resource[CLEANUPS];

static void record_cleanup(void *resource)
{
	int id = (int)(intptr_t)resource - 1;

	cleanup_order[cleanup_calls++] = id;
	calls_per_resource[id]++;
}

static void reset_cleanup_log(void)
{
	memset(cleanup_order, 0, sizeof(cleanup_order));
	memset(calls_per_resource, 0, sizeof(calls_per_resource));
	cleanup_calls = 0;
}

START_TEST(test_cleanups_run_newest_first_exactly_once)
{
	struct arena *arena = arena_new(256);

	reset_cleanup_log();
	for (int i = 0; i < CLEANUPS; i++) {
		/* Allocations in between force cleanups to live in several blocks. */
		ck_assert_ptr_nonnull(arena_alloc(arena, 100));
		ck_assert_int_eq(arena_cleanup_add(arena, record_cleanup, (void *)(intptr_t)(i + 1)), 0);
	}
	ck_assert_int_eq(cleanup_calls, 0);
	arena_free(arena);
	ck_assert_int_eq(cleanup_calls, CLEANUPS);
	for (int i = 0; i < CLEANUPS; i++) {
		ck_assert_int_eq(cleanup_order[i], CLEANUPS - 1 - i);
		ck_assert_int_eq(calls_per_resource[i], 1);
	}
}
END_TEST

static void fail_if_called(void *resource)
{
	(void)resource;
	ck_abort_msg("cleanup called for a NULL resource");
}

START_TEST(test_reset_runs_cleanups_and_reuses_the_first_block)
{
	struct arena *arena = arena_new(512);
	unsigned char *first, *again;
	reset_cleanup_log();
	first = arena_alloc(arena, 64);
	ck_assert_ptr_nonnull(arena_alloc(arena, 100000)); /* forces extra blocks */
	ck_assert_ptr_nonnull(arena_alloc(arena, 4000));
	ck_assert_int_eq(arena_cleanup_add(arena, record_cleanup, (void *)(intptr_t)8), 0);
	arena_reset(arena);
	ck_assert_int_eq(cleanup_calls, 1);
	ck_assert_uint_eq(arena_used(arena), 0);
	again = arena_alloc(arena, 64);
	ck_assert_ptr_eq(again, first); /* the first block serves again */
	arena_reset(arena);
	ck_assert_int_eq(cleanup_calls, 1); /* cleanups ran once, not again */
	arena_free(arena);
	ck_assert_int_eq(cleanup_calls, 1);
}
END_TEST

START_TEST(test_cleanup_of_null_resource_is_ignored)
{
	struct arena *arena = arena_new(0);

	ck_assert_int_eq(arena_cleanup_add(arena, fail_if_called, NULL), 0);
	arena_free(arena);
}
END_TEST

/* The usual case: a heap resource owned by the arena (ASan reports a leak otherwise). */
START_TEST(test_cleanup_releases_heap_resources)
{
	struct arena *arena = arena_new(0);

	for (int i = 0; i < 10; i++)
		ck_assert_int_eq(arena_cleanup_add(arena, erp_free, erp_malloc(32)), 0);
	arena_free(arena);
}
END_TEST

START_TEST(test_free_accepts_null)
{
	arena_free(NULL);
}
END_TEST

START_TEST(test_used_counts_allocations)
{
	struct arena *arena = arena_new(0);

	ck_assert_uint_eq(arena_used(arena), 0);
	arena_alloc(arena, 10);
	ck_assert_uint_ge(arena_used(arena), 10);
	arena_alloc(arena, 1000);
	ck_assert_uint_ge(arena_used(arena), 1010);
	arena_free(arena);
}
END_TEST

/* --- out of memory (sanitizer builds inject allocation failures) --------------- */

#ifdef ERP_FAULT_INJECTION
START_TEST(test_new_returns_null_when_memory_runs_out)
{
	for (unsigned long nth = 1; nth <= 2; nth++) {
		alloc_fault_fail_at(nth);
		ck_assert_ptr_null(arena_new(1024));
	}
	alloc_fault_fail_at(0);
}
END_TEST

START_TEST(test_alloc_returns_null_when_a_new_block_fails)
{
	struct arena *arena = arena_new(256);

	ck_assert_ptr_nonnull(arena_alloc(arena, 256)); /* fills the first block */
	alloc_fault_fail_at(1);
	ck_assert_ptr_null(arena_alloc(arena, 16));
	alloc_fault_fail_at(1);
	ck_assert_ptr_null(arena_printf(arena, "%d", 5));
	alloc_fault_fail_at(0);
	ck_assert_ptr_nonnull(arena_alloc(arena, 16));
	arena_free(arena);
}
END_TEST

START_TEST(test_cleanup_add_runs_cleanup_at_once_when_out_of_memory)
{
	struct arena *arena = arena_new(256);

	reset_cleanup_log();
	ck_assert_ptr_nonnull(arena_alloc(arena, 256));
	alloc_fault_fail_at(1);
	ck_assert_int_eq(arena_cleanup_add(arena, record_cleanup, (void *)(intptr_t)1), -1);
	alloc_fault_fail_at(0);
	ck_assert_int_eq(cleanup_calls, 1);
	arena_free(arena);
	ck_assert_int_eq(cleanup_calls, 1); /* not a second time */
	ck_assert_int_eq(calls_per_resource[0], 1);
}
END_TEST

/*
 * SQLite-style: fail each allocation of a request-like scenario in turn; each
 * run must notice, and none may leak (LeakSanitizer) or crash.
 */
static int arena_scenario(void)
{
	struct arena *arena = arena_new(256);
	int ok = 1;

	if (!arena)
		return 0;
	for (int i = 0; i < 20; i++) {
		void *resource = erp_malloc(16);

		if (!resource || arena_cleanup_add(arena, erp_free, resource) != 0)
			ok = 0;
		if (!arena_printf(arena, "%0300d", i))
			ok = 0;
	}
	if (!arena_alloc(arena, 3 << 20))
		ok = 0;
	arena_free(arena);
	return ok;
}

START_TEST(test_every_allocation_failure_is_survived)
{
	unsigned long total;

	alloc_fault_fail_at(0);
	ck_assert(arena_scenario());
	total = alloc_fault_count();
	ck_assert_uint_gt(total, 20);
	for (unsigned long nth = 1; nth <= total; nth++) {
		alloc_fault_fail_at(nth);
		ck_assert_msg(!arena_scenario(), "failure of allocation %lu went unnoticed", nth);
		alloc_fault_fail_at(0);
	}
}
END_TEST
#endif

Suite *test_suite(void)
{
	Suite *suite = suite_create("arena");
	TCase *allocation = tcase_create("alloc");
	TCase *cleanups = tcase_create("cleanup");

	tcase_set_timeout(allocation, 30);
	tcase_add_test(allocation, test_many_allocations_keep_their_contents);
	tcase_add_test(allocation, test_allocations_are_aligned_for_any_type);
	tcase_add_test(allocation, test_zero_size_allocations_are_distinct);
	tcase_add_test(allocation, test_allocation_larger_than_any_block);
	tcase_add_test(allocation, test_large_allocation_does_not_waste_the_current_block);
	tcase_add_test(allocation, test_growth_across_many_blocks);
	tcase_add_test(allocation, test_impossible_sizes_return_null);
	tcase_add_test(allocation, test_calloc_zeroes_and_refuses_overflow);
	tcase_add_test(allocation, test_strdup_and_strndup);
	tcase_add_test(allocation, test_printf);
	tcase_add_test(allocation, test_used_counts_allocations);
	tcase_add_test(allocation, test_free_accepts_null);
	suite_add_tcase(suite, allocation);

	tcase_add_test(cleanups, test_cleanups_run_newest_first_exactly_once);
	tcase_add_test(cleanups, test_cleanup_of_null_resource_is_ignored);
	tcase_add_test(cleanups, test_cleanup_releases_heap_resources);
	tcase_add_test(cleanups, test_reset_runs_cleanups_and_reuses_the_first_block);
	suite_add_tcase(suite, cleanups);

#ifdef ERP_FAULT_INJECTION
	TCase *out_of_memory = tcase_create("out of memory");

	tcase_add_test(out_of_memory, test_new_returns_null_when_memory_runs_out);
	tcase_add_test(out_of_memory, test_alloc_returns_null_when_a_new_block_fails);
	tcase_add_test(out_of_memory, test_cleanup_add_runs_cleanup_at_once_when_out_of_memory);
	tcase_add_test(out_of_memory, test_every_allocation_failure_is_survived);
	suite_add_tcase(suite, out_of_memory);
#endif
	return suite;
}
