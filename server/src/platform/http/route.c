/* The HTTP methods by name (route.h): what the router, the contract and the checks print and parse. */
#include "platform/http/route.h"

#include <string.h>

static const struct {
	enum erp_method method;
	const char *name;
} method_names[] = {
	{ ERP_GET, "GET" },     { ERP_POST, "POST" }, { ERP_PUT, "PUT" },
	{ ERP_PATCH, "PATCH" }, { ERP_DELETE, "DELETE" }, { ERP_HEAD, "HEAD" },
	{ ERP_OPTIONS, "OPTIONS" },
};

const char *erp_method_name(enum erp_method method)
{
	for (size_t i = 0; i < ERP_COUNT(method_names); i++)
		if (method_names[i].method == method)
			return method_names[i].name;
	return "?";
}

enum erp_method erp_method_parse(const char *text)
{
	for (size_t i = 0; i < ERP_COUNT(method_names); i++)
		if (strcmp(method_names[i].name, text) == 0)
			return method_names[i].method;
	return 0;
}
