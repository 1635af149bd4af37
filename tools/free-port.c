/*
 * free-port: print a TCP port on 127.0.0.1 that is free right now.
 *
 * The kernel picks it: we bind port 0, read back the port it assigned with
 * getsockname(), and close the socket. Someone else could take the port
 * before our caller binds it, so callers (tools/pg-cluster) retry with a
 * fresh port when that happens. Used instead of guessing numbers so parallel
 * test runs on one machine never collide.
 *
 * Exit status: 0 and the port on stdout, or 1 and a message on stderr.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int fail(const char *what)
{
	fprintf(stderr, "free-port: %s: %s\n", what, strerror(errno));
	return EXIT_FAILURE;
}

/* Ask the kernel for a free port on the loopback address; 0 on failure. */
static int pick_port(unsigned *port)
{
	struct sockaddr_in addr;
	socklen_t len = sizeof addr;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return fail("socket");

	memset(&addr, 0, sizeof addr);
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	addr.sin_port = 0;

	if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
		int rc = fail("bind 127.0.0.1:0");
		close(fd);
		return rc;
	}
	if (getsockname(fd, (struct sockaddr *)&addr, &len) < 0) {
		int rc = fail("getsockname");
		close(fd);
		return rc;
	}
	if (close(fd) < 0)
		return fail("close");

	*port = ntohs(addr.sin_port);
	return EXIT_SUCCESS;
}

/* main cannot be static (the C runtime must find it); everything else is. */
int main(void)
{
	unsigned port = 0;
	int rc = pick_port(&port);

	if (rc != EXIT_SUCCESS)
		return rc;
	if (printf("%u\n", port) < 0 || fflush(stdout) != 0) {
		fprintf(stderr, "free-port: cannot write to stdout\n");
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}
