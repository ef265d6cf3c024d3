CHAT_SRCS := chat/main.c chat/server.c chat/client.c chat/session.c \
	     chat/conn.c chat/proto.c chat/lines.c chat/net.c chat/keyfile.c \
	     chat/notice.c chat/msgout.c chat/text.c chat/tty.c
CHAT_OBJS := $(CHAT_SRCS:%.c=$(B)/%.o)

# readline for the terminal (chat/tty.c); a static link names its
# terminfo library itself.
CHAT_LDLIBS := -lreadline
ifeq ($(FLAVOR),static)
CHAT_LDLIBS += -ltinfo
endif

PROGS += $(B)/vcrypto-chat
$(B)/vcrypto-chat: $(CHAT_OBJS) $(LIBVCRYPTO)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(CHAT_LDLIBS) $(LDLIBS)
