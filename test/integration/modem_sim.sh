# The modem layer's technician commands against the simulated network, with the gammu
# command line as the independent peer on the other modem: what `m2mon sms send` sends,
# gammu reads; what gammu sends, `m2mon sms list` reads, multipart messages whole.
m2mon=$1
. "$(dirname "$0")/../peers/lib.sh"

start_sim --modem a=+15550001000 --modem b=+15550002000:sim800 --phone alice=+15550003001
rc=$(gammurc b)
g() { gammu -c "$rc" "$@"; }
m() { "$m2mon" --log-level warn "$@"; }

expect_status 0 m modem info --device "$net/b.tty"
expect_in "$out" "SIM:           READY" "modem info shows the SIM state"
expect_in "$out" "registration:  home" "modem info shows the registration"
expect_in "$out" "dBm" "modem info shows the signal in dBm"
expect_in "$out" "messages:      0 of 30 slots used" "modem info shows how full the storage is"

expect_status 0 m sms send --device "$net/a.tty" +15550002000 "Cold room 2: 4.5C [ok]"
expect_in "$out" "1 part, reference" "sms send prints the message reference"
long=$(printf 'Reading %02d: 4.5C. ' $(seq 1 20))
expect_status 0 m sms send --device "$net/a.tty" +15550002000 "$long"
expect_in "$out" "3 parts, references" "a 380-character text goes as 3 SMS"
expect_status 0 m sms send --device "$net/a.tty" +15550002000 "Température −3 ✓"
expect_status 0 "$m2mon" sim drain --dir "$net"

# gammu on modem b reads what m2mon sent from modem a, and sees plain (not flash) SMS.
expect_status 0 g geteachsms
expect_in "$out" "Cold room 2: 4.5C [ok]" "gammu reads the 7-bit text with extension characters"
expect_in "$out" "$long" "gammu joins m2mon's 3 parts into the whole text"
expect_in "$out" "Température −3 ✓" "gammu reads the UCS-2 text"
expect_in "$out" "5 SMS parts in 3 SMS sequences" "gammu sees 5 parts in 3 messages"
case "$out" in *"Class                : 0"*) echo "FAIL: delivered as flash SMS (class 0)"; failures=$((failures + 1)) ;; esac

# m2mon on modem a reads what gammu sent from modem b, multipart whole, nothing deleted.
glong=$(printf 'Alarm log line %03d. ' $(seq 1 19) | cut -c1-376)
expect_status 0 g sendsms TEXT +15550001000 -len 400 -text "$glong"
expect_status 0 g sendsms TEXT +15550001000 -text "ACK 17"
expect_status 0 "$m2mon" sim drain --dir "$net"
expect_status 0 m sms list --device "$net/a.tty" --json
expect_in "$out" "\"text\": \"$glong\"" "sms list joins gammu's 3 parts"
expect_in "$out" "\"text\": \"ACK 17\"" "sms list shows the single SMS"
expect_in "$out" "\"complete\": true" "the multipart message is complete"
expect_status 0 m sms list --device "$net/a.tty"
expect_in "$out" "3 parts" "a second listing still has the messages (nothing deleted)"
expect_in "$out" "ACK 17" "a second listing still has the single SMS"
expect_status 0 m sms list --device "$net/a.tty" --delete
expect_status 0 m sms list --device "$net/a.tty" --json
expect_in "$out" "[]" "after --delete the SIM is empty"

# A phone receives what m2mon sends.
expect_status 0 m sms send --device "$net/a.tty" +15550003001 "Reply ACK 3 to acknowledge"
expect_status 0 "$m2mon" sim inbox --dir "$net" +15550003001 --wait-ms 10000
expect_in "$out" "+15550001000 (1 part): Reply ACK 3 to acknowledge" "the phone got the text"

show_log_on_failure
stop_sim
finish
