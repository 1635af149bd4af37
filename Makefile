# Antigravity ERP — build, run and test.
#
#   make run     deps + build + private PostgreSQL under .data/ + migrate + seed + serve
#   make stop    stops what make run started (also when it runs in the background)
#   make test    deps + build + every test suite (also under ASan/UBSan) + lint
#
# Every executable has its own explicit object list below; erp-server never
# sees an object from server/scripts (make lint proves it with nm).

BUILD    ?= build
Q        ?= @
SANITIZE ?= 0
VERSION  := $(shell git describe --always --dirty 2>/dev/null || echo unknown)

PKGS      := libmicrohttpd libpq jansson libsodium
TEST_PKGS := check libcurl

WARNINGS := -Wall -Wextra -Werror -Wmissing-prototypes -Wstrict-prototypes -Wshadow -fno-common
CFLAGS_COMMON := -std=c17 -D_GNU_SOURCE -g $(WARNINGS) -fPIE -fstack-protector-strong \
	-Iserver/src -DERP_VERSION='"$(VERSION)"' $(shell pkg-config --cflags $(PKGS))
LDFLAGS_COMMON := -pie -Wl,-z,relro,-z,now
LIBS := $(shell pkg-config --libs $(PKGS)) -lpthread

ifeq ($(SANITIZE),1)
# Sanitizer builds also compile allocation-failure injection (common/alloc.h).
CFLAGS_COMMON += -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=undefined -DERP_FAULT_INJECTION
LDFLAGS_COMMON += -fsanitize=address,undefined
else
CFLAGS_COMMON += -O2 -D_FORTIFY_SOURCE=2
endif

CFLAGS  ?=
LDFLAGS ?=
ALL_CFLAGS  = $(CFLAGS_COMMON) $(CFLAGS)
ALL_LDFLAGS = $(LDFLAGS_COMMON) $(LDFLAGS)

obj = $(patsubst server/%.c,$(BUILD)/obj/%.o,$(1))

# --- layers -----------------------------------------------------------------
COMMON_SRC      := $(sort $(wildcard server/src/common/*.c))
KERNEL_SRC      := $(sort $(wildcard server/src/shared-kernel/*.c))
PLATFORM_SRC    := $(sort $(wildcard server/src/platform/*/*.c))
MODULE_SRC      := $(sort $(wildcard server/src/modules/*/*.c))
INTEGRATION_SRC := $(sort $(wildcard server/src/integrations/*/*.c))

# What scripts may link of the platform: config, db and log only (log.c writes
# its records through log_sink.c, so that comes along; nothing else does).
PLATFORM_FOR_SCRIPTS_SRC := server/src/platform/ops/config.c server/src/platform/db/db.c \
	server/src/platform/ops/log.c server/src/platform/ops/log_sink.c

# The one module list (platform/app/app.h): every folder under server/src/modules/
# is a module, listed by tools/module-list into a generated C file that
# erp-server, erp-server-test and the fuzz targets link. A new folder needs
# no edit of a composition root; start-up orders the modules by depends_on.
MODULE_NAMES    := $(patsubst server/src/modules/%/,%,$(sort $(wildcard server/src/modules/*/)))
MODULE_LIST_SRC := $(BUILD)/gen/module_list.c
MODULE_LIST_OBJ := $(BUILD)/obj/gen/module_list.o

# The role catalog erp-seed-roles reads by default: the base catalog with every
# module's suggested roles (server/src/modules/<name>/roles.json) merged in by
# tools/role-catalog, so a module adds its roles in its own folder.
ROLE_CATALOG_BASE      := server/prisma/seed/role-catalog.json
ROLE_CATALOG_FRAGMENTS := $(sort $(wildcard server/src/modules/*/roles.json))
ROLE_CATALOG           := $(BUILD)/gen/role-catalog.json
# Where erp-seed-roles looks for it when --catalog is not given: this build's
# copy (run from the repository root); the image builds it with its own path.
DEFAULT_ROLE_CATALOG   ?= $(ROLE_CATALOG)

CORE_OBJS := $(call obj,$(COMMON_SRC) $(KERNEL_SRC) $(PLATFORM_SRC))
APP_OBJS  := $(CORE_OBJS) $(call obj,$(MODULE_SRC) $(INTEGRATION_SRC)) $(MODULE_LIST_OBJ)

# --- executables --------------------------------------------------------------
SERVER_OBJS := $(APP_OBJS) $(call obj,server/src/main.c)
SERVER_BIN  := $(BUILD)/bin/erp-server

# A test build of the server: the same objects, a composition root that also
# mounts the test module (server/test/e2e/support), never shipped.
TEST_SERVER_SRC  := $(sort $(wildcard server/test/e2e/support/*.c))
TEST_SERVER_OBJS := $(APP_OBJS) $(call obj,$(TEST_SERVER_SRC))
TEST_SERVER_BIN  := $(BUILD)/bin/erp-server-test

TOOLS_BIN := $(BUILD)/bin/free-port $(BUILD)/bin/bench-hello $(BUILD)/bin/bench-seed

# The admin scripts (server/scripts): erp-<name> from server/scripts/<name>.c.
# Each links its own object, the governed runtime, common, shared-kernel and
# the platform's config/db/log, and nothing else: no module, no HTTP, no
# libmicrohttpd. Their objects live under $(BUILD)/obj/scripts, which make
# lint checks with nm against erp-server.
SCRIPT_SRC         := $(sort $(wildcard server/scripts/*.c))
SCRIPT_RUNTIME_SRC := $(sort $(wildcard server/scripts/runtime/*.c))
SCRIPT_LINK_OBJS   := $(call obj,$(SCRIPT_RUNTIME_SRC) $(COMMON_SRC) $(KERNEL_SRC) \
	$(PLATFORM_FOR_SCRIPTS_SRC))
SCRIPT_BINS        := $(patsubst server/scripts/%.c,$(BUILD)/bin/erp-%,$(SCRIPT_SRC))
SCRIPT_LIBS        := $(shell pkg-config --libs libpq jansson libsodium) -lpthread

# --- the web console -----------------------------------------------------------
# ES modules as they are, each renamed after its content (tools/console-build);
# erp-server serves the folder under /console/ (ERP_CONSOLE_DIR, docs/console.md).
CONSOLE_SRC   := $(shell find console -name node_modules -prune -o -name test -prune -o \
	-type f -print 2>/dev/null)
CONSOLE_INDEX := $(BUILD)/console/index.html

# --- tests --------------------------------------------------------------------
TEST_SUPPORT_SRC  := $(sort $(wildcard server/test/support/*.c))
TEST_SUPPORT_OBJS := $(call obj,$(TEST_SUPPORT_SRC))
TEST_SRC  := $(sort $(wildcard server/test/unit/*/*_test.c server/test/unit/*/*/*_test.c \
	server/test/integration/*/*_test.c \
	server/test/e2e/*/*_test.c server/test/governance/*_test.c))
TEST_BINS := $(patsubst server/test/%_test.c,$(BUILD)/test/%_test,$(TEST_SRC))
TEST_LIBS := $(shell pkg-config --libs $(TEST_PKGS))
TEST_CFLAGS := -Iserver $(shell pkg-config --cflags $(TEST_PKGS))

.PHONY: all build deps run stop test test-fast test-sanitize test-suites test-console lint bench clean \
	new-module test-kit image-root cluster-up cluster-down test-cluster test-cluster-short \
	check-headers check-containers openapi-lint FORCE

all: build

build: $(SERVER_BIN) $(TEST_SERVER_BIN) $(SCRIPT_BINS) $(TOOLS_BIN) $(TEST_BINS) $(ROLE_CATALOG) \
	$(CONSOLE_INDEX)

deps:
	@tools/install-deps

$(BUILD)/obj/%.o: server/%.c
	@mkdir -p $(@D)
	@echo "  CC  $<"
	$(Q)$(CC) $(ALL_CFLAGS) $(if $(filter $(BUILD)/obj/test/%,$@),$(TEST_CFLAGS)) \
		$(if $(filter $(BUILD)/obj/scripts/%,$@),-Iserver) -MMD -MP -c $< -o $@

FORCE:

# Run on every make (it is quick); the file changes only when the list does.
$(MODULE_LIST_SRC): tools/module-list FORCE
	@tools/module-list $@ $(MODULE_NAMES)

# Also on every make: a fragment may be new or gone; rewritten only on change.
$(ROLE_CATALOG): tools/role-catalog FORCE
	@tools/role-catalog $@ $(ROLE_CATALOG_BASE) $(ROLE_CATALOG_FRAGMENTS)

# erp-seed-roles reads this build's merged catalog unless --catalog says otherwise.
$(BUILD)/obj/scripts/seed-roles.o: ALL_CFLAGS += -DERP_DEFAULT_ROLE_CATALOG='"$(DEFAULT_ROLE_CATALOG)"'

$(MODULE_LIST_OBJ): $(MODULE_LIST_SRC)
	@mkdir -p $(@D)
	@echo "  CC  $<"
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(SERVER_BIN): $(SERVER_OBJS)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(TEST_SERVER_BIN): $(TEST_SERVER_OBJS)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(SCRIPT_BINS): $(BUILD)/bin/erp-%: $(BUILD)/obj/scripts/%.o $(SCRIPT_LINK_OBJS)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(SCRIPT_LIBS)

$(BUILD)/bin/free-port: tools/free-port.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $<

# The benchmark baseline: bare libmicrohttpd, same flags (bench/hello.c).
$(BUILD)/bin/bench-hello: bench/hello.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIBS)

# Seeds the benchmark's throw-away database with a user to log in as (bench/seed.c).
$(BUILD)/bin/bench-seed: bench/seed.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIBS)

$(BUILD)/lib/liberp.a: $(APP_OBJS)
	@mkdir -p $(@D)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/test/%_test: $(BUILD)/obj/test/%_test.o $(TEST_SUPPORT_OBJS) $(BUILD)/lib/liberp.a
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) $(BUILD)/lib/liberp.a $(TEST_LIBS) $(LIBS)

# Each module's targets for the route-permission matrix (test/support/matrix.h)
# live in its own test folder, server/test/e2e/<module>/matrix_targets.c, and
# register themselves: every end-to-end test links them, none names them.
MATRIX_TARGET_OBJS := $(call obj,$(sort $(wildcard server/test/e2e/*/matrix_targets.c)))
$(filter $(BUILD)/test/e2e/%,$(TEST_BINS)): $(MATRIX_TARGET_OBJS)

# --- the web console, built ------------------------------------------------------
$(CONSOLE_INDEX): tools/console-build $(CONSOLE_SRC)
	@node tools/console-build console $(BUILD)/console

# --- the container image ---------------------------------------------------------
# What the image carries (the Dockerfile's build stage runs this target and
# copies $(IMAGE_ROOT) to /): erp-server and every admin script, the role
# catalog, the migrations and the built console, laid out as they lie in the image.
# tools/check-containers checks that every script is among them.
IMAGE_ROOT := $(BUILD)/image
IMAGE_BINS := $(SERVER_BIN) $(SCRIPT_BINS)

image-root: $(IMAGE_BINS) $(ROLE_CATALOG) $(CONSOLE_INDEX)
	rm -rf $(IMAGE_ROOT)
	install -d $(IMAGE_ROOT)/usr/local/bin $(IMAGE_ROOT)/opt/erp
	install -m 0755 $(IMAGE_BINS) $(IMAGE_ROOT)/usr/local/bin/
	install -m 0644 $(ROLE_CATALOG) $(IMAGE_ROOT)/opt/erp/role-catalog.json
	cp -R server/prisma/migrations $(IMAGE_ROOT)/opt/erp/migrations
	cp -R $(BUILD)/console $(IMAGE_ROOT)/opt/erp/console

# --- the two commands ---------------------------------------------------------
run: deps build
	@ERP_DEV_BUILD=$(BUILD) tools/dev-run

# Stops what make run started, in the foreground or not: the server (by the PID
# it recorded), then the database (tools/dev-stop).
stop:
	@tools/dev-stop

test: deps
	@$(MAKE) --no-print-directory build
	@$(MAKE) --no-print-directory test-suites
	@$(MAKE) --no-print-directory test-sanitize
	@$(MAKE) --no-print-directory test-reliability-short
	@$(MAKE) --no-print-directory lint
	@$(MAKE) --no-print-directory fuzz
	@$(MAKE) --no-print-directory test-kit
	@$(MAKE) --no-print-directory test-console
	@$(MAKE) --no-print-directory test-cluster-short
	@cat build/test-summary build/sanitize/test-summary build/sanitize/reliability/test-summary \
		build/openapi-lint/test-summary build/fuzz/test-summary build/kit/test-summary \
		build/console-test/test-summary build/cluster/test-summary | \
		awk '{ p += $$1; f += $$2 } END { print "make test: normal and sanitizer builds, lint clean"; \
		print p " passed, " f " failed" }'

# The web console in Debian's Chromium against the real server and a throw-away
# PostgreSQL (console/test/run.mjs; skipped, loudly, where Chromium cannot start).
# CONSOLE_SCREENSHOTS=docs/console rewrites the documentation's screenshots.
test-console: build
	@node console/test/run.mjs $(BUILD) $(if $(CONSOLE_SCREENSHOTS),--screenshots $(CONSOLE_SCREENSHOTS))

test-sanitize:
	@$(MAKE) --no-print-directory BUILD=build/sanitize SANITIZE=1 build
	@$(MAKE) --no-print-directory BUILD=build/sanitize SANITIZE=1 test-suites

test-suites: build
	@tools/run-tests $(BUILD)

lint: check-headers check-containers openapi-lint
	@tools/lint

# The compose file and the Dockerfile, parsed and checked (no engine needed).
check-containers:
	@tools/check-containers

# /openapi.json as this build's erp-server serves it passes Redocly's recommended
# rules with no error (tools/openapi-lint; a throw-away database, a few seconds).
openapi-lint: $(SERVER_BIN) $(BUILD)/bin/free-port
	@tools/openapi-lint/run $(BUILD)

# git's check-headers: every header compiles on its own.
check-headers:
	@tools/check-headers "$(CC) $(CFLAGS_COMMON) -O0 -fsyntax-only"

# A new module from the kit (tools/module-template, docs/modules.md).
new-module:
	@tools/new-module $(NAME)

# The kit cannot rot: a module made by it in a scratch copy of this tree builds
# and passes the suites there with no other edit (tools/check-kit).
test-kit:
	@tools/check-kit

bench: deps build
	@tools/bench
	@tools/bench-ledger
	@tools/bench-posting
	@tools/bench-sales
	@tools/bench-cluster

clean:
	rm -rf build

# The scale-out topology on loopback (tools/cluster, docs/deployment.md): a
# primary and a streaming replica, PgBouncer, two erp-servers, HAProxy.
cluster-up: deps build
	@tools/cluster up $(BUILD)

cluster-down:
	@tools/cluster down

# Failure tests of that topology on a throw-away cluster of their own
# (tools/test-cluster): a server killed under write load, sessions and
# throttling across servers, PgBouncer restarted, the replica stopped, a
# failover. The short form (fewer writers and entries) is for make test.
test-cluster: deps build
	@tools/test-cluster $(BUILD)

test-cluster-short: build
	@tools/test-cluster --short $(BUILD)

include mk/fuzz.mk
include mk/reliability.mk

# Objects are real products, not intermediates to delete after linking.
.SECONDARY:

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
