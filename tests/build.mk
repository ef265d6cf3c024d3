# The test library: report, rng, oracle (OpenSSL), cdev (cryptodev ioctls)
# and afalg (AF_ALG), one archive per flavour, linked into the test programs
# that use it (static ones in the guest too).
TESTLIB := $(B)/tests/libtest.a
TESTLIB_OBJS := $(addprefix $(B)/tests/,report.o rng.o oracle.o cdev.o afalg.o)

$(TESTLIB): $(TESTLIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^
