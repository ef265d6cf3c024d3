# Shared by the install tests (sourced, not run).
. "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
D=$T/root	# the DESTDIR

# install_tree [MAKE-ARGS]: make install PREFIX=/usr DESTDIR=$D from the tree.
install_tree() {
	make -s -C "$TOP" install PREFIX=/usr DESTDIR="$D" "$@" >"$T/install.log" 2>&1 ||
		{ cat "$T/install.log"; echo "FAIL: make install"; exit 1; }
}

# The files and links make install PREFIX=/usr must put there, as the
# FHS and Debian lay them out (written out here, not taken from mk/).
expected_tree() {
	cat <<-LIST
	etc/modprobe.d/virtio_cryptodev.conf
	usr/bin/vcrypto-chat
	usr/include/vcrypto/cryptodev.h
	usr/include/vcrypto/vcrypto.h
	usr/lib/libvcrypto.a
	usr/lib/libvcrypto.so
	usr/lib/libvcrypto.so.1
	usr/lib/libvcrypto.so.1.0.0
	usr/lib/pkgconfig/libvcrypto.pc
	usr/libexec/vcryptod
	usr/share/man/man1/vcrypto-chat.1
	usr/share/man/man3/libvcrypto.3
	usr/share/man/man4/virtio_cryptodev.4
	usr/share/man/man8/vcryptod.8
	usr/share/qemu/vhost-user/50-vcryptod.json
	LIST
	local f
	for f in "$TOP"/guest/*.c "$TOP"/guest/*.h "$TOP"/guest/Kbuild "$TOP"/guest/dkms.conf; do
		[ -e "$f" ] && echo "usr/src/virtio_cryptodev-1.0/${f##*/}"
	done
	echo usr/src/virtio_cryptodev-1.0/include/vcrypto/cryptodev.h
}

# need_tools CMD...: skip when a tool of scripts/deps' install group is missing.
need_tools() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null || skip "$c not installed (scripts/deps install)"
	done
}
