LIB_SRCS := lib/engine.c lib/openssl.c lib/cryptodev.c lib/util.c \
	    lib/x25519.c
LIBVCRYPTO := $(B)/libvcrypto.a

$(LIBVCRYPTO): $(LIB_SRCS:%.c=$(B)/%.o)
	@rm -f $@
	ar rcs $@ $^
PROGS += $(LIBVCRYPTO)
