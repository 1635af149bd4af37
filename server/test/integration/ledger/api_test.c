/*
 * The ledger's public API for other modules (modules/ledger/ledger.h),
 * called from code inside the caller's transaction against a real
 * PostgreSQL: a balanced entry is posted and numbered, balances read back,
 * every refusal leaves nothing behind, and the caller's rollback takes the
 * entry (and its number, and its event) with it.
 */
#include <check.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modules/ledger/ledger.h"
#include "platform/audit/audit.h"
#include "platform/audit/audit_mac.h"
#include "platform/db/db.h"
#include "shared-kernel/company_scope.h"
#include "shared-kernel/errors.h"
#include "shared-kernel/usecase.h"
#include "test/support/check_main.h"
#include "test/support/iam_fixture.h"
#include "test/support/testlib.h"

static const char company[] = "0190f5b2-0000-7000-8000-00000000c001";
/* The company as IAM resolves it for a request naming it. */
static const struct erp_company_scope scope = { "0190f5b2-0000-7000-8000-00000000c001", "API", "EUR" };
static const char user[] = "0190f5b2-0000-7000-8000-00000000a001";
static const char *url;
static struct db_conn *db;

static void setup(void)
{
	struct audit_key key;
	char err[512];

	/* Postings write audit events, which carry a MAC made with the run's key. */
	ck_assert_int_ge(sodium_init(), 0);
	ck_assert_msg(audit_key_load(test_audit_key_path(), &key, err, sizeof(err)) == 0, "%s", err);
	audit_use_key(&key);
	url = test_db_create("t_ledger_api");
	test_iam_migrate(url);
	ck_assert_int_eq(test_db_exec(url,
		"INSERT INTO companies (id, code, name, currency) VALUES"
		" ('0190f5b2-0000-7000-8000-00000000c001', 'API', 'Api Ltd', 'EUR');"
		"INSERT INTO users (id, email, display_name, password_hash) VALUES"
		" ('0190f5b2-0000-7000-8000-00000000a001', 'sales@api.test', 'Sales', 'x');"
		"INSERT INTO ledger_accounts (id, company_id, code, name, type, currency, exponent) VALUES"
		" (gen_random_uuid(), '0190f5b2-0000-7000-8000-00000000c001', '1200', 'Receivables', 'asset', 'EUR', 2),"
		" (gen_random_uuid(), '0190f5b2-0000-7000-8000-00000000c001', '4000', 'Sales', 'revenue', 'EUR', 2),"
		" (gen_random_uuid(), '0190f5b2-0000-7000-8000-00000000c001', '4999', 'Old', 'revenue', 'EUR', 2);"
		"UPDATE ledger_accounts SET active = false WHERE code = '4999';"
		"INSERT INTO ledger_periods (id, company_id, fiscal_year, number, starts_on, ends_on, status)"
		" SELECT gen_random_uuid(), '0190f5b2-0000-7000-8000-00000000c001', 2026, m,"
		"  make_date(2026, m, 1), (make_date(2026, m, 1) + interval '1 month - 1 day')::date,"
		"  CASE m WHEN 2 THEN 'closed' WHEN 1 THEN 'locked' ELSE 'open' END"
		" FROM generate_series(1, 12) m;"), 0);
	db = db_open(url, &(struct db_options){ .connect_timeout_s = 5 });
	ck_assert_ptr_nonnull(db);
}

static void teardown(void)
{
	db_close(db);
}

struct posting {
	struct ledger_entry_spec spec;
	struct ledger_line_spec lines[3];
	struct ledger_posted posted;
	const char *problem;     /* the refusal as one sentence: "<pointer>: <detail>" of its first field */
	int refusal_code;
	bool roll_back;          /* the caller fails after posting */
};

static struct posting *invoice(const char *date, int64_t amount, const char *revenue)
{
	static struct posting p;

	memset(&p, 0, sizeof(p));
	p.lines[0] = (struct ledger_line_spec){ "1200", amount, 0, "invoice 17" };
	p.lines[1] = (struct ledger_line_spec){ revenue, 0, amount, NULL };
	p.spec = (struct ledger_entry_spec){ .date = date, .memo = "Invoice 17", .reference = "INV-17",
					     .source = "sales.invoice", .lines = p.lines, .line_count = 2 };
	return &p;
}

/* The refusal in one sentence: its first field's pointer and detail, else its own detail. */
static char *problem_of(const struct erp_refusal *refusal)
{
	const struct erp_field_refusal *field = erp_refusal_field(refusal, 0);
	char *text;

	if (!field)
		return strdup(refusal->detail);
	ck_assert_int_gt(asprintf(&text, "%s: %s", field->pointer, field->detail), 0);
	return text;
}

static int post_work(struct db_conn *conn, void *arg)
{
	struct posting *p = arg;
	struct arena *arena = arena_new(4096);
	struct erp_ctx ctx = { .db = conn, .arena = arena, .actor_id = user, .company = &scope };
	int rc;

	if (!arena)
		return ERP_ERR_NO_MEMORY;
	rc = ledger_post_entry(&ctx, &p->spec, &p->posted);
	/* A refusal is the code it returns; keep its sentence past the arena. */
	p->problem = erp_refused(&ctx.refusal) ? problem_of(&ctx.refusal) : NULL;
	p->refusal_code = ctx.refusal.code;
	ck_assert(!erp_refused(&ctx.refusal) || ctx.refusal.code == rc);
	arena_free(arena);
	return rc ? rc : p->roll_back ? ERP_ERR_CONFLICT : ERP_OK;
}

static int64_t balance(const char *account, const char *as_of)
{
	struct arena *arena = arena_new(512);
	int64_t minor = -1;

	ck_assert_int_eq(ledger_account_balance(db, arena, company, account, as_of, &minor), ERP_OK);
	arena_free(arena);
	return minor;
}

static long count(const char *sql)
{
	char *value = test_db_value(url, sql);
	long n = strtol(value, NULL, 10);

	free(value);
	return n;
}

START_TEST(posts_numbers_and_reads_balances)
{
	struct posting *p = invoice("2026-03-10", 12550, "4000");

	ck_assert_int_eq(db_transaction(db, post_work, p), ERP_OK);
	ck_assert_str_eq(p->posted.number, "JE-2026-000001");
	ck_assert_int_eq(strlen(p->posted.id), 36);
	ck_assert_int_eq(balance("1200", NULL), 12550);
	ck_assert_int_eq(balance("4000", NULL), -12550);
	ck_assert_int_eq(balance("1200", "2026-03-09"), 0);
	p = invoice("2026-03-11", 50, "4000");
	ck_assert_int_eq(db_transaction(db, post_work, p), ERP_OK);
	ck_assert_str_eq(p->posted.number, "JE-2026-000002");
	ck_assert_int_eq(balance("1200", "2026-03-31"), 12600);
	ck_assert_int_eq(count("SELECT count(*) FROM ledger_entries WHERE status = 'posted'"
			       " AND source = 'sales.invoice' AND reference = 'INV-17'"), 2);
	ck_assert_int_eq(count("SELECT count(*) FROM audit_events WHERE action = 'ledger.journal.posted'"), 2);
	/* One event each, in the company's stream: posted (the entry was never a draft to anyone). */
	ck_assert_int_eq(count("SELECT count(*) FROM platform_events WHERE type = 'ledger.entry.posted'"
			       " AND company_id = '0190f5b2-0000-7000-8000-00000000c001'"
			       " AND payload->>'source' = 'sales.invoice' AND payload->>'status' = 'posted'"
			       " AND actor_id = '0190f5b2-0000-7000-8000-00000000a001'"), 2);
	ck_assert_int_eq(count("SELECT count(*) FROM platform_events"), 2);
	/* Numbered when a reader publishes the stream: 1 and 2, nothing skipped. */
	ck_assert_int_eq(count("SELECT platform_events_publish(company_id) FROM platform_events LIMIT 1"), 2);
	ck_assert_int_eq(count("SELECT max(sequence) FROM platform_events"), 2);
	free((char *)p->problem);
}
END_TEST

START_TEST(caller_rollback_takes_entry_and_number)
{
	struct posting *p = invoice("2026-03-10", 100, "4000");

	p->roll_back = true;
	ck_assert_int_eq(db_transaction(db, post_work, p), ERP_ERR_CONFLICT);
	ck_assert_int_eq(count("SELECT count(*) FROM ledger_entries"), 0);
	ck_assert_int_eq(count("SELECT count(*) FROM platform_events"), 0);
	p = invoice("2026-03-10", 100, "4000");
	ck_assert_int_eq(db_transaction(db, post_work, p), ERP_OK);
	ck_assert_str_eq(p->posted.number, "JE-2026-000001"); /* the rolled-back number came back */
	/* The rolled-back event took no number: the one that committed is the stream's first. */
	ck_assert_int_eq(count("SELECT platform_events_publish(company_id) FROM platform_events LIMIT 1"), 1);
	ck_assert_int_eq(count("SELECT sequence FROM platform_events"), 1);
}
END_TEST

START_TEST(refusals_name_the_rule_and_leave_nothing)
{
	struct {
		const char *date;
		int64_t amount;
		const char *revenue;
		int rc;
		const char *problem;
	} cases[] = {
		{ "2026-03-10", 100, "4999", ERP_ERR_INVALID, "inactive" },
		{ "2026-03-10", 100, "9999", ERP_ERR_INVALID, "no account 9999" },
		{ "2026-03-10", 0, "4000", ERP_ERR_INVALID, "more than zero" },
		{ "2026-02-10", 100, "4000", ERP_ERR_CONFLICT, "period 2026-02 is closed" },
		{ "2026-01-10", 100, "4000", ERP_ERR_CONFLICT, "period 2026-01 is locked" },
		{ "2027-01-10", 100, "4000", ERP_ERR_INVALID, "no fiscal period covers 2027-01-10" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct posting *p = invoice(cases[i].date, cases[i].amount, cases[i].revenue);
		int rc = db_transaction(db, post_work, p);

		ck_assert_msg(rc == cases[i].rc, "case %zu: rc %d", i, rc);
		ck_assert_msg(p->refusal_code == cases[i].rc, "case %zu: refusal %d", i, p->refusal_code);
		ck_assert_msg(p->problem && strstr(p->problem, cases[i].problem),
			      "case %zu: problem \"%s\"", i, p->problem ? p->problem : "(none)");
		free((char *)p->problem);
	}
	{
		struct posting *p = invoice("2026-03-10", 100, "4000");

		p->lines[1].credit_minor = 99; /* unbalanced */
		ck_assert_int_eq(db_transaction(db, post_work, p), ERP_ERR_INVALID);
		ck_assert_ptr_nonnull(strstr(p->problem, "does not balance in EUR"));
		free((char *)p->problem);
		p = invoice("2026-03-10", 100, "4000");
		p->spec.source = "Sales Invoice";
		ck_assert_int_eq(db_transaction(db, post_work, p), ERP_ERR_INVALID);
		free((char *)p->problem);
	}
	ck_assert_int_eq(count("SELECT count(*) FROM ledger_entries"), 0);
	ck_assert_int_eq(count("SELECT count(*) FROM ledger_numbering"), 0);
	ck_assert_int_eq(count("SELECT count(*) FROM audit_events WHERE action LIKE 'ledger.%'"), 0);
	ck_assert_int_eq(count("SELECT count(*) FROM platform_events"), 0);
}
END_TEST

/* A currency change from another session, given up after a short wait. */
#define CURRENCY_CHANGE                                                                            \
	"SET lock_timeout = '300ms'; UPDATE companies SET currency = 'USD', version = version + 1"   \
	" WHERE id = '0190f5b2-0000-7000-8000-00000000c001'"

/* The caller's transaction, still open after posting: the company is held for it. */
static int post_then_change_currency(struct db_conn *conn, void *arg)
{
	struct posting *p = arg;
	int rc = post_work(conn, p);

	if (!rc) /* lock_not_available: the change waits for this posting */
		test_db_expect(url, CURRENCY_CHANGE, "55P03", NULL);
	return rc;
}

/*
 * A posting share-locks its company until the caller commits (IAM's
 * iam_company_share_lock()): a change of the company's currency waits for
 * it, and once the posting has committed the books are kept in EUR, so the
 * change is refused (the ledger's trigger, restrict_violation).
 */
START_TEST(a_posting_holds_its_company_until_the_caller_commits)
{
	struct posting *p = invoice("2026-03-10", 100, "4000");
	char *currency;

	ck_assert_int_eq(db_transaction(db, post_then_change_currency, p), ERP_OK);
	test_db_expect(url, CURRENCY_CHANGE, "23001", "currency EUR is fixed");
	currency = test_db_value(url, "SELECT currency FROM companies WHERE code = 'API'");
	ck_assert_str_eq(currency, "EUR");
	free(currency);
}
END_TEST

START_TEST(unknown_account_balance_is_not_found)
{
	struct arena *arena = arena_new(512);
	int64_t minor;

	ck_assert_int_eq(ledger_account_balance(db, arena, company, "7777", NULL, &minor),
			 ERP_ERR_NOT_FOUND);
	arena_free(arena);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("integration/ledger/api");
	TCase *tc = tcase_create("api");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, posts_numbers_and_reads_balances);
	tcase_add_test(tc, caller_rollback_takes_entry_and_number);
	tcase_add_test(tc, refusals_name_the_rule_and_leave_nothing);
	tcase_add_test(tc, unknown_account_balance_is_not_found);
	tcase_add_test(tc, a_posting_holds_its_company_until_the_caller_commits);
	suite_add_tcase(s, tc);
	return s;
}
