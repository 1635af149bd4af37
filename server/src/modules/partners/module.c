/*
 * The partners module's manifest (docs/modules.md): its permissions, the
 * modules it needs, and its routes, each with its permission, its request
 * shapes and the answer it declares (the test build checks every 2xx body
 * against it; /openapi.json documents it).
 */
#include "modules/partners/internal.h"
#include "platform/http/schema.h"

#define COMPANY "/api/v1/companies/{company}"

static const char *const roles[] = { "customer", "vendor", NULL };

/* --- addresses ---------------------------------------------------------------------------------- */

#define ADDRESS_LINE(field_name, flags_set, longest)                                           \
	{ .name = field_name, .type = SCHEMA_STRING, .flags = flags_set, .min = 1, .max = longest }

static const struct schema_field address_write_fields[] = {
	ADDRESS_LINE("line1", SCHEMA_REQUIRED, PARTNERS_ADDRESS_LINE_MAX),
	ADDRESS_LINE("line2", 0, PARTNERS_ADDRESS_LINE_MAX),
	ADDRESS_LINE("city", SCHEMA_REQUIRED, PARTNERS_ADDRESS_LINE_MAX),
	ADDRESS_LINE("postal_code", 0, 20),
	ADDRESS_LINE("region", 0, PARTNERS_ADDRESS_LINE_MAX),
	{ .name = "country", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED, .min = 2, .max = 2,
	  .description = "ISO 3166-1 alpha-2, upper case: DE" },
};
static SCHEMA_OBJECT_DEFINE(address_write_schema, "PartnerAddressWrite", address_write_fields,
			    "A postal address.");

#define OUT_OPTIONAL(field_name)                                                               \
	{ .name = field_name, .type = SCHEMA_STRING, .flags = SCHEMA_READ_ONLY }

static const struct schema_field address_fields[] = {
	SCHEMA_OUT("line1", SCHEMA_STRING, SCHEMA_FORMAT_NONE),
	OUT_OPTIONAL("line2"),
	SCHEMA_OUT("city", SCHEMA_STRING, SCHEMA_FORMAT_NONE),
	OUT_OPTIONAL("postal_code"),
	OUT_OPTIONAL("region"),
	SCHEMA_OUT("country", SCHEMA_STRING, SCHEMA_FORMAT_NONE),
};
static SCHEMA_OBJECT_DEFINE(address_schema, "PartnerAddress", address_fields,
			    "A postal address; members not given are left out.");

/* --- partners ----------------------------------------------------------------------------------- */

#define OUT_NULLABLE(field_name, field_format, text)                                           \
	{ .name = field_name, .type = SCHEMA_STRING,                                            \
	  .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED | SCHEMA_NULLABLE, .format = field_format,   \
	  .description = text }

static const struct schema_field role_out_item = { .name = "role", .type = SCHEMA_STRING,
						   .flags = SCHEMA_READ_ONLY, .enum_values = roles };

static const struct schema_field partner_fields[] = {
	SCHEMA_OUT("id", SCHEMA_STRING, SCHEMA_FORMAT_UUID),
	SCHEMA_OUT("code", SCHEMA_STRING, SCHEMA_FORMAT_CODE),
	SCHEMA_OUT("name", SCHEMA_STRING, SCHEMA_FORMAT_NONE),
	{ .name = "roles", .type = SCHEMA_ARRAY, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .items = &role_out_item, .description = "customer, vendor or both" },
	OUT_NULLABLE("tax_id", SCHEMA_FORMAT_NONE, "upper case, without separators"),
	OUT_NULLABLE("email", SCHEMA_FORMAT_NONE, NULL),
	{ .name = "billing_address", .type = SCHEMA_OBJECT,
	  .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED | SCHEMA_NULLABLE, .object = &address_schema },
	{ .name = "shipping_address", .type = SCHEMA_OBJECT,
	  .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED | SCHEMA_NULLABLE, .object = &address_schema },
	SCHEMA_OUT("payment_terms_days", SCHEMA_INTEGER, SCHEMA_FORMAT_NONE),
	SCHEMA_OUT("payment_terms_end_of_month", SCHEMA_BOOLEAN, SCHEMA_FORMAT_NONE),
	OUT_NULLABLE("credit_limit", SCHEMA_FORMAT_DECIMAL, "null: no limit"),
	OUT_NULLABLE("credit_limit_currency", SCHEMA_FORMAT_NONE,
		     "the company's currency when the limit was set"),
	SCHEMA_OUT("currency", SCHEMA_STRING, SCHEMA_FORMAT_NONE),
	OUT_NULLABLE("receivable_account", SCHEMA_FORMAT_CODE, "a ledger asset account's code"),
	OUT_NULLABLE("payable_account", SCHEMA_FORMAT_CODE, "a ledger liability account's code"),
	SCHEMA_OUT("active", SCHEMA_BOOLEAN, SCHEMA_FORMAT_NONE),
	SCHEMA_OUT("version", SCHEMA_INTEGER, SCHEMA_FORMAT_NONE),
	SCHEMA_OUT("created_at", SCHEMA_STRING, SCHEMA_FORMAT_DATE_TIME),
	SCHEMA_OUT("updated_at", SCHEMA_STRING, SCHEMA_FORMAT_DATE_TIME),
};
static SCHEMA_OBJECT_DEFINE(partner_schema, "Partner", partner_fields,
			    "A customer and/or vendor of the company (ETag: its version).");

static const struct schema_field role_item = { .name = "role", .type = SCHEMA_STRING, .min = 1,
					       .max = 20, .enum_values = roles };

/* What a create and a change share; a change sends only what changes. */
#define PARTNER_WRITE_FIELDS(name_flags, roles_flags)                                          \
	{ .name = "name", .type = SCHEMA_STRING, .flags = name_flags, .min = 1,                 \
	  .max = PARTNERS_NAME_MAX },                                                           \
	{ .name = "roles", .type = SCHEMA_ARRAY, .flags = roles_flags, .min = 1, .max = 2,      \
	  .items = &role_item, .description = "[\"customer\"], [\"vendor\"] or both" },          \
	{ .name = "tax_id", .type = SCHEMA_STRING, .flags = SCHEMA_NULLABLE, .min = 1,          \
	  .max = PARTNERS_TAX_ID_TEXT_MAX,                                                      \
	  .description = "unique in the company; stored upper case without spaces, dots, dashes" \
			 " and slashes" },                                                       \
	{ .name = "email", .type = SCHEMA_STRING, .flags = SCHEMA_NULLABLE, .min = 3,           \
	  .max = PARTNERS_EMAIL_MAX, .format = SCHEMA_FORMAT_EMAIL },                           \
	{ .name = "billing_address", .type = SCHEMA_OBJECT, .flags = SCHEMA_NULLABLE,           \
	  .object = &address_write_schema },                                                    \
	{ .name = "shipping_address", .type = SCHEMA_OBJECT, .flags = SCHEMA_NULLABLE,          \
	  .object = &address_write_schema },                                                    \
	{ .name = "payment_terms_days", .type = SCHEMA_INTEGER, .min = 0,                       \
	  .max = PARTNERS_TERMS_DAYS_MAX,                                                       \
	  .description = "days until due; a new partner's default 30" },                         \
	{ .name = "payment_terms_end_of_month", .type = SCHEMA_BOOLEAN,                         \
	  .description = "count the days from the end of the document's month; default false" },\
	{ .name = "credit_limit", .type = SCHEMA_STRING, .flags = SCHEMA_NULLABLE, .min = 1,    \
	  .max = 32, .format = SCHEMA_FORMAT_DECIMAL,                                           \
	  .description = "decimal text in the company's currency, e.g. \"5000.00\"; null: none" }, \
	{ .name = "currency", .type = SCHEMA_STRING, .min = 3, .max = 3,                        \
	  .description = "ISO 4217; a new partner's default the company's currency" },          \
	{ .name = "receivable_account", .type = SCHEMA_STRING, .flags = SCHEMA_NULLABLE,        \
	  .min = 1, .max = PARTNERS_ACCOUNT_CODE_MAX,                                           \
	  .description = "an active asset account's code; a customer's default the company's" }, \
	{ .name = "payable_account", .type = SCHEMA_STRING, .flags = SCHEMA_NULLABLE, .min = 1, \
	  .max = PARTNERS_ACCOUNT_CODE_MAX,                                                     \
	  .description = "an active liability account's code; a vendor's default the company's" }

static const struct schema_field partner_create_fields[] = {
	{ .name = "code", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED, .min = 1,
	  .max = PARTNERS_CODE_MAX, .format = SCHEMA_FORMAT_CODE,
	  .description = "unique in the company (in any case); fixed once made" },
	PARTNER_WRITE_FIELDS(SCHEMA_REQUIRED, SCHEMA_REQUIRED),
};
static SCHEMA_OBJECT_DEFINE(partner_create_schema, "PartnerCreate", partner_create_fields, NULL);

static const struct schema_field partner_update_fields[] = {
	PARTNER_WRITE_FIELDS(0, 0),
};
static SCHEMA_OBJECT_DEFINE(partner_update_schema, "PartnerUpdate", partner_update_fields,
			    "Send only what changes (null clears a nullable field), and If-Match"
			    " with the partner's ETag.");

static const struct schema_field partner_query_fields[] = {
	{ .name = "limit", .type = SCHEMA_INTEGER, .min = 1, .max = 200 },
	{ .name = "cursor", .type = SCHEMA_STRING, .min = 1, .max = 1400 },
	{ .name = "role", .type = SCHEMA_STRING, .max = 20, .enum_values = roles },
	{ .name = "active", .type = SCHEMA_BOOLEAN },
	{ .name = "code", .type = SCHEMA_STRING, .min = 1, .max = PARTNERS_CODE_MAX,
	  .description = "code prefix, any case" },
	{ .name = "name", .type = SCHEMA_STRING, .min = 1, .max = PARTNERS_NAME_MAX,
	  .description = "name prefix, any case" },
	{ .name = "tax_id", .type = SCHEMA_STRING, .min = 1, .max = PARTNERS_TAX_ID_TEXT_MAX,
	  .description = "the tax id, written with or without separators" },
};
static SCHEMA_OBJECT_DEFINE(partner_query, NULL, partner_query_fields, NULL);

/* --- the company's partner settings ------------------------------------------------------------ */

static const struct schema_field settings_fields[] = {
	OUT_NULLABLE("default_receivable_account", SCHEMA_FORMAT_CODE,
		     "what a new customer gets when given none"),
	OUT_NULLABLE("default_payable_account", SCHEMA_FORMAT_CODE,
		     "what a new vendor gets when given none"),
	SCHEMA_OUT("version", SCHEMA_INTEGER, SCHEMA_FORMAT_NONE),
	OUT_NULLABLE("updated_at", SCHEMA_FORMAT_DATE_TIME, "null until first changed"),
};
static SCHEMA_OBJECT_DEFINE(settings_schema, "PartnerSettings", settings_fields,
			    "The company's defaults for new partners (ETag: their version).");

static const struct schema_field settings_update_fields[] = {
	{ .name = "default_receivable_account", .type = SCHEMA_STRING,
	  .flags = SCHEMA_REQUIRED | SCHEMA_NULLABLE, .min = 1, .max = PARTNERS_ACCOUNT_CODE_MAX,
	  .description = "an active asset account's code, or null" },
	{ .name = "default_payable_account", .type = SCHEMA_STRING,
	  .flags = SCHEMA_REQUIRED | SCHEMA_NULLABLE, .min = 1, .max = PARTNERS_ACCOUNT_CODE_MAX,
	  .description = "an active liability account's code, or null" },
};
static SCHEMA_OBJECT_DEFINE(settings_update_schema, "PartnerSettingsUpdate", settings_update_fields,
			    "Replaces both defaults; send If-Match with the settings' ETag.");

/* --- the manifest ------------------------------------------------------------------------------ */

static const struct erp_permission permissions[] = {
	{ "partners.partner.read",
	  "List and read the company's partners (customers and vendors) and its partner settings." },
	{ "partners.partner.manage",
	  "Create and change partners, deactivate and reactivate them, and set the company's default"
	  " receivable and payable accounts." },
};

static const struct erp_route routes[] = {
	{ ERP_GET, COMPANY "/partners", "partners.partner.read", partners_http_list,
	  "List the company's partners.", .query = &partner_query, .list = &partner_schema,
	  .operation_id = "listPartners" },
	{ ERP_POST, COMPANY "/partners", "partners.partner.manage", partners_http_create,
	  "Create a partner: a customer, a vendor or both.", .body = &partner_create_schema,
	  .response = &partner_schema, .success_status = 201,
	  .operation_id = "createPartner", .headers = ERP_ANSWERS_ETAG | ERP_ANSWERS_LOCATION },
	{ ERP_GET, COMPANY "/partners/{code}", "partners.partner.read", partners_http_get,
	  "Read a partner.", .response = &partner_schema,
	  .operation_id = "getPartner", .headers = ERP_ANSWERS_ETAG },
	{ ERP_PATCH, COMPANY "/partners/{code}", "partners.partner.manage", partners_http_update,
	  "Change a partner (If-Match).", .body = &partner_update_schema, .response = &partner_schema,
	  .operation_id = "updatePartner", .headers = ERP_TAKES_IF_MATCH | ERP_ANSWERS_ETAG },
	{ ERP_POST, COMPANY "/partners/{code}/deactivate", "partners.partner.manage",
	  partners_http_deactivate, "Deactivate a partner: it takes no new documents.",
	  .response = &partner_schema,
	  .operation_id = "deactivatePartner", .headers = ERP_ANSWERS_ETAG },
	{ ERP_POST, COMPANY "/partners/{code}/reactivate", "partners.partner.manage",
	  partners_http_reactivate, "Reactivate a partner.", .response = &partner_schema,
	  .operation_id = "reactivatePartner", .headers = ERP_ANSWERS_ETAG },
	{ ERP_GET, COMPANY "/partner-settings", "partners.partner.read", partners_http_settings_get,
	  "The company's default receivable and payable accounts for new partners.",
	  .response = &settings_schema,
	  .operation_id = "getPartnerSettings", .headers = ERP_ANSWERS_ETAG },
	{ ERP_PUT, COMPANY "/partner-settings", "partners.partner.manage",
	  partners_http_settings_update, "Set the company's default accounts (If-Match).",
	  .body = &settings_update_schema, .response = &settings_schema,
	  .operation_id = "updatePartnerSettings", .headers = ERP_TAKES_IF_MATCH | ERP_ANSWERS_ETAG },
};

/*
 * The company scope and its grants come from IAM; the accounts a partner
 * names are the ledger's (its view ledger_account_directory).
 */
static const char *const depends_on[] = { "iam", "ledger" };

const struct erp_module partners_module = {
	.name = "partners",
	.description = "Partners: customers and vendors",
	.routes = routes,
	.route_count = ERP_COUNT(routes),
	.permissions = permissions,
	.permission_count = ERP_COUNT(permissions),
	.depends_on = depends_on,
	.depends_on_count = ERP_COUNT(depends_on),
};
