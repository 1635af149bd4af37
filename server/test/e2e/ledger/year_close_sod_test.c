/*
 * The year-end close's four-eyes against one person with two accounts:
 * whoever administers users or grants roles could make (or pick) the second
 * holder of ledger.year.close and confirm their own close through it. So,
 * as for the ledger settings, identity administration and ledger.year.close
 * are a segregation-of-duties pair: no role holds both, and no user is
 * granted the one while holding the other. End to end against the real
 * erp-server-test binary and PostgreSQL.
 */
#include <check.h>
#include <string.h>

#include "test/support/check_main.h"
#include "test/support/ledger_fixture.h"
#include "test/support/testlib.h"

static struct test_ledger L;
static struct test_ledger_user user_admin, assigner, closer;

static void start_shared(void)
{
	test_ledger_start(&L, "t_ledger_year_close_sod", NULL);
	test_ledger_company(&L, "YS1", "EUR");
	test_ledger_role(&L, "ys-closer", "[\"ledger.year.close\",\"ledger.period.read\"]");
	test_ledger_role(&L, "ys-user-admin", "[\"iam.user.manage\",\"iam.user.read\"]");
	test_ledger_role(&L, "ys-assigner", "[\"iam.assignment.manage\",\"iam.assignment.read\"]");
	test_ledger_user(&L, "user-admin@ys.test", &user_admin);
	test_ledger_user(&L, "assigner@ys.test", &assigner);
	test_ledger_user(&L, "closer@ys.test", &closer);
	test_ledger_grant(&L, user_admin.id, "ys-user-admin", NULL, NULL);
	test_ledger_grant(&L, assigner.id, "ys-assigner", NULL, NULL);
	test_ledger_grant(&L, closer.id, "ys-closer", "YS1", NULL);
}

static void stop_shared(void)
{
	test_ledger_stop(&L);
}

/* The administrator grants role to user_id in company (NULL: globally), without an override. */
static long grant(const char *user_id, const char *role, const char *company, struct test_response *r)
{
	return test_ledger_call(&L, L.admin_token, "POST",
				test_ledger_path("/api/v1/users/%s/role-assignments", user_id), NULL,
				company ? test_ledger_path("{\"role\":\"%s\",\"company\":\"%s\"}", role, company)
					: test_ledger_path("{\"role\":\"%s\",\"company\":null}", role),
				r);
}

static void assert_conflict_names(long status, struct test_response *r, const char *a, const char *b)
{
	ck_assert_msg(status == 409, "%ld, not 409: %s", status, r->body);
	ck_assert_msg(strstr(test_ledger_text(r->json, "detail"), a) &&
		      strstr(test_ledger_text(r->json, "detail"), b), "%s", r->body);
	test_response_free(r);
}

START_TEST(no_role_holds_identity_administration_and_the_year_close)
{
	static const char *const admin_side[] = { "iam.user.manage", "iam.assignment.manage" };

	for (size_t i = 0; i < sizeof(admin_side) / sizeof(admin_side[0]); i++) {
		struct test_response r;
		long status = test_ledger_call(&L, L.admin_token, "POST", "/api/v1/roles", NULL,
					       test_ledger_path("{\"name\":\"ys-both-%zu\",\"permissions\":"
								"[\"%s\",\"ledger.year.close\"]}",
								i, admin_side[i]), &r);

		assert_conflict_names(status, &r, admin_side[i], "ledger.year.close");
	}
}
END_TEST

START_TEST(identity_administrators_are_not_made_closers)
{
	struct test_response r;

	/* Who makes users could make the confirming second closer: refused. */
	assert_conflict_names(grant(user_admin.id, "ys-closer", "YS1", &r), &r, "iam.user.manage",
			      "ledger.year.close");
	/* Who grants roles could hand the confirming permission to an account of theirs: refused. */
	assert_conflict_names(grant(assigner.id, "ys-closer", "YS1", &r), &r, "iam.assignment.manage",
			      "ledger.year.close");
	/* And the other way round: a closer is not made an administrator of identities. */
	assert_conflict_names(grant(closer.id, "ys-assigner", NULL, &r), &r, "iam.assignment.manage",
			      "ledger.year.close");
	assert_conflict_names(grant(closer.id, "ys-user-admin", NULL, &r), &r, "iam.user.manage",
			      "ledger.year.close");
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM role_assignments a"
					       " JOIN roles r ON r.id = a.role_id WHERE"
					       " (r.name = 'ys-closer' AND a.user_id IN ('%s', '%s'))"
					       " OR (r.name IN ('ys-assigner', 'ys-user-admin') AND a.user_id = '%s')",
					       user_admin.id, assigner.id, closer.id), 0);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("e2e/ledger/year_close_sod");
	TCase *tc = tcase_create("year_close_sod");

	tcase_add_unchecked_fixture(tc, start_shared, stop_shared);
	tcase_add_test(tc, no_role_holds_identity_administration_and_the_year_close);
	tcase_add_test(tc, identity_administrators_are_not_made_closers);
	suite_add_tcase(s, tc);
	return s;
}
