/*
 * End to end, the report routes' replica reads (ERP_DATABASE_REPLICA_URL,
 * platform/db/replica.h) when the replica cannot serve: unreachable, or a
 * database that is no standby (a promoted replica). Every report read falls
 * back to the primary, answers as without a replica, and is counted in
 * /metrics. Reads a real streaming replica serves are tested on the
 * cluster (tools/test-cluster).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test/support/check_main.h"
#include "test/support/ledger_fixture.h"
#include "test/support/testlib.h"

static struct test_ledger L;
static struct test_ledger_user controller, clerk, approver;

/* The value of an unlabelled counter in base_url's /metrics; -1 when absent. */
static long metric(const char *base_url, const char *name)
{
	struct test_response r;
	char url[256], *line;
	long value = -1;

	snprintf(url, sizeof(url), "%s/metrics", base_url);
	ck_assert_int_eq(test_http("GET", url, NULL, NULL, 0, &r), 0);
	ck_assert_int_eq(r.status, 200);
	for (line = r.body; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
		if (strncmp(line, name, strlen(name)) == 0 && line[strlen(name)] == ' ')
			value = strtol(line + strlen(name) + 1, NULL, 10);
	test_response_free(&r);
	return value;
}

/* The trial balance's EUR total debit as controller at base_url (test_ledger_call uses L's). */
static void assert_total(const char *base_url, const char *debit)
{
	struct test_response r;
	char url[256], header[128];
	const char *headers[] = { header, NULL };
	json_t *totals;

	snprintf(url, sizeof(url), "%s/api/v1/companies/RR1/reports/trial-balance", base_url);
	snprintf(header, sizeof(header), "Authorization: Bearer %s", controller.token);
	ck_assert_int_eq(test_http("GET", url, headers, NULL, 0, &r), 0);
	ck_assert_msg(r.status == 200, "%ld %s", r.status, r.body);
	totals = json_object_get(r.json, "totals");
	ck_assert_int_eq(json_array_size(totals), 1);
	ck_assert_str_eq(test_ledger_text(json_array_get(totals, 0), "debit"), debit);
	test_response_free(&r);
}

START_TEST(reports_fall_back_to_the_primary_and_are_counted)
{
	/* Another database of the test cluster: reachable, but no standby. */
	const char *not_standby = test_db_create("t_replica_reads_other");
	char dead_env[1200], standby_env[1200];
	const char *env_dead[] = { dead_env, "ERP_REPLICA_WAIT_MS=50", NULL };
	const char *env_primary[] = { standby_env, "ERP_REPLICA_WAIT_MS=50", NULL };
	struct test_server dead, primary;
	char id[40];
	double started;

	snprintf(dead_env, sizeof(dead_env),
		 "ERP_DATABASE_REPLICA_URL=postgresql://postgres@127.0.0.1:1/erp?connect_timeout=1");
	snprintf(standby_env, sizeof(standby_env), "ERP_DATABASE_REPLICA_URL=%s", not_standby);
	test_ledger_draft(&L, clerk.token, "RR1", "2026-03-01", "1000", "4000", "12.50", "one", id);
	test_ledger_post(&L, approver.token, "RR1", id, NULL);

	ck_assert_int_eq(test_server_start(&dead, "bin/erp-server-test", L.db_url, env_dead), 0);
	ck_assert_int_eq(test_server_start(&primary, "bin/erp-server-test", L.db_url, env_primary), 0);
	started = test_now_ms();
	for (int i = 0; i < 3; i++) {
		assert_total(dead.base_url, "12.50");
		assert_total(primary.base_url, "12.50");
	}
	/* Each fallback is quick: no hang on the missing replica. */
	ck_assert_double_lt(test_now_ms() - started, 3000);
	ck_assert_int_eq(metric(dead.base_url, "erp_db_replica_fallbacks_total"), 3);
	ck_assert_int_eq(metric(dead.base_url, "erp_db_replica_reads_total"), 0);
	ck_assert_int_eq(metric(primary.base_url, "erp_db_replica_fallbacks_total"), 3);
	ck_assert_int_eq(metric(primary.base_url, "erp_db_replica_reads_total"), 0);
	/* Without a replica, nothing is counted at all. */
	ck_assert_int_eq(metric(L.server.base_url, "erp_db_replica_fallbacks_total"), -1);

	/* A write after the fallbacks is seen by the next report read. */
	test_ledger_draft(&L, clerk.token, "RR1", "2026-03-02", "1000", "4000", "7.50", "two", id);
	test_ledger_post(&L, approver.token, "RR1", id, NULL);
	assert_total(primary.base_url, "20.00");
	ck_assert_int_eq(test_server_stop(&dead), 0);
	ck_assert_int_eq(test_server_stop(&primary), 0);
}
END_TEST

static void start_shared(void)
{
	test_ledger_start(&L, "t_replica_reads", NULL);
	test_ledger_role(&L, "rr-controller",
			 "[\"ledger.report.read\",\"ledger.account.manage\",\"ledger.period.manage\","
			 "\"ledger.account.read\",\"ledger.period.read\"]");
	test_ledger_role(&L, "rr-clerk", "[\"ledger.journal.create\",\"ledger.journal.read\"]");
	test_ledger_role(&L, "rr-approver", "[\"ledger.journal.post\",\"ledger.journal.read\"]");
	test_ledger_user(&L, "controller@replica.test", &controller);
	test_ledger_user(&L, "clerk@replica.test", &clerk);
	test_ledger_user(&L, "approver@replica.test", &approver);
	test_ledger_company(&L, "RR1", "EUR");
	test_ledger_grant(&L, controller.id, "rr-controller", "RR1", NULL);
	test_ledger_grant(&L, clerk.id, "rr-clerk", "RR1", NULL);
	test_ledger_grant(&L, approver.id, "rr-approver", "RR1", NULL);
	test_ledger_fiscal_year(&L, controller.token, "RR1", 2026);
	test_ledger_account(&L, controller.token, "RR1", "1000", "asset", NULL);
	test_ledger_account(&L, controller.token, "RR1", "4000", "revenue", NULL);
}

static void stop_shared(void)
{
	test_ledger_stop(&L);
}

Suite *test_suite(void)
{
	Suite *s = suite_create("e2e/platform/replica_reads");
	TCase *tc = tcase_create("core");

	tcase_add_unchecked_fixture(tc, start_shared, stop_shared);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, reports_fall_back_to_the_primary_and_are_counted);
	suite_add_tcase(s, tc);
	return s;
}
