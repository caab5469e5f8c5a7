#!/usr/bin/env bash
# Ctrl-C (SIGINT) in the middle of the story: every process stopped cleanly, exit status 1
# (the story did not end) with the step named; SIGTERM the same.
# Usage: demo_sigint.sh M2MON SOURCE_DIR
m2mon=$1
. "$2/test/cli/lib.sh"
. "$2/test/cli/demo/demo_lib.sh"

for sig in INT TERM; do
	rm -rf "$site"
	start_demo --speed 4
	wait_line "== 4." 120
	kill -"$sig" "$demo_pid"
	wait "$demo_pid"
	rc=$?
	demo_pid=
	[ "$rc" -eq 1 ] || { echo "FAIL: SIG$sig: exit status $rc, expected 1"; failures=$((failures + 1)); }
	expect_in "$(cat "$tmp/err.txt")" "stopping everything" "SIG$sig: said"
	no_process_left "after SIG$sig"
	expect_in "$(cat "$site/base.log")" "event=exit status=0" "SIG$sig: the base stopped cleanly"
	for u in chiller freezer reefer; do
		expect_in "$(cat "$site/unit-$u.log")" "mod=unit event=stopped" "SIG$sig: the $u unit stopped cleanly"
	done
	expect_in "$(cat "$site/web.log")" "event=stop signal=SIGTERM" "SIG$sig: the display stopped cleanly"
	[ ! -e "$site/net/sim.sock" ] || { echo "FAIL: SIG$sig: the simulator did not stop cleanly"; failures=$((failures + 1)); }
done
finish
