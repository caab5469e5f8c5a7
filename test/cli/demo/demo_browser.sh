#!/usr/bin/env bash
# The demo's site in a real browser: `m2mon demo --hold` tells the story and keeps the site
# running; headless Chromium opens the office display it printed, the DOM must show the three
# units and the open alarm (the reefer SILENT), and its screenshot (kept in the build tree)
# must not be blank. Ctrl-C then ends the demo with exit status 0.
# Usage: demo_browser.sh M2MON SOURCE_DIR PNG_STATS OUT_DIR
m2mon=$1
png_stats=$3
out_dir=$4
. "$2/test/cli/lib.sh"
. "$2/test/cli/demo/demo_lib.sh"

need_chromium
mkdir -p "$out_dir"
start_demo --speed 10 --hold
wait_line "The site keeps running (--hold)" 180
url=$(sed -n 's/.*The office display: \(http[^ ]*\).*/\1/p' "$tmp/out.txt" | head -1)
expect_in "$url" "http://127.0.0.1:" "the display's address"

chrome 1600,1000 4000 --dump-dom "$url" >"$tmp/dom.html"
dom=$(cat "$tmp/dom.html")
cp "$tmp/dom.html" "$out_dir/demo-dom.html"
expect_in "$dom" 'id="site-name">Cold store North<' "DOM: the site"
expect_in "$dom" 'data-unit="CHILLER" data-state="ok"' "DOM: the chiller, repaired"
expect_in "$dom" 'data-unit="FREEZER" data-state="ok"' "DOM: the freezer"
expect_in "$dom" 'data-unit="REEFER" data-state="silent"' "DOM: the reefer, silent"
expect_in "$dom" 'data-incident="2"><div class="inc-title">#2 REEFER' "DOM: the open alarm"
expect_in "$dom" 'told Alice' "DOM: who was told"

shot="$out_dir/demo-screenshot.png"
rm -f "$shot"
chrome 1600,1000 4000 --screenshot="$shot" --hide-scrollbars "$url" >/dev/null
expect_screenshot "$png_stats" "$shot" "a page, the silent tile" "colours 200" "other_pct 20" "purple 10000"

kill -INT "$demo_pid"
wait "$demo_pid"
rc=$?
demo_pid=
[ "$rc" -eq 0 ] || { echo "FAIL: the held demo exited $rc on Ctrl-C"; failures=$((failures + 1)); }
no_process_left "after the held demo"
finish
