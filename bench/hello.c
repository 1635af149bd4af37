/*
 * The baseline for `make bench`: a bare libmicrohttpd server that answers
 * every request with the same body as erp-server's /healthz, started the
 * same way (epoll thread pool, same limits, answer on the second callback so
 * keep-alive behaves the same), built with the same flags. The ratio of
 * erp-server's throughput to this one is the cost of our middleware chain.
 *
 * Usage: bench-hello PORT THREADS   (runs until SIGINT/SIGTERM)
 */
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char body[] = "{\"status\":\"ok\"}";

static enum MHD_Result answer(void *cls, struct MHD_Connection *connection, const char *url,
			      const char *method, const char *version, const char *upload_data,
			      size_t *upload_data_size, void **req_cls)
{
	static int first_call_marker;
	struct MHD_Response *response;
	enum MHD_Result queued;

	(void)cls, (void)url, (void)method, (void)version, (void)upload_data, (void)upload_data_size;
	if (*req_cls == NULL) {
		*req_cls = &first_call_marker;
		return MHD_YES;
	}
	response = MHD_create_response_from_buffer(sizeof(body) - 1, (void *)body,
						   MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
	queued = MHD_queue_response(connection, MHD_HTTP_OK, response);
	MHD_destroy_response(response);
	return queued;
}

int main(int argc, char **argv)
{
	struct MHD_Daemon *daemon;
	sigset_t signals;
	int signal_number;

	if (argc != 3) {
		fprintf(stderr, "usage: bench-hello PORT THREADS\n");
		return 64;
	}
	sigemptyset(&signals);
	sigaddset(&signals, SIGINT);
	sigaddset(&signals, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &signals, NULL);
	daemon = MHD_start_daemon(MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC,
				  (uint16_t)strtoul(argv[1], NULL, 10), NULL, NULL, answer, NULL,
				  MHD_OPTION_THREAD_POOL_SIZE, (unsigned)strtoul(argv[2], NULL, 10),
				  MHD_OPTION_CONNECTION_TIMEOUT, 30u,
				  MHD_OPTION_CONNECTION_LIMIT, 1024u,
				  MHD_OPTION_PER_IP_CONNECTION_LIMIT, 256u,
				  MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)32768,
				  MHD_OPTION_END);
	if (!daemon) {
		fprintf(stderr, "bench-hello: cannot listen on port %s\n", argv[1]);
		return 69;
	}
	sigwait(&signals, &signal_number);
	MHD_stop_daemon(daemon);
	return 0;
}
