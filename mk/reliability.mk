# The reliability and hostile-input suite (docs/reliability.md): one Check
# binary per scenario group, server/test/reliability/<group>_test.c, built
# like every test binary and run by tools/run-reliability against one
# throw-away cluster, which prints a table of the scenarios and their outcomes.

RELIABILITY_SRC  := $(sort $(wildcard server/test/reliability/*_test.c))
RELIABILITY_BINS := $(patsubst server/test/%_test.c,$(BUILD)/test/%_test,$(RELIABILITY_SRC))

.PHONY: test-reliability test-reliability-short

build: $(RELIABILITY_BINS)

# The full form, on both builds: the normal one gives the memory and latency
# numbers, the sanitizer one also fails each allocation of a request in turn
# and reports leaks.
test-reliability: deps
	@$(MAKE) --no-print-directory build
	@$(MAKE) --no-print-directory BUILD=build/sanitize SANITIZE=1 build
	@tools/run-reliability build build/sanitize

# The short form make test runs (after test-sanitize, so the build is there):
# the same scenarios with fewer connections and iterations, on the sanitizer build.
test-reliability-short:
	@$(MAKE) --no-print-directory BUILD=build/sanitize SANITIZE=1 build
	@tools/run-reliability --short build/sanitize
