# Configuration files with hostile values, given to `m2mon check-config` and to the daemons
# themselves: each is refused with exit 1 and one line naming the file, the line and the key,
# the value shown without its control characters and never a secret. The plain mistakes
# (misspelt keys, bad durations, a key of the wrong length) are test/cli/check_config.sh's.
m2mon=$1
src=$2
. "$src/test/cli/lib.sh"

# hostile NAME EDIT LINE_MARKER EXPECTED [CONF]: conf/CONF (base.conf) with the sed script EDIT
# applied must be refused by check-config, by the daemon (base or unit) and name the line
# holding LINE_MARKER in the edited file.
hostile() {
	local name=$1 edit=$2 marker=$3 expected=$4 conf=${5:-base.conf} file line daemon
	file="$tmp/$name.conf"
	LC_ALL=C sed "$edit" "$src/conf/$conf" >"$file"
	line=$(LC_ALL=C grep -n -m1 -- "$marker" "$file" | cut -d: -f1)
	daemon=${conf%.conf}
	expect_status 1 "$m2mon" check-config "$file"
	expect_in "$err" "$file:$line: $expected" "$name: check-config"
	[ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] || {
		echo "FAIL: $name: the error is not one line: $err"
		failures=$((failures + 1))
	}
	expect_status 1 "$m2mon" "$daemon" --config "$file"
	expect_in "$err" "$file:$line: $expected" "$name: m2mon $daemon refuses to start"
}

hostile huge_integer 's/baud = 115200;/baud = 99999999999999999999;/' 'baud = 9' \
	'baud: 99999999999999999999 is too large a number'
# 2^32 + 1200: libconfig alone would read 1200, a valid speed.
hostile wrapping_integer 's/baud = 115200;/baud = 4294968496;/' 'baud = 4' \
	'baud: 4294968496 is too large a number'
hostile wrapping_negative 's/contact = 30;/contact = -4294967266;/' 'contact = -' \
	'contact: -4294967266 is too large a number'
hostile int64_integer 's/baud = 115200;/baud = 9999999999L;/' 'baud = 9' \
	'modems[0].baud: 9999999999 is out of range 1200..4000000'
hostile negative_cap 's/contact = 30;/contact = -1;/' 'contact = -1' \
	'base.caps.contact: -1 is out of range 0..100000'
hostile negative_delay 's/tier_delay = "10m"/tier_delay = "-10m"/' 'tier_delay' \
	'base.escalation.tier_delay: "-10m" is not a duration'
hostile huge_duration 's/heartbeat = "6h"/heartbeat = "99999999999999999999999999999999h"/' 'heartbeat = "9' \
	'base.units[0].heartbeat: "99999999999999999999999999999999h" is out of range 1s..7d'
long=$(head -c 5000 /dev/zero | tr '\0' x)
hostile overlong_name "s/name = \"Cold store North\"/name = \"$long\"/" 'name = "xxx' \
	'base.name: "xxxxxxxx' 
expect_in "$err" "has 5000 characters; it must have 1 to 32" "overlong_name: the length is told"
hostile not_utf8 "$(printf 's/name = "Cold store North"/name = "Cold \377\376 North"/')" 'name = "Cold ' \
	'base.name:'
expect_in "$err" "a character that a phone text cannot carry" "not_utf8: the reason"
hostile line_break_in_name 's/name = "Cold store North"/name = "North\\nlevel=error event=fake"/' 'name = "North' \
	'base.name: "North\x0Alevel=error event=fake" is not valid: a control character'
hostile tab_in_contact 's/name = "Alice"/name = "Al\\tice"/' 'name = "Al' \
	'base.contacts[0].name: "Al\x09ice" is not valid: a control character'
hostile format_in_unit_id 's/id = "WH1"/id = "%n%s%x"/' 'id = "%n' \
	'base.units[0].id: "%n%s%x" is not valid'
hostile sql_in_unit_id "s/id = \"WH1\"/id = \"WH1'; DROP TABLE events; --\"/" "id = \"WH1'" \
	'base.units[0].id:'
hostile key_too_short 's/key = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"/key = "9f86"/' 'key = "9f86"' \
	'base.units[0].key: the value (not shown: it is a secret) is not valid: a key is 64 hex digits'
hostile unit_key_not_hex 's/key = "\([0-9a-f]*\)"/key = "zz\1"/' 'key = "zz' \
	'unit.key: the value (not shown: it is a secret) is not valid' unit.conf
hostile unit_negative_interval 's/sample_interval = "1m"/sample_interval = "-1m"/' 'sample_interval' \
	'unit.sample_interval: "-1m" is not a duration' unit.conf
hostile unit_huge_pin 's/pin = "1234"/pin = "12345678901234567890123456789012345678901234567890"/' 'pin = "1234' \
	'unit.pin: the value (not shown: it is a secret)' unit.conf
case "$err" in
*12345678901234567890*)
	echo "FAIL: a PIN was printed: $err"
	failures=$((failures + 1))
	;;
esac

# A file nested deeper than the parser goes, and one that includes a file that is no
# configuration: a syntax error naming the file and line, no crash.
python3 -c "print('base = ' + '{ a = ' * 20000 + '1;' + ' };' * 20000)" >"$tmp/deep.conf"
expect_status 1 "$m2mon" check-config "$tmp/deep.conf"
expect_in "$err" "$tmp/deep.conf:1: syntax error" "nesting too deep"
printf 'binary\0\377\376 = 1;\n' >"$tmp/nul.conf"
expect_status 1 "$m2mon" check-config "$tmp/nul.conf"
expect_in "$err" "$tmp/nul.conf:1:" "a NUL byte in the file"
(echo '@include "/etc/passwd"'; cat "$src/conf/base.conf") >"$tmp/include.conf"
expect_status 1 "$m2mon" check-config "$tmp/include.conf"
expect_in "$err" "/etc/passwd:1: syntax error" "an included file that is no configuration"
case "$err" in
*root:*) echo "FAIL: the included file's text was printed: $err"; failures=$((failures + 1)) ;;
esac
# A file any user can read gives its keys away: check-config and the daemon say so (it
# still starts); 0640, as cmake --install leaves it, says nothing.
for conf in unit.conf base.conf; do
	daemon=${conf%.conf}
	sed 's|store = "[^"]*"|store = "/nonexistent/m2mon/x.db"|' "$src/conf/$conf" >"$tmp/open-$conf"
	chmod 0644 "$tmp/open-$conf"
	expect_status 0 "$m2mon" check-config "$tmp/open-$conf"
	expect_in "$err" "$tmp/open-$conf: warning: any user of this machine can read it (mode 0644)" \
		"$daemon: check-config warns of a readable file"
	expect_status 1 "$m2mon" "$daemon" --config "$tmp/open-$conf"
	expect_in "$err" "event=config_exposed file=\"$tmp/open-$conf\" mode=0644" \
		"$daemon: the daemon warns of a readable file"
	chmod 0666 "$tmp/open-$conf"
	expect_status 0 "$m2mon" check-config "$tmp/open-$conf"
	expect_in "$err" "can change it (mode 0666)" "$daemon: a file anyone can change"
	chmod 0640 "$tmp/open-$conf"
	expect_status 0 "$m2mon" check-config "$tmp/open-$conf"
	case "$err" in
	*warning*) echo "FAIL: $daemon: a 0640 file is warned about: $err"; failures=$((failures + 1)) ;;
	esac
	expect_status 1 "$m2mon" "$daemon" --config "$tmp/open-$conf"
	case "$err" in
	*config_exposed*) echo "FAIL: $daemon: the daemon warns of a 0640 file"; failures=$((failures + 1)) ;;
	esac
done
finish
