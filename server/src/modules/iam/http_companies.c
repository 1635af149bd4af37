/* Companies: create, list, get, update (If-Match). The code is the company's name in URLs. */
#include <stdio.h>
#include <string.h>

#include "modules/iam/internal.h"
#include "platform/audit.h"
#include "platform/events.h"
#include "platform/schema.h"
#include "shared-kernel/errors.h"
#include "shared-kernel/money.h"

#define COMPANY_JSON                                                                       \
	"json_build_object('id', id, 'code', code, 'name', name, 'currency', currency,"    \
	" 'version', version, 'created_at', created_at, 'updated_at', updated_at)"

static const struct db_statement insert_company = {
	"iam_companies_insert",
	"INSERT INTO companies (id, code, name, currency) VALUES ($1, $2, $3, $4)"
	" RETURNING " COMPANY_JSON,
	false,
};
static const struct db_statement list_companies = {
	"iam_companies_list",
	PAGING_SQL("SELECT " COMPANY_JSON " AS j, code AS k1, code AS k2 FROM companies"
		   " WHERE ($1::text IS NULL OR code > $1) ORDER BY code LIMIT $2::int", "$2"),
	true,
};
static const struct db_statement get_company = {
	"iam_companies_get", "SELECT " COMPANY_JSON " FROM companies WHERE code = $1", true,
};
static const struct db_statement lock_company = {
	"iam_companies_lock", "SELECT " COMPANY_JSON " FROM companies WHERE code = $1 FOR UPDATE", false,
};
static const struct db_statement update_company = {
	"iam_companies_update",
	"UPDATE companies SET name = coalesce($2, name), currency = coalesce($3, currency),"
	" version = version + 1, updated_at = now() WHERE code = $1 RETURNING " COMPANY_JSON,
	false,
};

struct company_change {
	struct erp_request *req;
	char id[40];
	const char *code;
	int expected_version;
	bool currency_fixed;        /* the database refused a currency change (the books are kept in it) */
	json_t *before;
	json_t *after;
};

/*
 * The SQLSTATE (restrict_violation) of the ledger's trigger refusing a
 * currency change of a company with posted journal entries (migration
 * 20261203000100_ledger_controls).
 */
static const char currency_fixed_state[] = "23001";

/*
 * The audit event and the domain event of a change (action names both). A
 * company's events open its own stream: iam.company.created is its first.
 */
static int audit_company(struct db_conn *db, struct company_change *c, const char *action)
{
	static const char *const fields[] = { "code", "name", "currency" };
	static const char *const event_fields[] = { "id", "code", "name", "currency", "version" };
	const char *id = json_string_value(json_object_get(c->after, "id"));
	int rc = audit_record_changes(db, &(struct audit_event){
		.actor_id = iam_principal(c->req)->user_id, .action = action, .entity = "company",
		.company_id = id, .entity_id = id, .request_id = c->req->request_id },
		c->before, c->after, fields, ERP_COUNT(fields));

	return rc ? rc : event_record_change(db, &(struct domain_event){
		.type = action, .company_id = id, .entity = "company", .entity_id = id,
		.actor_id = iam_principal(c->req)->user_id, .request_id = c->req->request_id },
		c->before, c->after, event_fields, ERP_COUNT(event_fields));
}

/* 422 unless the currency is an ISO 4217 code we know the exponent of. */
static bool currency_known(struct erp_request *req, const char *currency)
{
	json_t *errors;

	if (!currency || erp_currency_find(currency))
		return true;
	errors = json_array();
	schema_error_add(errors, "/currency", "unknown", "is not an active ISO 4217 currency code");
	http_respond_invalid(req, "unknown currency", errors);
	json_decref(errors);
	return false;
}

static int respond_company(struct erp_request *req, int status, json_t *company)
{
	etag_set(req, company);
	return http_respond_json(req, status, json_incref(company));
}

static int create_work(struct db_conn *db, void *ctx)
{
	struct company_change *c = ctx;
	const char *params[] = { c->id, c->code, json_string_value(json_object_get(c->req->body, "name")),
				 json_string_value(json_object_get(c->req->body, "currency")) };
	int rc = resource_query_json(db, c->req->arena, &insert_company, 4, params, &c->after);

	return rc ? rc : audit_company(db, c, "iam.company.created");
}

int iam_companies_create(struct erp_request *req)
{
	struct company_change *c = arena_calloc(req->arena, 1, sizeof(*c));
	int rc;

	if (!c)
		return ERP_ERR_NO_MEMORY;
	c->req = req;
	c->code = json_string_value(json_object_get(req->body, "code"));
	if (!iam_is_company_code(c->code))
		return resource_field_error(req, "/code",
					       "must be upper-case letters, digits, '_' or '-', starting with a letter or digit");
	if (!currency_known(req, json_string_value(json_object_get(req->body, "currency"))))
		return 0;
	iam_new_id(c->id);
	rc = db_transaction(http_db(req), create_work, c);
	if (rc == ERP_ERR_CONFLICT)
		return http_respond_problem(req, &PROBLEM_CONFLICT, "a company with this code already exists");
	if (rc)
		return rc;
	http_add_header(req, "Location", arena_printf(req->arena, "/api/v1/companies/%s", c->code));
	return respond_company(req, 201, c->after);
}

int iam_companies_list(struct erp_request *req)
{
	return paging_respond_list(req, &list_companies, 1, NULL, 0);
}

int iam_companies_get(struct erp_request *req)
{
	json_t *company;
	int rc = resource_query_json(http_db(req), req->arena, &get_company, 1, &req->company_code, &company);

	return rc ? rc : respond_company(req, 200, company);
}

static int update_work(struct db_conn *db, void *ctx)
{
	struct company_change *c = ctx;
	const char *params[] = { c->code, json_string_value(json_object_get(c->req->body, "name")),
				 json_string_value(json_object_get(c->req->body, "currency")) };
	int rc = resource_query_json(db, c->req->arena, &lock_company, 1, &c->code, &c->before);

	if (rc)
		return rc;
	if (json_integer_value(json_object_get(c->before, "version")) != c->expected_version)
		return ERP_ERR_STALE;
	rc = resource_query_json(db, c->req->arena, &update_company, 3, params, &c->after);
	if (rc && strcmp(db_last_sqlstate(db), currency_fixed_state) == 0) {
		c->currency_fixed = true;
		return ERP_ERR_CONFLICT;
	}
	return rc ? rc : audit_company(db, c, "iam.company.updated");
}

int iam_companies_update(struct erp_request *req)
{
	struct company_change *c = arena_calloc(req->arena, 1, sizeof(*c));
	int rc;

	if (!c)
		return ERP_ERR_NO_MEMORY;
	c->req = req;
	c->code = req->company_code;
	if (!currency_known(req, json_string_value(json_object_get(req->body, "currency"))))
		return 0;
	if (etag_if_match(req, &c->expected_version))
		return 0;
	rc = db_transaction(http_db(req), update_work, c);
	if (rc == ERP_ERR_STALE)
		return http_respond_problem(req, &PROBLEM_PRECONDITION,
					    "the company was changed since you read it; read it again");
	if (c->currency_fixed)
		return http_respond_problem(req, &PROBLEM_CONFLICT,
					    arena_printf(req->arena, "company %s has posted journal entries: its"
							 " books are kept in %s, so its currency cannot change",
							 c->code, json_string_value(json_object_get(
								 c->before, "currency"))));
	return rc ? rc : respond_company(req, 200, c->after);
}
