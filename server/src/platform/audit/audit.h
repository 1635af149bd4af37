#ifndef ERP_PLATFORM_AUDIT_H
#define ERP_PLATFORM_AUDIT_H

#include <jansson.h>
#include <stddef.h>

struct audit_key;
struct db_conn;

/*
 * The audit trail's write side, for every module: one row in audit_events
 * per mutation, written on the caller's connection inside the caller's
 * transaction, so the change and its record commit or vanish together.
 * Inside db_transaction() the row travels with COMMIT (db_query_at_commit()):
 * it costs no round trip of its own, and a failure to write it comes back
 * from db_transaction(). The table is append-only (ARCHITECTURE.md §6).
 */
struct audit_event {
	const char *actor_id;   /* user id, or NULL for the system / an anonymous attempt */
	const char *action;     /* "iam.user.created" */
	const char *company_id; /* NULL when not company-scoped */
	const char *entity;     /* "user" */
	const char *entity_id;
	const char *request_id;
	json_t *changes;        /* {"field": {"old": x, "new": y}}, secrets omitted; borrowed; may be NULL */
	const char *reason;     /* may be NULL */
};

/*
 * The key every row's MAC is made with (platform/audit/audit_mac.h), copied;
 * NULL forgets it. Called once at start-up, before any thread records
 * events: the key is read without a lock.
 */
void audit_use_key(const struct audit_key *key);

/*
 * Inserts the event with its MAC (the database sets occurred_at), at COMMIT
 * inside db_transaction(), at once elsewhere. 0;
 * ERP_ERR_INVALID when actor_id or company_id is not a UUID;
 * ERP_ERR_NO_MEMORY; ERP_ERR_INTERNAL when no key was given
 * (audit_use_key()): no row is written without a MAC; or an ERP_ERR_* code
 * from the database layer.
 */
int audit_record(struct db_conn *conn, const struct audit_event *event);

/*
 * Records event with its changes computed from two versions of an entity
 * (either may be NULL: created or removed): for each of fields, old -> new
 * where they differ (audit_change). event->changes is ignored. 0,
 * ERP_ERR_NO_MEMORY, or an error of the database layer.
 */
int audit_record_changes(struct db_conn *conn, const struct audit_event *event, json_t *before,
			 json_t *after, const char *const *fields, size_t count);

/*
 * Adds {"old": old_value, "new": new_value} under field to changes when the
 * two differ (either may be NULL: created or removed). Takes no references.
 * Returns 0, or -1 when out of memory.
 */
int audit_change(json_t *changes, const char *field, json_t *old_value, json_t *new_value);

#endif
