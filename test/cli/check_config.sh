# `m2mon check-config` on every example under conf/, and on a misspelt key.
m2mon=$1
src=$2
. "$(dirname "$0")/lib.sh"

for f in "$src"/conf/*.conf; do
	expect_status 0 "$m2mon" check-config "$f"
	expect_in "$out" "$f: valid" "check-config $f"
done

expect_status 0 "$m2mon" check-config "$src/conf/unit.conf"
expect_in "$out" "valid unit configuration" "unit.conf is told as a unit"

sed 's/  baud = 115200;/  buad = 115200;/' "$src/conf/base.conf" >"$tmp/typo.conf"
line=$(grep -n 'buad' "$tmp/typo.conf" | cut -d: -f1)
expect_status 1 "$m2mon" check-config "$tmp/typo.conf"
expect_in "$err" "$tmp/typo.conf:$line: modem.buad: unknown setting (did you mean 'baud'?)" "misspelt key"

expect_status 1 "$m2mon" check-config "$src/conf/unit.conf" "$tmp/typo.conf"
expect_in "$out" "valid unit configuration" "a good file is still reported beside a bad one"

expect_status 2 "$m2mon" check-config
expect_in "$err" "missing FILE" "no file"
finish
