/*
 * The @name@ module's manifest (docs/modules.md): its permissions, the
 * modules it needs, and its routes, each with its permission, its request
 * shapes and the answer it declares (the test build checks every 2xx body
 * against it; /openapi.json documents it).
 */
#include "modules/@name@/internal.h"
#include "platform/http/schema.h"

#define COMPANY "/api/v1/companies/{company}"

/* --- items ------------------------------------------------------------------------------------- */

static const struct schema_field item_fields[] = {
	SCHEMA_OUT("id", SCHEMA_STRING, SCHEMA_FORMAT_UUID),
	SCHEMA_OUT("code", SCHEMA_STRING, SCHEMA_FORMAT_CODE),
	SCHEMA_OUT("name", SCHEMA_STRING, SCHEMA_FORMAT_NONE),
	SCHEMA_OUT("active", SCHEMA_BOOLEAN, SCHEMA_FORMAT_NONE),
	SCHEMA_OUT("version", SCHEMA_INTEGER, SCHEMA_FORMAT_NONE),
	SCHEMA_OUT("created_at", SCHEMA_STRING, SCHEMA_FORMAT_DATE_TIME),
};
static SCHEMA_OBJECT_DEFINE(item_schema, "@Name@Item", item_fields,
			    "An item of @name@ (ETag: its version).");

static const struct schema_field item_create_fields[] = {
	{ .name = "code", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED, .min = 1,
	  .max = @NAME@_CODE_MAX, .format = SCHEMA_FORMAT_CODE, .description = "unique in the company" },
	{ .name = "name", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED, .min = 1,
	  .max = @NAME@_NAME_MAX },
};
static SCHEMA_OBJECT_DEFINE(item_create_schema, "@Name@ItemCreate", item_create_fields, NULL);

static const struct schema_field item_query_fields[] = {
	{ .name = "limit", .type = SCHEMA_INTEGER, .min = 1, .max = 200 },
	{ .name = "cursor", .type = SCHEMA_STRING, .min = 1, .max = 1400 },
	{ .name = "prefix", .type = SCHEMA_STRING, .min = 1, .max = @NAME@_CODE_MAX,
	  .description = "code prefix" },
	{ .name = "active", .type = SCHEMA_BOOLEAN },
};
static SCHEMA_OBJECT_DEFINE(item_query, NULL, item_query_fields, NULL);

/* --- the manifest ------------------------------------------------------------------------------ */

static const struct erp_permission permissions[] = {
	{ "@name@.item.read", "Read @name@'s items." },
	{ "@name@.item.manage", "Create @name@'s items." },
};

static const struct erp_route routes[] = {
	{ ERP_GET, COMPANY "/@path@/items", "@name@.item.read", @name@_items_list,
	  "List @name@'s items.", .query = &item_query, .list = &item_schema,
	  .operation_id = "list@Camel@Items" },
	{ ERP_POST, COMPANY "/@path@/items", "@name@.item.manage", @name@_items_create,
	  "Create an item of @name@.", .body = &item_create_schema, .response = &item_schema,
	  .success_status = 201,
	  .operation_id = "create@Camel@Item", .headers = ERP_ANSWERS_ETAG | ERP_ANSWERS_LOCATION },
	{ ERP_GET, COMPANY "/@path@/items/{code}", "@name@.item.read", @name@_items_get,
	  "Read an item of @name@.", .response = &item_schema,
	  .operation_id = "get@Camel@Item", .headers = ERP_ANSWERS_ETAG },
};

/*
 * The company scope and its grants come from IAM. Add "ledger" once the
 * module posts through ledger.h or reads the ledger's exported views.
 */
static const char *const depends_on[] = { "iam" };

const struct erp_module @name@_module = {
	.name = "@name@",
	.description = "@Name@",
	.routes = routes,
	.route_count = ERP_COUNT(routes),
	.permissions = permissions,
	.permission_count = ERP_COUNT(permissions),
	.depends_on = depends_on,
	.depends_on_count = ERP_COUNT(depends_on),
};
