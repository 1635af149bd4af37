/* A use case's refusal (server/src/shared-kernel/usecase.c). */
#include <check.h>

#include "shared-kernel/usecase.h"
#include "test/support/check_main.h"

START_TEST(a_fresh_refusal_refuses_nothing)
{
	struct erp_refusal refusal = { 0 };

	ck_assert(!erp_refused(&refusal));
}
END_TEST

START_TEST(a_rule_refusal_keeps_its_code_and_sentence)
{
	struct erp_refusal refusal = { 0 };

	ck_assert_int_eq(erp_refuse(&refusal, ERP_ERR_FORBIDDEN, "not your own entry"),
			 ERP_ERR_FORBIDDEN);
	ck_assert(erp_refused(&refusal));
	ck_assert_str_eq(refusal.detail, "not your own entry");
	ck_assert_uint_eq(refusal.field_count, 0);
}
END_TEST

START_TEST(field_refusals_collect_every_field)
{
	struct erp_refusal refusal = { 0 };

	ck_assert_int_eq(erp_refuse_field(&refusal, "/lines/0/account", "no such account"),
			 ERP_ERR_INVALID);
	ck_assert_int_eq(erp_refuse_field(&refusal, NULL, "unbalanced"), ERP_ERR_INVALID);
	ck_assert_int_eq(refusal.code, ERP_ERR_INVALID);
	ck_assert_str_eq(refusal.detail, "no such account"); /* the first one speaks for all */
	ck_assert_uint_eq(refusal.field_count, 2);
	ck_assert_str_eq(refusal.fields[0].pointer, "/lines/0/account");
	ck_assert_str_eq(refusal.fields[1].pointer, ""); /* the document as a whole */
	ck_assert_str_eq(refusal.fields[1].detail, "unbalanced");
}
END_TEST

START_TEST(fields_beyond_the_limit_are_counted)
{
	struct erp_refusal refusal = { 0 };

	for (int i = 0; i < ERP_REFUSAL_FIELDS_MAX + 3; i++)
		erp_refuse_field(&refusal, "/x", "bad");
	ck_assert_uint_eq(refusal.field_count, ERP_REFUSAL_FIELDS_MAX);
	ck_assert_uint_eq(refusal.fields_dropped, 3);
}
END_TEST

START_TEST(a_set_sentence_is_kept_over_field_details)
{
	struct erp_refusal refusal = { .detail = "the entry has 2 problems" };

	erp_refuse_field(&refusal, "/date", "not a date");
	ck_assert_str_eq(refusal.detail, "the entry has 2 problems");
}
END_TEST

START_TEST(a_field_refusal_keeps_its_code)
{
	struct erp_refusal refusal = { 0 };

	ck_assert_int_eq(erp_refuse_field_code(&refusal, "/currency", "unknown", "no such currency"),
			 ERP_ERR_INVALID);
	erp_refuse_field(&refusal, "/name", "too long");
	ck_assert_str_eq(refusal.fields[0].code, "unknown");
	ck_assert_ptr_null(refusal.fields[1].code); /* answered as "invalid" */
	ck_assert_str_eq(refusal.detail, "no such currency");
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("unit/shared-kernel/usecase");
	TCase *tc = tcase_create("usecase");

	tcase_add_test(tc, a_fresh_refusal_refuses_nothing);
	tcase_add_test(tc, a_rule_refusal_keeps_its_code_and_sentence);
	tcase_add_test(tc, field_refusals_collect_every_field);
	tcase_add_test(tc, fields_beyond_the_limit_are_counted);
	tcase_add_test(tc, a_set_sentence_is_kept_over_field_details);
	tcase_add_test(tc, a_field_refusal_keeps_its_code);
	suite_add_tcase(s, tc);
	return s;
}
