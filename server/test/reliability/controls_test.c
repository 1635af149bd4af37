/*
 * Abuse of the segregation-of-duties controls, for the reliability table:
 * one administrator trying every way to give themselves rights, and racing
 * approvals that would each give one user both sides of a pair (the write
 * skew that let 4-7 users in 12-15 tries end with create and post before the
 * decisions were serialised per user).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test/support/check_main.h"
#include "test/support/grant_race.h"
#include "test/support/iam_fixture.h"
#include "test/support/reliability.h"
#include "test/support/testlib.h"

static struct test_server server;
static char db_url[1024];
static char admin_token[64];
static char admin_id[40];

static long call(const char *method, const char *path, const char *body)
{
	struct test_response r;
	long status;

	test_iam_request(server.base_url, method, path, admin_token, NULL, body, &r);
	status = r.status;
	test_response_free(&r);
	return status;
}

static const char *const no_rate_limit[] = { "ERP_RATE_LIMIT_PER_USER=0", NULL };

static void start(void)
{
	snprintf(db_url, sizeof(db_url), "%s", test_db_create("t_rel_controls"));
	test_iam_migrate(db_url);
	snprintf(admin_id, sizeof(admin_id), "%s",
		 test_iam_bootstrap_admin(db_url, "admin@rel-controls.test", "admin-password-0001"));
	/* The administrator makes hundreds of requests in a row in the race: no rate limit here. */
	ck_assert_int_eq(test_server_start(&server, "bin/erp-server-test", db_url, no_rate_limit), 0);
	ck_assert_int_eq(test_iam_login(server.base_url, "admin@rel-controls.test",
					"admin-password-0001", admin_token), 0);
	ck_assert_int_eq(call("POST", "/api/v1/companies",
			      "{\"code\":\"RC\",\"name\":\"Controls\",\"currency\":\"EUR\"}"), 201);
	ck_assert_int_eq(call("POST", "/api/v1/roles",
			      "{\"name\":\"rc-writer\",\"permissions\":[\"ledger.journal.create\"]}"), 201);
	ck_assert_int_eq(call("POST", "/api/v1/roles",
			      "{\"name\":\"rc-poster\",\"permissions\":[\"ledger.journal.post\"]}"), 201);
}

static void stop(void)
{
	ck_assert_int_eq(test_server_stop(&server), 0);
}

START_TEST(one_administrator_alone)
{
	struct attempt {
		const char *method, *path_format, *body;
		long expected;
	} attempts[] = {
		{ "POST", "/api/v1/roles", "{\"name\":\"rc-escape\",\"permissions\":[\"iam.sod.override\"]}", 422 },
		{ "POST", "/api/v1/roles", "{\"name\":\"rc-escape\",\"copy_of\":\"administrator\"}", 422 },
		{ "POST", "/api/v1/users/%s/role-assignments", "{\"role\":\"rc-poster\",\"company\":\"RC\"}", 403 },
		{ "POST", "/api/v1/users/%s/role-assignments",
		  "{\"role\":\"rc-poster\",\"company\":\"RC\",\"override\":true,\"reason\":\"x\"}", 403 },
		{ "DELETE", "/api/v1/roles/administrator", NULL, 409 },
		{ "POST", "/api/v1/users/%s/deactivate", NULL, 409 },
	};
	char outcome[512];
	size_t used = 0, refused = 0;

	for (size_t i = 0; i < sizeof(attempts) / sizeof(attempts[0]); i++) {
		long status = call(attempts[i].method, test_iam_path(attempts[i].path_format, admin_id),
				   attempts[i].body);

		refused += status == attempts[i].expected;
		used += (size_t)snprintf(outcome + used, sizeof(outcome) - used, "%s%ld",
					 i ? " " : "answers ", status);
	}
	snprintf(outcome + used, sizeof(outcome) - used, "; %zu of %zu refused as expected", refused,
		 sizeof(attempts) / sizeof(attempts[0]));
	reliability_record("one administrator alone",
			   "mint iam.sod.override (directly, by copy), grant posting to oneself (with"
			   " and without override), delete the administrator role, deactivate oneself",
			   outcome, refused == sizeof(attempts) / sizeof(attempts[0]));
	ck_assert_uint_eq(refused, sizeof(attempts) / sizeof(attempts[0]));
}
END_TEST

START_TEST(racing_approvals)
{
	int pairs = (int)reliability_scale(500, 60);
	struct grant_race_result result;
	char tried[160], outcome[160], *conflicts;
	bool pass;

	grant_race_run(server.base_url, db_url, admin_token, "RC", "rc-writer", "rc-poster", pairs,
		       "rel-racer", &result);
	conflicts = test_db_value(db_url, "SELECT count(*) FROM iam_sod_conflicts(NULL)");
	snprintf(tried, sizeof(tried),
		 "%d users: entry writing and posting approved at the same moment, two threads", pairs);
	snprintf(outcome, sizeof(outcome),
		 "%ld with both, %ld with exactly one, %ld unexpected answers, %s conflicts in the database",
		 result.both, result.exactly_one, result.unexpected, conflicts ? conflicts : "?");
	pass = result.both == 0 && result.exactly_one == pairs && result.unexpected == 0 &&
	       conflicts && strcmp(conflicts, "0") == 0;
	reliability_record("racing grant approvals", tried, outcome, pass);
	free(conflicts);
	ck_assert(pass);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("reliability/controls");
	TCase *tc = tcase_create("controls");

	tcase_add_unchecked_fixture(tc, start, stop);
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, one_administrator_alone);
	tcase_add_test(tc, racing_approvals);
	suite_add_tcase(s, tc);
	return s;
}
