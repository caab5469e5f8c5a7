#!/usr/bin/env bash
# A child of the demo that ends without being asked (the base, killed mid-story): the demo
# says which and where its log is, stops every other process, keeps the folder, exits 1.
# Usage: demo_child_dies.sh M2MON SOURCE_DIR
m2mon=$1
. "$2/test/cli/lib.sh"
. "$2/test/cli/demo/demo_lib.sh"

start_demo --speed 4
wait_line "== 4." 120
base_pid=$(pgrep -f "base --config $site/base.conf")
[ -n "$base_pid" ] || { echo "FAIL: no base running mid-story"; exit 1; }
kill -KILL $base_pid
for _ in $(seq 300); do
	kill -0 "$demo_pid" 2>/dev/null || break
	sleep 0.1
done
if kill -0 "$demo_pid" 2>/dev/null; then
	echo "FAIL: the demo goes on without its base"
	exit 1
fi
wait "$demo_pid"
rc=$?
demo_pid=
[ "$rc" -eq 1 ] || { echo "FAIL: exit status $rc, expected 1"; failures=$((failures + 1)); }
err=$(cat "$tmp/err.txt")
expect_in "$err" "m2mon base ended by itself (signal 9); its log: $site/base.log" "which child, and its log"
no_process_left "after the base died"
[ -f "$site/base.log" ] || { echo "FAIL: the folder was not kept"; failures=$((failures + 1)); }
finish
