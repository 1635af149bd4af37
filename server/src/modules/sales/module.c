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

/* --- sales invoices ------------------------------------------------------------------------------ */

static const char *const invoice_statuses[] = { "draft", "open", "partially_paid", "paid", "overdue",
						 "credited", NULL };

static const struct schema_field line_write_fields[] = {
	{ .name = "description", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED, .min = 1,
	  .max = SALES_DESCRIPTION_MAX },
	{ .name = "quantity", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED, .min = 1,
	  .max = SALES_DECIMAL_TEXT_MAX, .format = SCHEMA_FORMAT_DECIMAL,
	  .description = "more than 0, at most 4 decimals: \"3\", \"0.333\"" },
	{ .name = "unit_price", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED, .min = 1, .max = 32,
	  .format = SCHEMA_FORMAT_DECIMAL,
	  .description = "money of the invoice's currency, not negative, at most its decimals" },
	{ .name = "revenue_account", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED, .min = 1,
	  .max = SALES_ACCOUNT_CODE_MAX,
	  .description = "an active revenue account in the invoice's currency" },
	{ .name = "tax_code", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED, .min = 1,
	  .max = SALES_CODE_MAX, .description = "an active tax code of the company" },
	{ .name = "discount_percent", .type = SCHEMA_STRING, .min = 1, .max = SALES_DECIMAL_TEXT_MAX,
	  .format = SCHEMA_FORMAT_DECIMAL, .description = "0 to 100, at most 4 decimals; none if left out" },
};
static SCHEMA_OBJECT_DEFINE(line_write_schema, "SalesInvoiceLineWrite", line_write_fields,
			    "A line as written: the server prices it.");

static const struct schema_field invoice_write_fields[] = {
	{ .name = "partner", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED, .min = 1,
	  .max = SALES_CODE_MAX, .description = "an active customer's code" },
	{ .name = "date", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED, .max = 10,
	  .format = SCHEMA_FORMAT_DATE },
	{ .name = "due_date", .type = SCHEMA_STRING, .max = 10, .format = SCHEMA_FORMAT_DATE,
	  .description = "on or after date; default from the partner's payment terms" },
	{ .name = "reference", .type = SCHEMA_STRING, .min = 1, .max = SALES_REFERENCE_MAX,
	  .description = "the customer's order number, or anything the invoice is known by" },
	{ .name = "currency", .type = SCHEMA_STRING, .min = 3, .max = 3,
	  .description = "default the partner's; only the company's currency is accepted until"
			 " multi-currency arrives" },
	{ .name = "lines", .type = SCHEMA_ARRAY, .flags = SCHEMA_REQUIRED, .min = 1,
	  .max = SALES_LINES_MAX, .object = &line_write_schema },
};
static SCHEMA_OBJECT_DEFINE(invoice_write_schema, "SalesInvoiceWrite", invoice_write_fields,
			    "A draft: the server computes every net, tax and total (a line's net"
			    " rounded once, each tax code's tax once on the sum of its lines' nets,"
			    " half away from zero). If-Match with the ETag on replace.");

static const struct schema_field line_fields[] = {
	SCHEMA_OUT("line", SCHEMA_INTEGER, SCHEMA_FORMAT_NONE),
	SCHEMA_OUT("description", SCHEMA_STRING, SCHEMA_FORMAT_NONE),
	SCHEMA_OUT("quantity", SCHEMA_STRING, SCHEMA_FORMAT_DECIMAL),
	SCHEMA_OUT("unit_price", SCHEMA_STRING, SCHEMA_FORMAT_DECIMAL),
	OUT_NULLABLE("discount_percent", SCHEMA_FORMAT_DECIMAL, "null: none"),
	SCHEMA_OUT("revenue_account", SCHEMA_STRING, SCHEMA_FORMAT_CODE),
	SCHEMA_OUT("tax_code", SCHEMA_STRING, SCHEMA_FORMAT_CODE),
	{ .name = "tax_rate", .type = SCHEMA_STRING, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .format = SCHEMA_FORMAT_DECIMAL, .description = "the rate the line was priced at" },
	{ .name = "net", .type = SCHEMA_STRING, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .format = SCHEMA_FORMAT_DECIMAL,
	  .description = "quantity x unit price x (1 - discount/100), rounded half away from zero" },
};
static SCHEMA_OBJECT_DEFINE(line_schema, "SalesInvoiceLine", line_fields, "A line, priced.");

static const struct schema_field tax_fields[] = {
	SCHEMA_OUT("tax_code", SCHEMA_STRING, SCHEMA_FORMAT_CODE),
	SCHEMA_OUT("rate", SCHEMA_STRING, SCHEMA_FORMAT_DECIMAL),
	{ .name = "base", .type = SCHEMA_STRING, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .format = SCHEMA_FORMAT_DECIMAL, .description = "the nets of the lines with this code" },
	{ .name = "tax", .type = SCHEMA_STRING, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .format = SCHEMA_FORMAT_DECIMAL, .description = "base x rate, rounded once, half away from zero" },
};
static SCHEMA_OBJECT_DEFINE(tax_schema, "SalesInvoiceTax", tax_fields,
			    "The tax of one tax code on the whole invoice.");

/* What an invoice and its summary in a list both show, in the order both show it. */
#define INVOICE_HEAD_FIELDS                                                                    \
	SCHEMA_OUT("id", SCHEMA_STRING, SCHEMA_FORMAT_UUID),                                    \
	OUT_NULLABLE("number", SCHEMA_FORMAT_NONE, "set when posted: INV-<fiscal year>-<sequence>"), \
	{ .name = "status", .type = SCHEMA_STRING, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,  \
	  .enum_values = invoice_statuses,                                                      \
	  .description = "derived: draft until posted; then credited when its credit notes take"  \
			 " all of it back, paid when nothing is left of it, overdue"                     \
			 " while something is left past its due date (UTC), partially_paid while" \
			 " some of it is allocated, open" }, \
	SCHEMA_OUT("partner", SCHEMA_STRING, SCHEMA_FORMAT_CODE),                               \
	SCHEMA_OUT("date", SCHEMA_STRING, SCHEMA_FORMAT_DATE),                                  \
	SCHEMA_OUT("due_date", SCHEMA_STRING, SCHEMA_FORMAT_DATE),                              \
	OUT_NULLABLE("reference", SCHEMA_FORMAT_NONE, NULL),                                    \
	SCHEMA_OUT("currency", SCHEMA_STRING, SCHEMA_FORMAT_NONE),                              \
	SCHEMA_OUT("net_total", SCHEMA_STRING, SCHEMA_FORMAT_DECIMAL),                          \
	SCHEMA_OUT("tax_total", SCHEMA_STRING, SCHEMA_FORMAT_DECIMAL),                          \
	SCHEMA_OUT("total", SCHEMA_STRING, SCHEMA_FORMAT_DECIMAL),                              \
	OUT_NULLABLE("residual", SCHEMA_FORMAT_DECIMAL,                                          \
		     "what the customer still owes on it after allocations; null: a draft")

static const struct schema_field invoice_fields[] = {
	INVOICE_HEAD_FIELDS,
	{ .name = "lines", .type = SCHEMA_ARRAY, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .object = &line_schema },
	{ .name = "taxes", .type = SCHEMA_ARRAY, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .object = &tax_schema, .description = "one per tax code, by code" },
	OUT_NULLABLE("ledger_entry_id", SCHEMA_FORMAT_UUID, "the journal entry posted with it"),
	SCHEMA_OUT("author_id", SCHEMA_STRING, SCHEMA_FORMAT_UUID),
	OUT_NULLABLE("posted_by", SCHEMA_FORMAT_UUID, NULL),
	OUT_NULLABLE("posted_at", SCHEMA_FORMAT_DATE_TIME, NULL),
	SCHEMA_OUT("version", SCHEMA_INTEGER, SCHEMA_FORMAT_NONE),
	SCHEMA_OUT("created_at", SCHEMA_STRING, SCHEMA_FORMAT_DATE_TIME),
	SCHEMA_OUT("updated_at", SCHEMA_STRING, SCHEMA_FORMAT_DATE_TIME),
};
static SCHEMA_OBJECT_DEFINE(invoice_schema, "SalesInvoice", invoice_fields,
			    "A sales invoice (ETag: its version); immutable once posted.");

static const struct schema_field invoice_summary_fields[] = {
	INVOICE_HEAD_FIELDS,
	OUT_NULLABLE("posted_at", SCHEMA_FORMAT_DATE_TIME, NULL),
	SCHEMA_OUT("version", SCHEMA_INTEGER, SCHEMA_FORMAT_NONE),
};
static SCHEMA_OBJECT_DEFINE(invoice_summary_schema, "SalesInvoiceSummary", invoice_summary_fields,
			    "A sales invoice in a list; read it for its lines and taxes.");

static const struct schema_field invoice_query_fields[] = {
	PAGING_FIELDS,
	{ .name = "partner", .type = SCHEMA_STRING, .min = 1, .max = SALES_CODE_MAX,
	  .description = "the customer's code" },
	{ .name = "status", .type = SCHEMA_STRING, .max = 10, .enum_values = invoice_statuses,
	  .description = "as derived today (UTC)" },
	{ .name = "from", .type = SCHEMA_STRING, .max = 10, .format = SCHEMA_FORMAT_DATE,
	  .description = "invoice date, inclusive" },
	{ .name = "to", .type = SCHEMA_STRING, .max = 10, .format = SCHEMA_FORMAT_DATE,
	  .description = "invoice date, inclusive" },
};
static SCHEMA_OBJECT_DEFINE(invoice_query, NULL, invoice_query_fields, NULL);

static const struct schema_field post_fields[] = {
	{ .name = "override_reason", .type = SCHEMA_STRING, .min = 1, .max = SALES_REASON_MAX,
	  .description = "why the invoice may take the customer over its credit limit: required"
			 " then, and only a holder of sales.credit-limit.override may; audited" },
};
static SCHEMA_OBJECT_DEFINE(post_schema, "SalesInvoicePost", post_fields,
			    "Send {} to post, and If-Match with the ETag of the draft as read"
			    " (Idempotency-Key honoured).");


/* --- customer payments ------------------------------------------------------------------------- */

static const char *const payment_statuses[] = { "posted", "reversed", NULL };
static const char *const auto_word[] = { "auto", NULL };

static const struct schema_field allocation_write_fields[] = {
	{ .name = "invoice", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED, .max = 36,
	  .format = SCHEMA_FORMAT_UUID, .description = "a posted invoice of the payment's customer" },
	{ .name = "amount", .type = SCHEMA_STRING, .min = 1, .max = 32, .format = SCHEMA_FORMAT_DECIMAL,
	  .description = "more than 0, at most what the invoice still owes and what the payment"
			 " has left; left out: as much as fits" },
};
static SCHEMA_OBJECT_DEFINE(allocation_write_schema, "AllocationWrite", allocation_write_fields,
			    "An allocation of a payment to one invoice.");

static const struct schema_field payment_write_fields[] = {
	{ .name = "partner", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED, .min = 1,
	  .max = SALES_CODE_MAX, .description = "an active customer's code" },
	{ .name = "date", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED, .max = 10,
	  .format = SCHEMA_FORMAT_DATE, .description = "the day the money came in; its period open" },
	{ .name = "amount", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED, .min = 1, .max = 32,
	  .format = SCHEMA_FORMAT_DECIMAL,
	  .description = "money of the company's currency, more than 0, at most its decimals" },
	{ .name = "bank_account", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED, .min = 1,
	  .max = SALES_ACCOUNT_CODE_MAX,
	  .description = "the active asset account the money came into, in the company's currency" },
	{ .name = "reference", .type = SCHEMA_STRING, .min = 1, .max = SALES_REFERENCE_MAX,
	  .description = "the bank's reference, or anything the payment is known by" },
	{ .name = "allocations", .type = SCHEMA_ARRAY, .max = SALES_ALLOCATIONS_MAX,
	  .object = &allocation_write_schema, .or_words = auto_word,
	  .description = "the invoices it pays, or \"auto\": the customer's oldest open invoices"
			 " first (by due date); left out: none, on account until allocated" },
};
static SCHEMA_OBJECT_DEFINE(payment_write_schema, "CustomerPaymentWrite", payment_write_fields,
			    "A payment received: recorded and posted in one call (Dr the bank"
			    " account, Cr the customer's receivable; Idempotency-Key honoured).");

static const struct schema_field allocation_fields[] = {
	SCHEMA_OUT("id", SCHEMA_STRING, SCHEMA_FORMAT_UUID),
	SCHEMA_OUT("invoice", SCHEMA_STRING, SCHEMA_FORMAT_UUID),
	SCHEMA_OUT("invoice_number", SCHEMA_STRING, SCHEMA_FORMAT_NONE),
	SCHEMA_OUT("amount", SCHEMA_STRING, SCHEMA_FORMAT_DECIMAL),
	{ .name = "date", .type = SCHEMA_STRING, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .format = SCHEMA_FORMAT_DATE, .description = "the later of the payment's and the invoice's dates" },
	SCHEMA_OUT("created_by", SCHEMA_STRING, SCHEMA_FORMAT_UUID),
	SCHEMA_OUT("created_at", SCHEMA_STRING, SCHEMA_FORMAT_DATE_TIME),
};
static SCHEMA_OBJECT_DEFINE(allocation_schema, "Allocation", allocation_fields,
			    "An allocation in force: part of the payment set against an invoice.");

static const struct schema_field reversal_fields[] = {
	SCHEMA_OUT("date", SCHEMA_STRING, SCHEMA_FORMAT_DATE),
	SCHEMA_OUT("reason", SCHEMA_STRING, SCHEMA_FORMAT_NONE),
	SCHEMA_OUT("ledger_entry_id", SCHEMA_STRING, SCHEMA_FORMAT_UUID),
	SCHEMA_OUT("reversed_by", SCHEMA_STRING, SCHEMA_FORMAT_UUID),
	SCHEMA_OUT("reversed_at", SCHEMA_STRING, SCHEMA_FORMAT_DATE_TIME),
};
static SCHEMA_OBJECT_DEFINE(reversal_schema, "CustomerPaymentReversal", reversal_fields,
			    "How a payment was reversed: its mirror entry and why.");

/* What a payment and its summary in a list both show, in the order both show it. */
#define PAYMENT_HEAD_FIELDS                                                                    \
	SCHEMA_OUT("id", SCHEMA_STRING, SCHEMA_FORMAT_UUID),                                    \
	{ .name = "number", .type = SCHEMA_STRING, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,  \
	  .description = "PAY-<fiscal year>-<sequence>, gapless per company and fiscal year" },  \
	{ .name = "status", .type = SCHEMA_STRING, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,  \
	  .enum_values = payment_statuses },                                                    \
	SCHEMA_OUT("partner", SCHEMA_STRING, SCHEMA_FORMAT_CODE),                               \
	SCHEMA_OUT("date", SCHEMA_STRING, SCHEMA_FORMAT_DATE),                                  \
	SCHEMA_OUT("amount", SCHEMA_STRING, SCHEMA_FORMAT_DECIMAL),                             \
	{ .name = "unallocated", .type = SCHEMA_STRING, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED, \
	  .format = SCHEMA_FORMAT_DECIMAL,                                                      \
	  .description = "what is left on account: the amount less its allocations in force" }, \
	SCHEMA_OUT("currency", SCHEMA_STRING, SCHEMA_FORMAT_NONE),                              \
	SCHEMA_OUT("bank_account", SCHEMA_STRING, SCHEMA_FORMAT_CODE),                          \
	OUT_NULLABLE("reference", SCHEMA_FORMAT_NONE, NULL)

static const struct schema_field payment_fields[] = {
	PAYMENT_HEAD_FIELDS,
	{ .name = "allocations", .type = SCHEMA_ARRAY, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .object = &allocation_schema, .description = "in force, in the order they were made" },
	SCHEMA_OUT("receivable_account", SCHEMA_STRING, SCHEMA_FORMAT_CODE),
	SCHEMA_OUT("ledger_entry_id", SCHEMA_STRING, SCHEMA_FORMAT_UUID),
	SCHEMA_OUT("posted_by", SCHEMA_STRING, SCHEMA_FORMAT_UUID),
	SCHEMA_OUT("posted_at", SCHEMA_STRING, SCHEMA_FORMAT_DATE_TIME),
	{ .name = "reversal", .type = SCHEMA_OBJECT,
	  .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED | SCHEMA_NULLABLE, .object = &reversal_schema,
	  .description = "null until reversed" },
	SCHEMA_OUT("version", SCHEMA_INTEGER, SCHEMA_FORMAT_NONE),
	SCHEMA_OUT("created_at", SCHEMA_STRING, SCHEMA_FORMAT_DATE_TIME),
};
static SCHEMA_OBJECT_DEFINE(payment_schema, "CustomerPayment", payment_fields,
			    "A customer payment (ETag: its version, moved by each allocation and"
			    " undoing); never changed but by its reversal.");

static const struct schema_field payment_summary_fields[] = {
	PAYMENT_HEAD_FIELDS,
	SCHEMA_OUT("posted_at", SCHEMA_STRING, SCHEMA_FORMAT_DATE_TIME),
	SCHEMA_OUT("version", SCHEMA_INTEGER, SCHEMA_FORMAT_NONE),
};
static SCHEMA_OBJECT_DEFINE(payment_summary_schema, "CustomerPaymentSummary", payment_summary_fields,
			    "A customer payment in a list; read it for its allocations.");

static const struct schema_field payment_query_fields[] = {
	PAGING_FIELDS,
	{ .name = "partner", .type = SCHEMA_STRING, .min = 1, .max = SALES_CODE_MAX,
	  .description = "the customer's code" },
	{ .name = "status", .type = SCHEMA_STRING, .max = 10, .enum_values = payment_statuses },
	{ .name = "from", .type = SCHEMA_STRING, .max = 10, .format = SCHEMA_FORMAT_DATE,
	  .description = "payment date, inclusive" },
	{ .name = "to", .type = SCHEMA_STRING, .max = 10, .format = SCHEMA_FORMAT_DATE,
	  .description = "payment date, inclusive" },
};
static SCHEMA_OBJECT_DEFINE(payment_query, NULL, payment_query_fields, NULL);

static const struct schema_field allocate_fields[] = {
	{ .name = "invoice", .type = SCHEMA_STRING, .max = 36, .format = SCHEMA_FORMAT_UUID,
	  .description = "a posted invoice of the payment's customer; or send auto" },
	{ .name = "amount", .type = SCHEMA_STRING, .min = 1, .max = 32, .format = SCHEMA_FORMAT_DECIMAL,
	  .description = "more than 0; left out: as much as fits (with auto: all the payment has"
			 " left)" },
	{ .name = "auto", .type = SCHEMA_BOOLEAN,
	  .description = "true: the customer's oldest open invoices first (by due date), instead"
			 " of one invoice" },
};
static SCHEMA_OBJECT_DEFINE(allocate_schema, "CustomerPaymentAllocate", allocate_fields,
			    "One invoice and an amount, or {\"auto\": true}. Over what the invoice"
			    " owes or the payment has left, another customer's invoice or one that"
			    " is not posted: 422.");

static const struct schema_field reverse_fields[] = {
	{ .name = "date", .type = SCHEMA_STRING, .max = 10, .format = SCHEMA_FORMAT_DATE,
	  .description = "the reversal's date, on or after the payment's; default the payment's" },
	{ .name = "reason", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED, .min = 1,
	  .max = SALES_REASON_MAX, .description = "why: audited" },
};
static SCHEMA_OBJECT_DEFINE(reverse_schema, "CustomerPaymentReverse", reverse_fields,
			    "If-Match with the payment's ETag (Idempotency-Key honoured).");


/* --- credit notes ------------------------------------------------------------------------------ */

static const char *const credit_note_statuses[] = { "draft", "posted", NULL };

static const struct schema_field credit_line_write_fields[] = {
	{ .name = "line", .type = SCHEMA_INTEGER, .flags = SCHEMA_REQUIRED, .min = 1,
	  .max = SALES_LINES_MAX, .description = "the invoice's line number" },
	{ .name = "quantity", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED, .min = 1,
	  .max = SALES_DECIMAL_TEXT_MAX, .format = SCHEMA_FORMAT_DECIMAL,
	  .description = "more than 0, at most 4 decimals, at most what is left of the line" },
};
static SCHEMA_OBJECT_DEFINE(credit_line_write_schema, "CreditNoteLineWrite", credit_line_write_fields,
			    "An invoice line taken back, and how much of it.");

static const struct schema_field credit_note_write_fields[] = {
	{ .name = "invoice", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED, .max = 36,
	  .format = SCHEMA_FORMAT_UUID, .description = "a posted invoice of the company" },
	{ .name = "date", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED, .max = 10,
	  .format = SCHEMA_FORMAT_DATE, .description = "on or after the invoice's date" },
	{ .name = "reason", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED, .min = 1,
	  .max = SALES_REASON_MAX },
	{ .name = "lines", .type = SCHEMA_ARRAY, .min = 1, .max = SALES_LINES_MAX,
	  .object = &credit_line_write_schema,
	  .description = "the lines and quantities taken back; left out: all that is left of the"
			 " invoice" },
};
static SCHEMA_OBJECT_DEFINE(credit_note_write_schema, "CreditNoteWrite", credit_note_write_fields,
			    "A draft credit note: the server prices it as the invoice was priced,"
			    " never more than is left to take back.");

static const struct schema_field credit_line_fields[] = {
	SCHEMA_OUT("line", SCHEMA_INTEGER, SCHEMA_FORMAT_NONE),
	SCHEMA_OUT("description", SCHEMA_STRING, SCHEMA_FORMAT_NONE),
	SCHEMA_OUT("quantity", SCHEMA_STRING, SCHEMA_FORMAT_DECIMAL),
	SCHEMA_OUT("net", SCHEMA_STRING, SCHEMA_FORMAT_DECIMAL),
	SCHEMA_OUT("revenue_account", SCHEMA_STRING, SCHEMA_FORMAT_CODE),
	SCHEMA_OUT("tax_code", SCHEMA_STRING, SCHEMA_FORMAT_CODE),
	SCHEMA_OUT("tax_rate", SCHEMA_STRING, SCHEMA_FORMAT_DECIMAL),
};
static SCHEMA_OBJECT_DEFINE(credit_line_schema, "CreditNoteLine", credit_line_fields,
			    "An invoice line taken back, priced.");

static const struct schema_field credit_note_fields[] = {
	SCHEMA_OUT("id", SCHEMA_STRING, SCHEMA_FORMAT_UUID),
	OUT_NULLABLE("number", SCHEMA_FORMAT_NONE, "set when posted: CN-<fiscal year>-<sequence>"),
	{ .name = "status", .type = SCHEMA_STRING, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .enum_values = credit_note_statuses },
	SCHEMA_OUT("invoice", SCHEMA_STRING, SCHEMA_FORMAT_UUID),
	SCHEMA_OUT("invoice_number", SCHEMA_STRING, SCHEMA_FORMAT_NONE),
	SCHEMA_OUT("partner", SCHEMA_STRING, SCHEMA_FORMAT_CODE),
	SCHEMA_OUT("date", SCHEMA_STRING, SCHEMA_FORMAT_DATE),
	SCHEMA_OUT("reason", SCHEMA_STRING, SCHEMA_FORMAT_NONE),
	SCHEMA_OUT("currency", SCHEMA_STRING, SCHEMA_FORMAT_NONE),
	SCHEMA_OUT("net_total", SCHEMA_STRING, SCHEMA_FORMAT_DECIMAL),
	SCHEMA_OUT("tax_total", SCHEMA_STRING, SCHEMA_FORMAT_DECIMAL),
	SCHEMA_OUT("total", SCHEMA_STRING, SCHEMA_FORMAT_DECIMAL),
	OUT_NULLABLE("unallocated", SCHEMA_FORMAT_DECIMAL,
		     "what of it is not set against an invoice (the customer's credit); null: a draft"),
	{ .name = "lines", .type = SCHEMA_ARRAY, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .object = &credit_line_schema },
	{ .name = "taxes", .type = SCHEMA_ARRAY, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .object = &tax_schema, .description = "one per tax code, by code" },
	OUT_NULLABLE("ledger_entry_id", SCHEMA_FORMAT_UUID, "the mirror entry posted with it"),
	SCHEMA_OUT("author_id", SCHEMA_STRING, SCHEMA_FORMAT_UUID),
	OUT_NULLABLE("posted_by", SCHEMA_FORMAT_UUID, NULL),
	OUT_NULLABLE("posted_at", SCHEMA_FORMAT_DATE_TIME, NULL),
	SCHEMA_OUT("version", SCHEMA_INTEGER, SCHEMA_FORMAT_NONE),
	SCHEMA_OUT("created_at", SCHEMA_STRING, SCHEMA_FORMAT_DATE_TIME),
	SCHEMA_OUT("updated_at", SCHEMA_STRING, SCHEMA_FORMAT_DATE_TIME),
};
static SCHEMA_OBJECT_DEFINE(credit_note_schema, "CreditNote", credit_note_fields,
			    "A credit note (ETag: its version); immutable once posted.");

static const struct schema_field credit_note_query_fields[] = {
	PAGING_FIELDS,
	{ .name = "invoice", .type = SCHEMA_STRING, .max = 36, .format = SCHEMA_FORMAT_UUID },
	{ .name = "partner", .type = SCHEMA_STRING, .min = 1, .max = SALES_CODE_MAX,
	  .description = "the customer's code" },
	{ .name = "status", .type = SCHEMA_STRING, .max = 10, .enum_values = credit_note_statuses },
	{ .name = "from", .type = SCHEMA_STRING, .max = 10, .format = SCHEMA_FORMAT_DATE,
	  .description = "credit note date, inclusive" },
	{ .name = "to", .type = SCHEMA_STRING, .max = 10, .format = SCHEMA_FORMAT_DATE,
	  .description = "credit note date, inclusive" },
};
static SCHEMA_OBJECT_DEFINE(credit_note_query, NULL, credit_note_query_fields, NULL);


/* --- receivables reports ------------------------------------------------------------------------ */

#define MONEY_OUT(field_name, text)                                                            \
	{ .name = field_name, .type = SCHEMA_STRING, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED, \
	  .format = SCHEMA_FORMAT_DECIMAL, .description = text }

#define AGING_BUCKET_FIELDS                                                                    \
	MONEY_OUT("current", "not past due"),                                                   \
	MONEY_OUT("days_1_30", "1 to 30 days past due"),                                        \
	MONEY_OUT("days_31_60", "31 to 60 days past due"),                                      \
	MONEY_OUT("days_61_90", "61 to 90 days past due"),                                      \
	MONEY_OUT("over_90", "more than 90 days past due"),                                     \
	MONEY_OUT("total", "the buckets' sum")

static const struct schema_field aging_customer_fields[] = {
	SCHEMA_OUT("partner", SCHEMA_STRING, SCHEMA_FORMAT_CODE),
	AGING_BUCKET_FIELDS,
};
static SCHEMA_OBJECT_DEFINE(aging_customer_schema, "ReceivablesAgingCustomer", aging_customer_fields,
			    "What a customer's open items owed on the day, by days past due (a"
			    " payment or credit note on account counts negative, by its own date).");

static const struct schema_field aging_totals_fields[] = {
	AGING_BUCKET_FIELDS,
};
static SCHEMA_OBJECT_DEFINE(aging_totals_schema, "ReceivablesAgingTotals", aging_totals_fields,
			    "The buckets over all customers; total equals the receivable accounts'"
			    " balance on the day.");

static const struct schema_field aging_fields[] = {
	SCHEMA_OUT("as_of", SCHEMA_STRING, SCHEMA_FORMAT_DATE),
	SCHEMA_OUT("currency", SCHEMA_STRING, SCHEMA_FORMAT_NONE),
	{ .name = "customers", .type = SCHEMA_ARRAY, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .object = &aging_customer_schema, .description = "by code; those that owe nothing left out" },
	{ .name = "totals", .type = SCHEMA_OBJECT, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .object = &aging_totals_schema },
};
static SCHEMA_OBJECT_DEFINE(aging_schema, "ReceivablesAging", aging_fields,
			    "The receivables on a day: allocations dated after it not yet made.");

static const struct schema_field aging_query_fields[] = {
	{ .name = "as_of", .type = SCHEMA_STRING, .max = 10, .format = SCHEMA_FORMAT_DATE,
	  .description = "inclusive; default today (UTC)" },
};
static SCHEMA_OBJECT_DEFINE(aging_query, NULL, aging_query_fields, NULL);

static const char *const statement_kinds[] = { "invoice", "credit_note", "payment",
					       "payment_reversal", "allocation", NULL };

static const struct schema_field statement_line_fields[] = {
	SCHEMA_OUT("date", SCHEMA_STRING, SCHEMA_FORMAT_DATE),
	{ .name = "kind", .type = SCHEMA_STRING, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .enum_values = statement_kinds },
	{ .name = "number", .type = SCHEMA_STRING, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .description = "the document's; an allocation: the paying document's" },
	SCHEMA_OUT("document", SCHEMA_STRING, SCHEMA_FORMAT_UUID),
	OUT_NULLABLE("debit", SCHEMA_FORMAT_DECIMAL, "what it adds to the customer's debt"),
	OUT_NULLABLE("credit", SCHEMA_FORMAT_DECIMAL, "what it takes off"),
	OUT_NULLABLE("allocated", SCHEMA_FORMAT_DECIMAL, "an allocation's amount (moves no balance)"),
	OUT_NULLABLE("against", SCHEMA_FORMAT_NONE, "an allocation: the document it pays"),
	MONEY_OUT("balance", "the running balance after the line"),
};
static SCHEMA_OBJECT_DEFINE(statement_line_schema, "PartnerStatementLine", statement_line_fields,
			    "A document or an allocation of the statement.");

static const struct schema_field statement_fields[] = {
	SCHEMA_OUT("partner", SCHEMA_STRING, SCHEMA_FORMAT_CODE),
	OUT_NULLABLE("from", SCHEMA_FORMAT_DATE, "null: from the first document"),
	SCHEMA_OUT("to", SCHEMA_STRING, SCHEMA_FORMAT_DATE),
	SCHEMA_OUT("currency", SCHEMA_STRING, SCHEMA_FORMAT_NONE),
	MONEY_OUT("opening_balance", "what the customer owed before from"),
	{ .name = "lines", .type = SCHEMA_ARRAY, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .object = &statement_line_schema, .description = "by date, documents before allocations" },
	MONEY_OUT("closing_balance", "what the customer owed at the end of to"),
};
static SCHEMA_OBJECT_DEFINE(statement_schema, "PartnerStatement", statement_fields,
			    "A customer's statement over a range.");

static const struct schema_field statement_query_fields[] = {
	{ .name = "from", .type = SCHEMA_STRING, .max = 10, .format = SCHEMA_FORMAT_DATE,
	  .description = "inclusive; default: from the first document" },
	{ .name = "to", .type = SCHEMA_STRING, .max = 10, .format = SCHEMA_FORMAT_DATE,
	  .description = "inclusive; default today (UTC)" },
};
static SCHEMA_OBJECT_DEFINE(statement_query, NULL, statement_query_fields, NULL);

/* Posting a credit note takes no field: no body, an empty one or {}. */
static const struct schema_object post_empty_schema = {
	"CreditNotePost", NULL, 0,
	"Optional and without fields: no body, an empty one or {}. Send If-Match with the ETag"
	" of the draft as read (Idempotency-Key honoured).", false,
};

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
	{ "sales.credit-note.create",
	  "Write draft credit notes against posted sales invoices, and delete drafts." },
	{ "sales.credit-note.post", "Post credit notes that someone else wrote (four-eyes)." },
	{ "sales.payment.read", "List and read customer payments and their allocations." },
	{ "sales.payment.create",
	  "Allocate recorded customer payments to open invoices, and undo allocations." },
	{ "sales.payment.post",
	  "Record customer payments, posted at once into the ledger (bank against receivable) with"
	  " the allocations they name, and reverse them." },
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

	{ ERP_GET, COMPANY "/sales-invoices", "sales.invoice.read", sales_http_invoices_list,
	  "List the company's sales invoices, by date.", .query = &invoice_query,
	  .list = &invoice_summary_schema, .operation_id = "listSalesInvoices" },
	{ ERP_POST, COMPANY "/sales-invoices", "sales.invoice.create", sales_http_invoices_create,
	  "Write a draft sales invoice: the server prices it.", .body = &invoice_write_schema,
	  .response = &invoice_schema, .success_status = 201,
	  .operation_id = "createSalesInvoice", .headers = ERP_ANSWERS_ETAG | ERP_ANSWERS_LOCATION },
	{ ERP_GET, COMPANY "/sales-invoices/{id}", "sales.invoice.read", sales_http_invoices_get,
	  "Read a sales invoice, its lines and taxes.", .response = &invoice_schema,
	  .operation_id = "getSalesInvoice", .headers = ERP_ANSWERS_ETAG },
	{ ERP_PUT, COMPANY "/sales-invoices/{id}", "sales.invoice.create", sales_http_invoices_replace,
	  "Replace a draft (If-Match).", .body = &invoice_write_schema, .response = &invoice_schema,
	  .operation_id = "replaceSalesInvoice", .headers = ERP_TAKES_IF_MATCH | ERP_ANSWERS_ETAG },
	{ ERP_DELETE, COMPANY "/sales-invoices/{id}", "sales.invoice.create",
	  sales_http_invoices_delete, "Delete a draft (If-Match); a posted invoice stays.",
	  .response = ERP_NO_BODY, .success_status = 204,
	  .operation_id = "deleteSalesInvoice", .headers = ERP_TAKES_IF_MATCH },
	{ ERP_POST, COMPANY "/sales-invoices/{id}/post", "sales.invoice.post", sales_http_invoices_post,
	  "Post a draft as read (If-Match): it is numbered, its ledger entry posted, its amount"
	  " opened in the customer's receivables.", .body = &post_schema, .response = &invoice_schema,
	  .operation_id = "postSalesInvoice",
	  .headers = ERP_TAKES_IF_MATCH | ERP_TAKES_IDEMPOTENCY_KEY | ERP_ANSWERS_ETAG },

	{ ERP_GET, COMPANY "/customer-payments", "sales.payment.read", sales_http_payments_list,
	  "List the company's customer payments, by date.", .query = &payment_query,
	  .list = &payment_summary_schema, .operation_id = "listCustomerPayments" },
	{ ERP_POST, COMPANY "/customer-payments", "sales.payment.post", sales_http_payments_create,
	  "Record a payment received: numbered and posted at once (Dr bank, Cr receivable), its"
	  " open item opened and the allocations it names made.", .body = &payment_write_schema,
	  .response = &payment_schema, .success_status = 201,
	  .operation_id = "createCustomerPayment",
	  .headers = ERP_TAKES_IDEMPOTENCY_KEY | ERP_ANSWERS_ETAG | ERP_ANSWERS_LOCATION },
	{ ERP_GET, COMPANY "/customer-payments/{id}", "sales.payment.read", sales_http_payments_get,
	  "Read a customer payment and its allocations.", .response = &payment_schema,
	  .operation_id = "getCustomerPayment", .headers = ERP_ANSWERS_ETAG },
	{ ERP_POST, COMPANY "/customer-payments/{id}/reverse", "sales.payment.post",
	  sales_http_payments_reverse,
	  "Reverse a payment as read (If-Match), once: its allocations undone, its mirror entry"
	  " posted.", .body = &reverse_schema, .response = &payment_schema,
	  .operation_id = "reverseCustomerPayment",
	  .headers = ERP_TAKES_IF_MATCH | ERP_TAKES_IDEMPOTENCY_KEY | ERP_ANSWERS_ETAG },
	{ ERP_POST, COMPANY "/customer-payments/{id}/allocations", "sales.payment.create",
	  sales_http_payments_allocate,
	  "Allocate what is left of a payment to an open invoice of its customer, or to the oldest"
	  " first.", .body = &allocate_schema, .response = &payment_schema,
	  .operation_id = "allocateCustomerPayment", .headers = ERP_ANSWERS_ETAG },
	{ ERP_DELETE, COMPANY "/customer-payments/{id}/allocations/{allocation}", "sales.payment.create",
	  sales_http_allocations_delete,
	  "Undo an allocation: the invoice owes it again, the payment has it again (audited).",
	  .response = ERP_NO_BODY, .success_status = 204,
	  .operation_id = "deleteCustomerPaymentAllocation" },

	{ ERP_GET, COMPANY "/credit-notes", "sales.invoice.read", sales_http_credit_notes_list,
	  "List the company's credit notes, by date.", .query = &credit_note_query,
	  .list = &credit_note_schema, .operation_id = "listCreditNotes" },
	{ ERP_POST, COMPANY "/credit-notes", "sales.credit-note.create", sales_http_credit_notes_create,
	  "Write a draft credit note against a posted invoice: all of it, or chosen lines and"
	  " quantities.", .body = &credit_note_write_schema, .response = &credit_note_schema,
	  .success_status = 201, .operation_id = "createCreditNote",
	  .headers = ERP_ANSWERS_ETAG | ERP_ANSWERS_LOCATION },
	{ ERP_GET, COMPANY "/credit-notes/{id}", "sales.invoice.read", sales_http_credit_notes_get,
	  "Read a credit note, its lines and taxes.", .response = &credit_note_schema,
	  .operation_id = "getCreditNote", .headers = ERP_ANSWERS_ETAG },
	{ ERP_DELETE, COMPANY "/credit-notes/{id}", "sales.credit-note.create",
	  sales_http_credit_notes_delete, "Delete a draft credit note (If-Match); a posted one stays.",
	  .response = ERP_NO_BODY, .success_status = 204, .operation_id = "deleteCreditNote",
	  .headers = ERP_TAKES_IF_MATCH },
	{ ERP_POST, COMPANY "/credit-notes/{id}/post", "sales.credit-note.post",
	  sales_http_credit_notes_post,
	  "Post a draft credit note as read (If-Match), by someone who did not write it: numbered,"
	  " its mirror entry posted, set against its invoice.", .body = &post_empty_schema,
	  .response = &credit_note_schema, .operation_id = "postCreditNote",
	  .headers = ERP_TAKES_IF_MATCH | ERP_TAKES_IDEMPOTENCY_KEY | ERP_ANSWERS_ETAG },

	{ ERP_GET, COMPANY "/reports/receivables-aging", "sales.report.read",
	  sales_http_receivables_aging,
	  "The receivables aging on a day: per customer, by days past due, with totals.",
	  .query = &aging_query, .response = &aging_schema, .operation_id = "getReceivablesAging",
	  .replica_reads = true },
	{ ERP_GET, COMPANY "/partners/{code}/statement", "sales.report.read",
	  sales_http_partner_statement,
	  "A customer's statement: the opening balance, each document and allocation, the closing"
	  " balance.", .query = &statement_query, .response = &statement_schema,
	  .operation_id = "getPartnerStatement", .replica_reads = true },
};

/*
 * The company scope and its grants come from IAM; the accounts and periods
 * a document names are the ledger's (its views), and its postings go
 * through ledger.h; customers are partners' (partners.h).
 */
static const char *const depends_on[] = { "iam", "ledger", "partners" };

const struct erp_module sales_module = {
	.name = "sales",
	.description = "Sales: tax codes, sales invoices, credit notes, customer payments and receivables",
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
