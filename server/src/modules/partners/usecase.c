/*
 * The small conversions partners' use cases share.
 */
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "modules/partners/internal.h"

int partners_json_text(struct arena *arena, json_t *value, const char **out)
{
	char *text;

	*out = NULL;
	if (!value || json_is_null(value))
		return ERP_OK;
	text = erp_json_dumps(value, JSON_COMPACT | JSON_SORT_KEYS);
	if (!text)
		return ERP_ERR_NO_MEMORY;
	*out = arena_strdup(arena, text);
	free(text);
	return *out ? ERP_OK : ERP_ERR_NO_MEMORY;
}
