#!/usr/bin/env bash
# Sourced by the load benchmarks that run against the demo world: the settings every one of
# them takes, the release binary, a demo store of PARTICIPANTS people on SQLite or PostgreSQL,
# a server on it, and a session logged in through the real form.
#
# Environment: PARTICIPANTS (100000), RATE (the caller's default), DURATION (30s),
# BENCH_POSTGRES_URL (postgres://postgres@127.0.0.1:5432), OHA, EFFEKT_BIN (a release binary to
# use instead of building this checkout's), KEEP_WORK (keep the scratch folder).

participants="${PARTICIPANTS:-100000}"
duration="${DURATION:-30s}"
pg_base="${BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}"
oha_bin="${OHA:-$(command -v oha || echo /root/.cargo/bin/oha)}"
[ -x "$oha_bin" ] || { echo "oha not found: cargo install oha --locked" >&2; exit 1; }
work="$(mktemp -d)"
trap 'kill "${server:-0}" 2>/dev/null || true; [ -n "${KEEP_WORK:-}" ] || rm -rf "$work"' EXIT

if [ -n "${EFFEKT_BIN:-}" ]; then
  bin="$EFFEKT_BIN"
else
  cargo build --release --locked -p effekt >/dev/null
  bin="$PWD/target/release/effekt"
fi
port="${BENCH_PORT:-18081}"
base="http://127.0.0.1:$port"

# shellcheck source=bench/oha-summary.sh
source "$PWD/bench/oha-summary.sh"

create_demo() { # store (sqlite|postgres) -> sets $database, a fresh demo of $participants
  if [ "$1" = sqlite ]; then
    database="$work/bench.db"
    rm -f "$database"*
  else
    psql "$pg_base/postgres" -qc "DROP DATABASE IF EXISTS effekt_bench" -qc "CREATE DATABASE effekt_bench" >/dev/null
    database="$pg_base/effekt_bench"
  fi
  echo "== $1: creating $participants participants"
  /usr/bin/time -f "   created in %e s" "$bin" demo --no-serve --participants "$participants" --database "$database" >/dev/null 2>"$work/create.log" || { cat "$work/create.log"; exit 1; }
  tail -1 "$work/create.log"
  # Measure the steady state, not the minute after a 100,000-row load: without this,
  # autovacuum and analyze of the fresh tables run during the measurement (PostgreSQL).
  if [ "$1" = postgres ]; then psql "$database" -qc "VACUUM (ANALYZE)"; fi
}

start_server() {
  "$bin" demo --database "$database" --listen "127.0.0.1:$port" >"$work/server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 200); do curl -fs "$base/internal/health/readiness" >/dev/null && return; sleep 0.1; done
  echo "server did not start"; cat "$work/server.log"; exit 1
}

stop_server() { kill "$server"; wait "$server" 2>/dev/null || true; }

login() { # username -> sets $cookie
  local jar="$work/cookies-$1" token
  rm -f "$jar"
  token=$(curl -fs -c "$jar" "$base/logg-inn" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p')
  curl -fs -b "$jar" -c "$jar" -o /dev/null -d "csrf=$token&username=$1&password=effekt-demo-2026" "$base/logg-inn"
  cookie="Cookie: effekt_session=$(awk '$6 == "effekt_session" {print $7}' "$jar")"
}

for_each_store() { # sqlite|postgres|both, then the function to run per store
  case "$1" in
    sqlite|postgres) "$2" "$1" ;;
    both) "$2" sqlite; "$2" postgres ;;
    *) echo "usage: $0 [sqlite|postgres|both]" >&2; exit 2 ;;
  esac
}
