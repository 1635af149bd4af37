#include <stdio.h>
#include <string.h>

#include "platform/app/app.h"
#include "platform/app/module_order.h"
#include "test/support/check_main.h"

/* Modules that are names and dependencies only: the order reads nothing else. */
static const char *const on_a[] = { "a" };
static const char *const on_b[] = { "b" };
static const char *const on_a_and_b[] = { "b", "a" };
static const char *const on_c[] = { "c" };
static const char *const on_nothing_known[] = { "a", "nosuch" };
static const char *const on_itself[] = { "self" };

#define MODULE(module_name, needs) \
	{ .name = module_name, .depends_on = needs, .depends_on_count = ERP_COUNT(needs) }

static const struct erp_module a = { .name = "a" };
static const struct erp_module b_on_a = MODULE("b", on_a);
static const struct erp_module c_on_b = MODULE("c", on_b);
static const struct erp_module d_on_a_b = MODULE("d", on_a_and_b);
static const struct erp_module e = { .name = "e" };
static const struct erp_module a_on_c = MODULE("a", on_c);
static const struct erp_module unknown = MODULE("x", on_nothing_known);
static const struct erp_module self = MODULE("self", on_itself);
static const struct erp_module nameless = { .name = "" };

/* Orders modules and returns their names joined by spaces ("" when refused, err filled). */
static const char *order(const struct erp_module *const *modules, size_t count, char *err,
			 size_t err_size)
{
	static char names[256];
	const struct erp_module *out[16];
	size_t used = 0;

	names[0] = '\0';
	err[0] = '\0';
	ck_assert_uint_le(count, 16);
	if (module_order(modules, count, out, err, err_size)) {
		ck_assert_msg(err[0] != '\0', "refused without a reason");
		return "";
	}
	for (size_t i = 0; i < count; i++)
		used += (size_t)snprintf(names + used, sizeof(names) - used, "%s%s", i ? " " : "",
					 out[i]->name);
	return names;
}

START_TEST(test_dependencies_start_first)
{
	const struct erp_module *const reversed[] = { &c_on_b, &b_on_a, &a };
	const struct erp_module *const mixed[] = { &d_on_a_b, &e, &c_on_b, &b_on_a, &a };
	char err[256];

	ck_assert_str_eq(order(reversed, 3, err, sizeof(err)), "a b c");
	/* Otherwise in the order given: e stays before the chain it is not part of. */
	ck_assert_str_eq(order(mixed, 5, err, sizeof(err)), "e a b d c");
}
END_TEST

START_TEST(test_independent_modules_keep_their_order)
{
	const struct erp_module *const given[] = { &e, &a };
	char err[256];

	ck_assert_str_eq(order(given, 2, err, sizeof(err)), "e a");
	ck_assert_str_eq(order(given, 0, err, sizeof(err)), "");
	ck_assert_str_eq(err, "");
}
END_TEST

START_TEST(test_unknown_dependency_is_refused_by_name)
{
	const struct erp_module *const given[] = { &a, &unknown };
	const struct erp_module *const missing_a[] = { &b_on_a };
	char err[256];

	ck_assert_str_eq(order(given, 2, err, sizeof(err)), "");
	ck_assert_msg(strstr(err, "module x") && strstr(err, "\"nosuch\""), "%s", err);
	ck_assert_str_eq(order(missing_a, 1, err, sizeof(err)), "");
	ck_assert_msg(strstr(err, "module b depends on \"a\""), "%s", err);
}
END_TEST

START_TEST(test_cycles_are_refused_and_named)
{
	const struct erp_module *const two[] = { &e, &a_on_c, &b_on_a, &c_on_b };
	const struct erp_module *const one[] = { &self };
	char err[256];

	ck_assert_str_eq(order(two, 4, err, sizeof(err)), "");
	ck_assert_msg(strstr(err, "cycle"), "%s", err);
	ck_assert_msg(strstr(err, "a -> c -> b -> a") || strstr(err, "c -> b -> a -> c") ||
			      strstr(err, "b -> a -> c -> b"),
		      "%s", err);
	ck_assert_str_eq(order(one, 1, err, sizeof(err)), "");
	ck_assert_msg(strstr(err, "module self depends on itself"), "%s", err);
}
END_TEST

START_TEST(test_names_are_unique_and_present)
{
	const struct erp_module *const twice[] = { &a, &a_on_c };
	const struct erp_module *const unnamed[] = { &nameless };
	char err[256];

	ck_assert_str_eq(order(twice, 2, err, sizeof(err)), "");
	ck_assert_msg(strstr(err, "two modules are called \"a\""), "%s", err);
	ck_assert_str_eq(order(unnamed, 1, err, sizeof(err)), "");
	ck_assert_msg(strstr(err, "no name"), "%s", err);
}
END_TEST

/* The build's own list: every module folder, each once, and the ledger after IAM. */
START_TEST(test_the_build_lists_every_module_in_a_start_order)
{
	const struct erp_module *out[16];
	size_t iam = 16, ledger = 16;
	char err[256];

	ck_assert_uint_ge(erp_module_list_count, 2);
	ck_assert_uint_le(erp_module_list_count, 16);
	ck_assert_ptr_null(erp_module_list[erp_module_list_count]);
	ck_assert_int_eq(module_order(erp_module_list, erp_module_list_count, out, err, sizeof(err)),
			 0);
	for (size_t i = 0; i < erp_module_list_count; i++) {
		if (strcmp(out[i]->name, "iam") == 0)
			iam = i;
		else if (strcmp(out[i]->name, "ledger") == 0)
			ledger = i;
	}
	ck_assert_uint_lt(iam, ledger);
	ck_assert_uint_lt(ledger, erp_module_list_count);
}
END_TEST

Suite *test_suite(void)
{
	Suite *suite = suite_create("platform/module_order");
	TCase *tc = tcase_create("order");

	tcase_add_test(tc, test_dependencies_start_first);
	tcase_add_test(tc, test_independent_modules_keep_their_order);
	tcase_add_test(tc, test_unknown_dependency_is_refused_by_name);
	tcase_add_test(tc, test_cycles_are_refused_and_named);
	tcase_add_test(tc, test_names_are_unique_and_present);
	tcase_add_test(tc, test_the_build_lists_every_module_in_a_start_order);
	suite_add_tcase(suite, tc);
	return suite;
}
