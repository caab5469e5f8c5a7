# Receive never goes blind: `m2mon sms watch --delete` receives texts from a phone, and in
# the middle its SIM is filled (the simulator's sim-full fault). The full storage is seen at
# once, by the module's own indication (ec2x: +QIND: "smsfull") or by the status poll's
# AT+CPMS? (generic, which has none), and the storage is swept then, not at the slow 300 s
# sweep: no text is tried more often by the network (once a second) than a poll period
# allows, every text arrives, and the log says what happened at warn level, once.
m2mon=$1
. "$(dirname "$0")/modem_lib.sh"

poll_s=5
send() { expect_status 0 "$m2mon" sim send --dir "$net" --from +15550003001 --to +15550001000 "$1"; }
await() { case "$watch_seen" in *"\"text\":\"$1\""*) ;; *) wait_watch "\"text\":\"$1\"" "$2: '$1' printed" ;; esac; }

for run in generic:poll ec2x:urc; do
	model=${run%:*}
	seen_by=${run#*:}
	start_sim --modem base=+15550001000:$model --phone alice=+15550003001
	start_watch watch-$model --device "$net/base.tty" --delete --poll-s $poll_s
	wait_watch '"type":"watching"' "$model: sms watch starts watching"
	for i in 01 02 03 04 05; do send "$model reading $i"; done
	for i in 01 02 03 04 05; do await "$model reading $i" "$model"; done
	expect_status 0 "$m2mon" sim fault --dir "$net" base sim-full
	for i in 06 07 08 09 10 11 12 13 14 15; do send "$model reading $i"; done
	for i in 06 07 08 09 10 11 12 13 14 15; do await "$model reading $i" "$model"; done
	expect_status 0 "$m2mon" sim drain --dir "$net" --wait-ms 30000
	stop_watch

	if [ "$(jsonl_count '"storage-full"' "$model reading")" -eq 0 ]; then
		echo "FAIL: $model: no text met the full SIM, so the test proves nothing"
		failures=$((failures + 1))
	fi
	most=0
	while read -r line; do
		case "$line" in *"$model reading"*) ;; *) continue ;; esac
		a=${line#*\"attempts\":}
		a=${a%%,*}
		[ "$a" -gt "$most" ] && most=$a
	done <"$net/sms.jsonl"
	# One attempt a second: a text waits for at most one poll period (poll_s + 1 attempts),
	# then for the sweep to make room and one more retry; a second more is allowed for a
	# loaded machine. The 300 s sweep alone would have let it be tried some 300 times.
	if [ "$most" -gt $((poll_s + 3)) ]; then
		echo "FAIL: $model: a text was tried $most times, more than a $poll_s s poll allows"
		failures=$((failures + 1))
	fi
	echo "$model: at most $most delivery attempts per text (poll every $poll_s s)"
	expect_in "$(jsonl_count "$model reading" '"status":"delivered"')" 15 "$model: every text was delivered"
	log=$(cat "$watch_log")
	expect_in "$log" "level=warn mod=modem event=storage_full mem=" "$model: the full storage is warned about"
	expect_in "$log" "seen_by=$seen_by" "$model: seen by the $seen_by"
	if [ "$(grep -c 'event=storage_full' "$watch_log")" -ne 1 ]; then
		echo "FAIL: $model: not exactly one storage_full warning:"
		grep 'event=storage_full' "$watch_log"
		failures=$((failures + 1))
	fi
	show_log_on_failure
	stop_sim
	rm -rf "$tmp/sim.out" "$net"
done
finish
