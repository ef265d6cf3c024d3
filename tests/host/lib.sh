# Shared by vcryptod's in-guest tests (sourced, not run).
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BS=${BS:-$TOP/build/static}
BN=${BN:-$TOP/build}
T=${TEST_TMP:-$(mktemp -d)}
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

# need FILE...: skip (77) when QEMU is missing; fail when a part is not built.
need() {
	local f
	command -v qemu-system-x86_64 >/dev/null ||
		{ echo "skip: qemu-system-x86_64 not installed"; exit 77; }
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
