/* @Name@'s rules without a database (server/src/modules/@name@/items.c). */
#include <check.h>

#include "modules/@name@/internal.h"
#include "test/support/check_main.h"

/* A company's id, as the request's company scope (req->company->id) gives it. */
#define COMPANY_ID "0190f5b2-7a3c-7def-8123-456789abcdef"

START_TEST(a_query_becomes_the_store_filters)
{
	json_t *query = json_pack("{s:s, s:b}", "prefix", "A1", "active", 1);
	struct @name@_items_filter filter;

	ck_assert(@name@_items_filter_from(query, COMPANY_ID, &filter));
	ck_assert_str_eq(filter.company_id, COMPANY_ID);
	ck_assert_str_eq(filter.prefix, "A1");
	ck_assert_str_eq(filter.active, "true");
	json_decref(query);
}
END_TEST

START_TEST(absent_filters_select_everything)
{
	json_t *query = json_object();
	struct @name@_items_filter filter;

	ck_assert(@name@_items_filter_from(query, COMPANY_ID, &filter));
	ck_assert_ptr_null(filter.prefix);
	ck_assert_ptr_null(filter.active);
	json_decref(query);
}
END_TEST

START_TEST(an_unusable_filter_is_refused)
{
	json_t *empty = json_pack("{s:s}", "prefix", "");
	json_t *too_long = json_pack("{s:s}", "prefix", "123456789012345678901");
	struct @name@_items_filter filter;

	ck_assert(!@name@_items_filter_from(empty, COMPANY_ID, &filter));
	ck_assert(!@name@_items_filter_from(too_long, COMPANY_ID, &filter));
	ck_assert(!@name@_items_filter_from(empty, NULL, &filter));
	json_decref(empty);
	json_decref(too_long);
}
END_TEST

/* The rules on a new item, table-driven: one row per case. */
static const struct {
	const char *name;
	struct @name@_item_input in;
	const char *pointer;    /* the field refused; NULL: accepted */
} items[] = {
	{ "an item", { "A1", "First" }, NULL },
	{ "a code with . _ -", { "A.1_b-2", "First" }, NULL },
	{ "no code", { NULL, "First" }, "/code" },
	{ "a code starting with -", { "-A1", "First" }, "/code" },
	{ "a code with a space", { "A 1", "First" }, "/code" },
	{ "a code too long", { "123456789012345678901", "First" }, "/code" },
	{ "no name", { "A1", NULL }, "/name" },
	{ "an empty name", { "A1", "" }, "/name" },
};

START_TEST(item_rules)
{
	struct erp_refusal refusal = { 0 };
	int rc = @name@_item_check(&refusal, &items[_i].in);

	if (!items[_i].pointer) {
		ck_assert_msg(rc == ERP_OK, "%s refused", items[_i].name);
		return;
	}
	ck_assert_msg(rc == ERP_ERR_INVALID, "%s accepted", items[_i].name);
	ck_assert_uint_eq(refusal.field_count, 1);
	ck_assert_str_eq(refusal.fields[0].pointer, items[_i].pointer);
}
END_TEST

START_TEST(every_field_is_refused_at_once)
{
	struct @name@_item_input in = { "", "" };
	struct erp_refusal refusal = { 0 };

	ck_assert_int_eq(@name@_item_check(&refusal, &in), ERP_ERR_INVALID);
	ck_assert_uint_eq(refusal.field_count, 2);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("unit/modules/@name@/items");
	TCase *tc = tcase_create("items");

	tcase_add_test(tc, a_query_becomes_the_store_filters);
	tcase_add_test(tc, absent_filters_select_everything);
	tcase_add_test(tc, an_unusable_filter_is_refused);
	tcase_add_loop_test(tc, item_rules, 0, sizeof(items) / sizeof(items[0]));
	tcase_add_test(tc, every_field_is_refused_at_once);
	suite_add_tcase(s, tc);
	return s;
}
