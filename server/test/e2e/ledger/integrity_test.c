/*
 * `erp-server audit verify-ledger` against books the real erp-server-test
 * binary posted: intact books verify (exit 0) and the ledger-integrity
 * report shows the chain's head and that verification; a posted line
 * changed by a superuser with the triggers off is found, and exactly that
 * entry is named as the first that no longer matches (exit 65); an entry
 * renumbered past a number (the number deleted, as it were) leaves a gap,
 * which is reported. The report shows the last result each time.
 *
 * Company IA stays intact; IB gets its line changed; IC its gap.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test/support/check_main.h"
#include "test/support/ledger_fixture.h"
#include "test/support/script_fixture.h"
#include "test/support/testlib.h"

static struct test_ledger L;
static struct test_ledger_crew crew;
static char ib_second[40];

static void start_shared(void)
{
	test_ledger_start(&L, "t_ledger_integrity", NULL);
	test_ledger_crew_start(&L, &crew, "in");
	test_ledger_posted_books(&L, &crew, "IA", 3, NULL);
	test_ledger_posted_books(&L, &crew, "IB", 4, ib_second);
	test_ledger_posted_books(&L, &crew, "IC", 3, NULL);
	test_ledger_posted_books(&L, &crew, "ID", 1, NULL);
	test_ledger_wait_sealed(&L);
}

/* The books were broken on purpose: the server stops without the fixture's verification. */
static void stop_shared(void)
{
	ck_assert_int_eq(test_server_stop(&L.server), 0);
}

static void verify(struct script_run *run)
{
	const char *const args[] = { "verify-ledger", NULL };

	script_fixture_audit(run, L.db_url, args);
}

/* The company's ledger-integrity report as reader (asserts 200); the caller frees it. */
static void report(const char *company, struct test_response *r)
{
	ck_assert_int_eq(test_ledger_call(&L, crew.reader.token, "GET",
					  test_ledger_path("/api/v1/companies/%s/reports/ledger-integrity",
							   company), NULL, NULL, r), 200);
}

/* As a superuser who switched the triggers off: what only the chain can still catch. */
static void tamper(const char *sql)
{
	ck_assert_int_eq(test_db_exec(L.db_url, test_ledger_path(
		"BEGIN; SET LOCAL session_replication_role = replica; %s; COMMIT", sql)), 0);
}

START_TEST(intact_books_verify_and_the_report_shows_the_head_and_the_result)
{
	struct test_response r;
	struct script_run run;
	json_t *chain, *last;
	char *head;

	report("IA", &r);
	ck_assert(json_is_null(json_object_get(r.json, "last_verification")));
	test_response_free(&r);
	verify(&run);
	ck_assert_msg(run.status == 0, "exit %d: %s%s", run.status, run.out, run.err);
	ck_assert_ptr_nonnull(strstr(run.out, "intact: 3 entries in the chain"));
	script_run_free(&run);

	report("IA", &r);
	chain = json_object_get(r.json, "chain");
	last = json_object_get(r.json, "last_verification");
	head = test_db_value(L.db_url, "SELECT entry_hash FROM ledger_entries e JOIN companies c"
				       " ON c.id = e.company_id WHERE c.code = 'IA' AND e.chain_seq = 3");
	ck_assert_ptr_nonnull(head);
	ck_assert_int_eq(json_integer_value(json_object_get(chain, "length")), 3);
	ck_assert_str_eq(test_ledger_text(chain, "head_hash"), head);
	ck_assert_str_eq(test_ledger_text(chain, "head_number"), "JE-2026-000003");
	ck_assert(json_is_true(json_object_get(last, "intact")));
	ck_assert_int_eq(json_integer_value(json_object_get(last, "entries_checked")), 3);
	ck_assert_str_eq(test_ledger_text(last, "head_hash"), head);
	free(head);
	test_response_free(&r);
	/* The report is a reader's: an outsider gets the company's 404. */
	ck_assert_int_eq(test_ledger_call(&L, L.admin_token, "GET",
					  "/api/v1/companies/IA/reports/ledger-integrity", NULL, NULL, NULL), 404);
	ck_assert_int_eq(test_ledger_call(&L, crew.clerk.token, "GET",
					  "/api/v1/companies/IA/reports/ledger-integrity", NULL, NULL, NULL), 403);
}
END_TEST

START_TEST(a_posted_line_changed_with_the_triggers_off_is_named)
{
	struct test_response r;
	struct script_run run;
	json_t *last;
	char expected[160];

	/* Both sides of the entry raised alike: it still balances; only its hash tells. */
	tamper(test_ledger_path("UPDATE ledger_lines SET debit_minor = debit_minor + 100000"
				" WHERE entry_id = '%s' AND debit_minor > 0;"
				" UPDATE ledger_lines SET credit_minor = credit_minor + 100000"
				" WHERE entry_id = '%s' AND credit_minor > 0", ib_second, ib_second));
	verify(&run);
	ck_assert_msg(run.status == 65, "exit %d: %s%s", run.status, run.out, run.err);
	snprintf(expected, sizeof(expected), "first entry that no longer matches: JE-2026-000002 (%s)",
		 ib_second);
	ck_assert_msg(strstr(run.out, expected), "no \"%s\" in %s", expected, run.out);
	ck_assert_ptr_nonnull(strstr(run.out, "no longer matches its hash"));
	/* The other companies are still intact. */
	ck_assert_ptr_nonnull(strstr(run.out, "intact: 3 entries in the chain"));
	script_run_free(&run);

	report("IB", &r);
	last = json_object_get(r.json, "last_verification");
	ck_assert(json_is_false(json_object_get(last, "intact")));
	ck_assert_str_eq(test_ledger_text(last, "first_broken_number"), "JE-2026-000002");
	ck_assert_str_eq(test_ledger_text(last, "first_broken_entry_id"), ib_second);
	test_response_free(&r);
	report("IA", &r);
	ck_assert(json_is_true(json_object_get(json_object_get(r.json, "last_verification"), "intact")));
	test_response_free(&r);
}
END_TEST

START_TEST(a_number_taken_out_by_renumbering_is_reported_as_a_gap)
{
	struct script_run run;

	tamper("UPDATE ledger_entries SET sequence = 4, number = 'JE-2026-000004'"
	       " WHERE number = 'JE-2026-000003' AND company_id = (SELECT id FROM companies WHERE code = 'IC')");
	verify(&run);
	ck_assert_msg(run.status == 65, "exit %d: %s%s", run.status, run.out, run.err);
	ck_assert_msg(strstr(run.out, "gap in the JE numbers of fiscal year 2026: 3 missing (after 2)"),
		      "%s", run.out);
	/* The renumbered entry no longer matches its hash either. */
	ck_assert_msg(strstr(run.out, "first entry that no longer matches: JE-2026-000004"), "%s", run.out);
	script_run_free(&run);
}
END_TEST

/* The closing balance of account 1000 in company ID's trial balance (asserts 200). */
static const char *id_cash_closing(void)
{
	static char closing[32];
	struct test_response r;
	json_t *accounts;

	ck_assert_int_eq(test_ledger_call(&L, crew.reader.token, "GET",
					  "/api/v1/companies/ID/reports/trial-balance?as_of=2026-12-31",
					  NULL, NULL, &r), 200);
	accounts = json_object_get(r.json, "accounts");
	closing[0] = '\0';
	for (size_t i = 0; i < json_array_size(accounts); i++)
		if (strcmp(test_ledger_text(json_array_get(accounts, i), "code"), "1000") == 0)
			snprintf(closing, sizeof(closing), "%s",
				 test_ledger_text(json_array_get(accounts, i), "closing"));
	test_response_free(&r);
	return closing;
}

/*
 * An entry committed but not sealed yet (here: its company's head held, as
 * a sealer of another server would) is in the reports already, counted by
 * the verifier, and a problem once it has waited longer than a minute.
 */
START_TEST(an_entry_waiting_for_its_seal_is_counted_and_one_left_too_long_is_named)
{
	const char *company = "(SELECT id FROM companies WHERE code = 'ID')";
	char *id_company = test_db_value(L.db_url, "SELECT id FROM companies WHERE code = 'ID'");
	char expected[200], id[40];
	struct script_run run;
	PGconn *head = test_ledger_begin(&L);

	ck_assert_ptr_nonnull(id_company);
	test_ledger_sql_ok(head, test_ledger_path("SELECT 1 FROM ledger_chain_heads WHERE company_id = %s"
						  " FOR UPDATE", company));
	test_ledger_draft(&L, crew.clerk.token, "ID", "2026-02-10", "1000", "4000", "5.00", "Waiting", id);
	test_ledger_post(&L, crew.approver.token, "ID", id, NULL);
	ck_assert_str_eq(id_cash_closing(), "15.00");
	verify(&run);
	snprintf(expected, sizeof(expected), "company %s: intact: 1 entry in the chain", id_company);
	ck_assert_msg(strstr(run.out, expected), "no \"%s\" in %s", expected, run.out);
	ck_assert_msg(strstr(run.out, "1 waiting for the seal"), "%s", run.out);
	script_run_free(&run);

	tamper(test_ledger_path("UPDATE ledger_entries SET posted_at = posted_at - interval '2 minutes'"
				" WHERE id = '%s'", id));
	verify(&run);
	snprintf(expected, sizeof(expected), "company %s: BROKEN: 1 entry in the chain", id_company);
	ck_assert_msg(strstr(run.out, expected), "no \"%s\" in %s", expected, run.out);
	ck_assert_msg(strstr(run.out, "is not sealed after 1 minute"), "%s", run.out);
	script_run_free(&run);

	test_ledger_end(head, "ROLLBACK");
	test_ledger_wait_sealed(&L);
	ck_assert_str_eq(id_cash_closing(), "15.00");
	verify(&run);
	snprintf(expected, sizeof(expected), "company %s: intact: 2 entries in the chain", id_company);
	ck_assert_msg(strstr(run.out, expected), "no \"%s\" in %s", expected, run.out);
	script_run_free(&run);
	free(id_company);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("e2e/ledger/integrity");
	TCase *tc = tcase_create("integrity");

	tcase_add_unchecked_fixture(tc, start_shared, stop_shared);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, intact_books_verify_and_the_report_shows_the_head_and_the_result);
	tcase_add_test(tc, a_posted_line_changed_with_the_triggers_off_is_named);
	tcase_add_test(tc, a_number_taken_out_by_renumbering_is_reported_as_a_gap);
	tcase_add_test(tc, an_entry_waiting_for_its_seal_is_counted_and_one_left_too_long_is_named);
	suite_add_tcase(s, tc);
	return s;
}
