#!/usr/bin/env bash
# A throw-away PostgreSQL 15 cluster for tests: its own data directory and Unix socket in a
# temporary folder, no TCP, fsync off (M2_PG_FSYNC=on for benchmarks). As root the server
# root); otherwise as the caller. Sourced for its functions, or run as a wrapper:
#
#   pg_cluster.sh run CMD [ARGS...]   start a cluster, run CMD with M2_PG_DIR, M2_PG_BIN,
#                                     M2_PG_PORT and M2_PG_URI (the postgres database) in
#                                     its environment, stop the cluster (also when CMD
#                                     fails or the wrapper is killed), exit with CMD's status
#   pg_cluster.sh restart DIR [fast|immediate]   restart a running cluster in place
#   pg_cluster.sh stop DIR
set -euo pipefail

M2_PG_BIN=${M2_PG_BIN:-/usr/lib/postgresql/15/bin}
M2_PG_PORT=${M2_PG_PORT:-5432}
# fsync off for tests; benchmarks set M2_PG_FSYNC=on to compare with SQLite's synchronous=FULL.
M2_PG_FSYNC=${M2_PG_FSYNC:-off}

pg__as() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# pg_cluster_start DIR: initdb into DIR/data and start the server with its socket in DIR.
pg_cluster_start() {
  local dir=$1
  if [ ! -x "$M2_PG_BIN/initdb" ]; then
    echo "pg_cluster: no $M2_PG_BIN/initdb: run scripts/setup (postgresql)" >&2
    return 1
  fi
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
  pg__as "$M2_PG_BIN/initdb" -D "$dir/data" -A trust -U postgres --no-sync -E UTF8 \
    --locale=C >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; return 1; }
  pg__as "$M2_PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-k $dir -c listen_addresses='' -p $M2_PG_PORT -c fsync=$M2_PG_FSYNC -c autovacuum=off -c max_connections=60" \
    start >/dev/null || { cat "$dir/server.log" >&2; return 1; }
}

pg_cluster_stop() {
  local dir=$1 mode=${2:-fast}
  [ -f "$dir/data/postmaster.pid" ] || return 0
  pg__as "$M2_PG_BIN/pg_ctl" -D "$dir/data" -m "$mode" -w stop >/dev/null 2>&1 || true
}

pg_cluster_restart() {
  local dir=$1 mode=${2:-fast}
  pg__as "$M2_PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -m "$mode" -w \
    -o "-k $dir -c listen_addresses='' -p $M2_PG_PORT -c fsync=$M2_PG_FSYNC -c autovacuum=off -c max_connections=60" \
    restart >/dev/null
}

pg_cluster_uri() {
  echo "postgresql:///postgres?host=$1&port=$M2_PG_PORT&user=postgres"
}

pg__run() {
  local dir
  dir=$(mktemp -d "${TMPDIR:-/tmp}/m2pg-XXXXXX")
  chmod 755 "$dir"
  pg_cluster_start "$dir" || { rm -rf "$dir"; exit 1; }
  local me=$$
  # If this wrapper is killed outright (a test timeout), nothing traps: a watchdog stops
  # the server when the wrapper is gone.
  ( trap '' HUP; while kill -0 "$me" 2>/dev/null; do sleep 2; done
    pg_cluster_stop "$dir" immediate; rm -rf "$dir" ) >/dev/null 2>&1 &
  local watchdog=$!
  trap 'pg_cluster_stop "$dir" immediate; rm -rf "$dir"; kill "$watchdog" 2>/dev/null || true' EXIT
  trap 'exit 143' TERM INT
  export M2_PG_DIR=$dir M2_PG_BIN M2_PG_PORT
  M2_PG_URI=$(pg_cluster_uri "$dir")
  export M2_PG_URI
  local rc=0
  "$@" || rc=$?
  if [ "$rc" -ne 0 ] && [ -f "$dir/server.log" ]; then
    echo "pg_cluster: the server's log:" >&2
    tail -n 40 "$dir/server.log" >&2
  fi
  exit "$rc"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  case "${1:-}" in
    run) shift; pg__run "$@" ;;
    restart) pg_cluster_restart "$2" "${3:-fast}" ;;
    stop) pg_cluster_stop "$2" "${3:-fast}" ;;
    *) echo "usage: pg_cluster.sh run CMD... | restart DIR [fast|immediate] | stop DIR" >&2; exit 2 ;;
  esac
fi
