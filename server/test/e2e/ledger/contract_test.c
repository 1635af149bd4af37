/*
 * The ledger's API does what the README's API section and /openapi.json say,
 * end to end against the real erp-server-test binary:
 *
 * - the ledger settings update (PUT .../ledger-settings) takes If-Match: 428
 *   without it, 412 when stale, and nothing is recorded either way;
 * - one request with problems of several kinds (the schema's, a rule's
 *   without the database, a rule's against the company's accounts; bad query
 *   parameters) is answered by one 422 naming every problem with its JSON
 *   pointer or parameter, and what cannot be answered at once is as the
 *   README says;
 * - an account's ledger runs by date, then by posting (the order in which
 *   lines were posted), with the balance brought forward, across pages;
 * - posting and reversing take the same empty bodies (none, Content-Length:
 *   0, {}) with and without Content-Type, and refuse the same non-objects
 *   with the same problem.
 *
 * Company DC holds the settings and the entries; account 1100 is the ledger
 * test's alone.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test/support/check_main.h"
#include "test/support/ledger_fixture.h"
#include "test/support/testlib.h"

#define COMPANY "/api/v1/companies/DC"
#define ENTRIES COMPANY "/journal-entries"
#define SETTINGS COMPANY "/ledger-settings"

static struct test_ledger L;
static struct test_ledger_user keeper, clerk, approver, settings1, settings2;

static void start_shared(void)
{
	test_ledger_start(&L, "t_ledger_contract", NULL);
	test_ledger_company(&L, "DC", "EUR");
	test_ledger_role(&L, "dc-keeper", "[\"ledger.account.manage\",\"ledger.account.read\","
					  "\"ledger.period.manage\",\"ledger.period.read\","
					  "\"ledger.report.read\",\"ledger.journal.read\"]");
	test_ledger_role(&L, "dc-clerk", "[\"ledger.journal.create\",\"ledger.journal.read\"]");
	test_ledger_role(&L, "dc-approver", "[\"ledger.journal.post\",\"ledger.journal.read\"]");
	test_ledger_role(&L, "dc-settings", "[\"ledger.settings.manage\"]");
	test_ledger_user(&L, "keeper@contract.test", &keeper);
	test_ledger_user(&L, "clerk@contract.test", &clerk);
	test_ledger_user(&L, "approver@contract.test", &approver);
	test_ledger_user(&L, "settings1@contract.test", &settings1);
	test_ledger_user(&L, "settings2@contract.test", &settings2);
	test_ledger_grant(&L, keeper.id, "dc-keeper", "DC", NULL);
	test_ledger_grant(&L, clerk.id, "dc-clerk", "DC", NULL);
	test_ledger_grant(&L, approver.id, "dc-approver", "DC", NULL);
	test_ledger_grant(&L, settings1.id, "dc-settings", "DC", NULL);
	test_ledger_grant(&L, settings2.id, "dc-settings", "DC", NULL);
	test_ledger_account(&L, keeper.token, "DC", "1000", "asset", NULL);
	test_ledger_account(&L, keeper.token, "DC", "1100", "asset", NULL);
	test_ledger_account(&L, keeper.token, "DC", "4000", "revenue", NULL);
	test_ledger_fiscal_year(&L, keeper.token, "DC", 2026);
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

/* /openapi.json's operation of method and path. */
static json_t *operation(json_t *document, const char *method, const char *path)
{
	json_t *op = json_object_get(json_object_get(json_object_get(document, "paths"), path), method);

	ck_assert_msg(op != NULL, "/openapi.json has no %s %s", method, path);
	return op;
}

/* --- the settings update takes If-Match ------------------------------------------------------- */

/* The settings as settings2 reads them; asserts their version and that no change is pending. */
static void assert_settings_unchanged(int version)
{
	struct test_response r;

	ck_assert_int_eq(call(&settings2, "GET", SETTINGS, NULL, NULL, &r), 200);
	ck_assert_int_eq(json_integer_value(json_object_get(r.json, "version")), version);
	ck_assert_msg(json_is_null(json_object_get(r.json, "pending")), "a change is pending: %s", r.body);
	test_response_free(&r);
}

START_TEST(the_settings_update_takes_if_match)
{
	struct test_response r;
	json_t *op, *parameter;
	char *etag;
	bool if_match = false;

	ck_assert_int_eq(call(&settings1, "GET", SETTINGS, NULL, NULL, &r), 200);
	etag = test_response_header(&r, "ETag");
	ck_assert_str_eq(etag, "\"1\"");
	free(etag);
	test_response_free(&r);

	/* Without If-Match: 428, and nothing is requested. */
	ck_assert_int_eq(call(&settings1, "PUT", SETTINGS, NULL, "{\"self_posting\":true}", &r), 428);
	ck_assert_str_eq(test_ledger_text(r.json, "type"), "/problems/precondition-required");
	ck_assert_ptr_nonnull(strstr(test_ledger_text(r.json, "detail"), "If-Match"));
	test_response_free(&r);
	assert_settings_unchanged(1);
	/* A version that never was, and one that is no longer: 412. */
	ck_assert_int_eq(call(&settings1, "PUT", SETTINGS, "If-Match: \"9\"", "{\"self_posting\":true}",
			      &r), 412);
	ck_assert_str_eq(test_ledger_text(r.json, "type"), "/problems/precondition-failed");
	test_response_free(&r);
	ck_assert_int_eq(call(&settings1, "PUT", SETTINGS, "If-Match: *", "{\"self_posting\":true}", NULL),
			 412);
	assert_settings_unchanged(1);
	/* The version read: the change is requested (202) and the settings move on. */
	ck_assert_int_eq(call(&settings1, "PUT", SETTINGS, "If-Match: \"1\"", "{\"self_posting\":true}",
			      &r), 202);
	ck_assert(json_is_true(json_object_get(json_object_get(r.json, "pending"), "self_posting")));
	etag = test_response_header(&r, "ETag");
	ck_assert_str_eq(etag, "\"2\"");
	free(etag);
	test_response_free(&r);
	ck_assert_int_eq(call(&settings2, "PUT", SETTINGS, "If-Match: \"1\"", "{\"self_posting\":true}",
			      NULL), 412);
	ck_assert_int_eq(call(&settings2, "POST", SETTINGS "/cancel", NULL, NULL, NULL), 200);

	/* /openapi.json says the same: If-Match required, 412 and 428 among its problems. */
	ck_assert_int_eq(test_ledger_call(&L, NULL, "GET", "/openapi.json", NULL, NULL, &r), 200);
	op = operation(r.json, "put", "/api/v1/companies/{company}/ledger-settings");
	for (size_t i = 0; i < json_array_size(json_object_get(op, "parameters")); i++) {
		parameter = json_array_get(json_object_get(op, "parameters"), i);
		if_match |= strcmp(test_ledger_text(parameter, "$ref"),
				   "#/components/parameters/If-Match") == 0;
	}
	ck_assert(if_match);
	parameter = json_object_get(json_object_get(json_object_get(r.json, "components"), "parameters"),
				    "If-Match");
	ck_assert(json_is_true(json_object_get(parameter, "required")));
	ck_assert_ptr_nonnull(json_object_get(json_object_get(op, "responses"), "412"));
	ck_assert_ptr_nonnull(json_object_get(json_object_get(op, "responses"), "428"));
	test_response_free(&r);
}
END_TEST

/* --- one answer names every problem ------------------------------------------------------------ */

/* An error expected in a 422: where (a body's JSON pointer, or a query parameter's name) and its code. */
struct expected_error {
	const char *at;
	const char *code;
};

/*
 * Asserts r is one 422 whose errors are exactly expected (any order): each
 * named once, by its "pointer" (body) or "parameter" (query).
 */
static void assert_every_error(const struct test_response *r, const struct expected_error *expected,
			       size_t count)
{
	json_t *errors = json_object_get(r->json, "errors");

	ck_assert_msg(r->status == 422, "expected 422: %ld %s", r->status, r->body);
	ck_assert_str_eq(test_ledger_text(r->json, "type"), "/problems/validation");
	ck_assert_msg(json_array_size(errors) == count, "expected %zu errors: %s", count, r->body);
	for (size_t i = 0; i < count; i++) {
		int found = 0;

		for (size_t j = 0; j < json_array_size(errors); j++) {
			json_t *e = json_array_get(errors, j);
			const char *at = json_object_get(e, "pointer") ? test_ledger_text(e, "pointer")
								       : test_ledger_text(e, "parameter");

			found += strcmp(at, expected[i].at) == 0 &&
				 strcmp(test_ledger_text(e, "code"), expected[i].code) == 0;
		}
		ck_assert_msg(found == 1, "%s (%s) named %d times in %s", expected[i].at, expected[i].code,
			      found, r->body);
	}
}

static long long entries_with_memo(const char *memo)
{
	return test_ledger_db_number(&L, "SELECT count(*) FROM ledger_entries WHERE memo = '%s'", memo);
}

/* A body with problems of every kind: the schema's, the rules' without and with the database. */
static const char many_problems[] =
	"{\"date\":\"2026-03-02\",\"memo\":\"Many problems\",\"source\":\"Bad Source\","
	"\"extra\":true,\"lines\":[{\"account\":\"1000\",\"debit\":\"10.005\"},"
	"{\"account\":\"7777\",\"credit\":\"10.00\"},{\"account\":\"4000\",\"credit\":12},"
	"{\"account\":\"4000\",\"debit\":\"1.00\",\"credit\":\"1.00\"}]}";
static const struct expected_error many_kinds[] = {
	{ "/extra", "unknown_field" },    { "/lines/2/credit", "type" },
	{ "/source", "format" },          { "/lines/3/credit", "one_side" },
	{ "/lines/0/debit", "amount" },   { "/lines/1/account", "unknown" },
};

START_TEST(one_answer_names_every_problem_of_a_new_entry)
{
	/* A missing memo beside an unbalanced entry: the balance is judged all the same. */
	static const struct expected_error unbalanced[] = {
		{ "/memo", "required" }, { "/source", "format" }, { "/lines", "unbalanced" },
	};
	static const struct expected_error rules_only[] = {
		{ "/source", "format" }, { "/lines", "unbalanced" },
	};
	struct test_response r;

	/* The schema's (an unknown field, a number for an amount), a rule's without the database
	 * (the source's form, one side per line) and the accounts' (decimals, an unknown code). */
	call(&clerk, "POST", ENTRIES, NULL, many_problems, &r);
	assert_every_error(&r, many_kinds, sizeof(many_kinds) / sizeof(many_kinds[0]));
	test_response_free(&r);

	call(&clerk, "POST", ENTRIES, NULL,
	     "{\"date\":\"2026-03-02\",\"source\":\"Bad Source\",\"lines\":["
	     "{\"account\":\"1000\",\"debit\":\"10.00\"},{\"account\":\"4000\",\"credit\":\"9.00\"}]}", &r);
	assert_every_error(&r, unbalanced, sizeof(unbalanced) / sizeof(unbalanced[0]));
	ck_assert_ptr_nonnull(strstr(r.body, "difference 1.00"));
	test_response_free(&r);

	/* A body the schema accepts: the rules still answer together. */
	call(&clerk, "POST", ENTRIES, NULL,
	     "{\"date\":\"2026-03-02\",\"memo\":\"Many problems\",\"source\":\"Bad Source\",\"lines\":["
	     "{\"account\":\"1000\",\"debit\":\"10.00\"},{\"account\":\"4000\",\"credit\":\"9.00\"}]}", &r);
	assert_every_error(&r, rules_only, sizeof(rules_only) / sizeof(rules_only[0]));
	test_response_free(&r);
	ck_assert_int_eq(entries_with_memo("Many problems"), 0);
}
END_TEST

/*
 * With each allocation of the answer failing in turn (the sanitizer build
 * compiles the injection; elsewhere the first attempt is the clean one), the
 * answer is a 5xx problem or the whole list: never half of it.
 */
START_TEST(the_one_answer_is_whole_or_none)
{
	struct test_response r, report;
	char header[64];
	unsigned long n;
	bool fired = true, available = false;

	for (n = 1; fired && n <= 5000; n++) {
		snprintf(header, sizeof(header), "X-Test-Fail-Allocation: %lu", n);
		call(&clerk, "POST", ENTRIES, header, many_problems, &r);
		ck_assert_int_eq(test_ledger_call(&L, NULL, "GET", "/test/fault-report", NULL, NULL,
						  &report), 200);
		fired = json_is_true(json_object_get(report.json, "fired"));
		available = json_is_true(json_object_get(report.json, "available"));
		test_response_free(&report);
		if (r.status == 422 || !fired)
			assert_every_error(&r, many_kinds, sizeof(many_kinds) / sizeof(many_kinds[0]));
		else
			ck_assert_msg((r.status == 503 || r.status == 500) && r.json &&
				      json_integer_value(json_object_get(r.json, "status")) == r.status,
				      "allocation %lu failed: %ld %s", n, r.status, r.body);
		test_response_free(&r);
	}
	ck_assert_msg(!fired, "still failing after %lu allocations", n - 1);
	printf("the one answer: %lu allocations failed in turn%s\n", n - 2,
	       available ? "" : " (no fault injection in this build)");
	ck_assert(!available || n > 3);
	ck_assert_int_eq(entries_with_memo("Many problems"), 0);
}
END_TEST

START_TEST(one_answer_names_every_problem_of_a_replaced_draft)
{
	static const struct expected_error expected[] = {
		{ "/date", "required" },   { "/memo", "min_length" },
		{ "/source", "format" },   { "/lines", "unbalanced" },
	};
	struct test_response r;
	char id[40];

	test_ledger_draft(&L, clerk.token, "DC", "2026-03-03", "1000", "4000", "5.00", "Kept as it was", id);
	call(&clerk, "PUT", test_ledger_path(ENTRIES "/%s", id), "If-Match: \"1\"",
	     "{\"memo\":\"\",\"source\":\"manual\",\"lines\":[{\"account\":\"1000\",\"debit\":\"5.00\"},"
	     "{\"account\":\"4000\",\"credit\":\"4.00\"}]}", &r);
	assert_every_error(&r, expected, sizeof(expected) / sizeof(expected[0]));
	test_response_free(&r);
	ck_assert_int_eq(call(&clerk, "GET", test_ledger_path(ENTRIES "/%s", id), NULL, NULL, &r), 200);
	ck_assert_int_eq(json_integer_value(json_object_get(r.json, "version")), 1);
	ck_assert_str_eq(test_ledger_text(r.json, "memo"), "Kept as it was");
	test_response_free(&r);
}
END_TEST

START_TEST(one_answer_names_every_bad_query_parameter)
{
	static const struct expected_error entries[] = {
		{ "limit", "type" }, { "status", "enum" }, { "from", "format" },
		{ "nope", "unknown_parameter" },
	};
	static const struct expected_error ledger[] = {
		{ "limit", "minimum" }, { "from", "format" }, { "to", "format" },
	};
	struct test_response r;

	call(&clerk, "GET", ENTRIES "?limit=ten&status=bogus&from=2026-13-01&nope=1", NULL, NULL, &r);
	assert_every_error(&r, entries, sizeof(entries) / sizeof(entries[0]));
	test_response_free(&r);
	call(&keeper, "GET", COMPANY "/accounts/1000/ledger?limit=0&from=2026-02-30&to=later", NULL,
	     NULL, &r);
	assert_every_error(&r, ledger, sizeof(ledger) / sizeof(ledger[0]));
	test_response_free(&r);
}
END_TEST

/* What cannot be answered at once, as the README says. */
START_TEST(what_is_answered_before_the_rest)
{
	static const struct expected_error not_an_object[] = { { "", "type" } };
	static const struct expected_error body_first[] = { { "/memo", "required" } };
	struct test_response r;

	/* A body that is not JSON: 400 alone, nothing else judged. */
	ck_assert_int_eq(call(&clerk, "POST", ENTRIES "", NULL, "{\"memo\":", &r), 400);
	ck_assert_str_eq(test_ledger_text(r.json, "type"), "/problems/bad-request");
	ck_assert_ptr_null(json_object_get(r.json, "errors"));
	test_response_free(&r);
	/* JSON that is no object: its one problem. */
	call(&clerk, "POST", ENTRIES, NULL, "[{\"memo\":\"\"}]", &r);
	assert_every_error(&r, not_an_object, 1);
	test_response_free(&r);
	/* A path naming nothing is 404, answered once the body is valid. */
	call(&clerk, "PUT", ENTRIES "/not-an-id", "If-Match: \"1\"",
	     "{\"date\":\"2026-03-03\",\"lines\":[{\"account\":\"1000\",\"debit\":\"1.00\"},"
	     "{\"account\":\"4000\",\"credit\":\"1.00\"}]}", &r);
	assert_every_error(&r, body_first, 1);
	test_response_free(&r);
	ck_assert_int_eq(call(&clerk, "PUT", ENTRIES "/not-an-id", "If-Match: \"1\"",
			      "{\"date\":\"2026-03-03\",\"memo\":\"x\",\"lines\":["
			      "{\"account\":\"1000\",\"debit\":\"1.00\"},"
			      "{\"account\":\"4000\",\"credit\":\"1.00\"}]}", NULL), 404);
	/* An amount the rules refuse leaves the balance unjudged: its sum would mislead. */
	call(&clerk, "POST", ENTRIES, NULL,
	     "{\"date\":\"2026-03-03\",\"memo\":\"Not judged\",\"lines\":["
	     "{\"account\":\"1000\",\"debit\":\"0.00\"},{\"account\":\"4000\",\"credit\":\"9.00\"}]}", &r);
	ck_assert_int_eq(r.status, 422);
	ck_assert_uint_eq(json_array_size(json_object_get(r.json, "errors")), 1);
	ck_assert_ptr_null(strstr(r.body, "unbalanced"));
	test_response_free(&r);
}
END_TEST

/* --- an account's ledger: by date, then by posting ------------------------------------------ */

/* Account 1100's entries: created in this order, posted in another (posting_order). */
static const struct {
	const char *date;
	const char *lines; /* the lines' JSON */
} ledger_entries[] = {
	{ "2026-05-20", "[{\"account\":\"1100\",\"debit\":\"100.00\"},{\"account\":\"4000\",\"credit\":\"100.00\"}]" },
	{ "2026-05-05", "[{\"account\":\"1100\",\"debit\":\"10.00\"},{\"account\":\"4000\",\"credit\":\"10.00\"}]" },
	{ "2026-05-10", "[{\"account\":\"4000\",\"debit\":\"1.00\"},{\"account\":\"1100\",\"credit\":\"1.00\"}]" },
	/* Two lines on the account in one entry. */
	{ "2026-05-10", "[{\"account\":\"1100\",\"debit\":\"15.00\"},{\"account\":\"4000\",\"credit\":\"20.00\"},"
			"{\"account\":\"1100\",\"debit\":\"5.00\"}]" },
};
enum { LEDGER_ENTRIES = sizeof(ledger_entries) / sizeof(ledger_entries[0]) };
/* Posted first to last; the ledger lists them by date, then by posting: 1, 3, 3, 2, 0. */
static const int posting_order[LEDGER_ENTRIES] = { 0, 3, 2, 1 };
static const int ledger_order[] = { 1, 3, 3, 2, 0 };
enum { LEDGER_LINES = sizeof(ledger_order) / sizeof(ledger_order[0]) };
static char ledger_ids[LEDGER_ENTRIES][40];

/* Minor units of a decimal amount with two places ("-12.30" -> -1230). */
static long long cents(const char *amount)
{
	long long whole = 0, fraction = 0;
	bool negative = amount[0] == '-';

	ck_assert_int_eq(sscanf(amount + negative, "%lld.%lld", &whole, &fraction), 2);
	return (negative ? -1 : 1) * (whole * 100 + fraction);
}

/*
 * Walks account 1100's ledger with query and page size limit, and asserts the
 * lines are ledger_order[first..] (count of them), in (date, posting) order,
 * each balance the one before (opening: opening_cents) plus its debit minus
 * its credit.
 */
static void assert_account_ledger(const char *query, int limit, int first, int count,
				  long long opening_cents)
{
	struct test_response r;
	char path[1600], previous_date[11] = "", *cursor = NULL;
	long long balance = opening_cents, previous_posting = 0;
	int seen = 0, pages = 0;

	do {
		snprintf(path, sizeof(path), COMPANY "/accounts/1100/ledger?limit=%d%s%s%s%s", limit,
			 query[0] ? "&" : "", query, cursor ? "&cursor=" : "", cursor ? cursor : "");
		ck_assert_int_eq(call(&keeper, "GET", path, NULL, NULL, &r), 200);
		for (size_t i = 0; i < json_array_size(json_object_get(r.json, "items")); i++) {
			json_t *row = json_array_get(json_object_get(r.json, "items"), i);
			const char *date = test_ledger_text(row, "date");
			long long posting = json_integer_value(json_object_get(row, "posting"));
			int k = first + seen;

			ck_assert_msg(seen < count, "?%s: more than %d lines", query, count);
			ck_assert_msg(strcmp(test_ledger_text(row, "entry_id"),
					     ledger_ids[ledger_order[k]]) == 0,
				      "?%s line %d is not entry %d: %s", query, seen, ledger_order[k],
				      r.body);
			ck_assert_str_eq(date, ledger_entries[ledger_order[k]].date);
			ck_assert_msg(strcmp(date, previous_date) > 0 ||
				      (strcmp(date, previous_date) == 0 && posting > previous_posting),
				      "?%s: line %d is out of (date, posting) order", query, seen);
			if (json_object_get(row, "debit"))
				balance += cents(test_ledger_text(row, "debit"));
			else
				balance -= cents(test_ledger_text(row, "credit"));
			ck_assert_msg(cents(test_ledger_text(row, "balance")) == balance,
				      "?%s line %d: balance %s, expected %lld cents", query, seen,
				      test_ledger_text(row, "balance"), balance);
			snprintf(previous_date, sizeof(previous_date), "%s", date);
			previous_posting = posting;
			seen++;
		}
		free(cursor);
		cursor = json_is_string(json_object_get(r.json, "next_cursor"))
				 ? strdup(test_ledger_text(r.json, "next_cursor")) : NULL;
		test_response_free(&r);
		pages++;
	} while (cursor && pages < 20);
	ck_assert_msg(seen == count, "?%s: %d lines, expected %d", query, seen, count);
}

START_TEST(an_account_ledger_runs_by_date_then_by_posting)
{
	struct test_response r;
	json_t *schema;
	char numbers[LEDGER_ENTRIES][24];

	for (int i = 0; i < LEDGER_ENTRIES; i++) {
		const char *body = test_ledger_path("{\"date\":\"%s\",\"memo\":\"Ledger %d\",\"lines\":%s}",
						    ledger_entries[i].date, i, ledger_entries[i].lines);

		ck_assert_int_eq(call(&clerk, "POST", ENTRIES, NULL, body, &r), 201);
		snprintf(ledger_ids[i], sizeof(ledger_ids[i]), "%s", test_ledger_text(r.json, "id"));
		test_response_free(&r);
	}
	for (int i = 0; i < LEDGER_ENTRIES; i++)
		test_ledger_post(&L, approver.token, "DC", ledger_ids[posting_order[i]],
				 numbers[posting_order[i]]);
	/* Numbers follow postings, not dates: the latest date was posted first. */
	ck_assert_int_lt(strcmp(numbers[0], numbers[1]), 0);

	for (int limit = 1; limit <= 3; limit++)
		assert_account_ledger("", limit, 0, LEDGER_LINES, 0);
	assert_account_ledger("", 50, 0, LEDGER_LINES, 0);
	/* A window starts from the balance brought forward (the 10.00 of May 5th). */
	assert_account_ledger("from=2026-05-06", 1, 1, 4, 1000);
	assert_account_ledger("from=2026-05-10&to=2026-05-10", 2, 1, 3, 1000);
	assert_account_ledger("to=2026-05-19", 2, 0, 4, 0);

	/* /openapi.json says the same. */
	ck_assert_int_eq(test_ledger_call(&L, NULL, "GET", "/openapi.json", NULL, NULL, &r), 200);
	schema = json_object_get(json_object_get(json_object_get(r.json, "components"), "schemas"),
				 "AccountLedgerLine");
	ck_assert_ptr_nonnull(strstr(test_ledger_text(schema, "description"), "by date, then by posting"));
	test_response_free(&r);
}
END_TEST

/* --- post and reverse take the same empty bodies ------------------------------------------------ */

/* A body as a client may send it: bytes (NULL: no body at all) and a Content-Type line. */
struct body_form {
	const char *name;
	const char *body;
	const char *content_type; /* "Content-Type:" sends none (curl would add a form type) */
};

static const struct body_form empty_forms[] = {
	{ "no body", NULL, NULL },
	{ "no body, JSON type", NULL, "Content-Type: application/json" },
	{ "Content-Length: 0", "", "Content-Type:" },
	{ "Content-Length: 0, JSON type", "", "Content-Type: application/json" },
	{ "{}", "{}", "Content-Type: application/json" },
	{ "{} with charset", "{}", "Content-Type: application/json; charset=utf-8" },
};

/* What both refuse alike: status, problem type, and the error's pointer and code (NULL: none). */
static const struct {
	struct body_form form;
	long status;
	const char *type;
	const char *pointer;
	const char *code;
} refused_forms[] = {
	{ { "[]", "[]", "Content-Type: application/json" }, 422, "/problems/validation", "", "type" },
	/* The parser takes an object or an array: any other JSON value is malformed here. */
	{ { "\"x\"", "\"x\"", "Content-Type: application/json" }, 400, "/problems/bad-request", NULL, NULL },
	{ { "null", "null", "Content-Type: application/json" }, 400, "/problems/bad-request", NULL, NULL },
	{ { "a field", "{\"x\":1}", "Content-Type: application/json" }, 422, "/problems/validation", "/x",
	  "unknown_field" },
	{ { "malformed", "{", "Content-Type: application/json" }, 400, "/problems/bad-request", NULL, NULL },
	{ { "{} without Content-Type", "{}", "Content-Type:" }, 415, "/problems/unsupported-media-type",
	  NULL, NULL },
	{ { "{} as a form", "{}", NULL }, 415, "/problems/unsupported-media-type", NULL, NULL },
};

/* POSTs form to ENTRIES/<id>/<action> as approver under if_match. */
static void send_form(const char *id, const char *action, const char *if_match,
		      const struct body_form *form, struct test_response *r)
{
	char authorization[128];
	const char *headers[4] = { authorization, if_match, form->content_type, NULL };
	const char *url = test_ledger_path("%s" ENTRIES "/%s/%s", L.server.base_url, id, action);

	snprintf(authorization, sizeof(authorization), "Authorization: Bearer %s", approver.token);
	ck_assert_int_eq(test_http("POST", url, headers, form->body,
				   form->body ? strlen(form->body) : 0, r), 0);
}

START_TEST(post_and_reverse_take_the_same_empty_bodies)
{
	struct test_response r;
	char id[40], draft[40], posted[40];
	json_t *doc;

	for (size_t i = 0; i < sizeof(empty_forms) / sizeof(empty_forms[0]); i++) {
		const struct body_form *form = &empty_forms[i];

		test_ledger_draft(&L, clerk.token, "DC", "2026-06-01", "1000", "4000", "3.00", "Empty", id);
		send_form(id, "post", "If-Match: \"1\"", form, &r);
		ck_assert_msg(r.status == 200, "post, %s: %ld %s", form->name, r.status, r.body);
		ck_assert_str_eq(test_ledger_text(r.json, "status"), "posted");
		test_response_free(&r);
		send_form(id, "reverse", "If-Match: \"2\"", form, &r);
		ck_assert_msg(r.status == 201, "reverse, %s: %ld %s", form->name, r.status, r.body);
		ck_assert_str_eq(test_ledger_text(r.json, "reverses"), id);
		test_response_free(&r);
	}

	test_ledger_draft(&L, clerk.token, "DC", "2026-06-02", "1000", "4000", "4.00", "Refused", draft);
	test_ledger_draft(&L, clerk.token, "DC", "2026-06-02", "1000", "4000", "5.00", "To reverse", posted);
	test_ledger_post(&L, approver.token, "DC", posted, NULL);
	for (size_t i = 0; i < sizeof(refused_forms) / sizeof(refused_forms[0]); i++) {
		const char *actions[2] = { "post", "reverse" };
		const char *targets[2] = { draft, posted };
		const char *versions[2] = { "If-Match: \"1\"", "If-Match: \"2\"" };

		for (int a = 0; a < 2; a++) {
			json_t *error;

			send_form(targets[a], actions[a], versions[a], &refused_forms[i].form, &r);
			ck_assert_msg(r.status == refused_forms[i].status, "%s, %s: %ld %s", actions[a],
				      refused_forms[i].form.name, r.status, r.body);
			ck_assert_str_eq(test_ledger_text(r.json, "type"), refused_forms[i].type);
			error = json_array_get(json_object_get(r.json, "errors"), 0);
			if (refused_forms[i].pointer) {
				ck_assert_uint_eq(json_array_size(json_object_get(r.json, "errors")), 1);
				ck_assert_str_eq(test_ledger_text(error, "pointer"), refused_forms[i].pointer);
				ck_assert_str_eq(test_ledger_text(error, "code"), refused_forms[i].code);
			} else {
				ck_assert_ptr_null(error);
			}
			test_response_free(&r);
		}
	}
	/* Refused before anything was done: the draft is a draft, the entry not reversed. */
	ck_assert_int_eq(call(&approver, "GET", test_ledger_path(ENTRIES "/%s", draft), NULL, NULL, &r), 200);
	ck_assert_str_eq(test_ledger_text(r.json, "status"), "draft");
	test_response_free(&r);
	ck_assert_int_eq(call(&approver, "GET", test_ledger_path(ENTRIES "/%s", posted), NULL, NULL, &r), 200);
	ck_assert(json_is_null(json_object_get(r.json, "reversed_by")));
	test_response_free(&r);

	/* /openapi.json says both bodies are optional objects. */
	ck_assert_int_eq(test_ledger_call(&L, NULL, "GET", "/openapi.json", NULL, NULL, &r), 200);
	doc = r.json;
	ck_assert(json_is_false(json_object_get(json_object_get(
		operation(doc, "post", "/api/v1/companies/{company}/journal-entries/{id}/post"),
		"requestBody"), "required")));
	ck_assert(json_is_false(json_object_get(json_object_get(
		operation(doc, "post", "/api/v1/companies/{company}/journal-entries/{id}/reverse"),
		"requestBody"), "required")));
	test_response_free(&r);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("e2e/ledger/contract");
	TCase *tc = tcase_create("contract");

	tcase_add_unchecked_fixture(tc, start_shared, stop_shared);
	tcase_add_test(tc, the_settings_update_takes_if_match);
	tcase_add_test(tc, one_answer_names_every_problem_of_a_new_entry);
	tcase_add_test(tc, the_one_answer_is_whole_or_none);
	tcase_add_test(tc, one_answer_names_every_problem_of_a_replaced_draft);
	tcase_add_test(tc, one_answer_names_every_bad_query_parameter);
	tcase_add_test(tc, what_is_answered_before_the_rest);
	tcase_add_test(tc, an_account_ledger_runs_by_date_then_by_posting);
	tcase_add_test(tc, post_and_reverse_take_the_same_empty_bodies);
	suite_add_tcase(s, tc);
	return s;
}
