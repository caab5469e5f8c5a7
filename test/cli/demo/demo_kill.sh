#!/usr/bin/env bash
# `m2mon demo` SIGKILLed in the middle of its story: every process it started ends by itself
# (they follow their parent: M2MON_PARENT_PID), none is left behind.
# Usage: demo_kill.sh M2MON SOURCE_DIR
m2mon=$1
. "$2/test/cli/lib.sh"
. "$2/test/cli/demo/demo_lib.sh"

start_demo --speed 4
wait_line "== 5." 120
n=$(pgrep -f "$site/" | wc -l)
[ "$n" -ge 6 ] || { echo "FAIL: only $n processes of the demo mid-story"; failures=$((failures + 1)); }
kill -KILL "$demo_pid"
wait "$demo_pid" 2>/dev/null
demo_pid=
no_process_left "after SIGKILL"
[ ! -e "$site/net/sim.sock" ] || { echo "FAIL: the simulator did not stop cleanly"; failures=$((failures + 1)); }
finish
