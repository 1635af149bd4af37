/*
 * Fiscal periods: create a fiscal year of twelve monthly periods, close and
 * reopen, and lock for good, four-eyes: one holder of ledger.period.lock
 * asks for the lock, another confirms it, either may cancel it; a period
 * locks only once closed and ended, after every earlier period of the
 * company, with no drafts dated in it, checked at the request and again at
 * the confirmation. Reopening drops a request. Each step is audited and
 * announced (ledger.period.*, ledger.fiscal_year.created).
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

/* --- create a fiscal year --------------------------------------------------------------- */

struct year_creation {
	const struct ledger_fiscal_year_new *in;
	json_t *periods;
};

/* The year's twelve periods as the insert takes them (JSON array text in the arena). */
static char *year_rows(struct arena *arena, int fiscal_year, int first_month)
{
	json_t *rows = json_array();
	char *text;

	for (int n = 1; rows && n <= 12; n++) {
		char id[ERP_UUID_TEXT_LEN + 1], starts_on[11], ends_on[11];

		erp_uuid_v7_text(id);
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
static int record_year_event(struct erp_ctx *ctx, struct year_creation *y, const char *year)
{
	json_t *payload = json_pack("{s:i, s:O}", "fiscal_year", y->in->fiscal_year, "periods",
				    y->periods);
	int rc = payload ? event_record(ctx->db, &(struct domain_event){
		.type = "ledger.fiscal_year.created", .company_id = ctx->company->id,
		.entity = "fiscal_year", .entity_id = year, .actor_id = ctx->actor_id,
		.request_id = ctx->request_id, .payload = payload }) : ERP_ERR_NO_MEMORY;

	json_decref(payload);
	return rc;
}

/* Refuses a year whose months other periods of the company already cover. */
static int check_free(struct erp_ctx *ctx, const char *first, const char *last)
{
	const char *params[] = { ctx->company->id, first, last };
	const char *taken;
	PGresult *res;
	int rc = db_query(ctx->db, ctx->arena, &ledger_sql_periods_overlapping, 3, params, &res);

	if (rc)
		return rc;
	taken = db_value(res, 0, "periods");
	if (!taken)
		return ERP_OK;
	return erp_refuse_made(&ctx->refusal, ERP_ERR_CONFLICT,
			       arena_printf(ctx->arena, "periods %s already cover part of %s .. %s",
					    taken, first, last));
}

static int create_year_work(struct erp_ctx *ctx, void *state)
{
	struct year_creation *y = state;
	const struct ledger_fiscal_year_new *in = y->in;
	char year[16], first[11], last[11], unused[11];
	const char *params[3] = { ctx->company->id };
	json_t *changes;
	int rc = db_query(ctx->db, NULL, &ledger_sql_periods_lock_company, 1, params, NULL);

	if (rc)
		return rc;
	ledger_period_bounds(in->fiscal_year, in->first_month, 1, first, unused);
	ledger_period_bounds(in->fiscal_year, in->first_month, 12, unused, last);
	rc = check_free(ctx, first, last);
	if (rc)
		return rc;
	snprintf(year, sizeof(year), "%d", in->fiscal_year);
	params[1] = year;
	params[2] = year_rows(ctx->arena, in->fiscal_year, in->first_month);
	if (!params[2])
		return ERP_ERR_NO_MEMORY;
	rc = db_query(ctx->db, NULL, &ledger_sql_periods_insert_year, 3, params, NULL);
	if (rc == ERP_ERR_CONFLICT)
		return erp_refuse(&ctx->refusal, rc, "this fiscal year already exists");
	if (!rc)
		rc = resource_query_json(ctx->db, ctx->arena, &ledger_sql_periods_year, 2, params,
					 &y->periods);
	if (rc)
		return rc;
	changes = json_pack("{s:{s:n, s:O}}", "periods", "old", "new", y->periods);
	if (!changes)
		return ERP_ERR_NO_MEMORY;
	rc = audit_record(ctx->db, &(struct audit_event){
		.actor_id = ctx->actor_id, .action = "ledger.fiscal_year.created",
		.company_id = ctx->company->id, .entity = "fiscal_year", .entity_id = year,
		.request_id = ctx->request_id, .changes = changes });
	json_decref(changes);
	return rc ? rc : record_year_event(ctx, y, year);
}

int ledger_fiscal_year_create(struct erp_ctx *ctx, const struct ledger_fiscal_year_new *in,
			      json_t **year)
{
	struct year_creation y = { .in = in };
	int rc;

	if (!ctx->company)
		return ERP_ERR_NOT_FOUND;
	rc = db_usecase_transaction(ctx, create_year_work, &y);
	if (rc)
		return rc;
	*year = json_pack("{s:i, s:O}", "fiscal_year", in->fiscal_year, "periods", y.periods);
	if (!*year || arena_cleanup_add(ctx->arena, (arena_cleanup_fn)json_decref, *year))
		return ERP_ERR_NO_MEMORY;
	return ERP_OK;
}

/* --- close, reopen, and the four-eyes lock ------------------------------------------------ */

struct period_change {
	const char *id;
	enum ledger_period_step step;
	json_t *before;             /* as clients see it, locked */
	json_t *after;
};

static const struct {
	const char *action;                   /* the audit event and the domain event */
	const struct db_statement *statement; /* the change: $1 the period, $2 the actor */
	int params;
} steps[] = {
	[LEDGER_PERIOD_CLOSE] = { "ledger.period.closed", &ledger_sql_period_close, 1 },
	[LEDGER_PERIOD_REOPEN] = { "ledger.period.reopened", &ledger_sql_period_reopen, 1 },
	[LEDGER_PERIOD_REQUEST_LOCK] = { "ledger.period.lock_requested",
					 &ledger_sql_period_request_lock, 2 },
	[LEDGER_PERIOD_CONFIRM_LOCK] = { "ledger.period.locked", &ledger_sql_period_confirm_lock, 2 },
	[LEDGER_PERIOD_CANCEL_LOCK] = { "ledger.period.lock_cancelled",
					&ledger_sql_period_cancel_lock, 1 },
};

static const char *field(json_t *period, const char *name)
{
	return json_string_value(json_object_get(period, name));
}

/* What the lock rules read about the period, in a statement of its own after the row lock. */
static int read_lock_facts(struct erp_ctx *ctx, const char *period_id, struct ledger_lock_facts *out)
{
	PGresult *res;
	int rc = db_query(ctx->db, ctx->arena, &ledger_sql_period_lock_facts, 1, &period_id, &res);

	if (rc)
		return rc;
	if (PQntuples(res) == 0)
		return ERP_ERR_NOT_FOUND;
	/* The texts live in res, which lives as long as the arena. */
	out->period = db_value(res, 0, "period");
	out->ends_on = db_value(res, 0, "ends_on");
	out->ended = strcmp(db_value(res, 0, "ended"), "t") == 0;
	out->earlier_unlocked = db_value(res, 0, "earlier_unlocked");
	out->drafts = strtol(db_value(res, 0, "drafts"), NULL, 10);
	out->first_draft = db_value(res, 0, "first_draft");
	return ERP_OK;
}

/* The lock rules, read afresh under the row lock: ended, in order, no drafts dated in it. */
static int check_lockable(struct erp_ctx *ctx, struct period_change *c)
{
	struct ledger_lock_facts facts;
	char sentence[400];
	int rc = read_lock_facts(ctx, c->id, &facts);

	if (rc)
		return rc;
	if (!ledger_lock_refusal(&facts, sentence, sizeof(sentence)))
		return ERP_OK;
	return erp_refuse_made(&ctx->refusal, ERP_ERR_CONFLICT, arena_strdup(ctx->arena, sentence));
}

/* A period that cannot take a status from the one it has. */
static int refuse_transition(struct erp_ctx *ctx, struct period_change *c, const char *to)
{
	return erp_refuse_made(&ctx->refusal, ERP_ERR_CONFLICT,
			       arena_printf(ctx->arena, "period %s is %s; it cannot become %s",
					    field(c->before, "name"), field(c->before, "status"), to));
}

static int check_lock_step(struct erp_ctx *ctx, struct period_change *c)
{
	struct arena *arena = ctx->arena;
	const char *name = field(c->before, "name"), *status = field(c->before, "status");
	const char *requester = field(c->before, "lock_requested_by");
	bool locked = strcmp(status, "locked") == 0;

	if (locked && c->step != LEDGER_PERIOD_CANCEL_LOCK)
		return erp_refuse_made(&ctx->refusal, ERP_ERR_CONFLICT,
				       arena_printf(arena, "period %s is already locked", name));
	if (c->step == LEDGER_PERIOD_REQUEST_LOCK) {
		if (!ledger_period_transition_allowed(status, "locked"))
			return erp_refuse_made(&ctx->refusal, ERP_ERR_CONFLICT,
					       arena_printf(arena, "period %s is %s: close it before"
							    " locking it", name, status));
		if (requester)
			return erp_refuse_made(&ctx->refusal, ERP_ERR_CONFLICT,
					       arena_printf(arena, "a lock of period %s was already"
							    " requested by %s at %s: confirm or cancel it",
							    name, requester,
							    field(c->before, "lock_requested_at")));
		return check_lockable(ctx, c);
	}
	if (!requester || locked)
		return erp_refuse_made(&ctx->refusal, ERP_ERR_CONFLICT,
				       arena_printf(arena, "no lock of period %s is pending", name));
	if (c->step == LEDGER_PERIOD_CANCEL_LOCK)
		return ERP_OK;
	if (strcmp(requester, ctx->actor_id) == 0)
		return erp_refuse_made(&ctx->refusal, ERP_ERR_FORBIDDEN,
				       arena_printf(arena, "four-eyes: you asked for the lock of period %s;"
						    " another user with ledger.period.lock must confirm it",
						    name));
	return check_lockable(ctx, c);
}

/* A period of a closed fiscal year does not reopen: the year is reopened first (year_close.c). */
static int check_year_open(struct erp_ctx *ctx, struct period_change *c)
{
	PGresult *res;
	int rc = db_query(ctx->db, ctx->arena, &ledger_sql_period_year_status, 1, &c->id, &res);

	if (rc)
		return rc;
	if (PQntuples(res) == 0 || strcmp(db_value(res, 0, "status"), "closed") != 0)
		return ERP_OK;
	return erp_refuse_made(&ctx->refusal, ERP_ERR_CONFLICT,
			       arena_printf(ctx->arena, "period %s is in fiscal year %lld, which is closed:"
					    " reopen the year first (POST .../fiscal-years/%lld/reopen)",
					    field(c->before, "name"),
					    json_integer_value(json_object_get(c->before, "fiscal_year")),
					    json_integer_value(json_object_get(c->before, "fiscal_year"))));
}

/* Whether the step may happen to the locked period now; a refusal otherwise. */
static int check_step(struct erp_ctx *ctx, struct period_change *c)
{
	const char *status = field(c->before, "status");

	switch (c->step) {
	case LEDGER_PERIOD_CLOSE:
		return ledger_period_transition_allowed(status, "closed")
			       ? ERP_OK : refuse_transition(ctx, c, "closed");
	case LEDGER_PERIOD_REOPEN:
		return ledger_period_transition_allowed(status, "open")
			       ? check_year_open(ctx, c) : refuse_transition(ctx, c, "open");
	case LEDGER_PERIOD_REQUEST_LOCK:
	case LEDGER_PERIOD_CONFIRM_LOCK:
	case LEDGER_PERIOD_CANCEL_LOCK:
		return check_lock_step(ctx, c);
	}
	return ERP_ERR_INTERNAL;
}

static int audit_step(struct erp_ctx *ctx, struct period_change *c)
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
		reason = arena_printf(ctx->arena, "lock requested by %s at %s",
				      field(c->before, "lock_requested_by"),
				      field(c->before, "lock_requested_at"));
		if (!reason)
			return ERP_ERR_NO_MEMORY;
	}
	rc = audit_record_changes(ctx->db, &(struct audit_event){
		.actor_id = ctx->actor_id, .action = steps[c->step].action,
		.company_id = ctx->company->id, .entity = "fiscal_period", .entity_id = c->id,
		.request_id = ctx->request_id, .reason = reason },
		c->before, c->after, fields, ERP_COUNT(fields));
	return rc ? rc : event_record_change(ctx->db, &(struct domain_event){
		.type = steps[c->step].action, .company_id = ctx->company->id,
		.entity = "fiscal_period", .entity_id = c->id, .actor_id = ctx->actor_id,
		.request_id = ctx->request_id },
		c->before, c->after, event_fields, ERP_COUNT(event_fields));
}

static int step_work(struct erp_ctx *ctx, void *state)
{
	struct period_change *c = state;
	const char *key[] = { ctx->company->id, c->id }, *change[] = { c->id, ctx->actor_id };
	int rc = resource_query_json(ctx->db, ctx->arena, &ledger_sql_period_lock, 2, key, &c->before);

	if (!rc)
		rc = check_step(ctx, c);
	if (!rc)
		rc = resource_query_json(ctx->db, ctx->arena, steps[c->step].statement,
					 steps[c->step].params, change, &c->after);
	return rc ? rc : audit_step(ctx, c);
}

int ledger_period_change(struct erp_ctx *ctx, const char *period_id, enum ledger_period_step step,
			 json_t **period)
{
	struct period_change c = { .id = period_id, .step = step };
	int rc;

	if ((size_t)step >= ERP_COUNT(steps))
		return ERP_ERR_INTERNAL;
	if (!ctx->company)
		return ERP_ERR_NOT_FOUND;
	rc = db_usecase_transaction(ctx, step_work, &c);
	if (!rc)
		*period = c.after;
	return rc;
}
