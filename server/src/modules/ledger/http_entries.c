/*
 * Journal entries over HTTP: create a draft (Idempotency-Key honoured),
 * list, read, replace or delete a draft (its author only), post (four-eyes)
 * and reverse; the draft of a deactivated author is taken over by someone
 * active or discarded by a controller.
 */
#include <stdio.h>
#include <string.h>

#include "modules/ledger/internal.h"
#include "common/json.h"
#include "platform/audit/audit.h"
#include "platform/events/events.h"
#include "platform/db/idempotency.h"
#include "shared-kernel/errors.h"
#include "shared-kernel/uuid.h"

struct entry_change {
	struct erp_request *req;
	const struct erp_company_scope *company;
	char id[40];
	const char *target;          /* the entry acted on (path id) */
	struct ledger_header header;
	struct ledger_line *lines;
	size_t line_count;
	json_t *errors;              /* line problems: 422 */
	struct idempotency idem;
	int idem_rc;                 /* the claim's refusal, answered as such */
	int expected_version;
	json_t *before;
	json_t *after;
	const char *response;        /* the created entry's text, also stored for replays */
	struct ledger_post post;
};

static struct entry_change *change_new(struct erp_request *req)
{
	struct entry_change *c = arena_calloc(req->arena, 1, sizeof(*c));

	if (!c)
		return NULL;
	c->req = req;
	c->errors = json_array();
	if (!c->errors || arena_cleanup_add(req->arena, (arena_cleanup_fn)json_decref, c->errors))
		return NULL;
	return c;
}

/* A change of the entry named by the {id} path parameter; *rc says why not (404, 500). */
static struct entry_change *change_of_path_entry(struct erp_request *req, int *rc)
{
	struct entry_change *c = change_new(req);

	*rc = c ? ERP_ERR_NOT_FOUND : ERP_ERR_NO_MEMORY;
	if (c)
		c->target = resource_uuid_param(req, "id");
	return c && c->target ? c : NULL;
}

static void header_from_body(struct ledger_header *header, json_t *body)
{
	header->date = json_string_value(json_object_get(body, "date"));
	header->memo = json_string_value(json_object_get(body, "memo"));
	header->reference = json_string_value(json_object_get(body, "reference"));
	header->source = json_string_value(json_object_get(body, "source"));
}

struct ledger_line *ledger_lines_from_body(struct arena *arena, json_t *body, size_t *count)
{
	json_t *array = json_object_get(body, "lines");
	struct ledger_line *lines;

	*count = json_array_size(array);
	lines = arena_calloc(arena, *count ? *count : 1, sizeof(*lines));
	for (size_t i = 0; lines && i < *count; i++) {
		json_t *line = json_array_get(array, i);

		lines[i].account = json_string_value(json_object_get(line, "account"));
		lines[i].debit = json_string_value(json_object_get(line, "debit"));
		lines[i].credit = json_string_value(json_object_get(line, "credit"));
		lines[i].description = json_string_value(json_object_get(line, "description"));
	}
	return lines;
}

int ledger_request_company(const struct erp_request *req, const struct erp_company_scope **out)
{
	*out = req->company;
	return req->company ? ERP_OK : ERP_ERR_NOT_FOUND;
}

const char *ledger_request_company_id(const struct erp_request *req)
{
	return req->company ? req->company->id : NULL;
}

/* Checks the resolved lines; ERP_ERR_INVALID with c->errors filled when they break a rule. */
static int check_resolved_lines(struct entry_change *c)
{
	int problems;

	json_array_clear(c->errors);
	problems = ledger_check_lines(c->lines, c->line_count, c->errors);
	return problems < 0 ? ERP_ERR_NO_MEMORY : problems > 0 ? ERP_ERR_INVALID : ERP_OK;
}

/* Resolves and checks the lines; ERP_ERR_INVALID with c->errors filled when they break a rule. */
static int check_lines(struct db_conn *db, struct entry_change *c)
{
	int rc = ledger_request_company(c->req, &c->company);

	if (!rc)
		rc = ledger_accounts_resolve(db, c->req->arena, c->company->id, c->lines, c->line_count);
	return rc ? rc : check_resolved_lines(c);
}

/* The audit event of a change of the entry: fields old -> new, from c->before and c->after. */
static int audit_entry_fields(struct db_conn *db, struct entry_change *c, const char *action,
			      const char *const *fields, size_t count)
{
	return audit_record_changes(db, &(struct audit_event){
		.actor_id = c->req->user_id, .action = action, .company_id = c->company->id,
		.entity = "journal_entry", .entity_id = c->id, .request_id = c->req->request_id },
		c->before, c->after, fields, count);
}

static int audit_entry(struct db_conn *db, struct entry_change *c, const char *action)
{
	static const char *const fields[] = { "date", "memo", "reference", "lines" };

	return audit_entry_fields(db, c, action, fields, ERP_COUNT(fields));
}

/*
 * The audit event of a new draft, from the checked request (the response
 * passes through unparsed): the same fields and line shape as later changes.
 */
static int audit_created(struct db_conn *db, struct entry_change *c)
{
	json_t *lines = ledger_lines_json(c->lines, c->line_count);
	int rc;

	c->after = lines ? json_pack("{s:s, s:s, s:s*, s:o}", "date", c->header.date, "memo",
				     c->header.memo, "reference", c->header.reference, "lines", lines)
			 : NULL;
	if (!c->after)
		return ERP_ERR_NO_MEMORY;
	rc = audit_entry(db, c, "ledger.journal.created");
	json_decref(c->after);
	c->after = NULL;
	return rc;
}

/* The domain event ledger.entry.<verb> of the change, by the caller, in the company's stream. */
static int record_entry_event(struct db_conn *db, struct entry_change *c, const char *type,
			      json_t *before, json_t *after)
{
	return ledger_entry_event(db, &(struct domain_event){
		.type = type, .company_id = c->company->id, .actor_id = c->req->user_id,
		.request_id = c->req->request_id }, before, after);
}

/* ledger.entry.created, from the new draft as the response shows it. */
static int record_created(struct db_conn *db, struct entry_change *c)
{
	json_t *entry = erp_json_loadb(c->response, strlen(c->response), 0, NULL, NULL);
	int rc = entry ? record_entry_event(db, c, "ledger.entry.created", NULL, entry)
		       : ERP_ERR_NO_MEMORY; /* our own JSON: only memory can fail it */

	json_decref(entry);
	return rc;
}

/* Answers a failed change: line problems, rule refusals, idempotency refusals. */
static int respond_failure(struct erp_request *req, struct entry_change *c, int rc)
{
	if (c->idem_rc)
		return idempotency_respond(req, &c->idem, c->idem_rc);
	if (rc == ERP_ERR_INVALID && json_array_size(c->errors) > 0)
		return http_respond_invalid(req, "the journal entry is not valid", c->errors);
	if (erp_refused(&c->post.refusal))
		return http_respond_refusal(req, &c->post.refusal);
	if (rc == ERP_ERR_STALE)
		return http_respond_problem(req, &PROBLEM_PRECONDITION,
					    "the entry was changed since you read it; read it again");
	return rc;
}

static int respond_entry(struct erp_request *req, int status, json_t *entry)
{
	etag_set(req, entry);
	return http_respond_json(req, status, json_incref(entry));
}

static bool source_ok(struct erp_request *req, const char *source)
{
	if (!source || ledger_is_source(source))
		return true;
	resource_field_error(req, "/source",
			     "must be lower-case letters, digits, '.', '_' or '-', starting with a letter");
	return false;
}

/* --- create ------------------------------------------------------------------------------ */

/*
 * Three round trips (the company comes resolved with the request): the
 * key's claim with the lines' accounts; the insert, which renders the answer; the audit event, the
 * stored answer and the domain event with COMMIT (db_query_at_commit()).
 */
static int create_work(struct db_conn *db, void *ctx)
{
	struct entry_change *c = ctx;
	struct db_batch *batch = db_batch_new(c->req->arena);
	char company_id[40];
	PGresult *accounts;
	int rc = ledger_request_company(c->req, &c->company);

	if (rc)
		return rc;
	idempotency_claim_queue(batch, c->req, &c->idem);
	rc = ledger_accounts_resolve_queue(batch, c->req->arena, c->company->id, c->lines,
					   c->line_count, &accounts);
	if (!rc)
		rc = db_batch_run(db, batch);
	if (rc)
		return rc;
	rc = idempotency_claimed(c->req, &c->idem);
	if (rc) {
		c->idem_rc = rc;
		return rc;
	}
	if (c->idem.replay)
		return ERP_OK;
	rc = ledger_accounts_resolved(accounts, company_id, c->lines, c->line_count);
	if (!rc)
		rc = check_resolved_lines(c);
	if (!rc)
		rc = ledger_entry_insert(db, c->req->arena, c->id, c->company->id, c->req->user_id,
					 &c->header, c->lines, c->line_count, &c->response);
	if (!rc)
		rc = audit_created(db, c);
	if (!rc)
		rc = idempotency_store(db, c->req, &c->idem, 201, c->response);
	return rc ? rc : record_created(db, c);
}

int ledger_entries_create(struct erp_request *req)
{
	struct entry_change *c = change_new(req);
	struct erp_uuid id;
	int rc;

	if (!c)
		return ERP_ERR_NO_MEMORY;
	header_from_body(&c->header, req->body);
	if (!source_ok(req, c->header.source))
		return 0;
	c->lines = ledger_lines_from_body(req->arena, req->body, &c->line_count);
	if (!c->lines)
		return ERP_ERR_NO_MEMORY;
	if (idempotency_prepare(req, &c->idem))
		return 0;
	erp_uuid_v7(&id);
	erp_uuid_format(&id, c->id);
	rc = db_transaction(http_db(req), create_work, c);
	if (rc)
		return respond_failure(req, c, rc);
	if (c->idem.replay)
		return idempotency_respond(req, &c->idem, 0);
	http_add_header(req, "Location", arena_printf(req->arena, "/api/v1/companies/%s/journal-entries/%s",
						      req->company_code, c->id));
	http_add_header(req, "ETag", "\"1\""); /* a new draft's version */
	return http_respond_bytes(req, 201, "application/json", c->response, strlen(c->response));
}

/* --- list, get --------------------------------------------------------------------------- */

int ledger_entries_list(struct erp_request *req)
{
	const char *filters[] = {
		ledger_request_company_id(req),
		json_string_value(json_object_get(req->query, "status")),
		json_string_value(json_object_get(req->query, "from")),
		json_string_value(json_object_get(req->query, "to")),
		json_string_value(json_object_get(req->query, "number")),
		json_string_value(json_object_get(req->query, "account")),
	};

	return paging_respond_list(req, &ledger_sql_entries_list, 2, filters, ERP_COUNT(filters));
}

int ledger_entries_get(struct erp_request *req)
{
	const char *id = resource_uuid_param(req, "id");
	const struct erp_company_scope *company;
	json_t *entry;
	int rc;

	if (!id)
		return ERP_ERR_NOT_FOUND;
	rc = ledger_request_company(req, &company);
	if (!rc)
		rc = ledger_entry_json(http_db(req), req->arena, company->id, id, &entry);
	return rc ? rc : respond_entry(req, 200, entry);
}

/* --- the author's draft: replace, delete ---------------------------------------------------- */

/* Locks the target entry of the request's company: status, author, version, number. */
static int lock_entry(struct db_conn *db, struct entry_change *c, PGresult **res)
{
	const char *key[2];
	int rc = ledger_request_company(c->req, &c->company);

	if (rc)
		return rc;
	key[0] = c->company->id;
	key[1] = c->target;
	rc = db_query(db, c->req->arena, &ledger_sql_entry_lock, 2, key, res);
	if (rc)
		return rc;
	return PQntuples(*res) == 0 ? ERP_ERR_NOT_FOUND : ERP_OK;
}

/* A refusal of the locked entry in res: ERP_ERR_CONFLICT or ERP_ERR_FORBIDDEN (code). */
static int refuse_entry(struct entry_change *c, int code, const char *problem)
{
	if (!problem)
		return ERP_ERR_NO_MEMORY;
	return erp_refuse(&c->post.refusal, code, problem);
}

/* Refuses a change of the locked entry in res unless action is allowed in its status. */
static int check_status(struct entry_change *c, PGresult *res, enum ledger_action action)
{
	if (ledger_action_allowed(db_value(res, 0, "status"), action))
		return ERP_OK;
	return refuse_entry(c, ERP_ERR_CONFLICT, arena_printf(c->req->arena, "entry %s is posted; posted entries are"
						 " corrected by reversing them",
						 db_value(res, 0, "number")));
}

static bool author_active(PGresult *res)
{
	return strcmp(db_value(res, 0, "author_active"), "t") == 0;
}

/* Locks the target and checks it is a draft of the caller's (and, with If-Match, unchanged). */
static int lock_own_draft(struct db_conn *db, struct entry_change *c, enum ledger_action action)
{
	const char *author;
	PGresult *res;
	int rc = lock_entry(db, c, &res);

	if (!rc)
		rc = check_status(c, res, action);
	if (rc)
		return rc;
	author = db_value(res, 0, "author_id");
	if (!author || strcmp(author, c->req->user_id) != 0)
		return refuse_entry(c, ERP_ERR_FORBIDDEN, "only the author of a draft may change or delete it");
	if (action == LEDGER_EDIT && strtol(db_value(res, 0, "version"), NULL, 10) != c->expected_version)
		return ERP_ERR_STALE;
	snprintf(c->id, sizeof(c->id), "%s", c->target);
	return ledger_entry_json(db, c->req->arena, c->company->id, c->target, &c->before);
}

static int replace_work(struct db_conn *db, void *ctx)
{
	struct entry_change *c = ctx;
	int rc = lock_own_draft(db, c, LEDGER_EDIT);

	if (!rc)
		rc = check_lines(db, c);
	if (!rc)
		rc = ledger_entry_replace(db, c->req->arena, c->id, &c->header, c->lines, c->line_count);
	if (!rc)
		rc = ledger_entry_json(db, c->req->arena, c->company->id, c->id, &c->after);
	if (!rc)
		rc = audit_entry(db, c, "ledger.journal.updated");
	return rc ? rc : record_entry_event(db, c, "ledger.entry.updated", c->before, c->after);
}

int ledger_entries_update(struct erp_request *req)
{
	int rc;
	struct entry_change *c = change_of_path_entry(req, &rc);

	if (!c)
		return rc;
	header_from_body(&c->header, req->body);
	if (c->header.source)
		return resource_field_error(req, "/source", "the source of an entry cannot change");
	c->lines = ledger_lines_from_body(req->arena, req->body, &c->line_count);
	if (!c->lines)
		return ERP_ERR_NO_MEMORY;
	if (etag_if_match(req, &c->expected_version))
		return 0;
	rc = db_transaction(http_db(req), replace_work, c);
	return rc ? respond_failure(req, c, rc) : respond_entry(req, 200, c->after);
}

static int delete_work(struct db_conn *db, void *ctx)
{
	struct entry_change *c = ctx;
	int rc = lock_own_draft(db, c, LEDGER_DELETE);

	if (!rc)
		rc = resource_exec_one(db, &ledger_sql_entry_delete, 1, &c->target);
	if (!rc)
		rc = audit_entry(db, c, "ledger.journal.deleted");
	return rc ? rc : record_entry_event(db, c, "ledger.entry.deleted", c->before, NULL);
}

int ledger_entries_delete(struct erp_request *req)
{
	int rc;
	struct entry_change *c = change_of_path_entry(req, &rc);

	if (!c)
		return rc;
	rc = db_transaction(http_db(req), delete_work, c);
	return rc ? respond_failure(req, c, rc) : http_respond_empty(req, 204);
}

/* --- post, reverse ---------------------------------------------------------------------------- */

/*
 * Three round trips (posting.c); the company is named by its code in the
 * first, so resolving it costs none.
 */
static int post_work(struct db_conn *db, void *ctx)
{
	struct entry_change *c = ctx;
	int rc = ledger_request_company(c->req, &c->company);

	if (rc)
		return rc;
	c->post.company_id = c->company->id;
	c->post.company_code = NULL;
	rc = ledger_post_draft(db, c->req->arena, &c->post);
	c->after = c->post.entry;
	return rc;
}

static void post_setup(struct entry_change *c, const char *entry_id)
{
	c->post = (struct ledger_post){
		.entry_id = entry_id, .poster_id = c->req->user_id, .request_id = c->req->request_id,
		.four_eyes = true,
		.may_post_closed = http_caller_holds(c->req, "ledger.period.post-closed") };
}

int ledger_entries_post(struct erp_request *req)
{
	int rc;
	struct entry_change *c = change_of_path_entry(req, &rc);

	if (!c)
		return rc;
	post_setup(c, c->target);
	if (etag_if_match(req, &c->post.expected_version))
		return 0;
	rc = db_transaction(http_db(req), post_work, c);
	return rc ? respond_failure(req, c, rc) : respond_entry(req, 200, c->after);
}

/*
 * ledger.entry.reversed, about the original entry: its mirror (c->id, just
 * posted, which has its own ledger.entry.posted) and the mirror's number.
 */
static int record_reversed(struct db_conn *db, struct entry_change *c, const char *number)
{
	json_t *payload = json_pack("{s:s, s:s, s:s, s:s}", "id", c->target, "number", number,
				    "reversed_by", c->id, "reversal_number", c->post.number);
	int rc = payload ? event_record(db, &(struct domain_event){
		.type = "ledger.entry.reversed", .company_id = c->company->id,
		.entity = "journal_entry", .entity_id = c->target, .actor_id = c->req->user_id,
		.request_id = c->req->request_id, .payload = payload }) : ERP_ERR_NO_MEMORY;

	json_decref(payload);
	return rc;
}

static int reverse_work(struct db_conn *db, void *ctx)
{
	struct entry_change *c = ctx;
	const char *insert[5], *author;
	bool authored = false;
	PGresult *res;
	int rc = lock_entry(db, c, &res);

	if (rc)
		return rc;
	if (!ledger_action_allowed(db_value(res, 0, "status"), LEDGER_REVERSE)) {
		return erp_refuse(&c->post.refusal, ERP_ERR_CONFLICT,
				  "only posted entries are reversed; edit or delete a draft instead");
	}
	/* The reverser binds to the posted entry they read, as a poster to the draft. */
	if (strtol(db_value(res, 0, "version"), NULL, 10) != c->expected_version)
		return ERP_ERR_STALE;
	/* "" for an entry without an author (a module's posting): nobody to keep apart. */
	author = db_value(res, 0, "author_id");
	/* Reversing a reversal re-posts the original: its author counts as this one's too. */
	rc = ledger_chain_authored_by(db, c->req->arena, c->target, c->req->user_id, &authored);
	if (rc)
		return rc;
	if (authored)
		author = c->req->user_id;
	c->post.reverses_author = arena_strdup(c->req->arena, author ? author : "");
	if (!c->post.reverses_author)
		return ERP_ERR_NO_MEMORY;
	c->post.company_id = c->company->id;
	insert[0] = c->id;
	insert[1] = c->target;
	insert[2] = c->header.date;
	insert[3] = c->header.memo;
	insert[4] = c->req->user_id;
	rc = db_query(db, NULL, &ledger_sql_entry_insert_reversal, 5, insert, NULL);
	if (rc == ERP_ERR_CONFLICT) {
		return refuse_entry(c, ERP_ERR_CONFLICT, arena_printf(c->req->arena, "entry %s is already reversed",
							 db_value(res, 0, "number")));
	}
	if (!rc)
		rc = audit_record(db, &(struct audit_event){
			.actor_id = c->req->user_id, .action = "ledger.journal.reversed",
			.company_id = c->company->id, .entity = "journal_entry", .entity_id = c->target,
			.request_id = c->req->request_id,
			.reason = arena_printf(c->req->arena, "reversed by entry %s", c->id) });
	if (!rc)
		rc = ledger_post_draft(db, c->req->arena, &c->post);
	c->after = c->post.entry;
	return rc ? rc : record_reversed(db, c, db_value(res, 0, "number"));
}

int ledger_entries_reverse(struct erp_request *req)
{
	struct erp_uuid id;
	char today[11];
	int rc;
	struct entry_change *c = change_of_path_entry(req, &rc);

	if (!c)
		return rc;
	header_from_body(&c->header, req->body);
	if (!c->header.date) {
		ledger_today(today);
		c->header.date = arena_strdup(req->arena, today);
	}
	if (etag_if_match(req, &c->expected_version))
		return 0;
	erp_uuid_v7(&id);
	erp_uuid_format(&id, c->id);
	post_setup(c, c->id);
	rc = db_transaction(http_db(req), reverse_work, c);
	if (rc)
		return respond_failure(req, c, rc);
	http_add_header(req, "Location", arena_printf(req->arena, "/api/v1/companies/%s/journal-entries/%s",
						      req->company_code, c->id));
	return respond_entry(req, 201, c->after);
}

/* --- the drafts of a deactivated author: take over, discard ------------------------------------- */

/* Locks the target draft and checks its author is deactivated; refuses otherwise. */
static int lock_left_draft(struct db_conn *db, struct entry_change *c, enum ledger_action action,
			   const char *active_refusal, PGresult **res)
{
	int rc = lock_entry(db, c, res);

	if (!rc)
		rc = check_status(c, *res, action);
	if (rc)
		return rc;
	if (author_active(*res))
		return refuse_entry(c, ERP_ERR_CONFLICT, active_refusal);
	snprintf(c->id, sizeof(c->id), "%s", c->target);
	return ERP_OK;
}

static int take_over_work(struct db_conn *db, void *ctx)
{
	static const char *const fields[] = { "author_id" };
	struct entry_change *c = ctx;
	PGresult *res;
	int rc = lock_left_draft(db, c, LEDGER_EDIT,
				 "the author of this draft is active: it is theirs to change; a draft"
				 " is taken over only when its author is deactivated", &res);

	if (rc)
		return rc;
	if (strtol(db_value(res, 0, "version"), NULL, 10) != c->expected_version)
		return ERP_ERR_STALE;
	rc = ledger_entry_json(db, c->req->arena, c->company->id, c->id, &c->before);
	if (!rc)
		rc = ledger_entry_take_over(db, c->id, c->req->user_id);
	if (!rc)
		rc = ledger_entry_json(db, c->req->arena, c->company->id, c->id, &c->after);
	if (!rc)
		rc = audit_entry_fields(db, c, "ledger.journal.taken_over", fields, ERP_COUNT(fields));
	return rc ? rc : record_entry_event(db, c, "ledger.entry.taken_over", c->before, c->after);
}

int ledger_entries_take_over(struct erp_request *req)
{
	int rc;
	struct entry_change *c = change_of_path_entry(req, &rc);

	if (!c)
		return rc;
	if (etag_if_match(req, &c->expected_version))
		return 0;
	rc = db_transaction(http_db(req), take_over_work, c);
	return rc ? respond_failure(req, c, rc) : respond_entry(req, 200, c->after);
}

static int discard_work(struct db_conn *db, void *ctx)
{
	struct entry_change *c = ctx;
	PGresult *res;
	int rc = lock_left_draft(db, c, LEDGER_DELETE,
				 "the author of this draft is active: they may delete it themselves; a"
				 " draft is discarded only when its author is deactivated", &res);

	if (!rc)
		rc = ledger_entry_json(db, c->req->arena, c->company->id, c->id, &c->before);
	if (!rc)
		rc = resource_exec_one(db, &ledger_sql_entry_delete, 1, &c->target);
	if (!rc)
		rc = audit_entry(db, c, "ledger.journal.discarded");
	return rc ? rc : record_entry_event(db, c, "ledger.entry.discarded", c->before, NULL);
}

int ledger_entries_discard(struct erp_request *req)
{
	int rc;
	struct entry_change *c = change_of_path_entry(req, &rc);

	if (!c)
		return rc;
	rc = db_transaction(http_db(req), discard_work, c);
	return rc ? respond_failure(req, c, rc) : http_respond_empty(req, 204);
}
