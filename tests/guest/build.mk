# In-guest tests of /dev/cryptodevN (run statically linked inside vm/run).
CDEV_TEST_OBJS := $(addprefix $(B)/tests/guest/,guest.o abi.o known.o data.o \
	errors.o sessions.o removal.o hash.o ciphers.o aead.o chain.o authenc.o async.o)

PROGS += $(B)/tests/cdev-abi

$(B)/tests/cdev-abi: $(CDEV_TEST_OBJS) $(TESTLIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

PROGS += $(B)/tests/pagend

$(B)/tests/pagend: $(B)/tests/guest/pagend.o $(TESTLIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
