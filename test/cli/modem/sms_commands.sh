#!/usr/bin/env bash
# `m2mon sms send|list|watch`, `m2mon modem info` and `m2mon ports` against a scripted
# modem on a real pseudo-terminal (fake_modem): what a technician sees, and what reaches the
# modem (sent PDUs, deletions) as the fake modem logs it.
# Usage: sms_commands.sh M2MON SOURCE_DIR FAKE_MODEM
m2mon=$1
fake=$3
. "$2/test/cli/lib.sh"

link="$tmp/modem"
log="$tmp/modem.log"
fake_pid=
watch_pid=

# Single message, then a two-part message stored part 2 first (indexes 2 and 3).
pdu_hello=07915155000000F0040891515500100000621152809385000AE8329BFD0689C3F332
pdu_part2=07915155000000F04408915155003000006211528093850013050003A70202C26E32081E96D341F4FB1B
pdu_part1=07915155000000F04408915155003000006211528093850017050003A70201E061391DF47697416F33887E7F8300

# start_modem ARGS...: a fake modem, waited for on its `ready` line (the bound only stops a
# test whose modem never starts).
start_modem() {
	stop_modem
	: >"$log"
	rm -f "$tmp/fake.out" && mkfifo "$tmp/fake.out"
	"$fake" "$link" "$log" "$@" >"$tmp/fake.out" &
	fake_pid=$!
	exec {fake_fd}<"$tmp/fake.out"
	local line=
	if ! read -r -t 30 -u "$fake_fd" line || [ "$line" != ready ]; then
		echo "FAIL: fake modem did not start"
		exit 1
	fi
}

stop_modem() {
	if [ -n "$fake_pid" ]; then
		kill "$fake_pid" 2>/dev/null
		wait "$fake_pid" 2>/dev/null
		exec {fake_fd}<&-
		fake_pid=
	fi
	rm -f "$link"
}
trap '[ -z "$watch_pid" ] || kill "$watch_pid"; stop_modem; rm -rf "$tmp"' EXIT

# Listing shows each message whole, multipart joined in order, and deletes nothing.
start_modem --store "$pdu_hello" --store "$pdu_part2" --store "$pdu_part1" --store 0004AABBCC
expect_status 0 "$m2mon" sms list --device "$link"
expect_in "$out" "undecodable message at index 4" "list: a bad PDU is shown, not dropped"
expect_in "$out" "message from +15550001" "list: sender of the single message"
expect_in "$out" "hello base" "list: text of the single message"
expect_in "$out" "2 parts: 1@index 3, 2@index 2" "list: multipart shown with its parts"
expect_in "$out" "part one of two and part two" "list: multipart text joined in order"
if grep -q CMGD "$log"; then echo "FAIL: list without --delete deleted: $(cat "$log")"; failures=$((failures + 1)); fi

expect_status 0 "$m2mon" sms list --device "$link" --json
expect_in "$out" '"text": "part one of two and part two"' "list --json: joined text"
expect_in "$out" '"complete": true' "list --json: completeness"

# With --delete, each message is deleted after it was printed; then the modem is empty.
expect_status 0 "$m2mon" sms list --device "$link" --delete
expect_in "$out" "hello base" "list --delete: still prints"
expect_in "$(sort "$log" | tr '\n' ' ')" "CMGD 1 CMGD 2 CMGD 3 CMGD 4" "list --delete: every index deleted"
expect_status 0 "$m2mon" sms list --device "$link"
expect_in "$out" "no messages on the modem" "list after delete"

# Sending prints the references the modem gave; a long text goes in parts.
expect_status 0 "$m2mon" sms send --device "$link" +15550001 "hello"
expect_in "$out" "sent to +15550001: 1 part, reference 1" "send: reference printed"
expect_in "$(cat "$log")" "CMGS 16 000100089151550010000005E8329BFD06" "send: the SUBMIT PDU for +15550001 \"hello\" reached the modem"
long=$(printf 'temperature %03d ' $(seq 1 12))
expect_status 0 "$m2mon" sms send --device "$link" --report +15550001 "$long"
expect_in "$out" "2 parts, references 2 3" "send: multipart references"

# A refused message is exit 1 with the modem's reason.
start_modem --refuse 500
expect_status 1 "$m2mon" sms send --device "$link" +15550001 "hello"
expect_in "$err" "cms_error 500" "send refused: reason shown"

# Modem info, and a wrong PIN that is reported and not retried.
start_modem
expect_status 0 "$m2mon" modem info --device "$link"
expect_in "$out" "model:         FM-1" "info: model"
expect_in "$out" "signal:        -73 dBm" "info: signal"
expect_in "$out" "registration:  home" "info: registration"
start_modem --pin 1234
expect_status 1 "$m2mon" modem info --device "$link" --pin 9999
expect_in "$err" "SIM is locked" "info: wrong PIN"
expect_in "$err" "fix modem.pin" "info: wrong PIN advice"
expect_status 0 "$m2mon" modem info --device "$link" --pin 1234 --json
expect_in "$out" '"sim": "READY"' "info: right PIN"

# Watch prints a message that arrives while it runs (the fake modem announces it once watch's
# first listing is answered); once the line is printed, Ctrl-C stops watch with status 0.
start_modem --incoming "$pdu_hello"
rm -f "$tmp/watch.out" && mkfifo "$tmp/watch.out"
"$m2mon" sms watch --device "$link" --json >"$tmp/watch.out" 2>"$tmp/watch.err" &
watch_pid=$!
exec {watch_fd}<"$tmp/watch.out"
seen=
while read -r -t 30 -u "$watch_fd" line; do
	case $line in *'"text":"hello base"'*) seen=$line && break ;; esac
done
kill -INT "$watch_pid"
wait "$watch_pid"
rc=$?
watch_pid=
exec {watch_fd}<&-
expect_in "$seen" '"text":"hello base"' "watch: arrival printed"
if [ "$rc" -ne 0 ]; then
	echo "FAIL: watch exited $rc after SIGINT: $(cat "$tmp/watch.err")"
	failures=$((failures + 1))
fi

# Usage errors and a missing device.
expect_status 2 "$m2mon" sms send --device "$link" +15550001
expect_status 2 "$m2mon" sms list
expect_status 2 "$m2mon" sms send --device "$link" 12ab "x"
expect_in "$err" "NUMBER" "send: bad number"
stop_modem
expect_status 1 "$m2mon" sms list --device "$tmp/no-such-modem"
expect_status 0 "$m2mon" ports

finish
