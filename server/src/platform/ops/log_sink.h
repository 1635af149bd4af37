#ifndef ERP_PLATFORM_LOG_SINK_H
#define ERP_PLATFORM_LOG_SINK_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Where log records go: stderr, one write(2) per record, unless buffering
 * is started. While started (erp-server serve), records marked bufferable
 * (access-log lines) collect in a per-thread buffer that a flusher thread
 * writes out every flush_ms, or sooner when it fills: one write per batch
 * instead of one per request. Other records (warnings, errors, events)
 * still go out at once, after the calling thread's buffered lines, so a
 * thread's records stay in order. A crash can lose at most flush_ms of
 * access-log lines; a clean stop loses none.
 */

/* Writes one complete record (ending in '\n'). Thread-safe. */
void log_sink_write(const char *record, size_t length, bool bufferable);

/* Starts buffering with a flusher thread; flush_ms == 0 keeps records unbuffered. */
void log_sink_start(unsigned flush_ms);

/* Flushes everything and stops the flusher; later records are written directly. */
void log_sink_stop(void);

#endif
