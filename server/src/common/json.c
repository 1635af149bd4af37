#include "common/json.h"

#include <stdlib.h>

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
