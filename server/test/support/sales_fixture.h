#ifndef ERP_TEST_SALES_FIXTURE_H
#define ERP_TEST_SALES_FIXTURE_H

/*
 * Test helpers for the sales module (server/src/modules/sales) over real
 * HTTP, on top of the ledger fixture's server and users: a company's books
 * as a sales document needs them (accounts, a fiscal year, tax codes, a
 * customer), calls that must answer a status, refusals that must name a
 * field, and the audit event beside a change. Each helper asserts its own
 * success, so a test reads as the story it checks.
 */
#include <jansson.h>
#include <stdint.h>

#include "test/support/ledger_fixture.h"
#include "test/support/testlib.h"

/*
 * One call as token that must answer expected; with r the caller gets the
 * answer and frees it. The message names the call and what came back.
 */
void test_sales_expect(const struct test_ledger *ledger, const char *token, const char *method,
		       const char *path, const char *header, const char *body, long expected,
		       struct test_response *r);

/*
 * A call that must answer expected (a problem) with a field error at
 * pointer (a query's: the parameter) of code (NULL: any code).
 */
void test_sales_expect_field(const struct test_ledger *ledger, const char *token,
			     const char *method, const char *path, const char *header,
			     const char *body, long expected, const char *pointer, const char *code);

/*
 * The books a sales document posts into, made by keeper_token (who holds
 * ledger.account.manage and ledger.period.manage in company): 1200
 * receivables (asset), 4000 and 4100 revenue, 2200 output tax (liability),
 * 1400 input tax (asset), and the twelve periods of fiscal year 2026.
 */
void test_sales_books(const struct test_ledger *ledger, const char *keeper_token,
		      const char *company);

/*
 * Tax code code at rate (decimal text) on 2200 (input 1400), made by
 * manager_token (sales.tax-code.manage); asserts 201.
 */
void test_sales_tax_code(const struct test_ledger *ledger, const char *manager_token,
			 const char *company, const char *code, const char *rate);

/*
 * Customer code with receivable account 1200 and the JSON members extra
 * (text after a comma: "\"credit_limit\":\"100\"", or NULL), made by
 * manager_token (partners.partner.manage); asserts 201.
 */
void test_sales_customer(const struct test_ledger *ledger, const char *manager_token,
			 const char *company, const char *code, const char *extra);

/*
 * The audit event's changes beside a change: the row of request_id with
 * action about entity_id, parsed (the caller decrefs); asserts one exists.
 */
json_t *test_sales_audited(const struct test_ledger *ledger, const char *request_id,
			   const char *action, const char *entity_id);

/* changes[field] is {"old": old, "new": new} (JSON texts; "null" for null). */
void test_sales_assert_change(json_t *changes, const char *field, const char *old,
			      const char *new_value);

/*
 * The receivables' invariant in company, to the minor unit: for each
 * receivable account an open item is on, the sum of those items' residuals
 * (the sub-ledger, read from sales_open_items) equals the account's balance
 * as the ledger reports it (GET .../reports/trial-balance, everything
 * posted, as reader_token, who holds ledger.report.read), so the company's
 * residuals equal its receivable accounts' balance; and every open item's
 * amount less its residual is exactly what its allocations in force take,
 * with no residual past zero. Called after every scenario of sales' tests.
 */
void test_sales_assert_receivables(const struct test_ledger *ledger, const char *reader_token,
				   const char *company);

/*
 * The balance of account in company on as_of (minor units of its currency;
 * 0 when nothing was posted to it), as the ledger's trial balance reports
 * it to reader_token (ledger.report.read).
 */
int64_t test_sales_ledger_balance(const struct test_ledger *ledger, const char *reader_token,
				  const char *company, const char *account, const char *as_of);

#endif
