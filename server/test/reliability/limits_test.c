/*
 * Oversized requests: bodies far over ERP_MAX_BODY_BYTES (declared, sent,
 * chunked, chunked without end, many at once), header blocks and URLs over
 * ERP_MAX_HEADER_BYTES and the router's path limit. Each gets its 413, 431
 * or 414 (or, for a body that never ends, is closed by the idle timeout),
 * and the server's memory stays bounded: its peak resident size (VmHWM in
 * /proc/PID/status) is reported and must stay within a fixed margin of
 * what it was before, whatever was sent.
 */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "test/support/check_main.h"
#include "test/support/reliability.h"
#include "test/support/testlib.h"

enum { MIB = 1024 * 1024, TIMEOUT_S = 3 };

/*
 * How far the peak may rise above the resident size before the test: the
 * body buffers (at most 1 MiB per request in flight) and libmicrohttpd's
 * per-connection memory, with room for the allocator. The sanitizer build's
 * allocator keeps freed memory in quarantine and pads every block, so its
 * margin is wider; the normal build gives the number that matters.
 */
#if defined(__SANITIZE_ADDRESS__)
static const long margin_kb = 256 * 1024;
#else
static const long margin_kb = 64 * 1024;
#endif

static struct test_server server;
static int failures;

static void record(const char *scenario, const char *tried, bool pass, const char *format, ...)
	__attribute__((format(printf, 4, 5)));

static void record(const char *scenario, const char *tried, bool pass, const char *format, ...)
{
	char outcome[512];
	va_list ap;

	va_start(ap, format);
	vsnprintf(outcome, sizeof(outcome), format, ap);
	va_end(ap);
	reliability_record(scenario, tried, outcome, pass);
	failures += !pass;
}

static int open_connection(void)
{
	struct timeval limit = { 20, 0 };
	int error, fd = reliability_connect(NULL, server.port, &error);

	ck_assert_msg(fd >= 0, "connect: %s", strerror(error));
	/* A send the server stopped reading fails instead of blocking the test forever. */
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof(limit));
	return fd;
}

/* Sends count bytes of filler (JSON whitespace) in 64 KiB pieces; bytes sent before a failure. */
static size_t send_filler(int fd, size_t count)
{
	static char filler[64 * 1024];
	size_t sent = 0;

	memset(filler, ' ', sizeof(filler));
	while (sent < count) {
		size_t n = count - sent < sizeof(filler) ? count - sent : sizeof(filler);

		if (reliability_send(fd, filler, n))
			break;
		sent += n;
	}
	return sent;
}

/* Sends count bytes as chunks of 1 MiB (the last may be shorter); bytes sent before a failure. */
static size_t send_chunks(int fd, size_t count)
{
	size_t sent = 0;

	while (sent < count) {
		size_t n = count - sent < MIB ? count - sent : MIB;
		char size_line[32];

		snprintf(size_line, sizeof(size_line), "%zx\r\n", n);
		if (reliability_send(fd, size_line, strlen(size_line)) || send_filler(fd, n) != n ||
		    reliability_send(fd, "\r\n", 2))
			break;
		sent += n;
	}
	return sent;
}

static const char chunked_head[] = "POST /test/echo HTTP/1.1\r\nHost: t\r\n"
				   "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";

static void declared_huge_body(void)
{
	static const char head[] = "POST /test/echo HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
				   "Content-Length: 1073741824\r\n\r\n";
	int fd = open_connection(), status;
	double start = test_now_ms(), took;

	reliability_send(fd, head, sizeof(head) - 1);
	status = reliability_read_status(fd, 5000, NULL, 0);
	took = test_now_ms() - start;
	close(fd);
	record("limits: declared 1 GiB body", "Content-Length: 1 GiB, nothing sent", status == 413,
	       "%d after %.0f ms, before any of it was read", status, took);
}

static void sent_huge_body(void)
{
	size_t size = (size_t)reliability_scale(256, 32) * MIB;
	char head[256], tried[96];
	int fd = open_connection(), status;
	size_t sent;

	snprintf(head, sizeof(head),
		 "POST /test/echo HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
		 "Content-Length: %zu\r\n\r\n", size);
	reliability_send(fd, head, strlen(head));
	sent = send_filler(fd, size);
	status = reliability_read_status(fd, 5000, NULL, 0);
	close(fd);
	snprintf(tried, sizeof(tried), "a %zu MiB body with its Content-Length, sent in full", size / MIB);
	record("limits: oversized body", tried, status == 413,
	       "%d; the server closed after %.1f MiB", status, (double)sent / MIB);
}

static void chunked_huge_body(void)
{
	size_t size = (size_t)reliability_scale(256, 32) * MIB, sent;
	char tried[96];
	int fd = open_connection(), status = -1;

	reliability_send(fd, chunked_head, sizeof(chunked_head) - 1);
	sent = send_chunks(fd, size);
	if (sent == size && reliability_send(fd, "0\r\n\r\n", 5) == 0)
		status = reliability_read_status(fd, 10000, NULL, 0);
	close(fd);
	snprintf(tried, sizeof(tried), "a %zu MiB chunked body (no Content-Length), sent in full",
		 size / MIB);
	record("limits: oversized chunked body", tried, status == 413,
	       "%d after the last chunk; %.0f MiB read, all past the first 1 MiB dropped", status,
	       (double)sent / MIB);
}

static void chunked_without_end(void)
{
	int fd = open_connection();
	size_t sent;
	double closed_ms;
	char tried[128];

	reliability_send(fd, chunked_head, sizeof(chunked_head) - 1);
	sent = send_chunks(fd, 4 * MIB);
	/* No terminating chunk: silence. The idle timeout must end it. */
	closed_ms = reliability_wait_closed(fd, (TIMEOUT_S + 10) * 1000);
	close(fd);
	snprintf(tried, sizeof(tried),
		 "4 MiB of chunks, no last chunk, then silence (ERP_CONNECTION_TIMEOUT_S=%d)", TIMEOUT_S);
	record("limits: chunked body without end", tried,
	       closed_ms >= 0 && closed_ms <= (TIMEOUT_S + 2) * 1000.0,
	       closed_ms >= 0 ? "closed by the server %.1f s after the last byte (%.0f MiB sent)"
			      : "still open %.1f s after the last byte (%.0f MiB sent)",
	       closed_ms >= 0 ? closed_ms / 1000 : TIMEOUT_S + 10.0, (double)sent / MIB);
}

/* Sends a request made of head, then repeat x filler, then tail; returns the status. */
static int send_big_head(const char *head, const char *filler, size_t repeat, const char *tail)
{
	int fd = open_connection(), status;

	reliability_send(fd, head, strlen(head));
	for (size_t i = 0; i < repeat; i++)
		if (reliability_send(fd, filler, strlen(filler)))
			break;
	reliability_send(fd, tail, strlen(tail));
	status = reliability_read_status(fd, 5000, NULL, 0);
	close(fd);
	return status;
}

static void huge_headers(void)
{
	int status;

	status = send_big_head("GET /healthz HTTP/1.1\r\nHost: t\r\nX-Big: ", "AAAAAAAAAAAAAAAA", 4096,
			       "\r\n\r\n");
	record("limits: 64 KiB header", "one header value of 64 KiB (ERP_MAX_HEADER_BYTES 32 KiB)",
	       status == 431, "%d", status);
	status = send_big_head("GET /healthz HTTP/1.1\r\nHost: t\r\n", "X-Many: 0123456789abcdef\r\n",
			       2000, "\r\n");
	record("limits: 2000 headers", "2000 headers, 50 KiB in all", status == 431, "%d", status);
	status = send_big_head("GET /healthz HTTP/1.1\r\nHost: t\r\nX-Endless: ", "aaaaaaaaaaaaaaaa",
			       reliability_scale(65536, 8192), "");
	record("limits: header line without end",
	       reliability_short() ? "a header line of 128 KiB that never ends"
				   : "a header line of 1 MiB that never ends",
	       status == 431 || status == 414, "%d", status);
}

/*
 * More query parameters than the connection's memory holds. libmicrohttpd
 * 0.9.75 queues its 431 and then overwrites it (parse_initial_message_line()
 * ignores the failure of MHD_parse_arguments_()), so no answer is sent and
 * the connection sits until the idle timeout. Until that is fixed upstream,
 * this checks what can be guaranteed: the connection is closed by the
 * timeout and the server keeps serving; the outcome says which happened.
 */
static void many_query_parameters(void)
{
	static const char tail[] = " HTTP/1.1\r\nHost: t\r\n\r\n";
	char request[4200];
	size_t used = (size_t)snprintf(request, sizeof(request), "GET /healthz?");
	int fd = open_connection(), status;
	double start, closed_ms;

	for (int i = 0; i < 1000; i++)
		used += (size_t)snprintf(request + used, sizeof(request) - used, "a=1&");
	used += (size_t)snprintf(request + used, sizeof(request) - used, "%s", tail);
	reliability_send(fd, request, used); /* in one piece, as a client would */
	start = test_now_ms();
	status = reliability_read_status(fd, (TIMEOUT_S + 3) * 1000, NULL, 0);
	closed_ms = status == 0 ? test_now_ms() - start : -1;
	if (status == -1)
		closed_ms = reliability_wait_closed(fd, 3000);
	close(fd);
	if (status >= 400 && status < 500)
		record("limits: 1000 query parameters", "GET with 1000 query parameters (4 KiB)", true,
		       "%d", status);
	else
		record("limits: 1000 query parameters", "GET with 1000 query parameters (4 KiB)",
		       status == 0 && closed_ms <= (TIMEOUT_S + 2) * 1000.0,
		       "no answer (known libmicrohttpd 0.9.75 flaw: its 431 is lost); closed after %.1f s "
		       "(idle timeout %d s)", closed_ms / 1000, TIMEOUT_S);
}

static void long_urls(void)
{
	int status;

	status = send_big_head("GET /test/items/", "aaaaaaaaaaaaaaaa", 6400, " HTTP/1.1\r\nHost: t\r\n\r\n");
	record("limits: 100 KiB URL", "GET with a 100 KiB path (over ERP_MAX_HEADER_BYTES)",
	       status == 414, "%d", status);
	status = send_big_head("GET /test/items/", "aaaaaaaaaaaaaaaa", 192, " HTTP/1.1\r\nHost: t\r\n\r\n");
	record("limits: 3 KiB path", "GET with a 3 KiB path (within the header limit, over the router's 2 KiB)",
	       status == 414, "%d", status);
	many_query_parameters();
}

struct upload {
	size_t size;
	int status;
};

static void *parallel_upload(void *arg)
{
	struct upload *u = arg;
	int fd = open_connection();

	u->status = -1;
	reliability_send(fd, chunked_head, sizeof(chunked_head) - 1);
	if (send_chunks(fd, u->size) == u->size && reliability_send(fd, "0\r\n\r\n", 5) == 0)
		u->status = reliability_read_status(fd, 30000, NULL, 0);
	close(fd);
	return NULL;
}

static void parallel_uploads(void)
{
	enum { COUNT = 16 };
	struct upload uploads[COUNT];
	pthread_t threads[COUNT];
	int answered = 0;
	char tried[128];
	size_t size = (size_t)reliability_scale(32, 8) * MIB;

	for (int i = 0; i < COUNT; i++) {
		uploads[i].size = size;
		pthread_create(&threads[i], NULL, parallel_upload, &uploads[i]);
	}
	for (int i = 0; i < COUNT; i++) {
		pthread_join(threads[i], NULL);
		answered += uploads[i].status == 413;
	}
	snprintf(tried, sizeof(tried), "%d connections at once, each a %zu MiB chunked body", COUNT,
		 size / MIB);
	record("limits: parallel oversized uploads", tried, answered == COUNT, "%d of %d answered 413",
	       answered, COUNT);
}

START_TEST(oversized_requests_are_refused_with_bounded_memory)
{
	char env_timeout[64], tried[160];
	const char *env[] = { env_timeout, NULL };
	struct test_response r;
	long before_kb, peak_kb;
	int exit_status;
	bool alive;

	snprintf(env_timeout, sizeof(env_timeout), "ERP_CONNECTION_TIMEOUT_S=%d", TIMEOUT_S);
	ck_assert_int_eq(test_server_start(&server, "bin/erp-server-test", test_db_create("r_limits"), env), 0);
	{
		/* Warm up: every worker thread has served a request with a body. */
		char url[128];

		snprintf(url, sizeof(url), "%s/test/echo", server.base_url);
		for (int i = 0; i < 16; i++) {
			const char *const headers[] = { "Content-Type: application/json", NULL };

			ck_assert_int_eq(test_http("POST", url, headers, "{\"name\":\"warm\"}", 15, &r), 0);
			test_response_free(&r);
		}
	}
	/* This scenario's own peak, not start-up's. */
	ck_assert_int_eq(reliability_reset_peak_rss(server.pid), 0);
	before_kb = reliability_peak_rss_kb(server.pid);

	declared_huge_body();
	sent_huge_body();
	chunked_huge_body();
	chunked_without_end();
	huge_headers();
	long_urls();
	parallel_uploads();

	alive = reliability_server_alive(&server);
	peak_kb = reliability_peak_rss_kb(server.pid);
	exit_status = test_server_stop(&server);
	snprintf(tried, sizeof(tried),
		 "all of the above on one server (4 workers); peak RSS (VmHWM) against RSS before, margin %ld MiB",
		 margin_kb / 1024);
	record("limits: memory stays bounded", tried,
	       alive && exit_status == 0 && peak_kb - before_kb <= margin_kb,
	       "RSS %.1f MiB before, peak %.1f MiB (+%.1f MiB); %s; exit %d", (double)before_kb / 1024,
	       (double)peak_kb / 1024, (double)(peak_kb - before_kb) / 1024,
	       alive ? "alive (/healthz 200)" : "NOT ALIVE", exit_status);
	ck_assert_msg(failures == 0, "%d limit scenarios failed; see the rows above", failures);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("reliability/limits");
	TCase *tc = tcase_create("limits");

	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, oversized_requests_are_refused_with_bounded_memory);
	suite_add_tcase(s, tc);
	return s;
}
