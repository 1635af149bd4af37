/*
 * End to end, the per-user rate limit (platform/http/rate_limit.c, applied by the
 * pipeline once the caller is authenticated): a user who spends their burst
 * gets 429 problems with Retry-After, another user does not notice, and the
 * bucket refills with time.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test/support/check_main.h"
#include "test/support/iam_fixture.h"
#include "test/support/testlib.h"

static const char member_password[] = "member-password-01";

static long me(const char *base_url, const char *token, struct test_response *r)
{
	test_iam_request(base_url, "GET", "/api/v1/me", token, NULL, NULL, r);
	return r->status;
}

START_TEST(a_user_over_the_rate_gets_429_and_others_do_not)
{
	static const char *const env[] = { "ERP_RATE_LIMIT_PER_USER=5", "ERP_RATE_LIMIT_BURST=10", NULL };
	struct test_iam_server s;
	const struct test_server *server = &s.server;
	struct test_response r;
	char id[40], ann[64], bob[64], *retry, *type;
	int ok = 0, throttled = 0;

	test_iam_server_start(&s, "t_rate_limit", "admin@rate.test", env);
	test_iam_create_user(server->base_url, s.admin_token, "ann@rate.test", member_password, id);
	test_iam_create_user(server->base_url, s.admin_token, "bob@rate.test", member_password, id);
	ck_assert_int_eq(test_iam_login(server->base_url, "ann@rate.test", member_password, ann), 0);
	ck_assert_int_eq(test_iam_login(server->base_url, "bob@rate.test", member_password, bob), 0);

	/* 30 requests at once: the burst of 10 (and what refills meanwhile), then 429s. */
	for (int i = 0; i < 30; i++) {
		long status = me(server->base_url, ann, &r);

		ok += status == 200;
		if (status == 429 && throttled++ == 0) {
			retry = test_response_header(&r, "Retry-After");
			type = test_response_header(&r, "Content-Type");
			ck_assert_ptr_nonnull(retry);
			ck_assert_str_eq(retry, "1");
			ck_assert_str_eq(type, "application/problem+json");
			ck_assert_str_eq(json_string_value(json_object_get(r.json, "type")),
					 "/problems/too-many-requests");
			ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(r.json, "detail")),
						     "too many requests for this user"));
			free(retry);
			free(type);
		}
		test_response_free(&r);
	}
	ck_assert_int_ge(ok, 10);
	ck_assert_int_gt(throttled, 0);
	ck_assert_int_eq(ok + throttled, 30);
	/* Another user is not affected; neither are anonymous and public requests. */
	ck_assert_int_eq(me(server->base_url, bob, &r), 200);
	test_response_free(&r);
	ck_assert_int_eq(me(server->base_url, NULL, &r), 401);
	test_response_free(&r);
	/* A second later the bucket holds five more. */
	usleep(1200 * 1000);
	ck_assert_int_eq(me(server->base_url, ann, &r), 200);
	test_response_free(&r);
	test_iam_server_stop(&s);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("e2e/platform/rate_limit");
	TCase *tc = tcase_create("rate_limit");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, a_user_over_the_rate_gets_429_and_others_do_not);
	suite_add_tcase(s, tc);
	return s;
}
