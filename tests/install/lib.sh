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
	usr/lib/systemd/system/vcryptod@.service
	usr/lib/systemd/system/vcryptod@.socket
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

# activate SOCKET CMD...: run CMD under systemd-socket-activate on SOCKET
# (stderr in $T/vcryptod.log); returns once the socket listens, VCD_PID set.
activate() {
	local sock=$1
	shift
	mkfifo "$T/act.err" "$T/act.ready"
	systemd-socket-activate -l "$sock" "$@" 2>"$T/act.err" &
	VCD_PID=$!
	# Its first line says it listens: pass that on, then log the rest.
	{ IFS= read -r line; printf '%s\n' "$line"; echo >&3; exec 3>&-; cat; } \
		<"$T/act.err" >"$T/vcryptod.log" 3>"$T/act.ready" &
	read -r -t 30 <"$T/act.ready"
	grep -q "^Listening on $sock as 3" "$T/vcryptod.log" && return 0
	cat "$T/vcryptod.log"
	echo "FAIL: systemd-socket-activate did not listen on $sock"
	exit 1
}

# stop_vcryptod: SIGTERM, wait; sets VCD_STATUS to the exit status.
stop_vcryptod() {
	kill -TERM "$VCD_PID" 2>/dev/null
	wait "$VCD_PID"
	VCD_STATUS=$?
	wait
}

# sandbox_setup: needs root and libseccomp; builds $T/sandbox and writes
# $T/syscalls, the unit's SystemCallFilter= (@system-service less
# @privileged and @resources) expanded by systemd-analyze itself.
sandbox_setup() {
	need_tools systemd-analyze systemd-socket-activate unshare setpriv findmnt cc python3
	[ "$(id -u)" = 0 ] || skip "needs root (namespaces and mounts)"
	[ -e /usr/include/seccomp.h ] || skip "libseccomp-dev not installed (scripts/deps install)"
	cc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -o "$T/sandbox" \
		"$TOP/tests/install/sandbox.c" -lseccomp || { echo "FAIL: sandbox.c"; exit 1; }
	expand_filter @system-service | sort -u >"$T/allowed"
	{ expand_filter @privileged; expand_filter @resources; } | sort -u >"$T/denied"
	comm -23 "$T/allowed" "$T/denied" >"$T/syscalls"
	grep -q "^SystemCallFilter=@system-service$" "$D/usr/lib/systemd/system/vcryptod@.service" &&
	grep -q "^SystemCallFilter=~@privileged @resources$" "$D/usr/lib/systemd/system/vcryptod@.service" ||
		{ echo "FAIL: the unit's SystemCallFilter is not the one tested here"; exit 1; }
}

expand_filter() {
	local n
	systemd-analyze syscall-filter "$1" | tail -n +2 | grep -v '^ *#' |
	while read -r n; do
		case $n in
		@*) expand_filter "$n" ;;
		?*) echo "$n" ;;
		esac
	done
}

# "${IN_SANDBOX[@]}" FILE... -- COMMAND [ARG]...: COMMAND under the
# restrictions of vcryptod@.service that apply without systemd (protect).
IN_SANDBOX=(unshare --mount --net --ipc --uts -- "$TOP/tests/install/protect")

# start_sandboxed SOCKET: the installed vcryptod, socket-activated, sandboxed.
start_sandboxed() {
	activate "$1" "${IN_SANDBOX[@]}" "$T/sandbox" "$T/syscalls" "$D/usr/libexec/vcryptod" -- \
		sandbox /tmp/syscalls /tmp/vcryptod --threads 2
}
