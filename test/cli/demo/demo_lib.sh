# Helpers for the demo's tests: the demo started in the background on a folder of its own
# (whose path marks every process it starts), lines of its output waited for with a bound,
# and the check that none of its processes is left. Sourced after test/cli/lib.sh.
site="$tmp/site"
demo_pid=
stop_demo() {
	[ -n "$demo_pid" ] && kill -TERM "$demo_pid" 2>/dev/null && wait "$demo_pid" 2>/dev/null
	demo_pid=
	# Whatever a failed test left: the processes that name this test's own folder.
	local pid
	for pid in $(pgrep -f "$site/"); do kill -KILL "$pid" 2>/dev/null; done
	rm -rf "$tmp"
}
trap stop_demo EXIT

# start_demo ARGS...: the demo in the background, its stdout in $tmp/out.txt, stderr in $tmp/err.txt.
start_demo() {
	"$m2mon" demo --keep "$site" "$@" >"$tmp/out.txt" 2>"$tmp/err.txt" &
	demo_pid=$!
}

# wait_line NEEDLE SECONDS: until the demo's output holds NEEDLE; fails the test otherwise.
wait_line() {
	local i
	for i in $(seq $(($2 * 10))); do
		grep -qF -- "$1" "$tmp/out.txt" && return 0
		kill -0 "$demo_pid" 2>/dev/null || break
		sleep 0.1
	done
	grep -qF -- "$1" "$tmp/out.txt" && return 0
	echo "FAIL: '$1' not in the demo's output within $2 s"
	echo "--- stdout:"; cat "$tmp/out.txt"; echo "--- stderr:"; cat "$tmp/err.txt"
	exit 1
}

# expect_demo_ends SECONDS WHY STATUS: the demo ends by itself within SECONDS, with exit
# status STATUS; if it goes on, the test fails at once with WHY.
expect_demo_ends() {
	local i rc
	for i in $(seq $(($1 * 10))); do
		kill -0 "$demo_pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$demo_pid" 2>/dev/null; then
		echo "FAIL: $2"
		exit 1
	fi
	wait "$demo_pid"
	rc=$?
	demo_pid=
	[ "$rc" -eq "$3" ] || { echo "FAIL: exit status $rc, expected $3"; failures=$((failures + 1)); }
}

# no_process_left WHAT: within 20 s no process names the folder any more.
no_process_left() {
	local i
	for i in $(seq 200); do
		pgrep -f "$site/" >/dev/null || return 0
		sleep 0.1
	done
	echo "FAIL: $1: processes left behind:"
	pgrep -af "$site/"
	failures=$((failures + 1))
}
