#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "shared-kernel/uuid.h"
#include "test/support/check_main.h"

static void setup_sodium(void)
{
	ck_assert_int_ge(sodium_init(), 0);
}

static uint64_t unix_millis_now(void)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	return (uint64_t)now.tv_sec * 1000u + (uint64_t)now.tv_nsec / 1000000u;
}

START_TEST(test_v7_has_version_and_variant_bits)
{
	for (int i = 0; i < 1000; i++) {
		struct erp_uuid id;

		erp_uuid_v7(&id);
		ck_assert_int_eq(erp_uuid_version(&id), 7);
		ck_assert_int_eq(id.bytes[6] >> 4, 7);
		ck_assert_int_eq(id.bytes[8] >> 6, 2); /* RFC 9562 variant: 10xx */
	}
}
END_TEST

START_TEST(test_v7_millis_close_to_the_clock)
{
	uint64_t before = unix_millis_now();
	struct erp_uuid id;
	uint64_t after, millis;

	erp_uuid_v7(&id);
	after = unix_millis_now();
	millis = erp_uuid_v7_millis(&id);
	/*
	 * Earlier tests in this process may have pushed the thread's timestamp a
	 * few ms ahead (counter overflow borrows the next ms), hence the slack.
	 */
	ck_assert_uint_ge(millis, before);
	ck_assert_uint_le(millis, after + 50);
}
END_TEST

START_TEST(test_v7_timestamp_is_big_endian_unix_millis)
{
	struct erp_uuid id;
	uint64_t from_bytes = 0;

	erp_uuid_v7(&id);
	for (int i = 0; i < 6; i++)
		from_bytes = from_bytes << 8 | id.bytes[i];
	ck_assert_uint_eq(from_bytes, erp_uuid_v7_millis(&id));
	/* Somewhere between 2020 and 2100. */
	ck_assert_uint_gt(from_bytes, UINT64_C(1577836800000));
	ck_assert_uint_lt(from_bytes, UINT64_C(4102444800000));
}
END_TEST

enum { MONOTONIC_COUNT = 10000 };

START_TEST(test_v7_consecutive_ids_strictly_increase_as_bytes)
{
	struct erp_uuid *ids = malloc(MONOTONIC_COUNT * sizeof(*ids));

	ck_assert_ptr_nonnull(ids);
	for (int i = 0; i < MONOTONIC_COUNT; i++)
		erp_uuid_v7(&ids[i]);
	for (int i = 1; i < MONOTONIC_COUNT; i++)
		ck_assert_msg(memcmp(ids[i - 1].bytes, ids[i].bytes, 16) < 0,
			      "id %d is not greater than id %d", i, i - 1);
	free(ids);
}
END_TEST

/* Within one ms the 12-bit counter (rand_a) counts up by one. */
START_TEST(test_v7_counter_increments_within_a_millisecond)
{
	int same_ms_pairs = 0;

	for (int i = 0; i < 1000; i++) {
		struct erp_uuid a, b;

		erp_uuid_v7(&a);
		erp_uuid_v7(&b);
		if (erp_uuid_v7_millis(&a) != erp_uuid_v7_millis(&b))
			continue;
		same_ms_pairs++;
		unsigned counter_a = (unsigned)(a.bytes[6] & 0x0f) << 8 | a.bytes[7];
		unsigned counter_b = (unsigned)(b.bytes[6] & 0x0f) << 8 | b.bytes[7];
		ck_assert_uint_eq(counter_b, counter_a + 1);
	}
	ck_assert_int_gt(same_ms_pairs, 0);
}
END_TEST

START_TEST(test_v7_random_part_differs)
{
	struct erp_uuid a, b;

	erp_uuid_v7(&a);
	erp_uuid_v7(&b);
	ck_assert(!erp_uuid_equal(&a, &b));
	/* 62 random bits: equal tails would mean the pool repeats itself. */
	ck_assert(memcmp(a.bytes + 8, b.bytes + 8, 8) != 0);
}
END_TEST

/* Ids from many threads at once never collide. */
enum { THREADS = 4, IDS_PER_THREAD = 2000 };

static void *make_ids(void *arg)
{
	struct erp_uuid *ids = arg;

	for (int i = 0; i < IDS_PER_THREAD; i++)
		erp_uuid_v7(&ids[i]);
	return NULL;
}

static int compare_ids(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct erp_uuid));
}

START_TEST(test_v7_unique_across_threads)
{
	struct erp_uuid *ids = malloc(THREADS * IDS_PER_THREAD * sizeof(*ids));
	pthread_t threads[THREADS];

	ck_assert_ptr_nonnull(ids);
	for (int t = 0; t < THREADS; t++)
		ck_assert_int_eq(pthread_create(&threads[t], NULL, make_ids, ids + t * IDS_PER_THREAD), 0);
	for (int t = 0; t < THREADS; t++)
		pthread_join(threads[t], NULL);
	qsort(ids, THREADS * IDS_PER_THREAD, sizeof(*ids), compare_ids);
	for (int i = 1; i < THREADS * IDS_PER_THREAD; i++)
		ck_assert(!erp_uuid_equal(&ids[i - 1], &ids[i]));
	free(ids);
}
END_TEST

/* A forked child must not replay the random bytes its parent had buffered. */
START_TEST(test_v7_child_after_fork_does_not_repeat_parent)
{
	int pipe_fds[2];
	struct erp_uuid in_child, in_parent;
	pid_t pid;
	int status;

	erp_uuid_v7(&in_parent); /* fills this thread's pool */
	ck_assert_int_eq(pipe(pipe_fds), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct erp_uuid id;

		erp_uuid_v7(&id);
		_exit(write(pipe_fds[1], &id, sizeof(id)) == sizeof(id) ? 0 : 1);
	}
	erp_uuid_v7(&in_parent);
	ck_assert_int_eq(read(pipe_fds[0], &in_child, sizeof(in_child)), (ssize_t)sizeof(in_child));
	waitpid(pid, &status, 0);
	close(pipe_fds[0]);
	close(pipe_fds[1]);
	ck_assert(memcmp(in_child.bytes + 8, in_parent.bytes + 8, 8) != 0);
}
END_TEST

/* --- text form ----------------------------------------------------------- */

/* A new row's id as text: a canonical v7 UUID, a new one each time. */
START_TEST(test_v7_text_is_a_canonical_new_id)
{
	char first[ERP_UUID_TEXT_LEN + 1], second[ERP_UUID_TEXT_LEN + 1], again[ERP_UUID_TEXT_LEN + 1];
	struct erp_uuid id;

	erp_uuid_v7_text(first);
	erp_uuid_v7_text(second);
	ck_assert_uint_eq(strlen(first), ERP_UUID_TEXT_LEN);
	ck_assert_int_eq(erp_uuid_parse(first, &id), 0);
	ck_assert_int_eq(erp_uuid_version(&id), 7);
	erp_uuid_format(&id, again);
	ck_assert_str_eq(again, first);
	ck_assert_str_ne(first, second);
}
END_TEST

START_TEST(test_format_is_canonical_lower_case)
{
	struct erp_uuid id;
	char text[ERP_UUID_TEXT_LEN + 1];

	for (int i = 0; i < 16; i++)
		id.bytes[i] = (uint8_t)(0x01 + i * 0x11);
	id.bytes[15] = 0xff;
	erp_uuid_format(&id, text);
	ck_assert_str_eq(text, "01122334-4556-6778-899a-abbccddeefff");
}
END_TEST

START_TEST(test_parse_format_round_trip)
{
	for (int i = 0; i < 100; i++) {
		struct erp_uuid id, back;
		char text[ERP_UUID_TEXT_LEN + 1];

		erp_uuid_v7(&id);
		erp_uuid_format(&id, text);
		ck_assert_uint_eq(strlen(text), ERP_UUID_TEXT_LEN);
		ck_assert_int_eq(erp_uuid_parse(text, &back), 0);
		ck_assert(erp_uuid_equal(&id, &back));
	}
}
END_TEST

START_TEST(test_parse_accepts_upper_case)
{
	struct erp_uuid upper, lower;
	char text[ERP_UUID_TEXT_LEN + 1];

	ck_assert_int_eq(erp_uuid_parse("0190A3B4-C5D6-7E8F-9A0B-1C2D3E4F5A6B", &upper), 0);
	ck_assert_int_eq(erp_uuid_parse("0190a3b4-c5d6-7e8f-9a0b-1c2d3e4f5a6b", &lower), 0);
	ck_assert(erp_uuid_equal(&upper, &lower));
	erp_uuid_format(&upper, text);
	ck_assert_str_eq(text, "0190a3b4-c5d6-7e8f-9a0b-1c2d3e4f5a6b");
	ck_assert_int_eq(erp_uuid_version(&upper), 7);
	ck_assert_uint_eq(erp_uuid_v7_millis(&upper), UINT64_C(0x0190a3b4c5d6));
}
END_TEST

static const char *const malformed_uuids[] = {
	"",
	"0190a3b4-c5d6-7e8f-9a0b-1c2d3e4f5a6",      /* 35 characters */
	"0190a3b4-c5d6-7e8f-9a0b-1c2d3e4f5a6b0",    /* 37 */
	"0190a3b4-c5d6-7e8f-9a0b-1c2d3e4f5a6b ",    /* trailing space */
	" 0190a3b4-c5d6-7e8f-9a0b-1c2d3e4f5a6b",    /* leading space */
	"{0190a3b4-c5d6-7e8f-9a0b-1c2d3e4f5a6b}",   /* braces */
	"0190a3b4c5d67e8f9a0b1c2d3e4f5a6b",         /* no dashes */
	"0190a3b4c-5d6-7e8f-9a0b-1c2d3e4f5a6b",     /* dash moved */
	"0190a3b4-c5d67-e8f-9a0b-1c2d3e4f5a6b",
	"0190a3b4-c5d6-7e8f9-a0b-1c2d3e4f5a6b",
	"0190a3b4-c5d6-7e8f-9a0b1-c2d3e4f5a6b",
	"0190a3b4_c5d6_7e8f_9a0b_1c2d3e4f5a6b",     /* wrong separator */
	"0190a3b4-c5d6-7e8f-9a0b-1c2d3e4f5a6g",     /* not hex */
	"g190a3b4-c5d6-7e8f-9a0b-1c2d3e4f5a6b",
	"0190a3b4-c5d6-7e8f-9a0b-1c2d3e4f5a6-",
	"urn:uuid:0190a3b4-c5d6-7e8f-9a0b-1c2d3e4f5a6b",
	"0190a3b4-c5d6-7e8f-9a0b-1c2d3e4f5a\n6",
	"0x90a3b4-c5d6-7e8f-9a0b-1c2d3e4f5a6b",
	"+190a3b4-c5d6-7e8f-9a0b-1c2d3e4f5a6b",
	"0190a3b4--5d6-7e8f-9a0b-1c2d3e4f5a6b",
	"------------------------------------",
};

START_TEST(test_parse_rejects_malformed)
{
	struct erp_uuid out;

	memset(&out, 0xab, sizeof(out));
	ck_assert_msg(erp_uuid_parse(malformed_uuids[_i], &out) == -1, "\"%s\" accepted",
		      malformed_uuids[_i]);
	for (int i = 0; i < 16; i++)
		ck_assert_int_eq(out.bytes[i], 0xab); /* untouched on error */
}
END_TEST

START_TEST(test_parse_rejects_null)
{
	struct erp_uuid out;

	ck_assert_int_eq(erp_uuid_parse(NULL, &out), -1);
}
END_TEST

/* A short string must stop the parser at its NUL (ASan checks the reads). */
START_TEST(test_parse_short_heap_string_reads_in_bounds)
{
	static const char prefix[] = "0190a3b4-c5d6";
	char *text = malloc(sizeof(prefix));
	struct erp_uuid out;

	ck_assert_ptr_nonnull(text);
	memcpy(text, prefix, sizeof(prefix));
	ck_assert_int_eq(erp_uuid_parse(text, &out), -1);
	free(text);
}
END_TEST

START_TEST(test_equal)
{
	struct erp_uuid a, b;

	erp_uuid_v7(&a);
	b = a;
	ck_assert(erp_uuid_equal(&a, &b));
	b.bytes[15] ^= 1;
	ck_assert(!erp_uuid_equal(&a, &b));
}
END_TEST

Suite *test_suite(void)
{
	Suite *suite = suite_create("uuid");
	TCase *generation = tcase_create("v7");
	TCase *text = tcase_create("text");

	tcase_add_unchecked_fixture(generation, setup_sodium, NULL);
	tcase_add_test(generation, test_v7_has_version_and_variant_bits);
	tcase_add_test(generation, test_v7_text_is_a_canonical_new_id);
	tcase_add_test(generation, test_v7_millis_close_to_the_clock);
	tcase_add_test(generation, test_v7_timestamp_is_big_endian_unix_millis);
	tcase_add_test(generation, test_v7_consecutive_ids_strictly_increase_as_bytes);
	tcase_add_test(generation, test_v7_counter_increments_within_a_millisecond);
	tcase_add_test(generation, test_v7_random_part_differs);
	tcase_add_test(generation, test_v7_unique_across_threads);
	tcase_add_test(generation, test_v7_child_after_fork_does_not_repeat_parent);
	tcase_add_test(generation, test_equal);
	suite_add_tcase(suite, generation);

	tcase_add_unchecked_fixture(text, setup_sodium, NULL);
	tcase_add_test(text, test_format_is_canonical_lower_case);
	tcase_add_test(text, test_parse_format_round_trip);
	tcase_add_test(text, test_parse_accepts_upper_case);
	tcase_add_loop_test(text, test_parse_rejects_malformed, 0,
			    (int)(sizeof(malformed_uuids) / sizeof(malformed_uuids[0])));
	tcase_add_test(text, test_parse_rejects_null);
	tcase_add_test(text, test_parse_short_heap_string_reads_in_bounds);
	suite_add_tcase(suite, text);
	return suite;
}
