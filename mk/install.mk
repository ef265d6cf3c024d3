# make install / uninstall: the FHS layout, Debian's habits. Invoked by the
# top Makefile after the normal build; DESTDIR and the directories below can
# be set on the command line (PREFIX=/usr for a system install).
.DEFAULT_GOAL := install
include mk/version.mk
B := build
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
LIBEXECDIR ?= $(PREFIX)/libexec
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
DATADIR ?= $(PREFIX)/share
MANDIR ?= $(DATADIR)/man
SYSCONFDIR ?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)
UNITDIR ?= $(PREFIX)/lib/systemd/system
DKMSDIR ?= $(PREFIX)/src/virtio_cryptodev-$(VERSION)
G := $(B)/packaging

# Each installed file as DEST|SOURCE|MODE; uninstall removes exactly these.
FILES := \
	$(BINDIR)/vcrypto-chat|$(B)/vcrypto-chat|755 \
	$(LIBEXECDIR)/vcryptod|$(B)/vcryptod|755 \
	$(LIBDIR)/$(LIB_REALNAME)|$(B)/$(LIB_REALNAME)|644 \
	$(LIBDIR)/libvcrypto.a|$(B)/libvcrypto.a|644 \
	$(LIBDIR)/pkgconfig/libvcrypto.pc|$(G)/libvcrypto.pc|644 \
	$(INCLUDEDIR)/vcrypto/vcrypto.h|include/vcrypto/vcrypto.h|644 \
	$(INCLUDEDIR)/vcrypto/cryptodev.h|include/vcrypto/cryptodev.h|644 \
	$(MANDIR)/man1/vcrypto-chat.1|man/vcrypto-chat.1|644 \
	$(MANDIR)/man3/libvcrypto.3|man/libvcrypto.3|644 \
	$(MANDIR)/man4/virtio_cryptodev.4|man/virtio_cryptodev.4|644 \
	$(MANDIR)/man8/vcryptod.8|man/vcryptod.8|644 \
	$(SYSCONFDIR)/modprobe.d/virtio_cryptodev.conf|packaging/virtio_cryptodev.modprobe.conf|644 \
	$(DATADIR)/qemu/vhost-user/50-vcryptod.json|$(G)/50-vcryptod.json|644 \
	$(UNITDIR)/vcryptod@.socket|packaging/vcryptod@.socket|644 \
	$(UNITDIR)/vcryptod@.service|$(G)/vcryptod@.service|644 \
	$(foreach f,$(wildcard guest/*.c guest/*.h guest/Kbuild guest/dkms.conf),$(DKMSDIR)/$(notdir $(f))|$(f)|644) \
	$(DKMSDIR)/include/vcrypto/cryptodev.h|include/vcrypto/cryptodev.h|644
# Symbolic links as DEST|TARGET.
LINKS := \
	$(LIBDIR)/$(LIB_SONAME)|$(LIB_REALNAME) \
	$(LIBDIR)/libvcrypto.so|$(LIB_SONAME)
# Directories that belong to vcrypto alone, deepest first.
OWN_DIRS := $(DKMSDIR)/include/vcrypto $(DKMSDIR)/include $(DKMSDIR) \
	$(INCLUDEDIR)/vcrypto

# $(PREFIX)-relative paths keep the .pc file valid under PKG_CONFIG_SYSROOT_DIR.
rel = $(patsubst $(PREFIX)/%,$${prefix}/%,$(1))
quote = $(foreach w,$(1),'$(w)')
SUBST = sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(call rel,$(LIBDIR))|g' \
	-e 's|@INCLUDEDIR@|$(call rel,$(INCLUDEDIR))|g' \
	-e 's|@LIBEXECDIR@|$(LIBEXECDIR)|g' -e 's|@VERSION@|$(VERSION)|g'

.PHONY: install uninstall generated
generated:
	@mkdir -p $(G)
	$(SUBST) packaging/libvcrypto.pc.in >$(G)/libvcrypto.pc
	$(SUBST) packaging/50-vcryptod.json.in >$(G)/50-vcryptod.json
	$(SUBST) packaging/vcryptod@.service.in >$(G)/vcryptod@.service

install: generated
	@set -e; for f in $(call quote,$(FILES)); do \
		dest=$${f%%|*}; rest=$${f#*|}; src=$${rest%|*}; mode=$${rest##*|}; \
		echo "install $(DESTDIR)$$dest"; \
		install -D -m $$mode $$src $(DESTDIR)$$dest; \
	done; for l in $(call quote,$(LINKS)); do \
		echo "link    $(DESTDIR)$${l%|*} -> $${l#*|}"; \
		ln -sfn $${l#*|} $(DESTDIR)$${l%|*}; \
	done

uninstall:
	@set -e; for f in $(call quote,$(FILES) $(LINKS)); do \
		dest=$(DESTDIR)$${f%%|*}; \
		if [ -e $$dest ] || [ -L $$dest ]; then echo "remove  $$dest"; rm -f $$dest; fi; \
	done; for d in $(OWN_DIRS); do \
		if [ -d $(DESTDIR)$$d ]; then rmdir $(DESTDIR)$$d; fi; \
	done
