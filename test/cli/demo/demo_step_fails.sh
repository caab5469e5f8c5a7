#!/usr/bin/env bash
# A step of the story that cannot happen ends the demo with exit status 1 and says which:
# the simulator's control socket removed mid-story, Bob's ACK cannot be sent. Every process
# is stopped and the folder kept, with the logs that say why.
# Usage: demo_step_fails.sh M2MON SOURCE_DIR
m2mon=$1
. "$2/test/cli/lib.sh"
. "$2/test/cli/demo/demo_lib.sh"

start_demo --speed 4
wait_line "== 6." 120
rm -f "$site/net/sim.sock"
expect_demo_ends 60 "the demo goes on though Bob's ACK cannot be sent" 1
err=$(cat "$tmp/err.txt")
expect_in "$err" "m2mon demo: step 7 did not happen: Bob replies ACK" "the step named"
expect_in "$err" "a command it ran failed (see tools.log)" "why"
expect_in "$(cat "$site/tools.log")" "m2mon sim send" "the tool's own words in tools.log"
if grep -q "The whole story happened" "$tmp/out.txt"; then
	echo "FAIL: a success claimed"; failures=$((failures + 1))
fi
no_process_left "after the failed step"
finish
