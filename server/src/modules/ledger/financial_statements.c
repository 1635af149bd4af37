/*
 * The profit and loss and the balance sheet: accounts by type (a section
 * each) and by the account hierarchy (parents carry their children's
 * subtotals, statements.c), with an optional comparison column, read from
 * the balances (store_reports.c). Amounts are shown with their section's
 * sign: revenue, liabilities and equity as credits less debits; expense and
 * assets as debits less credits. Section totals and results count the
 * accounts in the company's currency (an account in another currency is
 * listed with its own amounts).
 */
#include <stdlib.h>
#include <string.h>

#include "modules/ledger/internal.h"
#include "shared-kernel/errors.h"
#include "shared-kernel/money.h"

/* The company's accounts with their two columns, as the statement reads them. */
struct statement_rows {
	struct ledger_statement_account *accounts;
	size_t count;
	const struct erp_currency *currency;
	bool compare;
};

/* A minor amount as JSON decimal text in exponent, or JSON null when absent (compare off). */
static json_t *amount_json(int64_t minor, int exponent, bool present)
{
	char text[ERP_MONEY_TEXT_MAX + 1];

	if (!present)
		return json_null();
	if (erp_money_format(minor, exponent, text, sizeof(text)) < 0)
		return NULL;
	return json_string(text);
}

/* A json_t kept by the arena until the request ends; NULL (out of memory) when value is. */
static json_t *kept(struct erp_ctx *ctx, json_t *value)
{
	if (!value || arena_cleanup_add(ctx->arena, (arena_cleanup_fn)json_decref, value)) {
		json_decref(value);
		return NULL;
	}
	return value;
}

static int load(struct erp_ctx *ctx, const char *const params[6], struct statement_rows *rows)
{
	PGresult *res;
	int rc = db_query(ctx->db, ctx->arena, &ledger_sql_statement_accounts, 6, params, &res);

	if (rc)
		return rc;
	rows->count = (size_t)PQntuples(res);
	rows->accounts = arena_calloc(ctx->arena, rows->count + 1, sizeof(*rows->accounts));
	if (!rows->accounts)
		return ERP_ERR_NO_MEMORY;
	for (size_t i = 0; i < rows->count; i++) {
		struct ledger_statement_account *a = &rows->accounts[i];
		int row = (int)i;
		bool credit;

		a->code = db_value(res, row, "code");
		a->name = db_value(res, row, "name");
		a->type = db_value(res, row, "type");
		a->parent = db_value(res, row, "parent");
		a->currency = db_value(res, row, "currency");
		a->exponent = (int)strtol(db_value(res, row, "exponent"), NULL, 10);
		a->posted = strcmp(db_value(res, row, "posted"), "t") == 0;
		a->amount[0] = strtoll(db_value(res, row, "current_minor"), NULL, 10);
		a->amount[1] = strtoll(db_value(res, row, "compare_minor"), NULL, 10);
		credit = ledger_type_credit_normal(a->type);
		/* Never INT64_MIN: a sum of bigint lines the balances hold fits, and is negated safely. */
		if (credit && (!erp_money_neg(a->amount[0], &a->amount[0]) ||
			       !erp_money_neg(a->amount[1], &a->amount[1])))
			return ERP_ERR_OVERFLOW;
	}
	return ERP_OK;
}

/*
 * The section of accounts of type: {type, total, compare_total, accounts}
 * into *section, and its totals (accounts in the company's currency) into
 * totals[2].
 */
static int section(struct erp_ctx *ctx, const struct statement_rows *rows, const char *type,
		   json_t **out, int64_t totals[2])
{
	struct ledger_statement_account *mine;
	size_t count = 0, shown = 0, *order;
	json_t *list, *doc;
	int exponent = rows->currency->exponent;

	mine = arena_calloc(ctx->arena, rows->count + 1, sizeof(*mine));
	order = arena_calloc(ctx->arena, rows->count + 1, sizeof(*order));
	if (!mine || !order)
		return ERP_ERR_NO_MEMORY;
	for (size_t i = 0; i < rows->count; i++)
		if (strcmp(rows->accounts[i].type, type) == 0)
			mine[count++] = rows->accounts[i];
	if (ledger_statement_tree(mine, count, order, &shown))
		return ERP_ERR_OVERFLOW;
	totals[0] = totals[1] = 0;
	for (size_t i = 0; i < count; i++)
		if (mine[i].parent_index < 0 && strcmp(mine[i].currency, rows->currency->code) == 0 &&
		    (!erp_money_add(totals[0], mine[i].total[0], &totals[0]) ||
		     !erp_money_add(totals[1], mine[i].total[1], &totals[1])))
			return ERP_ERR_OVERFLOW;
	list = kept(ctx, json_array());
	if (!list)
		return ERP_ERR_NO_MEMORY;
	for (size_t k = 0; k < shown; k++) {
		const struct ledger_statement_account *a = &mine[order[k]];
		json_t *item = json_pack("{s:s, s:s, s:s?, s:i, s:s, s:o?, s:o?, s:o?, s:o?}",
			"code", a->code, "name", a->name, "parent",
			a->parent_index >= 0 ? mine[a->parent_index].code : NULL, "level", a->level,
			"currency", a->currency,
			"amount", amount_json(a->amount[0], a->exponent, true),
			"total", amount_json(a->total[0], a->exponent, true),
			"compare_amount", amount_json(a->amount[1], a->exponent, rows->compare),
			"compare_total", amount_json(a->total[1], a->exponent, rows->compare));

		if (!item || json_array_append_new(list, item))
			return ERP_ERR_NO_MEMORY;
	}
	doc = json_pack("{s:s, s:o?, s:o?, s:O}", "type", type,
			"total", amount_json(totals[0], exponent, true),
			"compare_total", amount_json(totals[1], exponent, rows->compare), "accounts", list);
	*out = doc;
	return doc ? ERP_OK : ERP_ERR_NO_MEMORY;
}

/* The sections of types into a JSON array (arena), their totals into totals[i][2]. */
static int sections(struct erp_ctx *ctx, const struct statement_rows *rows,
		    const char *const types[], size_t count, json_t **out, int64_t totals[][2])
{
	json_t *list = kept(ctx, json_array());

	if (!list)
		return ERP_ERR_NO_MEMORY;
	for (size_t i = 0; i < count; i++) {
		json_t *one = NULL;
		int rc = section(ctx, rows, types[i], &one, totals[i]);

		if (rc)
			return rc;
		if (json_array_append_new(list, one))
			return ERP_ERR_NO_MEMORY;
	}
	*out = list;
	return ERP_OK;
}

/* Refuses /compare and the dates a statement cannot take; 0 or ERP_ERR_INVALID. */
static int read_compare(struct erp_ctx *ctx, const char *word, enum ledger_compare *kind)
{
	if (!ledger_compare_parse(word, kind))
		return erp_refuse_field_code(&ctx->refusal, "/compare", "enum",
					     "compare is previous-period or previous-year");
	return ERP_OK;
}

int ledger_report_profit_and_loss(struct erp_ctx *ctx, const char *from, const char *to,
				  const char *compare, json_t **report)
{
	static const char *const types[] = { "revenue", "expense" };
	enum ledger_compare kind;
	char compare_from[11] = "", compare_to[11] = "";
	struct statement_rows rows = { 0 };
	int64_t totals[2][2], result[2];
	json_t *list, *doc;
	int rc;

	if (!ctx->company)
		return ERP_ERR_NOT_FOUND;
	rc = read_compare(ctx, compare, &kind);
	if (rc)
		return rc;
	if (strcmp(from, to) > 0)
		return erp_refuse_field_code(&ctx->refusal, "/from", "range",
					     "from is after to: the range is empty");
	if (kind != LEDGER_COMPARE_NONE &&
	    ledger_compare_range(kind, from, to, compare_from, compare_to))
		return erp_refuse_field_code(&ctx->refusal, "/compare", "range",
					     "the comparison period would start before the year 1000");
	rows.compare = kind != LEDGER_COMPARE_NONE;
	rows.currency = erp_currency_find(ctx->company->currency);
	if (!rows.currency)
		return ERP_ERR_INTERNAL;
	rc = load(ctx, (const char *const[]){ ctx->company->id, from, to,
					      rows.compare ? compare_from : NULL,
					      rows.compare ? compare_to : NULL, "true" }, &rows);
	if (!rc)
		rc = sections(ctx, &rows, types, 2, &list, totals);
	if (rc)
		return rc;
	if (!erp_money_sub(totals[0][0], totals[1][0], &result[0]) ||
	    !erp_money_sub(totals[0][1], totals[1][1], &result[1]))
		return ERP_ERR_OVERFLOW;
	doc = json_pack("{s:s, s:s, s:s, s:o, s:O, s:o?, s:o?}", "from", from, "to", to, "currency",
			rows.currency->code,
			"compare", rows.compare ? json_pack("{s:s, s:s, s:s}", "kind", compare,
							    "from", compare_from, "to", compare_to)
					       : json_null(),
			"sections", list,
			"result", amount_json(result[0], rows.currency->exponent, true),
			"compare_result", amount_json(result[1], rows.currency->exponent, rows.compare));
	*report = kept(ctx, doc);
	return *report ? ERP_OK : ERP_ERR_NO_MEMORY;
}

/* The results of the balance sheet: [0] the year's, [1] earlier years' not closed; [i][1] compared. */
static int results(struct erp_ctx *ctx, const char *as_of, const char *compare_to,
		   int64_t out[2][2], const char **year_start, const char **compare_year_start)
{
	const char *params[] = { ctx->company->id, as_of, compare_to, ctx->company->currency };
	PGresult *res;
	int rc = db_query(ctx->db, ctx->arena, &ledger_sql_statement_results, 4, params, &res);
	const char *v;

	if (rc)
		return rc;
	if (PQntuples(res) != 1)
		return ERP_ERR_INTERNAL;
	*year_start = db_value(res, 0, "year_start");
	*compare_year_start = db_value(res, 0, "compare_year_start");
	out[0][0] = strtoll(db_value(res, 0, "year_minor"), NULL, 10);
	out[1][0] = strtoll(db_value(res, 0, "earlier_minor"), NULL, 10);
	v = db_value(res, 0, "compare_year_minor");
	out[0][1] = v ? strtoll(v, NULL, 10) : 0;
	v = db_value(res, 0, "compare_earlier_minor");
	out[1][1] = v ? strtoll(v, NULL, 10) : 0;
	return ERP_OK;
}

int ledger_report_balance_sheet(struct erp_ctx *ctx, const char *as_of, const char *compare,
				json_t **report)
{
	static const char *const types[] = { "asset", "liability", "equity" };
	enum ledger_compare kind;
	char today[11], unused[11], compare_to[11] = "";
	struct statement_rows rows = { 0 };
	int64_t totals[3][2], result[2][2], right[2];
	const char *year_start, *compare_year_start;
	json_t *list, *doc;
	int exponent, rc;

	if (!ctx->company)
		return ERP_ERR_NOT_FOUND;
	rc = read_compare(ctx, compare, &kind);
	if (rc)
		return rc;
	if (!as_of) {
		ledger_today(today);
		as_of = today;
	}
	if (kind != LEDGER_COMPARE_NONE && ledger_compare_range(kind, NULL, as_of, unused, compare_to))
		return erp_refuse_field_code(&ctx->refusal, "/compare", "range",
					     "the comparison date would be before the year 1000");
	rows.compare = kind != LEDGER_COMPARE_NONE;
	rows.currency = erp_currency_find(ctx->company->currency);
	if (!rows.currency)
		return ERP_ERR_INTERNAL;
	exponent = rows.currency->exponent;
	rc = load(ctx, (const char *const[]){ ctx->company->id, NULL, as_of, NULL,
					      rows.compare ? compare_to : NULL, "false" }, &rows);
	if (!rc)
		rc = sections(ctx, &rows, types, 3, &list, totals);
	if (!rc)
		rc = results(ctx, as_of, rows.compare ? compare_to : NULL, result, &year_start,
			     &compare_year_start);
	if (rc)
		return rc;
	/* Liabilities, equity and the results not yet closed into equity: what the assets equal. */
	for (int c = 0; c < 2; c++)
		if (!erp_money_add(totals[1][c], totals[2][c], &right[c]) ||
		    !erp_money_add(right[c], result[0][c], &right[c]) ||
		    !erp_money_add(right[c], result[1][c], &right[c]))
			return ERP_ERR_OVERFLOW;
	doc = json_pack("{s:s, s:s, s:o, s:O,"
			" s:{s:s, s:o?, s:o?, s:o?}, s:{s:o?, s:o?},"
			" s:o?, s:o?, s:o?, s:o?, s:b}",
			"as_of", as_of, "currency", rows.currency->code,
			"compare", rows.compare ? json_pack("{s:s, s:s}", "kind", compare, "as_of", compare_to)
					       : json_null(),
			"sections", list,
			"result_of_year", "from", year_start,
			"compare_from", rows.compare && compare_year_start ? json_string(compare_year_start)
									  : json_null(),
			"amount", amount_json(result[0][0], exponent, true),
			"compare_amount", amount_json(result[0][1], exponent, rows.compare),
			"earlier_results", "amount", amount_json(result[1][0], exponent, true),
			"compare_amount", amount_json(result[1][1], exponent, rows.compare),
			"total_assets", amount_json(totals[0][0], exponent, true),
			"total_liabilities_and_equity", amount_json(right[0], exponent, true),
			"compare_total_assets", amount_json(totals[0][1], exponent, rows.compare),
			"compare_total_liabilities_and_equity", amount_json(right[1], exponent, rows.compare),
			"balanced", totals[0][0] == right[0] && (!rows.compare || totals[0][1] == right[1]));
	*report = kept(ctx, doc);
	return *report ? ERP_OK : ERP_ERR_NO_MEMORY;
}
