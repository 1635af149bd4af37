/*
 * The rules of allocations that need no database
 * (server/src/modules/sales/allocate.c): "auto" pays the oldest first; an
 * allocation asked for is refused over what its invoice still owes (the
 * requests on one invoice together), over what the payment has left, or
 * at zero, every one at once, each by its pointer; a request without an
 * amount takes what fits; payment numbers; the aging's buckets at their
 * edges.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common/arena.h"
#include "modules/sales/usecases.h"
#include "shared-kernel/errors.h"
#include "test/support/check_main.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
	int64_t available;
	int64_t residuals[4];
	size_t count;
	int64_t expected[4];
	int64_t total;
} oldest[] = {
	{ 5000, { 1200, 2400, 12000 }, 3, { 1200, 2400, 1400 }, 5000 },   /* the last partly */
	{ 3600, { 1200, 2400, 12000 }, 3, { 1200, 2400, 0 }, 3600 },      /* exactly two */
	{ 100, { 1200, 2400 }, 2, { 100, 0 }, 100 },                      /* the first partly */
	{ 50000, { 1200, 2400 }, 2, { 1200, 2400 }, 3600 },               /* a remainder on account */
	{ 0, { 1200 }, 1, { 0 }, 0 },                                     /* nothing to give */
	{ -5, { 1200 }, 1, { 0 }, 0 },                                    /* nor less */
	{ 1000, { 0 }, 0, { 0 }, 0 },                                     /* nothing to pay */
};

START_TEST(auto_pays_the_oldest_first)
{
	int64_t amounts[4] = { -1, -1, -1, -1 };
	int64_t total = sales_allocate_oldest(oldest[_i].available, oldest[_i].residuals,
					      oldest[_i].count, amounts);

	ck_assert_int_eq(total, oldest[_i].total);
	for (size_t i = 0; i < oldest[_i].count; i++)
		ck_assert_int_eq(amounts[i], oldest[_i].expected[i]);
}
END_TEST

/* One case of requests against invoices: what each gets, or the code and pointer of each refused. */
static const struct {
	const char *name;
	int64_t available;
	int64_t residuals[3];
	struct sales_allocation_request requests[4];
	size_t count;
	int64_t expected[4];          /* the amounts, when accepted */
	const char *refused[4];       /* per request: its code, or NULL when it passes */
} checks[] = {
	{ "within both", 10000, { 1200, 2400 }, { { 0, 1000 }, { 1, 2400 } }, 2, { 1000, 2400 },
	  { NULL } },
	{ "exactly the residual", 1200, { 1200 }, { { 0, 1200 } }, 1, { 1200 }, { NULL } },
	{ "a cent over the residual", 10000, { 1200 }, { { 0, 1201 } }, 1, { 0 }, { "residual" } },
	{ "a cent over the payment", 1000, { 1200 }, { { 0, 1001 } }, 1, { 0 }, { "unallocated" } },
	{ "two on one invoice, together over it", 10000, { 1200 }, { { 0, 1000 }, { 0, 201 } }, 2,
	  { 0 }, { NULL, "residual" } },
	{ "two on one invoice, together within it", 10000, { 1200 }, { { 0, 1000 }, { 0, 200 } }, 2,
	  { 1000, 200 }, { NULL } },
	{ "the payment used up by the first", 1000, { 1200, 2400 }, { { 0, 1000 }, { 1, 1 } }, 2,
	  { 0 }, { NULL, "unallocated" } },
	{ "zero", 1000, { 1200 }, { { 0, 0 } }, 1, { 0 }, { "format" } },
	{ "as much as fits: the invoice", 10000, { 1200 }, { { 0, SALES_ALLOCATE_ALL } }, 1, { 1200 },
	  { NULL } },
	{ "as much as fits: the payment", 500, { 1200 }, { { 0, SALES_ALLOCATE_ALL } }, 1, { 500 },
	  { NULL } },
	{ "as much as fits after another", 10000, { 1200 },
	  { { 0, 1000 }, { 0, SALES_ALLOCATE_ALL } }, 2, { 1000, 200 }, { NULL } },
	{ "nothing left to fit", 1000, { 1200, 2400 },
	  { { 0, 1000 }, { 1, SALES_ALLOCATE_ALL } }, 2, { 0 }, { NULL, "nothing" } },
	{ "every problem at once", 1000, { 1200, 2400, 10 },
	  { { 0, 1201 }, { 1, 0 }, { 2, 11 }, { 1, 1001 } }, 4, { 0 },
	  { "residual", "format", "residual", "unallocated" } },
};

START_TEST(allocations_asked_for_are_checked)
{
	struct arena *arena = arena_new(4096);
	struct erp_refusal refusal = { 0 };
	int64_t amounts[4] = { 0 };
	size_t refusals = 0;
	int rc;

	ck_assert_ptr_nonnull(arena);
	rc = sales_allocation_check(&refusal, arena, "/allocations", checks[_i].available,
				    checks[_i].residuals, 3, checks[_i].requests, checks[_i].count,
				    amounts);
	for (size_t i = 0; i < checks[_i].count; i++)
		refusals += checks[_i].refused[i] != NULL;
	if (refusals == 0) {
		ck_assert_msg(rc == ERP_OK, "%s: %d", checks[_i].name, rc);
		for (size_t i = 0; i < checks[_i].count; i++)
			ck_assert_int_eq(amounts[i], checks[_i].expected[i]);
	} else {
		size_t field = 0;

		ck_assert_msg(rc == ERP_ERR_INVALID, "%s: %d", checks[_i].name, rc);
		ck_assert_uint_eq(refusal.field_count, refusals);
		for (size_t i = 0; i < checks[_i].count; i++) {
			const struct erp_field_refusal *f;
			char pointer[48];

			if (!checks[_i].refused[i])
				continue;
			f = erp_refusal_field(&refusal, field++);
			snprintf(pointer, sizeof(pointer), "/allocations/%zu/amount", i);
			ck_assert_str_eq(f->pointer, pointer);
			ck_assert_str_eq(f->code, checks[_i].refused[i]);
		}
	}
	arena_free(arena);
}
END_TEST

START_TEST(a_single_allocation_is_refused_at_its_amount)
{
	struct arena *arena = arena_new(4096);
	struct erp_refusal refusal = { 0 };
	const int64_t residuals[] = { 100 };
	const struct sales_allocation_request request = { 0, 101 };
	int64_t amount;

	ck_assert_int_eq(sales_allocation_check(&refusal, arena, NULL, 1000, residuals, 1, &request, 1,
						&amount), ERP_ERR_INVALID);
	ck_assert_str_eq(erp_refusal_field(&refusal, 0)->pointer, "/amount");
	arena_free(arena);
}
END_TEST

START_TEST(payment_numbers_read_pay_year_sequence)
{
	char out[24];

	ck_assert_int_eq(sales_payment_number(2026, 1, out, sizeof(out)), 15);
	ck_assert_str_eq(out, "PAY-2026-000001");
	ck_assert_int_eq(sales_payment_number(2026, 1234567, out, sizeof(out)), 16);
	ck_assert_str_eq(out, "PAY-2026-1234567");
	ck_assert_int_eq(sales_payment_number(1899, 1, out, sizeof(out)), -1);
	ck_assert_int_eq(sales_payment_number(2026, 0, out, sizeof(out)), -1);
	ck_assert_int_eq(sales_payment_number(2026, 1, out, 8), -1);
}
END_TEST

static const struct {
	int64_t days;
	enum sales_aging_bucket bucket;
} buckets[] = {
	{ -400, SALES_AGING_CURRENT }, { 0, SALES_AGING_CURRENT }, { 1, SALES_AGING_1_30 },
	{ 30, SALES_AGING_1_30 }, { 31, SALES_AGING_31_60 }, { 60, SALES_AGING_31_60 },
	{ 61, SALES_AGING_61_90 }, { 90, SALES_AGING_61_90 }, { 91, SALES_AGING_OVER_90 },
	{ 10000, SALES_AGING_OVER_90 },
};

START_TEST(aging_buckets_by_days_past_due)
{
	ck_assert_int_eq(sales_aging_bucket_of(buckets[_i].days), buckets[_i].bucket);
}
END_TEST

/* The aging's SQL groups by width_bucket() over these days: the same buckets as the rule. */
START_TEST(aging_first_days_are_the_rules_bounds)
{
	char text[32];

	ck_assert_int_eq(sales_aging_first_days_text(text, sizeof(text)), 12);
	ck_assert_str_eq(text, "{1,31,61,91}");
	ck_assert_int_eq(sales_aging_first_days_text(text, 12), -1);
	for (int64_t days = -2; days <= 120; days++)
		ck_assert_int_eq(sales_aging_bucket_of(days),
				 days < 1 ? 0 : days < 31 ? 1 : days < 61 ? 2 : days < 91 ? 3 : 4);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("unit/modules/sales/allocate");
	TCase *tc = tcase_create("allocate");

	tcase_add_loop_test(tc, auto_pays_the_oldest_first, 0, COUNT(oldest));
	tcase_add_loop_test(tc, allocations_asked_for_are_checked, 0, COUNT(checks));
	tcase_add_test(tc, a_single_allocation_is_refused_at_its_amount);
	tcase_add_test(tc, payment_numbers_read_pay_year_sequence);
	tcase_add_loop_test(tc, aging_buckets_by_days_past_due, 0, COUNT(buckets));
	tcase_add_test(tc, aging_first_days_are_the_rules_bounds);
	suite_add_tcase(s, tc);
	return s;
}
