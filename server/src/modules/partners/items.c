/*
 * Partners's items: the rules, without HTTP and without SQL, so they are
 * unit-tested directly (server/test/unit/modules/partners/items_test.c).
 */
#include <string.h>

#include "modules/partners/internal.h"

bool partners_items_filter_from(json_t *query, const char *company_id,
				 struct partners_items_filter *out)
{
	json_t *active = json_object_get(query, "active");
	const char *prefix = json_string_value(json_object_get(query, "prefix"));

	if (!company_id || !*company_id)
		return false;
	if (prefix && (!*prefix || strlen(prefix) > PARTNERS_CODE_MAX))
		return false;
	out->company_id = company_id;
	out->prefix = prefix;
	out->active = json_is_boolean(active) ? (json_is_true(active) ? "true" : "false") : NULL;
	return true;
}
