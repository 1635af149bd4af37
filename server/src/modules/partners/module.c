/*
 * The partners module's manifest (docs/modules.md): its permissions, the
 * modules it needs, and its routes, each with its permission, its request
 * shapes and the answer it declares (the test build checks every 2xx body
 * against it; /openapi.json documents it).
 */
#include "modules/partners/internal.h"
#include "platform/http/schema.h"

/* --- items ------------------------------------------------------------------------------------- */

static const struct schema_field item_fields[] = {
	SCHEMA_OUT("id", SCHEMA_STRING, SCHEMA_FORMAT_UUID),
	SCHEMA_OUT("code", SCHEMA_STRING, SCHEMA_FORMAT_CODE),
	SCHEMA_OUT("name", SCHEMA_STRING, SCHEMA_FORMAT_NONE),
	SCHEMA_OUT("active", SCHEMA_BOOLEAN, SCHEMA_FORMAT_NONE),
	SCHEMA_OUT("created_at", SCHEMA_STRING, SCHEMA_FORMAT_DATE_TIME),
};
static SCHEMA_OBJECT_DEFINE(item_schema, "PartnersItem", item_fields, "An item of partners.");

static const struct schema_field item_query_fields[] = {
	{ .name = "limit", .type = SCHEMA_INTEGER, .min = 1, .max = 200 },
	{ .name = "cursor", .type = SCHEMA_STRING, .min = 1, .max = 1400 },
	{ .name = "prefix", .type = SCHEMA_STRING, .min = 1, .max = PARTNERS_CODE_MAX,
	  .description = "code prefix" },
	{ .name = "active", .type = SCHEMA_BOOLEAN },
};
static SCHEMA_OBJECT_DEFINE(item_query, NULL, item_query_fields, NULL);

/* --- the manifest ------------------------------------------------------------------------------ */

static const struct erp_permission permissions[] = {
	{ "partners.item.read", "Read partners's items." },
};

static const struct erp_route routes[] = {
	{ ERP_GET, "/api/v1/companies/{company}/partners/items", "partners.item.read", partners_items_list,
	  "List partners's items.", .query = &item_query, .list = &item_schema },
};

/* The company scope and its grants come from IAM. */
static const char *const depends_on[] = { "iam" };

const struct erp_module partners_module = {
	.name = "partners",
	.description = "Partners",
	.routes = routes,
	.route_count = ERP_COUNT(routes),
	.permissions = permissions,
	.permission_count = ERP_COUNT(permissions),
	.depends_on = depends_on,
	.depends_on_count = ERP_COUNT(depends_on),
};
