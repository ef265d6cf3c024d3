# Benchmark programs (static copies run in the guest: vm/run puts
# build/static/bench/* on its PATH).
PROGS += $(B)/bench/cdev-speed

$(B)/bench/cdev-speed: $(B)/bench/cdev-speed.o $(TESTLIB) $(LIBVCRYPTO)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
