/*
 * Partners: create, read, change (against the version read), deactivate and
 * reactivate. Never deleted: documents name their partner for good, and
 * erp_app holds no DELETE on the table. Every change is audited (old -> new)
 * and told as a domain event, in the transaction of the change.
 */
#include <string.h>

#include "modules/partners/internal.h"
#include "platform/audit/audit.h"
#include "platform/events/events.h"
#include "shared-kernel/uuid.h"

enum { DEFAULT_TERMS_DAYS = 30 };

/* What the audit trail compares, old -> new. */
static const char *const audited_fields[] = {
	"code", "name", "roles", "tax_id", "email", "billing_address", "shipping_address",
	"payment_terms_days", "payment_terms_end_of_month", "credit_limit", "credit_limit_currency",
	"currency", "receivable_account", "payable_account", "active",
};

/* What a partner's events tell (docs/events.md). */
static const char *const event_fields[] = {
	"id", "code", "name", "roles", "tax_id", "email", "billing_address", "shipping_address",
	"payment_terms_days", "payment_terms_end_of_month", "credit_limit", "credit_limit_currency",
	"currency", "receivable_account", "payable_account", "active", "version",
};

struct partner_change {
	const struct partners_partner_input *in;
	struct partners_checked checked;
	char id[40];
	const char *code;
	bool activate;
	json_t *before;
	json_t *after;
};

/* The audit event and the domain event of a change (action names both), beside it. */
static int record_change(struct erp_ctx *ctx, struct partner_change *c, const char *action)
{
	int rc = audit_record_changes(ctx->db, &(struct audit_event){
		.actor_id = ctx->actor_id, .action = action, .company_id = ctx->company->id,
		.entity = "partner", .entity_id = c->id, .request_id = ctx->request_id },
		c->before, c->after, audited_fields, ERP_COUNT(audited_fields));

	if (rc)
		return rc;
	return event_record_change(ctx->db, &(struct domain_event){
		.type = action, .company_id = ctx->company->id, .entity = "partner",
		.entity_id = c->id, .actor_id = ctx->actor_id, .request_id = ctx->request_id },
		c->before, c->after, event_fields, ERP_COUNT(event_fields));
}

/* --- the accounts a write gives the partner ---------------------------------------------- */

static const char *side_pointer(enum partners_side side)
{
	return side == PARTNERS_RECEIVABLE ? "/receivable_account" : "/payable_account";
}

/*
 * The account id the partner keeps for side (*id, arena text or NULL):
 * the account given (checked), none when given null, else the one it has
 * (kept as it is, even if the ledger deactivated it since), else, for a
 * side its roles need, the company's default (checked). A side its roles
 * need must end with one.
 * asked: the account lookup's result (NULL when none was given); defaults:
 * the settings' defaults.
 */
static int plan_side(struct erp_ctx *ctx, enum partners_side side,
		     const struct partners_text_field *given, bool needed, const char *current,
		     const PGresult *asked, const PGresult *defaults, const char **id)
{
	const char *pointer = side_pointer(side);
	struct partners_account account;
	bool has_default;

	*id = NULL;
	if (given->given && given->value) {
		partners_account_from(asked, &account);
		if (partners_check_account(&ctx->refusal, pointer, side, &account))
			return ERP_ERR_INVALID;
		*id = arena_strdup(ctx->arena, account.id);
		return *id ? ERP_OK : ERP_ERR_NO_MEMORY;
	}
	if (!given->given && current) {
		*id = current;
		return ERP_OK;
	}
	if (!given->given && needed) { /* a side the partner does not play takes no default */
		struct erp_refusal scratch = { 0 };

		partners_default_from(defaults, side, &has_default, &account);
		if (has_default && partners_check_account(&scratch, pointer, side, &account))
			return erp_refuse_field_code(
				&ctx->refusal, pointer, scratch.fields[0].code,
				side == PARTNERS_RECEIVABLE
					? "the company's default receivable account is inactive or no asset:"
					  " give receivable_account"
					: "the company's default payable account is inactive or no liability:"
					  " give payable_account");
		if (has_default) {
			*id = arena_strdup(ctx->arena, account.id);
			return *id ? ERP_OK : ERP_ERR_NO_MEMORY;
		}
	}
	if (needed)
		return erp_refuse_field_code(
			&ctx->refusal, pointer, "required",
			side == PARTNERS_RECEIVABLE
				? "a customer needs a receivable account: give receivable_account, or set"
				  " the company's default (partner-settings)"
				: "a vendor needs a payable account: give payable_account, or set the"
				  " company's default (partner-settings)");
	return ERP_OK;
}

/* Both sides, so the caller hears of both at once. */
static int plan_accounts(struct erp_ctx *ctx, const struct partners_partner_input *in,
			 bool customer, bool vendor, const char *current[2], PGresult *asked[2],
			 PGresult *defaults, const char *ids[2])
{
	int receivable = plan_side(ctx, PARTNERS_RECEIVABLE, &in->receivable_account, customer,
				   current[0], asked[0], defaults, &ids[0]);
	int payable = plan_side(ctx, PARTNERS_PAYABLE, &in->payable_account, vendor, current[1],
				asked[1], defaults, &ids[1]);

	if (receivable == ERP_ERR_NO_MEMORY || payable == ERP_ERR_NO_MEMORY)
		return ERP_ERR_NO_MEMORY;
	return receivable ? receivable : payable;
}

/* Adds the lookups of the accounts given (asked[i] stays NULL for a side not given a code). */
static void ask_accounts(struct db_batch *batch, const char *company_id,
			 const struct partners_partner_input *in, PGresult *asked[2],
			 const char *params[2][2])
{
	const struct partners_text_field *given[2] = { &in->receivable_account, &in->payable_account };

	for (int i = 0; i < 2; i++) {
		if (!given[i]->given || !given[i]->value)
			continue;
		params[i][0] = company_id;
		params[i][1] = given[i]->value;
		db_batch_add(batch, &partners_sql_account, 2, params[i], &asked[i]);
	}
}

/* 409 when another partner of the company has the code or the tax id. */
static int refuse_taken(struct erp_ctx *ctx, const PGresult *taken)
{
	if (strcmp(db_value(taken, 0, "code_taken"), "t") == 0)
		return erp_refuse(&ctx->refusal, ERP_ERR_CONFLICT,
				  "a partner with this code already exists in the company");
	if (strcmp(db_value(taken, 0, "tax_id_taken"), "t") == 0)
		return erp_refuse(&ctx->refusal, ERP_ERR_CONFLICT,
				  "another partner of the company has this tax id: one record per"
				  " counterparty (give it the roles it plays)");
	return ERP_OK;
}

/* --- create ------------------------------------------------------------------------------- */

static int create_work(struct erp_ctx *ctx, void *state)
{
	struct partner_change *c = state;
	const struct partners_partner_input *in = c->in;
	const char *company_id = ctx->company->id;
	const char *tax_id = in->tax_id.given && in->tax_id.value ? c->checked.tax_id : NULL;
	const char *taken_params[] = { company_id, in->code, tax_id, NULL };
	const char *account_params[2][2], *defaults_params[] = { company_id };
	const char *none[2] = { NULL, NULL }, *ids[2], *params[18];
	bool credit = in->credit_limit.given && in->credit_limit.value;
	struct db_batch *batch = db_batch_new(ctx->arena);
	PGresult *taken = NULL, *asked[2] = { NULL, NULL }, *defaults = NULL;
	char days[12];
	int rc;

	db_batch_add(batch, &partners_sql_taken, 4, taken_params, &taken);
	ask_accounts(batch, company_id, in, asked, account_params);
	db_batch_add(batch, &partners_sql_defaults, 1, defaults_params, &defaults);
	rc = batch ? db_batch_run(ctx->db, batch) : ERP_ERR_NO_MEMORY;
	if (!rc)
		rc = plan_accounts(ctx, in, c->checked.customer, c->checked.vendor, none, asked, defaults,
				   ids);
	if (!rc)
		rc = refuse_taken(ctx, taken);
	if (rc)
		return rc;
	snprintf(days, sizeof(days), "%d", in->terms_days_given ? in->payment_terms_days
								 : DEFAULT_TERMS_DAYS);
	params[0] = c->id;
	params[1] = company_id;
	params[2] = in->code;
	params[3] = in->name;
	params[4] = c->checked.customer ? "true" : "false";
	params[5] = c->checked.vendor ? "true" : "false";
	params[6] = tax_id;
	params[7] = in->email.given ? in->email.value : NULL;
	rc = partners_json_text(ctx->arena, in->billing_address.value, &params[8]);
	if (!rc)
		rc = partners_json_text(ctx->arena, in->shipping_address.value, &params[9]);
	if (rc)
		return rc;
	params[10] = days;
	params[11] = in->end_of_month_given && in->payment_terms_end_of_month ? "true" : "false";
	params[12] = credit ? c->checked.credit_limit_minor : NULL;
	params[13] = credit ? ctx->company->currency : NULL;
	params[14] = credit ? c->checked.credit_limit_exponent : NULL;
	params[15] = in->currency ? in->currency : ctx->company->currency;
	params[16] = ids[0];
	params[17] = ids[1];
	rc = resource_query_json(ctx->db, ctx->arena, &partners_sql_insert, 18, params, &c->after);
	if (rc == ERP_ERR_CONFLICT) /* another request made it meanwhile */
		return erp_refuse(&ctx->refusal, rc,
				  "a partner with this code or tax id already exists in the company");
	return rc ? rc : record_change(ctx, c, "partners.partner.created");
}

int partners_create(struct erp_ctx *ctx, const struct partners_partner_input *in, json_t **partner)
{
	struct partner_change c = { .in = in };
	int rc;

	if (!ctx->company)
		return ERP_ERR_NOT_FOUND;
	rc = partners_check_input(&ctx->refusal, in, true, ctx->company->currency, &c.checked);
	if (rc)
		return rc;
	erp_uuid_v7_text(c.id);
	rc = db_usecase_transaction(ctx, create_work, &c);
	if (!rc)
		*partner = c.after;
	return rc;
}

/* --- read --------------------------------------------------------------------------------- */

int partners_read(struct erp_ctx *ctx, const char *code, json_t **partner)
{
	const char *params[2];

	if (!ctx->company || !code)
		return ERP_ERR_NOT_FOUND;
	params[0] = ctx->company->id;
	params[1] = code;
	return resource_query_json(ctx->db, ctx->arena, &partners_sql_get, 2, params, partner);
}

/* --- change ------------------------------------------------------------------------------- */

/* A text member of the partner as it was (NULL when null). */
static const char *was(json_t *before, const char *name)
{
	return json_string_value(json_object_get(before, name));
}

/* Whether the partner had role. */
static bool had_role(json_t *before, const char *role)
{
	json_t *roles = json_object_get(before, "roles"), *each;
	size_t i;

	json_array_foreach(roles, i, each)
		if (strcmp(json_string_value(each), role) == 0)
			return true;
	return false;
}

/* A nullable text field after the change: the new value when given, else the old one. */
static const char *text_after(const struct partners_text_field *field, const char *new_value,
			      json_t *before, const char *name)
{
	return field->given ? new_value : was(before, name);
}

static int update_work(struct erp_ctx *ctx, void *state)
{
	struct partner_change *c = state;
	const struct partners_partner_input *in = c->in;
	const char *company_id = ctx->company->id;
	bool tax_given = in->tax_id.given && in->tax_id.value;
	const char *lock_params[] = { company_id, in->code };
	const char *taken_params[] = { company_id, "", c->checked.tax_id, in->code };
	const char *account_params[2][2], *defaults_params[] = { company_id };
	const char *current[2], *ids[2], *params[16];
	bool customer, vendor, credit_given = in->credit_limit.given;
	struct db_batch *batch = db_batch_new(ctx->arena);
	PGresult *locked = NULL, *taken = NULL, *asked[2] = { NULL, NULL }, *defaults = NULL;
	json_t *billing, *shipping;
	char days[12];
	int rc;

	db_batch_add(batch, &partners_sql_lock, 2, lock_params, &locked);
	if (tax_given)
		db_batch_add(batch, &partners_sql_taken, 4, taken_params, &taken);
	ask_accounts(batch, company_id, in, asked, account_params);
	db_batch_add(batch, &partners_sql_defaults, 1, defaults_params, &defaults);
	rc = batch ? db_batch_run(ctx->db, batch) : ERP_ERR_NO_MEMORY;
	if (!rc)
		rc = db_value_json(ctx->arena, locked, 0, "j", &c->before);
	if (rc)
		return rc;
	snprintf(c->id, sizeof(c->id), "%s", db_value(locked, 0, "id"));
	if (json_integer_value(json_object_get(c->before, "version")) != in->expected_version)
		return erp_refuse(&ctx->refusal, ERP_ERR_STALE,
				  "the partner was changed since you read it; read it again");
	customer = in->roles ? c->checked.customer : had_role(c->before, "customer");
	vendor = in->roles ? c->checked.vendor : had_role(c->before, "vendor");
	current[0] = db_value(locked, 0, "receivable_account_id");
	current[1] = db_value(locked, 0, "payable_account_id");
	rc = plan_accounts(ctx, in, customer, vendor, current, asked, defaults, ids);
	if (!rc && taken)
		rc = refuse_taken(ctx, taken);
	if (rc)
		return rc;

	billing = in->billing_address.given ? in->billing_address.value
					    : json_object_get(c->before, "billing_address");
	shipping = in->shipping_address.given ? in->shipping_address.value
					      : json_object_get(c->before, "shipping_address");
	snprintf(days, sizeof(days), "%lld",
		 in->terms_days_given ? (long long)in->payment_terms_days
				      : json_integer_value(json_object_get(c->before, "payment_terms_days")));
	params[0] = c->id;
	params[1] = in->name ? in->name : was(c->before, "name");
	params[2] = customer ? "true" : "false";
	params[3] = vendor ? "true" : "false";
	params[4] = text_after(&in->tax_id, tax_given ? c->checked.tax_id : NULL, c->before, "tax_id");
	params[5] = text_after(&in->email, in->email.value, c->before, "email");
	rc = partners_json_text(ctx->arena, billing, &params[6]);
	if (!rc)
		rc = partners_json_text(ctx->arena, shipping, &params[7]);
	if (rc)
		return rc;
	params[8] = days;
	params[9] = (in->end_of_month_given
			     ? in->payment_terms_end_of_month
			     : json_is_true(json_object_get(c->before, "payment_terms_end_of_month")))
			    ? "true" : "false";
	if (credit_given) {
		bool set = in->credit_limit.value != NULL;

		params[10] = set ? c->checked.credit_limit_minor : NULL;
		params[11] = set ? ctx->company->currency : NULL;
		params[12] = set ? c->checked.credit_limit_exponent : NULL;
	} else {
		params[10] = db_value(locked, 0, "credit_limit_minor");
		params[11] = db_value(locked, 0, "credit_limit_currency");
		params[12] = db_value(locked, 0, "credit_limit_exponent");
	}
	params[13] = in->currency ? in->currency : was(c->before, "currency");
	params[14] = ids[0];
	params[15] = ids[1];
	rc = resource_query_json(ctx->db, ctx->arena, &partners_sql_update, 16, params, &c->after);
	if (rc == ERP_ERR_NOT_FOUND) { /* the values were the partner's: nothing to write or tell */
		c->after = c->before;
		return ERP_OK;
	}
	if (rc == ERP_ERR_CONFLICT) /* another partner took the tax id meanwhile */
		return erp_refuse(&ctx->refusal, rc,
				  "another partner of the company has this tax id: one record per"
				  " counterparty");
	return rc ? rc : record_change(ctx, c, "partners.partner.updated");
}

int partners_update(struct erp_ctx *ctx, const struct partners_partner_input *in, json_t **partner)
{
	struct partner_change c = { .in = in };
	int rc;

	if (!ctx->company || !in->code)
		return ERP_ERR_NOT_FOUND;
	rc = partners_check_input(&ctx->refusal, in, false, ctx->company->currency, &c.checked);
	if (rc)
		return rc;
	rc = db_usecase_transaction(ctx, update_work, &c);
	if (!rc)
		*partner = c.after;
	return rc;
}

/* --- deactivate / reactivate ----------------------------------------------------------------- */

static int activation_work(struct erp_ctx *ctx, void *state)
{
	struct partner_change *c = state;
	const char *lock_params[] = { ctx->company->id, c->code };
	const char *params[2];
	PGresult *locked;
	int rc = db_query(ctx->db, ctx->arena, &partners_sql_lock, 2, lock_params, &locked);

	if (!rc)
		rc = db_value_json(ctx->arena, locked, 0, "j", &c->before);
	if (rc)
		return rc;
	snprintf(c->id, sizeof(c->id), "%s", db_value(locked, 0, "id"));
	if (json_is_true(json_object_get(c->before, "active")) == c->activate)
		return erp_refuse(&ctx->refusal, ERP_ERR_CONFLICT,
				  c->activate ? "the partner is active already"
					      : "the partner is inactive already");
	params[0] = c->id;
	params[1] = c->activate ? "true" : "false";
	rc = resource_query_json(ctx->db, ctx->arena, &partners_sql_set_active, 2, params, &c->after);
	return rc ? rc
		  : record_change(ctx, c, c->activate ? "partners.partner.reactivated"
						       : "partners.partner.deactivated");
}

int partners_set_active(struct erp_ctx *ctx, const char *code, bool active, json_t **partner)
{
	struct partner_change c = { .code = code, .activate = active };
	int rc;

	if (!ctx->company || !code)
		return ERP_ERR_NOT_FOUND;
	rc = db_usecase_transaction(ctx, activation_work, &c);
	if (!rc)
		*partner = c.after;
	return rc;
}
