/*
 * Reports over HTTP: the trial balance (reports.c), the profit and loss and
 * the balance sheet (financial_statements.c), and an account's ledger, a
 * list of its posted lines.
 */
#include <stdio.h>

#include "common/alloc.h"
#include "modules/ledger/internal.h"
#include "platform/http/csv.h"
#include "shared-kernel/errors.h"

/*
 * A report as CSV: its rows are as many as the chart has accounts, never as
 * many as the lines, so the text is built whole (the lists stream theirs).
 */
static int respond_csv(struct erp_request *req, struct csv_buffer *buf, int rc)
{
	if (!rc && arena_cleanup_add(req->arena, erp_free, buf->data))
		rc = ERP_ERR_NO_MEMORY;
	if (rc) {
		csv_release(buf);
		return rc;
	}
	return http_respond_bytes(req, 200, "text/csv; charset=utf-8", buf->data ? buf->data : "",
				  buf->length);
}

/* A member of object as text ("" for null or absent; an integer as digits). */
static const char *member(struct erp_request *req, json_t *object, const char *name)
{
	json_t *value = json_object_get(object, name);

	if (json_is_integer(value))
		return arena_printf(req->arena, "%lld", (long long)json_integer_value(value));
	return json_is_string(value) ? json_string_value(value) : "";
}

static int trial_balance_csv(struct erp_request *req, json_t *report)
{
	static const char *const names[] = { "code", "name", "type", "currency", "opening", "debit",
					     "credit", "closing" };
	struct csv_buffer buf = { 0 };
	json_t *row;
	size_t i;
	int rc = csv_record(&buf, names, ERP_COUNT(names));

	json_array_foreach(json_object_get(report, "accounts"), i, row) {
		const char *fields[ERP_COUNT(names)];

		for (size_t f = 0; f < ERP_COUNT(names); f++)
			fields[f] = member(req, row, names[f]);
		if (!rc)
			rc = csv_record(&buf, fields, ERP_COUNT(names));
	}
	return respond_csv(req, &buf, rc ? ERP_ERR_NO_MEMORY : ERP_OK);
}

/* A statement's sections as CSV rows, then its summary rows (name, amount, compare amount). */
static int statement_csv(struct erp_request *req, json_t *report, const char *const summary[][3],
			 size_t summary_count)
{
	static const char *const names[] = { "section", "code", "name", "parent", "level", "currency",
					     "amount", "total", "compare_amount", "compare_total" };
	struct csv_buffer buf = { 0 };
	json_t *section, *row;
	size_t i, k;
	int rc = csv_record(&buf, names, ERP_COUNT(names));

	json_array_foreach(json_object_get(report, "sections"), i, section) {
		json_array_foreach(json_object_get(section, "accounts"), k, row) {
			const char *fields[ERP_COUNT(names)];

			fields[0] = member(req, section, "type");
			for (size_t f = 1; f < ERP_COUNT(names); f++)
				fields[f] = member(req, row, names[f]);
			if (!rc)
				rc = csv_record(&buf, fields, ERP_COUNT(names));
		}
	}
	for (size_t s = 0; s < summary_count; s++) {
		json_t *holder = summary[s][1][0] == '/' ? json_object_get(report, summary[s][1] + 1)
							   : report;
		const char *key = summary[s][1][0] == '/' ? "amount" : summary[s][1];
		const char *compare = summary[s][2];
		const char *fields[] = { "summary", NULL, summary[s][0], NULL, NULL,
					 member(req, report, "currency"), member(req, holder, key),
					 member(req, holder, key),
					 compare ? member(req, holder, compare) : "",
					 compare ? member(req, holder, compare) : "" };

		if (!rc)
			rc = csv_record(&buf, fields, ERP_COUNT(fields));
	}
	return respond_csv(req, &buf, rc ? ERP_ERR_NO_MEMORY : ERP_OK);
}

int ledger_trial_balance(struct erp_request *req)
{
	struct erp_ctx ctx;
	json_t *report;
	int rc;

	http_usecase_ctx(&ctx, req);
	rc = ledger_report_trial_balance(&ctx, json_string_value(json_object_get(req->query, "from")),
					 json_string_value(json_object_get(req->query, "as_of")), &report);
	if (rc)
		return http_respond_failure(req, &ctx, rc);
	return csv_wanted(req) ? trial_balance_csv(req, report)
			       : http_respond_json(req, 200, json_incref(report));
}

/* The query's text member name, or NULL. */
static const char *query_text(const struct erp_request *req, const char *name)
{
	return json_string_value(json_object_get(req->query, name));
}

int ledger_profit_and_loss(struct erp_request *req)
{
	struct erp_ctx ctx;
	json_t *report;
	int rc;
	static const char *const summary[][3] = { { "result", "result", "compare_result" } };

	http_usecase_ctx(&ctx, req);
	rc = ledger_report_profit_and_loss(&ctx, query_text(req, "from"), query_text(req, "to"),
					   query_text(req, "compare"), &report);
	if (rc)
		return http_respond_failure(req, &ctx, rc);
	return csv_wanted(req) ? statement_csv(req, report, summary, ERP_COUNT(summary))
			       : http_respond_json(req, 200, json_incref(report));
}

int ledger_balance_sheet(struct erp_request *req)
{
	struct erp_ctx ctx;
	json_t *report;
	int rc;
	static const char *const summary[][3] = {
		{ "result of the year", "/result_of_year", "compare_amount" },
		{ "earlier results", "/earlier_results", "compare_amount" },
		{ "total assets", "total_assets", "compare_total_assets" },
		{ "total liabilities and equity", "total_liabilities_and_equity",
		  "compare_total_liabilities_and_equity" },
	};

	http_usecase_ctx(&ctx, req);
	rc = ledger_report_balance_sheet(&ctx, query_text(req, "as_of"), query_text(req, "compare"),
					 &report);
	if (rc)
		return http_respond_failure(req, &ctx, rc);
	return csv_wanted(req) ? statement_csv(req, report, summary, ERP_COUNT(summary))
			       : http_respond_json(req, 200, json_incref(report));
}

int ledger_account_ledger(struct erp_request *req)
{
	const char *code = http_param(req, "code");
	const char *filters[] = { ledger_request_company_id(req), code,
				  json_string_value(json_object_get(req->query, "from")),
				  json_string_value(json_object_get(req->query, "to")) };
	struct erp_ctx ctx;
	int rc;

	http_usecase_ctx(&ctx, req);
	rc = ledger_report_account_check(&ctx, code);
	if (rc)
		return http_respond_failure(req, &ctx, rc);
	if (csv_wanted(req)) {
		static const char *const columns[] = { "date", "posting", "number", "line", "memo",
						       "debit", "credit", "description", "balance" };

		/* Every line of the range, streamed: paging does not apply to an export. */
		return csv_respond_stream(req, columns, columns, ERP_COUNT(columns),
					  &ledger_sql_account_ledger_export, 4, filters);
	}
	return paging_respond_list(req, &ledger_sql_account_ledger, 2, filters, ERP_COUNT(filters));
}

int ledger_integrity_report(struct erp_request *req)
{
	const char *company = ledger_request_company_id(req);
	struct erp_ctx ctx;
	json_t *report;
	int rc;

	http_usecase_ctx(&ctx, req);
	if (!company)
		return ERP_ERR_NOT_FOUND;
	rc = resource_query_json(ctx.db, ctx.arena, &ledger_sql_integrity_report, 1, &company, &report);
	return rc ? http_respond_failure(req, &ctx, rc) : http_respond_json(req, 200, json_incref(report));
}
