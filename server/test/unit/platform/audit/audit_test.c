/* What an audit event records as changed (server/src/platform/audit/audit.c audit_change). */
#include <check.h>

#include "platform/audit/audit.h"
#include "test/support/check_main.h"

START_TEST(records_old_and_new_only_when_they_differ)
{
	json_t *changes = json_object();
	json_t *a = json_string("a"), *b = json_string("b"), *null = json_null();

	ck_assert_int_eq(audit_change(changes, "same", a, a), 0);
	ck_assert_int_eq(audit_change(changes, "absent", NULL, NULL), 0);
	ck_assert_int_eq(audit_change(changes, "null_and_absent", null, NULL), 0);
	ck_assert_int_eq(audit_change(changes, "created", NULL, a), 0);
	ck_assert_int_eq(audit_change(changes, "changed", a, b), 0);
	ck_assert_int_eq(audit_change(changes, "cleared", a, null), 0);
	ck_assert_int_eq(json_object_size(changes), 3);
	ck_assert(json_is_null(json_object_get(json_object_get(changes, "created"), "old")));
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(changes, "changed"), "new")), "b");
	ck_assert(json_is_null(json_object_get(json_object_get(changes, "cleared"), "new")));
	json_decref(changes);
	json_decref(a);
	json_decref(b);
	json_decref(null);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("platform/audit");
	TCase *tc = tcase_create("changes");

	tcase_add_test(tc, records_old_and_new_only_when_they_differ);
	suite_add_tcase(s, tc);
	return s;
}
