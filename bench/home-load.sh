#!/usr/bin/env bash
# Load test of the homes (issue 12, "Performance"): with 100,000 participants in the demo, each
# role's home (/hjem) must hold an open-loop rate of 100 requests/s for 30 s after a warm-up
# with p99 under 50 ms, on SQLite and on PostgreSQL. The homes read no personal data, so no
# audit record is written per request. What the tasks are worked out from (terms, versions,
# statements, the newest snapshot) is read once per store and workflow generation and kept in
# the app's cache, so a request reads the session, the two generations and the viewer's
# organisation, and works its tasks out in memory.
#
# Usage: bench/home-load.sh [sqlite|postgres|both]   (default both)
# Needs: oha (cargo install oha --locked), a PostgreSQL server for the postgres run
# (BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432). Sends traffic to
# 127.0.0.1 only. Environment: PARTICIPANTS (100000), RATE (100), DURATION (30s), EFFEKT_BIN
# (a release binary to use instead of building this checkout's).
set -euo pipefail
cd "$(dirname "$0")/.."

stores="${1:-both}"
participants="${PARTICIPANTS:-100000}"
rate="${RATE:-100}"
duration="${DURATION:-30s}"
pg_base="${BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}"
oha_bin="${OHA:-$(command -v oha || echo /root/.local/oha/bin/oha)}"
[ -x "$oha_bin" ] || { echo "oha not found: cargo install oha --locked" >&2; exit 1; }
work="$(mktemp -d)"
trap 'kill "${server:-0}" 2>/dev/null || true; [ -n "${KEEP_WORK:-}" ] || rm -rf "$work"' EXIT

if [ -n "${EFFEKT_BIN:-}" ]; then
  bin="$EFFEKT_BIN"
else
  cargo build --release --locked -p effekt >/dev/null
  bin="$PWD/target/release/effekt"
fi
port=18081
# One account of each kind of home: tasks to compute (the contract manager), to decide (the
# lead provider's admin, an investor), none (a case officer, the evaluator), and the
# administrator's (a failed import; its figures read the accounts on every request).
users="kontrakt.forvalter admin.stor investor.stiftelse veileder.grunerlokka evaluator administrator"

# shellcheck source=bench/oha-summary.sh
source "$PWD/bench/oha-summary.sh"

run_store() {
  local store="$1" database
  if [ "$store" = sqlite ]; then
    database="$work/bench.db"
  else
    psql "$pg_base/postgres" -qc "DROP DATABASE IF EXISTS effekt_bench" -qc "CREATE DATABASE effekt_bench" >/dev/null
    database="$pg_base/effekt_bench"
  fi
  echo "== $store: creating $participants participants"
  /usr/bin/time -f "   created in %e s" "$bin" demo --no-serve --participants "$participants" --database "$database" >/dev/null 2>"$work/create.log" || { cat "$work/create.log"; exit 1; }
  tail -1 "$work/create.log"
  "$bin" demo --database "$database" --listen "127.0.0.1:$port" >"$work/server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/internal/health/readiness" >/dev/null && break; sleep 0.2; done
  local base="http://127.0.0.1:$port"
  for user in $users; do
    local jar="$work/cookies-$user" token session
    token=$(curl -fs -c "$jar" "$base/logg-inn" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p')
    curl -fs -b "$jar" -c "$jar" -o /dev/null -d "csrf=$token&username=$user&password=effekt-demo-2026" "$base/logg-inn"
    session=$(awk '$6 == "effekt_session" {print $7}' "$jar")
    local cookie="Cookie: effekt_session=$session"
    local tasks
    tasks=$(curl -fs -H "$cookie" "$base/hjem" | grep -c '<tr class="task-' || true)
    "$oha_bin" --no-tui -z 5s -c 8 -H "$cookie" "$base/hjem" >/dev/null   # warm-up
    "$oha_bin" --no-tui --output-format json -z "$duration" -q "$rate" --latency-correction -c 16 -H "$cookie" "$base/hjem" >"$work/$user.json"
    summary "$store $user ($tasks tasks) $rate/s" "$work/$user.json"
  done
  kill "$server"; wait "$server" 2>/dev/null || true
}

case "$stores" in
  sqlite|postgres) run_store "$stores" ;;
  both) run_store sqlite; run_store postgres ;;
  *) echo "usage: $0 [sqlite|postgres|both]" >&2; exit 2 ;;
esac
