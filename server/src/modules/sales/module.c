/*
 * The sales module's manifest (docs/modules.md): its permissions, the
 * segregation-of-duties pairs it brings, the modules it needs, and its
 * routes, each with its permission, its request shapes and the answer it
 * declares (the test build checks every 2xx body against it; /openapi.json
 * documents it).
 */
#include "modules/sales/internal.h"
#include "platform/http/schema.h"

#define COMPANY "/api/v1/companies/{company}"

#define PAGING_FIELDS                                                                        \
	{ .name = "limit", .type = SCHEMA_INTEGER, .min = 1, .max = 200 },                    \
	{ .name = "cursor", .type = SCHEMA_STRING, .min = 1, .max = 1400 }

#define OUT_NULLABLE(field_name, field_format, text)                                           \
	{ .name = field_name, .type = SCHEMA_STRING,                                            \
	  .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED | SCHEMA_NULLABLE, .format = field_format,   \
	  .description = text }

/* --- tax codes ---------------------------------------------------------------------------------- */

static const struct schema_field tax_code_fields[] = {
	SCHEMA_OUT("id", SCHEMA_STRING, SCHEMA_FORMAT_UUID),
	SCHEMA_OUT("code", SCHEMA_STRING, SCHEMA_FORMAT_CODE),
	SCHEMA_OUT("name", SCHEMA_STRING, SCHEMA_FORMAT_NONE),
	{ .name = "rate", .type = SCHEMA_STRING, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .format = SCHEMA_FORMAT_DECIMAL, .description = "percent, without trailing zeros: \"20\", \"7.5\"" },
	{ .name = "output_account", .type = SCHEMA_STRING, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .format = SCHEMA_FORMAT_CODE, .description = "the liability account output tax is owed on" },
	OUT_NULLABLE("input_account", SCHEMA_FORMAT_CODE,
		     "the asset account recoverable input tax goes to; null: none"),
	SCHEMA_OUT("active", SCHEMA_BOOLEAN, SCHEMA_FORMAT_NONE),
	SCHEMA_OUT("version", SCHEMA_INTEGER, SCHEMA_FORMAT_NONE),
	SCHEMA_OUT("created_at", SCHEMA_STRING, SCHEMA_FORMAT_DATE_TIME),
	SCHEMA_OUT("updated_at", SCHEMA_STRING, SCHEMA_FORMAT_DATE_TIME),
};
static SCHEMA_OBJECT_DEFINE(tax_code_schema, "TaxCode", tax_code_fields,
			    "A tax code: a rate and the accounts its tax posts to (ETag: its version).");

/* What a create and a change share; a change sends only what changes. */
#define TAX_CODE_WRITE_FIELDS(required)                                                        \
	{ .name = "name", .type = SCHEMA_STRING, .flags = required, .min = 1,                   \
	  .max = SALES_NAME_MAX },                                                              \
	{ .name = "rate", .type = SCHEMA_STRING, .flags = required, .min = 1, .max = 9,         \
	  .format = SCHEMA_FORMAT_DECIMAL,                                                      \
	  .description = "percent, 0 to 100, at most 4 decimals: \"20\", \"7.5\"; tax is added"  \
			 " to the net" },                                                        \
	{ .name = "output_account", .type = SCHEMA_STRING, .flags = required, .min = 1,         \
	  .max = SALES_ACCOUNT_CODE_MAX,                                                        \
	  .description = "an active liability account in the company's currency" },            \
	{ .name = "input_account", .type = SCHEMA_STRING, .flags = SCHEMA_NULLABLE, .min = 1,   \
	  .max = SALES_ACCOUNT_CODE_MAX,                                                        \
	  .description = "an active asset account in the company's currency, for purchases;"    \
			 " null: none" },                                                        \
	{ .name = "active", .type = SCHEMA_BOOLEAN,                                             \
	  .description = "false retires the code: no new invoice lines take it" }

static const struct schema_field tax_code_create_fields[] = {
	{ .name = "code", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED, .min = 1,
	  .max = SALES_CODE_MAX, .format = SCHEMA_FORMAT_CODE,
	  .description = "unique in the company (in any case); fixed once made" },
	TAX_CODE_WRITE_FIELDS(SCHEMA_REQUIRED),
};
static SCHEMA_OBJECT_DEFINE(tax_code_create_schema, "TaxCodeCreate", tax_code_create_fields, NULL);

static const struct schema_field tax_code_update_fields[] = {
	TAX_CODE_WRITE_FIELDS(0),
};
static SCHEMA_OBJECT_DEFINE(tax_code_update_schema, "TaxCodeUpdate", tax_code_update_fields,
			    "Send only what changes, and If-Match with the tax code's ETag. A new rate"
			    " applies to lines written from then on; drafts keep the rate they were"
			    " priced at.");

static const struct schema_field tax_code_query_fields[] = {
	PAGING_FIELDS,
	{ .name = "active", .type = SCHEMA_BOOLEAN },
};
static SCHEMA_OBJECT_DEFINE(tax_code_query, NULL, tax_code_query_fields, NULL);

/* --- the manifest ------------------------------------------------------------------------------ */

static const struct erp_permission permissions[] = {
	{ "sales.tax-code.read", "List and read the company's tax codes." },
	{ "sales.tax-code.manage",
	  "Create and change the company's tax codes (rates, tax accounts), retire and restore them."
	  " Master data: kept apart from writing invoices." },
	{ "sales.invoice.read", "List and read the company's sales invoices." },
	{ "sales.invoice.create", "Write draft sales invoices: create, replace and delete drafts." },
	{ "sales.invoice.post",
	  "Post sales invoices: number them and post their ledger entries (receivable, revenue, tax)." },
	{ "sales.credit-note.create", "Write draft credit notes against posted sales invoices." },
	{ "sales.credit-note.post", "Post credit notes that someone else wrote (four-eyes)." },
	{ "sales.payment.read", "List and read customer payments and their allocations." },
	{ "sales.payment.create", "Record customer payments and allocate them to open invoices." },
	{ "sales.payment.post",
	  "Book customer payments into the ledger (bank against receivable)." },
	{ "sales.report.read", "Read receivables reports: aging, customer statements." },
	{ "sales.credit-limit.override",
	  "Post a sales invoice that takes a customer over its credit limit, with a reason (audited)." },
};

static const struct erp_sod_rule sod_rules[] = {
	{ "partners.partner.manage", "sales.payment.post",
	  "who edits a customer does not book its cash: they could redirect or hide it" },
	{ "sales.credit-note.create", "sales.credit-note.post",
	  "who writes a credit note does not post it: a credit note takes money off a customer's debt" },
};

/* Relaxes a control (the credit limit): its grant waits for a second administrator. */
static const char *const privileged[] = { "sales.credit-limit.override" };

static const struct erp_route routes[] = {
	{ ERP_GET, COMPANY "/tax-codes", "sales.tax-code.read", sales_http_tax_codes_list,
	  "List the company's tax codes.", .query = &tax_code_query, .list = &tax_code_schema,
	  .operation_id = "listTaxCodes" },
	{ ERP_POST, COMPANY "/tax-codes", "sales.tax-code.manage", sales_http_tax_codes_create,
	  "Create a tax code.", .body = &tax_code_create_schema, .response = &tax_code_schema,
	  .success_status = 201,
	  .operation_id = "createTaxCode", .headers = ERP_ANSWERS_ETAG | ERP_ANSWERS_LOCATION },
	{ ERP_GET, COMPANY "/tax-codes/{code}", "sales.tax-code.read", sales_http_tax_codes_get,
	  "Read a tax code.", .response = &tax_code_schema,
	  .operation_id = "getTaxCode", .headers = ERP_ANSWERS_ETAG },
	{ ERP_PATCH, COMPANY "/tax-codes/{code}", "sales.tax-code.manage", sales_http_tax_codes_update,
	  "Change a tax code (If-Match).", .body = &tax_code_update_schema,
	  .response = &tax_code_schema,
	  .operation_id = "updateTaxCode", .headers = ERP_TAKES_IF_MATCH | ERP_ANSWERS_ETAG },
};

/*
 * The company scope and its grants come from IAM; the accounts and periods
 * a document names are the ledger's (its views), and its postings go
 * through ledger.h; customers are partners' (partners.h).
 */
static const char *const depends_on[] = { "iam", "ledger", "partners" };

const struct erp_module sales_module = {
	.name = "sales",
	.description = "Sales: tax codes, sales invoices and receivables",
	.routes = routes,
	.route_count = ERP_COUNT(routes),
	.permissions = permissions,
	.permission_count = ERP_COUNT(permissions),
	.sod_rules = sod_rules,
	.sod_rule_count = ERP_COUNT(sod_rules),
	.privileged = privileged,
	.privileged_count = ERP_COUNT(privileged),
	.depends_on = depends_on,
	.depends_on_count = ERP_COUNT(depends_on),
};
