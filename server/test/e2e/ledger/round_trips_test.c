/*
 * The ledger's write path in round trips to the database, end to end
 * against the real erp-server-test binary, which shows a handler's count in
 * X-Test-Db-Round-Trips (authentication's session lookup is not the
 * handler's; resolving {company} happens inside the handler's own first
 * round trip, so it is counted). Creating a journal entry with an
 * Idempotency-Key and posting one with If-Match take at most three each,
 * BEGIN and COMMIT included, also on worker threads whose connection has
 * not prepared the statements yet; a replay takes two. A count above the
 * limit fails here, so the write path cannot quietly grow back.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test/support/check_main.h"
#include "test/support/ledger_fixture.h"
#include "test/support/testlib.h"

#define ENTRIES "/api/v1/companies/RT1/journal-entries"
#define DRAFT_BODY                                                                           \
	"{\"date\":\"2026-03-02\",\"memo\":\"Counted\",\"lines\":[{\"account\":\"1000\","      \
	"\"debit\":\"12.50\"},{\"account\":\"4000\",\"credit\":\"12.50\"}]}"

enum { WRITE_LIMIT = 3, REPLAY_LIMIT = 2, REQUESTS = 12 };

static struct test_ledger L;
static struct test_ledger_user keeper, clerk, approver;

static void start_shared(void)
{
	test_ledger_start(&L, "t_ledger_round_trips", NULL);
	test_ledger_company(&L, "RT1", "EUR");
	test_ledger_role(&L, "rt-keeper", "[\"ledger.account.manage\",\"ledger.account.read\","
					  "\"ledger.period.manage\",\"ledger.period.read\"]");
	test_ledger_role(&L, "rt-clerk", "[\"ledger.journal.create\",\"ledger.journal.read\"]");
	test_ledger_role(&L, "rt-approver", "[\"ledger.journal.post\",\"ledger.journal.read\"]");
	test_ledger_user(&L, "keeper@round-trips.test", &keeper);
	test_ledger_user(&L, "clerk@round-trips.test", &clerk);
	test_ledger_user(&L, "approver@round-trips.test", &approver);
	test_ledger_grant(&L, keeper.id, "rt-keeper", "RT1", NULL);
	test_ledger_grant(&L, clerk.id, "rt-clerk", "RT1", NULL);
	test_ledger_grant(&L, approver.id, "rt-approver", "RT1", NULL);
	test_ledger_account(&L, keeper.token, "RT1", "1000", "asset", NULL);
	test_ledger_account(&L, keeper.token, "RT1", "4000", "revenue", NULL);
	test_ledger_fiscal_year(&L, keeper.token, "RT1", 2026);
}

static void stop_shared(void)
{
	test_ledger_stop(&L);
}

/* The handler's round trips, from the test build's header; asserts it is there. */
static long round_trips(const struct test_response *r)
{
	char *text = test_response_header(r, "X-Test-Db-Round-Trips");
	long count;

	ck_assert_msg(text != NULL, "no X-Test-Db-Round-Trips in %s", r->headers);
	count = strtol(text, NULL, 10);
	free(text);
	return count;
}

/* Creates a draft as the clerk under key; asserts 201 and returns the round trips. */
static long create(const char *key, char id[40], bool replayed)
{
	struct test_response r;
	char header[96];
	char *replay;
	long count;

	snprintf(header, sizeof(header), "Idempotency-Key: %s", key);
	test_ledger_call(&L, clerk.token, "POST", ENTRIES, header, DRAFT_BODY, &r);
	ck_assert_msg(r.status == 201, "create %s: %ld %s", key, r.status, r.body);
	replay = test_response_header(&r, "Idempotent-Replayed");
	ck_assert_msg((replay != NULL) == replayed, "create %s: replayed %s", key, replay ? replay : "no");
	free(replay);
	snprintf(id, 40, "%s", test_ledger_text(r.json, "id"));
	count = round_trips(&r);
	test_response_free(&r);
	return count;
}

START_TEST(creating_an_entry_with_a_key_takes_three_round_trips)
{
	char key[64], id[40];

	/* More requests than worker threads: some connections meet the statements for the first time. */
	for (int i = 0; i < REQUESTS; i++) {
		long count;

		snprintf(key, sizeof(key), "round-trips-create-%d", i);
		count = create(key, id, false);
		ck_assert_msg(count <= WRITE_LIMIT, "create %d took %ld round trips (at most %d)", i,
			      count, WRITE_LIMIT);
	}
}
END_TEST

START_TEST(a_replayed_create_takes_two_round_trips)
{
	char first[40], again[40];
	long count;

	create("round-trips-replay", first, false);
	count = create("round-trips-replay", again, true);
	ck_assert_str_eq(again, first);
	ck_assert_msg(count <= REPLAY_LIMIT, "a replay took %ld round trips (at most %d)", count,
		      REPLAY_LIMIT);
}
END_TEST

START_TEST(posting_an_entry_takes_three_round_trips)
{
	for (int i = 0; i < REQUESTS; i++) {
		struct test_response r;
		char key[64], id[40];
		long count;

		snprintf(key, sizeof(key), "round-trips-post-%d", i);
		create(key, id, false);
		test_ledger_call(&L, approver.token, "POST", test_ledger_path(ENTRIES "/%s/post", id),
				 "If-Match: \"1\"", NULL, &r);
		ck_assert_msg(r.status == 200, "post %s: %ld %s", id, r.status, r.body);
		ck_assert_str_eq(test_ledger_text(r.json, "status"), "posted");
		count = round_trips(&r);
		ck_assert_msg(count <= WRITE_LIMIT, "post %d took %ld round trips (at most %d)", i, count,
			      WRITE_LIMIT);
		test_response_free(&r);
	}
	/* Gapless: every posting of the year took the next number. */
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT max(sequence) - count(*) FROM ledger_entries"
					       " WHERE status = 'posted'"), 0);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("e2e/ledger/round_trips");
	TCase *tc = tcase_create("round_trips");

	tcase_add_unchecked_fixture(tc, start_shared, stop_shared);
	tcase_add_test(tc, creating_an_entry_with_a_key_takes_three_round_trips);
	tcase_add_test(tc, a_replayed_create_takes_two_round_trips);
	tcase_add_test(tc, posting_an_entry_takes_three_round_trips);
	suite_add_tcase(s, tc);
	return s;
}
