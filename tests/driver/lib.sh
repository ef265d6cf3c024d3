# Shared by the driver suite's scripts (sourced, not run).
# check NAME CONDITION: prints ok/FAIL and counts failures.
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BS=${BS:-$TOP/build/static}
T=${TEST_TMP:-$(mktemp -d)}
fails=0

check() {
	if eval "$2"; then
		echo "ok   $1"
	else
		echo "FAIL $1"
		fails=$((fails + 1))
	fi
}

# Skips (77) unless the module, the guest program and QEMU are there.
need_guest() {
	command -v qemu-system-x86_64 >/dev/null ||
		{ echo "skip: qemu-system-x86_64 not installed"; exit 77; }
	[ -f "$TOP/guest/virtio_cryptodev.ko" ] ||
		{ echo "FAIL: guest/virtio_cryptodev.ko not built (make module)"; exit 1; }
	[ -x "$BS/tests/driver-check" ] ||
		{ echo "FAIL: $BS/tests/driver-check not built (make static)"; exit 1; }
}

finish() {
	[ "$fails" -eq 0 ] && echo "all checks passed" && exit 0
	echo "$fails check(s) failed"
	exit 1
}
