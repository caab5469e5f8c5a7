#!/usr/bin/env bash
# `m2mon status`, `history` and `events` on a real base database written by the store's API
# (make_site_db, the site of test/unit/site_fixture.h): what an operator sees on a terminal,
# what a script gets through a pipe, --json that jq reads back, CSV, the chart, and the errors
# a person meets first (no database, unknown unit, a bad --since).
# Usage: view_commands.sh M2MON SOURCE_DIR MAKE_SITE_DB
m2mon=$1
make_db=$3
. "$2/test/cli/lib.sh"

db="$tmp/base.db"
conf="$tmp/base.conf"
sed "s|@STORE@|$db|" "$2/test/cli/view/site.conf.in" >"$conf"
"$make_db" "$db" 2>/dev/null || { echo "FAIL: make_site_db"; exit 1; }

count_lines() { printf '%s\n' "$1" | grep -c -- "$2"; }
expect_count() { # expect_count GOT WANT WHAT
	if [ "$1" -ne "$2" ]; then
		echo "FAIL: $3: $1, expected $2"
		failures=$((failures + 1))
	fi
}
on_tty() { script -qec "$*" /dev/null | tr -d '\r'; }

# ---- status ----
expect_status 0 "$m2mon" status --config "$conf"
expect_in "$out" $'FRZ1\tALARM\t' "status piped: tab-separated, FRZ1 in alarm"
expect_in "$out" $'REEFER3\tSILENT\t' "status piped: REEFER3 silent"
expect_in "$out" $'WH1\ttaken\t' "status piped: WH1 taken"
expect_in "$out" $'WH9\tunknown\tnever' "status piped: WH9 never heard"
expect_in "$out" $'\tAlice, Bob\tBob at ' "status: told and taken by"
expect_in "$out" $'\tAlice, Bob\tnobody yet' "status: an alarm nobody took"
if printf '%s' "$out" | grep -q '  '; then echo "FAIL: status piped has padding"; failures=$((failures + 1)); fi
tty=$(on_tty "$m2mon" status --config "$conf")
expect_in "$tty" "Cold store North at " "status on a terminal: the title"
expect_in "$tty" "UNIT     STATE    HEARD" "status on a terminal: aligned header"
expect_in "$tty" "3 open incidents" "status on a terminal: incident count"

expect_status 0 "$m2mon" status --config "$conf" --json
printf '%s' "$out" >"$tmp/status.json"
check_jq() { # check_jq FILTER WHAT: the filter must print true
	local got
	got=$(jq -e "$1" "$tmp/status.json" 2>&1)
	if [ "$got" != "true" ]; then
		echo "FAIL: $2: jq '$1' gave: $got"
		failures=$((failures + 1))
	fi
}
check_jq '.site == "Cold store North"' "json: site"
check_jq '[.units[].id] == ["WH1","FRZ1","REEFER3","WH2","WH9"]' "json: units in the configuration's order"
check_jq '[.units[].state] == ["acked","alarm","silent","ok","unknown"]' "json: states"
check_jq '(.incidents[] | select(.id == 12) | .acked_by.name) == "Bob"' "json: who took 12"
check_jq '(.incidents[] | select(.id == 14) | [.told[].name]) == ["Alice","Bob"]' "json: who was told of 14"
check_jq '(.units[1].channels[0].reading.temp_c | type) == "number"' "json: temperatures are numbers"
check_jq '.units_by_state.silent == 1' "json: counts"

# ---- history ----
expect_status 0 "$m2mon" history --config "$conf" WH1 T1 --csv
expect_in "$out" $'time_utc,unit,channel,temp_c,status\r' "csv: header with CRLF"
expect_count "$(count_lines "$out" ',WH1,T1,')" 288 "csv: a day of 5-minute readings"
# The last reading is 9.3 (9.4 when the fixture ran on a 5-minute boundary to the ms).
if ! printf '%s' "$out" | grep -Eq $',WH1,T1,9\\.[34],ok\r$'; then echo "FAIL: csv: the last reading"; failures=$((failures + 1)); fi
expect_status 0 "$m2mon" history --config "$conf" wh1 --since 1h
expect_count "$(count_lines "$out" $'\tT[12]\t')" 24 "history piped: an hour of both channels, the unit's case forgiven"
expect_status 0 "$m2mon" history --config "$conf" FRZ1 t1 --since 6h05m --until 5h55m
expect_in "$out" $'\tT1\tfault' "history: a probe fault says so"
tty=$(on_tty "$m2mon" history --config "$conf" WH2 --since 30m)
expect_in "$tty" "TIME                 CHANNEL  TEMP_C" "history on a terminal: aligned"
expect_in "$tty" "6 readings from " "history on a terminal: the summary"
expect_status 0 "$m2mon" history --config "$conf" WH9
expect_in "$err" "no readings of WH9" "history of a unit never heard"
expect_status 1 "$m2mon" history --config "$conf" WH7
expect_in "$err" "unknown unit 'WH7': the configuration has WH1, FRZ1, REEFER3, WH2, WH9" "history: unknown unit"
expect_status 1 "$m2mon" history --config "$conf" WH1 T9
expect_in "$err" "WH1 has no channel 'T9' with readings; it has T1, T2" "history: unknown channel"
expect_status 2 "$m2mon" history --config "$conf" WH1 --since yesterday
expect_in "$err" "--since needs a duration back from now (24h, 90m, 7d) or a time" "history: bad --since"
expect_status 2 "$m2mon" history --config "$conf" WH1 --since 2h --until 3h
expect_in "$err" "--since must be before --until" "history: since after until"
expect_status 2 "$m2mon" history --config "$conf"
expect_in "$err" "missing UNIT" "history without a unit"
expect_status 0 "$m2mon" history --config "$conf" WH1 --svg "$tmp/wh1.svg"
expect_in "$err" "wrote $tmp/wh1.svg: 576 readings, 2 alarm periods" "history --svg: what it wrote"
expect_in "$(head -c 200 "$tmp/wh1.svg")" '<svg xmlns="http://www.w3.org/2000/svg"' "history --svg: an SVG"
expect_status 1 "$m2mon" history --config "$conf" WH1 --svg "$tmp/no/such/dir/x.svg"
expect_in "$err" "cannot write $tmp/no/such/dir/x.svg" "history --svg: unwritable file"

# ---- events ----
expect_status 0 "$m2mon" events --config "$conf"
expect_in "$out" $'\tack\tWH1\tT1\t12\tBob (+15550003002)\t\tACK 12' "events: the ACK, with who"
expect_in "$out" $'\tnotified\tFRZ1\tT1\t14\tAlice (+15550003001)\t' "events: a text sent"
expect_in "$out" $'\tconfig\tFRZ1\tT1\t\tAlice (+15550003001)\t\tSET FRZ1 T1 HIGH -15' "events: a setting changed"
expect_in "$out" $'\tmute\tFRZ1\t' "events: a mute"
expect_in "$out" $'\talarm\tWH1\tT1\t12\t\t8.1\t' "events: an alarm with its value"
if printf '%s' "$out" | grep -q stranger; then echo "FAIL: events older than 24h shown"; failures=$((failures + 1)); fi
first=$(printf '%s\n' "$out" | sed -n 2p | cut -f1)
last=$(printf '%s\n' "$out" | tail -1 | cut -f1)
if [[ "$first" > "$last" ]]; then echo "FAIL: events not oldest first ($first, $last)"; failures=$((failures + 1)); fi
expect_status 0 "$m2mon" events --config "$conf" --since 31h --unit frz1 --json
printf '%s' "$out" >"$tmp/events.json"
got=$(jq -e '(length == 6) and all(.[]; .unit == "FRZ1") and (.[0].kind == "mute")' "$tmp/events.json")
[ "$got" = true ] || { echo "FAIL: events --json --unit: $got"; failures=$((failures + 1)); }
expect_status 0 "$m2mon" events --config "$conf" --since 31h
expect_in "$out" $'\tstranger\t\t\t\t+15559999999\t' "events --since 31h: the stranger"
expect_status 1 "$m2mon" events --config "$conf" --unit NOPE
expect_in "$err" "unknown unit 'NOPE'" "events: unknown unit"
expect_status 2 "$m2mon" events --config "$conf" --since 1.5h
expect_in "$err" "not '1.5h'" "events: bad --since"

# ---- the errors met first ----
sed "s|@STORE@|$tmp/none.db|" "$2/test/cli/view/site.conf.in" >"$tmp/none.conf"
for cmd in "status" "history WH1" "events"; do
	# shellcheck disable=SC2086
	expect_status 1 "$m2mon" $cmd --config "$tmp/none.conf"
	expect_in "$err" "no database at $tmp/none.db yet: the base station creates it when it first starts" "$cmd: no database"
	if printf '%s' "$err" | grep -q "level=error"; then echo "FAIL: $cmd: the store's error line shown too"; failures=$((failures + 1)); fi
done
expect_status 2 "$m2mon" status
expect_in "$err" "missing --config FILE" "status without --config"
expect_status 1 "$m2mon" status --config "$2/conf/unit.conf"
expect_in "$err" "is a unit configuration: give the base station's" "status of a unit's file"
expect_status 2 "$m2mon" status --config "$conf" --jsno
expect_in "$err" "unknown option '--jsno'" "status: a typo"
for cmd in status history events web; do
	expect_status 0 "$m2mon" $cmd --help
	expect_in "$out" "Usage: m2mon $cmd --config FILE" "$cmd --help"
done
finish
