/*
 * The migration that gives each open item its receivable account fills it
 * for the items posted before it: a payment's from the payment, an
 * invoice's from its entry's one debit line, a credit note's from its
 * entry's one credit line. Run against a database migrated to just before
 * it, with items written as the code before it wrote them (the customer
 * had moved from 1200 to 1210 in between), then migrated on.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#include "test/support/check_main.h"
#include "test/support/migration_steps.h"
#include "test/support/testlib.h"

static struct test_migration_steps steps;

#define COMPANY "'00000000-0000-0000-0000-00000000000c'"
#define USER "'00000000-0000-0000-0000-0000000000a1'"
#define AR_OLD "'00000000-0000-0000-0000-000000000120'"
#define AR_NEW "'00000000-0000-0000-0000-000000000121'"
#define REVENUE "'00000000-0000-0000-0000-000000000400'"
#define BANK "'00000000-0000-0000-0000-000000000100'"

/* Entry id with its two lines: debit on one account, credit on the other. */
#define ENTRY(id, debit, credit, minor)                                                           \
	"INSERT INTO ledger_entries (id, company_id, entry_date, memo) VALUES"                    \
	" (" id ", " COMPANY ", '2026-03-01', 'm');"                                              \
	"INSERT INTO ledger_lines (entry_id, line_no, company_id, account_id, debit_minor) VALUES" \
	" (" id ", 1, " COMPANY ", " debit ", " minor ");"                                        \
	"INSERT INTO ledger_lines (entry_id, line_no, company_id, account_id, credit_minor) VALUES" \
	" (" id ", 2, " COMPANY ", " credit ", " minor ");"

/* An open item of document type, on entry, of minor (signed). */
#define ITEM(id, type, document, entry, minor)                                                    \
	"INSERT INTO sales_open_items (id, company_id, partner_id, document_type, document_id,"   \
	" number, document_date, due_date, currency, exponent, amount_minor, residual_minor,"     \
	" ledger_entry_id) VALUES (" id ", " COMPANY ", " USER ", '" type "', " document ", 'N',"  \
	" '2026-03-01', '2026-03-31', 'EUR', 2, " minor ", " minor ", " entry ");"

START_TEST(items_posted_before_get_the_account_their_entry_used)
{
	const char *url = test_db_create("t_sales_open_item_accounts");
	char *value;

	test_migration_steps_begin(&steps, "erp-open-items");
	test_migration_steps_link(&steps, "20261212000000_sales_open_item_accounts");
	test_migration_steps_apply_schema(&steps, url);
	ck_assert_int_eq(test_db_exec(url,
		"INSERT INTO companies (id, code, name, currency) VALUES (" COMPANY ", 'C', 'C', 'EUR');"
		"INSERT INTO users (id, email, display_name, password_hash) VALUES"
		" (" USER ", 'ann@x.test', 'Ann', 'x');"
		"INSERT INTO ledger_accounts (id, company_id, code, name, type, currency, exponent) VALUES"
		" (" AR_OLD ", " COMPANY ", '1200', 'AR', 'asset', 'EUR', 2),"
		" (" AR_NEW ", " COMPANY ", '1210', 'AR 2', 'asset', 'EUR', 2),"
		" (" REVENUE ", " COMPANY ", '4000', 'Sales', 'revenue', 'EUR', 2),"
		" (" BANK ", " COMPANY ", '1000', 'Bank', 'asset', 'EUR', 2);"
		/* The invoice debited 1200; its credit note credited 1200; then the customer moved to 1210. */
		ENTRY("'00000000-0000-0000-0000-00000000e001'", AR_OLD, REVENUE, "1000")
		ENTRY("'00000000-0000-0000-0000-00000000e002'", REVENUE, AR_OLD, "400")
		ENTRY("'00000000-0000-0000-0000-00000000e003'", BANK, AR_NEW, "600")
		ITEM("'00000000-0000-0000-0000-00000000f001'", "invoice",
		     "'00000000-0000-0000-0000-00000000d001'", "'00000000-0000-0000-0000-00000000e001'",
		     "1000")
		ITEM("'00000000-0000-0000-0000-00000000f002'", "credit_note",
		     "'00000000-0000-0000-0000-00000000d002'", "'00000000-0000-0000-0000-00000000e002'",
		     "-400")
		ITEM("'00000000-0000-0000-0000-00000000f003'", "payment",
		     "'00000000-0000-0000-0000-00000000d003'", "'00000000-0000-0000-0000-00000000e003'",
		     "-600")
		"INSERT INTO sales_payments (id, company_id, partner_id, partner_code, payment_date,"
		" currency, exponent, amount_minor, bank_account_id, receivable_account_id, fiscal_year,"
		" sequence, number, ledger_entry_id, posted_by) VALUES"
		" ('00000000-0000-0000-0000-00000000d003', " COMPANY ", " USER ", 'ACME', '2026-03-02',"
		" 'EUR', 2, 600, " BANK ", " AR_NEW ", 2026, 1, 'PAY-2026-000001',"
		" '00000000-0000-0000-0000-00000000e003', " USER ");"), 0);

	test_migration_steps_link(&steps, NULL);
	test_migration_steps_migrate(&steps, url);
	value = test_db_value(url, "SELECT string_agg(o.document_type || ' ' || a.code, ',' ORDER BY o.id)"
				   " FROM sales_open_items o JOIN ledger_accounts a ON a.id = o.receivable_account_id");
	ck_assert_str_eq(value, "invoice 1200,credit_note 1200,payment 1210");
	free(value);
	/* The account is part of the posted fact now: only the residual moves. */
	test_db_expect(url, "UPDATE sales_open_items SET receivable_account_id = " AR_NEW
			    " WHERE document_type = 'invoice'", "42501", "only an open item's residual");
	test_migration_steps_end(&steps);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("integration/sales/open_item_accounts_migration");
	TCase *tc = tcase_create("open_item_accounts_migration");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, items_posted_before_get_the_account_their_entry_used);
	suite_add_tcase(s, tc);
	return s;
}
