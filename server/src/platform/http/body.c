#include "platform/http/body.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/json.h"

bool body_too_deep(const char *text, size_t length, unsigned max_depth)
{
	unsigned depth = 0;
	bool in_string = false;

	for (size_t i = 0; i < length; i++) {
		char c = text[i];

		if (in_string) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = false;
			continue;
		}
		if (c == '"') {
			in_string = true;
		} else if (c == '[' || c == '{') {
			if (++depth > max_depth)
				return true;
		} else if ((c == ']' || c == '}') && depth > 0) {
			depth--;
		}
	}
	return false;
}

json_t *body_parse(const char *text, size_t length, unsigned max_depth, char *detail,
		   size_t detail_size)
{
	json_error_t error;
	json_t *document;
	bool out_of_memory;

	if (length == 0) {
		snprintf(detail, detail_size, "the request body is empty; a JSON object is required");
		return NULL;
	}
	if (body_too_deep(text, length, max_depth)) {
		snprintf(detail, detail_size, "JSON nesting is deeper than %u levels", max_depth);
		return NULL;
	}
	/* Without JSON_ALLOW_NUL jansson refuses \u0000; raw NUL bytes end the text early. */
	if (memchr(text, '\0', length)) {
		snprintf(detail, detail_size, "the body contains a NUL byte");
		return NULL;
	}
	document = erp_json_loadb(text, length, JSON_REJECT_DUPLICATES, &error, &out_of_memory);
	if (out_of_memory) {
		snprintf(detail, detail_size, "out of memory reading the body");
		return NULL;
	}
	if (!document) {
		/* error.text can quote input; jansson escapes nothing, so keep it short and clean. */
		char clean[96];
		size_t j = 0;

		for (size_t i = 0; error.text[i] && j + 1 < sizeof(clean); i++) {
			unsigned char c = (unsigned char)error.text[i];

			clean[j++] = (c < 0x20 || c >= 0x7f) ? '?' : (char)c;
		}
		clean[j] = '\0';
		snprintf(detail, detail_size, "malformed JSON at line %d, column %d: %s", error.line,
			 error.column, clean);
		return NULL;
	}
	return document;
}

bool body_is_json_content_type(const char *content_type)
{
	size_t len;

	if (!content_type)
		return false;
	len = strlen("application/json");
	if (strncasecmp(content_type, "application/json", len) != 0)
		return false;
	content_type += len;
	while (*content_type == ' ')
		content_type++;
	if (*content_type == '\0')
		return true;
	if (*content_type != ';')
		return false;
	content_type++;
	while (*content_type == ' ')
		content_type++;
	return strcasecmp(content_type, "charset=utf-8") == 0 ||
	       strcasecmp(content_type, "charset=\"utf-8\"") == 0;
}
