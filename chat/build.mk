CHAT_SRCS := chat/main.c chat/server.c chat/client.c chat/session.c \
	     chat/conn.c chat/proto.c chat/lines.c chat/net.c chat/keyfile.c \
	     chat/notice.c chat/msgout.c chat/text.c
CHAT_OBJS := $(CHAT_SRCS:%.c=$(B)/%.o)

PROGS += $(B)/vcrypto-chat
$(B)/vcrypto-chat: $(CHAT_OBJS) $(LIBVCRYPTO)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
