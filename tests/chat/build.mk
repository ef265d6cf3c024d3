PROGS += $(B)/tests/chat-relay $(B)/tests/chat-proto $(B)/tests/chat-decrypt \
	 $(B)/tests/chat-peer
FUZZERS += $(B)/tests/fuzz-chat-frame

$(B)/tests/chat-relay: $(B)/tests/chat/relay.o
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^

$(B)/tests/chat-proto: $(B)/tests/chat/proto-test.o $(B)/chat/proto.o \
		$(B)/chat/lines.o $(B)/chat/text.o $(TESTLIB) $(LIBVCRYPTO)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/tests/chat-decrypt: $(B)/tests/chat/decrypt.o $(B)/chat/proto.o \
		$(LIBVCRYPTO)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/tests/chat-peer: $(B)/tests/chat/peer.o $(B)/chat/session.o \
		$(B)/chat/conn.o $(B)/chat/proto.o $(LIBVCRYPTO)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/tests/fuzz-chat-frame: $(B)/tests/chat/fuzz-frame.o $(B)/chat/proto.o \
		$(LIBVCRYPTO)
	@mkdir -p $(dir $@)
	$(CC) $(FUZZ_LDFLAGS) -o $@ $^ $(LDLIBS)
