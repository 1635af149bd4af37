/* Unit tests of server/src/common/ip_prefix.c: parsing prefixes and matching addresses. */
#include <check.h>
#include <string.h>

#include "common/ip_prefix.h"
#include "test/support/check_main.h"

static struct ip_prefix parsed(const char *text)
{
	struct ip_prefix p;

	ck_assert_msg(ip_prefix_parse(text, strlen(text), &p) == 0, "refused %s", text);
	return p;
}

static bool contains(const char *prefix, const char *address)
{
	struct ip_prefix p = parsed(prefix), a = parsed(address);

	return ip_prefix_contains(&p, &a);
}

START_TEST(addresses_and_prefixes_are_read)
{
	struct ip_prefix p = parsed("127.0.0.0/8");

	ck_assert_int_eq(p.family, 4);
	ck_assert_int_eq(p.bits, 8);
	ck_assert_int_eq(p.bytes[0], 127);
	p = parsed("10.1.2.3");
	ck_assert_int_eq(p.bits, 32);
	p = parsed("::1");
	ck_assert_int_eq(p.family, 6);
	ck_assert_int_eq(p.bits, 128);
	p = parsed("fd00::/8");
	ck_assert_int_eq(p.bits, 8);
	p = parsed("0.0.0.0/0");
	ck_assert_int_eq(p.bits, 0);
	/* An IPv4-mapped IPv6 address is the IPv4 address it carries. */
	p = parsed("::ffff:10.1.2.3");
	ck_assert_int_eq(p.family, 4);
	ck_assert_int_eq(p.bits, 32);
	ck_assert_int_eq(p.bytes[0], 10);
	ck_assert_int_eq(p.bytes[3], 3);
	p = parsed("::ffff:10.1.0.0/112");
	ck_assert_int_eq(p.family, 4);
	ck_assert_int_eq(p.bits, 16);
}
END_TEST

START_TEST(malformed_text_is_refused)
{
	static const char *const bad[] = {
		"", "/8", "127.0.0.1/", "127.0.0.1/33", "::1/129", "127.0.0.1/-1", "127.0.0.1/+8",
		"127.0.0.1/08", "127.0.0.1/8/8", "127.0.0.1 ", " 127.0.0.1", "localhost", "127.1",
		"10.1.0.0/8", /* host bits set */
		"fd00::1/8", "1.2.3.4.5", "::1::", "127.0.0.1/3a",
		"1111:2222:3333:4444:5555:6666:7777:8888:9999:0000:1111:2222:3333:4444", /* too long */
	};
	struct ip_prefix p;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(ip_prefix_parse(bad[i], strlen(bad[i]), &p) == -1, "accepted '%s'", bad[i]);
	/* Only the given length is read: the rest of a list is not part of the entry. */
	ck_assert_int_eq(ip_prefix_parse("127.0.0.1,::1", 9, &p), 0);
	ck_assert_int_eq(p.bits, 32);
}
END_TEST

START_TEST(addresses_are_matched_by_their_leading_bits)
{
	ck_assert(contains("127.0.0.0/8", "127.0.0.1"));
	ck_assert(contains("127.0.0.0/8", "127.255.3.4"));
	ck_assert(!contains("127.0.0.0/8", "128.0.0.1"));
	ck_assert(contains("10.0.0.0/31", "10.0.0.1"));
	ck_assert(!contains("10.0.0.0/31", "10.0.0.2"));
	ck_assert(contains("192.168.16.0/20", "192.168.31.255"));
	ck_assert(!contains("192.168.16.0/20", "192.168.32.0"));
	ck_assert(contains("127.0.0.1", "127.0.0.1"));
	ck_assert(!contains("127.0.0.1", "127.0.0.2"));
	ck_assert(contains("0.0.0.0/0", "203.0.113.9"));
	ck_assert(contains("::1", "::1"));
	ck_assert(!contains("::1", "::2"));
	ck_assert(contains("fd00::/8", "fdab::1"));
	ck_assert(!contains("fd00::/8", "fe80::1"));
	/* Families never match each other, except through the IPv4-mapped form. */
	ck_assert(!contains("::/0", "127.0.0.1"));
	ck_assert(!contains("0.0.0.0/0", "::1"));
	ck_assert(contains("127.0.0.0/8", "::ffff:127.0.0.2"));
	ck_assert(contains("::ffff:127.0.0.0/104", "127.0.0.2"));
	/* A prefix does not lie within a longer one. */
	ck_assert(!contains("127.0.0.0/16", "127.0.0.0/8"));
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("unit/common/ip_prefix");
	TCase *tc = tcase_create("ip_prefix");

	tcase_add_test(tc, addresses_and_prefixes_are_read);
	tcase_add_test(tc, malformed_text_is_refused);
	tcase_add_test(tc, addresses_are_matched_by_their_leading_bits);
	suite_add_tcase(s, tc);
	return s;
}
