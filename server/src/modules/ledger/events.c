/*
 * The ledger's domain events about journal entries (docs/events.md): the
 * entry as clients see it, lines included, written once for the files that
 * record them (http_entries.c, posting.c).
 */
#include "modules/ledger/internal.h"
#include "platform/events/events.h"

int ledger_entry_event(struct db_conn *db, const struct domain_event *of, json_t *before,
		       json_t *after)
{
	static const char *const fields[] = { "id", "number", "status", "date", "memo", "reference",
					      "source", "author_id", "posted_by", "posted_at",
					      "posted_into_closed_period", "reverses", "version",
					      "lines" };
	struct domain_event event = *of;

	event.entity = "journal_entry";
	event.entity_id = json_string_value(json_object_get(after ? after : before, "id"));
	return event_record_change(db, &event, before, after, fields, ERP_COUNT(fields));
}
