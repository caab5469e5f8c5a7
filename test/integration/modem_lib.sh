# Helpers for the modem layer's integration tests: a real `m2mon sms watch --json` in the
# background whose output lines are awaited as events (each wait bounded, never a pause),
# on top of test/peers/lib.sh (the simulator).
. "$(dirname "$0")/../peers/lib.sh"

# start_watch NAME ARGS...: runs `m2mon --log-level info sms watch --json ARGS...`; its
# stdout is read line by line from a FIFO, its stderr goes to $tmp/NAME.log.
start_watch() {
	local name=$1
	shift
	mkfifo "$tmp/$name.out"
	"$m2mon" --log-level info sms watch --json "$@" >"$tmp/$name.out" 2>"$tmp/$name.log" &
	watch_pid=$!
	exec {watch_fd}<"$tmp/$name.out"
	watch_log=$tmp/$name.log
	watch_seen=
	watch_failed=0
}

# wait_watch NEEDLE WHAT: reads watch output lines until one holds NEEDLE (each read waits at
# most 30 s for the next line); every line read is kept in $watch_seen. After one wait
# failed, the next ones of the same watch fail at once.
wait_watch() {
	local line
	[ "$watch_failed" -eq 0 ] || return 1
	while read -r -t 30 -u "$watch_fd" line; do
		watch_seen="$watch_seen$line"$'\n'
		case "$line" in *"$1"*) return 0 ;; esac
	done
	echo "FAIL: $2: no line with '$1' from sms watch; it printed:"
	printf '%s' "$watch_seen"
	echo "--- its log ---"
	tail -30 "$watch_log"
	failures=$((failures + 1))
	watch_failed=1
	return 1
}

# stop_watch: SIGINT, as Ctrl-C; sms watch exits 0.
stop_watch() {
	kill -INT "$watch_pid"
	wait "$watch_pid"
	local rc=$?
	exec {watch_fd}<&-
	if [ "$rc" -ne 0 ]; then
		echo "FAIL: sms watch exited $rc after SIGINT"
		failures=$((failures + 1))
	fi
}

# jsonl_count NEEDLE...: how many lines of the simulator's sms.jsonl hold every NEEDLE.
jsonl_count() {
	local n=0 line ok needle
	while read -r line; do
		ok=1
		for needle in "$@"; do
			case "$line" in *"$needle"*) ;; *) ok=0 ;; esac
		done
		n=$((n + ok))
	done <"$net/sms.jsonl"
	echo "$n"
}
