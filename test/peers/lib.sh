# Helpers for peer tests: a real `m2mon sim` in the background (started, waited for on its
# `ready` line, stopped with SIGTERM and checked to exit 0), on top of test/cli/lib.sh.
. "$(dirname "$0")/../cli/lib.sh"

# start_sim ARGS...: runs `m2mon sim --dir $tmp/net ARGS...`; sets $net and $sim_pid.
start_sim() {
	net=$tmp/net
	mkfifo "$tmp/sim.out"
	"$m2mon" sim --dir "$net" "$@" >"$tmp/sim.out" 2>"$tmp/sim.log" &
	sim_pid=$!
	# set before the wait, so that a simulator that never gets ready is stopped too
	trap 'kill -TERM $sim_pid 2>/dev/null; rm -rf "$tmp"' EXIT
	exec {sim_fd}<"$tmp/sim.out"
	local line=""
	if ! read -r -t 10 -u "$sim_fd" line || [ "$line" != ready ]; then
		echo "FAIL: m2mon sim did not get ready; its log:"
		cat "$tmp/sim.log"
		exit 1
	fi
}

stop_sim() {
	kill -TERM "$sim_pid"
	wait "$sim_pid"
	local rc=$?
	exec {sim_fd}<&-
	if [ "$rc" -ne 0 ]; then
		echo "FAIL: m2mon sim exited $rc after SIGTERM"
		failures=$((failures + 1))
	fi
	if ls "$net" | grep -q -e '\.tty$' -e '^sim\.sock$'; then
		echo "FAIL: m2mon sim left its links or socket behind: $(ls "$net")"
		failures=$((failures + 1))
	fi
	trap 'rm -rf "$tmp"' EXIT
}

# A gammu configuration for modem NAME of the running simulator.
gammurc() {
	printf '[gammu]\ndevice = %s/%s.tty\nconnection = at\n' "$net" "$1" >"$tmp/gammurc"
	echo "$tmp/gammurc"
}

show_log_on_failure() {
	if [ "$failures" -ne 0 ]; then
		echo "--- m2mon sim log (last 40 lines) ---"
		tail -40 "$tmp/sim.log"
	fi
}
