# Shared by the compatibility matrix (sourced, not run): the project's own
# suites again, on other kernels and QEMUs. A kernel or QEMU that cannot be
# fetched fails its test; nothing here is ever skipped.
. "$(dirname "${BASH_SOURCE[0]}")/../common.sh"

# fetch SCRIPT SUITE: the last line scripts/SCRIPT SUITE prints (a KVER or a
# path), cached by the script; exits the test as failed when it fails.
fetch() {
	local out
	out=$("$TOP/scripts/$1" "$2" 2>"$T/$1-$2.err" | tail -n 1)
	if [ -z "$out" ]; then
		echo "FAIL: scripts/$1 $2:" >&2
		tail -n 20 "$T/$1-$2.err" >&2
		exit 1
	fi
	echo "$out"
}

# sub LABEL TEST [VAR=VALUE...]: runs tests/TEST (in a fresh TEST_TMP) with
# the environment given, as one check; on failure its first FAIL line with
# what follows it (a guest's stderr, the kernel log) and its log's tail.
sub() {
	local label=$1 t=$2 log tmp first
	shift 2
	log=$T/${label}_${t//\//_}.log
	tmp=$(mktemp -d "$T/sub.XXXXXX")
	if env TEST_TMP="$tmp" "$@" "$TOP/tests/$t" >"$log" 2>&1; then
		echo "ok   $label: $t"
	else
		echo "FAIL $label: $t (exit $?); its first failure and last lines:"
		# vm/run's own verdict (kernel log, timeout, QEMU's exit) is
		# printed before the test's checks, so it comes first.
		grep -m 3 -A 20 'vm/run: FAIL' "$log" | sed 's/^/    /' || true
		first=$(grep -n -m 1 '^FAIL' "$log" | cut -d: -f1)
		[ -n "$first" ] && sed -n "$first,$((first + 40))p" "$log" | sed 's/^/    /'
		echo "    ..."
		tail -n 12 "$log" | sed 's/^/    /'
		fails=$((fails + 1))
	fi
}

# kernel_line SUITE: the module built for SUITE's kernel, warning-free
# (-Werror), and the driver suite and the ABI suites, on QEMU's builtin
# back-end and on vcryptod, in guests running that kernel. When that kernel
# is the default guest kernel ($KVER, common.sh), `make test` runs those suites
# on it already, and CI runs `make test` first: they are not run twice.
kernel_line() {
	local suite=$1 k t
	k=$(fetch kernel "$suite") || exit 1
	echo "$suite: kernel $k"
	check "$suite: module builds for $k" \
		'make -s -C "$TOP/guest" KVER="$k" >"$T/build-$suite.log" 2>&1 || { cat "$T/build-$suite.log"; false; }'
	check "$suite: module's vermagic is $k" \
		'modinfo -F vermagic "$TOP/build/module/$k/virtio_cryptodev.ko" | grep -q "^$k "'
	if [ "$k" = "$KVER" ]; then
		echo "$suite: $k is the default guest kernel; its driver and ABI suites are make test's"
		return 0
	fi
	for t in "$TOP"/tests/driver/[0-9][0-9]-*; do
		sub "$suite" "driver/${t##*/}" VM_KVER="$k"
	done
	sub "$suite" guest/02-cryptodev-abi VM_KVER="$k"
	sub "$suite" guest/07-cryptodev-abi-vcryptod VM_KVER="$k"
	sub "$suite" host/50-guest-abi VM_KVER="$k"
}
