# fuzz.mk - build the libFuzzer targets into build-fuzz/ (run from the top
# of the tree; tests/fuzz/run.sh and tests/e2e/fuzz-smoke.sh call it):
#
#   make -f tests/fuzz/fuzz.mk -j2 [TARGETS="article serve query"]
#
# libkb is compiled with clang, coverage instrumentation for libFuzzer
# (-fsanitize=fuzzer-no-link) and ASan + UBSan; each target links it with
# libFuzzer's main.  Objects and dependency files stay in build-fuzz/, so
# a second build only recompiles what changed.  Quiet unless V=1.

FUZZ_DIR ?= build-fuzz
FUZZ_CC ?= clang
FUZZ_CXX ?= clang++
TARGETS ?= article serve query

PKGS := xapian-core libcmark libcjson yaml-0.1 libmicrohttpd
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo "-lxapian -lcmark -lcjson -lyaml -lmicrohttpd")
# libunistring (lib/base/normalize.c) has no .pc file.
PKG_LIBS += -lunistring
# liblinear (lib/index/model.c) has none either.
PKG_LIBS += -llinear

# UBSan findings abort (a crash the fuzzer keeps), as in the asan build.
SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
COMMON := -g -O1 -Iinclude -Ilib -I$(FUZZ_DIR)/gen -D_GNU_SOURCE $(PKG_CFLAGS) -MMD -MP -Wall -Wextra
LIB_CFLAGS := -std=c11 $(COMMON) $(SAN) -fsanitize=fuzzer-no-link
LIB_CXXFLAGS := -std=c++17 $(COMMON) $(SAN) -fsanitize=fuzzer-no-link
TGT_CFLAGS := -std=c11 $(COMMON) $(SAN) -fsanitize=fuzzer -Itests/fuzz -DKB_FUZZ_TOP='"$(CURDIR)"'
LDFLAGS := $(SAN) -fsanitize=fuzzer

# libkb: the layers under lib/, as in the Makefile.
LIB_C := $(wildcard lib/*/*.c)
LIB_CXX := $(wildcard lib/*/*.cc)
LIB_OBJ := $(LIB_C:%.c=$(FUZZ_DIR)/obj/%.o) $(LIB_CXX:%.cc=$(FUZZ_DIR)/obj/%.o)
HELPER_OBJ := $(FUZZ_DIR)/obj/tests/fuzz/fuzz_common.o
BINS := $(TARGETS:%=$(FUZZ_DIR)/fuzz-%)

ifeq ($(V),1)
Q :=
else
Q := @
endif

.PHONY: all
all: $(BINS)

$(FUZZ_DIR)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(FUZZ_CC) $(LIB_CFLAGS) -c $< -o $@

$(FUZZ_DIR)/obj/%.o: %.cc
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CXX     $<")
	$(Q)$(FUZZ_CXX) $(LIB_CXXFLAGS) -c $< -o $@

$(FUZZ_DIR)/obj/tests/fuzz/%.o: tests/fuzz/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(FUZZ_CC) $(TGT_CFLAGS) -c $< -o $@

# The files lib/serve/assets.c embeds, as in the Makefile.
$(FUZZ_DIR)/gen/%.inc:
	@mkdir -p $(dir $@)
	$(Q)od -An -v -tx1 $< | sed -e 's/ \([0-9a-f][0-9a-f]\)/0x\1,/g' >$@.tmp && mv $@.tmp $@
$(FUZZ_DIR)/gen/panel.html.inc: lib/serve/panel.html
$(FUZZ_DIR)/gen/openapi.json.inc: docs/openapi.json
$(FUZZ_DIR)/obj/lib/serve/assets.o: $(FUZZ_DIR)/gen/panel.html.inc $(FUZZ_DIR)/gen/openapi.json.inc

$(FUZZ_DIR)/libkb-fuzz.a: $(LIB_OBJ)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

$(FUZZ_DIR)/fuzz-%: $(FUZZ_DIR)/obj/tests/fuzz/fuzz_%.o $(HELPER_OBJ) $(FUZZ_DIR)/libkb-fuzz.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(FUZZ_CXX) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) -lm -lpthread

.SECONDARY:

-include $(shell find $(FUZZ_DIR)/obj -name '*.d' 2>/dev/null)
