/*
 * Journal entries: write a draft (a caller's guard against repeats
 * honoured), read, replace or delete a draft (its author only), post
 * (four-eyes) and reverse; the draft of a deactivated author is taken over
 * by someone active or discarded by a controller. Each change is audited
 * and announced (ledger.entry.*).
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

int ledger_entry_check(struct erp_refusal *refusal, const struct ledger_entry_input *in,
		       bool creating)
{
	if (!in->source)
		return ERP_OK;
	if (!creating)
		return erp_refuse_field_code(refusal, "/source", "format",
					     "the source of an entry cannot change");
	if (ledger_is_source(in->source))
		return ERP_OK;
	return erp_refuse_field_code(refusal, "/source", "format",
				     "must be lower-case letters, digits, '.', '_' or '-', starting with a letter");
}

/* --- the lines: their accounts, their rules, their rows ----------------------------------- */

static char *dump_to_arena(struct arena *arena, json_t *value)
{
	char *text = value ? erp_json_dumps(value, JSON_COMPACT) : NULL;

	json_decref(value);
	if (text && arena_cleanup_add(arena, free, text))
		return NULL; /* the cleanup list freed it */
	return text;
}

/* The input's lines as the rules check them (arena); NULL when out of memory. */
static struct ledger_line *lines_of(struct arena *arena, const struct ledger_entry_input *in)
{
	struct ledger_line *lines = arena_calloc(arena, in->line_count ? in->line_count : 1,
						 sizeof(*lines));

	for (size_t i = 0; lines && i < in->line_count; i++) {
		lines[i].account = in->lines[i].account;
		lines[i].debit = in->lines[i].debit;
		lines[i].credit = in->lines[i].credit;
		lines[i].description = in->lines[i].description;
		lines[i].unread = in->lines[i].unread;
	}
	return lines;
}

/* Queues the lookup of the lines' accounts (those named and read) in the company on batch; *res after the run. */
static int queue_accounts(struct erp_ctx *ctx, struct db_batch *batch, const struct ledger_line *lines,
			  size_t count, PGresult **res)
{
	json_t *codes = json_array();
	const char *params[2] = { ctx->company->id, NULL };

	for (size_t i = 0; codes && i < count; i++)
		if (lines[i].account && !(lines[i].unread & (LEDGER_UNREAD_LINE | LEDGER_UNREAD_ACCOUNT)) &&
		    json_array_append_new(codes, json_string(lines[i].account)))
			json_decref(codes), codes = NULL;
	params[1] = dump_to_arena(ctx->arena, codes);
	if (!params[1])
		return ERP_ERR_NO_MEMORY;
	return db_batch_add(batch, &ledger_sql_accounts_resolve, 2, params, res);
}

/* Fills found, active, account_id, currency and exponent of each line from the accounts found. */
static void accounts_found(PGresult *res, struct ledger_line *lines, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		struct ledger_line *line = &lines[i];

		line->found = false;
		for (int row = 0; line->account && row < PQntuples(res) && !line->found; row++) {
			const char *code = db_value(res, row, "code");

			if (!code || strcmp(code, line->account) != 0)
				continue;
			line->found = true;
			snprintf(line->account_id, sizeof(line->account_id), "%s",
				 db_value(res, row, "account_id"));
			snprintf(line->currency, sizeof(line->currency), "%s", db_value(res, row, "currency"));
			line->exponent = (int)strtol(db_value(res, row, "exponent"), NULL, 10);
			line->active = strcmp(db_value(res, row, "active"), "t") == 0;
		}
	}
}

/* The rules on the resolved lines; a refusal of every line that breaks one. */
static int check_lines(struct erp_ctx *ctx, struct ledger_line *lines, size_t count)
{
	int problems = ledger_check_lines(lines, count, &ctx->refusal, ctx->arena);

	if (problems < 0)
		return ERP_ERR_NO_MEMORY;
	if (problems > 0)
		return erp_refuse(&ctx->refusal, ERP_ERR_INVALID, "the journal entry is not valid");
	return ERP_OK;
}

/* Resolves the lines' accounts in a round trip of their own, then checks the lines. */
static int resolve_and_check(struct erp_ctx *ctx, struct ledger_line *lines, size_t count)
{
	struct db_batch *batch = db_batch_new(ctx->arena);
	PGresult *res;
	int rc = queue_accounts(ctx, batch, lines, count, &res);

	if (!rc)
		rc = db_batch_run(ctx->db, batch);
	if (rc)
		return rc;
	accounts_found(res, lines, count);
	return check_lines(ctx, lines, count);
}

int ledger_entry_validate(struct erp_ctx *ctx, const struct ledger_entry_input *in, bool creating)
{
	struct ledger_line *lines;
	int rc = ledger_entry_check(&ctx->refusal, in, creating);

	if (rc && rc != ERP_ERR_INVALID)
		return rc;
	if (in->lines && ctx->company) {
		lines = lines_of(ctx->arena, in);
		rc = lines ? resolve_and_check(ctx, lines, in->line_count) : ERP_ERR_NO_MEMORY;
		if (rc && rc != ERP_ERR_INVALID) {
			/* A failure (the database, memory): no half list of the problems. */
			ctx->refusal = (struct erp_refusal){ 0 };
			return rc;
		}
	}
	return erp_refused(&ctx->refusal) ? ctx->refusal.code : ERP_OK;
}

/* [{"line_no","account_id","debit","credit","description"}] as the statements take them. */
static const char *lines_rows(struct arena *arena, const struct ledger_line *lines, size_t count)
{
	json_t *rows = json_array();

	for (size_t i = 0; rows && i < count; i++) {
		json_t *row = json_pack("{s:I, s:s, s:I, s:I, s:s?}", "line_no", (json_int_t)(i + 1),
					"account_id", lines[i].account_id, "debit",
					(json_int_t)lines[i].debit_minor, "credit",
					(json_int_t)lines[i].credit_minor, "description",
					lines[i].description);

		if (json_array_append_new(rows, row))
			json_decref(rows), rows = NULL;
	}
	return dump_to_arena(arena, rows);
}

/* Checked lines as the entry shows them: [{"line","account","currency","debit"|"credit","description"?}]. */
static json_t *lines_json(const struct ledger_line *lines, size_t count)
{
	json_t *array = json_array();

	for (size_t i = 0; array && i < count; i++) {
		const struct ledger_line *l = &lines[i];
		char amount[ERP_MONEY_TEXT_MAX + 1];
		json_t *line;

		erp_money_format(l->debit_minor ? l->debit_minor : l->credit_minor, l->exponent, amount,
				 sizeof(amount));
		line = json_pack("{s:I, s:s, s:s, s:s, s:s*}", "line", (json_int_t)(i + 1), "account",
				 l->account, "currency", l->currency, l->debit_minor ? "debit" : "credit",
				 amount, "description", l->description);
		if (json_array_append_new(array, line))
			json_decref(array), array = NULL;
	}
	return array;
}

/* --- what several changes share ------------------------------------------------------------ */

/* A change of an entry: the one acted on, and how it looked before and after. */
struct entry_change {
	const char *id;
	json_t *before;
	json_t *after;
};

int ledger_entry_json(struct erp_ctx *ctx, const char *id, json_t **entry)
{
	const char *params[] = { ctx->company->id, id };

	return resource_query_json(ctx->db, ctx->arena, &ledger_sql_entry_get, 2, params, entry);
}

int ledger_entry_read(struct erp_ctx *ctx, const char *id, json_t **entry)
{
	return ctx->company ? ledger_entry_json(ctx, id, entry) : ERP_ERR_NOT_FOUND;
}

/* The audit event of a change of the entry: fields old -> new. */
static int audit_entry_fields(struct erp_ctx *ctx, const char *id, const char *action, json_t *before,
			      json_t *after, const char *const *fields, size_t count)
{
	return audit_record_changes(ctx->db, &(struct audit_event){
		.actor_id = ctx->actor_id, .action = action, .company_id = ctx->company->id,
		.entity = "journal_entry", .entity_id = id, .request_id = ctx->request_id },
		before, after, fields, count);
}

static int audit_entry(struct erp_ctx *ctx, struct entry_change *c, const char *action)
{
	static const char *const fields[] = { "date", "memo", "reference", "lines" };

	return audit_entry_fields(ctx, c->id, action, c->before, c->after, fields, ERP_COUNT(fields));
}

/* The domain event ledger.entry.<verb> of the change, by the actor, in the company's stream. */
static int record_entry_event(struct erp_ctx *ctx, const char *type, json_t *before, json_t *after)
{
	return ledger_entry_event(ctx->db, &(struct domain_event){
		.type = type, .company_id = ctx->company->id, .actor_id = ctx->actor_id,
		.request_id = ctx->request_id }, before, after);
}

/* Locks the entry of the company: status, author_id, version, number, author_active. */
static int lock_entry(struct erp_ctx *ctx, const char *id, PGresult **res)
{
	const char *key[] = { ctx->company->id, id };
	int rc = db_query(ctx->db, ctx->arena, &ledger_sql_entry_lock, 2, key, res);

	if (rc)
		return rc;
	return PQntuples(*res) == 0 ? ERP_ERR_NOT_FOUND : ERP_OK;
}

/* Refuses a change of the locked entry in res unless action is allowed in its status. */
static int check_status(struct erp_ctx *ctx, PGresult *res, enum ledger_action action)
{
	if (ledger_action_allowed(db_value(res, 0, "status"), action))
		return ERP_OK;
	return erp_refuse_made(&ctx->refusal, ERP_ERR_CONFLICT,
			       arena_printf(ctx->arena, "entry %s is posted; posted entries are"
					    " corrected by reversing them", db_value(res, 0, "number")));
}

/* Whether the locked entry in res is at the version read. */
static int check_version(struct erp_ctx *ctx, PGresult *res, int expected_version)
{
	if (strtol(db_value(res, 0, "version"), NULL, 10) == expected_version)
		return ERP_OK;
	return erp_refuse(&ctx->refusal, ERP_ERR_STALE,
			  "the entry was changed since you read it; read it again");
}

/* Locks the entry and checks it is a draft of the actor's (and, to edit it, unchanged). */
static int lock_own_draft(struct erp_ctx *ctx, struct entry_change *c, enum ledger_action action,
			  int expected_version)
{
	const char *author;
	PGresult *res;
	int rc = lock_entry(ctx, c->id, &res);

	if (!rc)
		rc = check_status(ctx, res, action);
	if (rc)
		return rc;
	author = db_value(res, 0, "author_id");
	if (!author || strcmp(author, ctx->actor_id) != 0)
		return erp_refuse(&ctx->refusal, ERP_ERR_FORBIDDEN,
				  "only the author of a draft may change or delete it");
	if (action == LEDGER_EDIT) {
		rc = check_version(ctx, res, expected_version);
		if (rc)
			return rc;
	}
	return ledger_entry_json(ctx, c->id, &c->before);
}

/* --- create -------------------------------------------------------------------------------- */

struct entry_creation {
	const struct ledger_entry_input *in;
	const struct ledger_create_guard *guard;
	bool announce;
	struct ledger_entry_created *out;
};

/*
 * The audit event of a new draft, from the checked input (the answer passes
 * through unparsed): the same fields and line shape as later changes.
 */
static int audit_created(struct erp_ctx *ctx, const struct entry_creation *c,
			 const struct ledger_line *lines)
{
	static const char *const fields[] = { "date", "memo", "reference", "lines" };
	json_t *json = lines_json(lines, c->in->line_count);
	json_t *after = json ? json_pack("{s:s, s:s, s:s*, s:o}", "date", c->in->date, "memo",
					 c->in->memo, "reference", c->in->reference, "lines", json)
			     : NULL;
	int rc;

	if (!after)
		return ERP_ERR_NO_MEMORY;
	rc = audit_entry_fields(ctx, c->out->id, "ledger.journal.created", NULL, after, fields,
				ERP_COUNT(fields));
	json_decref(after);
	return rc;
}

/* ledger.entry.created, from the new draft as the answer shows it. */
static int record_created(struct erp_ctx *ctx, const char *entry)
{
	json_t *doc = erp_json_loadb(entry, strlen(entry), 0, NULL, NULL);
	int rc = doc ? record_entry_event(ctx, "ledger.entry.created", NULL, doc)
		     : ERP_ERR_NO_MEMORY; /* our own JSON: only memory can fail it */

	json_decref(doc);
	return rc;
}

/* The guard's claim and the accounts in one round trip; *replayed when the guard found an answer. */
static int claim_and_resolve(struct erp_ctx *ctx, const struct entry_creation *c,
			     struct ledger_line *lines, bool *replayed)
{
	struct db_batch *batch = db_batch_new(ctx->arena);
	PGresult *accounts;
	int rc;

	*replayed = false;
	if (c->guard)
		c->guard->queue(c->guard->state, batch);
	rc = queue_accounts(ctx, batch, lines, c->in->line_count, &accounts);
	if (!rc)
		rc = db_batch_run(ctx->db, batch);
	if (!rc && c->guard)
		rc = c->guard->claimed(c->guard->state, replayed);
	if (!rc && !*replayed)
		accounts_found(accounts, lines, c->in->line_count);
	return rc;
}

static int create_work(struct erp_ctx *ctx, void *state)
{
	struct entry_creation *c = state;
	const struct ledger_entry_input *in = c->in;
	struct ledger_line *lines = lines_of(ctx->arena, in);
	const char *params[9];
	PGresult *res;
	int rc;

	if (!lines)
		return ERP_ERR_NO_MEMORY;
	c->out->entry = NULL;
	rc = claim_and_resolve(ctx, c, lines, &c->out->replayed);
	if (rc || c->out->replayed)
		return rc;
	rc = check_lines(ctx, lines, in->line_count);
	if (rc)
		return rc;
	params[0] = c->out->id;
	params[1] = ctx->company->id;
	params[2] = in->date;
	params[3] = in->memo;
	params[4] = in->reference;
	params[5] = in->source;
	params[6] = ctx->actor_id;
	params[7] = lines_rows(ctx->arena, lines, in->line_count);
	params[8] = NULL;
	if (!params[7])
		return ERP_ERR_NO_MEMORY;
	rc = db_query(ctx->db, ctx->arena, &ledger_sql_entry_insert, 9, params, &res);
	if (rc)
		return rc;
	c->out->entry = db_value(res, 0, "entry"); /* lives as long as the arena */
	rc = audit_created(ctx, c, lines);
	if (!rc && c->guard)
		rc = c->guard->keep(c->guard->state, ctx->db, c->out->id, c->out->entry);
	if (!rc && c->announce)
		rc = record_created(ctx, c->out->entry);
	return rc;
}

int ledger_entry_create_in(struct erp_ctx *ctx, const struct ledger_entry_input *in,
			   const struct ledger_create_guard *guard, bool announce,
			   struct ledger_entry_created *out)
{
	struct entry_creation c = { .in = in, .guard = guard, .announce = announce, .out = out };
	int rc = ledger_entry_check(&ctx->refusal, in, true);

	if (rc)
		return rc;
	return ctx->company ? create_work(ctx, &c) : ERP_ERR_NOT_FOUND;
}

/*
 * Three round trips (the company comes resolved with the context): the
 * guard's claim with the lines' accounts; the insert, which renders the
 * answer; the audit event, the guard's answer and the domain event with
 * COMMIT (db_query_at_commit()).
 */
int ledger_entry_create(struct erp_ctx *ctx, const struct ledger_entry_input *in,
			const struct ledger_create_guard *guard, struct ledger_entry_created *out)
{
	struct entry_creation c = { .in = in, .guard = guard, .announce = true, .out = out };
	int rc = ledger_entry_check(&ctx->refusal, in, true);

	if (rc)
		return rc;
	if (!ctx->company)
		return ERP_ERR_NOT_FOUND;
	erp_uuid_v7_text(out->id);
	return db_usecase_transaction(ctx, create_work, &c);
}

/* --- the author's draft: replace, delete ---------------------------------------------------- */

struct entry_update {
	const struct ledger_entry_input *in;
	struct entry_change change;
};

static int replace(struct erp_ctx *ctx, const struct ledger_entry_input *in,
		   const struct ledger_line *lines)
{
	const char *head[] = { in->id, in->date, in->memo, in->reference };
	const char *insert[] = { in->id, lines_rows(ctx->arena, lines, in->line_count) };
	int rc;

	if (!insert[1])
		return ERP_ERR_NO_MEMORY;
	rc = resource_exec_one(ctx->db, &ledger_sql_entry_update_header, 4, head);
	if (!rc)
		rc = db_query(ctx->db, NULL, &ledger_sql_entry_lines_delete, 1, &in->id, NULL);
	return rc ? rc : db_query(ctx->db, NULL, &ledger_sql_entry_lines_insert, 2, insert, NULL);
}

static int update_work(struct erp_ctx *ctx, void *state)
{
	struct entry_update *u = state;
	struct entry_change *c = &u->change;
	struct ledger_line *lines = lines_of(ctx->arena, u->in);
	int rc = lines ? lock_own_draft(ctx, c, LEDGER_EDIT, u->in->expected_version) : ERP_ERR_NO_MEMORY;

	if (!rc)
		rc = resolve_and_check(ctx, lines, u->in->line_count);
	if (!rc)
		rc = replace(ctx, u->in, lines);
	if (!rc)
		rc = ledger_entry_json(ctx, c->id, &c->after);
	if (!rc)
		rc = audit_entry(ctx, c, "ledger.journal.updated");
	return rc ? rc : record_entry_event(ctx, "ledger.entry.updated", c->before, c->after);
}

int ledger_entry_update(struct erp_ctx *ctx, const struct ledger_entry_input *in, json_t **entry)
{
	struct entry_update u = { .in = in, .change = { .id = in->id } };
	int rc = ledger_entry_check(&ctx->refusal, in, false);

	if (rc)
		return rc;
	if (!ctx->company)
		return ERP_ERR_NOT_FOUND;
	rc = db_usecase_transaction(ctx, update_work, &u);
	if (!rc)
		*entry = u.change.after;
	return rc;
}

static int delete_work(struct erp_ctx *ctx, void *state)
{
	struct entry_change *c = state;
	int rc = lock_own_draft(ctx, c, LEDGER_DELETE, 0);

	if (!rc)
		rc = resource_exec_one(ctx->db, &ledger_sql_entry_delete, 1, &c->id);
	if (!rc)
		rc = audit_entry(ctx, c, "ledger.journal.deleted");
	return rc ? rc : record_entry_event(ctx, "ledger.entry.deleted", c->before, NULL);
}

int ledger_entry_delete(struct erp_ctx *ctx, const char *id)
{
	struct entry_change c = { .id = id };

	return ctx->company ? db_usecase_transaction(ctx, delete_work, &c) : ERP_ERR_NOT_FOUND;
}

/* --- post, reverse ---------------------------------------------------------------------------- */

struct posting {
	const struct ledger_posting_input *in;
	struct ledger_entry_posted *out;
};

/* Posts out->id (set), under the rules in gives; the number and the entry after in out. */
static int post(struct erp_ctx *ctx, const struct ledger_posting_input *in, const char *reverses_author,
		int expected_version, struct ledger_entry_posted *out)
{
	struct ledger_post p = {
		.entry_id = out->id, .expected_version = expected_version,
		.four_eyes = !in->document_approved, .may_post_closed = in->may_post_closed,
		.reverses_author = reverses_author, .year_close = in->year_close,
	};
	int rc = ledger_post_draft(ctx, &p);

	if (!rc) {
		snprintf(out->number, sizeof(out->number), "%s", p.number);
		out->entry = p.entry;
	}
	return rc;
}

int ledger_entry_post_in(struct erp_ctx *ctx, const struct ledger_posting_input *in,
			 struct ledger_entry_posted *out)
{
	if (!ctx->company)
		return ERP_ERR_NOT_FOUND;
	snprintf(out->id, sizeof(out->id), "%s", in->id);
	return post(ctx, in, NULL, in->expected_version, out);
}

static int post_work(struct erp_ctx *ctx, void *state)
{
	struct posting *p = state;

	return ledger_entry_post_in(ctx, p->in, p->out);
}

/* Three round trips (posting.c); the company is named by its id in the first. */
int ledger_entry_post(struct erp_ctx *ctx, const struct ledger_posting_input *in,
		      struct ledger_entry_posted *out)
{
	struct posting p = { .in = in, .out = out };

	return ctx->company ? db_usecase_transaction(ctx, post_work, &p) : ERP_ERR_NOT_FOUND;
}

/*
 * ledger.entry.reversed, about the original entry: its mirror (just posted,
 * which has its own ledger.entry.posted) and the mirror's number.
 */
static int record_reversed(struct erp_ctx *ctx, struct posting *p, const char *number)
{
	json_t *payload = json_pack("{s:s, s:s, s:s, s:s}", "id", p->in->id, "number", number,
				    "reversed_by", p->out->id, "reversal_number", p->out->number);
	int rc = payload ? event_record(ctx->db, &(struct domain_event){
		.type = "ledger.entry.reversed", .company_id = ctx->company->id,
		.entity = "journal_entry", .entity_id = p->in->id, .actor_id = ctx->actor_id,
		.request_id = ctx->request_id, .payload = payload }) : ERP_ERR_NO_MEMORY;

	json_decref(payload);
	return rc;
}

/*
 * Who counts as the author of the entry reversed, for four-eyes: "" for an
 * entry without an author (a module's posting: nobody to keep apart), and
 * the actor when they wrote it or any entry it reverses (reversing a
 * reversal re-posts the original).
 */
static int reversed_author(struct erp_ctx *ctx, const char *id, PGresult *locked, const char **author)
{
	const char *params[] = { id, ctx->actor_id };
	PGresult *res;
	int rc = db_query(ctx->db, ctx->arena, &ledger_sql_entry_chain_authored_by, 2, params, &res);

	if (rc)
		return rc;
	*author = strcmp(db_value(res, 0, "authored"), "t") == 0 ? ctx->actor_id
								   : db_value(locked, 0, "author_id");
	*author = arena_strdup(ctx->arena, *author ? *author : "");
	return *author ? ERP_OK : ERP_ERR_NO_MEMORY;
}

static int reverse_work(struct erp_ctx *ctx, void *state)
{
	struct posting *p = state;
	const char *insert[5], *author;
	PGresult *res;
	int rc = lock_entry(ctx, p->in->id, &res);

	if (rc)
		return rc;
	if (!ledger_action_allowed(db_value(res, 0, "status"), LEDGER_REVERSE))
		return erp_refuse(&ctx->refusal, ERP_ERR_CONFLICT,
				  "only posted entries are reversed; edit or delete a draft instead");
	/*
	 * The reverser binds to the posted entry they read, as a poster to the
	 * draft; a year's reopening binds to the year's row instead (year_close.c).
	 */
	rc = p->in->year_close ? ERP_OK : check_version(ctx, res, p->in->expected_version);
	if (!rc)
		rc = reversed_author(ctx, p->in->id, res, &author);
	if (rc)
		return rc;
	insert[0] = p->out->id;
	insert[1] = p->in->id;
	insert[2] = p->in->date;
	insert[3] = p->in->memo;
	insert[4] = ctx->actor_id;
	rc = db_query(ctx->db, NULL, &ledger_sql_entry_insert_reversal, 5, insert, NULL);
	if (rc == ERP_ERR_CONFLICT)
		return erp_refuse_made(&ctx->refusal, ERP_ERR_CONFLICT,
				       arena_printf(ctx->arena, "entry %s is already reversed",
						    db_value(res, 0, "number")));
	if (!rc)
		rc = audit_record(ctx->db, &(struct audit_event){
			.actor_id = ctx->actor_id, .action = "ledger.journal.reversed",
			.company_id = ctx->company->id, .entity = "journal_entry", .entity_id = p->in->id,
			.request_id = ctx->request_id,
			.reason = arena_printf(ctx->arena, "reversed by entry %s", p->out->id) });
	if (!rc)
		rc = post(ctx, p->in, author, 0, p->out);
	return rc ? rc : record_reversed(ctx, p, db_value(res, 0, "number"));
}

int ledger_entry_reverse_in(struct erp_ctx *ctx, const struct ledger_posting_input *in,
			    struct ledger_entry_posted *out)
{
	struct posting p = { .in = in, .out = out };

	return ctx->company ? reverse_work(ctx, &p) : ERP_ERR_NOT_FOUND;
}

int ledger_entry_reverse(struct erp_ctx *ctx, const struct ledger_posting_input *in,
			 struct ledger_entry_posted *out)
{
	struct ledger_posting_input dated = *in;
	struct posting p = { .in = &dated, .out = out };
	char today[11];

	if (!ctx->company)
		return ERP_ERR_NOT_FOUND;
	if (!dated.date) {
		ledger_today(today);
		dated.date = today;
	}
	erp_uuid_v7_text(out->id);
	return db_usecase_transaction(ctx, reverse_work, &p);
}

/* --- the drafts of a deactivated author: take over, discard ------------------------------------- */

struct left_draft {
	struct entry_change change;
	int expected_version;      /* a take-over: the version read */
};

/* Locks the draft and checks its author is deactivated; refuses with active_refusal otherwise. */
static int lock_left_draft(struct erp_ctx *ctx, const char *id, enum ledger_action action,
			   const char *active_refusal, PGresult **res)
{
	int rc = lock_entry(ctx, id, res);

	if (!rc)
		rc = check_status(ctx, *res, action);
	if (rc)
		return rc;
	if (strcmp(db_value(*res, 0, "author_active"), "t") == 0)
		return erp_refuse(&ctx->refusal, ERP_ERR_CONFLICT, active_refusal);
	return ERP_OK;
}

static int take_over_work(struct erp_ctx *ctx, void *state)
{
	static const char *const fields[] = { "author_id" };
	struct left_draft *d = state;
	struct entry_change *c = &d->change;
	const char *params[] = { c->id, ctx->actor_id };
	PGresult *res;
	int rc = lock_left_draft(ctx, c->id, LEDGER_EDIT,
				 "the author of this draft is active: it is theirs to change; a draft"
				 " is taken over only when its author is deactivated", &res);

	if (!rc)
		rc = check_version(ctx, res, d->expected_version);
	if (!rc)
		rc = ledger_entry_json(ctx, c->id, &c->before);
	if (!rc)
		rc = resource_exec_one(ctx->db, &ledger_sql_entry_take_over, 2, params);
	if (!rc)
		rc = ledger_entry_json(ctx, c->id, &c->after);
	if (!rc)
		rc = audit_entry_fields(ctx, c->id, "ledger.journal.taken_over", c->before, c->after,
					fields, ERP_COUNT(fields));
	return rc ? rc : record_entry_event(ctx, "ledger.entry.taken_over", c->before, c->after);
}

int ledger_entry_take_over(struct erp_ctx *ctx, const char *id, int expected_version,
			   json_t **entry)
{
	struct left_draft d = { .change = { .id = id }, .expected_version = expected_version };
	int rc;

	if (!ctx->company)
		return ERP_ERR_NOT_FOUND;
	rc = db_usecase_transaction(ctx, take_over_work, &d);
	if (!rc)
		*entry = d.change.after;
	return rc;
}

static int discard_work(struct erp_ctx *ctx, void *state)
{
	struct entry_change *c = state;
	PGresult *res;
	int rc = lock_left_draft(ctx, c->id, LEDGER_DELETE,
				 "the author of this draft is active: they may delete it themselves; a"
				 " draft is discarded only when its author is deactivated", &res);

	if (!rc)
		rc = ledger_entry_json(ctx, c->id, &c->before);
	if (!rc)
		rc = resource_exec_one(ctx->db, &ledger_sql_entry_delete, 1, &c->id);
	if (!rc)
		rc = audit_entry(ctx, c, "ledger.journal.discarded");
	return rc ? rc : record_entry_event(ctx, "ledger.entry.discarded", c->before, NULL);
}

int ledger_entry_discard(struct erp_ctx *ctx, const char *id)
{
	struct entry_change c = { .id = id };

	return ctx->company ? db_usecase_transaction(ctx, discard_work, &c) : ERP_ERR_NOT_FOUND;
}
