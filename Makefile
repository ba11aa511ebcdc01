# drtriage - hand-written Makefile.
#   make              build build/drtriage
#   make run          report on the bundled samples (installs what is missing)
#   make check        every test (installs what is missing, the format readers too)
#   make SANITIZE=1   the same under AddressSanitizer + UndefinedBehaviorSanitizer
#   make tsan         the unit tests and the -j tests under ThreadSanitizer
#   make bench        throughput and memory against a bare libcsv parse
#   make valgrind     end-to-end cases under valgrind
#   make check-dask   the Dask recipe of docs/scale.md on a local scheduler and two workers
#   make fuzz         libFuzzer harnesses for FUZZ_SECONDS each

CC      ?= cc
CFLAGS  ?= -O2 -g
STD      = -std=c11 -D_POSIX_C_SOURCE=200809L -DPCRE2_CODE_UNIT_WIDTH=8
WARN     = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2
# Recursively expanded on purpose: evaluated when a recipe runs, after `deps`.
PCRE_CFLAGS  = $(shell pkg-config --cflags libpcre2-8)
PCRE_LIBS    = $(shell pkg-config --libs libpcre2-8)
ARCHIVE_CFLAGS = $(shell pkg-config --cflags libarchive)
ARCHIVE_LIBS   = $(shell pkg-config --libs libarchive)
SQLITE_CFLAGS = $(shell pkg-config --cflags sqlite3)
SQLITE_LIBS   = $(shell pkg-config --libs sqlite3)
CHECK_CFLAGS = $(shell pkg-config --cflags check)
CHECK_LIBS   = $(shell pkg-config --libs check)
XLSX_CFLAGS  = $(shell pkg-config --cflags xlsxwriter)
XLSX_LIBS    = $(shell pkg-config --libs xlsxwriter)
LIBS         = -lcsv $(PCRE_LIBS) $(XLSX_LIBS) $(ARCHIVE_LIBS) $(SQLITE_LIBS) -lm -pthread

# Link-time optimisation inlines the per-row calls across stages (reader ->
# classify -> aggregate): about 3% of throughput in `make bench`. GCC's form;
# with clang (`make CC=clang`) thin LTO.
ifneq ($(findstring clang,$(notdir $(CC))),)
LTO_FLAGS = -flto=thin
else
LTO_FLAGS = -flto=auto
endif

ifeq ($(SANITIZE),1)
BUILD   = build/san
SANFLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
LTO      =
else ifeq ($(SANITIZE),thread)
BUILD   = build/tsan
SANFLAGS = -fsanitize=thread -fno-omit-frame-pointer
LTO      =
else
BUILD   = build
SANFLAGS =
LTO      = $(LTO_FLAGS)
endif

# `make V=1` shows every command; otherwise one line per file.
ifeq ($(V),1)
Q =
else
Q = @
endif

ALL_CFLAGS = $(STD) $(WARN) $(CFLAGS) $(SANFLAGS) $(LTO) -pthread -Iinclude -I$(BUILD)/gen $(PCRE_CFLAGS) $(XLSX_CFLAGS) $(ARCHIVE_CFLAGS) $(SQLITE_CFLAGS) -MMD -MP

# One folder per stage with several files (core/, rules/, writers/, ...);
# src/main.c and src/cli/ are the command line, everything else the library.
ALL_SRC  = $(wildcard src/*.c src/*/*.c)
CLI_SRC  = src/main.c $(wildcard src/cli/*.c)
LIB_SRC  = $(filter-out $(CLI_SRC),$(ALL_SRC))
CLI_OBJ  = $(CLI_SRC:src/%.c=$(BUILD)/obj/%.o)
LIB_OBJ  = $(LIB_SRC:src/%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/rules_embedded.o \
           $(BUILD)/obj/assets_embedded.o
RULES    = $(sort $(wildcard rules/*.rules))
ASSETS   = $(sort $(wildcard assets/*))
TEST_SRC = $(wildcard tests/unit/*.c)
TEST_OBJ = $(TEST_SRC:tests/unit/%.c=$(BUILD)/test-obj/%.o)

.PHONY: all deps test-deps run check check-unit check-cases check-cli check-parallel check-formats \
        check-store check-install check-dask bench valgrind tsan fuzz fuzz-deps install uninstall \
        clean
.DEFAULT_GOAL := all

all: $(BUILD)/drtriage

deps:
	@scripts/install-deps

# What the tests need beside the build: Check, jq, groff, the real readers of the
# report formats (Chromium, openpyxl, cmark-gfm, promtool), sqlite3 to check stores and
# systemd-analyze to check docs/cron.md's units.
test-deps: deps
	@scripts/install-deps --test

$(BUILD)/obj $(BUILD)/test-obj $(BUILD)/gen $(BUILD)/tools:
	@mkdir -p $@

$(BUILD)/obj/%.o: src/%.c | deps $(BUILD)/obj
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/obj/%_embedded.o: $(BUILD)/gen/%_embedded.c | deps $(BUILD)/obj
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

# The rules/ and assets/ directories are compiled into the binary; never edit the output.
$(BUILD)/gen/rules_embedded.c: $(RULES) build/tools/embed | $(BUILD)/gen
	build/tools/embed $@ $(RULES)

$(BUILD)/gen/assets_embedded.c: $(ASSETS) build/tools/embed | $(BUILD)/gen
	build/tools/embed -n dt_embedded_assets $@ $(ASSETS)

build/tools/embed: scripts/embed.c | deps
	@mkdir -p build/tools
	$(CC) $(STD) $(WARN) -O2 $< -o $@

# The library's objects are linked directly (no archive: object names repeat
# across folders, as writers/json.c and core/json.c).
$(BUILD)/drtriage: $(CLI_OBJ) $(LIB_OBJ)
	@echo "  LINK    $@"
	$(Q)$(CC) $(CFLAGS) $(SANFLAGS) $(LTO) $^ $(LIBS) -o $@

# Tools for tests and benchmarks (not part of the product).
build/gen-export: scripts/gen-export.c | deps
	@mkdir -p build
	$(CC) $(STD) $(WARN) -O2 $< -o $@ -lm

build/csv-baseline: scripts/csv-baseline.c | deps
	@mkdir -p build
	$(CC) $(STD) $(WARN) -O2 $< -o $@ -lcsv

build/measure: scripts/measure.c | deps
	@mkdir -p build
	$(CC) $(STD) $(WARN) -O2 $< -o $@

# A year of a large tenant's history store, made through the store's ingest (make bench).
build/store-bench: scripts/store-bench.c $(LIB_OBJ) | deps
	@mkdir -p build
	$(CC) $(ALL_CFLAGS) $< $(LIB_OBJ) $(LIBS) -o $@

build/chunk-feed: tests/chunk-feed.c | deps
	@mkdir -p build
	$(CC) $(STD) $(WARN) -O2 $< -o $@

# LD_PRELOAD shim failing the Nth allocation (tests/alloc-failure.sh); not
# under the sanitizers, which replace the allocator.
build/failmalloc.so: tests/failmalloc.c | deps
	@mkdir -p build
	$(CC) $(STD) $(WARN) -O2 -shared -fPIC $< -o $@

build/gen-archive: tests/gen-archive.c tests/unit/archive_fixture.c tests/unit/archive_fixture.h | deps
	@mkdir -p build
	$(CC) $(STD) $(WARN) -O2 $(ARCHIVE_CFLAGS) -Itests/unit tests/gen-archive.c \
	    tests/unit/archive_fixture.c -o $@ $(ARCHIVE_LIBS)

$(BUILD)/test-obj/%.o: tests/unit/%.c | test-deps $(BUILD)/test-obj
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) -Wno-missing-prototypes -c $< -o $@

$(BUILD)/check_drtriage: $(TEST_OBJ) $(LIB_OBJ)
	@echo "  LINK    $@"
	$(Q)$(CC) $(CFLAGS) $(SANFLAGS) $(LTO) $^ $(LIBS) $(CHECK_LIBS) -o $@

run: $(BUILD)/drtriage
	$(BUILD)/drtriage samples/*.csv

check: check-unit check-cases check-cli check-parallel check-formats check-store check-install

check-unit: $(BUILD)/check_drtriage
	CK_VERBOSITY=normal $(BUILD)/check_drtriage

check-cases: $(BUILD)/drtriage build/measure build/gen-archive | test-deps
	DRTRIAGE=$(BUILD)/drtriage tests/run-cases
	DRTRIAGE=$(BUILD)/drtriage SANITIZE=$(SANITIZE) tests/run-bad

ifeq ($(SANITIZE),1)
FAILMALLOC =
else
FAILMALLOC = build/failmalloc.so
endif

check-cli: $(BUILD)/drtriage build/gen-export build/chunk-feed build/measure $(FAILMALLOC) \
           build/gen-archive | test-deps
	DRTRIAGE=$(BUILD)/drtriage tests/cli.sh
	DRTRIAGE=$(BUILD)/drtriage tests/cli-archive.sh
	DRTRIAGE=$(BUILD)/drtriage tests/stream.sh
	DRTRIAGE=$(BUILD)/drtriage SANITIZE=$(SANITIZE) tests/dates.sh
	DRTRIAGE=$(BUILD)/drtriage SANITIZE=$(SANITIZE) tests/limits.sh
	DRTRIAGE=$(BUILD)/drtriage tests/output-safety.sh
	DRTRIAGE=$(BUILD)/drtriage tests/gates.sh
	DRTRIAGE=$(BUILD)/drtriage tests/cli-explain.sh
	DRTRIAGE=$(BUILD)/drtriage tests/cli-rules.sh
	DRTRIAGE=$(BUILD)/drtriage tests/cli-dedupe.sh
	DRTRIAGE=$(BUILD)/drtriage tests/metrics.sh
	DRTRIAGE=$(BUILD)/drtriage SANITIZE=$(SANITIZE) tests/rows.sh
	DRTRIAGE=$(BUILD)/drtriage tests/state.sh
	DRTRIAGE=$(BUILD)/drtriage tests/scale.sh
	DRTRIAGE=$(BUILD)/drtriage tests/man.sh
	DRTRIAGE=$(BUILD)/drtriage SANITIZE=$(SANITIZE) tests/alloc-failure.sh

# -j: every golden case, bad input and large generated exports at -j1, -j2,
# -j3 and -j8 compared byte for byte (unzip reads the .xlsx parts).
check-parallel: $(BUILD)/drtriage build/gen-export build/gen-archive
	@DRTRIAGE_EXTRA_PKGS=unzip scripts/install-deps
	DRTRIAGE=$(BUILD)/drtriage tests/parallel.sh

# ThreadSanitizer over the unit tests (threads sharing the code table) and the
# -j tests, in build/tsan/. Not part of `make check` (slow); any report fails.
tsan:
	$(MAKE) SANITIZE=thread build/tsan/drtriage build/tsan/check_drtriage build/gen-export \
	    build/gen-archive
	TSAN_OPTIONS="halt_on_error=1 exitcode=66" CK_TIMEOUT_MULTIPLIER=10 CK_VERBOSITY=silent \
	    build/tsan/check_drtriage
	DRTRIAGE_EXTRA_PKGS=unzip scripts/install-deps
	TSAN_OPTIONS="halt_on_error=1 exitcode=66" DRTRIAGE=build/tsan/drtriage tests/parallel.sh

# Installing, as a packager would: make install PREFIX=/usr DESTDIR=/tmp/pkg
PREFIX  ?= /usr/local
BINDIR   = $(PREFIX)/bin
MANDIR   = $(PREFIX)/share/man/man1
DOCDIR   = $(PREFIX)/share/doc/drtriage
BASHDIR  = $(PREFIX)/share/bash-completion/completions
ZSHDIR   = $(PREFIX)/share/zsh/site-functions
DOCS     = README.md $(wildcard docs/*.md)
INSTALLED = $(BINDIR)/drtriage $(MANDIR)/drtriage.1 $(BASHDIR)/drtriage $(ZSHDIR)/_drtriage \
            $(addprefix $(DOCDIR)/,$(notdir $(DOCS)))

install: build/drtriage
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR) $(DESTDIR)$(DOCDIR) \
	    $(DESTDIR)$(BASHDIR) $(DESTDIR)$(ZSHDIR)
	install -m 0755 build/drtriage $(DESTDIR)$(BINDIR)/drtriage
	install -m 0644 docs/drtriage.1 $(DESTDIR)$(MANDIR)/drtriage.1
	install -m 0644 $(DOCS) $(DESTDIR)$(DOCDIR)/
	install -m 0644 scripts/completions/drtriage.bash $(DESTDIR)$(BASHDIR)/drtriage
	install -m 0644 scripts/completions/_drtriage $(DESTDIR)$(ZSHDIR)/_drtriage

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	-rmdir $(DESTDIR)$(DOCDIR) 2>/dev/null

check-install: build/drtriage
	@DRTRIAGE_EXTRA_PKGS="zsh man-db" scripts/install-deps
	tests/install.sh

# The history store end to end: ingest, report --db, history, trend, cron.
check-store: $(BUILD)/drtriage build/gen-export build/gen-archive | test-deps
	DRTRIAGE=$(BUILD)/drtriage tests/store.sh
	DRTRIAGE=$(BUILD)/drtriage tests/run-trend-cases
	DRTRIAGE=$(BUILD)/drtriage tests/cron.sh

# Every format read back by a real reader; screenshots of the sample report in build/.
check-formats: $(BUILD)/drtriage build/gen-archive | test-deps
	DRTRIAGE=$(BUILD)/drtriage tests/formats.sh

# docs/scale.md's Dask recipe on a scheduler and two workers started here (and
# stopped, also on failure); installs python3-distributed when missing.
check-dask: build/drtriage build/gen-export
	DRTRIAGE=build/drtriage tests/dask/check.sh

bench: build/drtriage build/gen-export build/csv-baseline build/measure build/store-bench
	scripts/bench
	scripts/bench-store

# Every golden case and sample under valgrind: any memory error or leak fails.
valgrind: build/drtriage build/gen-archive
	@DRTRIAGE_EXTRA_PKGS=valgrind scripts/install-deps
	DRTRIAGE=build/drtriage tests/valgrind.sh

# libFuzzer harnesses (tests/fuzz/): the library compiled again with clang,
# coverage and ASan+UBSan, into build/fuzz/. `make fuzz FUZZ_SECONDS=N`.
FUZZ_SECONDS ?= 60
FUZZ_CC      = clang
FUZZ_SAN     = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS  = $(STD) $(WARN) -g -O1 $(FUZZ_SAN) -pthread -Iinclude -Ibuild/gen $(PCRE_CFLAGS) $(XLSX_CFLAGS) \
               $(ARCHIVE_CFLAGS) $(SQLITE_CFLAGS) -MMD -MP
FUZZ_OBJ     = $(LIB_SRC:src/%.c=build/fuzz/obj/%.o) build/fuzz/obj/rules_embedded.o \
               build/fuzz/obj/assets_embedded.o
FUZZ_BINS    = build/fuzz/fuzz_pipeline build/fuzz/fuzz_rules build/fuzz/fuzz_gates \
               build/fuzz/fuzz_filter build/fuzz/fuzz_date build/fuzz/fuzz_archive \
               build/fuzz/fuzz_state build/fuzz/fuzz_cutoff build/fuzz/fuzz_seconds

build/fuzz/obj/%.o: src/%.c | fuzz-deps
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

build/fuzz/obj/%_embedded.o: build/gen/%_embedded.c | fuzz-deps
	@mkdir -p build/fuzz/obj
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_common.c $(FUZZ_OBJ) | fuzz-deps
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Itests/fuzz -fsanitize=fuzzer $< tests/fuzz/fuzz_common.c \
	    $(FUZZ_OBJ) $(LIBS) -o $@

fuzz-deps: deps
	@DRTRIAGE_EXTRA_PKGS="clang libclang-rt-14-dev" scripts/install-deps

fuzz: $(FUZZ_BINS) build/gen-archive build/drtriage
	FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run

clean:
	rm -rf build

-include $(wildcard $(BUILD)/obj/*.d $(BUILD)/obj/*/*.d $(BUILD)/test-obj/*.d build/fuzz/obj/*.d \
                   build/fuzz/obj/*/*.d)
