#include "common/json.h"

#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"

char *erp_json_dumps(const json_t *json, size_t flags)
{
	unsigned long failures = alloc_failures();
	char *text = json_dumps(json, flags);

	if (text && alloc_failures() != failures) {
		free(text);
		return NULL;
	}
	return text;
}

json_t *erp_json_loadb(const char *buffer, size_t length, size_t flags, json_error_t *error,
		       bool *out_of_memory)
{
	unsigned long failures = alloc_failures();
	json_t *document = json_loadb(buffer, length, flags, error);
	bool failed = alloc_failures() != failures;

	if (out_of_memory)
		*out_of_memory = failed;
	if (failed) {
		json_decref(document);
		return NULL;
	}
	return document;
}

bool erp_json_has_only_keys(json_t *object, const char *const *keys, size_t count,
			    const char **unknown)
{
	const char *key;
	json_t *value;

	json_object_foreach(object, key, value) {
		bool known = false;

		(void)value;
		for (size_t i = 0; i < count && !known; i++)
			known = strcmp(key, keys[i]) == 0;
		if (!known) {
			*unknown = key;
			return false;
		}
	}
	return true;
}
