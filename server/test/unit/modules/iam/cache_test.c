/* The per-process cache of sessions, grants and company scopes (server/src/modules/iam/cache.c). */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "modules/iam/internal.h"
#include "shared-kernel/errors.h"
#include "test/support/check_main.h"

static const char alice[] = "0190f5b2-7a3c-7def-8123-000000000001";
static const char bob[] = "0190f5b2-7a3c-7def-8123-000000000002";
static const char token_a[] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
static const char token_b[] = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

enum { SECOND = 1000000000 };

static struct iam_cache *cache;

static void setup(void)
{
	cache = iam_cache_new();
}

static void teardown(void)
{
	iam_cache_free(cache);
}

static struct iam_cached_session session_of(const char *user, uint64_t now)
{
	struct iam_cached_session s = { .expires_ns = now + 3600ull * SECOND,
					.idle_ns = now + 1800ull * SECOND,
					.touch_ns = now + 60ull * SECOND };

	snprintf(s.user_id, sizeof(s.user_id), "%s", user);
	return s;
}

static void put_session(const char *token, const char *user, uint64_t now)
{
	struct iam_cached_session s = session_of(user, now);

	iam_cache_session_put(cache, iam_cache_epoch(cache), token, &s, now);
}

static bool has_session(const char *token, uint64_t now)
{
	struct iam_cached_session out;

	return iam_cache_session_get(cache, token, now, &out);
}

static struct iam_grants *grants_for(const char *user, int64_t version)
{
	struct iam_grants *g = iam_grants_new(user, version);

	ck_assert_ptr_nonnull(g);
	ck_assert_int_eq(iam_grants_add(g, "ACME", "ledger.account.read"), ERP_OK);
	return g;
}

static bool has_grants(const char *user)
{
	struct iam_grants *g = iam_cache_grants_get(cache, user);

	iam_grants_free(g);
	return g != NULL;
}

START_TEST(a_stored_session_is_returned_until_it_ends)
{
	struct iam_cached_session out;

	put_session(token_a, alice, 1000);
	ck_assert(iam_cache_session_get(cache, token_a, 2000, &out));
	ck_assert_str_eq(out.user_id, alice);
	ck_assert(!has_session(token_b, 2000));
	/* Past its idle end or its absolute end it is not there: the caller reads the database. */
	ck_assert(!has_session(token_a, 1000 + 1800ull * SECOND));
	ck_assert(!has_session(token_a, 1000 + 3600ull * SECOND));
}
END_TEST

START_TEST(forgetting_a_user_forgets_their_sessions_and_grants_only)
{
	struct iam_grants *g = grants_for(alice, 1), *h = grants_for(bob, 1);

	put_session(token_a, alice, 1000);
	put_session(token_b, bob, 1000);
	iam_cache_grants_put(cache, iam_cache_epoch(cache), g, 1000);
	iam_cache_grants_put(cache, iam_cache_epoch(cache), h, 1000);
	iam_grants_free(g);
	iam_grants_free(h);
	iam_cache_forget(cache, "user:0190f5b2-7a3c-7def-8123-000000000001");
	ck_assert(!has_session(token_a, 2000));
	ck_assert(!has_grants(alice));
	/* bob shares no stripe with alice here: his entries stay. */
	ck_assert(has_session(token_b, 2000));
	ck_assert(has_grants(bob));
}
END_TEST

START_TEST(kinds_are_forgotten_together_as_the_payload_says)
{
	struct iam_grants *g = grants_for(alice, 1);
	struct erp_company_scope acme = { "0190f5b2-7a3c-7def-8123-00000000000c", "ACME", "EUR" }, out;

	put_session(token_a, alice, 1000);
	iam_cache_grants_put(cache, iam_cache_epoch(cache), g, 1000);
	iam_grants_free(g);
	iam_cache_company_put(cache, iam_cache_epoch(cache), &acme, 1000);
	ck_assert(iam_cache_company_get(cache, "ACME", &out));
	ck_assert_str_eq(out.id, acme.id);
	ck_assert_str_eq(out.currency, "EUR");

	iam_cache_forget(cache, "grants");
	ck_assert(!has_grants(alice));
	ck_assert(has_session(token_a, 2000));
	ck_assert(iam_cache_company_get(cache, "ACME", &out));

	iam_cache_forget(cache, "companies");
	ck_assert(!iam_cache_company_get(cache, "ACME", &out));
	ck_assert(has_session(token_a, 2000));

	/* Anything unknown forgets everything: a newer database must not be half understood. */
	iam_cache_forget(cache, "something-new");
	ck_assert(!has_session(token_a, 2000));
}
END_TEST

START_TEST(a_value_read_before_a_notification_is_not_stored_after_it)
{
	uint64_t epoch = iam_cache_epoch(cache);
	struct iam_cached_session s = session_of(alice, 1000);
	struct iam_grants *g = grants_for(alice, 1);
	struct erp_company_scope acme = { "0190f5b2-7a3c-7def-8123-00000000000c", "ACME", "EUR" }, out;

	/* The reader took the epoch, queried; meanwhile a logout's notification arrived. */
	iam_cache_forget(cache, "user:0190f5b2-7a3c-7def-8123-000000000001");
	iam_cache_session_put(cache, epoch, token_a, &s, 1000);
	iam_cache_grants_put(cache, epoch, g, 1000);
	iam_cache_company_put(cache, epoch, &acme, 1000);
	ck_assert(!has_session(token_a, 2000));
	ck_assert(!has_grants(alice));
	ck_assert(!iam_cache_company_get(cache, "ACME", &out));
	/* Read again after it: stored. */
	epoch = iam_cache_epoch(cache);
	iam_cache_session_put(cache, epoch, token_a, &s, 1000);
	iam_cache_grants_put(cache, epoch, g, 1000);
	ck_assert(has_session(token_a, 2000));
	ck_assert(has_grants(alice));
	iam_grants_free(g);
}
END_TEST

START_TEST(one_caller_claims_a_touch_and_it_extends_the_idle_end)
{
	uint64_t now = 1000 + 61ull * SECOND;
	struct iam_cached_session out;

	put_session(token_a, alice, 1000);
	ck_assert(!iam_cache_session_claim_touch(cache, token_a, 1000 + 30ull * SECOND,
						 1000 + 90ull * SECOND));
	ck_assert(iam_cache_session_claim_touch(cache, token_a, now, now + 60ull * SECOND));
	ck_assert(!iam_cache_session_claim_touch(cache, token_a, now, now + 60ull * SECOND));
	iam_cache_session_touched(cache, token_a, now, now + 1800ull * SECOND);
	ck_assert(iam_cache_session_get(cache, token_a, 1000 + 1800ull * SECOND, &out));
	ck_assert_uint_eq(out.idle_ns, now + 1800ull * SECOND);
	/* The absolute end does not move. */
	ck_assert(!has_session(token_a, 1000 + 3600ull * SECOND));
}
END_TEST

START_TEST(grants_are_shared_and_outlive_their_eviction)
{
	struct iam_grants *g = grants_for(alice, 1), *held;

	iam_cache_grants_put(cache, iam_cache_epoch(cache), g, 1000);
	iam_grants_free(g);
	held = iam_cache_grants_get(cache, alice);
	ck_assert_ptr_eq(held, g);
	/* Replaced in the cache while a request still holds the old set. */
	g = grants_for(alice, 2);
	iam_cache_grants_put(cache, iam_cache_epoch(cache), g, 2000);
	iam_grants_free(g);
	ck_assert_int_eq(iam_grants_check(held, "ledger.account.read", "ACME"), ERP_OK);
	ck_assert_int_eq(iam_grants_version(held), 1);
	iam_grants_free(held);
	held = iam_cache_grants_get(cache, alice);
	ck_assert_int_eq(iam_grants_version(held), 2);
	iam_grants_free(held);
}
END_TEST

START_TEST(a_full_set_evicts_its_oldest_entry)
{
	char token[65], user[40];
	int stored = 0;

	/* Far more sessions than the cache holds: it stays bounded and keeps the newest. */
	for (int i = 0; i < 20000; i++) {
		snprintf(token, sizeof(token), "%064x", i);
		snprintf(user, sizeof(user), "0190f5b2-7a3c-7def-8123-%012x", i);
		put_session(token, user, 1000 + (uint64_t)i);
	}
	for (int i = 0; i < 20000; i++) {
		snprintf(token, sizeof(token), "%064x", i);
		stored += has_session(token, 50000);
	}
	ck_assert_int_le(stored, 1024 * 4);
	ck_assert_int_gt(stored, 1024);
	ck_assert(has_session(token, 50000)); /* the last one stored */
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("modules/iam/cache");
	TCase *tc = tcase_create("cache");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, a_stored_session_is_returned_until_it_ends);
	tcase_add_test(tc, forgetting_a_user_forgets_their_sessions_and_grants_only);
	tcase_add_test(tc, kinds_are_forgotten_together_as_the_payload_says);
	tcase_add_test(tc, a_value_read_before_a_notification_is_not_stored_after_it);
	tcase_add_test(tc, one_caller_claims_a_touch_and_it_extends_the_idle_end);
	tcase_add_test(tc, grants_are_shared_and_outlive_their_eviction);
	tcase_add_test(tc, a_full_set_evicts_its_oldest_entry);
	suite_add_tcase(s, tc);
	return s;
}
