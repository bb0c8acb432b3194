# kb - knowledge-base and FAQ search for customer-service desks.
#
#   make            build build/kb-index, build/kb-search, build/kb-assistant
#   make run        install what is missing, build, index kb/, open the assistant
#   make test       install what is missing, build, run every test (then again
#                   under AddressSanitizer + UBSan); ends "N passed, N failed, N skipped"
#   make asan       build with AddressSanitizer and UBSan into build-asan/
#   make tsan       build with ThreadSanitizer into build-tsan/
#   make eval       relevance figures on tests/relevance/ (KB_DIR=... scores
#                   another KB folder, e.g. an editor's edited copy)
#   make bench      benchmarks against the peers -> tests/bench/RESULTS.md
#   make bench-quick  the everyday subset (under a minute)
#   make fuzz       run every fuzz target for FUZZ_SECONDS each
#   make install    PREFIX=/usr/local: programs, man pages, libkb (headers,
#                   static and shared library, kb.pc for pkg-config)
#   make format     clang-format the C sources
#
# Quiet unless V=1.

BUILDDIR ?= build
PREFIX ?= /usr/local
VERSION := $(shell sed -n 's/^#define KB_VERSION "\(.*\)"/\1/p' include/kb/version.h)
SOVERSION := 0
DESTDIR ?=
KB_DIR ?= kb
SANITIZE ?=
FUZZ_SECONDS ?= 180

PKGS := xapian-core libcmark libcjson yaml-0.1 readline libmicrohttpd
# Debian 12's readline has no .pc file in every release; fall back to -lreadline.
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo "-lxapian -lcmark -lcjson -lyaml -lreadline -lmicrohttpd")
# libunistring (Unicode normalisation, lib/base/normalize.c) has no .pc file.
PKG_LIBS += -lunistring
# liblinear (the model learned from officers' marks, lib/index/model.c) has none either.
PKG_LIBS += -llinear

CC ?= cc
CXX ?= c++
OPT ?= -O2
WARN := -Wall -Wextra -Werror -Wformat=2 -Wformat-security -Wshadow -Wvla
CPPFLAGS += -Iinclude -Ilib -I$(BUILDDIR)/gen -D_GNU_SOURCE $(PKG_CFLAGS)
CFLAGS ?= $(OPT) -g
CXXFLAGS ?= $(OPT) -g
KB_CFLAGS := -std=c11 $(WARN) -fPIC -fvisibility=hidden -MMD -MP
KB_CXXFLAGS := -std=c++17 $(WARN) -fPIC -fvisibility=hidden -MMD -MP
LDLIBS += $(PKG_LIBS) -lm

ifeq ($(SANITIZE),1)
SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
endif
ifeq ($(SANITIZE),thread)
SAN := -fsanitize=thread
endif
ifneq ($(SAN),)
KB_CFLAGS += $(SAN)
KB_CXXFLAGS += $(SAN)
LDFLAGS += $(SAN)
OPT := -O1
endif

ifeq ($(V),1)
Q :=
else
Q := @
endif

# libkb: the layers under lib/ (docs/ARCHITECTURE.md), nothing else.
LIB_C := $(wildcard lib/*/*.c)
LIB_CXX := $(wildcard lib/*/*.cc)
LIB_OBJ := $(LIB_C:%.c=$(BUILDDIR)/%.o) $(LIB_CXX:%.cc=$(BUILDDIR)/%.o)

SEARCH_OBJ := $(patsubst %.c,$(BUILDDIR)/%.o,$(wildcard search/*.c))
INDEX_OBJ := $(patsubst %.c,$(BUILDDIR)/%.o,$(wildcard indexer/*.c))
ASSIST_OBJ := $(patsubst %.c,$(BUILDDIR)/%.o,$(wildcard assistant/*.c))

UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILDDIR)/tests/%)
TOOL_SRC := $(wildcard tests/tools/*.c)
TOOL_BIN := $(TOOL_SRC:tests/tools/%.c=$(BUILDDIR)/tests/%)

PROGRAMS := $(BUILDDIR)/kb-index $(BUILDDIR)/kb-search $(BUILDDIR)/kb-assistant

.PHONY: all deps deps-test run test tests check asan tsan eval bench bench-quick fuzz install clean format
.DEFAULT_GOAL := all

all: $(PROGRAMS) $(BUILDDIR)/libkb.a $(BUILDDIR)/libkb.so

deps:
	$(Q)scripts/deps.sh build

deps-test:
	$(Q)scripts/deps.sh test

$(BUILDDIR)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) $(KB_CFLAGS) $(CFLAGS) -c $< -o $@

$(BUILDDIR)/%.o: %.cc
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CXX     $<")
	$(Q)$(CXX) $(CPPFLAGS) $(KB_CXXFLAGS) $(CXXFLAGS) -c $< -o $@

# Files served from inside the binary (lib/serve/assets.c): each becomes a
# list of bytes, with od and sed (no tool beyond coreutils).
$(BUILDDIR)/gen/%.inc:
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  GEN     $@")
	$(Q)od -An -v -tx1 $< | sed -e 's/ \([0-9a-f][0-9a-f]\)/0x\1,/g' >$@.tmp && mv $@.tmp $@
$(BUILDDIR)/gen/panel.html.inc: lib/serve/panel.html
$(BUILDDIR)/gen/openapi.json.inc: docs/openapi.json
$(BUILDDIR)/lib/serve/assets.o: $(BUILDDIR)/gen/panel.html.inc $(BUILDDIR)/gen/openapi.json.inc

$(BUILDDIR)/libkb.a: $(LIB_OBJ)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

# The shared library exports the public API (include/kb/, KB_API) and
# nothing else: no binding, no base helpers, no Xapian inlines.
$(BUILDDIR)/libkb.so: $(LIB_OBJ) lib/libkb.map
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CXX) -shared $(LDFLAGS) -Wl,--version-script=lib/libkb.map -Wl,-soname,libkb.so.$(SOVERSION) -o $@ $(LIB_OBJ) $(LDLIBS)

# pkg-config's description of the installed library.
$(BUILDDIR)/kb.pc: Makefile
	@mkdir -p $(dir $@)
	@printf '%s\n' 'prefix=$(PREFIX)' 'includedir=$${prefix}/include' 'libdir=$${prefix}/lib' '' \
	    'Name: kb' 'Description: knowledge-base and FAQ search for customer-service desks' \
	    'Version: $(VERSION)' 'Requires: libcjson' 'Requires.private: $(PKGS)' \
	    'Cflags: -I$${includedir}' 'Libs: -L$${libdir} -lkb' 'Libs.private: -lunistring -llinear' >$@

$(BUILDDIR)/kb-search: $(SEARCH_OBJ) $(BUILDDIR)/libkb.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CXX) $(LDFLAGS) -o $@ $(SEARCH_OBJ) $(BUILDDIR)/libkb.a $(LDLIBS)

$(BUILDDIR)/kb-index: $(INDEX_OBJ) $(BUILDDIR)/libkb.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CXX) $(LDFLAGS) -o $@ $(INDEX_OBJ) $(BUILDDIR)/libkb.a $(LDLIBS) -lpthread

$(BUILDDIR)/kb-assistant: $(ASSIST_OBJ) $(BUILDDIR)/libkb.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CXX) $(LDFLAGS) -o $@ $(ASSIST_OBJ) $(BUILDDIR)/libkb.a $(LDLIBS)

$(BUILDDIR)/tests/%: tests/unit/%.c tests/unit/harness.h $(BUILDDIR)/libkb.a
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  TEST    $@")
	$(Q)$(CC) $(CPPFLAGS) -Itests/unit $(KB_CFLAGS) $(CFLAGS) -o $@ $< $(BUILDDIR)/libkb.a $(LDFLAGS) $(LDLIBS) -lstdc++ -lpthread

$(BUILDDIR)/tests/%: tests/tools/%.c $(BUILDDIR)/libkb.a
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  TOOL    $@")
	$(Q)$(CC) $(CPPFLAGS) $(KB_CFLAGS) $(CFLAGS) -o $@ $< $(BUILDDIR)/libkb.a $(LDFLAGS) $(LDLIBS) -lstdc++ -lpthread

# Run the suite against one build directory (no deps step, no rebuild of
# the other flavour).
check: all $(UNIT_BIN) $(TOOL_BIN)
	$(Q)BUILDDIR=$(BUILDDIR) tests/run.sh

tests: $(UNIT_BIN) $(TOOL_BIN)

test: deps-test
	$(Q)$(MAKE) --no-print-directory all tests
	$(Q)$(MAKE) --no-print-directory BUILDDIR=build-asan SANITIZE=1 all tests
	$(Q)$(MAKE) --no-print-directory BUILDDIR=build-tsan SANITIZE=thread build-tsan/kb-index
	$(Q)tests/run-all.sh

asan:
	$(Q)$(MAKE) --no-print-directory BUILDDIR=build-asan SANITIZE=1 all

tsan:
	$(Q)$(MAKE) --no-print-directory BUILDDIR=build-tsan SANITIZE=thread all

run: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)$(BUILDDIR)/kb-index $(KB_DIR)
	$(Q)$(BUILDDIR)/kb-assistant

eval: all
	$(Q)KB_DIR=$(KB_DIR) tests/relevance/eval.sh $(BUILDDIR)

bench:
	$(Q)scripts/deps.sh bench
	$(Q)$(MAKE) --no-print-directory all $(TOOL_BIN)
	$(Q)tests/bench/run.sh full

bench-quick:
	$(Q)scripts/deps.sh bench
	$(Q)$(MAKE) --no-print-directory all $(TOOL_BIN)
	$(Q)tests/bench/run.sh quick

fuzz: deps-test
	$(Q)tests/fuzz/run.sh $(FUZZ_SECONDS)

install: all $(BUILDDIR)/kb.pc
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	    $(DESTDIR)$(PREFIX)/include/kb $(DESTDIR)$(PREFIX)/lib/pkgconfig
	install -m 0755 $(PROGRAMS) $(DESTDIR)$(PREFIX)/bin/
	install -m 0644 man/kb-index.1 man/kb-search.1 man/kb-assistant.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 0644 include/kb/*.h $(DESTDIR)$(PREFIX)/include/kb/
	install -m 0644 $(BUILDDIR)/libkb.a $(DESTDIR)$(PREFIX)/lib/
	install -m 0755 $(BUILDDIR)/libkb.so $(DESTDIR)$(PREFIX)/lib/libkb.so.$(SOVERSION)
	ln -sf libkb.so.$(SOVERSION) $(DESTDIR)$(PREFIX)/lib/libkb.so
	install -m 0644 $(BUILDDIR)/kb.pc $(DESTDIR)$(PREFIX)/lib/pkgconfig/

format:
	clang-format -i include/kb/*.h lib/*/*.[ch] lib/*/*.cc search/*.c indexer/*.[ch] assistant/*.[ch] tests/unit/*.c tests/tools/*.c

clean:
	rm -rf build build-asan build-tsan build-fuzz

-include $(shell find $(BUILDDIR) -name '*.d' 2>/dev/null)
