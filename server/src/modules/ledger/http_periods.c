/*
 * Fiscal periods: list, create a fiscal year of twelve monthly periods,
 * close and reopen, and lock for good, four-eyes: one holder of
 * ledger.period.lock asks for the lock, another confirms it, either may
 * cancel it; a period locks only once closed and ended, after every earlier
 * period of the company, with no drafts dated in it, checked at the request
 * and again at the confirmation. Reopening drops a request.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "modules/ledger/internal.h"
#include "platform/audit/audit.h"
#include "platform/events/events.h"
#include "shared-kernel/errors.h"
#include "shared-kernel/uuid.h"

int ledger_periods_list(struct erp_request *req)
{
	json_t *year = json_object_get(req->query, "fiscal_year");
	char year_text[16];
	const char *filters[] = { ledger_request_company_id(req), NULL };

	if (json_is_integer(year)) {
		snprintf(year_text, sizeof(year_text), "%lld", (long long)json_integer_value(year));
		filters[1] = year_text;
	}
	return paging_respond_list(req, &ledger_sql_periods_list, 2, filters, ERP_COUNT(filters));
}

/* --- create a fiscal year --------------------------------------------------------------------- */

struct year_change {
	struct erp_request *req;
	const struct erp_company_scope *company;
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

/* ledger.fiscal_year.created: the year and its twelve periods. */
static int record_year_event(struct db_conn *db, struct year_change *c, const char *year)
{
	json_t *payload = json_pack("{s:i, s:O}", "fiscal_year", c->fiscal_year, "periods", c->periods);
	int rc = payload ? event_record(db, &(struct domain_event){
		.type = "ledger.fiscal_year.created", .company_id = c->company->id,
		.entity = "fiscal_year", .entity_id = year, .actor_id = c->req->user_id,
		.request_id = c->req->request_id, .payload = payload }) : ERP_ERR_NO_MEMORY;

	json_decref(payload);
	return rc;
}

static int create_year_work(struct db_conn *db, void *ctx)
{
	struct year_change *c = ctx;
	char year[16], first[11], last[11], unused[11];
	const char *params[3];
	PGresult *res;
	json_t *changes;
	int rc = ledger_request_company(c->req, &c->company);

	if (rc)
		return rc;
	params[0] = c->company->id;
	rc = db_query(db, NULL, &ledger_sql_periods_lock_company, 1, params, NULL);
	if (rc)
		return rc;
	ledger_period_bounds(c->fiscal_year, c->first_month, 1, first, unused);
	ledger_period_bounds(c->fiscal_year, c->first_month, 12, unused, last);
	params[1] = first;
	params[2] = last;
	rc = db_query(db, c->req->arena, &ledger_sql_periods_overlapping, 3, params, &res);
	if (rc)
		return rc;
	if (db_value(res, 0, "periods")) {
		c->problem = arena_printf(c->req->arena, "periods %s already cover part of %s .. %s",
					  db_value(res, 0, "periods"), first, last);
		return ERP_ERR_CONFLICT;
	}
	snprintf(year, sizeof(year), "%d", c->fiscal_year);
	params[1] = year;
	params[2] = year_rows(c->req->arena, c->fiscal_year, c->first_month);
	if (!params[2])
		return ERP_ERR_NO_MEMORY;
	rc = db_query(db, NULL, &ledger_sql_periods_insert_year, 3, params, NULL);
	if (!rc)
		rc = resource_query_json(db, c->req->arena, &ledger_sql_periods_year, 2, params, &c->periods);
	if (rc)
		return rc;
	changes = json_pack("{s:{s:n, s:O}}", "periods", "old", "new", c->periods);
	if (!changes)
		return ERP_ERR_NO_MEMORY;
	rc = audit_record(db, &(struct audit_event){
		.actor_id = c->req->user_id, .action = "ledger.fiscal_year.created",
		.company_id = c->company->id, .entity = "fiscal_year", .entity_id = year,
		.request_id = c->req->request_id, .changes = changes });
	json_decref(changes);
	return rc ? rc : record_year_event(db, c, year);
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

/* --- close, reopen, and the four-eyes lock ------------------------------------------------------ */

struct period_change {
	struct erp_request *req;
	enum ledger_period_step step;
	const struct erp_company_scope *company;
	const char *id;
	json_t *before;             /* as clients see it, locked */
	json_t *after;
	struct erp_refusal refusal;  /* why a rule said no (shared-kernel/usecase.h) */
};

static const struct {
	const char *action;         /* the audit event and the domain event */
	int status;                 /* the answer's */
} steps[] = {
	[LEDGER_PERIOD_CLOSE] = { "ledger.period.closed", 200 },
	[LEDGER_PERIOD_REOPEN] = { "ledger.period.reopened", 200 },
	[LEDGER_PERIOD_REQUEST_LOCK] = { "ledger.period.lock_requested", 202 },
	[LEDGER_PERIOD_CONFIRM_LOCK] = { "ledger.period.locked", 200 },
	[LEDGER_PERIOD_CANCEL_LOCK] = { "ledger.period.lock_cancelled", 200 },
};

/* A rule's refusal: ERP_ERR_CONFLICT or, for four-eyes, ERP_ERR_FORBIDDEN. */
static int refuse(struct period_change *c, int code, const char *problem)
{
	if (!problem)
		return ERP_ERR_NO_MEMORY;
	return erp_refuse(&c->refusal, code, problem);
}

static const char *field(json_t *period, const char *name)
{
	return json_string_value(json_object_get(period, name));
}

/* The lock rules, read afresh under the row lock: ended, in order, no drafts dated in it. */
static int check_lockable(struct db_conn *db, struct period_change *c)
{
	struct ledger_lock_facts facts;
	char sentence[400];
	int rc = ledger_period_lock_facts(db, c->req->arena, c->id, &facts);

	if (rc)
		return rc;
	if (!ledger_lock_refusal(&facts, sentence, sizeof(sentence)))
		return ERP_OK;
	return refuse(c, ERP_ERR_CONFLICT, arena_strdup(c->req->arena, sentence));
}

/* A period that cannot take a status from the one it has. */
static int refuse_transition(struct period_change *c, const char *to)
{
	return refuse(c, ERP_ERR_CONFLICT, arena_printf(c->req->arena, "period %s is %s; it cannot become %s",
					   field(c->before, "name"), field(c->before, "status"), to));
}

static int check_lock_step(struct db_conn *db, struct period_change *c)
{
	struct arena *arena = c->req->arena;
	const char *name = field(c->before, "name"), *status = field(c->before, "status");
	const char *requester = field(c->before, "lock_requested_by");
	bool locked = strcmp(status, "locked") == 0;

	if (locked && c->step != LEDGER_PERIOD_CANCEL_LOCK)
		return refuse(c, ERP_ERR_CONFLICT, arena_printf(arena, "period %s is already locked", name));
	if (c->step == LEDGER_PERIOD_REQUEST_LOCK) {
		if (!ledger_period_transition_allowed(status, "locked"))
			return refuse(c, ERP_ERR_CONFLICT, arena_printf(arena, "period %s is %s: close it before locking it",
							   name, status));
		if (requester)
			return refuse(c, ERP_ERR_CONFLICT, arena_printf(arena, "a lock of period %s was already requested"
							   " by %s at %s: confirm or cancel it", name,
							   requester, field(c->before, "lock_requested_at")));
		return check_lockable(db, c);
	}
	if (!requester || locked)
		return refuse(c, ERP_ERR_CONFLICT, arena_printf(arena, "no lock of period %s is pending", name));
	if (c->step == LEDGER_PERIOD_CANCEL_LOCK)
		return ERP_OK;
	if (strcmp(requester, c->req->user_id) == 0)
		return refuse(c, ERP_ERR_FORBIDDEN, arena_printf(arena, "four-eyes: you asked for the lock of period %s;"
						   " another user with ledger.period.lock must confirm it",
						   name));
	return check_lockable(db, c);
}

/* Whether the step may happen to the locked period now; a refusal otherwise. */
static int check_step(struct db_conn *db, struct period_change *c)
{
	const char *status = field(c->before, "status");

	switch (c->step) {
	case LEDGER_PERIOD_CLOSE:
		return ledger_period_transition_allowed(status, "closed") ? ERP_OK
									  : refuse_transition(c, "closed");
	case LEDGER_PERIOD_REOPEN:
		return ledger_period_transition_allowed(status, "open") ? ERP_OK
									: refuse_transition(c, "open");
	case LEDGER_PERIOD_REQUEST_LOCK:
	case LEDGER_PERIOD_CONFIRM_LOCK:
	case LEDGER_PERIOD_CANCEL_LOCK:
		return check_lock_step(db, c);
	}
	return ERP_ERR_INTERNAL;
}

static int audit_step(struct db_conn *db, struct period_change *c)
{
	static const char *const fields[] = { "status", "lock_requested_by", "lock_requested_at",
					      "locked_by", "locked_at" };
	static const char *const event_fields[] = { "id", "fiscal_year", "number", "name",
						    "starts_on", "ends_on", "status",
						    "lock_requested_by", "lock_requested_at",
						    "locked_by", "locked_at", "version" };
	const char *reason = NULL;
	int rc;

	if (c->step == LEDGER_PERIOD_CONFIRM_LOCK) {
		reason = arena_printf(c->req->arena, "lock requested by %s at %s",
				      field(c->before, "lock_requested_by"),
				      field(c->before, "lock_requested_at"));
		if (!reason)
			return ERP_ERR_NO_MEMORY;
	}
	rc = audit_record_changes(db, &(struct audit_event){
		.actor_id = c->req->user_id, .action = steps[c->step].action,
		.company_id = c->company->id, .entity = "fiscal_period", .entity_id = c->id,
		.request_id = c->req->request_id, .reason = reason },
		c->before, c->after, fields, ERP_COUNT(fields));
	return rc ? rc : event_record_change(db, &(struct domain_event){
		.type = steps[c->step].action, .company_id = c->company->id, .entity = "fiscal_period",
		.entity_id = c->id, .actor_id = c->req->user_id, .request_id = c->req->request_id },
		c->before, c->after, event_fields, ERP_COUNT(event_fields));
}

static int step_work(struct db_conn *db, void *ctx)
{
	struct period_change *c = ctx;
	int rc = ledger_request_company(c->req, &c->company);

	if (!rc)
		rc = ledger_period_lock(db, c->req->arena, c->company->id, c->id, &c->before);
	if (!rc)
		rc = check_step(db, c);
	if (!rc)
		rc = ledger_period_apply(db, c->req->arena, c->id, c->step, c->req->user_id, &c->after);
	return rc ? rc : audit_step(db, c);
}

static int run_step(struct erp_request *req, enum ledger_period_step step)
{
	struct period_change *c = arena_calloc(req->arena, 1, sizeof(*c));
	int rc;

	if (!c)
		return ERP_ERR_NO_MEMORY;
	c->req = req;
	c->step = step;
	c->id = resource_uuid_param(req, "period");
	if (!c->id)
		return ERP_ERR_NOT_FOUND;
	rc = db_transaction(http_db(req), step_work, c);
	if (rc && erp_refused(&c->refusal))
		return http_respond_refusal(req, &c->refusal);
	if (rc)
		return rc;
	etag_set(req, c->after);
	return http_respond_json(req, steps[step].status, json_incref(c->after));
}

int ledger_periods_close(struct erp_request *req)
{
	return run_step(req, LEDGER_PERIOD_CLOSE);
}

int ledger_periods_reopen(struct erp_request *req)
{
	return run_step(req, LEDGER_PERIOD_REOPEN);
}

int ledger_periods_request_lock(struct erp_request *req)
{
	return run_step(req, LEDGER_PERIOD_REQUEST_LOCK);
}

int ledger_periods_confirm_lock(struct erp_request *req)
{
	return run_step(req, LEDGER_PERIOD_CONFIRM_LOCK);
}

int ledger_periods_cancel_lock(struct erp_request *req)
{
	return run_step(req, LEDGER_PERIOD_CANCEL_LOCK);
}
