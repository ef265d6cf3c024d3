# User-space build, one flavour per output directory $(B).
# Each part of the tree adds its programs in its own build.mk.

.DEFAULT_GOAL := all
include mk/version.mk
B ?= build
FLAVOR ?= normal

CC = gcc
# One release version (mk/version.mk) for every program and package.
CPPFLAGS = -Iinclude -D_GNU_SOURCE -DVCRYPTO_VERSION='"$(VERSION)"'
CFLAGS = -std=c11 -O2 -g -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	 -Wmissing-prototypes -Wformat=2 -Wvla -fno-strict-aliasing
LDFLAGS =
LDLIBS = -lcrypto -lpthread

ifeq ($(FLAVOR),san)
CFLAGS += -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
	  -fno-omit-frame-pointer
LDFLAGS += -fsanitize=address,undefined
endif
ifeq ($(FLAVOR),static)
LDFLAGS += -static
LDLIBS += -ldl
endif
ifeq ($(FLAVOR),fuzz)
CC = clang
CFLAGS := $(filter-out -Wformat=2,$(CFLAGS)) -O1 -fno-omit-frame-pointer \
	  -fsanitize=fuzzer-no-link,address,undefined
FUZZ_LDFLAGS = -fsanitize=fuzzer,address,undefined
endif

# A distribution's flags (packaging/debian/rules: dpkg-buildflags) come last.
CPPFLAGS += $(EXTRA_CPPFLAGS)
CFLAGS += $(EXTRA_CFLAGS)
LDFLAGS += $(EXTRA_LDFLAGS)

PROGS :=
FUZZERS :=

include lib/build.mk tests/build.mk
include $(sort $(wildcard chat/build.mk host/build.mk tests/*/build.mk bench/build.mk))

.PHONY: all fuzzers
all: $(PROGS)
fuzzers: $(FUZZERS)

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

# build/deb/ holds make deb's own tree (with its own build/): not ours.
# Only the object directories: build/ also holds build roots full of *.d.
-include $(shell find $(addprefix $(B)/,lib pic chat host tests bench) -name '*.d' -type f 2>/dev/null)
