# `m2mon check-config` on every example under conf/, and on each kind of mistake in them: a
# misspelt key, bad values, settings that contradict each other, a secret that is not printed.
m2mon=$1
src=$2
. "$(dirname "$0")/lib.sh"

for f in "$src"/conf/*.conf; do
	expect_status 0 "$m2mon" check-config "$f"
	expect_in "$out" "$f: valid" "check-config $f"
done

expect_status 0 "$m2mon" check-config "$src/conf/unit.conf"
expect_in "$out" "valid unit configuration" "unit.conf is told as a unit"

sed 's/    baud = 115200;/    buad = 115200;/' "$src/conf/base.conf" >"$tmp/typo.conf"
line=$(grep -n 'buad' "$tmp/typo.conf" | cut -d: -f1)
expect_status 1 "$m2mon" check-config "$tmp/typo.conf"
expect_in "$err" "$tmp/typo.conf:$line: modems[0].buad: unknown setting (did you mean 'baud'?)" "misspelt key"

# bad EXAMPLE MARKER EDIT EXPECTED WHAT: conf/EXAMPLE with the sed substitution EDIT applied to
# the first line holding MARKER must fail with EXPECTED, naming that line.
bad() {
	local example=$1 marker=$2 edit=$3 expected=$4 what=$5
	local file="$tmp/bad.conf" line
	line=$(grep -n -m1 -- "$marker" "$src/conf/$example" | cut -d: -f1)
	sed "${line}s${edit}" "$src/conf/$example" >"$file"
	expect_status 1 "$m2mon" check-config "$file"
	expect_in "$err" "$file:$line: $expected" "$what"
}

bad unit.conf 'sample_interval = "1m"' '/"1m"/"1x"/' 'unit.sample_interval: "1x" is not a duration' "a bad duration"
bad unit.conf 'heartbeat = "6h"' '/"6h"/6/' 'unit.heartbeat: is an integer; it must be a duration' "a duration without unit"
bad unit.conf 'fallback_numbers' '/"+15550003001"/"+1555-0003001"/' 'unit.fallback_numbers[0]: "+1555-0003001" is not valid' \
	"a bad element of an array"
bad unit.conf 'high = 8.0;  ' '/8.0/1.0/' 'unit.channels[0].high: 1.0 C must be above low (2.0 C)' "high above low"
bad unit.conf 'hysteresis = 0.5' '/0.5/2.5/' 'unit.channels[0].hysteresis: 2.5 C must be smaller than the band' \
	"hysteresis inside the band"
bad unit.conf 'source = "w1:' '/aff"/af"/' 'unit.channels[0].source: "w1:28-0316a2794af" is not valid: a 1-Wire id' \
	"a source that does not parse"
bad unit.conf 'name = "T2"' '/T2/T1/' 'unit.channels[1].name: "T1" is also channels[0]'"'"'s name' "channel names unique"
bad unit.conf 'role = "operator"' '/+15550003002/+15550003001/' 'unit.phones[1].number: "+15550003001" is also phones[0]'"'"'s' \
	"phone numbers unique"
bad unit.conf 'report_interval' '/"1h"/"8d"/' 'unit.report_interval: "8d" is out of range 1s..7d' "a duration out of range"
bad base.conf 'number = "+15550002002"' '/+15550002002/+15550002001/' \
	'base.units[1].number: "+15550002001" is also units[0]'"'"'s number: two units with one number' "two units, one number"
bad base.conf 'name = "Bob"' '/ tier = 2;//' 'base.contacts[1].tier: missing' "a contact with no tier"
bad base.conf 'tier_delay' '/"10m"/[ "10m", "20m", "30m" ]/' 'base.escalation.tier_delay: 3 delays for 2 tiers' \
	"tier delays that do not fit the tiers"
bad base.conf 'contact = 30' '/30/1/' 'base.caps.contact: 1 is too few' "a cap of one"
bad base.conf 'quiet_hours' '/22:00-06:00/22:00-26:00/' 'base.quiet_hours: "22:00-26:00" is not valid' "a bad span"

# A unit key that is not 64 hex digits is named, and never printed.
key=$(grep -m1 'key = ' "$src/conf/base.conf" | sed 's/.*key = "\([0-9a-f]*\)".*/\1/')
line=$(grep -n -m1 'key = ' "$src/conf/base.conf" | cut -d: -f1)
sed "${line}s/$key/${key}ff/" "$src/conf/base.conf" >"$tmp/key.conf"
expect_status 1 "$m2mon" check-config "$tmp/key.conf"
expect_in "$err" "$tmp/key.conf:$line: base.units[0].key: the value (not shown: it is a secret) is not valid: a key is 64 hex digits" \
	"a unit key that is not 64 hex digits"
case "$err" in
*"$key"*)
	echo "FAIL: the key was printed: $err"
	failures=$((failures + 1))
	;;
esac

# Both forms of the modem pool at once.
{ cat "$src/conf/base.conf"; echo 'modem = { device = "/dev/ttyUSB9"; };'; } >"$tmp/pool.conf"
line=$(wc -l <"$tmp/pool.conf")
expect_status 1 "$m2mon" check-config "$tmp/pool.conf"
expect_in "$err" "$tmp/pool.conf:$line: modem: 'modems' is set too; keep one of 'modem' and 'modems'" "modem and modems"

expect_status 1 "$m2mon" check-config "$src/conf/unit.conf" "$tmp/typo.conf"
expect_in "$out" "valid unit configuration" "a good file is still reported beside a bad one"

expect_status 2 "$m2mon" check-config
expect_in "$err" "missing FILE" "no file"
finish
