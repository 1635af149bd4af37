/*
 * Company isolation in the ledger, end to end against the real
 * erp-server-test binary. A company where the caller holds no role does not
 * exist for them (404, like a company that does not exist; modules/iam
 * grants.c), on every ledger route; ids of another company's entries and
 * periods are not found under one's own company's path, even for a user
 * who may act in both; lists, reports and account codes stay inside their
 * company. Nothing of company B changes whatever A's users send.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test/support/check_main.h"
#include "test/support/ledger_fixture.h"
#include "test/support/testlib.h"

static struct test_ledger L;
/*
 * a: everything in IA but posting, locking and discarding; a_poster posts in IA,
 * a_controller locks and reopens IA's periods and discards drafts; b_*: the same in IB;
 * both: clerk in IA and IB.
 */
static struct test_ledger_user a, a_poster, a_controller, b, b_poster, both, b_viewer;
static char b_draft[40], b_posted[40], b_period[40], both_b_draft[40];

static const char all_but_post[] =
	"[\"ledger.account.read\",\"ledger.account.manage\",\"ledger.period.read\","
	"\"ledger.period.manage\",\"ledger.period.post-closed\",\"ledger.journal.read\","
	"\"ledger.journal.create\",\"ledger.report.read\",\"ledger.settings.manage\"]";

static void start_shared(void)
{
	static const char *const companies[] = { "IA", "IB" };

	test_ledger_start(&L, "t_ledger_isolation", NULL);
	test_ledger_role(&L, "is-all-but-post", all_but_post);
	test_ledger_role(&L, "is-poster", "[\"ledger.journal.post\",\"ledger.journal.read\"]");
	test_ledger_role(&L, "is-clerk", "[\"ledger.journal.create\",\"ledger.journal.read\"]");
	test_ledger_role(&L, "is-controller", "[\"ledger.period.lock\",\"ledger.period.read\","
					       "\"ledger.journal.discard\",\"ledger.journal.read\"]");
	test_ledger_role(&L, "is-company-viewer", "[\"iam.company.read\"]");
	test_ledger_user(&L, "a@isolation.test", &a);
	test_ledger_user(&L, "a-poster@isolation.test", &a_poster);
	test_ledger_user(&L, "a-controller@isolation.test", &a_controller);
	test_ledger_user(&L, "b@isolation.test", &b);
	test_ledger_user(&L, "b-poster@isolation.test", &b_poster);
	test_ledger_user(&L, "both@isolation.test", &both);
	test_ledger_user(&L, "b-viewer@isolation.test", &b_viewer);
	for (size_t i = 0; i < 2; i++) {
		const struct test_ledger_user *owner = i == 0 ? &a : &b;

		test_ledger_company(&L, companies[i], "EUR");
		test_ledger_grant(&L, owner->id, "is-all-but-post", companies[i], NULL);
		test_ledger_grant(&L, (i == 0 ? &a_poster : &b_poster)->id, "is-poster", companies[i], NULL);
		test_ledger_grant(&L, both.id, "is-clerk", companies[i], NULL);
		test_ledger_account(&L, owner->token, companies[i], "1000", "asset", NULL);
		test_ledger_account(&L, owner->token, companies[i], "4000", "revenue", NULL);
		test_ledger_fiscal_year(&L, owner->token, companies[i], 2026);
	}
	test_ledger_grant(&L, b_viewer.id, "is-company-viewer", "IB", NULL);
	test_ledger_grant(&L, a_controller.id, "is-controller", "IA", NULL);
	test_ledger_account(&L, b.token, "IB", "3000", "equity", NULL);

	test_ledger_draft(&L, b.token, "IB", "2026-05-02", "1000", "4000", "777.00", "Secret B draft", b_draft);
	test_ledger_draft(&L, b.token, "IB", "2026-05-01", "1000", "4000", "777.00", "Secret B posted", b_posted);
	test_ledger_post(&L, b_poster.token, "IB", b_posted, NULL);
	test_ledger_period_id(&L, b.token, "IB", "2026-05", b_period);
	test_ledger_draft(&L, both.token, "IB", "2026-05-03", "1000", "4000", "5.00", "Both in B", both_b_draft);
}

static void stop_shared(void)
{
	test_ledger_stop(&L);
}

/* What must hold of company B after anything A's users tried. */
static void assert_b_untouched(void)
{
	struct test_response r;

	ck_assert_int_eq(test_ledger_call(&L, b.token, "GET",
					  test_ledger_path("/api/v1/companies/IB/journal-entries/%s", b_draft),
					  NULL, NULL, &r), 200);
	ck_assert_str_eq(test_ledger_text(r.json, "status"), "draft");
	ck_assert_int_eq(json_integer_value(json_object_get(r.json, "version")), 1);
	test_response_free(&r);
	ck_assert_int_eq(test_ledger_call(&L, b.token, "GET",
					  test_ledger_path("/api/v1/companies/IB/journal-entries/%s", b_posted),
					  NULL, NULL, &r), 200);
	ck_assert(json_is_null(json_object_get(r.json, "reversed_by")));
	test_response_free(&r);
	ck_assert_int_eq(test_ledger_call(&L, both.token, "GET",
					  test_ledger_path("/api/v1/companies/IB/journal-entries/%s",
							   both_b_draft), NULL, NULL, NULL), 200);
	ck_assert_int_eq(test_ledger_call(&L, b.token, "GET", "/api/v1/companies/IB/accounts/1000", NULL,
					  NULL, &r), 200);
	ck_assert_str_eq(test_ledger_text(r.json, "name"), "1000");
	ck_assert(json_is_true(json_object_get(r.json, "active")));
	ck_assert_int_eq(json_integer_value(json_object_get(r.json, "version")), 1);
	test_response_free(&r);
	ck_assert_int_eq(test_ledger_db_number(&L,
					       "SELECT count(*) FROM ledger_periods p JOIN companies c"
					       " ON c.id = p.company_id WHERE c.code = 'IB'"
					       " AND (p.status <> 'open' OR p.fiscal_year <> 2026)"), 0);
	ck_assert_int_eq(test_ledger_db_number(&L,
					       "SELECT count(*) FROM ledger_entries e JOIN companies c"
					       " ON c.id = e.company_id WHERE c.code = 'IB'"), 3);
	ck_assert_int_eq(test_ledger_db_number(&L,
					       "SELECT count(*) FROM ledger_accounts a JOIN companies c"
					       " ON c.id = a.company_id WHERE c.code = 'IB'"), 3);
	ck_assert_int_eq(test_ledger_db_number(&L,
					       "SELECT count(*) FROM ledger_settings s JOIN companies c"
					       " ON c.id = s.company_id WHERE c.code = 'IB'"), 0);
}

struct attempt {
	const char *method;
	const char *path;         /* malloc'd */
	const char *extra_header;
	const char *body;
};

#define VALID_ENTRY                                                                          \
	"{\"date\":\"2026-05-04\",\"memo\":\"Planted\",\"lines\":["                          \
	"{\"account\":\"1000\",\"debit\":\"1.00\"},{\"account\":\"4000\",\"credit\":\"1.00\"}]}"

/* Every ledger route, aimed at company (code) with B's objects as the path ids. */
static size_t attempts(const char *company, struct attempt *out)
{
	const char *c = test_ledger_path("/api/v1/companies/%s", company);
	char *base = strdup(c); /* test_ledger_path's buffers rotate: keep one copy per call */
	size_t n = 0;

#define ADD(method, path, header, body)                                                      \
	out[n++] = (struct attempt){ method, strdup(path), header, body }

	ADD("GET", test_ledger_path("%s/accounts", base), NULL, NULL);
	ADD("POST", test_ledger_path("%s/accounts", base), NULL,
	    "{\"code\":\"9999\",\"name\":\"Planted\",\"type\":\"asset\"}");
	ADD("GET", test_ledger_path("%s/accounts/1000", base), NULL, NULL);
	ADD("PATCH", test_ledger_path("%s/accounts/1000", base), "If-Match: \"1\"", "{\"name\":\"Taken\"}");
	ADD("POST", test_ledger_path("%s/accounts/1000/deactivate", base), NULL, NULL);
	ADD("POST", test_ledger_path("%s/accounts/1000/reactivate", base), NULL, NULL);
	ADD("GET", test_ledger_path("%s/accounts/1000/ledger", base), NULL, NULL);
	ADD("GET", test_ledger_path("%s/fiscal-periods", base), NULL, NULL);
	ADD("POST", test_ledger_path("%s/fiscal-periods", base), NULL, "{\"fiscal_year\":2027}");
	ADD("POST", test_ledger_path("%s/fiscal-periods/%s/close", base, b_period), NULL, NULL);
	ADD("POST", test_ledger_path("%s/fiscal-periods/%s/lock", base, b_period), NULL, NULL);
	ADD("POST", test_ledger_path("%s/fiscal-periods/%s/lock/confirm", base, b_period), NULL, NULL);
	ADD("POST", test_ledger_path("%s/fiscal-periods/%s/lock/cancel", base, b_period), NULL, NULL);
	ADD("POST", test_ledger_path("%s/fiscal-periods/%s/reopen", base, b_period), NULL, NULL);
	ADD("GET", test_ledger_path("%s/journal-entries", base), NULL, NULL);
	ADD("POST", test_ledger_path("%s/journal-entries", base), NULL, VALID_ENTRY);
	ADD("GET", test_ledger_path("%s/journal-entries/%s", base, b_draft), NULL, NULL);
	ADD("PUT", test_ledger_path("%s/journal-entries/%s", base, b_draft), "If-Match: \"1\"", VALID_ENTRY);
	ADD("DELETE", test_ledger_path("%s/journal-entries/%s", base, b_draft), NULL, NULL);
	ADD("POST", test_ledger_path("%s/journal-entries/%s/post", base, b_draft), "If-Match: \"1\"", NULL);
	ADD("POST", test_ledger_path("%s/journal-entries/%s/reverse", base, b_posted), "If-Match: \"2\"",
	    "{}");
	ADD("POST", test_ledger_path("%s/journal-entries/%s/take-over", base, b_draft), "If-Match: \"1\"", NULL);
	ADD("POST", test_ledger_path("%s/journal-entries/%s/discard", base, b_draft), NULL, NULL);
	ADD("GET", test_ledger_path("%s/reports/trial-balance", base), NULL, NULL);
	ADD("GET", test_ledger_path("%s/ledger-settings", base), NULL, NULL);
	ADD("PUT", test_ledger_path("%s/ledger-settings", base), "If-Match: \"1\"", "{\"self_posting\":true}");
	ADD("POST", test_ledger_path("%s/ledger-settings/confirm", base), "If-Match: \"1\"", NULL);
	ADD("POST", test_ledger_path("%s/ledger-settings/cancel", base), NULL, NULL);
#undef ADD
	free(base);
	return n;
}

static void free_attempts(struct attempt *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free((char *)list[i].path);
}

enum { ATTEMPTS_MAX = 32 };

START_TEST(another_company_is_not_found_on_any_ledger_route)
{
	const struct test_ledger_user *outsiders[] = { &a, &a_poster };
	struct attempt list[ATTEMPTS_MAX];
	size_t n = attempts("IB", list);

	for (size_t u = 0; u < 2; u++) {
		for (size_t i = 0; i < n; i++) {
			struct test_response r;

			test_ledger_call(&L, outsiders[u]->token, list[i].method, list[i].path,
					 list[i].extra_header, list[i].body, &r);
			ck_assert_msg(r.status == 404, "%s %s as %s: %ld %s", list[i].method, list[i].path,
				      u ? "a-poster" : "a", r.status, r.body);
			/* Only the detail can leak: instance is a random request id (it may hold "777"). */
			ck_assert_ptr_null(strstr(test_ledger_text(r.json, "detail"), "Secret"));
			ck_assert_ptr_null(strstr(test_ledger_text(r.json, "detail"), "777"));
			ck_assert_ptr_null(json_object_get(r.json, "errors"));
			test_response_free(&r);
		}
	}
	free_attempts(list, n);
	/* The same answer as for a company that does not exist at all. */
	n = attempts("NOPE", list);
	for (size_t i = 0; i < n; i++)
		ck_assert_int_eq(test_ledger_call(&L, a.token, list[i].method, list[i].path,
						  list[i].extra_header, list[i].body, NULL), 404);
	free_attempts(list, n);
	assert_b_untouched();
}
END_TEST

START_TEST(a_role_in_the_company_without_the_permission_is_403)
{
	struct attempt list[ATTEMPTS_MAX];
	size_t n = attempts("IB", list);

	for (size_t i = 0; i < n; i++) {
		long status = test_ledger_call(&L, b_viewer.token, list[i].method, list[i].path,
					       list[i].extra_header, list[i].body, NULL);

		ck_assert_msg(status == 403, "%s %s as b-viewer: %ld", list[i].method, list[i].path, status);
	}
	free_attempts(list, n);
	ck_assert_int_eq(test_ledger_call(&L, b_viewer.token, "GET", "/api/v1/companies/IA/journal-entries",
					  NULL, NULL, NULL), 404);
	assert_b_untouched();
}
END_TEST

/* The user of IA who holds the permission of the route at path. */
static const struct test_ledger_user *acting_in_ia(const char *path)
{
	if (strstr(path, "/post") || strstr(path, "/reverse"))
		return &a_poster;
	if (strstr(path, "/lock") || strstr(path, "/reopen") || strstr(path, "/discard"))
		return &a_controller;
	return &a;
}

START_TEST(ids_of_another_company_are_not_found_under_ones_own)
{
	struct attempt list[ATTEMPTS_MAX];
	size_t n = attempts("IA", list);

	/* IA's own routes, with B's entry and period ids: only the id-bearing routes apply. */
	for (size_t i = 0; i < n; i++) {
		const struct test_ledger_user *user = acting_in_ia(list[i].path);
		long status;

		if (!strstr(list[i].path, b_draft) && !strstr(list[i].path, b_posted) &&
		    !strstr(list[i].path, b_period))
			continue;
		status = test_ledger_call(&L, user->token, list[i].method, list[i].path,
					  list[i].extra_header, list[i].body, NULL);
		ck_assert_msg(status == 404, "%s %s: %ld", list[i].method, list[i].path, status);
	}
	free_attempts(list, n);

	/* A user of both companies reads B's entry under B, never under A: not even their own draft. */
	ck_assert_int_eq(test_ledger_call(&L, both.token, "GET",
					  test_ledger_path("/api/v1/companies/IB/journal-entries/%s", b_draft),
					  NULL, NULL, NULL), 200);
	ck_assert_int_eq(test_ledger_call(&L, both.token, "GET",
					  test_ledger_path("/api/v1/companies/IA/journal-entries/%s", b_draft),
					  NULL, NULL, NULL), 404);
	ck_assert_int_eq(test_ledger_call(&L, both.token, "PUT",
					  test_ledger_path("/api/v1/companies/IA/journal-entries/%s",
							   both_b_draft),
					  "If-Match: \"1\"", VALID_ENTRY, NULL), 404);
	ck_assert_int_eq(test_ledger_call(&L, both.token, "DELETE",
					  test_ledger_path("/api/v1/companies/IA/journal-entries/%s",
							   both_b_draft),
					  NULL, NULL, NULL), 404);
	assert_b_untouched();
}
END_TEST

START_TEST(lists_reports_and_codes_stay_inside_the_company)
{
	struct test_response r;
	char id[40];
	json_t *entry;
	size_t i;

	test_ledger_draft(&L, a.token, "IA", "2026-05-01", "1000", "4000", "10.00", "A's own", id);
	test_ledger_post(&L, a_poster.token, "IA", id, NULL);
	/* Code 1000 is IA's own account 1000. */
	ck_assert_int_eq(test_ledger_db_number(&L,
					       "SELECT count(*) FROM ledger_lines l"
					       " JOIN ledger_accounts acc ON acc.id = l.account_id"
					       " JOIN companies c ON c.id = acc.company_id"
					       " WHERE l.entry_id = '%s' AND c.code = 'IA'", id), 2);
	/* An account only IB has is unknown in IA. */
	ck_assert_int_eq(test_ledger_call(&L, a.token, "POST", "/api/v1/companies/IA/journal-entries",
					  NULL, "{\"date\":\"2026-05-01\",\"memo\":\"x\",\"lines\":["
					  "{\"account\":\"3000\",\"debit\":\"1.00\"},"
					  "{\"account\":\"4000\",\"credit\":\"1.00\"}]}", &r), 422);
	ck_assert_ptr_nonnull(strstr(r.body, "\"unknown\""));
	test_response_free(&r);
	ck_assert_int_eq(test_ledger_call(&L, a.token, "GET", "/api/v1/companies/IA/accounts/3000", NULL,
					  NULL, NULL), 404);

	ck_assert_int_eq(test_ledger_call(&L, a.token, "GET",
					  "/api/v1/companies/IA/journal-entries?limit=200", NULL, NULL, &r),
			 200);
	json_array_foreach(json_object_get(r.json, "items"), i, entry) {
		ck_assert_str_ne(test_ledger_text(entry, "id"), b_draft);
		ck_assert_str_ne(test_ledger_text(entry, "id"), b_posted);
		ck_assert_str_ne(test_ledger_text(entry, "id"), both_b_draft);
	}
	ck_assert_ptr_null(strstr(r.body, "Secret"));
	test_response_free(&r);
	ck_assert_int_eq(test_ledger_call(&L, a.token, "GET",
					  "/api/v1/companies/IA/reports/trial-balance?as_of=2026-12-31",
					  NULL, NULL, &r), 200);
	ck_assert_str_eq(test_ledger_text(json_array_get(json_object_get(r.json, "totals"), 0), "debit"),
			 "10.00");
	ck_assert_ptr_null(strstr(r.body, "777"));
	test_response_free(&r);
	ck_assert_int_eq(test_ledger_call(&L, a.token, "GET", "/api/v1/companies/IA/accounts/1000/ledger",
					  NULL, NULL, &r), 200);
	ck_assert_uint_eq(json_array_size(json_object_get(r.json, "items")), 1);
	ck_assert_str_eq(test_ledger_text(json_array_get(json_object_get(r.json, "items"), 0), "balance"),
			 "10.00");
	test_response_free(&r);
	ck_assert_int_eq(test_ledger_call(&L, a.token, "GET", "/api/v1/companies/IA/fiscal-periods?limit=200",
					  NULL, NULL, &r), 200);
	ck_assert_uint_eq(json_array_size(json_object_get(r.json, "items")), 12);
	ck_assert_ptr_null(strstr(r.body, b_period));
	test_response_free(&r);
	assert_b_untouched();
}
END_TEST

START_TEST(an_idempotency_key_never_replays_across_companies)
{
	static const char key[] = "Idempotency-Key: both-2026-05-09";
	const char *body = "{\"date\":\"2026-05-09\",\"memo\":\"Keyed\",\"lines\":["
			   "{\"account\":\"1000\",\"debit\":\"2.00\"},{\"account\":\"4000\",\"credit\":\"2.00\"}]}";
	struct test_response r;

	ck_assert_int_eq(test_ledger_call(&L, both.token, "POST", "/api/v1/companies/IA/journal-entries",
					  key, body, NULL), 201);
	/* The same key and body at B is another request: refused, not A's answer replayed. */
	ck_assert_int_eq(test_ledger_call(&L, both.token, "POST", "/api/v1/companies/IB/journal-entries",
					  key, body, &r), 422);
	ck_assert_ptr_null(test_response_header(&r, "Idempotent-Replayed"));
	test_response_free(&r);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM ledger_entries e"
					       " JOIN companies c ON c.id = e.company_id"
					       " WHERE e.memo = 'Keyed' AND c.code = 'IB'"), 0);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("e2e/ledger/isolation");
	TCase *tc = tcase_create("isolation");

	tcase_add_unchecked_fixture(tc, start_shared, stop_shared);
	tcase_add_test(tc, another_company_is_not_found_on_any_ledger_route);
	tcase_add_test(tc, a_role_in_the_company_without_the_permission_is_403);
	tcase_add_test(tc, ids_of_another_company_are_not_found_under_ones_own);
	tcase_add_test(tc, lists_reports_and_codes_stay_inside_the_company);
	tcase_add_test(tc, an_idempotency_key_never_replays_across_companies);
	suite_add_tcase(s, tc);
	return s;
}
