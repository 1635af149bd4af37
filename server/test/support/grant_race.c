#include "test/support/grant_race.h"

#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test/support/iam_fixture.h"
#include "test/support/testlib.h"

struct approval {
	const char *base_url;
	char path[128];
	pthread_barrier_t *start;
	long status;
};

static void *approve_run(void *arg)
{
	struct approval *a = arg;
	struct test_response r;

	pthread_barrier_wait(a->start);
	test_iam_request(a->base_url, "POST", a->path, test_iam_second_admin_token(a->base_url), NULL,
			 NULL, &r);
	a->status = r.status;
	test_response_free(&r);
	return NULL;
}

/* Requests role for user_id in company; writes the request's approve path. */
static void request(const char *base_url, const char *admin_token, const char *user_id,
		    const char *role, const char *company, char out[128])
{
	char body[160];
	struct test_response r;

	snprintf(body, sizeof(body), "{\"role\":\"%s\",\"company\":\"%s\"}", role, company);
	test_iam_request(base_url, "POST", test_iam_path("/api/v1/users/%s/role-assignments", user_id),
			 admin_token, NULL, body, &r);
	ck_assert_msg(r.status == 202, "request %s: %ld %s", role, r.status, r.body);
	snprintf(out, 128, "/api/v1/role-grant-requests/%s/approve",
		 json_string_value(json_object_get(r.json, "id")));
	test_response_free(&r);
}

void grant_race_run(const char *base_url, const char *db_url, const char *admin_token,
		    const char *company, const char *role_a, const char *role_b, int pairs,
		    const char *email_prefix, struct grant_race_result *out)
{
	char sql[256];

	memset(out, 0, sizeof(*out));
	snprintf(sql, sizeof(sql),
		 "INSERT INTO users (id, email, display_name, password_hash)"
		 " SELECT gen_random_uuid(), '%s' || n || '@race.test', 'Racer', 'x'"
		 " FROM generate_series(1, %d) n", email_prefix, pairs);
	ck_assert_int_eq(test_db_exec(db_url, sql), 0);
	test_iam_second_admin_token(base_url); /* logged in before the threads start */
	for (int i = 1; i <= pairs; i++) {
		struct approval a = { .base_url = base_url }, b = { .base_url = base_url };
		pthread_barrier_t start;
		pthread_t ta, tb;
		char *user_id;

		snprintf(sql, sizeof(sql), "SELECT id FROM users WHERE email = '%s%d@race.test'",
			 email_prefix, i);
		user_id = test_db_value(db_url, sql);
		ck_assert_ptr_nonnull(user_id);
		request(base_url, admin_token, user_id, role_a, company, a.path);
		request(base_url, admin_token, user_id, role_b, company, b.path);
		free(user_id);
		pthread_barrier_init(&start, NULL, 2);
		a.start = b.start = &start;
		ck_assert_int_eq(pthread_create(&ta, NULL, approve_run, &a), 0);
		ck_assert_int_eq(pthread_create(&tb, NULL, approve_run, &b), 0);
		pthread_join(ta, NULL);
		pthread_join(tb, NULL);
		pthread_barrier_destroy(&start);
		if ((a.status != 200 && a.status != 409) || (b.status != 200 && b.status != 409))
			out->unexpected++;
		out->both += a.status == 200 && b.status == 200;
		out->exactly_one += (a.status == 200) != (b.status == 200);
	}
}
