/*
 * Partners' rules that need no database: codes, tax ids, emails, addresses,
 * payment terms, credit limits, currencies, the accounts' sides and the
 * list's filters. Unit-tested directly (server/test/unit/modules/partners/).
 */
#include <ctype.h>
#include <string.h>

#include "modules/partners/internal.h"
#include "shared-kernel/money.h"

bool partners_code_valid(const char *code)
{
	size_t length = code ? strlen(code) : 0;

	if (length == 0 || length > PARTNERS_CODE_MAX || !isalnum((unsigned char)code[0]))
		return false;
	for (size_t i = 1; i < length; i++)
		if (!isalnum((unsigned char)code[i]) && !strchr("._-", code[i]))
			return false;
	return true;
}

bool partners_tax_id_normalize(const char *text, char out[PARTNERS_TAX_ID_MAX + 1])
{
	size_t used = 0;
	bool digit = false;

	out[0] = '\0';
	if (!text || strlen(text) > PARTNERS_TAX_ID_TEXT_MAX)
		return false;
	for (const char *c = text; *c; c++) {
		unsigned char ch = (unsigned char)*c;

		if (ch == ' ' || ch == '.' || ch == '-' || ch == '/')
			continue; /* how people write them, not part of them */
		if (ch > 127 || !isalnum(ch) || used == PARTNERS_TAX_ID_MAX)
			return false;
		digit = digit || isdigit(ch);
		out[used++] = (char)toupper(ch);
	}
	out[used] = '\0';
	return used >= 2 && digit;
}

/* A domain: dot-separated labels of letters, digits and '-', at least two of them. */
static bool domain_valid(const char *domain)
{
	size_t label = 0, labels = 0, length = strlen(domain);

	if (length == 0 || length > 253)
		return false;
	for (size_t i = 0; i <= length; i++) {
		char c = domain[i];

		if (c == '.' || c == '\0') {
			if (label == 0 || label > 63 || domain[i - 1] == '-')
				return false;
			labels++;
			label = 0;
			continue;
		}
		if (!isalnum((unsigned char)c) && c != '-')
			return false;
		if (label == 0 && c == '-')
			return false;
		label++;
	}
	return labels >= 2;
}

bool partners_email_valid(const char *email)
{
	const char *at = email ? strchr(email, '@') : NULL;
	size_t local;

	if (!at || strlen(email) > PARTNERS_EMAIL_MAX || strchr(at + 1, '@'))
		return false;
	local = (size_t)(at - email);
	if (local == 0 || local > 64)
		return false;
	for (size_t i = 0; i < local; i++)
		if ((unsigned char)email[i] <= ' ' || (unsigned char)email[i] >= 127)
			return false;
	return domain_valid(at + 1);
}

/* Characters (not bytes) of UTF-8 text: what the schema's limits count. */
static size_t text_length(const char *text)
{
	size_t n = 0;

	for (; *text; text++)
		n += ((unsigned char)*text & 0xC0) != 0x80;
	return n;
}

/* Whether text has something besides spaces. */
static bool has_content(const char *text)
{
	for (; text && *text; text++)
		if (!isspace((unsigned char)*text))
			return true;
	return false;
}

static const struct address_member {
	const char *name;
	bool required;
	size_t max;
} address_members[] = {
	{ "line1", true, PARTNERS_ADDRESS_LINE_MAX },
	{ "line2", false, PARTNERS_ADDRESS_LINE_MAX },
	{ "city", true, PARTNERS_ADDRESS_LINE_MAX },
	{ "postal_code", false, 20 },
	{ "region", false, PARTNERS_ADDRESS_LINE_MAX },
	{ "country", true, 2 },
};

const char *partners_address_problem(json_t *address, const char **pointer)
{
	const char *key;
	json_t *value;

	*pointer = "";
	if (!json_is_object(address))
		return "an address is an object";
	json_object_foreach(address, key, value) {
		bool known = false;

		for (size_t i = 0; i < ERP_COUNT(address_members) && !known; i++)
			known = strcmp(key, address_members[i].name) == 0;
		if (!known)
			return "an address has line1, line2, city, postal_code, region and country, nothing else";
	}
	for (size_t i = 0; i < ERP_COUNT(address_members); i++) {
		const struct address_member *m = &address_members[i];
		const char *text;

		value = json_object_get(address, m->name);
		*pointer = m->name;
		if (!value) {
			if (m->required)
				return "an address needs line1, city and country";
			continue;
		}
		text = json_string_value(value);
		if (!text || !has_content(text) || text_length(text) > m->max)
			return "must be a non-empty string of at most 200 characters (postal_code 20)";
		if (strcmp(m->name, "country") == 0 &&
		    (strlen(text) != 2 || !isupper((unsigned char)text[0]) ||
		     !isupper((unsigned char)text[1])))
			return "must be a country code of two upper-case letters (ISO 3166-1), e.g. DE";
	}
	*pointer = "";
	return NULL;
}

/* "/billing_address/<member>" in static storage: refusals keep their pointers. */
static const char *address_pointer(bool billing, const char *member)
{
	static const char *const billing_pointers[] = {
		"/billing_address/line1", "/billing_address/line2", "/billing_address/city",
		"/billing_address/postal_code", "/billing_address/region", "/billing_address/country",
	};
	static const char *const shipping_pointers[] = {
		"/shipping_address/line1", "/shipping_address/line2", "/shipping_address/city",
		"/shipping_address/postal_code", "/shipping_address/region", "/shipping_address/country",
	};

	for (size_t i = 0; i < ERP_COUNT(address_members); i++)
		if (strcmp(member, address_members[i].name) == 0)
			return billing ? billing_pointers[i] : shipping_pointers[i];
	return billing ? "/billing_address" : "/shipping_address";
}

static void check_address(struct erp_refusal *refusal, const struct partners_address_field *field,
			  bool billing)
{
	const char *member, *problem;

	if (!field->given || !field->value)
		return;
	problem = partners_address_problem(field->value, &member);
	if (problem)
		erp_refuse_field(refusal, address_pointer(billing, member), problem);
}

static void check_roles(struct erp_refusal *refusal, const struct partners_partner_input *in,
			struct partners_checked *out)
{
	if (in->role_count == 0) {
		erp_refuse_field_code(refusal, "/roles", "required",
				      "a partner is a customer, a vendor or both: name at least one role");
		return;
	}
	for (size_t i = 0; i < in->role_count; i++) {
		const char *role = in->roles[i] ? in->roles[i] : "";
		bool *flag = strcmp(role, "customer") == 0 ? &out->customer
			     : strcmp(role, "vendor") == 0 ? &out->vendor : NULL;

		if (!flag) {
			erp_refuse_field_code(refusal, "/roles", "enum",
					      "the roles are customer and vendor");
			return;
		}
		if (*flag) {
			erp_refuse_field_code(refusal, "/roles", "duplicate", "each role is named once");
			return;
		}
		*flag = true;
	}
}

static void check_credit_limit(struct erp_refusal *refusal, const char *text,
			       const char *company_currency, struct partners_checked *out)
{
	const struct erp_currency *currency = erp_currency_find(company_currency);
	int64_t minor;
	int rc;

	if (!currency) { /* a company's currency is one we know; a caller without one gets this */
		erp_refuse_field(refusal, "/credit_limit", "the company has no currency to count it in");
		return;
	}
	rc = erp_money_parse(text, currency->exponent, 0, &minor);
	if (rc != ERP_MONEY_OK) {
		erp_refuse_field_code(refusal, "/credit_limit", "format", erp_money_parse_message(rc));
		return;
	}
	snprintf(out->credit_limit_minor, sizeof(out->credit_limit_minor), "%lld", (long long)minor);
	snprintf(out->credit_limit_exponent, sizeof(out->credit_limit_exponent), "%d",
		 currency->exponent);
}

int partners_check_input(struct erp_refusal *refusal, const struct partners_partner_input *in,
			 bool creating, const char *company_currency, struct partners_checked *out)
{
	*out = (struct partners_checked){ 0 };
	if (creating && !partners_code_valid(in->code))
		erp_refuse_field_code(refusal, "/code", "format",
				      "a code is 1 to 20 letters, digits, '.', '_' or '-', starting with a"
				      " letter or digit");
	if ((creating || in->name) &&
	    (!has_content(in->name) || text_length(in->name) > PARTNERS_NAME_MAX))
		erp_refuse_field(refusal, "/name", "a name is 1 to 200 characters, not only spaces");
	if (creating || in->roles)
		check_roles(refusal, in, out);
	if (in->tax_id.given && in->tax_id.value &&
	    !partners_tax_id_normalize(in->tax_id.value, out->tax_id))
		erp_refuse_field_code(refusal, "/tax_id", "format",
				      "a tax id is 2 to 32 letters and digits with at least one digit"
				      " (spaces, dots, dashes and slashes are left out)");
	if (in->email.given && in->email.value && !partners_email_valid(in->email.value))
		erp_refuse_field_code(refusal, "/email", "format", "not an email address we can send to");
	check_address(refusal, &in->billing_address, true);
	check_address(refusal, &in->shipping_address, false);
	if (in->terms_days_given &&
	    (in->payment_terms_days < 0 || in->payment_terms_days > PARTNERS_TERMS_DAYS_MAX))
		erp_refuse_field(refusal, "/payment_terms_days", "payment terms are 0 to 365 days");
	if (in->credit_limit.given && in->credit_limit.value)
		check_credit_limit(refusal, in->credit_limit.value, company_currency, out);
	if (in->currency && !erp_currency_find(in->currency))
		erp_refuse_field_code(refusal, "/currency", "unknown",
				      "not an ISO 4217 currency code we know (three upper-case letters)");
	return erp_refused(refusal) ? refusal->code : ERP_OK;
}

int partners_check_account(struct erp_refusal *refusal, const char *pointer,
			   enum partners_side side, const struct partners_account *account)
{
	bool receivable = side == PARTNERS_RECEIVABLE;

	if (!account->found)
		return erp_refuse_field_code(refusal, pointer, "unknown",
					     "the company has no ledger account with this code");
	if (strcmp(account->type, receivable ? "asset" : "liability") != 0)
		return erp_refuse_field_code(refusal, pointer, "type",
					     receivable ? "a receivable account is an asset account"
							: "a payable account is a liability account");
	if (!account->active)
		return erp_refuse_field_code(refusal, pointer, "inactive",
					     "the ledger account is inactive: it takes no postings");
	return ERP_OK;
}

int partners_list_filter_from(struct erp_refusal *refusal, json_t *query, const char *company_id,
			      struct partners_list_filter *out)
{
	json_t *active = json_object_get(query, "active");
	const char *tax_id = json_string_value(json_object_get(query, "tax_id"));

	*out = (struct partners_list_filter){ .company_id = company_id };
	out->role = json_string_value(json_object_get(query, "role"));
	out->active = json_is_boolean(active) ? (json_is_true(active) ? "true" : "false") : NULL;
	out->code_prefix = json_string_value(json_object_get(query, "code"));
	out->name_prefix = json_string_value(json_object_get(query, "name"));
	if (out->role && strcmp(out->role, "customer") != 0 && strcmp(out->role, "vendor") != 0)
		return erp_refuse_field_code(refusal, "/role", "enum", "the roles are customer and vendor");
	if (tax_id && !partners_tax_id_normalize(tax_id, out->tax_id))
		return erp_refuse_field_code(refusal, "/tax_id", "format", "not a tax id");
	return ERP_OK;
}
