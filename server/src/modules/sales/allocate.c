/*
 * The rules of the receivables that need no database: how "auto" spreads a
 * payment over a customer's open invoices (oldest first), which
 * allocations asked for are refused (over what an invoice still owes, over
 * what the payment has left), and the aging's buckets. Plain functions,
 * unit-tested on their own (server/test/unit/modules/sales/allocate_test.c).
 */
#include <stdio.h>
#include <string.h>

#include "modules/sales/internal.h"

int64_t sales_allocate_oldest(int64_t available_minor, const int64_t *residuals, size_t count,
			      int64_t *amounts)
{
	int64_t left = available_minor > 0 ? available_minor : 0;

	for (size_t i = 0; i < count; i++) {
		amounts[i] = residuals[i] > 0 ? (residuals[i] < left ? residuals[i] : left) : 0;
		left -= amounts[i];
	}
	return (available_minor > 0 ? available_minor : 0) - left;
}

/* The pointer of request i's amount (arena), or NULL when out of memory. */
static const char *amount_pointer(struct arena *arena, const char *list_pointer, size_t i)
{
	return list_pointer ? arena_printf(arena, "%s/%zu/amount", list_pointer, i)
			    : arena_strdup(arena, "/amount");
}

static int refuse(struct erp_refusal *refusal, struct arena *arena, const char *list_pointer,
		  size_t i, const char *code, const char *detail)
{
	const char *pointer = amount_pointer(arena, list_pointer, i);

	if (!pointer || !detail)
		return ERP_ERR_NO_MEMORY;
	return erp_refuse_field_kept(refusal, arena, pointer, code, detail);
}

int sales_allocation_check(struct erp_refusal *refusal, struct arena *arena,
			   const char *list_pointer, int64_t available_minor, const int64_t *residuals,
			   size_t residual_count, const struct sales_allocation_request *requests,
			   size_t count, int64_t *amounts)
{
	/* What each invoice still owes as the requests are taken in order. */
	int64_t *owed = arena_calloc(arena, residual_count ? residual_count : 1, sizeof(*owed));
	int64_t left = available_minor;
	int rc = ERP_OK, each;

	if (!owed)
		return ERP_ERR_NO_MEMORY;
	for (size_t i = 0; i < residual_count; i++)
		owed[i] = residuals[i];
	for (size_t i = 0; i < count && rc != ERP_ERR_NO_MEMORY; i++) {
		const struct sales_allocation_request *r = &requests[i];
		int64_t amount = r->amount_minor;

		amounts[i] = 0;
		if (r->invoice >= residual_count)
			return ERP_ERR_INTERNAL; /* the caller names invoices it looked up */
		if (amount == SALES_ALLOCATE_ALL)
			amount = owed[r->invoice] < left ? owed[r->invoice] : left;
		each = ERP_OK;
		if (amount <= 0 && r->amount_minor == SALES_ALLOCATE_ALL)
			each = refuse(refusal, arena, list_pointer, i, "nothing",
				      owed[r->invoice] <= 0
				      ? "the invoice owes nothing more: there is nothing to allocate to it"
				      : "the payment has nothing left to allocate");
		else if (amount <= 0)
			each = refuse(refusal, arena, list_pointer, i, "format",
				      "an allocation's amount is more than 0");
		else if (amount > owed[r->invoice])
			each = refuse(refusal, arena, list_pointer, i, "residual",
				      arena_printf(arena, "more than the invoice still owes (%lld in"
						   " minor units, after the allocations before this"
						   " one)", (long long)owed[r->invoice]));
		else if (amount > left)
			each = refuse(refusal, arena, list_pointer, i, "unallocated",
				      arena_printf(arena, "more than the payment has left to allocate"
						   " (%lld in minor units)", (long long)left));
		if (each) {
			rc = rc == ERP_ERR_NO_MEMORY ? rc : each;
			continue;
		}
		amounts[i] = amount;
		owed[r->invoice] -= amount;
		left -= amount;
	}
	return rc;
}

int sales_payment_number(int fiscal_year, int sequence, char *out, size_t size)
{
	int length;

	if (fiscal_year < 1900 || fiscal_year > 9999 || sequence < 1)
		return -1;
	length = snprintf(out, size, "PAY-%04d-%06d", fiscal_year, sequence);
	return length < 0 || (size_t)length >= size ? -1 : length;
}

/*
 * The first day past due of each bucket after the current one, in bucket
 * order: the rule below, and the aging's SQL through
 * SALES_AGING_FIRST_DAYS (width_bucket() groups by the same days).
 */
static const int64_t bucket_first_day[SALES_AGING_BUCKETS - 1] = { 1, 31, 61, 91 };

enum sales_aging_bucket sales_aging_bucket_of(int64_t days_past_due)
{
	int bucket = SALES_AGING_CURRENT;

	while (bucket < SALES_AGING_BUCKETS - 1 && days_past_due >= bucket_first_day[bucket])
		bucket++;
	return (enum sales_aging_bucket)bucket;
}

int sales_aging_first_days_text(char *out, size_t size)
{
	size_t used = 0;

	for (int b = 0; b < SALES_AGING_BUCKETS - 1; b++) {
		int length = snprintf(out + used, size - used, "%s%lld", b ? "," : "{",
				      (long long)bucket_first_day[b]);

		if (length < 0 || (size_t)length >= size - used)
			return -1;
		used += (size_t)length;
	}
	if (used + 1 >= size)
		return -1;
	out[used++] = '}';
	out[used] = '\0';
	return (int)used;
}
