#include <sodium.h>
#include <string.h>

#include "shared-kernel/audit_chain.h"
#include "test/support/check_main.h"

static void setup_sodium(void)
{
	ck_assert_int_ge(sodium_init(), 0);
}

static size_t encode(const struct audit_chain_field *fields, size_t count, uint8_t *out,
		     size_t size)
{
	size_t length = audit_chain_encode(fields, count, out, size);

	ck_assert_uint_le(length, size);
	return length;
}

START_TEST(test_encoding_is_tag_count_and_length_prefixed_fields)
{
	const struct audit_chain_field fields[] = { audit_chain_text("ab"), audit_chain_text(NULL),
						    audit_chain_text("") };
	static const uint8_t expected[] = {
		'e', 'r', 'p', '-', 'c', 'h', 'a', 'i', 'n', '-', 'v', '1',
		0, 0, 0, 3,                   /* three fields */
		1, 0, 0, 0, 0, 0, 0, 0, 2, 'a', 'b', /* "ab" */
		0,                            /* NULL */
		1, 0, 0, 0, 0, 0, 0, 0, 0,    /* "" */
	};
	uint8_t out[64];
	size_t length = encode(fields, 3, out, sizeof(out));

	ck_assert_uint_eq(length, sizeof(expected));
	ck_assert_mem_eq(out, expected, sizeof(expected));
}
END_TEST

START_TEST(test_encode_reports_the_length_needed_when_the_buffer_is_short)
{
	const struct audit_chain_field fields[] = { audit_chain_text("hello") };
	uint8_t small[4];

	ck_assert_uint_eq(audit_chain_encode(fields, 1, NULL, 0), 12 + 4 + 1 + 8 + 5);
	ck_assert_uint_eq(audit_chain_encode(fields, 1, small, sizeof(small)), 30);
}
END_TEST

START_TEST(test_boundaries_between_fields_matter)
{
	const struct audit_chain_field a[] = { audit_chain_text("ab"), audit_chain_text("c") };
	const struct audit_chain_field b[] = { audit_chain_text("a"), audit_chain_text("bc") };
	const struct audit_chain_field null_field[] = { audit_chain_text(NULL) };
	const struct audit_chain_field empty_field[] = { audit_chain_text("") };
	uint8_t ha[32], hb[32], hn[32], he[32];

	audit_chain_hash(NULL, a, 2, ha);
	audit_chain_hash(NULL, b, 2, hb);
	ck_assert_mem_ne(ha, hb, 32);
	audit_chain_hash(NULL, null_field, 1, hn);
	audit_chain_hash(NULL, empty_field, 1, he);
	ck_assert_mem_ne(hn, he, 32);
}
END_TEST

START_TEST(test_hash_is_blake2b_of_prev_and_encoding)
{
	const struct audit_chain_field fields[] = { audit_chain_text("42"),
						    audit_chain_text("seed-roles") };
	uint8_t prev[32], buffer[256], expected[32], actual[32];
	size_t length;

	for (int i = 0; i < 32; i++)
		prev[i] = (uint8_t)(i * 7);
	memcpy(buffer, prev, 32);
	length = encode(fields, 2, buffer + 32, sizeof(buffer) - 32);
	crypto_generichash(expected, 32, buffer, 32 + length, NULL, 0);
	audit_chain_hash(prev, fields, 2, actual);
	ck_assert_mem_eq(actual, expected, 32);
}
END_TEST

START_TEST(test_first_row_chains_from_zero_bytes)
{
	const struct audit_chain_field fields[] = { audit_chain_text("1") };
	const uint8_t zeros[32] = { 0 };
	uint8_t from_null[32], from_zeros[32];

	audit_chain_hash(NULL, fields, 1, from_null);
	audit_chain_hash(zeros, fields, 1, from_zeros);
	ck_assert_mem_eq(from_null, from_zeros, 32);
}
END_TEST

START_TEST(test_changing_prev_or_any_byte_changes_the_hash)
{
	struct audit_chain_field fields[] = { audit_chain_text("run"), audit_chain_text("succeeded") };
	uint8_t prev[32] = { 0 }, base[32], other[32];

	audit_chain_hash(prev, fields, 2, base);
	prev[31] = 1;
	audit_chain_hash(prev, fields, 2, other);
	ck_assert_mem_ne(base, other, 32);
	prev[31] = 0;
	fields[1] = audit_chain_text("succeedeD");
	audit_chain_hash(prev, fields, 2, other);
	ck_assert_mem_ne(base, other, 32);
}
END_TEST

/*
 * A frozen vector: existing chains in production databases were hashed with
 * this encoding, so any change to it must fail here first.
 */
START_TEST(test_known_vector)
{
	const struct audit_chain_field fields[] = {
		audit_chain_text("1"), audit_chain_text("0190f0c4-5d2a-7b3c-8d4e-5f6a7b8c9d0e"),
		audit_chain_text("start"), audit_chain_text(NULL),
		audit_chain_text("2026-11-23T10:15:42.123456Z"),
	};
	uint8_t hash[32];
	char hex[65];

	audit_chain_hash(NULL, fields, 5, hash);
	sodium_bin2hex(hex, sizeof(hex), hash, sizeof(hash));
	ck_assert_str_eq(hex, "e55155091cf3818bd99fc51b49fce20a9015521d2f0508505fa2d12974af5bb4");
}
END_TEST

/* The MAC: keyed BLAKE2b-256 of "erp-event-mac-v1" and the same field encoding. */
START_TEST(test_mac_is_keyed_blake2b_of_its_own_tag_and_the_encoding)
{
	const struct audit_chain_field fields[] = { audit_chain_text("id"), audit_chain_text(NULL),
						    audit_chain_text("iam.user.created") };
	static const char tag[] = "erp-event-mac-v1";
	uint8_t key[AUDIT_MAC_KEY_BYTES], encoded[128], buffer[160], expected[32], actual[32];
	size_t length = encode(fields, 3, encoded, sizeof(encoded));

	for (int i = 0; i < AUDIT_MAC_KEY_BYTES; i++)
		key[i] = (uint8_t)(200 - i);
	/* The chain's encoding minus its 12-byte tag is the field part both share. */
	memcpy(buffer, tag, sizeof(tag) - 1);
	memcpy(buffer + sizeof(tag) - 1, encoded + 12, length - 12);
	crypto_generichash(expected, 32, buffer, sizeof(tag) - 1 + length - 12, key, sizeof(key));
	audit_chain_mac(key, fields, 3, actual);
	ck_assert_mem_eq(actual, expected, 32);
}
END_TEST

START_TEST(test_mac_depends_on_the_key_and_differs_from_the_chain_hash)
{
	const struct audit_chain_field fields[] = { audit_chain_text("actor") };
	uint8_t key[AUDIT_MAC_KEY_BYTES] = { 1 }, mac[32], other[32], hash[32];

	audit_chain_mac(key, fields, 1, mac);
	key[31] = 9;
	audit_chain_mac(key, fields, 1, other);
	ck_assert_mem_ne(mac, other, 32);
	audit_chain_hash(NULL, fields, 1, hash);
	ck_assert_mem_ne(mac, hash, 32);
}
END_TEST

/* Frozen like the chain's: existing rows carry MACs made this way. */
START_TEST(test_mac_known_vector)
{
	const struct audit_chain_field fields[AUDIT_EVENT_FIELD_COUNT] = {
		[AUDIT_EVENT_ID] = audit_chain_text("0190f0c4-5d2a-7b3c-8d4e-5f6a7b8c9d0e"),
		[AUDIT_EVENT_ACTOR_ID] = audit_chain_text(NULL),
		[AUDIT_EVENT_ACTION] = audit_chain_text("iam.user.created"),
		[AUDIT_EVENT_COMPANY_ID] = audit_chain_text(NULL),
		[AUDIT_EVENT_ENTITY] = audit_chain_text("user"),
		[AUDIT_EVENT_ENTITY_ID] = audit_chain_text("42"),
		[AUDIT_EVENT_REQUEST_ID] = audit_chain_text("req"),
		[AUDIT_EVENT_CHANGES] = audit_chain_text("{}"),
		[AUDIT_EVENT_REASON] = audit_chain_text(NULL),
	};
	uint8_t key[AUDIT_MAC_KEY_BYTES], mac[32];
	char hex[65];

	for (int i = 0; i < AUDIT_MAC_KEY_BYTES; i++)
		key[i] = (uint8_t)i;
	audit_chain_mac(key, fields, AUDIT_EVENT_FIELD_COUNT, mac);
	sodium_bin2hex(hex, sizeof(hex), mac, sizeof(mac));
	ck_assert_str_eq(hex, "47aca2c280764275586684ef9538b3a3264c469b7d0d74a8651c34d488247e8c");
}
END_TEST

Suite *test_suite(void)
{
	Suite *suite = suite_create("audit_chain");
	TCase *tc = tcase_create("chain");

	tcase_add_unchecked_fixture(tc, setup_sodium, NULL);
	tcase_add_test(tc, test_encoding_is_tag_count_and_length_prefixed_fields);
	tcase_add_test(tc, test_encode_reports_the_length_needed_when_the_buffer_is_short);
	tcase_add_test(tc, test_boundaries_between_fields_matter);
	tcase_add_test(tc, test_hash_is_blake2b_of_prev_and_encoding);
	tcase_add_test(tc, test_first_row_chains_from_zero_bytes);
	tcase_add_test(tc, test_changing_prev_or_any_byte_changes_the_hash);
	tcase_add_test(tc, test_known_vector);
	tcase_add_test(tc, test_mac_is_keyed_blake2b_of_its_own_tag_and_the_encoding);
	tcase_add_test(tc, test_mac_depends_on_the_key_and_differs_from_the_chain_hash);
	tcase_add_test(tc, test_mac_known_vector);
	suite_add_tcase(suite, tc);
	return suite;
}
