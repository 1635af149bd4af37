# Fuzzing with libFuzzer (included by the Makefile).
#
#   make fuzz                          every target for FUZZ_SECONDS (20) each; part of make test
#   make fuzz-long FUZZ_SECONDS=600    the same, longer (600 s each by default), on demand
#   make fuzz FUZZ_TARGETS=money       only some targets
#
# A target is server/test/fuzz/<name>_fuzz.c; its seed inputs are in
# server/test/fuzz/corpus/<name>/ and, when present, its dictionary is
# server/test/fuzz/<name>.dict. Everything is built with clang under
# $(BUILD)/fuzz/: the same server sources as erp-server (main.c aside) plus
# the test build's test module, all instrumented for coverage and built with
# AddressSanitizer + UndefinedBehaviorSanitizer. tools/run-fuzz runs the
# targets, keeps what they learn in $(BUILD)/fuzz/corpus/, saves a crashing
# input in $(BUILD)/fuzz/crashes/<name>/ and writes the counts make test sums.

FUZZ_CC      ?= clang
FUZZ_BUILD   := $(BUILD)/fuzz
FUZZ_TARGETS ?= $(patsubst server/test/fuzz/%_fuzz.c,%,$(sort $(wildcard server/test/fuzz/*_fuzz.c)))
FUZZ_BINS    := $(patsubst %,$(FUZZ_BUILD)/bin/%_fuzz,$(FUZZ_TARGETS))

FUZZ_SANITIZERS := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS := -std=c17 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer $(WARNINGS) \
	-Iserver/src -Iserver -DERP_VERSION='"$(VERSION)"' $(shell pkg-config --cflags $(PKGS)) \
	$(FUZZ_SANITIZERS) -fsanitize=fuzzer-no-link

# What the targets link: the server's layers and modules with the build's
# module list (the Makefile's MODULE_LIST_SRC, the one erp-server mounts), the
# test module (its echo body exercises nested schemas, and the fault routes it
# mounts) and fuzz_modules.c, which puts them together.
FUZZ_LIB_SRC  := $(COMMON_SRC) $(KERNEL_SRC) $(PLATFORM_SRC) $(MODULE_SRC) $(INTEGRATION_SRC) \
	server/test/e2e/support/test_module.c server/test/e2e/support/fault.c \
	server/test/fuzz/fuzz_modules.c
FUZZ_LIB_OBJS := $(patsubst server/%.c,$(FUZZ_BUILD)/obj/%.o,$(FUZZ_LIB_SRC)) \
	$(FUZZ_BUILD)/obj/gen/module_list.o
FUZZ_LIB      := $(FUZZ_BUILD)/lib/liberp-fuzz.a

.PHONY: fuzz fuzz-long fuzz-build

fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	@tools/run-fuzz $(FUZZ_BUILD) $(or $(FUZZ_SECONDS),20) $(FUZZ_TARGETS)

fuzz-long: fuzz-build
	@tools/run-fuzz $(FUZZ_BUILD) $(or $(FUZZ_SECONDS),600) $(FUZZ_TARGETS)

$(FUZZ_BUILD)/obj/%.o: server/%.c
	@mkdir -p $(@D)
	@echo "  CC (fuzz)  $<"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@

$(FUZZ_BUILD)/obj/gen/module_list.o: $(MODULE_LIST_SRC)
	@mkdir -p $(@D)
	@echo "  CC (fuzz)  $<"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@

$(FUZZ_LIB): $(FUZZ_LIB_OBJS)
	@mkdir -p $(@D)
	@rm -f $@
	$(AR) rcs $@ $^

$(FUZZ_BUILD)/bin/%_fuzz: $(FUZZ_BUILD)/obj/test/fuzz/%_fuzz.o $(FUZZ_LIB)
	@mkdir -p $(@D)
	$(FUZZ_CC) -fsanitize=fuzzer $(FUZZ_SANITIZERS) -o $@ $< $(FUZZ_LIB) $(LIBS)

-include $(shell find $(FUZZ_BUILD)/obj -name '*.d' 2>/dev/null)
