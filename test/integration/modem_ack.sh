# The acknowledging receive path end to end: `m2mon sms watch --profile sim7600` against a
# simulated module that supports phase 2+ (AT+CSMS=1). Each text is routed (+CMT) and
# acknowledged with AT+CNMA once printed: the module routes the next text too (had the
# acknowledgement not come, it would have stored it and stopped routing), and nothing is
# left in its storage.
m2mon=$1
. "$(dirname "$0")/modem_lib.sh"

start_sim --modem base=+15550001000 --phone alice=+15550003001
start_watch watch --device "$net/base.tty" --profile sim7600 --delete
wait_watch '"type":"watching"' "sms watch starts watching"
for text in "first, routed" "second, routed too"; do
	expect_status 0 "$m2mon" sim send --dir "$net" --from +15550003001 --to +15550001000 "$text"
	wait_watch "\"text\":\"$text\"" "the text '$text' is printed"
done
stop_watch
expect_in "$watch_seen" '"index":-1' "texts came routed (+CMT), not from storage"
case "$watch_seen" in *'"index":0'* | *'"index":1'*)
	echo "FAIL: a text was stored instead of routed: the acknowledgement did not come"
	failures=$((failures + 1)) ;;
esac
case "$(cat "$watch_log")" in *ack_unsupported* | *direct_lost* | *ack_late*)
	echo "FAIL: sms watch could not acknowledge: $(cat "$watch_log")"
	failures=$((failures + 1)) ;;
esac
expect_status 0 "$m2mon" --log-level warn sms list --device "$net/base.tty" --json
expect_in "$out" "[]" "nothing was left in the module's storage"
case "$(cat "$tmp/sim.log")" in *cnma_timeout*)
	echo "FAIL: the simulator waited for +CNMA in vain"
	failures=$((failures + 1)) ;;
esac
show_log_on_failure
stop_sim
finish
