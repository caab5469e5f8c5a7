# The real m2mon binary: help, version, per-command help, and exit 2 on mistakes.
m2mon=$1
. "$(dirname "$0")/lib.sh"

expect_status 0 "$m2mon" --help
expect_in "$out" "check-config" "--help lists check-config"
expect_in "$out" "demo" "--help lists demo"

expect_status 0 "$m2mon" --version
expect_in "$out" "m2mon " "--version"

expect_status 0 "$m2mon" check-config --help
expect_in "$out" "Usage: m2mon check-config FILE" "check-config --help"

expect_status 2 "$m2mon" frobnicate
expect_in "$err" "unknown command 'frobnicate'" "unknown command"

expect_status 2 "$m2mon" --frobnicate
expect_in "$err" "unknown option '--frobnicate'" "unknown option"

expect_status 2 "$m2mon" check-config --frobnicate x.conf
expect_in "$err" "unknown option '--frobnicate'" "unknown subcommand option"

expect_status 2 "$m2mon"
expect_in "$err" "missing command" "no command"

expect_status 0 "$m2mon" --help
expect_in "$out" "--log-level LEVEL" "--help shows the global options"

expect_status 0 "$m2mon" --log-level trace --syslog check-config "$2/conf/unit.conf"
expect_in "$out" "valid unit configuration" "global options before the command"

expect_status 2 "$m2mon" --log-level loud check-config "$2/conf/unit.conf"
expect_in "$err" "--log-level needs one of" "a bad log level"

expect_status 2 "$m2mon" demo --speed 0
expect_in "$err" "--speed wants 1 to 20, not '0'" "demo: a bad speed"
expect_status 2 "$m2mon" demo --keep
expect_in "$err" "unknown option or missing value '--keep'" "demo: --keep without its folder"
expect_status 2 "$m2mon" demo now
expect_in "$err" "unexpected argument 'now'" "demo: an argument"

# A child of the demo whose parent is gone before it could follow it does not start.
expect_status 1 env M2MON_PARENT_PID=999999999 "$m2mon" --version
expect_in "$err" "the process that started this one (pid 999999999) is gone; not starting" "parent gone"
expect_status 0 env M2MON_PARENT_PID=$$ bash -c 'exec "$0" --version' "$m2mon"

expect_status 2 env M2MON_TEST_CRASH=soon "$m2mon" unit --config "$2/conf/unit.conf"
expect_in "$err" "M2MON_TEST_CRASH='soon' names no crash point (rx-handled)" "an unknown crash point"
finish
