/*
 * Partners from code, against a real PostgreSQL: a use case called without
 * HTTP (as an importer would) makes a partner and refuses as it does over
 * HTTP; partners_find() (partners.h), what sales and purchasing read a
 * partner through, answers the typed partner with the ledger's view of its
 * accounts, 404s another company's, and with share_lock holds the row
 * until the caller's transaction ends, so a deactivation waits for the
 * document being made.
 */
#include <check.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modules/partners/internal.h"
#include "platform/audit/audit.h"
#include "platform/audit/audit_mac.h"
#include "test/support/check_main.h"
#include "test/support/iam_fixture.h"
#include "test/support/testlib.h"

#define COMPANY "0190f5b2-0000-7000-8000-00000000c101"
#define OTHER "0190f5b2-0000-7000-8000-00000000c102"
#define USER "0190f5b2-0000-7000-8000-00000000a101"

static const char *url;
static struct db_conn *db;
static struct arena *arena;
static const struct erp_company_scope scope = { COMPANY, "PAPI", "EUR" };

static void setup(void)
{
	struct audit_key key;
	char err[512];

	/* Use cases write audit events, which carry a MAC made with the run's key. */
	ck_assert_int_ge(sodium_init(), 0);
	ck_assert_msg(audit_key_load(test_audit_key_path(), &key, err, sizeof(err)) == 0, "%s", err);
	audit_use_key(&key);
	url = test_db_create("t_partners_api");
	test_iam_migrate(url);
	ck_assert_int_eq(test_db_exec(url,
		"INSERT INTO companies (id, code, name, currency) VALUES"
		" ('" COMPANY "', 'PAPI', 'Api Ltd', 'EUR'), ('" OTHER "', 'POTH', 'Other Ltd', 'EUR');"
		"INSERT INTO users (id, email, display_name, password_hash) VALUES"
		" ('" USER "', 'importer@api.test', 'Importer', 'x');"
		"INSERT INTO ledger_accounts (id, company_id, code, name, type, currency, exponent) VALUES"
		" (gen_random_uuid(), '" COMPANY "', '1200', 'Receivables', 'asset', 'EUR', 2),"
		" (gen_random_uuid(), '" COMPANY "', '2000', 'Payables', 'liability', 'EUR', 2),"
		" (gen_random_uuid(), '" OTHER "', '1200', 'Receivables', 'asset', 'EUR', 2);"), 0);
	db = db_open(url, &(struct db_options){ .connect_timeout_s = 5 });
	ck_assert_ptr_nonnull(db);
	arena = arena_new(4096);
	ck_assert_ptr_nonnull(arena);
}

static void teardown(void)
{
	arena_free(arena);
	db_close(db);
}

static struct erp_ctx context(void)
{
	return (struct erp_ctx){ .db = db, .arena = arena, .actor_id = USER, .company = &scope,
				 .request_id = "import-1" };
}

START_TEST(a_use_case_from_code_and_the_partner_other_modules_read)
{
	static const char *const both[] = { "customer", "vendor" };
	struct partners_partner_input in = {
		.code = "IMP1", .name = "Imported Ltd", .roles = both, .role_count = 2,
		.terms_days_given = true, .payment_terms_days = 14,
		.end_of_month_given = true, .payment_terms_end_of_month = true,
		.credit_limit = { true, "1500.25" }, .currency = "USD",
		.receivable_account = { true, "1200" }, .payable_account = { true, "2000" },
	};
	struct erp_ctx ctx = context();
	struct partners_partner found;
	json_t *partner;
	char due[11];

	ck_assert_int_eq(partners_create(&ctx, &in, &partner), ERP_OK);
	ck_assert_str_eq(json_string_value(json_object_get(partner, "code")), "IMP1");
	/* The same rules as over HTTP: the code is taken now. */
	ctx = context();
	ck_assert_int_eq(partners_create(&ctx, &in, &partner), ERP_ERR_CONFLICT);
	ck_assert_int_eq(ctx.refusal.code, ERP_ERR_CONFLICT);

	ck_assert_int_eq(partners_find(db, arena, COMPANY, "IMP1", false, &found), ERP_OK);
	ck_assert_int_eq(strlen(found.id), 36);
	ck_assert_str_eq(found.name, "Imported Ltd");
	ck_assert(found.customer && found.vendor && found.active);
	ck_assert_str_eq(found.currency, "USD");
	ck_assert_int_eq(found.terms.days, 14);
	ck_assert(found.terms.end_of_month);
	ck_assert(found.has_credit_limit);
	ck_assert_int_eq(found.credit_limit_minor, 150025);
	ck_assert_str_eq(found.credit_limit_currency, "EUR");
	ck_assert_str_eq(found.receivable_account, "1200");
	ck_assert(found.receivable_account_active);
	ck_assert_str_eq(found.payable_account, "2000");
	ck_assert_int_eq(found.version, 1);
	/* What sales will do with it: the due date of an invoice of March 10th. */
	ck_assert_int_eq(partners_due_date(&found.terms, "2026-03-10", due), 0);
	ck_assert_str_eq(due, "2026-04-14");

	/* The ledger deactivates the account: the partner keeps it and says so. */
	ck_assert_int_eq(test_db_exec(url, "UPDATE ledger_accounts SET active = false"
					   " WHERE code = '1200' AND company_id = '" COMPANY "'"), 0);
	ck_assert_int_eq(partners_find(db, arena, COMPANY, "IMP1", false, &found), ERP_OK);
	ck_assert_str_eq(found.receivable_account, "1200");
	ck_assert(!found.receivable_account_active);
	ck_assert_int_eq(test_db_exec(url, "UPDATE ledger_accounts SET active = true WHERE code = '1200'"), 0);

	/* Another company's partner, or none: not found. */
	ck_assert_int_eq(partners_find(db, arena, OTHER, "IMP1", false, &found), ERP_ERR_NOT_FOUND);
	ck_assert_int_eq(partners_find(db, arena, COMPANY, "NOPE", false, &found), ERP_ERR_NOT_FOUND);
}
END_TEST

START_TEST(a_share_lock_holds_the_partner_for_the_callers_transaction)
{
	static const char *const vendor[] = { "vendor" };
	struct partners_partner_input in = {
		.code = "LOCK", .name = "Locked", .roles = vendor, .role_count = 1,
		.payable_account = { true, "2000" },
	};
	struct erp_ctx ctx = context();
	struct partners_partner found;
	json_t *partner;

	ck_assert_int_eq(partners_create(&ctx, &in, &partner), ERP_OK);
	ck_assert_int_eq(db_exec(db, "BEGIN"), ERP_OK);
	ck_assert_int_eq(partners_find(db, arena, COMPANY, "LOCK", true, &found), ERP_OK);
	ck_assert(!found.customer && found.vendor);
	ck_assert_ptr_null(found.receivable_account);
	ck_assert(!found.has_credit_limit);
	/* Another session's deactivation waits (here: gives up after its lock timeout). */
	test_db_expect(url, "SET lock_timeout = '200ms';"
			    " UPDATE partners_partners SET active = false WHERE code = 'LOCK'",
		       "55P03", NULL);
	ck_assert_int_eq(db_exec(db, "COMMIT"), ERP_OK);
	test_db_expect(url, "UPDATE partners_partners SET active = false WHERE code = 'LOCK'", NULL, NULL);
	ck_assert_int_eq(partners_find(db, arena, COMPANY, "LOCK", false, &found), ERP_OK);
	ck_assert(!found.active);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("integration/partners/api");
	TCase *tc = tcase_create("api");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, a_use_case_from_code_and_the_partner_other_modules_read);
	tcase_add_test(tc, a_share_lock_holds_the_partner_for_the_callers_transaction);
	suite_add_tcase(s, tc);
	return s;
}
