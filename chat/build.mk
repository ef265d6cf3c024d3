CHAT_SRCS := chat/main.c chat/server.c chat/client.c chat/session.c \
	     chat/conn.c chat/proto.c chat/lines.c chat/net.c chat/keyfile.c \
	     chat/notice.c
CHAT_OBJS := $(CHAT_SRCS:%.c=$(B)/%.o)
# The protocol without the program, for tests and fuzz targets.
CHAT_PROTO_OBJS := $(B)/chat/proto.o

PROGS += $(B)/vcrypto-chat
$(B)/vcrypto-chat: $(CHAT_OBJS) $(LIBVCRYPTO)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
