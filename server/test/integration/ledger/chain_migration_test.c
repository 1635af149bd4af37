/*
 * The migration that makes the ledger's hash chain links the entries
 * posted before it: per company, in the order they were posted, each with
 * its place, the hash before it and its own, and the company's head at the
 * last one; drafts stay out. Run against a database migrated to just
 * before it, with entries written as the code before it wrote them, then
 * migrated on. (That the SQL hash is the server's is chain_test.c's
 * assertion; that `erp-server audit verify-ledger` finds these chains
 * intact is integrity_test.c's.)
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test/support/check_main.h"
#include "test/support/migration_steps.h"
#include "test/support/script_fixture.h"
#include "test/support/testlib.h"

static struct test_migration_steps steps;

#define COMPANY "'00000000-0000-0000-0000-00000000000c'"
#define OTHER "'00000000-0000-0000-0000-00000000000d'"
#define AUTHOR "'00000000-0000-0000-0000-0000000000a1'"
#define POSTER "'00000000-0000-0000-0000-0000000000a2'"

/* Draft id of company with its two lines on accounts debit and credit, dated day of March. */
#define DRAFT(id, company, debit, credit, day)                                                    \
	"INSERT INTO ledger_entries (id, company_id, entry_date, memo, author_id) VALUES"          \
	" (" id ", " company ", '2026-03-" day "', 'm', " AUTHOR ");"                              \
	"INSERT INTO ledger_lines (entry_id, line_no, company_id, account_id, debit_minor) VALUES" \
	" (" id ", 1, " company ", " debit ", 100);"                                              \
	"INSERT INTO ledger_lines (entry_id, line_no, company_id, account_id, credit_minor) VALUES" \
	" (" id ", 2, " company ", " credit ", 100);"

/*
 * Posts draft id as number, at posted_at, as the server posts: its lines
 * stamped with the entry's date and added to the balances.
 */
#define POST(id, number, sequence, posted_at)                                                     \
	"UPDATE ledger_lines l SET posted_on = e.entry_date FROM ledger_entries e"                  \
	" WHERE e.id = l.entry_id AND l.entry_id = " id ";"                                         \
	"INSERT INTO ledger_account_balances (company_id, span, starts_on, account_id, debit_minor," \
	" credit_minor) SELECT l.company_id, s.span, CASE s.span WHEN 'day' THEN l.posted_on"       \
	" ELSE date_trunc('month', l.posted_on)::date END, l.account_id, sum(l.debit_minor),"       \
	" sum(l.credit_minor) FROM ledger_lines l CROSS JOIN (VALUES ('day'), ('month')) s (span)"  \
	" WHERE l.entry_id = " id " GROUP BY 1, 2, 3, 4"                                            \
	" ON CONFLICT (company_id, span, starts_on, account_id) DO UPDATE"                           \
	" SET debit_minor = ledger_account_balances.debit_minor + excluded.debit_minor,"            \
	" credit_minor = ledger_account_balances.credit_minor + excluded.credit_minor;"             \
	"UPDATE ledger_entries SET status = 'posted', fiscal_year = 2026, sequence = " sequence ","  \
	" number = '" number "', posted_by = " POSTER ", posted_at = '" posted_at "'"               \
	" WHERE id = " id ";"

static char *value(const char *url, const char *sql)
{
	char *text = test_db_value(url, sql);

	ck_assert_msg(text != NULL, "no value from %s", sql);
	return text;
}

START_TEST(entries_posted_before_join_their_company_chain_in_posting_order)
{
	const char *url = test_db_create("t_ledger_chain_migration");
	char *text;

	test_migration_steps_begin(&steps, "erp-ledger-chain");
	test_migration_steps_link(&steps, "20261214000000_ledger_chain");
	test_migration_steps_apply_schema(&steps, url);
	ck_assert_int_eq(test_db_exec(url,
		"INSERT INTO companies (id, code, name, currency) VALUES (" COMPANY ", 'C', 'C', 'EUR'),"
		" (" OTHER ", 'D', 'D', 'EUR');"
		"INSERT INTO users (id, email, display_name, password_hash) VALUES"
		" (" AUTHOR ", 'ann@x.test', 'Ann', 'x'), (" POSTER ", 'bob@x.test', 'Bob', 'x');"
		"INSERT INTO ledger_accounts (id, company_id, code, name, type, currency, exponent) VALUES"
		" ('00000000-0000-0000-0000-000000000100', " COMPANY ", '1000', 'Bank', 'asset', 'EUR', 2),"
		" ('00000000-0000-0000-0000-000000000400', " COMPANY ", '4000', 'Sales', 'revenue', 'EUR', 2),"
		" ('00000000-0000-0000-0000-000000000101', " OTHER ", '1000', 'Bank', 'asset', 'EUR', 2),"
		" ('00000000-0000-0000-0000-000000000401', " OTHER ", '4000', 'Sales', 'revenue', 'EUR', 2);"
		DRAFT("'00000000-0000-0000-0000-00000000e001'", COMPANY, "'00000000-0000-0000-0000-000000000100'",
		      "'00000000-0000-0000-0000-000000000400'", "01")
		DRAFT("'00000000-0000-0000-0000-00000000e002'", COMPANY, "'00000000-0000-0000-0000-000000000400'",
		      "'00000000-0000-0000-0000-000000000100'", "02")
		DRAFT("'00000000-0000-0000-0000-00000000e003'", OTHER, "'00000000-0000-0000-0000-000000000101'",
		      "'00000000-0000-0000-0000-000000000401'", "03")
		DRAFT("'00000000-0000-0000-0000-00000000e004'", COMPANY, "'00000000-0000-0000-0000-000000000100'",
		      "'00000000-0000-0000-0000-000000000400'", "04")), 0);
	/* Posted in this order: e002 first, then e001; e003 in the other company; e004 stays a draft. */
	ck_assert_int_eq(test_db_exec(url,
		POST("'00000000-0000-0000-0000-00000000e002'", "JE-2026-000001", "1", "2026-03-05 10:00Z")
		POST("'00000000-0000-0000-0000-00000000e001'", "JE-2026-000002", "2", "2026-03-05 11:00Z")
		POST("'00000000-0000-0000-0000-00000000e003'", "JE-2026-000001", "1", "2026-03-05 09:00Z")), 0);

	test_migration_steps_link(&steps, NULL);
	test_migration_steps_migrate(&steps, url);

	text = value(url, "SELECT string_agg(id::text || ':' || chain_seq, ',' ORDER BY chain_seq)"
			  " FROM ledger_entries WHERE company_id = " COMPANY);
	ck_assert_str_eq(text, "00000000-0000-0000-0000-00000000e002:1,00000000-0000-0000-0000-00000000e001:2");
	free(text);
	text = value(url, "SELECT count(*) FROM ledger_entries e WHERE e.status = 'posted'"
			  " AND e.entry_hash = ledger_chain_hash_of(e.id)"
			  " AND e.prev_hash IS NOT DISTINCT FROM (SELECT b.entry_hash FROM ledger_entries b"
			  "   WHERE b.company_id = e.company_id AND b.chain_seq = e.chain_seq - 1)");
	ck_assert_str_eq(text, "3");
	free(text);
	text = value(url, "SELECT count(*) FROM ledger_entries WHERE chain_seq IS NULL AND entry_hash IS NULL"
			  " AND id = '00000000-0000-0000-0000-00000000e004'");
	ck_assert_str_eq(text, "1");
	free(text);
	text = value(url, "SELECT string_agg(c.code || ':' || h.last_seq || ':' || (h.last_hash = e.entry_hash),"
			  " ',' ORDER BY c.code) FROM ledger_chain_heads h JOIN companies c ON c.id = h.company_id"
			  " JOIN ledger_entries e ON e.id = h.last_entry_id");
	ck_assert_str_eq(text, "C:2:true,D:1:true");
	free(text);
	/* The server's verifier (C) finds the chains the migration made (SQL) intact. */
	{
		const char *const args[] = { "verify-ledger", NULL };
		struct script_run run;

		script_fixture_audit(&run, url, args);
		ck_assert_msg(run.status == 0, "exit %d: %s%s", run.status, run.out, run.err);
		ck_assert_ptr_nonnull(strstr(run.out, "intact: 2 entries in the chain"));
		ck_assert_ptr_nonnull(strstr(run.out, "intact: 1 entry in the chain"));
		script_run_free(&run);
	}
	/* The entries stay immutable after the migration's one update. */
	ck_assert_int_ne(test_db_exec(url, "UPDATE ledger_entries SET memo = 'x'"
					   " WHERE id = '00000000-0000-0000-0000-00000000e001'"), 0);
	test_migration_steps_end(&steps);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("integration/ledger/chain_migration");
	TCase *tc = tcase_create("chain_migration");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, entries_posted_before_join_their_company_chain_in_posting_order);
	suite_add_tcase(s, tc);
	return s;
}
