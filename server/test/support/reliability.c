#include "test/support/reliability.h"

#include <arpa/inet.h>
#include <check.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test/support/testlib.h"

bool reliability_short(void)
{
	const char *value = getenv("ERP_RELIABILITY_SHORT");

	return value && strcmp(value, "1") == 0;
}

long reliability_scale(long full, long short_value)
{
	return reliability_short() ? short_value : full;
}

/* Copies text into out with tabs and line breaks (which would break the TSV) as spaces. */
static void flatten(const char *text, char *out, size_t size)
{
	size_t j = 0;

	for (size_t i = 0; text[i] && j + 1 < size; i++)
		out[j++] = (text[i] == '\t' || text[i] == '\n' || text[i] == '\r') ? ' ' : text[i];
	out[j] = '\0';
}

static void summary_path(char *out, size_t size)
{
	const char *path = getenv("ERP_RELIABILITY_SUMMARY");
	char dir[1024];

	if (path && *path) {
		snprintf(out, size, "%s", path);
		return;
	}
	snprintf(dir, sizeof(dir), "%s/reliability", test_env("ERP_TEST_BUILD"));
	mkdir(dir, 0755);
	snprintf(out, size, "%s/summary.tsv", dir);
}

static const char *build_label(void)
{
	const char *label = getenv("ERP_RELIABILITY_LABEL");
	const char *build, *slash;

	if (label && *label)
		return label;
	build = test_env("ERP_TEST_BUILD");
	slash = strrchr(build, '/');
	return slash ? slash + 1 : build;
}

void reliability_record(const char *scenario, const char *tried, const char *outcome, bool pass)
{
	char path[1100], s[256], t[1024], o[1024], row[2400];
	int fd, length;

	flatten(scenario, s, sizeof(s));
	flatten(tried, t, sizeof(t));
	flatten(outcome, o, sizeof(o));
	length = snprintf(row, sizeof(row), "%s\t%s\t%s\t%s\t%s\n", build_label(), s, t, o,
			  pass ? "PASS" : "FAIL");
	if (length < 0 || (size_t)length >= sizeof(row))
		length = (int)sizeof(row) - 1;
	printf("[%s] %s: %s -> %s\n", pass ? "PASS" : "FAIL", s, t, o);
	fflush(stdout);
	summary_path(path, sizeof(path));
	/* One write on an O_APPEND file: rows from concurrent test processes do not mix. */
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
	ck_assert_msg(fd >= 0, "cannot open the summary %s: %s", path, strerror(errno));
	ck_assert_int_eq(write(fd, row, (size_t)length), length);
	close(fd);
}

/* --- seeds ------------------------------------------------------------------ */

static uint64_t run_seed(void)
{
	const char *text = getenv("ERP_TEST_SEED");
	struct timespec now;
	uint64_t seed;
	char *end;

	if (text && *text) {
		errno = 0;
		seed = strtoull(text, &end, 10);
		ck_assert_msg(errno == 0 && *end == '\0', "ERP_TEST_SEED=%s is not a number", text);
		return seed;
	}
	clock_gettime(CLOCK_REALTIME, &now);
	seed = ((uint64_t)now.tv_sec * 1000003u) ^ (uint64_t)now.tv_nsec ^ (uint64_t)getpid();
	return seed % 4294967296u; /* short enough to type */
}

/* splitmix64: tiny, well mixed, and every seed is a good one. */
uint64_t reliability_random_next(struct reliability_random *random)
{
	uint64_t z = (random->state += 0x9e3779b97f4a7c15u);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

uint64_t reliability_random_below(struct reliability_random *random, uint64_t bound)
{
	return reliability_random_next(random) % bound;
}

void reliability_random_init(struct reliability_random *random, const char *scenario)
{
	uint64_t hash = 0xcbf29ce484222325u; /* FNV-1a of the name */

	for (const char *p = scenario; *p; p++)
		hash = (hash ^ (unsigned char)*p) * 0x100000001b3u;
	random->seed = run_seed();
	random->state = random->seed ^ hash;
	printf("%s: seed %" PRIu64 " (replay: ERP_TEST_SEED=%" PRIu64 ")\n", scenario, random->seed,
	       random->seed);
	fflush(stdout);
}

/* --- processes ---------------------------------------------------------------- */

static long status_field_kb(pid_t pid, const char *field)
{
	char path[64], line[256];
	size_t length = strlen(field);
	long value = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, field, length) == 0 && line[length] == ':') {
			value = strtol(line + length + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return value;
}

long reliability_peak_rss_kb(pid_t pid)
{
	return status_field_kb(pid, "VmHWM");
}

long reliability_rss_kb(pid_t pid)
{
	return status_field_kb(pid, "VmRSS");
}

int reliability_reset_peak_rss(pid_t pid)
{
	char path[64];
	int fd, rc;

	snprintf(path, sizeof(path), "/proc/%d/clear_refs", (int)pid);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -1;
	rc = write(fd, "5", 1) == 1 ? 0 : -1;
	close(fd);
	return rc;
}

/*
 * Whether pid has exited. Check runs each test in a child process, to which
 * the server is not a child: waitpid() cannot tell there, /proc can.
 */
static bool process_ended(pid_t pid)
{
	char path[64], stat[256];
	int status;
	pid_t done = waitpid(pid, &status, WNOHANG);
	FILE *f;
	char *state;

	if (done == pid)
		return true;
	if (done == 0)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return true;
	stat[0] = '\0';
	if (!fgets(stat, sizeof(stat), f))
		stat[0] = '\0';
	fclose(f);
	/* "pid (name) S ...": the state follows the last parenthesis; Z is a zombie. */
	state = strrchr(stat, ')');
	return !state || state[1] != ' ' || state[2] == 'Z' || state[2] == 'X';
}

bool reliability_server_alive(struct test_server *server)
{
	struct test_response r;
	char url[128];
	bool ok;

	if (server->pid <= 0 || process_ended(server->pid))
		return false;
	snprintf(url, sizeof(url), "%s/healthz", server->base_url);
	ok = test_http("GET", url, NULL, NULL, 0, &r) == 0 && r.status == 200;
	test_response_free(&r);
	return ok;
}

static int compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double reliability_quantile(double *values, size_t count, double p)
{
	size_t index;

	if (count == 0)
		return 0;
	qsort(values, count, sizeof(values[0]), compare_doubles);
	/* Nearest rank: the smallest value with at least p of the values at or below it. */
	index = (size_t)(p * (double)count + 0.999999);
	if (index > 0)
		index--;
	if (index >= count)
		index = count - 1;
	return values[index];
}

/* --- a reader ------------------------------------------------------------------------ */

static size_t discard(char *data, size_t size, size_t count, void *userdata)
{
	(void)data;
	(void)userdata;
	return size * count;
}

void reliability_read_for(const char *url, const char *header, double seconds, unsigned pause_ms,
			  struct reliability_reading *out)
{
	enum { MAX_SAMPLES = 400000 };
	struct curl_slist *headers = header ? curl_slist_append(NULL, header) : NULL;
	double *samples = malloc(MAX_SAMPLES * sizeof(double));
	CURL *curl = curl_easy_init();
	size_t count = 0;
	double started = test_now_ms();

	memset(out, 0, sizeof(*out));
	ck_assert_ptr_nonnull(curl);
	ck_assert_ptr_nonnull(samples);
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	while (test_now_ms() - started < seconds * 1000) {
		double begun = test_now_ms();
		long status = 0;

		if (curl_easy_perform(curl) == CURLE_OK)
			curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
		out->ok += status == 200;
		out->throttled += status == 429;
		out->failed += status != 200 && status != 429;
		if (count < MAX_SAMPLES)
			samples[count++] = test_now_ms() - begun;
		if (pause_ms)
			usleep(pause_ms * 1000);
	}
	out->seconds = (test_now_ms() - started) / 1000;
	out->per_second = out->ok / out->seconds;
	out->p50_ms = reliability_quantile(samples, count, 0.50);
	out->p99_ms = reliability_quantile(samples, count, 0.99);
	free(samples);
	curl_easy_cleanup(curl);
	curl_slist_free_all(headers);
}

/* --- sockets --------------------------------------------------------------------- */

int reliability_connect(const char *source_address, int port, int *error)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;

	*error = 0;
	if (fd < 0) {
		*error = errno;
		return -1;
	}
	inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
	if (source_address) {
		struct sockaddr_in from = { .sin_family = AF_INET };

		inet_pton(AF_INET, source_address, &from.sin_addr);
		if (bind(fd, (struct sockaddr *)&from, sizeof(from)) != 0) {
			*error = errno;
			close(fd);
			return -1;
		}
	}
	/* Byte-at-a-time clients must really send one byte per segment. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&to, sizeof(to)) != 0) {
		*error = errno;
		close(fd);
		return -1;
	}
	return fd;
}

int reliability_send(int fd, const void *data, size_t length)
{
	const char *p = data;

	while (length > 0) {
		ssize_t n = send(fd, p, length, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		length -= (size_t)n;
	}
	return 0;
}

int reliability_read_status(int fd, int timeout_ms, char *head, size_t head_size)
{
	char buffer[4096];
	size_t have = 0;
	double deadline = test_now_ms() + timeout_ms;
	int status;

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int left = (int)(deadline - test_now_ms());
		ssize_t n;

		if (left <= 0 || poll(&p, 1, left) <= 0)
			return -1;
		n = recv(fd, buffer + have, sizeof(buffer) - 1 - have, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		have += (size_t)n;
		buffer[have] = '\0';
		if (strstr(buffer, "\r\n\r\n") || have == sizeof(buffer) - 1)
			break;
	}
	buffer[have] = '\0';
	if (head && head_size) {
		snprintf(head, head_size, "%s", buffer);
	}
	if (have < 12 || strncmp(buffer, "HTTP/1.", 7) != 0)
		return 0;
	status = (int)strtol(buffer + 9, NULL, 10);
	return status > 0 ? status : 0;
}

double reliability_wait_closed(int fd, int timeout_ms)
{
	double start = test_now_ms(), deadline = start + timeout_ms;
	char sink[4096];

	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int left = (int)(deadline - test_now_ms());
		ssize_t n;

		if (left < 0 || poll(&p, 1, left) < 0)
			return -1;
		if (!p.revents) {
			if (left == 0)
				return -1;
			continue;
		}
		n = recv(fd, sink, sizeof(sink), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return test_now_ms() - start;
	}
}
