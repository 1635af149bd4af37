/*
 * @Name@'s items end to end, against the real erp-server-test binary and a
 * real PostgreSQL: holders of @name@.item.manage create items (audited, and
 * told as @name@.item.created in the company's stream), a code is unique in
 * its company; holders of @name@.item.read list them, in code order, page
 * by page, filtered, and read one; only their company's items exist for
 * them, and a company where the caller holds no role does not exist at all.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test/support/check_main.h"
#include "test/support/event_fixture.h"
#include "test/support/ledger_fixture.h"
#include "test/support/testlib.h"

static struct test_ledger L;
static struct test_ledger_user manager, reader, outsider;
static char events_reader[64];

#define ITEMS(company) "/api/v1/companies/" company "/@path@/items"

/* Creates item code in company as the manager; asserts 201. */
static void item(const char *company, const char *code)
{
	struct test_response r;
	char path[128], body[256];

	snprintf(path, sizeof(path), "/api/v1/companies/%s/@path@/items", company);
	snprintf(body, sizeof(body), "{\"code\":\"%s\",\"name\":\"Item %s\"}", code, code);
	test_ledger_call(&L, manager.token, "POST", path, NULL, body, &r);
	ck_assert_msg(r.status == 201, "POST %s %s: %ld %s", path, body, r.status, r.body);
	test_response_free(&r);
}

static void start_shared(void)
{
	test_ledger_start(&L, "t_@name@_items", NULL);
	test_events_reader(L.server.base_url, L.admin_token, "events@@path@.test", events_reader);
	test_ledger_role(&L, "@path@-manager", "[\"@name@.item.manage\",\"@name@.item.read\"]");
	test_ledger_role(&L, "@path@-reader", "[\"@name@.item.read\"]");
	test_ledger_role(&L, "@path@-company-viewer", "[\"iam.company.read\"]");
	test_ledger_user(&L, "manager@@path@.test", &manager);
	test_ledger_user(&L, "reader@@path@.test", &reader);
	test_ledger_user(&L, "outsider@@path@.test", &outsider);
	test_ledger_company(&L, "KA", "EUR");
	test_ledger_company(&L, "KB", "EUR");
	test_ledger_grant(&L, manager.id, "@path@-manager", "KA", NULL);
	test_ledger_grant(&L, manager.id, "@path@-manager", "KB", NULL);
	test_ledger_grant(&L, reader.id, "@path@-reader", "KA", NULL);
	test_ledger_grant(&L, outsider.id, "@path@-company-viewer", "KA", NULL);
	item("KA", "A1");
	item("KA", "A2");
	item("KA", "B1");
	item("KB", "A9");
	ck_assert_int_eq(test_db_exec(L.db_url, "UPDATE @name@_items SET active = false"
						" WHERE code = 'A2'"), 0);
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

START_TEST(creates_an_item_told_and_audited)
{
	static const char *const types[] = { "@name@.item.created", NULL };
	long long last = test_events_last(L.server.base_url, events_reader, "KA");
	struct test_response r;
	char *location;
	json_t *events;

	ck_assert_int_eq(test_ledger_call(&L, manager.token, "POST", ITEMS("KA"), NULL,
					  "{\"code\":\"C1\",\"name\":\"Created\"}", &r), 201);
	location = test_response_header(&r, "Location");
	ck_assert_str_eq(location, ITEMS("KA") "/C1");
	free(location);
	ck_assert_str_eq(test_ledger_if_match(&r), "If-Match: \"1\"");
	test_response_free(&r);
	/* Read back by a reader, under the same version. */
	ck_assert_int_eq(test_ledger_call(&L, reader.token, "GET", ITEMS("KA") "/C1", NULL, NULL, &r),
			 200);
	ck_assert_str_eq(test_ledger_text(r.json, "name"), "Created");
	ck_assert_str_eq(test_ledger_if_match(&r), "If-Match: \"1\"");
	test_response_free(&r);
	/* One event in the company's stream, an audit event of the same request beside it. */
	events = test_events_since(L.server.base_url, events_reader, "KA", last, types);
	ck_assert_str_eq(json_string_value(test_events_payload(json_array_get(events, 0), "code")), "C1");
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM audit_events"
						  " WHERE action = '@name@.item.created' AND request_id = '%s'",
						  test_ledger_text(json_array_get(events, 0), "request_id")), 1);
	json_decref(events);
}
END_TEST

START_TEST(a_code_names_one_item_per_company)
{
	struct test_response r;

	ck_assert_int_eq(test_ledger_call(&L, manager.token, "POST", ITEMS("KA"), NULL,
					  "{\"code\":\"A1\",\"name\":\"Again\"}", &r), 409);
	ck_assert_ptr_nonnull(strstr(r.headers, "application/problem+json"));
	test_response_free(&r);
	/* Refused: nothing written, nothing audited. */
	ck_assert_int_eq(test_ledger_db_number(&L, "SELECT count(*) FROM @name@_items WHERE code = 'A1'"
						  " AND name = 'Again'"), 0);
	/* Another company may have the same code. */
	item("KB", "A1");
	/* Bad fields: 422 naming them. */
	ck_assert_int_eq(test_ledger_call(&L, manager.token, "POST", ITEMS("KA"), NULL,
					  "{\"code\":\"A 1\",\"name\":\"\"}", &r), 422);
	ck_assert_ptr_nonnull(strstr(r.body, "/code"));
	ck_assert_ptr_nonnull(strstr(r.body, "/name"));
	test_response_free(&r);
}
END_TEST

START_TEST(lists_its_company_items_page_by_page)
{
	struct test_response r;
	char next[1500];

	ck_assert_int_eq(test_ledger_call(&L, reader.token, "GET", ITEMS("KA") "?limit=2", NULL, NULL, &r),
			 200);
	ck_assert_str_eq(codes(&r), "A1,A2");
	ck_assert(json_is_string(json_object_get(r.json, "next_cursor")));
	snprintf(next, sizeof(next), ITEMS("KA") "?limit=2&cursor=%s",
		 json_string_value(json_object_get(r.json, "next_cursor")));
	test_response_free(&r);

	ck_assert_int_eq(test_ledger_call(&L, reader.token, "GET", next, NULL, NULL, &r), 200);
	ck_assert_ptr_null(strstr(codes(&r), "A9")); /* KB's A9 is never listed under KA */
	ck_assert_ptr_nonnull(strstr(codes(&r), "B1"));
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

START_TEST(only_holders_of_the_permission_in_the_company)
{
	/* Reading is not managing. */
	ck_assert_int_eq(test_ledger_call(&L, reader.token, "POST", ITEMS("KA"), NULL,
					  "{\"code\":\"R1\",\"name\":\"Reader's\"}", NULL), 403);
	/* A role in the company without the permission: 403. */
	ck_assert_int_eq(test_ledger_call(&L, outsider.token, "GET", ITEMS("KA"), NULL, NULL, NULL),
			 403);
	/* No role in the company at all: it does not exist for the caller. */
	ck_assert_int_eq(test_ledger_call(&L, reader.token, "GET", ITEMS("KB"), NULL, NULL, NULL), 404);
	ck_assert_int_eq(test_ledger_call(&L, reader.token, "GET", ITEMS("KB") "/A9", NULL, NULL, NULL),
			 404);
	/* Another company's item, asked for through one's own: no such item. */
	ck_assert_int_eq(test_ledger_call(&L, reader.token, "GET", ITEMS("KA") "/A9", NULL, NULL, NULL),
			 404);
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
	Suite *s = suite_create("e2e/@name@/items");
	TCase *tc = tcase_create("items");

	tcase_add_unchecked_fixture(tc, start_shared, stop_shared);
	tcase_add_test(tc, creates_an_item_told_and_audited);
	tcase_add_test(tc, a_code_names_one_item_per_company);
	tcase_add_test(tc, lists_its_company_items_page_by_page);
	tcase_add_test(tc, filters_by_prefix_and_active);
	tcase_add_test(tc, only_holders_of_the_permission_in_the_company);
	tcase_add_test(tc, bad_queries_are_refused_with_a_problem);
	suite_add_tcase(s, tc);
	return s;
}
