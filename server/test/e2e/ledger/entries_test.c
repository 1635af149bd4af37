/*
 * Journal entries end to end against the real erp-server-test binary: drafts
 * and their validation (amounts as decimal text in each account's currency,
 * balanced per currency), the author's control of a draft (If-Match),
 * four-eyes posting and the company setting that relaxes it, closed and
 * locked periods, gapless numbers per company and fiscal year, posted
 * entries immutable (also in the database), reversal, Idempotency-Key, and
 * the audit trail.
 *
 * Months of 2026 in company LE1 are given out per concern, so tests do not
 * disturb each other: January for most postings, February is closed and
 * reopened, April holds the list test's entries; 2025 has exactly one
 * posting (the numbering test's). LE3's January 2024 is locked.
 */
#include <check.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "test/support/check_main.h"
#include "test/support/ledger_fixture.h"
#include "test/support/testlib.h"

#define ENTRIES "/api/v1/companies/LE1/journal-entries"
#define ENTRIES2 "/api/v1/companies/LE2/journal-entries"

/* A fresh draft is at version 1; posting makes it 2, and a posted entry stays there. */
#define DRAFT_ETAG "If-Match: \"1\""
#define POSTED_ETAG "If-Match: \"2\""

static struct test_ledger L;
static struct test_ledger_user controller, controller2, clerk, clerk2, approver, closer, both;
static struct test_ledger_user locker, locker2;

static const char controller_permissions[] =
	"[\"ledger.account.manage\",\"ledger.account.read\",\"ledger.period.manage\","
	"\"ledger.period.read\",\"ledger.settings.manage\",\"ledger.report.read\","
	"\"ledger.journal.read\"]";

static void today_utc(char out[11])
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

static void start_shared(void)
{
	static const struct {
		const char *code, *type, *currency;
	} accounts[] = {
		{ "1000", "asset", NULL },     { "2000", "liability", NULL }, { "4000", "revenue", NULL },
		{ "5000", "expense", NULL },   { "9000", "asset", NULL },     { "1100", "asset", "USD" },
		{ "4100", "revenue", "USD" },  { "1200", "asset", "JPY" },    { "4200", "revenue", "JPY" },
		{ "1300", "asset", "KWD" },    { "4300", "revenue", "KWD" },
	};
	char today[11];

	test_ledger_start(&L, "t_ledger_entries", NULL);
	test_ledger_company(&L, "LE1", "EUR");
	test_ledger_company(&L, "LE2", "EUR");
	test_ledger_role(&L, "le-controller", controller_permissions);
	test_ledger_role(&L, "le-clerk", "[\"ledger.journal.create\",\"ledger.journal.read\"]");
	test_ledger_role(&L, "le-approver", "[\"ledger.journal.post\",\"ledger.journal.read\"]");
	test_ledger_role(&L, "le-closer", "[\"ledger.journal.post\",\"ledger.journal.read\","
					  "\"ledger.period.post-closed\"]");
	test_ledger_user(&L, "controller@entries.test", &controller);
	test_ledger_user(&L, "controller2@entries.test", &controller2);
	test_ledger_user(&L, "clerk@entries.test", &clerk);
	test_ledger_user(&L, "clerk2@entries.test", &clerk2);
	test_ledger_user(&L, "approver@entries.test", &approver);
	test_ledger_user(&L, "closer@entries.test", &closer);
	test_ledger_user(&L, "both@entries.test", &both);
	test_ledger_role(&L, "le-locker", "[\"ledger.period.lock\",\"ledger.period.read\"]");
	test_ledger_user(&L, "locker@entries.test", &locker);
	test_ledger_user(&L, "locker2@entries.test", &locker2);
	for (int c = 0; c < 2; c++) {
		const char *company = c == 0 ? "LE1" : "LE2";

		test_ledger_grant(&L, controller.id, "le-controller", company, NULL);
		test_ledger_grant(&L, clerk.id, "le-clerk", company, NULL);
		test_ledger_grant(&L, approver.id, "le-approver", company, NULL);
		test_ledger_grant(&L, both.id, "le-clerk", company, NULL);
		test_ledger_grant(&L, both.id, "le-approver", company,
				  "a small office: the chief accountant writes and posts");
	}
	test_ledger_grant(&L, clerk2.id, "le-clerk", "LE1", NULL);
	test_ledger_grant(&L, controller2.id, "le-controller", "LE2", NULL);
	test_ledger_grant(&L, locker.id, "le-locker", "LE1", NULL);
	/* LE3: a year long ended, for a locked period. */
	test_ledger_company(&L, "LE3", "EUR");
	test_ledger_grant(&L, controller.id, "le-controller", "LE3", NULL);
	test_ledger_grant(&L, clerk.id, "le-clerk", "LE3", NULL);
	test_ledger_grant(&L, approver.id, "le-approver", "LE3", NULL);
	test_ledger_grant(&L, closer.id, "le-closer", "LE3", NULL);
	test_ledger_grant(&L, locker.id, "le-locker", "LE3", NULL);
	test_ledger_grant(&L, locker2.id, "le-locker", "LE3", NULL);
	test_ledger_grant(&L, closer.id, "le-closer", "LE1", NULL);

	for (size_t i = 0; i < sizeof(accounts) / sizeof(accounts[0]); i++)
		test_ledger_account(&L, controller.token, "LE1", accounts[i].code, accounts[i].type,
				    accounts[i].currency);
	test_ledger_account(&L, controller.token, "LE2", "1000", "asset", NULL);
	test_ledger_account(&L, controller.token, "LE2", "4000", "revenue", NULL);
	ck_assert_int_eq(test_ledger_call(&L, controller.token, "POST",
					  "/api/v1/companies/LE1/accounts/9000/deactivate", NULL, NULL,
					  NULL), 200);
	test_ledger_fiscal_year(&L, controller.token, "LE1", 2025);
	test_ledger_fiscal_year(&L, controller.token, "LE1", 2026);
	test_ledger_fiscal_year(&L, controller.token, "LE2", 2026);
	test_ledger_account(&L, controller.token, "LE3", "5000", "expense", NULL);
	test_ledger_account(&L, controller.token, "LE3", "2000", "liability", NULL);
	test_ledger_fiscal_year(&L, controller.token, "LE3", 2024);
	/* A reversal without a date is dated today: its fiscal year must exist. */
	today_utc(today);
	if (strncmp(today, "2025", 4) != 0 && strncmp(today, "2026", 4) != 0)
		test_ledger_fiscal_year(&L, controller.token, "LE1", atoi(today));
}

static void stop_shared(void)
{
	test_ledger_stop(&L);
}

static long call(const struct test_ledger_user *user, const char *method, const char *path,
		 const char *extra_header, const char *body, struct test_response *r)
{
	return test_ledger_call(&L, user ? user->token : NULL, method, path, extra_header, body, r);
}

/* An entry body with two lines: debit one account, credit another, the same amount. */
static const char *two_lines(const char *date, const char *memo, const char *debit_account,
			     const char *debit, const char *credit_account, const char *credit)
{
	return test_ledger_path("{\"date\":\"%s\",\"memo\":\"%s\",\"lines\":["
				"{\"account\":\"%s\",\"debit\":\"%s\"},"
				"{\"account\":\"%s\",\"credit\":\"%s\"}]}",
				date, memo, debit_account, debit, credit_account, credit);
}

static const char *entry_path(const char *id)
{
	return test_ledger_path(ENTRIES "/%s", id);
}

static const char *action_path(const char *id, const char *action)
{
	return test_ledger_path(ENTRIES "/%s/%s", id, action);
}

static json_t *line_of(json_t *entry, size_t index)
{
	return json_array_get(json_object_get(entry, "lines"), index);
}

/* The entry as clients see it (200 asserted); the caller frees r. */
static void read_entry(const char *id, struct test_response *r)
{
	ck_assert_int_eq(call(&clerk, "GET", entry_path(id), NULL, NULL, r), 200);
}

static long long audit_count(const char *action, const char *entity_id, const char *actor_id)
{
	return test_ledger_db_number(&L,
				     "SELECT count(*) FROM audit_events WHERE action = '%s'"
				     " AND entity = 'journal_entry' AND entity_id = '%s'"
				     " AND actor_id = '%s'",
				     action, entity_id, actor_id);
}

/* Numbers of company (code) in fiscal_year: 1..n without gaps, each spelled JE-YYYY-NNNNNN. */
static void assert_gapless(const char *company, int fiscal_year)
{
	const char *scope = test_ledger_path(
		"FROM ledger_entries WHERE status = 'posted' AND fiscal_year = %d"
		" AND company_id = (SELECT id FROM companies WHERE code = '%s')",
		fiscal_year, company);
	long long count = test_ledger_db_number(&L, "SELECT count(*) %s", scope);

	ck_assert_int_gt(count, 0);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT max(sequence) %s", scope), count);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(DISTINCT sequence) %s", scope), count);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) %s AND number <>"
					       " format('JE-%%s-%%s', fiscal_year, lpad(sequence::text, 6, '0'))",
					       scope), 0);
	ck_assert_int_eq(test_ledger_db_number(&L,
					       "SELECT last_number FROM ledger_numbering WHERE fiscal_year = %d"
					       " AND company_id = (SELECT id FROM companies WHERE code = '%s')",
					       fiscal_year, company), count);
}

/* The sequence part of "JE-2026-000042". */
static long sequence_of(const char *number)
{
	ck_assert_uint_eq(strlen(number), 14);
	return strtol(number + 8, NULL, 10);
}

/* --- drafts ------------------------------------------------------------------------- */

START_TEST(draft_is_created_and_read_back)
{
	struct test_response r;
	char id[40], *location, *etag;
	json_t *line;

	ck_assert_int_eq(call(&clerk, "POST", ENTRIES, NULL,
			      "{\"date\":\"2026-01-05\",\"memo\":\"Office rent\",\"reference\":\"INV-77\","
			      "\"lines\":[{\"account\":\"5000\",\"debit\":\"1200.50\",\"description\":\"January\"},"
			      "{\"account\":\"2000\",\"credit\":\"1200.5\"}]}",
			      &r), 201);
	snprintf(id, sizeof(id), "%s", test_ledger_text(r.json, "id"));
	ck_assert_uint_eq(strlen(id), 36);
	location = test_response_header(&r, "Location");
	ck_assert_str_eq(location, entry_path(id));
	free(location);
	etag = test_response_header(&r, "ETag");
	ck_assert_str_eq(etag, "\"1\"");
	free(etag);
	ck_assert_str_eq(test_ledger_text(r.json, "status"), "draft");
	ck_assert(json_is_null(json_object_get(r.json, "number")));
	ck_assert(json_is_null(json_object_get(r.json, "posted_by")));
	ck_assert(json_is_null(json_object_get(r.json, "reversed_by")));
	ck_assert_str_eq(test_ledger_text(r.json, "date"), "2026-01-05");
	ck_assert_str_eq(test_ledger_text(r.json, "memo"), "Office rent");
	ck_assert_str_eq(test_ledger_text(r.json, "reference"), "INV-77");
	ck_assert_str_eq(test_ledger_text(r.json, "source"), "manual");
	ck_assert_str_eq(test_ledger_text(r.json, "author_id"), clerk.id);
	ck_assert_int_eq(json_integer_value(json_object_get(r.json, "version")), 1);
	ck_assert_uint_eq(json_array_size(json_object_get(r.json, "lines")), 2);
	line = line_of(r.json, 0);
	ck_assert_int_eq(json_integer_value(json_object_get(line, "line")), 1);
	ck_assert_str_eq(test_ledger_text(line, "account"), "5000");
	ck_assert_str_eq(test_ledger_text(line, "currency"), "EUR");
	ck_assert_str_eq(test_ledger_text(line, "debit"), "1200.50");
	ck_assert_str_eq(test_ledger_text(line, "description"), "January");
	ck_assert_ptr_null(json_object_get(line, "credit"));
	line = line_of(r.json, 1);
	ck_assert_int_eq(json_integer_value(json_object_get(line, "line")), 2);
	ck_assert_str_eq(test_ledger_text(line, "account"), "2000");
	ck_assert_str_eq(test_ledger_text(line, "credit"), "1200.50"); /* the currency's decimals */
	ck_assert_ptr_null(json_object_get(line, "debit"));
	test_response_free(&r);

	read_entry(id, &r);
	ck_assert_str_eq(test_ledger_text(r.json, "id"), id);
	ck_assert_str_eq(test_ledger_text(line_of(r.json, 0), "debit"), "1200.50");
	etag = test_response_header(&r, "ETag");
	ck_assert_str_eq(etag, "\"1\"");
	free(etag);
	test_response_free(&r);
	/* Another user with ledger.journal.read reads it too. */
	ck_assert_int_eq(call(&approver, "GET", entry_path(id), NULL, NULL, NULL), 200);
	ck_assert_int_eq(audit_count("ledger.journal.created", id, clerk.id), 1);
}
END_TEST

START_TEST(malformed_requests_and_unknown_ids)
{
	static const char unknown[] = "01a20a82-4f50-7472-b26d-e7ac049afaed";
	char valid[512];
	struct test_response r;

	snprintf(valid, sizeof(valid), "%s",
		 two_lines("2026-01-06", "Never stored", "1000", "1.00", "4000", "1.00"));

	ck_assert_int_eq(call(&clerk, "POST", ENTRIES, NULL, "{\"date\":\"2026-01-06\",", &r), 400);
	ck_assert_str_eq(test_ledger_text(r.json, "type"), "/problems/bad-request");
	test_response_free(&r);
	ck_assert_int_eq(call(&clerk, "POST", ENTRIES, "Idempotency-Key: has space", valid, NULL), 400);

	ck_assert_int_eq(call(&clerk, "GET", entry_path(unknown), NULL, NULL, NULL), 404);
	ck_assert_int_eq(call(&clerk, "GET", entry_path("not-a-uuid"), NULL, NULL, NULL), 404);
	ck_assert_int_eq(call(&clerk, "PUT", entry_path(unknown), "If-Match: \"1\"", valid, NULL), 404);
	ck_assert_int_eq(call(&clerk, "PUT", entry_path("not-a-uuid"), "If-Match: \"1\"", valid, NULL), 404);
	ck_assert_int_eq(call(&clerk, "DELETE", entry_path(unknown), NULL, NULL, NULL), 404);
	ck_assert_int_eq(call(&clerk, "DELETE", entry_path("not-a-uuid"), NULL, NULL, NULL), 404);
	ck_assert_int_eq(call(&approver, "POST", action_path(unknown, "post"), DRAFT_ETAG, NULL, NULL), 404);
	ck_assert_int_eq(call(&approver, "POST", action_path("not-a-uuid", "post"), DRAFT_ETAG, NULL, NULL), 404);
	ck_assert_int_eq(call(&approver, "POST", action_path(unknown, "reverse"), POSTED_ETAG, "{}", NULL), 404);
	ck_assert_int_eq(call(&approver, "POST", action_path("not-a-uuid", "reverse"), POSTED_ETAG, "{}", NULL), 404);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM ledger_entries"
					       " WHERE memo = 'Never stored'"), 0);
}
END_TEST

/* Asserts a 422 whose first error names pointer and code (and, if given, a detail part). */
static void assert_invalid(const char *body, const char *pointer, const char *code,
			   const char *detail_part)
{
	struct test_response r;
	json_t *error;

	ck_assert_int_eq(call(&clerk, "POST", ENTRIES, NULL, body, &r), 422);
	error = json_array_get(json_object_get(r.json, "errors"), 0);
	ck_assert_msg(error != NULL, "no errors in %s", r.body);
	ck_assert_str_eq(test_ledger_text(error, "pointer"), pointer);
	if (code)
		ck_assert_str_eq(test_ledger_text(error, "code"), code);
	if (detail_part)
		ck_assert_msg(strstr(test_ledger_text(error, "detail"), detail_part) != NULL,
			      "detail of %s lacks \"%s\"", r.body, detail_part);
	test_response_free(&r);
}

START_TEST(lines_break_no_rule)
{
	static const char head[] = "{\"date\":\"2026-01-07\",\"memo\":\"Rejected\",\"lines\":";

	/* Amounts are decimal text: a JSON number could have lost precision already. */
	assert_invalid(test_ledger_path("%s[{\"account\":\"1000\",\"debit\":100},"
					"{\"account\":\"4000\",\"credit\":\"100\"}]}", head),
		       "/lines/0/debit", "type", "decimals");
	assert_invalid(two_lines("2026-01-07", "Rejected", "1000", "10.001", "4000", "10.001"),
		       "/lines/0/debit", "amount", "EUR allows at most 2 decimals");
	assert_invalid(two_lines("2026-01-07", "Rejected", "1000", "10.00", "7777", "10.00"),
		       "/lines/1/account", "unknown", "7777");
	assert_invalid(two_lines("2026-01-07", "Rejected", "9000", "10.00", "4000", "10.00"),
		       "/lines/0/account", "inactive", "9000");
	assert_invalid(two_lines("2026-01-07", "Rejected", "1000", "100.00", "4000", "90.00"),
		       "/lines", "unbalanced", "EUR: debits 100.00, credits 90.00, difference 10.00");
	assert_invalid(two_lines("2026-01-07", "Rejected", "1000", "0.00", "4000", "0.00"),
		       "/lines/0/debit", "amount", "more than zero");
	assert_invalid(two_lines("2026-01-07", "Rejected", "1000", "-5.00", "4000", "-5.00"),
		       "/lines/0/debit", "amount", NULL);
	assert_invalid(two_lines("2026-01-07", "Rejected", "1000", "1e3", "4000", "1000"),
		       "/lines/0/debit", NULL, NULL);
	assert_invalid(test_ledger_path("%s[{\"account\":\"1000\",\"debit\":\"5\",\"credit\":\"5\"},"
					"{\"account\":\"4000\",\"credit\":\"5\"}]}", head),
		       "/lines/0/credit", "one_side", NULL);
	assert_invalid(test_ledger_path("%s[{\"account\":\"1000\"},"
					"{\"account\":\"4000\",\"credit\":\"5\"}]}", head),
		       "/lines/0/debit", "one_side", NULL);
	assert_invalid(test_ledger_path("%s[{\"account\":\"1000\",\"debit\":\"5\"}]}", head),
		       "/lines", NULL, NULL);
	/* Each amount fits; their sum would not fit the minor units. */
	assert_invalid(test_ledger_path("%s[{\"account\":\"1000\",\"debit\":\"90000000000000000.00\"},"
					"{\"account\":\"1000\",\"debit\":\"90000000000000000.00\"},"
					"{\"account\":\"4000\",\"credit\":\"90000000000000000.00\"},"
					"{\"account\":\"4000\",\"credit\":\"90000000000000000.00\"}]}",
					head),
		       "/lines", "amount", "too large");
	assert_invalid(two_lines("2026-01-07", "Rejected", "1000", "100000000000000000.00", "4000",
				 "100000000000000000.00"),
		       "/lines/0/debit", "amount", NULL);
	assert_invalid("{\"date\":\"2026-02-30\",\"memo\":\"Rejected\",\"lines\":["
		       "{\"account\":\"1000\",\"debit\":\"5\"},{\"account\":\"4000\",\"credit\":\"5\"}]}",
		       "/date", NULL, NULL);
	assert_invalid("{\"date\":\"2026-01-07\",\"memo\":\"Rejected\",\"source\":\"Manual Entry\","
		       "\"lines\":[{\"account\":\"1000\",\"debit\":\"5\"},{\"account\":\"4000\",\"credit\":\"5\"}]}",
		       "/source", NULL, NULL);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM ledger_entries"
					       " WHERE memo = 'Rejected'"), 0);
}
END_TEST

START_TEST(amounts_follow_the_currency_decimals)
{
	struct test_response r;

	/* JPY has no minor unit. */
	ck_assert_int_eq(call(&clerk, "POST", ENTRIES, NULL,
			      two_lines("2026-01-08", "Yen sale", "1200", "1500", "4200", "1500"), &r), 201);
	ck_assert_str_eq(test_ledger_text(line_of(r.json, 0), "currency"), "JPY");
	ck_assert_str_eq(test_ledger_text(line_of(r.json, 0), "debit"), "1500");
	ck_assert_str_eq(test_ledger_text(line_of(r.json, 1), "credit"), "1500");
	test_response_free(&r);
	assert_invalid(two_lines("2026-01-08", "Rejected", "1200", "1500.5", "4200", "1500.5"),
		       "/lines/0/debit", "amount", "JPY allows at most 0 decimals");

	/* KWD has three decimals, and shows all three. */
	ck_assert_int_eq(call(&clerk, "POST", ENTRIES, NULL,
			      "{\"date\":\"2026-01-08\",\"memo\":\"Dinar sale\",\"lines\":["
			      "{\"account\":\"1300\",\"debit\":\"1.234\"},{\"account\":\"1300\",\"debit\":\"0.5\"},"
			      "{\"account\":\"4300\",\"credit\":\"1.734\"}]}", &r), 201);
	ck_assert_str_eq(test_ledger_text(line_of(r.json, 0), "currency"), "KWD");
	ck_assert_str_eq(test_ledger_text(line_of(r.json, 0), "debit"), "1.234");
	ck_assert_str_eq(test_ledger_text(line_of(r.json, 1), "debit"), "0.500");
	ck_assert_str_eq(test_ledger_text(line_of(r.json, 2), "credit"), "1.734");
	test_response_free(&r);
	assert_invalid(two_lines("2026-01-08", "Rejected", "1300", "1.2345", "4300", "1.2345"),
		       "/lines/0/debit", "amount", "KWD allows at most 3 decimals");
	assert_invalid(two_lines("2026-01-08", "Rejected", "1300", "1.001", "4300", "1.000"),
		       "/lines", "unbalanced", "KWD: debits 1.001, credits 1.000, difference 0.001");
}
END_TEST

START_TEST(multi_currency_entries_balance_per_currency)
{
	struct test_response r;
	json_t *errors;

	ck_assert_int_eq(call(&clerk, "POST", ENTRIES, NULL,
			      "{\"date\":\"2026-01-09\",\"memo\":\"Two currencies\",\"lines\":["
			      "{\"account\":\"1000\",\"debit\":\"100.00\"},{\"account\":\"1100\",\"debit\":\"110.00\"},"
			      "{\"account\":\"4000\",\"credit\":\"100.00\"},{\"account\":\"4100\",\"credit\":\"110.00\"}]}",
			      &r), 201);
	ck_assert_str_eq(test_ledger_text(line_of(r.json, 0), "currency"), "EUR");
	ck_assert_str_eq(test_ledger_text(line_of(r.json, 1), "currency"), "USD");
	ck_assert_str_eq(test_ledger_text(line_of(r.json, 3), "currency"), "USD");
	test_response_free(&r);

	/* EUR balances, USD is a cent off: one error, about USD. */
	ck_assert_int_eq(call(&clerk, "POST", ENTRIES, NULL,
			      "{\"date\":\"2026-01-09\",\"memo\":\"Rejected\",\"lines\":["
			      "{\"account\":\"1000\",\"debit\":\"100.00\"},{\"account\":\"1100\",\"debit\":\"110.01\"},"
			      "{\"account\":\"4000\",\"credit\":\"100.00\"},{\"account\":\"4100\",\"credit\":\"110.00\"}]}",
			      &r), 422);
	errors = json_object_get(r.json, "errors");
	ck_assert_uint_eq(json_array_size(errors), 1);
	ck_assert_str_eq(test_ledger_text(json_array_get(errors, 0), "pointer"), "/lines");
	ck_assert_ptr_nonnull(strstr(test_ledger_text(json_array_get(errors, 0), "detail"),
				     "USD: debits 110.01, credits 110.00, difference 0.01"));
	test_response_free(&r);

	/* Equal figures in two currencies do not balance each other. */
	ck_assert_int_eq(call(&clerk, "POST", ENTRIES, NULL,
			      two_lines("2026-01-09", "Rejected", "1000", "100.00", "4100", "100.00"), &r),
			 422);
	errors = json_object_get(r.json, "errors");
	ck_assert_uint_eq(json_array_size(errors), 2);
	ck_assert_ptr_nonnull(strstr(r.body, "does not balance in EUR"));
	ck_assert_ptr_nonnull(strstr(r.body, "does not balance in USD"));
	test_response_free(&r);
}
END_TEST

START_TEST(only_the_author_changes_a_draft_with_if_match)
{
	const char *replacement =
		"{\"date\":\"2026-01-10\",\"memo\":\"Supplies, corrected\",\"lines\":["
		"{\"account\":\"5000\",\"debit\":\"30.00\"},{\"account\":\"5000\",\"debit\":\"12.00\"},"
		"{\"account\":\"2000\",\"credit\":\"42.00\"}]}";
	struct test_response r;
	char id[40], *etag;

	test_ledger_draft(&L, clerk.token, "LE1", "2026-01-10", "5000", "2000", "40.00", "Supplies", id);

	ck_assert_int_eq(call(&clerk, "PUT", entry_path(id), NULL, replacement, NULL), 428);
	ck_assert_int_eq(call(&clerk, "PUT", entry_path(id), "If-Match: abc", replacement, NULL), 412);
	ck_assert_int_eq(call(&clerk, "PUT", entry_path(id), "If-Match: \"7\"", replacement, NULL), 412);
	ck_assert_int_eq(call(&clerk2, "PUT", entry_path(id), "If-Match: \"1\"", replacement, &r), 403);
	ck_assert_ptr_nonnull(strstr(test_ledger_text(r.json, "detail"), "only the author"));
	test_response_free(&r);
	ck_assert_int_eq(call(&clerk2, "DELETE", entry_path(id), NULL, NULL, NULL), 403);
	/* Without ledger.journal.create in the company, the route itself is closed. */
	ck_assert_int_eq(call(&approver, "PUT", entry_path(id), "If-Match: \"1\"", replacement, NULL), 403);
	ck_assert_int_eq(call(&clerk, "PUT", entry_path(id), "If-Match: \"1\"",
			      "{\"date\":\"2026-01-10\",\"memo\":\"x\",\"source\":\"import\",\"lines\":["
			      "{\"account\":\"5000\",\"debit\":\"1\"},{\"account\":\"2000\",\"credit\":\"1\"}]}",
			      NULL), 422);

	ck_assert_int_eq(call(&clerk, "PUT", entry_path(id), "If-Match: \"1\"", replacement, &r), 200);
	etag = test_response_header(&r, "ETag");
	ck_assert_str_eq(etag, "\"2\"");
	free(etag);
	ck_assert_int_eq(json_integer_value(json_object_get(r.json, "version")), 2);
	ck_assert_str_eq(test_ledger_text(r.json, "memo"), "Supplies, corrected");
	ck_assert_uint_eq(json_array_size(json_object_get(r.json, "lines")), 3);
	ck_assert_str_eq(test_ledger_text(line_of(r.json, 2), "credit"), "42.00");
	test_response_free(&r);
	/* The old ETag is stale now; a bad replacement changes nothing. */
	ck_assert_int_eq(call(&clerk, "PUT", entry_path(id), "If-Match: \"1\"", replacement, NULL), 412);
	ck_assert_int_eq(call(&clerk, "PUT", entry_path(id), "If-Match: \"2\"",
			      two_lines("2026-01-10", "Unbalanced", "5000", "1.00", "2000", "2.00"), NULL),
			 422);
	read_entry(id, &r);
	ck_assert_int_eq(json_integer_value(json_object_get(r.json, "version")), 2);
	ck_assert_str_eq(test_ledger_text(r.json, "memo"), "Supplies, corrected");
	test_response_free(&r);
	ck_assert_int_eq(audit_count("ledger.journal.updated", id, clerk.id), 1);

	ck_assert_int_eq(call(&clerk, "DELETE", entry_path(id), NULL, NULL, NULL), 204);
	ck_assert_int_eq(call(&clerk, "GET", entry_path(id), NULL, NULL, NULL), 404);
	ck_assert_int_eq(call(&clerk, "DELETE", entry_path(id), NULL, NULL, NULL), 404);
	ck_assert_int_eq(audit_count("ledger.journal.deleted", id, clerk.id), 1);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM ledger_lines WHERE entry_id = '%s'",
					       id), 0);
}
END_TEST

/* --- posting -------------------------------------------------------------------------- */

START_TEST(four_eyes_keeps_authors_from_posting)
{
	struct test_response r;
	char by_clerk[40], by_both[40], *etag;

	test_ledger_draft(&L, clerk.token, "LE1", "2026-01-12", "1000", "4000", "75.00", "Cash sale", by_clerk);
	test_ledger_draft(&L, both.token, "LE1", "2026-01-12", "1000", "4000", "80.00", "Own sale", by_both);

	/* The clerk lacks ledger.journal.post altogether. */
	ck_assert_int_eq(call(&clerk, "POST", action_path(by_clerk, "post"), DRAFT_ETAG, NULL, &r), 403);
	ck_assert_ptr_nonnull(strstr(test_ledger_text(r.json, "detail"), "ledger.journal.post"));
	test_response_free(&r);
	/* Holding both permissions (an accepted SoD override) still does not post one's own entry. */
	ck_assert_int_eq(call(&both, "POST", action_path(by_both, "post"), DRAFT_ETAG, NULL, &r), 403);
	ck_assert_ptr_nonnull(strstr(test_ledger_text(r.json, "detail"), "four-eyes"));
	test_response_free(&r);
	read_entry(by_both, &r);
	ck_assert_str_eq(test_ledger_text(r.json, "status"), "draft");
	ck_assert(json_is_null(json_object_get(r.json, "number")));
	test_response_free(&r);

	ck_assert_int_eq(call(&approver, "POST", action_path(by_both, "post"), DRAFT_ETAG, NULL, &r), 200);
	ck_assert_str_eq(test_ledger_text(r.json, "status"), "posted");
	ck_assert_str_eq(test_ledger_text(r.json, "posted_by"), approver.id);
	ck_assert_str_eq(test_ledger_text(r.json, "author_id"), both.id);
	ck_assert(json_is_string(json_object_get(r.json, "posted_at")));
	ck_assert_int_eq(strncmp(test_ledger_text(r.json, "number"), "JE-2026-", 8), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(r.json, "version")), 2);
	etag = test_response_header(&r, "ETag");
	ck_assert_str_eq(etag, "\"2\"");
	free(etag);
	test_response_free(&r);
	/* The holder of both posts what someone else wrote. */
	ck_assert_int_eq(call(&both, "POST", action_path(by_clerk, "post"), DRAFT_ETAG, NULL, &r), 200);
	ck_assert_str_eq(test_ledger_text(r.json, "posted_by"), both.id);
	test_response_free(&r);
	ck_assert_int_eq(call(&approver, "POST", action_path(by_clerk, "post"), DRAFT_ETAG, NULL, NULL), 409);
	ck_assert_int_eq(audit_count("ledger.journal.posted", by_both, approver.id), 1);
	ck_assert_int_eq(audit_count("ledger.journal.posted", by_clerk, both.id), 1);
}
END_TEST

START_TEST(self_posting_setting_relaxes_four_eyes)
{
	static const char settings[] = "/api/v1/companies/LE2/ledger-settings";
	struct test_response r;
	char first[40], second[40];

	ck_assert_int_eq(call(&controller, "GET", settings, NULL, NULL, &r), 200);
	ck_assert(json_is_false(json_object_get(r.json, "self_posting")));
	test_response_free(&r);
	test_ledger_draft(&L, both.token, "LE2", "2026-01-15", "1000", "4000", "10.00", "Own", first);
	ck_assert_int_eq(call(&both, "POST", test_ledger_path(ENTRIES2 "/%s/post", first), DRAFT_ETAG, NULL,
			      NULL), 403);

	ck_assert_int_eq(call(&clerk, "PUT", settings, "If-Match: \"1\"", "{\"self_posting\":true}", NULL),
			 403);
	ck_assert_int_eq(call(&controller, "PUT", settings, "If-Match: \"1\"", "{}", NULL), 422);
	/* One controller asks, another confirms (four-eyes_test.c tries to get round it). */
	test_ledger_self_posting(&L, controller.token, controller2.token, "LE2", true);
	ck_assert_int_eq(call(&both, "POST", test_ledger_path(ENTRIES2 "/%s/post", first), DRAFT_ETAG, NULL,
			      &r), 200);
	ck_assert_str_eq(test_ledger_text(r.json, "posted_by"), both.id);
	ck_assert_str_eq(test_ledger_text(r.json, "author_id"), both.id);
	test_response_free(&r);
	/* The setting is the company's: LE1 still applies four-eyes. */
	test_ledger_draft(&L, both.token, "LE1", "2026-01-15", "1000", "4000", "10.00", "Own", second);
	ck_assert_int_eq(call(&both, "POST", action_path(second, "post"), DRAFT_ETAG, NULL, NULL), 403);
	ck_assert_int_eq(call(&clerk, "DELETE", entry_path(second), NULL, NULL, NULL), 403);
	ck_assert_int_eq(call(&both, "DELETE", entry_path(second), NULL, NULL, NULL), 204);

	test_ledger_self_posting(&L, controller2.token, controller.token, "LE2", false);
	test_ledger_draft(&L, both.token, "LE2", "2026-01-15", "1000", "4000", "11.00", "Own", second);
	ck_assert_int_eq(call(&both, "POST", test_ledger_path(ENTRIES2 "/%s/post", second), DRAFT_ETAG, NULL,
			      NULL), 403);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM audit_events"
					       " WHERE action = 'ledger.settings.change_confirmed'"
					       " AND actor_id IN ('%s', '%s')", controller.id, controller2.id), 2);
}
END_TEST

START_TEST(posted_entries_are_immutable)
{
	struct test_response r;
	char id[40], number[24];

	test_ledger_draft(&L, clerk.token, "LE1", "2026-01-16", "1000", "4000", "55.00", "Fixed", id);
	test_ledger_post(&L, approver.token, "LE1", id, number);

	ck_assert_int_eq(call(&clerk, "PUT", entry_path(id), "If-Match: \"2\"",
			      two_lines("2026-01-16", "Changed", "1000", "56.00", "4000", "56.00"), &r), 409);
	ck_assert_ptr_nonnull(strstr(test_ledger_text(r.json, "detail"), number));
	ck_assert_ptr_nonnull(strstr(test_ledger_text(r.json, "detail"), "revers"));
	test_response_free(&r);
	ck_assert_int_eq(call(&clerk, "DELETE", entry_path(id), NULL, NULL, NULL), 409);
	ck_assert_int_eq(call(&approver, "POST", action_path(id, "post"), DRAFT_ETAG, NULL, NULL), 409);

	/* The database refuses too, whoever asks. */
	ck_assert_int_ne(test_db_exec(L.db_url, test_ledger_path(
		"UPDATE ledger_entries SET memo = 'Changed' WHERE id = '%s'", id)), 0);
	ck_assert_int_ne(test_db_exec(L.db_url, test_ledger_path(
		"DELETE FROM ledger_entries WHERE id = '%s'", id)), 0);
	ck_assert_int_ne(test_db_exec(L.db_url, test_ledger_path(
		"UPDATE ledger_lines SET debit_minor = debit_minor + 1 WHERE entry_id = '%s'"
		" AND debit_minor > 0", id)), 0);
	ck_assert_int_ne(test_db_exec(L.db_url, test_ledger_path(
		"DELETE FROM ledger_lines WHERE entry_id = '%s'", id)), 0);
	read_entry(id, &r);
	ck_assert_str_eq(test_ledger_text(r.json, "memo"), "Fixed");
	ck_assert_str_eq(test_ledger_text(line_of(r.json, 0), "debit"), "55.00");
	ck_assert_str_eq(test_ledger_text(r.json, "number"), number);
	test_response_free(&r);
}
END_TEST

START_TEST(numbers_are_gapless_per_company_and_fiscal_year)
{
	struct test_response r;
	char ids[3][40], own[40], old[40], other[40], numbers[3][24], number[24];

	for (int i = 0; i < 3; i++)
		test_ledger_draft(&L, clerk.token, "LE1", "2026-01-20", "1000", "4000", "5.00", "Numbered",
				  ids[i]);
	test_ledger_draft(&L, both.token, "LE1", "2026-01-20", "1000", "4000", "5.00", "Numbered", own);
	test_ledger_post(&L, approver.token, "LE1", ids[0], numbers[0]);
	/* Refusals in between give no number away. */
	ck_assert_int_eq(call(&both, "POST", action_path(own, "post"), DRAFT_ETAG, NULL, NULL), 403);
	ck_assert_int_eq(call(&approver, "POST", action_path(ids[0], "post"), DRAFT_ETAG, NULL, NULL), 409);
	test_ledger_post(&L, approver.token, "LE1", ids[1], numbers[1]);
	test_ledger_post(&L, approver.token, "LE1", ids[2], numbers[2]);
	ck_assert_int_eq(sequence_of(numbers[1]), sequence_of(numbers[0]) + 1);
	ck_assert_int_eq(sequence_of(numbers[2]), sequence_of(numbers[0]) + 2);

	/* Another fiscal year counts from one. */
	test_ledger_draft(&L, clerk.token, "LE1", "2025-12-31", "1000", "4000", "5.00", "Old year", old);
	test_ledger_post(&L, approver.token, "LE1", old, number);
	ck_assert_str_eq(number, "JE-2025-000001");
	ck_assert_int_eq(call(&clerk, "GET", test_ledger_path(ENTRIES "?number=JE-2025-000001"), NULL,
			      NULL, &r), 200);
	ck_assert_uint_eq(json_array_size(json_object_get(r.json, "items")), 1);
	ck_assert_str_eq(test_ledger_text(json_array_get(json_object_get(r.json, "items"), 0), "id"), old);
	test_response_free(&r);
	/* And so does another company: LE2 has its own sequence. */
	test_ledger_draft(&L, clerk.token, "LE2", "2026-01-20", "1000", "4000", "5.00", "Numbered", other);
	test_ledger_post(&L, approver.token, "LE2", other, number);
	ck_assert_int_eq(sequence_of(number),
			 test_ledger_db_number(&L, "SELECT count(*) FROM ledger_entries"
					       " WHERE status = 'posted' AND fiscal_year = 2026"
					       " AND company_id = (SELECT id FROM companies WHERE code = 'LE2')"));

	assert_gapless("LE1", 2026);
	assert_gapless("LE1", 2025);
	assert_gapless("LE2", 2026);
}
END_TEST

START_TEST(no_fiscal_period_no_posting)
{
	struct test_response r;
	char id[40];

	test_ledger_draft(&L, clerk.token, "LE1", "2031-06-01", "1000", "4000", "5.00", "Far future", id);
	ck_assert_int_eq(call(&approver, "POST", action_path(id, "post"), DRAFT_ETAG, NULL, &r), 422);
	ck_assert_ptr_nonnull(strstr(test_ledger_text(r.json, "detail"), "no fiscal period covers 2031-06-01"));
	test_response_free(&r);
	read_entry(id, &r);
	ck_assert_str_eq(test_ledger_text(r.json, "status"), "draft");
	test_response_free(&r);
}
END_TEST

START_TEST(closed_period_needs_post_closed)
{
	struct test_response r;
	char period[40], late[40], later[40];
	char *reason;

	test_ledger_period_id(&L, controller.token, "LE1", "2026-02", period);
	ck_assert_int_eq(call(&controller, "POST",
			      test_ledger_path("/api/v1/companies/LE1/fiscal-periods/%s/close", period),
			      NULL, NULL, NULL), 200);
	/* Drafts may still be written; posting is what the period guards. */
	test_ledger_draft(&L, clerk.token, "LE1", "2026-02-10", "5000", "2000", "19.99", "Late invoice", late);
	ck_assert_int_eq(call(&approver, "POST", action_path(late, "post"), DRAFT_ETAG, NULL, &r), 403);
	ck_assert_ptr_nonnull(strstr(test_ledger_text(r.json, "detail"), "period 2026-02 is closed"));
	test_response_free(&r);
	test_ledger_post(&L, closer.token, "LE1", late, NULL);
	reason = test_db_value(L.db_url, test_ledger_path(
		"SELECT reason FROM audit_events WHERE action = 'ledger.journal.posted'"
		" AND entity_id = '%s' AND actor_id = '%s'", late, closer.id));
	ck_assert_ptr_nonnull(reason);
	ck_assert_ptr_nonnull(strstr(reason, "closed period 2026-02"));
	free(reason);

	ck_assert_int_eq(call(&locker, "POST",
			      test_ledger_path("/api/v1/companies/LE1/fiscal-periods/%s/reopen", period),
			      NULL, NULL, NULL), 200);
	test_ledger_draft(&L, clerk.token, "LE1", "2026-02-11", "5000", "2000", "5.00", "Later invoice", later);
	test_ledger_post(&L, approver.token, "LE1", later, NULL);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM audit_events"
					       " WHERE action = 'ledger.journal.posted' AND entity_id = '%s'"
					       " AND reason IS NULL", later), 1);
}
END_TEST

START_TEST(locked_period_refuses_everyone)
{
	const char *post_path;
	struct test_response r;
	char period[40], id[40];

	test_ledger_period_id(&L, controller.token, "LE3", "2024-01", period);
	ck_assert_int_eq(call(&controller, "POST",
			      test_ledger_path("/api/v1/companies/LE3/fiscal-periods/%s/close", period),
			      NULL, NULL, NULL), 200);
	test_ledger_lock_period(&L, locker.token, locker2.token, "LE3", period);
	/* A draft may still be written into it; it can never be posted. */
	test_ledger_draft(&L, clerk.token, "LE3", "2024-01-15", "5000", "2000", "9.00", "Too late", id);
	post_path = test_ledger_path("/api/v1/companies/LE3/journal-entries/%s/post", id);
	ck_assert_int_eq(call(&approver, "POST", post_path, DRAFT_ETAG, NULL, NULL), 409);
	ck_assert_int_eq(call(&closer, "POST", post_path, DRAFT_ETAG, NULL, &r), 409);
	ck_assert_ptr_nonnull(strstr(test_ledger_text(r.json, "detail"), "period 2024-01 is locked"));
	test_response_free(&r);
	ck_assert_int_eq(call(&locker, "POST",
			      test_ledger_path("/api/v1/companies/LE3/fiscal-periods/%s/reopen", period),
			      NULL, NULL, NULL), 409);
	ck_assert_int_eq(call(&closer, "POST",
			      test_ledger_path("/api/v1/companies/LE3/journal-entries/%s/post", id), DRAFT_ETAG,
			      NULL, NULL), 409);
	ck_assert_int_eq(call(&clerk, "GET", test_ledger_path("/api/v1/companies/LE3/journal-entries/%s", id),
			      NULL, NULL, &r), 200);
	ck_assert_str_eq(test_ledger_text(r.json, "status"), "draft");
	test_response_free(&r);
}
END_TEST

/* --- reversal --------------------------------------------------------------------------- */

START_TEST(reversal_mirrors_and_links_both_ways)
{
	struct test_response r;
	char id[40], number[24], reversal[40], draft[40], *location;
	json_t *line;

	ck_assert_int_eq(call(&clerk, "POST", ENTRIES, NULL,
			      "{\"date\":\"2026-01-22\",\"memo\":\"Deposit\",\"lines\":["
			      "{\"account\":\"1000\",\"debit\":\"250.00\",\"description\":\"cash\"},"
			      "{\"account\":\"4000\",\"credit\":\"250.00\"}]}", &r), 201);
	snprintf(id, sizeof(id), "%s", test_ledger_text(r.json, "id"));
	test_response_free(&r);
	test_ledger_post(&L, approver.token, "LE1", id, number);

	ck_assert_int_eq(call(&clerk, "POST", action_path(id, "reverse"), POSTED_ETAG, "{}", NULL), 403);
	ck_assert_int_eq(call(&approver, "POST", action_path(id, "reverse"), POSTED_ETAG,
			      "{\"date\":\"2026-01-31\"}", &r), 201);
	snprintf(reversal, sizeof(reversal), "%s", test_ledger_text(r.json, "id"));
	location = test_response_header(&r, "Location");
	ck_assert_str_eq(location, entry_path(reversal));
	free(location);
	ck_assert_str_eq(test_ledger_text(r.json, "status"), "posted");
	ck_assert_str_eq(test_ledger_text(r.json, "reverses"), id);
	ck_assert_str_eq(test_ledger_text(r.json, "date"), "2026-01-31");
	ck_assert_str_eq(test_ledger_text(r.json, "memo"), test_ledger_path("Reversal of %s", number));
	ck_assert_str_eq(test_ledger_text(r.json, "author_id"), approver.id);
	ck_assert_str_eq(test_ledger_text(r.json, "posted_by"), approver.id);
	ck_assert_int_eq(strncmp(test_ledger_text(r.json, "number"), "JE-2026-", 8), 0);
	ck_assert_str_ne(test_ledger_text(r.json, "number"), number);
	ck_assert_uint_eq(json_array_size(json_object_get(r.json, "lines")), 2);
	line = line_of(r.json, 0);
	ck_assert_str_eq(test_ledger_text(line, "account"), "1000");
	ck_assert_str_eq(test_ledger_text(line, "credit"), "250.00");
	ck_assert_ptr_null(json_object_get(line, "debit"));
	ck_assert_str_eq(test_ledger_text(line, "description"), "cash");
	line = line_of(r.json, 1);
	ck_assert_str_eq(test_ledger_text(line, "account"), "4000");
	ck_assert_str_eq(test_ledger_text(line, "debit"), "250.00");
	test_response_free(&r);

	read_entry(id, &r);
	ck_assert_str_eq(test_ledger_text(r.json, "reversed_by"), reversal);
	ck_assert(json_is_null(json_object_get(r.json, "reverses")));
	test_response_free(&r);
	read_entry(reversal, &r);
	ck_assert_str_eq(test_ledger_text(r.json, "reverses"), id);
	ck_assert(json_is_null(json_object_get(r.json, "reversed_by")));
	test_response_free(&r);

	ck_assert_int_eq(call(&approver, "POST", action_path(id, "reverse"), POSTED_ETAG, "{}", &r), 409);
	ck_assert_ptr_nonnull(strstr(test_ledger_text(r.json, "detail"), "already reversed"));
	test_response_free(&r);
	ck_assert_int_eq(call(&both, "POST", action_path(id, "reverse"), POSTED_ETAG, "{}", NULL), 409);
	test_ledger_draft(&L, clerk.token, "LE1", "2026-01-22", "1000", "4000", "1.00", "Draft", draft);
	ck_assert_int_eq(call(&approver, "POST", action_path(draft, "reverse"), POSTED_ETAG, "{}", NULL), 409);

	ck_assert_int_eq(audit_count("ledger.journal.reversed", id, approver.id), 1);
	ck_assert_int_eq(audit_count("ledger.journal.posted", reversal, approver.id), 1);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM audit_events"
					       " WHERE action = 'ledger.journal.reversed' AND entity_id = '%s'"
					       " AND reason = 'reversed by entry %s'", id, reversal), 1);
	assert_gapless("LE1", 2026);
}
END_TEST

START_TEST(reversal_keeps_four_eyes_and_defaults_to_today)
{
	struct test_response r;
	char id[40], before[11], today[11];

	test_ledger_draft(&L, both.token, "LE1", "2026-01-23", "1000", "4000", "60.00", "Written by both", id);
	test_ledger_post(&L, approver.token, "LE1", id, NULL);
	/* The author of the original may not reverse it either, though holding post. */
	ck_assert_int_eq(call(&both, "POST", action_path(id, "reverse"), POSTED_ETAG, "{}", &r), 403);
	ck_assert_ptr_nonnull(strstr(test_ledger_text(r.json, "detail"), "four-eyes"));
	test_response_free(&r);
	read_entry(id, &r);
	ck_assert(json_is_null(json_object_get(r.json, "reversed_by")));
	test_response_free(&r);

	today_utc(before);
	ck_assert_int_eq(call(&approver, "POST", action_path(id, "reverse"), POSTED_ETAG,
			      "{\"memo\":\"Undo the duplicate\"}", &r), 201);
	today_utc(today);
	/* Today when the server answered (the run may cross midnight UTC). */
	ck_assert_msg(strcmp(test_ledger_text(r.json, "date"), today) == 0 ||
		      strcmp(test_ledger_text(r.json, "date"), before) == 0,
		      "reversal dated %s, not today (%s)", test_ledger_text(r.json, "date"), today);
	ck_assert_str_eq(test_ledger_text(r.json, "memo"), "Undo the duplicate");
	test_response_free(&r);
}
END_TEST

/* --- Idempotency-Key ---------------------------------------------------------------------- */

static long long entries_with_memo(const char *memo)
{
	return test_ledger_db_number(&L, "SELECT count(*) FROM ledger_entries WHERE memo = '%s'", memo);
}

START_TEST(idempotency_key_replays_and_refuses_reuse)
{
	struct test_response first, again;
	char body[512], id[40], *replayed;

	snprintf(body, sizeof(body), "%s",
		 two_lines("2026-01-25", "Idempotent rent", "5000", "700.00", "2000", "700.00"));

	ck_assert_int_eq(call(&clerk, "POST", ENTRIES, "Idempotency-Key: rent-2026-01", body, &first), 201);
	snprintf(id, sizeof(id), "%s", test_ledger_text(first.json, "id"));
	replayed = test_response_header(&first, "Idempotent-Replayed");
	ck_assert_ptr_null(replayed);

	/* The same request again: the first answer, byte for byte, and nothing new. */
	ck_assert_int_eq(call(&clerk, "POST", ENTRIES, "Idempotency-Key: rent-2026-01", body, &again), 201);
	replayed = test_response_header(&again, "Idempotent-Replayed");
	ck_assert_ptr_nonnull(replayed);
	ck_assert_str_eq(replayed, "true");
	free(replayed);
	ck_assert_str_eq(again.body, first.body);
	/* ...with the first answer's headers: the entry's address and the version it was created at. */
	for (size_t i = 0; i < 2; i++) {
		const char *name = i ? "ETag" : "Location";
		char *was = test_response_header(&first, name), *is = test_response_header(&again, name);

		ck_assert_msg(was && is, "%s: first %s, replay %s", name, was ? was : "(none)",
			      is ? is : "(none)");
		ck_assert_str_eq(is, was);
		free(was);
		free(is);
	}
	replayed = test_response_header(&first, "Location");
	ck_assert_str_eq(replayed, entry_path(id));
	free(replayed);
	test_response_free(&again);
	/* The same JSON spelled differently is the same request. */
	ck_assert_int_eq(call(&clerk, "POST", ENTRIES, "Idempotency-Key: rent-2026-01",
			      "{ \"memo\" : \"Idempotent rent\", \"lines\":["
			      "{\"debit\":\"700.00\",\"account\":\"5000\"},{\"credit\":\"700.00\",\"account\":\"2000\"}],"
			      "\"date\":\"2026-01-25\"}", &again), 201);
	ck_assert_str_eq(again.body, first.body);
	test_response_free(&again);
	test_response_free(&first);
	ck_assert_int_eq(entries_with_memo("Idempotent rent"), 1);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM audit_events"
					       " WHERE action = 'ledger.journal.created' AND entity_id = '%s'", id), 1);

	/* Another request under the same key: refused, nothing created. */
	ck_assert_int_eq(call(&clerk, "POST", ENTRIES, "Idempotency-Key: rent-2026-01",
			      two_lines("2026-01-25", "Idempotent rent", "5000", "701.00", "2000", "701.00"),
			      NULL), 422);
	ck_assert_int_eq(call(&clerk, "POST", ENTRIES2, "Idempotency-Key: rent-2026-01", body, NULL), 422);
	ck_assert_int_eq(entries_with_memo("Idempotent rent"), 1);
	/* Keys belong to their user: another clerk's key of the same name is a new request. */
	ck_assert_int_eq(call(&clerk2, "POST", ENTRIES, "Idempotency-Key: rent-2026-01", body, NULL), 201);
	ck_assert_int_eq(entries_with_memo("Idempotent rent"), 2);

	/* A refused create stores no answer: the key is still free for a corrected request. */
	ck_assert_int_eq(call(&clerk, "POST", ENTRIES, "Idempotency-Key: fee-2026-01",
			      two_lines("2026-01-25", "Idempotent fee", "5000", "9.00", "2000", "8.00"),
			      NULL), 422);
	ck_assert_int_eq(call(&clerk, "POST", ENTRIES, "Idempotency-Key: fee-2026-01",
			      two_lines("2026-01-25", "Idempotent fee", "5000", "9.00", "2000", "9.00"),
			      NULL), 201);
	ck_assert_int_eq(entries_with_memo("Idempotent fee"), 1);
}
END_TEST

START_TEST(idempotency_key_in_flight_is_a_conflict)
{
	PGconn *holder = PQconnectdb(L.db_url);
	const char *params[] = { clerk.id, "in-flight-1" };
	PGresult *res;
	char body[512];

	snprintf(body, sizeof(body), "%s", two_lines("2026-01-26", "In flight", "5000", "3.00", "2000", "3.00"));

	ck_assert_msg(PQstatus(holder) == CONNECTION_OK, "%s", PQerrorMessage(holder));
	/* Hold the key's lock as a request still running would. */
	res = PQexecParams(holder, "SELECT pg_advisory_lock(hashtextextended($1 || ':' || $2, 7))", 2,
			   NULL, params, NULL, NULL, 0);
	ck_assert_int_eq(PQresultStatus(res), PGRES_TUPLES_OK);
	PQclear(res);
	ck_assert_int_eq(call(&clerk, "POST", ENTRIES, "Idempotency-Key: in-flight-1", body, NULL), 409);
	ck_assert_int_eq(entries_with_memo("In flight"), 0);
	/* Released before the retry: closing the session would release it only eventually. */
	res = PQexecParams(holder, "SELECT pg_advisory_unlock(hashtextextended($1 || ':' || $2, 7))", 2,
			   NULL, params, NULL, NULL, 0);
	ck_assert_int_eq(PQresultStatus(res), PGRES_TUPLES_OK);
	ck_assert_str_eq(PQgetvalue(res, 0, 0), "t");
	PQclear(res);
	PQfinish(holder);
	ck_assert_int_eq(call(&clerk, "POST", ENTRIES, "Idempotency-Key: in-flight-1", body, NULL), 201);
	ck_assert_int_eq(entries_with_memo("In flight"), 1);
}
END_TEST

/* --- lists and the audit trail -------------------------------------------------------------- */

START_TEST(list_filters_and_pages)
{
	struct test_response r;
	char ids[5][40], number[24], path[1700], *cursor = NULL;
	int seen = 0, pages = 0;

	for (int i = 0; i < 5; i++)
		test_ledger_draft(&L, clerk.token, "LE1", test_ledger_path("2026-04-%02d", 10 + i),
				  i == 4 ? "5000" : "1000", "4000", "1.00", "April", ids[i]);
	test_ledger_post(&L, approver.token, "LE1", ids[1], number);

	do {
		snprintf(path, sizeof(path), ENTRIES "?from=2026-04-01&to=2026-04-30&limit=2%s%s",
			 cursor ? "&cursor=" : "", cursor ? cursor : "");
		ck_assert_int_eq(call(&approver, "GET", path, NULL, NULL, &r), 200);
		for (size_t i = 0; i < json_array_size(json_object_get(r.json, "items")); i++) {
			json_t *item = json_array_get(json_object_get(r.json, "items"), i);

			ck_assert_int_lt(seen, 5);
			ck_assert_str_eq(test_ledger_text(item, "id"), ids[seen]); /* date order */
			seen++;
		}
		free(cursor);
		cursor = json_is_string(json_object_get(r.json, "next_cursor"))
				 ? strdup(test_ledger_text(r.json, "next_cursor")) : NULL;
		test_response_free(&r);
		pages++;
	} while (cursor && pages < 10);
	ck_assert_int_eq(seen, 5);
	ck_assert_int_eq(pages, 3);

	ck_assert_int_eq(call(&approver, "GET", ENTRIES "?from=2026-04-01&to=2026-04-30&status=posted",
			      NULL, NULL, &r), 200);
	ck_assert_uint_eq(json_array_size(json_object_get(r.json, "items")), 1);
	ck_assert_str_eq(test_ledger_text(json_array_get(json_object_get(r.json, "items"), 0), "number"),
			 number);
	test_response_free(&r);
	ck_assert_int_eq(call(&approver, "GET", test_ledger_path(ENTRIES "?number=%s", number), NULL,
			      NULL, &r), 200);
	ck_assert_uint_eq(json_array_size(json_object_get(r.json, "items")), 1);
	ck_assert_str_eq(test_ledger_text(json_array_get(json_object_get(r.json, "items"), 0), "id"), ids[1]);
	test_response_free(&r);
	ck_assert_int_eq(call(&approver, "GET", ENTRIES "?from=2026-04-01&to=2026-04-30&account=5000",
			      NULL, NULL, &r), 200);
	ck_assert_uint_eq(json_array_size(json_object_get(r.json, "items")), 1);
	ck_assert_str_eq(test_ledger_text(json_array_get(json_object_get(r.json, "items"), 0), "id"), ids[4]);
	test_response_free(&r);
	ck_assert_int_eq(call(&approver, "GET", ENTRIES "?from=2026-04-12&to=2026-04-12", NULL, NULL, &r), 200);
	ck_assert_uint_eq(json_array_size(json_object_get(r.json, "items")), 1);
	test_response_free(&r);
	ck_assert_int_eq(call(&approver, "GET", ENTRIES "?status=void", NULL, NULL, NULL), 422);
	ck_assert_int_eq(call(&approver, "GET", ENTRIES "?cursor=AAAA", NULL, NULL, NULL), 400);
	ck_assert_int_eq(call(&approver, "GET", ENTRIES "?colour=red", NULL, NULL, NULL), 422);
}
END_TEST

START_TEST(audit_trail_records_create_post_reverse)
{
	struct test_response r;
	char id[40], reversal[40];
	const char *company = "(SELECT id FROM companies WHERE code = 'LE1')";

	test_ledger_draft(&L, clerk.token, "LE1", "2026-01-28", "1000", "4000", "42.00", "Audited", id);
	test_ledger_post(&L, approver.token, "LE1", id, NULL);
	ck_assert_int_eq(call(&closer, "POST", action_path(id, "reverse"), POSTED_ETAG, "{\"date\":\"2026-01-29\"}",
			      &r), 201);
	snprintf(reversal, sizeof(reversal), "%s", test_ledger_text(r.json, "id"));
	test_response_free(&r);

	ck_assert_int_eq(audit_count("ledger.journal.created", id, clerk.id), 1);
	ck_assert_int_eq(audit_count("ledger.journal.posted", id, approver.id), 1);
	ck_assert_int_eq(audit_count("ledger.journal.reversed", id, closer.id), 1);
	ck_assert_int_eq(audit_count("ledger.journal.posted", reversal, closer.id), 1);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM audit_events WHERE entity_id = '%s'"
					       " AND company_id = %s AND request_id IS NOT NULL", id, company), 3);
	/* What was created and what posting changed are on the record. */
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM audit_events"
					       " WHERE action = 'ledger.journal.created' AND entity_id = '%s'"
					       " AND changes->'memo'->>'new' = 'Audited'"
					       " AND jsonb_array_length(changes->'lines'->'new') = 2", id), 1);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM audit_events"
					       " WHERE action = 'ledger.journal.posted' AND entity_id = '%s'"
					       " AND changes->'status'->>'new' = 'posted'"
					       " AND changes->'number'->>'new' LIKE 'JE-2026-%%'", id), 1);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("e2e/ledger/entries");
	TCase *tc = tcase_create("entries");

	tcase_add_unchecked_fixture(tc, start_shared, stop_shared);
	tcase_add_test(tc, draft_is_created_and_read_back);
	tcase_add_test(tc, malformed_requests_and_unknown_ids);
	tcase_add_test(tc, lines_break_no_rule);
	tcase_add_test(tc, amounts_follow_the_currency_decimals);
	tcase_add_test(tc, multi_currency_entries_balance_per_currency);
	tcase_add_test(tc, only_the_author_changes_a_draft_with_if_match);
	tcase_add_test(tc, four_eyes_keeps_authors_from_posting);
	tcase_add_test(tc, self_posting_setting_relaxes_four_eyes);
	tcase_add_test(tc, posted_entries_are_immutable);
	tcase_add_test(tc, numbers_are_gapless_per_company_and_fiscal_year);
	tcase_add_test(tc, no_fiscal_period_no_posting);
	tcase_add_test(tc, closed_period_needs_post_closed);
	tcase_add_test(tc, locked_period_refuses_everyone);
	tcase_add_test(tc, reversal_mirrors_and_links_both_ways);
	tcase_add_test(tc, reversal_keeps_four_eyes_and_defaults_to_today);
	tcase_add_test(tc, idempotency_key_replays_and_refuses_reuse);
	tcase_add_test(tc, idempotency_key_in_flight_is_a_conflict);
	tcase_add_test(tc, list_filters_and_pages);
	tcase_add_test(tc, audit_trail_records_create_post_reverse);
	suite_add_tcase(s, tc);
	return s;
}
