/*
 * Sales' rules that need no database: codes, text lengths, the accounts a
 * document or a tax code names, and a tax code's input. Unit-tested in
 * server/test/unit/modules/sales/rules_test.c.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "common/arena.h"
#include "modules/sales/usecases.h"
#include "platform/http/schema.h"
#include "shared-kernel/errors.h"
#include "shared-kernel/money.h"

bool sales_code_valid(const char *code)
{
	size_t length = code ? strlen(code) : 0;

	if (length == 0 || length > SALES_CODE_MAX || !isalnum((unsigned char)code[0]))
		return false;
	for (size_t i = 1; i < length; i++)
		if (!isalnum((unsigned char)code[i]) && !strchr("._-", code[i]))
			return false;
	return true;
}

size_t sales_text_length(const char *text)
{
	size_t n = 0;

	for (; text && *text; text++)
		n += ((unsigned char)*text & 0xC0) != 0x80;
	return n;
}

/* "an asset", "a liability": the type with its article, for sentences. */
static const char *with_article(const char *type)
{
	return strchr("aeiou", type[0]) ? "an" : "a";
}

int sales_check_account(struct erp_refusal *refusal, struct arena *arena, const char *pointer,
			const struct sales_account *account, const char *type, const char *currency)
{
	const char *code, *detail;

	if (!account->found)
		return erp_refuse_field_kept(refusal, arena, pointer, "unknown",
					     "no account of the company has this code");
	if (strcmp(account->type, type) != 0) {
		code = "type";
		detail = arena_printf(arena, "account %s is %s %s account; this takes %s %s",
				      account->code, with_article(account->type), account->type,
				      with_article(type), type);
	} else if (strcmp(account->currency, currency) != 0) {
		code = "currency";
		detail = arena_printf(arena, "account %s is kept in %s; this takes an account in %s",
				      account->code, account->currency, currency);
	} else if (!account->active) {
		code = "inactive";
		detail = arena_printf(arena, "account %s is inactive", account->code);
	} else {
		return ERP_OK;
	}
	if (!detail)
		return ERP_ERR_NO_MEMORY;
	return erp_refuse_field_kept(refusal, arena, pointer, code, detail);
}

/* The sentence for a rate that is not one. */
static const char *rate_problem(int parsed)
{
	switch (parsed) {
	case SALES_DECIMAL_TOO_MANY_DECIMALS:
		return "a rate has at most 4 decimals";
	case SALES_DECIMAL_OUT_OF_RANGE:
		return "a rate is a percent from 0 to 100";
	default:
		return "a rate is a percent as decimal text: \"20\", \"7.5\"";
	}
}

int sales_tax_code_check(struct erp_refusal *refusal, const struct sales_tax_code_input *in,
			 bool creating, int64_t *rate_e4)
{
	if (creating && !sales_code_valid(in->code))
		erp_refuse_field_code(refusal, "/code", "format",
				      "a code is 1 to 20 letters, digits, '.', '_' or '-', starting with a"
				      " letter or digit");
	if ((creating || in->name) &&
	    (!in->name || !*in->name || sales_text_length(in->name) > SALES_NAME_MAX))
		erp_refuse_field(refusal, "/name", "a name is 1 to 200 characters");
	if (creating || in->rate) {
		int parsed = in->rate ? sales_decimal_e4(in->rate, SALES_PERCENT_E4_MAX, rate_e4)
				      : SALES_DECIMAL_SYNTAX;

		if (parsed != SALES_DECIMAL_OK)
			erp_refuse_field_code(refusal, "/rate", "format", rate_problem(parsed));
	}
	if (creating && !in->output_account)
		erp_refuse_field_code(refusal, "/output_account", "required",
				      "a tax code needs the account its output tax is owed on");
	return erp_refused(refusal) ? refusal->code : ERP_OK;
}

/* --- an invoice's input ------------------------------------------------------------------ */

/* A line's field refused with a sentence: the pointer made in arena. */
static int refuse_line(struct erp_refusal *refusal, struct arena *arena, size_t line,
		       const char *field, const char *code, const char *detail)
{
	const char *pointer = arena_printf(arena, "/lines/%zu/%s", line, field);

	if (!pointer)
		return ERP_ERR_NO_MEMORY;
	return erp_refuse_field_kept(refusal, arena, pointer, code, detail);
}

static const char *quantity_problem(int parsed)
{
	switch (parsed) {
	case SALES_DECIMAL_TOO_MANY_DECIMALS:
		return "a quantity has at most 4 decimals";
	case SALES_DECIMAL_OUT_OF_RANGE:
		return "a quantity is more than 0 and at most 922337203685477.5807";
	default:
		return "a quantity is a decimal string: \"3\", \"0.333\"";
	}
}

static const char *discount_problem(int parsed)
{
	switch (parsed) {
	case SALES_DECIMAL_TOO_MANY_DECIMALS:
		return "a discount has at most 4 decimals";
	case SALES_DECIMAL_OUT_OF_RANGE:
		return "a discount is a percent from 0 to 100";
	default:
		return "a discount is a percent as a decimal string: \"10\", \"12.5\"";
	}
}

/* The rules on one line; the first refusal that ran out of memory wins. */
static int check_line(struct erp_refusal *refusal, struct arena *arena, size_t i,
		      const struct sales_line_input *line, const struct erp_currency *currency,
		      struct sales_line_checked *out)
{
	int rc = ERP_OK, parsed, each;

	*out = (struct sales_line_checked){ 0 };
	if (!line->description || !*line->description ||
	    sales_text_length(line->description) > SALES_DESCRIPTION_MAX)
		rc = refuse_line(refusal, arena, i, "description", "format",
				 "a description is 1 to 500 characters");
	parsed = sales_decimal_e4(line->quantity, INT64_MAX, &out->quantity_e4);
	if (parsed == SALES_DECIMAL_OK && out->quantity_e4 == 0)
		parsed = SALES_DECIMAL_OUT_OF_RANGE;
	if (parsed != SALES_DECIMAL_OK) {
		each = refuse_line(refusal, arena, i, "quantity", "format", quantity_problem(parsed));
		rc = rc == ERP_ERR_NO_MEMORY ? rc : each;
	}
	parsed = erp_money_parse(line->unit_price, currency->exponent, 0, &out->unit_price_minor);
	if (parsed != ERP_MONEY_OK) {
		const char *detail = parsed == ERP_MONEY_TOO_MANY_DECIMALS
			? arena_printf(arena, "%s allows at most %d decimals", currency->code,
				       currency->exponent)
			: erp_money_parse_message(parsed);

		each = detail ? refuse_line(refusal, arena, i, "unit_price", "format", detail)
			      : ERP_ERR_NO_MEMORY;
		rc = rc == ERP_ERR_NO_MEMORY ? rc : each;
	}
	if (line->discount_percent) {
		parsed = sales_decimal_e4(line->discount_percent, SALES_PERCENT_E4_MAX,
					  &out->discount_e4);
		out->has_discount = parsed == SALES_DECIMAL_OK;
		if (parsed != SALES_DECIMAL_OK) {
			each = refuse_line(refusal, arena, i, "discount_percent", "format",
					   discount_problem(parsed));
			rc = rc == ERP_ERR_NO_MEMORY ? rc : each;
		}
	}
	return rc;
}

int sales_invoice_check(struct erp_refusal *refusal, struct arena *arena,
			const struct sales_invoice_input *in, const struct erp_currency *currency,
			struct sales_line_checked *out)
{
	bool out_of_memory = false;

	if (!in->date || !schema_is_date(in->date))
		erp_refuse_field_code(refusal, "/date", "format", "a date is YYYY-MM-DD");
	if (in->due_date && (!schema_is_date(in->due_date) ||
			     (in->date && strcmp(in->due_date, in->date) < 0)))
		erp_refuse_field_code(refusal, "/due_date", "format",
				      "a due date is a date (YYYY-MM-DD) on or after the invoice's date");
	if (in->reference && (!*in->reference ||
			      sales_text_length(in->reference) > SALES_REFERENCE_MAX))
		erp_refuse_field(refusal, "/reference", "a reference is 1 to 100 characters");
	if (in->line_count == 0 || in->line_count > SALES_LINES_MAX)
		erp_refuse_field_code(refusal, "/lines", "count", "an invoice has 1 to 200 lines");
	for (size_t i = 0; i < in->line_count && i < SALES_LINES_MAX; i++)
		out_of_memory |= check_line(refusal, arena, i, &in->lines[i], currency, &out[i]) ==
				 ERP_ERR_NO_MEMORY;
	if (out_of_memory)
		return ERP_ERR_NO_MEMORY;
	return erp_refused(refusal) ? refusal->code : ERP_OK;
}

int sales_invoice_number(int fiscal_year, int sequence, char *out, size_t size)
{
	int length;

	if (fiscal_year < 1900 || fiscal_year > 9999 || sequence < 1)
		return -1;
	length = snprintf(out, size, "INV-%04d-%06d", fiscal_year, sequence);
	return length < 0 || (size_t)length >= size ? -1 : length;
}
