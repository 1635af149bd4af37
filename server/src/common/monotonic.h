#ifndef ERP_COMMON_MONOTONIC_H
#define ERP_COMMON_MONOTONIC_H

#include <stdint.h>

/*
 * CLOCK_MONOTONIC in nanoseconds: for deadlines, back-off and durations,
 * never for wall-clock time. Every layer measures with this one, so a time
 * taken in one (http_now_ns(), a listener's barrier) compares with another's.
 */
uint64_t monotonic_ns(void);

#endif
