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
# 127.0.0.1 only. Environment: RATE (200) and those of bench/demo-server.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
rate="${RATE:-200}"
# shellcheck source=bench/demo-server.sh
source "$PWD/bench/demo-server.sh"

run_store() {
  create_demo "$1"
  start_server
  # A Nav case officer (about half of all participants).
  login veileder.grunerlokka
  local first="$base/deltakere" search="$base/deltakere?sok=ali&status=DELTAR" trivial="$base/internal/health/liveness"
  "$oha_bin" --no-tui -z 5s -c 8 -H "$cookie" "$first" >/dev/null   # warm-up
  "$oha_bin" --no-tui -z 5s -c 8 -H "$cookie" "$search" >/dev/null
  local target url
  for target in first search; do
    url=$([ $target = first ] && echo "$first" || echo "$search")
    "$oha_bin" --no-tui --output-format json -z "$duration" -q "$rate" --latency-correction -c 32 -H "$cookie" "$url" >"$work/$target.json"
    summary "$1 open-loop $rate/s $target" "$work/$target.json"
  done
  # Sustained throughput, closed loop, same server, same run.
  "$oha_bin" --no-tui --output-format json -z 10s -c 16 -H "$cookie" "$first" >"$work/max-list.json"
  "$oha_bin" --no-tui --output-format json -z 10s -c 16 "$trivial" >"$work/max-trivial.json"
  summary "$1 closed-loop list" "$work/max-list.json"
  summary "$1 closed-loop liveness" "$work/max-trivial.json"
  python3 - "$work/max-list.json" "$work/max-trivial.json" "$1" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))["summary"]["requestsPerSec"]
b = json.load(open(sys.argv[2]))["summary"]["requestsPerSec"]
print(f"{sys.argv[3]:<34} list/liveness throughput ratio {a / b:.4f}")
PY
  stop_server
}

for_each_store "${1:-both}" run_store
