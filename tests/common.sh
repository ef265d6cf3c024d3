# Shared by the test scripts that boot guests (sourced through each suite's
# lib.sh, not run): check/need/finish and the paths tests/run exports.
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BS=${BS:-$TOP/build/static}
BN=${BN:-$TOP/build}
T=${TEST_TMP:-$(mktemp -d)}
# The guest kernel (vm/run boots the same one) and the module built for it.
KVER=${VM_KVER:-$("$TOP/scripts/kver")}
VCD_KO=$TOP/build/module/$KVER/virtio_cryptodev.ko
fails=0

# check NAME CONDITION: prints ok/FAIL NAME and counts failures.
check() {
	if eval "$2"; then
		echo "ok   $1"
	else
		echo "FAIL $1"
		fails=$((fails + 1))
	fi
}

# skip REASON: the test did not run (77, the reason as the last line).
skip() {
	echo "skip: $*"
	exit 77
}

# need FILE...: skip when QEMU is missing (it cannot run here); fail when a
# part of the project is not built (make test builds every part).
need() {
	local f
	command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 not installed"
	for f in "$@"; do
		[ -e "$f" ] || { echo "FAIL: ${f#"$TOP"/} not built"; exit 1; }
	done
}

# counter NAME LOGFILE: the last value of a vcryptod counter in its log.
counter() {
	grep 'counters (exit)' "$2" | tail -n 1 | grep -o "$1 [0-9]*" | head -n 1 |
		grep -o '[0-9]*$'
}

finish() {
	if [ "$fails" -eq 0 ]; then
		echo "all checks passed"
		exit 0
	fi
	echo "$fails check(s) failed"
	exit 1
}
