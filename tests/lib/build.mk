LIBTEST_COMMON := $(B)/tests/lib/testlib.o

PROGS += $(B)/tests/vectors $(B)/tests/roundtrip $(B)/tests/errors

$(B)/tests/vectors $(B)/tests/roundtrip $(B)/tests/errors: \
		$(B)/tests/%: $(B)/tests/lib/%.o $(LIBTEST_COMMON) $(TESTLIB) $(LIBVCRYPTO)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The test programs' own library, checked (tests/lib/03-test-library).
PROGS += $(B)/tests/test-library
$(B)/tests/test-library: $(B)/tests/lib/selftest.o $(TESTLIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
