/*
 * Tax codes: create, read, change (against the version read; active false
 * retires one: it takes no new lines). Never deleted: invoices name them
 * for good. Every change is audited (old -> new) and told as a domain
 * event, in the transaction of the change.
 */
#include <stdio.h>
#include <stdlib.h>

#include "modules/sales/internal.h"
#include "shared-kernel/uuid.h"

static const char *const audited_fields[] = {
	"code", "name", "rate", "output_account", "input_account", "active",
};
static const char *const event_fields[] = {
	"id", "code", "name", "rate", "output_account", "input_account", "active", "version",
};

struct tax_code_change {
	const struct sales_tax_code_input *in;
	int64_t rate_e4;
	char id[40];
	json_t *before;             /* NULL: created */
	json_t *after;
};

static int record(struct erp_ctx *ctx, struct tax_code_change *c, const char *action)
{
	return sales_record_change(ctx, &(struct sales_change_record){
		.action = action, .entity = "tax_code", .entity_id = c->id,
		.audited = audited_fields, .audited_count = ERP_COUNT(audited_fields),
		.told = event_fields, .told_count = ERP_COUNT(event_fields) },
		c->before, c->after);
}

/*
 * Checks the accounts the input names against what the ledger's directory
 * answered (NULL for one not asked); *ids get the accounts' ids. Output tax
 * is owed (a liability), input tax recoverable (an asset), both in the
 * company's currency.
 */
static int check_accounts(struct erp_ctx *ctx, const struct sales_tax_code_input *in,
			  PGresult *output, PGresult *input, const char *ids[2])
{
	struct sales_account account;
	int checked[2] = { ERP_OK, ERP_OK };

	if (in->output_account) {
		sales_account_from(output, 0, &account);
		checked[0] = sales_check_account(&ctx->refusal, ctx->arena, "/output_account",
						 &account, "liability", ctx->company->currency);
		if (!checked[0] && !(ids[0] = arena_strdup(ctx->arena, account.id)))
			return ERP_ERR_NO_MEMORY;
	}
	if (in->input_account.given && in->input_account.value) {
		sales_account_from(input, 0, &account);
		checked[1] = sales_check_account(&ctx->refusal, ctx->arena, "/input_account",
						 &account, "asset", ctx->company->currency);
		if (!checked[1] && !(ids[1] = arena_strdup(ctx->arena, account.id)))
			return ERP_ERR_NO_MEMORY;
	}
	/* Both are checked, so the caller hears of both at once. */
	if (checked[0] == ERP_ERR_NO_MEMORY || checked[1] == ERP_ERR_NO_MEMORY)
		return ERP_ERR_NO_MEMORY;
	return checked[0] ? checked[0] : checked[1];
}

/* Adds the directory lookups of the accounts the input names. */
static void ask_accounts(struct db_batch *batch, const char *company_id,
			 const struct sales_tax_code_input *in, const char *params[2][2],
			 PGresult **output, PGresult **input)
{
	if (in->output_account) {
		params[0][0] = company_id;
		params[0][1] = in->output_account;
		db_batch_add(batch, &sales_sql_account, 2, params[0], output);
	}
	if (in->input_account.given && in->input_account.value) {
		params[1][0] = company_id;
		params[1][1] = in->input_account.value;
		db_batch_add(batch, &sales_sql_account, 2, params[1], input);
	}
}

/* --- create ------------------------------------------------------------------------------ */

static int create_work(struct erp_ctx *ctx, void *state)
{
	struct tax_code_change *c = state;
	const struct sales_tax_code_input *in = c->in;
	const char *account_params[2][2], *ids[2] = { NULL, NULL }, *params[7];
	struct db_batch *batch = db_batch_new(ctx->arena);
	PGresult *output = NULL, *input = NULL;
	char rate[24];
	int rc;

	ask_accounts(batch, ctx->company->id, in, account_params, &output, &input);
	rc = batch ? db_batch_run(ctx->db, batch) : ERP_ERR_NO_MEMORY;
	if (!rc)
		rc = check_accounts(ctx, in, output, input, ids);
	if (rc)
		return rc;
	snprintf(rate, sizeof(rate), "%lld", (long long)c->rate_e4);
	params[0] = c->id;
	params[1] = ctx->company->id;
	params[2] = in->code;
	params[3] = in->name;
	params[4] = rate;
	params[5] = ids[0];
	params[6] = ids[1];
	rc = resource_query_json(ctx->db, ctx->arena, &sales_sql_tax_code_insert, 7, params, &c->after);
	if (rc == ERP_ERR_CONFLICT) /* the unique (company, code), in any case */
		return erp_refuse(&ctx->refusal, rc,
				  "a tax code with this code already exists in the company");
	return rc ? rc : record(ctx, c, "sales.tax_code.created");
}

int sales_tax_code_create(struct erp_ctx *ctx, const struct sales_tax_code_input *in,
			  json_t **tax_code)
{
	struct tax_code_change c = { .in = in };
	int rc;

	if (!ctx->company)
		return ERP_ERR_NOT_FOUND;
	rc = sales_tax_code_check(&ctx->refusal, in, true, &c.rate_e4);
	if (rc)
		return rc;
	erp_uuid_v7_text(c.id);
	rc = db_usecase_transaction(ctx, create_work, &c);
	if (!rc)
		*tax_code = c.after;
	return rc;
}

/* --- read --------------------------------------------------------------------------------- */

int sales_tax_code_read(struct erp_ctx *ctx, const char *code, json_t **tax_code)
{
	const char *params[2];

	if (!ctx->company || !code)
		return ERP_ERR_NOT_FOUND;
	/* By the company as well as the code: another company's tax code does not exist here. */
	params[0] = ctx->company->id;
	params[1] = code;
	return resource_query_json(ctx->db, ctx->arena, &sales_sql_tax_code_get, 2, params, tax_code);
}

/* --- change ------------------------------------------------------------------------------- */

static int update_work(struct erp_ctx *ctx, void *state)
{
	struct tax_code_change *c = state;
	const struct sales_tax_code_input *in = c->in;
	const char *lock_params[] = { ctx->company->id, in->code };
	const char *account_params[2][2], *ids[2] = { NULL, NULL }, *params[6];
	struct db_batch *batch = db_batch_new(ctx->arena);
	PGresult *locked = NULL, *output = NULL, *input = NULL;
	bool active;
	char rate[24];
	int rc;

	db_batch_add(batch, &sales_sql_tax_code_lock, 2, lock_params, &locked);
	ask_accounts(batch, ctx->company->id, in, account_params, &output, &input);
	rc = batch ? db_batch_run(ctx->db, batch) : ERP_ERR_NO_MEMORY;
	if (!rc)
		rc = db_value_json(ctx->arena, locked, 0, "j", &c->before);
	if (rc)
		return rc;
	snprintf(c->id, sizeof(c->id), "%s", db_value(locked, 0, "id"));
	if (json_integer_value(json_object_get(c->before, "version")) != in->expected_version)
		return erp_refuse(&ctx->refusal, ERP_ERR_STALE,
				  "the tax code was changed since you read it; read it again");
	rc = check_accounts(ctx, in, output, input, ids);
	if (rc)
		return rc;
	active = in->active < 0 ? json_is_true(json_object_get(c->before, "active")) : in->active;
	if (in->rate)
		snprintf(rate, sizeof(rate), "%lld", (long long)c->rate_e4);
	else
		snprintf(rate, sizeof(rate), "%s", db_value(locked, 0, "rate_e4"));
	params[0] = c->id;
	params[1] = in->name ? in->name : json_string_value(json_object_get(c->before, "name"));
	params[2] = rate;
	params[3] = in->output_account ? ids[0] : db_value(locked, 0, "output_account_id");
	params[4] = in->input_account.given ? ids[1] : db_value(locked, 0, "input_account_id");
	params[5] = active ? "true" : "false";
	rc = resource_query_json(ctx->db, ctx->arena, &sales_sql_tax_code_update, 6, params, &c->after);
	if (rc == ERP_ERR_NOT_FOUND) { /* the values were the tax code's: nothing to write or tell */
		c->after = c->before;
		return ERP_OK;
	}
	return rc ? rc : record(ctx, c, "sales.tax_code.updated");
}

int sales_tax_code_update(struct erp_ctx *ctx, const struct sales_tax_code_input *in,
			  json_t **tax_code)
{
	struct tax_code_change c = { .in = in };
	int rc;

	if (!ctx->company || !in->code)
		return ERP_ERR_NOT_FOUND;
	rc = sales_tax_code_check(&ctx->refusal, in, false, &c.rate_e4);
	if (rc)
		return rc;
	rc = db_usecase_transaction(ctx, update_work, &c);
	if (!rc)
		*tax_code = c.after;
	return rc;
}
