/*
 * Four-eyes in the ledger, end to end against the real erp-server-test
 * binary, tried the way one person would try to get round it: a posting
 * and a reversal bind to the version the approver reviewed (If-Match), so a
 * draft changed after the review is not posted; a change of the company's
 * self_posting setting waits for a second holder of ledger.settings.manage,
 * who confirms exactly what they saw; the drafts of a deactivated author are
 * posted only after someone active takes them over, or a controller discards
 * them; and the segregation-of-duties pairs keep identity administration
 * apart from posting and from the ledger settings, and entry writing apart
 * from locking periods.
 *
 * Company FE1 holds the postings, FE2 the settings, FE3 the drafts of
 * deactivated authors. Races are in concurrency_test.c.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test/support/check_main.h"
#include "test/support/ledger_fixture.h"
#include "test/support/testlib.h"

#define ENTRIES "/api/v1/companies/FE1/journal-entries"

static struct test_ledger L;
static struct test_ledger_user keeper, clerk, approver, approver2, settings1, settings2, both;
static struct test_ledger_user leaver, discarder;
/* What the leaver wrote before leaving: two drafts, and an entry that was posted. */
static char left_taken[40], left_discarded[40], left_posted[40];

static void start_shared(void)
{
	test_ledger_start(&L, "t_ledger_four_eyes", NULL);
	test_ledger_company(&L, "FE1", "EUR");
	test_ledger_role(&L, "fe-keeper", "[\"ledger.account.manage\",\"ledger.account.read\","
					  "\"ledger.period.manage\",\"ledger.period.read\"]");
	test_ledger_role(&L, "fe-clerk", "[\"ledger.journal.create\",\"ledger.journal.read\"]");
	test_ledger_role(&L, "fe-approver", "[\"ledger.journal.post\",\"ledger.journal.read\"]");
	test_ledger_user(&L, "keeper@four-eyes.test", &keeper);
	test_ledger_user(&L, "clerk@four-eyes.test", &clerk);
	test_ledger_user(&L, "approver@four-eyes.test", &approver);
	test_ledger_user(&L, "approver2@four-eyes.test", &approver2);
	test_ledger_grant(&L, keeper.id, "fe-keeper", "FE1", NULL);
	test_ledger_grant(&L, clerk.id, "fe-clerk", "FE1", NULL);
	test_ledger_grant(&L, approver.id, "fe-approver", "FE1", NULL);
	test_ledger_grant(&L, approver2.id, "fe-approver", "FE1", NULL);
	test_ledger_account(&L, keeper.token, "FE1", "1000", "asset", NULL);
	test_ledger_account(&L, keeper.token, "FE1", "4000", "revenue", NULL);
	test_ledger_fiscal_year(&L, keeper.token, "FE1", 2026);

	/* FE2: two holders of the settings, and a small office's chief accountant. */
	test_ledger_company(&L, "FE2", "EUR");
	test_ledger_role(&L, "fe-settings", "[\"ledger.settings.manage\"]");
	test_ledger_user(&L, "settings1@four-eyes.test", &settings1);
	test_ledger_user(&L, "settings2@four-eyes.test", &settings2);
	test_ledger_user(&L, "both@four-eyes.test", &both);
	test_ledger_grant(&L, settings1.id, "fe-settings", "FE2", NULL);
	test_ledger_grant(&L, settings2.id, "fe-settings", "FE2", NULL);
	test_ledger_grant(&L, keeper.id, "fe-keeper", "FE2", NULL);
	test_ledger_grant(&L, both.id, "fe-clerk", "FE2", NULL);
	test_ledger_grant(&L, both.id, "fe-approver", "FE2", "a small office: the chief accountant writes and posts");
	test_ledger_account(&L, keeper.token, "FE2", "1000", "asset", NULL);
	test_ledger_account(&L, keeper.token, "FE2", "4000", "revenue", NULL);
	test_ledger_fiscal_year(&L, keeper.token, "FE2", 2026);

	/* FE3: a clerk who leaves the company, and a controller who may discard drafts. */
	test_ledger_company(&L, "FE3", "EUR");
	test_ledger_role(&L, "fe-discarder", "[\"ledger.journal.discard\",\"ledger.journal.read\"]");
	test_ledger_user(&L, "leaver@four-eyes.test", &leaver);
	test_ledger_user(&L, "discarder@four-eyes.test", &discarder);
	test_ledger_grant(&L, keeper.id, "fe-keeper", "FE3", NULL);
	test_ledger_grant(&L, leaver.id, "fe-clerk", "FE3", NULL);
	test_ledger_grant(&L, clerk.id, "fe-clerk", "FE3", NULL);
	test_ledger_grant(&L, approver.id, "fe-approver", "FE3", NULL);
	test_ledger_grant(&L, discarder.id, "fe-discarder", "FE3", NULL);
	test_ledger_account(&L, keeper.token, "FE3", "1000", "asset", NULL);
	test_ledger_account(&L, keeper.token, "FE3", "4000", "revenue", NULL);
	test_ledger_fiscal_year(&L, keeper.token, "FE3", 2026);
	test_ledger_draft(&L, leaver.token, "FE3", "2026-04-01", "1000", "4000", "50.00", "Left behind",
			  left_taken);
	test_ledger_draft(&L, leaver.token, "FE3", "2026-04-03", "1000", "4000", "60.00", "Left again",
			  left_discarded);
	test_ledger_draft(&L, leaver.token, "FE3", "2026-04-04", "1000", "4000", "61.00", "Posted",
			  left_posted);
	test_ledger_post(&L, approver.token, "FE3", left_posted, NULL);
	ck_assert_int_eq(test_ledger_call(&L, L.admin_token, "POST",
					  test_ledger_path("/api/v1/users/%s/deactivate", leaver.id), NULL,
					  NULL, NULL), 200);
}

static void stop_shared(void)
{
	test_ledger_stop(&L);
}

static long call(const struct test_ledger_user *user, const char *method, const char *path,
		 const char *extra_header, const char *body, struct test_response *r)
{
	return test_ledger_call(&L, user->token, method, path, extra_header, body, r);
}

static const char *entry_path(const char *id)
{
	return test_ledger_path(ENTRIES "/%s", id);
}

static const char *action_path(const char *id, const char *action)
{
	return test_ledger_path(ENTRIES "/%s/%s", id, action);
}

/* Asserts status and that the problem's detail contains part. */
static void assert_refused(long status, long expected, const struct test_response *r,
			   const char *part)
{
	ck_assert_msg(status == expected, "expected %ld: %ld %s", expected, status, r->body);
	ck_assert_msg(strstr(test_ledger_text(r->json, "detail"), part) != NULL,
		      "detail of %s lacks \"%s\"", r->body, part);
}

/* --- post and reverse bind to the reviewed version ------------------------------------------ */

START_TEST(a_posting_binds_to_the_version_the_approver_reviewed)
{
	struct test_response r;
	char id[40], reviewed[96];

	test_ledger_draft(&L, clerk.token, "FE1", "2026-01-05", "1000", "4000", "10.00", "Reviewed", id);
	snprintf(reviewed, sizeof(reviewed), "%s", test_ledger_read_if_match(&L, approver.token, entry_path(id)));
	ck_assert_str_eq(reviewed, "If-Match: \"1\"");
	/* After the review the author makes 10.00 into 990000.00. */
	ck_assert_int_eq(call(&clerk, "PUT", entry_path(id), reviewed,
			      "{\"date\":\"2026-01-05\",\"memo\":\"Reviewed\",\"lines\":["
			      "{\"account\":\"1000\",\"debit\":\"990000.00\"},"
			      "{\"account\":\"4000\",\"credit\":\"990000.00\"}]}", NULL), 200);

	assert_refused(call(&approver, "POST", action_path(id, "post"), NULL, NULL, &r), 428, &r, "If-Match");
	test_response_free(&r);
	assert_refused(call(&approver, "POST", action_path(id, "post"), reviewed, NULL, &r), 412, &r,
		       "changed since you read it");
	test_response_free(&r);
	ck_assert_int_eq(call(&approver, "POST", action_path(id, "post"), "If-Match: *", NULL, NULL), 412);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM ledger_entries WHERE id = '%s'"
					       " AND status = 'draft' AND number IS NULL", id), 1);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM audit_events"
					       " WHERE action = 'ledger.journal.posted' AND entity_id = '%s'", id), 0);

	/* What the approver reviews now is what is posted. */
	ck_assert_int_eq(call(&approver, "POST", action_path(id, "post"), "If-Match: \"2\"", NULL, &r), 200);
	ck_assert_str_eq(test_ledger_text(r.json, "status"), "posted");
	ck_assert_str_eq(test_ledger_text(json_array_get(json_object_get(r.json, "lines"), 0), "debit"),
			 "990000.00");
	test_response_free(&r);
}
END_TEST

START_TEST(a_reversal_binds_to_the_posted_version)
{
	struct test_response r;
	char id[40], posted[96];

	test_ledger_draft(&L, clerk.token, "FE1", "2026-01-06", "1000", "4000", "20.00", "To reverse", id);
	test_ledger_post(&L, approver.token, "FE1", id, NULL);
	snprintf(posted, sizeof(posted), "%s", test_ledger_read_if_match(&L, approver2.token, entry_path(id)));
	ck_assert_str_eq(posted, "If-Match: \"2\"");

	assert_refused(call(&approver2, "POST", action_path(id, "reverse"), NULL, "{}", &r), 428, &r,
		       "If-Match");
	test_response_free(&r);
	/* The draft's ETag is not the posted entry's. */
	assert_refused(call(&approver2, "POST", action_path(id, "reverse"), "If-Match: \"1\"", "{}", &r),
		       412, &r, "changed since you read it");
	test_response_free(&r);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM ledger_entries"
					       " WHERE reverses_id = '%s'", id), 0);
	ck_assert_int_eq(call(&approver2, "POST", action_path(id, "reverse"), posted,
			      "{\"date\":\"2026-01-07\"}", &r), 201);
	ck_assert_str_eq(test_ledger_text(r.json, "reverses"), id);
	test_response_free(&r);
}
END_TEST

/* --- self_posting: one requests, another confirms ------------------------------------------------ */

#define SETTINGS "/api/v1/companies/FE2/ledger-settings"

/* both posts a draft of their own in FE2 (If-Match as written); returns the status. */
static long post_own_draft(void)
{
	char id[40];

	test_ledger_draft(&L, both.token, "FE2", "2026-02-03", "1000", "4000", "1.00", "Own", id);
	return call(&both, "POST", test_ledger_path("/api/v1/companies/FE2/journal-entries/%s/post", id),
		    "If-Match: \"1\"", NULL, NULL);
}

static long long settings_audits(const char *action, const char *actor_id)
{
	return test_ledger_db_number(&L, "SELECT count(*) FROM audit_events WHERE action = '%s'"
				     " AND actor_id = '%s' AND entity = 'ledger_settings'"
				     " AND company_id = (SELECT id FROM companies WHERE code = 'FE2')",
				     action, actor_id);
}

START_TEST(a_self_posting_change_waits_for_a_second_person)
{
	struct test_response r;
	json_t *pending;
	char *etag;

	ck_assert_int_eq(call(&settings1, "GET", SETTINGS, NULL, NULL, &r), 200);
	ck_assert(json_is_false(json_object_get(r.json, "self_posting")));
	ck_assert(json_is_null(json_object_get(r.json, "pending")));
	etag = test_response_header(&r, "ETag");
	ck_assert_str_eq(etag, "\"1\"");
	free(etag);
	test_response_free(&r);

	assert_refused(call(&settings1, "PUT", SETTINGS, NULL, "{\"self_posting\":true}", &r), 428, &r,
		       "If-Match");
	test_response_free(&r);
	ck_assert_int_eq(call(&settings1, "PUT", SETTINGS, "If-Match: \"7\"", "{\"self_posting\":true}",
			      NULL), 412);
	/* The request is recorded, not applied. */
	ck_assert_int_eq(call(&settings1, "PUT", SETTINGS, "If-Match: \"1\"", "{\"self_posting\":true}",
			      &r), 202);
	ck_assert(json_is_false(json_object_get(r.json, "self_posting")));
	pending = json_object_get(r.json, "pending");
	ck_assert(json_is_true(json_object_get(pending, "self_posting")));
	ck_assert_str_eq(test_ledger_text(pending, "requested_by"), settings1.id);
	ck_assert(json_is_string(json_object_get(pending, "requested_at")));
	ck_assert_int_eq(json_integer_value(json_object_get(pending, "version")), 2);
	ck_assert_int_eq(json_integer_value(json_object_get(r.json, "version")), 2);
	etag = test_response_header(&r, "ETag");
	ck_assert_str_eq(etag, "\"2\"");
	free(etag);
	test_response_free(&r);
	ck_assert_int_eq(post_own_draft(), 403);
	ck_assert_int_eq(call(&settings2, "GET", SETTINGS, NULL, NULL, &r), 200);
	ck_assert(json_is_true(json_object_get(json_object_get(r.json, "pending"), "self_posting")));
	test_response_free(&r);

	/* One pending change at a time, whoever asks. */
	assert_refused(call(&settings2, "PUT", SETTINGS, "If-Match: \"2\"", "{\"self_posting\":true}", &r),
		       409, &r, "pending");
	test_response_free(&r);
	/* The requester cannot confirm their own request. */
	assert_refused(call(&settings1, "POST", SETTINGS "/confirm", "If-Match: \"2\"", NULL, &r), 403, &r,
		       "four-eyes");
	test_response_free(&r);
	/* The confirmer confirms what they saw. */
	ck_assert_int_eq(call(&settings2, "POST", SETTINGS "/confirm", NULL, NULL, NULL), 428);
	ck_assert_int_eq(call(&settings2, "POST", SETTINGS "/confirm", "If-Match: \"1\"", NULL, NULL), 412);
	ck_assert_int_eq(post_own_draft(), 403);
	ck_assert_int_eq(call(&settings2, "POST", SETTINGS "/confirm", "If-Match: \"2\"", NULL, &r), 200);
	ck_assert(json_is_true(json_object_get(r.json, "self_posting")));
	ck_assert(json_is_null(json_object_get(r.json, "pending")));
	ck_assert_int_eq(json_integer_value(json_object_get(r.json, "version")), 3);
	test_response_free(&r);
	ck_assert_int_eq(post_own_draft(), 200);

	ck_assert_int_eq(settings_audits("ledger.settings.change_requested", settings1.id), 1);
	ck_assert_int_eq(settings_audits("ledger.settings.change_confirmed", settings2.id), 1);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM audit_events"
					       " WHERE action = 'ledger.settings.change_confirmed'"
					       " AND changes->'self_posting'->>'old' = 'false'"
					       " AND changes->'self_posting'->>'new' = 'true'"), 1);
	/* The database refuses a change nobody confirmed, whoever asks. */
	ck_assert_int_ne(test_db_exec(L.db_url, "UPDATE ledger_settings SET self_posting = false"
						" WHERE company_id = (SELECT id FROM companies WHERE code = 'FE2')"), 0);
}
END_TEST

START_TEST(a_confirmation_binds_to_the_change_the_confirmer_saw)
{
	struct test_response r;

	/* Four-eyes back on: settings2 asks, settings1 reads it at version 4. */
	ck_assert_int_eq(call(&settings2, "PUT", SETTINGS, "If-Match: \"3\"", "{\"self_posting\":false}",
			      NULL), 202);
	ck_assert_int_eq(call(&settings1, "GET", SETTINGS, NULL, NULL, &r), 200);
	ck_assert_int_eq(json_integer_value(json_object_get(r.json, "version")), 4);
	test_response_free(&r);
	/* Meanwhile the request is cancelled and asked again: not what settings1 reviewed. */
	ck_assert_int_eq(call(&settings2, "POST", SETTINGS "/cancel", NULL, NULL, &r), 200);
	ck_assert(json_is_null(json_object_get(r.json, "pending")));
	ck_assert(json_is_true(json_object_get(r.json, "self_posting")));
	test_response_free(&r);
	assert_refused(call(&settings1, "POST", SETTINGS "/confirm", "If-Match: \"5\"", NULL, &r), 409, &r,
		       "no change");
	test_response_free(&r);
	ck_assert_int_eq(call(&settings1, "POST", SETTINGS "/cancel", NULL, NULL, NULL), 409);
	ck_assert_int_eq(call(&settings2, "PUT", SETTINGS, "If-Match: \"5\"", "{\"self_posting\":false}",
			      NULL), 202);
	ck_assert_int_eq(call(&settings1, "POST", SETTINGS "/confirm", "If-Match: \"4\"", NULL, NULL), 412);
	/* Asking for what already holds is no change. */
	ck_assert_int_eq(call(&settings1, "POST", SETTINGS "/cancel", NULL, NULL, NULL), 200);
	assert_refused(call(&settings1, "PUT", SETTINGS, "If-Match: \"7\"", "{\"self_posting\":true}", &r),
		       409, &r, "already");
	test_response_free(&r);
	ck_assert_int_eq(call(&settings1, "GET", SETTINGS, NULL, NULL, &r), 200);
	ck_assert(json_is_true(json_object_get(r.json, "self_posting")));
	ck_assert(json_is_null(json_object_get(r.json, "pending")));
	test_response_free(&r);
	ck_assert_int_eq(settings_audits("ledger.settings.change_cancelled", settings2.id), 1);
	ck_assert_int_eq(settings_audits("ledger.settings.change_cancelled", settings1.id), 1);
	/* Only holders of ledger.settings.manage see or change the settings. */
	ck_assert_int_eq(call(&both, "GET", SETTINGS, NULL, NULL, NULL), 403);
	ck_assert_int_eq(call(&both, "POST", SETTINGS "/confirm", "If-Match: \"7\"", NULL, NULL), 403);
}
END_TEST

/* --- drafts of a deactivated author ---------------------------------------------------------------- */

#define ENTRIES3 "/api/v1/companies/FE3/journal-entries"

static long long entry_audits(const char *action, const char *id, const char *actor_id)
{
	return test_ledger_db_number(&L, "SELECT count(*) FROM audit_events WHERE action = '%s'"
				     " AND entity = 'journal_entry' AND entity_id = '%s' AND actor_id = '%s'"
				     " AND company_id = (SELECT id FROM companies WHERE code = 'FE3')",
				     action, id, actor_id);
}

START_TEST(a_deactivated_authors_draft_is_taken_over_before_it_is_posted)
{
	const char *left = left_taken;
	struct test_response r;
	char active[40];

	test_ledger_draft(&L, clerk.token, "FE3", "2026-04-02", "1000", "4000", "51.00", "Still here", active);

	/* Nobody answers for it any more: it is not posted. */
	assert_refused(call(&approver, "POST", test_ledger_path(ENTRIES3 "/%s/post", left), "If-Match: \"1\"",
			    NULL, &r), 409, &r, "deactivated");
	test_response_free(&r);
	/* A draft of an active author is theirs alone. */
	assert_refused(call(&clerk, "POST", test_ledger_path(ENTRIES3 "/%s/take-over", active),
			    "If-Match: \"1\"", NULL, &r), 409, &r, "active");
	test_response_free(&r);
	/* Taking over needs ledger.journal.create and the version read. */
	ck_assert_int_eq(call(&approver, "POST", test_ledger_path(ENTRIES3 "/%s/take-over", left),
			      "If-Match: \"1\"", NULL, NULL), 403);
	ck_assert_int_eq(call(&clerk, "POST", test_ledger_path(ENTRIES3 "/%s/take-over", left), NULL, NULL,
			      NULL), 428);
	ck_assert_int_eq(call(&clerk, "POST", test_ledger_path(ENTRIES3 "/%s/take-over", left),
			      "If-Match: \"9\"", NULL, NULL), 412);
	ck_assert_int_eq(call(&clerk, "POST", test_ledger_path(ENTRIES3 "/%s/take-over", left),
			      "If-Match: \"1\"", NULL, &r), 200);
	ck_assert_str_eq(test_ledger_text(r.json, "author_id"), clerk.id);
	ck_assert_str_eq(test_ledger_text(r.json, "status"), "draft");
	ck_assert_int_eq(json_integer_value(json_object_get(r.json, "version")), 2);
	test_response_free(&r);
	ck_assert_int_eq(entry_audits("ledger.journal.taken_over", left, clerk.id), 1);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM audit_events"
					       " WHERE action = 'ledger.journal.taken_over' AND entity_id = '%s'"
					       " AND changes->'author_id'->>'old' = '%s'"
					       " AND changes->'author_id'->>'new' = '%s'", left, leaver.id, clerk.id), 1);
	/* Its new author answers for it now, and may not post it either: four-eyes. */
	ck_assert_int_eq(call(&clerk, "POST", test_ledger_path(ENTRIES3 "/%s/take-over", left),
			      "If-Match: \"2\"", NULL, NULL), 409);
	ck_assert_int_eq(call(&approver, "POST", test_ledger_path(ENTRIES3 "/%s/post", left), "If-Match: \"2\"",
			      NULL, NULL), 200);
}
END_TEST

START_TEST(a_controller_discards_only_drafts_of_deactivated_authors)
{
	const char *left = left_discarded, *posted = left_posted;
	struct test_response r;
	char active[40];

	test_ledger_draft(&L, clerk.token, "FE3", "2026-04-05", "1000", "4000", "62.00", "Clerk's", active);

	assert_refused(call(&discarder, "POST", test_ledger_path(ENTRIES3 "/%s/discard", active), NULL, NULL,
			    &r), 409, &r, "active");
	test_response_free(&r);
	assert_refused(call(&discarder, "POST", test_ledger_path(ENTRIES3 "/%s/discard", posted), NULL, NULL,
			    &r), 409, &r, "revers");
	test_response_free(&r);
	ck_assert_int_eq(call(&clerk, "POST", test_ledger_path(ENTRIES3 "/%s/discard", left), NULL, NULL, NULL),
			 403);
	ck_assert_int_eq(call(&discarder, "POST", test_ledger_path(ENTRIES3 "/%s/discard", left), NULL, NULL,
			      NULL), 204);
	ck_assert_int_eq(call(&discarder, "GET", test_ledger_path(ENTRIES3 "/%s", left), NULL, NULL, NULL), 404);
	ck_assert_int_eq(call(&discarder, "POST", test_ledger_path(ENTRIES3 "/%s/discard", left), NULL, NULL,
			      NULL), 404);
	/* Its trace stays: what it said, who discarded it, in which company. */
	ck_assert_int_eq(entry_audits("ledger.journal.discarded", left, discarder.id), 1);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM audit_events"
					       " WHERE action = 'ledger.journal.discarded' AND entity_id = '%s'"
					       " AND changes->'memo'->>'old' = 'Left again'"
					       " AND jsonb_array_length(changes->'lines'->'old') = 2", left), 1);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM ledger_entries WHERE id = '%s'",
					       posted), 1);
}
END_TEST

/* --- segregation of duties: identity administration apart from posting and settings ------------- */

/* The administrator grants role to user_id in company (NULL: globally); returns the status. */
static long grant(const char *user_id, const char *role, const char *company, struct test_response *r)
{
	return test_ledger_call(&L, L.admin_token, "POST",
				test_ledger_path("/api/v1/users/%s/role-assignments", user_id), NULL,
				company ? test_ledger_path("{\"role\":\"%s\",\"company\":\"%s\"}", role, company)
					: test_ledger_path("{\"role\":\"%s\",\"company\":null}", role),
				r);
}

static const struct {
	const char *a, *b;
} pairs[] = {
	{ "iam.user.manage", "ledger.journal.post" },
	{ "iam.assignment.manage", "ledger.journal.post" },
	{ "iam.user.manage", "ledger.settings.manage" },
	{ "iam.assignment.manage", "ledger.settings.manage" },
	{ "ledger.journal.create", "ledger.period.lock" },
};

START_TEST(no_role_holds_both_sides_of_a_new_pair)
{
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		struct test_response r;

		ck_assert_int_eq(test_ledger_call(&L, L.admin_token, "POST", "/api/v1/roles", NULL,
						  test_ledger_path("{\"name\":\"fe-both-%zu\",\"permissions\":"
								   "[\"%s\",\"%s\"]}", i, pairs[i].a, pairs[i].b),
						  &r), 409);
		ck_assert_msg(strstr(test_ledger_text(r.json, "detail"), pairs[i].a) &&
			      strstr(test_ledger_text(r.json, "detail"), pairs[i].b), "%s", r.body);
		test_response_free(&r);
	}
}
END_TEST

START_TEST(identity_administrators_do_not_post_or_change_the_settings)
{
	struct test_ledger_user user_admin, assigner;
	struct test_response r;

	test_ledger_role(&L, "fe-user-admin", "[\"iam.user.manage\",\"iam.user.read\"]");
	test_ledger_role(&L, "fe-assigner", "[\"iam.assignment.manage\",\"iam.assignment.read\"]");
	test_ledger_user(&L, "user-admin@four-eyes.test", &user_admin);
	test_ledger_user(&L, "assigner@four-eyes.test", &assigner);
	test_ledger_grant(&L, user_admin.id, "fe-user-admin", NULL, NULL);
	test_ledger_grant(&L, assigner.id, "fe-assigner", NULL, NULL);

	/* Who makes users could make a puppet author and post its entries: refused. */
	ck_assert_int_eq(grant(user_admin.id, "fe-approver", "FE1", &r), 409);
	ck_assert_ptr_nonnull(strstr(test_ledger_text(r.json, "detail"), "ledger.journal.post"));
	test_response_free(&r);
	ck_assert_int_eq(grant(assigner.id, "fe-approver", "FE1", NULL), 409);
	/* Who makes users could make the second person a settings change needs: refused. */
	ck_assert_int_eq(grant(user_admin.id, "fe-settings", "FE2", &r), 409);
	ck_assert_ptr_nonnull(strstr(test_ledger_text(r.json, "detail"), "ledger.settings.manage"));
	test_response_free(&r);
	ck_assert_int_eq(grant(assigner.id, "fe-settings", "FE2", NULL), 409);
	/* And the other way round: an approver is not made an administrator of identities. */
	ck_assert_int_eq(grant(approver.id, "fe-user-admin", NULL, NULL), 409);
	ck_assert_int_eq(grant(settings1.id, "fe-assigner", NULL, NULL), 409);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM role_assignments a"
					       " JOIN roles r ON r.id = a.role_id WHERE r.name IN"
					       " ('fe-user-admin', 'fe-assigner') AND a.user_id IN ('%s', '%s')",
					       approver.id, settings1.id), 0);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("e2e/ledger/four_eyes");
	TCase *tc = tcase_create("four_eyes");

	tcase_add_unchecked_fixture(tc, start_shared, stop_shared);
	tcase_add_test(tc, a_posting_binds_to_the_version_the_approver_reviewed);
	tcase_add_test(tc, a_reversal_binds_to_the_posted_version);
	tcase_add_test(tc, a_self_posting_change_waits_for_a_second_person);
	tcase_add_test(tc, a_confirmation_binds_to_the_change_the_confirmer_saw);
	tcase_add_test(tc, a_deactivated_authors_draft_is_taken_over_before_it_is_posted);
	tcase_add_test(tc, a_controller_discards_only_drafts_of_deactivated_authors);
	tcase_add_test(tc, no_role_holds_both_sides_of_a_new_pair);
	tcase_add_test(tc, identity_administrators_do_not_post_or_change_the_settings);
	suite_add_tcase(s, tc);
	return s;
}
