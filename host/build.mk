# vcryptod, the vhost-user back-end, and its fuzz targets.
VCRYPTOD_CORE := host/log.c host/stats.c host/signals.c host/memory.c \
	host/vring.c host/sym_session.c host/inplace.c host/request.c host/workers.c \
	host/device.c host/vhost_user.c host/vu_conn.c host/vu_io.c
VCRYPTOD_CORE_OBJS := $(VCRYPTOD_CORE:%.c=$(B)/%.o)

PROGS += $(B)/vcryptod
$(B)/vcryptod: $(B)/host/main.o $(B)/host/activation.o $(VCRYPTOD_CORE_OBJS) \
		$(LIBVCRYPTO)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
