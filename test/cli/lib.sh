# Helpers for command-line tests: `expect_status N CMD...` runs CMD, keeps its output in
# $out and $err, and fails the test when the exit status is not N.
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

finish() {
	if [ "$failures" -ne 0 ]; then
		echo "$failures check(s) failed"
		exit 1
	fi
	echo "all checks passed"
}
