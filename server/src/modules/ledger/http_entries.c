/*
 * Journal entries over HTTP: decode the request, call the use case
 * (entries.c), render. A create honours the Idempotency-Key: the platform's
 * claim (platform/db/idempotency.h) is the guard the use case puts around
 * its work.
 */
#include <stdio.h>
#include <string.h>

#include "modules/ledger/internal.h"
#include "platform/http/csv.h"
#include "platform/db/idempotency.h"
#include "platform/http/schema.h"
#include "shared-kernel/errors.h"

const char *ledger_request_company_id(const struct erp_request *req)
{
	return req->company ? req->company->id : NULL;
}

/*
 * A string member of object as the rules may read it: NULL when absent or,
 * with refused (the schema's errors on a body it refused), when the schema
 * refused it at <at>/<name>.
 */
static const char *readable_text(json_t *object, const char *name, const json_t *refused,
				 const char *at)
{
	char pointer[64];

	snprintf(pointer, sizeof(pointer), "%s/%s", at, name);
	if (refused && schema_refused(refused, pointer))
		return NULL;
	return json_string_value(json_object_get(object, name));
}

/* A side of a line: not given, given but refused by the schema (unread), or its decimal text. */
static struct ledger_amount readable_amount(json_t *line, const char *side, const json_t *refused,
					    const char *at)
{
	const char *text = readable_text(line, side, refused, at);

	if (!json_object_get(line, side))
		return ledger_amount_decimal(NULL);
	return text ? ledger_amount_decimal(text) : (struct ledger_amount){ .form = LEDGER_AMOUNT_UNREAD };
}

/*
 * The body's lines, amounts parsed into exact decimals. With refused (a body
 * the schema refused), what it refused is left unread: the lines not at all
 * (in->lines NULL) when their array is, else a line's account or amount, or
 * a line that is no object.
 */
static int decode_lines(struct erp_request *req, const json_t *refused, struct ledger_entry_input *in)
{
	json_t *array = json_object_get(req->body, "lines");
	struct ledger_line_input *lines;

	in->line_count = json_array_size(array);
	in->lines = NULL;
	if (refused && (in->line_count < 2 || in->line_count > LEDGER_LINES_MAX))
		return ERP_OK; /* the schema refused the array itself: its items were not judged */
	lines = arena_calloc(req->arena, in->line_count ? in->line_count : 1, sizeof(*lines));
	if (!lines)
		return ERP_ERR_NO_MEMORY;
	for (size_t i = 0; i < in->line_count; i++) {
		json_t *line = json_array_get(array, i);
		char at[32];

		snprintf(at, sizeof(at), "/lines/%zu", i);
		if (!json_is_object(line)) { /* only when the schema refused it */
			lines[i].unread = LEDGER_UNREAD_LINE;
			continue;
		}
		lines[i].account = readable_text(line, "account", refused, at);
		if (!lines[i].account) /* missing or refused: the schema said so */
			lines[i].unread = LEDGER_UNREAD_ACCOUNT;
		lines[i].debit = readable_amount(line, "debit", refused, at);
		lines[i].credit = readable_amount(line, "credit", refused, at);
		lines[i].description = json_string_value(json_object_get(line, "description"));
	}
	in->lines = lines;
	return ERP_OK;
}

/* A draft's content from the body; refused: the schema's errors on a body it refused, else NULL. */
static int decode_entry(struct erp_request *req, const json_t *refused, struct ledger_entry_input *in)
{
	in->date = readable_text(req->body, "date", refused, "");
	in->memo = readable_text(req->body, "memo", refused, "");
	in->reference = readable_text(req->body, "reference", refused, "");
	in->source = readable_text(req->body, "source", refused, "");
	return decode_lines(req, refused, in);
}

/* The rules of a draft on a body its schema refused: what the schema let through is judged. */
static int entry_rules(struct erp_request *req, const json_t *refused, struct erp_ctx *ctx,
		       bool creating)
{
	struct ledger_entry_input in = { 0 };
	int rc = decode_entry(req, refused, &in);

	return rc ? rc : ledger_entry_validate(ctx, &in, creating);
}

int ledger_entries_create_rules(struct erp_request *req, const json_t *refused, struct erp_ctx *ctx)
{
	return entry_rules(req, refused, ctx, true);
}

int ledger_entries_replace_rules(struct erp_request *req, const json_t *refused, struct erp_ctx *ctx)
{
	return entry_rules(req, refused, ctx, false);
}

static const char *entry_location(struct erp_request *req, const char *id)
{
	return arena_printf(req->arena, "/api/v1/companies/%s/journal-entries/%s", req->company_code, id);
}

/* --- create: the Idempotency-Key as the create's guard --------------------------------------- */

struct idempotency_guard {
	struct erp_request *req;
	struct idempotency idem;
	int refused;                /* the claim's refusal (409, 422), answered by the platform */
};

static void guard_queue(void *state, struct db_batch *batch)
{
	struct idempotency_guard *g = state;

	idempotency_claim_queue(batch, g->req, &g->idem);
}

static int guard_claimed(void *state, bool *replay)
{
	struct idempotency_guard *g = state;

	g->refused = idempotency_claimed(g->req, &g->idem);
	*replay = !g->refused && g->idem.replay;
	return g->refused;
}

/* The answer, kept with the key: a replay sends the same body and headers. */
static int guard_keep(void *state, struct db_conn *db, const char *id, const char *entry)
{
	struct idempotency_guard *g = state;
	const char *location = entry_location(g->req, id);

	if (!location)
		return ERP_ERR_NO_MEMORY;
	return idempotency_store(db, g->req, &g->idem, &(struct idempotency_answer){
		.status = 201, .body = entry, .location = location,
		.etag = "\"1\"" /* a new draft's version */ });
}

int ledger_entries_create(struct erp_request *req)
{
	struct ledger_entry_input in = { 0 };
	struct idempotency_guard g = { .req = req };
	const struct ledger_create_guard guard = { &g, guard_queue, guard_claimed, guard_keep };
	struct ledger_entry_created created = { 0 };
	struct erp_refusal quick = { 0 };
	struct erp_ctx ctx;
	int rc = decode_entry(req, NULL, &in);

	if (rc)
		return rc;
	http_usecase_ctx(&ctx, req);
	/*
	 * A body the rules refuse is answered before a malformed Idempotency-Key,
	 * with every problem: when a rule without the database refuses, the
	 * lines' rules join it in the same answer.
	 */
	if (ledger_entry_check(&quick, &in, true))
		return http_respond_failure(req, &ctx, ledger_entry_validate(&ctx, &in, true));
	if (idempotency_prepare(req, &g.idem))
		return 0;
	rc = ledger_entry_create(&ctx, &in, &guard, &created);
	if (rc && g.refused)
		return idempotency_respond(req, &g.idem, g.refused);
	if (rc)
		return http_respond_failure(req, &ctx, rc);
	return idempotency_respond(req, &g.idem, 0); /* the first answer, or its replay */
}

/* --- list, read ------------------------------------------------------------------------------ */

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

	if (csv_wanted(req)) {
		static const char *const columns[] = { "number", "date", "status", "memo", "reference",
						       "source", "line", "account", "currency", "debit",
						       "credit", "description", "posted_at" };

		/* Every line of every matching entry, streamed: paging does not apply to an export. */
		if (!filters[0])
			return http_respond_bytes(req, 200, "text/csv; charset=utf-8", "", 0);
		return csv_respond_stream(req, columns, columns, ERP_COUNT(columns),
					  &ledger_sql_entries_export, ERP_COUNT(filters), filters);
	}
	/* Two statements, so each gets a plan of its own: by the account's lines, or by date. */
	if (filters[5])
		return paging_respond_list(req, &ledger_sql_entries_list_by_account, 2, filters,
					   ERP_COUNT(filters));
	return paging_respond_list(req, &ledger_sql_entries_list, 2, filters, ERP_COUNT(filters) - 1);
}

int ledger_entries_get(struct erp_request *req)
{
	const char *id = resource_uuid_param(req, "id");
	struct erp_ctx ctx;
	json_t *entry;
	int rc;

	if (!id)
		return ERP_ERR_NOT_FOUND;
	http_usecase_ctx(&ctx, req);
	rc = ledger_entry_read(&ctx, id, &entry);
	return rc ? http_respond_failure(req, &ctx, rc) : etag_respond_entity(req, 200, entry);
}

/* --- the author's draft: replace, delete ------------------------------------------------------ */

int ledger_entries_update(struct erp_request *req)
{
	struct ledger_entry_input in = { .id = resource_uuid_param(req, "id") };
	struct erp_refusal quick = { 0 };
	struct erp_ctx ctx;
	json_t *entry;
	int rc;

	if (!in.id)
		return ERP_ERR_NOT_FOUND;
	rc = decode_entry(req, NULL, &in);
	if (rc)
		return rc;
	http_usecase_ctx(&ctx, req);
	/* A body the rules refuse is answered, every problem at once, before a missing or stale If-Match. */
	if (ledger_entry_check(&quick, &in, false))
		return http_respond_failure(req, &ctx, ledger_entry_validate(&ctx, &in, false));
	if (etag_if_match(req, &in.expected_version))
		return 0;
	rc = ledger_entry_update(&ctx, &in, &entry);
	return rc ? http_respond_failure(req, &ctx, rc) : etag_respond_entity(req, 200, entry);
}

int ledger_entries_delete(struct erp_request *req)
{
	const char *id = resource_uuid_param(req, "id");
	struct erp_ctx ctx;
	int rc;

	if (!id)
		return ERP_ERR_NOT_FOUND;
	http_usecase_ctx(&ctx, req);
	rc = ledger_entry_delete(&ctx, id);
	return rc ? http_respond_failure(req, &ctx, rc) : http_respond_empty(req, 204);
}

/* --- post, reverse ------------------------------------------------------------------------------ */

int ledger_entries_post(struct erp_request *req)
{
	struct ledger_posting_input in = {
		.id = resource_uuid_param(req, "id"),
		.may_post_closed = http_caller_holds(req, "ledger.period.post-closed"),
	};
	struct ledger_entry_posted posted;
	struct erp_ctx ctx;
	int rc;

	if (!in.id)
		return ERP_ERR_NOT_FOUND;
	if (etag_if_match(req, &in.expected_version))
		return 0;
	http_usecase_ctx(&ctx, req);
	rc = ledger_entry_post(&ctx, &in, &posted);
	return rc ? http_respond_failure(req, &ctx, rc) : etag_respond_entity(req, 200, posted.entry);
}

int ledger_entries_reverse(struct erp_request *req)
{
	struct ledger_posting_input in = {
		.id = resource_uuid_param(req, "id"),
		.may_post_closed = http_caller_holds(req, "ledger.period.post-closed"),
		.date = json_string_value(json_object_get(req->body, "date")),
		.memo = json_string_value(json_object_get(req->body, "memo")),
	};
	struct ledger_entry_posted reversal;
	struct erp_ctx ctx;
	int rc;

	if (!in.id)
		return ERP_ERR_NOT_FOUND;
	if (etag_if_match(req, &in.expected_version))
		return 0;
	http_usecase_ctx(&ctx, req);
	rc = ledger_entry_reverse(&ctx, &in, &reversal);
	if (rc)
		return http_respond_failure(req, &ctx, rc);
	http_add_header(req, "Location", entry_location(req, reversal.id));
	return etag_respond_entity(req, 201, reversal.entry);
}

/* --- the drafts of a deactivated author: take over, discard ------------------------------------- */

int ledger_entries_take_over(struct erp_request *req)
{
	const char *id = resource_uuid_param(req, "id");
	struct erp_ctx ctx;
	json_t *entry;
	int expected_version, rc;

	if (!id)
		return ERP_ERR_NOT_FOUND;
	if (etag_if_match(req, &expected_version))
		return 0;
	http_usecase_ctx(&ctx, req);
	rc = ledger_entry_take_over(&ctx, id, expected_version, &entry);
	return rc ? http_respond_failure(req, &ctx, rc) : etag_respond_entity(req, 200, entry);
}

int ledger_entries_discard(struct erp_request *req)
{
	const char *id = resource_uuid_param(req, "id");
	struct erp_ctx ctx;
	int rc;

	if (!id)
		return ERP_ERR_NOT_FOUND;
	http_usecase_ctx(&ctx, req);
	rc = ledger_entry_discard(&ctx, id);
	return rc ? http_respond_failure(req, &ctx, rc) : http_respond_empty(req, 204);
}
