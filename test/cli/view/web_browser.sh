#!/usr/bin/env bash
# The office display in a real browser: `m2mon web` on the test site (units in alarm, taken,
# silent, fine and never heard), its API over real HTTP (ETag and 304, 400 for a hostile
# query, 405, the headers that keep the page to itself), then headless Chromium opens the
# page: the DOM its script built must show the units and the open alarms, and its
# screenshot (kept in the build tree) must show the state colours. SIGTERM stops it cleanly.
# Usage: web_browser.sh M2MON SOURCE_DIR MAKE_SITE_DB PNG_STATS OUT_DIR
m2mon=$1
make_db=$3
png_stats=$4
out_dir=$5
. "$2/test/cli/lib.sh"

need_chromium
db="$tmp/base.db"
conf="$tmp/base.conf"
sed "s|@STORE@|$db|" "$2/test/cli/view/site.conf.in" >"$conf"
"$make_db" "$db" 2>/dev/null || { echo "FAIL: make_site_db"; exit 1; }
mkdir -p "$out_dir"

web_pid=
later_pid=
stop_web() {
	[ -n "$web_pid" ] && kill "$web_pid" 2>/dev/null && wait "$web_pid" 2>/dev/null
	[ -n "$later_pid" ] && kill "$later_pid" 2>/dev/null && wait "$later_pid" 2>/dev/null
	web_pid=
	later_pid=
}
trap 'stop_web; rm -rf "$tmp"' EXIT

# Starts the display on a free port and waits (bounded) for the line that gives its URL.
"$m2mon" --log-level debug web --config "$conf" --listen 127.0.0.1:0 2>"$tmp/web.log" &
web_pid=$!
url=
for _ in $(seq 200); do
	url=$(sed -n 's/.*event=start url=\([^ ]*\).*/\1/p' "$tmp/web.log")
	[ -n "$url" ] && break
	kill -0 "$web_pid" 2>/dev/null || break
	sleep 0.05
done
[ -n "$url" ] || { echo "FAIL: m2mon web did not start: $(cat "$tmp/web.log")"; exit 1; }
port=${url##*:}
port=${port%/}
expect_in "$url" "http://127.0.0.1:" "the start line names the URL"

# One HTTP/1.0 exchange over bash's /dev/tcp: http REQUEST_LINE [HEADER...]
http() {
	local line=$1
	shift
	exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
	{
		printf '%s\r\nHost: 127.0.0.1\r\n' "$line"
		for h in "$@"; do printf '%s\r\n' "$h"; done
		printf '\r\n'
	} >&3
	tr -d '\r' <&3
	exec 3<&-
}

resp=$(http "GET /api/status HTTP/1.0")
expect_in "$resp" "HTTP/1.1 200 OK" "status over HTTP"
expect_in "$resp" "Content-Type: application/json" "status is JSON"
expect_in "$resp" "Content-Security-Policy: default-src 'none'; script-src 'self'" "the page may load only itself"
expect_in "$resp" '"site":"Cold store North"' "status body"
etag=$(printf '%s\n' "$resp" | sed -n 's/^ETag: //p')
resp=$(http "GET /api/status HTTP/1.0" "If-None-Match: $etag")
expect_in "$resp" "HTTP/1.1 304 Not Modified" "a poll that finds nothing new"
resp=$(http "GET /api/history?unit=WH1%00&since=24h HTTP/1.0")
expect_in "$resp" "HTTP/1.1 400 Bad Request" "a NUL in a query string"
expect_in "$resp" '{"error":"unit: bad percent-encoding or a NUL in the value"}' "the 400 says what"
resp=$(http "GET /api/chart.svg?unit=WH1&since=24h&since=1h HTTP/1.0")
expect_in "$resp" '"since: given twice"' "a parameter twice"
resp=$(http "GET /api/chart.svg?unit=WH1&width=700&height=300 HTTP/1.0")
expect_in "$resp" "Content-Type: image/svg+xml" "the chart"
resp=$(http "POST /api/status HTTP/1.0" "Content-Length: 0")
expect_in "$resp" "HTTP/1.1 405 Method Not Allowed" "POST refused"
expect_in "$resp" "Allow: GET, HEAD" "405 says what is allowed"
resp=$(http "GET /../../etc/passwd HTTP/1.0")
expect_in "$resp" "HTTP/1.1 404 Not Found" "no file outside the page"

chrome 1920,1080 8000 --dump-dom "$url" >"$tmp/dom.html"
dom=$(cat "$tmp/dom.html")
cp "$tmp/dom.html" "$out_dir/web-dom.html"
expect_in "$dom" 'id="site-name">Cold store North<' "DOM: the site"
expect_in "$dom" 'data-unit="WH1" data-state="acked"' "DOM: WH1 taken"
expect_in "$dom" 'data-unit="FRZ1" data-state="alarm"' "DOM: FRZ1 in alarm"
expect_in "$dom" 'data-unit="REEFER3" data-state="silent"' "DOM: REEFER3 silent"
expect_in "$dom" 'data-unit="WH2" data-state="ok"' "DOM: WH2 fine"
expect_in "$dom" 'data-unit="WH9" data-state="unknown"' "DOM: WH9 never heard"
expect_in "$dom" '<div class="silent-word">SILENT</div>' "DOM: SILENT in the tile"
expect_in "$dom" 'data-incident="14"><div class="inc-title">#14 FRZ1 T1 HIGH -14.9 °C (limit -15.0)</div>' "DOM: the open alarm"
expect_in "$dom" 'told Alice, Bob' "DOM: who was told"
expect_in "$dom" 'taken by Bob at ' "DOM: who took 12"
expect_in "$dom" 'nobody has taken it yet' "DOM: an alarm nobody took"
expect_in "$dom" '24 h: -18.4 to -14.' "DOM: the day's range from /api/history"
expect_in "$dom" 'Bob: ACK 12' "DOM: the events from /api/events"
expect_in "$dom" '<div id="bases" aria-label="Base stations"><span class="base' "DOM: the strip of base stations"
expect_in "$dom" '<b>north</b>' "DOM: the base by its name"
expect_in "$dom" '<span>modems 1/2</span>' "DOM: the base's modems up"
expect_in "$dom" 'src="/api/chart.svg?unit=FRZ1&amp;channel=T1&amp;since=24h&amp;width=' "DOM: a chart per channel"
if printf '%s' "$dom" | grep -q 'NOT UPDATING'; then echo "FAIL: DOM: the page says it is not updating"; failures=$((failures + 1)); fi

shot="$out_dir/web-screenshot.png"
rm -f "$shot"
chrome 1920,1080 8000 --screenshot="$shot" --hide-scrollbars "$url" >/dev/null
expect_screenshot "$png_stats" "$shot" "the tiles' colours, the charts" "colours 500" "other_pct 30" "red 30000" "amber 30000" "purple 30000" "blue 3000"
expect_in "$stats" "width=1920 height=1080" "screenshot size"
log=$(cat "$tmp/web.log")
expect_in "$log" 'path="/api/chart.svg" status=200' "the page loaded its charts"
expect_in "$log" 'path="/api/history" status=200' "the page asked for the day's ranges"
# The page polls by itself: in the 8 s of virtual time it was given, it asked again and again.
polls=$(grep -c 'path="/api/status" status=' "$tmp/web.log")
[ "$polls" -ge 6 ] || { echo "FAIL: the page polled /api/status $polls times in two loads"; failures=$((failures + 1)); }

# Before the base has made its database, the page says so instead of showing nothing.
sed "s|@STORE@|$tmp/later.db|" "$2/test/cli/view/site.conf.in" >"$tmp/later.conf"
"$m2mon" web --config "$tmp/later.conf" --listen 127.0.0.1:0 2>"$tmp/later.log" &
later_pid=$!
later_url=
for _ in $(seq 200); do
	later_url=$(sed -n 's/.*event=start url=\([^ ]*\).*/\1/p' "$tmp/later.log")
	[ -n "$later_url" ] && break
	kill -0 "$later_pid" 2>/dev/null || break
	sleep 0.05
done
if [ -n "$later_url" ]; then
	dom=$(chrome 1920,1080 8000 --dump-dom "$later_url")
	expect_in "$dom" 'no database yet: the base station creates it when it first starts' "DOM: no database yet"
else
	echo "FAIL: the second display did not start: $(cat "$tmp/later.log")"
	failures=$((failures + 1))
fi
kill "$later_pid" 2>/dev/null
wait "$later_pid" 2>/dev/null
later_pid=
expect_in "$(cat "$tmp/later.log")" 'event=store_unavailable' "the missing database is logged"
if [ "$(grep -c store_unavailable "$tmp/later.log")" -ne 1 ]; then
	echo "FAIL: the missing database is logged more than once: $(cat "$tmp/later.log")"
	failures=$((failures + 1))
fi

# Another display on the same port is refused with the reason.
expect_status 1 "$m2mon" web --config "$conf" --listen "127.0.0.1:$port"
expect_in "$err" "cannot listen there: Address already in use" "port taken"
expect_status 2 "$m2mon" web --config "$conf" --listen "localhost"
expect_in "$err" "give HOST:PORT" "a bad --listen"

# SIGTERM: a clean stop, exit 0, said in the log.
kill -TERM "$web_pid"
wait "$web_pid"
rc=$?
web_pid=
[ "$rc" -eq 0 ] || { echo "FAIL: m2mon web exited $rc on SIGTERM"; failures=$((failures + 1)); }
expect_in "$(cat "$tmp/web.log")" "event=stop signal=SIGTERM" "the stop is logged"
finish
