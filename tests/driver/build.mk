# Guest programs of the driver suite (static copies run in the guest).
PROGS += $(B)/tests/driver-check

$(B)/tests/driver-check: $(B)/tests/driver/driver-check.o $(TESTLIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

PROGS += $(B)/tests/driver-abuse
$(B)/tests/driver-abuse: $(B)/tests/driver/driver-abuse.o $(TESTLIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

PROGS += $(B)/tests/driver-kapi
$(B)/tests/driver-kapi: $(B)/tests/driver/kapi.o $(TESTLIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
