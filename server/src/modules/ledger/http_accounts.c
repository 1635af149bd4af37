/* The chart of accounts: list, create, read, update (If-Match), deactivate, reactivate. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "modules/ledger/internal.h"
#include "platform/audit/audit.h"
#include "platform/events/events.h"
#include "shared-kernel/errors.h"
#include "shared-kernel/money.h"
#include "shared-kernel/uuid.h"

struct account_change {
	struct erp_request *req;
	const struct erp_company_scope *company;
	char id[40];
	const char *code;
	int expected_version;       /* 0: no If-Match (activation changes) */
	json_t *before;
	json_t *after;
	struct erp_refusal refusal;  /* why a rule said no (shared-kernel/usecase.h) */
};

/* A refusal about field (its JSON pointer), or about the account as a whole (field NULL: 409). */
static int refuse(struct account_change *c, const char *field, const char *problem)
{
	if (!problem)
		return ERP_ERR_NO_MEMORY;
	return field ? erp_refuse_field_code(&c->refusal, field, "format", problem)
		     : erp_refuse(&c->refusal, ERP_ERR_CONFLICT, problem);
}

static int respond_account(struct erp_request *req, int status, json_t *account)
{
	etag_set(req, account);
	return http_respond_json(req, status, json_incref(account));
}

static int respond_failure(struct erp_request *req, struct account_change *c, int rc)
{
	if (erp_refused(&c->refusal))
		return http_respond_refusal(req, &c->refusal);
	if (rc == ERP_ERR_CONFLICT)
		return http_respond_problem(req, &PROBLEM_CONFLICT,
					    "an account with this code already exists in the company");
	if (rc == ERP_ERR_STALE)
		return http_respond_problem(req, &PROBLEM_PRECONDITION,
					    "the account was changed since you read it; read it again");
	return rc;
}

/* The audit event and the domain event of a change (action names both). */
static int audit_account(struct db_conn *db, struct account_change *c, const char *action)
{
	static const char *const fields[] = { "code", "name", "type", "currency", "parent", "active" };
	static const char *const event_fields[] = { "id", "code", "name", "type", "currency",
						    "parent", "active", "version" };
	int rc = audit_record_changes(db, &(struct audit_event){
		.actor_id = c->req->user_id, .action = action, .company_id = c->company->id,
		.entity = "account", .entity_id = c->id, .request_id = c->req->request_id },
		c->before, c->after, fields, ERP_COUNT(fields));

	return rc ? rc : event_record_change(db, &(struct domain_event){
		.type = action, .company_id = c->company->id, .entity = "account", .entity_id = c->id,
		.actor_id = c->req->user_id, .request_id = c->req->request_id },
		c->before, c->after, event_fields, ERP_COUNT(event_fields));
}

/* The parent's id for a code (NULL text: no parent); refuses unknown parents and cycles. */
static int resolve_parent(struct db_conn *db, struct account_change *c, const char *parent_code,
			  const char **parent)
{
	const char *params[] = { c->company->id, parent_code };
	PGresult *res;
	int rc;

	*parent = NULL;
	if (!parent_code)
		return ERP_OK;
	rc = db_query(db, c->req->arena, &ledger_sql_account_parent, 2, params, &res);
	if (rc)
		return rc;
	if (PQntuples(res) == 0)
		return refuse(c, "/parent",
			      arena_printf(c->req->arena, "this company has no account %s", parent_code));
	*parent = arena_strdup(c->req->arena, db_value(res, 0, "id"));
	params[0] = *parent;
	params[1] = c->id;
	rc = db_query(db, c->req->arena, &ledger_sql_account_parent_cycle, 2, params, &res);
	if (rc)
		return rc;
	if (strcmp(db_value(res, 0, "cycle"), "t") == 0)
		return refuse(c, "/parent", "an account cannot be its own ancestor");
	return ERP_OK;
}

/* The exponent of a currency code, or refuses it as unknown. */
static int currency_exponent(struct account_change *c, const char *code, char out[4])
{
	const struct erp_currency *currency = erp_currency_find(code);

	if (!currency)
		return refuse(c, "/currency", "not an ISO 4217 currency code (upper-case, e.g. EUR)");
	snprintf(out, 4, "%d", currency->exponent);
	return ERP_OK;
}

/* --- list, get ---------------------------------------------------------------------------------- */

int ledger_accounts_list(struct erp_request *req)
{
	json_t *active = json_object_get(req->query, "active");
	const char *filters[] = {
		ledger_request_company_id(req),
		json_string_value(json_object_get(req->query, "type")),
		json_is_boolean(active) ? (json_is_true(active) ? "true" : "false") : NULL,
		json_string_value(json_object_get(req->query, "prefix")),
	};

	return paging_respond_list(req, &ledger_sql_accounts_list, 2, filters, ERP_COUNT(filters));
}

int ledger_accounts_get(struct erp_request *req)
{
	const struct erp_company_scope *company;
	const char *params[2];
	json_t *account;
	int rc = ledger_request_company(req, &company);

	if (rc)
		return rc;
	params[0] = company->id;
	params[1] = http_param(req, "code");
	rc = resource_query_json(http_db(req), req->arena, &ledger_sql_account_get, 2, params, &account);
	return rc ? rc : respond_account(req, 200, account);
}

/* --- create --------------------------------------------------------------------------------------- */

static int create_work(struct db_conn *db, void *ctx)
{
	struct account_change *c = ctx;
	json_t *body = c->req->body;
	const char *currency = json_string_value(json_object_get(body, "currency"));
	const char *params[8], *parent;
	char exponent[4];
	int rc = ledger_request_company(c->req, &c->company);

	if (rc)
		return rc;
	if (!currency)
		currency = c->company->currency;
	rc = currency_exponent(c, currency, exponent);
	if (!rc)
		rc = resolve_parent(db, c, json_string_value(json_object_get(body, "parent")), &parent);
	if (rc)
		return rc;
	params[0] = c->id;
	params[1] = c->company->id;
	params[2] = c->code;
	params[3] = json_string_value(json_object_get(body, "name"));
	params[4] = json_string_value(json_object_get(body, "type"));
	params[5] = parent;
	params[6] = currency;
	params[7] = exponent;
	rc = db_query(db, NULL, &ledger_sql_account_insert, 8, params, NULL);
	params[1] = c->code;
	params[0] = c->company->id;
	if (!rc)
		rc = resource_query_json(db, c->req->arena, &ledger_sql_account_get, 2, params, &c->after);
	return rc ? rc : audit_account(db, c, "ledger.account.created");
}

int ledger_accounts_create(struct erp_request *req)
{
	struct account_change *c = arena_calloc(req->arena, 1, sizeof(*c));
	struct erp_uuid id;
	int rc;

	if (!c)
		return ERP_ERR_NO_MEMORY;
	c->req = req;
	c->code = json_string_value(json_object_get(req->body, "code"));
	if (!ledger_is_account_code(c->code))
		return resource_field_error(req, "/code",
					    "1 to 20 letters, digits, '.', '_' or '-', starting with a letter or digit");
	erp_uuid_v7(&id);
	erp_uuid_format(&id, c->id);
	rc = db_transaction(http_db(req), create_work, c);
	if (rc)
		return respond_failure(req, c, rc);
	http_add_header(req, "Location", arena_printf(req->arena, "/api/v1/companies/%s/accounts/%s",
						      req->company_code, c->code));
	return respond_account(req, 201, c->after);
}

/* --- update, deactivate, reactivate ---------------------------------------------------------------- */

struct account_update {
	struct account_change change;
	json_t *fields;             /* what to change: name, type, currency, parent, active */
};

/* Whether fields gives name a value other than the current one (restating it is no change). */
static bool changes(json_t *fields, const char *name, json_t *current)
{
	json_t *value = json_object_get(fields, name);

	return value && !json_equal(value, json_object_get(current, name));
}

static const char *text_or(json_t *fields, const char *name, json_t *current)
{
	json_t *value = json_object_get(fields, name);

	return json_string_value(value ? value : json_object_get(current, name));
}

static int update_work(struct db_conn *db, void *ctx)
{
	struct account_update *u = ctx;
	struct account_change *c = &u->change;
	const char *params[7], *key[2], *parent = NULL;
	char exponent[4];
	PGresult *res;
	json_t *b, *parent_field;
	int rc = ledger_request_company(c->req, &c->company);

	if (rc)
		return rc;
	key[0] = c->company->id;
	key[1] = c->code;
	rc = db_query(db, c->req->arena, &ledger_sql_account_lock, 2, key, &res);
	if (rc)
		return rc;
	if (PQntuples(res) == 0)
		return ERP_ERR_NOT_FOUND;
	c->before = erp_json_loadb(PQgetvalue(res, 0, 0), (size_t)PQgetlength(res, 0, 0), 0, NULL, NULL);
	if (!c->before || arena_cleanup_add(c->req->arena, (arena_cleanup_fn)json_decref, c->before))
		return ERP_ERR_NO_MEMORY;
	b = c->before;
	snprintf(c->id, sizeof(c->id), "%s", json_string_value(json_object_get(b, "id")));
	if (c->expected_version && json_integer_value(json_object_get(b, "version")) != c->expected_version)
		return ERP_ERR_STALE;
	if (changes(u->fields, "type", b) || changes(u->fields, "currency", b)) {
		const char *id = c->id;

		rc = db_query(db, c->req->arena, &ledger_sql_account_has_lines, 1, &id, &res);
		if (rc)
			return rc;
		if (strcmp(db_value(res, 0, "has_lines"), "t") == 0)
			return refuse(c, NULL,
				      "the account has journal lines: its type and currency are fixed");
	}
	rc = currency_exponent(c, text_or(u->fields, "currency", b), exponent);
	parent_field = json_object_get(u->fields, "parent");
	if (!rc)
		rc = resolve_parent(db, c, parent_field ? json_string_value(parent_field)
							: json_string_value(json_object_get(b, "parent")),
				    &parent);
	if (rc)
		return rc;
	params[0] = c->id;
	params[1] = text_or(u->fields, "name", b);
	params[2] = text_or(u->fields, "type", b);
	params[3] = text_or(u->fields, "currency", b);
	params[4] = exponent;
	params[5] = parent;
	params[6] = json_is_true(json_object_get(u->fields, "active") ? json_object_get(u->fields, "active")
								       : json_object_get(b, "active"))
			    ? "true" : "false";
	rc = db_query(db, NULL, &ledger_sql_account_update, 7, params, NULL);
	if (!rc)
		rc = resource_query_json(db, c->req->arena, &ledger_sql_account_get, 2, key, &c->after);
	return rc ? rc : audit_account(db, c, json_object_get(u->fields, "active")
						      ? (json_is_true(json_object_get(u->fields, "active"))
								 ? "ledger.account.reactivated"
								 : "ledger.account.deactivated")
						      : "ledger.account.updated");
}

static int run_update(struct erp_request *req, json_t *fields, bool if_match)
{
	struct account_update *u = arena_calloc(req->arena, 1, sizeof(*u));
	int rc;

	if (!u)
		return ERP_ERR_NO_MEMORY;
	u->change.req = req;
	u->change.code = http_param(req, "code");
	u->fields = fields;
	if (if_match && etag_if_match(req, &u->change.expected_version))
		return 0;
	rc = db_transaction(http_db(req), update_work, u);
	return rc ? respond_failure(req, &u->change, rc) : respond_account(req, 200, u->change.after);
}

int ledger_accounts_update(struct erp_request *req)
{
	return run_update(req, req->body, true);
}

static int set_active(struct erp_request *req, bool active)
{
	json_t *fields = json_pack("{s:b}", "active", active);

	if (!fields || arena_cleanup_add(req->arena, (arena_cleanup_fn)json_decref, fields))
		return ERP_ERR_NO_MEMORY;
	return run_update(req, fields, false);
}

int ledger_accounts_deactivate(struct erp_request *req)
{
	return set_active(req, false);
}

int ledger_accounts_reactivate(struct erp_request *req)
{
	return set_active(req, true);
}
