# The gammu command line, unchanged, against a simulated modem: identify, security status,
# network info, sending (plain, multipart with -len 400, with -report), reading and deleting.
m2mon=$1
. "$(dirname "$0")/lib.sh"

start_sim --modem gsm=+15550001000 --phone alice=+15550003001
rc=$(gammurc gsm)
g() { gammu -c "$rc" "$@"; }

expect_status 0 g identify
expect_in "$out" "VirtualGSM" "identify shows the manufacturer"
expect_in "$out" "VM1.0.0" "identify shows the firmware"
expect_in "$out" "001015550001000" "identify shows the IMSI"

expect_status 0 g getsecuritystatus
expect_in "$out" "Nothing to enter" "getsecuritystatus"

expect_status 0 g networkinfo
expect_in "$out" "home network" "networkinfo"

expect_status 0 g sendsms TEXT +15550003001 -text "Pump 3 OK"
expect_status 0 "$m2mon" sim inbox --dir "$net" +15550003001 --wait-ms 10000
expect_in "$out" "+15550001000 (1 part): Pump 3 OK" "a plain SMS reaches the phone"

long=$(printf 'Alarm log line %03d. ' $(seq 1 19) | cut -c1-376)
expect_status 0 g sendsms TEXT +15550003001 -len 400 -text "$long"
expect_in "$out" "Sending SMS 3/3" "gammu splits 376 characters into 3 SMS"
expect_status 0 "$m2mon" sim inbox --dir "$net" +15550003001 --wait-ms 10000 --count 2
expect_in "$out" "(3 parts): $long" "the phone shows the multipart text whole"

expect_status 0 g sendsms TEXT +15550003001 -report -text "Report this"
expect_status 0 "$m2mon" sim inbox --dir "$net" +15550003001 --wait-ms 10000 --count 3
expect_in "$(grep 'Report this' "$net/sms.jsonl")" '"status_report":true' "-report asks for a status report"
expect_in "$(grep 'Report this' "$net/sms.jsonl")" '"status":"delivered"' "-report SMS delivered"

expect_status 0 "$m2mon" sim send --dir "$net" --from +15550003001 --to +15550001000 "ACK 2 Größe"
expect_status 0 "$m2mon" sim send --dir "$net" --from +15550003001 --to +15550001000 --ucs2 "Тревога снята"
expect_status 0 "$m2mon" sim send --dir "$net" --from +15550003001 --to +15550001000 "$long"
expect_status 0 "$m2mon" sim inbox --dir "$net" +15550003001
# The SMSC has delivered the three texts (1 + 1 + 3 parts) once gammu lists them all.
expect_status 0 g getallsms
expect_in "$out" "ACK 2 Größe" "getallsms shows the phone's text"
expect_in "$out" "Тревога снята" "getallsms shows the UCS-2 text"
expect_in "$out" "part 3 of 3" "getallsms shows the concatenation header"
expect_in "$out" "5 SMS parts in" "getallsms lists every part"
expect_status 0 g geteachsms
expect_in "$out" "$long" "geteachsms joins the parts into the whole text"
expect_in "$out" "5 SMS parts in 3 SMS sequences" "geteachsms links the multipart parts"

expect_status 0 g deleteallsms 1
expect_status 0 g getallsms
expect_in "$out" "0 SMS parts in 0 SMS sequences" "deleteallsms empties the SIM"

show_log_on_failure
stop_sim
finish
