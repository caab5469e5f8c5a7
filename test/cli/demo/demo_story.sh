#!/usr/bin/env bash
# `m2mon demo` end to end at high speed, piped: exit 0, the transcript holds every step of the
# story (each SMS in full, plain text), the summary, and the kept folder its files and START.md;
# no process is left.
# Usage: demo_story.sh M2MON SOURCE_DIR
m2mon=$1
. "$2/test/cli/lib.sh"
. "$2/test/cli/demo/demo_lib.sh"

start_demo --speed 10
wait "$demo_pid"
rc=$?
demo_pid=
out=$(cat "$tmp/out.txt")
if [ "$rc" -ne 0 ]; then
	echo "FAIL: m2mon demo exited $rc"
	echo "--- stdout:"; echo "$out"; echo "--- stderr:"; cat "$tmp/err.txt"
	exit 1
fi
want=(
	"CHILLER -> base      #1R CHILLER"                       # a batched report
	"(readings: T1 "
	"(receipt: stored up to message 1)"
	"(alarm, signed)"
	"CHILLER -> base      CHILLER ALARM T1"                  # the unit's alarm
	"** incident #1 CHILLER/T1 high: opened"
	"base -> Alice        Cold store North: ALARM #1 CHILLER/T1 HIGH"
	"** incident #1 CHILLER/T1 high: nobody answered: the next tier told"
	"base -> Bob          Cold store North: ALARM #1 CHILLER/T1 HIGH"
	"base -> Carol        Cold store North: ALARM #1 CHILLER/T1 HIGH"
	"Bob -> base          ACK"
	"** incident #1 CHILLER/T1 acknowledged by Bob"
	"base -> Bob          Cold store North: #1 CHILLER/T1 HIGH"
	"acknowledged by you, reminders stop. Reply STATUS for all open alarms"
	"base -> Alice        Cold store North: CLEARED #1 CHILLER/T1 HIGH"
	"base -> Carol        Cold store North: CLEARED #1 CHILLER/T1 HIGH"
	"** incident #1 CHILLER/T1 high: closed"
	"** REEFER SILENT: not heard since"
	"base -> Alice        Cold store North: ALARM #2 REEFER SILENT"
	"Alice -> base        STATUS"
	"base -> Alice        Cold store North: 1 open. #2 REEFER SILENT, CHILLER ok"
	"stranger -> base     STATUS"
	"** a text from stranger, who is on no list: no reply to: STATUS"
	"== The whole story happened, every step checked"
	"Incidents:         2 (#1 CHILLER/T1 high: acknowledged by Bob, closed; #2 REEFER silent: "
	"Threshold to phone: the probe passed 8.0 C at"
	"Display:           http://127.0.0.1:"
)
for w in "${want[@]}"; do expect_in "$out" "$w" "the transcript"; done
if grep -q -- "-> stranger" "$tmp/out.txt"; then
	echo "FAIL: the stranger got a reply"; failures=$((failures + 1))
fi
if grep -q "does not verify" "$tmp/out.txt"; then
	echo "FAIL: a unit message the demo could not open with the unit's key"; failures=$((failures + 1))
fi
if grep -q $'\033' "$tmp/out.txt"; then
	echo "FAIL: colour codes in a piped transcript"; failures=$((failures + 1))
fi
if grep -q "level=" "$tmp/out.txt" "$tmp/err.txt"; then
	echo "FAIL: the daemons' log lines reached the transcript"; failures=$((failures + 1))
fi
# Every SMS the network carried is in the transcript, in full.
while IFS= read -r text; do
	grep -qF -- "$text" "$tmp/out.txt" || { echo "FAIL: not in the transcript: $text"; failures=$((failures + 1)); }
done < <(jq -r 'select(.type=="sms" and .parts==1) | .text' "$site/net/sms.jsonl")
for f in sim.conf base.conf unit-chiller.conf unit-freezer.conf unit-reefer.conf; do
	expect_status 0 "$m2mon" check-config "$site/$f"
done
expect_in "$(cat "$site/START.md")" "$m2mon base --config base.conf" "START.md: the base by hand"
expect_in "$(head -c 200 "$site/chiller.svg")" "<svg" "the chart"
expect_status 0 "$m2mon" events --config "$site/base.conf" --json
expect_in "$out" '"kind": "ack"' "the database: the ACK"
no_process_left "after the end"
finish
