/* A use case's refusal (server/src/shared-kernel/usecase.c). */
#include <check.h>
#include <stdio.h>

#include "common/arena.h"
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

START_TEST(kept_fields_are_all_kept_in_order)
{
	struct erp_refusal refusal = { .detail = "the journal entry is not valid" };
	struct arena *arena = arena_new(256);
	char pointers[40][32];

	ck_assert_ptr_nonnull(arena);
	for (int i = 0; i < 40; i++) {
		snprintf(pointers[i], sizeof(pointers[i]), "/lines/%d/account", i);
		ck_assert_int_eq(erp_refuse_field_kept(&refusal, arena, pointers[i], "unknown", "no such account"),
				 ERP_ERR_INVALID);
	}
	ck_assert_uint_eq(refusal.field_count, 40);
	ck_assert_uint_eq(refusal.fields_dropped, 0);
	ck_assert_str_eq(refusal.detail, "the journal entry is not valid");
	for (size_t i = 0; i < 40; i++) {
		const struct erp_field_refusal *field = erp_refusal_field(&refusal, i);

		ck_assert_ptr_nonnull(field);
		ck_assert_str_eq(field->pointer, pointers[i]);
		ck_assert_str_eq(field->code, "unknown");
	}
	ck_assert_ptr_null(erp_refusal_field(&refusal, 40));
	/* The first ones are where every reader of fields[] expects them. */
	ck_assert_ptr_eq(erp_refusal_field(&refusal, 3), &refusal.fields[3]);
	arena_free(arena);
}
END_TEST

START_TEST(kept_fields_without_room_are_counted)
{
	struct erp_refusal refusal = { 0 };

	for (int i = 0; i < ERP_REFUSAL_FIELDS_MAX; i++)
		ck_assert_int_eq(erp_refuse_field_kept(&refusal, NULL, "/x", NULL, "bad"), ERP_ERR_INVALID);
	/* No arena: the seventeenth has nowhere to go. */
	ck_assert_int_eq(erp_refuse_field_kept(&refusal, NULL, "/y", NULL, "bad"), ERP_ERR_NO_MEMORY);
	ck_assert_uint_eq(refusal.field_count, ERP_REFUSAL_FIELDS_MAX);
	ck_assert_uint_eq(refusal.fields_dropped, 1);
}
END_TEST

START_TEST(a_sentence_that_could_not_be_made_refuses_nothing)
{
	struct erp_refusal refusal = { 0 };

	/* arena_printf() failed: out of memory, not a refusal without its reason */
	ck_assert_int_eq(erp_refuse_made(&refusal, ERP_ERR_CONFLICT, NULL), ERP_ERR_NO_MEMORY);
	ck_assert(!erp_refused(&refusal));
	ck_assert_int_eq(erp_refuse_made(&refusal, ERP_ERR_CONFLICT, "the role is assigned 2 time(s)"),
			 ERP_ERR_CONFLICT);
	ck_assert_str_eq(refusal.detail, "the role is assigned 2 time(s)");
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
	tcase_add_test(tc, kept_fields_are_all_kept_in_order);
	tcase_add_test(tc, kept_fields_without_room_are_counted);
	tcase_add_test(tc, a_sentence_that_could_not_be_made_refuses_nothing);
	suite_add_tcase(s, tc);
	return s;
}
