# Shared helpers for the chat scenario tests (sourced, not run).
# Every wait is bounded; long-lived processes are stopped by the cleanup
# (SIGTERM, then SIGKILL). They are not run under timeout(1): it follows
# SIGTERM with SIGCONT, which can hang LeakSanitizer's exit-time check.
set -u
CHAT="$B/vcrypto-chat"
RELAY="$B/tests/chat-relay"
T="$TEST_TMP"
PIDS=()
STOPPED=()	# processes the test stopped with SIGSTOP
HELD_FDS=()	# FIFO write ends held by the test: children must not inherit them

# run_clean CMD...: exec CMD without the test's held FIFO ends, so that
# closing one in the test really is EOF for its reader.
run_clean() {
	local fd
	for fd in "${HELD_FDS[@]}"; do
		eval "exec $fd>&-"
	done
	exec "$@"
}

# On exit: stop what is left, and fail on any sanitizer report.
cleanup() {
	local rc=$? p
	for p in "${STOPPED[@]}"; do
		kill -CONT "$p" 2>/dev/null	# or it would never exit
	done
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	# Bounded: whatever has not exited after 20 s is killed.
	for _ in $(seq 1 1000); do
		for p in "${PIDS[@]}"; do
			kill -0 "$p" 2>/dev/null && break
		done
		kill -0 "$p" 2>/dev/null || break
		sleep 0.02
	done
	for p in "${PIDS[@]}"; do
		kill -KILL "$p" 2>/dev/null && echo "killed $p: it did not exit on SIGTERM" >&2
	done
	wait 2>/dev/null
	if grep -lE 'runtime error|Sanitizer' "$T"/*.err 2>/dev/null; then
		grep -hE -A5 'runtime error|Sanitizer' "$T"/*.err | head -40
		echo "FAIL: sanitizer reports in the files above" >&2
		exit 1
	fi
	exit $rc
}
trap cleanup EXIT

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

ok() {
	echo "ok: $*"
}

need_built() {
	local f
	for f in "$@"; do
		[ -x "$f" ] || { echo "$f is not built (make san)"; exit 77; }
	done
}

# wait_for FILE EXTENDED-REGEX [COUNT] [SECONDS]: until FILE has COUNT
# matching lines (polls the file; bounded).
wait_for() {
	local f=$1 re=$2 count=${3:-1} secs=${4:-30} n
	local end=$((SECONDS + secs))
	while :; do
		n=$(LC_ALL=C grep -Eac -- "$re" "$f" 2>/dev/null)
		[ "${n:-0}" -ge "$count" ] && return 0
		[ $SECONDS -ge $end ] && {
			echo "timed out waiting for $count x '$re' in $f (have ${n:-0})" >&2
			return 1
		}
		sleep 0.02
	done
}

# wait_exit PID [SECONDS]: wait for a background process; its status in RC.
wait_exit() {
	local pid=$1 secs=${2:-30} end=$((SECONDS + ${2:-30}))
	while kill -0 "$pid" 2>/dev/null; do
		[ $SECONDS -ge $end ] && { echo "pid $pid still running after ${secs}s" >&2; kill "$pid"; break; }
		sleep 0.02
	done
	wait "$pid"
	RC=$?
}

# start_server NAME [ARGS...]: a server on an ephemeral port, stdin held
# open on a FIFO; sets PORT, SERVER_PID and the fd SERVER_IN.
start_server() {
	local name=$1
	shift
	mkfifo "$T/$name.in"
	(run_clean "$CHAT" server -p 0 "$@" <"$T/$name.in" \
		>"$T/$name.out" 2>"$T/$name.err") &
	SERVER_PID=$!
	PIDS+=("$SERVER_PID")
	exec {SERVER_IN}>"$T/$name.in"
	HELD_FDS+=("$SERVER_IN")
	wait_for "$T/$name.err" 'listening on ' 1 30 || fail "server $name did not start"
	PORT=$(sed -n 's/.*listening on .*:\([0-9]*\)$/\1/p' "$T/$name.err")
	[ -n "$PORT" ] || fail "no port in $T/$name.err"
}

# start_client NAME KEYFILE HOST PORT: a client called NAME (--name) whose
# stdin is a FIFO kept open on the fd named CIN_NAME; its pid in CPID_NAME.
start_client() {
	local name=$1 key=$2 host=$3 port=$4 fd
	mkfifo "$T/$name.in"
	(run_clean "$CHAT" client -k "$key" --name "$name" "$host" "$port" \
		<"$T/$name.in" >"$T/$name.out" 2>"$T/$name.err") &
	PIDS+=("$!")
	printf -v "CPID_$name" %s "$!"
	exec {fd}>"$T/$name.in"
	HELD_FDS+=("$fd")
	printf -v "CIN_$name" %s "$fd"
}

# Lines from sender PREFIX (e.g. "alice" or "server") in a client's output.
from() {
	LC_ALL=C sed -n "s/^\[$1\] //p" "$2"
}

# What a participant prints of the lines on stdin (tests/chat/printed.py).
printed() {
	python3 "$TOP/tests/chat/printed.py"
}
