/*
 * Closing a fiscal year, four-eyes: one holder of ledger.year.close asks
 * for it, another confirms it. At the confirmation every period of the year
 * is closed (or locked), the company names its retained-earnings account,
 * and the server posts the closing entry: each revenue and expense account's
 * balance of the year moved to retained earnings, dated the year's last
 * day, numbered in the year's closing series (YC-<year>-<n>); then nothing
 * is posted into the year and none of its periods reopens. Reopening
 * reverses that entry (the mirror numbered in the same series), only while
 * the next year is not closed. Each step is audited and announced
 * (ledger.fiscal_year.*).
 *
 * Locks, in the order postings take them: every period of the year (FOR
 * UPDATE), then the year's row (FOR UPDATE); a posting share-locks its
 * period, then reads its year's status in a later statement (posting.c).
 * So a posting into the year commits before the confirmation reads the
 * balances, or waits and is refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "modules/ledger/internal.h"
#include "platform/audit/audit.h"
#include "platform/db/db_json.h"
#include "platform/events/events.h"
#include "shared-kernel/errors.h"
#include "shared-kernel/uuid.h"

struct year_change {
	int fiscal_year;
	char year_text[16];
	enum ledger_year_step step;
	int expected_version;       /* the confirmer's If-Match: the request they reviewed */
	PGresult *periods;          /* name, status: every period of the year, locked */
	json_t *before;             /* the year as clients see it, locked */
	json_t *after;
	const char *reason;         /* the audit event's */
};

static const char *field(json_t *year, const char *name)
{
	return json_string_value(json_object_get(year, name));
}

static const struct {
	const char *action;         /* the audit event and the domain event */
} steps[] = {
	[LEDGER_YEAR_REQUEST_CLOSE] = { "ledger.fiscal_year.close_requested" },
	[LEDGER_YEAR_CONFIRM_CLOSE] = { "ledger.fiscal_year.closed" },
	[LEDGER_YEAR_CANCEL_CLOSE] = { "ledger.fiscal_year.close_cancelled" },
	[LEDGER_YEAR_REOPEN] = { "ledger.fiscal_year.reopened" },
};

/* --- the closing entry's lines (no database) ------------------------------------------- */

int ledger_closing_lines(const struct ledger_closing_balance *balances, size_t count,
			 const char *retained_code, const char *retained_currency,
			 struct ledger_line_input *lines, size_t *line_count, const char **wrong_currency)
{
	int64_t result = 0;
	size_t n = 0;

	*wrong_currency = NULL;
	if (count + 1 > LEDGER_LINES_MAX)
		return ERP_ERR_OVERFLOW;
	for (size_t i = 0; i < count; i++) {
		const struct ledger_closing_balance *b = &balances[i];

		if (strcmp(b->currency, retained_currency) != 0) {
			*wrong_currency = b->code;
			return ERP_ERR_CONFLICT;
		}
		if (b->balance_minor == 0)
			continue;
		/* A debit balance (an expense) is credited away, a credit balance (revenue) debited. */
		if ((b->balance_minor > 0 && result > INT64_MAX - b->balance_minor) ||
		    (b->balance_minor < 0 && result < INT64_MIN + 1 - b->balance_minor) ||
		    b->balance_minor == INT64_MIN)
			return ERP_ERR_OVERFLOW;
		result += b->balance_minor;
		lines[n++] = (struct ledger_line_input){
			.account = b->code,
			.debit = b->balance_minor < 0 ? ledger_amount_minor(-b->balance_minor)
						      : (struct ledger_amount){ .form = LEDGER_AMOUNT_NONE },
			.credit = b->balance_minor > 0 ? ledger_amount_minor(b->balance_minor)
						       : (struct ledger_amount){ .form = LEDGER_AMOUNT_NONE },
		};
	}
	/* The year's result: a loss (debits left) debits retained earnings, a profit credits it. */
	if (result != 0)
		lines[n++] = (struct ledger_line_input){
			.account = retained_code,
			.debit = result > 0 ? ledger_amount_minor(result)
					    : (struct ledger_amount){ .form = LEDGER_AMOUNT_NONE },
			.credit = result < 0 ? ledger_amount_minor(-result)
					     : (struct ledger_amount){ .form = LEDGER_AMOUNT_NONE },
		};
	*line_count = n;
	return ERP_OK;
}

/* --- the rules, read under the locks ----------------------------------------------------------- */

/* Refuses a close while a period of the year is open, naming them. */
static int check_periods_closed(struct erp_ctx *ctx, struct year_change *c)
{
	const char *open = NULL;

	for (int row = 0; row < PQntuples(c->periods); row++) {
		const char *name = db_value(c->periods, row, "name");

		if (strcmp(db_value(c->periods, row, "status"), "open") != 0)
			continue;
		open = open ? arena_printf(ctx->arena, "%s, %s", open, name) : arena_strdup(ctx->arena, name);
		if (!open)
			return ERP_ERR_NO_MEMORY;
	}
	if (!open)
		return ERP_OK;
	return erp_refuse_made(&ctx->refusal, ERP_ERR_CONFLICT,
			       arena_printf(ctx->arena, "fiscal year %d has open periods: %s; every period"
					    " of the year is closed before the year is", c->fiscal_year, open));
}

/* The company's retained-earnings account (code, currency), or a refusal when none is set or it is inactive. */
static int retained_earnings(struct erp_ctx *ctx, PGresult **account)
{
	const char *company = ctx->company->id;
	int rc = db_query(ctx->db, ctx->arena, &ledger_sql_year_retained_earnings, 1, &company, account);

	if (rc)
		return rc;
	if (PQntuples(*account) == 0)
		return erp_refuse_made(&ctx->refusal, ERP_ERR_CONFLICT,
				       arena_printf(ctx->arena, "company %s has no retained-earnings account:"
						    " a holder of ledger.settings.manage names one (PUT"
						    " .../ledger-settings/retained-earnings-account) before a year"
						    " is closed", ctx->company->code));
	if (strcmp(db_value(*account, 0, "active"), "t") != 0)
		return erp_refuse_made(&ctx->refusal, ERP_ERR_CONFLICT,
				       arena_printf(ctx->arena, "the retained-earnings account %s is inactive",
						    db_value(*account, 0, "code")));
	return ERP_OK;
}

/* What the close needs, asked at the request and again at the confirmation. */
static int check_closable(struct erp_ctx *ctx, struct year_change *c, PGresult **account)
{
	int rc = check_periods_closed(ctx, c);

	return rc ? rc : retained_earnings(ctx, account);
}

/* --- the closing entry ------------------------------------------------------------------------- */

/* A refusal of the generated entry's lines (an inactive account, say) as the close's conflict. */
static int refuse_closing_entry(struct erp_ctx *ctx)
{
	const char *why = ctx->refusal.field_count ? ctx->refusal.fields[0].detail : ctx->refusal.detail;

	ctx->refusal = (struct erp_refusal){ 0 };
	return erp_refuse_made(&ctx->refusal, ERP_ERR_CONFLICT,
			       arena_printf(ctx->arena, "the closing entry cannot be posted: %s",
					    why ? why : "its lines are refused"));
}

/* Reads the year's balances into lines for the closing entry; *count 0 when nothing is to move. */
static int closing_lines(struct erp_ctx *ctx, struct year_change *c, PGresult *account,
			 struct ledger_line_input **lines, size_t *count)
{
	const char *params[] = { ctx->company->id, c->year_text };
	struct ledger_closing_balance *balances;
	const char *wrong;
	PGresult *res;
	int rows, rc = db_query(ctx->db, ctx->arena, &ledger_sql_year_balances, 2, params, &res);

	if (rc)
		return rc;
	rows = PQntuples(res);
	balances = arena_calloc(ctx->arena, (size_t)rows + 1, sizeof(*balances));
	*lines = arena_calloc(ctx->arena, (size_t)rows + 1, sizeof(**lines));
	if (!balances || !*lines)
		return ERP_ERR_NO_MEMORY;
	for (int row = 0; row < rows; row++)
		balances[row] = (struct ledger_closing_balance){
			.code = db_value(res, row, "code"), .currency = db_value(res, row, "currency"),
			.balance_minor = strtoll(db_value(res, row, "balance"), NULL, 10),
		};
	rc = ledger_closing_lines(balances, (size_t)rows, db_value(account, 0, "code"),
				  db_value(account, 0, "currency"), *lines, count, &wrong);
	if (rc == ERP_ERR_CONFLICT)
		return erp_refuse_made(&ctx->refusal, rc,
				       arena_printf(ctx->arena, "account %s is not kept in %s, the currency"
						    " of the retained-earnings account %s: its balance cannot"
						    " be closed to it", wrong, db_value(account, 0, "currency"),
						    db_value(account, 0, "code")));
	if (rc == ERP_ERR_OVERFLOW)
		return erp_refuse_made(&ctx->refusal, ERP_ERR_CONFLICT,
				       arena_printf(ctx->arena, "the closing entry would need more than %d"
						    " lines or amounts out of range", LEDGER_LINES_MAX));
	return rc;
}

/* Writes and posts the closing entry as the confirmer; *entry_id NULL when nothing is to move. */
static int post_closing_entry(struct erp_ctx *ctx, struct year_change *c, PGresult *account,
			      const char **entry_id, const char **number)
{
	struct ledger_entry_created created = { 0 };
	struct ledger_entry_posted posted = { 0 };
	struct ledger_line_input *lines;
	struct ledger_entry_input in;
	size_t count = 0;
	int rc = closing_lines(ctx, c, account, &lines, &count);

	*entry_id = *number = NULL;
	if (rc || count == 0)
		return rc;
	in = (struct ledger_entry_input){
		.date = field(c->before, "ends_on"), .source = "ledger.year-close",
		.memo = arena_printf(ctx->arena, "Year-end close %d: revenue and expenses to retained"
				     " earnings (%s)", c->fiscal_year, db_value(account, 0, "code")),
		.lines = lines, .line_count = count,
	};
	if (!in.memo)
		return ERP_ERR_NO_MEMORY;
	erp_uuid_v7_text(created.id);
	rc = ledger_entry_create_in(ctx, &in, NULL, false, &created);
	if (!rc)
		rc = ledger_entry_post_in(ctx, &(struct ledger_posting_input){
			.id = created.id, .document_approved = true, .year_close = true }, &posted);
	if (rc == ERP_ERR_INVALID || rc == ERP_ERR_FORBIDDEN)
		return refuse_closing_entry(ctx);
	if (rc)
		return rc;
	*entry_id = arena_strdup(ctx->arena, created.id);
	*number = arena_strdup(ctx->arena, posted.number);
	return *entry_id && *number ? ERP_OK : ERP_ERR_NO_MEMORY;
}

/* --- the steps --------------------------------------------------------------------------------- */

static int refuse_if_closed(struct erp_ctx *ctx, struct year_change *c)
{
	if (strcmp(field(c->before, "status"), "closed") != 0)
		return ERP_OK;
	return erp_refuse_made(&ctx->refusal, ERP_ERR_CONFLICT,
			       arena_printf(ctx->arena, "fiscal year %d is already closed (%s)",
					    c->fiscal_year, field(c->before, "closing_entry_number")
								? field(c->before, "closing_entry_number")
								: "nothing to move"));
}

static int refuse_none_pending(struct erp_ctx *ctx, struct year_change *c)
{
	return erp_refuse_made(&ctx->refusal, ERP_ERR_CONFLICT,
			       arena_printf(ctx->arena, "no close of fiscal year %d is pending: ask for"
					    " it first (POST .../fiscal-years/%d/close)", c->fiscal_year,
					    c->fiscal_year));
}

static int request_close(struct erp_ctx *ctx, struct year_change *c)
{
	const char *requester = field(c->before, "close_requested_by");
	const char *params[] = { ctx->company->id, c->year_text, ctx->actor_id };
	PGresult *account;
	int rc = refuse_if_closed(ctx, c);

	if (rc)
		return rc;
	if (requester)
		return erp_refuse_made(&ctx->refusal, ERP_ERR_CONFLICT,
				       arena_printf(ctx->arena, "a close of fiscal year %d was already"
						    " requested by %s at %s: confirm or cancel it",
						    c->fiscal_year, requester,
						    field(c->before, "close_requested_at")));
	rc = check_closable(ctx, c, &account);
	return rc ? rc : resource_query_json(ctx->db, ctx->arena, &ledger_sql_year_request_close, 3,
					     params, &c->after);
}

/*
 * A request stands only while its requester is active: else one holder of
 * ledger.year.close could close the year alone on the request of someone
 * who has left (the request is cancelled and asked for again).
 */
static int check_requester_active(struct erp_ctx *ctx, struct year_change *c, const char *requester)
{
	PGresult *res;
	int rc = db_query(ctx->db, ctx->arena, &ledger_sql_year_requester_active, 1, &requester, &res);

	if (rc)
		return rc;
	if (PQntuples(res) == 1 && strcmp(db_value(res, 0, "active"), "t") == 0)
		return ERP_OK;
	return erp_refuse_made(&ctx->refusal, ERP_ERR_CONFLICT,
			       arena_printf(ctx->arena, "the close of fiscal year %d was asked for by %s,"
					    " who has since been deactivated: cancel it (POST"
					    " .../fiscal-years/%d/close/cancel) and ask again",
					    c->fiscal_year, requester, c->fiscal_year));
}

/*
 * Whether the locked year is at the version the confirmer read: a request
 * cancelled and asked for again meanwhile is not the one they reviewed.
 */
static int check_reviewed(struct erp_ctx *ctx, struct year_change *c, const char *requester)
{
	if (json_integer_value(json_object_get(c->before, "version")) == c->expected_version)
		return ERP_OK;
	return erp_refuse_made(&ctx->refusal, ERP_ERR_STALE,
			       arena_printf(ctx->arena, "the close of fiscal year %d changed since you"
					    " read it: it is now asked for by %s at %s; read the year"
					    " again before you confirm", c->fiscal_year, requester,
					    field(c->before, "close_requested_at")));
}

static int confirm_close(struct erp_ctx *ctx, struct year_change *c)
{
	const char *requester = field(c->before, "close_requested_by"), *entry_id, *number;
	const char *params[4] = { ctx->company->id, c->year_text, ctx->actor_id };
	PGresult *account;
	int rc = refuse_if_closed(ctx, c);

	if (rc)
		return rc;
	if (!requester)
		return refuse_none_pending(ctx, c);
	if (strcmp(requester, ctx->actor_id) == 0)
		return erp_refuse_made(&ctx->refusal, ERP_ERR_FORBIDDEN,
				       arena_printf(ctx->arena, "four-eyes: you asked for the close of fiscal"
						    " year %d; another user with ledger.year.close must"
						    " confirm it", c->fiscal_year));
	rc = check_reviewed(ctx, c, requester);
	if (!rc)
		rc = check_requester_active(ctx, c, requester);
	if (!rc)
		rc = check_closable(ctx, c, &account);
	if (!rc)
		rc = post_closing_entry(ctx, c, account, &entry_id, &number);
	if (rc)
		return rc;
	params[3] = entry_id;
	c->reason = arena_printf(ctx->arena, "close requested by %s at %s; closing entry %s", requester,
				 field(c->before, "close_requested_at"), number ? number : "none (nothing to move)");
	if (!c->reason)
		return ERP_ERR_NO_MEMORY;
	return resource_query_json(ctx->db, ctx->arena, &ledger_sql_year_confirm_close, 4, params,
				   &c->after);
}

static int cancel_close(struct erp_ctx *ctx, struct year_change *c)
{
	const char *params[] = { ctx->company->id, c->year_text };
	int rc = refuse_if_closed(ctx, c);

	if (rc)
		return rc;
	if (!field(c->before, "close_requested_by"))
		return refuse_none_pending(ctx, c);
	return resource_query_json(ctx->db, ctx->arena, &ledger_sql_year_cancel_close, 2, params,
				   &c->after);
}

/* Refuses a reopening while the next year is closed, or while the closing entry's period is locked. */
static int check_reopenable(struct erp_ctx *ctx, struct year_change *c)
{
	const char *params[] = { ctx->company->id, c->year_text };
	int last = PQntuples(c->periods) - 1;
	PGresult *next;
	int rc = db_query(ctx->db, ctx->arena, &ledger_sql_year_share_next, 2, params, &next);

	if (rc)
		return rc;
	if (PQntuples(next) && strcmp(db_value(next, 0, "status"), "closed") == 0)
		return erp_refuse_made(&ctx->refusal, ERP_ERR_CONFLICT,
				       arena_printf(ctx->arena, "fiscal year %d is closed: fiscal year %d"
						    " reopens only while the year after it is open",
						    c->fiscal_year + 1, c->fiscal_year));
	if (field(c->before, "closing_entry_id") && last >= 0 &&
	    strcmp(db_value(c->periods, last, "status"), "locked") == 0)
		return erp_refuse_made(&ctx->refusal, ERP_ERR_CONFLICT,
				       arena_printf(ctx->arena, "period %s, which holds the closing entry"
						    " %s, is locked for good: its reversal cannot be posted",
						    db_value(c->periods, last, "name"),
						    field(c->before, "closing_entry_number")));
	return ERP_OK;
}

static int reopen(struct erp_ctx *ctx, struct year_change *c)
{
	const char *params[] = { ctx->company->id, c->year_text };
	const char *closing = field(c->before, "closing_entry_id");
	const char *number = field(c->before, "closing_entry_number");
	struct ledger_entry_posted mirror = { 0 };
	int rc;

	if (strcmp(field(c->before, "status"), "closed") != 0)
		return erp_refuse_made(&ctx->refusal, ERP_ERR_CONFLICT,
				       arena_printf(ctx->arena, "fiscal year %d is not closed",
						    c->fiscal_year));
	rc = check_reopenable(ctx, c);
	if (rc)
		return rc;
	/* The year opens first: the reversal is a posting into an open year. */
	rc = resource_query_json(ctx->db, ctx->arena, &ledger_sql_year_reopen, 2, params, &c->after);
	if (rc || !closing)
		return rc;
	erp_uuid_v7_text(mirror.id);
	rc = ledger_entry_reverse_in(ctx, &(struct ledger_posting_input){
		.id = closing, .date = field(c->before, "ends_on"), .document_approved = true,
		.year_close = true,
		.memo = arena_printf(ctx->arena, "Reopening of fiscal year %d: reversal of %s",
				     c->fiscal_year, number) }, &mirror);
	if (rc == ERP_ERR_INVALID || rc == ERP_ERR_FORBIDDEN)
		return refuse_closing_entry(ctx);
	if (rc)
		return rc;
	c->reason = arena_printf(ctx->arena, "closing entry %s reversed by %s", number, mirror.number);
	return c->reason ? ERP_OK : ERP_ERR_NO_MEMORY;
}

static int audit_step(struct erp_ctx *ctx, struct year_change *c)
{
	static const char *const fields[] = { "status", "close_requested_by", "close_requested_at",
					      "closed_by", "closed_at", "closing_entry_id" };
	static const char *const event_fields[] = { "fiscal_year", "status", "starts_on", "ends_on",
						    "close_requested_by", "close_requested_at",
						    "closed_by", "closed_at", "closing_entry_id",
						    "closing_entry_number", "version" };
	const char *action = steps[c->step].action;
	int rc = audit_record_changes(ctx->db, &(struct audit_event){
		.actor_id = ctx->actor_id, .action = action, .company_id = ctx->company->id,
		.entity = "fiscal_year", .entity_id = c->year_text, .request_id = ctx->request_id,
		.reason = c->reason }, c->before, c->after, fields, ERP_COUNT(fields));

	return rc ? rc : event_record_change(ctx->db, &(struct domain_event){
		.type = action, .company_id = ctx->company->id, .entity = "fiscal_year",
		.entity_id = c->year_text, .actor_id = ctx->actor_id, .request_id = ctx->request_id },
		c->before, c->after, event_fields, ERP_COUNT(event_fields));
}

/* Every period of the year, then the year's row, locked until commit, in one round trip. */
static int lock_year(struct erp_ctx *ctx, struct year_change *c)
{
	const char *params[] = { ctx->company->id, c->year_text };
	struct db_batch *batch = db_batch_new(ctx->arena);
	PGresult *year;
	int rc;

	db_batch_add(batch, &ledger_sql_year_lock_periods, 2, params, &c->periods);
	db_batch_add(batch, &ledger_sql_year_lock, 2, params, &year);
	rc = db_batch_run(ctx->db, batch);
	if (rc)
		return rc;
	if (PQntuples(year) == 0)
		return ERP_ERR_NOT_FOUND;
	return db_value_json(ctx->arena, year, 0, "year", &c->before);
}

static int step_work(struct erp_ctx *ctx, void *state)
{
	struct year_change *c = state;
	int rc = lock_year(ctx, c);

	c->reason = NULL;
	if (rc)
		return rc;
	switch (c->step) {
	case LEDGER_YEAR_REQUEST_CLOSE:
		rc = request_close(ctx, c);
		break;
	case LEDGER_YEAR_CONFIRM_CLOSE:
		rc = confirm_close(ctx, c);
		break;
	case LEDGER_YEAR_CANCEL_CLOSE:
		rc = cancel_close(ctx, c);
		break;
	case LEDGER_YEAR_REOPEN:
		rc = reopen(ctx, c);
		break;
	}
	return rc ? rc : audit_step(ctx, c);
}

int ledger_fiscal_year_change(struct erp_ctx *ctx, int fiscal_year, enum ledger_year_step step,
			      int expected_version, json_t **year)
{
	struct year_change c = { .fiscal_year = fiscal_year, .step = step,
				 .expected_version = expected_version };
	int rc;

	if ((size_t)step >= ERP_COUNT(steps))
		return ERP_ERR_INTERNAL;
	if (!ctx->company || fiscal_year < 1900 || fiscal_year > 9999)
		return ERP_ERR_NOT_FOUND;
	snprintf(c.year_text, sizeof(c.year_text), "%d", fiscal_year);
	rc = db_usecase_transaction(ctx, step_work, &c);
	if (!rc)
		*year = c.after;
	return rc;
}

int ledger_fiscal_year_read(struct erp_ctx *ctx, int fiscal_year, json_t **year)
{
	char text[16];
	const char *params[2];

	if (!ctx->company || fiscal_year < 1900 || fiscal_year > 9999)
		return ERP_ERR_NOT_FOUND;
	snprintf(text, sizeof(text), "%d", fiscal_year);
	params[0] = ctx->company->id;
	params[1] = text;
	return resource_query_json(ctx->db, ctx->arena, &ledger_sql_year_get, 2, params, year);
}
