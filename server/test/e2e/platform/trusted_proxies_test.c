/*
 * End to end, the client address behind a proxy (ERP_TRUSTED_PROXIES,
 * platform/http/client_address.h): from a trusted proxy the address it
 * forwards in X-Forwarded-For is the client's for login throttling and the
 * access log; from anyone else the header is ignored, so a client cannot
 * spread its failed logins over made-up addresses, nor hide behind one it
 * writes to the left of what the proxy adds.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test/support/check_main.h"
#include "test/support/iam_fixture.h"
#include "test/support/testlib.h"

#define PROXY "127.0.0.2"    /* trusted */
#define STRANGER "127.0.0.3" /* not trusted */

static const char *const env[] = { "ERP_TRUSTED_PROXIES=" PROXY, "ERP_LOGIN_MAX_FAILURES_PER_ADDRESS=3",
				   "ERP_LOGIN_MAX_FAILURES=100", "ERP_LOG_FLUSH_MS=0", NULL };

/* A failed login (wrong password) from source with the given extra header lines; its status. */
static long failed_login(const struct test_iam_server *s, const char *source, const char *forwarded1,
			 const char *forwarded2)
{
	const char *headers[4] = { "Content-Type: application/json", NULL, NULL, NULL };
	const char body[] = "{\"email\":\"admin@proxies.test\",\"password\":\"not-the-password-1\"}";
	struct test_response r;
	char url[256], h1[128], h2[128];
	long status;
	int n = 1;

	if (forwarded1) {
		snprintf(h1, sizeof(h1), "X-Forwarded-For: %s", forwarded1);
		headers[n++] = h1;
	}
	if (forwarded2) {
		snprintf(h2, sizeof(h2), "X-Forwarded-For: %s", forwarded2);
		headers[n++] = h2;
	}
	snprintf(url, sizeof(url), "%s/api/v1/auth/login", s->server.base_url);
	ck_assert_int_eq(test_http_from(source, "POST", url, headers, body, strlen(body), &r), 0);
	status = r.status;
	test_response_free(&r);
	return status;
}

START_TEST(a_trusted_proxy_names_the_client_and_nobody_else_can)
{
	struct test_iam_server s;
	char *log;

	test_iam_server_start(&s, "t_trusted_proxies", "admin@proxies.test", env);

	/* Through the proxy: failures count against the forwarded address, and only it. */
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(failed_login(&s, PROXY, "203.0.113.7", NULL), 401);
	ck_assert_int_eq(failed_login(&s, PROXY, "203.0.113.7", NULL), 429);
	ck_assert_int_eq(failed_login(&s, PROXY, "203.0.113.8", NULL), 401);
	/* The proxy's own address is not the one throttled. */
	ck_assert_int_eq(failed_login(&s, PROXY, NULL, NULL), 401);

	/*
	 * The throttled client writes another address into its own header; the proxy
	 * adds the real one after it (a second header line): the real one counts.
	 */
	ck_assert_int_eq(failed_login(&s, PROXY, "198.51.100.1", "203.0.113.7"), 429);
	ck_assert_int_eq(failed_login(&s, PROXY, "203.0.113.7, 198.51.100.2", NULL), 401);

	/* From an untrusted peer the header is spoofed: ignored, every failure is the peer's. */
	ck_assert_int_eq(failed_login(&s, STRANGER, "192.0.2.1", NULL), 401);
	ck_assert_int_eq(failed_login(&s, STRANGER, "192.0.2.2", NULL), 401);
	ck_assert_int_eq(failed_login(&s, STRANGER, "192.0.2.3", NULL), 401);
	ck_assert_int_eq(failed_login(&s, STRANGER, "192.0.2.4", NULL), 429);

	/* The access log names the forwarded client, never a spoofed address. */
	log = test_server_log(&s.server);
	ck_assert_ptr_nonnull(strstr(log, "\"client\":\"203.0.113.7\""));
	ck_assert_ptr_nonnull(strstr(log, "\"client\":\"" STRANGER "\""));
	ck_assert_ptr_null(strstr(log, "192.0.2."));
	ck_assert_ptr_null(strstr(log, "\"client\":\"198.51.100.1\""));
	free(log);
	test_iam_server_stop(&s);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("e2e/platform/trusted_proxies");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, a_trusted_proxy_names_the_client_and_nobody_else_can);
	suite_add_tcase(s, tc);
	return s;
}
