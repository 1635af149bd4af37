/*
 * @Name@'s items: the rules (without HTTP and without SQL, unit-tested in
 * server/test/unit/modules/@name@/items_test.c) and the use cases, each in
 * its own transaction, with its audit event and its domain event beside the
 * change (list new event types in docs/events.md).
 */
#include <ctype.h>
#include <string.h>

#include "modules/@name@/internal.h"
#include "platform/audit/audit.h"
#include "platform/events/events.h"
#include "shared-kernel/uuid.h"

/* What the audit trail records old -> new, and what the item's events tell partners. */
static const char *const audited_fields[] = { "code", "name", "active" };
static const char *const event_fields[] = { "id", "code", "name", "active", "version" };

/* --- rules ----------------------------------------------------------------------------------- */

static bool code_valid(const char *code)
{
	size_t length = code ? strlen(code) : 0;

	if (length == 0 || length > @NAME@_CODE_MAX || !isalnum((unsigned char)code[0]))
		return false;
	for (size_t i = 1; i < length; i++)
		if (!isalnum((unsigned char)code[i]) && !strchr("._-", code[i]))
			return false;
	return true;
}

/* Characters (not bytes) of UTF-8 text: what the schema's limits count. */
static size_t text_length(const char *text)
{
	size_t n = 0;

	for (; *text; text++)
		n += ((unsigned char)*text & 0xC0) != 0x80;
	return n;
}

int @name@_item_check(struct erp_refusal *refusal, const struct @name@_item_input *in)
{
	if (!code_valid(in->code))
		erp_refuse_field_code(refusal, "/code", "format",
				      "a code is 1 to 20 letters, digits, '.', '_' or '-', starting with a"
				      " letter or digit");
	if (!in->name || !*in->name || text_length(in->name) > @NAME@_NAME_MAX)
		erp_refuse_field(refusal, "/name", "a name is 1 to 200 characters");
	return erp_refused(refusal) ? refusal->code : ERP_OK;
}

bool @name@_items_filter_from(json_t *query, const char *company_id,
				 struct @name@_items_filter *out)
{
	json_t *active = json_object_get(query, "active");
	const char *prefix = json_string_value(json_object_get(query, "prefix"));

	if (!company_id || !*company_id)
		return false;
	if (prefix && (!*prefix || strlen(prefix) > @NAME@_CODE_MAX))
		return false;
	out->company_id = company_id;
	out->prefix = prefix;
	out->active = json_is_boolean(active) ? (json_is_true(active) ? "true" : "false") : NULL;
	return true;
}

/* --- read ------------------------------------------------------------------------------------ */

int @name@_item_read(struct erp_ctx *ctx, const char *code, json_t **item)
{
	const char *params[2];

	if (!ctx->company || !code)
		return ERP_ERR_NOT_FOUND;
	/* By the company as well as the code: another company's item does not exist here. */
	params[0] = ctx->company->id;
	params[1] = code;
	return resource_query_json(ctx->db, ctx->arena, &@name@_sql_item_get, 2, params, item);
}

/* --- create ---------------------------------------------------------------------------------- */

struct item_change {
	const struct @name@_item_input *in;
	char id[ERP_UUID_TEXT_LEN + 1];
	json_t *before;             /* NULL: created */
	json_t *after;
};

/* The audit event and the domain event of a change (action names both), in its transaction. */
static int record_change(struct erp_ctx *ctx, struct item_change *c, const char *action)
{
	int rc = audit_record_changes(ctx->db, &(struct audit_event){
		.actor_id = ctx->actor_id, .action = action, .company_id = ctx->company->id,
		.entity = "item", .entity_id = c->id, .request_id = ctx->request_id },
		c->before, c->after, audited_fields, ERP_COUNT(audited_fields));

	if (rc)
		return rc;
	return event_record_change(ctx->db, &(struct domain_event){
		.type = action, .company_id = ctx->company->id, .entity = "item", .entity_id = c->id,
		.actor_id = ctx->actor_id, .request_id = ctx->request_id },
		c->before, c->after, event_fields, ERP_COUNT(event_fields));
}

static int create_work(struct erp_ctx *ctx, void *state)
{
	struct item_change *c = state;
	const char *params[] = { c->id, ctx->company->id, c->in->code, c->in->name };
	int rc = resource_query_json(ctx->db, ctx->arena, &@name@_sql_item_insert, 4, params,
				     &c->after);

	if (rc == ERP_ERR_CONFLICT) /* the unique (company_id, code) */
		return erp_refuse(&ctx->refusal, rc, "an item with this code already exists in the company");
	return rc ? rc : record_change(ctx, c, "@name@.item.created");
}

int @name@_item_create(struct erp_ctx *ctx, const struct @name@_item_input *in, json_t **item)
{
	struct item_change c = { .in = in };
	struct erp_uuid id;
	int rc;

	if (!ctx->company) /* no company has the path's code */
		return ERP_ERR_NOT_FOUND;
	rc = @name@_item_check(&ctx->refusal, in);
	if (rc)
		return rc;
	erp_uuid_v7(&id);
	erp_uuid_format(&id, c.id);
	rc = db_usecase_transaction(ctx, create_work, &c);
	if (!rc)
		*item = c.after;
	return rc;
}
