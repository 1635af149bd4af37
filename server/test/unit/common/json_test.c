#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/json.h"
#include "test/support/check_main.h"

/* Long keys and values, so jansson's buffers must grow several times on the way. */
static const char document_text[] =
	"{\"description\":\"Made by allocation-failure attempt 12, long enough to grow\","
	"\"name\":\"fault-role-12\",\"permissions\":[\"iam.role.read\",\"iam.user.read\"],"
	"\"a-key-long-enough-that-writing-it-needs-more-room\":{\"nested-key-also-quite-long\":42}}";

static void use_the_allocation_policy(void)
{
	json_set_alloc_funcs(erp_malloc, erp_free);
}

START_TEST(test_dumps_and_loadb_behave_like_jansson)
{
	json_error_t error;
	bool out_of_memory = true;
	json_t *document = erp_json_loadb(document_text, strlen(document_text), 0, &error,
					  &out_of_memory);
	char *ours, *theirs;

	ck_assert_ptr_nonnull(document);
	ck_assert(!out_of_memory);
	ours = erp_json_dumps(document, JSON_COMPACT | JSON_SORT_KEYS);
	theirs = json_dumps(document, JSON_COMPACT | JSON_SORT_KEYS);
	ck_assert_str_eq(ours, theirs);
	free(ours);
	free(theirs);
	json_decref(document);

	/* Malformed input is not out of memory. */
	ck_assert_ptr_null(erp_json_loadb("{\"a\":", 5, 0, &error, &out_of_memory));
	ck_assert(!out_of_memory);
	ck_assert_int_gt(error.line, 0);
}
END_TEST

#ifdef ERP_FAULT_INJECTION
START_TEST(test_failures_are_counted_per_thread)
{
	unsigned long before = alloc_failures();
	void *p;

	alloc_fault_fail_at(1);
	ck_assert_ptr_null(erp_malloc(8));
	ck_assert_uint_eq(alloc_failures(), before + 1);
	p = erp_malloc(8);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(alloc_failures(), before + 1);
	erp_free(p);
}
END_TEST

/*
 * Each allocation of a dump fails in turn. jansson 2.14 ignores a failure
 * while it writes an object key and returns the rest as if complete; the
 * wrapper must answer NULL or the exact text, never anything in between.
 */
START_TEST(test_dumps_is_exact_or_null_whatever_allocation_fails)
{
	json_t *document = json_loads(document_text, 0, NULL);
	char *clean = erp_json_dumps(document, JSON_COMPACT | JSON_SORT_KEYS);
	unsigned long total, nulls = 0;

	ck_assert_ptr_nonnull(clean);
	alloc_fault_fail_at(0);
	free(erp_json_dumps(document, JSON_COMPACT | JSON_SORT_KEYS));
	total = alloc_fault_count();
	ck_assert_uint_gt(total, 3);
	for (unsigned long nth = 1; nth <= total; nth++) {
		char *text;

		alloc_fault_fail_at(nth);
		text = erp_json_dumps(document, JSON_COMPACT | JSON_SORT_KEYS);
		alloc_fault_fail_at(0);
		if (!text) {
			nulls++;
			continue;
		}
		ck_assert_msg(strcmp(text, clean) == 0, "allocation %lu failed and the text is %s", nth,
			      text);
		free(text);
	}
	ck_assert_uint_eq(nulls, total);
	free(clean);
	json_decref(document);
}
END_TEST

/*
 * Each allocation of a parse fails in turn. jansson's lexer drops a
 * character it cannot keep and parses on; the wrapper must answer
 * "out of memory" or the exact document.
 */
START_TEST(test_loadb_is_exact_or_out_of_memory_whatever_allocation_fails)
{
	json_t *clean = json_loads(document_text, 0, NULL);
	unsigned long total;

	ck_assert_ptr_nonnull(clean);
	alloc_fault_fail_at(0);
	json_decref(erp_json_loadb(document_text, strlen(document_text), 0, NULL, NULL));
	total = alloc_fault_count();
	ck_assert_uint_gt(total, 5);
	for (unsigned long nth = 1; nth <= total; nth++) {
		bool out_of_memory = false;
		json_t *document;

		alloc_fault_fail_at(nth);
		document = erp_json_loadb(document_text, strlen(document_text), 0, NULL, &out_of_memory);
		alloc_fault_fail_at(0);
		ck_assert_msg(out_of_memory, "allocation %lu failed unnoticed", nth);
		ck_assert_ptr_null(document);
	}
	json_decref(clean);
}
END_TEST
#endif

Suite *test_suite(void)
{
	Suite *suite = suite_create("json");
	TCase *tc = tcase_create("json");

	tcase_add_checked_fixture(tc, use_the_allocation_policy, NULL);
	tcase_add_test(tc, test_dumps_and_loadb_behave_like_jansson);
#ifdef ERP_FAULT_INJECTION
	tcase_add_test(tc, test_failures_are_counted_per_thread);
	tcase_add_test(tc, test_dumps_is_exact_or_null_whatever_allocation_fails);
	tcase_add_test(tc, test_loadb_is_exact_or_out_of_memory_whatever_allocation_fails);
#endif
	suite_add_tcase(suite, tc);
	return suite;
}
