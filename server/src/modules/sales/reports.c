/*
 * The receivables reports: the aging of a company's customers on a day,
 * and one customer's statement over a range. Read-only; what each open
 * item owed on a day comes from the store (store_reports.c), the buckets
 * from the rule in allocate.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "modules/partners/partners.h"
#include "modules/sales/internal.h"
#include "platform/http/schema.h"
#include "shared-kernel/money.h"

static const char *const bucket_names[SALES_AGING_BUCKETS] = {
	"current", "days_1_30", "days_31_60", "days_61_90", "over_90",
};

static int64_t number_of(const PGresult *res, int row, const char *name)
{
	return strtoll(db_value(res, row, name), NULL, 10);
}

/* Today, UTC, as YYYY-MM-DD into out (11 bytes). */
static void today(char out[11])
{
	time_t now = time(NULL);
	struct tm day;

	gmtime_r(&now, &day);
	strftime(out, 11, "%Y-%m-%d", &day);
}

/* The buckets and their total as JSON money of exponent; NULL when out of memory. */
static json_t *buckets_json(struct arena *arena, const int64_t *buckets, int exponent)
{
	json_t *out = json_object();
	int64_t total = 0;

	for (int b = 0; out && b < SALES_AGING_BUCKETS; b++) {
		const char *text = sales_money_text(arena, buckets[b], exponent);

		total += buckets[b];
		if (!text || json_object_set_new(out, bucket_names[b], json_string(text))) {
			json_decref(out);
			return NULL;
		}
	}
	if (out && json_object_set_new(out, "total", json_string(sales_money_text(arena, total,
										   exponent)))) {
		json_decref(out);
		return NULL;
	}
	return out;
}

int sales_receivables_aging(struct erp_ctx *ctx, const char *as_of, json_t **report)
{
	const struct erp_currency *currency;
	char day[11], first_days[32];
	int64_t totals[SALES_AGING_BUCKETS] = { 0 }, current[SALES_AGING_BUCKETS] = { 0 };
	json_t *customers, *doc, *row_json;
	PGresult *rows;
	int rc;

	if (!ctx->company)
		return ERP_ERR_NOT_FOUND;
	if (as_of && !schema_is_date(as_of))
		return erp_refuse_field_code(&ctx->refusal, "/as_of", "format", "a date is YYYY-MM-DD");
	currency = erp_currency_find(ctx->company->currency);
	if (!currency)
		return ERP_ERR_INTERNAL;
	if (!as_of)
		today(day);
	else
		snprintf(day, sizeof(day), "%s", as_of);
	if (sales_aging_first_days_text(first_days, sizeof(first_days)) < 0)
		return ERP_ERR_INTERNAL;
	rc = db_query(ctx->db, ctx->arena, &sales_sql_aging, 3,
		      (const char *[]){ ctx->company->id, day, first_days }, &rows);
	if (rc)
		return rc;
	customers = json_array();
	doc = json_object();
	if (!customers || !doc || arena_cleanup_add(ctx->arena, (arena_cleanup_fn)json_decref, doc)) {
		json_decref(customers);
		json_decref(doc);
		return ERP_ERR_NO_MEMORY;
	}
	json_object_set_new(doc, "as_of", json_string(day));
	json_object_set_new(doc, "currency", json_string(currency->code));
	json_object_set_new(doc, "customers", customers);
	/* Rows come by customer: each customer's buckets are closed when the next begins. */
	for (int row = 0; row <= PQntuples(rows); row++) {
		const char *partner = row < PQntuples(rows) ? db_value(rows, row, "partner") : NULL;
		const char *previous = row ? db_value(rows, row - 1, "partner") : NULL;

		if (previous && (!partner || strcmp(partner, previous) != 0)) {
			row_json = buckets_json(ctx->arena, current, currency->exponent);
			if (!row_json || json_object_set_new(row_json, "partner", json_string(previous)) ||
			    json_array_append_new(customers, row_json))
				return ERP_ERR_NO_MEMORY;
			memset(current, 0, sizeof(current));
		}
		if (partner) {
			enum sales_aging_bucket b = sales_aging_bucket_of(number_of(rows, row, "days"));

			current[b] += number_of(rows, row, "residual_minor");
			totals[b] += number_of(rows, row, "residual_minor");
		}
	}
	row_json = buckets_json(ctx->arena, totals, currency->exponent);
	if (!row_json || json_object_set_new(doc, "totals", row_json))
		return ERP_ERR_NO_MEMORY;
	*report = doc;
	return ERP_OK;
}

int sales_customer_statement(struct erp_ctx *ctx, const char *code, const char *from,
			     const char *to, json_t **statement)
{
	struct partners_partner partner;
	const struct erp_currency *currency;
	char first[11] = "0001-01-01", last[11];
	json_t *doc, *lines;
	PGresult *rows;
	int64_t opening, closing;
	int rc;

	if (!ctx->company || !code)
		return ERP_ERR_NOT_FOUND;
	if (from)
		snprintf(first, sizeof(first), "%s", from);
	if (to)
		snprintf(last, sizeof(last), "%s", to);
	else
		today(last);
	if (strcmp(first, last) > 0)
		return erp_refuse_field_code(&ctx->refusal, "/from", "range",
					     "from is after to: the range is empty");
	currency = erp_currency_find(ctx->company->currency);
	if (!currency)
		return ERP_ERR_INTERNAL;
	rc = partners_find(ctx->db, ctx->arena, ctx->company->id, code, false, &partner);
	if (rc)
		return rc;
	rc = db_query(ctx->db, ctx->arena, &sales_sql_statement, 4,
		      (const char *[]){ ctx->company->id, partner.id, first, last }, &rows);
	if (!rc && PQntuples(rows) == 0)
		rc = db_query(ctx->db, ctx->arena, &sales_sql_statement_opening, 3,
			      (const char *[]){ ctx->company->id, partner.id, first }, &rows);
	if (rc)
		return rc;
	opening = closing = number_of(rows, 0, "opening_minor");
	lines = json_array();
	doc = json_object();
	if (!lines || !doc || arena_cleanup_add(ctx->arena, (arena_cleanup_fn)json_decref, doc)) {
		json_decref(lines);
		json_decref(doc);
		return ERP_ERR_NO_MEMORY;
	}
	json_object_set_new(doc, "partner", json_string(partner.code));
	json_object_set_new(doc, "from", from ? json_string(first) : json_null());
	json_object_set_new(doc, "to", json_string(last));
	json_object_set_new(doc, "currency", json_string(currency->code));
	json_object_set_new(doc, "opening_balance",
			    json_string(sales_money_text(ctx->arena, opening, currency->exponent)));
	json_object_set_new(doc, "lines", lines);
	for (int row = 0; row < PQntuples(rows) && db_value(rows, row, "kind"); row++) {
		int64_t movement = number_of(rows, row, "movement_minor");
		const char *allocated = db_value(rows, row, "allocated_minor");
		json_t *line;

		closing = number_of(rows, row, "balance_minor");
		line = json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:s}",
				 "date", db_value(rows, row, "day"), "kind", db_value(rows, row, "kind"),
				 "number", db_value(rows, row, "number"),
				 "document", db_value(rows, row, "document"),
				 "debit", movement > 0 ? json_string(sales_money_text(ctx->arena, movement,
									currency->exponent)) : json_null(),
				 "credit", movement < 0 ? json_string(sales_money_text(ctx->arena, -movement,
									 currency->exponent)) : json_null(),
				 "allocated", allocated ? json_string(sales_money_text(ctx->arena,
						strtoll(allocated, NULL, 10), currency->exponent)) : json_null(),
				 "against", db_value(rows, row, "against")
					? json_string(db_value(rows, row, "against")) : json_null(),
				 "balance", sales_money_text(ctx->arena, closing, currency->exponent));
		if (!line || json_array_append_new(lines, line))
			return ERP_ERR_NO_MEMORY;
	}
	json_object_set_new(doc, "closing_balance",
			    json_string(sales_money_text(ctx->arena, closing, currency->exponent)));
	*statement = doc;
	return ERP_OK;
}
