/*
 * SIGTERM under load: requests the server has accepted finish, new
 * connections are refused at once, and the server exits 0 as soon as the
 * last one is answered. A request whose headers are still arriving when
 * the signal comes is in flight too, and is served.
 *
 * "Accepted" is the kernel's word: a connection still waiting in the
 * listening socket's backlog (all workers busy) has not reached the server;
 * when the listener is shut down the kernel resets it, as it does for
 * nginx or any server that closes its listener. The test reads which
 * connections are in the backlog from /proc/net/tcp (a queued connection
 * has no socket inode yet) just before the signal.
 */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <unistd.h>

#include "test/support/check_main.h"
#include "test/support/reliability.h"
#include "test/support/testlib.h"

enum { MAX_CLIENTS = 128, REFUSAL_PROBES_MAX = 400 };

/* The local port of a connected socket. */
static int local_port(int fd)
{
	struct sockaddr_in addr;
	socklen_t length = sizeof(addr);

	if (getsockname(fd, (struct sockaddr *)&addr, &length) != 0)
		return -1;
	return ntohs(addr.sin_port);
}

/*
 * Whether the server side of the connection from client_port is still in
 * the accept backlog of server_port: an established socket without an inode.
 */
static bool in_backlog(int server_port, int client_port)
{
	FILE *f = fopen("/proc/net/tcp", "r");
	char line[512];
	bool queued = false;

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f)) {
		unsigned local, remote, state;
		unsigned long inode;

		if (sscanf(line, " %*d: %*x:%x %*x:%x %x %*x:%*x %*x:%*x %*x %*d %*d %lu", &local,
			   &remote, &state, &inode) != 4)
			continue;
		if ((int)local == server_port && (int)remote == client_port && state == 0x01) {
			queued = inode == 0;
			break;
		}
	}
	fclose(f);
	return queued;
}

/* Waits up to timeout_ms for the server to exit; its status, or -1 when it is still running. */
static int wait_exit(struct test_server *server, int timeout_ms, double *exited_at)
{
	double deadline = test_now_ms() + timeout_ms;
	int status;

	while (test_now_ms() < deadline) {
		pid_t done = waitpid(server->pid, &status, WNOHANG);

		if (done == server->pid) {
			*exited_at = test_now_ms();
			server->pid = 0;
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		}
		usleep(5 * 1000);
	}
	return -1;
}

struct client {
	int fd;
	int port;
	bool slow;
	bool queued; /* in the kernel's backlog at SIGTERM */
	int status;  /* 0: closed without a response */
};

START_TEST(sigterm_under_load_finishes_accepted_requests_and_refuses_new_ones)
{
	static const char *const env[] = { "ERP_THREADS=4", "ERP_SHUTDOWN_GRACE_S=60", NULL };
	struct reliability_random random;
	struct test_server server;
	struct client clients[MAX_CLIENTS];
	int slow_count = (int)reliability_scale(24, 8), fast_count = (int)reliability_scale(40, 12);
	int total = slow_count + fast_count, accepted = 0, queued = 0, accepted_answered = 0;
	int queued_answered = 0, accepted_lost = 0, queued_reset = 0, refused = 0, not_refused = 0;
	int exit_status = -1;
	double sent_at, first_refusal_ms = -1, slowest_refusal_ms = 0, exited_at = 0;
	char tried[512], outcome[512];
	bool pass;

	reliability_random_init(&random, "shutdown.under_load");
	ck_assert_int_le(total, MAX_CLIENTS);
	ck_assert_int_eq(test_server_start(&server, "bin/erp-server-test",
					   test_db_create("r_shutdown_load"), env), 0);

	/* Slow and fast requests interleaved, all sent before the signal. */
	for (int i = 0; i < total; i++) {
		char request[160];
		int error;

		/* The first 2 * slow_count alternate slow and fast; the rest are fast. */
		clients[i].slow = i < 2 * slow_count && i % 2 == 0;
		if (clients[i].slow)
			snprintf(request, sizeof(request),
				 "GET /test/slow?ms=%d HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
				 300 + (int)reliability_random_below(&random, 1201));
		else
			snprintf(request, sizeof(request),
				 "GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
		clients[i].fd = reliability_connect(NULL, server.port, &error);
		ck_assert_msg(clients[i].fd >= 0, "connect: %s", strerror(error));
		clients[i].port = local_port(clients[i].fd);
		ck_assert_int_eq(reliability_send(clients[i].fd, request, strlen(request)), 0);
	}
	/* Let idle workers pick up what they can, then see what is still queued. */
	usleep(150 * 1000);
	for (int i = 0; i < total; i++) {
		clients[i].queued = in_backlog(server.port, clients[i].port);
		queued += clients[i].queued;
	}
	accepted = total - queued;

	sent_at = test_now_ms();
	kill(server.pid, SIGTERM);
	/* New connections: refused from the moment the listener is shut down, until the exit. */
	for (int probe = 0; probe < REFUSAL_PROBES_MAX; probe++) {
		double start = test_now_ms();
		int error, fd = reliability_connect(NULL, server.port, &error);
		pid_t done;
		int status;

		if (fd >= 0 && local_port(fd) == server.port) {
			/*
			 * TCP's simultaneous open: with nothing listening, a connection whose
			 * ephemeral port happens to equal the server's connects to itself.
			 */
			refused++;
			close(fd);
		} else if (fd >= 0) {
			/* Only the instant before the server acts on the signal may still connect. */
			if (first_refusal_ms >= 0 || test_now_ms() - sent_at > 500) {
				not_refused++;
				printf("probe %d connected %.0f ms after SIGTERM\n", probe,
				       test_now_ms() - sent_at);
			}
			close(fd);
		} else if (error == ECONNREFUSED) {
			refused++;
			if (first_refusal_ms < 0)
				first_refusal_ms = test_now_ms() - sent_at;
			if (test_now_ms() - start > slowest_refusal_ms)
				slowest_refusal_ms = test_now_ms() - start;
		} else if (first_refusal_ms >= 0 || test_now_ms() - sent_at > 500) {
			/* Before that, a connection racing the listener's shutdown may be reset. */
			not_refused++;
			printf("probe %d: %s %.0f ms after SIGTERM\n", probe, strerror(error),
			       test_now_ms() - sent_at);
		}
		done = waitpid(server.pid, &status, WNOHANG);
		if (done == server.pid) {
			exited_at = test_now_ms();
			server.pid = 0;
			exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
			break;
		}
		usleep(20 * 1000);
	}
	for (int i = 0; i < total; i++) {
		clients[i].status = reliability_read_status(clients[i].fd, 60000, NULL, 0);
		close(clients[i].fd);
		if (!clients[i].queued && clients[i].status == 200)
			accepted_answered++;
		else if (!clients[i].queued)
			accepted_lost++;
		else if (clients[i].status == 200)
			queued_answered++;
		else
			queued_reset++;
	}
	if (server.pid)
		exit_status = wait_exit(&server, 60000, &exited_at);

	snprintf(tried, sizeof(tried),
		 "%d slow (/test/slow 300-1500 ms, seed %llu) + %d fast requests on 4 workers, then "
		 "SIGTERM; new connections every 20 ms until exit",
		 slow_count, (unsigned long long)random.seed, fast_count);
	snprintf(outcome, sizeof(outcome),
		 "%d accepted: %d answered 200, %d lost; %d still in the kernel backlog: %d answered, "
		 "%d reset; new connections refused from %.0f ms after the signal (%d refused, %d not); "
		 "exit %d after %.0f ms",
		 accepted, accepted_answered, accepted_lost, queued, queued_answered, queued_reset,
		 first_refusal_ms, refused, not_refused, exit_status, exited_at - sent_at);
	pass = accepted_lost == 0 && refused > 0 && not_refused == 0 && exit_status == 0 &&
	       first_refusal_ms >= 0 && first_refusal_ms < 500;
	reliability_record("shutdown: SIGTERM under load", tried, outcome, pass);
	ck_assert_msg(pass, "%s", outcome);
	if (server.pid)
		test_server_stop(&server);
}
END_TEST

START_TEST(sigterm_waits_for_a_request_still_arriving)
{
	static const char *const env[] = { "ERP_SHUTDOWN_GRACE_S=30", NULL };
	static const char first_half[] = "GET /test/slow?ms=50 HTTP/1.1\r\nHo";
	static const char second_half[] = "st: t\r\nConnection: close\r\n\r\n";
	struct test_server server;
	char outcome[256];
	double sent_at, exited_at = 0;
	int error, fd, status, exit_status;
	bool pass;

	ck_assert_int_eq(test_server_start(&server, "bin/erp-server-test",
					   test_db_create("r_shutdown_partial"), env), 0);
	fd = reliability_connect(NULL, server.port, &error);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(reliability_send(fd, first_half, sizeof(first_half) - 1), 0);
	usleep(200 * 1000); /* accepted, half read */
	sent_at = test_now_ms();
	kill(server.pid, SIGTERM);
	usleep(300 * 1000);
	reliability_send(fd, second_half, sizeof(second_half) - 1);
	status = reliability_read_status(fd, 30000, NULL, 0);
	close(fd);
	exit_status = wait_exit(&server, 30000, &exited_at);
	snprintf(outcome, sizeof(outcome), "answered %d; exit %d after %.0f ms", status, exit_status,
		 exited_at - sent_at);
	pass = status == 200 && exit_status == 0;
	reliability_record("shutdown: request arriving at SIGTERM",
			   "half the request headers, SIGTERM, the rest 300 ms later", outcome, pass);
	ck_assert_msg(pass, "%s", outcome);
	if (server.pid)
		test_server_stop(&server);
}
END_TEST

Suite *test_suite(void)
{
	Suite *s = suite_create("reliability/shutdown");
	TCase *tc = tcase_create("shutdown");

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, sigterm_under_load_finishes_accepted_requests_and_refuses_new_ones);
	tcase_add_test(tc, sigterm_waits_for_a_request_still_arriving);
	suite_add_tcase(s, tc);
	return s;
}
