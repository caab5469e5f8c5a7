#!/usr/bin/env bash
# The chart as a person sees it: `m2mon history --svg` on the test site, rendered to PNG by
# rsvg-convert (which also refuses an SVG that is not well-formed), and a look at the
# picture: its size, enough colours and drawn area, the red of the threshold and the alarm,
# the amber after the ACK, the blue and green lines of two channels, the purple hatching of
# a silent unit. The PNGs stay in the build tree for a person to look at.
# Usage: chart_png.sh M2MON SOURCE_DIR MAKE_SITE_DB PNG_STATS OUT_DIR
m2mon=$1
make_db=$3
png_stats=$4
out_dir=$5
. "$2/test/cli/lib.sh"

command -v rsvg-convert >/dev/null || { echo "FAIL: rsvg-convert missing: run scripts/setup (librsvg2-bin)"; exit 1; }
db="$tmp/base.db"
conf="$tmp/base.conf"
sed "s|@STORE@|$db|" "$2/test/cli/view/site.conf.in" >"$conf"
"$make_db" "$db" 2>/dev/null || { echo "FAIL: make_site_db"; exit 1; }
mkdir -p "$out_dir"

field() { printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
at_least() { # at_least STATS KEY MIN WHAT
	local v
	v=$(field "$1" "$2")
	if [ -z "$v" ] || [ "$v" -lt "$3" ]; then
		echo "FAIL: $4: $2=$v, expected at least $3 ($1)"
		failures=$((failures + 1))
	fi
}
at_most() {
	local v
	v=$(field "$1" "$2")
	if [ -z "$v" ] || [ "$v" -gt "$3" ]; then
		echo "FAIL: $4: $2=$v, expected at most $3 ($1)"
		failures=$((failures + 1))
	fi
}

render() { # render UNIT NAME: the chart of UNIT's channels over 24 h as OUT_DIR/chart-NAME.png
	expect_status 0 "$m2mon" history --config "$conf" "$1" --svg "$tmp/$2.svg"
	expect_status 0 rsvg-convert --format=png --output "$out_dir/chart-$2.png" "$tmp/$2.svg"
	expect_status 0 "$png_stats" "$out_dir/chart-$2.png"
	stats=$out
}

render WH1 WH1
expect_in "$stats" "width=900 height=320" "WH1: the chart's size"
at_least "$stats" colours 200 "WH1: not blank"
at_least "$stats" other_pct 8 "WH1: drawn area"
at_least "$stats" red 300 "WH1: threshold line and the red of the alarms"
at_least "$stats" amber 2000 "WH1: amber after the acknowledgements"
at_least "$stats" blue 800 "WH1: T1's line"
at_least "$stats" green 800 "WH1: T2's line"
at_most "$stats" purple 50 "WH1: no silent hatching (a few edge pixels at most)"

render REEFER3 REEFER3
at_least "$stats" purple 3000 "REEFER3: the silent period hatched"

# A blank chart is told apart: one of a unit never heard has only its frame and words.
render WH9 WH9
at_most "$stats" blue 0 "WH9: no line"
at_most "$stats" other_pct 7 "WH9: little drawn"

# A document that is not well-formed is refused by the renderer: the check above means it.
printf '<svg xmlns="http://www.w3.org/2000/svg"><text>a & b</text></svg>' >"$tmp/bad.svg"
expect_status 1 rsvg-convert --format=png --output "$tmp/bad.png" "$tmp/bad.svg"
finish
