/* Unit tests of server/src/modules/iam/hash_limit.c: slots taken without waiting, per thread. */
#include <check.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>

#include "modules/iam/internal.h"
#include "test/support/check_main.h"

/* A thread that takes a slot, reports, and keeps it until told to release. */
struct holder {
	pthread_t thread;
	atomic_int state; /* 0 starting, 1 took, 2 refused, 3 told to release */
};

static void *hold(void *arg)
{
	struct holder *h = arg;

	atomic_store(&h->state, iam_hash_limit_take() ? 1 : 2);
	if (atomic_load(&h->state) == 2)
		return NULL;
	while (atomic_load(&h->state) != 3)
		sched_yield();
	iam_hash_limit_release();
	return NULL;
}

static int start_holder(struct holder *h)
{
	atomic_store(&h->state, 0);
	ck_assert_int_eq(pthread_create(&h->thread, NULL, hold, h), 0);
	while (atomic_load(&h->state) == 0)
		sched_yield();
	return atomic_load(&h->state);
}

static void stop_holder(struct holder *h)
{
	if (atomic_load(&h->state) == 1)
		atomic_store(&h->state, 3);
	pthread_join(h->thread, NULL);
}

START_TEST(slots_are_counted_across_threads_and_refused_without_waiting)
{
	struct holder a, b, c;

	iam_hash_limit_init(2);
	ck_assert_int_eq(start_holder(&a), 1);
	ck_assert_int_eq(start_holder(&b), 1);
	ck_assert_int_eq(start_holder(&c), 2); /* both taken: refused at once */
	ck_assert(!iam_hash_limit_take());
	stop_holder(&c);
	stop_holder(&a);
	ck_assert(iam_hash_limit_take()); /* a gave its slot back */
	ck_assert(iam_hash_limit_held());
	iam_hash_limit_release();
	ck_assert(!iam_hash_limit_held());
	stop_holder(&b);
}
END_TEST

START_TEST(a_thread_holding_a_slot_may_take_it_again)
{
	struct holder other;

	iam_hash_limit_init(1);
	ck_assert(iam_hash_limit_take());
	ck_assert(iam_hash_limit_take());
	iam_hash_limit_release();
	ck_assert(iam_hash_limit_held()); /* the outer take still holds it */
	ck_assert_int_eq(start_holder(&other), 2);
	stop_holder(&other);
	iam_hash_limit_release();
	ck_assert(!iam_hash_limit_held());
	iam_hash_limit_release(); /* one too many: ignored, not a slot handed out twice */
	ck_assert_int_eq(start_holder(&other), 1);
	ck_assert(!iam_hash_limit_take());
	stop_holder(&other);
}
END_TEST

START_TEST(zero_slots_means_one)
{
	iam_hash_limit_init(0);
	ck_assert(iam_hash_limit_take());
	iam_hash_limit_release();
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("unit/modules/iam/hash_limit");
	TCase *tc = tcase_create("hash_limit");

	tcase_add_test(tc, slots_are_counted_across_threads_and_refused_without_waiting);
	tcase_add_test(tc, a_thread_holding_a_slot_may_take_it_again);
	tcase_add_test(tc, zero_slots_means_one);
	suite_add_tcase(s, tc);
	return s;
}
