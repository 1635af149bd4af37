/* The canonical form of a posted entry and its hash (server/src/modules/ledger/chain_form.c). */
#include <check.h>
#include <sodium.h>
#include <string.h>

#include "modules/ledger/chain_form.h"
#include "test/support/check_main.h"

/* The sample's hash, computed apart from this code (Python's hashlib over the same bytes). */
#define SAMPLE_HASH "92d29762930ef83f8433bbc0422102469e47cea0f2d7e8e3ff698c78966cc347"

static const struct ledger_chain_line two_lines[] = {
	{ "1", "1000", "EUR", "12550", "0", NULL },
	{ "2", "4000", "EUR", "0", "12550", "Consulting" },
};

/* A posted entry every test starts from and changes one thing of. */
static struct ledger_chain_entry sample(void)
{
	return (struct ledger_chain_entry){
		.company_id = "0192f0c4-5b6e-7d2a-9c1e-3f4a5b6c7d8e", .position = "1",
		.number = "JE-2026-000001", .date = "2026-03-31", .source = "manual",
		.memo = "Invoice 17", .reference = NULL,
		.author_id = "0192f0c4-5b6e-7d2a-9c1e-000000000001",
		.posted_by = "0192f0c4-5b6e-7d2a-9c1e-000000000002",
		.lines = two_lines, .line_count = 2, .prev_hash = NULL,
	};
}

static void hash_of(const struct ledger_chain_entry *e, char hex[LEDGER_CHAIN_HASH_HEX + 1])
{
	ledger_chain_hash(e, hex);
	ck_assert_uint_eq(strlen(hex), LEDGER_CHAIN_HASH_HEX);
}

static void setup(void)
{
	ck_assert_int_ge(sodium_init(), 0);
}

/* A value: 1, its length as 8 bytes big-endian, its bytes. */
static size_t expect_field(const uint8_t *at, const char *value)
{
	size_t length = strlen(value);

	ck_assert_uint_eq(at[0], 1);
	for (int i = 0; i < 7; i++)
		ck_assert_uint_eq(at[1 + i], 0);
	ck_assert_uint_eq(at[8], length);
	ck_assert_int_eq(memcmp(at + 9, value, length), 0);
	return 9 + length;
}

START_TEST(the_form_is_the_tag_the_count_and_each_field_with_its_length)
{
	struct ledger_chain_entry e = sample();
	uint8_t form[1024];
	size_t length = ledger_chain_form(&e, form, sizeof(form)), at;

	ck_assert_uint_eq(ledger_chain_form(&e, NULL, 0), length);
	ck_assert_int_eq(memcmp(form, "erp-ledger-chain-v1", 19), 0);
	/* 10 head fields, 6 per line, the previous hash: 23, big-endian. */
	ck_assert_uint_eq(form[19], 0);
	ck_assert_uint_eq(form[20], 0);
	ck_assert_uint_eq(form[21], 0);
	ck_assert_uint_eq(form[22], 23);
	at = 23;
	at += expect_field(form + at, e.company_id);
	at += expect_field(form + at, "1");
	at += expect_field(form + at, "JE-2026-000001");
	at += expect_field(form + at, "2026-03-31");
	at += expect_field(form + at, "manual");
	at += expect_field(form + at, "Invoice 17");
	ck_assert_uint_eq(form[at++], 0); /* reference: NULL is one byte 0 */
	at += expect_field(form + at, e.author_id);
	at += expect_field(form + at, e.posted_by);
	at += expect_field(form + at, "2");
	at += expect_field(form + at, "1");
	at += expect_field(form + at, "1000");
	at += expect_field(form + at, "EUR");
	at += expect_field(form + at, "12550");
	at += expect_field(form + at, "0");
	ck_assert_uint_eq(form[at++], 0);
	at += expect_field(form + at, "2");
	at += expect_field(form + at, "4000");
	at += expect_field(form + at, "EUR");
	at += expect_field(form + at, "0");
	at += expect_field(form + at, "12550");
	at += expect_field(form + at, "Consulting");
	ck_assert_uint_eq(form[at++], 0); /* the first entry: no previous hash */
	ck_assert_uint_eq(at, length);
}
END_TEST

START_TEST(the_hash_is_sha256_of_the_form_in_lower_case_hex)
{
	struct ledger_chain_entry e = sample();
	uint8_t form[1024], digest[crypto_hash_sha256_BYTES];
	char hex[LEDGER_CHAIN_HASH_HEX + 1], expected[LEDGER_CHAIN_HASH_HEX + 1];
	size_t length = ledger_chain_form(&e, form, sizeof(form));

	crypto_hash_sha256(digest, form, length);
	sodium_bin2hex(expected, sizeof(expected), digest, sizeof(digest));
	hash_of(&e, hex);
	ck_assert_str_eq(hex, expected);
	/* A fixed vector: the form above never changes without breaking every chain. */
	ck_assert_str_eq(hex, SAMPLE_HASH);
}
END_TEST

/* Each change of what the form covers changes the hash. */
START_TEST(every_field_counts)
{
	struct ledger_chain_line lines[2];
	struct ledger_chain_entry e;
	char base[LEDGER_CHAIN_HASH_HEX + 1], changed[LEDGER_CHAIN_HASH_HEX + 1];

	e = sample();
	hash_of(&e, base);
#define CHANGED(statement)                                                                  \
	do {                                                                                \
		e = sample();                                                               \
		memcpy(lines, two_lines, sizeof(lines));                                    \
		e.lines = lines;                                                            \
		statement;                                                                  \
		hash_of(&e, changed);                                                       \
		ck_assert_msg(strcmp(base, changed) != 0, "unchanged by %s", #statement);    \
	} while (0)
	CHANGED(e.company_id = "0192f0c4-5b6e-7d2a-9c1e-3f4a5b6c7d8f");
	CHANGED(e.position = "2");
	CHANGED(e.number = "JE-2026-000002");
	CHANGED(e.date = "2026-03-30");
	CHANGED(e.source = "sales.invoice");
	CHANGED(e.memo = "Invoice 18");
	CHANGED(e.reference = "");          /* "" is not NULL */
	CHANGED(e.author_id = NULL);
	CHANGED(e.posted_by = e.author_id);
	CHANGED(lines[0].account = "1001");
	CHANGED(lines[0].currency = "USD");
	CHANGED((lines[0].debit_minor = "12551", lines[1].credit_minor = "12551"));
	CHANGED(lines[1].description = NULL);
	CHANGED((lines[0] = two_lines[1], lines[1] = two_lines[0])); /* the order of the lines */
	CHANGED(e.line_count = 1);
	CHANGED(e.prev_hash = base);
#undef CHANGED
}
END_TEST

/* Lengths keep fields apart: ("ab", "c") is not ("a", "bc"), nor a memo moved into the reference. */
START_TEST(fields_do_not_run_into_each_other)
{
	struct ledger_chain_entry a = sample(), b = sample();
	char ha[LEDGER_CHAIN_HASH_HEX + 1], hb[LEDGER_CHAIN_HASH_HEX + 1];

	a.memo = "Invoice 17";
	a.reference = "x";
	b.memo = "Invoice 17x";
	b.reference = "";
	hash_of(&a, ha);
	hash_of(&b, hb);
	ck_assert_str_ne(ha, hb);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("modules/ledger/chain_form");
	TCase *tc = tcase_create("chain_form");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, the_form_is_the_tag_the_count_and_each_field_with_its_length);
	tcase_add_test(tc, the_hash_is_sha256_of_the_form_in_lower_case_hex);
	tcase_add_test(tc, every_field_counts);
	tcase_add_test(tc, fields_do_not_run_into_each_other);
	suite_add_tcase(s, tc);
	return s;
}
