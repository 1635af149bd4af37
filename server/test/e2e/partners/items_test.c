/*
 * Partners's items end to end, against the real erp-server-test binary and a
 * real PostgreSQL: the list answers only holders of partners.item.read, only
 * their company's items, in code order, page by page, filtered; a company
 * where the caller holds no role does not exist for them.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "test/support/check_main.h"
#include "test/support/ledger_fixture.h"
#include "test/support/testlib.h"

static struct test_ledger L;
static struct test_ledger_user reader, outsider;

#define ITEMS(company) "/api/v1/companies/" company "/partners/items"

/* An item of company (by code) written straight into the table, as a later use case would. */
static void item(const char *company, const char *code, bool active)
{
	char sql[512];

	snprintf(sql, sizeof(sql),
		 "INSERT INTO partners_items (id, company_id, code, name, active)"
		 " SELECT gen_random_uuid(), id, '%s', 'Item %s', %s FROM companies WHERE code = '%s'",
		 code, code, active ? "true" : "false", company);
	test_db_expect(L.db_url, sql, NULL, NULL);
}

static void start_shared(void)
{
	test_ledger_start(&L, "t_partners_items", NULL);
	test_ledger_role(&L, "partners-reader", "[\"partners.item.read\"]");
	test_ledger_role(&L, "partners-company-viewer", "[\"iam.company.read\"]");
	test_ledger_user(&L, "reader@partners.test", &reader);
	test_ledger_user(&L, "outsider@partners.test", &outsider);
	test_ledger_company(&L, "KA", "EUR");
	test_ledger_company(&L, "KB", "EUR");
	test_ledger_grant(&L, reader.id, "partners-reader", "KA", NULL);
	test_ledger_grant(&L, outsider.id, "partners-company-viewer", "KA", NULL);
	item("KA", "A1", true);
	item("KA", "A2", false);
	item("KA", "B1", true);
	item("KB", "A9", true);
}

static void stop_shared(void)
{
	test_ledger_stop(&L);
}

/* The codes of a page's items, joined by commas. */
static const char *codes(const struct test_response *r)
{
	static char text[256];
	json_t *items = json_object_get(r->json, "items"), *each;
	size_t i;

	text[0] = '\0';
	json_array_foreach(items, i, each) {
		size_t used = strlen(text);

		snprintf(text + used, sizeof(text) - used, "%s%s", i ? "," : "",
			 json_string_value(json_object_get(each, "code")));
	}
	return text;
}

START_TEST(lists_its_company_items_page_by_page)
{
	struct test_response r;
	char next[1500];

	ck_assert_int_eq(test_ledger_call(&L, reader.token, "GET", ITEMS("KA") "?limit=2", NULL, NULL,
					  &r), 200);
	ck_assert_str_eq(codes(&r), "A1,A2");
	ck_assert(json_is_string(json_object_get(r.json, "next_cursor")));
	snprintf(next, sizeof(next), ITEMS("KA") "?limit=2&cursor=%s",
		 json_string_value(json_object_get(r.json, "next_cursor")));
	test_response_free(&r);

	ck_assert_int_eq(test_ledger_call(&L, reader.token, "GET", next, NULL, NULL, &r), 200);
	ck_assert_str_eq(codes(&r), "B1"); /* KB's A9 is never listed under KA */
	ck_assert(json_is_null(json_object_get(r.json, "next_cursor")));
	test_response_free(&r);
}
END_TEST

START_TEST(filters_by_prefix_and_active)
{
	struct test_response r;

	ck_assert_int_eq(test_ledger_call(&L, reader.token, "GET", ITEMS("KA") "?prefix=A", NULL,
					  NULL, &r), 200);
	ck_assert_str_eq(codes(&r), "A1,A2");
	test_response_free(&r);
	ck_assert_int_eq(test_ledger_call(&L, reader.token, "GET", ITEMS("KA") "?active=false", NULL,
					  NULL, &r), 200);
	ck_assert_str_eq(codes(&r), "A2");
	test_response_free(&r);
}
END_TEST

START_TEST(only_holders_of_the_permission_in_the_company_read)
{
	/* A role in the company without the permission: 403. */
	ck_assert_int_eq(test_ledger_call(&L, outsider.token, "GET", ITEMS("KA"), NULL, NULL, NULL),
			 403);
	/* No role in the company at all: it does not exist for the caller. */
	ck_assert_int_eq(test_ledger_call(&L, reader.token, "GET", ITEMS("KB"), NULL, NULL, NULL), 404);
	ck_assert_int_eq(test_ledger_call(&L, NULL, "GET", ITEMS("KA"), NULL, NULL, NULL), 401);
}
END_TEST

START_TEST(bad_queries_are_refused_with_a_problem)
{
	struct test_response r;

	ck_assert_int_eq(test_ledger_call(&L, reader.token, "GET", ITEMS("KA") "?cursor=nonsense",
					  NULL, NULL, &r), 400);
	ck_assert_ptr_nonnull(strstr(r.headers, "application/problem+json"));
	test_response_free(&r);
	/* Out of the query's declared limits: 422, naming the parameter. */
	ck_assert_int_eq(test_ledger_call(&L, reader.token, "GET", ITEMS("KA") "?limit=0", NULL, NULL,
					  &r), 422);
	ck_assert_ptr_nonnull(strstr(r.body, "limit"));
	test_response_free(&r);
	ck_assert_int_eq(test_ledger_call(&L, reader.token, "GET",
					  ITEMS("KA") "?prefix=123456789012345678901", NULL, NULL, &r),
			 422);
	ck_assert_ptr_nonnull(strstr(r.body, "prefix"));
	test_response_free(&r);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("e2e/partners/items");
	TCase *tc = tcase_create("items");

	tcase_add_unchecked_fixture(tc, start_shared, stop_shared);
	tcase_add_test(tc, lists_its_company_items_page_by_page);
	tcase_add_test(tc, filters_by_prefix_and_active);
	tcase_add_test(tc, only_holders_of_the_permission_in_the_company_read);
	tcase_add_test(tc, bad_queries_are_refused_with_a_problem);
	suite_add_tcase(s, tc);
	return s;
}
