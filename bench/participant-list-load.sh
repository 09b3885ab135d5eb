#!/usr/bin/env bash
# Load test of the participant list (issue 2, "Performance"): with 100,000 participants in the
# store, the first page and a filtered search must hold an open-loop rate of 200 requests/s for
# 30 s after a warm-up, with p99 under 100 ms, audit writes included — on SQLite and on
# PostgreSQL. It also reports the list's sustained (closed-loop) throughput as a ratio to a
# trivial endpoint of the same server in the same run.
#
# Usage: bench/participant-list-load.sh [sqlite|postgres|both]   (default both)
# Needs: oha (cargo install oha --locked), a PostgreSQL server for the postgres run
# (BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432). Sends traffic to
# 127.0.0.1 only. Environment: PARTICIPANTS (100000), RATE (200), DURATION (30s), EFFEKT_BIN
# (a release binary to use instead of building this checkout's).
set -euo pipefail
cd "$(dirname "$0")/.."

stores="${1:-both}"
participants="${PARTICIPANTS:-100000}"
rate="${RATE:-200}"
duration="${DURATION:-30s}"
pg_base="${BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}"
oha_bin="${OHA:-$(command -v oha || echo /root/.local/oha/bin/oha)}"
[ -x "$oha_bin" ] || { echo "oha not found: cargo install oha --locked" >&2; exit 1; }
work="$(mktemp -d)"
trap 'kill "${server:-0}" 2>/dev/null || true; [ -n "${KEEP_WORK:-}" ] || rm -rf "$work"' EXIT

# EFFEKT_BIN: a binary built already (e.g. copied aside so that building goes on meanwhile).
if [ -n "${EFFEKT_BIN:-}" ]; then
  bin="$EFFEKT_BIN"
else
  cargo build --release --locked -p effekt >/dev/null
  bin="$PWD/target/release/effekt"
fi
port=18080

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
  # Log in through the real form as a Nav case officer (about half of all participants).
  local jar="$work/cookies" token
  token=$(curl -fs -c "$jar" "http://127.0.0.1:$port/logg-inn" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p')
  curl -fs -b "$jar" -c "$jar" -o /dev/null -d "csrf=$token&username=veileder.grunerlokka&password=effekt-demo-2026" "http://127.0.0.1:$port/logg-inn"
  local session
  session=$(awk '$6 == "effekt_session" {print $7}' "$jar")
  local cookie="Cookie: effekt_session=$session"
  local base="http://127.0.0.1:$port"
  local first="$base/deltakere" search="$base/deltakere?sok=ali&status=DELTAR" trivial="$base/internal/health/liveness"

  "$oha_bin" --no-tui -z 5s -c 8 -H "$cookie" "$first" >/dev/null   # warm-up
  "$oha_bin" --no-tui -z 5s -c 8 -H "$cookie" "$search" >/dev/null
  for target in first search; do
    local url; url=$([ $target = first ] && echo "$first" || echo "$search")
    "$oha_bin" --no-tui --output-format json -z "$duration" -q "$rate" --latency-correction -c 32 -H "$cookie" "$url" >"$work/$target.json"
    summary "$store open-loop $rate/s $target" "$work/$target.json"
  done
  # Sustained throughput, closed loop, same server, same run.
  "$oha_bin" --no-tui --output-format json -z 10s -c 16 -H "$cookie" "$first" >"$work/max-list.json"
  "$oha_bin" --no-tui --output-format json -z 10s -c 16 "$trivial" >"$work/max-trivial.json"
  summary "$store closed-loop list" "$work/max-list.json"
  summary "$store closed-loop liveness" "$work/max-trivial.json"
  python3 - "$work/max-list.json" "$work/max-trivial.json" "$store" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))["summary"]["requestsPerSec"]
b = json.load(open(sys.argv[2]))["summary"]["requestsPerSec"]
print(f"{sys.argv[3]:<34} list/liveness throughput ratio {a / b:.4f}")
PY
  kill "$server"; wait "$server" 2>/dev/null || true
}

case "$stores" in
  sqlite|postgres) run_store "$stores" ;;
  both) run_store sqlite; run_store postgres ;;
  *) echo "usage: $0 [sqlite|postgres|both]" >&2; exit 2 ;;
esac
