# The SIM PIN never reaches a log, at any level: `m2mon sms send --log-level trace` against a
# simulated SIM800 whose SIM asks for a PIN, once with a wrong PIN (refused, SIM locked) and
# once with the right one (sent). Every byte on the line is logged, and the digits of
# neither PIN appear anywhere in what m2mon wrote.
m2mon=$1
. "$(dirname "$0")/../peers/lib.sh"

wrong=8642
right=9753
cat >"$tmp/sim.conf" <<CONF
sim = {
  modems = ( { name = "unit"; number = "+15550002001"; model = "sim800"; pin = "$right"; } );
  phones = ( { name = "alice"; number = "+15550003001"; } );
};
CONF
start_sim --config "$tmp/sim.conf"

never_in() { # never_in TEXT NEEDLE WHAT
	case "$1" in
	*"$2"*)
		echo "FAIL: $3: '$2' found in the log:"
		printf '%s\n' "$1" | grep -n -e "$2"
		failures=$((failures + 1))
		;;
	esac
}

expect_status 1 "$m2mon" --log-level trace sms send --device "$net/unit.tty" --pin "$wrong" \
	+15550003001 "PIN test"
expect_in "$err" "event=sim_locked sim=wrong_pin" "the wrong PIN is reported"
expect_in "$err" 'AT+CPIN=<hidden>' "the PIN command is shown redacted"
expect_in "$err" "event=rx len=" "every byte read is traced"
expect_in "$err" "event=tx len=" "every byte written is traced"
never_in "$err" "$wrong" "the wrong PIN"

expect_status 0 "$m2mon" --log-level trace sms send --device "$net/unit.tty" --pin "$right" \
	+15550003001 "PIN test"
expect_in "$out" "sent to +15550003001" "the right PIN unlocks the SIM and the text goes"
expect_in "$err" "event=pin_accepted" "the PIN was entered"
expect_in "$err" 'AT+CPIN=<hidden>' "the PIN command is shown redacted"
never_in "$err" "$right" "the right PIN"

show_log_on_failure
stop_sim
finish
