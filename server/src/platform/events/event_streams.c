/*
 * Reading a stream of domain events: first the stream's committed events are
 * published (numbered, platform_events_publish in migration
 * 20261204000000_domain_events), then the page after a sequence number is
 * read, in sequence order, rendered by PostgreSQL. Publications of one stream
 * follow each other and each numbers only committed events, so a snapshot
 * holds a stream's numbers 1..N and none beyond: a page never has a hole a
 * later read would fill.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/events/event_streams.h"
#include "platform/http/resource.h"
#include "shared-kernel/errors.h"

enum { DEFAULT_LIMIT = 100 };

#define RO(field_name, field_type, field_format, field_flags)                                 \
	{ .name = field_name, .type = field_type, .flags = SCHEMA_READ_ONLY | (field_flags),  \
	  .format = field_format }

static const struct schema_field query_fields[] = {
	{ .name = "after", .type = SCHEMA_INTEGER, .min = 0, .max = INT64_MAX,
	  .description = "the last sequence number already read (default 0: from the start)" },
	{ .name = "limit", .type = SCHEMA_INTEGER, .min = 1, .max = 500,
	  .description = "events per page (default 100)" },
};
SCHEMA_OBJECT_DEFINE(event_stream_query, NULL, query_fields, NULL);

static const struct schema_object payload_schema = {
	"EventPayload", NULL, 0, "The facts of the event; per type in docs/events.md.", true,
};

static const struct schema_field event_fields[] = {
	RO("id", SCHEMA_STRING, SCHEMA_FORMAT_UUID, 0),
	RO("sequence", SCHEMA_INTEGER, SCHEMA_FORMAT_NONE, 0),
	RO("type", SCHEMA_STRING, SCHEMA_FORMAT_NONE, 0),
	RO("company_id", SCHEMA_STRING, SCHEMA_FORMAT_UUID, SCHEMA_NULLABLE),
	RO("entity", SCHEMA_STRING, SCHEMA_FORMAT_NONE, 0),
	RO("entity_id", SCHEMA_STRING, SCHEMA_FORMAT_NONE, 0),
	RO("actor_id", SCHEMA_STRING, SCHEMA_FORMAT_UUID, SCHEMA_NULLABLE),
	RO("request_id", SCHEMA_STRING, SCHEMA_FORMAT_NONE, SCHEMA_NULLABLE),
	RO("occurred_at", SCHEMA_STRING, SCHEMA_FORMAT_DATE_TIME, 0),
	{ .name = "payload", .type = SCHEMA_OBJECT, .flags = SCHEMA_READ_ONLY, .object = &payload_schema },
};
static SCHEMA_OBJECT_DEFINE(event_schema, "Event", event_fields,
			    "A domain event: what changed, in its stream's order.");

static const struct schema_field page_fields[] = {
	{ .name = "items", .type = SCHEMA_ARRAY, .flags = SCHEMA_READ_ONLY, .object = &event_schema },
	{ .name = "next_after", .type = SCHEMA_INTEGER, .flags = SCHEMA_READ_ONLY,
	  .description = "pass as after to read on: the last sequence of this page (or the after "
			 "given when the page is empty)" },
	{ .name = "has_more", .type = SCHEMA_BOOLEAN, .flags = SCHEMA_READ_ONLY,
	  .description = "more events follow at once" },
};
SCHEMA_OBJECT_DEFINE(event_page_schema, "EventPage", page_fields,
		     "A page of a stream of domain events, in sequence order.");

/*
 * The page after $1, reading limit + 1 ($2) rows to learn whether more
 * follow, from the rows of one stream (where_stream, with $3 when it names
 * a company).
 */
#define STREAM_PAGE_SQL(where_stream)                                                          \
	"SELECT coalesce(json_agg(p.j ORDER BY p.sequence) FILTER (WHERE p.n < $2::int), '[]')" \
	"         AS items,"                                                                      \
	"       max(p.sequence) FILTER (WHERE p.n < $2::int) AS last_sequence,"                  \
	"       count(*) AS found"                                                                \
	" FROM (SELECT e.sequence, row_number() OVER (ORDER BY e.sequence) AS n,"                \
	"              json_build_object('id', e.id, 'sequence', e.sequence, 'type', e.type,"    \
	"                'company_id', e.company_id, 'entity', e.entity,"                       \
	"                'entity_id', e.entity_id, 'actor_id', e.actor_id,"                     \
	"                'request_id', e.request_id, 'occurred_at', e.occurred_at,"             \
	"                'payload', e.payload) AS j"                                            \
	"         FROM platform_events e"                                                        \
	"        WHERE " where_stream " AND e.sequence > $1::bigint"                            \
	"        ORDER BY e.sequence LIMIT $2::int) p"

static const struct db_statement global_page = {
	"events_global_page", STREAM_PAGE_SQL("e.company_id IS NULL"), true,
};
static const struct db_statement company_page = {
	"events_company_page", STREAM_PAGE_SQL("e.company_id = $3::uuid"), true,
};

static const struct db_statement publish = {
	"events_publish",
	"SELECT platform_events_publish(coalesce($1::uuid, '00000000-0000-0000-0000-000000000000'))",
	false,
};

static json_int_t query_integer(struct erp_request *req, const char *name, json_int_t fallback)
{
	json_t *value = json_object_get(req->query, name);

	return json_is_integer(value) ? json_integer_value(value) : fallback;
}

/* Runs a page statement for the stream (company_id NULL: the global one) and answers it. */
static int respond_page(struct erp_request *req, const struct db_statement *statement,
			const char *company_id)
{
	json_int_t limit = query_integer(req, "limit", DEFAULT_LIMIT);
	char after[24], rows[24];
	const char *params[3] = { after, rows, company_id }, *next;
	PGresult *res;
	char *body;
	int rc;

	snprintf(after, sizeof(after), "%lld", (long long)query_integer(req, "after", 0));
	snprintf(rows, sizeof(rows), "%lld", (long long)limit + 1);
	/* Its own statement (and transaction): the page's snapshot then holds what it numbered. */
	rc = db_query(http_db(req), NULL, &publish, 1, &company_id, NULL);
	if (!rc)
		rc = db_query(http_db(req), req->arena, statement, company_id ? 3 : 2, params, &res);
	if (rc)
		return rc;
	next = PQgetisnull(res, 0, PQfnumber(res, "last_sequence"))
		       ? after
		       : PQgetvalue(res, 0, PQfnumber(res, "last_sequence"));
	body = arena_printf(req->arena, "{\"items\":%s,\"next_after\":%s,\"has_more\":%s}",
			    PQgetvalue(res, 0, PQfnumber(res, "items")), next,
			    strtoll(PQgetvalue(res, 0, PQfnumber(res, "found")), NULL, 10) > limit
				    ? "true" : "false");
	if (!body)
		return ERP_ERR_NO_MEMORY;
	return http_respond_bytes(req, 200, "application/json", body, strlen(body));
}

int event_stream_global(struct erp_request *req)
{
	return respond_page(req, &global_page, NULL);
}

int event_stream_company(struct erp_request *req)
{
	/* The pipeline resolved the company; none: no company has that code. */
	return req->company ? respond_page(req, &company_page, req->company->id) : ERP_ERR_NOT_FOUND;
}
