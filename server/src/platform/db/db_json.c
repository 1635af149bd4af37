/* Entities as the JSON PostgreSQL renders them, read by column name into an arena. */
#include "platform/db/db_json.h"

#include <string.h>

#include "common/json.h"
#include "platform/db/db.h"
#include "shared-kernel/errors.h"

int db_value_json(struct arena *arena, const PGresult *res, int row, const char *name,
		  json_t **out)
{
	const char *text = db_value(res, row, name);
	json_t *doc;

	if (!text)
		return ERP_ERR_NOT_FOUND;
	doc = erp_json_loadb(text, strlen(text), 0, NULL, NULL);
	if (!doc || arena_cleanup_add(arena, (arena_cleanup_fn)json_decref, doc))
		return ERP_ERR_NO_MEMORY;
	*out = doc;
	return ERP_OK;
}
