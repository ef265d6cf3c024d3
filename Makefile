# vcrypto: `make` builds everything, `make test` runs every test,
# `make demo` runs the whole system, `make bench` runs the benchmarks,
# `make test-compat` runs the compatibility matrix (other kernels, QEMU 10.0, DKMS).
# User-space flavours are built out of tree by mk/user.mk:
#   build/         normal (dynamic, -O2)
#   build/san/     ASan + UBSan, for the test suite
#   build/static/  static binaries for the guest
#   build/fuzz/    libFuzzer targets (clang)
# The guest's module is built by guest/Makefile (Kbuild), for KVER (default:
# the newest installed kernel) in build/module/KVER/.

MAKEFLAGS += --no-print-directory
USER_MK = $(MAKE) -f mk/user.mk

.PHONY: all user san static fuzz fuzz-long module test test-compat demo bench deps clean \
	install uninstall deb

all: user static module

deps:
	@scripts/deps build

user: deps
	+@$(USER_MK) B=build

san: deps
	+@$(USER_MK) B=build/san FLAVOR=san

static: deps
	+@$(USER_MK) B=build/static FLAVOR=static

fuzz:
	@scripts/deps build test
	+@$(USER_MK) B=build/fuzz FLAVOR=fuzz fuzzers

# Every fuzz target for FUZZ_LONG_SECONDS each; keeps the minimised corpus.
fuzz-long: fuzz
	@mk/fuzz-long.sh

module:
	@scripts/deps build kmod
	+@$(MAKE) -C guest

test:
	@scripts/deps build test vm install
	+@$(MAKE) all san fuzz
	@tests/run

test-compat:
	@scripts/deps build test vm compat
	+@$(MAKE) all
	@tests/run compat

demo:
	@scripts/deps build vm
	+@$(MAKE) all
	@scripts/demo

bench:
	@scripts/deps build vm bench
	+@$(MAKE) all
	@bench/run

# make install PREFIX=/usr DESTDIR=...: see mk/install.mk for the layout.
install: user
	+@$(MAKE) -f mk/install.mk B=build install

uninstall:
	+@$(MAKE) -f mk/install.mk B=build uninstall

# Debian source and binary packages in build/deb/ (packaging/make-deb).
deb:
	@scripts/deps build install
	@packaging/make-deb

clean:
	rm -rf build
