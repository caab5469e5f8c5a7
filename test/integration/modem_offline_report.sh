# A status report that arrives while no program holds the modem's port is kept by the modem
# (the profiles route reports to storage, +CNMI <ds>=2) and handed over by the next
# `m2mon sms watch`: SR on a generic module, the SIM on a SIM800 (which has no SR store).
# The report is made to arrive late by a recipient whose SIM is full, emptied only once the
# sender's `m2mon sms send` has exited.
m2mon=$1
. "$(dirname "$0")/modem_lib.sh"

for model in generic sim800; do
	start_sim --modem unit=+15550002001:$model --modem peer=+15550002002
	m() { "$m2mon" --log-level warn "$@"; }
	expect_status 0 "$m2mon" sim fault --dir "$net" peer sim-full
	expect_status 0 m sms send --report --device "$net/unit.tty" +15550002002 "report me ($model)"
	expect_in "$out" "1 part, reference" "$model: the text was accepted"
	# No program holds unit's port from here on. Room on peer lets the SMS in, and the
	# network reports its delivery to unit.
	expect_status 0 m sms list --device "$net/peer.tty" --delete
	expect_status 0 "$m2mon" sim drain --dir "$net" --wait-ms 30000
	expect_in "$(jsonl_count '"type":"status-report"' '"to":"+15550002001"' '"status":"delivered"')" 1 \
		"$model: the network delivered the report to the unit's modem"
	start_watch watch-$model --device "$net/unit.tty"
	wait_watch '"type":"report"' "$model: the next sms watch hands the stored report over"
	expect_in "$watch_seen" '"to":"+15550002002"' "$model: the report is on the message to peer"
	expect_in "$watch_seen" '"status":"delivered"' "$model: the report says delivered"
	want_mem=SR
	[ "$model" = sim800 ] && want_mem=SM
	expect_in "$watch_seen" "\"mem\":\"$want_mem\"" "$model: the report was kept in $want_mem"
	stop_watch
	show_log_on_failure
	stop_sim
	rm -rf "$tmp/sim.out" "$net"
done
finish
