#!/bin/bash
# `make fuzz-long`: each libFuzzer target for FUZZ_LONG_SECONDS (default 900:
# over 10 million executions even of the slowest, the vhost-user target at
# ~13,000/s on one core) from its seeds and kept corpus, then the corpus
# minimised (-merge=1) back into tests/SUITE/fuzz-corpus/TARGET/, where the
# short runs of `make test` start from. FUZZ_LONG_ONLY="TARGET..." picks some.
# Stops at the first target that fails; its crash input is left in
# build/fuzz-long/.
set -u
cd "$(dirname "$0")/.."
secs=${FUZZ_LONG_SECONDS:-900}
out=build/fuzz-long
# target, its suite, its seed prefix in SUITE/fuzz-seeds/ (- for none)
targets=(
	"fuzz-vcryptod-request host request"
	"fuzz-vcryptod-vhost host vhost"
	"fuzz-vcryptod-session host session"
	"fuzz-chat-frame chat -"
)
mkdir -p "$out"
for t in "${targets[@]}"; do
	read -r name suite seeds <<<"$t"
	[ -z "${FUZZ_LONG_ONLY:-}" ] || [[ " $FUZZ_LONG_ONLY " == *" $name "* ]] ||
		continue
	fuzzer=build/fuzz/tests/$name
	kept=tests/$suite/fuzz-corpus/$name
	work=$out/$name
	[ -x "$fuzzer" ] || { echo "$fuzzer is not built (make fuzz)" >&2; exit 1; }
	rm -rf "$work" "$work.min"
	mkdir -p "$work" "$work.min" "$kept"
	[ "$seeds" = - ] || cp tests/"$suite"/fuzz-seeds/"$seeds"-* "$work/"
	cp "$kept"/* "$work/" 2>/dev/null
	echo "== $name: $secs s from $(ls "$work" | wc -l) inputs"
	"$fuzzer" -max_total_time="$secs" -max_len=70000 -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$out/" \
		"$work" 2>&1 | grep -v '^vcryptod: ' | tail -n 8
	[ "${PIPESTATUS[0]}" -eq 0 ] || { echo "$name failed" >&2; exit 1; }
	"$fuzzer" -merge=1 -max_len=70000 -timeout=10 -rss_limit_mb=2048 \
		"$work.min" "$work" >/dev/null 2>&1 ||
		{ echo "$name: minimising failed" >&2; exit 1; }
	rm -f "$kept"/*
	cp "$work.min"/* "$kept/"
	echo "== $name: kept $(ls "$kept" | wc -l) inputs in $kept"
done
