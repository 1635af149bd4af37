/* Unit tests of server/src/modules/iam/service.c: passwords and tokens, no database. */
#include <check.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modules/iam/internal.h"
#include "shared-kernel/errors.h"
#include "test/support/check_main.h"

START_TEST(a_new_token_hashes_to_what_was_stored)
{
	char token[64], stored[65], presented[65];

	iam_token_new(token, stored);
	ck_assert_uint_eq(strlen(token), 43);
	ck_assert_uint_eq(strlen(stored), 64);
	ck_assert_int_eq(iam_token_hash(token, presented), 0);
	ck_assert_str_eq(stored, presented);
}
END_TEST

START_TEST(tokens_are_random)
{
	char a[64], b[64], ha[65], hb[65];

	iam_token_new(a, ha);
	iam_token_new(b, hb);
	ck_assert_str_ne(a, b);
	ck_assert_str_ne(ha, hb);
}
END_TEST

START_TEST(malformed_tokens_are_refused_without_a_hash)
{
	char token[64], hash[65], bad[128];
	const char *const garbage[] = {
		"", "x", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",    /* 42 */
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",          /* 44 */
		"!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!",           /* 43, not base64url */
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",           /* padding */
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+",           /* standard alphabet */
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA A",
	};

	for (size_t i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++)
		ck_assert_msg(iam_token_hash(garbage[i], hash) == -1, "accepted '%s'", garbage[i]);
	/* A real token with a trailing character is not that token. */
	iam_token_new(token, hash);
	snprintf(bad, sizeof(bad), "%s=", token);
	ck_assert_int_eq(iam_token_hash(bad, hash), -1);
	snprintf(bad, sizeof(bad), "%s ", token);
	ck_assert_int_eq(iam_token_hash(bad, hash), -1);
	/* Well-formed but never issued: hashes (the database will not know it). */
	ck_assert_int_eq(iam_token_hash("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", hash), 0);
}
END_TEST

/*
 * libsodium 1.0.18 decodes every byte from 0x80 up as '_', so without a check
 * of its own a token had many spellings that all hashed to the same session.
 */
START_TEST(a_token_has_one_spelling)
{
	char token[] = "_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
	char hash[65];

	ck_assert_uint_eq(strlen(token), 43);
	ck_assert_int_eq(iam_token_hash(token, hash), 0);
	for (int byte = 0x80; byte <= 0xff; byte++) {
		token[0] = (char)byte;
		ck_assert_msg(iam_token_hash(token, hash) == -1, "byte 0x%02x accepted as '_'", byte);
	}
}
END_TEST

START_TEST(passwords_hash_with_argon2id_at_interactive_limits)
{
	char hash[crypto_pwhash_STRBYTES];
	bool rehash = true;

	ck_assert_int_eq(iam_password_hash("correct horse battery", hash), 0);
	ck_assert_int_eq(strncmp(hash, "$argon2id$", 10), 0);
	ck_assert(iam_password_verify(hash, "correct horse battery", &rehash));
	ck_assert(!rehash);
	ck_assert(!iam_password_verify(hash, "correct horse batterY", &rehash));
	ck_assert(!iam_password_verify("not a hash", "correct horse battery", &rehash));
}
END_TEST

START_TEST(weaker_hashes_need_a_rehash)
{
	char weak[crypto_pwhash_STRBYTES];
	bool rehash = false;

	ck_assert_int_eq(crypto_pwhash_str(weak, "correct horse battery", 21, crypto_pwhash_OPSLIMIT_MIN,
					   crypto_pwhash_MEMLIMIT_MIN), 0);
	ck_assert(iam_password_verify(weak, "correct horse battery", &rehash));
	ck_assert(rehash);
}
END_TEST

START_TEST(the_dummy_verification_never_fails_loudly)
{
	iam_password_verify_dummy("anything at all");
	iam_password_verify_dummy("not a password of anyone");
}
END_TEST

/* Hashing is only done under a slot of hash_limit.c: without one, nothing is computed. */
START_TEST(passwords_are_not_hashed_without_a_slot)
{
	char hash[crypto_pwhash_STRBYTES], good[crypto_pwhash_STRBYTES];
	bool rehash = false;

	ck_assert_int_eq(crypto_pwhash_str(good, "correct horse battery", 21,
					   crypto_pwhash_OPSLIMIT_INTERACTIVE,
					   crypto_pwhash_MEMLIMIT_INTERACTIVE), 0);
	ck_assert(!iam_hash_limit_held());
	ck_assert_int_eq(iam_password_hash("correct horse battery", hash), ERP_ERR_INTERNAL);
	ck_assert(!iam_password_verify(good, "correct horse battery", &rehash));
	ck_assert(iam_hash_limit_take());
	ck_assert(iam_password_verify(good, "correct horse battery", &rehash));
	iam_hash_limit_release();
}
END_TEST

START_TEST(emails_are_lower_cased_in_ascii_only)
{
	char email[] = "Ann.O'Neil@Example.COM";

	iam_lowercase(email);
	ck_assert_str_eq(email, "ann.o'neil@example.com");
}
END_TEST

static void sodium_ready(void)
{
	if (sodium_init() < 0)
		abort();
}

START_TEST(role_names_and_company_codes)
{
	static const char *const good_roles[] = { "a", "clerk", "ap-clerk_2", NULL };
	static const char *const bad_roles[] = { "", "Clerk", "2fa", "-x", "a b", "a.b",
						 "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcde", NULL };
	static const char *const good_codes[] = { "A", "ACME", "1ST", "DE-01", "X_Y", NULL };
	static const char *const bad_codes[] = { "", "acme", "-AB", "_AB", "A B", "ABCDEFGHIJKLMNOPQRSTU", NULL };

	for (const char *const *p = good_roles; *p; p++)
		ck_assert_msg(iam_is_role_name(*p), "%s", *p);
	for (const char *const *p = bad_roles; *p; p++)
		ck_assert_msg(!iam_is_role_name(*p), "%s", *p);
	for (const char *const *p = good_codes; *p; p++)
		ck_assert_msg(iam_is_company_code(*p), "%s", *p);
	for (const char *const *p = bad_codes; *p; p++)
		ck_assert_msg(!iam_is_company_code(*p), "%s", *p);
}
END_TEST

static void one_slot(void)
{
	iam_hash_limit_init(1);
}

/* The password tests hash as a request does: holding a slot. */
static void hold_a_slot(void)
{
	iam_hash_limit_init(1);
	ck_assert(iam_hash_limit_take());
}

static void give_the_slot_back(void)
{
	iam_hash_limit_release();
}

Suite *test_suite(void)
{
	Suite *s = suite_create("unit/modules/iam/service");
	TCase *tc = tcase_create("service");
	TCase *unlimited = tcase_create("without a slot");

	tcase_add_unchecked_fixture(unlimited, sodium_ready, NULL);
	tcase_add_checked_fixture(unlimited, one_slot, NULL);
	tcase_set_timeout(unlimited, 60);
	tcase_add_test(unlimited, passwords_are_not_hashed_without_a_slot);
	suite_add_tcase(s, unlimited);

	tcase_add_unchecked_fixture(tc, sodium_ready, NULL);
	tcase_add_checked_fixture(tc, hold_a_slot, give_the_slot_back);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, a_new_token_hashes_to_what_was_stored);
	tcase_add_test(tc, tokens_are_random);
	tcase_add_test(tc, malformed_tokens_are_refused_without_a_hash);
	tcase_add_test(tc, a_token_has_one_spelling);
	tcase_add_test(tc, passwords_hash_with_argon2id_at_interactive_limits);
	tcase_add_test(tc, weaker_hashes_need_a_rehash);
	tcase_add_test(tc, the_dummy_verification_never_fails_loudly);
	tcase_add_test(tc, emails_are_lower_cased_in_ascii_only);
	tcase_add_test(tc, role_names_and_company_codes);
	suite_add_tcase(s, tc);
	return s;
}
