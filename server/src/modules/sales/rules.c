/*
 * Sales' rules that need no database: codes, text lengths, the accounts a
 * document or a tax code names, and a tax code's input. Unit-tested in
 * server/test/unit/modules/sales/rules_test.c.
 */
#include <ctype.h>
#include <string.h>

#include "common/arena.h"
#include "modules/sales/usecases.h"
#include "shared-kernel/errors.h"

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
