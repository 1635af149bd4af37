/*
 * Partners' controls, each tried the way someone would get around it: the
 * server runs as a deployment runs it (a LOGIN member of erp_app) and does
 * every partner write, yet erp_app cannot delete a partner or its settings,
 * write through the ledger's directory or read around it into another
 * owner's table it has no right on; the database itself refuses a customer
 * without a receivable account, a partner of no role and a code that
 * differs only in case; and clients racing to make one partner (by code, or
 * by tax id under different codes) or to change one version get exactly one
 * success, the others a 409 or 412, never a 5xx.
 */
#include <check.h>
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test/support/check_main.h"
#include "test/support/ledger_fixture.h"
#include "test/support/testlib.h"

enum { RACERS = 8 };

static struct test_ledger L;
static struct test_ledger_user keeper, manager;
static const char *app_url; /* erp_app's own login, for the writes it must not make */

static void start_shared(void)
{
	ck_assert_int_eq(curl_global_init(CURL_GLOBAL_DEFAULT), 0); /* before any thread */
	test_ledger_start_as_app(&L, "t_partners_controls", "t_pc_app");
	test_ledger_role(&L, "pc-keeper", "[\"ledger.account.manage\"]");
	test_ledger_role(&L, "pc-manager", "[\"partners.partner.manage\",\"partners.partner.read\"]");
	test_ledger_user(&L, "keeper@partners-controls.test", &keeper);
	test_ledger_user(&L, "manager@partners-controls.test", &manager);
	test_ledger_company(&L, "PC", "EUR");
	test_ledger_grant(&L, keeper.id, "pc-keeper", "PC", NULL);
	test_ledger_grant(&L, manager.id, "pc-manager", "PC", NULL);
	test_ledger_account(&L, keeper.token, "PC", "1200", "asset", NULL);
	test_ledger_account(&L, keeper.token, "PC", "2000", "liability", NULL);
	app_url = strdup(test_db_login_url(L.db_url, "t_pc_app", "erp_app"));
}

static void stop_shared(void)
{
	free((char *)app_url);
	test_ledger_stop(&L);
	curl_global_cleanup();
}

static void expect(const char *method, const char *path, const char *header, const char *body,
		   long expected)
{
	struct test_response r;

	test_ledger_call(&L, manager.token, method, path, header, body, &r);
	ck_assert_msg(r.status == expected, "%s %s: %ld %s", method, path, r.status, r.body);
	test_response_free(&r);
}

START_TEST(the_server_as_erp_app_does_every_partner_write)
{
	expect("PUT", "/api/v1/companies/PC/partner-settings", "If-Match: \"1\"",
	       "{\"default_receivable_account\":\"1200\",\"default_payable_account\":\"2000\"}", 200);
	expect("POST", "/api/v1/companies/PC/partners", NULL,
	       "{\"code\":\"APP\",\"name\":\"App\",\"roles\":[\"customer\",\"vendor\"],\"tax_id\":\"AP1\"}", 201);
	expect("PATCH", "/api/v1/companies/PC/partners/APP", "If-Match: \"1\"",
	       "{\"credit_limit\":\"10.00\",\"billing_address\":{\"line1\":\"1 Road\",\"city\":\"Town\","
	       "\"country\":\"GB\"}}", 200);
	expect("POST", "/api/v1/companies/PC/partners/APP/deactivate", NULL, NULL, 200);
	expect("POST", "/api/v1/companies/PC/partners/APP/reactivate", NULL, NULL, 200);
	expect("GET", "/api/v1/companies/PC/partners?tax_id=ap1", NULL, NULL, 200);
}
END_TEST

START_TEST(erp_app_cannot_delete_or_write_around_the_rules)
{
	/* A partner with documents is never deleted: nobody the server runs as may. */
	test_db_expect(app_url, "DELETE FROM partners_partners", "42501", "permission denied");
	test_db_expect(app_url, "TRUNCATE partners_partners", "42501", "permission denied");
	test_db_expect(app_url, "DELETE FROM partners_settings", "42501", "permission denied");
	/* The ledger's directory is for reading. */
	test_db_expect(app_url, "SELECT count(*) FROM ledger_account_directory", NULL, NULL);
	test_db_expect(app_url, "UPDATE ledger_account_directory SET active = true", "42501",
		       "permission denied");
	test_db_expect(app_url,
		       "INSERT INTO ledger_account_directory (company_id, code, id, type, currency, active)"
		       " SELECT company_id, 'X1', gen_random_uuid(), 'asset', 'EUR', true"
		       " FROM ledger_account_directory LIMIT 1", "42501", "permission denied");
	/* The scripts' role has no business with partners at all. */
	test_db_expect(test_db_login_url(L.db_url, "t_pc_scripts", "erp_scripts"),
		       "SELECT count(*) FROM partners_partners", "42501", "permission denied");
}
END_TEST

START_TEST(the_database_holds_the_rules_too)
{
	static const char insert[] =
		"INSERT INTO partners_partners (id, company_id, code, name, is_customer, is_vendor,"
		" payment_terms_days, payment_terms_end_of_month, currency, receivable_account_id,"
		" payable_account_id)"
		" SELECT gen_random_uuid(), c.id, '%s', 'Direct', %s, %s, 30, false, 'EUR', %s, NULL"
		" FROM companies c WHERE c.code = 'PC'";
	char sql[1024];

	/* A customer without a receivable account; a partner of no role (as the owner, too). */
	snprintf(sql, sizeof(sql), insert, "DB1", "true", "false", "NULL");
	test_db_expect(L.db_url, sql, "23514", NULL);
	snprintf(sql, sizeof(sql), insert, "DB2", "false", "false", "NULL");
	test_db_expect(L.db_url, sql, "23514", NULL);
	/* One company, one partner per code in any case. */
	expect("POST", "/api/v1/companies/PC/partners", NULL,
	       "{\"code\":\"CaSe\",\"name\":\"Case\",\"roles\":[\"customer\"],"
	       "\"receivable_account\":\"1200\"}", 201);
	snprintf(sql, sizeof(sql), insert, "CASE", "true", "false",
		 "(SELECT id FROM ledger_account_directory WHERE code = '1200' LIMIT 1)");
	test_db_expect(L.db_url, sql, "23505", NULL);
}
END_TEST

/* --- races ----------------------------------------------------------------------------------- */

struct racer {
	const char *method, *path, *header;
	char body[256];
	long status;
};

static void *race(void *arg)
{
	struct racer *r = arg;

	r->status = test_ledger_try(&L, manager.token, r->method, r->path, r->header, r->body, NULL,
				    NULL);
	return NULL;
}

/* Runs the racers at once; *wins: how many answered won, and every other answer must be lost. */
static void run_race(struct racer *racers, long won, long lost)
{
	pthread_t threads[RACERS];
	int wins = 0;

	for (int i = 0; i < RACERS; i++)
		ck_assert_int_eq(pthread_create(&threads[i], NULL, race, &racers[i]), 0);
	for (int i = 0; i < RACERS; i++)
		ck_assert_int_eq(pthread_join(threads[i], NULL), 0);
	for (int i = 0; i < RACERS; i++) {
		ck_assert_msg(racers[i].status == won || racers[i].status == lost, "racer %d: %ld", i,
			      racers[i].status);
		wins += racers[i].status == won;
	}
	ck_assert_int_eq(wins, 1);
}

START_TEST(racing_clients_make_one_partner_and_one_change)
{
	struct racer racers[RACERS];

	/* One code, in several cases. */
	for (int i = 0; i < RACERS; i++) {
		racers[i] = (struct racer){ "POST", "/api/v1/companies/PC/partners", NULL, "", 0 };
		snprintf(racers[i].body, sizeof(racers[i].body),
			 "{\"code\":\"%s\",\"name\":\"Racer %d\",\"roles\":[\"vendor\"],"
			 "\"payable_account\":\"2000\"}",
			 i % 2 ? "race" : "RACE", i);
	}
	run_race(racers, 201, 409);
	/* One tax id, written in several ways, under different codes. */
	for (int i = 0; i < RACERS; i++) {
		racers[i] = (struct racer){ "POST", "/api/v1/companies/PC/partners", NULL, "", 0 };
		snprintf(racers[i].body, sizeof(racers[i].body),
			 "{\"code\":\"TAX%d\",\"name\":\"Taxed %d\",\"roles\":[\"customer\"],"
			 "\"tax_id\":\"%s\",\"receivable_account\":\"1200\"}", i, i,
			 i % 2 ? "RT-777" : "rt 777");
	}
	run_race(racers, 201, 409);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM partners_partners"
						  " WHERE lower(code) = 'race' OR tax_id = 'RT777'"), 2);
	/* One version, changed by all at once. */
	for (int i = 0; i < RACERS; i++) {
		racers[i] = (struct racer){ "PATCH", "/api/v1/companies/PC/partners/RACE", "If-Match: \"1\"",
					    "", 0 };
		snprintf(racers[i].body, sizeof(racers[i].body), "{\"name\":\"Changed by %d\"}", i);
	}
	if (test_ledger_db_number(&L, "SELECT count(*) FROM partners_partners WHERE code = 'RACE'") == 0)
		for (int i = 0; i < RACERS; i++)
			racers[i].path = "/api/v1/companies/PC/partners/race";
	run_race(racers, 200, 412);
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT max(version) FROM partners_partners"
						  " WHERE lower(code) = 'race'"), 2);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("e2e/partners/controls");
	TCase *tc = tcase_create("controls");

	tcase_add_unchecked_fixture(tc, start_shared, stop_shared);
	tcase_add_test(tc, the_server_as_erp_app_does_every_partner_write);
	tcase_add_test(tc, erp_app_cannot_delete_or_write_around_the_rules);
	tcase_add_test(tc, the_database_holds_the_rules_too);
	tcase_add_test(tc, racing_clients_make_one_partner_and_one_change);
	suite_add_tcase(s, tc);
	return s;
}
