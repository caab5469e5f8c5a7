# The `m2mon sim` command line: help, every usage mistake exits 2 with a message that says
# what is wrong, failures exit 1, and conf/sim.conf starts a network that stops cleanly.
m2mon=$1
src=$2
. "$src/test/peers/lib.sh"

expect_status 0 "$m2mon" --help
expect_in "$out" "sim" "m2mon --help lists sim"
expect_status 0 "$m2mon" sim --help
expect_in "$out" "Usage: m2mon sim --dir DIR" "sim --help"
expect_in "$out" "m2mon sim fault --dir DIR NAME KIND [ARG]" "sim --help shows fault"
expect_in "$out" "m2mon sim battery --dir DIR NAME PCT [MV]" "sim --help shows battery"
expect_in "$out" "m2mon sim clock --dir DIR NAME SECONDS [ZONE]" "sim --help shows clock"
expect_in "$out" "prints 'held N for NAME (why)'" "sim --help says what drain holds"

expect_status 2 "$m2mon" sim --modem a=+15550001000
expect_in "$err" "missing --dir DIR" "no --dir"
expect_status 2 "$m2mon" sim --dir "$tmp/x"
expect_in "$err" "no modem" "no modem"
expect_status 2 "$m2mon" sim --dir "$tmp/x" --modem a
expect_in "$err" "--modem wants NAME=NUMBER[:MODEL]" "modem without number"
expect_status 2 "$m2mon" sim --dir "$tmp/x" --modem a=+15550001000:nokia
expect_in "$err" "unknown model 'nokia'" "unknown model"
expect_status 2 "$m2mon" sim --dir "$tmp/x" --modem a=12ab
expect_in "$err" "--modem 'a=12ab'" "bad number"
expect_status 2 "$m2mon" sim --dir "$tmp/x" --modem a=+15550001000 --loss 2
expect_in "$err" "--loss wants a probability from 0 to 1" "loss out of range"
expect_status 2 "$m2mon" sim --dir "$tmp/x" --modem a=+15550001000 --phone b=+15550001000
expect_in "$err" "two modems or phones have number +15550001000" "duplicate number"
expect_status 2 "$m2mon" sim --dir "$tmp/x" --modem a=+15550001000 --bogus
expect_in "$err" "unknown option" "unknown option"
expect_status 1 "$m2mon" sim --dir "$tmp/x" --config "$tmp/missing.conf"
expect_status 1 "$m2mon" sim --dir "$tmp/x" --config "$src/conf/base.conf"
expect_in "$err" "not a simulator's" "a base config is refused"

expect_status 2 "$m2mon" sim bogus
expect_in "$err" "unknown command 'bogus'" "unknown subcommand"
expect_status 2 "$m2mon" sim inbox --dir "$tmp/x"
expect_in "$err" "missing NUMBER" "inbox without number"
expect_status 2 "$m2mon" sim inbox --dir "$tmp/x" +1555 --wait-ms soon
expect_status 2 "$m2mon" sim send --dir "$tmp/x" --from +15550003001 --to +15550001000
expect_in "$err" "missing TEXT" "send without text"
expect_status 1 "$m2mon" sim send --dir "$tmp/nothing" --from +15550003001 --to +15550001000 hi
expect_in "$err" "no simulator runs in" "send with no simulator"
expect_status 2 "$m2mon" sim send --dir "$tmp/x" --from +15550003001 --to +15550001000 --tpdu 00 hi
expect_in "$err" "--tpdu HEX takes no TEXT" "a TPDU and a text"
expect_status 2 "$m2mon" sim battery --dir "$tmp/x" unit1
expect_in "$err" "needs NAME PCT [MV]" "battery without a level"
expect_status 2 "$m2mon" sim battery --dir "$tmp/x" unit1 101
expect_in "$err" "PCT is a whole number from 0 to 100, not '101'" "battery above 100"
expect_status 2 "$m2mon" sim battery --dir "$tmp/x" unit1 50 0
expect_in "$err" "MV is a whole number from 1 to 65535" "battery at 0 mV"
expect_status 2 "$m2mon" sim clock --dir "$tmp/x" unit1 soon
expect_in "$err" "SECONDS is a whole number within 10 years" "clock skew not a number"
expect_status 2 "$m2mon" sim clock --dir "$tmp/x" unit1 -3600 +02:07
expect_in "$err" "ZONE is +HH:MM or -HH:MM in quarter hours" "zone not in quarter hours"
expect_status 2 "$m2mon" sim clock --dir "$tmp/x" unit1 -3600 +19:00
expect_status 2 "$m2mon" sim clock unit1 -3600
expect_in "$err" "missing --dir DIR" "clock without --dir"

start_sim --config "$src/conf/sim.conf" --latency-ms 0 --baud 0
expect_status 0 test -L "$net/base.tty"
expect_status 0 test -L "$net/unit1.tty"
expect_status 0 "$m2mon" sim send --dir "$net" --from +15550003001 --to +15550003002 "hi bob"
expect_status 0 "$m2mon" sim inbox --dir "$net" +15550003002 --wait-ms 5000
expect_in "$out" "+15550003001 (1 part): hi bob" "phone to phone"
# A modem's own number as the sender: refused, unless forged on purpose.
expect_status 1 "$m2mon" sim send --dir "$net" --from +15550002001 --to +15550003002 "from unit1"
expect_in "$err" "is a modem's number" "a modem's number without --spoof"
expect_status 0 "$m2mon" sim send --dir "$net" --spoof --from +15550002001 --to +15550003002 "from unit1"
expect_in "$out" "(spoofed sender)" "send --spoof"
expect_status 0 "$m2mon" sim inbox --dir "$net" +15550003002 --wait-ms 5000 --count 2
expect_in "$out" "+15550002001 (1 part): from unit1" "the phone sees the forged sender"
expect_status 1 "$m2mon" sim send --dir "$net" --from +15550003001 --to +15550003002 --tpdu 0400
expect_in "$err" "a TPDU goes to a modem's number" "a TPDU to a handset"
expect_status 1 "$m2mon" sim send --dir "$net" --from +15550003001 --to +15550001000 --tpdu 04X
expect_in "$err" "not an SMS-DELIVER TPDU in hex" "a TPDU not in hex"
expect_status 1 "$m2mon" sim --dir "$net" --modem base=+15550009999
expect_in "$err" "another simulator runs in" "a second simulator in the same DIR"
expect_status 0 "$m2mon" sim fault --dir "$net" base reboot
expect_status 0 "$m2mon" sim battery --dir "$net" unit1 15
expect_status 0 "$m2mon" sim battery --dir "$net" unit1 40 3710
expect_status 0 "$m2mon" sim clock --dir "$net" unit1 -3600 -05:30
expect_status 0 "$m2mon" sim clock --dir "$net" base +7200
expect_status 1 "$m2mon" sim battery --dir "$net" nobody 15
expect_in "$err" "no modem is named nobody" "battery of an unknown modem"
expect_status 0 test -L "$net/base.tty"
# unit1 out of coverage: drain returns at once with what the network holds for it, well
# inside a --wait-ms it would otherwise run out (exit 1), after what the network can deliver
expect_status 0 "$m2mon" sim fault --dir "$net" unit1 no-network 600000
expect_status 0 "$m2mon" sim send --dir "$net" --from +15550003001 --to +15550002001 "are you there"
expect_status 0 "$m2mon" sim send --dir "$net" --from +15550003002 --to +15550002001 "hello?"
expect_status 0 "$m2mon" sim send --dir "$net" --from +15550003001 --to +15550003002 "meanwhile"
expect_status 0 "$m2mon" sim drain --dir "$net" --wait-ms 20000
expect_in "$out" "held 2 for unit1 (no network)" "drain returns with what it holds for a modem off the network"
expect_status 0 "$m2mon" sim inbox --dir "$net" +15550003002
expect_in "$out" "meanwhile" "drain returned after what could be delivered"
stop_sim
finish
