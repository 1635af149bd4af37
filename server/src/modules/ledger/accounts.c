/*
 * The chart of accounts: create, read, change (against the version read),
 * deactivate and reactivate. An account's type and currency are fixed once
 * it has journal lines; its parent is one of the company's accounts and
 * never itself or a descendant. Each change is audited and announced
 * (ledger.account.*).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modules/ledger/internal.h"
#include "platform/audit/audit.h"
#include "platform/events/events.h"
#include "shared-kernel/errors.h"
#include "shared-kernel/money.h"
#include "shared-kernel/uuid.h"

struct account_change {
	char id[40];
	json_t *before;
	json_t *after;
};

/* A refusal about a field of the input (its JSON pointer), in a sentence made in the arena. */
static int refuse_field(struct erp_ctx *ctx, const char *pointer, const char *detail)
{
	return detail ? erp_refuse_field_code(&ctx->refusal, pointer, "format", detail)
		      : ERP_ERR_NO_MEMORY;
}

int ledger_account_check_new(struct erp_refusal *refusal, const struct ledger_account_new *in)
{
	if (in->code && ledger_is_account_code(in->code))
		return ERP_OK;
	return erp_refuse_field_code(refusal, "/code", "format",
				     "1 to 20 letters, digits, '.', '_' or '-', starting with a letter or digit");
}

/* The audit event and the domain event of a change (action names both). */
static int audit_account(struct erp_ctx *ctx, struct account_change *c, const char *action)
{
	static const char *const fields[] = { "code", "name", "type", "currency", "parent", "active" };
	static const char *const event_fields[] = { "id", "code", "name", "type", "currency",
						    "parent", "active", "version" };
	int rc = audit_record_changes(ctx->db, &(struct audit_event){
		.actor_id = ctx->actor_id, .action = action, .company_id = ctx->company->id,
		.entity = "account", .entity_id = c->id, .request_id = ctx->request_id },
		c->before, c->after, fields, ERP_COUNT(fields));

	return rc ? rc : event_record_change(ctx->db, &(struct domain_event){
		.type = action, .company_id = ctx->company->id, .entity = "account", .entity_id = c->id,
		.actor_id = ctx->actor_id, .request_id = ctx->request_id },
		c->before, c->after, event_fields, ERP_COUNT(event_fields));
}

/*
 * The id of the parent a code names (NULL code: no parent, *parent NULL);
 * refuses a code the company has no account of, and a parent that is the
 * account itself or one of its descendants.
 */
static int resolve_parent(struct erp_ctx *ctx, const char *account_id, const char *parent_code,
			  const char **parent)
{
	const char *params[] = { ctx->company->id, parent_code };
	PGresult *res;
	int rc;

	*parent = NULL;
	if (!parent_code)
		return ERP_OK;
	rc = db_query(ctx->db, ctx->arena, &ledger_sql_account_parent, 2, params, &res);
	if (rc)
		return rc;
	if (PQntuples(res) == 0)
		return refuse_field(ctx, "/parent",
				    arena_printf(ctx->arena, "this company has no account %s", parent_code));
	*parent = db_value(res, 0, "id"); /* lives as long as the arena */
	params[0] = *parent;
	params[1] = account_id;
	rc = db_query(ctx->db, ctx->arena, &ledger_sql_account_parent_cycle, 2, params, &res);
	if (rc)
		return rc;
	if (strcmp(db_value(res, 0, "cycle"), "t") == 0)
		return refuse_field(ctx, "/parent", "an account cannot be its own ancestor");
	return ERP_OK;
}

/* The exponent of a currency code (as SQL text), or refuses it as unknown. */
static int currency_exponent(struct erp_ctx *ctx, const char *code, char out[4])
{
	const struct erp_currency *currency = erp_currency_find(code);

	if (!currency)
		return refuse_field(ctx, "/currency", "not an ISO 4217 currency code (upper-case, e.g. EUR)");
	snprintf(out, 4, "%d", currency->exponent);
	return ERP_OK;
}

int ledger_account_read(struct erp_ctx *ctx, const char *code, json_t **account)
{
	const char *params[2];

	if (!ctx->company)
		return ERP_ERR_NOT_FOUND;
	params[0] = ctx->company->id;
	params[1] = code;
	return resource_query_json(ctx->db, ctx->arena, &ledger_sql_account_get, 2, params, account);
}

/* --- create ------------------------------------------------------------------------------ */

struct account_creation {
	const struct ledger_account_new *in;
	struct account_change change;
};

static int create_work(struct erp_ctx *ctx, void *state)
{
	struct account_creation *a = state;
	struct account_change *c = &a->change;
	const char *currency = a->in->currency ? a->in->currency : ctx->company->currency;
	const char *params[8], *parent;
	char exponent[4];
	int rc = currency_exponent(ctx, currency, exponent);

	if (!rc)
		rc = resolve_parent(ctx, c->id, a->in->parent, &parent);
	if (rc)
		return rc;
	params[0] = c->id;
	params[1] = ctx->company->id;
	params[2] = a->in->code;
	params[3] = a->in->name;
	params[4] = a->in->type;
	params[5] = parent;
	params[6] = currency;
	params[7] = exponent;
	rc = db_query(ctx->db, NULL, &ledger_sql_account_insert, 8, params, NULL);
	if (rc == ERP_ERR_CONFLICT)
		return erp_refuse(&ctx->refusal, rc,
				  "an account with this code already exists in the company");
	if (!rc)
		rc = ledger_account_read(ctx, a->in->code, &c->after);
	return rc ? rc : audit_account(ctx, c, "ledger.account.created");
}

int ledger_account_create(struct erp_ctx *ctx, const struct ledger_account_new *in,
			  json_t **account)
{
	struct account_creation a = { .in = in };
	int rc = ledger_account_check_new(&ctx->refusal, in);

	if (rc)
		return rc;
	if (!ctx->company)
		return ERP_ERR_NOT_FOUND;
	erp_uuid_v7_text(a.change.id);
	rc = db_usecase_transaction(ctx, create_work, &a);
	if (!rc)
		*account = a.change.after;
	return rc;
}

/* --- change, deactivate, reactivate ---------------------------------------------------------- */

struct account_update {
	const struct ledger_account_change *in;
	struct account_change change;
};

/* Whether the input gives a field a value other than the account's (restating it is no change). */
static bool changes(const char *given, json_t *account, const char *name)
{
	return given && strcmp(given, json_string_value(json_object_get(account, name))) != 0;
}

/* The input's value of a field, or the account's. */
static const char *given_or(const char *given, json_t *account, const char *name)
{
	return given ? given : json_string_value(json_object_get(account, name));
}

/* Refuses a new type or currency of an account with journal lines. */
static int check_fixed(struct erp_ctx *ctx, struct account_update *u)
{
	const char *id = u->change.id;
	json_t *b = u->change.before;
	PGresult *res;
	int rc;

	if (!changes(u->in->type, b, "type") && !changes(u->in->currency, b, "currency"))
		return ERP_OK;
	rc = db_query(ctx->db, ctx->arena, &ledger_sql_account_has_lines, 1, &id, &res);
	if (rc)
		return rc;
	if (strcmp(db_value(res, 0, "has_lines"), "t") == 0)
		return erp_refuse(&ctx->refusal, ERP_ERR_CONFLICT,
				  "the account has journal lines: its type and currency are fixed");
	return ERP_OK;
}

static const char *activation_action(enum ledger_activation activation)
{
	switch (activation) {
	case LEDGER_DEACTIVATE:
		return "ledger.account.deactivated";
	case LEDGER_REACTIVATE:
		return "ledger.account.reactivated";
	case LEDGER_ACTIVITY_KEPT:
		break;
	}
	return "ledger.account.updated";
}

static int update_work(struct erp_ctx *ctx, void *state)
{
	struct account_update *u = state;
	struct account_change *c = &u->change;
	const struct ledger_account_change *in = u->in;
	const char *key[] = { ctx->company->id, in->code }, *params[7], *parent = NULL;
	bool active;
	char exponent[4];
	json_t *b;
	int rc = resource_query_json(ctx->db, ctx->arena, &ledger_sql_account_lock, 2, key, &c->before);

	if (rc)
		return rc;
	b = c->before;
	snprintf(c->id, sizeof(c->id), "%s", json_string_value(json_object_get(b, "id")));
	if (in->expected_version && json_integer_value(json_object_get(b, "version")) != in->expected_version)
		return erp_refuse(&ctx->refusal, ERP_ERR_STALE,
				  "the account was changed since you read it; read it again");
	rc = check_fixed(ctx, u);
	if (!rc)
		rc = currency_exponent(ctx, given_or(in->currency, b, "currency"), exponent);
	if (!rc)
		rc = resolve_parent(ctx, c->id, in->parent_given ? in->parent : given_or(NULL, b, "parent"),
				    &parent);
	if (rc)
		return rc;
	active = in->activation == LEDGER_ACTIVITY_KEPT ? json_is_true(json_object_get(b, "active"))
							: in->activation == LEDGER_REACTIVATE;
	params[0] = c->id;
	params[1] = given_or(in->name, b, "name");
	params[2] = given_or(in->type, b, "type");
	params[3] = given_or(in->currency, b, "currency");
	params[4] = exponent;
	params[5] = parent;
	params[6] = active ? "true" : "false";
	rc = db_query(ctx->db, NULL, &ledger_sql_account_update, 7, params, NULL);
	if (!rc)
		rc = ledger_account_read(ctx, in->code, &c->after);
	return rc ? rc : audit_account(ctx, c, activation_action(in->activation));
}

int ledger_account_update(struct erp_ctx *ctx, const struct ledger_account_change *in,
			  json_t **account)
{
	struct account_update u = { .in = in };
	int rc;

	if (!ctx->company)
		return ERP_ERR_NOT_FOUND;
	rc = db_usecase_transaction(ctx, update_work, &u);
	if (!rc)
		*account = u.change.after;
	return rc;
}
