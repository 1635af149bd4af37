/* Unit tests of server/src/platform/http/client_address.c: who the client is behind trusted proxies. */
#include <check.h>
#include <string.h>

#include "platform/http/client_address.h"
#include "test/support/check_main.h"

static const char *const trusted_text[] = { "10.0.0.0/8", "127.0.0.2", "fd00::/8" };

struct case_row {
	const char *peer;
	const char *forwarded_for; /* every X-Forwarded-For header joined, or NULL */
	const char *client;        /* what must come out */
	const char *why;
};

static const struct case_row cases[] = {
	{ "127.0.0.1", "203.0.113.7", "127.0.0.1", "an untrusted peer's header is ignored" },
	{ "192.0.2.9", "10.1.1.1, 203.0.113.7", "192.0.2.9", "...whatever it names" },
	{ "127.0.0.2", NULL, "127.0.0.2", "a trusted peer without the header is the client" },
	{ "127.0.0.2", "203.0.113.7", "203.0.113.7", "a trusted peer's header names the client" },
	{ "127.0.0.2", " 198.51.100.1 ,203.0.113.7", "203.0.113.7",
	  "what the client wrote (left) is not believed over what the proxy added (right)" },
	{ "127.0.0.2", "198.51.100.1, 203.0.113.7, 10.2.3.4", "203.0.113.7",
	  "trusted hops on the right are skipped" },
	{ "10.9.9.9", "10.0.0.5, 10.0.0.6", "10.0.0.5", "every hop trusted: the leftmost" },
	{ "127.0.0.2", "198.51.100.1, bogus, 203.0.113.7", "203.0.113.7",
	  "garbage left of the client does not matter" },
	{ "127.0.0.2", "203.0.113.7, bogus", "127.0.0.2", "garbage from the proxy: the proxy is the client" },
	{ "127.0.0.2", "10.0.0.5, 203.0.113.0/24", "127.0.0.2", "a prefix is no client" },
	{ "127.0.0.2", "", "127.0.0.2", "an empty header" },
	{ "127.0.0.2", ",", "127.0.0.2", "only a comma" },
	{ "127.0.0.2", "2001:db8::1", "2001:db8::1", "IPv6 clients" },
	{ "fd00::1", "2001:db8::1, fd12::3", "2001:db8::1", "IPv6 proxies" },
	{ "::ffff:127.0.0.2", "203.0.113.7", "203.0.113.7", "a mapped IPv4 peer is the IPv4 address" },
	{ "127.0.0.2", "203.0.113.7:4711", "127.0.0.2", "ports are not addresses" },
	{ "127.0.0.2", "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.2551", "127.0.0.2", "too long" },
};

START_TEST(resolves_each_case)
{
	struct ip_prefix trusted[3];
	char out[HTTP_CLIENT_ADDRESS_MAX];

	for (size_t i = 0; i < 3; i++)
		ck_assert_int_eq(ip_prefix_parse(trusted_text[i], strlen(trusted_text[i]), &trusted[i]), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		http_client_address_resolve(trusted, 3, cases[i].peer, cases[i].forwarded_for, out);
		ck_assert_msg(strcmp(out, cases[i].client) == 0, "case %zu (%s): got %s, want %s", i,
			      cases[i].why, out, cases[i].client);
	}
}
END_TEST

START_TEST(no_trusted_proxies_means_the_peer)
{
	char out[HTTP_CLIENT_ADDRESS_MAX];

	http_client_address_resolve(NULL, 0, "127.0.0.1", "203.0.113.7", out);
	ck_assert_str_eq(out, "127.0.0.1");
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("platform/http/client_address");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, resolves_each_case);
	tcase_add_test(tc, no_trusted_proxies_means_the_peer);
	suite_add_tcase(s, tc);
	return s;
}
