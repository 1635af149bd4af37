#ifndef ERP_PLATFORM_EVENTS_H
#define ERP_PLATFORM_EVENTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct db_conn;

/*
 * Domain events, the platform's transactional outbox (docs/events.md): a use
 * case that changes state records what happened, for partner systems, on
 * its own connection inside its own transaction, beside its audit event, so
 * the change and its event commit or vanish together.
 *
 * Each company has a stream; company-less events (users, roles) share the
 * global stream. Recording takes no lock: the event is inserted without a
 * number, and the database numbers a stream's committed events, without
 * gaps, when a reader publishes it (platform_events_publish, migration
 * 20261204000000_domain_events). An event that rolls back takes no number;
 * one that commits after a reader has read N gets a number above N.
 */
struct domain_event {
	const char *type;       /* "<module>.<entity>.<past-tense verb>": "ledger.entry.posted" */
	const char *company_id; /* the company's stream (UUID); NULL: the global stream */
	const char *entity;     /* what it is about: "journal_entry" */
	const char *entity_id;
	const char *actor_id;   /* the user who caused it (UUID); NULL: the system */
	const char *request_id; /* joins the event to the audit trail and the logs; may be NULL */
	json_t *payload;        /* an object of facts, never secrets; borrowed; NULL: {} */
};

/*
 * Appends the event to its stream inside the caller's transaction (the
 * database gives it its number and time); inside db_transaction() the row
 * travels with COMMIT (db_query_at_commit()), elsewhere it is written at
 * once. 0; ERP_ERR_INVALID when
 * company_id or actor_id is not a UUID; ERP_ERR_INTERNAL when the type is
 * not <module>.<entity>.<verb>, entity or entity_id is missing, or the
 * payload is not an object or names a secret (a bug: logged, nothing
 * written); ERP_ERR_NO_MEMORY; or an ERP_ERR_* code from the database layer.
 */
int event_record(struct db_conn *conn, const struct domain_event *event);

/*
 * event_record() with the payload made by event_payload() from two versions
 * of the entity (event->payload is ignored). Returns like event_record().
 */
int event_record_change(struct db_conn *conn, const struct domain_event *event, json_t *before,
			json_t *after, const char *const *fields, size_t count);

/* --- payloads (event_payload.c: no database) ---------------------------------------- */

/*
 * The payload of an event about an entity, from its version before and
 * after the change (either may be NULL: created, removed): each of fields
 * as the entity has it now (after, else before; a field it lacks is left
 * out), and, when both versions are given, "changed": the fields whose
 * values differ, in the order of fields. A new object, or NULL when out of
 * memory.
 */
json_t *event_payload(json_t *before, json_t *after, const char *const *fields, size_t count);

/* Whether type reads <module>.<entity>.<verb>: three dotted words of [a-z][a-z0-9_]*, 100 at most. */
bool event_type_valid(const char *type);

/*
 * The first key, at any depth of payload, that names a secret (password,
 * password_hash, token, token_hash, secret, api_key, private_key; any case),
 * or NULL when there is none. The database refuses the same names.
 */
const char *event_payload_secret(json_t *payload);

#endif
