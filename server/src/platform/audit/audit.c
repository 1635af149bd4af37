#include "platform/audit/audit.h"

#include <sodium.h>
#include <stdbool.h>
#include <stdlib.h>

#include "platform/audit/audit_mac.h"
#include "platform/db/db.h"
#include "platform/ops/log.h"
#include "shared-kernel/errors.h"
#include "shared-kernel/uuid.h"

static const struct db_statement insert_event = {
	"audit_insert_event",
	"INSERT INTO audit_events (id, actor_id, action, company_id, entity, entity_id, request_id,"
	" changes, reason, mac) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, decode($10, 'hex'))",
	false,
};

/* Set once at start-up, before any thread writes; read-only afterwards. */
static struct audit_key installed_key;
static bool key_installed;

void audit_use_key(const struct audit_key *key)
{
	if (!key) {
		audit_key_wipe(&installed_key);
		key_installed = false;
		return;
	}
	installed_key = *key;
	key_installed = true;
}

/*
 * The lower-case canonical form the database gives back (uuid::text), which
 * is what the MAC covers; NULL stays NULL. -1 when text is not a UUID.
 */
static int canonical_uuid(const char *text, char out[ERP_UUID_TEXT_LEN + 1], const char **result)
{
	struct erp_uuid uuid;

	*result = NULL;
	if (!text)
		return 0;
	if (erp_uuid_parse(text, &uuid) != 0)
		return -1;
	erp_uuid_format(&uuid, out);
	*result = out;
	return 0;
}

int audit_record(struct db_conn *conn, const struct audit_event *e)
{
	char id[ERP_UUID_TEXT_LEN + 1], actor[ERP_UUID_TEXT_LEN + 1], company[ERP_UUID_TEXT_LEN + 1];
	char mac_hex[AUDIT_MAC_BYTES * 2 + 1];
	uint8_t mac[AUDIT_MAC_BYTES];
	struct audit_event_text row = { .action = e->action, .entity = e->entity,
					.entity_id = e->entity_id, .request_id = e->request_id,
					.reason = e->reason, .changes = "{}" };
	struct erp_uuid uuid;
	char *changes = NULL;
	const char *params[10];
	int rc;

	if (!key_installed) {
		log_error("audit.no_key", "BUG: an audit event without the audit key (audit_use_key)");
		return ERP_ERR_INTERNAL;
	}
	if (canonical_uuid(e->actor_id, actor, &row.actor_id) ||
	    canonical_uuid(e->company_id, company, &row.company_id))
		return ERP_ERR_INVALID;
	if (e->changes) {
		changes = audit_changes_canonical(e->changes);
		if (!changes)
			return ERP_ERR_NO_MEMORY;
		row.changes = changes;
	}
	erp_uuid_v7(&uuid);
	erp_uuid_format(&uuid, id);
	row.id = id;
	audit_event_mac(&installed_key, &row, mac);
	sodium_bin2hex(mac_hex, sizeof(mac_hex), mac, sizeof(mac));
	params[0] = row.id;
	params[1] = row.actor_id;
	params[2] = row.action;
	params[3] = row.company_id;
	params[4] = row.entity;
	params[5] = row.entity_id;
	params[6] = row.request_id;
	params[7] = row.changes;
	params[8] = row.reason;
	params[9] = mac_hex;
	rc = db_query_at_commit(conn, &insert_event, 10, params);
	free(changes);
	return rc;
}

int audit_change(json_t *changes, const char *field, json_t *old_value, json_t *new_value)
{
	bool old_null = !old_value || json_is_null(old_value);
	bool new_null = !new_value || json_is_null(new_value);
	json_t *entry;

	/* Absent and null are the same "no value": no change to record. */
	if ((old_null && new_null) || (old_value && new_value && json_equal(old_value, new_value)))
		return 0;
	entry = json_pack("{s:O?, s:O?}", "old", old_value, "new", new_value);
	if (!entry || json_object_set_new(changes, field, entry))
		return -1;
	return 0;
}

int audit_record_changes(struct db_conn *conn, const struct audit_event *event, json_t *before,
			 json_t *after, const char *const *fields, size_t count)
{
	struct audit_event with_changes = *event;
	json_t *changes = json_object();
	int rc = changes ? ERP_OK : ERP_ERR_NO_MEMORY;

	for (size_t i = 0; i < count && rc == ERP_OK; i++)
		if (audit_change(changes, fields[i], before ? json_object_get(before, fields[i]) : NULL,
				 after ? json_object_get(after, fields[i]) : NULL))
			rc = ERP_ERR_NO_MEMORY;
	with_changes.changes = changes;
	if (!rc)
		rc = audit_record(conn, &with_changes);
	json_decref(changes);
	return rc;
}
