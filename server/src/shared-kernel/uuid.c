#include "shared-kernel/uuid.h"

#include <pthread.h>
#include <sodium.h>
#include <string.h>
#include <time.h>

/*
 * Randomness comes from a per-thread pool: randombytes_buf() is a getrandom()
 * system call each time, and a request id is made for every HTTP request.
 */
enum { RANDOM_POOL_SIZE = 256 };

static _Thread_local unsigned char random_pool[RANDOM_POOL_SIZE];
static _Thread_local size_t random_pool_used = RANDOM_POOL_SIZE; /* starts empty */

/* RFC 9562 method 1: a 12-bit counter in rand_a, per thread. */
enum { COUNTER_BITS = 12, COUNTER_MAX = (1 << COUNTER_BITS) - 1 };

static _Thread_local uint64_t last_millis;
static _Thread_local unsigned counter;

static pthread_once_t fork_handler_once = PTHREAD_ONCE_INIT;

/*
 * A forked child inherits the pool of the thread that forked: without this it
 * would hand out the same "random" bytes as its parent, hence equal ids.
 * Only the forking thread survives in the child, so resetting its own
 * thread-local pool is enough.
 */
static void forget_random_pool_in_child(void)
{
	sodium_memzero(random_pool, sizeof(random_pool));
	random_pool_used = RANDOM_POOL_SIZE;
}

static void register_fork_handler(void)
{
	pthread_atfork(NULL, NULL, forget_random_pool_in_child);
}

static void random_bytes(void *out, size_t len)
{
	if (len > RANDOM_POOL_SIZE - random_pool_used) {
		randombytes_buf(random_pool, sizeof(random_pool));
		random_pool_used = 0;
	}
	memcpy(out, random_pool + random_pool_used, len);
	/* Used bytes are wiped so a later memory disclosure cannot replay them. */
	sodium_memzero(random_pool + random_pool_used, len);
	random_pool_used += len;
}

static uint64_t unix_millis_now(void)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	return (uint64_t)now.tv_sec * 1000u + (uint64_t)now.tv_nsec / 1000000u;
}

/* Top bit clear, so at least 2048 increments fit before the counter overflows. */
static unsigned random_counter_seed(void)
{
	unsigned char bytes[2];

	random_bytes(bytes, sizeof(bytes));
	return ((unsigned)bytes[0] << 8 | bytes[1]) & (COUNTER_MAX >> 1);
}

/*
 * The timestamp and counter for the next id of this thread. A clock that
 * stands still or steps back keeps the last timestamp and counts on; a
 * counter that overflows borrows the next millisecond, so ids keep rising.
 */
static void next_timestamp_and_counter(uint64_t *millis, unsigned *count)
{
	uint64_t now = unix_millis_now();

	if (now > last_millis) {
		last_millis = now;
		counter = random_counter_seed();
	} else if (counter < COUNTER_MAX) {
		counter++;
	} else {
		last_millis++;
		counter = random_counter_seed();
	}
	*millis = last_millis;
	*count = counter;
}

void erp_uuid_v7(struct erp_uuid *out)
{
	uint64_t millis;
	unsigned count;

	pthread_once(&fork_handler_once, register_fork_handler);
	next_timestamp_and_counter(&millis, &count);
	for (int i = 0; i < 6; i++)
		out->bytes[i] = (uint8_t)(millis >> (40 - 8 * i));
	out->bytes[6] = (uint8_t)(0x70 | (count >> 8));
	out->bytes[7] = (uint8_t)count;
	random_bytes(out->bytes + 8, 8);
	out->bytes[8] = (uint8_t)(0x80 | (out->bytes[8] & 0x3f)); /* variant 10xx */
}

void erp_uuid_format(const struct erp_uuid *id, char out[ERP_UUID_TEXT_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	char *p = out;

	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*p++ = '-';
		*p++ = hex[id->bytes[i] >> 4];
		*p++ = hex[id->bytes[i] & 0x0f];
	}
	*p = '\0';
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int is_dash_position(int i)
{
	return i == 8 || i == 13 || i == 18 || i == 23;
}

int erp_uuid_parse(const char *text, struct erp_uuid *out)
{
	struct erp_uuid parsed;
	int byte = 0;

	if (!text)
		return -1;
	/* Checks each character before reading the next, so short text stops at its NUL. */
	for (int i = 0; i < ERP_UUID_TEXT_LEN; i += 2) {
		int high, low;

		if (is_dash_position(i)) {
			if (text[i] != '-')
				return -1;
			i++;
		}
		high = hex_value(text[i]);
		if (high < 0)
			return -1;
		low = hex_value(text[i + 1]);
		if (low < 0)
			return -1;
		parsed.bytes[byte++] = (uint8_t)(high << 4 | low);
	}
	if (text[ERP_UUID_TEXT_LEN] != '\0')
		return -1;
	*out = parsed;
	return 0;
}

int erp_uuid_version(const struct erp_uuid *id)
{
	return id->bytes[6] >> 4;
}

uint64_t erp_uuid_v7_millis(const struct erp_uuid *id)
{
	uint64_t millis = 0;

	for (int i = 0; i < 6; i++)
		millis = millis << 8 | id->bytes[i];
	return millis;
}

bool erp_uuid_equal(const struct erp_uuid *a, const struct erp_uuid *b)
{
	return memcmp(a->bytes, b->bytes, sizeof(a->bytes)) == 0;
}

void erp_uuid_v7_text(char out[ERP_UUID_TEXT_LEN + 1])
{
	struct erp_uuid id;

	erp_uuid_v7(&id);
	erp_uuid_format(&id, out);
}
