# Shared by the guest suite's scripts (sourced, not run).
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BS=${BS:-$TOP/build/static}
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

# skip REASON: the test did not run (77, the reason as the last line).
skip() {
	echo "skip: $*"
	exit 77
}

# need FILE...: skips unless every file exists (a prerequisite not built).
need() {
	local f
	command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 not installed"
	for f in "$@"; do
		[ -e "$f" ] || skip "${f#"$TOP"/} not built yet"
	done
}

finish() {
	if [ "$fails" -eq 0 ]; then
		echo "all checks passed"
		exit 0
	fi
	echo "$fails check(s) failed"
	exit 1
}
