#include "platform/ops/log_sink.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/alloc.h"

enum { BUFFER_BYTES = 32768, FLUSH_AT_BYTES = 24576 };

struct thread_buffer {
	pthread_mutex_t lock; /* taken by its thread and by the flusher: rarely contended */
	struct thread_buffer *next;
	size_t length;
	char data[BUFFER_BYTES];
};

static atomic_bool buffering;
static unsigned flush_interval_ms;
static pthread_t flusher;
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t stop_signal = PTHREAD_COND_INITIALIZER;
static bool stopping;
static struct thread_buffer *buffers;
static _Thread_local struct thread_buffer *own_buffer; /* lives as long as the process */

static void write_all(const char *data, size_t length)
{
	while (length > 0) {
		ssize_t n = write(STDERR_FILENO, data, length);

		if (n <= 0)
			return; /* nowhere to report a failing stderr */
		data += n;
		length -= (size_t)n;
	}
}

/* Caller holds b->lock. */
static void drain(struct thread_buffer *b)
{
	write_all(b->data, b->length);
	b->length = 0;
}

static struct thread_buffer *thread_buffer(void)
{
	struct thread_buffer *b;

	pthread_mutex_lock(&registry_lock);
	if (own_buffer) {
		pthread_mutex_unlock(&registry_lock);
		return own_buffer;
	}
	b = erp_malloc(sizeof(*b));
	if (b) {
		pthread_mutex_init(&b->lock, NULL);
		b->length = 0;
		b->next = buffers;
		buffers = b;
		own_buffer = b;
	}
	pthread_mutex_unlock(&registry_lock);
	return b;
}

void log_sink_write(const char *record, size_t length, bool bufferable)
{
	struct thread_buffer *b;

	if (!atomic_load_explicit(&buffering, memory_order_acquire) ||
	    !(b = own_buffer ? own_buffer : thread_buffer())) {
		write_all(record, length);
		return;
	}
	pthread_mutex_lock(&b->lock);
	if (!bufferable || b->length + length > BUFFER_BYTES) {
		/* Keep this thread's order: its buffered lines go first. */
		drain(b);
		if (!bufferable || length > BUFFER_BYTES) {
			write_all(record, length);
			pthread_mutex_unlock(&b->lock);
			return;
		}
	}
	memcpy(b->data + b->length, record, length);
	b->length += length;
	if (b->length >= FLUSH_AT_BYTES)
		drain(b);
	pthread_mutex_unlock(&b->lock);
}

static void flush_all(void)
{
	for (struct thread_buffer *b = buffers; b; b = b->next) {
		pthread_mutex_lock(&b->lock);
		drain(b);
		pthread_mutex_unlock(&b->lock);
	}
}

static void *flush_periodically(void *unused)
{
	(void)unused;
	pthread_mutex_lock(&registry_lock);
	while (!stopping) {
		struct timespec deadline;

		clock_gettime(CLOCK_REALTIME, &deadline);
		deadline.tv_nsec += (long)(flush_interval_ms % 1000) * 1000000L;
		deadline.tv_sec += flush_interval_ms / 1000 + deadline.tv_nsec / 1000000000L;
		deadline.tv_nsec %= 1000000000L;
		pthread_cond_timedwait(&stop_signal, &registry_lock, &deadline);
		flush_all();
	}
	pthread_mutex_unlock(&registry_lock);
	return NULL;
}

void log_sink_start(unsigned flush_ms)
{
	if (flush_ms == 0 || atomic_load(&buffering))
		return;
	pthread_mutex_lock(&registry_lock);
	stopping = false;
	flush_interval_ms = flush_ms;
	pthread_mutex_unlock(&registry_lock);
	if (pthread_create(&flusher, NULL, flush_periodically, NULL) == 0)
		atomic_store_explicit(&buffering, true, memory_order_release);
}

void log_sink_stop(void)
{
	if (!atomic_load(&buffering))
		return;
	pthread_mutex_lock(&registry_lock);
	stopping = true;
	pthread_cond_signal(&stop_signal);
	pthread_mutex_unlock(&registry_lock);
	pthread_join(flusher, NULL);
	atomic_store_explicit(&buffering, false, memory_order_release);
	/*
	 * Drained, never freed: a thread that read `buffering` just before it
	 * turned false may still be about to lock its buffer. The buffers stay
	 * reachable from the list, and a later start reuses them.
	 */
	pthread_mutex_lock(&registry_lock);
	flush_all();
	pthread_mutex_unlock(&registry_lock);
}
