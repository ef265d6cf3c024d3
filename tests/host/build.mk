# vcryptod's tests: unit tests over a fake guest, a vhost-user client,
# libFuzzer targets.
HOST_TEST_CORE := $(filter-out $(B)/host/main.o,$(VCRYPTOD_CORE_OBJS))

PROGS += $(B)/tests/vcryptod-unit
$(B)/tests/vcryptod-unit: $(B)/tests/host/unit.o $(B)/tests/host/fake_guest.o $(TESTLIB) \
		$(HOST_TEST_CORE) $(LIBVCRYPTO)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

PROGS += $(B)/tests/vcryptod-vhost-client
$(B)/tests/vcryptod-vhost-client: $(B)/tests/host/vhost_client.o $(TESTLIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

FUZZERS += $(B)/tests/fuzz-vcryptod-request $(B)/tests/fuzz-vcryptod-vhost \
	$(B)/tests/fuzz-vcryptod-session
$(B)/tests/fuzz-vcryptod-request: $(B)/tests/host/fuzz_request.o \
		$(B)/tests/host/fake_guest.o $(HOST_TEST_CORE) $(LIBVCRYPTO)
	@mkdir -p $(dir $@)
	$(CC) $(FUZZ_LDFLAGS) -o $@ $^ $(LDLIBS)
$(B)/tests/fuzz-vcryptod-vhost: $(B)/tests/host/fuzz_vhost.o $(HOST_TEST_CORE) \
		$(LIBVCRYPTO)
	@mkdir -p $(dir $@)
	$(CC) $(FUZZ_LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/tests/fuzz-vcryptod-session: $(B)/tests/host/fuzz_session.o \
		$(HOST_TEST_CORE) $(LIBVCRYPTO)
	@mkdir -p $(dir $@)
	$(CC) $(FUZZ_LDFLAGS) -o $@ $^ $(LDLIBS)

# AF_ALG checker/benchmark for Linux's own virtio_crypto driver (static copy
# runs in the guest).
PROGS += $(B)/tests/vcryptod-afalg
$(B)/tests/vcryptod-afalg: $(B)/tests/host/afalg.o $(TESTLIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# Load with fault tolerance for the kill/restart test (static copy in the guest).
PROGS += $(B)/tests/vcryptod-load
$(B)/tests/vcryptod-load: $(B)/tests/host/load.o $(TESTLIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# One file and session across a back-end restart (static copy in the guest).
PROGS += $(B)/tests/vcryptod-recover
$(B)/tests/vcryptod-recover: $(B)/tests/host/recover.o $(TESTLIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
