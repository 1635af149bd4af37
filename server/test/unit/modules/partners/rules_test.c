/*
 * Partners' rules that need no database (server/src/modules/partners/rules.c):
 * codes, tax ids, emails, addresses, a partner's input as a whole (roles,
 * terms, credit limit as money of the company's currency, currency), the
 * accounts' sides and the list's filters.
 */
#include <check.h>
#include <string.h>

#include "modules/partners/internal.h"
#include "test/support/check_main.h"

/* --- codes, tax ids, emails ---------------------------------------------------------------- */

static const struct {
	const char *code;
	bool valid;
} codes[] = {
	{ "C001", true }, { "acme", true }, { "A.B_C-D", true }, { "12345678901234567890", true },
	{ "123456789012345678901", false }, { "", false }, { NULL, false }, { "-A", false },
	{ ".A", false }, { "A B", false }, { "A/B", false }, { "Ä1", false },
};

START_TEST(codes_are_identifiers)
{
	ck_assert_msg(partners_code_valid(codes[_i].code) == codes[_i].valid, "%s",
		      codes[_i].code ? codes[_i].code : "(null)");
}
END_TEST

static const struct {
	const char *text;
	const char *stored;     /* NULL: refused */
} tax_ids[] = {
	{ "DE123456789", "DE123456789" },
	{ "de 123.456-789", "DE123456789" },
	{ "12-3456789", "123456789" },
	{ "GB 123 4567 89", "GB123456789" },
	{ "CHE-123.456.789/MWST", "CHE123456789MWST" },
	{ "07", "07" },
	{ "ABCDEF", NULL },                     /* no digit: a name, not a number */
	{ "1", NULL },                          /* too short */
	{ "- . /", NULL },
	{ "", NULL },
	{ NULL, NULL },
	{ "DE_123", NULL },
	{ "DE12345678+", NULL },
	{ "DÉ123", NULL },
	{ "123456789012345678901234567890123", NULL },          /* 33 after normalising */
	{ "12345678901234567890123456789012", "12345678901234567890123456789012" },
	{ "1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1", NULL },  /* over 40 as given */
};

START_TEST(tax_ids_are_normalised)
{
	char out[PARTNERS_TAX_ID_MAX + 1];
	bool ok = partners_tax_id_normalize(tax_ids[_i].text, out);

	ck_assert_msg(ok == (tax_ids[_i].stored != NULL), "%s", tax_ids[_i].text ? tax_ids[_i].text : "(null)");
	if (ok)
		ck_assert_str_eq(out, tax_ids[_i].stored);
}
END_TEST

static const struct {
	const char *email;
	bool valid;
} emails[] = {
	{ "billing@acme.example", true },
	{ "first.last+tag@mail.acme-corp.example", true },
	{ "a@b.co", true },
	{ "no-at.example", false },
	{ "two@@acme.example", false },
	{ "a@b@acme.example", false },
	{ "@acme.example", false },
	{ "name@", false },
	{ "name@localhost", false },            /* no dot: not deliverable from outside */
	{ "name@.acme.example", false },
	{ "name@acme..example", false },
	{ "name@acme.example.", false },
	{ "name@-acme.example", false },
	{ "name@acme-.example", false },
	{ "na me@acme.example", false },
	{ "name@ac me.example", false },
	{ "name@acme_corp.example", false },
	{ "n\x01me@acme.example", false },
	{ "nämé@acme.example", false },
	{ "", false },
	{ NULL, false },
};

START_TEST(emails_are_addresses)
{
	ck_assert_msg(partners_email_valid(emails[_i].email) == emails[_i].valid, "%s",
		      emails[_i].email ? emails[_i].email : "(null)");
}
END_TEST

/* --- addresses ------------------------------------------------------------------------------ */

static const struct {
	const char *json;
	const char *member;     /* NULL: an address; "" the object itself */
} addresses[] = {
	{ "{\"line1\":\"Main St 1\",\"city\":\"Berlin\",\"country\":\"DE\"}", NULL },
	{ "{\"line1\":\"Main St 1\",\"line2\":\"Floor 2\",\"city\":\"Berlin\",\"postal_code\":\"10115\","
	  "\"region\":\"Berlin\",\"country\":\"DE\"}", NULL },
	{ "{\"line1\":\"Main St 1\",\"country\":\"DE\"}", "city" },
	{ "{\"city\":\"Berlin\",\"country\":\"DE\"}", "line1" },
	{ "{\"line1\":\"Main St 1\",\"city\":\"Berlin\"}", "country" },
	{ "{\"line1\":\"Main St 1\",\"city\":\"Berlin\",\"country\":\"de\"}", "country" },
	{ "{\"line1\":\"Main St 1\",\"city\":\"Berlin\",\"country\":\"DEU\"}", "country" },
	{ "{\"line1\":\"   \",\"city\":\"Berlin\",\"country\":\"DE\"}", "line1" },
	{ "{\"line1\":\"Main St 1\",\"city\":\"Berlin\",\"country\":\"DE\",\"postal_code\":"
	  "\"123456789012345678901\"}", "postal_code" },
	{ "{\"line1\":\"Main St 1\",\"city\":7,\"country\":\"DE\"}", "city" },
	{ "{\"line1\":\"Main St 1\",\"city\":\"Berlin\",\"country\":\"DE\",\"planet\":\"Earth\"}", "" },
	{ "[\"Main St 1\"]", "" },
};

START_TEST(addresses_have_their_members)
{
	json_t *address = json_loads(addresses[_i].json, 0, NULL);
	const char *member, *problem;

	ck_assert_ptr_nonnull(address);
	problem = partners_address_problem(address, &member);
	if (!addresses[_i].member)
		ck_assert_msg(!problem, "%s: %s", addresses[_i].json, problem);
	else {
		ck_assert_msg(problem != NULL, "%s accepted", addresses[_i].json);
		ck_assert_str_eq(member, addresses[_i].member);
	}
	json_decref(address);
}
END_TEST

/* --- a partner's input as a whole -------------------------------------------------------------- */

static const char *const customer[] = { "customer" };
static const char *const both[] = { "vendor", "customer" };
static const char *const twice[] = { "customer", "customer" };
static const char *const stranger[] = { "supplier" };

#define GIVEN(text) { true, text }
#define CLEARED { true, NULL }

static const struct {
	const char *name;
	struct partners_partner_input in;
	bool creating;
	const char *company_currency;
	const char *pointer;    /* the one field refused; NULL: accepted */
	const char *field_code;
} inputs[] = {
	{ "a customer", { .code = "C1", .name = "Acme", .roles = customer, .role_count = 1 }, true,
	  "EUR", NULL, NULL },
	{ "both roles", { .code = "C1", .name = "Acme", .roles = both, .role_count = 2 }, true, "EUR",
	  NULL, NULL },
	{ "no code", { .name = "Acme", .roles = customer, .role_count = 1 }, true, "EUR", "/code",
	  "format" },
	{ "a code with a space", { .code = "C 1", .name = "Acme", .roles = customer, .role_count = 1 },
	  true, "EUR", "/code", "format" },
	{ "no name", { .code = "C1", .roles = customer, .role_count = 1 }, true, "EUR", "/name", NULL },
	{ "a blank name", { .code = "C1", .name = "  ", .roles = customer, .role_count = 1 }, true,
	  "EUR", "/name", NULL },
	{ "no roles", { .code = "C1", .name = "Acme" }, true, "EUR", "/roles", "required" },
	{ "a role twice", { .code = "C1", .name = "Acme", .roles = twice, .role_count = 2 }, true,
	  "EUR", "/roles", "duplicate" },
	{ "an unknown role", { .code = "C1", .name = "Acme", .roles = stranger, .role_count = 1 }, true,
	  "EUR", "/roles", "enum" },
	{ "a tax id", { .code = "C1", .name = "Acme", .roles = customer, .role_count = 1,
			.tax_id = GIVEN("de 123 456 789") }, true, "EUR", NULL, NULL },
	{ "a tax id that is none", { .code = "C1", .name = "Acme", .roles = customer, .role_count = 1,
				     .tax_id = GIVEN("none") }, true, "EUR", "/tax_id", "format" },
	{ "a cleared tax id", { .code = "C1", .tax_id = CLEARED }, false, "EUR", NULL, NULL },
	{ "an email", { .code = "C1", .email = GIVEN("ap@acme.example") }, false, "EUR", NULL, NULL },
	{ "a bad email", { .code = "C1", .email = GIVEN("ap@acme") }, false, "EUR", "/email",
	  "format" },
	{ "terms of 365 days", { .code = "C1", .terms_days_given = true, .payment_terms_days = 365 },
	  false, "EUR", NULL, NULL },
	{ "terms of 366 days", { .code = "C1", .terms_days_given = true, .payment_terms_days = 366 },
	  false, "EUR", "/payment_terms_days", NULL },
	{ "negative terms", { .code = "C1", .terms_days_given = true, .payment_terms_days = -1 }, false,
	  "EUR", "/payment_terms_days", NULL },
	{ "a credit limit", { .code = "C1", .credit_limit = GIVEN("5000.5") }, false, "EUR", NULL,
	  NULL },
	{ "a credit limit of nothing", { .code = "C1", .credit_limit = GIVEN("0") }, false, "EUR", NULL,
	  NULL },
	{ "a negative credit limit", { .code = "C1", .credit_limit = GIVEN("-1.00") }, false, "EUR",
	  "/credit_limit", "format" },
	{ "a credit limit in cents of a cent", { .code = "C1", .credit_limit = GIVEN("1.005") }, false,
	  "EUR", "/credit_limit", "format" },
	{ "a credit limit in yen with cents", { .code = "C1", .credit_limit = GIVEN("1.50") }, false,
	  "JPY", "/credit_limit", "format" },
	{ "a credit limit as an exponent", { .code = "C1", .credit_limit = GIVEN("1e6") }, false, "EUR",
	  "/credit_limit", "format" },
	{ "a credit limit beyond int64", { .code = "C1", .credit_limit = GIVEN("99999999999999999999") },
	  false, "EUR", "/credit_limit", "format" },
	{ "a cleared credit limit", { .code = "C1", .credit_limit = CLEARED }, false, "EUR", NULL, NULL },
	{ "a currency", { .code = "C1", .currency = "USD" }, false, "EUR", NULL, NULL },
	{ "a lower-case currency", { .code = "C1", .currency = "usd" }, false, "EUR", "/currency",
	  "unknown" },
	{ "no currency at all", { .code = "C1", .currency = "ABC" }, false, "EUR", "/currency",
	  "unknown" },
	{ "a currency of four letters", { .code = "C1", .currency = "EURO" }, false, "EUR",
	  "/currency", "unknown" },
	/* A change names the partner by the path's code and may leave name and roles alone. */
	{ "an empty change", { .code = "any thing" }, false, "EUR", NULL, NULL },
	{ "a change to a blank name", { .code = "C1", .name = "" }, false, "EUR", "/name", NULL },
};

START_TEST(partner_input_rules)
{
	struct erp_refusal refusal = { 0 };
	struct partners_checked checked;
	int rc = partners_check_input(&refusal, &inputs[_i].in, inputs[_i].creating,
				      inputs[_i].company_currency, &checked);

	if (!inputs[_i].pointer) {
		ck_assert_msg(rc == ERP_OK, "%s: refused %s", inputs[_i].name,
			      refusal.field_count ? refusal.fields[0].pointer : "");
		ck_assert_uint_eq(refusal.field_count, 0);
		return;
	}
	ck_assert_msg(rc == ERP_ERR_INVALID, "%s: accepted", inputs[_i].name);
	ck_assert_int_eq(refusal.code, ERP_ERR_INVALID);
	ck_assert_msg(refusal.field_count == 1, "%s: %zu fields", inputs[_i].name, refusal.field_count);
	ck_assert_str_eq(refusal.fields[0].pointer, inputs[_i].pointer);
	if (inputs[_i].field_code)
		ck_assert_str_eq(refusal.fields[0].code, inputs[_i].field_code);
	ck_assert_ptr_nonnull(refusal.detail);
}
END_TEST

START_TEST(what_the_rules_hand_the_store)
{
	struct partners_partner_input in = {
		.code = "C1", .name = "Acme", .roles = both, .role_count = 2,
		.tax_id = GIVEN("de 123/456"), .credit_limit = GIVEN("5000.5"),
	};
	struct erp_refusal refusal = { 0 };
	struct partners_checked checked;

	ck_assert_int_eq(partners_check_input(&refusal, &in, true, "EUR", &checked), ERP_OK);
	ck_assert(checked.customer && checked.vendor);
	ck_assert_str_eq(checked.tax_id, "DE123456");
	ck_assert_str_eq(checked.credit_limit_minor, "500050");
	ck_assert_str_eq(checked.credit_limit_exponent, "2");
	in.credit_limit.value = "7.125";
	ck_assert_int_eq(partners_check_input(&refusal, &in, true, "KWD", &checked), ERP_OK);
	ck_assert_str_eq(checked.credit_limit_minor, "7125");
	ck_assert_str_eq(checked.credit_limit_exponent, "3");
	in.credit_limit.value = "1000";
	ck_assert_int_eq(partners_check_input(&refusal, &in, true, "JPY", &checked), ERP_OK);
	ck_assert_str_eq(checked.credit_limit_minor, "1000");
	ck_assert_str_eq(checked.credit_limit_exponent, "0");
}
END_TEST

START_TEST(every_field_is_refused_at_once)
{
	struct partners_partner_input in = {
		.code = "", .name = "", .roles = twice, .role_count = 2, .tax_id = GIVEN("x"),
		.email = GIVEN("x"), .credit_limit = GIVEN("x"), .currency = "x",
		.terms_days_given = true, .payment_terms_days = 1000,
	};
	static const char *const pointers[] = { "/code", "/name", "/roles", "/tax_id", "/email",
						"/payment_terms_days", "/credit_limit", "/currency" };
	struct erp_refusal refusal = { 0 };
	struct partners_checked checked;

	ck_assert_int_eq(partners_check_input(&refusal, &in, true, "EUR", &checked), ERP_ERR_INVALID);
	ck_assert_uint_eq(refusal.field_count, sizeof(pointers) / sizeof(pointers[0]));
	for (size_t i = 0; i < refusal.field_count; i++)
		ck_assert_str_eq(refusal.fields[i].pointer, pointers[i]);
}
END_TEST

START_TEST(an_address_refusal_names_its_member)
{
	json_t *bad = json_loads("{\"line1\":\"Main St 1\",\"city\":\"Berlin\",\"country\":\"de\"}", 0,
				 NULL);
	struct partners_partner_input in = { .code = "C1", .shipping_address = { true, bad } };
	struct erp_refusal refusal = { 0 };
	struct partners_checked checked;

	ck_assert_int_eq(partners_check_input(&refusal, &in, false, "EUR", &checked), ERP_ERR_INVALID);
	ck_assert_str_eq(refusal.fields[0].pointer, "/shipping_address/country");
	json_decref(bad);
}
END_TEST

/* --- the accounts' sides --------------------------------------------------------------------- */

static const struct {
	enum partners_side side;
	struct partners_account account;
	const char *field_code; /* NULL: accepted */
} accounts[] = {
	{ PARTNERS_RECEIVABLE, { true, "id", "1200", "asset", true }, NULL },
	{ PARTNERS_PAYABLE, { true, "id", "2000", "liability", true }, NULL },
	{ PARTNERS_RECEIVABLE, { false, "", "", "", false }, "unknown" },
	{ PARTNERS_RECEIVABLE, { true, "id", "2000", "liability", true }, "type" },
	{ PARTNERS_RECEIVABLE, { true, "id", "4000", "revenue", true }, "type" },
	{ PARTNERS_PAYABLE, { true, "id", "1200", "asset", true }, "type" },
	{ PARTNERS_PAYABLE, { true, "id", "3000", "equity", true }, "type" },
	{ PARTNERS_RECEIVABLE, { true, "id", "1200", "asset", false }, "inactive" },
	{ PARTNERS_PAYABLE, { true, "id", "2000", "liability", false }, "inactive" },
	/* The type is answered before the state: an inactive revenue account is the wrong kind. */
	{ PARTNERS_RECEIVABLE, { true, "id", "4000", "revenue", false }, "type" },
};

START_TEST(accounts_serve_their_side)
{
	struct erp_refusal refusal = { 0 };
	int rc = partners_check_account(&refusal, "/receivable_account", accounts[_i].side,
					&accounts[_i].account);

	if (!accounts[_i].field_code) {
		ck_assert_int_eq(rc, ERP_OK);
		return;
	}
	ck_assert_int_eq(rc, ERP_ERR_INVALID);
	ck_assert_str_eq(refusal.fields[0].pointer, "/receivable_account");
	ck_assert_str_eq(refusal.fields[0].code, accounts[_i].field_code);
}
END_TEST

/* --- the list's filters ---------------------------------------------------------------------- */

#define COMPANY_ID "0190f5b2-7a3c-7def-8123-456789abcdef"

START_TEST(a_query_becomes_the_store_filters)
{
	json_t *query = json_pack("{s:s, s:b, s:s, s:s, s:s}", "role", "vendor", "active", 0, "code",
				  "c0", "name", "Ac", "tax_id", "de-123");
	struct erp_refusal refusal = { 0 };
	struct partners_list_filter filter;

	ck_assert_int_eq(partners_list_filter_from(&refusal, query, COMPANY_ID, &filter), ERP_OK);
	ck_assert_str_eq(filter.company_id, COMPANY_ID);
	ck_assert_str_eq(filter.role, "vendor");
	ck_assert_str_eq(filter.active, "false");
	ck_assert_str_eq(filter.code_prefix, "c0");
	ck_assert_str_eq(filter.name_prefix, "Ac");
	ck_assert_str_eq(filter.tax_id, "DE123");
	json_decref(query);

	query = json_object();
	ck_assert_int_eq(partners_list_filter_from(&refusal, query, COMPANY_ID, &filter), ERP_OK);
	ck_assert_ptr_null(filter.role);
	ck_assert_ptr_null(filter.active);
	ck_assert_str_eq(filter.tax_id, "");
	json_decref(query);
}
END_TEST

START_TEST(an_unusable_filter_is_refused)
{
	json_t *role = json_pack("{s:s}", "role", "supplier");
	json_t *tax_id = json_pack("{s:s}", "tax_id", "none");
	struct erp_refusal refusal = { 0 };
	struct partners_list_filter filter;

	ck_assert_int_eq(partners_list_filter_from(&refusal, role, COMPANY_ID, &filter), ERP_ERR_INVALID);
	ck_assert_str_eq(refusal.fields[0].pointer, "/role");
	refusal = (struct erp_refusal){ 0 };
	ck_assert_int_eq(partners_list_filter_from(&refusal, tax_id, COMPANY_ID, &filter),
			 ERP_ERR_INVALID);
	ck_assert_str_eq(refusal.fields[0].pointer, "/tax_id");
	json_decref(role);
	json_decref(tax_id);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("unit/modules/partners/rules");
	TCase *tc = tcase_create("rules");

	tcase_add_loop_test(tc, codes_are_identifiers, 0, sizeof(codes) / sizeof(codes[0]));
	tcase_add_loop_test(tc, tax_ids_are_normalised, 0, sizeof(tax_ids) / sizeof(tax_ids[0]));
	tcase_add_loop_test(tc, emails_are_addresses, 0, sizeof(emails) / sizeof(emails[0]));
	tcase_add_loop_test(tc, addresses_have_their_members, 0,
			    sizeof(addresses) / sizeof(addresses[0]));
	tcase_add_loop_test(tc, partner_input_rules, 0, sizeof(inputs) / sizeof(inputs[0]));
	tcase_add_test(tc, what_the_rules_hand_the_store);
	tcase_add_test(tc, every_field_is_refused_at_once);
	tcase_add_test(tc, an_address_refusal_names_its_member);
	tcase_add_loop_test(tc, accounts_serve_their_side, 0, sizeof(accounts) / sizeof(accounts[0]));
	tcase_add_test(tc, a_query_becomes_the_store_filters);
	tcase_add_test(tc, an_unusable_filter_is_refused);
	suite_add_tcase(s, tc);
	return s;
}
