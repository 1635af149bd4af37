/*
 * Red team: the ledger's four-eyes, its periods and its roles, tried one
 * person at a time against the real erp-server-test binary
 * (docs/controls.md, "Four-eyes and periods"):
 *
 *  - a clerk, an approver and a controller each stepping outside their role;
 *  - the author of an entry posting it, reversing it, or bringing it back by
 *    reversing its reversal (a user who holds both sides through an audited
 *    override: "four-eyes on posting still applies to them");
 *  - posting a version other than the one reviewed (odd If-Match values);
 *  - a settings change or a period lock by one holder alone, or confirmed
 *    under a version from before the request;
 *  - posting or reversing into a locked period, with ledger.period.post-closed;
 *  - changing a posted entry through every route that changes drafts.
 *
 * Company LR, fiscal years 2025 (long ended: lockable) and 2026.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test/support/check_main.h"
#include "test/support/ledger_fixture.h"
#include "test/support/testlib.h"

#define ENTRIES "/api/v1/companies/LR/journal-entries"
#define SETTINGS "/api/v1/companies/LR/ledger-settings"

static struct test_ledger L;
static struct test_ledger_user keeper, clerk, approver, approver2, controller, controller2, both;

static void start_shared(void)
{
	test_ledger_start(&L, "t_attack_ledger_roles", NULL);
	test_ledger_company(&L, "LR", "EUR");
	test_ledger_role(&L, "lr-keeper", "[\"ledger.account.manage\",\"ledger.account.read\","
					  "\"ledger.period.manage\",\"ledger.period.read\"]");
	test_ledger_role(&L, "lr-clerk", "[\"ledger.journal.create\",\"ledger.journal.read\"]");
	test_ledger_role(&L, "lr-approver", "[\"ledger.journal.post\",\"ledger.journal.read\","
					    "\"ledger.period.post-closed\"]");
	test_ledger_role(&L, "lr-controller", "[\"ledger.period.lock\",\"ledger.settings.manage\","
					      "\"ledger.journal.discard\",\"ledger.journal.read\","
					      "\"ledger.period.read\"]");
	test_ledger_user(&L, "keeper@lr.test", &keeper);
	test_ledger_user(&L, "clerk@lr.test", &clerk);
	test_ledger_user(&L, "approver@lr.test", &approver);
	test_ledger_user(&L, "approver2@lr.test", &approver2);
	test_ledger_user(&L, "controller@lr.test", &controller);
	test_ledger_user(&L, "controller2@lr.test", &controller2);
	test_ledger_user(&L, "both@lr.test", &both);
	test_ledger_grant(&L, keeper.id, "lr-keeper", "LR", NULL);
	test_ledger_grant(&L, clerk.id, "lr-clerk", "LR", NULL);
	test_ledger_grant(&L, approver.id, "lr-approver", "LR", NULL);
	test_ledger_grant(&L, approver2.id, "lr-approver", "LR", NULL);
	test_ledger_grant(&L, controller.id, "lr-controller", "LR", NULL);
	test_ledger_grant(&L, controller2.id, "lr-controller", "LR", NULL);
	/* A small office's chief accountant: writes and posts, through an audited override. */
	test_ledger_grant(&L, both.id, "lr-clerk", "LR", NULL);
	test_ledger_grant(&L, both.id, "lr-approver", "LR", "chief accountant of a small office");
	test_ledger_account(&L, keeper.token, "LR", "1000", "asset", NULL);
	test_ledger_account(&L, keeper.token, "LR", "4000", "revenue", NULL);
	test_ledger_fiscal_year(&L, keeper.token, "LR", 2025);
	test_ledger_fiscal_year(&L, keeper.token, "LR", 2026);
}

static void stop_shared(void)
{
	test_ledger_stop(&L);
}

static long call(const struct test_ledger_user *u, const char *method, const char *path,
		 const char *header, const char *body, struct test_response *r)
{
	return test_ledger_call(&L, u->token, method, path, header, body, r);
}

static const char *entry(const char *id)
{
	return test_ledger_path(ENTRIES "/%s", id);
}

static const char *action(const char *id, const char *what)
{
	return test_ledger_path(ENTRIES "/%s/%s", id, what);
}

static const char *reviewed(const struct test_ledger_user *u, const char *id)
{
	return test_ledger_read_if_match(&L, u->token, entry(id));
}

/* The path of period name ("2026-02") in out: test_ledger_path's buffers rotate. */
static const char *period(const char *name, char out[128])
{
	char id[40];

	test_ledger_period_id(&L, keeper.token, "LR", name, id);
	snprintf(out, 128, "/api/v1/companies/LR/fiscal-periods/%s", id);
	return out;
}

/* Reverses id as u under its current ETag (with body, or {}); returns the status, r filled. */
static long reverse(const struct test_ledger_user *u, const char *id, const char *body,
		    struct test_response *r)
{
	return call(u, "POST", action(id, "reverse"), reviewed(u, id), body ? body : "{}", r);
}

static const char *draft_body =
	"{\"date\":\"2026-02-02\",\"memo\":\"outside\",\"lines\":[{\"account\":\"1000\",\"debit\":\"1.00\"},"
	"{\"account\":\"4000\",\"credit\":\"1.00\"}]}";

/* --- each role stays in its lane -------------------------------------------------------------- */

START_TEST(a_clerk_an_approver_and_a_controller_stay_in_their_roles)
{
	char id[40];
	char feb_path[128];
	const char *feb = period("2026-02", feb_path);

	test_ledger_draft(&L, clerk.token, "LR", "2026-02-01", "1000", "4000", "10.00", "lanes", id);
	/* The clerk: no posting, reversing, locking, reopening, settings or discarding. */
	ck_assert_int_eq(call(&clerk, "POST", action(id, "post"), reviewed(&clerk, id), NULL, NULL), 403);
	ck_assert_int_eq(call(&clerk, "POST", test_ledger_path("%s/lock", feb), NULL, NULL, NULL), 403);
	ck_assert_int_eq(call(&clerk, "POST", test_ledger_path("%s/reopen", feb), NULL, NULL, NULL), 403);
	ck_assert_int_eq(call(&clerk, "GET", SETTINGS, NULL, NULL, NULL), 403);
	ck_assert_int_eq(call(&clerk, "POST", action(id, "discard"), NULL, NULL, NULL), 403);
	/* The approver: writes, changes or takes over nothing; no settings, no locks. */
	ck_assert_int_eq(call(&approver, "POST", ENTRIES, NULL, draft_body, NULL), 403);
	ck_assert_int_eq(call(&approver, "PUT", entry(id), reviewed(&approver, id), draft_body, NULL), 403);
	ck_assert_int_eq(call(&approver, "POST", action(id, "take-over"), reviewed(&approver, id), NULL, NULL),
			 403);
	ck_assert_int_eq(call(&approver, "GET", SETTINGS, NULL, NULL, NULL), 403);
	ck_assert_int_eq(call(&approver, "POST", test_ledger_path("%s/lock", feb), NULL, NULL, NULL), 403);
	/* The controller: no writing, no posting; an active author's draft is not theirs to discard. */
	ck_assert_int_eq(call(&controller, "POST", ENTRIES, NULL, draft_body, NULL), 403);
	ck_assert_int_eq(call(&controller, "POST", action(id, "post"), reviewed(&controller, id), NULL, NULL),
			 403);
	ck_assert_int_eq(call(&controller, "POST", action(id, "discard"), NULL, NULL, NULL), 409);
	ck_assert_int_eq(call(&controller, "POST", action(id, "take-over"), reviewed(&controller, id), NULL,
			      NULL), 403);
	/* The draft is still the clerk's, unposted. */
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM ledger_entries WHERE id = '%s'"
						   " AND status = 'draft' AND author_id = '%s'", id, clerk.id), 1);
}
END_TEST

/* --- the author and their own entry ------------------------------------------------------------ */

START_TEST(the_author_neither_posts_nor_reverses_their_own_entry)
{
	char id[40];
	struct test_response r;

	test_ledger_draft(&L, both.token, "LR", "2026-02-03", "1000", "4000", "500.00", "mine", id);
	ck_assert_int_eq(call(&both, "POST", action(id, "post"), reviewed(&both, id), NULL, &r), 403);
	test_response_free(&r);
	test_ledger_post(&L, approver.token, "LR", id, NULL);
	ck_assert_int_eq(reverse(&both, id, NULL, &r), 403);
	test_response_free(&r);
}
END_TEST

START_TEST(the_author_cannot_bring_their_entry_back_by_reversing_its_reversal)
{
	char id[40], reversal[40];
	struct test_response r;
	long status;

	/* The chief accountant writes 50000.00; an approver posts it... */
	test_ledger_draft(&L, both.token, "LR", "2026-02-04", "1000", "4000", "50000.00", "bring back", id);
	test_ledger_post(&L, approver.token, "LR", id, NULL);
	/* ... and, on second thoughts, another approver reverses it. */
	ck_assert_int_eq(reverse(&approver2, id, NULL, &r), 201);
	snprintf(reversal, sizeof(reversal), "%s", test_ledger_text(r.json, "id"));
	test_response_free(&r);
	/* The author, alone, reverses the reversal: the 50000.00 they wrote is in the books again,
	 * as an entry they wrote and posted themselves. */
	status = reverse(&both, reversal, NULL, &r);
	ck_assert_msg(status == 403,
		      "broke: %s wrote entry %s (50000.00), which was posted and then reversed by %s"
		      " (entry %s); %s alone reversed that reversal (%ld %s): the amount is back in the"
		      " books, posted by its own author with nobody else agreeing",
		      both.id, id, approver2.id, reversal, both.id, status, r.body);
	test_response_free(&r);
}
END_TEST

/* --- the version reviewed ----------------------------------------------------------------------- */

START_TEST(odd_if_match_values_do_not_stand_for_the_version_reviewed)
{
	static const char *const odd[] = {
		"If-Match: *", "If-Match: \"0\"", "If-Match: \"1\", \"2\"", "If-Match: \"01\"",
		"If-Match: \"2 \"", "If-Match: 2", "If-Match: \"-1\"", "If-Match: \"4294967298\"",
	};
	char id[40];

	test_ledger_draft(&L, clerk.token, "LR", "2026-02-05", "1000", "4000", "7.00", "odd", id);
	/* The author changes the draft after nothing was reviewed: version 2. */
	ck_assert_int_eq(call(&clerk, "PUT", entry(id), reviewed(&clerk, id),
			      "{\"date\":\"2026-02-05\",\"memo\":\"odd\",\"lines\":["
			      "{\"account\":\"1000\",\"debit\":\"7000.00\"},"
			      "{\"account\":\"4000\",\"credit\":\"7000.00\"}]}", NULL), 200);
	for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
		long status = call(&approver, "POST", action(id, "post"), odd[i], NULL, NULL);

		ck_assert_msg(status == 412 || status == 428, "%s: %ld", odd[i], status);
	}
	ck_assert_int_eq(call(&approver, "POST", action(id, "post"), "If-Match: \"1\"", NULL, NULL), 412);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM ledger_entries WHERE id = '%s'"
						   " AND status = 'draft'", id), 1);
}
END_TEST

/* --- the settings and the locks, by one holder --------------------------------------------------- */

START_TEST(one_controller_neither_confirms_their_own_change_nor_one_they_did_not_see)
{
	const char *before;
	struct test_response r;

	before = test_ledger_read_if_match(&L, controller2.token, SETTINGS);
	ck_assert_int_eq(call(&controller, "PUT", SETTINGS, test_ledger_read_if_match(&L, controller.token, SETTINGS),
			      "{\"self_posting\":true}", NULL), 202);
	/* The requester confirms: 403, with the request's own version too. */
	ck_assert_int_eq(call(&controller, "POST", SETTINGS "/confirm",
			      test_ledger_read_if_match(&L, controller.token, SETTINGS), NULL, NULL), 403);
	/* The second controller confirms under the version read before the request: 412. */
	ck_assert_int_eq(call(&controller2, "POST", SETTINGS "/confirm", before, NULL, NULL), 412);
	/* Cancelled and asked again: the version read before the cancel is stale too. */
	before = test_ledger_read_if_match(&L, controller2.token, SETTINGS);
	ck_assert_int_eq(call(&controller, "POST", SETTINGS "/cancel", NULL, NULL, NULL), 200);
	ck_assert_int_eq(call(&controller, "PUT", SETTINGS, test_ledger_read_if_match(&L, controller.token, SETTINGS),
			      "{\"self_posting\":true}", NULL), 202);
	ck_assert_int_eq(call(&controller2, "POST", SETTINGS "/confirm", before, NULL, NULL), 412);
	ck_assert_int_eq(call(&controller, "POST", SETTINGS "/cancel", NULL, NULL, NULL), 200);
	ck_assert_int_eq(call(&controller, "GET", SETTINGS, NULL, NULL, &r), 200);
	ck_assert(json_is_false(json_object_get(r.json, "self_posting")));
	test_response_free(&r);
}
END_TEST

START_TEST(a_locked_period_takes_no_posting_and_no_reversal_from_anyone)
{
	char early[40], late[40], posted[40];
	struct test_response r;
	char jan_path[128];
	const char *jan = period("2025-01", jan_path);

	/* An entry posted into January 2025 before it closes, and a draft left in it. */
	test_ledger_draft(&L, clerk.token, "LR", "2025-01-10", "1000", "4000", "30.00", "january", posted);
	test_ledger_post(&L, approver.token, "LR", posted, NULL);
	test_ledger_draft(&L, clerk.token, "LR", "2025-01-11", "1000", "4000", "31.00", "to move", early);
	ck_assert_int_eq(call(&keeper, "POST", test_ledger_path("%s/close", jan), NULL, NULL, NULL), 200);
	/* The draft is moved out so the lock may happen; one controller asks, alone. */
	ck_assert_int_eq(call(&clerk, "PUT", entry(early), reviewed(&clerk, early),
			      "{\"date\":\"2026-02-11\",\"memo\":\"moved\",\"lines\":["
			      "{\"account\":\"1000\",\"debit\":\"31.00\"},{\"account\":\"4000\",\"credit\":\"31.00\"}]}",
			      NULL), 200);
	ck_assert_int_eq(call(&controller, "POST", test_ledger_path("%s/lock", jan), NULL, NULL, NULL), 202);
	ck_assert_int_eq(call(&controller, "POST", test_ledger_path("%s/lock/confirm", jan), NULL, NULL, NULL),
			 403);
	ck_assert_int_eq(call(&controller2, "POST", test_ledger_path("%s/lock/confirm", jan), NULL, NULL, NULL),
			 200);
	/* Nobody reopens it, posts into it (closed-period posters included) or reverses into it. */
	ck_assert_int_eq(call(&controller, "POST", test_ledger_path("%s/reopen", jan), NULL, NULL, NULL), 409);
	test_ledger_draft(&L, clerk.token, "LR", "2025-01-20", "1000", "4000", "32.00", "late", late);
	ck_assert_int_eq(call(&approver, "POST", action(late, "post"), reviewed(&approver, late), NULL, NULL),
			 409);
	ck_assert_int_eq(reverse(&approver2, posted, "{\"date\":\"2025-01-31\"}", &r), 409);
	test_response_free(&r);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM ledger_entries WHERE company_id ="
						   " (SELECT id FROM companies WHERE code = 'LR') AND status = 'posted'"
						   " AND entry_date BETWEEN '2025-01-01' AND '2025-01-31'"),
			 1);
}
END_TEST

/* --- a posted entry does not change ------------------------------------------------------------- */

START_TEST(a_posted_entry_changes_through_no_draft_route)
{
	char id[40];

	test_ledger_draft(&L, clerk.token, "LR", "2026-02-06", "1000", "4000", "8.00", "posted", id);
	test_ledger_post(&L, approver.token, "LR", id, NULL);
	ck_assert_int_eq(call(&clerk, "PUT", entry(id), reviewed(&clerk, id), draft_body, NULL), 409);
	ck_assert_int_eq(call(&clerk, "DELETE", entry(id), NULL, NULL, NULL), 409);
	ck_assert_int_eq(call(&clerk, "POST", action(id, "take-over"), reviewed(&clerk, id), NULL, NULL), 409);
	ck_assert_int_eq(call(&controller, "POST", action(id, "discard"), NULL, NULL, NULL), 409);
	ck_assert_int_eq(call(&approver2, "POST", action(id, "post"), reviewed(&approver2, id), NULL, NULL), 409);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT sum(debit_minor) FROM ledger_lines WHERE entry_id = '%s'",
					       id), 800);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("e2e/attack/ledger_roles");
	TCase *tc = tcase_create("ledger_roles");

	tcase_add_unchecked_fixture(tc, start_shared, stop_shared);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, a_clerk_an_approver_and_a_controller_stay_in_their_roles);
	tcase_add_test(tc, the_author_neither_posts_nor_reverses_their_own_entry);
	tcase_add_test(tc, the_author_cannot_bring_their_entry_back_by_reversing_its_reversal);
	tcase_add_test(tc, odd_if_match_values_do_not_stand_for_the_version_reviewed);
	tcase_add_test(tc, one_controller_neither_confirms_their_own_change_nor_one_they_did_not_see);
	tcase_add_test(tc, a_locked_period_takes_no_posting_and_no_reversal_from_anyone);
	tcase_add_test(tc, a_posted_entry_changes_through_no_draft_route);
	suite_add_tcase(s, tc);
	return s;
}
