# Shared by vcryptod's short fuzz runs (sourced, not run).
# fuzz_run TARGET SEED-PREFIX: TARGET for FUZZ_SECONDS (20 by default) from
# the seeds fuzz-seeds/SEED-PREFIX-* and the corpus `make fuzz-long` keeps in
# fuzz-corpus/TARGET/; a crash, sanitizer report, leak or hang fails.
fuzz_run() {
	local fuzzer="$TOP/build/fuzz/tests/$1" here="$TOP/tests/host"
	local corpus="$TEST_TMP/corpus" secs=${FUZZ_SECONDS:-20} rc
	[ -x "$fuzzer" ] || { echo "$fuzzer is not built (make fuzz)"; exit 77; }
	mkdir -p "$corpus"
	cp "$here"/fuzz-seeds/"$2"-* "$corpus/"
	if [ -d "$here/fuzz-corpus/$1" ]; then
		cp "$here/fuzz-corpus/$1"/* "$corpus/" 2>/dev/null
	fi
	echo "corpus: $(ls "$corpus" | wc -l) inputs"
	timeout $((secs + 60)) "$fuzzer" -max_total_time="$secs" \
		-max_len=70000 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$TEST_TMP/" "$corpus" 2>&1 |
		grep -v '^vcryptod: ' | tail -n 25
	rc=${PIPESTATUS[0]}
	if [ "$rc" -ne 0 ]; then
		echo "FAIL: the fuzzer exited $rc"
		ls "$TEST_TMP"/crash-* "$TEST_TMP"/leak-* "$TEST_TMP"/timeout-* 2>/dev/null
		exit 1
	fi
	echo "ok: no failure in $secs s of fuzzing"
}
