/* Fiscal periods: list, create a fiscal year of twelve monthly periods, close, reopen, lock. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "modules/ledger/internal.h"
#include "platform/audit.h"
#include "shared-kernel/errors.h"
#include "shared-kernel/uuid.h"

#define PERIOD_JSON                                                                          \
	"json_build_object('id', p.id, 'fiscal_year', p.fiscal_year, 'number', p.number,"      \
	" 'name', to_char(p.starts_on, 'YYYY-MM'), 'starts_on', p.starts_on,"                  \
	" 'ends_on', p.ends_on, 'status', p.status, 'version', p.version)"

static const struct db_statement list_periods = {
	"ledger_periods_list",
	PAGING_SQL("SELECT " PERIOD_JSON " AS j, p.starts_on::text AS k1, p.id::text AS k2"
	"  FROM ledger_periods p"
	"  WHERE p.company_id = (SELECT id FROM companies WHERE code = $3)"
	"    AND ($1::date IS NULL OR (p.starts_on, p.id) > ($1::date, $2::uuid))"
	"    AND ($4::int IS NULL OR p.fiscal_year = $4::int)"
	"  ORDER BY p.starts_on, p.id LIMIT $5::int", "$5"),
	true,
};
static const struct db_statement lock_company_periods = {
	"ledger_periods_lock_company",
	"SELECT pg_advisory_xact_lock(hashtextextended('ledger_periods:' || $1, 7))",
	false,
};
static const struct db_statement overlapping = {
	"ledger_periods_overlapping",
	"SELECT string_agg(to_char(starts_on, 'YYYY-MM'), ', ' ORDER BY starts_on) FROM ledger_periods"
	" WHERE company_id = $1 AND starts_on <= $3::date AND ends_on >= $2::date",
	false,
};
static const struct db_statement insert_year = {
	"ledger_periods_insert_year",
	"INSERT INTO ledger_periods (id, company_id, fiscal_year, number, starts_on, ends_on)"
	" SELECT x.id, $1, $2::int, x.number, x.starts_on, x.ends_on"
	" FROM jsonb_to_recordset($3::jsonb) AS x(id uuid, number int, starts_on date, ends_on date)",
	false,
};
static const struct db_statement year_json = {
	"ledger_periods_year_json",
	"SELECT json_agg(" PERIOD_JSON " ORDER BY p.number) FROM ledger_periods p"
	" WHERE p.company_id = $1 AND p.fiscal_year = $2::int",
	false,
};
static const struct db_statement lock_period = {
	"ledger_periods_lock",
	"SELECT " PERIOD_JSON " FROM ledger_periods p WHERE p.company_id = $1 AND p.id = $2 FOR UPDATE",
	false,
};
static const struct db_statement set_status = {
	"ledger_periods_set_status",
	"UPDATE ledger_periods SET status = $2, version = version + 1, updated_at = now() WHERE id = $1",
	false,
};
static const struct db_statement get_period = {
	"ledger_periods_get",
	"SELECT " PERIOD_JSON " FROM ledger_periods p WHERE p.id = $1",
	false,
};

int ledger_periods_list(struct erp_request *req)
{
	json_t *year = json_object_get(req->query, "fiscal_year");
	char year_text[16];
	const char *filters[] = { req->company, NULL };

	if (json_is_integer(year)) {
		snprintf(year_text, sizeof(year_text), "%lld", (long long)json_integer_value(year));
		filters[1] = year_text;
	}
	return paging_respond_list(req, &list_periods, 2, filters, ERP_COUNT(filters));
}

/* --- create a fiscal year --------------------------------------------------------------------- */

struct year_change {
	struct erp_request *req;
	struct ledger_company company;
	int fiscal_year;
	int first_month;
	json_t *periods;
	char *problem;
};

static char *year_rows(struct arena *arena, int fiscal_year, int first_month)
{
	json_t *rows = json_array();
	char *text;

	for (int n = 1; rows && n <= 12; n++) {
		char id[40], starts_on[11], ends_on[11];
		struct erp_uuid uuid;

		erp_uuid_v7(&uuid);
		erp_uuid_format(&uuid, id);
		ledger_period_bounds(fiscal_year, first_month, n, starts_on, ends_on);
		if (json_array_append_new(rows, json_pack("{s:s, s:i, s:s, s:s}", "id", id, "number", n,
							  "starts_on", starts_on, "ends_on", ends_on)))
			json_decref(rows), rows = NULL;
	}
	text = rows ? erp_json_dumps(rows, JSON_COMPACT) : NULL;
	json_decref(rows);
	if (text && arena_cleanup_add(arena, free, text))
		return NULL;
	return text;
}

static int create_year_work(struct db_conn *db, void *ctx)
{
	struct year_change *c = ctx;
	char year[16], first[11], last[11], unused[11];
	const char *params[3];
	PGresult *res;
	json_t *changes;
	int rc = ledger_company_get(db, c->req->arena, c->req->company, &c->company);

	if (rc)
		return rc;
	params[0] = c->company.id;
	rc = db_query(db, NULL, &lock_company_periods, 1, params, NULL);
	if (rc)
		return rc;
	ledger_period_bounds(c->fiscal_year, c->first_month, 1, first, unused);
	ledger_period_bounds(c->fiscal_year, c->first_month, 12, unused, last);
	params[1] = first;
	params[2] = last;
	rc = db_query(db, c->req->arena, &overlapping, 3, params, &res);
	if (rc)
		return rc;
	if (!PQgetisnull(res, 0, 0)) {
		c->problem = arena_printf(c->req->arena, "periods %s already cover part of %s .. %s",
					  PQgetvalue(res, 0, 0), first, last);
		return ERP_ERR_CONFLICT;
	}
	snprintf(year, sizeof(year), "%d", c->fiscal_year);
	params[1] = year;
	params[2] = year_rows(c->req->arena, c->fiscal_year, c->first_month);
	if (!params[2])
		return ERP_ERR_NO_MEMORY;
	rc = db_query(db, NULL, &insert_year, 3, params, NULL);
	if (!rc)
		rc = resource_query_json(db, c->req->arena, &year_json, 2, params, &c->periods);
	if (rc)
		return rc;
	changes = json_pack("{s:{s:n, s:O}}", "periods", "old", "new", c->periods);
	if (!changes)
		return ERP_ERR_NO_MEMORY;
	rc = audit_record(db, &(struct audit_event){
		.actor_id = c->req->user_id, .action = "ledger.fiscal_year.created",
		.company_id = c->company.id, .entity = "fiscal_year", .entity_id = year,
		.request_id = c->req->request_id, .changes = changes });
	json_decref(changes);
	return rc;
}

int ledger_periods_create_year(struct erp_request *req)
{
	struct year_change *c = arena_calloc(req->arena, 1, sizeof(*c));
	json_t *first = json_object_get(req->body, "first_month");
	int rc;

	if (!c)
		return ERP_ERR_NO_MEMORY;
	c->req = req;
	c->fiscal_year = (int)json_integer_value(json_object_get(req->body, "fiscal_year"));
	c->first_month = json_is_integer(first) ? (int)json_integer_value(first) : 1;
	rc = db_transaction(http_db(req), create_year_work, c);
	if (rc == ERP_ERR_CONFLICT)
		return http_respond_problem(req, &PROBLEM_CONFLICT,
					    c->problem ? c->problem : "this fiscal year already exists");
	if (rc)
		return rc;
	return http_respond_json(req, 201, json_pack("{s:i, s:O}", "fiscal_year", c->fiscal_year,
						     "periods", c->periods));
}

/* --- close, reopen, lock ------------------------------------------------------------------------ */

struct period_change {
	struct erp_request *req;
	struct ledger_company company;
	const char *id;
	const char *to;
	json_t *before;
	json_t *after;
	char *problem;
};

static int transition_work(struct db_conn *db, void *ctx)
{
	struct period_change *c = ctx;
	const char *params[2];
	json_t *changes;
	const char *from;
	int rc = ledger_company_get(db, c->req->arena, c->req->company, &c->company);

	params[0] = c->company.id;
	params[1] = c->id;
	if (!rc)
		rc = resource_query_json(db, c->req->arena, &lock_period, 2, params, &c->before);
	if (rc)
		return rc;
	from = json_string_value(json_object_get(c->before, "status"));
	if (!ledger_period_transition_allowed(from, c->to)) {
		c->problem = arena_printf(c->req->arena, "period %s is %s; it cannot become %s",
					  json_string_value(json_object_get(c->before, "name")), from, c->to);
		return ERP_ERR_CONFLICT;
	}
	params[0] = c->id;
	params[1] = c->to;
	rc = db_query(db, NULL, &set_status, 2, params, NULL);
	if (!rc)
		rc = resource_query_json(db, c->req->arena, &get_period, 1, &c->id, &c->after);
	if (rc)
		return rc;
	changes = json_pack("{s:{s:s, s:s}}", "status", "old", from, "new", c->to);
	if (!changes)
		return ERP_ERR_NO_MEMORY;
	rc = audit_record(db, &(struct audit_event){
		.actor_id = c->req->user_id,
		.action = arena_printf(c->req->arena, "ledger.period.%s",
				       strcmp(c->to, "open") == 0 ? "reopened" : c->to),
		.company_id = c->company.id, .entity = "fiscal_period", .entity_id = c->id,
		.request_id = c->req->request_id, .changes = changes });
	json_decref(changes);
	return rc;
}

static int transition(struct erp_request *req, const char *to)
{
	struct period_change *c = arena_calloc(req->arena, 1, sizeof(*c));
	int rc;

	if (!c)
		return ERP_ERR_NO_MEMORY;
	c->req = req;
	c->to = to;
	c->id = resource_uuid_param(req, "period");
	if (!c->id)
		return ERP_ERR_NOT_FOUND;
	rc = db_transaction(http_db(req), transition_work, c);
	if (rc == ERP_ERR_CONFLICT && c->problem)
		return http_respond_problem(req, &PROBLEM_CONFLICT, c->problem);
	if (rc)
		return rc;
	etag_set(req, c->after);
	return http_respond_json(req, 200, json_incref(c->after));
}

int ledger_periods_close(struct erp_request *req)
{
	return transition(req, "closed");
}

int ledger_periods_reopen(struct erp_request *req)
{
	return transition(req, "open");
}

int ledger_periods_lock(struct erp_request *req)
{
	return transition(req, "locked");
}
