/*
 * Red team: identity administration, one step after another (no races; those
 * are in role_edit_race_test.c). The bootstrap administrator (A) holds every
 * iam.* permission, iam.sod.override included; the fixture's second
 * administrator (B) approves what A asks for. Each test tries to leave a
 * user with more than two people agreed to (docs/controls.md, "Segregation
 * of duties", "Grants and roles"):
 *
 *  - a request outliving its role: the role deleted and recreated under the
 *    same name, or changed and changed back, before the approval;
 *  - an override accepted in company S1 used in company S2 or globally;
 *  - an override's assignment revoked while another assignment it covered
 *    stays: the override ends, the conflict must not stay;
 *  - deciding a request about oneself, or one's own request, by every route;
 *  - two administrators putting posting into an administrator's hands;
 *  - a one-time password surviving deactivation and reactivation.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test/support/check_main.h"
#include "test/support/iam_fixture.h"
#include "test/support/ledger_fixture.h"
#include "test/support/testlib.h"

static struct test_ledger L;
static const char *B; /* the second administrator's token */
static char b_id[40];

static void start_shared(void)
{
	char *id;

	test_ledger_start(&L, "t_attack_iam_sequences", NULL);
	B = test_iam_second_admin_token(L.server.base_url);
	id = test_db_value(L.db_url, "SELECT id FROM users WHERE email = '" TEST_IAM_SECOND_ADMIN "'");
	ck_assert_ptr_nonnull(id);
	snprintf(b_id, sizeof(b_id), "%s", id);
	free(id);
	test_ledger_company(&L, "S1", "EUR");
	test_ledger_company(&L, "S2", "EUR");
	test_ledger_role(&L, "sq-writer", "[\"ledger.journal.create\",\"ledger.journal.read\"]");
	test_ledger_role(&L, "sq-poster", "[\"ledger.journal.post\",\"ledger.journal.read\"]");
	test_ledger_role(&L, "sq-poster2", "[\"ledger.journal.post\",\"ledger.report.read\"]");
}

static void stop_shared(void)
{
	test_ledger_stop(&L);
}

static long call(const char *token, const char *method, const char *path, const char *header,
		 const char *body, struct test_response *r)
{
	return test_ledger_call(&L, token, method, path, header, body, r);
}

static const char *grants(const char *user_id)
{
	return test_ledger_path("/api/v1/users/%s/role-assignments", user_id);
}

/* A asks for role in company (NULL: globally) for user_id; asserts 202; writes the request id. */
static void request(const char *user_id, const char *role, const char *company, char id[40])
{
	struct test_response r;
	char body[200];

	snprintf(body, sizeof(body), company ? "{\"role\":\"%s\",\"company\":\"%s\"}"
					     : "{\"role\":\"%s\",\"company\":null}",
		 role, company);
	call(L.admin_token, "POST", grants(user_id), NULL, body, &r);
	ck_assert_msg(r.status == 202, "request %s for %s: %ld %s", role, user_id, r.status, r.body);
	snprintf(id, 40, "%s", test_ledger_text(r.json, "id"));
	test_response_free(&r);
}

static const char *decide_path(const char *request_id, const char *decision)
{
	return test_ledger_path("/api/v1/role-grant-requests/%s/%s", request_id, decision);
}

static long long conflicts_of(const char *user_id)
{
	return test_ledger_db_number(&L, "SELECT count(*) FROM iam_sod_conflicts(ARRAY['%s'::uuid])",
				     user_id);
}

static long long assignments_of(const char *user_id, const char *role)
{
	return test_ledger_db_number(&L,
				     "SELECT count(*) FROM role_assignments ra JOIN roles r ON r.id = ra.role_id"
				     " WHERE ra.user_id = '%s' AND r.name = '%s'",
				     user_id, role);
}

/* --- a request outlives its role ----------------------------------------------------------- */

START_TEST(a_request_does_not_survive_its_role_being_deleted_and_recreated)
{
	struct test_ledger_user u;
	struct test_response r;
	char req[40];

	test_ledger_user(&L, "recreated@sq.test", &u);
	test_ledger_role(&L, "sq-temp", "[\"ledger.journal.post\",\"ledger.journal.read\"]");
	request(u.id, "sq-temp", "S1", req);
	/* Unassigned, so A may delete it while the request waits, and make it anew, wider. */
	ck_assert_int_eq(call(L.admin_token, "DELETE", "/api/v1/roles/sq-temp", NULL, NULL, NULL), 204);
	test_ledger_role(&L, "sq-temp", "[\"ledger.journal.post\",\"ledger.journal.read\","
					"\"ledger.settings.manage\",\"iam.role.manage\"]");
	/* B approves what the request showed: refused, nothing granted. */
	ck_assert_int_eq(call(B, "POST", decide_path(req, "approve"), NULL, NULL, &r), 409);
	test_response_free(&r);
	ck_assert_int_eq(assignments_of(u.id, "sq-temp"), 0);
}
END_TEST

START_TEST(a_request_does_not_survive_its_role_being_changed_and_changed_back)
{
	struct test_ledger_user u;
	const char *role = "/api/v1/roles/sq-flip";
	char req[40];

	test_ledger_user(&L, "flip@sq.test", &u);
	test_ledger_role(&L, "sq-flip", "[\"ledger.journal.post\",\"ledger.journal.read\"]");
	request(u.id, "sq-flip", "S1", req);
	ck_assert_int_eq(call(L.admin_token, "PATCH", role, test_ledger_read_if_match(&L, L.admin_token, role),
			      "{\"permissions\":[\"ledger.journal.post\",\"ledger.journal.read\","
			      "\"iam.role.manage\"]}", NULL), 200);
	ck_assert_int_eq(call(L.admin_token, "PATCH", role, test_ledger_read_if_match(&L, L.admin_token, role),
			      "{\"permissions\":[\"ledger.journal.post\",\"ledger.journal.read\"]}", NULL),
			 200);
	ck_assert_int_eq(call(B, "POST", decide_path(req, "approve"), NULL, NULL, NULL), 409);
	ck_assert_int_eq(assignments_of(u.id, "sq-flip"), 0);
}
END_TEST

/* --- overrides: their scope, and their end ---------------------------------------------------- */

START_TEST(an_override_in_one_company_is_not_one_in_another_nor_globally)
{
	struct test_ledger_user u;
	struct test_response r;

	test_ledger_user(&L, "scoped@sq.test", &u);
	test_ledger_grant(&L, u.id, "sq-writer", "S1", NULL);
	/* A asks, B accepts: writes and posts in S1 (a small office). */
	test_ledger_grant(&L, u.id, "sq-poster", "S1", "S1 is a one-person office");
	ck_assert_int_eq(conflicts_of(u.id), 0);
	/* Writing in S2 too is fine; posting in S2, or everywhere, is the pair again. */
	test_ledger_grant(&L, u.id, "sq-writer", "S2", NULL);
	call(L.admin_token, "POST", grants(u.id), NULL, "{\"role\":\"sq-poster\",\"company\":\"S2\"}", &r);
	ck_assert_msg(r.status == 409, "poster in S2 under S1's override: %ld %s", r.status, r.body);
	test_response_free(&r);
	call(L.admin_token, "POST", grants(u.id), NULL, "{\"role\":\"sq-poster2\",\"company\":null}", &r);
	ck_assert_msg(r.status == 409, "global poster under S1's override: %ld %s", r.status, r.body);
	test_response_free(&r);
	ck_assert_int_eq(conflicts_of(u.id), 0);
	ck_assert_int_eq(assignments_of(u.id, "sq-poster"), 1);
	ck_assert_int_eq(assignments_of(u.id, "sq-poster2"), 0);
}
END_TEST

START_TEST(revoking_an_overrides_assignment_leaves_nobody_holding_both_sides_unaccepted)
{
	struct test_ledger_user u;
	struct test_response r;
	char req[40], x[40] = "";
	json_t *item;
	size_t i;

	test_ledger_user(&L, "ended@sq.test", &u);
	test_ledger_grant(&L, u.id, "sq-writer", "S1", NULL);
	/* X: posting in S1, with the override of the pair in S1 tied to it. */
	test_ledger_grant(&L, u.id, "sq-poster", "S1", "S1 is a one-person office, for now");
	/* Z: a second posting role in S1. The override covers the pair, so the request asks
	 * the approver to accept nothing: it shows no conflict at all. */
	request(u.id, "sq-poster2", "S1", req);
	ck_assert_int_eq(call(B, "GET", test_ledger_path("/api/v1/role-grant-requests/%s", req), NULL, NULL,
			      &r), 200);
	ck_assert_uint_eq(json_array_size(json_object_get(r.json, "overrides")), 0);
	test_response_free(&r);
	ck_assert_int_eq(call(B, "POST", decide_path(req, "approve"), NULL, NULL, NULL), 200);
	/* A alone revokes X: the override ends with it (ON DELETE CASCADE)... */
	call(L.admin_token, "GET", grants(u.id), NULL, NULL, &r);
	json_array_foreach(json_object_get(r.json, "items"), i, item)
		if (strcmp(test_ledger_text(item, "role"), "sq-poster") == 0)
			snprintf(x, sizeof(x), "%s", test_ledger_text(item, "id"));
	test_response_free(&r);
	ck_assert_int_eq(strlen(x), 36);
	/* ... so the revoke is refused (the other posting role must go first), or, were it
	 * allowed, the user must not be left writing and posting in S1 with no override. */
	ck_assert_int_eq(call(L.admin_token, "DELETE", test_ledger_path("%s/%s", grants(u.id), x), NULL, NULL,
			      NULL), 409);
	ck_assert_msg(conflicts_of(u.id) == 0,
		      "broke: after revoking the assignment the S1 override came with, %s still holds"
		      " ledger.journal.create (sq-writer) and ledger.journal.post (sq-poster2) in S1,"
		      " and no override accepts it: iam_sod_conflicts() reports the pair",
		      u.id);
}
END_TEST

/* --- nobody decides about themselves ------------------------------------------------------------ */

START_TEST(nobody_decides_a_request_about_themselves_or_their_own_request)
{
	struct test_ledger_user u;
	char req[40];
	struct test_response r;

	/* B asks for posting... for A: A may neither approve nor reject it. */
	call(B, "POST", grants(L.admin_id), NULL, "{\"role\":\"sq-writer\",\"company\":\"S1\"}", &r);
	ck_assert_int_eq(r.status, 202);
	snprintf(req, sizeof(req), "%s", test_ledger_text(r.json, "id"));
	test_response_free(&r);
	ck_assert_int_eq(call(L.admin_token, "POST", decide_path(req, "approve"), NULL, NULL, NULL), 403);
	ck_assert_int_eq(call(L.admin_token, "POST", decide_path(req, "reject"), NULL, NULL, NULL), 403);
	ck_assert_int_eq(call(B, "POST", decide_path(req, "approve"), NULL, NULL, NULL), 403);
	ck_assert_int_eq(call(B, "POST", decide_path(req, "reject"), NULL, NULL, NULL), 200);
	/* A asks for a user: A may not approve; the user holds no right to decide at all. */
	test_ledger_user(&L, "self@sq.test", &u);
	request(u.id, "sq-writer", "S1", req);
	ck_assert_int_eq(call(L.admin_token, "POST", decide_path(req, "approve"), NULL, NULL, NULL), 403);
	ck_assert_int_eq(call(u.token, "POST", decide_path(req, "approve"), NULL, NULL, NULL), 403);
	/* Withdrawn by A, it cannot be approved afterwards by B either. */
	ck_assert_int_eq(call(L.admin_token, "POST", decide_path(req, "reject"), NULL, NULL, NULL), 200);
	ck_assert_int_eq(call(B, "POST", decide_path(req, "approve"), NULL, NULL, NULL), 409);
	ck_assert_int_eq(assignments_of(u.id, "sq-writer"), 0);
	ck_assert_int_eq(assignments_of(L.admin_id, "sq-writer"), 0);
}
END_TEST

START_TEST(two_administrators_cannot_make_an_administrator_a_poster)
{
	struct test_response r;
	char req[40];

	/* Without an override: the pair. */
	ck_assert_int_eq(call(B, "POST", grants(L.admin_id), NULL, "{\"role\":\"sq-poster\",\"company\":\"S1\"}",
			      NULL), 409);
	/* With one, B asks and only a third holder of iam.sod.override may accept it: A is the
	 * user, B the requester. */
	call(B, "POST", grants(L.admin_id), NULL,
	     "{\"role\":\"sq-poster\",\"company\":\"S1\",\"override\":true,\"reason\":\"just once\"}", &r);
	ck_assert_int_eq(r.status, 202);
	snprintf(req, sizeof(req), "%s", test_ledger_text(r.json, "id"));
	test_response_free(&r);
	ck_assert_int_eq(call(L.admin_token, "POST", decide_path(req, "approve"), NULL, NULL, NULL), 403);
	ck_assert_int_eq(call(B, "POST", decide_path(req, "approve"), NULL, NULL, NULL), 403);
	ck_assert_int_eq(assignments_of(L.admin_id, "sq-poster"), 0);
	ck_assert_int_eq(call(B, "POST", decide_path(req, "reject"), NULL, NULL, NULL), 200);
}
END_TEST

/* --- the one-time password ----------------------------------------------------------------------- */

START_TEST(a_one_time_password_survives_deactivation_and_reactivation)
{
	char id[40], token[64];
	struct test_response r;

	test_iam_create_user_one_time(L.server.base_url, L.admin_token, "otp@sq.test", "set-by-admin-0001", id);
	ck_assert_int_eq(call(L.admin_token, "POST", test_ledger_path("/api/v1/users/%s/deactivate", id), NULL,
			      NULL, NULL), 200);
	ck_assert_int_eq(call(L.admin_token, "POST", test_ledger_path("/api/v1/users/%s/reactivate", id), NULL,
			      NULL, NULL), 200);
	ck_assert_int_eq(test_iam_login(L.server.base_url, "otp@sq.test", "set-by-admin-0001", token), 0);
	ck_assert_int_eq(call(token, "GET", "/api/v1/users", NULL, NULL, &r), 403);
	ck_assert_str_eq(test_ledger_text(r.json, "type"), "/problems/password-change-required");
	test_response_free(&r);
	ck_assert_int_eq(call(token, "GET", "/api/v1/role-grant-requests", NULL, NULL, NULL), 403);
	ck_assert_int_eq(call(token, "PATCH", test_ledger_path("/api/v1/users/%s", id), "If-Match: \"1\"",
			      "{\"display_name\":\"me\"}", NULL), 403);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("e2e/attack/iam_sequences");
	TCase *tc = tcase_create("iam_sequences");

	tcase_add_unchecked_fixture(tc, start_shared, stop_shared);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, a_request_does_not_survive_its_role_being_deleted_and_recreated);
	tcase_add_test(tc, a_request_does_not_survive_its_role_being_changed_and_changed_back);
	tcase_add_test(tc, an_override_in_one_company_is_not_one_in_another_nor_globally);
	tcase_add_test(tc, revoking_an_overrides_assignment_leaves_nobody_holding_both_sides_unaccepted);
	tcase_add_test(tc, nobody_decides_a_request_about_themselves_or_their_own_request);
	tcase_add_test(tc, two_administrators_cannot_make_an_administrator_a_poster);
	tcase_add_test(tc, a_one_time_password_survives_deactivation_and_reactivation);
	suite_add_tcase(s, tc);
	return s;
}
