#ifndef ERP_TEST_RELIABILITY_H
#define ERP_TEST_RELIABILITY_H

/*
 * What the reliability suite's scenario groups (server/test/reliability/)
 * share: one summary table every scenario appends a row to, the short/full
 * switch, the seed that makes randomised scenarios replayable, the peak
 * memory of a server, and raw sockets for what libcurl cannot express
 * (byte-at-a-time clients, endless chunked bodies, huge header blocks).
 *
 * Environment (set by tools/run-reliability): ERP_RELIABILITY_SUMMARY (the
 * TSV file rows are appended to), ERP_RELIABILITY_SHORT (1: the short form
 * that make test runs), ERP_RELIABILITY_LABEL (which build, for the table),
 * ERP_TEST_SEED (the run's seed; set it to replay a run).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct test_server;

/* Whether this is the short form (fewer connections and iterations, same scenarios). */
bool reliability_short(void);

/* full when running the full form, short_value in the short one. */
long reliability_scale(long full, long short_value);

/*
 * Appends one row to the summary: the scenario's name, what was tried, what
 * happened (numbers included), and whether that is a pass. Tabs and line
 * breaks in the texts become spaces. The row is also printed to stdout.
 * Record before asserting, so a failing scenario still has its row.
 */
void reliability_record(const char *scenario, const char *tried, const char *outcome, bool pass);

/*
 * A reproducible random stream for one scenario: the run's seed
 * (ERP_TEST_SEED, else one taken from the clock and printed) mixed with the
 * scenario's name, so scenarios do not disturb each other's streams.
 * reliability_random_init() prints "seed N (replay: ERP_TEST_SEED=N)".
 */
struct reliability_random {
	uint64_t state;
	uint64_t seed; /* the run's seed, for messages */
};

void reliability_random_init(struct reliability_random *random, const char *scenario);
uint64_t reliability_random_next(struct reliability_random *random);
/* Uniform in [0, bound); bound > 0. */
uint64_t reliability_random_below(struct reliability_random *random, uint64_t bound);

/* Peak resident memory (VmHWM) and current (VmRSS) of a process in KiB, or -1. */
long reliability_peak_rss_kb(pid_t pid);
long reliability_rss_kb(pid_t pid);

/*
 * Restarts the peak at the current resident size (writes 5 to
 * /proc/PID/clear_refs), so a scenario measures its own peak rather than
 * start-up's (IAM's first argon2id hash alone touches 64 MiB). 0 or -1.
 */
int reliability_reset_peak_rss(pid_t pid);

/* True when the server process has not exited and GET /healthz answers 200. */
bool reliability_server_alive(struct test_server *server);

/* The p-th quantile (0..1) of count values (sorts them in place); 0 when count is 0. */
double reliability_quantile(double *values, size_t count, double p);

/* What reliability_read_for() saw. */
struct reliability_reading {
	long ok;           /* 200 */
	long throttled;    /* 429 */
	long failed;       /* anything else, or no answer */
	double seconds;    /* how long it read */
	double per_second; /* 200s per second */
	double p50_ms;
	double p99_ms;
};

/*
 * GETs url with one extra header (say, "Authorization: Bearer ...") again and
 * again for seconds, over one kept-alive connection as a browser would,
 * pausing pause_ms between requests (0: none). Thread-safe.
 */
void reliability_read_for(const char *url, const char *header, double seconds, unsigned pause_ms,
			  struct reliability_reading *out);

/*
 * A TCP connection to 127.0.0.1:port from source_address ("127.0.0.2": any
 * loopback address works as a distinct client; NULL for the default).
 * Returns the socket (blocking), or -1 with the connect error in *error.
 */
int reliability_connect(const char *source_address, int port, int *error);

/* Sends all of data; 0, or -1 when the peer closed or reset. */
int reliability_send(int fd, const void *data, size_t length);

/*
 * Reads a response head and returns its status code; 0 when the server
 * closed the connection (or reset it) without a response, -1 when nothing
 * came within timeout_ms. The head (up to head_size - 1 bytes) is copied
 * into head when it is not NULL.
 */
int reliability_read_status(int fd, int timeout_ms, char *head, size_t head_size);

/*
 * Waits up to timeout_ms for the server to close fd, discarding anything it
 * sends. Returns the milliseconds it took, or -1 when fd is still open.
 */
double reliability_wait_closed(int fd, int timeout_ms);

#endif
