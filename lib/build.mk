LIB_SRCS := lib/engine.c lib/openssl.c lib/cryptodev.c lib/util.c \
	    lib/x25519.c
LIBVCRYPTO := $(B)/libvcrypto.a

$(LIBVCRYPTO): $(LIB_SRCS:%.c=$(B)/%.o)
	@rm -f $@
	ar rcs $@ $^
PROGS += $(LIBVCRYPTO)

# The shared library, normal flavour only (the programs link the archive).
ifeq ($(FLAVOR),normal)
LIBVCRYPTO_SO := $(B)/$(LIB_REALNAME)

$(B)/pic/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -fPIC -MMD -MP -c -o $@ $<

$(LIBVCRYPTO_SO): $(LIB_SRCS:%.c=$(B)/pic/%.o) mk/libvcrypto.map
	$(CC) $(LDFLAGS) -shared -Wl,-soname,$(LIB_SONAME) -Wl,-z,defs \
		-Wl,--version-script=mk/libvcrypto.map -o $@ $(filter %.o,$^) \
		-lcrypto -lpthread
	ln -sf $(LIB_REALNAME) $(B)/$(LIB_SONAME)
	ln -sf $(LIB_SONAME) $(B)/libvcrypto.so
PROGS += $(LIBVCRYPTO_SO)
endif
