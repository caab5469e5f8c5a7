# gammu-smsd (files backend), unchanged, against a simulated modem: an SMS put in its outbox
# reaches a phone, and an SMS a phone sends lands in its inbox. Its polling intervals are set
# low so the test stays short; RunOnReceive tells the test when a message came in.
m2mon=$1
. "$(dirname "$0")/lib.sh"

start_sim --modem gsm=+15550001000 --phone alice=+15550003001
mkdir -p "$tmp/inbox" "$tmp/outbox" "$tmp/sent" "$tmp/error"
mkfifo "$tmp/received"
cat >"$tmp/on_receive.sh" <<EOS
#!/bin/sh
printf '%s\n' "\$@" >"$tmp/received"
EOS
chmod +x "$tmp/on_receive.sh"
cat >"$tmp/smsdrc" <<EOS
[gammu]
device = $net/gsm.tty
connection = at

[smsd]
service = files
inboxpath = $tmp/inbox/
outboxpath = $tmp/outbox/
sentsmspath = $tmp/sent/
errorsmspath = $tmp/error/
logfile = $tmp/smsd.log
ReceiveFrequency = 1
CommTimeout = 1
StatusFrequency = 0
LoopSleep = 1
RunOnReceive = $tmp/on_receive.sh
EOS

expect_status 0 gammu-smsd-inject -c "$tmp/smsdrc" TEXT +15550003001 -text "Cold room 2 at 9.5C"
gammu-smsd -c "$tmp/smsdrc" >"$tmp/smsd.out" 2>&1 &
smsd_pid=$!
trap 'kill -TERM $smsd_pid $sim_pid 2>/dev/null; rm -rf "$tmp"' EXIT

expect_status 0 "$m2mon" sim inbox --dir "$net" +15550003001 --wait-ms 60000
expect_in "$out" "+15550001000 (1 part): Cold room 2 at 9.5C" "an SMS from the smsd outbox reaches the phone"

expect_status 0 "$m2mon" sim send --dir "$net" --from +15550003001 --to +15550001000 "ACK cold room"
exec {rx}<>"$tmp/received"
if read -r -t 60 -u "$rx" name; then
	expect_in "$(cat "$tmp/inbox/$name")" "ACK cold room" "the phone's SMS lands in the smsd inbox"
	expect_in "$name" "+15550003001" "the inbox file names the sender"
else
	echo "FAIL: gammu-smsd did not receive the phone's SMS within 60 s"
	failures=$((failures + 1))
fi

kill -TERM "$smsd_pid"
wait "$smsd_pid"
if [ "$failures" -ne 0 ]; then
	echo "--- gammu-smsd log ---"
	tail -30 "$tmp/smsd.log"
fi
show_log_on_failure
stop_sim
finish
