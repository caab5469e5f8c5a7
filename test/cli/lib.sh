# Helpers for command-line tests: `expect_status N CMD...` runs CMD, keeps its output in
# $out and $err, and fails the test when the exit status is not N; `expect_in` looks for a
# needle; `chrome` and `expect_screenshot` open a page in headless Chromium and check its
# screenshot.
set -u
failures=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

expect_status() {
	local want=$1
	shift
	"$@" >"$tmp/out" 2>"$tmp/err"
	local got=$?
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
	if [ "$got" -ne "$want" ]; then
		echo "FAIL: '$*' exited $got, expected $want"
		echo "  stdout: $out"
		echo "  stderr: $err"
		failures=$((failures + 1))
	fi
}

expect_in() { # expect_in TEXT NEEDLE WHAT
	case "$1" in
	*"$2"*) ;;
	*)
		echo "FAIL: $3: '$2' not found in: $1"
		failures=$((failures + 1))
		;;
	esac
}

# need_chromium: $browser is Chromium, or the test fails at once.
need_chromium() {
	browser=$(command -v chromium || true)
	[ -n "$browser" ] || { echo "FAIL: chromium missing: run scripts/setup"; exit 1; }
}

# chrome WIDTH,HEIGHT BUDGET_MS ARGS...: headless $browser (need_chromium) with a profile of
# its own, that window and BUDGET_MS of virtual time, bounded to 90 s; its stderr goes to
# $tmp/chrome.log.
chrome() {
	local size=$1 budget=$2 profile
	shift 2
	profile=$(mktemp -d "$tmp/chrome.XXXXXX")
	timeout 90 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$profile" --window-size="$size" --virtual-time-budget="$budget" "$@" 2>>"$tmp/chrome.log"
}

# expect_screenshot PNG_STATS SHOT WHY "KEY LEAST"...: PNG_STATS reads SHOT (its figures are
# left in $stats) and each figure KEY is at least LEAST; WHY says what they show.
expect_screenshot() {
	local png_stats=$1 shot=$2 why=$3 want key least v
	shift 3
	expect_status 0 "$png_stats" "$shot"
	stats=$out
	echo "screenshot: $shot: $stats"
	for want in "$@"; do
		read -r key least <<<"$want"
		v=$(printf '%s\n' "$stats" | tr ' ' '\n' | sed -n "s/^$key=//p")
		if [ -z "$v" ] || [ "$v" -lt "$least" ]; then
			echo "FAIL: screenshot: $key=$v, expected at least $least ($why)"
			failures=$((failures + 1))
		fi
	done
}

finish() {
	if [ "$failures" -ne 0 ]; then
		echo "$failures check(s) failed"
		exit 1
	fi
	echo "all checks passed"
}
