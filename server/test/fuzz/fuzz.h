#ifndef ERP_TEST_FUZZ_H
#define ERP_TEST_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/*
 * What every fuzz target under server/test/fuzz shares: libFuzzer's entry
 * points (declared here because the build warns about functions without a
 * prototype) and FUZZ_CHECK, the assertion that turns a broken promise into
 * a crash libFuzzer saves and reports. Built only by `make fuzz`, with clang.
 */

/* Called once before the first input; a target sets up its tables here. 0. */
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Called for every input: data is exactly size bytes, not NUL-terminated. 0. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Prints which promise broke, then aborts so libFuzzer keeps the input. */
static inline _Noreturn void fuzz_check_failed(const char *file, int line, const char *condition)
{
	fprintf(stderr, "%s:%d: fuzz check failed: %s\n", file, line, condition);
	abort();
}

#define FUZZ_CHECK(condition)                                                                \
	((condition) ? (void)0 : fuzz_check_failed(__FILE__, __LINE__, #condition))

#endif
