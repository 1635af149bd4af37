/*
 * Slow clients: a few hundred connections that send their requests one
 * byte at a time (some the headers, some the body) must not stop anyone
 * else from being served: the p99 latency of ordinary requests made
 * meanwhile stays under a second. When they stop sending, the idle timeout
 * (ERP_CONNECTION_TIMEOUT_S) closes every one of them. One address cannot
 * hold more than ERP_MAX_CONNECTIONS_PER_IP connections.
 *
 * The timeout is an idle timeout: each byte restarts it, so a client that
 * trickles faster than the timeout is kept as long as it keeps trickling.
 * The outcome reports how long they were held; what bounds them is the
 * per-address and total connection limits (docs/reliability.md).
 *
 * Slow clients come from 127.0.0.2 and up, ordinary ones from 127.0.0.1:
 * every loopback address is a distinct client to the server.
 */
#include <check.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "test/support/check_main.h"
#include "test/support/iam_fixture.h"
#include "test/support/reliability.h"
#include "test/support/testlib.h"

enum {
	TIMEOUT_S = 3,
	PER_ADDRESS = 128,
	MAX_SLOW = 512,
	ORDINARY_THREADS = 4,
	MAX_LATENCIES = 200000,
};

struct slow_client {
	int fd;
	char request[256];
	size_t length;
	size_t sent;
	double next_ms;
	double closed_ms; /* when the server closed it; 0 while open */
};

static struct test_server server;
static struct slow_client clients[MAX_SLOW];
static int slow_count;
static struct reliability_random random_stream;
static atomic_bool trickling;

static double latencies[MAX_LATENCIES];
static atomic_long latency_count;
static atomic_long ordinary_errors;

/* --- the slow side ---------------------------------------------------------------------- */

static double next_interval_ms(void)
{
	/* 200..1000 ms: always well inside the 3 s idle timeout. */
	return 200 + (double)reliability_random_below(&random_stream, 801);
}

static void open_slow_clients(void)
{
	static const char *const sources[] = { "127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5" };

	for (int i = 0; i < slow_count; i++) {
		struct slow_client *c = &clients[i];
		int error;

		/* 100 from each address, under PER_ADDRESS: all of them are let in. */
		c->fd = reliability_connect(sources[i / 100], server.port, &error);
		ck_assert_msg(c->fd >= 0, "slow client %d: %s", i, strerror(error));
		if (i % 2 == 0)
			c->length = (size_t)snprintf(c->request, sizeof(c->request),
						     "GET /healthz HTTP/1.1\r\nHost: slow\r\nUser-Agent: "
						     "a-client-on-a-very-bad-line\r\nAccept: */*\r\n\r\n");
		else
			/* Headers at once, then the body a byte at a time: the request has begun. */
			c->length = (size_t)snprintf(
				c->request, sizeof(c->request),
				"POST /test/echo HTTP/1.1\r\nHost: slow\r\nContent-Type: application/json\r\n"
				"Content-Length: 40\r\n\r\n{\"name\":\"%030d\"}",
				i);
		if (i % 2 == 1) {
			size_t head = (size_t)(strstr(c->request, "\r\n\r\n") + 4 - c->request);

			ck_assert_int_eq(reliability_send(c->fd, c->request, head), 0);
			c->sent = head;
		}
		c->next_ms = test_now_ms() + next_interval_ms();
		c->closed_ms = 0;
	}
}

/* Sends the next byte of every client that is due; notes the ones the server closed. */
static void *trickle(void *arg)
{
	struct pollfd *polls = calloc((size_t)slow_count, sizeof(*polls));

	(void)arg;
	while (atomic_load(&trickling)) {
		double now = test_now_ms();

		for (int i = 0; i < slow_count; i++) {
			struct slow_client *c = &clients[i];

			if (c->closed_ms == 0 && now >= c->next_ms && c->sent < c->length) {
				if (send(c->fd, c->request + c->sent, 1, MSG_NOSIGNAL | MSG_DONTWAIT) == 1)
					c->sent++;
				c->next_ms = now + next_interval_ms();
			}
			polls[i].fd = c->closed_ms ? -1 : c->fd;
			polls[i].events = POLLIN;
		}
		if (poll(polls, (nfds_t)slow_count, 20) > 0) {
			for (int i = 0; i < slow_count; i++) {
				char sink[512];

				if (polls[i].revents && recv(clients[i].fd, sink, sizeof(sink), MSG_DONTWAIT) <= 0)
					clients[i].closed_ms = test_now_ms();
			}
		}
	}
	free(polls);
	return NULL;
}

/* --- the ordinary side ------------------------------------------------------------------ */

static void *ordinary(void *arg)
{
	static const char *const paths[] = { "/healthz", "/readyz", "/test/echo" };
	const char *const json[] = { "Content-Type: application/json", NULL };
	long n = (long)(intptr_t)arg;

	while (atomic_load(&trickling)) {
		const char *path = paths[n++ % 3];
		bool post = strcmp(path, "/test/echo") == 0;
		struct test_response r;
		char url[128];
		double start = test_now_ms();
		int rc;

		snprintf(url, sizeof(url), "%s%s", server.base_url, path);
		rc = post ? test_http("POST", url, json, "{\"name\":\"fast\"}", 15, &r)
			  : test_http("GET", url, NULL, NULL, 0, &r);
		if (rc != 0 || r.status != (post ? 201 : 200)) {
			atomic_fetch_add(&ordinary_errors, 1);
		} else {
			long slot = atomic_fetch_add(&latency_count, 1);

			if (slot < MAX_LATENCIES)
				latencies[slot] = test_now_ms() - start;
		}
		test_response_free(&r);
	}
	return NULL;
}

/* --- the scenario ---------------------------------------------------------------------- */

START_TEST(slow_clients_do_not_starve_others_and_are_closed_when_idle)
{
	char env_timeout[64], env_per_ip[64], db_url[1024], tried[256], outcome[512];
	const char *env[] = { env_timeout, env_per_ip, NULL };
	pthread_t trickler, workers[ORDINARY_THREADS];
	struct rlimit files;
	long phase_ms = reliability_scale(15000, 6000), count, open_after_phase = 0, peak_kb;
	double p50, p99, max, stalled_at, slowest_close = 0;
	int closed_in_time = 0, refused = 0, held = 0, exit_status;
	int extra[PER_ADDRESS + 12];
	bool pass;

	/* Hundreds of sockets on both sides; the server inherits the limit. */
	getrlimit(RLIMIT_NOFILE, &files);
	files.rlim_cur = files.rlim_max;
	setrlimit(RLIMIT_NOFILE, &files);

	slow_count = (int)reliability_scale(300, 100);
	reliability_random_init(&random_stream, "slow_clients");
	snprintf(env_timeout, sizeof(env_timeout), "ERP_CONNECTION_TIMEOUT_S=%d", TIMEOUT_S);
	snprintf(env_per_ip, sizeof(env_per_ip), "ERP_MAX_CONNECTIONS_PER_IP=%d", PER_ADDRESS);
	snprintf(db_url, sizeof(db_url), "%s", test_db_create("r_slow"));
	test_iam_migrate(db_url);
	ck_assert_int_eq(test_server_start(&server, "bin/erp-server-test", db_url, env), 0);
	ck_assert_int_eq(reliability_reset_peak_rss(server.pid), 0);

	/* Phase 1: trickle for longer than the timeout while others are served. */
	open_slow_clients();
	atomic_store(&trickling, true);
	pthread_create(&trickler, NULL, trickle, NULL);
	for (long i = 0; i < ORDINARY_THREADS; i++)
		pthread_create(&workers[i], NULL, ordinary, (void *)(intptr_t)i);
	usleep((useconds_t)phase_ms * 1000);
	atomic_store(&trickling, false);
	pthread_join(trickler, NULL);
	for (int i = 0; i < ORDINARY_THREADS; i++)
		pthread_join(workers[i], NULL);
	for (int i = 0; i < slow_count; i++)
		open_after_phase += clients[i].closed_ms == 0;
	count = atomic_load(&latency_count) < MAX_LATENCIES ? atomic_load(&latency_count) : MAX_LATENCIES;
	p50 = reliability_quantile(latencies, (size_t)count, 0.50);
	p99 = reliability_quantile(latencies, (size_t)count, 0.99);
	max = reliability_quantile(latencies, (size_t)count, 1.0);

	/* Phase 2: silence. The idle timeout must close every one of them. */
	stalled_at = test_now_ms();
	for (int i = 0; i < slow_count; i++) {
		double waited = clients[i].closed_ms
					? 0
					: reliability_wait_closed(clients[i].fd,
								  (int)(stalled_at + (TIMEOUT_S + 5) * 1000.0 -
									test_now_ms()));

		if (clients[i].closed_ms == 0 && waited >= 0) {
			double since = test_now_ms() - stalled_at;

			closed_in_time += since <= (TIMEOUT_S + 2) * 1000.0;
			if (since > slowest_close)
				slowest_close = since;
		}
		close(clients[i].fd);
	}

	snprintf(tried, sizeof(tried),
		 "%d connections (from %d address%s) sending a byte every 0.2-1 s (seed %llu) for %.0f s, "
		 "headers or body; meanwhile 4 threads of /healthz, /readyz, POST /test/echo; then silence",
		 slow_count, (slow_count + 99) / 100, slow_count > 100 ? "es" : "",
		 (unsigned long long)random_stream.seed,
		 (double)phase_ms / 1000);
	snprintf(outcome, sizeof(outcome),
		 "%ld ordinary requests, %ld failed; p50 %.1f ms, p99 %.1f ms, max %.1f ms; %ld of %d slow "
		 "still held after %.0f s (each byte restarts the %d s idle timeout); after they fell "
		 "silent %d of %d closed within %d s (last at %.1f s)",
		 count, atomic_load(&ordinary_errors), p50, p99, max, open_after_phase, slow_count,
		 (double)phase_ms / 1000, TIMEOUT_S, closed_in_time, slow_count, TIMEOUT_S + 2,
		 slowest_close / 1000);
	pass = count > 0 && atomic_load(&ordinary_errors) == 0 && p99 < 1000 &&
	       closed_in_time == slow_count;
	reliability_record("slow clients: byte at a time", tried, outcome, pass);

	/* One address holds at most PER_ADDRESS connections; the rest are closed at once. */
	for (int i = 0; i < PER_ADDRESS + 12; i++) {
		int error;

		extra[i] = reliability_connect("127.0.0.9", server.port, &error);
		ck_assert_msg(extra[i] >= 0, "connect: %s", strerror(error));
	}
	/* One look at all of them a second later, well inside the idle timeout. */
	usleep(1000 * 1000);
	for (int i = 0; i < PER_ADDRESS + 12; i++) {
		if (reliability_wait_closed(extra[i], 0) >= 0)
			refused++;
		else
			held++;
	}
	for (int i = 0; i < PER_ADDRESS + 12; i++)
		close(extra[i]);
	peak_kb = reliability_peak_rss_kb(server.pid);
	exit_status = test_server_stop(&server);
	snprintf(tried, sizeof(tried), "%d idle connections from one address (ERP_MAX_CONNECTIONS_PER_IP=%d)",
		 PER_ADDRESS + 12, PER_ADDRESS);
	snprintf(outcome, sizeof(outcome),
		 "%d held, %d closed at once; server peak RSS during both scenarios %.1f MiB; exit %d", held,
		 refused, (double)peak_kb / 1024, exit_status);
	reliability_record("slow clients: per-address limit", tried, outcome,
			   held == PER_ADDRESS && refused == 12 && exit_status == 0);
	ck_assert_msg(pass, "slow clients; see the rows above");
	ck_assert_int_eq(held, PER_ADDRESS);
	ck_assert_int_eq(exit_status, 0);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("reliability/slow_clients");
	TCase *tc = tcase_create("slow_clients");

	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, slow_clients_do_not_starve_others_and_are_closed_when_idle);
	suite_add_tcase(s, tc);
	return s;
}
