# `m2mon keygen`: a new key each time, in the form the configuration files take.
m2mon=$1
. "$(dirname "$0")/lib.sh"

expect_status 0 "$m2mon" keygen
first=$out
case "$first" in
key\ =\ \"????????????????????????????????????????????????????????????????\"\;) ;;
*)
	echo "FAIL: keygen printed '$first'"
	failures=$((failures + 1))
	;;
esac
hex=${first#key = \"}
hex=${hex%\";}
if [ -n "$(printf '%s' "$hex" | tr -d '0-9a-f')" ] || [ ${#hex} -ne 64 ]; then
	echo "FAIL: '$hex' is not 64 lower-case hex digits"
	failures=$((failures + 1))
fi

expect_status 0 "$m2mon" keygen
if [ "$out" = "$first" ]; then
	echo "FAIL: two keys in a row are the same"
	failures=$((failures + 1))
fi

expect_status 0 "$m2mon" keygen --help
expect_in "$out" "Usage: m2mon keygen" "keygen --help"
expect_status 0 "$m2mon" --help
expect_in "$out" "keygen" "--help lists keygen"

expect_status 2 "$m2mon" keygen --bits 128
expect_in "$err" "unknown option '--bits'" "keygen refuses an option"
expect_status 2 "$m2mon" keygen WH1
expect_in "$err" "unexpected argument 'WH1'" "keygen refuses an argument"
finish
