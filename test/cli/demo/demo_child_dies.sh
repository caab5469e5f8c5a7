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
expect_demo_ends 30 "the demo goes on without its base" 1
err=$(cat "$tmp/err.txt")
expect_in "$err" "m2mon base ended by itself (signal 9); its log: $site/base.log" "which child, and its log"
no_process_left "after the base died"
[ -f "$site/base.log" ] || { echo "FAIL: the folder was not kept"; failures=$((failures + 1)); }
finish
