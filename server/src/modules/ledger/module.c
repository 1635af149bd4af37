/*
 * The ledger module descriptor (ARCHITECTURE.md §3): its permission catalog,
 * its segregation-of-duties pairs, the module it depends on (IAM) and its
 * route table with the request and response shapes the platform validates
 * and documents.
 */
#include "modules/ledger/internal.h"
#include "platform/http/schema.h"

#define PAGING_FIELDS                                                                        \
	{ .name = "limit", .type = SCHEMA_INTEGER, .min = 1, .max = 200 },                    \
	{ .name = "cursor", .type = SCHEMA_STRING, .min = 1, .max = 1400 }

static const char *const account_types[] = { "asset", "liability", "equity", "revenue", "expense",
					      NULL };
static const char *const entry_statuses[] = { "draft", "posted", NULL };

/* --- accounts ------------------------------------------------------------------------------ */

static const struct schema_field account_fields[] = {
	SCHEMA_OUT("id", SCHEMA_STRING, SCHEMA_FORMAT_UUID),
	SCHEMA_OUT("code", SCHEMA_STRING, SCHEMA_FORMAT_CODE),
	SCHEMA_OUT("name", SCHEMA_STRING, SCHEMA_FORMAT_NONE),
	{ .name = "type", .type = SCHEMA_STRING, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .enum_values = account_types },
	SCHEMA_OUT("currency", SCHEMA_STRING, SCHEMA_FORMAT_NONE),
	{ .name = "parent", .type = SCHEMA_STRING,
	  .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED | SCHEMA_NULLABLE, .format = SCHEMA_FORMAT_CODE,
	  .description = "the parent account's code; null at the top" },
	SCHEMA_OUT("active", SCHEMA_BOOLEAN, SCHEMA_FORMAT_NONE),
	SCHEMA_OUT("version", SCHEMA_INTEGER, SCHEMA_FORMAT_NONE),
	SCHEMA_OUT("created_at", SCHEMA_STRING, SCHEMA_FORMAT_DATE_TIME),
	SCHEMA_OUT("updated_at", SCHEMA_STRING, SCHEMA_FORMAT_DATE_TIME),
};
static SCHEMA_OBJECT_DEFINE(account_schema, "Account", account_fields,
			    "An account of the chart (ETag: its version).");

static const struct schema_field account_create_fields[] = {
	{ .name = "code", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED, .min = 1, .max = 20,
	  .format = SCHEMA_FORMAT_CODE, .description = "unique in the company, e.g. 1000" },
	{ .name = "name", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED, .min = 1, .max = 200 },
	{ .name = "type", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED, .max = 20,
	  .enum_values = account_types },
	{ .name = "currency", .type = SCHEMA_STRING, .min = 3, .max = 3,
	  .description = "ISO 4217; default the company's currency" },
	{ .name = "parent", .type = SCHEMA_STRING, .flags = SCHEMA_NULLABLE, .min = 1, .max = 20,
	  .description = "the parent account's code, for a hierarchy" },
};
static SCHEMA_OBJECT_DEFINE(account_create_schema, "AccountCreate", account_create_fields, NULL);

static const struct schema_field account_update_fields[] = {
	{ .name = "name", .type = SCHEMA_STRING, .min = 1, .max = 200 },
	{ .name = "type", .type = SCHEMA_STRING, .max = 20, .enum_values = account_types,
	  .description = "only while the account has no journal lines" },
	{ .name = "currency", .type = SCHEMA_STRING, .min = 3, .max = 3,
	  .description = "only while the account has no journal lines" },
	{ .name = "parent", .type = SCHEMA_STRING, .flags = SCHEMA_NULLABLE, .min = 1, .max = 20,
	  .description = "null removes the parent" },
};
static SCHEMA_OBJECT_DEFINE(account_update_schema, "AccountUpdate", account_update_fields,
			    "Send If-Match with the account's ETag.");

static const struct schema_field account_query_fields[] = {
	PAGING_FIELDS,
	{ .name = "type", .type = SCHEMA_STRING, .max = 20, .enum_values = account_types },
	{ .name = "active", .type = SCHEMA_BOOLEAN },
	{ .name = "prefix", .type = SCHEMA_STRING, .min = 1, .max = 20, .description = "code prefix" },
};
static SCHEMA_OBJECT_DEFINE(account_query, NULL, account_query_fields, NULL);

/* --- fiscal periods -------------------------------------------------------------------------- */

static const struct schema_field year_create_fields[] = {
	{ .name = "fiscal_year", .type = SCHEMA_INTEGER, .flags = SCHEMA_REQUIRED, .min = 1900,
	  .max = 9998, .description = "the calendar year the fiscal year starts in" },
	{ .name = "first_month", .type = SCHEMA_INTEGER, .min = 1, .max = 12,
	  .description = "the month the fiscal year starts with; default 1 (January)" },
};
static SCHEMA_OBJECT_DEFINE(year_create_schema, "FiscalYearCreate", year_create_fields,
			    "Creates twelve monthly periods, all open.");

static const char *const period_statuses[] = { "open", "closed", "locked", NULL };

#define OUT_NULLABLE(field_name, field_format, text)                                         \
	{ .name = field_name, .type = SCHEMA_STRING,                                          \
	  .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED | SCHEMA_NULLABLE, .format = field_format, \
	  .description = text }

static const struct schema_field period_fields[] = {
	SCHEMA_OUT("id", SCHEMA_STRING, SCHEMA_FORMAT_UUID),
	SCHEMA_OUT("fiscal_year", SCHEMA_INTEGER, SCHEMA_FORMAT_NONE),
	SCHEMA_OUT("number", SCHEMA_INTEGER, SCHEMA_FORMAT_NONE),
	SCHEMA_OUT("name", SCHEMA_STRING, SCHEMA_FORMAT_NONE),
	SCHEMA_OUT("starts_on", SCHEMA_STRING, SCHEMA_FORMAT_DATE),
	SCHEMA_OUT("ends_on", SCHEMA_STRING, SCHEMA_FORMAT_DATE),
	{ .name = "status", .type = SCHEMA_STRING, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .enum_values = period_statuses },
	OUT_NULLABLE("lock_requested_by", SCHEMA_FORMAT_UUID, "who asked for the lock (null: nobody)"),
	OUT_NULLABLE("lock_requested_at", SCHEMA_FORMAT_DATE_TIME, NULL),
	OUT_NULLABLE("locked_by", SCHEMA_FORMAT_UUID, "who confirmed the lock"),
	OUT_NULLABLE("locked_at", SCHEMA_FORMAT_DATE_TIME, NULL),
	SCHEMA_OUT("version", SCHEMA_INTEGER, SCHEMA_FORMAT_NONE),
};
static SCHEMA_OBJECT_DEFINE(period_schema, "FiscalPeriod", period_fields,
			    "A monthly fiscal period (ETag: its version): open, closed or locked for good.");

static const struct schema_field year_fields[] = {
	SCHEMA_OUT("fiscal_year", SCHEMA_INTEGER, SCHEMA_FORMAT_NONE),
	{ .name = "periods", .type = SCHEMA_ARRAY, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .object = &period_schema, .description = "the twelve periods, in order" },
};
static SCHEMA_OBJECT_DEFINE(year_schema, "FiscalYear", year_fields, "A new fiscal year.");

static const struct schema_field period_query_fields[] = {
	PAGING_FIELDS,
	{ .name = "fiscal_year", .type = SCHEMA_INTEGER, .min = 1900, .max = 9999 },
};
static SCHEMA_OBJECT_DEFINE(period_query, NULL, period_query_fields, NULL);

/* --- journal entries ----------------------------------------------------------------------------- */

static const struct schema_field line_fields[] = {
	{ .name = "account", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED, .min = 1, .max = 20,
	  .description = "account code" },
	{ .name = "debit", .type = SCHEMA_STRING, .min = 1, .max = 32, .format = SCHEMA_FORMAT_DECIMAL,
	  .description = "decimal string in the account's currency, e.g. \"125.50\"" },
	{ .name = "credit", .type = SCHEMA_STRING, .min = 1, .max = 32, .format = SCHEMA_FORMAT_DECIMAL },
	{ .name = "description", .type = SCHEMA_STRING, .max = 500 },
};
static SCHEMA_OBJECT_DEFINE(line_schema, "JournalLine", line_fields,
			    "Exactly one of debit and credit, positive.");

static const struct schema_field entry_write_fields[] = {
	{ .name = "date", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED, .max = 10,
	  .format = SCHEMA_FORMAT_DATE },
	{ .name = "memo", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED, .min = 1, .max = 500 },
	{ .name = "reference", .type = SCHEMA_STRING, .max = 100 },
	{ .name = "source", .type = SCHEMA_STRING, .min = 1, .max = 40,
	  .description = "document type; default \"manual\"; fixed after creation" },
	{ .name = "lines", .type = SCHEMA_ARRAY, .flags = SCHEMA_REQUIRED, .min = 2,
	  .max = LEDGER_LINES_MAX, .object = &line_schema },
};
static SCHEMA_OBJECT_DEFINE(entry_write_schema, "JournalEntryWrite", entry_write_fields,
			    "A draft: balanced per currency. Send Idempotency-Key on create;"
			    " If-Match with the ETag on replace.");

/* A line as entries show it: the side without an amount, and an empty description, left out. */
static const struct schema_field line_out_fields[] = {
	SCHEMA_OUT("line", SCHEMA_INTEGER, SCHEMA_FORMAT_NONE),
	SCHEMA_OUT("account", SCHEMA_STRING, SCHEMA_FORMAT_CODE),
	SCHEMA_OUT("currency", SCHEMA_STRING, SCHEMA_FORMAT_NONE),
	{ .name = "debit", .type = SCHEMA_STRING, .flags = SCHEMA_READ_ONLY,
	  .format = SCHEMA_FORMAT_DECIMAL, .description = "in the account's currency" },
	{ .name = "credit", .type = SCHEMA_STRING, .flags = SCHEMA_READ_ONLY,
	  .format = SCHEMA_FORMAT_DECIMAL },
	{ .name = "description", .type = SCHEMA_STRING, .flags = SCHEMA_READ_ONLY },
};
static SCHEMA_OBJECT_DEFINE(line_out_schema, "JournalEntryLine", line_out_fields,
			    "A line of an entry: debit or credit.");

/* What an entry and its summary in a list both show, in the order both show it. */
#define ENTRY_HEAD_FIELDS                                                                    \
	SCHEMA_OUT("id", SCHEMA_STRING, SCHEMA_FORMAT_UUID),                                  \
	OUT_NULLABLE("number", SCHEMA_FORMAT_NONE, "set when posted: JE-<fiscal year>-<sequence>"), \
	{ .name = "status", .type = SCHEMA_STRING, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED, \
	  .enum_values = entry_statuses },                                                    \
	SCHEMA_OUT("date", SCHEMA_STRING, SCHEMA_FORMAT_DATE),                                \
	SCHEMA_OUT("memo", SCHEMA_STRING, SCHEMA_FORMAT_NONE),                                \
	OUT_NULLABLE("reference", SCHEMA_FORMAT_NONE, NULL),                                  \
	SCHEMA_OUT("source", SCHEMA_STRING, SCHEMA_FORMAT_NONE),                              \
	OUT_NULLABLE("author_id", SCHEMA_FORMAT_UUID, NULL)

#define POSTED_INTO_CLOSED_FIELD                                                             \
	{ .name = "posted_into_closed_period", .type = SCHEMA_BOOLEAN,                        \
	  .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,                                        \
	  .description = "posted by a holder of ledger.period.post-closed into a closed period" }

static const struct schema_field entry_fields[] = {
	ENTRY_HEAD_FIELDS,
	OUT_NULLABLE("posted_by", SCHEMA_FORMAT_UUID, NULL),
	OUT_NULLABLE("posted_at", SCHEMA_FORMAT_DATE_TIME, NULL),
	POSTED_INTO_CLOSED_FIELD,
	OUT_NULLABLE("reverses", SCHEMA_FORMAT_UUID, "the entry this one reverses"),
	OUT_NULLABLE("reversed_by", SCHEMA_FORMAT_UUID, "the entry that reverses this one"),
	SCHEMA_OUT("version", SCHEMA_INTEGER, SCHEMA_FORMAT_NONE),
	{ .name = "lines", .type = SCHEMA_ARRAY, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .object = &line_out_schema },
	SCHEMA_OUT("created_at", SCHEMA_STRING, SCHEMA_FORMAT_DATE_TIME),
	SCHEMA_OUT("updated_at", SCHEMA_STRING, SCHEMA_FORMAT_DATE_TIME),
};
static SCHEMA_OBJECT_DEFINE(entry_schema, "JournalEntry", entry_fields,
			    "A journal entry (ETag: its version); number is set when posted.");

/* An entry in a list: no lines, no reversal links. */
static const struct schema_field entry_summary_fields[] = {
	ENTRY_HEAD_FIELDS,
	OUT_NULLABLE("posted_at", SCHEMA_FORMAT_DATE_TIME, NULL),
	POSTED_INTO_CLOSED_FIELD,
	SCHEMA_OUT("version", SCHEMA_INTEGER, SCHEMA_FORMAT_NONE),
};
static SCHEMA_OBJECT_DEFINE(entry_summary_schema, "JournalEntrySummary", entry_summary_fields,
			    "A journal entry in a list; read it for its lines.");

static const struct schema_field reverse_fields[] = {
	{ .name = "date", .type = SCHEMA_STRING, .max = 10, .format = SCHEMA_FORMAT_DATE,
	  .description = "the reversal's date; default today (UTC)" },
	{ .name = "memo", .type = SCHEMA_STRING, .min = 1, .max = 500,
	  .description = "default \"Reversal of <number>\"" },
};
static SCHEMA_OBJECT_DEFINE(reverse_schema, "JournalEntryReverse", reverse_fields,
			    "Optional: no body, an empty one or {} is a reversal dated today. Send"
			    " If-Match with the posted entry's ETag.");

/*
 * Posting takes no field, but an optional body, as a reversal does: no body,
 * an empty one and {} are accepted alike by both, and a body that is no
 * object is refused alike (422).
 */
static const struct schema_object post_schema = {
	"JournalEntryPost", NULL, 0,
	"Optional and without fields: no body, an empty one or {}. Send If-Match with the ETag"
	" of the draft as reviewed.", false,
};

static const struct schema_field entry_query_fields[] = {
	PAGING_FIELDS,
	{ .name = "status", .type = SCHEMA_STRING, .max = 10, .enum_values = entry_statuses },
	{ .name = "from", .type = SCHEMA_STRING, .max = 10, .format = SCHEMA_FORMAT_DATE },
	{ .name = "to", .type = SCHEMA_STRING, .max = 10, .format = SCHEMA_FORMAT_DATE },
	{ .name = "number", .type = SCHEMA_STRING, .min = 1, .max = 24 },
	{ .name = "account", .type = SCHEMA_STRING, .min = 1, .max = 20,
	  .description = "entries with a line on this account code" },
};
static SCHEMA_OBJECT_DEFINE(entry_query, NULL, entry_query_fields, NULL);

/* --- reports and settings -------------------------------------------------------------------------- */

static const struct schema_field trial_balance_query_fields[] = {
	{ .name = "as_of", .type = SCHEMA_STRING, .max = 10, .format = SCHEMA_FORMAT_DATE,
	  .description = "inclusive; default today (UTC)" },
	{ .name = "from", .type = SCHEMA_STRING, .max = 10, .format = SCHEMA_FORMAT_DATE,
	  .description = "inclusive, not after as_of: debit and credit are the movements from it,"
			 " opening the balance before it; default: from the beginning" },
};
static SCHEMA_OBJECT_DEFINE(trial_balance_query, NULL, trial_balance_query_fields, NULL);

static const struct schema_field balance_fields[] = {
	SCHEMA_OUT("code", SCHEMA_STRING, SCHEMA_FORMAT_CODE),
	SCHEMA_OUT("name", SCHEMA_STRING, SCHEMA_FORMAT_NONE),
	{ .name = "type", .type = SCHEMA_STRING, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .enum_values = account_types },
	SCHEMA_OUT("currency", SCHEMA_STRING, SCHEMA_FORMAT_NONE),
	{ .name = "opening", .type = SCHEMA_STRING, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .format = SCHEMA_FORMAT_DECIMAL,
	  .description = "the balance (debit minus credit) before from; zero without from" },
	{ .name = "debit", .type = SCHEMA_STRING, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .format = SCHEMA_FORMAT_DECIMAL, .description = "debits posted from from to as_of" },
	{ .name = "credit", .type = SCHEMA_STRING, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .format = SCHEMA_FORMAT_DECIMAL, .description = "credits posted from from to as_of" },
	{ .name = "closing", .type = SCHEMA_STRING, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .format = SCHEMA_FORMAT_DECIMAL, .description = "opening plus debit minus credit" },
	{ .name = "balance", .type = SCHEMA_STRING, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .format = SCHEMA_FORMAT_DECIMAL,
	  .description = "the closing balance (as closing; without from, debit minus credit)" },
};
static SCHEMA_OBJECT_DEFINE(balance_schema, "TrialBalanceAccount", balance_fields,
			    "An account's posted totals.");

static const struct schema_field currency_total_fields[] = {
	SCHEMA_OUT("currency", SCHEMA_STRING, SCHEMA_FORMAT_NONE),
	SCHEMA_OUT("debit", SCHEMA_STRING, SCHEMA_FORMAT_DECIMAL),
	SCHEMA_OUT("credit", SCHEMA_STRING, SCHEMA_FORMAT_DECIMAL),
	SCHEMA_OUT("balanced", SCHEMA_BOOLEAN, SCHEMA_FORMAT_NONE),
};
static SCHEMA_OBJECT_DEFINE(currency_total_schema, "TrialBalanceTotal", currency_total_fields,
			    "The totals of one currency.");

static const struct schema_field trial_balance_fields[] = {
	SCHEMA_OUT("as_of", SCHEMA_STRING, SCHEMA_FORMAT_DATE),
	OUT_NULLABLE("from", SCHEMA_FORMAT_DATE, "the first day of the movements; null: the beginning"),
	{ .name = "accounts", .type = SCHEMA_ARRAY, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .object = &balance_schema, .description = "accounts with postings, by code" },
	{ .name = "totals", .type = SCHEMA_ARRAY, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .object = &currency_total_schema, .description = "per currency" },
};
static SCHEMA_OBJECT_DEFINE(trial_balance_schema, "TrialBalance", trial_balance_fields,
			    "Debits, credits and balances of the entries posted up to as_of.");

/* --- financial statements -------------------------------------------------------------------------- */

static const char *const compare_kinds[] = { "previous-period", "previous-year", NULL };

#define COMPARE_QUERY_FIELD                                                                  \
	{ .name = "compare", .type = SCHEMA_STRING, .max = 20, .enum_values = compare_kinds,   \
	  .description = "a second column: the period just before (as many whole months, else"  \
			 " days), or the same dates a year before" }

static const struct schema_field profit_and_loss_query_fields[] = {
	{ .name = "from", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED, .max = 10,
	  .format = SCHEMA_FORMAT_DATE, .description = "inclusive" },
	{ .name = "to", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED, .max = 10,
	  .format = SCHEMA_FORMAT_DATE, .description = "inclusive, not before from" },
	COMPARE_QUERY_FIELD,
};
static SCHEMA_OBJECT_DEFINE(profit_and_loss_query, NULL, profit_and_loss_query_fields, NULL);

static const struct schema_field balance_sheet_query_fields[] = {
	{ .name = "as_of", .type = SCHEMA_STRING, .max = 10, .format = SCHEMA_FORMAT_DATE,
	  .description = "inclusive; default today (UTC)" },
	COMPARE_QUERY_FIELD,
};
static SCHEMA_OBJECT_DEFINE(balance_sheet_query, NULL, balance_sheet_query_fields, NULL);

#define COMPARE_AMOUNT(field_name) OUT_NULLABLE(field_name, SCHEMA_FORMAT_DECIMAL, "null without compare")

static const struct schema_field statement_account_fields[] = {
	SCHEMA_OUT("code", SCHEMA_STRING, SCHEMA_FORMAT_CODE),
	SCHEMA_OUT("name", SCHEMA_STRING, SCHEMA_FORMAT_NONE),
	OUT_NULLABLE("parent", SCHEMA_FORMAT_CODE, "the parent account of the section; null at the top"),
	{ .name = "level", .type = SCHEMA_INTEGER, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .description = "0 at the top of the hierarchy" },
	SCHEMA_OUT("currency", SCHEMA_STRING, SCHEMA_FORMAT_NONE),
	{ .name = "amount", .type = SCHEMA_STRING, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .format = SCHEMA_FORMAT_DECIMAL, .description = "the account's own postings" },
	{ .name = "total", .type = SCHEMA_STRING, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .format = SCHEMA_FORMAT_DECIMAL, .description = "its own and its descendants'" },
	COMPARE_AMOUNT("compare_amount"),
	COMPARE_AMOUNT("compare_total"),
};
static SCHEMA_OBJECT_DEFINE(statement_account_schema, "StatementAccount", statement_account_fields,
			    "An account of a statement, with its section's sign (credit less debit for"
			    " revenue, liabilities and equity).");

static const struct schema_field statement_section_fields[] = {
	{ .name = "type", .type = SCHEMA_STRING, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .enum_values = account_types },
	{ .name = "total", .type = SCHEMA_STRING, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .format = SCHEMA_FORMAT_DECIMAL, .description = "its accounts in the company's currency" },
	COMPARE_AMOUNT("compare_total"),
	{ .name = "accounts", .type = SCHEMA_ARRAY, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .object = &statement_account_schema,
	  .description = "depth first: each parent, then its children by code" },
};
static SCHEMA_OBJECT_DEFINE(statement_section_schema, "StatementSection", statement_section_fields,
			    "The accounts of one type, by the account hierarchy.");

static const struct schema_field profit_and_loss_compare_fields[] = {
	{ .name = "kind", .type = SCHEMA_STRING, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .enum_values = compare_kinds },
	SCHEMA_OUT("from", SCHEMA_STRING, SCHEMA_FORMAT_DATE),
	SCHEMA_OUT("to", SCHEMA_STRING, SCHEMA_FORMAT_DATE),
};
static SCHEMA_OBJECT_DEFINE(profit_and_loss_compare_schema, "ProfitAndLossComparison",
			    profit_and_loss_compare_fields, "The range of the comparison column.");

static const struct schema_field profit_and_loss_fields[] = {
	SCHEMA_OUT("from", SCHEMA_STRING, SCHEMA_FORMAT_DATE),
	SCHEMA_OUT("to", SCHEMA_STRING, SCHEMA_FORMAT_DATE),
	SCHEMA_OUT("currency", SCHEMA_STRING, SCHEMA_FORMAT_NONE),
	{ .name = "compare", .type = SCHEMA_OBJECT,
	  .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED | SCHEMA_NULLABLE,
	  .object = &profit_and_loss_compare_schema, .description = "null without compare" },
	{ .name = "sections", .type = SCHEMA_ARRAY, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .object = &statement_section_schema, .description = "revenue, then expense" },
	{ .name = "result", .type = SCHEMA_STRING, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .format = SCHEMA_FORMAT_DECIMAL, .description = "revenue less expense" },
	COMPARE_AMOUNT("compare_result"),
};
static SCHEMA_OBJECT_DEFINE(profit_and_loss_schema, "ProfitAndLoss", profit_and_loss_fields,
			    "Revenue and expense from `from` to `to`, without the entries that close a"
			    " fiscal year.");

static const struct schema_field balance_sheet_compare_fields[] = {
	{ .name = "kind", .type = SCHEMA_STRING, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .enum_values = compare_kinds },
	SCHEMA_OUT("as_of", SCHEMA_STRING, SCHEMA_FORMAT_DATE),
};
static SCHEMA_OBJECT_DEFINE(balance_sheet_compare_schema, "BalanceSheetComparison",
			    balance_sheet_compare_fields, "The date of the comparison column.");

static const struct schema_field year_result_fields[] = {
	{ .name = "from", .type = SCHEMA_STRING, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .format = SCHEMA_FORMAT_DATE, .description = "the first day of as_of's fiscal year" },
	OUT_NULLABLE("compare_from", SCHEMA_FORMAT_DATE, "the same for the comparison's date"),
	{ .name = "amount", .type = SCHEMA_STRING, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .format = SCHEMA_FORMAT_DECIMAL,
	  .description = "revenue less expense of the year up to as_of; zero once the year is closed" },
	COMPARE_AMOUNT("compare_amount"),
};
static SCHEMA_OBJECT_DEFINE(year_result_schema, "BalanceSheetYearResult", year_result_fields,
			    "The current year's result, shown in equity until the year is closed.");

static const struct schema_field earlier_results_fields[] = {
	{ .name = "amount", .type = SCHEMA_STRING, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .format = SCHEMA_FORMAT_DECIMAL,
	  .description = "revenue less expense of earlier years not closed into equity" },
	COMPARE_AMOUNT("compare_amount"),
};
static SCHEMA_OBJECT_DEFINE(earlier_results_schema, "BalanceSheetEarlierResults",
			    earlier_results_fields, "Results of earlier fiscal years not yet closed.");

#define BS_TOTAL(field_name, text)                                                           \
	{ .name = field_name, .type = SCHEMA_STRING, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED, \
	  .format = SCHEMA_FORMAT_DECIMAL, .description = text }

static const struct schema_field balance_sheet_fields[] = {
	SCHEMA_OUT("as_of", SCHEMA_STRING, SCHEMA_FORMAT_DATE),
	SCHEMA_OUT("currency", SCHEMA_STRING, SCHEMA_FORMAT_NONE),
	{ .name = "compare", .type = SCHEMA_OBJECT,
	  .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED | SCHEMA_NULLABLE,
	  .object = &balance_sheet_compare_schema, .description = "null without compare" },
	{ .name = "sections", .type = SCHEMA_ARRAY, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .object = &statement_section_schema, .description = "asset, liability, equity" },
	{ .name = "result_of_year", .type = SCHEMA_OBJECT, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .object = &year_result_schema },
	{ .name = "earlier_results", .type = SCHEMA_OBJECT, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .object = &earlier_results_schema },
	BS_TOTAL("total_assets", "the asset section's total"),
	BS_TOTAL("total_liabilities_and_equity",
		 "liabilities, equity, the year's result and earlier results not closed"),
	COMPARE_AMOUNT("compare_total_assets"),
	COMPARE_AMOUNT("compare_total_liabilities_and_equity"),
	SCHEMA_OUT("balanced", SCHEMA_BOOLEAN, SCHEMA_FORMAT_NONE),
};
static SCHEMA_OBJECT_DEFINE(balance_sheet_schema, "BalanceSheet", balance_sheet_fields,
			    "Assets, liabilities and equity on as_of; the assets equal the rest.");

/* A posted line on an account's ledger: the side without an amount, and an empty description, left out. */
static const struct schema_field ledger_line_fields[] = {
	SCHEMA_OUT("date", SCHEMA_STRING, SCHEMA_FORMAT_DATE),
	{ .name = "posting", .type = SCHEMA_INTEGER, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .description = "a number the line got as its entry was posted, higher for every later"
			 " posting: the order of lines of one date" },
	SCHEMA_OUT("entry_id", SCHEMA_STRING, SCHEMA_FORMAT_UUID),
	SCHEMA_OUT("number", SCHEMA_STRING, SCHEMA_FORMAT_NONE),
	SCHEMA_OUT("line", SCHEMA_INTEGER, SCHEMA_FORMAT_NONE),
	SCHEMA_OUT("memo", SCHEMA_STRING, SCHEMA_FORMAT_NONE),
	{ .name = "debit", .type = SCHEMA_STRING, .flags = SCHEMA_READ_ONLY,
	  .format = SCHEMA_FORMAT_DECIMAL },
	{ .name = "credit", .type = SCHEMA_STRING, .flags = SCHEMA_READ_ONLY,
	  .format = SCHEMA_FORMAT_DECIMAL },
	{ .name = "description", .type = SCHEMA_STRING, .flags = SCHEMA_READ_ONLY },
	{ .name = "balance", .type = SCHEMA_STRING, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .format = SCHEMA_FORMAT_DECIMAL, .description = "the running balance after this line" },
};
static SCHEMA_OBJECT_DEFINE(ledger_line_schema, "AccountLedgerLine", ledger_line_fields,
			    "A posted line of the account. The ledger lists them by date, then by posting,"
			    " each with the running balance from the balance before `from`.");

static const struct schema_field account_ledger_query_fields[] = {
	PAGING_FIELDS,
	{ .name = "from", .type = SCHEMA_STRING, .max = 10, .format = SCHEMA_FORMAT_DATE },
	{ .name = "to", .type = SCHEMA_STRING, .max = 10, .format = SCHEMA_FORMAT_DATE },
};
static SCHEMA_OBJECT_DEFINE(account_ledger_query, NULL, account_ledger_query_fields, NULL);

static const struct schema_field chain_head_fields[] = {
	SCHEMA_OUT("length", SCHEMA_INTEGER, SCHEMA_FORMAT_NONE),
	OUT_NULLABLE("head_hash", SCHEMA_FORMAT_NONE,
		     "SHA-256 (hex) of the last posted entry's canonical form; null: nothing posted"),
	OUT_NULLABLE("head_entry_id", SCHEMA_FORMAT_UUID, NULL),
	OUT_NULLABLE("head_number", SCHEMA_FORMAT_NONE, NULL),
	OUT_NULLABLE("updated_at", SCHEMA_FORMAT_DATE_TIME, NULL),
};
static SCHEMA_OBJECT_DEFINE(chain_head_schema, "LedgerChainHead", chain_head_fields,
			    "The head of the company's hash chain of posted entries.");

static const struct schema_field problem_item = { .name = "problem", .type = SCHEMA_STRING, .min = 1,
						  .max = 512 };

static const struct schema_field verification_fields[] = {
	SCHEMA_OUT("checked_at", SCHEMA_STRING, SCHEMA_FORMAT_DATE_TIME),
	SCHEMA_OUT("intact", SCHEMA_BOOLEAN, SCHEMA_FORMAT_NONE),
	SCHEMA_OUT("entries_checked", SCHEMA_INTEGER, SCHEMA_FORMAT_NONE),
	SCHEMA_OUT("head_length", SCHEMA_INTEGER, SCHEMA_FORMAT_NONE),
	OUT_NULLABLE("head_hash", SCHEMA_FORMAT_NONE, "the chain's last hash as the verifier found it"),
	OUT_NULLABLE("first_broken_entry_id", SCHEMA_FORMAT_UUID,
		     "the first entry whose stored content no longer matches its hash"),
	OUT_NULLABLE("first_broken_number", SCHEMA_FORMAT_NONE, NULL),
	{ .name = "problems", .type = SCHEMA_ARRAY, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .items = &problem_item,
	  .description = "each problem found (the first 200): broken links, changed entries, gaps in"
			 " the numbers" },
};
static SCHEMA_OBJECT_DEFINE(verification_schema, "LedgerVerification", verification_fields,
			    "What `erp-server audit verify-ledger` found in the company's books.");

static const struct schema_field integrity_fields[] = {
	{ .name = "chain", .type = SCHEMA_OBJECT, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .object = &chain_head_schema },
	{ .name = "last_verification", .type = SCHEMA_OBJECT,
	  .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED | SCHEMA_NULLABLE, .object = &verification_schema,
	  .description = "the last run of `erp-server audit verify-ledger`; null: never verified" },
};
static SCHEMA_OBJECT_DEFINE(integrity_schema, "LedgerIntegrity", integrity_fields,
			    "The company's hash chain of posted entries and its last verification.");

static const struct schema_field settings_change_fields[] = {
	{ .name = "self_posting", .type = SCHEMA_BOOLEAN, .flags = SCHEMA_REQUIRED,
	  .description = "true lets authors post their own entries (relaxes four-eyes)" },
};
static SCHEMA_OBJECT_DEFINE(settings_change_schema, "LedgerSettingsChange", settings_change_fields,
			    "Requests a change; another holder of ledger.settings.manage confirms it."
			    " Send If-Match with the settings' ETag.");

static const struct schema_field pending_change_fields[] = {
	SCHEMA_OUT("self_posting", SCHEMA_BOOLEAN, SCHEMA_FORMAT_NONE),
	SCHEMA_OUT("requested_by", SCHEMA_STRING, SCHEMA_FORMAT_UUID),
	SCHEMA_OUT("requested_at", SCHEMA_STRING, SCHEMA_FORMAT_DATE_TIME),
	SCHEMA_OUT("version", SCHEMA_INTEGER, SCHEMA_FORMAT_NONE),
};
static SCHEMA_OBJECT_DEFINE(pending_change_schema, "LedgerSettingsPendingChange",
			    pending_change_fields,
			    "A requested change waiting for another user; confirm it with If-Match: its version.");

static const struct schema_field settings_fields[] = {
	SCHEMA_OUT("self_posting", SCHEMA_BOOLEAN, SCHEMA_FORMAT_NONE),
	OUT_NULLABLE("retained_earnings_account", SCHEMA_FORMAT_CODE,
		     "the equity account a fiscal year's close moves the year's result to; null: none yet"),
	SCHEMA_OUT("version", SCHEMA_INTEGER, SCHEMA_FORMAT_NONE),
	{ .name = "pending", .type = SCHEMA_OBJECT,
	  .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED | SCHEMA_NULLABLE,
	  .object = &pending_change_schema, .description = "null when no change is pending" },
};
static SCHEMA_OBJECT_DEFINE(settings_schema, "LedgerSettings", settings_fields,
			    "The company's ledger settings (ETag: their version).");

static const struct schema_field retained_earnings_fields[] = {
	{ .name = "account", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED, .min = 1, .max = 20,
	  .format = SCHEMA_FORMAT_CODE,
	  .description = "an active equity account in the company's currency" },
};
static SCHEMA_OBJECT_DEFINE(retained_earnings_schema, "RetainedEarningsAccount",
			    retained_earnings_fields,
			    "Names the retained-earnings account; takes effect at once. Send If-Match with"
			    " the settings' ETag.");

/* --- closing a fiscal year ------------------------------------------------------------------------- */

static const char *const year_statuses[] = { "open", "closed", NULL };

static const struct schema_field year_status_fields[] = {
	SCHEMA_OUT("fiscal_year", SCHEMA_INTEGER, SCHEMA_FORMAT_NONE),
	{ .name = "status", .type = SCHEMA_STRING, .flags = SCHEMA_READ_ONLY | SCHEMA_REQUIRED,
	  .enum_values = year_statuses,
	  .description = "closed: the closing entry is posted and nothing more is posted into the year" },
	SCHEMA_OUT("starts_on", SCHEMA_STRING, SCHEMA_FORMAT_DATE),
	SCHEMA_OUT("ends_on", SCHEMA_STRING, SCHEMA_FORMAT_DATE),
	OUT_NULLABLE("close_requested_by", SCHEMA_FORMAT_UUID, "who asked for the close (null: nobody)"),
	OUT_NULLABLE("close_requested_at", SCHEMA_FORMAT_DATE_TIME, NULL),
	OUT_NULLABLE("closed_by", SCHEMA_FORMAT_UUID, "who confirmed the close"),
	OUT_NULLABLE("closed_at", SCHEMA_FORMAT_DATE_TIME, NULL),
	OUT_NULLABLE("closing_entry_id", SCHEMA_FORMAT_UUID,
		     "the entry that moved revenue and expenses to retained earnings (null: none, or"
		     " nothing to move)"),
	OUT_NULLABLE("closing_entry_number", SCHEMA_FORMAT_NONE, "YC-<fiscal year>-<sequence>"),
	SCHEMA_OUT("version", SCHEMA_INTEGER, SCHEMA_FORMAT_NONE),
};
static SCHEMA_OBJECT_DEFINE(year_status_schema, "FiscalYearStatus", year_status_fields,
			    "A fiscal year's close (ETag: its version): open, its close asked for, or"
			    " closed with its closing entry.");

/* --- routes ----------------------------------------------------------------------------------------- */

#define COMPANY "/api/v1/companies/{company}"

static const struct erp_route routes[] = {
	{ ERP_GET, COMPANY "/accounts", "ledger.account.read", ledger_accounts_list,
	  "List the chart of accounts.", .query = &account_query, .list = &account_schema,
	  .operation_id = "listAccounts" },
	{ ERP_POST, COMPANY "/accounts", "ledger.account.manage", ledger_accounts_create,
	  "Create an account.", .body = &account_create_schema, .response = &account_schema,
	  .success_status = 201,
	  .operation_id = "createAccount", .headers = ERP_ANSWERS_ETAG | ERP_ANSWERS_LOCATION },
	{ ERP_GET, COMPANY "/accounts/{code}", "ledger.account.read", ledger_accounts_get,
	  "Read an account.", .response = &account_schema,
	  .operation_id = "getAccount", .headers = ERP_ANSWERS_ETAG },
	{ ERP_PATCH, COMPANY "/accounts/{code}", "ledger.account.manage", ledger_accounts_update,
	  "Change an account's name, parent, or (without lines) type and currency.",
	  .body = &account_update_schema, .response = &account_schema,
	  .operation_id = "updateAccount", .headers = ERP_TAKES_IF_MATCH | ERP_ANSWERS_ETAG },
	{ ERP_POST, COMPANY "/accounts/{code}/deactivate", "ledger.account.manage",
	  ledger_accounts_deactivate, "Deactivate an account: it refuses new postings.",
	  .response = &account_schema,
	  .operation_id = "deactivateAccount", .headers = ERP_ANSWERS_ETAG },
	{ ERP_POST, COMPANY "/accounts/{code}/reactivate", "ledger.account.manage",
	  ledger_accounts_reactivate, "Reactivate an account.", .response = &account_schema,
	  .operation_id = "reactivateAccount", .headers = ERP_ANSWERS_ETAG },
	{ ERP_GET, COMPANY "/accounts/{code}/ledger", "ledger.report.read", ledger_account_ledger,
	  "An account's posted lines by date, then by posting, with the running balance.",
	  .query = &account_ledger_query,
	  .list = &ledger_line_schema,
	  .operation_id = "listAccountLedger", .headers = ERP_ANSWERS_CSV },

	{ ERP_GET, COMPANY "/fiscal-periods", "ledger.period.read", ledger_periods_list,
	  "List fiscal periods.", .query = &period_query, .list = &period_schema,
	  .operation_id = "listFiscalPeriods" },
	{ ERP_POST, COMPANY "/fiscal-periods", "ledger.period.manage", ledger_periods_create_year,
	  "Create a fiscal year of twelve monthly periods.", .body = &year_create_schema,
	  .response = &year_schema, .success_status = 201,
	  .operation_id = "createFiscalYear" },
	{ ERP_POST, COMPANY "/fiscal-periods/{period}/close", "ledger.period.manage",
	  ledger_periods_close, "Close an open period.", .response = &period_schema,
	  .operation_id = "closeFiscalPeriod", .headers = ERP_ANSWERS_ETAG },
	{ ERP_POST, COMPANY "/fiscal-periods/{period}/reopen", "ledger.period.lock",
	  ledger_periods_reopen, "Reopen a closed period (drops a lock request).",
	  .response = &period_schema,
	  .operation_id = "reopenFiscalPeriod", .headers = ERP_ANSWERS_ETAG },
	{ ERP_POST, COMPANY "/fiscal-periods/{period}/lock", "ledger.period.lock",
	  ledger_periods_request_lock,
	  "Ask for a closed, ended period to be locked for good; another user confirms it.",
	  .response = &period_schema, .success_status = 202,
	  .operation_id = "requestFiscalPeriodLock", .headers = ERP_ANSWERS_ETAG },
	{ ERP_POST, COMPANY "/fiscal-periods/{period}/lock/confirm", "ledger.period.lock",
	  ledger_periods_confirm_lock, "Lock the period another user asked to lock: nobody posts into it.",
	  .response = &period_schema,
	  .operation_id = "confirmFiscalPeriodLock", .headers = ERP_ANSWERS_ETAG },
	{ ERP_POST, COMPANY "/fiscal-periods/{period}/lock/cancel", "ledger.period.lock",
	  ledger_periods_cancel_lock, "Drop the request to lock the period.", .response = &period_schema,
	  .operation_id = "cancelFiscalPeriodLock", .headers = ERP_ANSWERS_ETAG },

	{ ERP_GET, COMPANY "/fiscal-years/{year}", "ledger.period.read", ledger_fiscal_year_get,
	  "Read a fiscal year's close: open, asked for, or closed with its closing entry.",
	  .response = &year_status_schema,
	  .operation_id = "getFiscalYear", .headers = ERP_ANSWERS_ETAG },
	{ ERP_POST, COMPANY "/fiscal-years/{year}/close", "ledger.year.close",
	  ledger_fiscal_year_request_close,
	  "Ask for the close of a fiscal year whose periods are all closed, with the company's"
	  " retained-earnings account set; another user confirms it.",
	  .response = &year_status_schema, .success_status = 202,
	  .operation_id = "requestFiscalYearClose", .headers = ERP_ANSWERS_ETAG },
	{ ERP_POST, COMPANY "/fiscal-years/{year}/close/confirm", "ledger.year.close",
	  ledger_fiscal_year_confirm_close,
	  "Close the year another user asked to close: the closing entry (YC-<year>-<n>) moves each"
	  " revenue and expense balance to retained earnings on the year's last day, and nothing"
	  " more is posted into the year. If-Match names the version of the year read with the"
	  " request (412 when it was cancelled and asked for again since). 403 to the user who"
	  " asked; 409 while a period is open or no retained-earnings account is set.",
	  .response = &year_status_schema,
	  .operation_id = "confirmFiscalYearClose", .headers = ERP_TAKES_IF_MATCH | ERP_ANSWERS_ETAG },
	{ ERP_POST, COMPANY "/fiscal-years/{year}/close/cancel", "ledger.year.close",
	  ledger_fiscal_year_cancel_close, "Drop the request to close the year.",
	  .response = &year_status_schema,
	  .operation_id = "cancelFiscalYearClose", .headers = ERP_ANSWERS_ETAG },
	{ ERP_POST, COMPANY "/fiscal-years/{year}/reopen", "ledger.year.close",
	  ledger_fiscal_year_reopen,
	  "Reopen a closed year: its closing entry is reversed (a mirror entry in the same series,"
	  " audited). Only while the next year is not closed.",
	  .response = &year_status_schema,
	  .operation_id = "reopenFiscalYear", .headers = ERP_ANSWERS_ETAG },

	{ ERP_GET, COMPANY "/journal-entries", "ledger.journal.read", ledger_entries_list,
	  "List journal entries (Accept: text/csv: every line of every matching entry, streamed).",
	  .query = &entry_query, .list = &entry_summary_schema,
	  .operation_id = "listJournalEntries", .headers = ERP_ANSWERS_CSV },
	{ ERP_POST, COMPANY "/journal-entries", "ledger.journal.create", ledger_entries_create,
	  "Create a draft journal entry (Idempotency-Key honoured).", .body = &entry_write_schema,
	  .response = &entry_schema, .success_status = 201, .check_rules = ledger_entries_create_rules,
	  .operation_id = "createJournalEntry",
	  .headers = ERP_TAKES_IDEMPOTENCY_KEY | ERP_ANSWERS_ETAG | ERP_ANSWERS_LOCATION },
	{ ERP_GET, COMPANY "/journal-entries/{id}", "ledger.journal.read", ledger_entries_get,
	  "Read a journal entry.", .response = &entry_schema,
	  .operation_id = "getJournalEntry", .headers = ERP_ANSWERS_ETAG },
	{ ERP_PUT, COMPANY "/journal-entries/{id}", "ledger.journal.create", ledger_entries_update,
	  "Replace your draft (If-Match).", .body = &entry_write_schema, .response = &entry_schema,
	  .check_rules = ledger_entries_replace_rules,
	  .operation_id = "replaceJournalEntry", .headers = ERP_TAKES_IF_MATCH | ERP_ANSWERS_ETAG },
	{ ERP_DELETE, COMPANY "/journal-entries/{id}", "ledger.journal.create", ledger_entries_delete,
	  "Delete your draft.", .response = ERP_NO_BODY, .success_status = 204,
	  .operation_id = "deleteJournalEntry" },
	{ ERP_POST, COMPANY "/journal-entries/{id}/post", "ledger.journal.post", ledger_entries_post,
	  "Post a draft someone else wrote, as reviewed (If-Match): it gets its number.",
	  .body = &post_schema, .response = &entry_schema,
	  .operation_id = "postJournalEntry", .headers = ERP_TAKES_IF_MATCH | ERP_ANSWERS_ETAG },
	{ ERP_POST, COMPANY "/journal-entries/{id}/reverse", "ledger.journal.post",
	  ledger_entries_reverse,
	  "Reverse a posted entry, as read (If-Match), with a posted mirror entry.",
	  .body = &reverse_schema, .response = &entry_schema, .success_status = 201,
	  .operation_id = "reverseJournalEntry",
	  .headers = ERP_TAKES_IF_MATCH | ERP_ANSWERS_ETAG | ERP_ANSWERS_LOCATION },
	{ ERP_POST, COMPANY "/journal-entries/{id}/take-over", "ledger.journal.create",
	  ledger_entries_take_over,
	  "Become the author of a deactivated user's draft, as read (If-Match): then it may be posted.",
	  .response = &entry_schema,
	  .operation_id = "takeOverJournalEntry", .headers = ERP_TAKES_IF_MATCH | ERP_ANSWERS_ETAG },
	{ ERP_POST, COMPANY "/journal-entries/{id}/discard", "ledger.journal.discard",
	  ledger_entries_discard, "Discard the draft of a deactivated author (audited).",
	  .response = ERP_NO_BODY, .success_status = 204,
	  .operation_id = "discardJournalEntry" },

	{ ERP_GET, COMPANY "/reports/trial-balance", "ledger.report.read", ledger_trial_balance,
	  "Per account the opening balance, the debits and credits from `from` to `as_of` and the"
	  " closing balance, with totals per currency; read from the balances kept as entries post.",
	  .query = &trial_balance_query, .response = &trial_balance_schema,
	  .operation_id = "getTrialBalance", .headers = ERP_ANSWERS_CSV, .replica_reads = true },
	{ ERP_GET, COMPANY "/reports/profit-and-loss", "ledger.report.read", ledger_profit_and_loss,
	  "Revenue and expense by account hierarchy from `from` to `to`, the result, and an optional"
	  " comparison column; entries that close a fiscal year are left out.",
	  .query = &profit_and_loss_query, .response = &profit_and_loss_schema,
	  .operation_id = "getProfitAndLoss", .headers = ERP_ANSWERS_CSV,
	  .replica_reads = true },
	{ ERP_GET, COMPANY "/reports/balance-sheet", "ledger.report.read", ledger_balance_sheet,
	  "Assets, liabilities and equity by account hierarchy on a date, the current year's result"
	  " until the year is closed, and an optional comparison column.",
	  .query = &balance_sheet_query, .response = &balance_sheet_schema,
	  .operation_id = "getBalanceSheet", .headers = ERP_ANSWERS_CSV,
	  .replica_reads = true },

	{ ERP_GET, COMPANY "/reports/ledger-integrity", "ledger.report.read", ledger_integrity_report,
	  "The head of the company's hash chain of posted entries and what the last `erp-server audit"
	  " verify-ledger` found.",
	  .response = &integrity_schema, .operation_id = "getLedgerIntegrity" },

	{ ERP_GET, COMPANY "/ledger-settings", "ledger.settings.manage", ledger_settings_get,
	  "The company's ledger settings and the change pending, if any.", .response = &settings_schema,
	  .operation_id = "getLedgerSettings", .headers = ERP_ANSWERS_ETAG },
	{ ERP_PUT, COMPANY "/ledger-settings", "ledger.settings.manage", ledger_settings_request_change,
	  "Request a change of the settings (If-Match): it waits for another user to confirm it.",
	  .body = &settings_change_schema, .response = &settings_schema, .success_status = 202,
	  .operation_id = "requestLedgerSettingsChange", .headers = ERP_TAKES_IF_MATCH | ERP_ANSWERS_ETAG },
	{ ERP_POST, COMPANY "/ledger-settings/confirm", "ledger.settings.manage",
	  ledger_settings_confirm_change,
	  "Apply the change another user requested, as read (If-Match with the settings' ETag).",
	  .response = &settings_schema,
	  .operation_id = "confirmLedgerSettingsChange", .headers = ERP_TAKES_IF_MATCH | ERP_ANSWERS_ETAG },
	{ ERP_PUT, COMPANY "/ledger-settings/retained-earnings-account", "ledger.settings.manage",
	  ledger_settings_retained_earnings,
	  "Name the equity account a fiscal year's close moves the year's result to (If-Match).",
	  .body = &retained_earnings_schema, .response = &settings_schema,
	  .operation_id = "setRetainedEarningsAccount", .headers = ERP_TAKES_IF_MATCH | ERP_ANSWERS_ETAG },
	{ ERP_POST, COMPANY "/ledger-settings/cancel", "ledger.settings.manage",
	  ledger_settings_cancel_change, "Drop the pending change.", .response = &settings_schema,
	  .operation_id = "cancelLedgerSettingsChange", .headers = ERP_ANSWERS_ETAG },
};

static const struct erp_permission permissions[] = {
	{ "ledger.account.read", "List and read the chart of accounts." },
	{ "ledger.account.manage", "Create, change, deactivate and reactivate accounts." },
	{ "ledger.period.read", "List fiscal periods." },
	{ "ledger.period.manage", "Create fiscal years; close periods." },
	{ "ledger.period.lock",
	  "Ask for, confirm (another's request) or cancel the lock of a period; reopen a closed period." },
	{ "ledger.year.close",
	  "Ask for, confirm (another's request) or cancel the close of a fiscal year; reopen a closed"
	  " year (its closing entry is reversed)." },
	{ "ledger.period.post-closed",
	  "Post into a closed period (the entry says so; recorded in the audit trail)." },
	{ "ledger.journal.read", "List and read journal entries." },
	{ "ledger.journal.create",
	  "Write draft journal entries; change and delete your own drafts; take over a deactivated"
	  " author's draft." },
	{ "ledger.journal.discard", "Discard the drafts of deactivated authors (audited)." },
	{ "ledger.journal.post", "Post and reverse journal entries written by others." },
	{ "ledger.report.read",
	  "Trial balance, profit and loss, balance sheet and account ledgers." },
	{ "ledger.settings.manage",
	  "Read the company's ledger settings; request, confirm (another's request) or cancel a change." },
};

/*
 * Pairs one user may not hold in one company. Some name IAM's permissions: the
 * conflict is the ledger's (who makes users or grants roles could make the
 * second person a posting or a settings change needs). Catalog sync stores a
 * pair with the smaller name first, whichever order it is written in.
 */
static const struct erp_sod_rule sod_rules[] = {
	{ "ledger.journal.create", "ledger.journal.post",
	  "who writes journal entries does not approve and post them" },
	{ "iam.user.manage", "ledger.journal.post",
	  "who administers users does not post: they could make an author and post its entries" },
	{ "iam.assignment.manage", "ledger.journal.post",
	  "who grants roles does not post: they could give an author of their choosing the right to write" },
	{ "iam.user.manage", "ledger.settings.manage",
	  "who administers users does not change the ledger settings: they could make the second user"
	  " who confirms the change" },
	{ "iam.assignment.manage", "ledger.settings.manage",
	  "who grants roles does not change the ledger settings: they could give the confirming"
	  " permission to a user of their choosing" },
	{ "ledger.journal.create", "ledger.period.lock",
	  "who writes journal entries does not lock or reopen the periods they are posted into" },
	{ "ledger.journal.create", "ledger.year.close",
	  "who writes journal entries does not close or reopen the year they are posted into" },
	{ "iam.user.manage", "ledger.year.close",
	  "who administers users does not close fiscal years: they could make the second user who"
	  " confirms the close" },
	{ "iam.assignment.manage", "ledger.year.close",
	  "who grants roles does not close fiscal years: they could give the confirming permission"
	  " to a user of their choosing" },
};

/* Rare and powerful: granting it waits for a second administrator. */
static const char *const privileged[] = { "ledger.period.post-closed" };

/* Postings are authorised by IAM's hooks and name its companies and users. */
static const char *const depends_on[] = { "iam" };

/* `erp-server audit verify-ledger`: the checks of verify.c. */
static const struct erp_verifier verifiers[] = {
	{ "verify-ledger",
	  "recompute the ledger's balances from the posted lines, walk each company's hash\n"
	  "                    chain of posted entries and look for gaps in the numbers\n"
	  "                    (exit 65 names every company, account and day or month that\n"
	  "                    differs, the first entry that no longer matches its hash and\n"
	  "                    every gap; the chain's result is recorded for the\n"
	  "                    ledger-integrity report)",
	  ledger_verify_books },
};

/* The sealer links what postings commit into the chain and the balances (sealer.c). */
static int init(struct erp_server *server)
{
	return ledger_sealer_add(server);
}

const struct erp_module ledger_module = {
	.name = "ledger",
	.description = "General ledger",
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
	.init = init,
	.verifiers = verifiers,
	.verifier_count = ERP_COUNT(verifiers),
};
