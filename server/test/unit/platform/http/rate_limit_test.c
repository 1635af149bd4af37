/* Unit tests of server/src/platform/http/rate_limit.c: token buckets per key on a clock the test sets. */
#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#include "platform/http/rate_limit.h"
#include "test/support/check_main.h"

enum { SECOND = 1000000000 };

static const uint64_t t0 = 1000ull * SECOND; /* any monotonic instant */

START_TEST(a_burst_then_the_rate)
{
	struct rate_limit *limit = rate_limit_new(2, 3);

	for (int i = 0; i < 3; i++)
		ck_assert_uint_eq(rate_limit_take(limit, "ann", t0), 0);
	/* Spent: the next token comes in half a second, answered as one whole second. */
	ck_assert_uint_eq(rate_limit_take(limit, "ann", t0), 1);
	ck_assert_uint_eq(rate_limit_take(limit, "ann", t0 + SECOND / 4), 1);
	ck_assert_uint_eq(rate_limit_take(limit, "ann", t0 + SECOND / 2), 0);
	ck_assert_uint_eq(rate_limit_take(limit, "ann", t0 + SECOND / 2), 1);
	/* Two per second, never more than the burst however long the pause. */
	ck_assert_uint_eq(rate_limit_take(limit, "ann", t0 + 100ull * SECOND), 0);
	ck_assert_uint_eq(rate_limit_take(limit, "ann", t0 + 100ull * SECOND), 0);
	ck_assert_uint_eq(rate_limit_take(limit, "ann", t0 + 100ull * SECOND), 0);
	ck_assert_uint_eq(rate_limit_take(limit, "ann", t0 + 100ull * SECOND), 1);
	rate_limit_free(limit);
}
END_TEST

START_TEST(keys_are_limited_apart)
{
	struct rate_limit *limit = rate_limit_new(1, 1);

	ck_assert_uint_eq(rate_limit_take(limit, "ann", t0), 0);
	ck_assert_uint_eq(rate_limit_take(limit, "ann", t0), 1);
	ck_assert_uint_eq(rate_limit_take(limit, "bob", t0), 0);
	ck_assert_uint_eq(rate_limit_take(limit, "bob", t0), 1);
	/* Long keys are told apart by their hash too. */
	ck_assert_uint_eq(rate_limit_take(limit, "0123456789012345678901234567890123456789012345678-a", t0), 0);
	ck_assert_uint_eq(rate_limit_take(limit, "0123456789012345678901234567890123456789012345678-b", t0), 0);
	rate_limit_free(limit);
}
END_TEST

START_TEST(zero_is_no_limit)
{
	ck_assert_ptr_null(rate_limit_new(0, 10));
	rate_limit_free(NULL);
}
END_TEST

START_TEST(a_limited_key_stays_limited_while_many_others_come_and_go)
{
	struct rate_limit *limit = rate_limit_new(1, 5);
	char key[32];

	for (int i = 0; i < 5; i++)
		ck_assert_uint_eq(rate_limit_take(limit, "flooder", t0), 0);
	ck_assert_uint_eq(rate_limit_take(limit, "flooder", t0), 1);
	/* Many times the table's size in other users, each with a nearly full bucket. */
	for (int i = 0; i < 20 * RATE_LIMIT_BUCKETS; i++) {
		snprintf(key, sizeof(key), "user-%d", i);
		ck_assert_uint_eq(rate_limit_take(limit, key, t0), 0);
	}
	/* The emptiest bucket is the last to go: the flooder did not get a fresh burst. */
	ck_assert_uint_eq(rate_limit_take(limit, "flooder", t0), 1);
	rate_limit_free(limit);
}
END_TEST

struct racer {
	struct rate_limit *limit;
	atomic_int *allowed;
};

static void *take_many(void *arg)
{
	struct racer *r = arg;

	for (int i = 0; i < 1000; i++)
		if (rate_limit_take(r->limit, "shared", t0) == 0)
			atomic_fetch_add(r->allowed, 1);
	return NULL;
}

START_TEST(threads_share_one_bucket_exactly)
{
	struct rate_limit *limit = rate_limit_new(10, 250);
	atomic_int allowed = 0;
	struct racer racer = { limit, &allowed };
	pthread_t threads[8];

	for (int i = 0; i < 8; i++)
		ck_assert_int_eq(pthread_create(&threads[i], NULL, take_many, &racer), 0);
	for (int i = 0; i < 8; i++)
		pthread_join(threads[i], NULL);
	/* 8000 attempts at one instant: exactly the burst got through. */
	ck_assert_int_eq(atomic_load(&allowed), 250);
	rate_limit_free(limit);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("unit/platform/rate_limit");
	TCase *tc = tcase_create("rate_limit");

	tcase_add_test(tc, a_burst_then_the_rate);
	tcase_add_test(tc, keys_are_limited_apart);
	tcase_add_test(tc, zero_is_no_limit);
	tcase_add_test(tc, a_limited_key_stays_limited_while_many_others_come_and_go);
	tcase_add_test(tc, threads_share_one_bucket_exactly);
	suite_add_tcase(s, tc);
	return s;
}
