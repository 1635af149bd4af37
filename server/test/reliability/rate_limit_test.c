/*
 * The per-user rate limit under abuse (docs/controls.md, "Logins, sessions
 * and rate limits"): one user floods an authenticated endpoint from 8
 * connections while a second user makes an ordinary 50 requests a second.
 * The flooder gets 429s and no more than the limit's promise (the burst plus
 * the rate for the time it flooded); the second user gets every request
 * answered 200.
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test/support/check_main.h"
#include "test/support/iam_fixture.h"
#include "test/support/reliability.h"
#include "test/support/testlib.h"

enum { FLOODERS = 8, RATE = 100, BURST = 200 };

static const char member_password[] = "member-password-01";

struct reader {
	char url[256];
	char header[128];
	double seconds;
	unsigned pause_ms;
	struct reliability_reading reading;
};

static void *read_in_thread(void *arg)
{
	struct reader *r = arg;

	reliability_read_for(r->url, r->header, r->seconds, r->pause_ms, &r->reading);
	return NULL;
}

static void reader_init(struct reader *r, const struct test_server *server, const char *token,
			double seconds, unsigned pause_ms)
{
	snprintf(r->url, sizeof(r->url), "%s/api/v1/me", server->base_url);
	snprintf(r->header, sizeof(r->header), "Authorization: Bearer %s", token);
	r->seconds = seconds;
	r->pause_ms = pause_ms;
}

START_TEST(one_user_flooding_is_limited_and_another_is_not)
{
	static const char *const env[] = { "ERP_RATE_LIMIT_PER_USER=100", "ERP_RATE_LIMIT_BURST=200",
					   NULL };
	static struct reader flooders[FLOODERS], other;
	struct test_iam_server s;
	const struct test_server *server = &s.server;
	pthread_t threads[FLOODERS + 1];
	char id[40], flooder_token[64], other_token[64];
	char tried[512], outcome[1024];
	double seconds = (double)reliability_scale(15, 5), longest = 0;
	long ok = 0, throttled = 0, failed = 0, promised;
	bool pass;

	test_iam_server_start(&s, "r_rate_limit", "admin@rate.test", env);
	test_iam_create_user(server->base_url, s.admin_token, "flooder@rate.test", member_password, id);
	test_iam_create_user(server->base_url, s.admin_token, "other@rate.test", member_password, id);
	ck_assert_int_eq(test_iam_login(server->base_url, "flooder@rate.test", member_password,
					flooder_token), 0);
	ck_assert_int_eq(test_iam_login(server->base_url, "other@rate.test", member_password,
					other_token), 0);

	for (int i = 0; i < FLOODERS; i++) {
		reader_init(&flooders[i], server, flooder_token, seconds, 0);
		ck_assert_int_eq(pthread_create(&threads[i], NULL, read_in_thread, &flooders[i]), 0);
	}
	reader_init(&other, server, other_token, seconds, 20);
	ck_assert_int_eq(pthread_create(&threads[FLOODERS], NULL, read_in_thread, &other), 0);
	for (int i = 0; i <= FLOODERS; i++)
		pthread_join(threads[i], NULL);
	for (int i = 0; i < FLOODERS; i++) {
		ok += flooders[i].reading.ok;
		throttled += flooders[i].reading.throttled;
		failed += flooders[i].reading.failed;
		longest = flooders[i].reading.seconds > longest ? flooders[i].reading.seconds : longest;
	}
	/* What the limit promises at most: the burst, then the rate (half a second of slack). */
	promised = BURST + (long)(RATE * (longest + 0.5));
	pass = throttled > 0 && ok <= promised && failed == 0 && other.reading.ok > 0 &&
	       other.reading.throttled == 0 && other.reading.failed == 0 &&
	       reliability_server_alive(&s.server);
	snprintf(tried, sizeof(tried),
		 "one user floods GET /api/v1/me from %d kept-alive connections for %.0f s while another"
		 " user makes one request every 20 ms (ERP_RATE_LIMIT_PER_USER=%d, ERP_RATE_LIMIT_BURST=%d)",
		 FLOODERS, seconds, RATE, BURST);
	snprintf(outcome, sizeof(outcome),
		 "flooder: %ld answered 200 (at most %ld promised), %ld x 429, %ld other; the other"
		 " user: %ld x 200 (%.0f/s), %ld x 429, %ld other, p50 %.1f ms, p99 %.1f ms",
		 ok, promised, throttled, failed, other.reading.ok, other.reading.per_second,
		 other.reading.throttled, other.reading.failed, other.reading.p50_ms, other.reading.p99_ms);
	reliability_record("rate limit: one user floods", tried, outcome, pass);
	ck_assert_msg(pass, "%s", outcome);
	test_iam_server_stop(&s);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("reliability/rate_limit");
	TCase *tc = tcase_create("rate_limit");

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, one_user_flooding_is_limited_and_another_is_not);
	suite_add_tcase(s, tc);
	return s;
}
