#include "platform/audit.h"

#include <stdbool.h>
#include <stdlib.h>

#include "common/json.h"
#include "platform/db.h"
#include "shared-kernel/errors.h"
#include "shared-kernel/uuid.h"

static const struct db_statement insert_event = {
	"audit_insert_event",
	"INSERT INTO audit_events (id, actor_id, action, company_id, entity, entity_id, request_id,"
	" changes, reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9)",
	false,
};

int audit_record(struct db_conn *conn, const struct audit_event *e)
{
	char id[ERP_UUID_TEXT_LEN + 1];
	struct erp_uuid uuid;
	char *changes = e->changes ? erp_json_dumps(e->changes, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	const char *params[9];
	int rc;

	if (e->changes && !changes)
		return ERP_ERR_NO_MEMORY;
	erp_uuid_v7(&uuid);
	erp_uuid_format(&uuid, id);
	params[0] = id;
	params[1] = e->actor_id;
	params[2] = e->action;
	params[3] = e->company_id;
	params[4] = e->entity;
	params[5] = e->entity_id;
	params[6] = e->request_id;
	params[7] = changes ? changes : "{}";
	params[8] = e->reason;
	rc = db_query(conn, NULL, &insert_event, 9, params, NULL);
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
