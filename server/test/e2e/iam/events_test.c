/*
 * IAM's domain events end to end, against the real erp-server-test binary:
 * every change a partner system cares about (users, roles, companies,
 * grants, revokes, grant requests and their decisions) appears once, in
 * order, in the right stream (users and roles in the global one, a
 * company's grants in the company's), with its facts and no secret; a
 * refused change appears nowhere.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "platform/events/events.h"
#include "test/support/check_main.h"
#include "test/support/event_fixture.h"
#include "test/support/iam_fixture.h"
#include "test/support/testlib.h"

static struct test_iam_server S;
static char reader[64];

static const char user_password[] = "events-user-password-1";

static void start_shared(void)
{
	static const char *const env[] = { "ERP_RATE_LIMIT_PER_USER=0", NULL };

	test_iam_server_start(&S, "t_iam_events", "admin@iam-events.test", env);
	test_events_reader(S.server.base_url, S.admin_token, "reader@iam-events.test", reader);
}

static void stop_shared(void)
{
	test_iam_server_stop(&S);
}

/* A call as the administrator (token NULL) or token that must answer expected; r may be NULL. */
static void expect(const char *token, const char *method, const char *path, const char *header,
		   const char *body, long expected, struct test_response *out)
{
	struct test_response r;

	test_iam_request(S.server.base_url, method, path, token ? token : S.admin_token, header, body,
			 &r);
	ck_assert_msg(r.status == expected, "%s %s %s: %ld %s", method, path, body ? body : "",
		      r.status, r.body);
	if (out)
		*out = r;
	else
		test_response_free(&r);
}

/* The events of a stream since last, checked for order and then for their types. */
static json_t *events_since(const char *company, long long last, const char *const *types)
{
	return test_events_since(S.server.base_url, reader, company, last, types);
}

static long long last_of(const char *company)
{
	return test_events_last(S.server.base_url, reader, company);
}

/* What every event says about itself: entity, actor, request, stream, and no secret. */
static void assert_event(json_t *event, const char *entity, const char *entity_id,
			 const char *actor_id, const char *company_id)
{
	json_t *company = json_object_get(event, "company_id");

	ck_assert_str_eq(json_string_value(json_object_get(event, "entity")), entity);
	if (entity_id)
		ck_assert_str_eq(json_string_value(json_object_get(event, "entity_id")), entity_id);
	ck_assert_str_eq(json_string_value(json_object_get(event, "actor_id")), actor_id);
	ck_assert(json_is_string(json_object_get(event, "request_id")));
	ck_assert(json_is_string(json_object_get(event, "occurred_at")));
	if (company_id)
		ck_assert_str_eq(json_string_value(company), company_id);
	else
		ck_assert(json_is_null(company));
	ck_assert_ptr_null(event_payload_secret(json_object_get(event, "payload")));
}

START_TEST(a_users_life_is_in_the_global_stream)
{
	static const char *const types[] = { "iam.user.created", "iam.user.updated",
					      "iam.user.deactivated", "iam.user.reactivated", NULL };
	long long last = last_of(NULL);
	struct test_response r;
	char id[40], if_match[64];
	json_t *events, *changed;

	test_iam_create_user(S.server.base_url, S.admin_token, "life@iam-events.test", user_password,
			     id);
	expect(NULL, "GET", test_iam_path("/api/v1/users/%s", id), NULL, NULL, 200, &r);
	snprintf(if_match, sizeof(if_match), "If-Match: \"%lld\"",
		 json_integer_value(json_object_get(r.json, "version")));
	test_response_free(&r);
	expect(NULL, "PATCH", test_iam_path("/api/v1/users/%s", id), if_match,
	       "{\"display_name\":\"Life, renamed\"}", 200, NULL);
	expect(NULL, "POST", test_iam_path("/api/v1/users/%s/deactivate", id), NULL, NULL, 200, NULL);
	/* Already inactive: nothing changes, nothing is told. */
	expect(NULL, "POST", test_iam_path("/api/v1/users/%s/deactivate", id), NULL, NULL, 200, NULL);
	expect(NULL, "POST", test_iam_path("/api/v1/users/%s/reactivate", id), NULL, NULL, 200, NULL);

	events = events_since(NULL, last, types);
	for (size_t i = 0; i < json_array_size(events); i++)
		assert_event(json_array_get(events, i), "user", id, S.admin_id, NULL);
	ck_assert_str_eq(json_string_value(test_events_payload(json_array_get(events, 0), "email")),
			 "life@iam-events.test");
	ck_assert_ptr_null(test_events_payload(json_array_get(events, 0), "must_change_password"));
	ck_assert_str_eq(json_string_value(test_events_payload(json_array_get(events, 1),
							       "display_name")), "Life, renamed");
	changed = test_events_payload(json_array_get(events, 1), "changed");
	ck_assert_str_eq(json_string_value(json_array_get(changed, 0)), "display_name");
	ck_assert(json_is_false(test_events_payload(json_array_get(events, 2), "active")));
	ck_assert(json_is_true(test_events_payload(json_array_get(events, 3), "active")));
	json_decref(events);
}
END_TEST

START_TEST(refused_changes_tell_nothing)
{
	static const char *const none[] = { NULL };
	long long last = last_of(NULL);
	char id[40];

	test_iam_create_user_one_time(S.server.base_url, S.admin_token, "refused@iam-events.test",
				      user_password, id);
	last++; /* its creation */
	expect(NULL, "PATCH", test_iam_path("/api/v1/users/%s", id), "If-Match: \"9\"",
	       "{\"display_name\":\"stale\"}", 412, NULL);
	expect(NULL, "POST", "/api/v1/users", NULL,
	       "{\"email\":\"refused@iam-events.test\",\"display_name\":\"again\","
	       "\"password\":\"another-password-01\"}", 409, NULL);
	expect(NULL, "POST", test_iam_path("/api/v1/users/%s/deactivate", S.admin_id), NULL, NULL, 409,
	       NULL);
	expect(NULL, "POST", test_iam_path("/api/v1/users/%s/role-assignments", S.admin_id), NULL,
	       "{\"role\":\"event-reader\",\"company\":null}", 403, NULL);
	json_decref(events_since(NULL, last, none));
}
END_TEST

START_TEST(a_company_opens_its_own_stream)
{
	static const char *const company_types[] = { "iam.company.created", "iam.company.updated",
						     NULL };
	static const char *const none[] = { NULL };
	long long global = last_of(NULL);
	struct test_response r;
	char company_id[40];
	json_t *events;

	expect(NULL, "POST", "/api/v1/companies", NULL,
	       "{\"code\":\"EVC\",\"name\":\"Event Company\",\"currency\":\"EUR\"}", 201, &r);
	snprintf(company_id, sizeof(company_id), "%s", json_string_value(json_object_get(r.json, "id")));
	test_response_free(&r);
	expect(NULL, "PATCH", "/api/v1/companies/EVC", "If-Match: \"1\"", "{\"name\":\"Renamed\"}", 200,
	       NULL);

	events = events_since("EVC", 0, company_types);
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(events, 0), "sequence")), 1);
	for (size_t i = 0; i < json_array_size(events); i++)
		assert_event(json_array_get(events, i), "company", company_id, S.admin_id, company_id);
	ck_assert_str_eq(json_string_value(test_events_payload(json_array_get(events, 0), "code")),
			 "EVC");
	ck_assert_str_eq(json_string_value(test_events_payload(json_array_get(events, 1), "name")),
			 "Renamed");
	json_decref(events);
	/* Nothing of the company's in the global stream. */
	json_decref(events_since(NULL, global, none));
}
END_TEST

START_TEST(grants_revokes_and_requests_are_in_the_grants_scope)
{
	static const char *const company_types[] = {
		"iam.company.created", "iam.role.granted", "iam.role.revoked",
		"iam.grant.requested", "iam.role.granted", "iam.grant.approved", NULL,
	};
	static const char *const global_types[] = {
		"iam.user.created", "iam.role.created", "iam.role.created",
		"iam.grant.requested", "iam.grant.rejected", "iam.grant.requested",
		"iam.grant.withdrawn", "iam.role.granted", "iam.role.updated", NULL,
	};
	const char *second = test_iam_second_admin_token(S.server.base_url);
	long long global = last_of(NULL);
	struct test_response r;
	char user[40], request[40], company_id[40];
	json_t *events, *granted;

	expect(NULL, "POST", "/api/v1/companies", NULL,
	       "{\"code\":\"EVG\",\"name\":\"Grants\",\"currency\":\"EUR\"}", 201, &r);
	snprintf(company_id, sizeof(company_id), "%s", json_string_value(json_object_get(r.json, "id")));
	test_response_free(&r);
	test_iam_create_user_one_time(S.server.base_url, S.admin_token, "grantee@iam-events.test",
				      user_password, user);
	expect(NULL, "POST", "/api/v1/roles", NULL,
	       "{\"name\":\"ev-plain\",\"permissions\":[\"iam.company.read\"]}", 201, NULL);
	expect(NULL, "POST", "/api/v1/roles", NULL,
	       "{\"name\":\"ev-poster\",\"permissions\":[\"ledger.journal.post\"]}", 201, NULL);

	/* A plain grant takes effect at once; its revoke too. */
	expect(NULL, "POST", test_iam_path("/api/v1/users/%s/role-assignments", user), NULL,
	       "{\"role\":\"ev-plain\",\"company\":\"EVG\"}", 201, &r);
	expect(NULL, "DELETE", test_iam_path("/api/v1/users/%s/role-assignments/%s", user,
					     json_string_value(json_object_get(r.json, "id"))),
	       NULL, NULL, 204, NULL);
	test_response_free(&r);
	/* A privileged grant is requested, then approved by the second administrator. */
	expect(NULL, "POST", test_iam_path("/api/v1/users/%s/role-assignments", user), NULL,
	       "{\"role\":\"ev-poster\",\"company\":\"EVG\"}", 202, &r);
	snprintf(request, sizeof(request), "%s", json_string_value(json_object_get(r.json, "id")));
	test_response_free(&r);
	expect(second, "POST", test_iam_path("/api/v1/role-grant-requests/%s/approve", request), NULL,
	       NULL, 200, NULL);
	/* Another is rejected by the second administrator, a third withdrawn by its requester. */
	for (int i = 0; i < 2; i++) {
		expect(NULL, "POST", test_iam_path("/api/v1/users/%s/role-assignments", user), NULL,
		       "{\"role\":\"ev-poster\",\"company\":null}", 202, &r);
		expect(i == 0 ? second : NULL, "POST",
		       test_iam_path("/api/v1/role-grant-requests/%s/reject",
				     json_string_value(json_object_get(r.json, "id"))),
		       NULL, NULL, 200, NULL);
		test_response_free(&r);
	}
	/* A global grant, and a role changed: the global stream. */
	expect(NULL, "POST", test_iam_path("/api/v1/users/%s/role-assignments", user), NULL,
	       "{\"role\":\"ev-plain\",\"company\":null}", 201, NULL);
	expect(NULL, "PATCH", "/api/v1/roles/ev-plain", "If-Match: \"1\"",
	       "{\"description\":\"reads companies\"}", 200, NULL);

	events = events_since("EVG", 0, company_types);
	granted = json_array_get(events, 4);
	/* The approval's act: the second administrator's. */
	assert_event(granted, "role_assignment", NULL,
		     json_string_value(test_events_payload(granted, "approved_by")), company_id);
	ck_assert_str_ne(json_string_value(json_object_get(granted, "actor_id")), S.admin_id);
	ck_assert_str_eq(json_string_value(test_events_payload(granted, "user_id")), user);
	ck_assert_str_eq(json_string_value(test_events_payload(granted, "role")), "ev-poster");
	ck_assert_str_eq(json_string_value(test_events_payload(granted, "company")), "EVG");
	ck_assert_str_eq(json_string_value(test_events_payload(granted, "grant_request")), request);
	ck_assert_ptr_null(test_events_payload(granted, "reason"));
	ck_assert_str_eq(json_string_value(test_events_payload(json_array_get(events, 5), "status")),
			 "approved");
	ck_assert_str_eq(json_string_value(test_events_payload(json_array_get(events, 3), "id")),
			 request);
	assert_event(json_array_get(events, 2), "role_assignment", NULL, S.admin_id, company_id);
	json_decref(events);
	/* The requests for a global grant, and the role itself: the global stream. */
	events = events_since(NULL, global, global_types);
	assert_event(json_array_get(events, 4), "role_grant_request", NULL,
		     json_string_value(test_events_payload(json_array_get(events, 4), "decided_by")),
		     NULL);
	ck_assert_str_eq(json_string_value(test_events_payload(json_array_get(events, 6), "status")),
			 "withdrawn");
	json_decref(events);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("e2e/iam/events");
	TCase *tc = tcase_create("events");

	tcase_add_unchecked_fixture(tc, start_shared, stop_shared);
	tcase_add_test(tc, a_users_life_is_in_the_global_stream);
	tcase_add_test(tc, refused_changes_tell_nothing);
	tcase_add_test(tc, a_company_opens_its_own_stream);
	tcase_add_test(tc, grants_revokes_and_requests_are_in_the_grants_scope);
	suite_add_tcase(s, tc);
	return s;
}
