/*
 * The outbox's write side: one row in platform_events per domain event, in
 * the caller's transaction. The database numbers it in its stream and stamps
 * its time (migration 20261204000000_domain_events); what is checked here is
 * what a bug in a use case could get wrong.
 */
#include <stdlib.h>

#include "common/json.h"
#include "platform/db/db.h"
#include "platform/events/events.h"
#include "platform/ops/log.h"
#include "shared-kernel/errors.h"
#include "shared-kernel/uuid.h"

static const struct db_statement insert_event = {
	"events_insert",
	"INSERT INTO platform_events (id, company_id, type, entity, entity_id, actor_id, request_id,"
	" payload) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)",
	false,
};

static bool uuid_or_null(const char *text)
{
	struct erp_uuid unused;

	return !text || erp_uuid_parse(text, &unused) == 0;
}

/* A use case's mistake, named in the log; nothing is written. */
static int refuse_bug(const struct domain_event *e, const char *what)
{
	log_error("events.refused", "BUG: domain event %s refused: %s", e->type ? e->type : "(no type)",
		  what);
	return ERP_ERR_INTERNAL;
}

int event_record(struct db_conn *conn, const struct domain_event *e)
{
	char id[ERP_UUID_TEXT_LEN + 1];
	const char *params[8], *secret;
	struct erp_uuid uuid;
	char *payload;
	int rc;

	if (!event_type_valid(e->type))
		return refuse_bug(e, "the type is not <module>.<entity>.<past-tense verb>");
	if (!e->entity || !*e->entity || !e->entity_id || !*e->entity_id)
		return refuse_bug(e, "no entity or entity id");
	if (e->payload && !json_is_object(e->payload))
		return refuse_bug(e, "the payload is not an object");
	if ((secret = event_payload_secret(e->payload)))
		return refuse_bug(e, secret); /* the key's name only, never its value */
	if (!uuid_or_null(e->company_id) || !uuid_or_null(e->actor_id))
		return ERP_ERR_INVALID;
	payload = e->payload ? erp_json_dumps(e->payload, JSON_COMPACT) : NULL;
	if (e->payload && !payload)
		return ERP_ERR_NO_MEMORY;
	erp_uuid_v7(&uuid);
	erp_uuid_format(&uuid, id);
	params[0] = id;
	params[1] = e->company_id;
	params[2] = e->type;
	params[3] = e->entity;
	params[4] = e->entity_id;
	params[5] = e->actor_id;
	params[6] = e->request_id;
	params[7] = payload ? payload : "{}";
	rc = db_query_at_commit(conn, &insert_event, 8, params);
	free(payload);
	return rc;
}

int event_record_change(struct db_conn *conn, const struct domain_event *event, json_t *before,
			json_t *after, const char *const *fields, size_t count)
{
	struct domain_event with_payload = *event;
	int rc;

	with_payload.payload = event_payload(before, after, fields, count);
	if (!with_payload.payload)
		return ERP_ERR_NO_MEMORY;
	rc = event_record(conn, &with_payload);
	json_decref(with_payload.payload);
	return rc;
}
