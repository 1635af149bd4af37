/*
 * IAM's domain events about grants (docs/events.md): what a partner learns
 * of a role assignment and of a grant request, written once for the files
 * that record them. Free-text reasons stay in the audit trail.
 */
#include "modules/iam/internal.h"
#include "platform/events/events.h"
#include "shared-kernel/errors.h"

int iam_event_assignment(struct db_conn *db, const struct domain_event *of, const char *user_id,
			 const char *grant_request, json_t *assignment)
{
	static const char *const fields[] = { "id", "role", "company", "granted_by", "approved_by",
					      "granted_at", "sod_override", "overrides" };
	struct domain_event event = *of;
	int rc = ERP_ERR_NO_MEMORY;

	event.entity = "role_assignment";
	event.entity_id = json_string_value(json_object_get(assignment, "id"));
	event.payload = event_payload(NULL, assignment, fields, ERP_COUNT(fields));
	if (event.payload && !json_object_set_new(event.payload, "user_id", json_string(user_id)) &&
	    !json_object_set_new(event.payload, "grant_request",
				 grant_request ? json_string(grant_request) : json_null()))
		rc = event_record(db, &event);
	json_decref(event.payload);
	return rc;
}

int iam_event_grant_request(struct db_conn *db, const struct domain_event *of, json_t *request)
{
	static const char *const fields[] = { "id", "user_id", "role", "role_version", "company",
					      "privileged_permissions", "overrides", "status",
					      "requested_by", "requested_at", "decided_by",
					      "decided_at", "assignment_id", "version" };

	struct domain_event event = *of;

	event.entity = "role_grant_request";
	event.entity_id = json_string_value(json_object_get(request, "id"));
	return event_record_change(db, &event, NULL, request, fields, ERP_COUNT(fields));
}
