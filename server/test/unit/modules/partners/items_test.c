/* Partners's rules without a database (server/src/modules/partners/items.c). */
#include <check.h>

#include "modules/partners/internal.h"
#include "test/support/check_main.h"

/* A company's id, as http_company_id() gives it. */
#define COMPANY_ID "0190f5b2-7a3c-7def-8123-456789abcdef"

START_TEST(a_query_becomes_the_store_filters)
{
	json_t *query = json_pack("{s:s, s:b}", "prefix", "A1", "active", 1);
	struct partners_items_filter filter;

	ck_assert(partners_items_filter_from(query, COMPANY_ID, &filter));
	ck_assert_str_eq(filter.company_id, COMPANY_ID);
	ck_assert_str_eq(filter.prefix, "A1");
	ck_assert_str_eq(filter.active, "true");
	json_decref(query);
}
END_TEST

START_TEST(absent_filters_select_everything)
{
	json_t *query = json_object();
	struct partners_items_filter filter;

	ck_assert(partners_items_filter_from(query, COMPANY_ID, &filter));
	ck_assert_ptr_null(filter.prefix);
	ck_assert_ptr_null(filter.active);
	json_decref(query);
}
END_TEST

START_TEST(an_unusable_filter_is_refused)
{
	json_t *empty = json_pack("{s:s}", "prefix", "");
	json_t *too_long = json_pack("{s:s}", "prefix", "123456789012345678901");
	struct partners_items_filter filter;

	ck_assert(!partners_items_filter_from(empty, COMPANY_ID, &filter));
	ck_assert(!partners_items_filter_from(too_long, COMPANY_ID, &filter));
	ck_assert(!partners_items_filter_from(empty, NULL, &filter));
	json_decref(empty);
	json_decref(too_long);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("unit/modules/partners/items");
	TCase *tc = tcase_create("items");

	tcase_add_test(tc, a_query_becomes_the_store_filters);
	tcase_add_test(tc, absent_filters_select_everything);
	tcase_add_test(tc, an_unusable_filter_is_refused);
	suite_add_tcase(s, tc);
	return s;
}
